//! The `{{ }}` expression language and the config string syntax (CONFIG.md §6.3, §7, §11).
//!
//! * [`Template`] parses a config string (literal text, `{{ expr [:spec] }}` expressions and
//!   `[~ text ~sep]` iterations) once and renders it any number of times.
//! * [`Expression`] / [`eval_expr`] evaluate a bare expression (result evaluations).
//! * [`Resolver`] is how expressions look variables up. The §6.3 rules for indexes, slices,
//!   `*` and sub-keys are applied here, on top of [`Resolver::items`], so every variable
//!   resolver behaves the same; [`MapResolver`] implements the §11 rules over a result mapping.
//!
//! Values keep the text of variables: a reference to `ver: "1.10"` renders as `1.10`. Strings are
//! auto-typed ([`Value::auto_type`]) only where a number or a bool is needed: operands of math,
//! comparisons and logic, numeric function arguments, and a format spec that does not fit text.

mod ast;
mod error;
mod eval;
mod format;
mod format_spec;
mod functions;
mod functions_stats;
mod lexer;
mod ops;
mod parser;
mod pyfloat;
mod refs;
mod string;
mod value;

#[cfg(test)]
mod tests_eval;
#[cfg(test)]
mod tests_prop;
#[cfg(test)]
mod tests_string;

pub use error::ExprError;
pub use eval::{eval_expr, Expression};
pub use format_spec::FormatSpec;
pub use pyfloat::float_repr;
pub use refs::{resolve_var_path, MapResolver, RefIndex, RefPart, Resolver, VarRef, VAR_SETS};
pub use string::{escape, Template};
pub use value::Value;
