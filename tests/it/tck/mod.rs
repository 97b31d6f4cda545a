//! The openCypher TCK harness: runs every scenario of the TCK feature files against the
//! engine and compares the scenarios that do not pass with the checked-in list
//! `tests/tck-expected-failures.txt`, one line per scenario with the reason in a word.
//!
//! Owns the step definitions (graphs, setup queries, parameters, the query under test,
//! result / error / side-effect expectations), per-scenario isolation (own thread, query
//! deadline, watchdog, panics caught and reported as failures) and the report. A step the
//! harness does not know fails its scenario: nothing is skipped, so every scenario of every
//! file is counted.
//!
//! The feature files are vendored in `tests/tck/` (Apache-2.0, licence beside them) so that
//! `cargo test` needs nothing outside the repository; `tck_matches_upstream` checks the copy
//! against the development TCK the project is given (`../shared/tck`), and under `CI` a
//! missing upstream copy is a failure.
//!
//! Environment: `KORPU_TCK_DIR` (run another copy; the list is then not checked),
//! `TCK_FILTER=text` (only feature paths or scenario names containing `text`; the list is
//! then not checked), `TCK_VERBOSE=1` (print every failure in detail), `TCK_UPDATE=1`
//! (rewrite the list from this run, keeping the reasons of scenarios still listed).

mod gherkin;
mod values;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Once};
use std::thread;
use std::time::Duration;

use korpu::graph::{Graph, Value};
use korpu::query::error::QueryError;
use korpu::query::exec::{Control, Params, QueryResult};
use korpu::query::procedures::{Procedure, Procedures};

use gherkin::{Scenario, Step, StepArgument};
use values::{
    ListOrder, TckValue, from_engine, parse_tck_value, same_multiset, tck_equal, to_engine,
};

/// Time one query may run before the engine is asked to stop.
const QUERY_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a whole scenario may take before it is abandoned as hung.
const SCENARIO_WATCHDOG: Duration = Duration::from_secs(60);
/// Scenarios run on their own thread; deep recursion in the engine should fail, not abort.
const SCENARIO_STACK_BYTES: usize = 64 * 1024 * 1024;
/// The checked-in list of scenarios known not to pass, relative to the crate root.
const EXPECTED_FAILURES: &str = "tests/tck-expected-failures.txt";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vendored_tck() -> PathBuf {
    manifest_dir().join("tests/tck")
}

fn on_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false")
}

#[test]
fn tck() {
    let override_dir = std::env::var_os("KORPU_TCK_DIR").map(PathBuf::from);
    let tck_dir = override_dir.clone().unwrap_or_else(vendored_tck);
    let features_dir = tck_dir.join("features");
    assert!(
        features_dir.is_dir(),
        "the openCypher TCK is missing: no directory {}",
        features_dir.display()
    );
    let filter = std::env::var("TCK_FILTER").ok().filter(|text| !text.is_empty());
    let verbose = flag("TCK_VERBOSE");

    let mut feature_files = Vec::new();
    collect_feature_files(&features_dir, &mut feature_files);
    feature_files.sort();
    assert!(!feature_files.is_empty(), "no .feature file under {}", features_dir.display());

    let mut report = Report::default();
    for file in &feature_files {
        let relative =
            file.strip_prefix(&features_dir).unwrap_or(file).to_string_lossy().replace('\\', "/");
        let folder = relative.rsplit_once('/').map_or("", |(folder, _)| folder).to_string();
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|error| panic!("reading {relative}: {error}"));
        let feature = match gherkin::parse_feature(&text) {
            Ok(feature) => feature,
            Err(error) => panic!("the harness cannot read {relative}: {error}"),
        };
        let mut seen_names: BTreeMap<String, usize> = BTreeMap::new();
        for scenario in feature.scenarios {
            // Outline rows may share a name; the n-th repeat gets ` #n` so each key is unique.
            let occurrence = seen_names.entry(scenario.name.clone()).or_default();
            *occurrence += 1;
            let key = scenario_key(&relative, &scenario.name, *occurrence);
            if let Some(filter) = &filter
                && !relative.contains(filter.as_str())
                && !scenario.name.contains(filter.as_str())
            {
                continue;
            }
            let outcome = run_isolated(&scenario, &tck_dir);
            report.record(&folder, key, &relative, &scenario, outcome);
        }
    }

    report.print(verbose);

    if filter.is_some() || override_dir.is_some() {
        println!("TCK_FILTER or KORPU_TCK_DIR is set: the expected-failure list is not checked.");
        return;
    }
    let list_path = manifest_dir().join(EXPECTED_FAILURES);
    let list_text = std::fs::read_to_string(&list_path).unwrap_or_default();
    let expected = parse_expected_failures(&list_text)
        .unwrap_or_else(|error| panic!("{EXPECTED_FAILURES}: {error}"));
    if flag("TCK_UPDATE") {
        std::fs::write(&list_path, render_expected_failures(&report.not_passing, &expected))
            .unwrap_or_else(|error| panic!("writing {}: {error}", list_path.display()));
        println!("TCK_UPDATE is set: {EXPECTED_FAILURES} rewritten from this run.");
        return;
    }
    let failing: BTreeSet<&str> = report.not_passing.keys().map(String::as_str).collect();
    let listed: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    let newly_failing: Vec<&str> = failing.difference(&listed).copied().collect();
    let newly_passing: Vec<&str> = listed.difference(&failing).copied().collect();
    let mut problems = String::new();
    if !newly_failing.is_empty() {
        let _ = writeln!(
            problems,
            "{} scenario(s) fail that {EXPECTED_FAILURES} does not list (regressions; \
             TCK_VERBOSE=1 shows why):",
            newly_failing.len()
        );
        for key in &newly_failing {
            let _ = writeln!(problems, "  {key}: {}", report.not_passing[*key]);
        }
    }
    if !newly_passing.is_empty() {
        let _ = writeln!(
            problems,
            "{} scenario(s) listed in {EXPECTED_FAILURES} now pass: remove them from the list \
             (TCK_UPDATE=1 rewrites it):",
            newly_passing.len()
        );
        for key in &newly_passing {
            let _ = writeln!(problems, "  {key}");
        }
    }
    assert!(problems.is_empty(), "the TCK differs from its expected failures:\n{problems}");
}

