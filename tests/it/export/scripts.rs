//! Whole-graph export: graph-data JSON round trips, the Neo4j/Memgraph script run back
//! in Körpü, the Kùzu script loaded into Kùzu.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value as Json;

use korpu::export::KuzuNote;
use korpu::graph::Graph;
use korpu::render::json::value_json;

use super::{new_scratch, sorted, stderr, succeeded, text_of, write_hostile};
use crate::support::{Scratch, korpu, korpu_stdin};

/// A graph as comparable sets: node id → (labels, properties), and the sorted
/// (start id, type, end id, properties) of every relationship. Properties are JSON
/// (`2` and `2.0` differ); a relationship's are canonical JSON text, so they sort.
#[derive(Debug, PartialEq)]
struct Dump {
    nodes: BTreeMap<String, (BTreeSet<String>, serde_json::Map<String, Json>)>,
    edges: Vec<(String, String, String, String)>,
}

impl Dump {
    /// The graph as the Neo4j/Memgraph script stores it: a list that mixes integers
    /// and floats holds floats only (Neo4j stores lists of one type).
    fn with_lists_widened(mut self) -> Dump {
        fn widen(value: &mut Json) {
            if let Json::Array(items) = value
                && items.iter().any(Json::is_f64)
            {
                items
                    .iter_mut()
                    .for_each(|item| *item = item.as_f64().map_or(item.clone(), Json::from));
            }
        }
        for (_, properties) in self.nodes.values_mut() {
            properties.values_mut().for_each(widen);
        }
        for edge in &mut self.edges {
            let mut properties: serde_json::Map<String, Json> =
                serde_json::from_str(&edge.3).unwrap();
            properties.values_mut().for_each(widen);
            edge.3 = serde_json::to_string(&properties).unwrap();
        }
        self
    }
}

