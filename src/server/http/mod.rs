//! The web explorer's HTTP server: the page and its assets, compiled in, and a JSON API
//! (`api`) that the page and scripts use.
//!
//! One thread accepts connections and hands each to a thread of its own, up to
//! `Limits::concurrent_requests` (one request per connection, `wire`); each request
//! runs on a `Session` of its own over the shared `Database`, so tabs run at once and
//! wait on each other only where a writer needs the graph to itself. Before any handler
//! runs, `security` checks the Host and Origin (and the token when writes are allowed),
//! and every answer carries a strict Content-Security-Policy and no CORS headers.
//! Without `--allow-writes` every session is read-only. Each request is bounded in body
//! size, rows sent and time (`Limits`, `--timeout`).
//!
//! The page holds no query logic: highlighting and completion come from the library's
//! `editor` through the API, results from the same renderers as the command line.
//!
//! - `wire`: reading a request and writing a response.
//! - `security`: Host/Origin and token checks.
//! - `api`: the `/api/*` handlers.
//! - `assets`: the page, its script and style, and the vendored libraries.

mod api;
mod assets;
pub(crate) mod security;
mod wire;

use std::collections::HashMap;
use std::io::{self, BufReader};
use std::net::{SocketAddr, TcpListener, TcpStream};

use crate::server::tls::Transport;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value as Json, json};

use wire::{Request, WireError};

use korpu::database::Database;

/// How long a statement may run when `--timeout` is not given.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What one request may ask of the server.
#[derive(Debug, Clone)]
pub(crate) struct Limits {
    /// Largest request body read; a larger one is refused unread.
    pub(crate) body_bytes: usize,
    /// Rows sent back per query; the rest are counted, not sent.
    pub(crate) rows: usize,
    /// Requests handled at once; more are told to retry.
    pub(crate) concurrent_requests: usize,
    /// Neighbours sent per expansion when the page asks for more than this.
    pub(crate) neighbours: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { body_bytes: 1 << 20, rows: 10_000, concurrent_requests: 32, neighbours: 200 }
    }
}

/// How the HTTP server was configured at startup.
#[derive(Debug, Clone)]
pub(crate) struct HttpConfig {
    /// The address the listener is bound to (Host and Origin must name it).
    pub(crate) bound: SocketAddr,
    /// Present exactly when writes are allowed; every API request must carry it.
    pub(crate) token: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) source_document: Option<String>,
    pub(crate) import_dir: Option<Arc<korpu::query::ImportDir>>,
    pub(crate) limits: Limits,
    /// Serve `https://` with this certificate and key.
    pub(crate) tls: Option<crate::server::tls::Tls>,
}

/// State shared by the request threads.
struct Shared {
    database: Database,
    config: HttpConfig,
    /// The cancel flag of the statement each browser tab is running, by tab id.
    running: Mutex<HashMap<String, Arc<AtomicBool>>>,
    active: AtomicUsize,
}

/// An answer to send: status, content type and body.
pub(crate) struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn json(status: u16, value: &Json) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: value.to_string().into_bytes(),
        }
    }

    /// An error in the CLI's JSON error shape, for failures that are not a query's.
    fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            &json!({ "error": {
                "kind": "RequestError",
                "code": format!("Korpu.Http.{code}"),
                "phase": "request",
                "message": message,
                "line": 0,
                "column": 0,
            }}),
        )
    }
}

/// The policy every response carries: only this server's own scripts, styles and
/// requests; images may be data URLs (PNG export); nothing may frame the page.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// How long a client may take to send its request before the connection is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Starts serving on `listener`; the returned thread accepts connections until the
/// process ends.
pub(crate) fn start(
    listener: TcpListener,
    database: Database,
    config: HttpConfig,
) -> io::Result<JoinHandle<()>> {
    let shared = Arc::new(Shared {
        database,
        config,
        running: Mutex::new(HashMap::new()),
        active: AtomicUsize::new(0),
    });
    std::thread::Builder::new().name("http-accept".into()).spawn(move || {
        for stream in listener.incoming() {
            // A failed accept (the client gave up, too many files) concerns that client only.
            let Ok(stream) = stream else { continue };
            let busy = shared.active.fetch_add(1, Ordering::SeqCst);
            if busy >= shared.config.limits.concurrent_requests {
                shared.active.fetch_sub(1, Ordering::SeqCst);
                let busy = Reply::error(503, "Busy", "too many requests at once; try again");
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
                if let Ok(mut transport) = Transport::accept(stream, shared.config.tls.as_ref()) {
                    send(&mut transport, busy, false);
                }
                continue;
            }
            let worker = Arc::clone(&shared);
            let spawned =
                std::thread::Builder::new().name("http-request".into()).spawn(move || {
                    serve_connection(&worker, stream);
                    worker.active.fetch_sub(1, Ordering::SeqCst);
                });
            if spawned.is_err() {
                shared.active.fetch_sub(1, Ordering::SeqCst);
            }
        }
    })
}

