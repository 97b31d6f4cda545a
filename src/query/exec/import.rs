//! The one place `exec` reads files: `LOAD CSV` opens its file through the `ImportDir`
//! carried in the execution `Control`, and reads its records here.
//!
//! URL → path inside the import directory → a stream of records (a map by header or a
//! list of fields, with the line each starts on). A path that escapes the directory
//! (`../`, an absolute path elsewhere, a symbolic link out) and every network URL are
//! refused; nothing else in `exec` touches the filesystem, and without an `ImportDir`
//! `LOAD CSV` is refused, so the library stays pure for callers that never configure
//! one. Parsing is the `csv` crate's; this module adds what Neo4j's `LOAD CSV` means on
//! top (empty fields are null, a row's fields map onto the header as far as both go, an
//! unterminated quote is an error).

use std::collections::{BTreeMap, VecDeque};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::graph::Value;
use crate::query::LoadProgress;
use crate::query::error::{ErrorCode, ErrorKind, ExecError};

/// The folder `LOAD CSV` may read from (`--import-dir`), canonicalized once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportDir {
    root: PathBuf,
}

impl ImportDir {
    /// The folder `dir`, which must exist.
    pub fn new(dir: &Path) -> std::io::Result<ImportDir> {
        let root = dir.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::other(format!("{} is not a folder", root.display())));
        }
        Ok(ImportDir { root })
    }

    /// The canonical path of the folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file `url` names, checked to lie inside the folder.
    fn resolve(&self, url: &str) -> Result<PathBuf, ExecError> {
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return Err(failed(format!(
                "LOAD CSV does not fetch from the network ({url}); download the file into the import directory {} first and load it as 'file:///NAME.csv'",
                self.root.display()
            )));
        }
        let relative = if let Some(rest) = lower.strip_prefix("file:") {
            // `file:///x.csv` and `file:x.csv` name <import dir>/x.csv, as in Neo4j.
            let rest = &url[url.len() - rest.len()..];
            PathBuf::from(percent_decode(rest.trim_start_matches('/'))?)
        } else if let Some(scheme) = scheme(url) {
            return Err(failed(format!(
                "LOAD CSV reads only local files (file:///NAME.csv), not {scheme}: URLs"
            )));
        } else {
            PathBuf::from(url)
        };
        let joined = self.root.join(&relative);
        let path = joined.canonicalize().map_err(|error| {
            failed(format!(
                "cannot open {url} (looked for {} in the import directory): {error}",
                relative.display()
            ))
        })?;
        if !path.starts_with(&self.root) {
            return Err(failed(format!(
                "LOAD CSV refuses {url}: it lies outside the import directory {}",
                self.root.display()
            )));
        }
        if !path.is_file() {
            return Err(failed(format!("cannot load {url}: it is not a file")));
        }
        Ok(path)
    }

    /// Opens `url` for reading records, counting bytes into `progress`.
    pub(crate) fn open(
        &self,
        url: &str,
        with_headers: bool,
        field_terminator: u8,
        progress: &Arc<LoadProgress>,
    ) -> Result<CsvFile, ExecError> {
        let path = self.resolve(url)?;
        let name = path.display().to_string();
        let file =
            File::open(&path).map_err(|error| failed(format!("cannot open {name}: {error}")))?;
        let size = file.metadata().map_or(0, |metadata| metadata.len());
        progress.bytes_read.store(0, Ordering::Relaxed);
        progress.bytes_total.store(size, Ordering::Relaxed);
        let counting = Counting {
            inner: BufReader::with_capacity(1 << 16, file),
            progress: progress.clone(),
            quotes: QuoteState::FieldStart,
            terminator: field_terminator,
            carriage_return: false,
            line: 1,
            at_record_start: true,
            record_lines: VecDeque::new(),
        };
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(field_terminator)
            .from_reader(counting);
        let mut csv_file = CsvFile {
            reader,
            record: csv::StringRecord::new(),
            headers: None,
            file: Value::from(name.as_str()),
            name,
            last_line: 1,
        };
        if with_headers {
            let headers = match csv_file.read()? {
                Some(()) => csv_file.record.iter().map(str::to_owned).collect(),
                None => Vec::new(),
            };
            csv_file.headers = Some(headers);
        }
        Ok(csv_file)
    }
}

