//! The shell's engine, the same for a terminal and for piped stdin: it takes input a
//! line at a time, keeps an unfinished statement pending, runs each statement once its
//! `;` arrives, runs `:commands`, and prints results and errors.
//!
//! It owns the session and the shell's settings (format, row limit, timing), the rows of
//! the last query (for `:export dot`) and the schema snapshot the completer reads. It
//! knows nothing of rustyline or signals: `mod.rs` feeds it lines, and Ctrl-C reaches
//! it only as the session's cancel flag.

use std::io::{self, Write};
use std::rc::Rc;

use korpu::diagnostic;
use korpu::editor::script::{ScriptItem, is_blank, split_script, statement_end};
use korpu::graph::Value;
use korpu::query::Outcome;
use korpu::query::QueryResult;
use korpu::query::error::{ErrorCode, ErrorKind};
use korpu::query::span::Span;
use korpu::render::dot::{DotOptions, Subgraph, write_dot};
use korpu::render::{Format, value_text};
use korpu::session::{Session, parse_literal};
use korpu::text::terminal_safe;

use korpu::editor::Vocabulary;
use korpu::editor::commands::{self, MetaCommand};
use korpu::render::overview;
use korpu::render::terminal::{View, format_elapsed, render_result};

/// How deep `:source` may nest (a file that sources itself stops here).
const MAX_SOURCE_DEPTH: usize = 16;
/// Rows a terminal shows by default before saying how many it left out.
pub(crate) const INTERACTIVE_MAX_ROWS: usize = 100;

/// What the user can change with `:format`, `:maxrows` and `:timing`.
#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub format: Format,
    /// `None`: show every row.
    pub max_rows: Option<usize>,
    pub timing: bool,
    /// How `:export dot` draws (from `--lang` and `--cluster-by`).
    pub dot: DotOptions,
}

impl Settings {
    /// At a terminal: tables of at most 100 rows, with timings.
    pub(crate) fn interactive() -> Self {
        Settings {
            format: Format::Table,
            max_rows: Some(INTERACTIVE_MAX_ROWS),
            timing: true,
            dot: DotOptions::default(),
        }
    }

    /// Reading a piped script: every row, no timings (output that can be compared).
    pub(crate) fn piped() -> Self {
        Settings {
            format: Format::Table,
            max_rows: None,
            timing: false,
            dot: DotOptions::default(),
        }
    }
}

/// Whether the shell should go on reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Quit,
}

/// How one statement ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ran {
    Ok,
    Failed,
    Cancelled,
}

/// The shell's state.
pub(crate) struct Shell {
    pub session: Session,
    pub settings: Settings,
    /// Lines of a statement that has no `;` yet.
    pending: String,
    /// The rows of the last query that ran, for `:export dot` without a query.
    last_result: Option<QueryResult>,
    vocabulary: Rc<Vocabulary>,
    out: Box<dyn Write>,
    err: Box<dyn Write>,
    terminal_width: fn() -> Option<usize>,
    /// Set when a statement or command failed (the exit code of a piped run).
    pub failed: bool,
    /// Set when stdout is gone (`korpu < x | head`): stop quietly.
    closed: bool,
    source_depth: usize,
    /// Set once leaving was refused because of unsaved changes; the next quit leaves.
    warned_before_quit: bool,
}

impl Shell {
    pub(crate) fn new(
        session: Session,
        settings: Settings,
        out: Box<dyn Write>,
        err: Box<dyn Write>,
        terminal_width: fn() -> Option<usize>,
    ) -> Self {
        let mut vocabulary = Vocabulary::of(session.view().graph());
        vocabulary.params = session.params.keys().cloned().collect();
        Shell {
            session,
            settings,
            pending: String::new(),
            last_result: None,
            vocabulary: Rc::new(vocabulary),
            out,
            err,
            terminal_width,
            failed: false,
            closed: false,
            source_depth: 0,
            warned_before_quit: false,
        }
    }

