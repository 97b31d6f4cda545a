//! The `korpu` command line: dispatch of the parsed arguments (`args`) to the REPL,
//! `query` and `run` (`scripts`), `find`, `check` (`check`), `export` and `serve`.
//!
//! This folder and `repl/` are where the program meets files, stdout and stderr. Errors
//! are printed here; the exit code is 0 on success, 1 when a query or the data failed,
//! 2 for bad usage.

mod args;
mod check;
mod scripts;

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;

pub(crate) use args::*;

use korpu::database::Database;
use korpu::diagnostic;
use korpu::editor::script::{ScriptItem, split_script};
use korpu::graph::Graph;
use korpu::load::format::value_from_json;
use korpu::load::{self, Loaded, Problem};
use korpu::query::{ImportDir, QueryResult};
use korpu::render::table::{TableStyle, render_table};
use korpu::render::{Format, csv, json};
use korpu::session::{Session, parse_literal};
use korpu::store::DataFolder;
use korpu::text::terminal_safe;
use scripts::{Script, run_scripts};

/// Runs the program; the caller turns the result into an exit code.
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let timing = args.timing;
    match &args.command {
        Some(Command::Check) => return check::check(&args),
        Some(Command::Passwd { user, auth_file }) => return passwd(user, auth_file),
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
        None => {
            let options = crate::repl::Options {
                dot: korpu::render::dot::DotOptions {
                    english: args.lang == Language::En,
                    cluster_by_country: args.cluster_by == Some(ClusterBy::Country),
                    left_to_right: false,
                },
                // `--format` sets the shell's starting `:format` (DOT is for `:export`).
                format: match args.output_format() {
                    Format::Dot => None,
                    format => Some(format),
                },
            };
            Ok(crate::repl::run(session, options)?)
        }
        Some(Command::Query { text }) => {
            let script = Script {
                origin: "query".to_owned(),
                items: vec![ScriptItem::Statement {
                    span: korpu::query::span::Span::new(0, text.len()),
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
        Some(Command::Serve {
            http,
            bolt,
            open,
            allow_writes,
            auth_file,
            tls_cert,
            tls_key,
            insecure,
        }) => {
            let protection = crate::server::Protection {
                tls: tls_cert.is_some(),
                auth_file: auth_file.is_some(),
                insecure: *insecure,
            };
            crate::server::check_exposure(http.as_deref(), bolt.as_deref(), protection)?;
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(crate::server::tls::load(cert, key)?),
                _ => None,
            };
            if *allow_writes {
                keep_served_writes(&session)?;
            }
            let options = crate::server::ServeOptions {
                http: http.clone(),
                bolt: bolt.clone(),
                open: *open,
                allow_writes: *allow_writes,
                timeout: session.timeout,
                source_document: source_document(&args),
                import_dir: served_import_dir(&args, &session),
                tls: tls.clone(),
            };
            let users = match auth_file {
                Some(file) => crate::server::bolt::Users::from_file(file)?,
                None => crate::server::bolt::Users::anyone(),
            };
            let bolt_config = crate::server::bolt::BoltConfig {
                users,
                statement_timeout: args.timeout.map(Duration::from_secs_f64),
                import_dir: served_import_dir(&args, &session),
                allow_writes: *allow_writes,
                tls,
                ..crate::server::bolt::BoltConfig::default()
            };
            crate::server::serve(session.database().clone(), options, bolt_config)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check | Command::Export { .. } | Command::Passwd { .. }) => {
            unreachable!("handled above")
        }
    }
}

/// What the servers' clients may `LOAD CSV` from: only a folder named with
/// `--import-dir`, never the directory `korpu serve` happened to start in, since a
/// client of a server is not its operator.
fn served_import_dir(args: &Args, session: &Session) -> Option<Arc<ImportDir>> {
    args.import_dir.as_ref().and(session.import_dir.clone())
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
        (ExportFormat::Json, None) => korpu::export::to_json(view.graph()),
        (ExportFormat::Cypher, None | Some(Dialect::Neo4j)) => {
            korpu::export::to_cypher(view.graph())?
        }
        (ExportFormat::Cypher, Some(Dialect::Kuzu)) => {
            let script = korpu::export::to_kuzu(view.graph())?;
            for note in &script.notes {
                eprintln!("note: {}", terminal_safe(&note.to_string()));
            }
            script.text
        }
    };
    print_out(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The source document the graph's quotes point into: the bundled one, or `source.txt`
/// in the `--data` folder when it has one.
fn source_document(args: &Args) -> Option<String> {
    if args.empty {
        return None;
    }
    match &args.data {
        None => Some(korpu::bundled::SOURCE_DOCUMENT.to_owned()),
        Some(path) => std::fs::read_to_string(path.join("source.txt")).ok(),
    }
}

/// `korpu passwd USER --auth-file FILE`: reads a password from stdin and stores its
/// argon2 hash as USER's line, writing the file aside and renaming it into place.
fn passwd(user: &str, file: &Path) -> Result<ExitCode> {
    if user.is_empty() || user.contains(':') || user.contains(char::is_whitespace) {
        bail!("a user name must be non-empty, without `:` or spaces");
    }
    if io::stdin().is_terminal() {
        eprint!("password for {user} (shown as you type; pipe it in to keep it off the screen): ");
    }
    let mut password = String::new();
    io::stdin().read_line(&mut password).context("reading the password from stdin")?;
    let password = password.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        bail!("an empty password cannot be set");
    }
    let current = match std::fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) if error.kind() == io::ErrorKind::NotFound => String::new(),
        Err(error) => return Err(error).with_context(|| format!("reading {}", file.display())),
    };
    let hash = crate::server::bolt::hash_password(password).map_err(anyhow::Error::msg)?;
    let text = crate::server::bolt::with_user(&current, user, &hash);
    let aside = file.with_extension("korpu-new");
    {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out =
            options.open(&aside).with_context(|| format!("writing {}", aside.display()))?;
        out.write_all(text.as_bytes())?;
        out.sync_all()?;
    }
    std::fs::rename(&aside, file).with_context(|| format!("replacing {}", file.display()))?;
    eprintln!("set the password of {user} in {}", file.display());
    Ok(ExitCode::SUCCESS)
}

