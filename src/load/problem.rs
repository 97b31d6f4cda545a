//! What is wrong with the data: a `Problem` located in its file, and the `LoadError`
//! that gathers every problem when the data cannot load; each prints as the usual
//! `file:line:column: error: …` line, safe for a terminal.

use std::fmt;

use crate::text::terminal_safe;

use super::limits::quoted;

/// How serious a problem is: errors stop the load, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// One thing wrong with the data, located in its file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The node id (or `from->to` of an edge) the problem concerns, when known.
    pub id: Option<String>,
    pub message: String,
}

/// One line for a terminal, `file:line:column: error: `id`: message` (just `file: error:
/// message` for a problem with the whole file or folder, which has no position). The id
/// is quoted as messages quote names, cut after 64 characters, and the whole line is
/// shown terminal-safe: ids, names and file names come from the data.
impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut line = if self.line == 0 {
            format!("{}: {severity}: ", self.file)
        } else {
            format!("{}:{}:{}: {severity}: ", self.file, self.line, self.column)
        };
        if let Some(id) = &self.id {
            line.push_str(&quoted(id));
            line.push_str(": ");
        }
        line.push_str(&self.message);
        f.write_str(&terminal_safe(&line))
    }
}

/// The data could not be loaded; `problems` holds every error and warning found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub problems: Vec<Problem>,
}

impl LoadError {
    pub(crate) fn single(file: &str, message: String) -> Self {
        LoadError {
            problems: vec![Problem {
                severity: Severity::Error,
                file: file.to_owned(),
                line: 0,
                column: 0,
                id: None,
                message,
            }],
        }
    }

    pub fn error_count(&self) -> usize {
        self.problems.iter().filter(|problem| problem.severity == Severity::Error).count()
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, problem) in self.problems.iter().enumerate() {
            if position > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        let errors = self.error_count();
        write!(
            f,
            "\n{errors} error{} in the data; nothing was loaded",
            if errors == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for LoadError {}
