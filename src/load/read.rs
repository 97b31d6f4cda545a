//! Reading data files from disk: a JSON file, or every `*.json` file of a folder, each
//! refused before reading when it is too large and located at its first byte that is
//! not UTF-8. Loading the texts is `ReadFiles::load`; everything after reading is pure.

use std::path::{Path, PathBuf};

use super::limits::{self, MAX_FILE_BYTES};
use super::locate::Locator;
use super::{
    LoadError, LoadProgress, Loaded, Problem, Severity, Source, load_sources_with_progress,
};

/// Data files as read from disk, before loading: the texts, and a problem for each file
/// that could not be read (too large, not UTF-8, unreadable).
pub struct ReadFiles {
    pub sources: Vec<Source>,
    pub unreadable: Vec<Problem>,
}

impl ReadFiles {
    /// Loads the texts; the files that could not be read are reported with every
    /// problem the others have, and nothing is loaded.
    pub fn load(&self, progress: Option<&LoadProgress>) -> Result<Loaded, LoadError> {
        let loaded = load_sources_with_progress(&self.sources, progress);
        if self.unreadable.is_empty() {
            return loaded;
        }
        let mut problems = self.unreadable.clone();
        match loaded {
            Ok(loaded) => problems.extend(loaded.warnings),
            Err(error) => problems.extend(error.problems),
        }
        Err(LoadError { problems })
    }
}

/// Reads a JSON file, or every `*.json` file of a folder (sorted by name).
pub fn read_path(path: &Path) -> Result<ReadFiles, LoadError> {
    let display = path.display().to_string();
    let metadata = std::fs::metadata(path).map_err(|error| {
        LoadError::single(&display, format!("cannot read the graph data: {error} (looked for a JSON file or a folder of them at `{display}`)"))
    })?;
    let files: Vec<PathBuf> = if metadata.is_dir() {
        let files = json_files(path).map_err(|error| {
            LoadError::single(&display, format!("cannot list the folder: {error}"))
        })?;
        if files.is_empty() {
            return Err(LoadError::single(
                &display,
                "the folder holds no `.json` files".to_owned(),
            ));
        }
        files
    } else {
        vec![path.to_path_buf()]
    };
    let mut read = ReadFiles { sources: Vec::with_capacity(files.len()), unreadable: Vec::new() };
    for file in files {
        match read_source(&file) {
            Ok(source) => read.sources.push(source),
            Err(problem) => read.unreadable.push(problem),
        }
    }
    Ok(read)
}

/// The `*.json` files of a folder, sorted by name.
pub(crate) fn json_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|file| file.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads one file: refuses a file over `MAX_FILE_BYTES` before reading it (and reads no
/// more than that should it grow meanwhile), and text that is not UTF-8 at the line and
/// column where it stops being UTF-8.
fn read_source(file: &Path) -> Result<Source, Problem> {
    use std::io::Read as _;
    let name = file.display().to_string();
    let problem = |line: usize, column: usize, message: String| Problem {
        severity: Severity::Error,
        file: name.clone(),
        line,
        column,
        id: None,
        message,
    };
    let cannot_read =
        |error: std::io::Error| problem(0, 0, format!("cannot read the file: {error}"));
    let opened = std::fs::File::open(file).map_err(cannot_read)?;
    let size = opened.metadata().map_err(cannot_read)?.len();
    if size > MAX_FILE_BYTES {
        return Err(problem(1, 1, limits::file_too_large_message(size)));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    opened.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(cannot_read)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(problem(1, 1, limits::file_too_large_message(bytes.len() as u64)));
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source { name, text }),
        Err(error) => {
            let valid_up_to = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            let valid = std::str::from_utf8(&bytes[..valid_up_to]).unwrap_or_default();
            let (line, column) = Locator::new(valid).line_column(valid.len());
            Err(problem(line, column, limits::not_utf8_message(bytes[valid_up_to])))
        }
    }
}
