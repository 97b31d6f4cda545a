//! The `korpu` command line as scripts use it: the JSON contract, exit codes, script
//! errors with script line numbers, `--continue`, parameters and `--timing`.

use std::process::Output;

use crate::support::{korpu, korpu_stdin};

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

const BALTICS: &str = "MATCH (n:NGO)-[:PARTNERS_WITH]-(d:DiasporaGroup)-[:LOCATED_IN]->(:Country)-[:PART_OF]->(:Region {name_en: 'Baltics'}) RETURN DISTINCT n.name AS ngo ORDER BY ngo";

#[test]
fn the_baltics_question_names_the_national_ngo_forum() {
    let output = korpu(&["query", "--format", "json", BALTICS]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stdout(&output),
        "{\"columns\":[\"ngo\"],\"rows\":[[\"Milli Qeyri Hökumət Təşkilatları Forumu\"]]}\n"
    );
}

#[test]
fn the_baltics_question_runs_on_an_empty_graph() {
    let output = korpu(&["--empty", "query", "--format", "json", BALTICS]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["columns"], serde_json::json!(["ngo"]));
    assert_eq!(value["rows"], serde_json::json!([]));
    // An empty graph has no names at all: each one the question uses is reported, in order.
    let notifications = value["notifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 9);
    assert_eq!(notifications[0]["description"], "no label `NGO` in this graph");
    assert_eq!(
        notifications[1]["description"],
        "no relationship type `PARTNERS_WITH` in this graph"
    );
}

#[test]
fn nodes_relationships_and_paths_follow_the_json_contract() {
    let output = korpu(&[
        "--format",
        "json",
        "query",
        "MATCH p = (person:Person {name: 'Rauf Zeyni'})-[r:LEADS]->(o) RETURN person.name AS name, r.role AS role, size(nodes(p)) AS n, o, r, p",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["columns"], serde_json::json!(["name", "role", "n", "o", "r", "p"]));
    let row = &value["rows"][0];
    assert_eq!(row[0], "Rauf Zeyni");
    assert_eq!(row[1], "president");
    assert_eq!(row[2], 2);
    assert_eq!(row[3]["id"], "org-milli-qht-forumu");
    assert!(row[3]["labels"].as_array().unwrap().contains(&serde_json::json!("NGO")));
    assert_eq!(row[3]["properties"]["short_name"], "Milli QHT Forumu");
    assert_eq!(row[4]["type"], "LEADS");
    assert_eq!(row[4]["end"], "org-milli-qht-forumu");
    assert!(row[4]["id"].is_u64());
    assert_eq!(row[5]["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(row[5]["relationships"][0]["type"], "LEADS");
}

#[test]
fn a_query_error_is_a_json_object_on_stdout_and_a_snippet_on_stderr() {
    let output = korpu(&["--empty", "--format", "json", "query", "MATCH (n) RETURN m"]);
    assert_eq!(output.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"error": {"kind": "SyntaxError", "code": "UndefinedVariable", "phase": "compile time", "message": "variable `m` is not defined", "line": 1, "column": 18}})
    );
    assert_eq!(
        stderr(&output),
        "error[SyntaxError/UndefinedVariable]: variable `m` is not defined\n --> query:1:18\n  |\n1 | MATCH (n) RETURN m\n  |                  ^\n"
    );
}

const SCRIPT: &str = "// two good statements around a bad one\nRETURN 1 AS one;\n\nUNWIND ['x'] AS v RETURN\n  2 +\n  v * 3 AS bad;\nCREATE (:City {name: 'Gəncə'});\n";

#[test]
fn a_script_stops_at_the_first_error_with_script_line_numbers() {
    let output = korpu_stdin(&["--empty", "run", "-"], SCRIPT);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains(" --> <stdin>:6:3\n"), "{err}");
    assert!(err.contains("6 |   v * 3 AS bad;\n  |   ^^^^^"), "{err}");
    assert!(!stdout(&output).contains("node created"), "ran past the error: {}", stdout(&output));
}

#[test]
fn continue_prints_each_error_in_place_and_still_fails() {
    let output = korpu_stdin(&["--empty", "--format", "json", "run", "--continue", "-"], SCRIPT);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        stdout(&output).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0], serde_json::json!({"columns": ["one"], "rows": [[1]]}));
    assert_eq!(lines[1]["error"]["kind"], "TypeError");
    assert_eq!(lines[1]["error"]["phase"], "runtime");
    assert_eq!(lines[1]["error"]["line"], 6);
    assert_eq!(
        lines[2],
        serde_json::json!({"columns": [], "rows": [],
            "stats": {"nodes_created": 1, "labels_added": 1, "properties_set": 1}})
    );
}

