//! The fast path of loading: streams each JSON file straight into the graph with typed
//! serde visitors, never building a `serde_json::Value` tree or a second copy of the
//! graph. It only succeeds on clean data; at the first problem of any kind it gives up
//! and the caller reruns the thorough path, which finds and locates every problem.
//! That includes anything past the loader's limits (`limits`): a name too long here is
//! only a reason to give up; the thorough path says where it is. Its unit tests tie
//! serde's field names here to `format::keys`.

use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::graph::{Graph, Value};

use super::Vocabulary;
use super::format::{key_too_long, keys, list_items_agree, name_problem};

/// Counts shown by a progress line while a large graph loads.
#[derive(Debug, Default)]
pub struct LoadProgress {
    pub nodes: AtomicUsize,
    pub edges: AtomicUsize,
    /// Bytes of JSON read so far, over all files.
    pub bytes_read: AtomicUsize,
    /// Bytes of JSON in all files.
    pub bytes_total: AtomicUsize,
}

/// Why the fast path stopped; the thorough path will say it properly.
pub(super) struct NotClean;

/// An edge whose endpoints were not both known yet when it was read.
struct LaterEdge {
    from: String,
    to: String,
    rel_type: String,
    properties: Vec<(String, Value)>,
}

struct State<'g> {
    graph: &'g mut Graph,
    vocabulary: Option<&'g Vocabulary>,
    later: Vec<LaterEdge>,
    progress: Option<&'g LoadProgress>,
    clean: bool,
    /// Where the text being read starts in memory, and how many bytes the files before
    /// it held: an id borrowed from the text tells how far reading has got.
    text_start: usize,
    bytes_before: usize,
}

impl State<'_> {
    /// Records progress from a string borrowed out of the text being read.
    // Only a borrowed string points into the text (an owned one had escapes), so the
    // Cow itself is what is asked about.
    #[expect(clippy::ptr_arg, reason = "whether the Cow is borrowed is the point")]
    fn note_position(&self, borrowed: &Cow<'_, str>) {
        if let (Some(progress), Cow::Borrowed(text)) = (self.progress, borrowed) {
            let offset = (text.as_ptr() as usize).saturating_sub(self.text_start);
            progress.bytes_read.store(self.bytes_before + offset, Ordering::Relaxed);
        }
    }
}

/// Loads every data text into `graph`, or reports `NotClean`.
pub(super) fn load_clean(
    texts: &[&str],
    graph: &mut Graph,
    vocabulary: Option<&Vocabulary>,
    progress: Option<&LoadProgress>,
) -> Result<(), NotClean> {
    graph.load_in_bulk(|graph| {
        let mut state = State {
            graph,
            vocabulary,
            later: Vec::new(),
            progress,
            clean: true,
            text_start: 0,
            bytes_before: 0,
        };
        if let Some(progress) = progress {
            progress
                .bytes_total
                .store(texts.iter().map(|text| text.len()).sum(), Ordering::Relaxed);
        }
        let (nodes, edges) = estimate_counts(texts);
        state.graph.reserve(nodes, edges);
        for text in texts {
            state.text_start = text.as_ptr() as usize;
            let mut deserializer = serde_json::Deserializer::from_str(text);
            FileSeed { state: &mut state }.deserialize(&mut deserializer).map_err(|_| NotClean)?;
            deserializer.end().map_err(|_| NotClean)?;
            state.bytes_before += text.len();
            if !state.clean {
                return Err(NotClean);
            }
        }
        for edge in std::mem::take(&mut state.later) {
            let (Some(from), Some(to)) =
                (state.graph.node_by_key(&edge.from), state.graph.node_by_key(&edge.to))
            else {
                return Err(NotClean);
            };
            state
                .graph
                .add_edge(from, to, &edge.rel_type, edge.properties)
                .map_err(|_| NotClean)?;
        }
        Ok(())
    })
}

