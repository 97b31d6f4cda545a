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

use crate::graph::{Graph, Savepoint};
use crate::load::{LoadError, Problem};
use crate::store::{DataFolder, LogError, SaveError, SaveReport, TransactionLog};

/// The log is checkpointed (written into the data files and started afresh) once it
/// holds this many bytes.
pub const CHECKPOINT_BYTES: u64 = 64 << 20;

/// What a checkpoint does once the files are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterCheckpoint {
    /// The server goes on taking commits: the graph is read again from the files, so
    /// the log's next records name elements as a later load of those files will.
    Continue,
    /// The process is about to end.
    Stop,
}

/// Why a checkpoint (or a save) did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("this graph was not loaded from files; save it into a new folder with :save DIR")]
    NoDataFolder,
    #[error(transparent)]
    Save(#[from] SaveError),
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("the data files were written, but reading them back failed: {0}")]
    Reload(LoadError),
}

impl Stored {
    /// Keeps the changes made since `savepoint`, first making them durable when commits
    /// are logged; if they cannot be logged they are undone and the error returned.
    pub(crate) fn commit(&mut self, savepoint: Savepoint) -> Result<(), LogError> {
        if let Some(log) = &mut self.log {
            let changes = self.graph.changes_since(&savepoint);
            if !changes.is_empty()
                && let Err(error) = log.append(&self.graph, &changes)
            {
                self.graph.rollback_to(savepoint);
                return Err(error);
            }
        }
        self.graph.release(savepoint);
        Ok(())
    }

    /// True when the log has grown past `CHECKPOINT_BYTES`.
    pub(crate) fn wants_checkpoint(&self) -> bool {
        self.log.as_ref().is_some_and(|log| log.length() > CHECKPOINT_BYTES)
    }

    /// Writes the graph into its data files with the smallest diff and starts the
    /// folder's transaction log afresh (a log left by a server is emptied too, so the
    /// files and the log never disagree).
    pub fn checkpoint(&mut self, after: AfterCheckpoint) -> Result<SaveReport, CheckpointError> {
        let data = self.data.as_mut().ok_or(CheckpointError::NoDataFolder)?;
        let owned = self.log.take();
        let serving = owned.is_some();
        let mut log = match owned {
            Some(log) => Some(log),
            None if data.has_log() => data.open_log()?,
            None => None,
        };
        let saved = match &mut log {
            Some(log) => data.save_announced(&mut self.graph, &mut |target| {
                log.begin_checkpoint(target).map_err(std::io::Error::other)
            }),
            None => data.save(&mut self.graph),
        };
        let report = match saved {
            Ok(report) => report,
            Err(error) => {
                self.log = log.filter(|_| serving);
                return Err(error.into());
            }
        };
        self.unsaved = 0;
        let Some(mut log) = log else { return Ok(report) };
        log.restart(data.fingerprint())?;
        if serving && after == AfterCheckpoint::Continue {
            let folder = data.folder().expect("a folder with a log").to_owned();
            let (fresh, files) = DataFolder::read(&folder).map_err(CheckpointError::Reload)?;
            self.graph = files.load(None).map_err(CheckpointError::Reload)?.graph;
            self.data = Some(fresh);
            self.log = Some(log);
        }
        Ok(report)
    }
}

/// What the lock protects.
#[derive(Debug)]
pub struct Stored {
    pub graph: Graph,
    /// Where the graph came from, for saving; `None` for a graph begun empty.
    pub data: Option<DataFolder>,
    /// Changes committed since the graph was loaded or last saved.
    pub unsaved: usize,
    /// Where commits are made durable before they are acknowledged (a server taking
    /// writes on a data folder); `None` keeps them in memory until a save.
    pub log: Option<TransactionLog>,
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
        let stored = Stored { graph, data, unsaved: 0, log: None };
        Database { state: Arc::new(RwLock::new(stored)) }
    }

    /// Opens the graph-data at `path` (a folder of `*.json` files, or one file), after
    /// finishing or undoing a save that a crash interrupted there; answers the database
    /// and what the loader warned about (the data loaded all the same).
    /// Commits recorded in the folder's transaction log (`korpu.wal`) and not yet in its
    /// files are replayed, so the database holds every commit that was acknowledged.
    pub fn open(path: &Path) -> Result<(Database, Vec<Problem>), LoadError> {
        let (data, files) = DataFolder::read(path)?;
        let mut loaded = files.load(None)?;
        let recovered = data
            .recover_log(&mut loaded.graph)
            .map_err(|error| LoadError::single(&path.display().to_string(), error.to_string()))?;
        let database = Database::new(loaded.graph, Some(data));
        database.write().unsaved = recovered.changes;
        Ok((database, loaded.warnings))
    }

    /// From now on every commit is appended to the data folder's transaction log and
    /// flushed to disk before it is acknowledged. Fails for a graph with no folder.
    pub fn log_commits(&self) -> Result<(), LogError> {
        let mut stored = self.write();
        let Some(data) = &stored.data else {
            return Err(LogError::NoFolder);
        };
        let log = data.open_log()?;
        stored.log = log;
        if stored.log.is_none() {
            return Err(LogError::NoFolder);
        }
        Ok(())
    }

    /// Shared access, waiting while a writer works.
    pub fn read(&self) -> RwLockReadGuard<'_, Stored> {
        self.state.read()
    }

    /// Exclusive access, waiting at most `timeout` for it.
    pub fn try_write_for(
        &self,
        timeout: std::time::Duration,
    ) -> Option<RwLockWriteGuard<'_, Stored>> {
        self.state.try_write_for(timeout)
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
