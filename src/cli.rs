//! The `korpu` command line: arguments (clap) and dispatch to the REPL, `query`, `run`,
//! `find`, `check` and `export`.
//!
//! This file and `repl/` are where the program meets files, stdout and stderr. Errors
//! are printed here; the exit code is 0 on success, 1 when a query or the data failed,
//! 2 for bad usage.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::database::Database;
use crate::diagnostic;
use crate::graph::Graph;
use crate::load::{self, Loaded, Problem};
use crate::query::error::QueryError;
use crate::query::exec::QueryResult;
use crate::render::dot::{DotOptions, LARGE_SUBGRAPH, Subgraph, write_dot};
use crate::render::table::{TableStyle, render_table, summary_line};
use crate::render::{Format, csv, json};
use crate::script::{ScriptItem, split_script};
use crate::session::{Outcome, Session, StageTimes, parse_literal, value_from_json};
use crate::store::DataFolder;
use crate::text::{display_width, name_column_width, pad_to, terminal_safe};

#[derive(Parser, Debug)]
#[command(name = "korpu", version, about = "Ask relationship questions of a knowledge graph in openCypher", long_about = None, after_help = "Without a command, korpu opens the interactive shell on the bundled graph (type :help there).\nExamples:\n  korpu query \"MATCH (p:Person)-[:LEADS]->(o) RETURN p.name, o.name\"\n  korpu run queries/*.cypher\n  korpu find \"ilham ismayilov\"")]
pub struct Args {
    /// Load this graph (a JSON file, or a folder of them) instead of the bundled one.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "empty")]
    pub data: Option<PathBuf>,
    /// Start with an empty graph.
    #[arg(long, global = true)]
    pub empty: bool,
    /// Output format: table (the default), json, csv or dot for results; cypher (the
    /// default) or json for `export`.
    #[arg(long, global = true, value_enum)]
    pub format: Option<FormatArg>,
    /// A query parameter, VALUE in Cypher literal syntax (repeatable): --param name='Bakı'
    #[arg(long = "param", global = true, value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Query parameters from a JSON object file.
    #[arg(long = "params", global = true, value_name = "FILE")]
    pub params_file: Option<PathBuf>,
    /// Print load and per-statement timings to stderr.
    #[arg(long, global = true)]
    pub timing: bool,
    /// Cancel any statement that runs longer than this.
    #[arg(long, global = true, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// DOT captions: Azerbaijani names (az) or English (en).
    #[arg(long, global = true, value_enum, default_value = "az")]
    pub lang: Language,
    /// DOT: group nodes by the country they are located in.
    #[arg(long = "cluster-by", global = true, value_enum)]
    pub cluster_by: Option<ClusterBy>,
    /// DOT: render with Graphviz into an image instead of printing DOT text.
    #[arg(long, global = true, value_enum, requires = "output")]
    pub render: Option<ImageFormat>,
    /// Where --render writes the image.
    #[arg(short = 'o', long = "output", global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `--format` accepts: the result formats, plus `cypher`, which only `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Json,
    Csv,
    Dot,
    Cypher,
}

