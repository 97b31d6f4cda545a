//! `CALL` and what else issue 10 added beside it: the built-in procedures through the
//! command line, procedures a client registers, their errors, notifications about names
//! the graph lacks, and typed values in the JSON output.

use std::sync::Arc;

use korpu::graph::{Graph, Value};
use korpu::query::error::{ErrorCode, ErrorKind, Phase, QueryError};
use korpu::query::procedures::{Procedure, Procedures};
use korpu::query::{Control, Params, QueryResult};

use crate::support::korpu;

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let output = korpu(args);
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn run(graph: &mut Graph, control: &Control, text: &str) -> Result<QueryResult, QueryError> {
    korpu::query::run(graph, text, &Params::new(), control)
}

#[test]
fn db_labels_lists_the_bundled_labels() {
    let value = json(&["query", "--format", "json", "CALL db.labels()"]);
    assert_eq!(value["columns"], serde_json::json!(["label"]));
    let labels: Vec<&str> =
        value["rows"].as_array().unwrap().iter().map(|row| row[0].as_str().unwrap()).collect();
    for expected in ["NGO", "Person", "Country"] {
        assert!(labels.contains(&expected), "{labels:?}");
    }
}

#[test]
fn built_in_procedures_yield_into_queries() {
    let value = json(&[
        "query",
        "--format",
        "json",
        "CALL korpu.find('ilham ismayilov') YIELD node, score WHERE score = 100 RETURN node.name AS name LIMIT 1",
    ]);
    assert_eq!(value["rows"][0][0], "İlham İsmayılov");
    let value = json(&[
        "query",
        "--format",
        "json",
        "CALL dbms.components() YIELD name, edition RETURN name, edition",
    ]);
    assert_eq!(value["rows"][0][0], "Körpü");
    let value = json(&[
        "query",
        "--format",
        "json",
        "CALL db.relationshipTypes() YIELD relationshipType AS type WITH collect(type) AS types RETURN 'LEADS' IN types AS has",
    ]);
    assert_eq!(value["rows"][0][0], true);
}

#[test]
fn explain_shows_the_procedure_call() {
    let output =
        korpu(&["query", "EXPLAIN MATCH (n:Person) CALL db.labels() YIELD label RETURN n, label"]);
    assert!(
        stdout(&output).contains("ProcedureCall db.labels() YIELD label AS label"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_registered_procedure_is_called_with_checked_arguments() {
    let mut procedures = Procedures::default();
    procedures.register(
        Procedure::new("my.double(x :: INTEGER) :: (doubled :: INTEGER)", |args, _| {
            let Value::Int(x) = args[0] else { return Err("not an integer".into()) };
            Ok(vec![vec![Value::Int(x * 2)]])
        })
        .unwrap(),
    );
    let control = Control { procedures: Arc::new(procedures), ..Control::default() };
    let mut graph = Graph::default();
    let result = run(
        &mut graph,
        &control,
        "UNWIND [1, 2] AS x CALL my.double(x) YIELD doubled RETURN doubled",
    )
    .unwrap();
    assert_eq!(
        result
            .rows
            .iter()
            .map(|row| row[0].clone())
            .map(|value| format!("{value:?}"))
            .collect::<Vec<_>>(),
        ["Int(2)", "Int(4)"]
    );
    let error = run(
        &mut graph,
        &control,
        "UNWIND ['two'] AS x CALL my.double(x) YIELD doubled RETURN doubled",
    )
    .unwrap_err();
    assert_eq!(
        (error.kind(), error.code(), error.phase()),
        (ErrorKind::TypeError, ErrorCode::InvalidArgumentType, Phase::Runtime)
    );
    let error = run(&mut graph, &control, "CALL my.double(null)").unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidArgumentType, "INTEGER without `?` refuses null");
}

#[test]
fn call_errors_come_before_running() {
    let mut graph = Graph::default();
    let control = Control::default();
    let cases = [
        ("CALL db.nothing()", ErrorKind::ProcedureError, ErrorCode::ProcedureNotFound),
        ("CALL db.labels(1)", ErrorKind::SyntaxError, ErrorCode::InvalidNumberOfArguments),
        (
            "CALL db.labels() YIELD nothing RETURN nothing",
            ErrorKind::SyntaxError,
            ErrorCode::UndefinedVariable,
        ),
        (
            "MATCH (n) CALL db.labels() YIELD * RETURN label",
            ErrorKind::SyntaxError,
            ErrorCode::UnexpectedSyntax,
        ),
        (
            "MATCH (n) CALL korpu.find RETURN n",
            ErrorKind::SyntaxError,
            ErrorCode::InvalidArgumentPassingMode,
        ),
        ("CALL korpu.find", ErrorKind::ParameterMissing, ErrorCode::MissingParameter),
        ("CALL korpu.find(1)", ErrorKind::SyntaxError, ErrorCode::InvalidArgumentType),
    ];
    for (text, kind, code) in cases {
        let error = run(&mut graph, &control, text).unwrap_err();
        assert_eq!(
            (error.kind(), error.code(), error.phase()),
            (kind, code, Phase::CompileTime),
            "{text}"
        );
    }
}

#[test]
fn an_unknown_label_runs_and_warns_with_the_nearest_name() {
    let output = korpu(&["query", "MATCH (n:Organisation) RETURN n"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "warning: no label `Organisation` in this graph; did you mean `Organization`?"
        ),
        "{}",
        stderr(&output)
    );
    let value =
        json(&["query", "--format", "json", "MATCH (n:Person) WHERE n.nmae = 'x' RETURN n"]);
    let notification = &value["notifications"][0];
    assert_eq!(notification["code"], "Neo.ClientNotification.Statement.UnknownPropertyKeyWarning");
    assert!(notification["description"].as_str().unwrap().contains("did you mean `name`?"));
    assert_eq!(notification["position"], serde_json::json!({"line": 1, "column": 26}));
}

#[test]
fn names_a_write_creates_are_not_warned_about() {
    let mut graph = Graph::default();
    let result = run(
        &mut graph,
        &Control::default(),
        "CREATE (a:Planet {moons: 2}) WITH a MATCH (p:Planet)-[:ORBITS]->(s) SET p.seen = true RETURN p.moons, p.seen",
    )
    .unwrap();
    let described: Vec<&str> =
        result.notifications.iter().map(|note| note.description.as_str()).collect();
    assert_eq!(described, ["no relationship type `ORBITS` in this graph"]);
}

#[test]
fn json_types_what_json_cannot_hold_plainly() {
    let value = json(&["query", "--format", "json", "RETURN date('2010-09-15') AS d"]);
    assert_eq!(value["rows"][0][0], serde_json::json!({"$type": "Date", "_value": "2010-09-15"}));
    let value = json(&[
        "--empty",
        "query",
        "--format",
        "json",
        "RETURN 0.0 / 0.0 AS nan, -1.0 / 0.0 AS low, duration('P1DT2H') AS d, localtime('12:00') AS t, [datetime('2020-01-01T00:00Z')] AS l, 1.5 AS f, 'P1D' AS s",
    ]);
    assert_eq!(
        value["rows"][0],
        serde_json::json!([
            {"$type": "Float", "_value": "NaN"},
            {"$type": "Float", "_value": "-Infinity"},
            {"$type": "Duration", "_value": "P1DT2H"},
            {"$type": "LocalTime", "_value": "12:00"},
            [{"$type": "DateTime", "_value": "2020-01-01T00:00Z"}],
            1.5,
            "P1D",
        ])
    );
}
