//! Text overviews of a graph for a person at a terminal: the counts `korpu check`
//! prints, and the shell's `:schema` overview (labels, relationship types with the
//! labels they connect, property keys, constraints and indexes).
//!
//! Names come from the data, so they are shown terminal-safe and padded by display
//! width. Pure: graph in, text out.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use crate::graph::Graph;
use crate::load::Loaded;
use crate::text::{display_width, name_column_width, pad_to, terminal_safe};

/// What `korpu check` prints for data that loaded: the counts per label and relationship
/// type, and whether the data is clean (loaded without warnings). Names come from the
/// data, so they are shown terminal-safe and padded by display width (see `text::pad_to`).
///
/// ```
/// use korpu::load::{load_sources, Source};
/// let text = r#"{"nodes": [{"id": "b", "labels": ["Şəhər"]}], "edges": []}"#;
/// let loaded = load_sources(&[Source { name: "g.json".into(), text: text.into() }]).unwrap();
/// let report = korpu::render::overview::check_report(&loaded);
/// assert!(report.contains("  Şəhər       1\n"), "{report}");
/// assert!(report.ends_with("the data is clean\n"));
/// ```
pub fn check_report(loaded: &Loaded) -> String {
    let graph = &loaded.graph;
    let labels = graph.label_counts();
    let rel_types = graph.rel_type_counts();
    let shown = |names: &[(&str, usize)]| -> Vec<(String, usize)> {
        names.iter().map(|(name, count)| (terminal_safe(name).into_owned(), *count)).collect()
    };
    let (labels, rel_types) = (shown(&labels), shown(&rel_types));
    let width =
        name_column_width(labels.iter().chain(&rel_types).map(|(name, _)| display_width(name)));
    let mut text =
        format!("{} nodes, {} relationships\n\nlabels:\n", graph.node_count(), graph.edge_count());
    for (label, count) in &labels {
        text.push_str(&format!("  {}  {count:>6}\n", pad_to(label, width)));
    }
    text.push_str("\nrelationship types:\n");
    for (rel_type, count) in &rel_types {
        text.push_str(&format!("  {}  {count:>6}\n", pad_to(rel_type, width)));
    }
    if loaded.warnings.is_empty() {
        text.push_str("\nthe data is clean\n");
    } else {
        text.push_str(&format!("\n{} warning(s): the data is not clean\n", loaded.warnings.len()));
    }
    text
}

/// The `:schema` overview: labels, relationship types (with the labels they connect)
/// and property keys, each with counts.
///
/// Names come from the data (or from a `CREATE` in the shell, which no loader limit
/// bounds), so they are shown terminal-safe, and the name column is padded by display
/// width as `text::name_column_width` says: a name wider than `MAX_NAME_COLUMN` pushes
/// the rest of its own line right.
pub fn describe(graph: &Graph) -> String {
    let safe = |name: &str| terminal_safe(name).into_owned();
    let labels: Vec<(String, usize)> =
        graph.label_counts().into_iter().map(|(name, count)| (safe(name), count)).collect();
    // Connections are looked up by the type as stored: two types could look alike once
    // escaped.
    let rel_types = graph.rel_type_counts();
    let mut connections: BTreeMap<&str, BTreeMap<(String, String), usize>> = BTreeMap::new();
    for edge in graph.edges() {
        let (start, end) = graph.edge_endpoints(edge);
        let pair = (label_set(graph, start), label_set(graph, end));
        *connections.entry(graph.edge_type(edge)).or_default().entry(pair).or_default() += 1;
    }
    let mut node_keys: BTreeMap<&str, usize> = BTreeMap::new();
    for node in graph.nodes() {
        for (key, _) in graph.node_properties(node) {
            *node_keys.entry(key).or_default() += 1;
        }
    }
    let mut edge_keys: BTreeMap<&str, usize> = BTreeMap::new();
    for edge in graph.edges() {
        for (key, _) in graph.edge_properties(edge) {
            *edge_keys.entry(key).or_default() += 1;
        }
    }
    let all_keys: BTreeSet<&str> = node_keys.keys().chain(edge_keys.keys()).copied().collect();
    let name_width = name_column_width(
        labels
            .iter()
            .map(|(name, _)| display_width(name))
            .chain(rel_types.iter().map(|(name, _)| display_width(&terminal_safe(name))))
            .chain(all_keys.iter().map(|name| display_width(&terminal_safe(name)))),
    )
    .max(12);

    let mut text = String::new();
    let _ = writeln!(text, "{} nodes, {} relationships", graph.node_count(), graph.edge_count());
    if graph.node_count() == 0 {
        write_rules(&mut text, graph);
        return text;
    }
    let title = format!("labels ({})", labels.len());
    let _ = writeln!(text, "\n{}{:>6}", pad_to(&title, name_width + 3), "nodes");
    for (label, count) in &labels {
        let _ = writeln!(text, "  {} {count:>6}", pad_to(label, name_width));
    }
    if !rel_types.is_empty() {
        let title = format!("relationship types ({})", rel_types.len());
        let _ = writeln!(text, "\n{}{:>6}  connects", pad_to(&title, name_width + 3), "count");
        for (rel_type, count) in &rel_types {
            let pairs = connections.get(rel_type).map(|pairs| {
                let mut sorted: Vec<(&(String, String), &usize)> = pairs.iter().collect();
                sorted.sort_by(|left, right| right.1.cmp(left.1).then_with(|| left.0.cmp(right.0)));
                sorted
            });
            let pairs = pairs.unwrap_or_default();
            let rel_type = terminal_safe(rel_type);
            for (position, ((start, end), pair_count)) in pairs.iter().enumerate() {
                let head = if position == 0 {
                    format!("  {} {count:>6}", pad_to(&rel_type, name_width))
                } else {
                    " ".repeat(name_width + 9)
                };
                let tally =
                    if pairs.len() > 1 { format!("  ×{pair_count}") } else { String::new() };
                let _ = writeln!(text, "{head}  ({start})-[:{rel_type}]->({end}){tally}");
            }
        }
    }
    if !all_keys.is_empty() {
        let title = format!("property keys ({})", all_keys.len());
        let _ = writeln!(text, "\n{}{:>6}  {:>6}", pad_to(&title, name_width + 3), "nodes", "rels");
        for key in all_keys {
            let on_nodes = node_keys.get(key).copied().unwrap_or(0);
            let on_edges = edge_keys.get(key).copied().unwrap_or(0);
            let _ = writeln!(
                text,
                "  {} {on_nodes:>6}  {on_edges:>6}",
                pad_to(&terminal_safe(key), name_width)
            );
        }
    }
    write_rules(&mut text, graph);
    text
}