    /// True while a transaction is open (the prompt says so).
    pub(crate) fn in_transaction(&self) -> bool {
        self.session.transaction_changes().is_some()
    }

    /// Asked to leave (`:quit`, Ctrl-D): the first time, changes that would be lost
    /// keep the shell open with a warning; the second time it leaves.
    pub(crate) fn request_quit(&mut self) -> Flow {
        if self.warned_before_quit {
            return Flow::Quit;
        }
        let lost = match self.session.transaction_changes() {
            Some(changes) => format!(
                "a transaction with {changes} change{} is open: :commit or :rollback, or quit again to discard it",
                plural(changes)
            ),
            None => match self.session.unsaved() {
                0 => return Flow::Quit,
                unsaved => format!(
                    "{unsaved} unsaved change{}: :save, or quit again to discard {}",
                    plural(unsaved),
                    if unsaved == 1 { "it" } else { "them" }
                ),
            },
        };
        self.warned_before_quit = true;
        self.warn(&format!("{lost}\n"));
        Flow::Continue
    }

    /// At the end of piped input: say what was not kept.
    pub(crate) fn report_unsaved(&mut self) {
        let unsaved = self.session.unsaved() + self.session.transaction_changes().unwrap_or(0);
        if unsaved > 0 {
            self.warn(&format!(
                "{unsaved} change{} not saved (:save writes them to the data files)\n",
                plural(unsaved)
            ));
        }
    }

    /// The statement typed so far, without its last line.
    pub(crate) fn pending(&self) -> &str {
        &self.pending
    }

    /// Forgets the unfinished statement (Ctrl-C at the prompt).
    pub(crate) fn clear_pending(&mut self) {
        self.pending.clear();
    }

    /// The vocabulary for completion; replaced after a write or a `:param`.
    pub(crate) fn vocabulary(&self) -> Rc<Vocabulary> {
        Rc::clone(&self.vocabulary)
    }

    /// Takes input (one line, or several when pasted) and runs what it completes.
    /// Returns each statement and command it ran, for the history.
    pub(crate) fn feed(&mut self, input: &str) -> (Flow, Vec<String>) {
        let mut entries = Vec::new();
        for line in input.split('\n') {
            if self.feed_line(line.strip_suffix('\r').unwrap_or(line), &mut entries) == Flow::Quit
                || self.closed
            {
                return (Flow::Quit, entries);
            }
        }
        (Flow::Continue, entries)
    }

    fn feed_line(&mut self, line: &str, entries: &mut Vec<String>) -> Flow {
        if self.pending.trim().is_empty() && line.trim_start().starts_with(':') {
            self.pending.clear();
            entries.push(line.trim().to_owned());
            return self.command(line.trim());
        }
        self.pending.push_str(line);
        self.pending.push('\n');
        if let Some(end) = statement_end(&self.pending) {
            let rest = self.pending.split_off(end);
            let text = std::mem::replace(&mut self.pending, rest);
            for item in split_script(&text) {
                let ScriptItem::Statement { span } = item else { continue };
                entries.push(format!("{};", &text[span.start..span.end]));
                if self.run_statement(&text, span, "input") == Ran::Cancelled {
                    // The rest of a pasted batch was meant to run after this one; drop it too.
                    self.pending.clear();
                    break;
                }
            }
        }
        if is_blank(&self.pending) {
            self.pending.clear();
        }
        Flow::Continue
    }

    /// End of input: a last statement without `;` still runs.
    pub(crate) fn finish(&mut self) {
        let text = std::mem::take(&mut self.pending);
        if !is_blank(&text) {
            let span = Span::new(0, text.trim_end().len());
            self.run_statement(&text, span, "input");
        }
    }

    fn view(&self, elapsed: Option<std::time::Duration>) -> View {
        View {
            format: self.settings.format,
            max_rows: self.settings.max_rows,
            width: (self.terminal_width)(),
            elapsed: elapsed.filter(|_| self.settings.timing),
        }
    }