impl Args {
    /// How results are printed. `run` refuses `--format cypher` before any result
    /// exists, and `--render` draws the DOT of the results.
    fn output_format(&self) -> Format {
        match self.format {
            Some(FormatArg::Json) => Format::Json,
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Dot) => Format::Dot,
            None if self.render.is_some() => Format::Dot,
            None | Some(FormatArg::Table | FormatArg::Cypher) => Format::Table,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Language {
    Az,
    En,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ClusterBy {
    Country,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ImageFormat {
    Svg,
    Png,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run one query and print its result.
    Query {
        /// The query text.
        text: String,
    },
    /// Run a saved script (statements end with `;`); `-` reads stdin.
    Run {
        /// Script files, run in order (`-` reads stdin); each starts from the
        /// command line's parameters.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Keep going after a failing statement (still exits non-zero).
        #[arg(long = "continue")]
        keep_going: bool,
        /// Write the changes into the --data folder when every statement succeeded
        /// (one failure and nothing is written).
        #[arg(long)]
        save: bool,
    },
    /// Search entities by name, tolerant of case, diacritics, English spellings and typos.
    Find {
        /// What to look for.
        text: Vec<String>,
        /// How many hits to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Validate the data and print counts per label and relationship type.
    Check,
    /// Write the whole graph as a CREATE script (--format cypher, the default) or graph-data JSON (--format json).
    Export {
        /// The database the cypher script is for: neo4j (also loads in Memgraph and
        /// Körpü) or kuzu (adds the table schema Kùzu needs).
        #[arg(long, value_enum)]
        dialect: Option<Dialect>,
        /// The earlier spelling of --format for export.
        #[arg(long = "as", value_enum, hide = true)]
        export_format: Option<ExportFormat>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Cypher,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    /// Neo4j and Memgraph (one script serves both).
    #[value(alias = "memgraph")]
    Neo4j,
    /// Kùzu: a typed node table per label combination and a rel table per type, then the data.
    Kuzu,
}

/// Runs the program; the caller turns the result into an exit code.
pub fn run(args: Args) -> Result<ExitCode> {
    let timing = args.timing;
    match &args.command {
        Some(Command::Check) => return check(&args),
        Some(Command::Export { dialect, export_format }) => {
            return export(&args, *dialect, *export_format);
        }
        _ => {}
    }
    if args.format == Some(FormatArg::Cypher) {
        bail!("--format cypher is for `korpu export`; results print as table, json, csv or dot");
    }
    if let (Some(_), Some(format)) =
        (args.render, args.format.filter(|format| *format != FormatArg::Dot))
    {
        bail!(
            "--render draws the DOT of the results; drop --format {}",
            format
                .to_possible_value()
                .map_or_else(String::new, |value| value.get_name().to_owned())
        );
    }
    let mut session = open_session(&args, timing)?;
    match &args.command {
        None => crate::repl::run(session, &args),
        Some(Command::Query { text }) => {
            let script = Script {
                origin: "query".to_owned(),
                items: vec![ScriptItem::Statement {
                    span: crate::query::syntax::Span::new(0, text.len()),
                }],
                text: text.clone(),
            };
            let failed = run_scripts(&mut session, &args, &[script], false)?;
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Some(Command::Run { files, keep_going, save }) => {
            if *save && args.data.is_none() {
                bail!(
                    "--save writes into the folder the graph came from; name it with --data (e.g. `korpu --data graph-data run --save FILE`)"
                );
            }
            let mut scripts = Vec::with_capacity(files.len());
            for file in files {
                let (origin, text) = if file == "-" {
                    let mut text = String::new();
                    io::Read::read_to_string(&mut io::stdin(), &mut text)
                        .context("reading the script from stdin")?;
                    ("<stdin>".to_owned(), text)
                } else {
                    let text = std::fs::read_to_string(file)
                        .with_context(|| format!("reading the script `{file}`"))?;
                    (file.clone(), text)
                };
                scripts.push(Script { origin, items: split_script(&text), text });
            }
            let failed = run_scripts(&mut session, &args, &scripts, *keep_going)?;
            if *save {
                if failed {
                    eprintln!("nothing was saved: a statement failed");
                } else {
                    let report = session.save().map_err(|error| anyhow::anyhow!("{error}"))?;
                    if !report.files.is_empty() {
                        eprintln!(
                            "saved {} to {}",
                            report.files.join(", "),
                            report.folder.display()
                        );
                    }
                }
            }
            Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Some(Command::Find { text, limit }) => find(&session, &args, &text.join(" "), *limit),
        Some(Command::Check | Command::Export { .. }) => unreachable!("handled above"),
    }
}

/// `korpu export`: the whole graph as a script for another database, or as graph-data JSON.
fn export(
    args: &Args,
    dialect: Option<Dialect>,
    spelled_as: Option<ExportFormat>,
) -> Result<ExitCode> {
    let from_format = match args.format {
        None => None,
        Some(FormatArg::Cypher) => Some(ExportFormat::Cypher),
        Some(FormatArg::Json) => Some(ExportFormat::Json),
        Some(_) => bail!("`korpu export` writes --format cypher (the default) or --format json"),
    };
    let format = match (from_format, spelled_as) {
        (Some(format), Some(other)) if format != other => {
            bail!("--format and --as disagree; give --format only")
        }
        (format, other) => format.or(other).unwrap_or(ExportFormat::Cypher),
    };
    let session = open_session(args, args.timing)?;
    let view = session.view();
    let text = match (format, dialect) {
        (ExportFormat::Json, Some(_)) => bail!(
            "--dialect applies to --format cypher; the graph-data JSON is the same for every database"
        ),
        (ExportFormat::Json, None) => crate::export::to_json(&view.graph),
        (ExportFormat::Cypher, None | Some(Dialect::Neo4j)) => {
            crate::export::to_cypher(&view.graph)?
        }
        (ExportFormat::Cypher, Some(Dialect::Kuzu)) => {
            let script = crate::export::to_kuzu(&view.graph)?;
            for note in &script.notes {
                eprintln!("note: {}", terminal_safe(&note.to_string()));
            }
            script.text
        }
    };
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Loads the graph the arguments ask for and applies parameters and limits.
pub fn open_session(args: &Args, timing: bool) -> Result<Session> {
    let started = Instant::now();
    let (graph, data) = if args.empty {
        (Graph::default(), None)
    } else {
        let (loaded, data) = load_data(args)?;
        print_warnings(&loaded.warnings);
        (loaded.graph, Some(data))
    };
    if timing {
        eprintln!(
            "timing load_ms={:.3} nodes={} edges={}",
            started.elapsed().as_secs_f64() * 1000.0,
            graph.node_count(),
            graph.edge_count()
        );
    }
    let mut session = Session::new(Database::new(graph, data));
    session.timeout = args.timeout.map(Duration::from_secs_f64);
    if let Some(file) = &args.params_file {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("reading parameters from `{}`", file.display()))?;
        let parsed: serde_json::Value = serde_json::from_str(&text).map_err(|error| {
            anyhow::anyhow!(
                "{}:{}:{}: malformed JSON: {error}",
                file.display(),
                error.line(),
                error.column()
            )
        })?;
        let serde_json::Value::Object(entries) = parsed else {
            bail!("{}: parameters must be a JSON object of name: value", file.display());
        };
        for (name, value) in entries {
            session.params.insert(name, value_from_json(&value));
        }
    }
    for param in &args.params {
        let Some((name, value)) = param.split_once('=') else {
            bail!("--param `{param}`: expected NAME=VALUE, e.g. --param name='Bakı'");
        };
        let value = parse_literal(value).map_err(|error| {
            anyhow::anyhow!(
                "--param {name}: {}",
                diagnostic::render(&error, value, "value").trim_end()
            )
        })?;
        session.params.insert(name.trim().trim_start_matches('$').to_owned(), value);
    }
    Ok(session)
}

/// Loads the graph the arguments name, with where it came from (for saving).
fn load_data(args: &Args) -> Result<(Loaded, DataFolder)> {
    let (data, files) = match &args.data {
        Some(path) => DataFolder::read(path).map_err(|error| anyhow::anyhow!("{error}"))?,
        None => DataFolder::bundled(),
    };
    let loaded = load_with_progress_bar(&files).map_err(|error| anyhow::anyhow!("{error}"))?;
    Ok((loaded, data))
}

/// Loads a graph, drawing a progress bar on stderr when the load takes more than a
/// second and stderr is a terminal.
fn load_with_progress_bar(files: &load::ReadFiles) -> Result<Loaded, load::LoadError> {
    if !io::stderr().is_terminal() {
        return files.load(None);
    }
    let progress = load::LoadProgress::default();
    let finished = std::sync::atomic::AtomicBool::new(false);
    let started = Instant::now();
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let mut drawn = false;
            while !finished.load(std::sync::atomic::Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() < Duration::from_secs(1)
                    || finished.load(std::sync::atomic::Ordering::Relaxed)
                {
                    continue;
                }
                eprint!("\r{}", progress_line(&progress, started.elapsed()));
                drawn = true;
            }
            if drawn {
                // Clear the bar so the next output starts on a clean line.
                eprint!("\r{}\r", " ".repeat(78));
            }
        });
        let loaded = files.load(Some(&progress));
        finished.store(true, std::sync::atomic::Ordering::Relaxed);
        loaded
    })
}

fn progress_line(progress: &load::LoadProgress, elapsed: Duration) -> String {
    use std::sync::atomic::Ordering::Relaxed;
    let total = progress.bytes_total.load(Relaxed).max(1);
    let read = progress.bytes_read.load(Relaxed).min(total);
    let width = 24;
    let filled = read * width / total;
    format!(
        "loading [{}{}] {:>3}%  {} nodes, {} relationships, {:.1} s",
        "#".repeat(filled),
        " ".repeat(width - filled),
        read * 100 / total,
        progress.nodes.load(Relaxed),
        progress.edges.load(Relaxed),
        elapsed.as_secs_f64()
    )
}

fn print_warnings(warnings: &[Problem]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
}

fn check(args: &Args) -> Result<ExitCode> {
    let loaded = match &args.data {
        Some(path) => load::load_path(path),
        None => crate::bundled::load(),
    };
    match loaded {
        Err(error) => {
            eprintln!("{error}");
            Ok(ExitCode::from(1))
        }
        Ok(loaded) => {
            print_warnings(&loaded.warnings);
            print_out(&check_report(&loaded))?;
            Ok(ExitCode::from(if loaded.warnings.is_empty() { 0 } else { 1 }))
        }
    }
}

/// What `korpu check` prints for data that loaded: the counts per label and relationship
/// type, and whether the data is clean (loaded without warnings). Names come from the
/// data, so they are shown terminal-safe and padded by display width (see `text::pad_to`).
///
/// ```
/// use korpu::load::{load_sources, Source};
/// let text = r#"{"nodes": [{"id": "b", "labels": ["Şəhər"]}], "edges": []}"#;
/// let loaded = load_sources(&[Source { name: "g.json".into(), text: text.into() }]).unwrap();
/// let report = korpu::cli::check_report(&loaded);
/// assert!(report.contains("  Şəhər       1\n"), "{report}");
/// assert!(report.ends_with("the data is clean\n"));
/// ```
pub fn check_report(loaded: &Loaded) -> String {
    let graph = &loaded.graph;
    let labels = graph.label_counts();
    let rel_types = graph.rel_type_counts();
    let shown = |names: &[(&str, usize)]| -> Vec<(String, usize)> {
        names.iter().map(|(name, count)| (terminal_safe(name).into_owned(), *count)).collect()
    };
    let (labels, rel_types) = (shown(&labels), shown(&rel_types));
    let width =
        name_column_width(labels.iter().chain(&rel_types).map(|(name, _)| display_width(name)));
    let mut text =
        format!("{} nodes, {} relationships\n\nlabels:\n", graph.node_count(), graph.edge_count());
    for (label, count) in &labels {
        text.push_str(&format!("  {}  {count:>6}\n", pad_to(label, width)));
    }
    text.push_str("\nrelationship types:\n");
    for (rel_type, count) in &rel_types {
        text.push_str(&format!("  {}  {count:>6}\n", pad_to(rel_type, width)));
    }
    if loaded.warnings.is_empty() {
        text.push_str("\nthe data is clean\n");
    } else {
        text.push_str(&format!("\n{} warning(s): the data is not clean\n", loaded.warnings.len()));
    }
    text
}

fn find(session: &Session, args: &Args, text: &str, limit: usize) -> Result<ExitCode> {
    let view = session.view();
    let graph = &view.graph;
    let hits = crate::search::find(graph, text, limit);
    let result = QueryResult {
        columns: vec![
            "score".into(),
            "id".into(),
            "labels".into(),
            "name".into(),
            "matched".into(),
        ],
        rows: hits
            .iter()
            .map(|hit| {
                vec![
                    crate::graph::Value::Int(hit.score as i64),
                    crate::graph::Value::from(graph.node_key(hit.node)),
                    crate::graph::Value::List(
                        graph.node_labels(hit.node).map(crate::graph::Value::from).collect(),
                    ),
                    graph.node_property_by_name(hit.node, "name").cloned().unwrap_or_default(),
                    crate::graph::Value::from(format!("{}: {}", hit.field, hit.matched)),
                ]
            })
            .collect(),
        stats: Default::default(),
    };
    let text = match args.output_format() {
        Format::Json => format!("{}\n", json::result_json(&result, graph)),
        Format::Csv => csv::render_csv(&result, graph),
        Format::Table | Format::Dot => render_table(&result, graph, &TableStyle::default()),
    };
    print_out(&text)?;
    Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Runs statements (and `:param` lines) of `source`, printing each result.
/// A script to run: where it came from, its text and its statements.
struct Script {
    origin: String,
    text: String,
    items: Vec<ScriptItem>,
}

/// Runs scripts in order, printing each result; each script starts from the parameters
/// the command line gave (its own `:param` lines do not leak into the next).
/// Runs the scripts' statements in order; `true` when any of them failed.
fn run_scripts(
    session: &mut Session,
    args: &Args,
    scripts: &[Script],
    keep_going: bool,
) -> Result<bool> {
    let mut failed = false;
    let mut dot_results: Vec<QueryResult> = Vec::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut statement_number = 0;
    // `--param` given on the command line wins over a script's own `:param` lines.
    let command_line_params: Vec<String> = args
        .params
        .iter()
        .filter_map(|param| {
            param.split_once('=').map(|(name, _)| name.trim().trim_start_matches('$').to_owned())
        })
        .collect();
    let baseline_params = session.params.clone();
    'scripts: for script in scripts {
        session.params = baseline_params.clone();
        let (source, origin) = (script.text.as_str(), script.origin.as_str());
        for item in &script.items {
            match item {
                ScriptItem::Command { span } => {
                    let line = &source[span.start..span.end];
                    if let Err(message) = script_command(session, line, &command_line_params) {
                        let (line_number, column) =
                            crate::query::syntax::span::line_column(source, span.start);
                        eprintln!("{origin}:{line_number}:{column}: {message}");
                        failed = true;
                        if !keep_going {
                            break 'scripts;
                        }
                    }
                }
                ScriptItem::Statement { span } => {
                    statement_number += 1;
                    let text = &source[span.start..span.end];
                    let answer = session.run(text);
                    let rows = answer
                        .outcome
                        .as_ref()
                        .ok()
                        .and_then(Outcome::result)
                        .map_or(0, |result| result.rows.len());
                    if args.timing {
                        print_timing(statement_number, &answer.times, rows);
                    }
                    match &answer.outcome {
                        Ok(outcome) => write_outcome(
                            &mut out,
                            outcome,
                            answer.graph(),
                            args,
                            &mut dot_results,
                        )?,
                        Err(error) => {
                            failed = true;
                            let error = error.clone().shifted(span.start);
                            if args.output_format() == Format::Json {
                                writeln!(out, "{}", json::error_json(&error, source))?;
                            }
                            out.flush()?;
                            eprint!("{}", diagnostic::render(&error, source, origin));
                            if !keep_going {
                                break 'scripts;
                            }
                        }
                    }
                }
            }
        }
    }
    if args.output_format() == Format::Dot {
        write_dot_output(&mut out, &dot_results, session, args)?;
    }
    out.flush()?;
    Ok(failed)
}

fn print_timing(statement: usize, times: &StageTimes, rows: usize) {
    let millis = |duration: Duration| duration.as_secs_f64() * 1000.0;
    eprintln!(
        "timing stmt={statement} parse_ms={:.3} plan_ms={:.3} exec_ms={:.3} rows={rows}",
        millis(times.parse),
        millis(times.plan),
        millis(times.execute)
    );
}

/// `:param NAME VALUE` in a script (other commands belong to the REPL).
fn script_command(session: &mut Session, line: &str, overridden: &[String]) -> Result<(), String> {
    let body = line.trim_start_matches(':');
    let (command, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    match command {
        "param" => {
            let rest = rest.trim();
            let (name, value) = rest
                .split_once(|character: char| character.is_whitespace() || character == '=')
                .ok_or_else(|| "expected `:param NAME VALUE`".to_owned())?;
            let name = name.trim_start_matches('$');
            if overridden.iter().any(|given| given == name) {
                return Ok(());
            }
            let value = parse_literal(value.trim().trim_start_matches('=').trim())
                .map_err(|error| format!("`:param {name}`: {}", error.message()))?;
            session.params.insert(name.to_owned(), value);
            Ok(())
        }
        other => {
            Err(format!("`:{other}` is not a script command (scripts accept `:param NAME VALUE`)"))
        }
    }
}

fn write_outcome(
    out: &mut impl Write,
    outcome: &Outcome,
    graph: &Graph,
    args: &Args,
    dot_results: &mut Vec<QueryResult>,
) -> Result<()> {
    match (outcome, args.output_format()) {
        (Outcome::Explained(plan), Format::Json) => {
            writeln!(out, "{}", serde_json::json!({"columns": ["plan"], "rows": [[plan]]}))?
        }
        (Outcome::Explained(plan), _) => write!(out, "{plan}")?,
        (Outcome::Profiled(plan, result), Format::Json) => {
            let mut value = json::result_json(result, graph);
            value["profile"] = serde_json::Value::String(plan.clone());
            writeln!(out, "{value}")?;
        }
        (Outcome::Profiled(plan, result), Format::Table) => {
            write!(out, "{plan}")?;
            write!(out, "{}", render_table(result, graph, &TableStyle::default()))?;
        }
        (Outcome::Profiled(_, result) | Outcome::Rows(result), Format::Dot) => {
            dot_results.push(result.clone())
        }
        (Outcome::Profiled(_, result) | Outcome::Rows(result), Format::Csv) => {
            write!(out, "{}", csv::render_csv(result, graph))?
        }
        (Outcome::Rows(result), Format::Json) => {
            writeln!(out, "{}", json::result_json(result, graph))?
        }
        (Outcome::Rows(result), Format::Table) => {
            if result.columns.is_empty() {
                write!(out, "{}", summary_line(result))?;
            } else {
                write!(out, "{}", render_table(result, graph, &TableStyle::default()))?;
            }
        }
    }
    Ok(())
}

fn write_dot_output(
    out: &mut impl Write,
    results: &[QueryResult],
    session: &Session,
    args: &Args,
) -> Result<()> {
    let view = session.view();
    let graph = &view.graph;
    let subgraph = Subgraph::collect(results, graph);
    let too_large = subgraph.size_warning();
    if let Some(warning) = &too_large {
        eprintln!("{warning}");
    }
    let options = DotOptions {
        english: args.lang == Language::En,
        cluster_by_country: args.cluster_by == Some(ClusterBy::Country),
        left_to_right: subgraph.has_paths,
    };
    let dot = write_dot(&subgraph, graph, &options);
    match (args.render, &args.output) {
        // Graphviz would take minutes on this; the DOT text is still there without --render.
        (Some(_), Some(_)) if too_large.is_some() => bail!(
            "not rendering {} nodes (more than {LARGE_SUBGRAPH}); drop --render to get the DOT text",
            subgraph.nodes.len()
        ),
        (Some(image), Some(path)) => render_image(&dot, image, path)?,
        _ => write!(out, "{dot}")?,
    }
    Ok(())
}

/// Runs Graphviz `dot` to turn DOT text into an image file.
fn render_image(dot: &str, image: ImageFormat, path: &std::path::Path) -> Result<()> {
    let format = match image {
        ImageFormat::Svg => "-Tsvg",
        ImageFormat::Png => "-Tpng",
    };
    let child = std::process::Command::new("dot")
        .arg(format)
        .arg("-o")
        .arg(path)
        .stdin(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            bail!(
                "--render needs Graphviz's `dot` program, which is not installed (or not on PATH). Install Graphviz (Debian/Ubuntu: `sudo apt-get install graphviz`; Fedora: `sudo dnf install graphviz`; macOS: `brew install graphviz`; Windows: `winget install graphviz`; others: https://graphviz.org/download/), or drop --render to get the DOT text."
            );
        }
        Err(error) => return Err(error).context("starting Graphviz `dot`"),
    };
    // If `dot` stops reading early its exit status says why, so a failed write is only
    // reported when `dot` itself succeeded.
    let written = match child.stdin.take() {
        Some(mut stdin) => stdin.write_all(dot.as_bytes()),
        None => Err(io::Error::other("no pipe to Graphviz")),
    };
    let status = child.wait().context("waiting for Graphviz `dot`")?;
    if !status.success() {
        bail!("Graphviz `dot` failed ({status}) writing {}", path.display());
    }
    written.context("sending DOT to Graphviz")?;
    Ok(())
}

/// Prints to stdout; a closed pipe (`korpu … | head`) is not an error.
pub fn print_out(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}

/// True when stdin is an interactive terminal.
pub fn stdin_is_terminal() -> bool {
    io::stdin().is_terminal()
}

/// Renders a query error for the terminal.
pub fn render_error(error: &QueryError, source: &str, origin: &str) -> String {
    diagnostic::render(error, source, origin)
}
