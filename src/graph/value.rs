//! `Value`: every value a property can hold or a query can compute.
//!
//! Owns openCypher's value semantics: three-valued equality (`=` may answer null),
//! comparability (`<` across types is null), the total order `ORDER BY` uses, and the
//! equivalence `DISTINCT` and grouping use (null equals null, `1` equals `1.0`).
//! Does not know how values are printed for users; see `render` for that.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use super::{Duration, EdgeId, NodeId, Temporal};

/// A path: alternating nodes and relationships, `nodes.len() == relationships.len() + 1`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Path {
    pub nodes: Vec<NodeId>,
    pub relationships: Vec<EdgeId>,
}

/// A property or runtime value.
///
/// Properties stored in the graph never hold `Node`, `Relationship` or `Path`; the loader
/// and `CREATE` refuse them.
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(Arc<str>),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Node(NodeId),
    Relationship(EdgeId),
    Path(Arc<Path>),
    /// A byte array (Neo4j's `ByteArray`): a parameter or property value, no literal.
    Bytes(Arc<[u8]>),
    Temporal(Temporal),
    /// A `Duration`, its parts kept inline (not as one field) so the variant fits beside
    /// the tag and `Value` stays 32 bytes; `as_duration` and `From<Duration>` convert.
    Duration {
        months: i64,
        days: i64,
        seconds: i64,
        nanos: i32,
    },
}

impl From<Duration> for Value {
    fn from(duration: Duration) -> Self {
        let Duration { months, days, seconds, nanos } = duration;
        Value::Duration { months, days, seconds, nanos }
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        Value::String(Arc::from(text))
    }
}

impl From<String> for Value {
    fn from(text: String) -> Self {
        Value::String(Arc::from(text))
    }
}

impl From<i64> for Value {
    fn from(number: i64) -> Self {
        Value::Int(number)
    }
}

impl From<f64> for Value {
    fn from(number: f64) -> Self {
        Value::Float(number)
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Value::Bool(flag)
    }
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_duration(&self) -> Option<Duration> {
        match *self {
            Value::Duration { months, days, seconds, nanos } => {
                Some(Duration { months, days, seconds, nanos })
            }
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(text) => Some(text),
            _ => None,
        }
    }

