//! The undo log that makes a statement and a transaction all-or-nothing.
//!
//! While a savepoint is open, every change the mutation API makes records how to undo
//! it, except changes to an element created since the innermost open savepoint: undoing
//! the creation buries the element whatever it holds, so an import journals one record
//! per new node rather than one per property. Rolling back to a savepoint undoes the
//! changes made since, newest first, so each undo finds the graph exactly as the change
//! left it: adjacency lists get their entries back at the positions they had, counts
//! and indexes return to what they were, and names interned since the savepoint are
//! forgotten. Ids are not handed back: an element created and rolled back stays a
//! tombstone, so no id is ever reused. Savepoints nest (a statement inside an explicit transaction) and close in LIFO order.
//!
//! One writer at a time holds `&mut Graph`; readers of a shared graph never see a
//! journal, only the committed state or, within the writer, its own changes.

use super::schema::{ConstraintDefinition, IndexDefinition, Touched};
use petgraph::visit::{EdgeIndexable, NodeIndexable};

use super::{EdgeId, Graph, NodeId, Symbol, Value};

/// How to undo one change.
#[derive(Debug)]
pub(super) enum Undo {
    CreatedNode(NodeId),
    CreatedEdge(EdgeId),
    DeletedNode {
        node: NodeId,
        label_set: u32,
        properties: Vec<(Symbol, Value)>,
    },
    DeletedEdge {
        edge: EdgeId,
        positions: (usize, Option<usize>),
    },
    NodeProperty {
        node: NodeId,
        key: Symbol,
        old: Value,
    },
    EdgeProperties {
        edge: EdgeId,
        old: Box<[(Symbol, Value)]>,
    },
    NodeLabels {
        node: NodeId,
        old: u32,
    },
    // Schema changes are rare and their records large: boxed, so that every other undo
    // (millions in an import) stays small.
    CreatedIndex(Box<str>),
    DroppedIndex(Box<(IndexDefinition, usize)>),
    CreatedConstraint(Box<str>),
    /// The constraint, its position, and the index it owned with that one's position.
    DroppedConstraint(Box<DroppedConstraint>),
}

// An import journals a few undos per record: keep each one small (a `Value` and two
// ids), or a million records cost gigabytes of undo log.
const _: () = assert!(std::mem::size_of::<Undo>() <= 48);

pub(super) type DroppedConstraint = (ConstraintDefinition, usize, Option<(IndexDefinition, usize)>);

/// The changes recorded since the outermost open savepoint.
#[derive(Debug, Default)]
pub(super) struct Journal {
    entries: Vec<Undo>,
    depth: usize,
    /// For each open savepoint, the first node and relationship ids it could create:
    /// changes to an element newer than the innermost savepoint need no undo, because
    /// undoing its creation buries it whatever it holds.
    fresh_from: Vec<(u32, u32)>,
}

/// A copy of a graph starts with no savepoint open: its journal is empty.
impl Clone for Journal {
    fn clone(&self) -> Self {
        debug_assert_eq!(self.depth, 0, "a graph is cloned with no savepoint open");
        Journal::default()
    }
}

impl Journal {
    /// True when `node` was created since the innermost open savepoint.
    pub(super) fn is_fresh_node(&self, node: NodeId) -> bool {
        self.fresh_from.last().is_some_and(|(nodes, _)| node.0 >= *nodes)
    }

    /// True when `edge` was created since the innermost open savepoint.
    pub(super) fn is_fresh_edge(&self, edge: EdgeId) -> bool {
        self.fresh_from.last().is_some_and(|(_, edges)| edge.0 >= *edges)
    }

    /// The nodes and relationships created or changed since `savepoint` (deleted ones
    /// included; callers skip those).
    pub(super) fn touched_since(&self, savepoint: &Savepoint) -> Touched {
        let mut touched = Touched::default();
        for undo in &self.entries[savepoint.entries.min(self.entries.len())..] {
            match undo {
                Undo::CreatedNode(node) => {
                    touched.nodes.insert(*node);
                    touched.created.insert(*node);
                }
                Undo::NodeProperty { node, .. } | Undo::NodeLabels { node, .. } => {
                    touched.nodes.insert(*node);
                }
                Undo::CreatedEdge(edge) | Undo::EdgeProperties { edge, .. } => {
                    touched.edges.insert(*edge);
                }
                _ => {}
            }
        }
        touched
    }

