//! The graph model: nodes with labels and properties, typed relationships between them.
//!
//! `Graph` wraps a petgraph `StableDiGraph` and keeps beside it what queries read in
//! bulk: property columns, contiguous adjacency lists, and the indexes queries start
//! from (by label, by stable id, by `name`, numeric ranges per label and key).
//! Labels, relationship types and property keys are interned to small integers, and
//! each adjacency entry carries a copy of the neighbour's label set, so label tests
//! while expanding never visit the neighbour. The graph changes only through its
//! mutation API (`add_node`, `add_edge`, and the setters and deletions in `write`),
//! which keeps every index in step and journals each change; reads never mutate.
//! Deleted elements stay behind as tombstones, so no id is ever reused.
//! Knows nothing of JSON, queries or terminals.

mod changes;
mod hash;
mod index;
mod journal;
mod key;
mod property_index;
mod schema;
mod temporal;
mod validate;
mod value;
mod write;

use std::sync::Arc;

use index::NodeList;
use journal::Journal;
use key::CompactKey;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};

pub use changes::ChangeSet;
pub use hash::{FastMap, FastSet};
pub use index::{Bound, RangeIndex};
pub use journal::Savepoint;
pub use property_index::PropertyIndex;
pub use schema::{
    ConstraintDefinition, ConstraintKind, ConstraintViolation, EntityKind, IndexDefinition,
    IndexKind, PropertyType, SchemaError, generated_name,
};
pub use temporal::{
    Duration, DurationUnit, Temporal, TemporalKind, Zone, ZoneId, between as temporal_between,
};
pub use value::{GroupKey, Path, Value, list_items_agree};

/// A node's handle; stable for the graph's life: a deleted node's id is never given to
/// another node, so a kept result cannot silently point at something else.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// A relationship's handle; stable for the graph's life, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EdgeId(pub u32);

/// An interned label, relationship type or property key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Symbol(pub u32);

/// Which way to follow relationships from a node.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dir {
    Outgoing,
    Incoming,
    Both,
}

#[derive(Default, Debug, Clone)]
struct Interner {
    names: Vec<Arc<str>>,
    ids: FastMap<Arc<str>, Symbol>,
}

impl Interner {
    fn intern(&mut self, name: &str) -> Symbol {
        if let Some(symbol) = self.ids.get(name) {
            return *symbol;
        }
        let symbol = Symbol(self.names.len() as u32);
        let shared: Arc<str> = Arc::from(name);
        self.names.push(shared.clone());
        self.ids.insert(shared, symbol);
        symbol
    }

    fn get(&self, name: &str) -> Option<Symbol> {
        self.ids.get(name).copied()
    }

    fn name(&self, symbol: Symbol) -> &str {
        &self.names[symbol.0 as usize]
    }

    /// Forgets every name interned after the first `length`.
    fn truncate(&mut self, length: usize) {
        for name in self.names.drain(length.min(self.names.len())..) {
            self.ids.remove(&name);
        }
    }
}

/// A node's record in the petgraph store: its stable id and its set of labels.
/// Properties live in per-key columns (`Graph::node_columns`).
#[derive(Debug, Clone)]
struct NodeRecord {
    key: CompactKey,
    label_set: u32,
}

#[derive(Debug, Clone)]
struct EdgeRecord {
    rel_type: Symbol,
    properties: Box<[(Symbol, Value)]>,
}

/// A distinct combination of labels; nodes point at one by index.
#[derive(Debug, Default, Clone)]
struct LabelSet {
    labels: Box<[Symbol]>,
    /// Bit `s` set for each label symbol `s < 64`, for a one-instruction `has_label`.
    mask: u64,
}

impl LabelSet {
    fn contains(&self, label: Symbol) -> bool {
        if label.0 < 64 { self.mask & (1 << label.0) != 0 } else { self.labels.contains(&label) }
    }
}

/// One relationship in a node's adjacency list.
#[derive(Clone, Copy, Debug)]
struct AdjacencyEntry {
    edge: EdgeId,
    other: NodeId,
    /// Relationship type in the high bits, direction (1 = outgoing) in the lowest.
    type_and_direction: u32,
    /// The label set of `other`, copied here so label tests while expanding read the
    /// list sequentially instead of visiting every neighbour (labels never change).
    other_label_set: u32,
}

