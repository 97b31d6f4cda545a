//! Export of the whole graph for moving to a graph database, and back into the
//! graph-data JSON format.
//!
//! - `to_cypher`: a schemaless `CREATE` script that Neo4j and Memgraph load as it is,
//!   and that Körpü itself runs (`korpu --empty run graph.cypher`).
//! - `to_kuzu`: a script for Kùzu, whose tables have a fixed schema: `CREATE NODE TABLE`
//!   and `CREATE REL TABLE` first, then the data.
//! - `to_json`: the graph-data format `load` reads; export, then load, gives the same graph.
//!
//! Pure: graph in, text out. Does not talk to any database. `cypher` and `kuzu` hold the
//! two script writers; this file holds what they share and the JSON export.

mod cypher;
mod kuzu;

use std::fmt::Write as _;

use serde_json::{Map, Value as Json, json};

use crate::graph::{EdgeId, Graph, NodeId, Value};
use crate::load::format::value_to_json;
use crate::query::syntax::ast::write_name;
use crate::text::{write_float, write_string};

pub use cypher::to_cypher;
use kuzu::write_kuzu_string;
pub use kuzu::{KuzuNote, KuzuScript, to_kuzu};

/// The property that carries a node's stable id in an exported script.
pub const ID_PROPERTY: &str = "korpu_id";
/// The label every node gets in the Neo4j/Memgraph script, so one index finds them all.
pub const NODE_LABEL: &str = "KorpuNode";
/// The Kùzu column that keeps a node's labels (a table holds one label combination).
pub const LABELS_PROPERTY: &str = "korpu_labels";

/// Why a graph cannot be exported faithfully.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// A node already uses a name the script needs for itself, e.g. a property `korpu_id`.
    #[error(
        "node `{node}` already has {what} `{name}`, which the exported script uses for its own bookkeeping; rename it in the data before exporting"
    )]
    ReservedName { node: String, what: &'static str, name: &'static str },
}

/// How a script spells string literals: Neo4j, Memgraph and Körpü read the usual
/// escapes (`\n`, `\u0001`); Kùzu only knows `\'` and `\\`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Cypher,
    Kuzu,
}

pub(crate) fn write_literal(text: &mut String, value: &Value, dialect: Dialect) {
    match value {
        Value::Null => text.push_str("null"),
        Value::Bool(flag) => {
            let _ = write!(text, "{flag}");
        }
        Value::Int(number) => {
            let _ = write!(text, "{number}");
        }
        // Graph-data JSON cannot hold these, but a graph built by CREATE can; not every
        // database has literals for them, and the divisions give them in each.
        Value::Float(number) if number.is_nan() => text.push_str("(0.0 / 0.0)"),
        Value::Float(number) if number.is_infinite() => {
            text.push_str(if *number > 0.0 { "(1.0 / 0.0)" } else { "(-1.0 / 0.0)" })
        }
        Value::Float(number) => {
            let _ = write_float(text, *number);
        }
        Value::String(string) => match dialect {
            Dialect::Cypher => {
                let _ = write_string(text, string);
            }
            Dialect::Kuzu => write_kuzu_string(text, string),
        },
        Value::List(items) => {
            // Neo4j stores only lists of one type, so a list mixing integers and floats
            // (the loader allows that) is written as floats.
            let widen = items.iter().any(|item| matches!(item, Value::Float(_)));
            text.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    text.push_str(", ");
                }
                match item {
                    Value::Int(number) if widen => {
                        write_literal(text, &Value::Float(*number as f64), dialect)
                    }
                    other => write_literal(text, other, dialect),
                }
            }
            text.push(']');
        }
        Value::Temporal(temporal) => {
            let constructor = temporal.type_name().to_lowercase();
            let _ = write!(text, "{constructor}('{temporal}')");
        }
        duration @ Value::Duration { .. } => {
            let _ = write!(text, "duration('{}')", duration.as_duration().unwrap_or_default());
        }
        // Properties never hold maps or graph elements.
        _ => text.push_str("null"),
    }
}

pub(crate) fn write_property_map<'a>(
    text: &mut String,
    first: Option<(&str, Value)>,
    properties: impl Iterator<Item = (&'a str, &'a Value)>,
) {
    text.push_str(" {");
    let mut written = 0;
    if let Some((key, value)) = first {
        let _ = write_name(text, key);
        text.push_str(": ");
        write_literal(text, &value, Dialect::Cypher);
        written += 1;
    }
    for (key, value) in properties {
        if written > 0 {
            text.push_str(", ");
        }
        let _ = write_name(text, key);
        text.push_str(": ");
        write_literal(text, value, Dialect::Cypher);
        written += 1;
    }
    text.push('}');
}

/// Refuses graphs that already use a name the script needs, which would otherwise be
/// overwritten silently.
pub(crate) fn check_reserved(
    graph: &Graph,
    properties: &[&'static str],
    label: Option<&'static str>,
) -> Result<(), ExportError> {
    for node in graph.nodes() {
        if let Some(name) =
            properties.iter().find(|name| graph.node_property_by_name(node, name).is_some())
        {
            return Err(ExportError::ReservedName {
                node: graph.node_key(node).to_owned(),
                what: "a property",
                name,
            });
        }
        if let Some(name) =
            label.filter(|label| graph.node_labels(node).any(|existing| existing == *label))
        {
            return Err(ExportError::ReservedName {
                node: graph.node_key(node).to_owned(),
                what: "the label",
                name,
            });
        }
    }
    Ok(())
}

/// The graph in the graph-data JSON format, one object.
pub fn to_json(graph: &Graph) -> String {
    let nodes: Vec<Json> = graph
        .nodes()
        .map(|node| {
            let properties: Map<String, Json> = graph.node_properties(node).map(|(key, value)| (key.to_owned(), value_to_json(value))).collect();
            json!({"id": graph.node_key(node), "labels": graph.node_labels(node).collect::<Vec<_>>(), "properties": properties})
        })
        .collect();
    let edges: Vec<Json> = graph
        .edges()
        .map(|edge| {
            let (start, end) = graph.edge_endpoints(edge);
            let properties: Map<String, Json> = graph.edge_properties(edge).map(|(key, value)| (key.to_owned(), value_to_json(value))).collect();
            json!({"from": graph.node_key(start), "to": graph.node_key(end), "type": graph.edge_type(edge), "properties": properties})
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&json!({"nodes": nodes, "edges": edges}))
        .expect("JSON values always serialize");
    text.push('\n');
    text
}
