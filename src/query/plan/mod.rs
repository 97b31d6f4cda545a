//! Planning: `ast::Statement` → `Plan` (the operator tree the executor runs).

pub mod ir;
mod planner;

pub use ir::{Mode, Plan};
pub use planner::plan;
