//! Körpü: an openCypher query engine over a curated knowledge graph.
//!
//! ```text
//! JSON files ──load──▶ Graph
//!                        │ read by exec and render
//! query text ──lexer──▶ tokens ──parser──▶ ast ──planner──▶ Plan ──exec──▶ QueryResult ──render──▶ table / json / csv / dot
//! ```
//!
//! # Embedding
//!
//! A program opens a data folder into a [`database::Database`] (shared by every client
//! of the process), talks to it through a [`session::Session`] (one per client: its
//! parameters, limits and open transaction), prepares statements with
//! [`session::Session::prepare`] (parsed and planned once; each knows its
//! [`query::StatementKind`], columns and notifications) and runs them with
//! [`session::Session::execute`]. A [`query::QueryResult`] holds the rows as
//! [`graph::Value`]s; [`render`] turns one into a table, JSON or CSV; the session saves
//! the changes back into the folder's files with the smallest diff.
//! `examples/embed.rs` does all of this on a folder of its own.
//!
//! ```
//! use korpu::database::Database;
//! use korpu::graph::{Graph, Value};
//! use korpu::query::StatementKind;
//! use korpu::session::Session;
//!
//! let mut session = Session::new(Database::new(Graph::default(), None));
//! session.run("CREATE (:City {name: 'Bakı'}), (:City {name: 'Gəncə'})").into_outcome().unwrap();
//! let mut prepared = session.prepare("MATCH (c:City {name: $name}) RETURN c.name AS name").unwrap();
//! assert_eq!(prepared.kind(), StatementKind::Read);
//! session.params.insert("name".into(), Value::from("Gəncə"));
//! let answer = session.execute(&mut prepared);
//! let rows = answer.into_outcome().unwrap().into_result().unwrap().rows;
//! assert_eq!(rows[0][0].as_str(), Some("Gəncə"));
//! ```
//!
//! The command line, the shell and the servers are the `korpu` binary's own modules
//! (`src/cli`, `src/repl`, `src/server`); they use only what this library exports.

pub mod bundled;
pub mod database;
pub mod diagnostic;
pub mod editor;
pub mod export;
pub mod graph;
pub mod load;
pub mod query;
pub mod render;
pub mod search;
pub mod session;
pub mod stack;
pub mod store;
pub mod text;
