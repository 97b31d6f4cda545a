//! The declared property indexes: for one label (or relationship type) and one or more
//! keys, the elements sorted by their values, so equality, ranges and `STARTS WITH`
//! find their elements without a scan, and a uniqueness constraint finds a duplicate
//! with one lookup.
//!
//! Values are ordered by `ORDER BY`'s order except that an integer and a float compare
//! exactly (so `1` and `1.0` share an entry, as `=` says they are equal, and no two
//! distinct integers ever tie through a lossy conversion). A key over several properties
//! holds the list of their values; an element that lacks one of them is not indexed, as
//! in Neo4j. NaN is never indexed: it equals nothing.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Bound;

use super::{Symbol, Value};

/// A value as an index orders it.
#[derive(Clone, Debug)]
pub(super) struct IndexKey(pub(super) Value);

impl PartialEq for IndexKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for IndexKey {}

impl PartialOrd for IndexKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for IndexKey {
    fn cmp(&self, other: &Self) -> Ordering {
        index_cmp(&self.0, &other.0)
    }
}

fn index_cmp(left: &Value, right: &Value) -> Ordering {
    match (left, right) {
        (Value::Int(a), Value::Float(b)) => int_float_cmp(*a, *b),
        (Value::Float(a), Value::Int(b)) => int_float_cmp(*b, *a).reverse(),
        (Value::List(a), Value::List(b)) => {
            for (x, y) in a.iter().zip(b) {
                match index_cmp(x, y) {
                    Ordering::Equal => {}
                    decided => return decided,
                }
            }
            a.len().cmp(&b.len())
        }
        _ => left.order_cmp(right),
    }
}

/// Compares an integer with a (non-NaN) float exactly.
fn int_float_cmp(int: i64, float: f64) -> Ordering {
    if float.is_nan() {
        return Ordering::Less;
    }
    // 2^63 as f64 is exact; every i64 lies below it and at or above -2^63.
    if float >= 9_223_372_036_854_775_808.0 {
        return Ordering::Less;
    }
    if float < -9_223_372_036_854_775_808.0 {
        return Ordering::Greater;
    }
    let whole = float.trunc();
    match int.cmp(&(whole as i64)) {
        Ordering::Equal => {
            let fraction = float - whole;
            if fraction > 0.0 {
                Ordering::Less
            } else if fraction < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            }
        }
        decided => decided,
    }
}

/// True for a value an index can hold: NaN (alone or inside a list) equals nothing.
fn indexable(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Float(number) => !number.is_nan(),
        Value::List(items) => items.iter().all(indexable),
        _ => true,
    }
}

/// The elements that share one key: usually one, so no allocation for it.
#[derive(Clone, Debug)]
enum Postings<Id> {
    One(Id),
    Many(Vec<Id>),
}

impl<Id: Copy + Ord> Postings<Id> {
    fn as_slice(&self) -> &[Id] {
        match self {
            Postings::One(id) => std::slice::from_ref(id),
            Postings::Many(ids) => ids,
        }
    }

    fn insert(&mut self, id: Id) {
        match self {
            Postings::One(first) if *first == id => {}
            Postings::One(first) => {
                let mut ids = vec![*first, id];
                ids.sort_unstable();
                *self = Postings::Many(ids);
            }
            Postings::Many(ids) => {
                if let Err(at) = ids.binary_search(&id) {
                    ids.insert(at, id);
                }
            }
        }
    }

    /// Removes `id`; `true` when nothing is left.
    fn remove(&mut self, id: Id) -> bool {
        match self {
            Postings::One(first) => *first == id,
            Postings::Many(ids) => {
                ids.retain(|existing| *existing != id);
                if let [only] = ids.as_slice() {
                    *self = Postings::One(*only);
                }
                matches!(self, Postings::Many(ids) if ids.is_empty())
            }
        }
    }
}

