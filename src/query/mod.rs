//! The query pipeline: text → AST (`syntax`) → plan (`plan`) → rows (`exec`).

mod control;
pub mod error;
pub mod exec;
pub mod notification;
pub mod plan;
mod prepared;
pub mod procedures;
mod result;
pub mod span;
pub mod syntax;

pub use control::{Control, LoadProgress, Params};
pub use exec::ImportDir;
pub use prepared::{GraphAccess, Prepared, StageTimes, StatementKind, prepare};
pub use result::{Outcome, ProfiledPlan, QueryResult, WriteStats};

use crate::graph::Graph;
use error::QueryError;

/// Prepares and runs one statement with exclusive access to `graph`; `CALL` names the
/// procedures of `control`. An `EXPLAIN` answers its plan as one row of a `plan` column.
pub fn run(
    graph: &mut Graph,
    text: &str,
    params: &Params,
    control: &Control,
) -> Result<QueryResult, QueryError> {
    let mut prepared = prepare(text, graph, &control.procedures)?;
    Ok(match prepared.run(GraphAccess::Exclusive(graph), params, control)? {
        Outcome::Rows(result) | Outcome::Profiled(_, result) => result,
        Outcome::Explained(plan) => QueryResult {
            columns: vec!["plan".to_owned()],
            rows: vec![vec![crate::graph::Value::from(plan.as_str())]],
            ..QueryResult::default()
        },
    })
}