/// The files of the vendored TCK are the ones the project is given, byte for byte: an
/// upstream update shows up here rather than going untested.
#[test]
fn tck_matches_upstream() {
    let upstream = manifest_dir().join("../shared/tck");
    if !upstream.is_dir() {
        assert!(
            !on_ci(),
            "CI must compare the vendored TCK with its source, but {} is missing",
            upstream.display()
        );
        println!("{} is absent: the vendored copy is not compared.", upstream.display());
        return;
    }
    let vendored = vendored_tck();
    let mut differences = Vec::new();
    for part in ["features", "graphs"] {
        let mut upstream_files = Vec::new();
        collect_files(&upstream.join(part), &mut upstream_files);
        let mut vendored_files = Vec::new();
        collect_files(&vendored.join(part), &mut vendored_files);
        let relative = |root: &Path, files: &[PathBuf]| -> BTreeSet<PathBuf> {
            files.iter().map(|file| file.strip_prefix(root).unwrap().to_path_buf()).collect()
        };
        let upstream_set = relative(&upstream, &upstream_files);
        let vendored_set = relative(&vendored, &vendored_files);
        for missing in upstream_set.difference(&vendored_set) {
            differences.push(format!("not vendored: {}", missing.display()));
        }
        for extra in vendored_set.difference(&upstream_set) {
            differences.push(format!("not upstream: {}", extra.display()));
        }
        for common in upstream_set.intersection(&vendored_set) {
            if std::fs::read(upstream.join(common)).ok()
                != std::fs::read(vendored.join(common)).ok()
            {
                differences.push(format!("differs: {}", common.display()));
            }
        }
    }
    for licence in ["LICENSE", "NOTICE"] {
        assert!(vendored.join(licence).is_file(), "the vendored TCK must keep its {licence}");
    }
    assert!(
        differences.is_empty(),
        "tests/tck differs from {}; copy the new files in and update {EXPECTED_FAILURES}:\n  {}",
        upstream.display(),
        differences.join("\n  ")
    );
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|value| !value.is_empty() && value != "0")
}

fn collect_feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut all = Vec::new();
    collect_files(dir, &mut all);
    out.extend(all.into_iter().filter(|path| path.extension().is_some_and(|ext| ext == "feature")));
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("listing {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `file.feature: [3] Scenario name`, with ` #n` for the n-th scenario of that name.
fn scenario_key(file: &str, name: &str, occurrence: usize) -> String {
    if occurrence > 1 { format!("{file}: {name} #{occurrence}") } else { format!("{file}: {name}") }
}

/// Reads the list: one `KEY  -- reason` per line; `#` starts a comment line.
fn parse_expected_failures(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut entries = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, reason) = line
            .rsplit_once(" -- ")
            .ok_or_else(|| format!("line {}: expected `scenario -- reason`", index + 1))?;
        if entries.insert(key.trim().to_string(), reason.trim().to_string()).is_some() {
            return Err(format!("line {}: `{}` is listed twice", index + 1, key.trim()));
        }
    }
    Ok(entries)
}

