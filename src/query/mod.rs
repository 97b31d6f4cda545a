//! The query pipeline: text → AST (`syntax`) → plan (`plan`) → rows (`exec`).

pub mod error;
pub mod syntax;
