//! JSON output: one object per statement, `{"columns": [...], "rows": [[...]]}`, or
//! `{"error": {...}}`. Nodes are `{"id", "labels", "properties"}`, relationships
//! `{"id", "type", "start", "end", "properties"}`, paths `{"nodes", "relationships"}`.
//! A value JSON cannot hold plainly is a typed object, `{"$type": "Date", "_value":
//! "2010-09-15"}` (also `Float` for NaN and ±Infinity, `Duration`, `DateTime`, `Time`,
//! `LocalTime`, `LocalDateTime`), so it cannot be mistaken for a string.

use serde_json::{Map, Value as Json, json};

use crate::graph::{EdgeId, Graph, NodeId, Value};
use crate::load::format::value_to_json;
use crate::query::QueryResult;
use crate::query::error::QueryError;
use crate::text::line_column;

/// `{"columns", "rows"}`, `"stats"` (counters by name, those above zero) when the
/// statement changed the graph, and `"notifications"` (code, title, description, and
/// the position within the statement) when there is something to tell.
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
    if !result.notifications.is_empty() {
        let notifications: Vec<Json> = result
            .notifications
            .iter()
            .map(|notification| {
                json!({
                    "code": notification.code.as_str(),
                    "title": notification.title,
                    "description": notification.description,
                    "position": {"line": notification.line, "column": notification.column},
                })
            })
            .collect();
        object["notifications"] = Json::Array(notifications);
    }
    object
}

/// An error object; `source` is the text the error's span points into.
pub fn error_json(error: &QueryError, source: &str) -> Json {
    let (line, column) = error.span().map_or((0, 0), |span| line_column(source, span.start));
    json!({
        "error": {
            "kind": error.kind().name(),
            "code": error.code().as_str(),
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
        Value::String(text) => Json::String(text.to_string()),
        // Values JSON cannot hold plainly (NaN and the infinities, dates, times,
        // durations) come out typed, `{"$type": "Date", "_value": "2010-09-15"}`, as
        // Neo4j's Query API writes them; the graph-data writer is the one writer of them.
        Value::Float(_) | Value::Temporal(_) | Value::Duration { .. } | Value::Bytes(_) => {
            value_to_json(value)
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
