//! What a transaction changed, read from the journal at its commit, and the primitives
//! that apply such a change set again to the graph the transaction started from.
//!
//! `changes_since` names the elements a transaction created, changed or deleted (and
//! whether it touched the declared rules); the transaction log stores their final
//! states. Replaying needs every element at the same id as before: ids are never
//! reused, and a creation that was rolled back still used one up, so `restore_node`
//! and `restore_edge` first fill any gap with tombstones, as the rollback left them,
//! and `pad_to` does the same up to the bounds the commit ended with. None of this is
//! journaled; it runs while recovering, with no savepoint open.

use std::collections::BTreeSet;

use petgraph::stable_graph::NodeIndex;
use petgraph::visit::{EdgeIndexable, NodeIndexable};

use super::journal::Undo;
use super::key::CompactKey;
use super::{EdgeId, EdgeRecord, Graph, GraphError, NodeId, NodeRecord, Savepoint, Value};

/// The elements one transaction created, changed or deleted, each once, in id order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// Created and still there at the end.
    pub created_nodes: Vec<NodeId>,
    /// There before, still there, with labels or properties changed.
    pub changed_nodes: Vec<NodeId>,
    /// There before, deleted now.
    pub deleted_nodes: Vec<NodeId>,
    pub created_edges: Vec<EdgeId>,
    pub changed_edges: Vec<EdgeId>,
    pub deleted_edges: Vec<EdgeId>,
    /// An index or constraint was declared or dropped.
    pub schema_changed: bool,
    /// The id bounds at the end: every id below was used, whether or not it is alive.
    pub node_bound: u32,
    pub edge_bound: u32,
}

impl ChangeSet {
    /// How many elements changed (and whether the rules did, as one).
    pub fn size(&self) -> usize {
        self.created_nodes.len()
            + self.changed_nodes.len()
            + self.deleted_nodes.len()
            + self.created_edges.len()
            + self.changed_edges.len()
            + self.deleted_edges.len()
            + usize::from(self.schema_changed)
    }

    /// True when nothing at all changed (not even an id was used up).
    pub fn is_empty(&self) -> bool {
        self.created_nodes.is_empty()
            && self.changed_nodes.is_empty()
            && self.deleted_nodes.is_empty()
            && self.created_edges.is_empty()
            && self.changed_edges.is_empty()
            && self.deleted_edges.is_empty()
            && !self.schema_changed
    }
}

impl Graph {
    /// What changed since `savepoint`, which must still be open.
    pub fn changes_since(&self, savepoint: &Savepoint) -> ChangeSet {
        let (mut created_nodes, mut touched_nodes) = (BTreeSet::new(), BTreeSet::new());
        let (mut created_edges, mut touched_edges) = (BTreeSet::new(), BTreeSet::new());
        let mut schema_changed = false;
        for undo in self.journal.entries_since(savepoint) {
            match undo {
                Undo::CreatedNode(node) => {
                    created_nodes.insert(*node);
                }
                Undo::NodeProperty { node, .. }
                | Undo::NodeLabels { node, .. }
                | Undo::DeletedNode { node, .. } => {
                    touched_nodes.insert(*node);
                }
                Undo::CreatedEdge(edge) => {
                    created_edges.insert(*edge);
                }
                Undo::EdgeProperties { edge, .. } | Undo::DeletedEdge { edge, .. } => {
                    touched_edges.insert(*edge);
                }
                Undo::CreatedIndex(_)
                | Undo::DroppedIndex(_)
                | Undo::CreatedConstraint(_)
                | Undo::DroppedConstraint(_) => schema_changed = true,
            }
        }
        let alive_nodes = |nodes: &BTreeSet<NodeId>| -> (Vec<NodeId>, Vec<NodeId>) {
            nodes.iter().partition(|node| self.contains_node(**node))
        };
        let alive_edges = |edges: &BTreeSet<EdgeId>| -> (Vec<EdgeId>, Vec<EdgeId>) {
            edges.iter().partition(|edge| self.contains_edge(**edge))
        };
        let touched_nodes: BTreeSet<NodeId> =
            touched_nodes.difference(&created_nodes).copied().collect();
        let touched_edges: BTreeSet<EdgeId> =
            touched_edges.difference(&created_edges).copied().collect();
        // A creation deleted again is a tombstone like a rolled-back one: padding.
        let (created_nodes, _) = alive_nodes(&created_nodes);
        let (changed_nodes, deleted_nodes) = alive_nodes(&touched_nodes);
        let (created_edges, _) = alive_edges(&created_edges);
        let (changed_edges, deleted_edges) = alive_edges(&touched_edges);
        ChangeSet {
            created_nodes,
            changed_nodes,
            deleted_nodes,
            created_edges,
            changed_edges,
            deleted_edges,
            schema_changed,
            node_bound: self.store.node_bound() as u32,
            edge_bound: self.store.edge_bound() as u32,
        }
    }