    /// The openCypher type name, as error messages and `valueType`-style output use it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "Null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Integer",
            Value::Float(_) => "Float",
            Value::String(_) => "String",
            Value::List(_) => "List",
            Value::Map(_) => "Map",
            Value::Node(_) => "Node",
            Value::Relationship(_) => "Relationship",
            Value::Path(_) => "Path",
            Value::Bytes(_) => "ByteArray",
            Value::Temporal(temporal) => temporal.type_name(),
            Value::Duration { .. } => "Duration",
        }
    }

    /// What a property cannot hold, in words for an error: `a Map`, or for a list
    /// `a list mixing String and Integer (a list property holds one type)`.
    pub fn unstorable_description(&self) -> String {
        if let Value::List(items) = self
            && let Some(first) = items.first()
            && let Some(other) = items.iter().find(|item| !list_items_agree(first, item))
        {
            return format!(
                "a list mixing {} and {} (a list property holds values of one type)",
                first.type_name(),
                other.type_name()
            );
        }
        format!("a {}", self.type_name())
    }

    /// True for values a property may hold (no graph elements, lists of simple values).
    pub fn is_storable(&self) -> bool {
        match self {
            Value::Null
            | Value::Bool(_)
            | Value::Int(_)
            | Value::Float(_)
            | Value::String(_)
            | Value::Bytes(_)
            | Value::Temporal(_)
            | Value::Duration { .. } => true,
            // As Neo4j: a list property holds one type of value (numbers may mix).
            Value::List(items) => {
                items.iter().all(|item| {
                    matches!(
                        item,
                        Value::Bool(_)
                            | Value::Int(_)
                            | Value::Float(_)
                            | Value::String(_)
                            | Value::Temporal(_)
                            | Value::Duration { .. }
                    )
                }) && items
                    .first()
                    .is_none_or(|first| items.iter().all(|item| list_items_agree(first, item)))
            }
            Value::Map(_) | Value::Node(_) | Value::Relationship(_) | Value::Path(_) => false,
        }
    }

    /// openCypher `=`: `None` when the answer is null (a null operand, or a null inside
    /// lists or maps that decides the outcome).
    pub fn cypher_eq(&self, other: &Value) -> Option<bool> {
        match (self, other) {
            (Value::Null, _) | (_, Value::Null) => None,
            (Value::Int(a), Value::Int(b)) => Some(a == b),
            (Value::Int(a), Value::Float(b)) => Some((*a as f64) == *b),
            (Value::Float(a), Value::Int(b)) => Some(*a == (*b as f64)),
            (Value::Float(a), Value::Float(b)) => Some(a == b),
            (Value::Bool(a), Value::Bool(b)) => Some(a == b),
            (Value::String(a), Value::String(b)) => Some(a == b),
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut unknown = false;
                for (left, right) in a.iter().zip(b) {
                    match left.cypher_eq(right) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            (Value::Map(a), Value::Map(b)) => {
                if a.len() != b.len() || a.keys().ne(b.keys()) {
                    return Some(false);
                }
                let mut unknown = false;
                for (left, right) in a.values().zip(b.values()) {
                    match left.cypher_eq(right) {
                        Some(false) => return Some(false),
                        None => unknown = true,
                        Some(true) => {}
                    }
                }
                if unknown { None } else { Some(true) }
            }
            (Value::Node(a), Value::Node(b)) => Some(a == b),
            (Value::Relationship(a), Value::Relationship(b)) => Some(a == b),
            (Value::Path(a), Value::Path(b)) => Some(a == b),
            (Value::Bytes(a), Value::Bytes(b)) => Some(a == b),
            (Value::Temporal(a), Value::Temporal(b)) => {
                Some(a.compare(*b) == Some(Ordering::Equal))
            }
            (Value::Duration { .. }, Value::Duration { .. }) => {
                Some(self.as_duration() == other.as_duration())
            }
            _ => Some(false),
        }
    }

    /// openCypher `<` and friends: `None` when the operands are not comparable
    /// (different types, a null, NaN against anything).
    pub fn cypher_cmp(&self, other: &Value) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (Value::Int(a), Value::Float(b)) => (*a as f64).partial_cmp(b),
            (Value::Float(a), Value::Int(b)) => a.partial_cmp(&(*b as f64)),
            (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            (Value::Bool(a), Value::Bool(b)) => Some(a.cmp(b)),
            (Value::Temporal(a), Value::Temporal(b)) => a.compare(*b),
            (Value::List(a), Value::List(b)) => {
                for (left, right) in a.iter().zip(b) {
                    match left.cypher_cmp(right)? {
                        Ordering::Equal => {}
                        decided => return Some(decided),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        }
    }

    /// Rank of a type in openCypher's global sort order (ascending).
    fn order_rank(&self) -> u8 {
        match self {
            Value::Map(_) => 0,
            Value::Node(_) => 1,
            Value::Relationship(_) => 2,
            Value::List(_) => 3,
            Value::Path(_) | Value::Bytes(_) => 4,
            Value::Temporal(_) => 5,
            Value::Duration { .. } => 6,
            Value::String(_) => 7,
            Value::Bool(_) => 8,
            Value::Int(_) | Value::Float(_) => 9,
            Value::Null => 10,
        }
    }

    /// The total order of `ORDER BY`: types in openCypher's order, numbers by value with
    /// NaN after every other number, nulls last.
    pub fn order_cmp(&self, other: &Value) -> Ordering {
        let (rank_a, rank_b) = (self.order_rank(), other.order_rank());
        if rank_a != rank_b {
            return rank_a.cmp(&rank_b);
        }
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a.cmp(b),
            (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => {
                let a = self.as_f64_lossy();
                let b = other.as_f64_lossy();
                match (a.is_nan(), b.is_nan()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => {
                        a.partial_cmp(&b).unwrap_or(Ordering::Equal).then_with(|| {
                            // Keep the order total and consistent with equivalence:
                            // an integer and an equal float tie.
                            Ordering::Equal
                        })
                    }
                }
            }
            (Value::String(a), Value::String(b)) => a.cmp(b),
            (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
            (Value::List(a), Value::List(b)) => {
                for (left, right) in a.iter().zip(b) {
                    match left.order_cmp(right) {
                        Ordering::Equal => {}
                        decided => return decided,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Map(a), Value::Map(b)) => {
                for ((key_a, value_a), (key_b, value_b)) in a.iter().zip(b) {
                    match key_a.cmp(key_b).then_with(|| value_a.order_cmp(value_b)) {
                        Ordering::Equal => {}
                        decided => return decided,
                    }
                }
                a.len().cmp(&b.len())
            }
            (Value::Node(a), Value::Node(b)) => a.cmp(b),
            (Value::Relationship(a), Value::Relationship(b)) => a.cmp(b),
            (Value::Path(a), Value::Path(b)) => {
                a.nodes.cmp(&b.nodes).then_with(|| a.relationships.cmp(&b.relationships))
            }
            (Value::Temporal(a), Value::Temporal(b)) => a.order(*b),
            (Value::Duration { .. }, Value::Duration { .. }) => {
                self.as_duration().cmp(&other.as_duration())
            }
            (Value::Bytes(a), Value::Bytes(b)) => a.cmp(b),
            // Byte arrays share paths' rank (openCypher has no place for them): after.
            (Value::Path(_), Value::Bytes(_)) => Ordering::Less,
            (Value::Bytes(_), Value::Path(_)) => Ordering::Greater,
            _ => Ordering::Equal,
        }
    }

    fn as_f64_lossy(&self) -> f64 {
        match self {
            Value::Int(number) => *number as f64,
            Value::Float(number) => *number,
            _ => f64::NAN,
        }
    }

    /// Equivalence as `DISTINCT` and grouping use it: like `=`, but null is equivalent to
    /// null and NaN to NaN.
    pub fn equivalent(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Float(a), Value::Float(b)) if a.is_nan() && b.is_nan() => true,
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(left, right)| left.equivalent(right))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|((key_a, val_a), (key_b, val_b))| {
                        key_a == key_b && val_a.equivalent(val_b)
                    })
            }
            _ => self.cypher_eq(other) == Some(true),
        }
    }
}