    /// Runs `source[span]` and prints its outcome; errors point into `source`.
    fn run_statement(&mut self, source: &str, span: Span, origin: &str) -> Ran {
        let text = &source[span.start..span.end];
        let base_view = self.view(None);
        let timing = self.settings.timing;
        // Rendered while the answer holds the graph its nodes belong to.
        let (rendered, outcome, elapsed) = {
            let answer = self.session.run(text);
            let times = answer.times;
            let elapsed = times.parse + times.plan + times.execute;
            let view = View { elapsed: Some(elapsed).filter(|_| timing), ..base_view };
            let rendered = match &answer.outcome {
                Ok(Outcome::Explained(plan)) => plan.clone(),
                Ok(Outcome::Rows(result)) => render_result(result, answer.graph(), &view),
                Ok(Outcome::Profiled(plan, result)) => {
                    format!("{}{}", plan.text, render_result(result, answer.graph(), &view))
                }
                Err(_) => String::new(),
            };
            (rendered, answer.into_outcome(), elapsed)
        };
        match outcome {
            Ok(outcome) => {
                self.say(&rendered);
                for notification in outcome.result().map_or(&[][..], |result| &result.notifications)
                {
                    self.warn(&format!("{notification}\n"));
                }
                if let Some(result) = outcome.into_result() {
                    self.remember(result);
                }
            }
            Err(error)
                if error.kind() == ErrorKind::Cancelled && error.code() == ErrorCode::Cancelled =>
            {
                // `\r` writes over the `^C` the terminal may have echoed.
                self.warn(&format!("\rcancelled after {}\n", format_elapsed(elapsed)));
                return Ran::Cancelled;
            }
            Err(error) => {
                self.warn(&diagnostic::render(&error.shifted(span.start), source, origin));
                self.failed = true;
                return Ran::Failed;
            }
        }
        Ran::Ok
    }

    /// Keeps a result for `:export dot`, and refreshes the schema when it wrote.
    fn remember(&mut self, result: QueryResult) {
        if !result.stats.is_empty() {
            self.refresh_schema();
        }
        self.last_result = Some(result);
    }

    fn refresh_schema(&mut self) {
        let mut vocabulary = Vocabulary::of(self.session.view().graph());
        vocabulary.params = self.session.params.keys().cloned().collect();
        self.vocabulary = Rc::new(vocabulary);
    }