/// One open CSV file, read record by record.
pub(crate) struct CsvFile {
    reader: csv::Reader<Counting>,
    record: csv::StringRecord,
    /// `WITH HEADERS`: the first record's fields.
    headers: Option<Vec<String>>,
    name: String,
    /// `file()`'s answer.
    pub(crate) file: Value,
    /// The line the last record read starts on.
    last_line: u64,
}

impl Drop for CsvFile {
    /// No file is being read any more: a progress bar polling the counters clears.
    fn drop(&mut self) {
        self.reader.get_ref().progress.bytes_total.store(0, Ordering::Relaxed);
    }
}

impl CsvFile {
    /// The next record (a map by header, or a list) and the line it starts on.
    pub(crate) fn next_row(&mut self) -> Result<Option<(Value, i64)>, ExecError> {
        if self.read()?.is_none() {
            return Ok(None);
        }
        let line = self.last_line as i64;
        let field = |text: &str| if text.is_empty() { Value::Null } else { Value::from(text) };
        let value = match &self.headers {
            None => Value::List(self.record.iter().map(field).collect()),
            // As Neo4j: each header takes its field; fields past the header are ignored,
            // and a header with no field left for it is null.
            Some(headers) => {
                let map: BTreeMap<String, Value> = headers
                    .iter()
                    .enumerate()
                    .map(|(position, header)| {
                        (header.clone(), self.record.get(position).map_or(Value::Null, field))
                    })
                    .collect();
                Value::Map(map)
            }
        };
        Ok(Some((value, line)))
    }

    /// Reads the next record into `self.record`; `None` at the end of the file.
    fn read(&mut self) -> Result<Option<()>, ExecError> {
        let read = self.reader.read_record(&mut self.record);
        let line = self.reader.get_mut().record_lines.pop_front();
        let more = read.map_err(|error| {
            let line = line.unwrap_or(self.last_line);
            failed(format!("{} line {line}: {}", self.name, describe(error.kind())))
        })?;
        if !more {
            if self.reader.get_ref().quotes == QuoteState::Quoted {
                return Err(failed(format!(
                    "{} line {}: a quoted field is not closed before the end of the file",
                    self.name, self.last_line
                )));
            }
            return Ok(None);
        }
        if let Some(line) = line {
            self.last_line = line;
        }
        Ok(Some(()))
    }
}

fn describe(kind: &csv::ErrorKind) -> String {
    match kind {
        csv::ErrorKind::Utf8 { err, .. } => {
            format!("field {} is not valid UTF-8 text", err.field() + 1)
        }
        csv::ErrorKind::Io(error) => format!("cannot read: {error}"),
        other => format!("{other:?}"),
    }
}

/// Where the bytes read so far leave a quoted field: the `csv` crate closes a quote left
/// open at the end of the file without a word, so this follows the quoting alongside it
/// (the same rules as its parser) to tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: its end, or the first of a doubled quote.
    QuoteInQuoted,
}

/// The file's bytes on their way to the parser: counted for the progress bar, and
/// watched for an unterminated quote.
struct Counting {
    inner: BufReader<File>,
    progress: Arc<LoadProgress>,
    quotes: QuoteState,
    terminator: u8,
    /// The last byte read was a `\r`, held back until the next shows whether it began
    /// a CRLF.
    carriage_return: bool,
    /// The line being read (from 1).
    line: u64,
    /// Nothing but line ends since the last record ended: a line here is blank, and the
    /// parser skips it.
    at_record_start: bool,
    /// The line each record read ahead starts on, in order; `CsvFile` takes them as the
    /// parser hands out the records (the `csv` crate's own count lags after a blank line).
    record_lines: VecDeque<u64>,
}

