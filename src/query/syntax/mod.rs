//! Syntax: query text → tokens → spanned AST. Independent of the graph.

pub mod ast;
pub mod lexer;
pub mod parser;

pub use parser::{parse, parse_expression};
