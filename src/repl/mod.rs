//! The interactive shell: reads statements (ending in `;`) and `:commands`, runs them on
//! the session, prints results.
//!
//! When stdin is not a terminal it reads statements from stdin without prompts or
//! colour, so `korpu < script.cypher` works.

use std::io::{self, BufRead, Write};
use std::process::ExitCode;

use anyhow::Result;

use crate::cli::{Args, print_out, render_error, stdin_is_terminal};
use crate::render::table::{TableStyle, render_table, summary_line};
use crate::script::is_complete;
use crate::session::{Outcome, Session};

/// Runs the shell until `:quit`, Ctrl-D or end of input.
pub fn run(mut session: Session, _args: &Args) -> Result<ExitCode> {
    if !stdin_is_terminal() {
        return run_piped(&mut session);
    }
    let mut editor = rustyline::DefaultEditor::new()?;
    println!(
        "Körpü {} — {} nodes, {} relationships. Statements end with `;`. Type :help for commands.",
        env!("CARGO_PKG_VERSION"),
        session.graph.node_count(),
        session.graph.edge_count()
    );
    let mut buffer = String::new();
    loop {
        let prompt = if buffer.is_empty() { "körpü> " } else { "   ...> " };
        match editor.readline(prompt) {
            Ok(line) => {
                if buffer.is_empty() && line.trim_start().starts_with(':') {
                    let _ = editor.add_history_entry(line.as_str());
                    if !meta_command(&mut session, line.trim())? {
                        break;
                    }
                    continue;
                }
                buffer.push_str(&line);
                buffer.push('\n');
                if is_complete(&buffer) {
                    let statement = std::mem::take(&mut buffer);
                    let _ = editor.add_history_entry(statement.trim_end());
                    execute(&mut session, statement.trim_end().trim_end_matches(';'));
                }
            }
            Err(rustyline::error::ReadlineError::Interrupted) => buffer.clear(),
            Err(rustyline::error::ReadlineError::Eof) => break,
            Err(error) => return Err(error.into()),
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run_piped(session: &mut Session) -> Result<ExitCode> {
    let mut buffer = String::new();
    let mut failed = false;
    for line in io::stdin().lock().lines() {
        let line = line?;
        if buffer.trim().is_empty() && line.trim_start().starts_with(':') {
            if !meta_command(session, line.trim())? {
                break;
            }
            continue;
        }
        buffer.push_str(&line);
        buffer.push('\n');
        if is_complete(&buffer) {
            let statement = std::mem::take(&mut buffer);
            failed |= !execute(session, statement.trim_end().trim_end_matches(';'));
        }
    }
    if !buffer.trim().is_empty() {
        failed |= !execute(session, buffer.trim_end());
    }
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Runs one statement and prints its outcome; false when it failed.
fn execute(session: &mut Session, text: &str) -> bool {
    let (outcome, times) = session.run(text);
    let elapsed = times.parse + times.plan + times.execute;
    match outcome {
        Ok(Outcome::Explained(plan)) => {
            let _ = print_out(&plan);
            true
        }
        Ok(Outcome::Rows(result)) => {
            let table = if result.columns.is_empty() { summary_line(&result) } else { render_table(&result, &session.graph, &TableStyle::default()) };
            let _ = print_out(&format!("{}({:.1} ms)\n", table, elapsed.as_secs_f64() * 1000.0));
            true
        }
        Ok(Outcome::Profiled(plan, result)) => {
            let _ = print_out(&format!("{plan}{}", render_table(&result, &session.graph, &TableStyle::default())));
            true
        }
        Err(error) => {
            eprint!("{}", render_error(&error, text, "query"));
            let _ = io::stderr().flush();
            false
        }
    }
}

/// Handles a `:command`; false means quit.
fn meta_command(session: &mut Session, line: &str) -> Result<bool> {
    let body = line.trim_start_matches(':');
    let (command, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    match command {
        "quit" | "exit" | "q" => return Ok(false),
        "help" => print_out(":help  :schema  :find TEXT  :param NAME VALUE  :params  :quit\nStatements end with `;`.\n")?,
        "find" => {
            let hits = crate::search::find(&session.graph, rest, 10);
            let mut text = String::new();
            for hit in hits {
                text.push_str(&format!("{:>3}  {:<40} {}\n", hit.score, session.graph.node_key(hit.node), hit.matched));
            }
            print_out(&text)?;
        }
        "param" => {
            let (name, value) = rest.trim().split_once(char::is_whitespace).unwrap_or((rest.trim(), ""));
            match crate::session::parse_literal(value) {
                Ok(value) => {
                    session.params.insert(name.trim_start_matches('$').to_owned(), value);
                }
                Err(error) => eprint!("{}", render_error(&error, value, "value")),
            }
        }
        "params" => {
            let mut text = String::new();
            for (name, value) in &session.params {
                text.push_str(&format!("${name} = {}\n", crate::render::value_text(value, &session.graph)));
            }
            print_out(&text)?;
        }
        "schema" => {
            let graph = &session.graph;
            let mut text = String::from("labels:\n");
            for (label, count) in graph.label_counts() {
                text.push_str(&format!("  {label} ({count})\n"));
            }
            text.push_str("relationship types:\n");
            for (rel_type, count) in graph.rel_type_counts() {
                text.push_str(&format!("  {rel_type} ({count})\n"));
            }
            print_out(&text)?;
        }
        other => eprintln!("unknown command `:{other}`; type :help"),
    }
    Ok(true)
}
