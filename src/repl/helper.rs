//! The rustyline `Helper`: glue from the editor's callbacks to the pure completer and
//! highlighter, with the lines of the statement typed so far as context.
//!
//! Holds no logic of its own beyond that: file names are listed by rustyline's
//! `FilenameCompleter`, everything else by `complete` and `highlight`.

use std::borrow::Cow;
use std::rc::Rc;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};

use korpu::editor::Vocabulary;
use korpu::editor::complete::{complete, wants_path};
use korpu::editor::highlight::{highlight_command, highlight_from};

/// The editor's view of the shell.
pub(crate) struct ShellHelper {
    pub vocabulary: Rc<Vocabulary>,
    /// Earlier lines of the statement being typed.
    pub pending: String,
    pub colour: bool,
    filenames: FilenameCompleter,
}

impl ShellHelper {
    pub(crate) fn new(vocabulary: Rc<Vocabulary>, colour: bool) -> Self {
        ShellHelper {
            vocabulary,
            pending: String::new(),
            colour,
            filenames: FilenameCompleter::new(),
        }
    }

    fn is_command(&self, line: &str) -> bool {
        self.pending.is_empty() && line.trim_start().starts_with(':')
    }
}

impl Completer for ShellHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        context: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if self.is_command(line) && wants_path(line, pos).is_some() {
            return self.filenames.complete(line, pos, context);
        }
        let offset = self.pending.len();
        let text = format!("{}{line}", self.pending);
        let (start, candidates) = complete(&text, offset + pos, &self.vocabulary);
        // A completion never reaches back into lines already entered.
        let Some(start) = start.checked_sub(offset) else { return Ok((pos, Vec::new())) };
        Ok((
            start,
            candidates
                .into_iter()
                .map(|candidate| Pair { display: candidate.clone(), replacement: candidate })
                .collect(),
        ))
    }
}

impl Highlighter for ShellHelper {
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        if !self.colour {
            return Cow::Borrowed(line);
        }
        if self.is_command(line) {
            return Cow::Owned(highlight_command(line));
        }
        let text = format!("{}{line}", self.pending);
        Cow::Owned(highlight_from(&text, self.pending.len()))
    }

    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        if self.colour {
            Cow::Owned(format!("\x1b[1;32m{prompt}\x1b[0m"))
        } else {
            Cow::Borrowed(prompt)
        }
    }

    fn highlight_char(&self, _line: &str, _pos: usize, _kind: CmdKind) -> bool {
        // Any keystroke can change a word's role (a `:` makes the next word a label).
        self.colour
    }
}

impl Hinter for ShellHelper {
    type Hint = String;
}

impl Validator for ShellHelper {}

impl Helper for ShellHelper {}
