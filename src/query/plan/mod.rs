//! Planning: `ast::Statement` → `Plan` (the operator tree the executor runs).

pub mod ir;
mod optimize;
mod planner;

pub use ir::{Mode, Plan};

use crate::graph::Graph;
use crate::query::error::PlanError;
use crate::query::procedures::Procedures;
use crate::query::syntax::ast;

/// Plans a statement and applies the rewrites of `optimize`; `CALL` resolves names in
/// `procedures`.
pub fn plan(
    statement: &ast::Statement,
    source: &str,
    graph: &Graph,
    procedures: &Procedures,
) -> Result<Plan, PlanError> {
    let indexed = |label: &str, key: &str| graph.node_index(label, &[key]).is_some();
    planner::plan(statement, source, graph, procedures)
        .map(|plan| optimize::optimize(plan, &indexed))
}

/// Plans without the rewrites; the differential tests compare both.
pub fn plan_unoptimized(
    statement: &ast::Statement,
    source: &str,
    graph: &Graph,
    procedures: &Procedures,
) -> Result<Plan, PlanError> {
    planner::plan(statement, source, graph, procedures)
}