impl AdjacencyEntry {
    fn rel_type(self) -> Symbol {
        Symbol(self.type_and_direction >> 1)
    }

    fn is_outgoing(self) -> bool {
        self.type_and_direction & 1 == 1
    }
}

/// Why a mutation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("a node with id `{0}` already exists")]
    DuplicateId(String),
    #[error("property `{key}` cannot hold {what}")]
    UnstorableValue { key: String, what: String },
    /// A plain `DELETE` of a node that still has relationships.
    #[error("cannot delete node `{0}`: it still has relationships (use DETACH DELETE)")]
    NodeHasRelationships(String),
    /// Restoring an element at an id that is already used (a replayed log out of step
    /// with the data it was written against).
    #[error("cannot restore {0}: that id is already used")]
    IdInUse(String),
}

/// The in-memory property graph.
///
/// Topology and relationship properties sit in a petgraph `StableDiGraph`. Beside it the
/// graph keeps what queries read in bulk: node properties in one column per key
/// (indexed by node), each node's relationships in one contiguous list, nodes by label,
/// by id and by `name`, and sorted numeric values per (label, key) for range predicates.
/// Cloning copies everything (a server's writer keeps a second copy beside the one
/// readers see); a graph is cloned only with no savepoint open.
#[derive(Default, Debug, Clone)]
pub struct Graph {
    store: StableDiGraph<NodeRecord, EdgeRecord, u32>,
    labels: Interner,
    rel_types: Interner,
    keys: Interner,
    label_sets: Vec<LabelSet>,
    label_set_ids: FastMap<Box<[Symbol]>, u32>,
    /// `node_columns[key][node]`: a node's value for a key (`Null` when absent).
    node_columns: Vec<Vec<Value>>,
    adjacency: Vec<Vec<AdjacencyEntry>>,
    nodes_by_label: Vec<Vec<NodeId>>,
    edges_by_type: Vec<usize>,
    nodes_by_key: FastMap<CompactKey, NodeId>,
    nodes_by_name: FastMap<Arc<str>, NodeList>,
    range_indexes: FastMap<(Symbol, Symbol), RangeIndex>,
    /// The label strings and set of the node added last: data files list nodes of one
    /// kind together, so this saves most label lookups while loading.
    last_label_set: Option<(Vec<String>, u32)>,
    /// Set while `load_in_bulk` runs: indexes are appended to and sorted at the end.
    bulk: bool,
    /// Deleted nodes and relationships. Their records stay in `store` as tombstones so
    /// that petgraph never hands their ids to new elements.
    deleted_nodes: FastSet<NodeId>,
    deleted_edges: FastSet<EdgeId>,
    /// Label lists and range indexes that may hold entries a deletion, a removed label
    /// or a changed property made stale; `flush_indexes` sweeps them. Removing one entry
    /// at a time from a long sorted list would cost a copy of the list per removal.
    stale_labels: FastSet<Symbol>,
    stale_ranges: FastSet<(Symbol, Symbol)>,
    /// The undo log of the open savepoints (see `journal`).
    journal: Journal,
    /// Declared indexes and constraints, with the indexes' contents (see `schema`).
    schema: schema::Schema,
}