/// Reads one request from the connection, answers it and closes.
fn serve_connection(shared: &Shared, socket: TcpStream) {
    let _ = socket.set_read_timeout(Some(READ_TIMEOUT));
    let _ = socket.set_write_timeout(Some(READ_TIMEOUT));
    let Ok(mut stream) = Transport::accept(socket, shared.config.tls.as_ref()) else { return };
    let mut head_only = false;
    let limit = shared.config.limits.body_bytes;
    let reply = match wire::read_request(&mut BufReader::new(&mut stream), limit) {
        Ok(request) => {
            head_only = request.method == "HEAD";
            handle(shared, &request)
        }
        Err(WireError::Io(_)) => return,
        Err(error @ WireError::BodyTooLarge(_)) => {
            Reply::error(413, "TooLarge", &error.to_string())
        }
        Err(error @ WireError::HeadTooLarge) => Reply::error(431, "TooLarge", &error.to_string()),
        Err(error) => Reply::error(400, "BadRequest", &error.to_string()),
    };
    send(&mut stream, reply, head_only);
}

/// Checks a request and routes it.
fn handle(shared: &Shared, request: &Request) -> Reply {
    let config = &shared.config;
    if let Err(refusal) =
        security::check_origin(request.header("host"), request.header("origin"), config.bound)
    {
        return Reply::error(403, "Forbidden", &refusal.to_string());
    }
    let path = request.target.split(['?', '#']).next().unwrap_or("");
    let method = request.method.as_str();
    let Some(endpoint) = path.strip_prefix("/api/") else {
        return match (method, assets::find(path)) {
            ("GET" | "HEAD", Some(asset)) => {
                Reply { status: 200, content_type: asset.content_type, body: asset.bytes.to_vec() }
            }
            _ => Reply::error(404, "NotFound", &format!("nothing is served at `{path}`")),
        };
    };
    if let Err(refusal) =
        security::check_token(config.token.as_deref(), request.header("x-korpu-token"))
    {
        return Reply::error(401, "Unauthorized", &refusal.to_string());
    }
    let body = match method {
        "GET" => Json::Null,
        "POST" => match json_body(request) {
            Ok(body) => body,
            Err(reply) => return reply,
        },
        other => {
            return Reply::error(405, "MethodNotAllowed", &format!("{other} is not accepted"));
        }
    };
    api::route(shared, endpoint, &body)
}

/// The body as JSON; a browser form cannot send JSON, so another content type is
/// refused (a second guard against cross-site posts, after the Origin check).
fn json_body(request: &Request) -> Result<Json, Reply> {
    let is_json = request
        .header("content-type")
        .is_some_and(|kind| kind.trim().to_ascii_lowercase().starts_with("application/json"));
    if !is_json {
        return Err(Reply::error(415, "UnsupportedMediaType", "send the body as application/json"));
    }
    serde_json::from_slice(&request.body)
        .map_err(|error| Reply::error(400, "BadRequest", &format!("the body is not JSON: {error}")))
}

/// Writes the reply (only its head when answering HEAD) and closes the connection.
fn send(stream: &mut Transport, reply: Reply, head_only: bool) {
    let headers = [
        ("Content-Type", reply.content_type),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ];
    // The client may have gone away; there is no one left to tell.
    let _ = wire::write_response(stream, reply.status, &headers, &reply.body, head_only);
    // Closing with unread input would reset the connection and could destroy the answer
    // before the client reads it (a refused large body is left unread), so finish
    // writing, then let the client close first, reading what it still sends for a while.
    let _ = stream.shutdown_write();
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = io::copy(&mut io::Read::take(stream, DRAIN_BYTES), &mut io::sink());
}

/// Most bytes read and dropped after answering, so that the answer is not lost.
const DRAIN_BYTES: u64 = 8 << 20;
