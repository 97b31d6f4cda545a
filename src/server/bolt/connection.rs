//! One Bolt connection: the handshake, then requests in, responses out, over one
//! `Session` of its own.
//!
//! The state machine follows the protocol: after `HELLO` (and, from 5.1, `LOGON`) the
//! connection is ready; `RUN` opens a result that `PULL`/`DISCARD` drain in batches of
//! `n`; `BEGIN` … `COMMIT`/`ROLLBACK` is an explicit transaction that may hold several
//! open results told apart by `qid`; a failure puts the connection in the failed state,
//! where everything but `RESET` and `GOODBYE` is ignored, and `RESET` brings it back.
//! Results are computed whole when `RUN` arrives and kept as encoded records, so the
//! graph is not held while a client reads slowly.
//!
//! A transaction takes the graph's write lock only when its first writing statement
//! arrives (statements before that read like auto-commit ones, under the shared lock,
//! which is the read-committed isolation Neo4j gives), so read transactions — which
//! drivers open for every `execute_query` — run side by side. However the connection
//! ends (`GOODBYE`, a dropped socket, a stalled client timing out, a protocol error),
//! `Drop` rolls back an open transaction, so it leaves no trace.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::TcpStream;

use crate::server::tls::Transport;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use super::BoltConfig;
use super::framing::{FrameError, read_message, write_message};
use super::handshake::{MAGIC, Version, negotiate};
use super::messages::{
    ALL, LAST_RESULT, Metadata, Request, failure, ignored, parse_request, record_header, success,
};
use super::packstream::PackValue;
use super::status::{self, status_code};
use super::values::{Dialect, pack_value, parameter};
use korpu::database::Database;
use korpu::query::WriteStats;
use korpu::query::error::ErrorKind;
use korpu::query::{Outcome, StatementKind};

use super::summary::{self, Figures};
use korpu::session::{AccessMode, Session, SessionError};

/// What the server calls itself: drivers of the 5.x line refuse an agent that does not
/// start with `Neo4j/`, so Körpü follows that with its own name.
/// Names the Neo4j version whose Cypher Körpü speaks (`procedures::NEO4J_VERSION`, the
/// version `dbms.components()` reports; a test keeps the two equal), then Körpü's own.
pub(crate) const SERVER_AGENT: &str = concat!("Neo4j/5.26.0 Korpu/", env!("CARGO_PKG_VERSION"));

/// The one database name Körpü answers to.
const DATABASE_NAME: &str = "neo4j";

/// How long a client has to send its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

static CONNECTIONS_OPENED: AtomicU64 = AtomicU64::new(0);
static COMMITS: AtomicU64 = AtomicU64::new(0);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Waiting for `HELLO`.
    Negotiated,
    /// Waiting for `LOGON` (Bolt 5.1 on).
    Authentication,
    Ready,
    /// A request failed; waiting for `RESET`.
    Failed,
}

/// A statement's records, encoded and waiting to be pulled.
struct OpenResult {
    qid: i64,
    records: VecDeque<Vec<u8>>,
    stats: WriteStats,
    /// The statement's kind, reported as the summary's `type`.
    kind: StatementKind,
    /// The rest of the final summary: `plan` or `profile`, `notifications`.
    summary: Vec<(String, PackValue)>,
}

/// An explicit transaction.
struct Transaction {
    /// The write lock is held (the session's transaction is open).
    holds_graph: bool,
    /// Opened with mode "r": writing statements are refused.
    read_only: bool,
    results: Vec<OpenResult>,
    next_qid: i64,
    timeout: Option<Duration>,
}

/// A failed request: a Neo4j status code and a message.
struct Failure {
    code: &'static str,
    message: String,
}

impl Failure {
    fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
}

/// Whether to go on reading requests after one is answered.
#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Close,
}

/// One client's connection state.
struct Connection<'c> {
    config: &'c BoltConfig,
    session: Session,
    version: Version,
    dialect: Dialect,
    state: State,
    id: u64,
    /// Where clients reach this server, as routing tables name it.
    address: String,
    autocommit: Option<OpenResult>,
    transaction: Option<Transaction>,
}

impl Drop for Connection<'_> {
    fn drop(&mut self) {
        self.end_transaction();
    }
}

