//! The database every client of one process shares: the committed graph that readers
//! see, the one writer's working copy, where the graph was loaded from, and its
//! transaction log.
//!
//! Snapshot reads, with two copies of the graph. Readers take the last committed graph
//! (an `Arc`, taken under a lock held for a pointer copy) and never wait for a writer.
//! Writers take the writer lock, one at a time: a statement that writes for its length,
//! an explicit transaction from its first write to its end, and change their own copy;
//! a commit is logged (when commits are logged), then published by swapping the two
//! copies' roles. The copy readers had is brought up to date by replaying the commit
//! (`store::Commit`, the record the log keeps) once no reader holds it any more; if one
//! still does when the next write begins, the writer copies the published graph
//! instead. Costs: a server that has taken a write holds two copies of the graph; a
//! commit costs a replay of what it changed; a long reader can make the next writer
//! copy the whole graph. A graph that is never written holds one copy.
//! Knows nothing of sessions, parameters or output; `session` builds on it.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use parking_lot::lock_api::ArcMutexGuard;
use parking_lot::{Mutex, MutexGuard, RawMutex, RwLock};

use crate::graph::{Graph, Savepoint};
use crate::load::{LoadError, Problem};
use crate::store::{Commit, DataFolder, LogError, SaveError, SaveReport, TransactionLog};

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

/// A commit that changed more than this share of a graph's elements is not replayed
/// onto the other copy: copying the graph costs about as much.
const REPLAY_SHARE: usize = 4;

/// The one writer's state, held by a writing statement for its length and by an
/// explicit transaction from its first write to its end.
#[derive(Debug)]
pub struct Writer {
    /// The writer's own copy, in step with the published graph (same ids, same content)
    /// whenever no transaction is open; `None` until a write needs it.
    working: Option<Graph>,
    /// The copy readers had before the last commit, and that commit, to be replayed
    /// onto it once no reader holds it.
    behind: Option<(Arc<Graph>, Commit)>,
    /// Where the graph came from, for saving; `None` for a graph begun empty.
    pub data: Option<DataFolder>,
    /// Where commits are made durable before they are acknowledged (a server taking
    /// writes on a data folder); `None` keeps them in memory until a save.
    pub log: Option<TransactionLog>,
}

#[derive(Debug)]
struct Shared {
    /// The last committed graph.
    published: RwLock<Arc<Graph>>,
    writer: Arc<Mutex<Writer>>,
    /// Changes committed since the graph was loaded or last saved.
    unsaved: AtomicUsize,
}

/// A handle on the shared database; cloning it is cheap and shares the same graph.
#[derive(Clone, Debug)]
pub struct Database {
    shared: Arc<Shared>,
}

/// The writer lock held by one session's open transaction.
pub(crate) type WriterGuard = ArcMutexGuard<RawMutex, Writer>;

impl Writer {
    /// The writer's copy, when one is made (always, inside a transaction).
    pub(crate) fn working_graph(&self) -> Option<&Graph> {
        self.working.as_ref()
    }
}

impl Database {
    pub fn new(graph: Graph, data: Option<DataFolder>) -> Database {
        let writer = Writer { working: None, behind: None, data, log: None };
        let shared = Shared {
            published: RwLock::new(Arc::new(graph)),
            writer: Arc::new(Mutex::new(writer)),
            unsaved: AtomicUsize::new(0),
        };
        Database { shared: Arc::new(shared) }
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
        database.add_unsaved(recovered.changes);
        Ok((database, loaded.warnings))
    }

    /// From now on every commit is appended to the data folder's transaction log and
    /// flushed to disk before it is acknowledged. Fails for a graph with no folder.
    pub fn log_commits(&self) -> Result<(), LogError> {
        let mut writer = self.writer();
        let log = writer.data.as_ref().map(DataFolder::open_log).transpose()?.flatten();
        writer.log = Some(log.ok_or(LogError::NoFolder)?);
        Ok(())
    }

    /// The last committed graph. Holding it keeps that version alive; it never changes.
    pub fn snapshot(&self) -> Arc<Graph> {
        Arc::clone(&self.shared.published.read())
    }

    /// Changes committed since the graph was loaded or last saved.
    pub fn unsaved(&self) -> usize {
        self.shared.unsaved.load(Ordering::Relaxed)
    }

    /// Counts `changes` more committed changes not saved yet.
    pub fn add_unsaved(&self, changes: usize) {
        self.shared.unsaved.fetch_add(changes, Ordering::Relaxed);
    }

    /// True when the graph was loaded from a folder (or file) it can be saved into.
    pub fn has_data_folder(&self) -> bool {
        self.writer().data.as_ref().is_some_and(|data| data.folder().is_some())
    }

    /// True when commits are logged.
    pub fn logs_commits(&self) -> bool {
        self.writer().log.is_some()
    }

