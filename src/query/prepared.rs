//! A prepared statement: text parsed and planned once, which knows before it runs what
//! kind of statement it is (reads, writes, both, or changes the schema), the columns it
//! returns and the notifications it raised.
//!
//! `prepare` is the one place a statement's kind is decided; the session uses it to pick
//! the lock to take, and the servers to apply the one permission rule. `Prepared::run`
//! is the one place a plan is handed to the executor with its mode (run, `EXPLAIN`,
//! `PROFILE`). A plan depends on the declared indexes it was chosen for, so a prepared
//! statement remembers the graph's schema generation and is planned again when an index
//! has come or gone since. Before a plan runs it must have every parameter it reads
//! (else `ParameterMissing`), so no statement stops halfway for want of one.

use std::time::{Duration, Instant};

use crate::graph::Graph;
use crate::query::error::{ExecError, QueryError};
use crate::query::exec::{self, Profile};
use crate::query::notification::Notification;
use crate::query::plan::ir::{Op, Write, op_children};
use crate::query::plan::{self, Mode, Plan};
use crate::query::procedures::Procedures;
use crate::query::syntax;
use crate::query::{Control, Outcome, Params, ProfiledPlan, QueryResult};

/// What running a statement does to the database, in Neo4j's four kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatementKind {
    /// Only reads (`r`).
    Read,
    /// Writes and returns nothing it read (`w`): `CREATE (:City {name: 'Gəncə'})`.
    Write,
    /// Reads the graph or returns rows, and writes (`rw`): `MATCH (n) SET n.seen = true`.
    ReadWrite,
    /// Declares or drops an index or constraint (`s`).
    Schema,
}

impl StatementKind {
    /// The code Neo4j reports as a result summary's query type: `r`, `w`, `rw` or `s`.
    pub fn code(self) -> &'static str {
        match self {
            StatementKind::Read => "r",
            StatementKind::Write => "w",
            StatementKind::ReadWrite => "rw",
            StatementKind::Schema => "s",
        }
    }

    /// What a statement of this kind does, for messages: "reads", "writes", …
    pub fn describe(self) -> &'static str {
        match self {
            StatementKind::Read => "reads",
            StatementKind::Write => "writes",
            StatementKind::ReadWrite => "reads and writes",
            StatementKind::Schema => "changes the schema",
        }
    }

    /// True for every kind that changes the database (data or schema).
    pub fn writes(self) -> bool {
        self != StatementKind::Read
    }
}

/// How long the two stages of one statement took.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageTimes {
    pub parse: Duration,
    pub plan: Duration,
    pub execute: Duration,
}

/// A statement parsed and planned, ready to run any number of times.
#[derive(Clone, Debug)]
pub struct Prepared {
    text: String,
    plan: Plan,
    kind: StatementKind,
    /// `Graph::schema_generation` when the plan was chosen.
    schema_generation: u64,
    times: StageTimes,
}

/// Parses and plans `text` against `graph`'s statistics and indexes; `CALL` resolves
/// names in `procedures`.
///
/// ```
/// use korpu::graph::Graph;
/// use korpu::query::{prepare, procedures::Procedures, StatementKind};
/// let graph = Graph::default();
/// let procedures = Procedures::builtin();
/// let create = prepare("CREATE (:City {name: 'Şuşa'})", &graph, &procedures).unwrap();
/// assert_eq!(create.kind(), StatementKind::Write);
/// let read = prepare("MATCH (c:City) RETURN c.name AS name", &graph, &procedures).unwrap();
/// assert_eq!((read.kind().code(), read.columns().collect::<Vec<_>>()), ("r", vec!["name"]));
/// ```
pub fn prepare(text: &str, graph: &Graph, procedures: &Procedures) -> Result<Prepared, QueryError> {
    let started = Instant::now();
    let statement = syntax::parse(text)?;
    let parse = started.elapsed();
    let started = Instant::now();
    let plan = plan::plan(&statement, text, graph, procedures)?;
    let times = StageTimes { parse, plan: started.elapsed(), execute: Duration::ZERO };
    Ok(Prepared {
        text: text.to_owned(),
        kind: kind_of(&plan),
        plan,
        schema_generation: graph.schema_generation(),
        times,
    })
}

