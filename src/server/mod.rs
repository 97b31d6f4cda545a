//! `korpu serve`: binds each requested listener over one shared `Database`, prints
//! where it listens, and runs until Ctrl-C.
//!
//! Listeners bind to loopback unless the address given says otherwise, and each runs
//! its accept loop on a thread of its own; every client gets its own `Session`, so
//! clients share the graph (and its fair lock) but nothing else.
//!
//! - `http`: the web explorer and its JSON API.

pub(crate) mod http;

use std::io::{self, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::database::Database;

/// What `korpu serve` was asked for, beyond the graph itself.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where the web explorer listens; `None` when only Bolt was asked for.
    pub http: Option<String>,
    /// Where the Bolt server listens.
    pub bolt: Option<String>,
    /// Launch the system's browser on the explorer's URL.
    pub open: bool,
    /// Accept statements that change the graph (behind a token in the printed URL).
    pub allow_writes: bool,
    /// Longest a statement may run; the server's own default when not given.
    pub timeout: Option<Duration>,
    /// The source document the provenance panel quotes from, when there is one.
    pub source_document: Option<String>,
}

/// The default HTTP address when neither `--http` nor `--bolt` is given.
pub const DEFAULT_HTTP: &str = "127.0.0.1:7474";

/// Runs the servers until the process is interrupted.
pub fn serve(database: Database, options: ServeOptions) -> Result<()> {
    if options.bolt.is_some() {
        bail!("--bolt: the Bolt server is not available in this build; use --http");
    }
    let address = options.http.clone().unwrap_or_else(|| DEFAULT_HTTP.to_owned());
    let listener =
        TcpListener::bind(&address).with_context(|| format!("listening on {address}"))?;
    let local = listener.local_addr().context("reading the bound address")?;
    let token = options.allow_writes.then(http::security::new_token).transpose()?;
    let config = http::HttpConfig {
        bound: local,
        token: token.clone(),
        timeout: options.timeout.unwrap_or(http::DEFAULT_TIMEOUT),
        source_document: options.source_document.clone(),
        limits: http::Limits::default(),
    };
    let url = match &token {
        Some(token) => format!("http://{local}/?token={token}"),
        None => format!("http://{local}/"),
    };
    let _accepting = http::start(listener, database, config)?;
    {
        // Scripts and tests wait for this line to know the server is ready.
        let mut stdout = io::stdout().lock();
        writeln!(stdout, "{url}").context("writing the URL to stdout")?;
        stdout.flush().context("writing the URL to stdout")?;
    }
    if options.open {
        open_browser(&url);
    }
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .context("installing the Ctrl-C handler")?;
    // Waiting on the channel rather than joining the accept loop lets Ctrl-C end the
    // process even while requests are being served.
    let _ = stopped.recv();
    Ok(())
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
