//! The provenance rule a data folder can declare in `schema.json` (`"provenance": "…"`):
//! every node and relationship says where it comes from, `source` being the paragraph
//! of the source document that states it (with the verbatim `quote`), or `"general"`
//! for common knowledge the document does not state. `korpu check` lists the facts that
//! break it, so a fact added in the shell without its source is noticed before it is
//! committed to the data.

use serde_json::Value as Json;

use super::format::keys;
use super::{ReadFiles, SCHEMA_FILE};
use crate::graph::{Graph, Value};

/// True when the folder's `schema.json` declares the provenance rule.
pub fn declares_provenance(files: &ReadFiles) -> bool {
    files
        .sources
        .iter()
        .filter(|source| source.name.rsplit(['/', '\\']).next() == Some(SCHEMA_FILE))
        .filter_map(|source| serde_json::from_str::<Json>(&source.text).ok())
        .any(|schema| schema.get("provenance").is_some())
}

/// Every node and relationship that breaks the rule, one line each, with its id. With
/// the source document, a quote must also stand verbatim in the paragraph it names.
pub fn unsourced_facts(graph: &Graph, document: Option<&str>) -> Vec<String> {
    let paragraphs: Option<Vec<&str>> =
        document.map(|text| text.lines().filter(|line| !line.trim().is_empty()).collect());
    let problem = |properties| problem(properties, paragraphs.as_deref());
    let mut facts = Vec::new();
    for node in graph.nodes() {
        let labels: Vec<&str> = graph.node_labels(node).collect();
        let what = format!("node `{}` (:{})", graph.node_key(node), labels.join(":"));
        if let Some(problem) = problem(graph.node_properties(node).collect()) {
            facts.push(format!("{what}: {problem}"));
        }
    }
    for edge in graph.edges() {
        let (from, to) = graph.edge_endpoints(edge);
        let what = format!(
            "relationship `{}`-[:{}]->`{}`",
            graph.node_key(from),
            graph.edge_type(edge),
            graph.node_key(to)
        );
        if let Some(problem) = problem(graph.edge_properties(edge).collect()) {
            facts.push(format!("{what}: {problem}"));
        }
    }
    facts
}

fn problem(properties: Vec<(&str, &Value)>, paragraphs: Option<&[&str]>) -> Option<&'static str> {
    let get = |key: &str| properties.iter().find(|(name, _)| *name == key).map(|(_, value)| *value);
    match (get(keys::SOURCE), get(keys::QUOTE)) {
        (None, _) => Some("unsourced: no `source` (a paragraph number, or \"general\")"),
        (Some(Value::Int(paragraph)), Some(Value::String(quote))) if !quote.is_empty() => {
            let paragraphs = paragraphs?;
            match usize::try_from(*paragraph)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|n| paragraphs.get(n))
            {
                None => Some("unsourced: `source` names a paragraph the document does not have"),
                Some(text) if !text.contains(&**quote) => Some(
                    "misquoted: the `quote` is not word for word in the paragraph `source` names",
                ),
                Some(_) => None,
            }
        }
        (Some(Value::Int(_)), _) => {
            Some("unsourced: `source` names a paragraph but there is no `quote`")
        }
        (Some(Value::String(general)), _) if &**general == "general" => None,
        (Some(_), _) => Some("unsourced: `source` must be a paragraph number or \"general\""),
    }
}
