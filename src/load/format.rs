//! The graph-data record format, read and written: the one place its rules live.
//!
//! A file is `{"nodes": [...], "edges": [...]}`; a node record has `"id"`, `"labels"`
//! and `"properties"`, a relationship record `"from"`, `"to"`, `"type"` and
//! `"properties"` (`keys`). Ids, labels and relationship types are names: non-empty and
//! at most `MAX_NAME_CHARS` characters; property keys only have the length limit
//! (`name_problem`, `key_too_long`). A list holds values of one type, integers and
//! floats counting as one (`list_items_agree`), and no lists. Both loaders check these
//! rules through this module: the fast one to give up at the first break, the thorough
//! one to say where it is.
//!
//! Values JSON holds plainly are written plainly (strings, booleans, integers, floats
//! with a fraction or `.0`, lists of those). The others are a small typed object, as
//! Neo4j's Query API writes them: `{"$type": "Date", "_value": "2010-09-15"}`, and
//! `{"$type": "Float", "_value": "NaN"}` for the floats JSON has no number for; a
//! duration is `{"$type": "Duration", "_value": "P14DT16H"}` and a date-time in a named
//! zone keeps the name (`2015-07-21T21:40:32+01:00[Europe/London]`).
//! `typed_value` reads that object back; the loader calls it, so the two directions are
//! defined in one place. `value_from_json` is the one reader of any JSON value into a
//! `Value`: the loader, the command line's `--params` file and the explorer's query
//! parameters all go through it.
//!
//! Layout follows the bundled files: one record per block, `"id"`/`"labels"` (or
//! `"from"`/`"to"`/`"type"`) on their own lines, one property per line, lists inline.

use base64::Engine as _;
use serde_json::{Map, Value as Json};

use super::limits::name_too_long;
use crate::graph::{Duration, EdgeId, Graph, NodeId, Temporal, TemporalKind, Value};

/// The keys of the format: a file's two lists, and the fields of its records.
pub(crate) mod keys {
    pub(crate) const NODES: &str = "nodes";
    pub(crate) const EDGES: &str = "edges";
    pub(crate) const ID: &str = "id";
    pub(crate) const LABELS: &str = "labels";
    pub(crate) const PROPERTIES: &str = "properties";
    pub(crate) const FROM: &str = "from";
    pub(crate) const TO: &str = "to";
    pub(crate) const TYPE: &str = "type";
    /// The provenance properties: where a fact comes from, and its words there.
    pub(crate) const SOURCE: &str = "source";
    pub(crate) const QUOTE: &str = "quote";

    /// The fields a node record may have, in the order the files write them.
    pub(crate) const NODE_FIELDS: [&str; 3] = [ID, LABELS, PROPERTIES];
    /// The fields a relationship record may have, in the order the files write them.
    pub(crate) const EDGE_FIELDS: [&str; 4] = [FROM, TO, TYPE, PROPERTIES];
}

/// Why a name (an id, a label, a relationship type) breaks the format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NameProblem {
    Empty,
    TooLong,
}

/// Checks an id, a label or a relationship type: non-empty, at most `MAX_NAME_CHARS`.
#[inline]
pub(crate) fn name_problem(name: &str) -> Option<NameProblem> {
    if name.is_empty() {
        Some(NameProblem::Empty)
    } else if key_too_long(name) {
        Some(NameProblem::TooLong)
    } else {
        None
    }
}

/// A property key may be anything up to `MAX_NAME_CHARS` characters.
#[inline]
pub(crate) fn key_too_long(key: &str) -> bool {
    name_too_long(key)
}

pub(crate) use crate::graph::list_items_agree;

/// Byte arrays travel in JSON as standard base64, as Neo4j's Query API writes them.
const BASE64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The key that marks a typed value object.
const TYPE_KEY: &str = "$type";
const VALUE_KEY: &str = "_value";

/// A property value as graph-data JSON.
pub fn value_to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(flag) => Json::Bool(*flag),
        Value::Int(number) => Json::from(*number),
        Value::Float(number) => match serde_json::Number::from_f64(*number) {
            Some(number) => Json::Number(number),
            None => {
                let mut text = String::new();
                let _ = crate::text::write_float(&mut text, *number);
                typed("Float", &text)
            }
        },
        Value::String(text) => Json::String(text.to_string()),
        Value::Bytes(bytes) => typed("Base64", &BASE64.encode(bytes)),
        Value::List(items) => Json::Array(items.iter().map(value_to_json).collect()),
        Value::Temporal(temporal) => typed(temporal.type_name(), &temporal.to_string()),
        duration @ Value::Duration { .. } => {
            typed("Duration", &duration.as_duration().unwrap_or_default().to_string())
        }
        // Properties never hold these; a map, node, relationship or path is refused by
        // the mutation API before it gets here.
        Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => Json::Null,
    }
}

