//! Keeping the declared indexes in step with the data: the mutation API calls these
//! after every change, and `validate` recomputes them.

use super::{Physical, column_value};
use crate::graph::property_index::IndexKey;
use crate::graph::{EdgeId, Graph, NodeId, Symbol, Value};

impl Graph {
    /// The live nodes carrying `label`. The label list itself may still hold entries a
    /// removal left for the next sweep, so each is checked.
    pub(in crate::graph) fn labelled(&self, label: Symbol) -> Vec<NodeId> {
        self.nodes_with_label(label)
            .iter()
            .copied()
            .filter(|node| !self.is_node_deleted(*node) && self.has_label(*node, label))
            .collect()
    }

    /// Indexes a node just created.
    pub(in crate::graph) fn index_new_node(&mut self, node: NodeId) {
        if self.schema.indexes.is_empty() {
            return;
        }
        let labels = self.node_label_symbols(node).to_vec();
        let columns = &self.node_columns;
        for declared in &mut self.schema.indexes {
            if let Physical::Nodes(index) = &mut declared.physical
                && labels.contains(&index.owner)
                && let Some(key) = index.key_of(|key| column_value(columns, node, key))
            {
                index.insert(key, node);
            }
        }
    }

    /// Moves a node's entries after its value for `changed` went from `old` to what the
    /// column now holds.
    pub(in crate::graph) fn reindex_node_property(
        &mut self,
        node: NodeId,
        changed: Symbol,
        old: &Value,
    ) {
        if self.schema.indexes.is_empty() {
            return;
        }
        let labels = self.label_sets[self.node(node).label_set as usize].labels.clone();
        let columns = &self.node_columns;
        for declared in &mut self.schema.indexes {
            let Physical::Nodes(index) = &mut declared.physical else { continue };
            if !labels.contains(&index.owner) || !index.keys.contains(&changed) {
                continue;
            }
            let before = index.key_of(|key| {
                if key == changed {
                    (!old.is_null()).then_some(old)
                } else {
                    column_value(columns, node, key)
                }
            });
            if let Some(before) = before {
                index.remove(&before, node);
            }
            if let Some(after) = index.key_of(|key| column_value(columns, node, key)) {
                index.insert(after, node);
            }
        }
    }

    /// Adds or removes a node's entries after its label set changed.
    pub(in crate::graph) fn reindex_node_labels(
        &mut self,
        node: NodeId,
        old: &[Symbol],
        new: &[Symbol],
    ) {
        if self.schema.indexes.is_empty() {
            return;
        }
        let columns = &self.node_columns;
        for declared in &mut self.schema.indexes {
            let Physical::Nodes(index) = &mut declared.physical else { continue };
            let (had, has) = (old.contains(&index.owner), new.contains(&index.owner));
            if had == has {
                continue;
            }
            if let Some(key) = index.key_of(|key| column_value(columns, node, key)) {
                if has { index.insert(key, node) } else { index.remove(&key, node) }
            }
        }
    }

    /// Adds (`present`) or removes a relationship's entries, with the properties it has
    /// (or `properties`, when given, for the ones it had).
    pub(in crate::graph) fn reindex_edge(
        &mut self,
        edge: EdgeId,
        present: bool,
        properties: Option<&[(Symbol, Value)]>,
    ) {
        if self.schema.indexes.is_empty() {
            return;
        }
        let rel_type = self.edge(edge).rel_type;
        let current = self.edge(edge).properties.clone();
        let properties = properties.unwrap_or(&current);
        for declared in &mut self.schema.indexes {
            let Physical::Edges(index) = &mut declared.physical else { continue };
            if index.owner != rel_type {
                continue;
            }
            let value_of = |key: Symbol| {
                properties.iter().find(|(symbol, _)| *symbol == key).map(|(_, value)| value)
            };
            if let Some(key) = index.key_of(value_of) {
                if present { index.insert(key, edge) } else { index.remove(&key, edge) }
            }
        }
    }

    /// Recomputes every declared index from the data and compares, for `validate`.
    pub(in crate::graph) fn validate_schema(&self, problems: &mut Vec<String>) {
        for declared in &self.schema.indexes {
            let name = &declared.definition.name;
            match &declared.physical {
                Physical::Nodes(index) => {
                    // Keys compare as the index compares them (`1` and `1.0` are one key).
                    let mut expected: Vec<(IndexKey, NodeId)> = Vec::new();
                    for node in self.labelled(index.owner).iter() {
                        if let Some(key) = index.key_of(|key| self.node_property(*node, key)) {
                            expected.push((key, *node));
                        }
                    }
                    let mut actual: Vec<(IndexKey, NodeId)> =
                        index.entries().map(|(key, node)| (key.clone(), node)).collect();
                    expected.sort();
                    actual.sort();
                    if expected != actual || index.len() != actual.len() {
                        let shown = |entries: Vec<&(IndexKey, NodeId)>| -> Vec<String> {
                            entries
                                .iter()
                                .map(|(key, node)| format!("{:?}@{}", key.0, node.0))
                                .collect()
                        };
                        let missing = shown(
                            expected.iter().filter(|entry| !actual.contains(entry)).collect(),
                        );
                        let extra = shown(
                            actual.iter().filter(|entry| !expected.contains(entry)).collect(),
                        );
                        problems.push(format!(
                            "index `{name}` differs from the data: missing {missing:?}, extra {extra:?}, {} counted",
                            index.len()
                        ));
                    }
                }
                Physical::Edges(index) => {
                    let expected = self
                        .edges()
                        .filter(|edge| self.edge_type_symbol(*edge) == index.owner)
                        .filter(|edge| index.key_of(|key| self.edge_property(*edge, key)).is_some())
                        .count();
                    if expected != index.len() {
                        problems.push(format!(
                            "index `{name}` has {} entries for {expected}",
                            index.len()
                        ));
                    }
                }
            }
        }
    }
}
