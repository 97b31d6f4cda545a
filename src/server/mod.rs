//! `korpu serve`: binds the listeners asked for over one shared `Database`, prints
//! where each listens, and serves until the process is told to stop (Ctrl-C).
//!
//! Listeners bind to loopback unless an address says otherwise, because without an
//! auth file anyone who can connect can read and change the graph. Port 0 picks a free
//! port; the printed line (`bolt://127.0.0.1:PORT`) says which. The protocols live in
//! their own folders (`bolt/`); this file only wires them to the command line.

pub mod bolt;

use std::io::{self, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use anyhow::{Context as _, Result};

use crate::database::Database;
use bolt::BoltConfig;

/// Serves Bolt on `bolt_address` until Ctrl-C.
pub fn serve(database: Database, bolt_address: &str, config: BoltConfig) -> Result<()> {
    let listener = TcpListener::bind(bolt_address)
        .with_context(|| format!("cannot listen for Bolt on {bolt_address}"))?;
    let bound = listener.local_addr().context("the Bolt listener has no address")?;
    bolt::start(listener, database, config).context("cannot start the Bolt server")?;
    let mut stdout = io::stdout();
    writeln!(stdout, "bolt://{bound}")?;
    stdout.flush()?;
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .context("cannot install the Ctrl-C handler")?;
    // Wait for Ctrl-C; the connection threads end with the process.
    let _ = stopped.recv();
    eprintln!("stopping");
    Ok(())
}
