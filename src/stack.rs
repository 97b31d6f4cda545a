//! Deep recursion without stack overflow.
//!
//! Parsing, planning, printing and evaluating walk expression and plan trees
//! recursively. Input depth is bounded (see `parser::MAX_EXPRESSION_DEPTH`), but frames
//! are large in debug builds and callers may run on small thread stacks, so the
//! recursive entry points call `grow`, which continues on a fresh stack segment when
//! little stack is left.

/// Runs `work`, first moving to a new 4 MiB stack segment if less than 256 KiB remain
/// (a debug build can use tens of KiB between two checks).
pub fn grow<R>(work: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(256 * 1024, 4 * 1024 * 1024, work)
}