fn render_expected_failures(
    not_passing: &BTreeMap<String, String>,
    previous: &BTreeMap<String, String>,
) -> String {
    let mut out = String::from(
        "# openCypher TCK scenarios that do not pass yet, one per line: `file: scenario -- reason`.\n\
         # The TCK test fails when a listed scenario passes or an unlisted one fails, so this\n\
         # list changes in the same commit as the behaviour. TCK_UPDATE=1 cargo test tck rewrites it.\n",
    );
    for (key, reason) in not_passing {
        let reason = previous.get(key).unwrap_or(reason);
        let _ = writeln!(out, "{key} -- {reason}");
    }
    out
}

// ---------------------------------------------------------------------------------------
// Outcomes and the report
// ---------------------------------------------------------------------------------------

/// What became of one scenario.
#[derive(Debug)]
enum Outcome {
    Passed {
        /// Set when an expected error was raised, but with another detail code.
        code_note: Option<String>,
    },
    Failed {
        query: Option<String>,
        reason: String,
    },
}

#[derive(Default)]
struct FolderCounts {
    passed: usize,
    failed: usize,
}

#[derive(Default)]
struct Report {
    passed: usize,
    failed: usize,
    folders: BTreeMap<String, FolderCounts>,
    failures: Vec<String>,
    code_notes: Vec<String>,
    /// Key of every scenario that did not pass, with a one-word reason guessed from why.
    not_passing: BTreeMap<String, String>,
}

impl Report {
    fn record(
        &mut self,
        folder: &str,
        key: String,
        file: &str,
        scenario: &Scenario,
        outcome: Outcome,
    ) {
        let counts = self.folders.entry(folder.to_string()).or_default();
        let title = format!("{file}:{} {}", scenario.line, scenario.name);
        match outcome {
            Outcome::Passed { code_note } => {
                self.passed += 1;
                counts.passed += 1;
                if let Some(note) = code_note {
                    self.code_notes.push(format!("{title}\n    {note}"));
                }
            }
            Outcome::Failed { query, reason } => {
                self.failed += 1;
                counts.failed += 1;
                self.not_passing.insert(key, failure_reason(folder, query.as_deref(), &reason));
                let mut text = format!("FAILED {title}\n");
                if let Some(query) = query {
                    for line in query.lines() {
                        let _ = writeln!(text, "    | {line}");
                    }
                }
                for line in reason.lines() {
                    let _ = writeln!(text, "    {line}");
                }
                self.failures.push(text);
            }
        }
    }

    fn print(&self, verbose: bool) {
        if verbose {
            for failure in &self.failures {
                println!("{failure}");
            }
            for note in &self.code_notes {
                println!("PASSED WITH ANOTHER ERROR CODE {note}");
            }
            println!();
        }
        let total = self.passed + self.failed;
        println!(
            "openCypher TCK: {} of {total} scenarios pass ({:.1}%), {} do not",
            self.passed,
            percent(self.passed, total),
            self.failed
        );
        let width = self.folders.keys().map(String::len).max().unwrap_or(6).max(6);
        println!("{:<width$}  {:>6}  {:>6}  {:>6}", "folder", "passed", "failed", "%");
        for (folder, counts) in &self.folders {
            println!(
                "{folder:<width$}  {:>6}  {:>6}  {:>6.1}",
                counts.passed,
                counts.failed,
                percent(counts.passed, counts.passed + counts.failed)
            );
        }
        if !self.code_notes.is_empty() {
            println!(
                "{} passing error scenarios raised the right kind of error with another detail code \
                 (TCK_VERBOSE=1 lists them).",
                self.code_notes.len()
            );
        }
        if !verbose && self.failed > 0 {
            println!("Run with TCK_VERBOSE=1 to see every failing scenario.");
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 100.0 } else { part as f64 * 100.0 / whole as f64 }
}

/// A short reason for a failure, for the expected-failure list; a person may refine it.
fn failure_reason(folder: &str, query: Option<&str>, reason: &str) -> String {
    let query = query.unwrap_or("").to_uppercase();
    let mentions =
        |word: &str| query.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == word);
    if reason.contains("procedure") {
        "procedures".into()
    } else if folder.contains("temporal") || query.contains("DURATION") {
        if query.contains("DURATION") { "durations".into() } else { "temporal".into() }
    } else if mentions("MERGE") {
        "merge".into()
    } else if mentions("DELETE") {
        "delete".into()
    } else if mentions("SET") || mentions("REMOVE") {
        "set/remove".into()
    } else if reason.contains("side effects") {
        "side effects".into()
    } else if reason.contains("expected a") && reason.contains("succeeded") {
        "missing error".into()
    } else {
        "other".into()
    }
}

