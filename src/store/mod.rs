//! Keeping changes: writing the graph back into the graph-data files it was loaded
//! from, as a person would have edited them, safely.
//!
//! `DataFolder` remembers where the graph came from and a stamp of every file as it was
//! read. `save` refuses when any file changed on disk since (another korpu saved, a
//! person edited it: no lost update), holds an exclusive lock while it works (two
//! savers cannot interleave), lays out the new texts (`layout`: unchanged records keep
//! their bytes, so one changed fact is a diff of a few lines), and replaces the files
//! all at once through `commit`, whose journal makes a crash at any instant leave the
//! old folder or the new one. Reading a folder first finishes or undoes any save a crash
//! interrupted. The bundled graph is read-only; `save_as` writes a copy elsewhere.
//!
//! Records are written by `load::format`, the one module of the graph-data record format
//! (the loader reads through it); `scan` finds records in a file's text without parsing
//! it all (`load::scan`); `load::schema_file` writes the indexes and constraints back
//! into `schema.json`.

mod commit;
mod layout;
mod wal;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::graph::Graph;
use crate::load::{LoadError, ReadFiles, SCHEMA_FILE, Source};

pub use layout::SaveCounts;
pub use wal::{Commit, LOG_FILE, LogError, Recovered, TransactionLog, recover};

use commit::{Disk, RealDisk};
use layout::FileText;

/// Where a graph was loaded from, and what its files held then.
#[derive(Debug)]
pub struct DataFolder {
    location: Location,
    stamps: Vec<Stamp>,
}

#[derive(Debug, Clone)]
enum Location {
    /// A graph begun empty: nothing to save into until `save_as` names a folder.
    Empty,
    /// The graph compiled into the binary: read-only.
    Bundled,
    /// A folder of `*.json` files.
    Folder(PathBuf),
    /// One JSON file (its folder holds the lock and the journal).
    File(PathBuf),
}

/// A file's name within its folder and a fingerprint of its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    name: String,
    length: usize,
    hash: u64,
}

impl Stamp {
    fn of(name: &str, bytes: &[u8]) -> Stamp {
        Stamp { name: name.to_owned(), length: bytes.len(), hash: fingerprint(bytes) }
    }
}

/// A fingerprint of a file's bytes, to notice that it changed (not to resist an
/// adversary): four independent multiply-rotate lanes, so a 280 MB file costs tens of
/// milliseconds of a load rather than hundreds.
fn fingerprint(bytes: &[u8]) -> u64 {
    const SEED: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut lanes = [1u64, 2, 3, 4];
    let mut blocks = bytes.chunks_exact(32);
    for block in &mut blocks {
        for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
            let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
            *lane = (lane.rotate_left(23) ^ word).wrapping_mul(SEED);
        }
    }
    let mut tail = [0u8; 32];
    let rest = blocks.remainder();
    tail[..rest.len()].copy_from_slice(rest);
    for (lane, word) in lanes.iter_mut().zip(tail.chunks_exact(8)) {
        let word = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        *lane = (lane.rotate_left(23) ^ word).wrapping_mul(SEED);
    }
    lanes
        .iter()
        .fold(bytes.len() as u64, |hash, lane| (hash.rotate_left(17) ^ lane).wrapping_mul(SEED))
}

/// Why a save wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error(
        "the bundled graph (or one begun empty) has no folder to save into; save a copy with `:save DIR`, or work on a folder with `korpu --data graph-data`"
    )]
    ReadOnly,
    #[error(
        "`{file}` changed on disk since the graph was loaded (edited, or saved by another korpu); nothing was written. Reload it to see that change (yours here would be lost), or save yours elsewhere with `:save DIR`"
    )]
    Changed { file: String },
    #[error("another korpu is saving into {folder} right now; nothing was written, try again")]
    Locked { folder: String },
    #[error(
        "{folder} already holds graph data; nothing was written (save into an empty or new folder)"
    )]
    NotEmpty { folder: String },
    #[error("cannot save into {path}: {error}")]
    Io { path: String, error: io::Error },
    #[error("cannot save into `{file}`: {message}")]
    Layout { file: String, message: String },
}

