//! The database every client of one process shares: the graph, where it was loaded
//! from, and how many changes are not saved yet, behind one reader-writer lock.
//!
//! Many sessions read at once; a statement that writes takes the lock exclusively for
//! its length, and an explicit transaction holds it from `BEGIN` to `COMMIT` or
//! `ROLLBACK`, so no reader ever sees half of a statement or of a transaction. A writer
//! that waits does not starve: the lock is fair between readers and writers.
//! Knows nothing of sessions, parameters or output; `session` builds on it.

use std::sync::Arc;

use parking_lot::lock_api::ArcRwLockWriteGuard;
use parking_lot::{RawRwLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

use std::path::Path;

use crate::graph::Graph;
use crate::load::{LoadError, Problem};
use crate::store::DataFolder;

/// What the lock protects.
#[derive(Debug)]
pub struct Stored {
    pub graph: Graph,
    /// Where the graph came from, for saving; `None` for a graph begun empty.
    pub data: Option<DataFolder>,
    /// Changes committed since the graph was loaded or last saved.
    pub unsaved: usize,
}

/// A handle on the shared database; cloning it is cheap and shares the same graph.
#[derive(Clone, Debug)]
pub struct Database {
    state: Arc<RwLock<Stored>>,
}

/// The database held exclusively by one session's open transaction.
pub(crate) type TransactionGuard = ArcRwLockWriteGuard<RawRwLock, Stored>;

impl Database {
    pub fn new(graph: Graph, data: Option<DataFolder>) -> Database {
        Database { state: Arc::new(RwLock::new(Stored { graph, data, unsaved: 0 })) }
    }

    /// Opens the graph-data at `path` (a folder of `*.json` files, or one file), after
    /// finishing or undoing a save that a crash interrupted there; answers the database
    /// and what the loader warned about (the data loaded all the same).
    pub fn open(path: &Path) -> Result<(Database, Vec<Problem>), LoadError> {
        let (data, files) = DataFolder::read(path)?;
        let loaded = files.load(None)?;
        Ok((Database::new(loaded.graph, Some(data)), loaded.warnings))
    }

    /// Shared access, waiting while a writer works.
    pub fn read(&self) -> RwLockReadGuard<'_, Stored> {
        self.state.read()
    }

    /// Exclusive access, waiting for readers to finish.
    pub fn write(&self) -> RwLockWriteGuard<'_, Stored> {
        self.state.write()
    }

    /// Exclusive access that a session keeps across statements.
    pub(crate) fn write_owned(&self) -> TransactionGuard {
        self.state.write_arc()
    }
}
