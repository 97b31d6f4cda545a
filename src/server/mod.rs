//! `korpu serve`: binds each requested listener over one shared `Database`, prints
//! where it listens, and runs until Ctrl-C.
//!
//! Listeners bind to loopback unless the address given says otherwise, because without
//! an auth file anyone who can connect can read the graph. Port 0 picks a free port;
//! the printed lines (`http://127.0.0.1:PORT/`, `bolt://127.0.0.1:PORT`) say which.
//! Each listener runs its accept loop on a thread of its own; every client gets its own
//! `Session`, so clients share the graph (and its fair lock) but nothing else.
//!
//! - `http`: the web explorer and its JSON API.
//! - `bolt`: the protocol of the Neo4j drivers.

pub(crate) mod bolt;
pub(crate) mod http;
pub(crate) mod tls;

use std::io::{self, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result};

use bolt::BoltConfig;
use korpu::database::{AfterCheckpoint, Database};

/// What `korpu serve` was asked for, beyond the graph itself.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    /// Where the web explorer listens; `None` when only Bolt was asked for.
    pub http: Option<String>,
    /// Where the Bolt server listens.
    pub bolt: Option<String>,
    /// Launch the system's browser on the explorer's URL.
    pub open: bool,
    /// Accept statements that change the graph from the explorer (behind a token in the
    /// printed URL).
    pub allow_writes: bool,
    /// Longest a statement may run; each server's own default when not given.
    pub timeout: Option<Duration>,
    /// The source document the provenance panel quotes from, when there is one.
    pub source_document: Option<String>,
    /// TLS for both listeners (`--tls-cert`/`--tls-key`): `bolt+s://` and `https://`.
    pub tls: Option<tls::Tls>,
    /// Where `LOAD CSV` may read (`--import-dir`), for every client's session.
    pub import_dir: Option<std::sync::Arc<korpu::query::ImportDir>>,
}

/// What protects a server that other machines can reach.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Protection {
    pub(crate) tls: bool,
    pub(crate) auth_file: bool,
    /// The user said `--insecure`.
    pub(crate) insecure: bool,
}

/// Refuses to listen beyond loopback unprotected: an address another machine can reach
/// needs TLS and, for Bolt, an auth file (the explorer has no logins, only the write
/// token), unless the user says `--insecure`.
pub(crate) fn check_exposure(
    http: Option<&str>,
    bolt: Option<&str>,
    protection: Protection,
) -> Result<()> {
    if protection.insecure {
        return Ok(());
    }
    if let Some(address) = bolt
        && !(protection.tls && protection.auth_file)
        && !is_loopback(address)?
    {
        anyhow::bail!(
            "refusing to serve Bolt on {address}, which other machines can reach, without both --tls-cert/--tls-key and --auth-file: add them, listen on 127.0.0.1, or say --insecure"
        );
    }
    if let Some(address) = http
        && !protection.tls
        && !is_loopback(address)?
    {
        anyhow::bail!(
            "refusing to serve HTTP on {address}, which other machines can reach, without TLS: add --tls-cert/--tls-key (the explorer has no logins, only the write token), listen on 127.0.0.1, or say --insecure"
        );
    }
    Ok(())
}

/// True when every address `address` resolves to is a loopback one.
fn is_loopback(address: &str) -> Result<bool> {
    use std::net::ToSocketAddrs as _;
    let resolved: Vec<_> = address
        .to_socket_addrs()
        .with_context(|| format!("`{address}` is not an address to listen on (HOST:PORT)"))?
        .collect();
    Ok(!resolved.is_empty() && resolved.iter().all(|socket| socket.ip().is_loopback()))
}

/// The default HTTP address when neither `--http` nor `--bolt` is given.
pub(crate) const DEFAULT_HTTP: &str = "127.0.0.1:7474";

