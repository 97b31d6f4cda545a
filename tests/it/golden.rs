//! Golden tests: parser printing, rendered diagnostics, EXPLAIN plans and query
//! results, each kept as data in `tests/data/golden/*.test`.
//!
//! A file is a list of records separated by blank lines:
//!
//! ```text
//! kind            (parse | error | explain | query)
//! query text      (one or more lines)
//! ----
//! expected output (up to the next blank line)
//! ```
//!
//! One `check` runs each kind. `UPDATE_EXPECT=1 cargo test --test it golden` rewrites
//! the expected blocks from the current output; review the diff before committing.

use std::path::{Path, PathBuf};

use korpu::diagnostic;
use korpu::graph::Graph;
use korpu::query::syntax::parse;
use korpu::query::{Control, Params};
use korpu::render::table::{TableStyle, render_table, summary_line};
use korpu::session::Session;

struct Record {
    kind: String,
    query: String,
    expected: String,
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/golden")
}

/// Splits a golden file into its records (comments and blank lines between them dropped).
fn read_records(text: &str) -> Vec<Record> {
    let mut records = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let kind = line.trim().to_owned();
        let mut query = Vec::new();
        for line in lines.by_ref() {
            if line == "----" {
                break;
            }
            query.push(line);
        }
        let mut expected = Vec::new();
        while let Some(line) = lines.peek() {
            if line.is_empty() {
                break;
            }
            expected.push(*line);
            lines.next();
        }
        records.push(Record { kind, query: query.join("\n"), expected: expected.join("\n") });
    }
    records
}

fn write_records(path: &Path, original: &str, records: &[Record]) {
    let header: Vec<&str> = original
        .lines()
        .take_while(|line| line.starts_with('#') || line.trim().is_empty())
        .collect();
    let mut text = header.join("\n").trim_end().to_owned();
    text.push('\n');
    for record in records {
        text.push_str(&format!("\n{}\n{}\n----\n", record.kind, record.query));
        if !record.expected.is_empty() {
            text.push_str(&record.expected);
            text.push('\n');
        }
    }
    std::fs::write(path, text).unwrap();
}

fn bundled() -> Graph {
    korpu::bundled::load().expect("the bundled graph loads").graph
}

/// What a record's query produces, as text.
fn actual_output(kind: &str, query: &str) -> String {
    let output = match kind {
        "parse" => match parse(query) {
            Ok(statement) => statement.to_string(),
            Err(error) => format!("parse error: {}", error.message),
        },
        "error" => {
            let mut session = Session::over(bundled());
            match session.run(query).into_outcome() {
                Ok(_) => "no error".to_owned(),
                Err(error) => diagnostic::render(&error, query, "query"),
            }
        }
        "explain" => {
            let session = Session::over(bundled());
            match session.prepare(query) {
                Ok(prepared) => prepared.plan().to_string(),
                Err(error) => diagnostic::render(&error, query, "query"),
            }
        }
        "query" => {
            let mut graph = bundled();
            match korpu::query::run(&mut graph, query, &Params::new(), &Control::default()) {
                Ok(result) if result.columns.is_empty() => summary_line(&result),
                Ok(result) => render_table(
                    &result,
                    &graph,
                    &TableStyle { max_column_width: 80, max_rows: None },
                ),
                Err(error) => diagnostic::render(&error, query, "query"),
            }
        }
        other => panic!("unknown golden record kind `{other}`"),
    };
    // Blank lines end a record; none of the outputs has one, but make sure.
    output
        .trim_end()
        .lines()
        .map(|line| if line.trim().is_empty() { "." } else { line })
        .collect::<Vec<_>>()
        .join("\n")
}

#[track_caller]
fn check(file: &str) {
    let path = golden_dir().join(file);
    let original = std::fs::read_to_string(&path).unwrap();
    let mut records = read_records(&original);
    assert!(!records.is_empty(), "{file} has no records");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for record in &mut records {
        let actual = actual_output(&record.kind, &record.query);
        if actual != record.expected {
            if update {
                record.expected = actual;
            } else {
                failures.push(format!(
                    "{file}: {} `{}`\n--- expected\n{}\n--- actual\n{}\n",
                    record.kind, record.query, record.expected, actual
                ));
            }
        }
    }
    if update {
        write_records(&path, &original, &records);
    }
    assert!(
        failures.is_empty(),
        "{} golden mismatch(es) (UPDATE_EXPECT=1 to accept):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn parser_prints_canonical_cypher() {
    check("parse.test");
}

#[test]
fn errors_render_with_carets() {
    check("errors.test");
}

#[test]
fn explain_shows_the_plan() {
    check("explain.test");
}

#[test]
fn queries_answer_from_the_bundled_graph() {
    check("results.test");
}

#[test]
fn golden_files_round_trip_through_the_reader() {
    let text = "# head\n\nparse\nRETURN 1\n----\nRETURN 1\n\nerror\nRETURN\n  x\n----\nline one\nline two\n";
    let records = read_records(text);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1].query, "RETURN\n  x");
    assert_eq!(records[1].expected, "line one\nline two");
}
