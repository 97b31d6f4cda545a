//! The mutation API beyond creation: setting and removing properties and labels, and
//! deleting relationships and nodes, each recorded in the journal so it can be undone.
//!
//! Every change keeps the primary data and the indexes in step. Insertions into label
//! lists happen at once, and into range indexes as a recent run their reads look at
//! entry by entry; removals only mark the list or index stale; `flush_indexes` sorts the
//! recent runs in and sweeps each stale list or index in a single pass (the executor
//! flushes after every write clause), so deleting a tenth of a large graph, or setting a
//! million numbers, costs a pass per index rather than a copy of the index per node.

use petgraph::stable_graph::{EdgeIndex, NodeIndex};

use super::journal::Undo;
use super::{AdjacencyEntry, EdgeId, EdgeRecord, Graph, GraphError, NodeId, Symbol, Value};

impl Graph {
    /// Sets (or, with `Null`, removes) property `key` of `node`.
    pub fn set_node_property(
        &mut self,
        node: NodeId,
        key: &str,
        value: Value,
    ) -> Result<(), GraphError> {
        let Some(symbol) = self.key_to_set(key, &value)? else { return Ok(()) };
        let old = self.put_node_property(node, symbol, value);
        if !self.journal.is_fresh_node(node) {
            self.journal.record(Undo::NodeProperty { node, key: symbol, old });
        }
        Ok(())
    }

    /// Sets (or, with `Null`, removes) property `key` of relationship `edge`.
    pub fn set_edge_property(
        &mut self,
        edge: EdgeId,
        key: &str,
        value: Value,
    ) -> Result<(), GraphError> {
        let Some(symbol) = self.key_to_set(key, &value)? else { return Ok(()) };
        let old = self.edge_record_mut(edge).properties.clone();
        let mut properties: Vec<(Symbol, Value)> =
            old.iter().filter(|(existing, _)| *existing != symbol).cloned().collect();
        if !value.is_null() {
            // Keep the key where it was, so a changed value does not reorder the record.
            match old.iter().position(|(existing, _)| *existing == symbol) {
                Some(at) => properties.insert(at, (symbol, value)),
                None => properties.push((symbol, value)),
            }
        }
        self.put_edge_properties(edge, properties.into_boxed_slice());
        if !self.journal.is_fresh_edge(edge) {
            self.journal.record(Undo::EdgeProperties { edge, old });
        }
        Ok(())
    }

    /// Adds `label` to `node`; `false` when it already had it.
    pub fn add_label(&mut self, node: NodeId, label: &str) -> bool {
        let symbol = self.labels.intern(label);
        let old = self.node(node).label_set;
        if self.label_sets[old as usize].contains(symbol) {
            return false;
        }
        let mut labels: Vec<Symbol> = self.label_sets[old as usize].labels.to_vec();
        labels.push(symbol);
        let new = self.label_set_of_symbols(labels);
        self.put_label_set(node, new);
        if !self.journal.is_fresh_node(node) {
            self.journal.record(Undo::NodeLabels { node, old });
        }
        true
    }

    /// Removes `label` from `node`; `false` when it did not have it.
    pub fn remove_label(&mut self, node: NodeId, label: &str) -> bool {
        let Some(symbol) = self.labels.get(label) else { return false };
        let old = self.node(node).label_set;
        if !self.label_sets[old as usize].contains(symbol) {
            return false;
        }
        let labels: Vec<Symbol> = self.label_sets[old as usize]
            .labels
            .iter()
            .copied()
            .filter(|existing| *existing != symbol)
            .collect();
        let new = self.label_set_of_symbols(labels);
        self.put_label_set(node, new);
        if !self.journal.is_fresh_node(node) {
            self.journal.record(Undo::NodeLabels { node, old });
        }
        true
    }

    /// Deletes relationship `edge`; `false` when it was already deleted.
    pub fn delete_edge(&mut self, edge: EdgeId) -> bool {
        if self.is_edge_deleted(edge) {
            return false;
        }
        let positions = self.bury_edge(edge);
        self.journal.record(Undo::DeletedEdge { edge, positions });
        true
    }

