//! A session: one client's parameters, limits, cancel flag and open transaction, over
//! the shared `Database`; the one way statements are run for the CLI, scripts, the
//! REPL and the servers (parse → plan → execute, timed stage by stage).
//!
//! `prepare` parses and plans once (`query::prepare`, which decides the statement's
//! kind); `execute` runs it by that kind. A statement that only reads runs on the last
//! committed snapshot and never waits; one that writes runs as the database's one
//! writer, on the writer's copy, and is committed (logged first, when commits are
//! logged) when it ends; an explicit transaction (`begin` … `commit` / `rollback`) stays
//! the writer until it ends. A panic inside a statement is contained: the statement is
//! undone and the client answered `UnknownError`. `CALL db.checkpoint()` is the
//! session's own. The answer holds the graph it was computed on, so results that name
//! nodes are rendered against that same state. A read-only session (`AccessMode::ReadOnly`, what
//! the servers give their clients without `--allow-writes`) refuses any statement that
//! would change the data or the schema with `ForbiddenOnReadOnlyDatabase`, before it
//! runs.
//! Does no printing: it hands back results, plans and timings for a renderer.

use std::ops::Deref;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::database::{AfterCheckpoint, CheckpointError, Database, Writer, WriterGuard};
use crate::graph::{Graph, Savepoint, Value};
use crate::query::QueryResult;
use crate::query::error::{ErrorCode, ErrorKind, ExecError, QueryError};
use crate::query::plan::Mode;
use crate::query::procedures::Procedures;
use crate::query::syntax;
use crate::query::{
    Control, GraphAccess, ImportDir, LoadProgress, Outcome, Params, Prepared, StageTimes, prepare,
};
use crate::store::{LogError, SaveError, SaveReport};

/// The graph as one session sees it: the last committed version (a snapshot no writer
/// changes), or its own transaction's copy.
pub enum GraphView<'s> {
    Snapshot(Arc<Graph>),
    Held(&'s Graph),
}

impl GraphView<'_> {
    pub fn graph(&self) -> &Graph {
        self
    }
}

impl Deref for GraphView<'_> {
    type Target = Graph;

    fn deref(&self) -> &Graph {
        match self {
            GraphView::Snapshot(graph) => graph,
            GraphView::Held(graph) => graph,
        }
    }
}

/// A statement's outcome with the graph it ran on, held until the answer is dropped.
pub struct Answer<'s> {
    pub outcome: Result<Outcome, QueryError>,
    pub times: StageTimes,
    view: GraphView<'s>,
}

impl Answer<'_> {
    /// The graph the outcome's nodes and relationships belong to.
    pub fn graph(&self) -> &Graph {
        &self.view
    }

    /// The outcome alone, letting go of the graph (render first).
    pub fn into_outcome(self) -> Result<Outcome, QueryError> {
        self.outcome
    }
}

/// Why a transaction or save request was refused.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("a transaction is already open (:commit or :rollback it first)")]
    TransactionOpen,
    #[error("no transaction is open (:begin starts one)")]
    NoTransaction,
    #[error("a transaction is open; :commit or :rollback it before saving")]
    SaveInTransaction,
    #[error("this graph was not loaded from files; save it into a new folder with :save DIR")]
    NoDataFolder,
    #[error(transparent)]
    Save(#[from] SaveError),
    /// The commit could not be made durable; it was undone.
    #[error("the commit could not be written to the transaction log, so it was undone: {0}")]
    CommitFailed(#[from] LogError),
    #[error(transparent)]
    Checkpoint(CheckpointError),
}

impl From<CheckpointError> for SessionError {
    fn from(error: CheckpointError) -> Self {
        match error {
            CheckpointError::NoDataFolder => SessionError::NoDataFolder,
            CheckpointError::Save(error) => SessionError::Save(error),
            other => SessionError::Checkpoint(other),
        }
    }
}

struct Transaction {
    /// The writer lock, held from the transaction's first write to its end: writers
    /// wait for it, readers never do.
    guard: WriterGuard,
    /// Taken out by `commit` and `rollback`; a transaction dropped with it still in
    /// place (a client that vanished, a thread that panicked) is rolled back.
    savepoint: Option<Savepoint>,
    changes: usize,
    database: Database,
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if let Some(savepoint) = self.savepoint.take() {
            self.database.rollback(&mut self.guard, savepoint);
        }
    }
}

