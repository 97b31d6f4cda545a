//! The secondary indexes beside the graph's primary data: the short node lists of the
//! `name` index and the sorted numeric values per (label, key) for range predicates.
//!
//! Both are kept in step by `Graph`'s mutation API; neither knows which graph it serves.

use super::{NodeId, Value};

/// Nodes found by an index lookup: usually one, so no allocation for it.
#[derive(Debug, Clone)]
pub(super) enum NodeList {
    One(NodeId),
    Many(Vec<NodeId>),
}

impl NodeList {
    pub(super) fn as_slice(&self) -> &[NodeId] {
        match self {
            NodeList::One(node) => std::slice::from_ref(node),
            NodeList::Many(nodes) => nodes,
        }
    }

    /// Adds `node`, keeping the list in id order (the order nodes were created in).
    pub(super) fn insert(&mut self, node: NodeId) {
        match self {
            NodeList::One(first) if *first < node => *self = NodeList::Many(vec![*first, node]),
            NodeList::One(first) => *self = NodeList::Many(vec![node, *first]),
            NodeList::Many(nodes) => {
                let at = nodes.partition_point(|existing| *existing < node);
                nodes.insert(at, node);
            }
        }
    }

    /// Removes `node`; `true` when the list is then empty and should be dropped.
    pub(super) fn remove(&mut self, node: NodeId) -> bool {
        match self {
            NodeList::One(first) => *first == node,
            NodeList::Many(nodes) => {
                nodes.retain(|existing| *existing != node);
                if let [only] = nodes.as_slice() {
                    *self = NodeList::One(*only);
                }
                nodes_is_empty(self)
            }
        }
    }
}

fn nodes_is_empty(list: &NodeList) -> bool {
    matches!(list, NodeList::Many(nodes) if nodes.is_empty())
}

/// Numeric values of one property over the nodes of one label, sorted, for range
/// predicates (`n.founded > 2005`) and their counts.
#[derive(Debug, Default)]
pub struct RangeIndex {
    integers: Vec<(i64, NodeId)>,
    floats: Vec<(f64, NodeId)>,
}

/// A bound of a numeric range.
#[derive(Clone, Copy, Debug)]
pub enum Bound {
    Unbounded,
    Included(f64),
    Excluded(f64),
}

impl RangeIndex {
    pub(super) fn insert(&mut self, value: &Value, node: NodeId, sorted: bool) {
        match value {
            Value::Int(number) => {
                if sorted {
                    let at = self.integers.partition_point(|entry| *entry < (*number, node));
                    // An entry left stale by a removal not yet swept may be the same one.
                    if self.integers.get(at) != Some(&(*number, node)) {
                        self.integers.insert(at, (*number, node));
                    }
                } else {
                    self.integers.push((*number, node));
                }
            }
            Value::Float(number) if !number.is_nan() => {
                if sorted {
                    let at = self.floats.partition_point(|entry| {
                        entry.0 < *number || (entry.0 == *number && entry.1 < node)
                    });
                    let same = self.floats.get(at).is_some_and(|entry| {
                        entry.0.to_bits() == number.to_bits() && entry.1 == node
                    });
                    if !same {
                        self.floats.insert(at, (*number, node));
                    }
                } else {
                    self.floats.push((*number, node));
                }
            }
            _ => {}
        }
    }

    /// Keeps the entries `keep(value, node)` approves, then sorts and drops duplicates:
    /// the sweep that removes entries a deletion or a change made stale.
    pub(super) fn sweep(&mut self, keep: impl Fn(&Value, NodeId) -> bool) {
        self.integers.retain(|(number, node)| keep(&Value::Int(*number), *node));
        self.floats.retain(|(number, node)| keep(&Value::Float(*number), *node));
        self.sort();
        self.integers.dedup();
        self.floats
            .dedup_by(|left, right| left.0.to_bits() == right.0.to_bits() && left.1 == right.1);
    }

    pub(super) fn is_empty(&self) -> bool {
        self.integers.is_empty() && self.floats.is_empty()
    }

    /// Every entry, integers first, for `Graph::validate`.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Value, NodeId)> + '_ {
        self.integers
            .iter()
            .map(|(number, node)| (Value::Int(*number), *node))
            .chain(self.floats.iter().map(|(number, node)| (Value::Float(*number), *node)))
    }

    pub(super) fn is_sorted(&self) -> bool {
        self.integers.is_sorted()
            && self.floats.is_sorted_by(|left, right| {
                left.0.total_cmp(&right.0).then(left.1.cmp(&right.1)).is_le()
            })
    }

    pub(super) fn sort(&mut self) {
        self.integers.sort_unstable();
        self.floats
            .sort_unstable_by(|left, right| left.0.total_cmp(&right.0).then(left.1.cmp(&right.1)));
    }

    fn integer_range(&self, lower: Bound, upper: Bound) -> std::ops::Range<usize> {
        // Integers compare with a float bound exactly: `n > 2005.5` is `n >= 2006`.
        let start = match lower {
            Bound::Unbounded => 0,
            Bound::Included(bound) => {
                self.integers.partition_point(|(value, _)| (*value as f64) < bound)
            }
            Bound::Excluded(bound) => {
                self.integers.partition_point(|(value, _)| (*value as f64) <= bound)
            }
        };
        let end = match upper {
            Bound::Unbounded => self.integers.len(),
            Bound::Included(bound) => {
                self.integers.partition_point(|(value, _)| (*value as f64) <= bound)
            }
            Bound::Excluded(bound) => {
                self.integers.partition_point(|(value, _)| (*value as f64) < bound)
            }
        };
        start..end.max(start)
    }

    fn float_range(&self, lower: Bound, upper: Bound) -> std::ops::Range<usize> {
        let start = match lower {
            Bound::Unbounded => 0,
            Bound::Included(bound) => self.floats.partition_point(|(value, _)| *value < bound),
            Bound::Excluded(bound) => self.floats.partition_point(|(value, _)| *value <= bound),
        };
        let end = match upper {
            Bound::Unbounded => self.floats.len(),
            Bound::Included(bound) => self.floats.partition_point(|(value, _)| *value <= bound),
            Bound::Excluded(bound) => self.floats.partition_point(|(value, _)| *value < bound),
        };
        start..end.max(start)
    }

    /// How many indexed values lie within the bounds.
    pub fn count(&self, lower: Bound, upper: Bound) -> usize {
        self.integer_range(lower, upper).len() + self.float_range(lower, upper).len()
    }

    /// The nodes whose value lies within the bounds.
    pub fn nodes(&self, lower: Bound, upper: Bound) -> impl Iterator<Item = NodeId> + '_ {
        let integers = &self.integers[self.integer_range(lower, upper)];
        let floats = &self.floats[self.float_range(lower, upper)];
        integers.iter().map(|(_, node)| *node).chain(floats.iter().map(|(_, node)| *node))
    }
}