    /// Deletes `node`, which must have no relationships left; `Ok(false)` when it was
    /// already deleted.
    pub fn delete_node(&mut self, node: NodeId) -> Result<bool, GraphError> {
        if self.is_node_deleted(node) {
            return Ok(false);
        }
        if !self.adjacency[node.0 as usize].is_empty() {
            return Err(GraphError::NodeHasRelationships(self.node_key(node).to_owned()));
        }
        let (label_set, properties) = self.bury_node(node);
        self.journal.record(Undo::DeletedNode { node, label_set, properties });
        Ok(true)
    }

    /// Deletes `node` and its relationships; the number of relationships deleted, or
    /// `None` when the node was already deleted.
    pub fn detach_delete_node(&mut self, node: NodeId) -> Option<usize> {
        if self.is_node_deleted(node) {
            return None;
        }
        let edges: Vec<EdgeId> =
            self.adjacency[node.0 as usize].iter().map(|entry| entry.edge).collect();
        let deleted = edges.into_iter().filter(|edge| self.delete_edge(*edge)).count();
        self.delete_node(node).expect("its relationships were just deleted");
        Some(deleted)
    }

    /// Gives `node` another id (its key in the data files); `false` when another node
    /// has that id. Not journaled: a save renames nodes it created after committing.
    pub fn rename_node(&mut self, node: NodeId, key: &str) -> bool {
        if self.nodes_by_key.contains_key(key) {
            return false;
        }
        let old = self.node(node).key.clone();
        self.nodes_by_key.remove(old.as_str());
        let new = super::key::CompactKey::new(key);
        self.store[NodeIndex::new(node.0 as usize)].key = new.clone();
        self.nodes_by_key.insert(new, node);
        true
    }

    /// Sweeps the label lists and range indexes that removals left stale.
    pub fn flush_indexes(&mut self) {
        let labels: Vec<Symbol> = self.stale_labels.drain().collect();
        for label in labels {
            let Some(list) = self.nodes_by_label.get_mut(label.0 as usize) else { continue };
            let mut list = std::mem::take(list);
            list.retain(|node| !self.is_node_deleted(*node) && self.has_label(*node, label));
            list.dedup();
            self.nodes_by_label[label.0 as usize] = list;
        }
        for index in self.range_indexes.values_mut() {
            index.merge_recent();
        }
        let ranges: Vec<(Symbol, Symbol)> = self.stale_ranges.drain().collect();
        for (label, key) in ranges {
            let Some(mut index) = self.range_indexes.remove(&(label, key)) else { continue };
            index.sweep(|value, node| {
                !self.is_node_deleted(node)
                    && self.has_label(node, label)
                    && self
                        .node_property(node, key)
                        .is_some_and(|current| same_number(current, value))
            });
            if !index.is_empty() {
                self.range_indexes.insert((label, key), index);
            }
        }
    }

    // --- Unjournaled steps, shared by the API above and by the journal's undo ---------

    /// The symbol of the key a property is set under, interned if new; `None` when the
    /// value is null and the key was never used (nothing to remove); an error for a value
    /// a property cannot hold.
    fn key_to_set(&mut self, key: &str, value: &Value) -> Result<Option<Symbol>, GraphError> {
        if !value.is_storable() {
            return Err(GraphError::UnstorableValue {
                key: key.to_owned(),
                what: value.unstorable_description(),
            });
        }
        Ok(match self.keys.get(key) {
            Some(symbol) => Some(symbol),
            None if value.is_null() => None,
            None => Some(self.intern_key(key)),
        })
    }

    pub(super) fn intern_key(&mut self, key: &str) -> Symbol {
        let symbol = self.keys.intern(key);
        if self.node_columns.len() <= symbol.0 as usize {
            self.node_columns.resize_with(symbol.0 as usize + 1, Vec::new);
        }
        symbol
    }

