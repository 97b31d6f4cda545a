//! `Span`: a byte range in the query text, and the line/column lookup errors need.
//!
//! Every token, AST node and query error carries one, so any message can point at the
//! exact words it is about. It sits beside `error` rather than inside `syntax`, so
//! those two never need to import each other.

/// A byte range `start..end` in the query text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// 1-based line and column (in characters) of this span's start in `source`.
    pub fn line_column(self, source: &str) -> (usize, usize) {
        line_column(source, self.start)
    }
}

use crate::text::line_column;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(line_column("ə\nşə x", 8), (2, 4));
    }
}