/// Makes a server's writes durable: on a data folder every commit goes to its
/// transaction log before it is acknowledged; elsewhere the user hears that writes last
/// only as long as the process.
fn keep_served_writes(session: &Session) -> Result<()> {
    let database = session.database();
    if database.has_data_folder() {
        database.log_commits().context("opening the transaction log")?;
    } else {
        eprintln!(
            "warning: --allow-writes on a graph with no data folder (the bundled graph, or --empty): changes are kept in memory only and lost when the server stops; serve a folder with --data DIR to keep them"
        );
    }
    Ok(())
}

/// Loads the graph the arguments ask for and applies parameters and limits.
pub(crate) fn open_session(args: &Args, timing: bool) -> Result<Session> {
    let started = Instant::now();
    let mut unsaved = 0;
    let (graph, data) = if args.empty {
        (Graph::default(), None)
    } else {
        let (loaded, data, recovered) = load_data(args)?;
        print_warnings(&loaded.warnings);
        unsaved = recovered;
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
    let database = Database::new(graph, data);
    database.add_unsaved(unsaved);
    let mut session = Session::new(database);
    session.timeout = args.timeout.map(Duration::from_secs_f64);
    session.import_dir = match &args.import_dir {
        Some(dir) => Some(Arc::new(
            ImportDir::new(dir)
                .with_context(|| format!("the import directory `{}`", dir.display()))?,
        )),
        // The current directory, as the help says; should it be unreadable, LOAD CSV
        // says it has no import directory.
        None => ImportDir::new(Path::new(".")).ok().map(Arc::new),
    };
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
            let value = value_from_json(&value).map_err(|error| {
                anyhow::anyhow!("{}: parameter `{name}`: {error}", file.display())
            })?;
            session.params.insert(name, value);
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
/// The graph the arguments name, its folder, and how many changes the folder's
/// transaction log added that its files do not hold yet.
fn load_data(args: &Args) -> Result<(Loaded, DataFolder, usize)> {
    let (data, files) = match &args.data {
        Some(path) => DataFolder::read(path).map_err(|error| anyhow::anyhow!("{error}"))?,
        None => DataFolder::bundled(),
    };
    let mut loaded = load_with_progress_bar(&files).map_err(|error| anyhow::anyhow!("{error}"))?;
    // Commits a server acknowledged and had not yet written into the files.
    let recovered =
        data.recover_log(&mut loaded.graph).map_err(|error| anyhow::anyhow!("{error}"))?;
    if recovered.commits > 0 {
        eprintln!(
            "recovered {} commit(s) from the transaction log ({} not yet in the data files; :save or a server's checkpoint writes them)",
            recovered.commits, recovered.changes
        );
    }
    Ok((loaded, data, recovered.changes))
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

fn find(session: &Session, args: &Args, text: &str, limit: usize) -> Result<ExitCode> {
    let view = session.view();
    let graph = view.graph();
    let hits = korpu::search::find(graph, text, limit);
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
                    korpu::graph::Value::Int(hit.score as i64),
                    korpu::graph::Value::from(graph.node_key(hit.node)),
                    korpu::graph::Value::List(
                        graph.node_labels(hit.node).map(korpu::graph::Value::from).collect(),
                    ),
                    graph.node_property_by_name(hit.node, "name").cloned().unwrap_or_default(),
                    korpu::graph::Value::from(format!("{}: {}", hit.field, hit.matched)),
                ]
            })
            .collect(),
        ..Default::default()
    };
    let text = match args.output_format() {
        Format::Json => format!("{}\n", json::result_json(&result, graph)),
        Format::Csv => csv::render_csv(&result, graph),
        Format::Table | Format::Dot => render_table(&result, graph, &TableStyle::default()),
    };
    print_out(&text)?;
    Ok(if hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Prints to stdout; a closed pipe (`korpu … | head`) is not an error.
pub(crate) fn print_out(text: &str) -> Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing to stdout"),
    }
}
