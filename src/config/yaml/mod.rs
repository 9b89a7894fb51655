//! The spanned YAML layer for config files: load a file into a tree whose every key and value
//! knows its `file:line:col`, merge layered trees (host, mode, inheritance, `key+`), and
//! deserialize typed config structs from the tree with errors that point at the offending text.
//!
//! Why not `serde_yaml::Value`: it drops locations, and merging must happen on an untyped tree
//! before typed validation. The rules implemented here are CONFIG.md §0 (Y1–Y6) and §5.
//!
//! ```text
//! load_file / load_str ──▶ Node ──merge──▶ Node ──from_node::<T>──▶ typed config
//!                                                     └─ ConfigError (span, key path, did-you-mean)
//! ```

mod de;
mod de_scalar;
mod error;
mod leaf;
mod load;
mod located;
mod merge;
mod node;
mod path;
mod render;
mod source;
mod suggest;

#[cfg(test)]
mod de_tests;
#[cfg(test)]
mod load_tests;

pub use de::from_node;
pub use error::{ConfigError, ErrorDetails, ErrorKind};
pub use load::{load_file, load_str};
pub use located::Located;
pub use merge::{merge, merge_variables};
pub use node::{Key, Node, NodeKind};
pub use render::snippet;
pub use source::{Source, Span};
