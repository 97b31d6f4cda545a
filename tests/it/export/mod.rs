//! DOT output and whole-graph export, through the `korpu` binary.
//!
//! DOT: a graph of hostile names (quotes, backslashes, line breaks, `<b>`, `{}`, `->`,
//! DOT keywords, Azerbaijani, CJK and Arabic text, an empty name, a very long one,
//! control characters) goes through the real Graphviz, and every caption, legend entry
//! and edge label must come back out of `dot -Tjson` as written; output is the same
//! bytes on every run; a subgraph over 2,000 nodes warns with its count and still
//! prints; `--render` writes an image, or says how to install Graphviz when `dot` is
//! not on PATH.
//!
//! Export: graph-data JSON loads back into the same graph; the Neo4j/Memgraph script
//! runs in `korpu --empty run -` and gives the same graph; the Kùzu script loads into
//! Kùzu itself and holds the same graph.
//!
//! Graphviz: CI installs it (`.ci/run`), so with `CI` set a missing `dot` fails these
//! tests; elsewhere they print what they skipped and pass. Kùzu: the test runs when
//! `python3` (or `$KORPU_KUZU_PYTHON`) can `import kuzu`, and prints that it skipped
//! otherwise; a `KORPU_KUZU_PYTHON` that cannot import it fails the test.
//!
//! `dot` holds the Graphviz tests, `scripts` the whole-graph exports; this file the
//! hostile graph and helpers both use.

mod dot;
mod scripts;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::{Value as Json, json};

use crate::support::Scratch;

#[track_caller]
pub(super) fn succeeded(output: &Output) -> String {
    assert!(
        output.status.success(),
        "korpu failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub(super) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A scratch folder for one export test.
pub(super) fn new_scratch(name: &str) -> Scratch {
    Scratch::new("export", name)
}

pub(super) fn text_of(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Names that break naive DOT, Cypher and Kùzu writers.
pub(super) fn hostile_names() -> Vec<String> {
    let long = format!("Çox uzun ad {} {}", "Ə".repeat(40), "söz ".repeat(600));
    [
        "say \"hi\"",
        "back\\slash\\",
        "\\N \\G \\l \\E",
        "line one\nline two",
        "crlf\r\nnext",
        "tab\there",
        "<b>bold</b> & <i>",
        "{record|fields} <port>",
        "a -> b -- c; [x=y]",
        "node",
        "edge",
        "graph",
        "subgraph",
        "strict",
        "digraph",
        "Azərbaycan Respublikası — Bakı, İçərişəhər",
        "北京市 東京都 서울 🌉",
        "مرحبا بالعالم",
        "",
        &long,
        "it's `odd`",
        "bell\u{7} and nul\u{0}",
        "  spaced  ",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

/// The hostile graph in the graph-data format: hostile names, ids, labels, types and
/// property keys, every property type, and keys that differ only in case.
pub(super) fn hostile_graph() -> Json {
    let mut nodes: Vec<Json> = hostile_names()
        .into_iter()
        .enumerate()
        .map(|(index, name)| {
            let labels = match index % 3 {
                0 => json!(["Person"]),
                1 => json!(["Weird \"Label\"", "label with space"]),
                _ => json!(["NGO", "Org\\Back"]),
            };
            json!({"id": format!("h{index:02}"), "labels": labels, "properties": {"name": name}})
        })
        .collect();
    nodes.extend([
        json!({"id": "node", "labels": ["node"], "properties": {
            "name": "id is node", "Name": "capital", "key with space": 1, "ключ": [1, 2, 3], "back`tick": true,
            "mixed": 5, "f": 1e300, "g": -0.5, "tiny": 5e-324, "big": i64::MAX, "small": i64::MIN,
            "empty": [], "strs": ["a\nb", "c\"d", "e\\f", "g'h"], "nums": [1, 2.5]
        }}),
        json!({"id": "n1", "labels": ["node"], "properties": {"name": "looks like a DOT id", "mixed": "five"}}),
        json!({"id": "\"quoted id\"", "labels": ["City"], "properties": {}}),
        json!({"id": "id with\nnewline", "properties": {"name_en": "only English"}}),
        json!({"id": "ünïcödé-ид", "labels": ["Country"], "properties": {"name": "Ölkə", "name_en": "Land"}}),
    ]);
    let mut edges = vec![
        json!({"from": "h00", "to": "h01", "type": "KNOWS"}),
        json!({"from": "h01", "to": "node", "type": "RELATES \"TO\"", "properties": {"note": "x\ny", "w": 2}}),
        json!({"from": "node", "to": "n1", "type": "edge"}),
        json!({"from": "n1", "to": "\"quoted id\"", "type": "->", "properties": {"w": 2.5}}),
        json!({"from": "\"quoted id\"", "to": "ünïcödé-ид", "type": "PART_OF"}),
        json!({"from": "h03", "to": "\"quoted id\"", "type": "LOCATED_IN"}),
        json!({"from": "id with\nnewline", "to": "id with\nnewline", "type": "SELF"}),
        json!({"from": "h02", "to": "h02", "type": "knows"}),
    ];
    for index in 0..hostile_names().len() - 1 {
        edges.push(json!({"from": format!("h{index:02}"), "to": format!("h{:02}", index + 1), "type": "NEXT"}));
    }
    json!({"nodes": nodes, "edges": edges})
}

pub(super) fn write_hostile(scratch: &Scratch) -> PathBuf {
    scratch.write("hostile.json", &serde_json::to_string_pretty(&hostile_graph()).unwrap())
}

pub(super) fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort();
    items
}
