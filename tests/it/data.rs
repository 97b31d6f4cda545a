//! The bundled graph and the loader: provenance of every fact, the bundled file list,
//! precise errors for broken data files, and the loader's limits, among them a
//! relationship type of 100,000 characters followed through `check`, `:schema` and DOT.

use std::path::{Path, PathBuf};
use std::process::Command;

use korpu::graph::{Graph, Value};
use korpu::load::{MAX_FILE_BYTES, MAX_NAME_CHARS};
use korpu::render::dot::{MAX_CAPTION_BYTES, MAX_QUOTED_BYTES};

use crate::support::{Scratch, graphviz, korpu, korpu_stdin, run_dot};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bundled() -> Graph {
    let loaded = korpu::bundled::load()
        .unwrap_or_else(|error| panic!("bundled graph does not load:\n{error}"));
    assert!(loaded.warnings.is_empty(), "bundled graph has warnings: {:?}", loaded.warnings);
    loaded.graph
}

#[test]
fn every_graph_data_file_is_bundled() {
    let mut on_disk: Vec<String> = std::fs::read_dir(manifest_dir().join("graph-data"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .map(|name| format!("graph-data/{name}"))
        .collect();
    on_disk.sort();
    let bundled: Vec<String> =
        korpu::bundled::FILES.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(bundled, on_disk, "src/bundled.rs must list every graph-data/*.json file");
}

#[test]
fn the_six_profiled_organizations_and_their_leaders_are_there() {
    let graph = bundled();
    let profiled = [
        "org-milli-qht-forumu",
        "org-asaif",
        "org-diaspor-ve-lobbi-merkezi",
        "org-atxem",
        "org-beynelxalq-diaspora-merkezi",
        "org-haqq-ve-edalet-ugrunda-herekat",
    ];
    let ngo = graph.label_symbol("NGO").unwrap();
    for id in profiled {
        let node = graph.node_by_key(id).unwrap_or_else(|| panic!("missing {id}"));
        assert!(graph.has_label(node, ngo), "{id} is not an NGO");
        assert!(
            matches!(graph.node_property_by_name(node, "profiled"), Some(Value::Bool(true))),
            "{id}"
        );
    }
    for (person, organization) in [
        ("Rauf Zeyni", "org-milli-qht-forumu"),
        ("Zaur Əliyev", "org-diaspor-ve-lobbi-merkezi"),
        ("İlham İsmayılov", "org-atxem"),
    ] {
        let person_node = graph
            .nodes_named(person)
            .first()
            .copied()
            .unwrap_or_else(|| panic!("missing {person}"));
        let leads = graph.rel_type_symbol("LEADS").unwrap();
        let led: Vec<&str> = graph
            .neighbors(person_node, korpu::graph::Dir::Outgoing, Some(&[leads]))
            .map(|neighbor| graph.node_key(neighbor.node))
            .collect();
        assert!(led.contains(&organization), "{person} should lead {organization}, leads {led:?}");
    }
}

/// The source document's paragraphs (non-empty lines), as kept in `graph-data/source.txt`.
fn source_paragraphs() -> Vec<String> {
    let text = std::fs::read_to_string(manifest_dir().join("graph-data/source.txt"))
        .expect("graph-data/source.txt holds the document the quotes point into");
    text.lines().filter(|line| !line.trim().is_empty()).map(str::to_owned).collect()
}

/// The copy in `graph-data/` is the seed document the project was given, byte for byte.
#[test]
fn the_source_document_is_the_seed() {
    let seeds = manifest_dir().join("../shared/seeds");
    let Ok(entries) = std::fs::read_dir(&seeds) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have {}", seeds.display());
        return;
    };
    let seed = entries
        .filter_map(Result::ok)
        .find(|entry| entry.path().extension().is_some_and(|ext| ext == "txt"))
        .expect("a .txt seed document");
    assert_eq!(
        std::fs::read(seed.path()).unwrap(),
        std::fs::read(manifest_dir().join("graph-data/source.txt")).unwrap(),
        "graph-data/source.txt differs from the seed document"
    );
}

fn check_provenance(
    what: &str,
    properties: Vec<(&str, &Value)>,
    paragraphs: &[String],
    problems: &mut Vec<String>,
) {
    let get = |key: &str| properties.iter().find(|(name, _)| *name == key).map(|(_, value)| *value);
    match get("source") {
        Some(Value::String(source)) if &**source == "general" => {
            if get("quote").is_some() {
                problems.push(format!("{what}: a `general` fact has a quote"));
            }
        }
        Some(Value::Int(paragraph)) => {
            let Some(Value::String(quote)) = get("quote") else {
                problems.push(format!("{what}: source {paragraph} without a quote"));
                return;
            };
            match paragraphs.get((*paragraph as usize).wrapping_sub(1)) {
                Some(text) if text.contains(&**quote) => {}
                Some(_) => problems.push(format!(
                    "{what}: quote not found verbatim in paragraph {paragraph}: {quote:?}"
                )),
                None => problems.push(format!("{what}: paragraph {paragraph} does not exist")),
            }
        }
        other => problems.push(format!(
            "{what}: `source` must be a paragraph number or \"general\", found {other:?}"
        )),
    }
}

#[test]
fn every_fact_has_provenance_and_quotes_are_verbatim() {
    let graph = bundled();
    let paragraphs = source_paragraphs();
    let mut problems = Vec::new();
    for node in graph.nodes() {
        check_provenance(
            &format!("node {}", graph.node_key(node)),
            graph.node_properties(node).collect(),
            &paragraphs,
            &mut problems,
        );
    }
    for edge in graph.edges() {
        let (start, end) = graph.edge_endpoints(edge);
        let what = format!(
            "edge {}-[{}]->{}",
            graph.node_key(start),
            graph.edge_type(edge),
            graph.node_key(end)
        );
        check_provenance(&what, graph.edge_properties(edge).collect(), &paragraphs, &mut problems);
    }
    assert!(
        problems.is_empty(),
        "{} provenance problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn label_and_name_indexes_match_a_full_scan() {
    let graph = bundled();
    for (label, count) in graph.label_counts() {
        let symbol = graph.label_symbol(label).unwrap();
        let scanned = graph.nodes().filter(|node| graph.has_label(*node, symbol)).count();
        assert_eq!(scanned, count, "label {label}");
    }
    for node in graph.nodes() {
        if let Some(Value::String(name)) = graph.node_property_by_name(node, "name") {
            assert!(graph.nodes_named(name).contains(&node), "name index misses {name}");
        }
    }
}

fn check_broken(file: &str) -> (i32, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken").join(file);
    let output = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .arg("check")
        .arg("--data")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap().replace(&*path.to_string_lossy(), file);
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn broken_data_files_get_precise_errors() {
    let cases = [
        (
            "malformed.json",
            "malformed.json:4:40: error: malformed JSON: expected `,` or `}`\n1 error in the data; nothing was loaded\n",
        ),
        (
            "duplicate_id.json",
            "duplicate_id.json:4:12: error: `baki`: duplicate node id (first defined at duplicate_id.json:3:12)\n1 error in the data; nothing was loaded\n",
        ),
        (
            "dangling_edge.json",
            "dangling_edge.json:6:28: error: `baki->azerbaycan`: `to` names unknown node id `azerbaycan`\n1 error in the data; nothing was loaded\n",
        ),
        (
            "wrong_type.json",
            "wrong_type.json:3:30: error: `baki`: `labels` must be a list of strings, found a string\n\
             wrong_type.json:4:64: error: `gence`: property `name`: expected a string, number, boolean, list or typed value (`{\"$type\": \"Date\", \"_value\": \"2024-05-01\"}`), found an object\n\
             wrong_type.json:5:69: error: `seki`: property `population`: the number 9223372036854775808 does not fit a 64-bit integer\n\
             3 errors in the data; nothing was loaded\n",
        ),
    ];
    for (file, expected) in cases {
        let (code, stderr) = check_broken(file);
        assert_eq!(code, 1, "{file} should fail the check");
        assert_eq!(stderr, expected, "{file}");
    }
}

#[test]
fn a_missing_data_path_says_what_it_looked_for() {
    let output = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .args(["--data", "no/such/graph.json", "query", "RETURN 1"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("no/such/graph.json")
            && stderr.contains("looked for a JSON file or a folder"),
        "{stderr}"
    );
}

#[test]
fn check_prints_counts_and_passes_on_the_bundled_data() {
    let output = Command::new(env!("CARGO_BIN_EXE_korpu")).arg("check").output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success(), "{stdout}");
    assert!(
        stdout.contains("Organization")
            && stdout.contains("PARTNERS_WITH")
            && stdout.contains("the data is clean"),
        "{stdout}"
    );
}

#[test]
fn labels_outside_the_vocabulary_are_warnings_that_make_check_fail() {
    let dir = std::env::temp_dir().join(format!("korpu-vocabulary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("schema.json"),
        r#"{"labels": ["City"], "relationship_types": ["PART_OF"]}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("data.json"),
        "{\"nodes\": [\n  {\"id\": \"baki\", \"labels\": [\"City\", \"Capital\"]},\n  {\"id\": \"x\", \"labels\": [\"Capital\"]},\n  {\"id\": \"y\", \"labels\": [\"Capital\"]}\n], \"edges\": []}\n",
    )
    .unwrap();
    let check = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .arg("check")
        .arg("--data")
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8(check.stderr).unwrap();
    assert_eq!(check.status.code(), Some(1));
    // One warning per unknown name, at its first use, counting the others.
    assert!(stderr.contains("data.json:2:28: warning: `baki`: label `Capital` is not in the vocabulary of schema.json (2 more use it)"), "{stderr}");
    assert_eq!(stderr.matches("label `Capital`").count(), 1, "{stderr}");
    // The graph still loads for queries; the warning is printed.
    let query = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .arg("--data")
        .arg(&dir)
        .args(["--format", "csv", "query", "MATCH (c:Capital) RETURN c.id IS NULL AS loaded"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8(query.stdout).unwrap(), "loaded\r\ntrue\r\ntrue\r\ntrue\r\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Stdout and stderr of a run that must not have panicked.
#[track_caller]
fn without_panic(output: &std::process::Output) -> (String, String) {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_ne!(output.status.code(), Some(101), "korpu panicked:\n{stderr}");
    assert!(!stderr.contains("panicked"), "korpu panicked:\n{stderr}");
    (stdout, stderr)
}

/// The issue's case: `korpu check` and `:schema` panicked on a relationship type over
/// 65,535 characters, and Graphviz refused the DOT of one over 16,384 bytes.
#[test]
fn a_relationship_type_of_100000_characters_is_refused_clearly_and_drawn_validly() {
    let scratch = Scratch::new("data", "long-type");
    let long = "T".repeat(100_000);
    scratch.write(
        "data.json",
        &format!(
            "{{\"nodes\": [{{\"id\": \"a\"}}, {{\"id\": \"b\"}}],\n \"edges\": [\n  {{\"from\": \"a\", \"to\": \"b\", \"type\": \"{long}\"}}\n]}}\n"
        ),
    );
    let folder = scratch.path().to_str().unwrap();
    let file = scratch.path().join("data.json").display().to_string();
    let expected = format!(
        "{file}:3:36: error: `a->b`: relationship type `{}…` has 100000 characters; names have at most {MAX_NAME_CHARS} (graph-data/README.md, Limits)\n1 error in the data; nothing was loaded\n",
        "T".repeat(64)
    );

    // The loader refuses it, so `check` and the shell say so, in the usual form.
    let check = korpu(&["--data", folder, "check"]);
    let (stdout, stderr) = without_panic(&check);
    assert_eq!((check.status.code(), stdout.as_str()), (Some(1), ""));
    assert_eq!(stderr, expected);
    let shell = korpu_stdin(&["--data", folder], ":schema\n");
    let (_, stderr) = without_panic(&shell);
    assert_eq!(shell.status.code(), Some(1));
    assert_eq!(stderr, format!("error: {expected}"));

    // A query can still create such a type: `:schema` reports it whole, on its own wide
    // line, and the rest of the report keeps its columns.
    let create = format!(
        "CREATE (:City {{name: 'Bakı'}})-[:`{long}`]->(:Country {{name: 'Azərbaycan'}});\n"
    );
    let shell = korpu_stdin(&["--empty"], &format!("{create}:schema\n"));
    let (stdout, _) = without_panic(&shell);
    assert!(shell.status.success(), "{stdout}");
    assert!(
        stdout.contains(&format!("  {long}      1  (:City)-[:{long}]->(:Country)\n")),
        "{}",
        &stdout[..300]
    );
    assert!(stdout.contains("  City              1\n"), "{}", &stdout[..300]);

    // Its DOT goes through Graphviz: the edge's caption cut with `…`, the tooltip holding
    // as much of the type as Graphviz takes and saying how long it is.
    if !graphviz("a_relationship_type_of_100000_characters_is_refused_clearly_and_drawn_validly") {
        return;
    }
    let dot = korpu_stdin(
        &["--empty", "--format", "dot", "run", "-"],
        &format!("{create}MATCH (a)-[r]->(b) RETURN a, r, b;\n"),
    );
    let (dot, stderr) = without_panic(&dot);
    assert!(stderr.is_empty(), "{stderr}");
    let edge = dot.lines().find(|line| line.contains(" -> ")).unwrap();
    let label = edge.split("label=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(label.len() <= MAX_CAPTION_BYTES && label.ends_with("T…"), "{}", &edge[..100]);
    let tooltip = edge.split("tooltip=\"").nth(1).unwrap().split('"').next().unwrap();
    assert!(tooltip.len() <= MAX_QUOTED_BYTES, "{}", tooltip.len());
    assert!(tooltip.ends_with("T… (shortened to fit Graphviz: 100000 characters in all)"));
    let svg = String::from_utf8(run_dot(&dot, "svg")).unwrap();
    assert!(svg.contains("</svg>") && svg.contains("TTTT…"), "{}", &svg[..200]);
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_where_it_stops_being_utf8() {
    let scratch = Scratch::new("data", "not-utf8");
    let mut bytes = b"{\"nodes\": [\n  {\"id\": \"\xC5\x9F\xC9\x99ki".to_vec();
    bytes.extend_from_slice(b"\xFF\"}]}\n");
    std::fs::write(scratch.path().join("data.json"), bytes).unwrap();
    let output = korpu(&["--data", scratch.path().to_str().unwrap(), "check"]);
    let (_, stderr) = without_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    let file = scratch.path().join("data.json").display().to_string();
    assert_eq!(
        stderr,
        format!(
            "{file}:2:15: error: the file is not UTF-8 text: byte 0xFF cannot stand here; graph data is UTF-8 JSON\n1 error in the data; nothing was loaded\n"
        )
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let scratch = Scratch::new("data", "huge-file");
    scratch.write("small.json", r#"{"nodes": [{"id": "a", "labels": ["A"]}]}"#);
    // A sparse file: as large as the limit and one byte, without the disk or the time.
    let huge = std::fs::File::create(scratch.path().join("huge.json")).unwrap();
    huge.set_len(MAX_FILE_BYTES + 1).unwrap();
    let started = std::time::Instant::now();
    let output = korpu(&["--data", scratch.path().to_str().unwrap(), "check"]);
    let (_, stderr) = without_panic(&output);
    assert_eq!(output.status.code(), Some(1));
    let file = scratch.path().join("huge.json").display().to_string();
    assert_eq!(
        stderr,
        format!(
            "{file}:1:1: error: the file has 1073741825 bytes, more than the 1073741824 (1 GiB) one file may hold; split the data into several files of one folder, which load as one graph\n1 error in the data; nothing was loaded\n"
        )
    );
    assert!(started.elapsed().as_secs() < 10, "reading a gigabyte is not refusing it");
}
