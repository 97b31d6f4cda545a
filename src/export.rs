//! Export of the whole graph: as a Cypher `CREATE` script for moving to a graph
//! database, and back into the graph-data JSON format (export, then load, gives the same
//! graph).
//!
//! Pure: graph in, text out.

use std::fmt::Write as _;

use serde_json::{Map, Value as Json, json};

use crate::graph::{Graph, Value};
use crate::query::syntax::ast::{write_float, write_name, write_string};
use crate::render::json::value_json;

/// The property that carries a node's stable id in the exported script.
pub const ID_PROPERTY: &str = "korpu_id";

fn write_literal(text: &mut String, value: &Value) {
    match value {
        Value::Null => text.push_str("null"),
        Value::Bool(flag) => {
            let _ = write!(text, "{flag}");
        }
        Value::Int(number) => {
            let _ = write!(text, "{number}");
        }
        Value::Float(number) => {
            let _ = write_float(text, *number);
        }
        Value::String(string) => {
            let _ = write_string(text, string);
        }
        Value::List(items) => {
            text.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    text.push_str(", ");
                }
                write_literal(text, item);
            }
            text.push(']');
        }
        // Properties never hold maps or graph elements.
        _ => text.push_str("null"),
    }
}

fn write_property_map<'a>(text: &mut String, first: Option<(&str, Value)>, properties: impl Iterator<Item = (&'a str, &'a Value)>) {
    text.push_str(" {");
    let mut written = 0;
    if let Some((key, value)) = first {
        let _ = write_name(text, key);
        text.push_str(": ");
        write_literal(text, &value);
        written += 1;
    }
    for (key, value) in properties {
        if written > 0 {
            text.push_str(", ");
        }
        let _ = write_name(text, key);
        text.push_str(": ");
        write_literal(text, value);
        written += 1;
    }
    text.push('}');
}

/// A script of `CREATE` statements, one per node and one `MATCH … CREATE` per
/// relationship, that Neo4j and Memgraph load as it is (`cypher-shell < graph.cypher`,
/// `mgconsole < graph.cypher`). Node ids travel in the `korpu_id` property; create an
/// index on it first for large graphs (the script's header says how).
pub fn to_cypher(graph: &Graph) -> String {
    let mut text = String::new();
    let _ = writeln!(text, "// Körpü export: {} nodes, {} relationships.", graph.node_count(), graph.edge_count());
    let _ = writeln!(text, "// Each node keeps its Körpü id in `{ID_PROPERTY}`; relationships find their ends by it.");
    let _ = writeln!(text, "// For large graphs create an index on it before loading, e.g. in Neo4j:");
    let _ = writeln!(text, "//   CREATE INDEX korpu_id IF NOT EXISTS FOR (n:KorpuNode) ON (n.{ID_PROPERTY});");
    for node in graph.nodes() {
        text.push_str("CREATE (:KorpuNode");
        for label in graph.node_labels(node) {
            text.push(':');
            let _ = write_name(&mut text, label);
        }
        write_property_map(&mut text, Some((ID_PROPERTY, Value::from(graph.node_key(node)))), graph.node_properties(node));
        text.push_str(");\n");
    }
    for edge in graph.edges() {
        let (start, end) = graph.edge_endpoints(edge);
        text.push_str("MATCH (a:KorpuNode {");
        text.push_str(ID_PROPERTY);
        text.push_str(": ");
        let _ = write_string(&mut text, graph.node_key(start));
        text.push_str("}), (b:KorpuNode {");
        text.push_str(ID_PROPERTY);
        text.push_str(": ");
        let _ = write_string(&mut text, graph.node_key(end));
        text.push_str("}) CREATE (a)-[:");
        let _ = write_name(&mut text, graph.edge_type(edge));
        if graph.edge_properties(edge).next().is_some() {
            write_property_map(&mut text, None, graph.edge_properties(edge));
        }
        text.push_str("]->(b);\n");
    }
    text
}

/// The graph in the graph-data JSON format, one object.
pub fn to_json(graph: &Graph) -> String {
    let nodes: Vec<Json> = graph
        .nodes()
        .map(|node| {
            let properties: Map<String, Json> = graph.node_properties(node).map(|(key, value)| (key.to_owned(), value_json(value, graph))).collect();
            json!({"id": graph.node_key(node), "labels": graph.node_labels(node).collect::<Vec<_>>(), "properties": properties})
        })
        .collect();
    let edges: Vec<Json> = graph
        .edges()
        .map(|edge| {
            let (start, end) = graph.edge_endpoints(edge);
            let properties: Map<String, Json> = graph.edge_properties(edge).map(|(key, value)| (key.to_owned(), value_json(value, graph))).collect();
            json!({"from": graph.node_key(start), "to": graph.node_key(end), "type": graph.edge_type(edge), "properties": properties})
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({"nodes": nodes, "edges": edges})).expect("JSON values always serialize");
    text.push('\n');
    text
}
