//! The single error type of the expression module: a message plus, when known, where it happened.

/// An expression or string-syntax error.
///
/// `offset` is the 0-based **character** (not byte) offset into the source that was parsed: the
/// template text for [`crate::expr::Template`], the expression text for
/// [`crate::expr::eval_expr`]. The message never repeats the offset, so callers can turn it into
/// `file:line:col` themselves.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ExprError {
    pub message: String,
    pub offset: Option<usize>,
}

impl ExprError {
    /// An error without a position (attached later by the evaluator).
    pub fn new(message: impl Into<String>) -> Self {
        ExprError {
            message: message.into(),
            offset: None,
        }
    }

    /// An error at a known character offset.
    pub fn at(message: impl Into<String>, offset: usize) -> Self {
        ExprError {
            message: message.into(),
            offset: Some(offset),
        }
    }

    /// Sets the offset unless a more precise one is already known.
    pub fn or_at(mut self, offset: usize) -> Self {
        if self.offset.is_none() {
            self.offset = Some(offset);
        }
        self
    }
}