    /// The writer lock, waiting for the writer that holds it.
    pub fn writer(&self) -> MutexGuard<'_, Writer> {
        self.shared.writer.lock()
    }

    /// The writer lock, waiting at most `timeout` for it.
    pub fn try_writer_for(&self, timeout: std::time::Duration) -> Option<MutexGuard<'_, Writer>> {
        self.shared.writer.try_lock_for(timeout)
    }

    /// The writer lock, kept by a session across statements.
    pub(crate) fn writer_owned(&self) -> WriterGuard {
        self.shared.writer.lock_arc()
    }

    /// The writer's copy of the graph, made ready: the copy readers had is brought up to
    /// date when no reader holds it any more, else the published graph is copied.
    pub fn working<'w>(&self, writer: &'w mut Writer) -> &'w mut Graph {
        if writer.working.is_none() {
            let caught_up = writer.behind.take().and_then(|(old, commit)| {
                let mut old = Arc::try_unwrap(old).ok()?;
                commit.replay(&mut old).ok()?;
                Some(old)
            });
            let graph = caught_up.unwrap_or_else(|| Graph::clone(&self.snapshot()));
            writer.working = Some(graph);
        }
        writer.working.as_mut().expect("made just above")
    }

    /// Keeps the changes made on the writer's copy since `savepoint`: logged first when
    /// commits are logged (undone, and the error returned, when that fails), then
    /// published to readers. Answers how many elements the commit touched.
    pub fn commit(&self, writer: &mut Writer, savepoint: Savepoint) -> Result<usize, LogError> {
        let logged = writer.log.is_some();
        let graph = self.working(writer);
        let changes = graph.changes_since(&savepoint);
        if changes.is_empty() {
            graph.release(savepoint);
            return Ok(0);
        }
        let size = changes.size();
        let elements = graph.node_count() + graph.edge_count();
        // The old copy is caught up by replaying the commit, unless the commit was most of
        // the graph (a big import): then it is dropped, and the record is made only for
        // the log, if there is one.
        let replay = size.saturating_mul(REPLAY_SHARE) <= elements;
        let commit = (replay || logged).then(|| Commit::of(graph, &changes));
        if let (Some(log), Some(commit)) = (&mut writer.log, &commit)
            && let Err(error) = log.append(commit)
        {
            self.working(writer).rollback_to(savepoint);
            return Err(error);
        }
        self.working(writer).release(savepoint);
        let new = Arc::new(writer.working.take().expect("made ready above"));
        let old = std::mem::replace(&mut *self.shared.published.write(), new);
        writer.behind = commit.filter(|_| replay).map(|commit| (old, commit));
        Ok(size)
    }

    /// Undoes the changes made on the writer's copy since `savepoint`.
    pub fn rollback(&self, writer: &mut Writer, savepoint: Savepoint) {
        self.working(writer).rollback_to(savepoint);
    }

    /// True when the log has grown past `CHECKPOINT_BYTES`.
    pub(crate) fn wants_checkpoint(writer: &Writer) -> bool {
        writer.log.as_ref().is_some_and(|log| log.length() > CHECKPOINT_BYTES)
    }

    /// Writes the whole graph as a new data folder `target`, which later saves then go
    /// to.
    pub fn save_as(&self, target: &Path) -> Result<SaveReport, SaveError> {
        let mut writer = self.writer();
        self.working(&mut writer);
        let Writer { working, behind, data, .. } = &mut *writer;
        let graph = working.as_mut().expect("made ready above");
        let report = data.get_or_insert_with(DataFolder::empty).save_as(graph, target)?;
        self.shared.unsaved.store(0, Ordering::Relaxed);
        // Saving named new nodes; readers get the graph as saved.
        *behind = None;
        *self.shared.published.write() = Arc::new(graph.clone());
        Ok(report)
    }

    /// Takes the writer lock and checkpoints (see `checkpoint_with`).
    pub fn checkpoint(&self, after: AfterCheckpoint) -> Result<SaveReport, CheckpointError> {
        let mut writer = self.writer();
        self.checkpoint_with(&mut writer, after)
    }

    /// Writes the graph into its data files with the smallest diff and starts the
    /// folder's transaction log afresh (a log left by a server is emptied too, so the
    /// files and the log never disagree). Readers are then given the graph as saved
    /// (new nodes carry the ids the files gave them).
    pub fn checkpoint_with(
        &self,
        writer: &mut Writer,
        after: AfterCheckpoint,
    ) -> Result<SaveReport, CheckpointError> {
        self.working(writer);
        let Writer { working, behind, data, log: owned_log } = writer;
        let graph = working.as_mut().expect("made ready above");
        let data = data.as_mut().ok_or(CheckpointError::NoDataFolder)?;
        let serving = owned_log.is_some();
        let mut log = match owned_log.take() {
            Some(log) => Some(log),
            None if data.has_log() => data.open_log()?,
            None => None,
        };
        let saved = match &mut log {
            Some(log) => data.save_announced(graph, &mut |target| {
                log.begin_checkpoint(target).map_err(std::io::Error::other)
            }),
            None => data.save(graph),
        };
        let report = match saved {
            Ok(report) => report,
            Err(error) => {
                *owned_log = log.filter(|_| serving);
                return Err(error.into());
            }
        };
        self.shared.unsaved.store(0, Ordering::Relaxed);
        if let Some(mut log) = log {
            log.restart(data.fingerprint())?;
            if serving && after == AfterCheckpoint::Continue {
                // Later records name elements as a fresh load of these files will.
                let folder = data.folder().expect("a folder with a log").to_owned();
                let (fresh, files) = DataFolder::read(&folder).map_err(CheckpointError::Reload)?;
                *graph = files.load(None).map_err(CheckpointError::Reload)?.graph;
                *data = fresh;
                *owned_log = Some(log);
            }
        }
        // Saving renamed new nodes; readers get the graph as saved.
        *behind = None;
        *self.shared.published.write() = Arc::new(graph.clone());
        Ok(report)
    }
}
