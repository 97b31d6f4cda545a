//! Replacing several files at once so that a crash at any instant leaves the old set or
//! the new one, never a mix: write each new text beside its file, make a journal that
//! names them durable with one rename (the commit point), rename each file into place,
//! then drop the journal. `recover` finishes an interrupted commit (journal present:
//! roll forward) or cleans up one that never reached its commit point (roll back).
//!
//! Every step goes through `Disk`, so the tests can stop the sequence after any step
//! (and tear a write in half) and check that what is left loads as old or new.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

/// The journal's name in the data folder; its presence means "roll forward".
pub(crate) const JOURNAL: &str = ".korpu-save";
const JOURNAL_TEMP: &str = ".korpu-save.tmp";
/// What a new text is written as, beside the file it replaces.
const NEW_SUFFIX: &str = ".korpu-new";

/// The file operations a save performs, one call per step that could be interrupted.
pub(crate) trait Disk {
    /// Creates or truncates `path`, writes `bytes` and flushes them to the device.
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()>;
    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()>;
    fn remove(&mut self, path: &Path) -> io::Result<()>;
    /// Makes the folder's entries (creations, renames, removals) durable.
    fn sync_dir(&mut self, dir: &Path) -> io::Result<()>;
}

/// The real file system.
pub(crate) struct RealDisk;

impl Disk for RealDisk {
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        let mut file = fs::File::create(path)?;
        file.write_all(bytes)?;
        file.sync_all()
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        fs::rename(from, to)
    }

    fn remove(&mut self, path: &Path) -> io::Result<()> {
        match fs::remove_file(path) {
            Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }

    fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        fs::File::open(dir)?.sync_all()
    }
}

fn beside(root: &Path, name: &str) -> PathBuf {
    root.join(format!("{name}{NEW_SUFFIX}"))
}

/// Replaces the named files of `root` with the given texts, all or none.
pub(crate) fn replace_files(
    disk: &mut dyn Disk,
    root: &Path,
    files: &[(String, String)],
) -> io::Result<()> {
    for (name, text) in files {
        disk.write(&beside(root, name), text.as_bytes())?;
    }
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    let journal = serde_json::to_string(&names).expect("a list of strings serialises");
    disk.write(&root.join(JOURNAL_TEMP), journal.as_bytes())?;
    disk.sync_dir(root)?;
    // The commit point: from here on, recovery rolls forward.
    disk.rename(&root.join(JOURNAL_TEMP), &root.join(JOURNAL))?;
    disk.sync_dir(root)?;
    for (name, _) in files {
        disk.rename(&beside(root, name), &root.join(name))?;
    }
    disk.sync_dir(root)?;
    disk.remove(&root.join(JOURNAL))?;
    disk.sync_dir(root)
}

/// What `recover` did.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Recovery {
    Nothing,
    /// An interrupted save was finished: the folder holds the saved graph.
    RolledForward,
    /// A save that had not reached its commit point was undone.
    RolledBack,
}

/// Finishes or undoes a save that a crash interrupted. Safe to run again if it is
/// itself interrupted.
pub(crate) fn recover(disk: &mut dyn Disk, root: &Path) -> io::Result<Recovery> {
    let journal_path = root.join(JOURNAL);
    let mut outcome = Recovery::Nothing;
    if journal_path.exists() {
        let text = fs::read_to_string(&journal_path)?;
        let names: Vec<String> = serde_json::from_str(&text).map_err(|error| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} is damaged ({error}); remove it to keep the files as they are",
                    journal_path.display()
                ),
            )
        })?;
        for name in &names {
            if name.contains('/') || name.contains('\\') || name.starts_with('.') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("{} names `{name}`", journal_path.display()),
                ));
            }
            let new = beside(root, name);
            if new.exists() {
                disk.rename(&new, &root.join(name))?;
            }
        }
        disk.sync_dir(root)?;
        disk.remove(&journal_path)?;
        outcome = Recovery::RolledForward;
    }
    // Leftovers of a save that stopped before its commit point.
    let mut removed = false;
    for entry in fs::read_dir(root)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|name| name.to_str()).unwrap_or("");
        if name.ends_with(NEW_SUFFIX) || name == JOURNAL_TEMP {
            disk.remove(&path)?;
            removed = true;
        }
    }
    if removed {
        disk.sync_dir(root)?;
        if outcome == Recovery::Nothing {
            outcome = Recovery::RolledBack;
        }
    }
    Ok(outcome)
}