/// The kind of a planned statement: the one place it is decided.
fn kind_of(plan: &Plan) -> StatementKind {
    let writes: Vec<&Write> =
        plan.segments.iter().filter_map(|segment| segment.write.as_ref()).collect();
    if writes.iter().any(|write| matches!(write, Write::Schema(_))) {
        return StatementKind::Schema;
    }
    if writes.is_empty() {
        return StatementKind::Read;
    }
    let reads = !plan.columns.is_empty()
        || writes.iter().any(|write| matches!(write, Write::Merge(_)))
        || plan.segments.iter().any(|segment| reads_graph(&segment.reads));
    if reads { StatementKind::ReadWrite } else { StatementKind::Write }
}

/// True when an operator tree looks anything up in the graph (rather than only working
/// on values the statement supplies).
fn reads_graph(op: &Op) -> bool {
    matches!(
        op,
        Op::NodeScan { .. }
            | Op::NodeIndexSeek { .. }
            | Op::NodeRangeSeek(_)
            | Op::NodeIndexScan(_)
            | Op::Expand(_)
            | Op::VarExpand(_)
            | Op::ShortestPath(_)
            | Op::Call(_)
    ) || op_children(op).into_iter().any(reads_graph)
}

/// How a run holds the graph: shared for statements that only read, exclusive for the
/// rest.
pub enum GraphAccess<'g> {
    Shared(&'g Graph),
    Exclusive(&'g mut Graph),
}

impl GraphAccess<'_> {
    fn graph(&self) -> &Graph {
        match self {
            GraphAccess::Shared(graph) => graph,
            GraphAccess::Exclusive(graph) => graph,
        }
    }
}

impl Prepared {
    /// The statement as it was written.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn kind(&self) -> StatementKind {
        self.kind
    }

    /// Whether the statement runs, is only explained, or runs with figures per operator.
    pub fn mode(&self) -> Mode {
        self.plan.mode
    }

    /// True when running it changes the database: a writing kind that is not `EXPLAIN`ed.
    pub fn changes_graph(&self) -> bool {
        self.kind.writes() && self.plan.mode != Mode::Explain
    }

    /// The names of the columns it returns.
    pub fn columns(&self) -> impl Iterator<Item = &str> + '_ {
        self.plan.columns.iter().map(|(name, _)| name.as_str())
    }

    /// What the user should hear about the statement (names the graph lacks).
    pub fn notifications(&self) -> &[Notification] {
        &self.plan.notifications
    }

    /// True when the statement is a standalone `CALL` of procedure `name`.
    pub fn calls(&self, name: &str) -> bool {
        match self.plan.segments.as_slice() {
            [segment] if segment.write.is_none() => {
                let mut op = &segment.reads;
                loop {
                    match op {
                        Op::Call(call) => return call.procedure.name() == name,
                        Op::Project { input, .. } | Op::Filter { input, .. } => op = input,
                        _ => return false,
                    }
                }
            }
            _ => false,
        }
    }

    /// The plan it runs (EXPLAIN's tree when printed).
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// How long parsing and planning took (and running, in an `Outcome`'s times).
    pub fn times(&self) -> StageTimes {
        self.times
    }

    /// True when the plan was chosen for the indexes `graph` has now.
    pub fn is_current_for(&self, graph: &Graph) -> bool {
        self.schema_generation == graph.schema_generation()
    }

    /// Runs the statement with `params` under `control`: plans again first when the
    /// graph's indexes changed since it was prepared. A statement that changes the graph
    /// needs `GraphAccess::Exclusive`, and is all-or-nothing.
    pub fn run(
        &mut self,
        mut access: GraphAccess<'_>,
        params: &Params,
        control: &Control,
    ) -> Result<Outcome, QueryError> {
        if !self.is_current_for(access.graph()) {
            *self = prepare(&self.text, access.graph(), &control.procedures)?;
        }
        let plan = &self.plan;
        if plan.mode == Mode::Explain {
            return Ok(Outcome::Explained(plan.to_string()));
        }
        plan.check_parameters(params)?;
        let started = Instant::now();
        let profile = (plan.mode == Mode::Profile).then(Profile::default);
        let result = match &mut access {
            GraphAccess::Shared(graph) => {
                exec::execute_read(graph, plan, params, control, profile.as_ref())
            }
            GraphAccess::Exclusive(graph) => {
                exec::execute_profiled(graph, plan, params, control, profile.as_ref())
            }
        };
        self.times.execute = started.elapsed();
        let result: QueryResult = result.map_err(|error: ExecError| QueryError::from(error))?;
        Ok(match &profile {
            Some(profile) => Outcome::Profiled(profiled_plan(plan, profile), result),
            None => Outcome::Rows(result),
        })
    }
}

