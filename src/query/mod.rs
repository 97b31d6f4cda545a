//! The query pipeline: text → AST (`syntax`) → plan (`plan`) → rows (`exec`).

pub mod error;
pub mod exec;
pub mod notification;
pub mod plan;
pub mod procedures;
pub mod span;
pub mod syntax;

use crate::graph::Graph;
use error::QueryError;
use exec::{Control, Params, QueryResult};

/// Parses, plans and runs one statement; `CALL` names the procedures of `control`.
pub fn run(
    graph: &mut Graph,
    text: &str,
    params: &Params,
    control: &Control,
) -> Result<QueryResult, QueryError> {
    let statement = syntax::parse(text)?;
    let plan = plan::plan(&statement, text, graph, &control.procedures)?;
    if plan.mode != plan::Mode::Explain {
        plan.check_parameters(params)?;
    }
    Ok(exec::execute(graph, &plan, params, control)?)
}
