//! JSON output: one object per statement, `{"columns": [...], "rows": [[...]]}`, or
//! `{"error": {...}}`. Nodes are `{"id", "labels", "properties"}`, relationships
//! `{"id", "type", "start", "end", "properties"}`, paths `{"nodes", "relationships"}`.

use serde_json::{Map, Value as Json, json};

use crate::graph::{EdgeId, Graph, NodeId, Value};
use crate::query::error::QueryError;
use crate::query::exec::QueryResult;
use crate::query::syntax::span::line_column;

/// `{"columns", "rows"}`, and `"stats"` (counters by name, those above zero) when the
/// statement changed the graph.
pub fn result_json(result: &QueryResult, graph: &Graph) -> Json {
    let rows: Vec<Json> = result
        .rows
        .iter()
        .map(|row| Json::Array(row.iter().map(|value| value_json(value, graph)).collect()))
        .collect();
    let mut object = json!({ "columns": result.columns, "rows": rows });
    if !result.stats.is_empty() {
        let stats: Map<String, Json> = result
            .stats
            .counters()
            .iter()
            .filter(|(_, count)| *count > 0)
            .map(|(name, count)| (name.replace(' ', "_"), Json::from(*count)))
            .collect();
        object["stats"] = Json::Object(stats);
    }
    object
}

/// An error object; `source` is the text the error's span points into.
pub fn error_json(error: &QueryError, source: &str) -> Json {
    let (line, column) = error.span().map_or((0, 0), |span| line_column(source, span.start));
    json!({
        "error": {
            "kind": error.kind().name(),
            "code": error.code(),
            "phase": error.phase().name(),
            "message": error.message(),
            "line": line,
            "column": column,
        }
    })
}

pub fn node_json(node: NodeId, graph: &Graph) -> Json {
    let properties: Map<String, Json> = graph
        .node_properties(node)
        .map(|(key, value)| (key.to_owned(), value_json(value, graph)))
        .collect();
    json!({
        "id": graph.node_key(node),
        "labels": graph.node_labels(node).collect::<Vec<_>>(),
        "properties": properties,
    })
}

pub fn relationship_json(edge: EdgeId, graph: &Graph) -> Json {
    let (start, end) = graph.edge_endpoints(edge);
    let properties: Map<String, Json> = graph
        .edge_properties(edge)
        .map(|(key, value)| (key.to_owned(), value_json(value, graph)))
        .collect();
    json!({
        "id": edge.0,
        "type": graph.edge_type(edge),
        "start": graph.node_key(start),
        "end": graph.node_key(end),
        "properties": properties,
    })
}

pub fn value_json(value: &Value, graph: &Graph) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Int(number) => Json::from(*number),
        Value::Float(number) => match serde_json::Number::from_f64(*number) {
            Some(number) => Json::Number(number),
            // JSON has no NaN or infinity; spell them as openCypher prints them.
            None => Json::String(if number.is_nan() {
                "NaN".into()
            } else if *number > 0.0 {
                "Infinity".into()
            } else {
                "-Infinity".into()
            }),
        },
        Value::String(text) => Json::String(text.to_string()),
        // ISO 8601 text, as openCypher prints temporals.
        Value::Temporal(temporal) => Json::String(temporal.to_string()),
        duration @ Value::Duration { .. } => {
            Json::String(duration.as_duration().unwrap_or_default().to_string())
        }
        Value::List(items) => {
            Json::Array(items.iter().map(|item| value_json(item, graph)).collect())
        }
        Value::Map(entries) => Json::Object(
            entries.iter().map(|(key, item)| (key.clone(), value_json(item, graph))).collect(),
        ),
        Value::Node(node) => node_json(*node, graph),
        Value::Relationship(edge) => relationship_json(*edge, graph),
        Value::Path(path) => json!({
            "nodes": path.nodes.iter().map(|node| node_json(*node, graph)).collect::<Vec<_>>(),
            "relationships": path.relationships.iter().map(|edge| relationship_json(*edge, graph)).collect::<Vec<_>>(),
        }),
    }
}