/// Serves one accepted socket until the client leaves or misbehaves.
pub(crate) fn serve(socket: TcpStream, database: Database, config: &BoltConfig) {
    // Responses are written whole; without this, Nagle's algorithm would hold back the
    // small ones waiting for an acknowledgement the client delays.
    let _ = socket.set_nodelay(true);
    let address =
        socket.local_addr().map_or_else(|_| "127.0.0.1:7687".to_owned(), |a| a.to_string());
    let Ok(mut stream) = Transport::accept(socket, config.tls.as_ref()) else {
        return;
    };
    let Some(version) = handshake(&mut stream) else {
        return;
    };
    let mut session = Session::new(database);
    session.timeout = config.statement_timeout;
    session.import_dir = config.import_dir.clone();
    if !config.allow_writes {
        session.access = AccessMode::ReadOnly;
    }
    let mut connection = Connection {
        config,
        session,
        version,
        dialect: Dialect { element_ids: version.major >= 5, utc_date_times: version.major >= 5 },
        state: State::Negotiated,
        id: CONNECTIONS_OPENED.fetch_add(1, Ordering::Relaxed) + 1,
        address,
        autocommit: None,
        transaction: None,
    };
    let mut out = Vec::new();
    loop {
        // A client idle inside a transaction that holds the graph blocks every writer,
        // so it gets far less time than one idle between statements.
        let idle = match &connection.transaction {
            Some(transaction) if transaction.holds_graph => config.transaction_idle_timeout,
            _ => config.idle_timeout,
        };
        let _ = stream.set_read_timeout(Some(idle));
        let bytes = match read_message(&mut stream, config.max_message_bytes) {
            Ok(bytes) => bytes,
            Err(FrameError::TooLarge { limit }) => {
                let message = format!("a message is larger than the limit of {limit} bytes");
                failure(&mut out, status::REQUEST_INVALID, &message);
                let _ = stream.write_all(&out);
                close_after_failure(&mut stream);
                return;
            }
            Err(FrameError::Closed | FrameError::Io(_)) => return,
        };
        let flow = match parse_request(&bytes) {
            Ok(request) => connection.handle(request, &mut out),
            Err(error) => {
                failure(&mut out, status::REQUEST_INVALID, &error.to_string());
                Flow::Close
            }
        };
        if stream.write_all(&out).and_then(|()| stream.flush()).is_err() {
            return;
        }
        out.clear();
        if flow == Flow::Close {
            close_after_failure(&mut stream);
            return;
        }
    }
}

/// Ends a connection whose client may still be sending, so that its last response
/// reaches it: closing a socket with unread input resets it, and a reset can destroy
/// the failure message still in flight. So: stop writing, then read and discard what
/// the client still sends, for at most a second and a few megabytes.
fn close_after_failure(stream: &mut Transport) {
    const LINGER: Duration = Duration::from_secs(1);
    const MOST: usize = 4 << 20;
    if stream.shutdown_write().is_err() {
        return;
    }
    let started = Instant::now();
    let mut discarded = 0;
    let mut buffer = [0; 16 * 1024];
    while discarded < MOST && started.elapsed() < LINGER {
        let _ = stream.set_read_timeout(Some(LINGER));
        match stream.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(read) => discarded += read,
        }
    }
}

/// Reads the preamble and the proposals and answers them; `None` ends the connection.
fn handshake(stream: &mut Transport) -> Option<Version> {
    stream.set_read_timeout(Some(HANDSHAKE_TIMEOUT)).ok()?;
    let mut preamble = [0; 4];
    stream.read_exact(&mut preamble).ok()?;
    if preamble != MAGIC {
        return None;
    }
    let mut proposals = [0; 16];
    stream.read_exact(&mut proposals).ok()?;
    let chosen = negotiate(&proposals);
    stream.write_all(&chosen.map_or([0; 4], Version::to_bytes)).ok()?;
    chosen
}

/// The statement timeout a `BEGIN` or `RUN` asks for (`tx_timeout`, milliseconds).
fn requested_timeout(extra: &PackValue) -> Option<Duration> {
    extra
        .get("tx_timeout")
        .and_then(PackValue::as_int)
        .filter(|millis| *millis > 0)
        .map(|millis| Duration::from_millis(millis as u64))
}