/// Whether a session may change the database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccessMode {
    ReadWrite,
    /// Statements that change the data or the schema are refused before they run.
    ReadOnly,
}

/// One client's way into the database.
pub struct Session {
    database: Database,
    /// What this session may do; the one rule every way in (shell, scripts, HTTP, Bolt)
    /// applies, decided from each prepared statement's kind.
    pub access: AccessMode,
    pub params: Params,
    pub timeout: Option<Duration>,
    /// Set by a Ctrl-C handler (or a server's cancel request) to stop this session's
    /// running statement; other sessions have their own.
    pub cancel: Arc<AtomicBool>,
    /// What `CALL` may name: the built-ins, and whatever the client registered.
    pub procedures: Arc<Procedures>,
    /// Where `LOAD CSV` may read (`--import-dir`); `None` refuses it.
    pub import_dir: Option<Arc<ImportDir>>,
    /// How far the running `LOAD CSV` has read, for a progress bar drawn elsewhere.
    pub progress: Arc<LoadProgress>,
    transaction: Option<Transaction>,
}

impl Session {
    pub fn new(database: Database) -> Self {
        Session {
            database,
            access: AccessMode::ReadWrite,
            params: Params::new(),
            timeout: None,
            cancel: Arc::new(AtomicBool::new(false)),
            procedures: Procedures::builtin(),
            import_dir: None,
            progress: Arc::default(),
            transaction: None,
        }
    }

    /// A session over a database of its own holding `graph` (tests, one-off tools).
    pub fn over(graph: Graph) -> Self {
        Session::new(Database::new(graph, None))
    }

    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The graph as this session sees it now (its own transaction's changes included).
    pub fn view(&self) -> GraphView<'_> {
        match &self.transaction {
            Some(transaction) => GraphView::Held(
                transaction.guard.working_graph().expect("a transaction has its copy"),
            ),
            None => GraphView::Snapshot(self.database.snapshot()),
        }
    }

    fn control(&self) -> Control {
        Control {
            procedures: self.procedures.clone(),
            cancel: self.cancel.clone(),
            deadline: self.timeout.map(|timeout| Instant::now() + timeout),
            import_dir: self.import_dir.clone(),
            progress: self.progress.clone(),
            ..Control::default()
        }
    }

    /// Parses and plans `text` against the graph as this session sees it, without
    /// running it: the prepared statement knows its kind, columns and notifications.
    pub fn prepare(&self, text: &str) -> Result<Prepared, QueryError> {
        prepare(text, &self.view(), &self.procedures)
    }