    /// Runs one `:command` line.
    pub(crate) fn command(&mut self, line: &str) -> Flow {
        let command = match commands::parse_command(line) {
            Ok(command) => command,
            Err(message) => {
                self.fail(&message);
                return Flow::Continue;
            }
        };
        match command {
            MetaCommand::Quit => return self.request_quit(),
            MetaCommand::Begin => match self.session.begin() {
                Ok(()) => {
                    self.say("transaction open: :commit keeps its changes, :rollback undoes them\n")
                }
                Err(error) => self.fail(&error.to_string()),
            },
            MetaCommand::Commit => match self.session.commit() {
                Ok(changes) => {
                    self.say(&format!("committed {changes} change{}\n", plural(changes)))
                }
                Err(error) => self.fail(&error.to_string()),
            },
            MetaCommand::Rollback => match self.session.rollback() {
                Ok(changes) => {
                    self.refresh_schema();
                    self.say(&format!("rolled back {changes} change{}\n", plural(changes)));
                }
                Err(error) => self.fail(&error.to_string()),
            },
            MetaCommand::Save(folder) => self.save(folder.as_deref()),
            MetaCommand::Help(topic) => match commands::help(topic.as_deref()) {
                Ok(text) => self.say(&text),
                Err(message) => self.fail(&message),
            },
            MetaCommand::Schema => {
                let text = overview::describe(self.session.view().graph());
                self.say(&text);
            }
            MetaCommand::Find(text) => self.find(&text),
            MetaCommand::Format(None) => {
                self.say(&format!("format: {}\n", self.settings.format.name()))
            }
            MetaCommand::Format(Some(format)) => self.settings.format = format,
            MetaCommand::Param { name, value } => match parse_literal(&value) {
                Ok(parsed) => {
                    self.session.params.insert(name, parsed);
                    self.refresh_schema();
                }
                Err(error) => {
                    let rendered = diagnostic::render(&error, &value, "value");
                    self.fail(rendered.trim_end());
                }
            },
            MetaCommand::ParamMap(map) => match parse_literal(&map) {
                Ok(Value::Map(entries)) => {
                    self.session.params.extend(entries);
                    self.refresh_schema();
                }
                Ok(other) => self.fail(&format!(
                    "`:param {{…}}` takes a map of name: value, not {}",
                    other.type_name()
                )),
                Err(error) => {
                    let rendered = diagnostic::render(&error, &map, "value");
                    self.fail(rendered.trim_end());
                }
            },
            MetaCommand::Params => {
                let mut text = String::new();
                let view = self.session.view();
                for (name, value) in &self.session.params {
                    let value = value_text(value, view.graph());
                    text.push_str(&format!("${name} = {}\n", terminal_safe(&value)));
                }
                drop(view);
                if text.is_empty() {
                    text.push_str("no parameters; set one with :param NAME VALUE\n");
                }
                self.say(&text);
            }
            MetaCommand::Source(path) => return self.source(&path),
            MetaCommand::ExportDot { file, query } => self.export_dot(&file, query.as_deref()),
            MetaCommand::Explain(query) => match self.session.prepare(&query) {
                Ok(prepared) => self.say(&prepared.plan().to_string()),
                Err(error) => {
                    let rendered = diagnostic::render(&error, &query, "query");
                    self.fail(rendered.trim_end());
                }
            },
            MetaCommand::Timing(None) => {
                self.say(&format!("timing: {}\n", if self.settings.timing { "on" } else { "off" }))
            }
            MetaCommand::Timing(Some(on)) => self.settings.timing = on,
            MetaCommand::MaxRows(None) => {
                let text = match self.settings.max_rows {
                    Some(max) => format!("maxrows: {max}\n"),
                    None => "maxrows: 0 (every row)\n".to_owned(),
                };
                self.say(&text);
            }
            MetaCommand::MaxRows(Some(max)) => self.settings.max_rows = (max > 0).then_some(max),
        }
        Flow::Continue
    }

    fn save(&mut self, folder: Option<&std::path::Path>) {
        let saved = match folder {
            Some(folder) => self.session.save_as(folder),
            None => self.session.save(),
        };
        match saved {
            Ok(report) if report.files.is_empty() => {
                self.say("nothing to save: the files already hold this graph\n")
            }
            Ok(report) => {
                self.warned_before_quit = false;
                let counts = report.counts;
                self.say(&format!(
                    "saved to {}: {} (nodes +{} ~{} -{}, relationships +{} ~{} -{})\n",
                    report.folder.display(),
                    report.files.join(", "),
                    counts.nodes_added,
                    counts.nodes_changed,
                    counts.nodes_removed,
                    counts.relationships_added,
                    counts.relationships_changed,
                    counts.relationships_removed
                ));
            }
            Err(error) => self.fail(&error.to_string()),
        }
    }

    fn find(&mut self, text: &str) {
        let table =
            View { format: Format::Table, max_rows: None, elapsed: None, ..self.view(None) };
        match self.render_find(text, &table) {
            Some(rendered) => self.say(&rendered),
            None => self.fail(&format!("nothing matches `{text}`")),
        }
    }

