//! Execution: `Plan` + `Graph` → `QueryResult`.
//!
//! Each operator is a pull iterator over rows (`Vec<Value>`, one value per slot), so rows
//! stream and `LIMIT 1` stops the work early; only `Sort`, `Aggregate` and the rows
//! handed from a write to the next segment are materialised. Writes (`CREATE`) run
//! between segments, when no reader borrows the graph. A `Control` lets another thread
//! cancel a running query, and caps what a variable-length expansion may walk.
//! A statement that writes runs inside a savepoint (`execute_profiled`): an error, a
//! timeout, a cancel, or a constraint broken by the elements it touched (checked before
//! it is kept) rolls the whole statement back.
//! Never sees the AST or query text: only slots and plan expressions.

mod aggregate;
mod eval;
mod functions;
mod import;
mod operators;
mod schema;
mod stream;
mod temporal;
mod write;

use std::cell::Cell;
use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::graph::{Graph, Savepoint, Value};
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::plan::ir::{Op, Plan};
use crate::query::{Control, Params, QueryResult, WriteStats};

pub use import::ImportDir;
pub use operators::Profile;

/// One row: a value per slot.
pub type Row = Vec<Value>;

/// What every operator can reach while running.
pub(crate) struct Context<'g> {
    pub graph: &'g Graph,
    pub params: &'g Params,
    pub control: &'g Control,
    pub slot_count: usize,
    /// The statement's clock: nanoseconds since 1970-01-01T00:00Z when it started, read
    /// once so every `date()` and `datetime()` in the statement agrees.
    pub now: i128,
    checks: Cell<u32>,
    random_state: Cell<u64>,
    pub profile: Option<&'g Profile>,
}

impl<'g> Context<'g> {
    /// A context for evaluating what `CREATE` writes (no profiling, fixed randomness).
    fn for_writes(
        graph: &'g Graph,
        params: &'g Params,
        control: &'g Control,
        slot_count: usize,
        now: i128,
    ) -> Self {
        Context {
            graph,
            params,
            control,
            slot_count,
            now,
            checks: Cell::new(0),
            random_state: Cell::new(1),
            profile: None,
        }
    }

    /// Cheap enough to call per row: looks at the flag and clock every 256th call.
    pub(crate) fn check(&self) -> Result<(), ExecError> {
        let count = self.checks.get().wrapping_add(1);
        self.checks.set(count);
        if !count.is_multiple_of(256) {
            return Ok(());
        }
        self.check_now()
    }

    pub(crate) fn check_now(&self) -> Result<(), ExecError> {
        if self.control.cancel.load(Ordering::Relaxed) {
            return Err(ExecError::cancelled());
        }
        if let Some(deadline) = self.control.deadline
            && Instant::now() >= deadline
        {
            return Err(ExecError::new(
                ErrorKind::Cancelled,
                ErrorCode::Timeout,
                "the query ran past its time limit and was stopped",
            ));
        }
        Ok(())
    }