/// The declared constraints and indexes (constraints' own indexes go with them).
fn write_rules(text: &mut String, graph: &Graph) {
    let constraints = graph.constraints();
    let indexes: Vec<_> = graph.indexes().filter(|index| index.owner.is_none()).collect();
    let width = constraints
        .iter()
        .map(|constraint| display_width(&terminal_safe(&constraint.name)))
        .chain(indexes.iter().map(|index| display_width(&terminal_safe(&index.name))))
        .max()
        .unwrap_or(0);
    if !constraints.is_empty() {
        let _ = writeln!(text, "\nconstraints ({})", constraints.len());
        for constraint in constraints {
            let name = terminal_safe(&constraint.name);
            let rule = terminal_safe(&constraint.rule()).into_owned();
            let _ = writeln!(text, "  {}  {rule}", pad_to(&name, width));
        }
    }
    if !indexes.is_empty() {
        let _ = writeln!(text, "\nindexes ({})", indexes.len());
        for index in indexes {
            let name = terminal_safe(&index.name);
            let _ = writeln!(
                text,
                "  {}  {} {}",
                pad_to(&name, width),
                index.kind.name(),
                terminal_safe(&index.pattern())
            );
        }
    }
}

/// `:NGO:Organization`, or empty for a node without labels (terminal-safe).
fn label_set(graph: &Graph, node: crate::graph::NodeId) -> String {
    graph.node_labels(node).map(|label| format!(":{}", terminal_safe(label))).collect()
}

/// A person who leads an NGO: the small graph the vocabulary and overview tests share.
#[cfg(test)]
pub(crate) fn tiny_graph() -> Graph {
    use crate::graph::Value;
    let mut graph = Graph::default();
    let person =
        graph.add_node(Some("p"), &["Person"], vec![("name".into(), "Aysel".into())]).unwrap();
    let ngo = graph
        .add_node(
            Some("o"),
            &["NGO"],
            vec![("name".into(), "Forum".into()), ("founded".into(), Value::Int(2001))],
        )
        .unwrap();
    graph.add_edge(person, ngo, "LEADS", vec![("role".into(), "chair".into())]).unwrap();
    graph
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Value;

    fn tiny() -> Graph {
        tiny_graph()
    }

    #[test]
    fn describe_counts_and_connections() {
        let text = describe(&tiny());
        assert!(text.contains("(:Person)-[:LEADS]->(:NGO)"), "{text}");
        assert!(text.contains("NGO               1"), "{text}");
        assert!(text.contains("  role              0       1\n"), "{text}");
    }

    #[test]
    fn describe_survives_any_name() {
        let mut graph = Graph::default();
        let long = "T".repeat(100_000);
        let start = graph.add_node(None, &["Şəhər\u{202E}"], vec![]).unwrap();
        let end = graph.add_node(None, &["A"], vec![("k\u{1b}".into(), Value::Int(1))]).unwrap();
        graph.add_edge(start, end, &long, vec![]).unwrap();
        let text = describe(&graph);
        assert!(text.contains(&long), "the full name is shown");
        assert!(text.contains("Şəhər\\u202E"), "{text}");
        assert!(text.contains("  k\\u001B "), "{text}");
        assert!(!text.chars().any(|c| c != '\n' && crate::text::is_unsafe_in_terminal(c)));
    }

    #[test]
    fn describe_lists_constraints_and_indexes_even_without_data() {
        let mut graph = Graph::default();
        let constraint = crate::graph::ConstraintDefinition {
            name: "şəhər_adı".into(),
            kind: crate::graph::ConstraintKind::Unique,
            entity: crate::graph::EntityKind::Node,
            label: "Şəhər".into(),
            properties: vec!["ad".into()],
        };
        graph.create_constraint(constraint, false).unwrap();
        let index = crate::graph::IndexDefinition {
            name: "il".into(),
            kind: crate::graph::IndexKind::Range,
            entity: crate::graph::EntityKind::Node,
            label: "Şəhər".into(),
            properties: vec!["il".into()],
            owner: None,
        };
        graph.create_index(index, false).unwrap();
        let text = describe(&graph);
        assert!(text.contains("constraints (1)\n  şəhər_adı  (:Şəhər {ad}) IS UNIQUE\n"), "{text}");
        assert!(text.contains("indexes (1)\n  il         RANGE (:Şəhər {il})\n"), "{text}");
    }
}