    /// Creates a node at exactly `id`, filling any ids below it that are not used yet
    /// with tombstones. Fails when `id` is already used.
    pub fn restore_node(
        &mut self,
        id: NodeId,
        key: &str,
        labels: &[&str],
        properties: Vec<(String, Value)>,
    ) -> Result<(), GraphError> {
        if (id.0 as usize) < self.store.node_bound() {
            return Err(GraphError::IdInUse(format!("node {}", id.0)));
        }
        self.pad_to(id.0, self.store.edge_bound() as u32);
        let made = self.add_node(Some(key), labels, properties)?;
        debug_assert_eq!(made, id);
        Ok(())
    }

    /// Creates a relationship at exactly `id` (see `restore_node`).
    pub fn restore_edge(
        &mut self,
        id: EdgeId,
        (from, to): (NodeId, NodeId),
        rel_type: &str,
        properties: Vec<(String, Value)>,
    ) -> Result<(), GraphError> {
        if (id.0 as usize) < self.store.edge_bound() {
            return Err(GraphError::IdInUse(format!("relationship {}", id.0)));
        }
        for node in [from, to] {
            if !self.contains_node(node) {
                return Err(GraphError::IdInUse(format!("no node {} to connect", node.0)));
            }
        }
        self.pad_to(self.store.node_bound() as u32, id.0);
        let made = self.add_edge(from, to, rel_type, properties)?;
        debug_assert_eq!(made, id);
        Ok(())
    }

    /// Makes `node` carry exactly `labels` and `properties`.
    pub fn replace_node(
        &mut self,
        node: NodeId,
        labels: &[&str],
        properties: Vec<(String, Value)>,
    ) -> Result<(), GraphError> {
        let old_labels: Vec<String> = self.node_labels(node).map(str::to_owned).collect();
        for label in old_labels.iter().filter(|label| !labels.contains(&label.as_str())) {
            self.remove_label(node, label);
        }
        for label in labels {
            self.add_label(node, label);
        }
        let old_keys: Vec<String> =
            self.node_properties(node).map(|(key, _)| key.to_owned()).collect();
        for key in old_keys.iter().filter(|key| !properties.iter().any(|(new, _)| new == *key)) {
            self.set_node_property(node, key, Value::Null)?;
        }
        for (key, value) in properties {
            self.set_node_property(node, &key, value)?;
        }
        Ok(())
    }

    /// Gives relationship `edge` exactly `properties`.
    pub fn replace_edge_properties(
        &mut self,
        edge: EdgeId,
        properties: Vec<(String, Value)>,
    ) -> Result<(), GraphError> {
        let old_keys: Vec<String> =
            self.edge_properties(edge).map(|(key, _)| key.to_owned()).collect();
        for key in old_keys.iter().filter(|key| !properties.iter().any(|(new, _)| new == *key)) {
            self.set_edge_property(edge, key, Value::Null)?;
        }
        for (key, value) in properties {
            self.set_edge_property(edge, &key, value)?;
        }
        Ok(())
    }

    /// Uses up node ids below `node_bound` and relationship ids below `edge_bound` with
    /// tombstones, as rolled-back creations leave them.
    pub fn pad_to(&mut self, node_bound: u32, edge_bound: u32) {
        while (self.store.node_bound() as u32) < node_bound {
            let number = self.store.node_bound();
            let key = CompactKey::new(&format!("_tombstone{number}"));
            let empty = self.intern_label_set(&[]);
            let index = self.store.add_node(NodeRecord { key, label_set: empty });
            if self.adjacency.len() <= index.index() {
                self.adjacency.resize_with(index.index() + 1, Vec::new);
            }
            self.deleted_nodes.insert(NodeId(index.index() as u32));
        }
        // Relationships imply nodes; with none there is nothing to hang a tombstone on.
        while (self.store.edge_bound() as u32) < edge_bound && self.store.node_bound() > 0 {
            // A tombstone is in no adjacency list or index; its ends and type are never
            // read, so it hangs off the first node.
            let anchor = NodeIndex::new(0);
            let record = EdgeRecord { rel_type: super::Symbol(0), properties: Box::new([]) };
            let index = self.store.add_edge(anchor, anchor, record);
            self.deleted_edges.insert(EdgeId(index.index() as u32));
        }
    }
}