/// A `Value` compared by equivalence, so it can key a hash map (grouping, `DISTINCT`).
#[derive(Clone, Debug)]
pub struct GroupKey(pub Value);

impl PartialEq for GroupKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.equivalent(&other.0)
    }
}

impl Eq for GroupKey {}

impl Hash for GroupKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_equivalence(&self.0, state);
    }
}

/// Whether `item` may sit in a list property whose first item is `first`: the same
/// type, or both numbers. The one rule the loaders and the mutation API share.
#[inline]
pub fn list_items_agree(first: &Value, item: &Value) -> bool {
    let numeric = |value: &Value| matches!(value, Value::Int(_) | Value::Float(_));
    item.type_name() == first.type_name() || (numeric(item) && numeric(first))
}

/// Hashes so that equivalent values hash alike: an integer and a float of the same value
/// share a hash.
fn hash_equivalence<H: Hasher>(value: &Value, state: &mut H) {
    match value {
        Value::Null => 0u8.hash(state),
        Value::Bool(flag) => (1u8, flag).hash(state),
        Value::Int(number) => {
            2u8.hash(state);
            let as_float = *number as f64;
            if as_float as i64 == *number {
                as_float.to_bits().hash(state);
            } else {
                number.hash(state);
            }
        }
        Value::Float(number) => {
            2u8.hash(state);
            if number.is_nan() {
                f64::NAN.to_bits().hash(state);
            } else if *number == 0.0 {
                0.0f64.to_bits().hash(state);
            } else {
                number.to_bits().hash(state);
            }
        }
        Value::String(text) => (3u8, text).hash(state),
        Value::List(items) => {
            (4u8, items.len()).hash(state);
            for item in items {
                hash_equivalence(item, state);
            }
        }
        Value::Map(entries) => {
            (5u8, entries.len()).hash(state);
            for (key, item) in entries {
                key.hash(state);
                hash_equivalence(item, state);
            }
        }
        Value::Node(id) => (6u8, id).hash(state),
        Value::Relationship(id) => (7u8, id).hash(state),
        Value::Path(path) => (8u8, path).hash(state),
        Value::Bytes(bytes) => (11u8, bytes).hash(state),
        // Equal temporals of an offset type may differ in offset: hash what they compare by.
        Value::Temporal(temporal) => (9u8, temporal.kind_rank(), temporal.sort_key()).hash(state),
        Value::Duration { months, days, seconds, nanos } => {
            (10u8, months, days, seconds, nanos).hash(state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_equality_is_unknown() {
        assert_eq!(Value::Null.cypher_eq(&Value::Int(1)), None);
        assert_eq!(Value::Int(1).cypher_eq(&Value::Float(1.0)), Some(true));
        let with_null = Value::List(vec![Value::Int(1), Value::Null]);
        assert_eq!(
            with_null.cypher_eq(&Value::List(vec![Value::Int(2), Value::Null])),
            Some(false)
        );
        assert_eq!(with_null.cypher_eq(&with_null.clone()), None);
    }

    #[test]
    fn order_puts_nulls_last_and_nan_after_numbers() {
        let mut values = [Value::Null, Value::Float(f64::NAN), Value::Int(3), Value::from("a")];
        values.sort_by(Value::order_cmp);
        assert!(matches!(values[0], Value::String(_)));
        assert!(matches!(values[1], Value::Int(3)));
        assert!(matches!(values[2], Value::Float(number) if number.is_nan()));
        assert!(values[3].is_null());
    }

    #[test]
    fn stays_four_words() {
        // Rows clone values per slot; a duration must not make every value bigger.
        assert_eq!(std::mem::size_of::<Value>(), 32);
    }

    #[test]
    fn grouping_treats_one_and_one_point_zero_alike() {
        use std::collections::HashSet;
        let keys: HashSet<GroupKey> = [Value::Int(1), Value::Float(1.0), Value::Null, Value::Null]
            .into_iter()
            .map(GroupKey)
            .collect();
        assert_eq!(keys.len(), 2);
    }
}
