//! The generic part of `sched.test_cmd` (SCHEDULING.md §4.3): a plugin supplies its launcher
//! parts; the command is `join(parts + [wrapper])` with every part trimmed, empty parts dropped
//! and exactly one space between parts (a part may itself contain spaces).

/// `join(parts + [wrapper])`; never has leading or trailing spaces.
pub fn join_test_cmd<S: AsRef<str>>(parts: &[S], wrapper: Option<&str>) -> String {
    parts
        .iter()
        .map(AsRef::as_ref)
        .chain(wrapper)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<&str>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapper_rule() {
        let parts = ["srun", "-N", "2", "-w", "cn[07-08]", "-n", "8"];
        assert_eq!(
            join_test_cmd(&parts, Some("valgrind --quiet")),
            "srun -N 2 -w cn[07-08] -n 8 valgrind --quiet"
        );
        let none: [&str; 0] = [];
        assert_eq!(join_test_cmd(&none, Some("  strace -f ")), "strace -f");
        assert_eq!(join_test_cmd(&none, None), "");
        assert_eq!(
            join_test_cmd(&["", " mpirun ", "", "--mca  a b"], Some("")),
            "mpirun --mca  a b"
        );
    }
}
