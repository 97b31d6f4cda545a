//! `korpu query` and `korpu run`: statements from a command line or script files, run in
//! order, each outcome written in the chosen format (DOT gathers every result into one
//! picture), with `--timing` lines and errors pointing into the script.

use std::io::{self, Write};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use super::{Args, ClusterBy, ImageFormat, Language};
use korpu::diagnostic;
use korpu::editor::commands::{MetaCommand, parse_command};
use korpu::editor::script::ScriptItem;
use korpu::graph::{Graph, Value};
use korpu::query::Outcome;
use korpu::query::QueryResult;
use korpu::query::StageTimes;
use korpu::query::span::Span;
use korpu::render::dot::{DotOptions, LARGE_SUBGRAPH, Subgraph, write_dot};
use korpu::render::table::{TableStyle, render_table, summary_line};
use korpu::render::{Format, csv, json};
use korpu::session::{Session, parse_literal};

/// Runs statements (and `:param` lines) of `source`, printing each result.
/// A script to run: where it came from, its text and its statements.
pub(super) struct Script {
    pub(super) origin: String,
    pub(super) text: String,
    pub(super) items: Vec<ScriptItem>,
}

/// Runs scripts in order, printing each result; each script starts from the parameters
/// the command line gave (its own `:param` lines do not leak into the next).
/// Runs the scripts' statements in order; `true` when any of them failed.
pub(super) fn run_scripts(
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
                        let (line_number, column) = korpu::text::line_column(source, span.start);
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
                    let bar = crate::repl::progress::ProgressBar::start(&session.progress);
                    let answer = session.run(text);
                    drop(bar);
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
                        Ok(outcome) => {
                            write_outcome(
                                &mut out,
                                outcome,
                                answer.graph(),
                                args,
                                &mut dot_results,
                            )?;
                            // Under the output, as a compiler's warnings come under its own.
                            out.flush()?;
                            for notification in
                                outcome.result().map_or(&[][..], |result| &result.notifications)
                            {
                                let (line_number, column) = korpu::text::line_column(
                                    source,
                                    span.start + notification.span.start,
                                );
                                eprintln!("{origin}:{line_number}:{column}: {notification}");
                            }
                        }
                        Err(error) => {
                            failed = true;
                            // An error of the whole statement points at its first word.
                            let first_word = source[span.start..]
                                .split(|c: char| !c.is_alphanumeric() && c != '_')
                                .next()
                                .map_or(1, |word| word.len().max(1));
                            let error = error
                                .clone()
                                .shifted(span.start)
                                .placed_at(Span::new(span.start, span.start + first_word));
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

/// `:param NAME VALUE` in a script, read by the shell's one command parser (other
/// commands belong to the shell).
fn script_command(session: &mut Session, line: &str, overridden: &[String]) -> Result<(), String> {
    match parse_command(line)? {
        MetaCommand::Param { name, value } => {
            if overridden.contains(&name) {
                return Ok(());
            }
            let value = parse_literal(&value)
                .map_err(|error| format!("`:param {name}`: {}", error.message()))?;
            session.params.insert(name, value);
            Ok(())
        }
        MetaCommand::ParamMap(map) => match parse_literal(&map) {
            Ok(Value::Map(entries)) => {
                for (name, value) in entries {
                    if !overridden.contains(&name) {
                        session.params.insert(name, value);
                    }
                }
                Ok(())
            }
            Ok(other) => {
                Err(format!("`:param {{…}}` takes a map of name: value, not {}", other.type_name()))
            }
            Err(error) => Err(format!("`:param {{…}}`: {}", error.message())),
        },
        _ => {
            let name = line.trim_start_matches(':').split_whitespace().next().unwrap_or("");
            Err(format!("`:{name}` is not a script command (scripts accept `:param NAME VALUE`)"))
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
            value["profile"] = serde_json::Value::String(plan.text.clone());
            writeln!(out, "{value}")?;
        }
        (Outcome::Profiled(plan, result), Format::Table) => {
            write!(out, "{}", plan.text)?;
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
    let graph = view.graph();
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