struct FileSeed<'s, 'g> {
    state: &'s mut State<'g>,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object with `nodes` and `edges`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match &*key {
                keys::NODES => map.next_value_seed(NodesSeed { state: &mut *self.state })?,
                keys::EDGES => map.next_value_seed(EdgesSeed { state: &mut *self.state })?,
                _ => {
                    self.state.clean = false;
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeIn<'a> {
    #[serde(borrow)]
    id: Cow<'a, str>,
    #[serde(default, borrow)]
    labels: Vec<Cow<'a, str>>,
    #[serde(default)]
    properties: PropertiesIn,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeIn<'a> {
    #[serde(borrow)]
    from: Cow<'a, str>,
    #[serde(borrow)]
    to: Cow<'a, str>,
    #[serde(rename = "type", borrow)]
    rel_type: Cow<'a, str>,
    #[serde(default)]
    properties: PropertiesIn,
}

/// A property map, read straight into `(key, Value)` pairs.
#[derive(Default)]
struct PropertiesIn(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for PropertiesIn {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor;
        impl<'de> Visitor<'de> for MapVisitor {
            type Value = PropertiesIn;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a map of properties")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PropertiesIn, A::Error> {
                let mut properties = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    if key_too_long(&key) {
                        return Err(de::Error::custom("property key too long"));
                    }
                    let PropertyValue(value) = map.next_value()?;
                    properties.push((key.into_owned(), value));
                }
                Ok(PropertiesIn(properties))
            }
        }
        deserializer.deserialize_map(MapVisitor)
    }
}

/// One property value: a scalar or a list of scalars of one kind.
struct PropertyValue(Value);

impl<'de> Deserialize<'de> for PropertyValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor { in_list: false }).map(PropertyValue)
    }
}

struct ValueVisitor {
    in_list: bool,
}

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a string, number, boolean or list")
    }

    fn visit_bool<E: de::Error>(self, flag: bool) -> Result<Value, E> {
        Ok(Value::Bool(flag))
    }

    fn visit_i64<E: de::Error>(self, number: i64) -> Result<Value, E> {
        Ok(Value::Int(number))
    }

    fn visit_u64<E: de::Error>(self, number: u64) -> Result<Value, E> {
        i64::try_from(number).map(Value::Int).map_err(|_| E::custom("integer too large"))
    }

    fn visit_f64<E: de::Error>(self, number: f64) -> Result<Value, E> {
        Ok(Value::Float(number))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Value, E> {
        Ok(Value::from(text))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        if self.in_list {
            return Err(de::Error::custom("nested list"));
        }
        let mut items: Vec<Value> = Vec::new();
        while let Some(item) = seq.next_element_seed(ListItemSeed)? {
            items.push(item);
        }
        if let Some(first) = items.first()
            && !items.iter().all(|item| list_items_agree(first, item))
        {
            return Err(de::Error::custom("mixed list"));
        }
        Ok(Value::List(items))
    }
}

struct ListItemSeed;

impl<'de> DeserializeSeed<'de> for ListItemSeed {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor { in_list: true })
    }
}

struct NodesSeed<'s, 'g> {
    state: &'s mut State<'g>,
}

impl<'de> DeserializeSeed<'de> for NodesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for NodesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a list of nodes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.state;
        while let Some(node) = seq.next_element::<NodeIn<'de>>()? {
            let bad_name = |name: &Cow<'_, str>| name_problem(name).is_some();
            if bad_name(&node.id) || node.labels.iter().any(bad_name) {
                state.clean = false;
                continue;
            }
            let labels: smallvec_labels::Labels<'_> =
                node.labels.iter().map(|label| &**label).collect();
            if let Some(vocabulary) = state.vocabulary
                && labels.as_slice().iter().any(|label| !vocabulary.labels.contains(*label))
            {
                state.clean = false;
            }
            if state.graph.add_node(Some(&node.id), labels.as_slice(), node.properties.0).is_err() {
                state.clean = false;
            }
            if let Some(progress) = state.progress
                && progress.nodes.fetch_add(1, Ordering::Relaxed) % 4096 == 0
            {
                state.note_position(&node.id);
            }
        }
        Ok(())
    }
}

struct EdgesSeed<'s, 'g> {
    state: &'s mut State<'g>,
}