/// Runs the servers asked for (HTTP alone when none is named) until Ctrl-C.
pub(crate) fn serve(
    database: Database,
    options: ServeOptions,
    bolt_config: BoltConfig,
) -> Result<()> {
    let database_for_shutdown = database.clone();
    // Installed before any address is printed: a client that reads the address and
    // stops the server at once gets the clean stop, checkpoint included.
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .context("installing the Ctrl-C handler")?;
    let http_address = match (&options.http, &options.bolt) {
        (None, None) => Some(DEFAULT_HTTP.to_owned()),
        (http, _) => http.clone(),
    };
    // Every listener is bound before any line is printed, so a printed address is live.
    let mut lines = Vec::new();
    if let Some(address) = &options.bolt {
        let listener = TcpListener::bind(address)
            .with_context(|| format!("cannot listen for Bolt on {address}"))?;
        let bound = listener.local_addr().context("the Bolt listener has no address")?;
        let scheme = if bolt_config.tls.is_some() { "bolt+s" } else { "bolt" };
        bolt::start(listener, database.clone(), bolt_config)
            .context("cannot start the Bolt server")?;
        lines.push(format!("{scheme}://{bound}"));
    }
    let mut explorer_url = None;
    if let Some(address) = http_address {
        let listener =
            TcpListener::bind(&address).with_context(|| format!("listening on {address}"))?;
        let local = listener.local_addr().context("reading the bound address")?;
        let token = options.allow_writes.then(http::security::new_token).transpose()?;
        let config = http::HttpConfig {
            bound: local,
            token: token.clone(),
            timeout: options.timeout.unwrap_or(http::DEFAULT_TIMEOUT),
            source_document: options.source_document.clone(),
            import_dir: options.import_dir.clone(),
            limits: http::Limits::default(),
            tls: options.tls.clone(),
        };
        let scheme = if options.tls.is_some() { "https" } else { "http" };
        let url = match &token {
            Some(token) => format!("{scheme}://{local}/?token={token}"),
            None => format!("{scheme}://{local}/"),
        };
        http::start(listener, database, config)?;
        lines.insert(0, url.clone());
        explorer_url = Some(url);
    }
    {
        // Scripts and tests wait for these lines to know the servers are ready.
        let mut stdout = io::stdout().lock();
        for line in &lines {
            writeln!(stdout, "{line}").context("writing the address to stdout")?;
        }
        stdout.flush().context("writing the address to stdout")?;
    }
    if let (true, Some(url)) = (options.open, &explorer_url) {
        open_browser(url);
    }
    // Waiting on the channel rather than joining the accept loops lets Ctrl-C end the
    // process even while requests are being served; connection threads end with it.
    let _ = stopped.recv();
    final_checkpoint(&database_for_shutdown);
    Ok(())
}

/// How long a stopping server waits for an open write transaction before it leaves the
/// checkpoint to the next start (the log keeps every commit either way).
const SHUTDOWN_WAIT: Duration = Duration::from_secs(5);

/// On a clean stop (SIGINT, SIGTERM) of a server that logs commits: writes the graph
/// into the data files and empties the log.
fn final_checkpoint(database: &Database) {
    if !database.logs_commits() {
        return;
    }
    let Some(mut writer) = database.try_writer_for(SHUTDOWN_WAIT) else {
        eprintln!(
            "a transaction is still open: the transaction log keeps every commit for the next start"
        );
        return;
    };
    match database.checkpoint_with(&mut writer, AfterCheckpoint::Stop) {
        Ok(report) if report.files.is_empty() => {
            eprintln!("checkpoint: the data files hold every commit")
        }
        Ok(report) => eprintln!(
            "checkpoint: wrote {} into {}",
            report.files.join(", "),
            report.folder.display()
        ),
        Err(error) => {
            eprintln!("checkpoint failed, the transaction log keeps every commit: {error}")
        }
    }
}

/// Asks the desktop to open `url`; failing to is reported, not fatal.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(error) = std::process::Command::new(opener).arg(url).spawn() {
        eprintln!("could not launch a browser with `{opener}`: {error}; open {url} yourself");
    }
}