/// Compares two dumps, reporting only what differs (the graphs are long).
#[track_caller]
fn assert_same_graph(actual: &Dump, expected: &Dump, context: &str) {
    let actual_ids: BTreeSet<&String> = actual.nodes.keys().collect();
    let expected_ids: BTreeSet<&String> = expected.nodes.keys().collect();
    assert_eq!(actual_ids, expected_ids, "{context}: node ids differ");
    for (id, node) in &expected.nodes {
        assert_eq!(&actual.nodes[id], node, "{context}: node {id:?} differs");
    }
    let missing: Vec<_> =
        expected.edges.iter().filter(|edge| !actual.edges.contains(edge)).collect();
    let extra: Vec<_> = actual.edges.iter().filter(|edge| !expected.edges.contains(edge)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{context}: relationships differ; missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(actual.edges.len(), expected.edges.len(), "{context}: relationship counts differ");
}

/// Where a node's id is: its Körpü id, or the `korpu_id` property a script gave it
/// (then the `KorpuNode` label goes too).
#[derive(Clone, Copy, PartialEq)]
enum Ids {
    Keys,
    KorpuIdProperty,
}

/// Runs `script`, then reads every node and relationship back as JSON.
#[track_caller]
fn dump(graph_args: &[&str], script: &str, ids: Ids) -> Dump {
    let input = format!("{script}\nMATCH (n) RETURN n;\nMATCH ()-[r]->() RETURN r;\n");
    let mut args = graph_args.to_vec();
    args.extend(["--format", "json", "run", "-"]);
    let stdout = succeeded(&korpu_stdin(&args, &input));
    let lines: Vec<&str> = stdout.lines().collect();
    let [.., node_rows, edge_rows] = lines.as_slice() else {
        panic!("too little output:\n{stdout}")
    };
    let rows = |line: &str| -> Vec<Json> {
        let value: Json = serde_json::from_str(line).unwrap();
        value["rows"].as_array().unwrap().iter().map(|row| row[0].clone()).collect()
    };
    let mut id_of: HashMap<String, String> = HashMap::new();
    let mut nodes = BTreeMap::new();
    for mut node in rows(node_rows) {
        let key = node["id"].as_str().unwrap().to_owned();
        let properties = node["properties"].as_object_mut().unwrap();
        let id = match ids {
            Ids::Keys => key.clone(),
            Ids::KorpuIdProperty => properties
                .remove("korpu_id")
                .and_then(|id| id.as_str().map(str::to_owned))
                .unwrap_or_else(|| panic!("no korpu_id on the node {key}")),
        };
        let properties = properties.clone();
        let labels: BTreeSet<String> = node["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|label| label.as_str().unwrap().to_owned())
            .filter(|label| ids == Ids::Keys || label != "KorpuNode")
            .collect();
        id_of.insert(key, id.clone());
        assert!(
            nodes.insert(id.clone(), (labels, properties)).is_none(),
            "two nodes have the id {id}"
        );
    }
    let edges = rows(edge_rows)
        .iter()
        .map(|edge| {
            let end = |field: &str| id_of[edge[field].as_str().unwrap()].clone();
            (
                end("start"),
                edge["type"].as_str().unwrap().to_owned(),
                end("end"),
                serde_json::to_string(&edge["properties"]).unwrap(),
            )
        })
        .collect();
    Dump { nodes, edges: sorted(edges) }
}

/// Exports a graph as graph-data JSON, loads that, and compares; a second export of
/// the loaded graph must be the same bytes.
#[track_caller]
fn check_json_round_trip(graph_args: &[&str], scratch: &Scratch) {
    let mut args = graph_args.to_vec();
    args.extend(["export", "--format", "json"]);
    let exported = succeeded(&korpu(&args));
    let file = scratch.write("exported.json", &exported);
    let original = dump(graph_args, "", Ids::Keys);
    assert!(!original.nodes.is_empty() && !original.edges.is_empty());
    assert_same_graph(
        &dump(&["--data", text_of(&file)], "", Ids::Keys),
        &original,
        "graph-data JSON export, then load",
    );
    assert_eq!(
        succeeded(&korpu(&["--data", text_of(&file), "export", "--format", "json"])),
        exported
    );
}

#[test]
fn json_export_then_load_gives_the_same_graph() {
    let scratch = new_scratch("json-bundled");
    check_json_round_trip(&[], &scratch);
    let scratch = new_scratch("json-hostile");
    let data = write_hostile(&scratch);
    check_json_round_trip(&["--data", text_of(&data)], &scratch);
}

#[test]
fn cypher_export_runs_in_korpu_and_gives_the_same_graph() {
    let scratch = new_scratch("cypher");
    let data = write_hostile(&scratch);
    for graph_args in [&[][..], &["--data", text_of(&data)][..]] {
        let mut args = graph_args.to_vec();
        args.extend(["export", "--format", "cypher"]);
        let script = succeeded(&korpu(&args));
        assert!(
            script.lines().all(|line| line.starts_with("//") || line.ends_with(';')),
            "one statement per line"
        );
        let expected = dump(graph_args, "", Ids::Keys).with_lists_widened();
        let context = format!("{graph_args:?}: cypher export, then korpu --empty run -");
        assert_same_graph(&dump(&["--empty"], &script, Ids::KorpuIdProperty), &expected, &context);
    }
}

#[test]
fn export_takes_format_cypher_or_json_and_nothing_else() {
    let default = succeeded(&korpu(&["export"]));
    assert_eq!(succeeded(&korpu(&["export", "--format", "cypher"])), default);
    assert_eq!(succeeded(&korpu(&["export", "--dialect", "memgraph"])), default);
    assert!(
        default.starts_with("// Körpü export")
            && default
                .contains("CREATE (:KorpuNode:Organization:NGO {korpu_id: 'org-milli-qht-forumu'"),
        "{}",
        &default[..500]
    );
    let json = succeeded(&korpu(&["export", "--format", "json"]));
    assert_eq!(
        succeeded(&korpu(&["export", "--as", "json"])),
        json,
        "the earlier spelling still works"
    );
    for (args, message) in [
        (
            &["export", "--format", "csv"][..],
            "writes --format cypher (the default) or --format json",
        ),
        (
            &["export", "--format", "json", "--dialect", "kuzu"][..],
            "--dialect applies to --format cypher",
        ),
        (&["export", "--format", "cypher", "--as", "json"][..], "--format and --as disagree"),
    ] {
        let output = korpu(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(stderr(&output).contains(message), "{args:?}: {}", stderr(&output));
    }
}

#[test]
fn export_refuses_a_graph_that_uses_its_bookkeeping_names() {
    let scratch = new_scratch("reserved");
    let data = scratch.write(
        "g.json",
        r#"{"nodes": [{"id": "a", "labels": ["X"], "properties": {"korpu_id": "mine"}}]}"#,
    );
    for dialect in ["neo4j", "kuzu"] {
        let output = korpu(&["--data", text_of(&data), "export", "--dialect", dialect]);
        assert_eq!(output.status.code(), Some(1));
        assert!(
            stderr(&output).contains("node `a` already has a property `korpu_id`"),
            "{}",
            stderr(&output)
        );
    }
    let data = scratch.write("g.json", r#"{"nodes": [{"id": "a", "labels": ["KorpuNode"]}]}"#);
    let output = korpu(&["--data", text_of(&data), "export"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("already has the label `KorpuNode`"), "{}", stderr(&output));
    assert!(
        korpu(&["--data", text_of(&data), "export", "--dialect", "kuzu"]).status.success(),
        "Kùzu does not use the label"
    );
}

// ---------------------------------------------------------------------------------
// Kùzu

/// Loads a Kùzu script (one statement per line) into an in-memory database and prints
/// every node and relationship, table by table, as JSON.
const KUZU_LOADER: &str = r#"
import json, sys, kuzu
script = open(sys.argv[1], encoding="utf-8").read()
connection = kuzu.Connection(kuzu.Database(":memory:"))
for number, line in enumerate(script.split("\n"), 1):
    if line.strip() and not line.startswith("//"):
        try:
            connection.execute(line)
        except Exception as error:
            sys.exit(f"line {number}: {error}\n{line[:300]}")
def rows(query):
    result = connection.execute(query)
    while result.has_next():
        yield result.get_next()
def properties(element):
    return {key: value for key, value in element.items() if not key.startswith("_") and value is not None}
nodes, edges = [], []
for name, kind in list(rows("CALL show_tables() RETURN name, type")):
    if kind == "NODE":
        nodes += [dict(table=name, properties=properties(node)) for (node,) in rows(f"MATCH (n:`{name}`) RETURN n")]
    elif kind == "REL":
        query = f"MATCH (a)-[r:`{name}`]->(b) RETURN a.korpu_id, b.korpu_id, r"
        edges += [dict(table=name, start=start, end=end, properties=properties(rel)) for (start, end, rel) in rows(query)]
json.dump({"nodes": nodes, "edges": edges}, sys.stdout, ensure_ascii=False)
"#;

/// A Python that can `import kuzu`: `$KORPU_KUZU_PYTHON`, else `python3`.
fn kuzu_python(test: &str) -> Option<String> {
    let explicit = std::env::var("KORPU_KUZU_PYTHON").ok();
    let python = explicit.clone().unwrap_or_else(|| "python3".to_owned());
    let works = Command::new(&python)
        .args(["-c", "import kuzu"])
        .output()
        .is_ok_and(|output| output.status.success());
    match (works, explicit) {
        (true, _) => Some(python),
        (false, Some(python)) => panic!("{test}: KORPU_KUZU_PYTHON={python} cannot `import kuzu`"),
        (false, None) => {
            eprintln!(
                "SKIPPED {test}: `python3` cannot `import kuzu`; `pip install kuzu`, or set KORPU_KUZU_PYTHON to a Python that has it, to run this test"
            );
            None
        }
    }
}

/// What Kùzu holds, turned back into Körpü's terms with the export's notes: the Kùzu
/// side of the comparison.
/// Nodes by id (table, labels, properties) and relationships (start, type, end,
/// properties as canonical JSON text).
type KuzuGraph = (
    BTreeMap<String, (String, Vec<String>, BTreeMap<String, Json>)>,
    Vec<(String, String, String, String)>,
);

fn from_kuzu(loaded: &Json, notes: &[KuzuNote]) -> KuzuGraph {
    let key_of = |table: &str, column: &str| -> String {
        notes
            .iter()
            .find_map(|note| match note {
                KuzuNote::ColumnRenamed { table: renamed_in, key, column: renamed }
                    if renamed_in == table && renamed == column =>
                {
                    Some(key.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| column.to_owned())
    };
    let properties = |table: &str, element: &Json| -> BTreeMap<String, Json> {
        element
            .as_object()
            .unwrap()
            .iter()
            .filter(|(column, _)| *column != "korpu_id" && *column != "korpu_labels")
            .map(|(column, value)| (key_of(table, column), value.clone()))
            .collect()
    };
    let mut nodes = BTreeMap::new();
    for node in loaded["nodes"].as_array().unwrap() {
        let table = node["table"].as_str().unwrap();
        let id = node["properties"]["korpu_id"].as_str().unwrap().to_owned();
        let labels = node["properties"]["korpu_labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|label| label.as_str().unwrap().to_owned())
            .collect();
        nodes.insert(id, (table.to_owned(), labels, properties(table, &node["properties"])));
    }
    let edges = loaded["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| {
            let table = edge["table"].as_str().unwrap();
            let rel_type = notes
                .iter()
                .find_map(|note| match note {
                    KuzuNote::RelTableRenamed { rel_type, table: renamed } if renamed == table => {
                        Some(rel_type.clone())
                    }
                    _ => None,
                })
                .unwrap_or_else(|| table.to_owned());
            let properties =
                serde_json::to_string(&properties(table, &edge["properties"])).unwrap();
            (
                edge["start"].as_str().unwrap().to_owned(),
                rel_type,
                edge["end"].as_str().unwrap().to_owned(),
                properties,
            )
        })
        .collect();
    (nodes, edges)
}

/// A property as Kùzu should hold it in `table`: as text in a STRING column of mixed
/// values, as floats in a DOUBLE column, and a list of integers and floats as floats.
fn as_stored(value: &Json, table: &str, key: &str, notes: &[KuzuNote]) -> Json {
    let mixed = notes.iter().any(|note| matches!(note, KuzuNote::MixedColumn { table: t, key: k, .. } if t == table && k == key));
    let widened = notes.iter().any(|note| matches!(note, KuzuNote::WidenedColumn { table: t, key: k, .. } if t == table && k == key));
    let float = |number: &Json| number.as_f64().map_or(number.clone(), Json::from);
    match value {
        Json::String(_) => value.clone(),
        Json::Number(number) if mixed => Json::String(number.to_string()),
        Json::Bool(flag) if mixed => Json::String(flag.to_string()),
        Json::Number(_) if widened => float(value),
        Json::Array(items) if widened || items.iter().any(Json::is_f64) => {
            Json::Array(items.iter().map(float).collect())
        }
        other => {
            assert!(!mixed, "the test does not spell {other} as Cypher text");
            other.clone()
        }
    }
}

#[track_caller]
fn check_kuzu_round_trip(graph: &Graph, graph_args: &[&str], python: &str, scratch: &Scratch) {
    let expected_script = korpu::export::to_kuzu(graph).unwrap();
    let mut args = graph_args.to_vec();
    args.extend(["export", "--dialect", "kuzu"]);
    let output = korpu(&args);
    let script = succeeded(&output);
    assert_eq!(script, expected_script.text);
    let printed: Vec<String> =
        expected_script.notes.iter().map(|note| format!("note: {note}")).collect();
    assert_eq!(stderr(&output).lines().collect::<Vec<_>>(), printed);
    assert!(
        !script.contains('\r')
            && script.lines().all(|line| line.starts_with("//") || line.ends_with(';')),
        "one statement per line"
    );

    let script_file = scratch.write("graph.kuzu.cypher", &script);
    let loader = scratch.write("load_kuzu.py", KUZU_LOADER);
    let loaded = Command::new(python).arg(&loader).arg(&script_file).output().unwrap();
    assert!(
        loaded.status.success(),
        "Kùzu did not load the script: {}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let loaded: Json = serde_json::from_slice(&loaded.stdout).unwrap();
    let notes = &expected_script.notes;
    let (nodes, edges) = from_kuzu(&loaded, notes);

    assert_eq!(nodes.len(), graph.node_count());
    let mut table_of: HashMap<String, String> = HashMap::new();
    for node in graph.nodes() {
        let id = graph.node_key(node);
        let Some((table, labels, properties)) = nodes.get(id) else {
            panic!("Kùzu lost the node {id:?}")
        };
        table_of.insert(id.to_owned(), table.clone());
        assert_eq!(labels, &graph.node_labels(node).collect::<Vec<_>>(), "labels of {id:?}");
        let expected: BTreeMap<String, Json> = graph
            .node_properties(node)
            .map(|(key, value)| {
                (key.to_owned(), as_stored(&value_json(value, graph), table, key, notes))
            })
            .collect();
        assert_eq!(properties, &expected, "properties of {id:?} in table {table:?}");
    }
    let expected_edges: Vec<_> = graph
        .edges()
        .map(|edge| {
            let (start, end) = graph.edge_endpoints(edge);
            let rel_type = graph.edge_type(edge);
            let table = notes
                .iter()
                .find_map(|note| match note {
                    KuzuNote::RelTableRenamed { rel_type: renamed, table }
                        if renamed == rel_type =>
                    {
                        Some(table.as_str())
                    }
                    _ => None,
                })
                .unwrap_or(rel_type);
            let properties: BTreeMap<String, Json> = graph
                .edge_properties(edge)
                .map(|(key, value)| {
                    (key.to_owned(), as_stored(&value_json(value, graph), table, key, notes))
                })
                .collect();
            (
                graph.node_key(start).to_owned(),
                rel_type.to_owned(),
                graph.node_key(end).to_owned(),
                serde_json::to_string(&properties).unwrap(),
            )
        })
        .collect();
    assert_eq!(sorted(edges), sorted(expected_edges));
}

#[test]
fn kuzu_loads_the_kuzu_script_and_holds_the_same_graph() {
    let Some(python) = kuzu_python("kuzu_loads_the_kuzu_script_and_holds_the_same_graph") else {
        return;
    };
    let scratch = new_scratch("kuzu-bundled");
    let bundled = korpu::bundled::load().unwrap().graph;
    check_kuzu_round_trip(&bundled, &[], &python, &scratch);

    let scratch = new_scratch("kuzu-hostile");
    let data = write_hostile(&scratch);
    let hostile = korpu::load::load_path(&data).unwrap().graph;
    let notes = korpu::export::to_kuzu(&hostile).unwrap().notes;
    // The clashes the hostile graph was built to cause, each noted.
    for expected in [
        KuzuNote::ColumnRenamed {
            table: "node".into(),
            key: "Name".into(),
            column: "Name_2".into(),
        },
        KuzuNote::ColumnRenamed {
            table: "node".into(),
            key: "back`tick".into(),
            column: "back_tick".into(),
        },
        KuzuNote::RelTableRenamed { rel_type: "knows".into(), table: "knows_2".into() },
        KuzuNote::MixedColumn {
            table: "node".into(),
            key: "mixed".into(),
            types: vec!["INT64".into(), "STRING".into()],
        },
    ] {
        assert!(notes.contains(&expected), "{expected:?} not in {notes:#?}");
    }
    check_kuzu_round_trip(&hostile, &["--data", text_of(&data)], &python, &scratch);
}