    /// Prepares and runs one statement, timing each stage.
    pub fn run(&mut self, text: &str) -> Answer<'_> {
        match self.prepare(text) {
            Ok(mut prepared) => self.execute(&mut prepared),
            Err(error) => {
                let times = StageTimes::default();
                Answer { outcome: Err(error), times, view: self.view() }
            }
        }
    }

    /// Runs a prepared statement with this session's parameters and limits. Inside a
    /// transaction it runs on the transaction's graph; otherwise a statement that
    /// changes the graph holds it alone for its length, and one that reads shares it.
    pub fn execute(&mut self, prepared: &mut Prepared) -> Answer<'_> {
        self.cancel.store(false, std::sync::atomic::Ordering::Relaxed);
        if self.access == AccessMode::ReadOnly && prepared.changes_graph() {
            let outcome = Err(forbidden(prepared));
            return Answer { outcome, times: prepared.times(), view: self.view() };
        }
        if prepared.calls(CHECKPOINT_PROCEDURE) && prepared.mode() == Mode::Run {
            let outcome = self.checkpoint_statement();
            return Answer { outcome, times: prepared.times(), view: self.view() };
        }
        let control = self.control();
        if let Some(transaction) = self.transaction.as_mut() {
            let graph = self.database.working(&mut transaction.guard);
            let outcome =
                contained(|| prepared.run(GraphAccess::Exclusive(graph), &self.params, &control));
            transaction.changes += changes(&outcome);
            let held = self.transaction.as_ref().and_then(|open| open.guard.working_graph());
            let held = held.expect("made ready above");
            return Answer { outcome, times: prepared.times(), view: GraphView::Held(held) };
        }
        if prepared.changes_graph() {
            let outcome = self.write_and_commit(prepared, &control);
            return Answer { outcome, times: prepared.times(), view: self.view() };
        }
        let snapshot = self.database.snapshot();
        let access = GraphAccess::Shared(&snapshot);
        let outcome = contained(|| prepared.run(access, &self.params, &control));
        Answer { outcome, times: prepared.times(), view: GraphView::Snapshot(snapshot) }
    }

    /// Runs a statement that writes, outside a transaction: with the writer lock, on the
    /// writer's copy, then commits it (logged first when commits are logged).
    fn write_and_commit(
        &mut self,
        prepared: &mut Prepared,
        control: &Control,
    ) -> Result<Outcome, QueryError> {
        let mut writer = self.database.writer();
        let graph = self.database.working(&mut writer);
        let savepoint = graph.savepoint();
        let access = GraphAccess::Exclusive(graph);
        let outcome = contained(|| prepared.run(access, &self.params, control));
        let outcome = match outcome {
            Ok(outcome) => match self.database.commit(&mut writer, savepoint) {
                Ok(_) => Ok(outcome),
                Err(error) => Err(commit_failed(&error)),
            },
            Err(error) => {
                self.database.rollback(&mut writer, savepoint);
                Err(error)
            }
        };
        self.database.add_unsaved(changes(&outcome));
        self.checkpoint_if_due(&mut writer);
        outcome
    }

    /// Checkpoints when the log has grown past its limit; a failure leaves the log as
    /// it is (every commit in it stays durable) and is tried again at the next commit.
    fn checkpoint_if_due(&self, writer: &mut Writer) {
        if Database::wants_checkpoint(writer) {
            let _ = self.database.checkpoint_with(writer, AfterCheckpoint::Continue);
        }
    }

    /// Opens an explicit transaction: until it ends, this session is the one writer,
    /// working on its own copy; other sessions go on reading the last commit.
    pub fn begin(&mut self) -> Result<(), SessionError> {
        if self.transaction.is_some() {
            return Err(SessionError::TransactionOpen);
        }
        let mut guard = self.database.writer_owned();
        let savepoint = Some(self.database.working(&mut guard).savepoint());
        let database = self.database.clone();
        self.transaction = Some(Transaction { guard, savepoint, changes: 0, database });
        Ok(())
    }

    /// Keeps the open transaction's changes; returns how many there were.
    pub fn commit(&mut self) -> Result<usize, SessionError> {
        let mut transaction = self.transaction.take().ok_or(SessionError::NoTransaction)?;
        if let Some(savepoint) = transaction.savepoint.take() {
            // Durable first (when logged), then published; undone when it cannot be
            // logged.
            self.database.commit(&mut transaction.guard, savepoint)?;
        }
        self.database.add_unsaved(transaction.changes);
        self.checkpoint_if_due(&mut transaction.guard);
        Ok(transaction.changes)
    }

    /// Undoes the open transaction's changes; returns how many there were.
    pub fn rollback(&mut self) -> Result<usize, SessionError> {
        let transaction = self.transaction.take().ok_or(SessionError::NoTransaction)?;
        let changes = transaction.changes;
        // Dropping the transaction with its savepoint in place undoes it.
        drop(transaction);
        Ok(changes)
    }

    /// The number of changes in the open transaction, if one is open.
    pub fn transaction_changes(&self) -> Option<usize> {
        self.transaction.as_ref().map(|transaction| transaction.changes)
    }

    /// Changes committed and not saved yet.
    pub fn unsaved(&self) -> usize {
        self.database.unsaved()
    }

    /// Writes the committed changes into the files the graph was loaded from.
    pub fn save(&mut self) -> Result<SaveReport, SessionError> {
        if self.transaction.is_some() {
            return Err(SessionError::SaveInTransaction);
        }
        Ok(self.database.checkpoint(AfterCheckpoint::Continue)?)
    }

    /// `CALL db.checkpoint()`: writes the committed changes into the data files and
    /// starts the transaction log afresh; refused to a read-only session.
    fn checkpoint_statement(&mut self) -> Result<Outcome, QueryError> {
        if self.access == AccessMode::ReadOnly {
            return Err(QueryError::Exec(ExecError::new(
                ErrorKind::Forbidden,
                ErrorCode::ForbiddenOnReadOnlyDatabase,
                "db.checkpoint() writes the data files, and the database is read-only here",
            )));
        }
        let message = match self.save() {
            Ok(report) if report.files.is_empty() => {
                "nothing to write: the files hold every commit".to_owned()
            }
            Ok(report) => {
                format!("wrote {} into {}", report.files.join(", "), report.folder.display())
            }
            Err(error) => {
                return Err(QueryError::Exec(ExecError::new(
                    ErrorKind::ProcedureError,
                    ErrorCode::ProcedureCallFailed,
                    format!("db.checkpoint() failed: {error}"),
                )));
            }
        };
        Ok(Outcome::Rows(QueryResult {
            columns: vec!["success".to_owned(), "message".to_owned()],
            rows: vec![vec![Value::Bool(true), Value::from(message.as_str())]],
            ..QueryResult::default()
        }))
    }

    /// Writes the whole graph into a new folder, which later saves then go to.
    pub fn save_as(&mut self, folder: &Path) -> Result<SaveReport, SessionError> {
        if self.transaction.is_some() {
            return Err(SessionError::SaveInTransaction);
        }
        Ok(self.database.save_as(folder)?)
    }
}

