//! What a statement returns: its rows and columns, what it changed, and what the user
//! should hear about it; or, for `EXPLAIN`/`PROFILE`, its plan as text.
//!
//! The executor produces these values; renderers, the shell and the servers consume
//! them. Nothing here runs anything, so every consumer imports from this neutral place
//! rather than from the executor.

use crate::graph::Value;
use crate::query::notification::Notification;
use crate::query::plan::ir::PlanNode;

/// What a statement changed, counted as Neo4j counts it (a property set twice counts
/// twice; a label added to a node that has it does not count).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    pub nodes_created: usize,
    pub nodes_deleted: usize,
    pub relationships_created: usize,
    pub relationships_deleted: usize,
    pub properties_set: usize,
    pub labels_added: usize,
    pub labels_removed: usize,
    pub indexes_added: usize,
    pub indexes_removed: usize,
    pub constraints_added: usize,
    pub constraints_removed: usize,
}

impl WriteStats {
    /// Every counter with its name, in the order reports print them.
    pub fn counters(&self) -> [(&'static str, usize); 11] {
        [
            ("nodes created", self.nodes_created),
            ("nodes deleted", self.nodes_deleted),
            ("relationships created", self.relationships_created),
            ("relationships deleted", self.relationships_deleted),
            ("properties set", self.properties_set),
            ("labels added", self.labels_added),
            ("labels removed", self.labels_removed),
            ("indexes added", self.indexes_added),
            ("indexes removed", self.indexes_removed),
            ("constraints added", self.constraints_added),
            ("constraints removed", self.constraints_removed),
        ]
    }

    /// True when the statement changed nothing.
    pub fn is_empty(&self) -> bool {
        self.counters().iter().all(|(_, count)| *count == 0)
    }
}

/// A statement's answer.
#[derive(Clone, Debug, Default)]
pub struct QueryResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    pub stats: WriteStats,
    /// Carried over from the plan: names the statement read that the graph lacks.
    pub notifications: Vec<Notification>,
}

/// What a statement produced.
#[derive(Debug)]
pub enum Outcome {
    Rows(QueryResult),
    /// `EXPLAIN`: the plan, not run.
    Explained(String),
    /// `PROFILE`: the plan with rows and time per operator, and the rows.
    Profiled(ProfiledPlan, QueryResult),
}

/// A `PROFILE`d plan: as the shell prints it, and as a tree for clients that read it.
#[derive(Debug)]
pub struct ProfiledPlan {
    pub text: String,
    pub tree: PlanNode,
}

impl Outcome {
    /// The rows, when the statement ran, taken out.
    pub fn into_result(self) -> Option<QueryResult> {
        match self {
            Outcome::Rows(result) | Outcome::Profiled(_, result) => Some(result),
            Outcome::Explained(_) => None,
        }
    }

    /// The rows, when the statement ran.
    pub fn result(&self) -> Option<&QueryResult> {
        match self {
            Outcome::Rows(result) | Outcome::Profiled(_, result) => Some(result),
            Outcome::Explained(_) => None,
        }
    }
}