/// What a save did.
#[derive(Debug, Default)]
pub struct SaveReport {
    pub counts: SaveCounts,
    /// The files written, by name within the folder.
    pub files: Vec<String>,
    /// Where they were written.
    pub folder: PathBuf,
}

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> SaveError + '_ {
    move |error| SaveError::Io { path: path.display().to_string(), error }
}

impl DataFolder {
    /// The bundled graph's files.
    pub fn bundled() -> (DataFolder, ReadFiles) {
        let sources: Vec<Source> = crate::bundled::FILES
            .iter()
            .map(|(name, text)| Source { name: (*name).to_owned(), text: (*text).to_owned() })
            .collect();
        let stamps = sources
            .iter()
            .map(|source| Stamp::of(file_name(&source.name), source.text.as_bytes()))
            .collect();
        (
            DataFolder { location: Location::Bundled, stamps },
            ReadFiles { sources, unreadable: Vec::new() },
        )
    }

    /// No files yet: a graph begun empty.
    pub fn empty() -> DataFolder {
        DataFolder { location: Location::Empty, stamps: Vec::new() }
    }

    /// Reads a JSON file, or every `*.json` file of a folder (sorted by name), after
    /// finishing or undoing a save that a crash interrupted there.
    pub fn read(path: &Path) -> Result<(DataFolder, ReadFiles), LoadError> {
        let display = path.display().to_string();
        let location = if path.is_dir() {
            Location::Folder(path.to_path_buf())
        } else {
            Location::File(path.to_path_buf())
        };
        let root = root_of(&location).to_path_buf();
        if root.join(commit::JOURNAL).exists() || has_leftovers(&root) {
            commit::recover(&mut RealDisk, &root).map_err(|error| {
                LoadError::single(&display, format!("cannot finish an interrupted save: {error}"))
            })?;
        }
        let files = crate::load::read_path(path)?;
        let stamps = files
            .sources
            .iter()
            .map(|source| Stamp::of(file_name(&source.name), source.text.as_bytes()))
            .collect();
        Ok((DataFolder { location, stamps }, files))
    }

    /// True when saving in place is refused: the bundled graph, or one begun empty.
    pub fn is_read_only(&self) -> bool {
        matches!(self.location, Location::Bundled | Location::Empty)
    }

    /// The folder saves go to (`None` for the bundled graph or one begun empty).
    pub fn folder(&self) -> Option<&Path> {
        match &self.location {
            Location::Bundled | Location::Empty => None,
            location => Some(root_of(location)),
        }
    }

    /// Replays the folder's transaction log onto `graph`, freshly loaded from these
    /// files (nothing for the bundled graph or one begun empty).
    pub fn recover_log(&self, graph: &mut Graph) -> Result<Recovered, LogError> {
        match self.folder() {
            Some(folder) => recover(folder, self.fingerprint(), graph),
            None => Ok(Recovered::default()),
        }
    }

    /// The folder's transaction log, opened for appending after `recover_log` (`None`
    /// for the bundled graph or one begun empty).
    pub fn open_log(&self) -> Result<Option<TransactionLog>, LogError> {
        self.folder().map(|folder| TransactionLog::open(folder, self.fingerprint())).transpose()
    }

    /// True when the folder has a transaction log file.
    pub fn has_log(&self) -> bool {
        self.folder().is_some_and(|folder| folder.join(LOG_FILE).exists())
    }

    /// A fingerprint of the data files as this folder last read or wrote them (names,
    /// lengths and contents): what a transaction log is written against.
    pub fn fingerprint(&self) -> u64 {
        let mut stamps: Vec<&Stamp> = self.stamps.iter().collect();
        stamps.sort_by(|a, b| a.name.cmp(&b.name));
        let mut text = Vec::new();
        for stamp in stamps {
            text.extend_from_slice(stamp.name.as_bytes());
            text.push(0);
            text.extend_from_slice(&(stamp.length as u64).to_le_bytes());
            text.extend_from_slice(&stamp.hash.to_le_bytes());
        }
        fingerprint(&text)
    }

    /// Writes the changes in `graph` into the files it was loaded from.
    pub fn save(&mut self, graph: &mut Graph) -> Result<SaveReport, SaveError> {
        self.save_with(graph, &mut RealDisk, &mut |_| Ok(()))
    }

