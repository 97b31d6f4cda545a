//! The data fuzzer: thousands of hostile and corrupted graph-data folders (see `cases`),
//! and none may make korpu panic, hang, print invalid DOT or accept what is not JSON.
//!
//! Every case runs in-process through the library, as the binary would run it:
//! `load_path`; then for data that loads, the `check` report, the `:schema` text, search,
//! the three exports (the JSON export must load back with the same counts), and a query
//! returning nodes, relationships and paths rendered as a table (plain and the shell's),
//! JSON, CSV and DOT. Tables and reports must be terminal-safe and aligned, CSV and JSON
//! must read back, every quoted string of a DOT must fit Graphviz, and every DOT goes
//! through `dot -Tsvg` (many graphs to one process, since each start costs more than
//! the drawing). Data that is not JSON, by the judge in `oracle` rather than by
//! serde_json, must be refused, and a refusal must locate every problem at a file, line
//! and column in one short, terminal-safe line.
//!
//! One case in `BINARY_EVERY` also runs through the `korpu` binary, each process with a
//! timeout: `check`, `query` in the four formats, and `:schema` and `:find` piped into
//! the shell. Each must exit 0 or 1, never panic, and print what the library gave.
//!
//! `KORPU_FUZZ_CASES` (default 2,000) says how many cases run, `KORPU_FUZZ_SEED` which
//! ones, and `KORPU_FUZZ_CASE` runs only that case. The figures go to stderr on every
//! run. A failing case's folder is kept and named. Graphviz: as in `export`, a missing
//! `dot` fails the test under `CI`, and elsewhere skips only the DOT validation, saying so.

mod cases;
mod oracle;

use std::collections::BTreeMap;
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use korpu::load::{Loaded, MAX_NAME_CHARS, Source, load_path, load_sources};
use korpu::render::Format;
use korpu::render::csv::render_csv;
use korpu::render::dot::{DotOptions, Subgraph, write_dot};
use korpu::render::json::result_json;
use korpu::render::overview::check_report;
use korpu::render::overview::describe;
use korpu::render::table::{TableStyle, render_table};
use korpu::render::terminal::{View, render_result};
use korpu::session::Session;
use korpu::text::{MAX_NAME_COLUMN, display_width, is_unsafe_in_terminal, terminal_safe};

use crate::support::{fuzz_cases, fuzz_seed, graphviz, run_with_timeout};

use cases::Case;

/// One case in this many also runs through the binary.
const BINARY_EVERY: usize = 16;
/// The longest one `korpu` or `dot` process may take; debug builds on a busy machine
/// need seconds for the largest cases, a hang never ends.
const PROCESS_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest one case may take in-process before it counts as a hang.
const CASE_TIMEOUT: Duration = Duration::from_secs(120);
/// DOT graphs per `dot` process.
const DOT_BATCH: usize = 64;
/// The longest line a load problem may print: file, position, a quoted id and message.
const MAX_PROBLEM_CHARS: usize = 600;
/// Returns nodes, relationships and paths, so every renderer has each kind to draw.
const QUERY: &str = "MATCH (n) OPTIONAL MATCH p = (n)-[r]->(m) RETURN n, r, m, p";

#[derive(Default)]
struct Figures {
    cases: usize,
    refused: usize,
    accepted: usize,
    with_warnings: usize,
    not_json: usize,
    binary_cases: usize,
    processes: usize,
    dot_graphs: usize,
    dot_processes: usize,
    dot_warnings: BTreeMap<String, usize>,
    /// Per mutation: cases, and how many of them were refused.
    mutations: BTreeMap<&'static str, (usize, usize)>,
    failures: Vec<String>,
}

/// What the library made of a case, which the binary must reproduce.
enum Expected {
    /// The load error as printed.
    Refused(String),
    Accepted(Box<Shown>),
}

