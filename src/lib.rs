//! Körpü: an openCypher query engine over a curated knowledge graph.
//!
//! ```text
//! JSON files ──load──▶ Graph
//!                        │ read by exec and render
//! query text ──lexer──▶ tokens ──parser──▶ ast ──planner──▶ Plan ──exec──▶ QueryResult ──render──▶ table / json / csv / dot
//! ```
//!
//! ```
//! use korpu::{graph::Graph, query::{run, Control, Params}};
//! let mut graph = Graph::default();
//! run(&mut graph, "CREATE (:City {name: 'Bakı'})", &Params::new(), &Control::default()).unwrap();
//! let result = run(&mut graph, "MATCH (c:City) RETURN c.name AS name", &Params::new(), &Control::default()).unwrap();
//! assert_eq!(result.rows[0][0].as_str(), Some("Bakı"));
//! ```

pub mod bundled;
pub mod cli;
pub mod database;
pub mod diagnostic;
pub mod export;
pub mod graph;
pub mod load;
pub mod query;
pub mod render;
pub mod repl;
pub mod script;
pub mod search;
pub mod server;
pub mod session;
pub mod stack;
pub mod store;
pub mod text;