/// The plan with rows and time per operator, as `PROFILE` prints it and as a tree.
fn profiled_plan(plan: &Plan, profile: &Profile) -> ProfiledPlan {
    let text = plan.render_with(&|op| {
        profile
            .figures(op)
            .map(|(rows, time)| format!("rows={rows} time={:.3}ms", time.as_secs_f64() * 1000.0))
    });
    ProfiledPlan { text, tree: plan.tree(&|op| profile.figures(op)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> (&'static str, bool) {
        let prepared = prepare(text, &Graph::default(), &Procedures::builtin()).unwrap();
        (prepared.kind().code(), prepared.changes_graph())
    }

    #[test]
    fn each_statement_knows_its_kind_as_neo4j_reports_it() {
        assert_eq!(kind("MATCH (n) RETURN n"), ("r", false));
        assert_eq!(kind("SHOW INDEXES"), ("r", false));
        assert_eq!(kind("CALL db.labels()"), ("r", false));
        assert_eq!(kind("CREATE (:Şəhər {ad: 'Gəncə'})"), ("w", true));
        assert_eq!(kind("UNWIND [1, 2] AS i CREATE (:N {i: i})"), ("w", true));
        assert_eq!(kind("CREATE (n:N) RETURN n"), ("rw", true));
        assert_eq!(kind("MATCH (n) SET n.seen = true"), ("rw", true));
        assert_eq!(kind("MATCH (n) DETACH DELETE n"), ("rw", true));
        assert_eq!(kind("MERGE (:Şəhər {ad: 'Bakı'})"), ("rw", true));
        assert_eq!(kind("CREATE INDEX FOR (n:N) ON (n.k)"), ("s", true));
        assert_eq!(kind("DROP CONSTRAINT c IF EXISTS"), ("s", true));
        // EXPLAIN keeps the kind (tools read it to refuse writes) but changes nothing.
        assert_eq!(kind("EXPLAIN CREATE (:N)"), ("w", false));
        assert_eq!(kind("PROFILE MATCH (n) SET n.x = 1"), ("rw", true));
    }

    #[test]
    fn a_plan_made_before_an_index_is_made_again_after_it() {
        let mut graph = Graph::default();
        let procedures = Procedures::builtin();
        crate::query::run(&mut graph, "CREATE (:N {k: 1})", &Params::new(), &Control::default())
            .unwrap();
        let mut prepared = prepare("MATCH (n:N {k: 1}) RETURN n.k", &graph, &procedures).unwrap();
        assert!(!prepared.plan().to_string().contains("NodeIndexSeek"));
        crate::query::run(
            &mut graph,
            "CREATE INDEX FOR (n:N) ON (n.k)",
            &Params::new(),
            &Control::default(),
        )
        .unwrap();
        assert!(!prepared.is_current_for(&graph));
        let outcome =
            prepared.run(GraphAccess::Shared(&graph), &Params::new(), &Control::default()).unwrap();
        assert_eq!(outcome.result().unwrap().rows.len(), 1);
        assert!(prepared.is_current_for(&graph));
        assert!(prepared.plan().to_string().contains("NodeIndexSeek"), "{}", prepared.plan());
    }
}