impl<'de> DeserializeSeed<'de> for EdgesSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EdgesSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a list of edges")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let state = self.state;
        while let Some(edge) = seq.next_element::<EdgeIn<'de>>()? {
            if let Some(progress) = state.progress
                && progress.edges.fetch_add(1, Ordering::Relaxed) % 4096 == 0
            {
                state.note_position(&edge.to);
            }
            let bad_name = |name: &Cow<'_, str>| name_problem(name).is_some();
            if bad_name(&edge.from) || bad_name(&edge.to) || bad_name(&edge.rel_type) {
                state.clean = false;
                continue;
            }
            if let Some(vocabulary) = state.vocabulary
                && !vocabulary.rel_types.contains(&*edge.rel_type)
            {
                state.clean = false;
            }
            match (state.graph.node_by_key(&edge.from), state.graph.node_by_key(&edge.to)) {
                (Some(from), Some(to)) => {
                    if state.graph.add_edge(from, to, &edge.rel_type, edge.properties.0).is_err() {
                        state.clean = false;
                    }
                }
                // The other end may be in a file not read yet.
                _ => state.later.push(LaterEdge {
                    from: edge.from.into_owned(),
                    to: edge.to.into_owned(),
                    rel_type: edge.rel_type.into_owned(),
                    properties: edge.properties.0,
                }),
            }
        }
        Ok(())
    }
}

/// A node's labels without a heap allocation for the usual one to four.
mod smallvec_labels {
    pub(super) struct Labels<'a> {
        inline: [&'a str; 4],
        length: usize,
        spilled: Vec<&'a str>,
    }

    impl<'a> FromIterator<&'a str> for Labels<'a> {
        fn from_iter<I: IntoIterator<Item = &'a str>>(items: I) -> Self {
            let mut labels = Labels { inline: [""; 4], length: 0, spilled: Vec::new() };
            for item in items {
                if labels.length < 4 && labels.spilled.is_empty() {
                    labels.inline[labels.length] = item;
                    labels.length += 1;
                } else {
                    if labels.spilled.is_empty() {
                        labels.spilled.extend_from_slice(&labels.inline[..labels.length]);
                    }
                    labels.spilled.push(item);
                }
            }
            labels
        }
    }

    impl<'a> Labels<'a> {
        pub(super) fn as_slice(&self) -> &[&'a str] {
            if self.spilled.is_empty() { &self.inline[..self.length] } else { &self.spilled }
        }
    }
}

/// Roughly how many nodes and edges the texts hold, measured on the first few hundred
/// of each: enough to reserve table space up front instead of growing it step by step.
fn estimate_counts(texts: &[&str]) -> (usize, usize) {
    const SAMPLE: usize = 256;
    let per_element = |part: &str, marker: &str| -> usize {
        let positions: Vec<usize> =
            part.match_indices(marker).map(|(at, _)| at).take(SAMPLE + 1).collect();
        match positions.as_slice() {
            [] => 0,
            [_] => 1,
            [first, .., last] => part.len() / ((last - first) / (positions.len() - 1)).max(1),
        }
    };
    let (mut nodes, mut edges) = (0, 0);
    for text in texts {
        let (node_part, edge_part) = text.split_at(text.find("\"edges\"").unwrap_or(text.len()));
        nodes += per_element(node_part, "\"id\"");
        edges += per_element(edge_part, "\"from\"");
    }
    (nodes, edges)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// serde's attributes name the record fields as literals; they must be the format's.
    #[test]
    fn the_typed_records_have_the_formats_fields() {
        let expected = |fields: &[&str]| {
            let names: Vec<String> = fields.iter().map(|field| format!("`{field}`")).collect();
            format!("expected one of {}", names.join(", "))
        };
        let node = serde_json::from_str::<NodeIn<'_>>(r#"{"unknown": 0}"#).err().unwrap();
        assert!(node.to_string().contains(&expected(&keys::NODE_FIELDS)), "{node}");
        let edge = serde_json::from_str::<EdgeIn<'_>>(r#"{"unknown": 0}"#).err().unwrap();
        assert!(edge.to_string().contains(&expected(&keys::EDGE_FIELDS)), "{edge}");
    }
}
