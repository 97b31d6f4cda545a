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
#[derive(Debug, Default, Clone)]
pub struct RangeIndex {
    integers: Runs<i64>,
    floats: Runs<f64>,
}

/// A bound of a numeric range.
#[derive(Clone, Copy, Debug)]
pub enum Bound {
    Unbounded,
    Included(f64),
    Excluded(f64),
}

/// How a numeric key sorts in the index.
trait Key: Copy {
    fn less(left: &(Self, NodeId), right: &(Self, NodeId)) -> bool;
    fn same(left: &(Self, NodeId), right: &(Self, NodeId)) -> bool;
    fn as_f64(self) -> f64;
}

impl Key for i64 {
    fn less(left: &(i64, NodeId), right: &(i64, NodeId)) -> bool {
        left < right
    }

    fn same(left: &(i64, NodeId), right: &(i64, NodeId)) -> bool {
        left == right
    }

    fn as_f64(self) -> f64 {
        self as f64
    }
}

impl Key for f64 {
    fn less(left: &(f64, NodeId), right: &(f64, NodeId)) -> bool {
        left.0.total_cmp(&right.0).then(left.1.cmp(&right.1)).is_lt()
    }

    fn same(left: &(f64, NodeId), right: &(f64, NodeId)) -> bool {
        left.0.to_bits() == right.0.to_bits() && left.1 == right.1
    }

    fn as_f64(self) -> f64 {
        self
    }
}

/// The entries of one kind of number: the main run, sorted, and the insertions since the
/// last flush, in the order they came. `Graph::flush_indexes` (after every write clause
/// and statement) sorts the recent ones and merges them in, in one linear pass, so a
/// million numbers set one `SET` at a time cost a pass per clause rather than a move of
/// the index per value. Until then reads take the recent entries into account by looking
/// at each of them.
#[derive(Debug, Clone)]
struct Runs<K> {
    main: Vec<(K, NodeId)>,
    recent: Vec<(K, NodeId)>,
}

impl<K> Default for Runs<K> {
    fn default() -> Self {
        Runs { main: Vec::new(), recent: Vec::new() }
    }
}

/// The fewest recent insertions a flush merges into the main run.
const RECENT_MIN: usize = 64;

impl<K: Key> Runs<K> {
    fn insert_sorted(&mut self, entry: (K, NodeId)) {
        self.recent.push(entry);
    }

    /// Merges the recent insertions in once there are enough of them to pay for a pass
    /// over the main run: at least `RECENT_MIN`, and at least √(main run). A write that
    /// adds one number per commit then costs a merge every √n commits, not one each;
    /// reads look at the few recent entries one by one meanwhile. Recent entries never
    /// duplicate main ones here: a changed or removed number marks the index stale, and
    /// a stale index is swept (`sweep`), which merges everything.
    fn merge_if_due(&mut self) {
        if self.recent.len() >= RECENT_MIN.max(self.main.len().isqrt()) {
            self.merge();
        }
    }

    /// One sorted run again, without duplicates (a removal not yet swept leaves its entry,
    /// and setting the same value again adds it anew).
    fn merge(&mut self) {
        if !self.recent.is_empty() {
            self.sort();
            self.main.dedup_by(|left, right| K::same(left, right));
        }
    }

    fn sort(&mut self) {
        self.main.append(&mut self.recent);
        // The stable sort finds the sorted main run and merges the rest into it.
        self.main.sort_by(order::<K>);
    }

    /// The main run is sorted, and the recent one no longer than a flush leaves it.
    fn is_sorted(&self) -> bool {
        self.recent.len() < RECENT_MIN.max(self.main.len().isqrt())
            && self.main.is_sorted_by(|left, right| !K::less(right, left))
    }

    fn len(&self) -> usize {
        self.main.len() + self.recent.len()
    }

    fn iter(&self) -> impl Iterator<Item = &(K, NodeId)> {
        self.main.iter().chain(&self.recent)
    }

    /// The positions in `run` of the values within the bounds.
    fn range(run: &[(K, NodeId)], lower: Bound, upper: Bound) -> std::ops::Range<usize> {
        // Integers compare with a float bound exactly: `n > 2005.5` is `n >= 2006`.
        let start = match lower {
            Bound::Unbounded => 0,
            Bound::Included(bound) => run.partition_point(|(value, _)| value.as_f64() < bound),
            Bound::Excluded(bound) => run.partition_point(|(value, _)| value.as_f64() <= bound),
        };
        let end = match upper {
            Bound::Unbounded => run.len(),
            Bound::Included(bound) => run.partition_point(|(value, _)| value.as_f64() <= bound),
            Bound::Excluded(bound) => run.partition_point(|(value, _)| value.as_f64() < bound),
        };
        start..end.max(start)
    }

    fn contains(value: f64, lower: Bound, upper: Bound) -> bool {
        let above = match lower {
            Bound::Unbounded => true,
            Bound::Included(bound) => value >= bound,
            Bound::Excluded(bound) => value > bound,
        };
        let below = match upper {
            Bound::Unbounded => true,
            Bound::Included(bound) => value <= bound,
            Bound::Excluded(bound) => value < bound,
        };
        above && below
    }

    fn count(&self, lower: Bound, upper: Bound) -> usize {
        Self::range(&self.main, lower, upper).len()
            + self
                .recent
                .iter()
                .filter(|(value, _)| Self::contains(value.as_f64(), lower, upper))
                .count()
    }