    /// The label set holding `labels`, in that order (a label added later comes last).
    fn label_set_of_symbols(&mut self, labels: Vec<Symbol>) -> u32 {
        let names: Vec<String> =
            labels.iter().map(|symbol| self.labels.name(*symbol).to_owned()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.intern_label_set(&names)
    }

    pub(super) fn edge_record_mut(&mut self, edge: EdgeId) -> &mut EdgeRecord {
        &mut self.store[EdgeIndex::new(edge.0 as usize)]
    }

    /// Replaces a relationship's properties and keeps the declared indexes in step.
    pub(super) fn put_edge_properties(&mut self, edge: EdgeId, properties: Box<[(Symbol, Value)]>) {
        self.reindex_edge(edge, false, None);
        self.edge_record_mut(edge).properties = properties;
        self.reindex_edge(edge, true, None);
    }

    /// Writes a node's value for `key` (`Null` removes it) and keeps the `name` and
    /// range indexes in step; returns the old value.
    pub(super) fn put_node_property(&mut self, node: NodeId, key: Symbol, value: Value) -> Value {
        let slot = node.0 as usize;
        let column = &mut self.node_columns[key.0 as usize];
        if column.len() <= slot {
            column.resize(slot + 1, Value::Null);
        }
        let old = std::mem::replace(&mut column[slot], value.clone());
        let is_name = self.keys.name(key) == "name";
        let labels = self.node_label_symbols(node).to_vec();
        if matches!(old, Value::Int(_) | Value::Float(_)) {
            for label in &labels {
                self.stale_ranges.insert((*label, key));
            }
        }
        if let (true, Value::String(name)) = (is_name, &old)
            && self.nodes_by_name.get_mut(name).is_some_and(|list| list.remove(node))
        {
            self.nodes_by_name.remove(name);
        }
        if matches!(value, Value::Int(_) | Value::Float(_)) {
            for label in &labels {
                self.range_indexes.entry((*label, key)).or_default().insert(&value, node, true);
            }
        }
        if let (true, Value::String(name)) = (is_name, &value) {
            match self.nodes_by_name.get_mut(name) {
                Some(list) => list.insert(node),
                None => {
                    self.nodes_by_name.insert(name.clone(), super::NodeList::One(node));
                }
            }
        }
        self.reindex_node_property(node, key, &old);
        old
    }

    /// Gives `node` another label set and updates the label lists, the range indexes and
    /// the copies of its label set in its neighbours' adjacency lists.
    pub(super) fn put_label_set(&mut self, node: NodeId, new: u32) {
        let old = self.node(node).label_set;
        if old == new {
            return;
        }
        let old_labels = self.label_sets[old as usize].labels.clone();
        let new_labels = self.label_sets[new as usize].labels.clone();
        self.store[NodeIndex::new(node.0 as usize)].label_set = new;
        let numeric_keys: Vec<(Symbol, Value)> = self
            .node_columns
            .iter()
            .enumerate()
            .filter_map(|(key, column)| match column.get(node.0 as usize) {
                Some(value @ (Value::Int(_) | Value::Float(_))) => {
                    Some((Symbol(key as u32), value.clone()))
                }
                _ => None,
            })
            .collect();
        for label in old_labels.iter().filter(|label| !new_labels.contains(label)) {
            self.stale_labels.insert(*label);
            for (key, _) in &numeric_keys {
                self.stale_ranges.insert((*label, *key));
            }
        }
        for label in new_labels.iter().filter(|label| !old_labels.contains(label)) {
            let slot = label.0 as usize;
            if self.nodes_by_label.len() <= slot {
                self.nodes_by_label.resize_with(slot + 1, Vec::new);
            }
            let list = &mut self.nodes_by_label[slot];
            let at = list.partition_point(|existing| *existing < node);
            // A stale entry from a removal not yet swept is still there: reuse it.
            if list.get(at) != Some(&node) {
                list.insert(at, node);
            }
            for (key, value) in &numeric_keys {
                self.range_indexes.entry((*label, *key)).or_default().insert(value, node, true);
            }
        }
        self.reindex_node_labels(node, &old_labels, &new_labels);
        let entries: Vec<AdjacencyEntry> = self.adjacency[node.0 as usize].clone();
        for entry in entries {
            for other_entry in self.adjacency[entry.other.0 as usize].iter_mut() {
                if other_entry.edge == entry.edge && other_entry.other == node {
                    other_entry.other_label_set = new;
                }
            }
        }
    }

    /// Removes a node with no relationships from every index and marks it deleted;
    /// returns its label set and properties for an undo.
    pub(super) fn bury_node(&mut self, node: NodeId) -> (u32, Vec<(Symbol, Value)>) {
        debug_assert!(self.adjacency[node.0 as usize].is_empty());
        let mut properties = Vec::new();
        for key in 0..self.node_columns.len() {
            let key = Symbol(key as u32);
            if self.node_property(node, key).is_some() {
                properties.push((key, self.put_node_property(node, key, Value::Null)));
            }
        }
        let label_set = self.node(node).label_set;
        let empty = self.intern_label_set(&[]);
        self.put_label_set(node, empty);
        let key = self.node(node).key.clone();
        self.nodes_by_key.remove(key.as_str());
        self.deleted_nodes.insert(node);
        (label_set, properties)
    }

    /// Undoes `bury_node`.
    pub(super) fn raise_node(
        &mut self,
        node: NodeId,
        label_set: u32,
        properties: Vec<(Symbol, Value)>,
    ) {
        self.deleted_nodes.remove(&node);
        let key = self.node(node).key.clone();
        self.nodes_by_key.insert(key, node);
        self.put_label_set(node, label_set);
        for (key, value) in properties {
            self.put_node_property(node, key, value);
        }
    }

    /// Removes a relationship from both adjacency lists and the type counts and marks it
    /// deleted; returns where its entries stood, for an undo.
    pub(super) fn bury_edge(&mut self, edge: EdgeId) -> (usize, Option<usize>) {
        self.reindex_edge(edge, false, None);
        let (from, to) = self.edge_endpoints(edge);
        let from_list = &mut self.adjacency[from.0 as usize];
        let from_position = from_list
            .iter()
            .position(|entry| entry.edge == edge)
            .expect("a live relationship is in its start node's list");
        from_list.remove(from_position);
        let to_position = (from != to).then(|| {
            let to_list = &mut self.adjacency[to.0 as usize];
            let at = to_list
                .iter()
                .position(|entry| entry.edge == edge)
                .expect("a live relationship is in its end node's list");
            to_list.remove(at);
            at
        });
        let rel_type = self.edge(edge).rel_type;
        self.edges_by_type[rel_type.0 as usize] -= 1;
        self.deleted_edges.insert(edge);
        (from_position, to_position)
    }

    /// Undoes `bury_edge`, putting the entries back where they stood.
    pub(super) fn raise_edge(&mut self, edge: EdgeId, positions: (usize, Option<usize>)) {
        self.deleted_edges.remove(&edge);
        self.reindex_edge(edge, true, None);
        let (from, to) = self.edge_endpoints(edge);
        let rel_type = self.edge(edge).rel_type;
        self.edges_by_type[rel_type.0 as usize] += 1;
        let (from_labels, to_labels) = (self.node(from).label_set, self.node(to).label_set);
        let from_list = &mut self.adjacency[from.0 as usize];
        let at = positions.0.min(from_list.len());
        from_list.insert(
            at,
            AdjacencyEntry {
                edge,
                other: to,
                type_and_direction: rel_type.0 << 1 | 1,
                other_label_set: to_labels,
            },
        );
        if let Some(position) = positions.1 {
            let to_list = &mut self.adjacency[to.0 as usize];
            let at = position.min(to_list.len());
            to_list.insert(
                at,
                AdjacencyEntry {
                    edge,
                    other: from,
                    type_and_direction: rel_type.0 << 1,
                    other_label_set: from_labels,
                },
            );
        }
    }
}

/// The same number, as the range index stores it (an integer is not a float here).
pub(super) fn same_number(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Int(a), Value::Int(b)) => a == b,
        (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
        _ => false,
    }
}