    /// `save`, telling `before_commit` the fingerprint the files will have just before
    /// they are replaced (a transaction log notes it, to recognise a finished
    /// checkpoint after a crash); an error from it stops the save with nothing written.
    pub fn save_announced(
        &mut self,
        graph: &mut Graph,
        before_commit: &mut dyn FnMut(u64) -> io::Result<()>,
    ) -> Result<SaveReport, SaveError> {
        self.save_with(graph, &mut RealDisk, before_commit)
    }

    fn save_with(
        &mut self,
        graph: &mut Graph,
        disk: &mut dyn Disk,
        before_commit: &mut dyn FnMut(u64) -> io::Result<()>,
    ) -> Result<SaveReport, SaveError> {
        if self.is_read_only() {
            return Err(SaveError::ReadOnly);
        }
        let root = root_of(&self.location).to_path_buf();
        let _lock = lock(&root)?;
        if root.join(commit::JOURNAL).exists() || has_leftovers(&root) {
            commit::recover(disk, &root).map_err(io_error(&root))?;
        }
        let current = self.read_unchanged()?;
        let data: Vec<FileText> =
            current.iter().filter(|file| file.name != SCHEMA_FILE).cloned().collect();
        let plan = layout::plan_save(&data, graph)
            .map_err(|error| SaveError::Layout { file: error.file, message: error.message })?;
        let mut files: Vec<(String, String)> =
            plan.files.iter().map(|file| (file.name.clone(), file.text.clone())).collect();
        if let Some(schema) = updated_schema(&current, graph)? {
            files.push((SCHEMA_FILE.to_owned(), schema));
        }
        let mut after = DataFolder { location: self.location.clone(), stamps: self.stamps.clone() };
        for (name, text) in &files {
            let stamp = Stamp::of(name, text.as_bytes());
            match after.stamps.iter_mut().find(|existing| existing.name == *name) {
                Some(existing) => *existing = stamp,
                None => after.stamps.push(stamp),
            }
        }
        before_commit(after.fingerprint()).map_err(io_error(&root))?;
        if !files.is_empty() {
            commit::replace_files(disk, &root, &files).map_err(io_error(&root))?;
        }
        for (node, id) in &plan.renames {
            graph.rename_node(*node, id);
        }
        self.stamps = after.stamps;
        Ok(SaveReport {
            counts: plan.counts,
            files: files.into_iter().map(|(name, _)| name).collect(),
            folder: root,
        })
    }

    /// Writes the whole graph as a new data folder `target` (which must be new or hold
    /// no `.json` file), in the layout of the files it was loaded from; afterwards saves
    /// go there.
    pub fn save_as(&mut self, graph: &mut Graph, target: &Path) -> Result<SaveReport, SaveError> {
        let current: Vec<FileText> = match &self.location {
            Location::Bundled => crate::bundled::FILES
                .iter()
                .map(|(name, text)| FileText {
                    name: file_name(name).to_owned(),
                    text: (*text).to_owned(),
                })
                .collect(),
            _ => self.read_unchanged()?,
        };
        fs::create_dir_all(target).map_err(io_error(target))?;
        let _lock = lock(target)?;
        let occupied = fs::read_dir(target)
            .map_err(io_error(target))?
            .filter_map(Result::ok)
            .any(|entry| entry.path().extension().is_some_and(|ext| ext == "json"));
        if occupied {
            return Err(SaveError::NotEmpty { folder: target.display().to_string() });
        }
        let data: Vec<FileText> =
            current.iter().filter(|file| file.name != SCHEMA_FILE).cloned().collect();
        let plan = layout::plan_save(&data, graph)
            .map_err(|error| SaveError::Layout { file: error.file, message: error.message })?;
        let schema = updated_schema(&current, graph)?;
        let has_schema = current.iter().any(|file| file.name == SCHEMA_FILE);
        let files: Vec<(String, String)> = current
            .iter()
            .map(|file| {
                let text = plan
                    .files
                    .iter()
                    .find(|planned| planned.name == file.name)
                    .map_or(&file.text, |planned| &planned.text);
                match (&schema, file.name == SCHEMA_FILE) {
                    (Some(schema), true) => (file.name.clone(), schema.clone()),
                    _ => (file.name.clone(), text.clone()),
                }
            })
            .chain(
                schema.clone().filter(|_| !has_schema).map(|text| (SCHEMA_FILE.to_owned(), text)),
            )
            .chain(
                plan.files
                    .iter()
                    .filter(|planned| !current.iter().any(|file| file.name == planned.name))
                    .map(|planned| (planned.name.clone(), planned.text.clone())),
            )
            .collect();
        commit::replace_files(&mut RealDisk, target, &files).map_err(io_error(target))?;
        for (node, id) in &plan.renames {
            graph.rename_node(*node, id);
        }
        self.location = Location::Folder(target.to_path_buf());
        self.stamps = files.iter().map(|(name, text)| Stamp::of(name, text.as_bytes())).collect();
        Ok(SaveReport {
            counts: plan.counts,
            files: files.into_iter().map(|(name, _)| name).collect(),
            folder: target.to_path_buf(),
        })
    }

