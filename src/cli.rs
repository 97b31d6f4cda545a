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

#[derive(Parser, Debug)]
#[command(name = "korpu", version, about = "Ask relationship questions of a knowledge graph in openCypher", long_about = None)]
pub struct Args {
    /// Load this graph (a JSON file, or a folder of them) instead of the bundled one.
    #[arg(long, global = true, value_name = "PATH", conflicts_with = "empty")]
    pub data: Option<PathBuf>,
    /// Start with an empty graph.
    #[arg(long, global = true)]
    pub empty: bool,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value = "table")]
    pub format: Format,
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
        /// The script file, or `-`.
        file: String,
        /// Keep going after a failing statement (still exits non-zero).
        #[arg(long = "continue")]
        keep_going: bool,
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
    /// Write the whole graph as a CREATE script (cypher) or in the graph-data format (json).
    Export {
        #[arg(long = "as", value_enum, default_value = "cypher")]
        export_format: ExportFormat,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Cypher,
    Json,
}

/// Runs the program; the caller turns the result into an exit code.
pub fn run(args: Args) -> Result<ExitCode> {
    let timing = args.timing;
    match &args.command {
        Some(Command::Check) => return check(&args),
        Some(Command::Export { export_format }) => {
            let session = open_session(&args, timing)?;
            let text = match export_format {
                ExportFormat::Cypher => crate::export::to_cypher(&session.graph),
                ExportFormat::Json => crate::export::to_json(&session.graph),
            };
            print_out(&text)?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let mut session = open_session(&args, timing)?;
    match &args.command {
        None => crate::repl::run(session, &args),
        Some(Command::Query { text }) => run_statements(&mut session, &args, text, "query", &[ScriptItem::Statement { span: crate::query::syntax::Span::new(0, text.len()) }], false),
        Some(Command::Run { file, keep_going }) => {
            let (name, text) = if file == "-" {
                let mut text = String::new();
                io::Read::read_to_string(&mut io::stdin(), &mut text).context("reading the script from stdin")?;
                ("<stdin>".to_owned(), text)
            } else {
                let text = std::fs::read_to_string(file).with_context(|| format!("reading the script `{file}`"))?;
                (file.clone(), text)
            };
            let items = split_script(&text);
            run_statements(&mut session, &args, &text, &name, &items, *keep_going)
        }
        Some(Command::Find { text, limit }) => find(&session, &args, &text.join(" "), *limit),
        Some(Command::Check | Command::Export { .. }) => unreachable!("handled above"),
    }
}

/// Loads the graph the arguments ask for and applies parameters and limits.
pub fn open_session(args: &Args, timing: bool) -> Result<Session> {
    let started = Instant::now();
    let graph = if args.empty {
        Graph::default()
    } else {
        let loaded = load_data(args)?;
        print_warnings(&loaded.warnings);
        loaded.graph
    };
    if timing {
        eprintln!("timing load_ms={:.3} nodes={} edges={}", started.elapsed().as_secs_f64() * 1000.0, graph.node_count(), graph.edge_count());
    }
    let mut session = Session::new(graph);
    session.timeout = args.timeout.map(Duration::from_secs_f64);
    if let Some(file) = &args.params_file {
        let text = std::fs::read_to_string(file).with_context(|| format!("reading parameters from `{}`", file.display()))?;
        let parsed: serde_json::Value = serde_json::from_str(&text)
            .map_err(|error| anyhow::anyhow!("{}:{}:{}: malformed JSON: {error}", file.display(), error.line(), error.column()))?;
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
            anyhow::anyhow!("--param {name}: {}", diagnostic::render(&error, value, "value").trim_end())
        })?;
        session.params.insert(name.trim().trim_start_matches('$').to_owned(), value);
    }
    Ok(session)
}

fn load_data(args: &Args) -> Result<Loaded> {
    let loaded = match &args.data {
        Some(path) => load::load_path(path),
        None => crate::bundled::load(),
    };
    loaded.map_err(|error| anyhow::anyhow!("{error}"))
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
            let graph = &loaded.graph;
            let mut text = format!("{} nodes, {} relationships\n\nlabels:\n", graph.node_count(), graph.edge_count());
            let width = graph.label_counts().iter().map(|(name, _)| name.len()).chain(graph.rel_type_counts().iter().map(|(name, _)| name.len())).max().unwrap_or(0);
            for (label, count) in graph.label_counts() {
                text.push_str(&format!("  {label:<width$}  {count:>6}\n"));
            }
            text.push_str("\nrelationship types:\n");
            for (rel_type, count) in graph.rel_type_counts() {
                text.push_str(&format!("  {rel_type:<width$}  {count:>6}\n"));
            }
            if loaded.warnings.is_empty() {
                text.push_str("\nthe data is clean\n");
                print_out(&text)?;
                Ok(ExitCode::SUCCESS)
            } else {
                text.push_str(&format!("\n{} warning(s): the data is not clean\n", loaded.warnings.len()));
                print_out(&text)?;
                Ok(ExitCode::from(1))
            }
        }
    }
}