#[test]
fn parameters_come_from_flags_files_and_scripts() {
    let output = korpu(&[
        "--empty",
        "--param",
        "city='Bakı'",
        "--param",
        "n=2",
        "query",
        "RETURN $city AS city, $n * 2 AS twice",
    ]);
    assert!(stdout(&output).contains("| Bakı |     4 |"), "{}{}", stdout(&output), stderr(&output));
    let dir = std::env::temp_dir().join(format!("korpu-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("params.json");
    std::fs::write(&file, r#"{"names": ["Əli", "Vəli"]}"#).unwrap();
    let output = korpu(&[
        "--empty",
        "--format",
        "csv",
        "--params",
        file.to_str().unwrap(),
        "query",
        "UNWIND $names AS name RETURN name",
    ]);
    assert_eq!(stdout(&output), "name\r\nƏli\r\nVəli\r\n");
    let script = ":param year 2010\nRETURN $year AS year;\n";
    let from_script = korpu_stdin(&["--empty", "--format", "csv", "run", "-"], script);
    assert_eq!(stdout(&from_script), "year\r\n2010\r\n");
    let overridden =
        korpu_stdin(&["--empty", "--format", "csv", "--param", "year=1999", "run", "-"], script);
    assert_eq!(stdout(&overridden), "year\r\n1999\r\n");
}

#[test]
fn values_printed_as_json_come_back_as_parameters() {
    // A date, a duration and NaN printed by `--format json` are typed objects; passed
    // back through `--params FILE` they are the same values again.
    let printed = korpu(&[
        "--empty",
        "--format",
        "json",
        "query",
        "RETURN date('1918-05-28') AS day, duration('P1Y2M') AS span, 0.0 / 0.0 AS nan, {city: 'Şuşa'} AS map",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&printed)).unwrap();
    let columns = json["columns"].as_array().unwrap();
    let values = json["rows"][0].as_array().unwrap();
    let row: serde_json::Map<String, serde_json::Value> = columns
        .iter()
        .zip(values)
        .map(|(name, value)| (name.as_str().unwrap().to_owned(), value.clone()))
        .collect();
    assert_eq!(row["day"]["$type"], "Date", "{json}");
    let dir = std::env::temp_dir().join(format!("korpu-typed-params-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("params.json");
    std::fs::write(&file, serde_json::Value::Object(row).to_string()).unwrap();
    let output = korpu(&[
        "--empty",
        "--format",
        "csv",
        "--params",
        file.to_str().unwrap(),
        "query",
        "RETURN $day = date('1918-05-28') AS same_day, $day.year AS year, $span = duration('P1Y2M') AS same_span, $nan <> $nan AS nan, $map.city AS city",
    ]);
    assert_eq!(
        stdout(&output),
        "same_day,year,same_span,nan,city\r\ntrue,1918,true,true,Şuşa\r\n",
        "{}",
        stderr(&output)
    );
    std::fs::write(&file, r#"{"day": {"$type": "Date", "_value": "not a date"}}"#).unwrap();
    let output = korpu(&["--empty", "--params", file.to_str().unwrap(), "query", "RETURN $day"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("parameter `day`"), "{}", stderr(&output));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_bad_param_value_is_a_clear_error() {
    let output = korpu(&["--empty", "--param", "x=[1,", "query", "RETURN $x"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--param x:"), "{}", stderr(&output));
}

#[test]
fn timing_lines_have_the_documented_shape() {
    let output = korpu_stdin(
        &["--empty", "--timing", "--format", "json", "run", "-"],
        "UNWIND range(1, 42) AS x RETURN x;\nRETURN 1;\n",
    );
    let err = stderr(&output);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with("timing load_ms=") && lines[0].ends_with(" nodes=0 edges=0"),
        "{err}"
    );
    let shape = |line: &str, statement: usize, rows: usize| {
        let fields: Vec<&str> = line.split(' ').collect();
        assert_eq!(fields[0], "timing");
        assert_eq!(fields[1], format!("stmt={statement}"));
        for (field, key) in fields[2..5].iter().zip(["parse_ms", "plan_ms", "exec_ms"]) {
            let (name, value) = field.split_once('=').unwrap();
            assert_eq!(name, key);
            assert!(
                value.parse::<f64>().is_ok() && value.split_once('.').unwrap().1.len() == 3,
                "{line}"
            );
        }
        assert_eq!(fields[5], format!("rows={rows}"));
    };
    shape(lines[1], 1, 42);
    shape(lines[2], 2, 1);
}

#[test]
fn piped_stdin_runs_statements_without_prompts() {
    let output = korpu_stdin(&["--empty"], "RETURN 'a' AS x;\nRETURN\n 2 AS y;\n");
    let out = stdout(&output);
    assert!(out.contains("| a |") && out.contains("| 2 |") && !out.contains("körpü>"), "{out}");
    // --format sets the shell's output format too: one JSON object per statement.
    let json = korpu_stdin(&["--empty", "--format", "json"], "RETURN 'a' AS x;\nRETURN 2 AS y;\n");
    assert_eq!(
        stdout(&json),
        "{\"columns\":[\"x\"],\"rows\":[[\"a\"]]}\n{\"columns\":[\"y\"],\"rows\":[[2]]}\n"
    );
}

#[test]
fn find_is_ascii_and_typo_tolerant() {
    let output = korpu(&["find", "--format", "json", "ilham", "ismayilov"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["rows"][0][1], "person-ilham-ismayilov");
    let output = korpu(&["find", "--format", "json", "Zaur Aliyev"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(value["rows"][0][3], "Zaur Əliyev");
}

#[test]
fn run_takes_several_scripts_each_with_its_own_parameters() {
    let dir = std::env::temp_dir().join(format!("korpu-scripts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("first.cypher");
    let second = dir.join("second.cypher");
    std::fs::write(&first, ":param who 'Əli'\nRETURN $who AS who;\n").unwrap();
    std::fs::write(&second, "RETURN $who AS again;\n").unwrap();
    let output = korpu(&[
        "--empty",
        "--format",
        "csv",
        "run",
        first.to_str().unwrap(),
        second.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&output), "who\r\nƏli\r\n");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("second.cypher:1:8")
            && stderr(&output).contains("ParameterMissing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn every_saved_question_runs_in_one_command() {
    let mut scripts: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "cypher"))
            .map(|path| path.to_string_lossy().into_owned())
            .collect();
    scripts.sort();
    let mut args = vec!["run"];
    args.extend(scripts.iter().map(String::as_str));
    let output = korpu(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).matches(" row").count() >= scripts.len(), "{}", stdout(&output));
}

#[test]
fn timeout_stops_a_runaway_query_with_a_clear_error() {
    let script = "UNWIND range(1, 2000) AS i CREATE (:N {i: i});\nMATCH (a:N), (b:N), (c:N), (d:N) RETURN count(*) AS rows;\n";
    let output =
        korpu_stdin(&["--empty", "--timeout", "0.5", "--format", "json", "run", "-"], script);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        stdout(&output).lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines[1]["error"]["code"], "Timeout", "{lines:?}");
    assert!(stderr(&output).contains("ran past its time limit"), "{}", stderr(&output));
}

#[test]
fn a_reader_closing_the_pipe_early_is_not_an_error() {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_korpu"))
        .args(["--empty", "query", "UNWIND range(1, 200000) AS x RETURN x"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut start = [0u8; 64];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    // Dropping our end of stdout closes the pipe, as `| head` does.
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(output.stderr.is_empty(), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn serving_beyond_loopback_needs_protection_or_insecure() {
    for (args, says) in [
        (vec!["--empty", "serve", "--bolt", "0.0.0.0:0"], "without both --tls-cert"),
        (vec!["--empty", "serve", "--http", "0.0.0.0:0"], "without TLS"),
    ] {
        let output = korpu(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(says), "{}", stderr(&output));
        assert!(stderr(&output).contains("--insecure"), "{}", stderr(&output));
    }
    let output = korpu(&["--empty", "serve", "--bolt", "nowhere"]);
    assert!(stderr(&output).contains("not an address"), "{}", stderr(&output));
}

#[test]
fn byte_arrays_print_as_hex_and_travel_as_base64() {
    let dir = std::env::temp_dir().join(format!("korpu-bytes-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("params.json");
    // "Körpü" in UTF-8, as Neo4j's Query API writes a byte array.
    std::fs::write(&file, r#"{"b": {"$type": "Base64", "_value": "S8O2cnDDvA=="}}"#).unwrap();
    let params = file.to_str().unwrap();
    let table = korpu(&["--empty", "--params", params, "query", "RETURN $b AS b"]);
    assert!(stdout(&table).contains("0x4bc3b67270c3bc"), "{}", stdout(&table));
    let json =
        korpu(&["--empty", "--format", "json", "--params", params, "query", "RETURN $b AS b"]);
    assert!(
        stdout(&json).contains(r#"{"$type":"Base64","_value":"S8O2cnDDvA=="}"#),
        "{}",
        stdout(&json)
    );
    std::fs::write(&file, r#"{"b": {"$type": "Base64", "_value": "not base64!"}}"#).unwrap();
    let bad = korpu(&["--empty", "--params", params, "query", "RETURN $b"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("is not base64"), "{}", stderr(&bad));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scripts_pasted_from_neo4j_browser_run_as_written() {
    // `:param` in each of Neo4j Browser's spellings, a map over several lines, and
    // `:auto` before a statement: the statement runs whole (three nodes, not one).
    let script = ":param a => 1\n:param b: 'iki'\n:param {c: 3,\n  d: [4,\n      5]}\n:auto UNWIND range(1, 3) AS i\nCREATE (:T {i: i});\nMATCH (t:T) RETURN $a AS a, $b AS b, $c AS c, size($d) AS d, count(t) AS n;\n";
    let output = korpu_stdin(&["--empty", "--format", "csv", "run", "-"], script);
    assert!(output.status.success(), "{}", stderr(&output));
    // The CREATE prints an empty CSV (no columns), then the answer.
    assert!(stdout(&output).ends_with("a,b,c,d,n\r\n1,iki,3,2,3\r\n"), "{}", stdout(&output));
    let bad = korpu_stdin(&["--empty", "run", "-"], ":param {c: 3\n");
    assert_eq!(bad.status.code(), Some(1));
}
