//! The graph model: nodes with labels and properties, typed relationships between them.
//!
//! `Graph` wraps a petgraph `StableDiGraph` and keeps the indexes queries start from:
//! nodes by label, by stable id (the slug in the data files) and by `name`, plus counts
//! by relationship type. Labels, relationship types and property keys are interned to
//! small integers. The graph changes only through `add_node` and `add_edge`, which keep
//! every index in step; reads never mutate.
//! Knows nothing of JSON, queries or terminals.

mod value;

use std::collections::HashMap;
use std::sync::Arc;

use petgraph::Direction;
use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableDiGraph};
use petgraph::visit::EdgeRef;

pub use value::{GroupKey, Path, Value};

/// A node's handle; stable for the graph's life (nodes are never removed).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// A relationship's handle; stable for the graph's life.
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

#[derive(Default, Debug)]
struct Interner {
    names: Vec<Arc<str>>,
    ids: HashMap<Arc<str>, Symbol>,
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
}

#[derive(Debug)]
struct NodeRecord {
    key: Arc<str>,
    labels: Vec<Symbol>,
    properties: Vec<(Symbol, Value)>,
}

#[derive(Debug)]
struct EdgeRecord {
    rel_type: Symbol,
    properties: Vec<(Symbol, Value)>,
}

/// Why a mutation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GraphError {
    #[error("a node with id `{0}` already exists")]
    DuplicateId(String),
    #[error("property `{key}` cannot hold a {type_name}")]
    UnstorableValue { key: String, type_name: &'static str },
}

/// The in-memory property graph.
#[derive(Default, Debug)]
pub struct Graph {
    store: StableDiGraph<NodeRecord, EdgeRecord, u32>,
    labels: Interner,
    rel_types: Interner,
    keys: Interner,
    nodes_by_label: Vec<Vec<NodeId>>,
    edges_by_type: Vec<usize>,
    nodes_by_key: HashMap<Arc<str>, NodeId>,
    nodes_by_name: HashMap<Arc<str>, Vec<NodeId>>,
    name_key: Option<Symbol>,
}

/// One relationship seen from a node: its id and the node at the other end.
#[derive(Clone, Copy, Debug)]
pub struct Neighbor {
    pub edge: EdgeId,
    pub node: NodeId,
}

impl Graph {
    pub fn node_count(&self) -> usize {
        self.store.node_count()
    }

    pub fn edge_count(&self) -> usize {
        self.store.edge_count()
    }

    /// Adds a node. `key` is its stable id; `None` picks a fresh one (`_n<number>`).
    pub fn add_node(
        &mut self,
        key: Option<&str>,
        labels: &[&str],
        properties: Vec<(String, Value)>,
    ) -> Result<NodeId, GraphError> {
        let key: Arc<str> = match key {
            Some(key) => Arc::from(key),
            None => self.fresh_key(),
        };
        if self.nodes_by_key.contains_key(&key) {
            return Err(GraphError::DuplicateId(key.to_string()));
        }
        let properties = self.intern_properties(properties)?;
        let mut label_symbols: Vec<Symbol> = Vec::with_capacity(labels.len());
        for label in labels {
            let symbol = self.labels.intern(label);
            if !label_symbols.contains(&symbol) {
                label_symbols.push(symbol);
            }
        }
        let index = self.store.add_node(NodeRecord {
            key: key.clone(),
            labels: label_symbols.clone(),
            properties,
        });
        let id = NodeId(index.index() as u32);
        for symbol in label_symbols {
            let slot = symbol.0 as usize;
            if self.nodes_by_label.len() <= slot {
                self.nodes_by_label.resize_with(slot + 1, Vec::new);
            }
            self.nodes_by_label[slot].push(id);
        }
        self.nodes_by_key.insert(key, id);
        if let Some(Value::String(name)) = self.node_property_by_name(id, "name") {
            let name = name.clone();
            self.nodes_by_name.entry(name).or_default().push(id);
        }
        Ok(id)
    }