fn shorter(first: Option<Duration>, second: Option<Duration>) -> Option<Duration> {
    match (first, second) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn string_list(items: &[&str]) -> PackValue {
    PackValue::List(items.iter().map(|item| PackValue::String((*item).to_owned())).collect())
}

impl Connection<'_> {
    /// Answers one request into `out`.
    fn handle(&mut self, request: Request, out: &mut Vec<u8>) -> Flow {
        match (self.state, &request) {
            (_, Request::Goodbye) => return Flow::Close,
            (State::Negotiated, Request::Hello { .. })
            | (State::Authentication, Request::Logon { .. }) => {}
            (State::Negotiated | State::Authentication, _) => {
                let expected = if self.state == State::Negotiated { "HELLO" } else { "LOGON" };
                let message = format!("{} before {expected}", request.name());
                failure(out, status::REQUEST_INVALID, &message);
                return Flow::Close;
            }
            (_, Request::Reset) => {
                self.end_transaction();
                self.autocommit = None;
                self.state = State::Ready;
                success(out, Metadata::default());
                return Flow::Continue;
            }
            (State::Failed, _) => {
                ignored(out);
                return Flow::Continue;
            }
            (State::Ready, _) => {}
        }
        let answered = match request {
            Request::Hello { extra } => return self.hello(&extra, out),
            Request::Logon { auth } => return self.logon(&auth, out),
            Request::Logoff => {
                self.end_transaction();
                self.autocommit = None;
                self.state = State::Authentication;
                Ok(Metadata::default())
            }
            Request::Run { query, parameters, extra } => self.run(&query, &parameters, &extra),
            Request::Pull { n, qid } => self.pull(n, qid, true, out),
            Request::Discard { n, qid } => self.pull(n, qid, false, out),
            Request::Begin { extra } => self.begin(&extra),
            Request::Commit => self.commit(),
            Request::Rollback => self.rollback(),
            Request::Route { database } => Ok(self.route(database)),
            Request::Telemetry => Ok(Metadata::default()),
            Request::Goodbye | Request::Reset => unreachable!("answered above"),
        };
        match answered {
            Ok(metadata) => success(out, metadata),
            Err(Failure { code, message }) => {
                // Neo4j ends a transaction at its first failure; the client resets.
                self.end_transaction();
                self.autocommit = None;
                self.state = State::Failed;
                failure(out, code, &message);
            }
        }
        Flow::Continue
    }

    fn hello(&mut self, extra: &PackValue, out: &mut Vec<u8>) -> Flow {
        let mut metadata = Metadata::default()
            .with("server", PackValue::String(SERVER_AGENT.to_owned()))
            .with("connection_id", PackValue::String(format!("bolt-{}", self.id)))
            .with("hints", PackValue::Map(Vec::new()));
        if self.version.has_logon() {
            self.state = State::Authentication;
        } else {
            // Bolt 4.4 logs in with HELLO itself.
            if !self.config.users.admits(extra) {
                failure(
                    out,
                    status::UNAUTHORIZED,
                    "the client is unauthorized: wrong user name or password",
                );
                return Flow::Close;
            }
            let patches = match extra.get("patch_bolt") {
                Some(PackValue::List(patches)) => patches.clone(),
                _ => Vec::new(),
            };
            if patches.iter().any(|patch| patch.as_str() == Some("utc")) {
                self.dialect.utc_date_times = true;
                metadata = metadata.with("patch_bolt", string_list(&["utc"]));
            }
            self.state = State::Ready;
        }
        success(out, metadata);
        Flow::Continue
    }

    fn logon(&mut self, auth: &PackValue, out: &mut Vec<u8>) -> Flow {
        if !self.config.users.admits(auth) {
            failure(
                out,
                status::UNAUTHORIZED,
                "the client is unauthorized: wrong user name or password",
            );
            return Flow::Close;
        }
        self.state = State::Ready;
        success(out, Metadata::default());
        Flow::Continue
    }

    fn open_results(&self) -> usize {
        usize::from(self.autocommit.is_some())
            + self.transaction.as_ref().map_or(0, |transaction| transaction.results.len())
    }

    fn run(
        &mut self,
        query: &str,
        parameters: &[(String, PackValue)],
        extra: &PackValue,
    ) -> Result<Metadata, Failure> {
        if self.autocommit.is_some() {
            return Err(Failure::new(
                status::REQUEST_INVALID,
                "RUN while a result is still open: PULL or DISCARD it first",
            ));
        }
        if self.open_results() >= self.config.max_open_results {
            let limit = self.config.max_open_results;
            return Err(Failure::new(
                status::RESULT_LIMIT,
                format!("a transaction may hold at most {limit} open results; consume one first"),
            ));
        }
        self.session.params.clear();
        for (name, value) in parameters {
            let value = parameter(value, self.dialect).map_err(|error| {
                Failure::new(status::PARAMETER_TYPE, format!("parameter ${name}: {error}"))
            })?;
            self.session.params.insert(name.clone(), value);
        }
        let mut prepared = self.session.prepare(query).map_err(|error| {
            Failure::new(status_code(&error), status::failure_message(&error, query))
        })?;
        let writes = prepared.changes_graph();
        let timeout = shorter(
            self.config.statement_timeout,
            shorter(requested_timeout(extra), self.transaction.as_ref().and_then(|t| t.timeout)),
        );
        self.session.timeout = timeout;
        if let Some(transaction) = &mut self.transaction
            && writes
            && !transaction.holds_graph
        {
            if transaction.read_only {
                return Err(Failure::new(
                    status::ACCESS_MODE,
                    "this transaction was opened for reading (mode \"r\"); writes need a write transaction",
                ));
            }
            // Only this connection's own transaction could be open, and none is.
            self.session
                .begin()
                .map_err(|error| Failure::new(status::REQUEST_INVALID, error.to_string()))?;
            transaction.holds_graph = true;
        }
        let started = Instant::now();
        let dialect = self.dialect;
        let answer = self.session.execute(&mut prepared);
        let graph = answer.graph();
        let mut summary = Vec::new();
        let (columns, records, stats) = match &answer.outcome {
            Err(error) => {
                if error.kind() == ErrorKind::Internal {
                    // A bug, contained by the session: logged for the operator.
                    eprintln!("korpu serve: {error} (Bolt statement: {query})");
                }
                return Err(Failure::new(
                    status_code(error),
                    status::failure_message(error, query),
                ));
            }
            // As Neo4j: no records, the statement's own columns, the plan in the summary.
            Ok(Outcome::Explained(_)) => {
                let tree = prepared.plan().tree(&|_| None);
                summary.push(("plan".to_owned(), summary::plan_map(&tree, Figures::Without)));
                let columns = prepared.columns().map(str::to_owned).collect();
                (columns, VecDeque::new(), WriteStats::default())
            }
            Ok(outcome @ (Outcome::Rows(result) | Outcome::Profiled(_, result))) => {
                if let Outcome::Profiled(profiled, _) = outcome {
                    let profile = summary::plan_map(&profiled.tree, Figures::With);
                    summary.push(("profile".to_owned(), profile));
                }
                let records = result
                    .rows
                    .iter()
                    .map(|row| {
                        let mut body = Vec::new();
                        record_header(&mut body, row.len());
                        for value in row {
                            pack_value(&mut body, value, graph, dialect);
                        }
                        body
                    })
                    .collect();
                (result.columns.clone(), records, result.stats)
            }
        };
        if !prepared.notifications().is_empty() {
            let notifications = summary::notifications(prepared.notifications());
            summary.push(("notifications".to_owned(), notifications));
        }
        drop(answer);
        let elapsed = started.elapsed().as_millis() as i64;
        let mut metadata = Metadata::default()
            .with("fields", string_list(&columns.iter().map(String::as_str).collect::<Vec<_>>()))
            .with("t_first", PackValue::Int(elapsed));
        let mut result = OpenResult { qid: 0, records, stats, kind: prepared.kind(), summary };
        match &mut self.transaction {
            Some(transaction) => {
                result.qid = transaction.next_qid;
                transaction.next_qid += 1;
                metadata = metadata.with("qid", PackValue::Int(result.qid));
                transaction.results.push(result);
            }
            None => self.autocommit = Some(result),
        }
        Ok(metadata)
    }

    /// `PULL` (send) or `DISCARD` (drop) up to `n` records of result `qid`.
    fn pull(
        &mut self,
        n: i64,
        qid: i64,
        send: bool,
        out: &mut Vec<u8>,
    ) -> Result<Metadata, Failure> {
        let no_result =
            || Failure::new(status::REQUEST_INVALID, "there is no open result to pull from");
        let result = match &mut self.transaction {
            Some(transaction) => {
                let position = if qid == LAST_RESULT {
                    transaction.results.len().checked_sub(1)
                } else {
                    transaction.results.iter().position(|result| result.qid == qid)
                };
                let position = position.ok_or_else(no_result)?;
                &mut transaction.results[position]
            }
            None => self.autocommit.as_mut().ok_or_else(no_result)?,
        };
        let count =
            if n == ALL { result.records.len() } else { (n as usize).min(result.records.len()) };
        for record in result.records.drain(..count) {
            if send {
                write_message(out, &record);
            }
        }
        if !result.records.is_empty() {
            return Ok(Metadata::default().with("has_more", PackValue::Bool(true)));
        }
        let mut metadata = Metadata::default()
            .with("type", PackValue::String(result.kind.code().to_owned()))
            .with("t_last", PackValue::Int(0))
            .with("db", PackValue::String(DATABASE_NAME.to_owned()));
        let counters: Vec<(String, PackValue)> = result
            .stats
            .counters()
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| (name.replace(' ', "-"), PackValue::Int(*count as i64)))
            .collect();
        if !counters.is_empty() {
            let mut stats = counters;
            stats.push(("contains-updates".to_owned(), PackValue::Bool(true)));
            metadata = metadata.with("stats", PackValue::Map(stats));
        }
        for (key, value) in std::mem::take(&mut result.summary) {
            metadata = metadata.with(&key, value);
        }
        let finished = result.qid;
        match &mut self.transaction {
            Some(transaction) => {
                transaction.results.retain(|open| open.qid != finished);
            }
            None => {
                self.autocommit = None;
                metadata = metadata.with("bookmark", PackValue::String(next_bookmark()));
            }
        }
        Ok(metadata)
    }

    fn begin(&mut self, extra: &PackValue) -> Result<Metadata, Failure> {
        if self.transaction.is_some() || self.autocommit.is_some() {
            return Err(Failure::new(
                status::REQUEST_INVALID,
                "BEGIN while a transaction or result is open",
            ));
        }
        self.transaction = Some(Transaction {
            holds_graph: false,
            read_only: extra.get("mode").and_then(PackValue::as_str) == Some("r"),
            results: Vec::new(),
            next_qid: 0,
            timeout: requested_timeout(extra),
        });
        Ok(Metadata::default())
    }

    fn commit(&mut self) -> Result<Metadata, Failure> {
        let transaction = self.transaction.take().ok_or_else(|| {
            Failure::new(
                status::TRANSACTION_NOT_FOUND,
                "COMMIT without a transaction (BEGIN one first)",
            )
        })?;
        if transaction.holds_graph {
            self.session.commit().map_err(|error| {
                let code = match error {
                    SessionError::CommitFailed(_) => status::COMMIT_FAILED,
                    _ => status::TRANSACTION_NOT_FOUND,
                };
                Failure::new(code, error.to_string())
            })?;
        }
        Ok(Metadata::default().with("bookmark", PackValue::String(next_bookmark())))
    }

    fn rollback(&mut self) -> Result<Metadata, Failure> {
        if self.transaction.is_none() {
            return Err(Failure::new(
                status::TRANSACTION_NOT_FOUND,
                "ROLLBACK without a transaction (BEGIN one first)",
            ));
        }
        self.end_transaction();
        Ok(Metadata::default())
    }

    /// Rolls back the open transaction, if any, and forgets its results.
    fn end_transaction(&mut self) {
        if let Some(transaction) = self.transaction.take()
            && transaction.holds_graph
        {
            // The session has a transaction exactly when `holds_graph` is set.
            let _ = self.session.rollback();
        }
    }

    /// A routing table naming this server for every role, so `neo4j://` URIs work.
    fn route(&self, database: Option<String>) -> Metadata {
        let address = PackValue::List(vec![PackValue::String(self.address.clone())]);
        let server = |role: &str| {
            PackValue::Map(vec![
                ("addresses".to_owned(), address.clone()),
                ("role".to_owned(), PackValue::String(role.to_owned())),
            ])
        };
        let table = PackValue::Map(vec![
            ("ttl".to_owned(), PackValue::Int(300)),
            (
                "db".to_owned(),
                PackValue::String(database.unwrap_or_else(|| DATABASE_NAME.to_owned())),
            ),
            (
                "servers".to_owned(),
                PackValue::List(vec![server("WRITE"), server("READ"), server("ROUTE")]),
            ),
        ]);
        Metadata::default().with("rt", table)
    }
}

/// A bookmark naming the commit, so drivers that chain bookmarks have one to chain.
/// Every connection sees every commit at once, so Körpü needs none to be causal.
fn next_bookmark() -> String {
    format!("korpu:{}", COMMITS.fetch_add(1, Ordering::Relaxed) + 1)
}

#[cfg(test)]
mod tests {
    use super::SERVER_AGENT;

    #[test]
    fn the_agent_names_the_neo4j_version_dbms_components_reports() {
        let expected = format!("Neo4j/{} ", korpu::query::procedures::NEO4J_VERSION);
        assert!(SERVER_AGENT.starts_with(&expected), "{SERVER_AGENT}");
    }
}
