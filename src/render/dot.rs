//! Graphviz DOT: the subgraph a result touches (nodes and relationships that appear in
//! it directly, inside paths or inside lists and maps), drawn as one digraph.
//!
//! Output is deterministic: nodes and edges are ordered by id, and ids in the DOT text
//! are generated (`n0`, `n1`, …), so no name can collide with another or with a DOT
//! keyword. Every piece of text from the graph (captions, ids in tooltips, labels in
//! the legend, relationship types) goes through `escape` into a quoted string.
//!
//! Graphviz refuses a quoted string longer than 16,384 bytes ("longer than 16384?"), and
//! names and values can be longer than that. So every quoted string is written within
//! a budget: a caption within `MAX_CAPTION_BYTES`, cut with `…` beyond it, and then a
//! `tooltip` carries the full text, itself within `MAX_QUOTED_BYTES` and saying so when
//! even that had to be cut. Names the loader accepts always fit a caption whole.
//! Does not run Graphviz; `cli` does that for `--render`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::graph::{Dir, EdgeId, Graph, NodeId, Value};
use crate::query::QueryResult;

/// How the drawing is labelled and laid out.
#[derive(Clone, Debug, Default)]
pub struct DotOptions {
    /// Caption nodes from `name_en` instead of `name`.
    pub english: bool,
    /// Group nodes into one cluster per country they are in.
    pub cluster_by_country: bool,
    /// Lay out left to right (paths read better that way).
    pub left_to_right: bool,
}

/// Above this many nodes Graphviz layouts stop being readable (and `dot` takes minutes).
pub const LARGE_SUBGRAPH: usize = 2_000;

/// The most bytes, escapes included, of any quoted string written here. Graphviz's
/// scanner reads a quoted string into a 16,384-byte buffer (2.43 refuses 16,383 bytes of
/// text and takes 16,381); this keeps a margin below that.
pub const MAX_QUOTED_BYTES: usize = 16_000;

/// The most bytes, escapes included, of a caption: a node, edge, cluster or legend
/// label. A caption longer than this is cut with `…` and its full text goes in the
/// tooltip, so the caption leaves most of the budget to the tooltip. Every name the
/// loader accepts fits whole: at most `MAX_NAME_CHARS` characters of at most 4 bytes
/// each once escaped (a 4-byte letter, `\"`, or U+FFFD for a control character).
pub const MAX_CAPTION_BYTES: usize = 4_096;

const _: () = assert!(crate::load::MAX_NAME_CHARS * 4 <= MAX_CAPTION_BYTES);

/// The nodes and relationships that appear in a set of results.
#[derive(Default, Debug)]
pub struct Subgraph {
    pub nodes: BTreeSet<NodeId>,
    pub edges: BTreeSet<EdgeId>,
    /// Whether a path appeared anywhere in the results (a reason to lay out left to right).
    pub has_paths: bool,
}

impl Subgraph {
    pub fn collect<'r>(
        results: impl IntoIterator<Item = &'r QueryResult>,
        graph: &Graph,
    ) -> Subgraph {
        let mut subgraph = Subgraph::default();
        for result in results {
            for row in &result.rows {
                for value in row {
                    subgraph.add(value, graph);
                }
            }
        }
        subgraph
    }

    fn add(&mut self, value: &Value, graph: &Graph) {
        match value {
            Value::Node(node) => {
                self.nodes.insert(*node);
            }
            Value::Relationship(edge) => {
                self.edges.insert(*edge);
                let (start, end) = graph.edge_endpoints(*edge);
                self.nodes.insert(start);
                self.nodes.insert(end);
            }
            Value::Path(path) => {
                self.has_paths = true;
                self.nodes.extend(path.nodes.iter().copied());
                self.edges.extend(path.relationships.iter().copied());
            }
            Value::List(items) => items.iter().for_each(|item| self.add(item, graph)),
            Value::Map(entries) => entries.values().for_each(|item| self.add(item, graph)),
            _ => {}
        }
    }

    /// The warning to show when the subgraph is too large to draw usefully.
    pub fn size_warning(&self) -> Option<String> {
        (self.nodes.len() > LARGE_SUBGRAPH).then(|| {
            format!(
                "warning: the subgraph has {} nodes and {} relationships; Graphviz layouts stop being readable past about {LARGE_SUBGRAPH} nodes. Narrow the query (a WHERE, a LIMIT) for a useful picture.",
                self.nodes.len(),
                self.edges.len()
            )
        })
    }
}

