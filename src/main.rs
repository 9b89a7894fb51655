//! The `loggia` executable: all logic lives in the library.

fn main() {
    std::process::exit(loggia::main());
}
