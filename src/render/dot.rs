//! Graphviz DOT: the subgraph a result touches (nodes and relationships that appear in
//! it directly, inside paths or inside lists and maps), drawn as one digraph.
//!
//! Output is deterministic: nodes and edges are ordered by id, and ids in the DOT text
//! are generated (`n0`, `n1`, …) so no name can collide with another or with a DOT
//! keyword. Labels are escaped for DOT's quoted strings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::graph::{EdgeId, Graph, NodeId, Value};
use crate::query::exec::QueryResult;

/// How the drawing is labelled and laid out.
#[derive(Clone, Debug, Default)]
pub struct DotOptions {
    /// Caption nodes from `name_en` instead of `name`.
    pub english: bool,
    /// Group nodes into one cluster per country they are `LOCATED_IN`.
    pub cluster_by_country: bool,
    /// Lay out left to right (paths read better that way).
    pub left_to_right: bool,
}

/// Above this many nodes Graphviz layouts stop being readable.
pub const LARGE_SUBGRAPH: usize = 2_000;

/// The nodes and relationships that appear in a set of results.
#[derive(Default, Debug)]
pub struct Subgraph {
    pub nodes: BTreeSet<NodeId>,
    pub edges: BTreeSet<EdgeId>,
}

impl Subgraph {
    pub fn collect<'r>(results: impl IntoIterator<Item = &'r QueryResult>, graph: &Graph) -> Subgraph {
        let mut subgraph = Subgraph::default();
        for result in results {
            for row in &result.rows {
                for value in row {
                    subgraph.add(value, graph);
                }
            }
        }
        subgraph
    }

    fn add(&mut self, value: &Value, graph: &Graph) {
        match value {
            Value::Node(node) => {
                self.nodes.insert(*node);
            }
            Value::Relationship(edge) => {
                self.edges.insert(*edge);
                let (start, end) = graph.edge_endpoints(*edge);
                self.nodes.insert(start);
                self.nodes.insert(end);
            }
            Value::Path(path) => {
                self.nodes.extend(path.nodes.iter().copied());
                self.edges.extend(path.relationships.iter().copied());
            }
            Value::List(items) => items.iter().for_each(|item| self.add(item, graph)),
            Value::Map(entries) => entries.values().for_each(|item| self.add(item, graph)),
            _ => {}
        }
    }
}

/// Fill colour and shape per label; the first label of a node that has one wins.
const LABEL_STYLES: &[(&str, &str, &str)] = &[
    ("NGO", "#8dd3c7", "box"),
    ("DiasporaGroup", "#ffffb3", "box"),
    ("GovernmentBody", "#bebada", "box"),
    ("InternationalBody", "#fb8072", "box"),
    ("ResearchCenter", "#80b1d3", "box"),
    ("Organization", "#d9d9d9", "box"),
    ("Person", "#fdb462", "ellipse"),
    ("Country", "#b3de69", "hexagon"),
    ("Region", "#ccebc5", "octagon"),
    ("City", "#fccde5", "house"),
    ("Event", "#bc80bd", "diamond"),
    ("Publication", "#ffed6f", "note"),
    ("Topic", "#e5d8bd", "component"),
];

fn style_of(node: NodeId, graph: &Graph) -> (&'static str, &'static str, &'static str) {
    let labels: Vec<&str> = graph.node_labels(node).collect();
    for (label, colour, shape) in LABEL_STYLES {
        if labels.contains(label) {
            return (label, colour, shape);
        }
    }
    ("other", "#ffffff", "ellipse")
}

/// Escapes text for a DOT double-quoted string.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '\r' => {}
            other => escaped.push(other),
        }
    }
    escaped
}

fn caption(node: NodeId, graph: &Graph, options: &DotOptions) -> String {
    let preferred = if options.english { ["name_en", "name"] } else { ["name", "name_en"] };
    for key in preferred {
        if let Some(Value::String(name)) = graph.node_property_by_name(node, key) {
            return name.to_string();
        }
    }
    graph.node_key(node).to_owned()
}

/// Writes the subgraph as a DOT digraph.
pub fn write_dot(subgraph: &Subgraph, graph: &Graph, options: &DotOptions) -> String {
    let mut text = String::new();
    text.push_str("digraph korpu {\n");
    let _ = writeln!(text, "  graph [rankdir={}, fontname=\"Helvetica\", overlap=false];", if options.left_to_right { "LR" } else { "TB" });
    text.push_str("  node [style=filled, fontname=\"Helvetica\", fontsize=11];\n");
    text.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    let dot_id = |node: NodeId| format!("n{}", node.0);
    let node_line = |node: NodeId| {
        let (_, colour, shape) = style_of(node, graph);
        format!("{} [label=\"{}\", shape={shape}, fillcolor=\"{colour}\", tooltip=\"{}\"];", dot_id(node), escape(&caption(node, graph, options)), escape(graph.node_key(node)))
    };
    // Clusters: nodes grouped under the country they are located in.
    let mut clustered: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
    if options.cluster_by_country {
        let located = graph.rel_type_symbol("LOCATED_IN");
        let country = graph.label_symbol("Country");
        for node in &subgraph.nodes {
            let home = located.zip(country).and_then(|(located, country)| {
                graph.neighbors(*node, crate::graph::Dir::Outgoing, Some(std::slice::from_ref(&located))).map(|neighbor| neighbor.node).find(|target| graph.has_label(*target, country))
            });
            if let Some(home) = home {
                clustered.entry(home).or_default().push(*node);
            }
        }
    }
    let in_cluster: BTreeSet<NodeId> = clustered.values().flatten().copied().collect();
    for (home, members) in &clustered {
        let _ = writeln!(text, "  subgraph cluster_{} {{", home.0);
        let _ = writeln!(text, "    label=\"{}\"; style=rounded; color=\"#999999\";", escape(&caption(*home, graph, options)));
        for member in members {
            let _ = writeln!(text, "    {}", node_line(*member));
        }
        text.push_str("  }\n");
    }
    for node in subgraph.nodes.iter().filter(|node| !in_cluster.contains(node)) {
        let _ = writeln!(text, "  {}", node_line(*node));
    }
    for edge in &subgraph.edges {
        let (start, end) = graph.edge_endpoints(*edge);
        let _ = writeln!(text, "  {} -> {} [label=\"{}\"];", dot_id(start), dot_id(end), escape(graph.edge_type(*edge)));
    }
    // The legend: one swatch per label present.
    let present: BTreeSet<(&str, &str, &str)> = subgraph.nodes.iter().map(|node| style_of(*node, graph)).collect();
    if !present.is_empty() {
        text.push_str("  subgraph cluster_legend {\n    label=\"Legend\"; style=dashed; color=\"#bbbbbb\";\n");
        for (position, (label, colour, shape)) in present.iter().enumerate() {
            let _ = writeln!(text, "    legend{position} [label=\"{}\", shape={shape}, fillcolor=\"{colour}\"];", escape(label));
        }
        text.push_str("  }\n");
    }
    text.push_str("}\n");
    text
}
