//! What every place a person types Cypher shares, the shell and the web page alike:
//! each token's role (`scan`), completion that knows the graph (`complete` over a
//! `Vocabulary`), syntax colours (`highlight`), the `:commands` of the shell language
//! (`commands`), and splitting a script into statements and commands (`script`).
//!
//! Pure functions over the query lexer: text in, roles, candidates, colours or items
//! out. Knows nothing of terminals or sockets; `repl` and the web server are glue.

pub mod commands;
pub mod complete;
pub mod highlight;
pub mod scan;
pub mod script;
mod vocabulary;

pub use vocabulary::{TextValue, Vocabulary};