    fn fresh_key(&self) -> Arc<str> {
        let mut number = self.store.node_count();
        loop {
            let candidate = format!("_n{number}");
            if !self.nodes_by_key.contains_key(candidate.as_str()) {
                return Arc::from(candidate);
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
                return Err(GraphError::UnstorableValue { key, type_name: value.type_name() });
            }
            // A null property is the same as no property in openCypher.
            if value.is_null() {
                continue;
            }
            let symbol = self.keys.intern(&key);
            if key == "name" {
                self.name_key = Some(symbol);
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
        let properties = self.intern_properties(properties)?;
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
        Ok(EdgeId(index.index() as u32))
    }

    fn node(&self, id: NodeId) -> &NodeRecord {
        &self.store[NodeIndex::new(id.0 as usize)]
    }

    fn edge(&self, id: EdgeId) -> &EdgeRecord {
        &self.store[EdgeIndex::new(id.0 as usize)]
    }

    pub fn contains_node(&self, id: NodeId) -> bool {
        self.store.contains_node(NodeIndex::new(id.0 as usize))
    }

    /// Every node, in insertion order.
    pub fn nodes(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.store.node_indices().map(|index| NodeId(index.index() as u32))
    }

    /// Every relationship, in insertion order.
    pub fn edges(&self) -> impl Iterator<Item = EdgeId> + '_ {
        self.store.edge_indices().map(|index| EdgeId(index.index() as u32))
    }

    /// The stable id of a node (the slug in the data files).
    pub fn node_key(&self, id: NodeId) -> &str {
        &self.node(id).key
    }

    pub fn node_by_key(&self, key: &str) -> Option<NodeId> {
        self.nodes_by_key.get(key).copied()
    }

    /// Nodes whose `name` property is exactly `name`.
    pub fn nodes_named(&self, name: &str) -> &[NodeId] {
        self.nodes_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    pub fn node_labels(&self, id: NodeId) -> impl Iterator<Item = &str> + '_ {
        self.node(id).labels.iter().map(|symbol| self.labels.name(*symbol))
    }

    pub fn node_label_symbols(&self, id: NodeId) -> &[Symbol] {
        &self.node(id).labels
    }

    pub fn has_label(&self, id: NodeId, label: Symbol) -> bool {
        self.node(id).labels.contains(&label)
    }

    pub fn node_property(&self, id: NodeId, key: Symbol) -> Option<&Value> {
        self.node(id).properties.iter().find(|(symbol, _)| *symbol == key).map(|(_, value)| value)
    }

    pub fn node_property_by_name(&self, id: NodeId, key: &str) -> Option<&Value> {
        self.node_property(id, self.keys.get(key)?)
    }

    /// A node's properties in the order they were set.
    pub fn node_properties(&self, id: NodeId) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.node(id).properties.iter().map(|(symbol, value)| (self.keys.name(*symbol), value))
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

    pub fn key_name(&self, key: Symbol) -> &str {
        self.keys.name(key)
    }

    /// Nodes carrying `label`, in insertion order.
    pub fn nodes_with_label(&self, label: Symbol) -> &[NodeId] {
        self.nodes_by_label.get(label.0 as usize).map_or(&[], Vec::as_slice)
    }

    /// Relationships of `node` in direction `dir`, optionally only those whose type is
    /// in `types`. With `Dir::Both` a self-loop is reported once.
    pub fn neighbors<'graph>(
        &'graph self,
        node: NodeId,
        dir: Dir,
        types: Option<&'graph [Symbol]>,
    ) -> impl Iterator<Item = Neighbor> + 'graph {
        let index = NodeIndex::new(node.0 as usize);
        let outgoing = matches!(dir, Dir::Outgoing | Dir::Both)
            .then(|| self.store.edges_directed(index, Direction::Outgoing))
            .into_iter()
            .flatten()
            .map(|edge| Neighbor { edge: EdgeId(edge.id().index() as u32), node: NodeId(edge.target().index() as u32) });
        let incoming = matches!(dir, Dir::Incoming | Dir::Both)
            .then(|| self.store.edges_directed(index, Direction::Incoming))
            .into_iter()
            .flatten()
            // A self-loop already came out of the outgoing list when both ways are asked.
            .filter(move |edge| dir != Dir::Both || edge.source() != edge.target())
            .map(|edge| Neighbor { edge: EdgeId(edge.id().index() as u32), node: NodeId(edge.source().index() as u32) });
        outgoing.chain(incoming).filter(move |neighbor| match types {
            None => true,
            Some(types) => types.contains(&self.edge(neighbor.edge).rel_type),
        })
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
        let a = graph.add_node(Some("a"), &["Person"], vec![("name".into(), "Aysel".into())]).unwrap();
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
        assert_eq!(graph.add_node(Some("a"), &[], vec![]), Err(GraphError::DuplicateId("a".into())));
    }

    #[test]
    fn self_loop_is_seen_once_in_both_directions() {
        let graph = tiny();
        let both: Vec<_> = graph.neighbors(NodeId(1), Dir::Both, None).collect();
        // The LEADS edge comes in, the self-loop once.
        assert_eq!(both.len(), 2);
    }
}