/// Fill colour and shape per label of the bundled vocabulary, most specific first: a
/// node's first label in this list decides its style.
const LABEL_STYLES: &[(&str, &str, &str)] = &[
    ("NGO", "#8dd3c7", "box"),
    ("DiasporaGroup", "#ffffb3", "box"),
    ("GovernmentBody", "#bebada", "box"),
    ("InternationalBody", "#fb8072", "box"),
    ("ResearchCenter", "#80b1d3", "box"),
    ("Organization", "#d9d9d9", "box"),
    ("Person", "#fdb462", "ellipse"),
    ("Country", "#b3de69", "hexagon"),
    ("Region", "#ccebc5", "octagon"),
    ("City", "#fccde5", "house"),
    ("Event", "#bc80bd", "diamond"),
    ("Publication", "#ffed6f", "note"),
    ("Topic", "#e5d8bd", "component"),
];

/// Colours for labels outside `LABEL_STYLES`, picked by a hash of the label's name so a
/// label keeps its colour from one drawing to the next.
const OTHER_COLOURS: &[&str] = &[
    "#a6cee3", "#b2df8a", "#fb9a99", "#fdbf6f", "#cab2d6", "#ffff99", "#1f78b4", "#33a02c",
    "#e31a1c", "#ff7f00",
];

/// The legend entry a node is drawn as: which label it stands for, its colour and shape
/// (a Graphviz shape name). The web explorer draws nodes from this same entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Style {
    pub label: String,
    pub colour: &'static str,
    pub shape: &'static str,
}

/// The legend entry `node` is drawn as.
pub fn style_of(node: NodeId, graph: &Graph) -> Style {
    let labels: Vec<&str> = graph.node_labels(node).collect();
    if let Some((label, colour, shape)) =
        LABEL_STYLES.iter().find(|(label, _, _)| labels.contains(label))
    {
        return Style { label: (*label).to_owned(), colour, shape };
    }
    match labels.first() {
        Some(label) => {
            // FNV-1a: stable across runs and platforms, unlike the standard hasher.
            let hash = label.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
            });
            Style {
                label: (*label).to_owned(),
                colour: OTHER_COLOURS[(hash % OTHER_COLOURS.len() as u64) as usize],
                shape: "ellipse",
            }
        }
        None => Style { label: "(no label)".to_owned(), colour: "#ffffff", shape: "ellipse" },
    }
}

/// Escapes text for a DOT double-quoted string, so that Graphviz draws it as written.
///
/// A backslash becomes `\\` (otherwise `\N`, `\G`, `\l` would be expanded), a quote
/// `\"`, a line break `\n`; a carriage return is dropped (`\r\n` is one line break), and
/// other control characters and the noncharacters U+FFFE and U+FFFF, which Graphviz
/// would pass into SVG where XML forbids them, become U+FFFD. Everything else, `<>{}|`
/// and non-ASCII text included, is literal inside quotes.
///
/// ```
/// assert_eq!(korpu::render::dot::escape("a \"b\"\\\nc"), r#"a \"b\"\\\nc"#);
/// ```
pub fn escape(text: &str) -> String {
    escape_within(text, usize::MAX).0
}

/// One character as it stands inside a DOT quoted string.
fn push_escaped(escaped: &mut String, character: char) {
    match character {
        '"' => escaped.push_str("\\\""),
        '\\' => escaped.push_str("\\\\"),
        '\n' => escaped.push_str("\\n"),
        '\r' => {}
        '\t' => escaped.push('\t'),
        '\u{FFFE}' | '\u{FFFF}' => escaped.push('\u{FFFD}'),
        other if other.is_control() => escaped.push('\u{FFFD}'),
        other => escaped.push(other),
    }
}

/// `escape(text)` when it takes at most `budget` bytes; otherwise as much of it as fits
/// in `budget` bytes with `…` after it, cut between characters (never inside an escape),
/// and `true` for "cut". Stops reading `text` once over the budget, so a value of
/// megabytes costs no more than one of `budget` bytes.
fn escape_within(text: &str, budget: usize) -> (String, bool) {
    const ELLIPSIS: char = '…';
    let room_before_ellipsis = budget.saturating_sub(ELLIPSIS.len_utf8());
    let mut escaped = String::with_capacity(text.len().min(budget));
    // Where the text may be cut: the longest prefix that leaves room for the ellipsis.
    let mut cut_at = 0;
    for character in text.chars() {
        push_escaped(&mut escaped, character);
        if escaped.len() > budget {
            escaped.truncate(cut_at);
            escaped.push(ELLIPSIS);
            return (escaped, true);
        }
        if escaped.len() <= room_before_ellipsis {
            cut_at = escaped.len();
        }
    }
    (escaped, false)
}

/// A caption, escaped and within `MAX_CAPTION_BYTES`, and when it had to be cut, the
/// tooltip that holds its full text (after `context`, e.g. the node's id).
fn caption_and_tooltip(text: &str, context: Option<&str>) -> (String, Option<String>) {
    let (caption, cut) = escape_within(text, MAX_CAPTION_BYTES);
    if !cut {
        return (caption, None);
    }
    let full = match context {
        Some(context) => format!("{context}\n{text}"),
        None => text.to_owned(),
    };
    (caption, Some(tooltip(&full)))
}