/// What korpu shows of data that loaded.
struct Shown {
    /// Whether it loaded without warnings, and the warnings as printed.
    clean: bool,
    warnings: String,
    check: String,
    schema: String,
    /// The word `:find` looks for, and the query's output per `--format`.
    find: String,
    formats: [(&'static str, String); 4],
}

/// Which case each worker is on, and since when: what the watchdog reads.
type Busy = Arc<Mutex<Vec<Option<(usize, Instant)>>>>;

#[test]
fn hostile_and_corrupted_data_never_panics_hangs_or_draws_invalid_dot() {
    let started = Instant::now();
    let seed = fuzz_seed();
    let numbers: Vec<usize> = match std::env::var("KORPU_FUZZ_CASE") {
        Ok(only) => vec![only.parse().expect("KORPU_FUZZ_CASE is a case number")],
        Err(_) => (0..fuzz_cases(2_000)).collect(),
    };
    let with_dot = graphviz("hostile_and_corrupted_data_never_panics_hangs_or_draws_invalid_dot");
    let root = std::env::temp_dir().join(format!("korpu-fuzz-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();

    let figures = Arc::new(Mutex::new(Figures::default()));
    let (dot_sender, dot_receiver) = channel::<(usize, String)>();
    let graphviz_thread = {
        let (figures, root) = (Arc::clone(&figures), root.clone());
        std::thread::spawn(move || validate_dot(dot_receiver, with_dot, &figures, &root))
    };
    let numbers = Arc::new(numbers);
    let next = Arc::new(AtomicUsize::new(0));
    let workers = std::thread::available_parallelism().map_or(2, |count| count.get()).clamp(2, 4);
    // What each worker is on, and since when, for the watchdog.
    let busy: Busy = Arc::new(Mutex::new(vec![None; workers]));
    let handles: Vec<_> = (0..workers)
        .map(|worker| {
            let (numbers, next, busy) =
                (Arc::clone(&numbers), Arc::clone(&next), Arc::clone(&busy));
            let (figures, root, dot_sender) =
                (Arc::clone(&figures), root.clone(), dot_sender.clone());
            std::thread::spawn(move || {
                loop {
                    let Some(&number) = numbers.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        busy.lock().unwrap()[worker] = None;
                        break;
                    };
                    busy.lock().unwrap()[worker] = Some((number, Instant::now()));
                    let case = cases::generate(number, seed);
                    run_case(&case, &root, &dot_sender, &figures);
                }
            })
        })
        .collect();
    drop(dot_sender);
    while handles.iter().any(|handle| !handle.is_finished()) {
        std::thread::sleep(Duration::from_millis(100));
        let stuck = busy
            .lock()
            .unwrap()
            .iter()
            .flatten()
            .find(|(_, since)| since.elapsed() > CASE_TIMEOUT)
            .copied();
        if let Some((number, _)) = stuck {
            let mut figures = figures.lock().unwrap();
            figures.failures.push(format!(
                "case {number} hung: still running in-process after {} s (folder {})",
                CASE_TIMEOUT.as_secs(),
                root.join(format!("case-{number}")).display()
            ));
            report(&figures, seed, started.elapsed(), &root);
            panic!("{}", figures.failures.join("\n"));
        }
    }
    for handle in handles {
        handle.join().expect("a worker catches every panic of the code under test");
    }
    graphviz_thread.join().expect("the Graphviz thread does not panic");

    let figures = figures.lock().unwrap();
    report(&figures, seed, started.elapsed(), &root);
    assert!(figures.cases > 0 && figures.refused + figures.accepted == figures.cases);
    if figures.failures.is_empty() {
        let _ = std::fs::remove_dir_all(&root);
    }
    let shown: Vec<&String> = figures.failures.iter().take(30).collect();
    assert!(
        figures.failures.is_empty(),
        "{} failures (first {}; folders kept under {}):\n{}",
        figures.failures.len(),
        shown.len(),
        root.display(),
        shown.iter().map(|failure| failure.as_str()).collect::<Vec<_>>().join("\n")
    );
}

/// Prints the figures to the real stderr, past the test harness's capture, so that
/// every run shows them.
fn report(figures: &Figures, seed: u64, elapsed: Duration, root: &Path) {
    let mut text = format!(
        "fuzz_data: {} cases (seed {seed}) in {:.1} s: {} refused, {} accepted",
        figures.cases,
        elapsed.as_secs_f64(),
        figures.refused,
        figures.accepted,
    );
    text.push_str(&format!(
        " ({} with warnings), {} failures\n  {} not JSON, all of them to be refused;",
        figures.with_warnings,
        figures.failures.len(),
        figures.not_json,
    ));
    text.push_str(&format!(
        " {} cases through the binary in {} processes; {} DOT graphs through Graphviz in {} runs",
        figures.binary_cases, figures.processes, figures.dot_graphs, figures.dot_processes
    ));
    text.push_str("\n  by mutation (cases/refused):");
    for (mutation, (count, refused)) in &figures.mutations {
        text.push_str(&format!(" {mutation} {count}/{refused};"));
    }
    text.push('\n');
    for (warning, count) in &figures.dot_warnings {
        text.push_str(&format!("  Graphviz warned {count}×: {warning}\n"));
    }
    if !figures.failures.is_empty() {
        text.push_str(&format!("  failing cases are kept under {}\n", root.display()));
    }
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_default()
}

/// Runs `work`, turning a panic into a failure.
fn guarded<T>(what: &str, failures: &mut Vec<String>, work: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(work)) {
        Ok(value) => Some(value),
        Err(panic) => {
            failures.push(format!("{what} panicked: {}", panic_text(&*panic)));
            None
        }
    }
}

fn run_case(case: &Case, root: &Path, dot: &Sender<(usize, String)>, figures: &Mutex<Figures>) {
    let folder = root.join(format!("case-{}", case.number));
    std::fs::create_dir_all(&folder).unwrap();
    for (name, bytes) in &case.files {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    let not_json = case.files.iter().any(|(_, bytes)| !oracle::is_json(bytes));
    let mut failures = Vec::new();
    let expected =
        guarded("loading", &mut failures, || load_path(&folder)).map(|loaded| match loaded {
            Err(error) => {
                for problem in &error.problems {
                    let shown = problem.to_string();
                    if problem.line == 0 || problem.column == 0 {
                        failures.push(format!("a problem without a position: {shown}"));
                    }
                    if shown.chars().count() > MAX_PROBLEM_CHARS {
                        failures.push(format!("a problem of {} characters", shown.chars().count()));
                    }
                    failures.extend(oracle::terminal_safe("a load problem", &shown).err());
                }
                if error.error_count() == 0 {
                    failures.push("refused without an error".to_owned());
                }
                Expected::Refused(format!("{error}\n"))
            }
            Ok(loaded) => {
                if not_json {
                    failures.push("accepted data that is not JSON".to_owned());
                }
                accepted(loaded, case.number, dot, &mut failures)
            }
        });
    let mut processes = 0;
    if let Some(expected) = &expected
        && case.number.is_multiple_of(BINARY_EVERY)
    {
        processes = through_the_binary(&folder, expected, &mut failures);
    }
    let mut figures = figures.lock().unwrap();
    figures.cases += 1;
    figures.not_json += usize::from(not_json);
    figures.processes += processes;
    figures.binary_cases += usize::from(processes > 0);
    let refused = matches!(expected, Some(Expected::Refused(_)));
    match &expected {
        Some(Expected::Refused(_)) => figures.refused += 1,
        Some(Expected::Accepted(shown)) => {
            figures.accepted += 1;
            figures.with_warnings += usize::from(!shown.clean);
        }
        // Loading panicked: a failure already; counted as refused so the totals add up.
        None => figures.refused += 1,
    }
    for mutation in &case.mutations {
        let entry = figures.mutations.entry(mutation).or_default();
        entry.0 += 1;
        entry.1 += usize::from(refused);
    }
    if failures.is_empty() {
        drop(figures);
        let _ = std::fs::remove_dir_all(&folder);
    } else {
        let context =
            format!("case {} ({}) in {}", case.number, case.mutations.join(", "), folder.display());
        figures
            .failures
            .extend(failures.into_iter().map(|failure| format!("{context}: {failure}")));
    }
}

/// Everything korpu shows of data that loaded, checked, and what the binary must print.
fn accepted(
    loaded: Loaded,
    number: usize,
    dot: &Sender<(usize, String)>,
    failures: &mut Vec<String>,
) -> Expected {
    let mut warnings = String::new();
    for warning in &loaded.warnings {
        let shown = warning.to_string();
        if warning.line == 0 || warning.column == 0 {
            failures.push(format!("a warning without a position: {shown}"));
        }
        failures.extend(oracle::terminal_safe("a warning", &shown).err());
        warnings.push_str(&shown);
        warnings.push('\n');
    }
    let clean = loaded.warnings.is_empty();
    failures.extend(within_limits(&loaded.graph).err());
    let check = guarded("check_report", failures, || check_report(&loaded)).unwrap_or_default();
    failures.extend(oracle::terminal_safe("the check report", &check).err());
    failures.extend(check_columns(&loaded, &check).err());
    let graph = &loaded.graph;
    let schema = guarded(":schema", failures, || describe(graph)).unwrap_or_default();
    failures.extend(oracle::terminal_safe(":schema", &schema).err());
    let find = search_term(graph);
    guarded("search", failures, || korpu::search::find(graph, &find, 10));
    let exported = guarded("export", failures, || {
        let _ = korpu::export::to_cypher(graph);
        let _ = korpu::export::to_kuzu(graph);
        let text = korpu::export::to_json(graph);
        let counts = (graph.node_count(), graph.edge_count());
        match load_sources(&[Source { name: "export.json".into(), text }]) {
            Ok(again) if (again.graph.node_count(), again.graph.edge_count()) == counts => None,
            Ok(again) => Some(format!(
                "the JSON export loads back as {:?} nodes and relationships, not {counts:?}",
                (again.graph.node_count(), again.graph.edge_count())
            )),
            Err(error) => Some(format!("the JSON export does not load back:\n{error}")),
        }
    });
    failures.extend(exported.flatten());

    let mut session = Session::over(loaded.graph);
    session.timeout = Some(Duration::from_secs(30));
    let mut formats = [
        ("table", String::new()),
        ("json", String::new()),
        ("csv", String::new()),
        ("dot", String::new()),
    ];
    let outcome = guarded("the query", failures, || session.run(QUERY).into_outcome());
    let view = session.view();
    let graph = view.graph();
    match outcome.as_ref().map(|outcome| outcome.as_ref().map(|outcome| outcome.result())) {
        Some(Ok(Some(result))) => {
            let rows = result.rows.len();
            let table = guarded("the table", failures, || {
                render_table(result, graph, &TableStyle::default())
            })
            .unwrap_or_default();
            failures.extend(oracle::terminal_safe("the table", &table).err());
            failures.extend(oracle::aligned("the table", &table).err());
            let view =
                View { format: Format::Table, max_rows: None, width: Some(100), elapsed: None };
            let shell =
                guarded("the shell's table", failures, || render_result(result, graph, &view))
                    .unwrap_or_default();
            failures.extend(oracle::terminal_safe("the shell's table", &shell).err());
            failures.extend(oracle::aligned("the shell's table", &shell).err());
            let json = guarded("JSON", failures, || format!("{}\n", result_json(result, graph)))
                .unwrap_or_default();
            match serde_json::from_str::<serde_json::Value>(&json) {
                Ok(parsed) if parsed["rows"].as_array().map(Vec::len) == Some(rows) => {}
                other => failures.push(format!(
                    "the JSON does not read back with {rows} rows: {:?}",
                    other.err()
                )),
            }
            let csv = guarded("CSV", failures, || render_csv(result, graph)).unwrap_or_default();
            match oracle::csv_records(&csv) {
                Ok(records)
                    if records.len() == rows + 1
                        && records.iter().all(|record| record.len() == 4) => {}
                Ok(records) => failures.push(format!(
                    "the CSV reads back as {} records for {rows} rows",
                    records.len()
                )),
                Err(error) => failures.push(format!("the CSV does not read back: {error}")),
            }
            let subgraph = Subgraph::collect([result], graph);
            let plain = DotOptions { left_to_right: subgraph.has_paths, ..DotOptions::default() };
            let clustered = DotOptions { english: true, cluster_by_country: true, ..plain.clone() };
            let mut drawings = Vec::new();
            for options in [plain, clustered] {
                if let Some(text) =
                    guarded("DOT", failures, || write_dot(&subgraph, graph, &options))
                {
                    failures.extend(oracle::dot_quoting(&text).err());
                    let _ = dot.send((number, text.clone()));
                    drawings.push(text);
                }
            }
            formats = [
                ("table", table),
                ("json", json),
                ("csv", csv),
                ("dot", drawings.into_iter().next().unwrap_or_default()),
            ];
        }
        Some(Ok(None)) => failures.push("the query gave no rows".to_owned()),
        Some(Err(error)) => failures.push(format!("the query failed: {}", error.message())),
        None => {}
    }
    Expected::Accepted(Box::new(Shown { clean, warnings, check, schema, find, formats }))
}

/// Whether every name of a graph that loaded is within the loader's limit.
fn within_limits(graph: &korpu::graph::Graph) -> Result<(), String> {
    let labels = graph.label_counts().into_iter().map(|(name, _)| name);
    let types = graph.rel_type_counts().into_iter().map(|(name, _)| name);
    let ids = graph.nodes().map(|node| graph.node_key(node));
    let keys = graph.property_keys().into_iter();
    match labels
        .chain(types)
        .chain(ids)
        .chain(keys)
        .find(|name| name.chars().count() > MAX_NAME_CHARS)
    {
        Some(name) => Err(format!("loaded a name of {} characters", name.chars().count())),
        None => Ok(()),
    }
}

/// A word to `:find`: the first word of the first node's name, when it is printable.
fn search_term(graph: &korpu::graph::Graph) -> String {
    graph
        .nodes()
        .filter_map(|node| graph.node_property_by_name(node, "name").and_then(|name| name.as_str()))
        .filter_map(|name| name.split_whitespace().next().map(str::to_owned))
        .find(|word| {
            !word
                .chars()
                .any(|character| is_unsafe_in_terminal(character) || character.is_control())
        })
        .unwrap_or_else(|| "Bakı".to_owned())
}

/// The check report's name lines: one per label and type, in order, each ending in its
/// count, and all of one display width except those whose name is wider than
/// `MAX_NAME_COLUMN`, which run past the column.
fn check_columns(loaded: &Loaded, report: &str) -> Result<(), String> {
    let graph = &loaded.graph;
    let names: Vec<(String, usize)> = graph
        .label_counts()
        .into_iter()
        .chain(graph.rel_type_counts())
        .map(|(name, count)| (terminal_safe(name).into_owned(), count))
        .collect();
    let lines: Vec<&str> = report.lines().filter(|line| line.starts_with("  ")).collect();
    if lines.len() != names.len() {
        return Err(format!(
            "the check report has {} name lines for {} names",
            lines.len(),
            names.len()
        ));
    }
    let mut column = None;
    for (line, (name, count)) in lines.iter().zip(&names) {
        if !line.ends_with(&format!("  {count:>6}")) || !line[2..].starts_with(name.as_str()) {
            return Err(format!("the check report line {line:?} is not {name:?} and {count}"));
        }
        if display_width(name) <= MAX_NAME_COLUMN {
            let width = display_width(line);
            if *column.get_or_insert(width) != width {
                return Err(format!("the check report is not aligned at {line:?}"));
            }
        }
    }
    Ok(())
}

/// Runs the case through the binary and compares with what the library gave; returns
/// how many processes ran.
fn through_the_binary(folder: &Path, expected: &Expected, failures: &mut Vec<String>) -> usize {
    let data = folder.to_str().unwrap();
    let mut runs: Vec<(Vec<&str>, String)> = vec![(vec!["check"], String::new())];
    for format in ["table", "json", "csv", "dot"] {
        runs.push((vec!["query", "--format", format, QUERY], String::new()));
    }
    let find = match expected {
        Expected::Accepted(shown) => shown.find.clone(),
        Expected::Refused(_) => "Bakı".to_owned(),
    };
    runs.push((Vec::new(), format!(":schema\n:find {find}\n")));
    for (args, input) in &runs {
        let mut command = Command::new(env!("CARGO_BIN_EXE_korpu"));
        command.arg("--data").arg(data).args(args);
        let what = format!(
            "`korpu --data DIR {}`{}",
            args.join(" "),
            if input.is_empty() { "" } else { " with :schema piped in" }
        );
        let output = match run_with_timeout(command, input.as_bytes(), PROCESS_TIMEOUT) {
            Ok(output) => output,
            Err(timeout) => {
                failures.push(format!("{what} {timeout}"));
                continue;
            }
        };
        failures.extend(
            compare(&what, args.first().copied(), args.get(2).copied(), &output, expected).err(),
        );
    }
    runs.len()
}

/// Whether one binary run printed what the library gave.
fn compare(
    what: &str,
    command: Option<&str>,
    format: Option<&str>,
    output: &Output,
    expected: &Expected,
) -> Result<(), String> {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    if code == Some(101) || stderr.contains("panicked") {
        return Err(format!("{what} panicked:\n{stderr}"));
    }
    let fail = |why: &str| {
        Err(format!(
            "{what}: {why} (exit {code:?}; stderr {:?})",
            stderr.chars().take(300).collect::<String>()
        ))
    };
    match (expected, command) {
        (Expected::Refused(error), Some("check")) => {
            if code != Some(1) || !stdout.is_empty() || stderr != *error {
                return fail("refused data, yet not exit 1 with the load error");
            }
        }
        (Expected::Refused(error), _) => {
            if code != Some(1) || stderr != format!("error: {error}") {
                return fail("refused data, yet not exit 1 with the load error");
            }
        }
        (Expected::Accepted(shown), Some("check")) => {
            let clean_code = if shown.clean { 0 } else { 1 };
            if code != Some(clean_code) || stdout != shown.check || stderr != shown.warnings {
                return fail("not the library's check report");
            }
        }
        (Expected::Accepted(shown), Some(_)) => {
            let format = format.unwrap_or_default();
            let expected = &shown.formats.iter().find(|(name, _)| *name == format).unwrap().1;
            if code != Some(0) || stdout != *expected || stderr != shown.warnings {
                return fail(&format!("not the library's {format}"));
            }
        }
        (Expected::Accepted(shown), None) => {
            if !matches!(code, Some(0 | 1)) || !stdout.starts_with(shown.schema.as_str()) {
                return fail("the shell's :schema is not the library's");
            }
        }
    }
    Ok(())
}

/// Feeds every DOT text to Graphviz, `DOT_BATCH` graphs per `dot -Tsvg`; when a batch
/// fails, each of its graphs runs alone to find the ones at fault.
fn validate_dot(
    texts: Receiver<(usize, String)>,
    with_dot: bool,
    figures: &Mutex<Figures>,
    root: &Path,
) {
    let mut batch: Vec<(usize, String)> = Vec::new();
    let flush = |batch: &mut Vec<(usize, String)>| {
        if batch.is_empty() || !with_dot {
            batch.clear();
            return;
        }
        let outcome = draw(batch.iter().map(|(_, text)| text.as_str()), batch.len());
        let mut tally = figures.lock().unwrap();
        tally.dot_graphs += batch.len();
        tally.dot_processes += 1;
        match outcome {
            Ok(warnings) => {
                for warning in warnings {
                    *tally.dot_warnings.entry(warning).or_default() += 1;
                }
            }
            Err(_) => {
                drop(tally);
                for (number, text) in batch.iter() {
                    let Err(why) = draw([text.as_str()].into_iter(), 1) else { continue };
                    let kept = root.join(format!("case-{number}.dot"));
                    let _ = std::fs::write(&kept, text);
                    let mut figures = figures.lock().unwrap();
                    figures.dot_processes += 1;
                    figures.failures.push(format!(
                        "case {number}: Graphviz refused its DOT ({}): {why}",
                        kept.display()
                    ));
                }
            }
        }
        batch.clear();
    };
    for item in texts {
        batch.push(item);
        if batch.len() == DOT_BATCH {
            flush(&mut batch);
        }
    }
    flush(&mut batch);
}

/// Runs `dot -Tsvg` over `texts`; `Ok` with its warnings when it drew all `count`
/// graphs, else why not.
fn draw<'a>(texts: impl Iterator<Item = &'a str>, count: usize) -> Result<Vec<String>, String> {
    let input: String = texts.collect();
    let mut command = Command::new("dot");
    command.arg("-Tsvg");
    let output = run_with_timeout(command, input.as_bytes(), PROCESS_TIMEOUT)?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let drawn = String::from_utf8_lossy(&output.stdout).matches("</svg>").count();
    if !output.status.success() || drawn != count || stderr.contains("rror") {
        return Err(format!(
            "exit {}, {drawn} of {count} drawn: {}",
            output.status,
            stderr.chars().take(400).collect::<String>()
        ));
    }
    Ok(stderr.lines().map(|line| line.chars().take(120).collect()).collect())
}
