//! DOT through the real Graphviz: hostile captions, paths and clusters, stable bytes,
//! the large-subgraph warning, `--render` with and without `dot`.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value as Json;

use super::{hostile_graph, new_scratch, sorted, stderr, succeeded, text_of, write_hostile};
use crate::support::{graphviz, korpu, run_dot};

/// What Graphviz drew: text of each node (by DOT name), cluster and edge, lines joined
/// by `\n`.
struct Drawn {
    nodes: BTreeMap<String, String>,
    clusters: BTreeSet<String>,
    edges: Vec<String>,
}

fn drawn_text(element: &Json) -> String {
    let lines: Vec<&str> = element["_ldraw_"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .filter(|op| op["op"] == "T")
        .map(|op| op["text"].as_str().unwrap())
        .collect();
    lines.join("\n")
}

fn drawn(dot: &str) -> Drawn {
    let layout: Json = serde_json::from_slice(&run_dot(dot, "json")).unwrap();
    let mut nodes = BTreeMap::new();
    let mut clusters = BTreeSet::new();
    for object in layout["objects"].as_array().unwrap() {
        let name = object["name"].as_str().unwrap().to_owned();
        if name.starts_with("cluster_") {
            clusters.insert(drawn_text(object));
        } else {
            assert!(
                nodes.insert(name.clone(), drawn_text(object)).is_none(),
                "two nodes are called {name}"
            );
        }
    }
    let mut edges: Vec<String> = layout["edges"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
        .iter()
        .map(drawn_text)
        .collect();
    edges.sort();
    Drawn { nodes, clusters, edges }
}

/// The caption the DOT should show for a name: as written, but a carriage return is
/// dropped and other control characters (bar line breaks and tabs) are U+FFFD.
fn shown(name: &str) -> String {
    name.chars()
        .filter(|character| *character != '\r')
        .map(|character| {
            if character.is_control() && character != '\n' && character != '\t' {
                '\u{FFFD}'
            } else {
                character
            }
        })
        .collect()
}

#[test]
fn hostile_names_go_through_graphviz_as_written() {
    if !graphviz("hostile_names_go_through_graphviz_as_written") {
        return;
    }
    let scratch = new_scratch("hostile-dot");
    let data = write_hostile(&scratch);
    let graph = hostile_graph();
    let dot = succeeded(&korpu(&[
        "--data",
        text_of(&data),
        "query",
        "--format",
        "dot",
        "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN n, r",
    ]));
    let svg = String::from_utf8(run_dot(&dot, "svg")).unwrap();
    assert!(svg.contains("</svg>"), "{svg}");

    let drawing = drawn(&dot);
    let node_ids: Vec<&String> =
        drawing.nodes.keys().filter(|name| !name.starts_with("legend")).collect();
    assert!(
        node_ids
            .iter()
            .all(|name| name.strip_prefix('n').is_some_and(|number| number.parse::<u32>().is_ok())),
        "{node_ids:?}"
    );
    let expected: Vec<String> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let name = ["name", "name_en"]
                .iter()
                .filter_map(|key| node["properties"][key].as_str())
                .find(|name| !name.is_empty());
            shown(name.unwrap_or_else(|| node["id"].as_str().unwrap()))
        })
        .collect();
    let captions: Vec<String> = node_ids.iter().map(|name| drawing.nodes[*name].clone()).collect();
    assert_eq!(sorted(captions), sorted(expected));

    let legend: BTreeSet<&str> = drawing
        .nodes
        .iter()
        .filter(|(name, _)| name.starts_with("legend"))
        .map(|(_, text)| text.as_str())
        .collect();
    assert_eq!(
        legend,
        BTreeSet::from([
            "(no label)",
            "City",
            "Country",
            "NGO",
            "Person",
            "Weird \"Label\"",
            "node"
        ])
    );
    assert_eq!(drawing.clusters, BTreeSet::from(["Legend".to_owned()]));

    let types: Vec<String> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|edge| edge["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(drawing.edges, sorted(types));
}

#[test]
fn paths_clusters_and_english_captions_go_through_graphviz() {
    if !graphviz("paths_clusters_and_english_captions_go_through_graphviz") {
        return;
    }
    let scratch = new_scratch("hostile-clusters");
    let data = write_hostile(&scratch);
    let query = "MATCH p = (a)-[*1..2]->(b) WHERE a.name STARTS WITH 'line' OR a.name = 'looks like a DOT id' RETURN collect(p) AS paths";
    let dot = succeeded(&korpu(&[
        "--data",
        text_of(&data),
        "--lang",
        "en",
        "--cluster-by",
        "country",
        "query",
        "--format",
        "dot",
        query,
    ]));
    assert!(dot.contains("rankdir=LR"), "a path inside a list lays out left to right:\n{dot}");
    let drawing = drawn(&dot);
    // The City is PART_OF the Country, so both sit in the Country's cluster, captioned
    // by its English name.
    assert_eq!(drawing.clusters, BTreeSet::from(["Land".to_owned(), "Legend".to_owned()]));
    assert!(
        drawing.nodes.values().any(|caption| caption == "line one\nline two"),
        "{:?}",
        drawing.nodes
    );
    assert!(
        drawing.nodes.values().any(|caption| caption == "\"quoted id\""),
        "{:?}",
        drawing.nodes
    );
    let cluster = dot.split("subgraph cluster_").nth(1).unwrap().split("\n  }\n").next().unwrap();
    assert!(
        cluster.starts_with(|character: char| character.is_ascii_digit())
            && cluster.contains("tooltip=\"ünïcödé-ид\"")
            && cluster.contains("tooltip=\"\\\"quoted id\\\"\""),
        "{dot}"
    );
}

#[test]
fn the_diaspora_network_map_renders_with_dot() {
    if !graphviz("the_diaspora_network_map_renders_with_dot") {
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let script = format!("{root}/queries/20_diaspora_network_map.cypher");
    for extra in [&[][..], &["--lang", "en", "--cluster-by", "country"][..]] {
        let mut args = vec!["run", "--format", "dot"];
        args.extend_from_slice(extra);
        args.push(&script);
        let dot = succeeded(&korpu(&args));
        let svg = String::from_utf8(run_dot(&dot, "svg")).unwrap();
        assert!(
            svg.contains("Milli Qeyri Hökumət Təşkilatları Forumu")
                || svg.contains("National NGO Forum"),
            "{extra:?}"
        );
    }
}

#[test]
fn dot_output_is_the_same_bytes_on_every_run() {
    let scratch = new_scratch("deterministic");
    let data = write_hostile(&scratch);
    let script = format!("{}/queries/20_diaspora_network_map.cypher", env!("CARGO_MANIFEST_DIR"));
    let runs: [&[&str]; 3] = [
        &["run", "--format", "dot", "--cluster-by", "country", "--lang", "en", script.as_str()],
        &["query", "--format", "dot", "MATCH p = (:Person)-[*1..2]-() RETURN p"],
        &[
            "--data",
            text_of(&data),
            "--cluster-by",
            "country",
            "query",
            "--format",
            "dot",
            "MATCH (n) OPTIONAL MATCH (n)-[r]->() RETURN n, r",
        ],
    ];
    for args in runs {
        let first = succeeded(&korpu(args));
        let second = succeeded(&korpu(args));
        assert!(first.starts_with("digraph korpu {\n"), "{first}");
        assert_eq!(first, second, "korpu {args:?} printed different DOT on two runs");
    }
}

#[test]
fn a_subgraph_over_two_thousand_nodes_warns_with_its_count_and_still_prints() {
    let make = |count: usize| {
        format!(
            "UNWIND range(1, {count}) AS i CREATE (n:Thing {{name: 'thing ' + toString(i)}}) RETURN n"
        )
    };
    let output = korpu(&["--empty", "query", "--format", "dot", &make(2_001)]);
    let dot = succeeded(&output);
    assert!(
        stderr(&output).contains("warning: the subgraph has 2001 nodes"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        dot.lines()
            .filter(|line| line.trim_start().starts_with('n') && line.contains("[label="))
            .count(),
        2_001
    );
    assert!(dot.ends_with("}\n"));

    let output = korpu(&["--empty", "query", "--format", "dot", &make(2_000)]);
    succeeded(&output);
    assert_eq!(stderr(&output), "", "2,000 nodes are not too many");

    // Rendering would keep Graphviz busy for minutes, so --render refuses (with or
    // without Graphviz installed) instead of hanging.
    let scratch = new_scratch("large-render");
    let image = scratch.0.join("large.svg");
    let output =
        korpu(&["--empty", "query", "--render", "svg", "-o", text_of(&image), &make(2_001)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("2001 nodes") && stderr(&output).contains("drop --render"),
        "{}",
        stderr(&output)
    );
    assert!(!image.exists());
}

#[test]
fn render_writes_an_image_with_graphviz() {
    if !graphviz("render_writes_an_image_with_graphviz") {
        return;
    }
    let scratch = new_scratch("render");
    let query = "MATCH p = (:Person {name: 'Rauf Zeyni'})-[:LEADS]->() RETURN p";
    let svg = scratch.0.join("leads.svg");
    let output = korpu(&["query", "--render", "svg", "-o", text_of(&svg), query]);
    assert_eq!(succeeded(&output), "", "the image goes to the file, not stdout");
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.contains("<svg") && text.contains("Rauf Zeyni") && text.contains("LEADS"),
        "{text}"
    );

    let png = scratch.0.join("leads.png");
    succeeded(&korpu(&["query", "--format", "dot", "--render", "png", "-o", text_of(&png), query]));
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
}

#[test]
fn render_without_graphviz_says_how_to_install_it() {
    let scratch = new_scratch("no-dot");
    let image = scratch.0.join("out.svg");
    let output = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .env("PATH", &scratch.0)
        .args([
            "query",
            "--render",
            "svg",
            "-o",
            text_of(&image),
            "MATCH (n:Person) RETURN n LIMIT 3",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("Graphviz")
            && message.contains("not installed")
            && message.contains("apt-get install graphviz")
            && message.contains("brew install graphviz"),
        "{message}"
    );
    assert!(!image.exists());
}

#[test]
fn render_and_format_flags_that_cannot_work_are_refused() {
    let output =
        korpu(&["query", "--format", "json", "--render", "svg", "-o", "x.svg", "RETURN 1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("--render draws the DOT"), "{}", stderr(&output));
    let output = korpu(&["query", "--format", "cypher", "RETURN 1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--format cypher is for `korpu export`"),
        "{}",
        stderr(&output)
    );
}
