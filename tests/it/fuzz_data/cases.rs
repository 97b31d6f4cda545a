//! The data fuzzer's cases: a small graph-data folder drawn from a seed (one to three
//! data files whose edges cross between them, sometimes a `schema.json`), then made
//! hostile and corrupt. Structural mutations keep the JSON valid and test the loader's
//! rules and every renderer: names and values that are very long or full of control
//! characters, direction overrides, quotes and Azerbaijani text; wrong types, dangling
//! and duplicate ids, unknown fields, deep nesting, odd numbers, broken vocabularies.
//! Byte mutations then break the JSON itself: flipped bytes, cuts, splices, bytes that
//! are not UTF-8, a byte-order mark, an empty file.

use serde_json::{Map, Value as Json, json};

use crate::support::Rng;

/// One graph-data folder to try.
pub(super) struct Case {
    pub number: usize,
    /// What was done to the data, in order, for failure messages and the figures.
    pub mutations: Vec<&'static str>,
    /// File names and contents.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Text that breaks naive writers of tables, DOT, CSV and terminals, and text that must
/// survive them unchanged.
const PIECES: &[&str] = &[
    "Bakı",
    "Azərbaycan Respublikası",
    "İlham İsmayılov",
    "şəhər çörək dağ göl üzüm",
    "ı İ ə Ə ğ Ğ ş Ş ç Ç ö Ö ü Ü",
    "say \"hi\"",
    "back\\slash\\",
    "\\N \\G \\l \\E",
    "line\nbreak",
    "crlf\r\nnext",
    "tab\there",
    "<b>bold</b> &amp; <i>",
    "{record|x} <port>",
    "a -> b -- c; [x=y]",
    "node",
    "edge",
    "digraph",
    "subgraph",
    "\u{1b}[31mred\u{1b}[0m",
    "\u{1b}]0;title\u{7}",
    "\u{1b}[2J\u{1b}[H",
    "nul\u{0}",
    "del\u{7f}",
    "csi\u{9b}2J",
    "nel\u{85}",
    "abc\u{202E}fed",
    "\u{202A}\u{202B}\u{202C}\u{202D}",
    "\u{2066}iso\u{2069}\u{2067}\u{2068}",
    "\u{2028}\u{2029}",
    "北京市 東京都",
    "🌉",
    "مرحبا بالعالم",
    "שלום",
    "e\u{301}",
    "\u{FEFF}bom",
    "\u{FFFE}\u{FFFF}",
    "`tick`",
    "'quote'",
    "MATCH",
    "  spaced  ",
    "",
];

const LABELS: &[&str] = &["City", "Country", "NGO", "Organization", "Person", "Region", "Event"];
const TYPES: &[&str] = &["LEADS", "PART_OF", "LOCATED_IN", "PARTNERS_WITH", "ABOUT"];
const KEYS: &[&str] = &["name", "name_en", "founded", "aliases", "quote", "source", "count"];

/// Lengths in characters that sit on either side of the limits: the loader's 1,024 for
/// names, Graphviz's 16,384 bytes, and the 65,535 a format width can take.
const LONG_NAMES: &[usize] = &[100, 1_000, 1_024, 1_025, 4_097, 16_385, 65_536, 100_000];
const LONG_VALUES: &[usize] = &[4_095, 4_097, 16_383, 16_385, 20_000];
/// Values long enough to overflow a format width; rarer, since a debug build takes a
/// quarter of a second to show each one every way.
const HUGE_VALUES: &[usize] = &[65_536, 100_000];
/// Levels of list nesting in a property value: one is allowed, the rest are not, and
/// serde_json's limit is 127 levels for the whole file.
const DEPTHS: &[usize] = &[1, 2, 5, 122, 123, 124, 1_000, 100_000];
/// Number literals at the edges of what JSON and 64-bit values hold.
const NUMBERS: &[&str] = &[
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "1e308",
    "1e400",
    "-0",
    "-0.0",
    "5e-324",
    "1.5e-400",
    "0.1",
];

/// A private-use marker that serde_json writes as it is, replaced after writing by
/// JSON text that a `Json` value cannot hold or should not build (deep nesting, exact
/// number literals).
fn marker(index: usize) -> String {
    format!("\u{E000}raw{index}\u{E000}")
}

struct Draft<'r> {
    rng: &'r mut Rng,
    nodes: Vec<Json>,
    edges: Vec<Json>,
    schema: Option<Json>,
    /// JSON text for each marker.
    raw: Vec<String>,
    mutations: Vec<&'static str>,
}