/// A tooltip, escaped: the whole text when it fits `MAX_QUOTED_BYTES`, else the start of
/// it and a note of how long the text was, so the reader knows it is not all there.
fn tooltip(text: &str) -> String {
    // Room for the note, whose digits are at most 20.
    const NOTE_ROOM: usize = 64;
    match escape_within(text, MAX_QUOTED_BYTES - NOTE_ROOM) {
        (whole, false) => whole,
        (start, true) => format!(
            "{start} (shortened to fit Graphviz: {} characters in all)",
            text.chars().count()
        ),
    }
}

/// `, tooltip="…"` to end an attribute list, or nothing when there is no tooltip.
fn tooltip_attribute(tooltip: Option<&str>) -> String {
    tooltip.map_or_else(String::new, |tooltip| format!(", tooltip=\"{tooltip}\""))
}

/// The caption of a node: its name in the chosen language, the other name, or its id.
pub fn caption(node: NodeId, graph: &Graph, options: &DotOptions) -> String {
    let preferred = if options.english { ["name_en", "name"] } else { ["name", "name_en"] };
    for key in preferred {
        if let Some(Value::String(name)) = graph.node_property_by_name(node, key) {
            // An empty name would draw an empty box; the id says more.
            if !name.is_empty() {
                return name.to_string();
            }
        }
    }
    graph.node_key(node).to_owned()
}

/// The country a node belongs in for `--cluster-by country`: itself if it is a
/// Country, else a Country it is `LOCATED_IN` or `PART_OF`, else the Country of a City
/// it is located in. Ties go to the lowest node id, so clusters are deterministic.
fn home_country(node: NodeId, graph: &Graph) -> Option<NodeId> {
    let country = graph.label_symbol("Country")?;
    if graph.has_label(node, country) {
        return Some(node);
    }
    let up: Vec<_> =
        ["LOCATED_IN", "PART_OF"].iter().filter_map(|name| graph.rel_type_symbol(name)).collect();
    let parents: Vec<NodeId> =
        graph.neighbors(node, Dir::Outgoing, Some(&up)).map(|neighbor| neighbor.node).collect();
    let direct = parents.iter().copied().filter(|parent| graph.has_label(*parent, country)).min();
    direct.or_else(|| {
        parents
            .iter()
            .flat_map(|parent| {
                graph.neighbors(*parent, Dir::Outgoing, Some(&up)).map(|neighbor| neighbor.node)
            })
            .filter(|grandparent| graph.has_label(*grandparent, country))
            .min()
    })
}

