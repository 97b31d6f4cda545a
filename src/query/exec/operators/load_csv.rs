//! The `LOAD CSV` operator: opens the file its URL names (through the import seam) and
//! yields a row per record, read as the rows are pulled. Batching a writing import is
//! `exec::stream`'s, which reads through the same two functions.

use crate::graph::Value;
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::exec::eval::eval;
use crate::query::exec::import::CsvFile;
use crate::query::exec::{Context, Row};
use crate::query::plan::ir::LoadCsv;

/// Opens the file a `LOAD CSV` names, evaluating its URL on `row`.
pub(in crate::query::exec) fn open_csv(
    load: &LoadCsv,
    row: &mut Row,
    context: &Context<'_>,
) -> Result<CsvFile, ExecError> {
    let span = load.url.span;
    let url = match eval(&load.url, row, context)? {
        Value::String(url) => url,
        other => {
            return Err(ExecError::type_error(format!(
                "LOAD CSV FROM needs a string (a file URL or path), found {}",
                other.type_name()
            ))
            .at(span));
        }
    };
    let Some(import_dir) = &context.control.import_dir else {
        return Err(ExecError::new(
            ErrorKind::ArgumentError,
            ErrorCode::ExternalResourceFailed,
            "LOAD CSV is not available here: no import directory was given (--import-dir)",
        )
        .at(span));
    };
    import_dir
        .open(&url, load.with_headers, load.field_terminator, &context.control.progress)
        .map_err(|error| error.at(span))
}

/// `row` with a record and where it comes from written in.
pub(in crate::query::exec) fn record_row(
    load: &LoadCsv,
    row: &Row,
    file: &CsvFile,
    value: Value,
    line: i64,
) -> Row {
    let mut next = row.clone();
    next[load.slot] = value;
    next[load.line_slot] = Value::Int(line);
    next[load.file_slot] = file.file.clone();
    next
}

/// The rows of one file for one input row, read as they are pulled.
pub(super) struct CsvRows<'g> {
    pub(super) file: CsvFile,
    pub(super) row: Row,
    pub(super) load: &'g LoadCsv,
    pub(super) context: &'g Context<'g>,
}

impl Iterator for CsvRows<'_> {
    type Item = Result<Row, ExecError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Err(error) = self.context.check() {
            return Some(Err(error));
        }
        match self.file.next_row() {
            Ok(Some((value, line))) => {
                Some(Ok(record_row(self.load, &self.row, &self.file, value, line)))
            }
            Ok(None) => None,
            Err(error) => Some(Err(error.at(self.load.url.span))),
        }
    }
}