/// One physical index: the elements carrying one label (or of one type), by the values
/// of `keys`.
#[derive(Clone, Debug)]
pub struct PropertyIndex<Id> {
    pub(super) owner: Symbol,
    pub(super) keys: Vec<Symbol>,
    /// Only strings are indexed (a TEXT index).
    pub(super) strings_only: bool,
    entries: BTreeMap<IndexKey, Postings<Id>>,
    len: usize,
}

impl<Id: Copy + Ord> PropertyIndex<Id> {
    pub(super) fn new(owner: Symbol, keys: Vec<Symbol>, strings_only: bool) -> Self {
        PropertyIndex { owner, keys, strings_only, entries: BTreeMap::new(), len: 0 }
    }

    /// The key an element with these property values is indexed under, if any.
    /// `value_of` gives the element's value for one key.
    pub(super) fn key_of<'v>(
        &self,
        mut value_of: impl FnMut(Symbol) -> Option<&'v Value>,
    ) -> Option<IndexKey> {
        let key = match self.keys.as_slice() {
            [single] => value_of(*single)?.clone(),
            keys => {
                let mut values = Vec::with_capacity(keys.len());
                for key in keys {
                    values.push(value_of(*key)?.clone());
                }
                Value::List(values)
            }
        };
        if !indexable(&key) || (self.strings_only && !matches!(key, Value::String(_))) {
            return None;
        }
        Some(IndexKey(key))
    }

    pub(super) fn insert(&mut self, key: IndexKey, id: Id) {
        match self.entries.get_mut(&key) {
            Some(postings) => {
                let before = postings.as_slice().len();
                postings.insert(id);
                self.len += postings.as_slice().len() - before;
            }
            None => {
                self.entries.insert(key, Postings::One(id));
                self.len += 1;
            }
        }
    }

    pub(super) fn remove(&mut self, key: &IndexKey, id: Id) {
        if let Some(postings) = self.entries.get_mut(key) {
            let before = postings.as_slice().len();
            let empty = postings.remove(id);
            self.len -= before - if empty { 0 } else { postings.as_slice().len() };
            if empty {
                self.entries.remove(key);
            }
        }
    }

    /// True when the index holds every element with this value (a TEXT index holds
    /// only strings), so a lookup of it finds them all.
    pub fn holds(&self, value: &Value) -> bool {
        !self.strings_only || matches!(value, Value::String(_))
    }

    /// How many elements the index holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The elements whose value equals `value` (for a several-key index, the list of
    /// values in key order). Nothing for null or NaN, which equal nothing.
    pub fn equal(&self, value: &Value) -> &[Id] {
        if !indexable(value) {
            return &[];
        }
        self.entries.get(&IndexKey(value.clone())).map_or(&[], Postings::as_slice)
    }

    /// The elements whose value lies between the bounds and is of the same kind as the
    /// bounds (numbers with numbers, strings with strings…), as openCypher's comparison
    /// operators select them; in key order.
    pub fn range<'a>(
        &'a self,
        lower: Bound<&'a Value>,
        upper: Bound<&'a Value>,
    ) -> impl Iterator<Item = Id> + 'a {
        let kind = match (lower, upper) {
            (Bound::Included(value) | Bound::Excluded(value), _)
            | (Bound::Unbounded, Bound::Included(value) | Bound::Excluded(value)) => {
                Some(comparable_kind(value))
            }
            (Bound::Unbounded, Bound::Unbounded) => None,
        };
        let to_key = |bound: Bound<&Value>| match bound {
            Bound::Included(value) => Bound::Included(IndexKey(value.clone())),
            Bound::Excluded(value) => Bound::Excluded(IndexKey(value.clone())),
            Bound::Unbounded => Bound::Unbounded,
        };
        let (lower, upper) = (to_key(lower), to_key(upper));
        let valid = !matches!(
            (&lower, &upper),
            (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b))
                if a > b || (a == b && !(matches!(lower, Bound::Included(_)) && matches!(upper, Bound::Included(_))))
        );
        let entries = if valid { Some(self.entries.range((lower, upper))) } else { None };
        entries
            .into_iter()
            .flatten()
            .filter_map(move |(key, postings)| {
                (kind.is_none() || Some(comparable_kind(&key.0)) == kind).then_some(postings)
            })
            .flat_map(|postings| postings.as_slice().iter().copied())
    }

    /// The elements whose string value starts with `prefix`, in key order.
    pub fn starting_with<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = Id> + 'a {
        let start = IndexKey(Value::String(prefix.into()));
        self.entries
            .range(start..)
            .take_while(
                move |(key, _)| matches!(&key.0, Value::String(text) if text.starts_with(prefix)),
            )
            .flat_map(|(_, postings)| postings.as_slice().iter().copied())
    }

    /// Every (key, element) pair, for `Graph::validate`.
    pub(super) fn entries(&self) -> impl Iterator<Item = (&IndexKey, Id)> + '_ {
        self.entries
            .iter()
            .flat_map(|(key, postings)| postings.as_slice().iter().map(move |id| (key, *id)))
    }
}