fn typed(type_name: &str, text: &str) -> Json {
    let mut object = Map::new();
    object.insert(TYPE_KEY.to_owned(), Json::String(type_name.to_owned()));
    object.insert(VALUE_KEY.to_owned(), Json::String(text.to_owned()));
    Json::Object(object)
}

/// Reads a typed value object; `None` when `json` is not one (a plain map, which
/// properties cannot hold), `Some(Err)` when it is one with a bad type or text.
pub fn typed_value(json: &Json) -> Option<Result<Value, String>> {
    let object = json.as_object()?;
    let type_name = object.get(TYPE_KEY)?.as_str()?;
    if object.len() != 2 {
        return Some(Err(format!("a typed value has exactly `{TYPE_KEY}` and `{VALUE_KEY}`")));
    }
    let Some(text) = object.get(VALUE_KEY).and_then(Json::as_str) else {
        return Some(Err(format!("`{VALUE_KEY}` of a typed value must be a string")));
    };
    let kind = match type_name {
        "Date" => TemporalKind::Date,
        "LocalTime" => TemporalKind::LocalTime,
        "Time" => TemporalKind::Time,
        "LocalDateTime" => TemporalKind::LocalDateTime,
        "DateTime" => TemporalKind::DateTime,
        "Duration" => return Some(Duration::parse(text).map(Value::from)),
        "Base64" => {
            return Some(
                BASE64
                    .decode(text)
                    .map(|bytes| Value::Bytes(bytes.into()))
                    .map_err(|error| format!("`{text}` is not base64: {error}")),
            );
        }
        "Float" => {
            return Some(match text {
                "NaN" => Ok(Value::Float(f64::NAN)),
                "Infinity" => Ok(Value::Float(f64::INFINITY)),
                "-Infinity" => Ok(Value::Float(f64::NEG_INFINITY)),
                other => Err(format!("`{other}` is not NaN, Infinity or -Infinity")),
            });
        }
        other => {
            return Some(Err(format!(
                "unknown `{TYPE_KEY}` `{other}` (expected Date, LocalTime, Time, LocalDateTime, DateTime, Duration, Float or Base64)"
            )));
        }
    };
    // Written values always carry their offset, so the clock that gives a time of day in
    // a named zone its offset is never asked; the epoch keeps reading deterministic.
    Some(Temporal::parse(kind, text, 0).map(Value::Temporal))
}

/// Reads any JSON value as a query value, the one reader of JSON values: parameters
/// (`--params FILE`, the HTTP API) take it whole, and the data loader takes it after
/// refusing what a property cannot hold. A typed value object (`{"$type": "Date",
/// "_value": "2010-09-15"}`, as `--format json` and the files write it) becomes the
/// date, time, duration or special float it names; any other object becomes a map.
///
/// ```
/// use korpu::graph::Value;
/// use korpu::load::format::value_from_json;
/// let json = serde_json::json!({"when": {"$type": "Date", "_value": "1918-05-28"}, "n": [1, 2.5]});
/// let Value::Map(map) = value_from_json(&json).unwrap() else { panic!() };
/// assert!(matches!(map["when"], Value::Temporal(_)));
/// assert!(matches!(&map["n"], Value::List(items) if items.len() == 2));
/// ```
pub fn value_from_json(json: &Json) -> Result<Value, String> {
    Ok(match json {
        Json::Null => Value::Null,
        Json::Bool(flag) => Value::Bool(*flag),
        Json::Number(number) => match number.as_i64() {
            Some(integer) => Value::Int(integer),
            None if number.is_f64() => Value::Float(number.as_f64().unwrap_or(f64::NAN)),
            None => return Err(format!("the number {number} does not fit a 64-bit integer")),
        },
        Json::String(text) => Value::from(text.as_str()),
        Json::Array(items) => {
            Value::List(items.iter().map(value_from_json).collect::<Result<_, _>>()?)
        }
        Json::Object(entries) => match typed_value(json) {
            Some(typed) => typed?,
            None => Value::Map(
                entries
                    .iter()
                    .map(|(key, item)| Ok((key.clone(), value_from_json(item)?)))
                    .collect::<Result<_, String>>()?,
            ),
        },
    })
}

