//! Plugin subsection schemas (SCHEDULING.md §2.6): the keys a plugin accepts under
//! `schedule.<plugin>`, with kinds, defaults, validators and help.

/// The kind of a subsection value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Str,
    Int,
    Bool,
    List,
    Map,
}

/// How a value is checked (and normalised).
#[derive(Debug, Clone)]
pub enum Validator {
    None,
    /// Case-insensitive match, normalised to the listed spelling.
    Choices(&'static [&'static str]),
    /// Whole-value regex (per item for lists).
    Regex(&'static str),
    /// Inclusive integer range.
    Range(i64, i64),
}

/// A default value.
#[derive(Debug, Clone)]
pub enum Default {
    None,
    Str(&'static str),
    List(&'static [&'static str]),
}

/// One key of a plugin subsection.
#[derive(Debug, Clone)]
pub struct KeySpec {
    pub key: &'static str,
    pub kind: Kind,
    pub default: Default,
    pub validator: Validator,
    pub help: &'static str,
    pub example: &'static str,
    /// Part of the job-share key (§3.8).
    pub allocation: bool,
}

/// The ordered key specs of one plugin's subsection.
#[derive(Debug, Clone, Default)]
pub struct PluginSchema {
    pub keys: Vec<KeySpec>,
}
