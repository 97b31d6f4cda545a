//! Renderers: `QueryResult` → text for people and programs.
//!
//! `table` aligns by display width, `json` follows the contract scripts rely on (one
//! object per statement), `csv` quotes per RFC 4180, `dot` draws the subgraph a result
//! touches. All are pure functions of a result and the graph it came from. `terminal`
//! is how the shell shows a result (tables fitted to its width) and `overview` the text
//! overviews of a whole graph (`korpu check`, `:schema`).
//!
//! `Format` is the one list of result formats: the command line's `--format` converts
//! into it in one place (`Args::output_format`), and the shell's `:format` keeps one.

pub mod csv;
pub mod dot;
pub mod json;
pub mod overview;
pub mod table;
pub mod terminal;

use std::fmt::Write as _;

use crate::graph::{Graph, Value};
use crate::query::syntax::ast::write_name;
use crate::text::{write_float, write_string};

/// The output formats of results: `query` and `run` print in any of them, the shell's
/// `:format` picks among the first three (it draws DOT only through `:export dot`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Csv,
    Dot,
}

impl Format {
    /// The name the command line and `:format` use: `table`, `json`, `csv`, `dot`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Dot => "dot",
        }
    }
}

/// A value as Cypher-like text: `'text'`, `[1, 2]`, `(:NGO {name: 'x'})`,
/// `[:LEADS {role: 'chair'}]`, `<(…)-[…]->(…)>`.
pub fn value_text(value: &Value, graph: &Graph) -> String {
    let mut text = String::new();
    write_value(&mut text, value, graph, Quoting::Quoted);
    text
}

/// Like `value_text`, but a top-level string is shown bare (table cells).
pub fn cell_text(value: &Value, graph: &Graph) -> String {
    let mut text = String::new();
    write_value(&mut text, value, graph, Quoting::BareTopLevel);
    text
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    Quoted,
    BareTopLevel,
}

fn write_properties<'a>(
    text: &mut String,
    properties: impl Iterator<Item = (&'a str, &'a Value)>,
    graph: &Graph,
) {
    let mut sorted: Vec<(&str, &Value)> = properties.collect();
    sorted.sort_by(|left, right| left.0.cmp(right.0));
    if sorted.is_empty() {
        return;
    }
    text.push_str(" {");
    for (position, (key, value)) in sorted.into_iter().enumerate() {
        if position > 0 {
            text.push_str(", ");
        }
        let _ = write_name(text, key);
        text.push_str(": ");
        write_value(text, value, graph, Quoting::Quoted);
    }
    text.push('}');
}

fn write_node(text: &mut String, node: crate::graph::NodeId, graph: &Graph) {
    text.push('(');
    for label in graph.node_labels(node) {
        text.push(':');
        let _ = write_name(text, label);
    }
    let mut inner = String::new();
    write_properties(&mut inner, graph.node_properties(node), graph);
    if graph.node_labels(node).next().is_none() {
        text.push_str(inner.trim_start());
    } else {
        text.push_str(&inner);
    }
    text.push(')');
}

fn write_relationship(text: &mut String, edge: crate::graph::EdgeId, graph: &Graph) {
    text.push_str("[:");
    let _ = write_name(text, graph.edge_type(edge));
    write_properties(text, graph.edge_properties(edge), graph);
    text.push(']');
}

fn write_value(text: &mut String, value: &Value, graph: &Graph, quoting: Quoting) {
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
        Value::Temporal(temporal) => {
            let _ = write!(text, "{temporal}");
        }
        // Bytes as hexadecimal, two digits a byte: `0x4bc3b672`.
        Value::Bytes(bytes) => {
            text.push_str("0x");
            for byte in bytes.iter() {
                let _ = write!(text, "{byte:02x}");
            }
        }
        duration @ Value::Duration { .. } => {
            let _ = write!(text, "{}", duration.as_duration().unwrap_or_default());
        }
        Value::String(string) => {
            if quoting == Quoting::BareTopLevel {
                text.push_str(string);
            } else {
                let _ = write_string(text, string);
            }
        }
        Value::List(items) => {
            text.push('[');
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    text.push_str(", ");
                }
                write_value(text, item, graph, Quoting::Quoted);
            }
            text.push(']');
        }
        Value::Map(entries) => {
            text.push('{');
            for (position, (key, item)) in entries.iter().enumerate() {
                if position > 0 {
                    text.push_str(", ");
                }
                let _ = write_name(text, key);
                text.push_str(": ");
                write_value(text, item, graph, Quoting::Quoted);
            }
            text.push('}');
        }
        Value::Node(node) => write_node(text, *node, graph),
        Value::Relationship(edge) => write_relationship(text, *edge, graph),
        Value::Path(path) => {
            text.push('<');
            write_node(text, path.nodes[0], graph);
            for (edge, node) in path.relationships.iter().zip(&path.nodes[1..]) {
                let (start, _) = graph.edge_endpoints(*edge);
                let forward = start != *node;
                text.push_str(if forward { "-" } else { "<-" });
                write_relationship(text, *edge, graph);
                text.push_str(if forward { "->" } else { "-" });
                write_node(text, *node, graph);
            }
            text.push('>');
        }
    }
}