    fn render_find(&self, text: &str, table: &View) -> Option<String> {
        let view = self.session.view();
        let graph = view.graph();
        let hits = korpu::search::find(graph, text, 10);
        if hits.is_empty() {
            return None;
        }
        let result = QueryResult {
            columns: vec![
                "score".into(),
                "name".into(),
                "labels".into(),
                "id".into(),
                "matched".into(),
            ],
            rows: hits
                .iter()
                .map(|hit| {
                    vec![
                        Value::Int(i64::from(hit.score)),
                        graph.node_property_by_name(hit.node, "name").cloned().unwrap_or_default(),
                        Value::from(
                            graph
                                .node_labels(hit.node)
                                .map(|label| format!(":{label}"))
                                .collect::<String>()
                                .as_str(),
                        ),
                        Value::from(graph.node_key(hit.node)),
                        Value::from(format!("{}: {}", hit.field, hit.matched).as_str()),
                    ]
                })
                .collect(),
            ..Default::default()
        };
        Some(render_result(&result, graph, table))
    }

    fn source(&mut self, path: &std::path::Path) -> Flow {
        if self.source_depth >= MAX_SOURCE_DEPTH {
            self.fail(&format!(
                ":source nests deeper than {MAX_SOURCE_DEPTH} files; stopped at {}",
                path.display()
            ));
            return Flow::Continue;
        }
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) => {
                self.fail(&format!("cannot read {}: {error}", path.display()));
                return Flow::Continue;
            }
        };
        let origin = path.display().to_string();
        self.source_depth += 1;
        let mut flow = Flow::Continue;
        for item in split_script(&text) {
            match item {
                ScriptItem::Statement { span } => {
                    let ran = self.run_statement(&text, span, &origin);
                    if ran != Ran::Ok {
                        self.warn(&format!(
                            "stopped {origin} at the {} above\n",
                            if ran == Ran::Cancelled { "cancel" } else { "error" }
                        ));
                        break;
                    }
                }
                ScriptItem::Command { span } => {
                    if self.command(&text[span.start..span.end]) == Flow::Quit {
                        flow = Flow::Quit;
                        break;
                    }
                }
            }
            if self.closed {
                break;
            }
        }
        self.source_depth -= 1;
        flow
    }

    fn export_dot(&mut self, file: &std::path::Path, query: Option<&str>) {
        if let Some(query) = query {
            let outcome = self.session.run(query).outcome;
            match outcome {
                Ok(outcome) => match outcome.result() {
                    Some(result) => self.last_result = Some(result.clone()),
                    None => {
                        self.fail("EXPLAIN runs nothing, so there is no subgraph to export");
                        return;
                    }
                },
                Err(error) => {
                    let rendered = diagnostic::render(&error, query, "query");
                    self.fail(rendered.trim_end());
                    return;
                }
            }
        }
        let Some(result) = &self.last_result else {
            self.fail("no query has run yet; give one: :export dot FILE QUERY");
            return;
        };
        let (dot, warning, nodes, edges) = {
            let view = self.session.view();
            let graph = view.graph();
            let subgraph = Subgraph::collect([result], graph);
            let options =
                DotOptions { left_to_right: subgraph.has_paths, ..self.settings.dot.clone() };
            let dot = write_dot(&subgraph, graph, &options);
            (dot, subgraph.size_warning(), subgraph.nodes.len(), subgraph.edges.len())
        };
        if let Some(warning) = warning {
            let _ = writeln!(self.err, "{warning}");
        }
        match std::fs::write(file, dot) {
            Ok(()) => self.say(&format!("wrote {nodes} nodes and {edges} relationships to {} (render: dot -Tsvg {} -o graph.svg)\n", file.display(), file.display())),
            Err(error) => self.fail(&format!("cannot write {}: {error}", file.display())),
        }
    }

    /// Prints to stdout; a closed pipe ends the shell quietly.
    fn say(&mut self, text: &str) {
        if self.closed {
            return;
        }
        if let Err(error) = self.out.write_all(text.as_bytes()).and_then(|()| self.out.flush())
            && error.kind() == io::ErrorKind::BrokenPipe
        {
            self.closed = true;
        }
    }

    fn warn(&mut self, text: &str) {
        let _ = self.err.write_all(text.as_bytes());
        let _ = self.err.flush();
    }

    /// Reports a failed command on stderr.
    fn fail(&mut self, message: &str) {
        self.failed = true;
        self.warn(&format!("{message}\n"));
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A writer tests can read back.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Captured {
        fn take(&self) -> String {
            String::from_utf8(std::mem::take(&mut *self.0.lock().unwrap())).unwrap()
        }
    }

    fn shell() -> (Shell, Captured, Captured) {
        let (out, err) = (Captured::default(), Captured::default());
        let shell = Shell::new(
            Session::over(korpu::graph::Graph::default()),
            Settings::piped(),
            Box::new(out.clone()),
            Box::new(err.clone()),
            || Some(80),
        );
        (shell, out, err)
    }

    #[test]
    fn statements_wait_for_their_semicolon() {
        let (mut shell, out, _) = shell();
        let (_, entries) = shell.feed("RETURN 1 +");
        assert!(entries.is_empty());
        assert_eq!(shell.pending(), "RETURN 1 +\n");
        let (_, entries) = shell.feed("41 AS answer;");
        assert_eq!(entries, ["RETURN 1 +\n41 AS answer;"]);
        assert!(out.take().contains("|     42 |"));
        assert_eq!(shell.pending(), "");
    }

    #[test]
    fn open_strings_and_brackets_keep_the_statement_open() {
        let (mut shell, _, _) = shell();
        shell.feed("RETURN 'a;");
        shell.feed("b' AS s, [1,");
        assert!(!shell.pending().is_empty());
        let (_, entries) = shell.feed("2] AS l;");
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn one_line_may_hold_several_statements() {
        let (mut shell, out, _) = shell();
        let (_, entries) = shell.feed("RETURN 1 AS a; RETURN 2 AS b; RETURN");
        assert_eq!(entries, ["RETURN 1 AS a;", "RETURN 2 AS b;"]);
        assert_eq!(shell.pending(), " RETURN\n");
        let text = out.take();
        assert!(text.contains("| a |") && text.contains("| b |"), "{text}");
    }

    #[test]
    fn comments_alone_leave_nothing_pending() {
        let (mut shell, _, _) = shell();
        shell.feed("// just a note");
        assert_eq!(shell.pending(), "");
        shell.feed("/* open");
        assert_eq!(shell.pending(), "/* open\n");
    }

    #[test]
    fn commands_run_between_statements_only() {
        let (mut shell, out, _) = shell();
        shell.feed(":format csv");
        shell.feed("RETURN 1 AS x;");
        assert_eq!(out.take(), "x\r\n1\r\n");
        assert_eq!(shell.feed(":quit").0, Flow::Quit);
    }

    #[test]
    fn errors_point_into_the_statement() {
        let (mut shell, _, err) = shell();
        shell.feed("RETURN 1 AS a,\n  x AS b;");
        let text = err.take();
        assert!(
            text.contains("variable `x` is not defined") && text.contains("input:2:3"),
            "{text}"
        );
        assert!(shell.failed);
    }

    #[test]
    fn writes_refresh_the_schema() {
        let (mut shell, _, _) = shell();
        assert!(shell.vocabulary().labels.is_empty());
        shell.feed("CREATE (:City {name: 'Gəncə'});");
        assert_eq!(shell.vocabulary().labels, ["City"]);
        shell.feed(":param town 'Bakı'");
        assert_eq!(shell.vocabulary().params, ["town"]);
    }

    #[test]
    fn unknown_commands_suggest() {
        let (mut shell, _, err) = shell();
        shell.feed(":shema");
        assert!(err.take().contains("did you mean `:schema`"));
    }

    #[test]
    fn maxrows_cuts_tables() {
        let (mut shell, out, _) = shell();
        shell.feed(":maxrows 3\nUNWIND range(1, 10) AS x RETURN x;");
        assert!(out.take().ends_with("10 rows; 7 not shown (:maxrows 0 shows all)\n"));
    }
}