/// Compact JSON as the files write values: `", "` between list items, `": "` in maps.
pub fn json_text(json: &Json) -> String {
    let mut text = String::new();
    write_json(&mut text, json);
    text
}

fn write_json(out: &mut String, json: &Json) {
    match json {
        Json::Array(items) => {
            out.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    out.push_str(", ");
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Json::Object(entries) => {
            out.push('{');
            for (position, (key, item)) in entries.iter().enumerate() {
                if position > 0 {
                    out.push_str(", ");
                }
                out.push_str(&Json::String(key.clone()).to_string());
                out.push_str(": ");
                write_json(out, item);
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// A node's labels and properties as the saver compares them with a record.
pub(crate) fn node_content(graph: &Graph, node: NodeId) -> (Vec<String>, Map<String, Json>) {
    let labels = graph.node_labels(node).map(str::to_owned).collect();
    let properties = graph
        .node_properties(node)
        .map(|(key, value)| (key.to_owned(), value_to_json(value)))
        .collect();
    (labels, properties)
}

/// A relationship's type and properties as the saver compares them with a record.
pub(crate) fn edge_properties(graph: &Graph, edge: EdgeId) -> Map<String, Json> {
    graph.edge_properties(edge).map(|(key, value)| (key.to_owned(), value_to_json(value))).collect()
}

/// Orders `properties` as `written` lists keys (a record's existing order), then the
/// rest in the graph's order.
fn ordered<'p>(
    properties: &'p Map<String, Json>,
    written: &[String],
) -> Vec<(&'p String, &'p Json)> {
    let mut out: Vec<(&String, &Json)> =
        written.iter().filter_map(|key| properties.get_key_value(key)).collect();
    for (key, value) in properties {
        if !written.contains(key) {
            out.push((key, value));
        }
    }
    out
}

fn write_properties(out: &mut String, properties: &[(&String, &Json)], indent: &str) {
    if properties.is_empty() {
        out.push_str("{}");
        return;
    }
    out.push_str("{\n");
    for (position, (key, value)) in properties.iter().enumerate() {
        out.push_str(indent);
        out.push_str("    ");
        out.push_str(&Json::String((*key).clone()).to_string());
        out.push_str(": ");
        write_json(out, value);
        if position + 1 < properties.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str(indent);
    out.push_str("  }");
}

/// A node record, starting at `{` and ending at `}`, its inner lines indented from
/// `indent` (the record's own indentation).
pub(crate) fn node_record(
    id: &str,
    labels: &[String],
    properties: &Map<String, Json>,
    key_order: &[String],
    indent: &str,
) -> String {
    let mut out = String::from("{\n");
    let labels: Vec<Json> = labels.iter().map(|label| Json::String(label.clone())).collect();
    let (id_key, labels_key, properties_key) = (keys::ID, keys::LABELS, keys::PROPERTIES);
    out.push_str(&format!("{indent}  \"{id_key}\": {},\n", Json::String(id.to_owned())));
    out.push_str(&format!("{indent}  \"{labels_key}\": {},\n", json_text(&Json::Array(labels))));
    out.push_str(&format!("{indent}  \"{properties_key}\": "));
    write_properties(&mut out, &ordered(properties, key_order), indent);
    out.push('\n');
    out.push_str(indent);
    out.push('}');
    out
}

/// A relationship record, laid out like `node_record`.
pub(crate) fn edge_record(
    from: &str,
    to: &str,
    rel_type: &str,
    properties: &Map<String, Json>,
    key_order: &[String],
    indent: &str,
) -> String {
    let mut out = String::from("{\n");
    let (from_key, to_key, type_key) = (keys::FROM, keys::TO, keys::TYPE);
    out.push_str(&format!("{indent}  \"{from_key}\": {},\n", Json::String(from.to_owned())));
    out.push_str(&format!("{indent}  \"{to_key}\": {},\n", Json::String(to.to_owned())));
    out.push_str(&format!("{indent}  \"{type_key}\": {},\n", Json::String(rel_type.to_owned())));
    out.push_str(&format!("{indent}  \"{}\": ", keys::PROPERTIES));
    write_properties(&mut out, &ordered(properties, key_order), indent);
    out.push('\n');
    out.push_str(indent);
    out.push('}');
    out
}