fn find(session: &Session, args: &Args, text: &str, limit: usize) -> Result<ExitCode> {
    let hits = crate::search::find(&session.graph, text, limit);
    let graph = &session.graph;
    let result = QueryResult {
        columns: vec!["score".into(), "id".into(), "labels".into(), "name".into(), "matched".into()],
        rows: hits
            .iter()
            .map(|hit| {
                vec![
                    crate::graph::Value::Int(hit.score as i64),
                    crate::graph::Value::from(graph.node_key(hit.node)),
                    crate::graph::Value::List(graph.node_labels(hit.node).map(crate::graph::Value::from).collect()),
                    graph.node_property_by_name(hit.node, "name").cloned().unwrap_or_default(),
                    crate::graph::Value::from(format!("{}: {}", hit.field, hit.matched)),
                ]
            })
            .collect(),
        stats: Default::default(),
    };
    let text = match args.format {
        Format::Json => format!("{}\n", json::result_json(&result, graph)),
        Format::Csv => csv::render_csv(&result, graph),
        Format::Table | Format::Dot => render_table(&result, graph, &TableStyle::default()),
    };
    print_out(&text)?;
    Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Runs statements (and `:param` lines) of `source`, printing each result.
fn run_statements(session: &mut Session, args: &Args, source: &str, origin: &str, items: &[ScriptItem], keep_going: bool) -> Result<ExitCode> {
    let mut failed = false;
    let mut dot_results: Vec<QueryResult> = Vec::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut statement_number = 0;
    // `--param` given on the command line wins over a script's own `:param` lines.
    let command_line_params: Vec<String> = args.params.iter().filter_map(|param| param.split_once('=').map(|(name, _)| name.trim().trim_start_matches('$').to_owned())).collect();
    for item in items {
        match item {
            ScriptItem::Command { span } => {
                let line = &source[span.start..span.end];
                if let Err(message) = script_command(session, line, &command_line_params) {
                    let (line_number, column) = crate::query::syntax::span::line_column(source, span.start);
                    eprintln!("{origin}:{line_number}:{column}: {message}");
                    failed = true;
                    if !keep_going {
                        break;
                    }
                }
            }
            ScriptItem::Statement { span } => {
                statement_number += 1;
                let text = &source[span.start..span.end];
                let (outcome, times) = session.run(text);
                let rows = outcome.as_ref().ok().and_then(Outcome::result).map_or(0, |result| result.rows.len());
                if args.timing {
                    print_timing(statement_number, &times, rows);
                }
                match outcome {
                    Ok(outcome) => write_outcome(&mut out, &outcome, session, args, &mut dot_results)?,
                    Err(error) => {
                        failed = true;
                        let error = error.shifted(span.start);
                        if args.format == Format::Json {
                            writeln!(out, "{}", json::error_json(&error, source))?;
                        }
                        out.flush()?;
                        eprint!("{}", diagnostic::render(&error, source, origin));
                        if !keep_going {
                            break;
                        }
                    }
                }
            }
        }
    }
    if args.format == Format::Dot {
        write_dot_output(&mut out, &dot_results, session, args)?;
    }
    out.flush()?;
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
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
            let (name, value) = rest.split_once(|character: char| character.is_whitespace() || character == '=').ok_or_else(|| "expected `:param NAME VALUE`".to_owned())?;
            let name = name.trim_start_matches('$');
            if overridden.iter().any(|given| given == name) {
                return Ok(());
            }
            let value = parse_literal(value.trim().trim_start_matches('=').trim()).map_err(|error| format!("`:param {name}`: {}", error.message()))?;
            session.params.insert(name.to_owned(), value);
            Ok(())
        }
        other => Err(format!("`:{other}` is not a script command (scripts accept `:param NAME VALUE`)")),
    }
}

fn write_outcome(out: &mut impl Write, outcome: &Outcome, session: &Session, args: &Args, dot_results: &mut Vec<QueryResult>) -> Result<()> {
    let graph = &session.graph;
    match (outcome, args.format) {
        (Outcome::Explained(plan), Format::Json) => writeln!(out, "{}", serde_json::json!({"columns": ["plan"], "rows": [[plan]]}))?,
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
        (Outcome::Profiled(_, result) | Outcome::Rows(result), Format::Dot) => dot_results.push(result.clone()),
        (Outcome::Profiled(_, result) | Outcome::Rows(result), Format::Csv) => write!(out, "{}", csv::render_csv(result, graph))?,
        (Outcome::Rows(result), Format::Json) => writeln!(out, "{}", json::result_json(result, graph))?,
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

fn write_dot_output(out: &mut impl Write, results: &[QueryResult], session: &Session, args: &Args) -> Result<()> {
    let graph = &session.graph;
    let subgraph = Subgraph::collect(results, graph);
    if subgraph.nodes.len() > LARGE_SUBGRAPH {
        eprintln!(
            "warning: the subgraph has {} nodes; Graphviz layouts stop being readable past about {LARGE_SUBGRAPH}. Narrow the query (LIMIT, a WHERE) for a useful picture.",
            subgraph.nodes.len()
        );
    }
    let has_paths = results.iter().flat_map(|result| &result.rows).flatten().any(|value| matches!(value, crate::graph::Value::Path(_)));
    let options = DotOptions { english: args.lang == Language::En, cluster_by_country: args.cluster_by == Some(ClusterBy::Country), left_to_right: has_paths };
    let dot = write_dot(&subgraph, graph, &options);
    match (args.render, &args.output) {
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
    let child = std::process::Command::new("dot").arg(format).arg("-o").arg(path).stdin(std::process::Stdio::piped()).spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            bail!("--render needs Graphviz's `dot`, which is not installed. Install it (Debian/Ubuntu: `sudo apt-get install graphviz`; macOS: `brew install graphviz`), or drop --render to get DOT text.");
        }
        Err(error) => return Err(error).context("starting Graphviz `dot`"),
    };
    child.stdin.take().expect("stdin was piped").write_all(dot.as_bytes()).context("sending DOT to Graphviz")?;
    let status = child.wait().context("waiting for Graphviz")?;
    if !status.success() {
        bail!("Graphviz `dot` failed ({status}) writing {}", path.display());
    }
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
