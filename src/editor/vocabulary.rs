//! What an editor knows about the graph's vocabulary: labels, relationship types,
//! property keys (overall, per label and per type), the short text values of nodes
//! (names to complete inside quotes), and the session's parameter names.
//!
//! `Vocabulary::of` reads a graph once (the shell rebuilds it after a write); the
//! completer then works from this snapshot, so completion needs no access to the graph.
//! Pure: graph in, values out.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::{Graph, Value};

/// Text values longer than this are prose, not names; they are not offered as completions.
const MAX_VALUE_CHARS: usize = 100;
/// Beyond this many values the completer stops collecting (huge graphs).
const MAX_VALUES: usize = 200_000;

/// A node's short text property, for completing `{name: '…`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextValue {
    pub key: String,
    pub labels: Vec<String>,
    pub value: String,
}

/// The vocabulary completion draws on.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    pub labels: Vec<String>,
    pub rel_types: Vec<String>,
    /// Every property key of nodes and relationships, sorted.
    pub keys: Vec<String>,
    pub keys_by_label: BTreeMap<String, BTreeSet<String>>,
    pub keys_by_type: BTreeMap<String, BTreeSet<String>>,
    pub values: Vec<TextValue>,
    /// Names of the session's parameters (without `$`).
    pub params: Vec<String>,
}

impl Vocabulary {
    /// Reads the vocabulary of `graph`.
    ///
    /// ```
    /// use korpu::{graph::Graph, editor::Vocabulary};
    /// let mut graph = Graph::default();
    /// graph.add_node(None, &["City"], vec![("name".into(), "Bakı".into())]).unwrap();
    /// let vocabulary = Vocabulary::of(&graph);
    /// assert_eq!(vocabulary.labels, ["City"]);
    /// assert_eq!(vocabulary.values[0].value, "Bakı");
    /// ```
    pub fn of(graph: &Graph) -> Vocabulary {
        let mut vocabulary = Vocabulary {
            labels: graph.label_counts().into_iter().map(|(label, _)| label.to_owned()).collect(),
            rel_types: graph
                .rel_type_counts()
                .into_iter()
                .map(|(rel_type, _)| rel_type.to_owned())
                .collect(),
            keys: graph.property_keys().into_iter().map(str::to_owned).collect(),
            ..Vocabulary::default()
        };
        for node in graph.nodes() {
            let labels: Vec<String> = graph.node_labels(node).map(str::to_owned).collect();
            for (key, value) in graph.node_properties(node) {
                for label in &labels {
                    vocabulary
                        .keys_by_label
                        .entry(label.clone())
                        .or_default()
                        .insert(key.to_owned());
                }
                if vocabulary.values.len() >= MAX_VALUES {
                    continue;
                }
                let texts: Vec<&str> = match value {
                    Value::String(text) => vec![text],
                    Value::List(items) => items.iter().filter_map(Value::as_str).collect(),
                    _ => continue,
                };
                for text in texts {
                    if text.chars().count() <= MAX_VALUE_CHARS {
                        vocabulary.values.push(TextValue {
                            key: key.to_owned(),
                            labels: labels.clone(),
                            value: text.to_owned(),
                        });
                    }
                }
            }
        }
        for edge in graph.edges() {
            let keys = vocabulary.keys_by_type.entry(graph.edge_type(edge).to_owned()).or_default();
            keys.extend(graph.edge_properties(edge).map(|(key, _)| key.to_owned()));
        }
        vocabulary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Graph {
        crate::render::overview::tiny_graph()
    }

    #[test]
    fn vocabulary_by_label_and_type() {
        let vocabulary = Vocabulary::of(&tiny());
        assert_eq!(vocabulary.labels, ["NGO", "Person"]);
        assert_eq!(vocabulary.rel_types, ["LEADS"]);
        assert_eq!(vocabulary.keys, ["founded", "name", "role"]);
        assert_eq!(vocabulary.keys_by_label["NGO"].iter().collect::<Vec<_>>(), ["founded", "name"]);
        assert_eq!(vocabulary.keys_by_type["LEADS"].iter().collect::<Vec<_>>(), ["role"]);
        assert_eq!(vocabulary.values.len(), 2, "only text values: {:?}", vocabulary.values);
    }
}