/// One relationship seen from a node: its id and the node at the other end.
#[derive(Clone, Copy, Debug)]
pub struct Neighbor {
    pub edge: EdgeId,
    pub node: NodeId,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.store.node_count() - self.deleted_nodes.len()
    }

    pub fn edge_count(&self) -> usize {
        self.store.edge_count() - self.deleted_edges.len()
    }

    /// Runs `load` (which adds nodes and edges) with index maintenance deferred, then
    /// sorts the indexes once. Loading millions of nodes this way avoids keeping every
    /// sorted index sorted after each insert.
    pub fn load_in_bulk<R>(&mut self, load: impl FnOnce(&mut Graph) -> R) -> R {
        self.begin_bulk();
        let result = load(self);
        self.end_bulk();
        result
    }

    /// Makes room for about `nodes` more nodes and `edges` more relationships, so a bulk
    /// load does not grow (and copy) its tables again and again.
    pub fn reserve(&mut self, nodes: usize, edges: usize) {
        self.store.reserve_nodes(nodes);
        self.store.reserve_edges(edges);
        self.adjacency.reserve(nodes);
        self.nodes_by_key.reserve(nodes);
        self.nodes_by_name.reserve(nodes);
    }

    /// Defers index sorting until `end_bulk` (see `load_in_bulk`).
    pub fn begin_bulk(&mut self) {
        self.bulk = true;
    }

    /// Sorts what `begin_bulk` deferred.
    pub fn end_bulk(&mut self) {
        self.bulk = false;
        for index in self.range_indexes.values_mut() {
            index.sort();
        }
    }

    fn label_set_for(&mut self, labels: &[&str]) -> u32 {
        if let Some((last, id)) = &self.last_label_set
            && last.len() == labels.len()
            && last.iter().zip(labels).all(|(left, right)| left == right)
        {
            return *id;
        }
        let id = self.intern_label_set(labels);
        self.last_label_set = Some((labels.iter().map(|label| (*label).to_owned()).collect(), id));
        id
    }

    fn intern_label_set(&mut self, labels: &[&str]) -> u32 {
        let mut symbols: Vec<Symbol> = Vec::with_capacity(labels.len());
        for label in labels {
            let symbol = self.labels.intern(label);
            if !symbols.contains(&symbol) {
                symbols.push(symbol);
            }
        }
        let symbols: Box<[Symbol]> = symbols.into_boxed_slice();
        if let Some(id) = self.label_set_ids.get(&symbols) {
            return *id;
        }
        let mask = symbols
            .iter()
            .filter(|symbol| symbol.0 < 64)
            .fold(0u64, |mask, symbol| mask | (1 << symbol.0));
        let id = self.label_sets.len() as u32;
        self.label_sets.push(LabelSet { labels: symbols.clone(), mask });
        self.label_set_ids.insert(symbols, id);
        id
    }

    /// Adds a node. `key` is its stable id; `None` picks a fresh one (`_n<number>`).
    pub fn add_node(
        &mut self,
        key: Option<&str>,
        labels: &[&str],
        properties: Vec<(String, Value)>,
    ) -> Result<NodeId, GraphError> {
        let key: CompactKey = match key {
            Some(key) => CompactKey::new(key),
            None => self.fresh_key(),
        };
        if self.nodes_by_key.contains_key(key.as_str()) {
            return Err(GraphError::DuplicateId(key.as_str().to_owned()));
        }
        let properties = self.intern_properties(properties)?;
        let label_set = self.label_set_for(labels);
        let index = self.store.add_node(NodeRecord { key: key.clone(), label_set });
        let id = NodeId(index.index() as u32);
        let slot = index.index();
        if self.adjacency.len() <= slot {
            self.adjacency.resize_with(slot + 1, Vec::new);
        }
        let label_symbols = self.label_sets[label_set as usize].labels.clone();
        for symbol in label_symbols.iter() {
            let label_slot = symbol.0 as usize;
            if self.nodes_by_label.len() <= label_slot {
                self.nodes_by_label.resize_with(label_slot + 1, Vec::new);
            }
            // New ids are the largest yet, so pushing keeps each list in id order.
            self.nodes_by_label[label_slot].push(id);
        }
        self.nodes_by_key.insert(key, id);
        self.journal.record(journal::Undo::CreatedNode(id));
        for (symbol, value) in properties {
            if matches!(value, Value::Int(_) | Value::Float(_)) {
                let sorted = !self.bulk;
                for label in label_symbols.iter() {
                    self.range_indexes
                        .entry((*label, symbol))
                        .or_default()
                        .insert(&value, id, sorted);
                }
            }
            if self.keys.name(symbol) == "name"
                && let Value::String(name) = &value
            {
                match self.nodes_by_name.get_mut(name) {
                    Some(list) => list.insert(id),
                    None => {
                        self.nodes_by_name.insert(name.clone(), NodeList::One(id));
                    }
                }
            }
            let column = &mut self.node_columns[symbol.0 as usize];
            if column.len() <= slot {
                column.resize(slot + 1, Value::Null);
            }
            column[slot] = value;
        }
        self.index_new_node(id);
        Ok(id)
    }

    fn fresh_key(&self) -> CompactKey {
        let mut number = self.store.node_count();
        loop {
            let candidate = format!("_n{number}");
            if !self.nodes_by_key.contains_key(candidate.as_str()) {
                return CompactKey::new(&candidate);
            }
            number += 1;
        }
    }

    fn intern_properties(
        &mut self,
        properties: Vec<(String, Value)>,
    ) -> Result<Vec<(Symbol, Value)>, GraphError> {
        let mut interned: Vec<(Symbol, Value)> = Vec::with_capacity(properties.len());
        for (key, value) in properties {
            if !value.is_storable() {
                let what = value.unstorable_description();
                return Err(GraphError::UnstorableValue { key, what });
            }
            // A null property is the same as no property in openCypher.
            if value.is_null() {
                continue;
            }
            let symbol = self.keys.intern(&key);
            if self.node_columns.len() <= symbol.0 as usize {
                self.node_columns.resize_with(symbol.0 as usize + 1, Vec::new);
            }
            match interned.iter_mut().find(|(existing, _)| *existing == symbol) {
                Some(slot) => slot.1 = value,
                None => interned.push((symbol, value)),
            }
        }
        Ok(interned)
    }

    /// Adds a relationship `from -[rel_type]-> to`.
    pub fn add_edge(
        &mut self,
        from: NodeId,
        to: NodeId,
        rel_type: &str,
        properties: Vec<(String, Value)>,
    ) -> Result<EdgeId, GraphError> {
        let properties = self.intern_properties(properties)?.into_boxed_slice();
        let symbol = self.rel_types.intern(rel_type);
        let slot = symbol.0 as usize;
        if self.edges_by_type.len() <= slot {
            self.edges_by_type.resize(slot + 1, 0);
        }
        self.edges_by_type[slot] += 1;
        let index = self.store.add_edge(
            NodeIndex::new(from.0 as usize),
            NodeIndex::new(to.0 as usize),
            EdgeRecord { rel_type: symbol, properties },
        );
        let edge = EdgeId(index.index() as u32);
        let (from_labels, to_labels) = (self.node(from).label_set, self.node(to).label_set);
        self.adjacency[from.0 as usize].push(AdjacencyEntry {
            edge,
            other: to,
            type_and_direction: symbol.0 << 1 | 1,
            other_label_set: to_labels,
        });
        if from != to {
            self.adjacency[to.0 as usize].push(AdjacencyEntry {
                edge,
                other: from,
                type_and_direction: symbol.0 << 1,
                other_label_set: from_labels,
            });
        }
        self.reindex_edge(edge, true, None);
        self.journal.record(journal::Undo::CreatedEdge(edge));
        Ok(edge)
    }

    fn node(&self, id: NodeId) -> &NodeRecord {
        &self.store[NodeIndex::new(id.0 as usize)]
    }

    fn edge(&self, id: EdgeId) -> &EdgeRecord {
        &self.store[EdgeIndex::new(id.0 as usize)]
    }

    /// True for a node of this graph that has not been deleted.
    pub fn contains_node(&self, id: NodeId) -> bool {
        self.store.contains_node(NodeIndex::new(id.0 as usize)) && !self.is_node_deleted(id)
    }

    /// True for a relationship of this graph that has not been deleted.
    pub fn contains_edge(&self, id: EdgeId) -> bool {
        self.store.edge_weight(EdgeIndex::new(id.0 as usize)).is_some() && !self.is_edge_deleted(id)
    }

    /// True once `id` was deleted (it reads as a node without labels or properties).
    pub fn is_node_deleted(&self, id: NodeId) -> bool {
        !self.deleted_nodes.is_empty() && self.deleted_nodes.contains(&id)
    }

    pub fn is_edge_deleted(&self, id: EdgeId) -> bool {
        !self.deleted_edges.is_empty() && self.deleted_edges.contains(&id)
    }

    /// Every node, in insertion order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.store
            .node_indices()
            .map(|index| NodeId(index.index() as u32))
            .filter(|id| !self.is_node_deleted(*id))
    }

    /// Every relationship, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = EdgeId> + '_ {
        self.store
            .edge_indices()
            .map(|index| EdgeId(index.index() as u32))
            .filter(|id| !self.is_edge_deleted(*id))
    }

    /// The stable id of a node (the slug in the data files).
    pub fn node_key(&self, id: NodeId) -> &str {
        self.node(id).key.as_str()
    }

    pub fn node_by_key(&self, key: &str) -> Option<NodeId> {
        self.nodes_by_key.get(key).copied()
    }

    /// Nodes whose `name` property is exactly `name`.
    pub fn nodes_named(&self, name: &str) -> &[NodeId] {
        self.nodes_by_name.get(name).map_or(&[], NodeList::as_slice)
    }

    pub fn node_labels(&self, id: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.node_label_symbols(id).iter().map(|symbol| self.labels.name(*symbol))
    }

    pub fn node_label_symbols(&self, id: NodeId) -> &[Symbol] {
        &self.label_sets[self.node(id).label_set as usize].labels
    }

    pub fn has_label(&self, id: NodeId, label: Symbol) -> bool {
        self.label_sets[self.node(id).label_set as usize].contains(label)
    }

    fn label_set_has_all(&self, label_set: u32, labels: &[Symbol]) -> bool {
        let set = &self.label_sets[label_set as usize];
        labels.iter().all(|label| set.contains(*label))
    }

    /// Like `neighbors`, keeping only neighbours that carry every label in `labels`,
    /// tested without visiting them.
    pub fn neighbors_with_labels<'graph>(
        &'graph self,
        node: NodeId,
        dir: Dir,
        types: Option<&'graph [Symbol]>,
        labels: &'graph [Symbol],
    ) -> impl Iterator<Item = Neighbor> + 'graph {
        self.adjacency[node.0 as usize].iter().filter_map(move |entry| {
            let direction_matches = match dir {
                Dir::Outgoing => entry.is_outgoing(),
                Dir::Incoming => !entry.is_outgoing() || entry.other == node,
                Dir::Both => true,
            };
            let matches = direction_matches
                && types.is_none_or(|types| types.contains(&entry.rel_type()))
                && (labels.is_empty() || self.label_set_has_all(entry.other_label_set, labels));
            matches.then_some(Neighbor { edge: entry.edge, node: entry.other })
        })
    }

    pub fn node_property(&self, id: NodeId, key: Symbol) -> Option<&Value> {
        match self.node_columns.get(key.0 as usize)?.get(id.0 as usize)? {
            Value::Null => None,
            value => Some(value),
        }
    }

    pub fn node_property_by_name(&self, id: NodeId, key: &str) -> Option<&Value> {
        self.node_property(id, self.keys.get(key)?)
    }

    /// A node's properties, in the order their keys were first seen in the graph.
    pub fn node_properties(&self, id: NodeId) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.node_columns.iter().enumerate().filter_map(move |(key, column)| {
            match column.get(id.0 as usize) {
                None | Some(Value::Null) => None,
                Some(value) => Some((self.keys.name(Symbol(key as u32)), value)),
            }
        })
    }

    pub fn edge_type(&self, id: EdgeId) -> &str {
        self.rel_types.name(self.edge(id).rel_type)
    }

    pub fn edge_type_symbol(&self, id: EdgeId) -> Symbol {
        self.edge(id).rel_type
    }

    /// `(start, end)` of a relationship.
    pub fn edge_endpoints(&self, id: EdgeId) -> (NodeId, NodeId) {
        let (from, to) = self
            .store
            .edge_endpoints(EdgeIndex::new(id.0 as usize))
            .expect("edge ids handed out by this graph stay valid");
        (NodeId(from.index() as u32), NodeId(to.index() as u32))
    }

    pub fn edge_property(&self, id: EdgeId, key: Symbol) -> Option<&Value> {
        self.edge(id).properties.iter().find(|(symbol, _)| *symbol == key).map(|(_, value)| value)
    }

    pub fn edge_properties(&self, id: EdgeId) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.edge(id).properties.iter().map(|(symbol, value)| (self.keys.name(*symbol), value))
    }

    pub fn label_symbol(&self, label: &str) -> Option<Symbol> {
        self.labels.get(label)
    }

    pub fn rel_type_symbol(&self, rel_type: &str) -> Option<Symbol> {
        self.rel_types.get(rel_type)
    }

    pub fn key_symbol(&self, key: &str) -> Option<Symbol> {
        self.keys.get(key)
    }

    /// Nodes carrying `label`, in insertion order.
    pub fn nodes_with_label(&self, label: Symbol) -> &[NodeId] {
        self.nodes_by_label.get(label.0 as usize).map_or(&[], Vec::as_slice)
    }

    /// The sorted numeric values of `key` over nodes labelled `label`.
    pub fn range_index(&self, label: Symbol, key: Symbol) -> Option<&RangeIndex> {
        self.range_indexes.get(&(label, key))
    }

    /// Relationships of `node` in direction `dir`, optionally only those whose type is
    /// in `types`. With `Dir::Both` a self-loop is reported once.
    pub fn neighbors<'graph>(
        &'graph self,
        node: NodeId,
        dir: Dir,
        types: Option<&'graph [Symbol]>,
    ) -> impl Iterator<Item = Neighbor> + 'graph {
        self.neighbors_with_labels(node, dir, types, &[])
    }

    /// How many relationships `neighbors_with_labels` would report, without building them.
    pub fn degree(
        &self,
        node: NodeId,
        dir: Dir,
        types: Option<&[Symbol]>,
        other_labels: &[Symbol],
    ) -> usize {
        self.neighbors_with_labels(node, dir, types, other_labels).count()
    }

    /// Labels with their node counts, sorted by name.
    pub fn label_counts(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .labels
            .names
            .iter()
            .enumerate()
            .map(|(slot, name)| (&**name, self.nodes_by_label.get(slot).map_or(0, Vec::len)))
            .filter(|(_, count)| *count > 0)
            .collect();
        counts.sort();
        counts
    }

    /// Relationship types with their counts, sorted by name.
    pub fn rel_type_counts(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .rel_types
            .names
            .iter()
            .enumerate()
            .map(|(slot, name)| (&**name, self.edges_by_type.get(slot).copied().unwrap_or(0)))
            .filter(|(_, count)| *count > 0)
            .collect();
        counts.sort();
        counts
    }

    /// Every property key ever set, sorted.
    pub fn property_keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.keys.names.iter().map(|name| &**name).collect();
        keys.sort();
        keys
    }

    /// Number of nodes carrying `label`, without materializing them.
    pub fn label_count(&self, label: Symbol) -> usize {
        self.nodes_with_label(label).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Graph {
        let mut graph = Graph::default();
        let a =
            graph.add_node(Some("a"), &["Person"], vec![("name".into(), "Aysel".into())]).unwrap();
        let b = graph.add_node(Some("b"), &["Organization", "NGO"], vec![]).unwrap();
        graph.add_edge(a, b, "LEADS", vec![("role".into(), "chair".into())]).unwrap();
        graph.add_edge(b, b, "PARTNERS_WITH", vec![]).unwrap();
        graph
    }

    #[test]
    fn indexes_follow_mutations() {
        let graph = tiny();
        let person = graph.label_symbol("Person").unwrap();
        assert_eq!(graph.nodes_with_label(person).len(), 1);
        assert_eq!(graph.nodes_named("Aysel"), &[NodeId(0)]);
        assert_eq!(graph.node_by_key("b"), Some(NodeId(1)));
        assert_eq!(graph.rel_type_counts(), vec![("LEADS", 1), ("PARTNERS_WITH", 1)]);
    }

    #[test]
    fn duplicate_ids_are_refused() {
        let mut graph = tiny();
        assert_eq!(
            graph.add_node(Some("a"), &[], vec![]),
            Err(GraphError::DuplicateId("a".into()))
        );
    }

    #[test]
    fn self_loop_is_seen_once_in_both_directions() {
        let graph = tiny();
        let both: Vec<_> = graph.neighbors(NodeId(1), Dir::Both, None).collect();
        // The LEADS edge comes in, the self-loop once.
        assert_eq!(both.len(), 2);
    }
}