/// Which values a comparison with this value can select: numbers compare with numbers,
/// strings with strings, and so on.
fn comparable_kind(value: &Value) -> u8 {
    match value {
        Value::Int(_) | Value::Float(_) => 0,
        Value::String(_) => 1,
        Value::Bool(_) => 2,
        Value::Temporal(temporal) => 3 + temporal.kind() as u8,
        Value::Duration { .. } => 10,
        Value::List(_) => 11,
        _ => 12,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(values: &[Value]) -> PropertyIndex<u32> {
        let mut index = PropertyIndex::new(Symbol(0), vec![Symbol(0)], false);
        for (id, value) in values.iter().enumerate() {
            if let Some(key) = index.key_of(|_| Some(value)) {
                index.insert(key, id as u32);
            }
        }
        index
    }

    #[test]
    fn integers_and_floats_meet_exactly() {
        let index = index(&[Value::Int(1), Value::Float(1.0), Value::Int(9_007_199_254_740_993)]);
        assert_eq!(index.equal(&Value::Int(1)), &[0, 1]);
        assert_eq!(index.equal(&Value::Float(1.0)), &[0, 1]);
        // 2^53 + 1 is not 2^53 as a float would round it.
        assert_eq!(index.equal(&Value::Float(9_007_199_254_740_992.0)), &[] as &[u32]);
        assert_eq!(index.equal(&Value::Int(9_007_199_254_740_993)), &[2]);
    }

    #[test]
    fn nan_and_null_are_not_indexed() {
        let index = index(&[Value::Float(f64::NAN), Value::Null, Value::Int(3)]);
        assert_eq!(index.len(), 1);
        assert_eq!(index.equal(&Value::Float(f64::NAN)), &[] as &[u32]);
    }

    #[test]
    fn ranges_keep_to_one_kind_and_prefixes_to_strings() {
        let index = index(&[
            Value::Int(5),
            "Bakı".into(),
            "Bakıxanov".into(),
            "Gəncə".into(),
            Value::Float(7.5),
            Value::Bool(true),
        ]);
        let numbers: Vec<u32> =
            index.range(Bound::Included(&Value::Int(5)), Bound::Unbounded).collect();
        assert_eq!(numbers, vec![0, 4]);
        let strings: Vec<u32> =
            index.range(Bound::Excluded(&"A".into()), Bound::Excluded(&"C".into())).collect();
        assert_eq!(strings, vec![1, 2]);
        let prefixed: Vec<u32> = index.starting_with("Bakı").collect();
        assert_eq!(prefixed, vec![1, 2]);
        let empty: Vec<u32> =
            index.range(Bound::Excluded(&Value::Int(9)), Bound::Excluded(&Value::Int(1))).collect();
        assert!(empty.is_empty());
    }

    #[test]
    fn removal_keeps_counts() {
        let mut index = index(&["a".into(), "a".into(), "b".into()]);
        assert_eq!(index.len(), 3);
        index.remove(&IndexKey("a".into()), 0);
        assert_eq!(index.equal(&"a".into()), &[1]);
        assert_eq!(index.len(), 2);
        index.remove(&IndexKey("a".into()), 1);
        assert_eq!(index.len(), 1);
    }
}