    /// A pseudo-random float in [0, 1) (xorshift; `rand()` needs no cryptography).
    pub(crate) fn random(&self) -> f64 {
        let mut state = self.random_state.get();
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        self.random_state.set(state);
        (state >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Runs a plan against the graph. Writes (`CREATE`) change `graph`.
///
/// ```
/// use korpu::graph::Graph;
/// use korpu::query::{run, Control, Params};
/// let mut graph = Graph::default();
/// let result = run(&mut graph, "UNWIND [3, 1, 2] AS x RETURN x ORDER BY x", &Params::new(), &Control::default()).unwrap();
/// assert_eq!(result.rows.len(), 3);
/// ```
pub fn execute(
    graph: &mut Graph,
    plan: &Plan,
    params: &Params,
    control: &Control,
) -> Result<QueryResult, ExecError> {
    execute_profiled(graph, plan, params, control, None)
}

/// Like `execute`, recording rows and time per operator into `profile`.
///
/// A statement that writes is all-or-nothing: when it fails, times out or is cancelled,
/// every change it made is undone before the error is returned.
pub fn execute_profiled(
    graph: &mut Graph,
    plan: &Plan,
    params: &Params,
    control: &Control,
    profile: Option<&Profile>,
) -> Result<QueryResult, ExecError> {
    if !plan.writes() {
        return execute_segments(Access::Read(graph), plan, params, control, profile);
    }
    let mut statement = StatementSavepoint::open(graph);
    let result = execute_segments(Access::Write(statement.graph()), plan, params, control, profile)
        .and_then(|result| statement.check_constraints().map(|()| result));
    if result.is_ok() {
        statement.release();
    }
    // Otherwise dropping `statement` undoes every change.
    result
}

/// A writing statement's savepoint that undoes the statement when dropped unreleased:
/// on an error, and also when a panic unwinds through the statement, so no other
/// client ever sees half of one.
struct StatementSavepoint<'g> {
    graph: &'g mut Graph,
    savepoint: Option<Savepoint>,
}

impl<'g> StatementSavepoint<'g> {
    fn open(graph: &'g mut Graph) -> Self {
        let savepoint = Some(graph.savepoint());
        StatementSavepoint { graph, savepoint }
    }

    fn graph(&mut self) -> &mut Graph {
        self.graph
    }

    /// Sweeps the indexes and checks the constraints over what the statement touched.
    fn check_constraints(&mut self) -> Result<(), ExecError> {
        self.graph.flush_indexes();
        let savepoint = self.savepoint.as_ref().expect("checked before release");
        self.graph.check_constraints_since(savepoint).map_err(schema::violation_error)
    }

    /// Keeps the statement's changes.
    fn release(mut self) {
        if let Some(savepoint) = self.savepoint.take() {
            self.graph.release(savepoint);
        }
    }
}

impl Drop for StatementSavepoint<'_> {
    fn drop(&mut self) {
        if let Some(savepoint) = self.savepoint.take() {
            self.graph.rollback_to(savepoint);
        }
    }
}

/// Runs a plan that only reads, with shared access to the graph (many at once).
pub fn execute_read(
    graph: &Graph,
    plan: &Plan,
    params: &Params,
    control: &Control,
    profile: Option<&Profile>,
) -> Result<QueryResult, ExecError> {
    if plan.writes() {
        return Err(ExecError::new(
            ErrorKind::SemanticError,
            ErrorCode::WriteWithReadAccess,
            "this statement writes, but was given the graph only to read",
        ));
    }
    execute_segments(Access::Read(graph), plan, params, control, profile)
}

/// How a statement holds the graph: reads share it, writes have it to themselves.
enum Access<'g> {
    Read(&'g Graph),
    Write(&'g mut Graph),
}

/// What stays the same while a statement's segments run (once, or once per batch).
struct Run<'a> {
    plan: &'a Plan,
    params: &'a Params,
    control: &'a Control,
    profile: Option<&'a Profile>,
    now: i128,
    seed: u64,
}

/// What a statement's runs add up to.
#[derive(Default)]
struct Output {
    stats: WriteStats,
    rows: Vec<Row>,
}

fn execute_segments(
    access: Access<'_>,
    plan: &Plan,
    params: &Params,
    control: &Control,
    profile: Option<&Profile>,
) -> Result<QueryResult, ExecError> {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64)
        ^ 0x9E37_79B9_7F4A_7C15;
    let run = Run { plan, params, control, profile, now: temporal::wall_clock(), seed };
    let mut output = Output::default();
    match (access, stream::leading_load(plan)) {
        // PROFILE keys its figures by operator, so it runs the plan as planned.
        (Access::Write(graph), Some(leading)) if profile.is_none() => {
            stream::run_in_batches(&run, graph, &leading, &mut output)?;
        }
        (access, _) => {
            let first = plan.segments.first().map(|segment| &segment.reads);
            let rows = vec![vec![Value::Null; plan.slot_count]];
            run.segments(access, first, rows, &mut output)?;
        }
    }
    Ok(QueryResult {
        columns: plan.columns.iter().map(|(name, _)| name.clone()).collect(),
        rows: output.rows,
        stats: output.stats,
        notifications: plan.notifications.clone(),
    })
}

impl Run<'_> {
    /// Runs every segment once over `rows`, the first segment reading through `first`
    /// (its own reads, or those reads with a leading `LOAD CSV` taken out).
    fn segments(
        &self,
        mut access: Access<'_>,
        first: Option<&Op>,
        mut rows: Vec<Row>,
        output: &mut Output,
    ) -> Result<(), ExecError> {
        let Run { plan, params, control, profile, now, seed } = *self;
        for (position, segment) in plan.segments.iter().enumerate() {
            let reads = match first {
                Some(first) if position == 0 => first,
                _ => &segment.reads,
            };
            let produced: Vec<Row> = {
                let graph: &Graph = match &access {
                    Access::Read(graph) => graph,
                    Access::Write(graph) => graph,
                };
                let context = Context {
                    graph,
                    params,
                    control,
                    slot_count: plan.slot_count,
                    now,
                    checks: Cell::new(0),
                    random_state: Cell::new(seed | 1),
                    profile,
                };
                context.check_now()?;
                let iterator = operators::open(
                    reads,
                    &context,
                    operators::Argument::Rows(std::mem::take(&mut rows)),
                )?;
                match &segment.write {
                    Some(_) => iterator.collect::<Result<Vec<Row>, ExecError>>()?,
                    // A result without columns has no rows (a standalone call of a void
                    // procedure), but its rows are still pulled so the work happens.
                    None if plan.columns.is_empty() => {
                        for row in iterator {
                            row?;
                        }
                        Vec::new()
                    }
                    None => {
                        for row in iterator {
                            let row = row?;
                            output.rows.push(
                                plan.columns.iter().map(|(_, slot)| row[*slot].clone()).collect(),
                            );
                        }
                        Vec::new()
                    }
                }
            };
            if let Some(write) = &segment.write {
                let Access::Write(graph) = &mut access else {
                    unreachable!("a plan that writes is run with write access");
                };
                let mut writer = write::Writer {
                    graph,
                    params,
                    control,
                    slot_count: plan.slot_count,
                    now,
                    stats: &mut output.stats,
                };
                rows = writer.apply(write, produced)?;
                graph.flush_indexes();
            }
        }
        Ok(())
    }
}
