//! The Bolt server: Neo4j's wire protocol over TCP, so the official drivers (Python,
//! JavaScript, Java, Go, .NET) and tools built on them can query Körpü.
//!
//! `start` takes a bound listener and serves it on a thread: each accepted connection
//! gets a thread and a `Session` of its own over the one shared `Database`, up to
//! `max_connections` at once (past that a connection is closed at once, so a flood of
//! clients cannot exhaust threads). Files by concern: `handshake` (version
//! negotiation), `framing` (chunks), `packstream` (the value encoding), `values`
//! (Körpü's values in it), `messages` (requests and responses), `status` (Neo4j error
//! codes), `auth` (basic authentication), `connection` (the state machine).
//! Does not parse command lines or print; `server` does.

mod auth;
mod connection;
mod framing;
mod handshake;
mod messages;
mod packstream;
mod status;
mod summary;
mod values;

use std::io;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

pub(crate) use auth::{Users, hash_password, with_user};

use korpu::database::Database;

/// What a Bolt server allows its clients.
#[derive(Clone, Debug)]
pub(crate) struct BoltConfig {
    /// Who may connect.
    pub users: Users,
    /// Each statement is cancelled after this long (`--timeout`).
    pub statement_timeout: Option<Duration>,
    /// The largest message a client may send.
    pub max_message_bytes: usize,
    /// Results a connection may hold open at once (in one transaction).
    pub max_open_results: usize,
    /// Connections served at once.
    pub max_connections: usize,
    /// A connection silent this long between statements is closed.
    pub idle_timeout: Duration,
    /// A connection silent this long inside a transaction that holds the graph is
    /// closed and the transaction rolled back, so it cannot block writers for longer.
    pub transaction_idle_timeout: Duration,
    /// Where `LOAD CSV` may read (`--import-dir`).
    pub import_dir: Option<Arc<korpu::query::ImportDir>>,
    /// Serve Bolt over TLS (`bolt+s://`) with this certificate and key.
    pub tls: Option<crate::server::tls::Tls>,
    /// Accept statements that change the data or the schema (`--allow-writes`);
    /// without it every such statement is refused as on a read-only database.
    pub allow_writes: bool,
}

impl Default for BoltConfig {
    fn default() -> Self {
        BoltConfig {
            users: Users::anyone(),
            statement_timeout: None,
            max_message_bytes: 16 << 20,
            max_open_results: 64,
            max_connections: 256,
            idle_timeout: Duration::from_secs(30 * 60),
            transaction_idle_timeout: Duration::from_secs(60),
            import_dir: None,
            allow_writes: false,
            tls: None,
        }
    }
}

/// Decrements the count of live connections when a connection's thread ends, however
/// it ends.
struct Slot(Arc<AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves Bolt on `listener` from a new thread, until the process ends.
pub(crate) fn start(
    listener: TcpListener,
    database: Database,
    config: BoltConfig,
) -> io::Result<JoinHandle<()>> {
    let config = Arc::new(config);
    let live = Arc::new(AtomicUsize::new(0));
    std::thread::Builder::new().name("bolt-accept".to_owned()).spawn(move || {
        for stream in listener.incoming() {
            // A failed accept (the client gave up, or file descriptors ran out for a
            // moment) concerns that one client; the server keeps accepting.
            let Ok(stream) = stream else {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            };
            if live.fetch_add(1, Ordering::SeqCst) >= config.max_connections {
                live.fetch_sub(1, Ordering::SeqCst);
                drop(stream);
                continue;
            }
            let slot = Slot(live.clone());
            let (database, config) = (database.clone(), config.clone());
            let spawned =
                std::thread::Builder::new().name("bolt-connection".to_owned()).spawn(move || {
                    let _slot = slot;
                    connection::serve(stream, database, &config);
                });
            // Without a thread for it, the connection is dropped and its slot freed.
            drop(spawned);
        }
    })
}