// ---------------------------------------------------------------------------------------
// Isolation: own thread, watchdog, panics captured
// ---------------------------------------------------------------------------------------

thread_local! {
    /// `Some` on scenario threads: the panic hook stores the message here instead of
    /// printing it.
    static CAPTURED_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The query a scenario thread is running, for the report should the engine panic.
    static CURRENT_QUERY: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps quiet on scenario threads and records the
/// message and location; every other thread still gets the previous hook.
fn install_panic_capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(std::cell::Cell::get) {
                CAPTURED_PANIC.with(|slot| *slot.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

fn run_isolated(scenario: &Scenario, tck_dir: &Path) -> Outcome {
    if let Some(reason) = unsupported_step(scenario) {
        return Outcome::Failed { query: None, reason };
    }
    let owned = scenario.clone();
    let dir = tck_dir.to_path_buf();
    run_guarded(&scenario.name, SCENARIO_WATCHDOG, move || ScenarioRunner::new(dir).run(&owned))
}

/// Runs `work` on its own thread: a panic becomes a failure carrying its message (and the
/// query then running, see `CURRENT_QUERY`), and a thread still busy after `watchdog` is
/// abandoned and reported as hung.
fn run_guarded(
    name: &str,
    watchdog: Duration,
    work: impl FnOnce() -> Outcome + Send + 'static,
) -> Outcome {
    install_panic_capture();
    let (sender, receiver) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(format!("tck {name}"))
        .stack_size(SCENARIO_STACK_BYTES)
        .spawn(move || {
            CAPTURING.with(|flag| flag.set(true));
            let outcome = match panic::catch_unwind(AssertUnwindSafe(work)) {
                Ok(outcome) => outcome,
                Err(payload) => {
                    let message = CAPTURED_PANIC
                        .with(|slot| slot.borrow_mut().take())
                        .unwrap_or_else(|| payload_text(payload.as_ref()));
                    Outcome::Failed {
                        query: CURRENT_QUERY.with(|slot| slot.borrow().clone()),
                        reason: format!("the engine panicked: {message}"),
                    }
                }
            };
            let _ = sender.send(outcome);
        });
    if let Err(error) = spawned {
        return Outcome::Failed {
            query: None,
            reason: format!("harness could not start a thread: {error}"),
        };
    }
    match receiver.recv_timeout(watchdog) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::Failed {
            query: None,
            reason: format!(
                "the scenario did not finish within {}s (the engine ignored the query deadline); \
                 its thread was abandoned",
                watchdog.as_secs()
            ),
        },
        Err(mpsc::RecvTimeoutError::Disconnected) => Outcome::Failed {
            query: None,
            reason: "the scenario thread ended without a verdict".into(),
        },
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".into()
    }
}

// ---------------------------------------------------------------------------------------
// Steps
// ---------------------------------------------------------------------------------------

/// The steps this harness understands.
enum StepKind {
    EmptyGraph,
    NamedGraph(String),
    HavingExecuted,
    Parameters,
    ExecutingQuery,
    /// `there exists a procedure NAME(…) :: (…)` with its rows: the TCK's test procedures.
    Procedure(String),
    ResultInAnyOrder(ListOrder),
    ResultInOrder(ListOrder),
    ResultEmpty,
    ErrorRaised {
        kind: String,
        phase: String,
        code: String,
    },
    NoSideEffects,
    SideEffects,
}

fn classify(step: &Step) -> Option<StepKind> {
    let text = step.text.trim();
    let kind = match text {
        "an empty graph" | "any graph" => StepKind::EmptyGraph,
        "having executed:" => StepKind::HavingExecuted,
        "parameters are:" => StepKind::Parameters,
        // A control query checks the graph a write left behind; its result is the one the
        // following steps compare.
        "executing query:" | "executing control query:" => StepKind::ExecutingQuery,
        "the result should be, in any order:" => StepKind::ResultInAnyOrder(ListOrder::Significant),
        "the result should be (ignoring element order for lists):" => {
            StepKind::ResultInAnyOrder(ListOrder::Ignored)
        }
        "the result should be, in order:" => StepKind::ResultInOrder(ListOrder::Significant),
        "the result should be, in order (ignoring element order for lists):" => {
            StepKind::ResultInOrder(ListOrder::Ignored)
        }
        "the result should be empty" => StepKind::ResultEmpty,
        "no side effects" => StepKind::NoSideEffects,
        "the side effects should be:" => StepKind::SideEffects,
        _ => {
            if let Some(name) =
                text.strip_prefix("the ").and_then(|rest| rest.strip_suffix(" graph"))
                && !name.is_empty()
                && !name.contains(' ')
            {
                return Some(StepKind::NamedGraph(name.to_string()));
            }
            if let Some(signature) = text.strip_prefix("there exists a procedure ") {
                return Some(StepKind::Procedure(signature.trim_end_matches(':').to_string()));
            }
            let rest = text.strip_prefix("a ").or_else(|| text.strip_prefix("an "))?;
            let (kind, rest) = rest.split_once(" should be raised at ")?;
            let (phase, code) = rest.split_once(':')?;
            StepKind::ErrorRaised {
                kind: kind.trim().to_string(),
                phase: phase.trim().to_string(),
                code: code.trim().to_string(),
            }
        }
    };
    Some(kind)
}

fn unsupported_step(scenario: &Scenario) -> Option<String> {
    scenario.steps.iter().find(|step| classify(step).is_none()).map(|step| {
        format!("unsupported step `{} {}` (line {})", step.keyword, step.text, step.line)
    })
}

/// One scenario's state while its steps run.
struct ScenarioRunner {
    tck_dir: PathBuf,
    graph: Graph,
    params: Params,
    /// The built-ins and the scenario's test procedures.
    procedures: Arc<Procedures>,
    current_query: Option<String>,
    /// The query under test's outcome, once `executing query` ran.
    result: Option<Result<QueryResult, QueryError>>,
    /// The graph as it was just before the query under test, for its side effects.
    state_before: Option<GraphState>,
    /// The graph just after the query under test (a control query does not count).
    state_after: Option<GraphState>,
    code_note: Option<String>,
}

impl ScenarioRunner {
    fn new(tck_dir: PathBuf) -> Self {
        ScenarioRunner {
            tck_dir,
            graph: Graph::default(),
            params: Params::new(),
            procedures: Arc::new(Procedures::default()),
            current_query: None,
            result: None,
            state_before: None,
            state_after: None,
            code_note: None,
        }
    }

    fn run(&mut self, scenario: &Scenario) -> Outcome {
        for step in &scenario.steps {
            let kind =
                classify(step).expect("scenarios with unsupported steps fail before running");
            if let Err(reason) = self.step(kind, step) {
                return Outcome::Failed {
                    query: self.current_query.clone(),
                    reason: format!(
                        "step `{} {}` (line {}): {reason}",
                        step.keyword, step.text, step.line
                    ),
                };
            }
        }
        if self.result.is_none() {
            return Outcome::Failed {
                query: None,
                reason: "the scenario never executed a query".into(),
            };
        }
        Outcome::Passed { code_note: self.code_note.take() }
    }

    fn step(&mut self, kind: StepKind, step: &Step) -> Result<(), String> {
        match kind {
            StepKind::EmptyGraph => {
                self.graph = Graph::default();
                Ok(())
            }
            StepKind::NamedGraph(name) => self.load_named_graph(&name),
            StepKind::HavingExecuted => {
                let text = doc_string(step)?;
                self.set_current_query(Some(text.to_string()));
                for statement in split_statements(text) {
                    self.execute(&statement).map_err(|error| {
                        format!("setup query failed: {}", describe_error(&error))
                    })?;
                }
                self.set_current_query(None);
                Ok(())
            }
            StepKind::Parameters => {
                for row in table(step)? {
                    let [name, value] = row.as_slice() else {
                        return Err("a parameter row needs two cells".into());
                    };
                    let parsed = parse_tck_value(value)
                        .map_err(|error| format!("harness: parameter {name}: {error}"))?;
                    self.params.insert(name.clone(), to_engine(&parsed)?);
                }
                Ok(())
            }
            StepKind::Procedure(signature) => self.register_procedure(&signature, table(step)?),
            StepKind::ExecutingQuery => {
                let text = doc_string(step)?.to_string();
                let is_control = step.text.contains("control");
                self.set_current_query(Some(text.clone()));
                if !is_control {
                    self.state_before = Some(GraphState::of(&self.graph));
                }
                self.result = Some(self.execute(&text));
                if !is_control {
                    self.state_after = Some(GraphState::of(&self.graph));
                }
                Ok(())
            }
            StepKind::ResultInAnyOrder(list_order) => {
                self.check_rows(table(step)?, false, list_order)
            }
            StepKind::ResultInOrder(list_order) => self.check_rows(table(step)?, true, list_order),
            StepKind::ResultEmpty => {
                let result = self.successful_result()?;
                if result.rows.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "expected no rows, got:\n{}",
                        self.render_rows(&result.columns, &result.rows)
                    ))
                }
            }
            StepKind::ErrorRaised { kind, phase, code } => self.check_error(&kind, &phase, &code),
            StepKind::NoSideEffects => self.check_side_effects(&[]),
            StepKind::SideEffects => self.check_side_effects(table(step)?),
        }
    }

    fn set_current_query(&mut self, query: Option<String>) {
        CURRENT_QUERY.with(|slot| slot.borrow_mut().clone_from(&query));
        self.current_query = query;
    }

    /// Registers a TCK test procedure: its signature, and a table whose header names the
    /// inputs then the outputs, each row one answer.
    fn register_procedure(&mut self, signature: &str, table: &[Vec<String>]) -> Result<(), String> {
        let rows = table
            .iter()
            .skip(1)
            .map(|row| {
                row.iter()
                    .map(|cell| {
                        parse_tck_value(cell)
                            .and_then(|value| to_engine(&value))
                            .map_err(|error| format!("harness: procedure row: {error}"))
                    })
                    .collect::<Result<Vec<Value>, String>>()
            })
            .collect::<Result<Vec<_>, String>>()?;
        let procedure =
            Procedure::from_table(signature, rows).map_err(|error| format!("harness: {error}"))?;
        Arc::make_mut(&mut self.procedures).register(procedure);
        Ok(())
    }

    fn execute(&mut self, text: &str) -> Result<QueryResult, QueryError> {
        let mut control = Control::with_timeout(QUERY_TIMEOUT);
        control.procedures = self.procedures.clone();
        korpu::query::run(&mut self.graph, text, &self.params, &control)
    }

    fn load_named_graph(&mut self, name: &str) -> Result<(), String> {
        let path = self.tck_dir.join("graphs").join(name).join(format!("{name}.cypher"));
        let script = std::fs::read_to_string(&path).map_err(|error| {
            format!("harness: cannot read graph script {}: {error}", path.display())
        })?;
        self.graph = Graph::default();
        for statement in split_statements(&script) {
            self.execute(&statement).map_err(|error| {
                format!("creating the {name} graph failed: {}", describe_error(&error))
            })?;
        }
        Ok(())
    }

    fn query_outcome(&self) -> Result<&Result<QueryResult, QueryError>, String> {
        self.result
            .as_ref()
            .ok_or_else(|| "harness: no query was executed before this step".to_string())
    }

    fn successful_result(&self) -> Result<&QueryResult, String> {
        match self.query_outcome()? {
            Ok(result) => Ok(result),
            Err(error) => {
                Err(format!("expected a result, but the query failed: {}", describe_error(error)))
            }
        }
    }

    fn check_rows(
        &self,
        table: &[Vec<String>],
        ordered: bool,
        list_order: ListOrder,
    ) -> Result<(), String> {
        let result = self.successful_result()?;
        let (header, expected_cells) =
            table.split_first().ok_or("harness: result table has no header")?;
        let mut expected_rows = Vec::with_capacity(expected_cells.len());
        for row in expected_cells {
            let parsed = row
                .iter()
                .map(|cell| {
                    parse_tck_value(cell)
                        .map_err(|error| format!("harness: expected value: {error}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            expected_rows.push(parsed);
        }
        let actual_rows: Vec<Vec<TckValue>> = result
            .rows
            .iter()
            .map(|row| row.iter().map(|value| from_engine(value, &self.graph)).collect())
            .collect();

        let columns_match = header.as_slice() == result.columns.as_slice();
        let rows_equal = |left: &Vec<TckValue>, right: &Vec<TckValue>| {
            left.len() == right.len()
                && left.iter().zip(right).all(|(a, b)| tck_equal(a, b, list_order))
        };
        let rows_match = if ordered {
            expected_rows.len() == actual_rows.len()
                && expected_rows
                    .iter()
                    .zip(&actual_rows)
                    .all(|(left, right)| rows_equal(left, right))
        } else {
            same_multiset(&expected_rows, &actual_rows, rows_equal)
        };
        if columns_match && rows_match {
            return Ok(());
        }
        let mut message = String::new();
        if !columns_match {
            let _ =
                writeln!(message, "columns differ: expected {header:?}, got {:?}", result.columns);
        }
        let _ = writeln!(
            message,
            "expected{}:\n{}",
            if ordered { " (in order)" } else { "" },
            render_table(header, &expected_rows)
        );
        let _ = write!(message, "actual:\n{}", render_table(&result.columns, &actual_rows));
        Err(message)
    }

    fn render_rows(&self, columns: &[String], rows: &[Vec<korpu::graph::Value>]) -> String {
        let described: Vec<Vec<TckValue>> = rows
            .iter()
            .map(|row| row.iter().map(|value| from_engine(value, &self.graph)).collect())
            .collect();
        render_table(columns, &described)
    }

    fn check_error(&mut self, kind: &str, phase: &str, code: &str) -> Result<(), String> {
        let error = match self.query_outcome()? {
            Ok(result) => {
                return Err(format!(
                    "expected a {kind} at {phase} ({code}), but the query succeeded with:\n{}",
                    self.render_rows(&result.columns, &result.rows)
                ));
            }
            Err(error) => error,
        };
        let kind_matches = error.kind().name() == kind;
        let phase_matches = phase == "any time" || error.phase().name() == phase;
        if !kind_matches || !phase_matches {
            return Err(format!(
                "expected a {kind} at {phase} ({code}), got {}",
                describe_error(error)
            ));
        }
        if code != "*" && error.code().as_str() != code {
            self.code_note =
                Some(format!("expected detail code {code}, got {}", describe_error(error)));
        }
        Ok(())
    }

    fn check_side_effects(&self, table: &[Vec<String>]) -> Result<(), String> {
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for row in table {
            let [key, count] = row.as_slice() else {
                return Err("a side-effect row needs two cells".into());
            };
            let count =
                count.parse().map_err(|_| format!("harness: side-effect count `{count}`"))?;
            expected.insert(key.as_str(), count);
        }
        let (Some(before), Some(after)) = (&self.state_before, &self.state_after) else {
            return Err("harness: no query was executed before this step".into());
        };
        // As the TCK defines them: differences between the graph before and after.
        let actual: [(&str, usize); 8] = [
            ("+nodes", after.nodes.difference(&before.nodes).count()),
            ("-nodes", before.nodes.difference(&after.nodes).count()),
            ("+relationships", after.relationships.difference(&before.relationships).count()),
            ("-relationships", before.relationships.difference(&after.relationships).count()),
            ("+properties", after.properties.difference(&before.properties).count()),
            ("-properties", before.properties.difference(&after.properties).count()),
            ("+labels", after.labels.difference(&before.labels).count()),
            ("-labels", before.labels.difference(&after.labels).count()),
        ];
        if let Some(unknown) =
            expected.keys().find(|key| !actual.iter().any(|(name, _)| name == *key))
        {
            return Err(format!("harness: unknown side-effect key `{unknown}`"));
        }
        let differences: Vec<String> = actual
            .iter()
            .filter_map(|(name, count)| {
                let wanted = expected.get(name).copied().unwrap_or(0);
                (wanted != *count).then(|| format!("{name}: expected {wanted}, got {count}"))
            })
            .collect();
        if differences.is_empty() {
            Ok(())
        } else {
            Err(format!("side effects differ: {}", differences.join(", ")))
        }
    }
}

/// What the TCK's side effects compare: element ids, the label names in use, and every
/// property as (element, key, value).
struct GraphState {
    nodes: BTreeSet<u32>,
    relationships: BTreeSet<u32>,
    labels: BTreeSet<String>,
    properties: BTreeSet<(char, u32, String, String)>,
}

impl GraphState {
    fn of(graph: &Graph) -> GraphState {
        let mut state = GraphState {
            nodes: BTreeSet::new(),
            relationships: BTreeSet::new(),
            labels: BTreeSet::new(),
            properties: BTreeSet::new(),
        };
        for node in graph.nodes() {
            state.nodes.insert(node.0);
            state.labels.extend(graph.node_labels(node).map(str::to_owned));
            for (key, value) in graph.node_properties(node) {
                state.properties.insert(('n', node.0, key.to_owned(), format!("{value:?}")));
            }
        }
        for edge in graph.edges() {
            state.relationships.insert(edge.0);
            for (key, value) in graph.edge_properties(edge) {
                state.properties.insert(('r', edge.0, key.to_owned(), format!("{value:?}")));
            }
        }
        state
    }
}

fn doc_string(step: &Step) -> Result<&str, String> {
    match &step.argument {
        StepArgument::DocString(text) => Ok(text),
        _ => Err("harness: this step needs a doc string".into()),
    }
}

fn table(step: &Step) -> Result<&[Vec<String>], String> {
    match &step.argument {
        StepArgument::Table(rows) => Ok(rows),
        _ => Err("harness: this step needs a table".into()),
    }
}

fn describe_error(error: &QueryError) -> String {
    format!(
        "{} at {} ({}): {}",
        error.kind().name(),
        error.phase().name(),
        error.code(),
        error.message()
    )
}

fn render_table(columns: &[String], rows: &[Vec<TckValue>]) -> String {
    let mut out = format!("  | {} |", columns.join(" | "));
    if rows.is_empty() {
        out.push_str("\n  (no rows)");
    }
    for row in rows {
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        let _ = write!(out, "\n  | {} |", cells.join(" | "));
    }
    out
}

/// Splits a script at `;` outside quotes, backticks and comments; drops empty pieces.
fn split_statements(script: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut chars = script.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(character) = chars.next() {
        current.push(character);
        match quote {
            Some(open) => {
                if character == '\\' && open != '`' {
                    if let Some(next) = chars.next() {
                        current.push(next);
                    }
                } else if character == open {
                    quote = None;
                }
            }
            None => match character {
                '\'' | '"' | '`' => quote = Some(character),
                '/' if chars.peek() == Some(&'/') => {
                    for rest in chars.by_ref() {
                        current.push(rest);
                        if rest == '\n' {
                            break;
                        }
                    }
                }
                ';' => {
                    current.pop();
                    statements.push(std::mem::take(&mut current));
                }
                _ => {}
            },
        }
    }
    statements.push(current);
    statements.into_iter().filter(|statement| !statement.trim().is_empty()).collect()
}

#[cfg(test)]
mod harness_tests {
    use super::*;

    #[test]
    fn scripts_split_at_top_level_semicolons() {
        let pieces = split_statements("CREATE (:A {s: 'x;y'});\n CREATE (:`B;`) // c;\n;\n");
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0], "CREATE (:A {s: 'x;y'})");
        assert!(pieces[1].contains("CREATE (:`B;`) // c;"));
    }

    #[test]
    fn error_steps_are_recognised() {
        let step = Step {
            keyword: "Then".into(),
            text: "a SyntaxError should be raised at compile time: UndefinedVariable".into(),
            argument: StepArgument::None,
            line: 1,
        };
        match classify(&step) {
            Some(StepKind::ErrorRaised { kind, phase, code }) => {
                assert_eq!(
                    (kind.as_str(), phase.as_str(), code.as_str()),
                    ("SyntaxError", "compile time", "UndefinedVariable")
                );
            }
            _ => panic!("not recognised as an error step"),
        }
        let unknown = Step { text: "the database is on fire".into(), ..step };
        assert!(classify(&unknown).is_none());
    }

    #[test]
    fn a_panic_in_a_scenario_becomes_a_failure_with_its_message() {
        let outcome = run_guarded("panicking", Duration::from_secs(30), || {
            CURRENT_QUERY.with(|slot| *slot.borrow_mut() = Some("RETURN 1".into()));
            panic!("engine exploded");
        });
        match outcome {
            Outcome::Failed { query, reason } => {
                assert_eq!(query.as_deref(), Some("RETURN 1"));
                assert!(reason.contains("engine exploded"), "{reason}");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_scenario_over_its_watchdog_fails() {
        let outcome = run_guarded("slow", Duration::from_millis(50), || {
            thread::sleep(Duration::from_millis(500));
            Outcome::Passed { code_note: None }
        });
        assert!(
            matches!(outcome, Outcome::Failed { reason, .. } if reason.contains("did not finish"))
        );
    }

    #[test]
    fn scenarios_with_unknown_steps_fail() {
        let feature = gherkin::parse_feature(
            "Feature: F\n  Scenario: s\n    Given a graph with a moat\n    When executing query:\n      \"\"\"\n      RETURN 1\n      \"\"\"\n",
        )
        .unwrap();
        let outcome = run_isolated(&feature.scenarios[0], Path::new("."));
        assert!(
            matches!(outcome, Outcome::Failed { reason, .. } if reason.contains("a graph with a moat"))
        );
    }

    #[test]
    fn a_wrong_result_fails_and_a_right_one_passes() {
        let text = "Feature: F\n  Scenario: s\n    Given an empty graph\n    When executing query:\n      \"\"\"\n      UNWIND [1, 2] AS x RETURN x\n      \"\"\"\n    Then the result should be, in any order:\n      | x |\n      | 2 |\n      | EXPECTED |\n    And no side effects\n";
        let right = gherkin::parse_feature(&text.replace("EXPECTED", "1")).unwrap();
        let outcome = run_isolated(&right.scenarios[0], Path::new("."));
        assert!(matches!(outcome, Outcome::Passed { .. }), "{outcome:?}");
        for wrong in ["1.0", "3", "'1'", "null"] {
            let feature = gherkin::parse_feature(&text.replace("EXPECTED", wrong)).unwrap();
            let outcome = run_isolated(&feature.scenarios[0], Path::new("."));
            assert!(matches!(outcome, Outcome::Failed { .. }), "{wrong}: {outcome:?}");
        }
    }
}
