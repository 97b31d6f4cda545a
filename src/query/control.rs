//! What a caller hands the executor besides the plan: parameters, and the limits of one
//! execution (a deadline, a cancel flag, how far a path search may walk, the procedures
//! `CALL` may name, the folder `LOAD CSV` may read and the counter it reports to).
//!
//! Set by sessions and embedding programs, read by the executor; holds no behaviour.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::time::{Duration, Instant};

use crate::graph::Value;
use crate::query::ImportDir;
use crate::query::procedures::Procedures;

/// Query parameters by name (`$name`).
pub type Params = BTreeMap<String, Value>;

/// Limits, cancellation and callable procedures for one execution.
#[derive(Clone, Debug)]
pub struct Control {
    /// What `CALL` may name: the built-ins unless the caller registered more.
    pub procedures: Arc<Procedures>,
    /// Set from another thread (Ctrl-C) to stop the query.
    pub cancel: Arc<AtomicBool>,
    pub deadline: Option<Instant>,
    /// How many partial paths a variable-length expansion or shortest-path search may
    /// visit for one input row before it stops with an error.
    pub max_path_steps: u64,
    /// Where `LOAD CSV` may read files; without one it is refused (the library does no
    /// IO unless its caller asks).
    pub import_dir: Option<Arc<ImportDir>>,
    /// How far `LOAD CSV` has read its file, for a caller's progress bar.
    pub progress: Arc<LoadProgress>,
}

impl Default for Control {
    fn default() -> Self {
        Control {
            procedures: Procedures::builtin(),
            cancel: Arc::new(AtomicBool::new(false)),
            deadline: None,
            max_path_steps: 50_000_000,
            import_dir: None,
            progress: Arc::default(),
        }
    }
}

impl Control {
    pub fn with_timeout(timeout: Duration) -> Self {
        Control { deadline: Some(Instant::now() + timeout), ..Control::default() }
    }
}

/// How far the current `LOAD CSV` has read its file, for a progress bar that another
/// thread draws (the command line polls it; the library never prints).
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub bytes_read: AtomicU64,
    /// The file's size, or 0 while no file is being read.
    pub bytes_total: AtomicU64,
}