    /// The entries within the bounds, in index order (the recent ones sorted and merged
    /// in as they go).
    fn within(&self, lower: Bound, upper: Bound) -> impl Iterator<Item = NodeId> + '_ {
        let main = &self.main[Self::range(&self.main, lower, upper)];
        let mut recent: Vec<(K, NodeId)> = self
            .recent
            .iter()
            .filter(|(value, _)| Self::contains(value.as_f64(), lower, upper))
            .copied()
            .collect();
        recent.sort_by(order::<K>);
        let (mut left, mut right) = (0, 0);
        std::iter::from_fn(move || {
            let next = match (main.get(left), recent.get(right)) {
                (Some(from_main), Some(from_recent)) if K::less(from_recent, from_main) => {
                    right += 1;
                    *from_recent
                }
                (Some(from_main), _) => {
                    left += 1;
                    *from_main
                }
                (None, Some(from_recent)) => {
                    right += 1;
                    *from_recent
                }
                (None, None) => return None,
            };
            Some(next.1)
        })
    }
}

fn order<K: Key>(left: &(K, NodeId), right: &(K, NodeId)) -> std::cmp::Ordering {
    if K::less(left, right) {
        std::cmp::Ordering::Less
    } else if K::less(right, left) {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Equal
    }
}

impl RangeIndex {
    pub(super) fn insert(&mut self, value: &Value, node: NodeId, sorted: bool) {
        match value {
            Value::Int(number) if sorted => self.integers.insert_sorted((*number, node)),
            Value::Int(number) => self.integers.main.push((*number, node)),
            Value::Float(number) if number.is_nan() => {}
            Value::Float(number) if sorted => self.floats.insert_sorted((*number, node)),
            Value::Float(number) => self.floats.main.push((*number, node)),
            _ => {}
        }
    }

    /// Keeps the entries `keep(value, node)` approves, then sorts and drops duplicates:
    /// the sweep that removes entries a deletion or a change made stale.
    pub(super) fn sweep(&mut self, keep: impl Fn(&Value, NodeId) -> bool) {
        self.sort();
        self.integers.main.retain(|(number, node)| keep(&Value::Int(*number), *node));
        self.floats.main.retain(|(number, node)| keep(&Value::Float(*number), *node));
        self.integers.main.dedup();
        self.floats.main.dedup_by(|left, right| f64::same(left, right));
    }

    pub(super) fn is_empty(&self) -> bool {
        self.integers.len() == 0 && self.floats.len() == 0
    }

    /// Merges the insertions since the last flush into the sorted run, once they are
    /// many enough (see `Runs::merge_if_due`).
    pub(super) fn merge_recent(&mut self) {
        self.integers.merge_if_due();
        self.floats.merge_if_due();
    }

    /// Every entry, integers first, for `Graph::validate`.
    pub(super) fn entries(&self) -> impl Iterator<Item = (Value, NodeId)> + '_ {
        self.integers
            .iter()
            .map(|(number, node)| (Value::Int(*number), *node))
            .chain(self.floats.iter().map(|(number, node)| (Value::Float(*number), *node)))
    }

    pub(super) fn is_sorted(&self) -> bool {
        self.integers.is_sorted() && self.floats.is_sorted()
    }

    pub(super) fn sort(&mut self) {
        self.integers.sort();
        self.floats.sort();
    }

    /// How many indexed values lie within the bounds.
    pub fn count(&self, lower: Bound, upper: Bound) -> usize {
        self.integers.count(lower, upper) + self.floats.count(lower, upper)
    }

    /// The nodes whose value lies within the bounds.
    pub fn nodes(&self, lower: Bound, upper: Bound) -> impl Iterator<Item = NodeId> + '_ {
        self.integers.within(lower, upper).chain(self.floats.within(lower, upper))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_insertions_in_two_runs_answer_as_one_sorted_index() {
        let mut index = RangeIndex::default();
        let mut naive: Vec<(i64, u32)> = Vec::new();
        let mut state = 7u64;
        for node in 0..60_000u32 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let value = (state % 1000) as i64;
            index.insert(&Value::Int(value), NodeId(node), true);
            naive.push((value, node));
            if node % 20_000 == 0 {
                index.insert(&Value::Float(value as f64 + 0.5), NodeId(node), true);
            }
        }
        naive.sort();
        // Read before the merge, then after it: the same answers.
        for merged in [false, true] {
            if merged {
                index.merge_recent();
                assert!(index.is_sorted());
            }
            let (lower, upper) = (Bound::Included(10.0), Bound::Excluded(500.0));
            let expected: Vec<NodeId> = naive
                .iter()
                .filter(|(value, _)| (10..500).contains(value))
                .map(|(_, node)| NodeId(*node))
                .collect();
            let floats = [0u32, 20_000, 40_000]
                .iter()
                .filter(|node| {
                    naive.iter().any(|(value, n)| n == *node && (10..499).contains(value))
                })
                .count();
            assert_eq!(index.count(lower, upper), expected.len() + floats);
            let found: Vec<NodeId> = index.nodes(lower, upper).take(expected.len()).collect();
            assert_eq!(found, expected);
        }
        // The same entry again (as a stale one awaiting a sweep) is kept once: a flush
        // sweeps a stale index, which merges everything.
        let (value, node) = naive[123];
        index.insert(&Value::Int(value), NodeId(node), true);
        index.sweep(|_, _| true);
        assert_eq!(index.entries().count(), 60_003);
        // A few insertions wait in the recent run; reads see them, a flush leaves them.
        for node in 60_000..60_010u32 {
            index.insert(&Value::Int(5), NodeId(node), true);
        }
        index.merge_recent();
        assert!(index.is_sorted());
        assert_eq!(
            index.count(Bound::Included(5.0), Bound::Included(5.0)),
            naive.iter().filter(|(v, _)| *v == 5).count() + 10
        );
    }
}