    /// The undo records written since `savepoint`, oldest first.
    pub(super) fn entries_since(&self, savepoint: &Savepoint) -> &[Undo] {
        &self.entries[savepoint.entries.min(self.entries.len())..]
    }

    /// Records `undo` when a savepoint is open; bulk loading records nothing.
    pub(super) fn record(&mut self, undo: Undo) {
        if self.depth > 0 {
            self.entries.push(undo);
        }
    }
}

/// A state of the graph to return to (`Graph::rollback_to`) or to keep (`Graph::release`).
#[derive(Debug)]
#[must_use = "a savepoint must be released or rolled back"]
pub struct Savepoint {
    entries: usize,
    depth: usize,
    labels: usize,
    rel_types: usize,
    keys: usize,
}

impl Graph {
    /// Opens a savepoint: from now on changes are recorded so they can be undone.
    pub fn savepoint(&mut self) -> Savepoint {
        self.journal.depth += 1;
        let bounds = (self.store.node_bound() as u32, self.store.edge_bound() as u32);
        self.journal.fresh_from.push(bounds);
        Savepoint {
            entries: self.journal.entries.len(),
            depth: self.journal.depth,
            labels: self.labels.names.len(),
            rel_types: self.rel_types.names.len(),
            keys: self.keys.names.len(),
        }
    }

    /// Keeps the changes made since `savepoint`. They stay undoable by an enclosing
    /// savepoint; once the outermost one is released the log is dropped.
    pub fn release(&mut self, savepoint: Savepoint) {
        self.close(&savepoint);
        self.flush_indexes();
        if self.journal.depth == 0 {
            self.journal.entries = Vec::new();
        }
    }

    /// Undoes every change made since `savepoint`, newest first.
    pub fn rollback_to(&mut self, savepoint: Savepoint) {
        self.close(&savepoint);
        while self.journal.entries.len() > savepoint.entries {
            let undo = self.journal.entries.pop().expect("length checked above");
            self.undo(undo);
        }
        self.flush_indexes();
        // Forget names interned since the savepoint: nothing refers to them any more.
        self.labels.truncate(savepoint.labels);
        self.rel_types.truncate(savepoint.rel_types);
        self.keys.truncate(savepoint.keys);
        self.node_columns.truncate(savepoint.keys);
        self.nodes_by_label.truncate(savepoint.labels);
        self.edges_by_type.truncate(savepoint.rel_types);
        self.range_indexes.retain(|(label, key), _| {
            (label.0 as usize) < savepoint.labels && (key.0 as usize) < savepoint.keys
        });
        // The cache maps label names to a label set; the names may mean other symbols now.
        self.last_label_set = None;
        if self.journal.depth == 0 {
            self.journal.entries = Vec::new();
        }
    }

    fn close(&mut self, savepoint: &Savepoint) {
        assert_eq!(
            savepoint.depth, self.journal.depth,
            "savepoints are closed in the order opposite to their opening"
        );
        self.journal.depth -= 1;
        self.journal.fresh_from.pop();
    }

    fn undo(&mut self, undo: Undo) {
        match undo {
            Undo::CreatedNode(node) => {
                self.bury_node(node);
            }
            Undo::CreatedEdge(edge) => {
                self.bury_edge(edge);
            }
            Undo::DeletedNode { node, label_set, properties } => {
                self.raise_node(node, label_set, properties);
            }
            Undo::DeletedEdge { edge, positions } => self.raise_edge(edge, positions),
            Undo::NodeProperty { node, key, old } => {
                self.put_node_property(node, key, old);
            }
            Undo::EdgeProperties { edge, old } => self.put_edge_properties(edge, old),
            Undo::NodeLabels { node, old } => self.put_label_set(node, old),
            Undo::CreatedIndex(name) => self.remove_index(&name),
            Undo::DroppedIndex(dropped) => {
                let (definition, position) = *dropped;
                self.insert_index(definition, position);
            }
            Undo::CreatedConstraint(name) => {
                self.schema.constraints.retain(|constraint| *constraint.name != *name);
            }
            Undo::DroppedConstraint(dropped) => {
                let (definition, position, index) = *dropped;
                let position = position.min(self.schema.constraints.len());
                self.schema.constraints.insert(position, definition);
                if let Some((index, at)) = index {
                    self.insert_index(index, at);
                }
            }
        }
    }
}
