//! The interactive shell (`korpu` with no command): reads statements ending in `;` and
//! `:commands`, runs them on the session, prints results.
//!
//! This file is the loop and the terminal plumbing: the rustyline editor, the history
//! file, the Ctrl-C handler and the terminal's width. When stdin is not a terminal it
//! reads stdin without prompts or colour, so `korpu < script.cypher` works; both ways
//! feed lines to the same `Shell`, so statements and commands behave the same.
//!
//! - `shell`: the engine (pending statement, `:commands`, printing).
//! - `helper`: rustyline glue over the library's `editor` (completion, colours).
//! - `progress`: the `LOAD CSV` progress bar.
//!
//! The command table, completion, highlighting and script splitting are the library's
//! `editor`, shared with the web page; tables fitted to the terminal are
//! `render::terminal`.

pub(crate) mod helper;
pub(crate) mod progress;
pub(crate) mod shell;

use std::ffi::OsStr;
use std::io::{self, BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use rustyline::Editor;
use rustyline::config::{ColorMode, CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;

use korpu::render::Format;
use korpu::render::dot::DotOptions;
use korpu::session::Session;

use helper::ShellHelper;
use shell::{Flow, Settings, Shell};

const PROMPT: &str = "körpü> ";
/// As wide as the prompt, so continued lines line up.
const CONTINUATION_PROMPT: &str = "  ...> ";
/// The prompt while a transaction is open, and its continuation.
const TRANSACTION_PROMPT: &str = "körpü(tx)> ";
const TRANSACTION_CONTINUATION_PROMPT: &str = "      ...> ";

/// How the shell starts: what the command line chose for it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    /// How `:export dot` draws.
    pub dot: DotOptions,
    /// The starting `:format` (`None`: a table).
    pub format: Option<Format>,
}

/// Why the shell stopped before its input ended.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReplError {
    #[error("the terminal: {0}")]
    Terminal(#[from] ReadlineError),
    #[error("reading stdin: {0}")]
    Input(#[from] io::Error),
}

/// Runs the shell until `:quit`, Ctrl-D or the end of input.
pub(crate) fn run(session: Session, options: Options) -> Result<ExitCode, ReplError> {
    if io::stdin().is_terminal() {
        run_terminal(session, options.dot, options.format)
    } else {
        run_piped(session, options.dot, options.format)
    }
}

fn run_piped(
    session: Session,
    dot: korpu::render::dot::DotOptions,
    format: Option<Format>,
) -> Result<ExitCode, ReplError> {
    let defaults = Settings::piped();
    let mut shell = Shell::new(
        session,
        Settings { dot, format: format.unwrap_or(defaults.format), ..defaults },
        Box::new(io::stdout()),
        Box::new(io::stderr()),
        terminal_width,
    );
    let mut quit = false;
    for line in io::stdin().lock().lines() {
        let line = line?;
        if shell.feed(&line).0 == Flow::Quit {
            quit = true;
            break;
        }
    }
    if !quit {
        shell.finish();
    }
    shell.report_unsaved();
    Ok(if shell.failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn run_terminal(
    session: Session,
    dot: korpu::render::dot::DotOptions,
    format: Option<Format>,
) -> Result<ExitCode, ReplError> {
    let colour = io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)?
        .max_history_size(10_000)?
        .completion_type(CompletionType::List)
        .color_mode(if colour { ColorMode::Enabled } else { ColorMode::Disabled })
        .build();
    let mut editor: Editor<ShellHelper, FileHistory> = Editor::with_config(config)?;
    let history = history_path(
        std::env::var_os("XDG_DATA_HOME").as_deref(),
        std::env::var_os("HOME").as_deref(),
    );
    if let Some(path) = &history {
        if let Some(folder) = path.parent() {
            let _ = std::fs::create_dir_all(folder);
        }
        if path.exists()
            && let Err(error) = editor.load_history(path)
        {
            eprintln!("warning: could not read the history {}: {error}", path.display());
        }
    }
    // Making the editor replaced the SIGINT handler with rustyline's; ours goes in after
    // it. While a query runs the terminal is not in raw mode, so Ctrl-C arrives as SIGINT
    // and cancels the query; at the prompt rustyline reads it as a key instead.
    let cancel = session.cancel.clone();
    let _ = ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed));
    // Draws while a LOAD CSV reads its file, for as long as the shell runs.
    let _progress = progress::ProgressBar::start(&session.progress);

    {
        let view = session.view();
        println!(
            "Körpü {} — {} nodes, {} relationships. End statements with `;`; :help for help.",
            env!("CARGO_PKG_VERSION"),
            view.graph().node_count(),
            view.graph().edge_count()
        );
    }
    let mut shell = Shell::new(
        session,
        Settings { dot, format: format.unwrap_or(Format::Table), ..Settings::interactive() },
        Box::new(io::stdout()),
        Box::new(io::stderr()),
        terminal_width,
    );
    editor.set_helper(Some(ShellHelper::new(shell.vocabulary(), colour)));
    loop {
        if let Some(helper) = editor.helper_mut() {
            helper.pending = shell.pending().to_owned();
            helper.vocabulary = shell.vocabulary();
        }
        let prompt = match (shell.in_transaction(), shell.pending().is_empty()) {
            (false, true) => PROMPT,
            (false, false) => CONTINUATION_PROMPT,
            (true, true) => TRANSACTION_PROMPT,
            (true, false) => TRANSACTION_CONTINUATION_PROMPT,
        };
        match editor.readline(prompt) {
            Ok(input) => {
                let (flow, entries) = shell.feed(&input);
                for entry in entries {
                    let _ = editor.add_history_entry(entry);
                }
                // Saved after every entry, so a killed shell loses nothing.
                if let Some(path) = &history {
                    let _ = editor.append_history(path);
                }
                if flow == Flow::Quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => shell.clear_pending(),
            Err(ReadlineError::Eof) => {
                if shell.request_quit() == Flow::Quit {
                    break;
                }
            }
            Err(error) => return Err(error.into()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the history lives: `$XDG_DATA_HOME/korpu/history`, else
/// `~/.local/share/korpu/history`; `None` without either (no history is kept).
pub(crate) fn history_path(xdg_data_home: Option<&OsStr>, home: Option<&OsStr>) -> Option<PathBuf> {
    // The XDG specification says a relative path in the variable is to be ignored.
    let data =
        xdg_data_home.map(PathBuf::from).filter(|path| path.is_absolute()).or_else(|| {
            home.filter(|home| !home.is_empty())
                .map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(data.join("korpu").join("history"))
}

/// The terminal's width in columns, when stdout is a terminal.
fn terminal_width() -> Option<usize> {
    terminal_size::terminal_size_of(io::stdout())
        .map(|(width, _)| usize::from(width.0))
        .filter(|width| *width > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_follows_xdg() {
        let path = |xdg: Option<&str>, home: Option<&str>| {
            history_path(xdg.map(OsStr::new), home.map(OsStr::new))
        };
        assert_eq!(
            path(Some("/data"), Some("/home/a")),
            Some(PathBuf::from("/data/korpu/history"))
        );
        assert_eq!(
            path(Some("relative"), Some("/home/a")),
            Some(PathBuf::from("/home/a/.local/share/korpu/history"))
        );
        assert_eq!(
            path(Some(""), Some("/home/a")),
            Some(PathBuf::from("/home/a/.local/share/korpu/history"))
        );
        assert_eq!(path(None, None), None);
    }

    #[test]
    fn the_continuation_prompt_is_as_wide_as_the_prompt() {
        assert_eq!(PROMPT.chars().count(), CONTINUATION_PROMPT.chars().count());
    }
}