/// Writes the subgraph as a DOT digraph.
///
/// ```
/// use korpu::{graph::Graph, query::{run, Control, Params}};
/// use korpu::render::dot::{DotOptions, Subgraph, write_dot};
/// let mut graph = Graph::default();
/// let query = "CREATE p = (:City {name: 'Bakı'})-[:PART_OF]->(:Country {name: 'Azərbaycan'}) RETURN p";
/// let result = run(&mut graph, query, &Params::new(), &Control::default()).unwrap();
/// let subgraph = Subgraph::collect([&result], &graph);
/// let dot = write_dot(&subgraph, &graph, &DotOptions { left_to_right: subgraph.has_paths, ..DotOptions::default() });
/// assert!(dot.contains("n0 -> n1 [label=\"PART_OF\"];"));
/// ```
pub fn write_dot(subgraph: &Subgraph, graph: &Graph, options: &DotOptions) -> String {
    let mut text = String::new();
    text.push_str("digraph korpu {\n");
    let _ = writeln!(
        text,
        "  graph [rankdir={}, fontname=\"Helvetica\", overlap=false];",
        if options.left_to_right { "LR" } else { "TB" }
    );
    text.push_str("  node [style=filled, fontname=\"Helvetica\", fontsize=11];\n");
    text.push_str("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n");
    let dot_id = |node: NodeId| format!("n{}", node.0);
    let node_line = |node: NodeId| {
        let style = style_of(node, graph);
        let id = graph.node_key(node);
        // The tooltip is the node's id, or its id and full caption when the caption is cut.
        let (label, full) = caption_and_tooltip(&caption(node, graph, options), Some(id));
        format!(
            "{} [label=\"{label}\", shape={}, fillcolor=\"{}\", tooltip=\"{}\"];",
            dot_id(node),
            style.shape,
            style.colour,
            full.unwrap_or_else(|| tooltip(id))
        )
    };
    // Clusters: nodes grouped under the country they are in.
    let mut clustered: BTreeMap<NodeId, Vec<NodeId>> = BTreeMap::new();
    if options.cluster_by_country {
        for node in &subgraph.nodes {
            if let Some(home) = home_country(*node, graph) {
                clustered.entry(home).or_default().push(*node);
            }
        }
    }
    let in_cluster: BTreeSet<NodeId> = clustered.values().flatten().copied().collect();
    for (home, members) in &clustered {
        let _ = writeln!(text, "  subgraph cluster_{} {{", home.0);
        let (label, full) = caption_and_tooltip(&caption(*home, graph, options), None);
        let _ = writeln!(
            text,
            "    label=\"{label}\";{} style=rounded; color=\"#999999\";",
            full.map_or_else(String::new, |full| format!(" tooltip=\"{full}\";"))
        );
        for member in members {
            let _ = writeln!(text, "    {}", node_line(*member));
        }
        text.push_str("  }\n");
    }
    for node in subgraph.nodes.iter().filter(|node| !in_cluster.contains(node)) {
        let _ = writeln!(text, "  {}", node_line(*node));
    }
    for edge in &subgraph.edges {
        let (start, end) = graph.edge_endpoints(*edge);
        let (label, full) = caption_and_tooltip(graph.edge_type(*edge), None);
        let _ = writeln!(
            text,
            "  {} -> {} [label=\"{label}\"{}];",
            dot_id(start),
            dot_id(end),
            tooltip_attribute(full.as_deref())
        );
    }
    // The legend: one swatch per style present, in label order.
    let present: BTreeSet<Style> =
        subgraph.nodes.iter().map(|node| style_of(*node, graph)).collect();
    if !present.is_empty() {
        text.push_str(
            "  subgraph cluster_legend {\n    label=\"Legend\"; style=dashed; color=\"#bbbbbb\";\n",
        );
        for (position, style) in present.iter().enumerate() {
            let (label, full) = caption_and_tooltip(&style.label, None);
            let _ = writeln!(
                text,
                "    legend{position} [label=\"{label}\", shape={}, fillcolor=\"{}\"{}];",
                style.shape,
                style.colour,
                tooltip_attribute(full.as_deref())
            );
        }
        text.push_str("  }\n");
    }
    text.push_str("}\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `escaped` could stand between DOT's quotes: no bare quote, and every
    /// backslash starts one of the escapes `escape` writes.
    fn well_formed(escaped: &str) -> bool {
        let mut characters = escaped.chars();
        while let Some(character) = characters.next() {
            match character {
                '"' => return false,
                '\\' if !matches!(characters.next(), Some('"' | '\\' | 'n')) => return false,
                _ => {}
            }
        }
        true
    }

    #[test]
    fn cutting_stays_within_the_budget_and_never_splits_an_escape() {
        assert_eq!(escape_within("Bakı", 100), ("Bakı".to_owned(), false));
        for text in [
            "\"\"\"\"\"\"\"\"\"\"",
            "\\\\\\\\\\\\\\\\",
            "əəəəəəəəəə",
            "北京北京北京",
            "a\u{1}b\u{2}c\u{3}",
        ] {
            for budget in 3..20 {
                let (escaped, cut) = escape_within(text, budget);
                assert!(escaped.len() <= budget, "{text:?} in {budget}: {escaped:?}");
                assert!(well_formed(&escaped), "{text:?} in {budget}: {escaped:?}");
                assert_eq!(cut, escape(text).len() > budget, "{text:?} in {budget}");
                assert!(!cut || escaped.ends_with('…'));
            }
        }
    }

    #[test]
    fn a_caption_too_long_for_graphviz_is_cut_and_its_tooltip_says_how_long_it_was() {
        let long = "Ə\"".repeat(50_000);
        let (caption, tooltip) = caption_and_tooltip(&long, Some("node-id"));
        assert!(caption.len() <= MAX_CAPTION_BYTES && caption.ends_with('…'));
        let tooltip = tooltip.unwrap();
        assert!(tooltip.len() <= MAX_QUOTED_BYTES, "{}", tooltip.len());
        assert!(tooltip.starts_with("node-id\\nƏ\\\"Ə"), "{}", &tooltip[..40]);
        assert!(tooltip.ends_with("… (shortened to fit Graphviz: 100008 characters in all)"));
        assert!(well_formed(&caption) && well_formed(&tooltip));
    }

    #[test]
    fn every_name_the_loader_accepts_fits_one_caption_whole() {
        let widest = "\"".repeat(crate::load::MAX_NAME_CHARS);
        assert_eq!(caption_and_tooltip(&widest, None).1, None);
        let widest = "🌉".repeat(crate::load::MAX_NAME_CHARS);
        assert_eq!(caption_and_tooltip(&widest, None).1, None);
    }

    #[test]
    fn what_xml_forbids_becomes_the_replacement_character() {
        assert_eq!(escape("a\u{0}b\u{FFFE}c\u{FFFF}\u{1b}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}\u{FFFD}");
    }
}