    /// The files as they are on disk now, provided they are exactly as they were loaded.
    fn read_unchanged(&self) -> Result<Vec<FileText>, SaveError> {
        let root = root_of(&self.location);
        let files = list_files(&self.location).map_err(|message| SaveError::Io {
            path: root.display().to_string(),
            error: io::Error::other(message),
        })?;
        let names: Vec<&str> = files.iter().map(|file| file_name_of(file)).collect();
        if let Some(added) =
            names.iter().find(|name| !self.stamps.iter().any(|stamp| stamp.name == **name))
        {
            return Err(SaveError::Changed { file: (*added).to_owned() });
        }
        if let Some(removed) =
            self.stamps.iter().find(|stamp| !names.contains(&stamp.name.as_str()))
        {
            return Err(SaveError::Changed { file: removed.name.clone() });
        }
        let mut texts = Vec::with_capacity(files.len());
        for file in files {
            let name = file_name_of(&file).to_owned();
            let bytes = fs::read(&file).map_err(io_error(&file))?;
            let stamp = Stamp::of(&name, &bytes);
            if !self.stamps.contains(&stamp) {
                return Err(SaveError::Changed { file: name });
            }
            let text =
                String::from_utf8(bytes).map_err(|_| SaveError::Changed { file: name.clone() })?;
            texts.push(FileText { name, text });
        }
        Ok(texts)
    }
}

fn root_of(location: &Location) -> &Path {
    match location {
        Location::Bundled | Location::Empty => Path::new("."),
        Location::Folder(folder) => folder,
        Location::File(file) => {
            file.parent().filter(|parent| !parent.as_os_str().is_empty()).unwrap_or(Path::new("."))
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn file_name_of(path: &Path) -> &str {
    path.file_name().and_then(|name| name.to_str()).unwrap_or("")
}

/// The data files of a location, sorted by name.
fn list_files(location: &Location) -> Result<Vec<PathBuf>, String> {
    match location {
        Location::Bundled | Location::Empty => Ok(Vec::new()),
        Location::File(file) => Ok(vec![file.clone()]),
        Location::Folder(folder) => crate::load::json_files(folder)
            .map_err(|error| format!("cannot list the folder: {error}")),
    }
}

fn has_leftovers(root: &Path) -> bool {
    fs::read_dir(root).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|entry| {
            let name = entry.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".korpu-new") || name == ".korpu-save.tmp"
        })
    })
}

/// An exclusive lock on the folder for the length of a save; the operating system
/// releases it if the process dies.
fn lock(root: &Path) -> Result<fs::File, SaveError> {
    let path = root.join(".korpu-lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io_error(&path))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => {
            Err(SaveError::Locked { folder: root.display().to_string() })
        }
        Err(fs::TryLockError::Error(error)) => {
            Err(SaveError::Io { path: path.display().to_string(), error })
        }
    }
}

#[cfg(test)]
mod tests;

/// The new `schema.json` when the graph's indexes and constraints differ from the ones
/// the folder's file declares.
fn updated_schema(current: &[FileText], graph: &Graph) -> Result<Option<String>, SaveError> {
    let text = current.iter().find(|file| file.name == SCHEMA_FILE).map(|file| file.text.as_str());
    crate::load::schema_file::updated_text(text, graph)
        .map_err(|message| SaveError::Layout { file: SCHEMA_FILE.to_owned(), message })
}