impl Read for Counting {
    /// Passes CRLF on as LF: the `csv` crate counts lines one short after a CRLF, and
    /// a record's line number is what an error must name.
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if buffer.len() < 2 {
            return Err(std::io::Error::other("CSV reads need a buffer of two bytes or more"));
        }
        let held = usize::from(self.carriage_return);
        let count = self.inner.read(&mut buffer[held..])?;
        self.progress.bytes_read.fetch_add(count as u64, Ordering::Relaxed);
        if held == 1 {
            buffer[0] = b'\r';
        }
        self.carriage_return = false;
        let mut state = self.quotes;
        let mut kept = 0;
        let total = held + count;
        for index in 0..total {
            let byte = buffer[index];
            if byte == b'\r' && count > 0 {
                match buffer.get(index + 1).filter(|_| index + 1 < total) {
                    // CR LF: the LF alone carries on.
                    Some(b'\n') => continue,
                    Some(_) => {}
                    // The last byte: hold it until the next read says what follows.
                    None => {
                        self.carriage_return = true;
                        break;
                    }
                }
            }
            buffer[kept] = byte;
            kept += 1;
            let line_end = byte == b'\n' || byte == b'\r';
            if self.at_record_start && !line_end {
                self.record_lines.push_back(self.line);
                self.at_record_start = false;
            }
            if byte == b'\n' {
                self.line += 1;
            }
            let separates = byte == self.terminator || line_end;
            state = match (state, byte) {
                (QuoteState::Quoted, b'"') => QuoteState::QuoteInQuoted,
                (QuoteState::Quoted, _) => QuoteState::Quoted,
                (QuoteState::FieldStart | QuoteState::QuoteInQuoted, b'"') => QuoteState::Quoted,
                (_, _) if separates => QuoteState::FieldStart,
                (_, _) => QuoteState::Unquoted,
            };
            if line_end && state == QuoteState::FieldStart {
                self.at_record_start = true;
            }
        }
        self.quotes = state;
        if kept == 0 && self.carriage_return {
            // Only a held `\r` came: read again rather than signal the end of the file.
            return self.read(buffer);
        }
        Ok(kept)
    }
}

/// Neo4j's status for a file `LOAD CSV` cannot use.
fn failed(message: String) -> ExecError {
    ExecError::new(ErrorKind::ArgumentError, ErrorCode::ExternalResourceFailed, message)
}

/// The scheme of a URL (`ftp` in `ftp://…`), when it has one.
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once("://")?;
    let mut characters = scheme.chars();
    let valid = characters.next().is_some_and(|first| first.is_ascii_alphabetic())
        && characters.all(|other| other.is_ascii_alphanumeric() || "+-.".contains(other));
    valid.then_some(scheme)
}

/// `%20` and kin in a `file:` URL, decoded (the result must be UTF-8).
fn percent_decode(text: &str) -> Result<String, ExecError> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%'
            && let Some(hex) = text.get(index + 1..index + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            decoded.push(byte);
            index += 3;
        } else {
            decoded.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| failed(format!("the URL {text} is not UTF-8")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_are_told_from_paths() {
        assert_eq!(scheme("ftp://host/x.csv"), Some("ftp"));
        assert_eq!(scheme("s3+x://b/k"), Some("s3+x"));
        assert_eq!(scheme("data/x.csv"), None);
        assert_eq!(scheme("a b://x"), None);
    }

    #[test]
    fn percent_escapes_decode() {
        assert_eq!(percent_decode("my%20file.csv").unwrap(), "my file.csv");
        assert_eq!(percent_decode("100%").unwrap(), "100%");
        assert_eq!(percent_decode("%C9%99.csv").unwrap(), "ə.csv");
    }
}