/// Case `number` of the run seeded with `seed`; the same pair always gives the same case.
pub(super) fn generate(number: usize, seed: u64) -> Case {
    // SplitMix64 of the seed and number, so neighbouring cases are unrelated.
    let mut mixed = seed.wrapping_add((number as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    mixed = (mixed ^ (mixed >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    mixed = (mixed ^ (mixed >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    let mut rng = Rng::new(mixed ^ (mixed >> 31));
    let mut draft = Draft {
        rng: &mut rng,
        nodes: Vec::new(),
        edges: Vec::new(),
        schema: None,
        raw: Vec::new(),
        mutations: Vec::new(),
    };
    draft.base_graph();
    let structural = draft.rng.below(4);
    for _ in 0..structural {
        draft.mutate();
    }
    let Draft { nodes, edges, schema, raw, mut mutations, .. } = draft;
    let mut files = split_into_files(&mut rng, nodes, edges, schema, &raw);
    // A quarter of the cases break the JSON itself.
    if rng.one_in(4) {
        let target = rng.below(files.len());
        let mutation = corrupt(&mut rng, &mut files[target].1);
        mutations.push(mutation);
    }
    Case { number, mutations, files }
}

impl Draft<'_> {
    fn piece(&mut self) -> String {
        self.rng.pick(PIECES).to_owned()
    }

    /// Text of exactly `characters` characters: hostile pieces, or half the time one
    /// plain piece over and over. Graphviz reads a quoted string in runs between
    /// escapes, so only the plain kind meets its 16,384-byte limit head on.
    fn long_text(&mut self, characters: usize) -> String {
        let plain = self
            .rng
            .one_in(2)
            .then(|| self.rng.pick(&["T", "Bakı ", "Azərbaycan", "北京"]).to_owned());
        let mut text = String::new();
        let mut count = 0;
        while count < characters {
            let piece = plain.clone().unwrap_or_else(|| self.piece());
            for character in piece.chars().chain(['Ə']) {
                if count == characters {
                    break;
                }
                text.push(character);
                count += 1;
            }
        }
        text
    }

    fn raw(&mut self, text: String) -> Json {
        self.raw.push(text);
        Json::String(marker(self.raw.len() - 1))
    }

    fn base_graph(&mut self) {
        let node_count = 1 + self.rng.below(10);
        for index in 0..node_count {
            let mut properties = Map::new();
            let name = match self.rng.below(4) {
                0 => self.piece(),
                _ => format!("{} {index}", self.rng.pick(PIECES)),
            };
            properties.insert("name".into(), json!(name));
            if self.rng.one_in(2) {
                properties.insert("name_en".into(), json!(format!("Name {index}")));
            }
            if self.rng.one_in(3) {
                properties.insert("founded".into(), json!(1990 + self.rng.below(35)));
            }
            if self.rng.one_in(3) {
                properties.insert("aliases".into(), json!([self.piece(), self.piece()]));
            }
            if self.rng.one_in(4) {
                properties.insert("score".into(), json!(self.rng.below(1000) as f64 / 7.0));
            }
            if self.rng.one_in(5) {
                properties.insert("profiled".into(), json!(self.rng.one_in(2)));
            }
            if self.rng.one_in(3) {
                properties.insert(self.rng.pick(KEYS).to_owned(), json!(self.piece()));
            }
            let labels: Vec<&str> = (0..self.rng.below(3)).map(|_| self.rng.pick(LABELS)).collect();
            self.nodes.push(
                json!({"id": format!("n{index}"), "labels": labels, "properties": properties}),
            );
        }
        for _ in 0..self.rng.below(13) {
            let from = format!("n{}", self.rng.below(node_count));
            let to = format!("n{}", self.rng.below(node_count));
            let mut edge = json!({"from": from, "to": to, "type": self.rng.pick(TYPES)});
            if self.rng.one_in(2) {
                edge["properties"] = json!({"source": self.rng.below(10), "quote": self.piece()});
            }
            self.edges.push(edge);
        }
        if self.rng.one_in(4) {
            let labels: Vec<&str> =
                LABELS.iter().copied().filter(|_| !self.rng.one_in(5)).collect();
            let types: Vec<&str> = TYPES.iter().copied().filter(|_| !self.rng.one_in(5)).collect();
            self.schema = Some(json!({"labels": labels, "relationship_types": types}));
        }
    }

    /// A random node or edge to change, or `None` when the graph has none of that kind.
    fn element(&mut self, edge: bool) -> Option<&mut Json> {
        let list = if edge { &mut self.edges } else { &mut self.nodes };
        if list.is_empty() {
            return None;
        }
        let index = self.rng.below(list.len());
        Some(&mut list[index])
    }

    /// A value of any JSON type, for putting where another type belongs.
    fn any_value(&mut self) -> Json {
        match self.rng.below(7) {
            0 => Json::Null,
            1 => json!(true),
            2 => json!(-12.5),
            3 => json!(self.piece()),
            4 => json!([1, "two", [3]]),
            5 => json!({"nested": {"object": self.piece()}}),
            _ => json!([]),
        }
    }

    fn mutate(&mut self) {
        let edge = self.rng.one_in(2);
        // Hostile and long names come up most: most of them load, and data that loads
        // is what every renderer must show. Long values cost the most time to show, so
        // they come up less.
        const KINDS: [usize; 13] = [0, 0, 1, 2, 2, 2, 3, 4, 5, 6, 7, 8, 9];
        let kind = if self.rng.one_in(13) { 10 } else { KINDS[self.rng.below(KINDS.len())] };
        match kind {
            0 => {
                self.mutations.push("long name");
                let length = LONG_NAMES[self.rng.below(LONG_NAMES.len())];
                let name = self.long_text(length);
                self.rename(edge, name);
            }
            1 => {
                self.mutations.push("long value");
                let length = if self.rng.one_in(8) {
                    HUGE_VALUES[self.rng.below(HUGE_VALUES.len())]
                } else {
                    LONG_VALUES[self.rng.below(LONG_VALUES.len())]
                };
                let text = self.long_text(length);
                if let Some(element) = self.element(edge) {
                    element["properties"] = json!({"name": text, "quote": "short"});
                }
            }
            2 => {
                self.mutations.push("hostile names");
                for _ in 0..1 + self.rng.below(4) {
                    let name = format!("{}{}", self.piece(), self.piece());
                    let edge = self.rng.one_in(2);
                    self.rename(edge, name);
                }
            }
            3 => {
                self.mutations.push("wrong type");
                let value = self.any_value();
                let fields: &[&str] = if edge {
                    &["from", "to", "type", "properties"]
                } else {
                    &["id", "labels", "properties"]
                };
                let field = self.rng.pick(fields);
                let inner = self.rng.one_in(2);
                if let Some(element) = self.element(edge) {
                    match (&mut element[field], inner) {
                        (Json::Array(items), true) if !items.is_empty() => items[0] = value,
                        (Json::Object(entries), true) if !entries.is_empty() => {
                            let key = entries.keys().next().unwrap().clone();
                            entries.insert(key, value);
                        }
                        (slot, _) => *slot = value,
                    }
                }
            }
            4 => {
                self.mutations.push("dangling id");
                let end = if self.rng.one_in(2) { "from" } else { "to" };
                if let Some(element) = self.element(true) {
                    element[end] = json!("no-such-node");
                }
            }
            5 => {
                self.mutations.push("duplicate id");
                if self.nodes.len() > 1 {
                    let id = self.nodes[0]["id"].clone();
                    let last = self.nodes.len() - 1;
                    self.nodes[last]["id"] = id;
                }
            }
            6 => {
                self.mutations.push("unknown field");
                let field = self.piece();
                if let Some(Json::Object(entries)) = self.element(edge) {
                    entries.insert(field, json!(1));
                }
            }
            7 => {
                self.mutations.push("deep nesting");
                let depth = DEPTHS[self.rng.below(DEPTHS.len())];
                let nested = format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth));
                let value = self.raw(nested);
                if let Some(element) = self.element(edge) {
                    element["properties"] = json!({"nested": value});
                }
            }
            8 => {
                self.mutations.push("odd number");
                let number = self.rng.pick(NUMBERS).to_owned();
                let value = self.raw(number);
                if let Some(element) = self.element(edge) {
                    element["properties"] = json!({"count": value});
                }
            }
            9 => {
                self.mutations.push("odd list");
                let list = match self.rng.below(5) {
                    0 => json!([1, "a"]),
                    1 => json!([null]),
                    2 => json!([]),
                    3 => json!([true, false]),
                    _ => json!([1, 2.5, -3]),
                };
                if let Some(element) = self.element(edge) {
                    element["properties"] = json!({"list": list});
                }
            }
            _ => {
                self.mutations.push("odd vocabulary");
                self.schema = Some(match self.rng.below(4) {
                    0 => json!({"labels": "City"}),
                    1 => json!({"labels": [self.long_text(2_000)], "relationship_types": []}),
                    2 => {
                        json!({"labels": {"City": "a city"}, "relationship_types": {"PART_OF": 1}})
                    }
                    _ => json!({"labels": [], "relationship_types": [], "extra": [1, {}]}),
                });
            }
        }
    }

    /// Gives `name` to a random node id, label, relationship type or property key.
    fn rename(&mut self, edge: bool, name: String) {
        let which = self.rng.below(3);
        let Some(element) = self.element(edge) else { return };
        match (edge, which) {
            (false, 0) => {
                // The edges follow the node to its new id, so that the case tests the
                // id and not only a dangling reference.
                let old = std::mem::replace(&mut element["id"], json!(name));
                for edge in &mut self.edges {
                    for end in ["from", "to"] {
                        if edge[end] == old {
                            edge[end] = json!(name);
                        }
                    }
                }
            }
            (false, 1) => element["labels"] = json!([name]),
            (true, 0 | 1) => element["type"] = json!(name),
            _ => {
                let properties = &mut element["properties"];
                if !properties.is_object() {
                    *properties = json!({});
                }
                properties[name] = json!("value");
            }
        }
    }
}

/// Shares the nodes and edges out among one to three files (an edge may point into
/// another file), adds the vocabulary, and writes them as JSON text.
fn split_into_files(
    rng: &mut Rng,
    nodes: Vec<Json>,
    edges: Vec<Json>,
    schema: Option<Json>,
    raw: &[String],
) -> Vec<(String, Vec<u8>)> {
    let count = 1 + rng.below(3);
    let mut parts: Vec<(Vec<Json>, Vec<Json>)> = vec![(Vec::new(), Vec::new()); count];
    for node in nodes {
        parts[rng.below(count)].0.push(node);
    }
    for edge in edges {
        parts[rng.below(count)].1.push(edge);
    }
    let mut files: Vec<(String, Vec<u8>)> = parts
        .into_iter()
        .enumerate()
        .map(|(index, (nodes, edges))| {
            let document = json!({"nodes": nodes, "edges": edges});
            (format!("part{index}.json"), write(rng, &document, raw))
        })
        .collect();
    if let Some(schema) = schema {
        files.push(("schema.json".to_owned(), write(rng, &schema, raw)));
    }
    files
}

/// JSON text, pretty or compact, with markers replaced by their raw text.
fn write(rng: &mut Rng, document: &Json, raw: &[String]) -> Vec<u8> {
    let mut text = if rng.one_in(2) {
        serde_json::to_string_pretty(document).unwrap()
    } else {
        serde_json::to_string(document).unwrap()
    };
    for (index, replacement) in raw.iter().enumerate() {
        text = text.replace(&format!("\"{}\"", marker(index)), replacement);
    }
    text.into_bytes()
}

/// Breaks the bytes of a file; returns what it did.
fn corrupt(rng: &mut Rng, bytes: &mut Vec<u8>) -> &'static str {
    let length = bytes.len();
    match rng.below(7) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                if length > 0 {
                    bytes[rng.below(length)] = rng.below(256) as u8;
                }
            }
            "flipped bytes"
        }
        1 => {
            bytes.truncate(rng.below(length + 1));
            "cut"
        }
        2 => {
            let start = rng.below(length + 1);
            let end = (start + rng.below(64)).min(length);
            bytes.drain(start..end);
            "bytes removed"
        }
        3 => {
            let start = rng.below(length + 1);
            let end = (start + rng.below(64)).min(length);
            let copy = bytes[start..end].to_vec();
            let at = rng.below(length + 1);
            bytes.splice(at..at, copy);
            "bytes repeated"
        }
        4 => {
            let at = rng.below(length + 1);
            let lone: &[&[u8]] = &[b"\xFF", b"\xC3", b"\xE2\x80", b"\xED\xA0\x80", b"\xC0\xAF"];
            bytes.splice(at..at, rng.pick(lone).iter().copied());
            "not UTF-8"
        }
        5 => {
            bytes.splice(0..0, *b"\xEF\xBB\xBF");
            "byte-order mark"
        }
        _ => {
            bytes.clear();
            "empty file"
        }
    }
}