/// Runs a statement so that a panic inside it (a bug) becomes an error for this client
/// alone: the statement's savepoint has undone its changes while the panic unwound, the
/// lock it held is released by its guard, and the other sessions go on.
fn contained(run: impl FnOnce() -> Result<Outcome, QueryError>) -> Result<Outcome, QueryError> {
    std::panic::catch_unwind(AssertUnwindSafe(run)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned());
        Err(QueryError::Exec(ExecError::new(
            ErrorKind::Internal,
            ErrorCode::UnknownError,
            format!(
                "an internal error stopped the statement ({message}); nothing it changed was kept"
            ),
        )))
    })
}

/// The name under which the catalogue lists the checkpoint the session performs.
const CHECKPOINT_PROCEDURE: &str = "db.checkpoint";

/// The error of a statement whose commit could not be logged (and was undone).
fn commit_failed(error: &LogError) -> QueryError {
    QueryError::Exec(ExecError::new(
        ErrorKind::Internal,
        ErrorCode::TransactionCommitFailed,
        format!(
            "the commit could not be written to the transaction log, so it was undone: {error}"
        ),
    ))
}

/// The refusal of a statement that would change a read-only session's database.
fn forbidden(prepared: &Prepared) -> QueryError {
    let what = prepared.kind().describe();
    QueryError::Exec(ExecError::new(
        ErrorKind::Forbidden,
        ErrorCode::ForbiddenOnReadOnlyDatabase,
        format!(
            "this statement {what}, and the database is read-only here (a server takes writes only when started with --allow-writes)"
        ),
    ))
}

/// How many changes an outcome reports (every counter of its statistics).
fn changes(outcome: &Result<Outcome, QueryError>) -> usize {
    outcome
        .as_ref()
        .ok()
        .and_then(Outcome::result)
        .map_or(0, |result| result.stats.counters().iter().map(|(_, count)| count).sum())
}

/// Parses a parameter value written as a Cypher literal (`'Bakı'`, `42`, `[1, 2]`,
/// `{name: 'x'}`), as `--param` and `:param` take them.
pub fn parse_literal(text: &str) -> Result<Value, QueryError> {
    let expr = syntax::parse_expression(text)?;
    let statement = format!("RETURN {expr} AS value");
    let mut empty = Graph::default();
    let result = crate::query::run(&mut empty, &statement, &Params::new(), &Control::default())
        .map_err(|error| {
            // Point the error at the value as the user wrote it.
            match error {
                QueryError::Plan(mut plan_error) => {
                    plan_error.span = expr.span;
                    QueryError::Plan(plan_error)
                }
                QueryError::Exec(mut exec_error) => {
                    exec_error.span = Some(expr.span);
                    QueryError::Exec(exec_error)
                }
                other => other,
            }
        })?;
    Ok(result.rows.into_iter().next().and_then(|row| row.into_iter().next()).unwrap_or(Value::Null))
}
