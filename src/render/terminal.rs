//! How the shell shows a result: tables fitted to the terminal's width (long values cut
//! with `…`), nodes, relationships and paths in a short readable form, a footer with the
//! row count, the rows left out and the elapsed time; or JSON / CSV.
//!
//! Pure: a result, its graph and a `View` in, text out. The aligned table itself is
//! `render::table`; this file decides what goes in the cells and how wide they may be.

use std::fmt::Write as _;
use std::time::Duration;

use crate::graph::{EdgeId, Graph, NodeId, Value};
use crate::query::QueryResult;
use crate::query::syntax::ast::write_name;
use crate::render::table::{TableStyle, render_table, stats_text, summary_line};
use crate::render::{cell_text, csv, json, value_text};
use crate::text::{display_width, terminal_safe};

use crate::render::Format;

/// The properties that name a node, in order of preference; a node with one of them
/// shows only that one.
const NAMING_KEYS: &[&str] = &["name", "name_en", "title", "short_name"];
/// Properties longer than this (as text) are left out of the short form of a node or
/// relationship.
const MAX_SHORT_VALUE: usize = 30;
/// Columns are never cut narrower than this, even when the table then overflows.
const MIN_COLUMN_WIDTH: usize = 8;
/// Without a terminal, values are cut at this width (as `korpu query` does).
const DEFAULT_COLUMN_WIDTH: usize = 60;

/// How to show one result.
#[derive(Clone, Debug)]
pub struct View {
    pub format: Format,
    /// Table rows shown; `None` shows all.
    pub max_rows: Option<usize>,
    /// The terminal's width in columns, when there is a terminal.
    pub width: Option<usize>,
    /// Shown in the footer when set.
    pub elapsed: Option<Duration>,
}

/// Renders a statement's rows (or its write summary) as the view asks.
pub fn render_result(result: &QueryResult, graph: &Graph, view: &View) -> String {
    match view.format {
        Format::Json => format!("{}\n", json::result_json(result, graph)),
        Format::Csv => csv::render_csv(result, graph),
        // The shell draws DOT only through `:export dot`; `:format` never picks it, and
        // the command line starts the shell in a table when asked for DOT.
        Format::Table | Format::Dot if result.columns.is_empty() => {
            let summary = summary_line(result);
            match view.elapsed {
                Some(elapsed) => format!("{} in {}\n", summary.trim_end(), format_elapsed(elapsed)),
                None => summary,
            }
        }
        Format::Table | Format::Dot => render_fitted_table(result, graph, view),
    }
}

fn render_fitted_table(result: &QueryResult, graph: &Graph, view: &View) -> String {
    let total = result.rows.len();
    let shown = view.max_rows.map_or(total, |max| max.min(total));
    let rows: Vec<Vec<Value>> = result.rows[..shown]
        .iter()
        .map(|row| {
            row.iter()
                .map(|value| match value {
                    // Numbers stay numbers so the table lines them up on the right.
                    Value::Int(_) | Value::Float(_) | Value::Null => value.clone(),
                    _ => Value::from(terminal_safe(&brief_cell(value, graph)).as_ref()),
                })
                .collect()
        })
        .collect();
    let mut natural: Vec<usize> =
        result.columns.iter().map(|column| display_width(&terminal_safe(column))).collect();
    for row in &rows {
        for (column, value) in row.iter().enumerate() {
            let width = match value {
                Value::String(text) => display_width(text),
                other => display_width(&cell_text(other, graph)),
            };
            natural[column] = natural[column].max(width);
        }
    }
    let max_column_width = match view.width {
        Some(width) => fit_column_width(&natural, width),
        None => DEFAULT_COLUMN_WIDTH,
    };
    let cells = QueryResult { columns: result.columns.clone(), rows, ..Default::default() };
    let table = render_table(&cells, graph, &TableStyle { max_column_width, max_rows: None });
    // The table ends with its own row count; the shell's footer says more.
    let own_footer = format!("{shown} row{}\n", plural(shown));
    let mut text = table.strip_suffix(&own_footer).unwrap_or(&table).to_owned();
    text.push_str(&footer(total, shown, view.elapsed));
    if let Some(stats) = stats_text(&result.stats) {
        let _ = write!(text, "; {stats}");
    }
    text.push('\n');
    text
}

/// `3 rows in 1.2 ms`, `2500 rows in 40 ms; 2400 not shown (:maxrows 0 shows all)`.
pub fn footer(total: usize, shown: usize, elapsed: Option<Duration>) -> String {
    let mut text = format!("{total} row{}", plural(total));
    if let Some(elapsed) = elapsed {
        let _ = write!(text, " in {}", format_elapsed(elapsed));
    }
    if shown < total {
        let _ = write!(text, "; {} not shown (:maxrows 0 shows all)", total - shown);
    }
    text
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// `0.42 ms`, `12.3 ms`, `1.25 s`.
pub fn format_elapsed(elapsed: Duration) -> String {
    let millis = elapsed.as_secs_f64() * 1000.0;
    if millis < 1.0 {
        format!("{millis:.2} ms")
    } else if millis < 1000.0 {
        format!("{millis:.1} ms")
    } else {
        format!("{:.2} s", millis / 1000.0)
    }
}

/// The widest a column may be so that the table fits `total_width` columns: narrow
/// columns keep their width and only the widest ones are cut.
///
/// ```
/// use korpu::render::terminal::fit_column_width;
/// // Two columns, 10 and 100 wide, in 50 columns: the frame takes 7, the first keeps 10.
/// assert_eq!(fit_column_width(&[10, 100], 50), 33);
/// assert_eq!(fit_column_width(&[10, 20], 80), 20);
/// ```
pub fn fit_column_width(natural: &[usize], total_width: usize) -> usize {
    let widest = natural.iter().copied().max().unwrap_or(0);
    let frame = 3 * natural.len() + 1;
    let room = total_width.saturating_sub(frame);
    let fits = |cap: usize| natural.iter().map(|width| (*width).min(cap)).sum::<usize>() <= room;
    if fits(widest) {
        return widest.max(1);
    }
    // The widest cap that fits: `fits` is monotone, so search it.
    let (mut low, mut high) = (0, widest);
    while low < high {
        let middle = (low + high).div_ceil(2);
        if fits(middle) { low = middle } else { high = middle - 1 }
    }
    low.max(MIN_COLUMN_WIDTH)
}

/// A cell's text: strings bare, nodes by their labels and name, relationships by type
/// and properties, paths as `(…)-[:TYPE]->(…)`.
///
/// ```
/// use korpu::{graph::{Graph, Value}, render::terminal::brief_cell};
/// let mut graph = Graph::default();
/// let node = graph.add_node(None, &["NGO"], vec![("name".into(), "Forum".into()), ("founded".into(), Value::Int(2001))]).unwrap();
/// assert_eq!(brief_cell(&Value::Node(node), &graph), "(:NGO {name: 'Forum'})");
/// assert_eq!(brief_cell(&Value::from("text"), &graph), "text");
/// ```
pub fn brief_cell(value: &Value, graph: &Graph) -> String {
    match value {
        Value::String(_) => cell_text(value, graph),
        other => brief_value(other, graph),
    }
}

fn brief_value(value: &Value, graph: &Graph) -> String {
    match value {
        Value::Node(node) => brief_node(*node, graph),
        Value::Relationship(edge) => brief_relationship(*edge, graph),
        Value::Path(path) => {
            let mut text = brief_node(path.nodes[0], graph);
            for (edge, node) in path.relationships.iter().zip(&path.nodes[1..]) {
                let forward = graph.edge_endpoints(*edge).0 != *node;
                text.push_str(if forward { "-" } else { "<-" });
                text.push_str(&brief_relationship(*edge, graph));
                text.push_str(if forward { "->" } else { "-" });
                text.push_str(&brief_node(*node, graph));
            }
            text
        }
        Value::List(items) => {
            let inner: Vec<String> = items.iter().map(|item| brief_value(item, graph)).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(key, item)| {
                    let mut entry = String::new();
                    let _ = write_name(&mut entry, key);
                    format!("{entry}: {}", brief_value(item, graph))
                })
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        scalar => value_text(scalar, graph),
    }
}

/// `[:LEADS {role: 'president'}]`: the type and the short properties; prose such as
/// sources and quotes would drown the shape of a path.
fn brief_relationship(edge: EdgeId, graph: &Graph) -> String {
    let mut text = String::from("[:");
    let _ = write_name(&mut text, graph.edge_type(edge));
    text.push_str(&short_properties(graph.edge_properties(edge), graph));
    text.push(']');
    text
}

/// `(:NGO {name: '…'})` when the node has a naming property, else its short properties.
fn brief_node(node: NodeId, graph: &Graph) -> String {
    let mut text = String::from("(");
    for label in graph.node_labels(node) {
        text.push(':');
        let _ = write_name(&mut text, label);
    }
    let naming = NAMING_KEYS
        .iter()
        .find_map(|key| graph.node_property_by_name(node, key).map(|value| (*key, value)));
    let properties = match naming {
        Some((key, value)) => format!(" {{{key}: {}}}", value_text(value, graph)),
        None => short_properties(graph.node_properties(node), graph),
    };
    // `( {…})` reads badly without a label before the space.
    text.push_str(if text.len() == 1 { properties.trim_start() } else { &properties });
    text.push(')');
    text
}

/// ` {key: value, …}` of the properties whose values are short, sorted by key; empty
/// when there are none.
fn short_properties<'a>(
    properties: impl Iterator<Item = (&'a str, &'a Value)>,
    graph: &Graph,
) -> String {
    let mut shown: Vec<(&str, String)> = properties
        .map(|(key, value)| (key, value_text(value, graph)))
        .filter(|(_, text)| text.chars().count() <= MAX_SHORT_VALUE)
        .collect();
    if shown.is_empty() {
        return String::new();
    }
    shown.sort();
    let entries: Vec<String> = shown
        .into_iter()
        .map(|(key, text)| {
            let mut entry = String::new();
            let _ = write_name(&mut entry, key);
            format!("{entry}: {text}")
        })
        .collect();
    format!(" {{{}}}", entries.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> (Graph, NodeId, NodeId, EdgeId) {
        let mut graph = Graph::default();
        let ngo = graph
            .add_node(
                Some("o"),
                &["NGO"],
                vec![("name".into(), "Forum".into()), ("quote".into(), "long".into())],
            )
            .unwrap();
        let group = graph
            .add_node(Some("g"), &["DiasporaGroup"], vec![("name_en".into(), "Latvia".into())])
            .unwrap();
        let edge = graph
            .add_edge(
                ngo,
                group,
                "PARTNERS_WITH",
                vec![
                    ("since".into(), Value::Int(2019)),
                    ("quote".into(), "a long quotation from the source text".into()),
                ],
            )
            .unwrap();
        (graph, ngo, group, edge)
    }

    fn table_view(max_rows: Option<usize>, width: Option<usize>) -> View {
        View { format: Format::Table, max_rows, width, elapsed: None }
    }

    #[test]
    fn nodes_relationships_and_paths_read_short() {
        let (graph, ngo, group, edge) = graph();
        let path = Value::Path(std::sync::Arc::new(crate::graph::Path {
            nodes: vec![ngo, group],
            relationships: vec![edge],
        }));
        assert_eq!(
            brief_cell(&path, &graph),
            "(:NGO {name: 'Forum'})-[:PARTNERS_WITH {since: 2019}]->(:DiasporaGroup {name_en: 'Latvia'})"
        );
        let backwards = Value::Path(std::sync::Arc::new(crate::graph::Path {
            nodes: vec![group, ngo],
            relationships: vec![edge],
        }));
        assert_eq!(
            brief_cell(&backwards, &graph),
            "(:DiasporaGroup {name_en: 'Latvia'})<-[:PARTNERS_WITH {since: 2019}]-(:NGO {name: 'Forum'})"
        );
        assert_eq!(
            brief_cell(&Value::List(vec![Value::Node(ngo), Value::from("x")]), &graph),
            "[(:NGO {name: 'Forum'}), 'x']"
        );
    }

    #[test]
    fn tables_fit_the_width_with_an_ellipsis() {
        let (graph, _, _, _) = graph();
        let long = "Azərbaycan ".repeat(20);
        let result = QueryResult {
            columns: vec!["id".into(), "text".into()],
            rows: vec![vec![Value::Int(1), Value::from(long.as_str())]],
            ..Default::default()
        };
        let text = render_result(&result, &graph, &table_view(None, Some(40)));
        for line in text.lines().take(5) {
            assert_eq!(display_width(line), 40, "{text}");
        }
        assert!(text.contains('…'), "{text}");
        assert!(text.ends_with("1 row\n"), "{text}");
    }

    #[test]
    fn wide_characters_align() {
        let (graph, _, _, _) = graph();
        let rows = ["ə", "İstanbul", "北京市", "şəhər"]
            .iter()
            .map(|text| vec![Value::from(*text)])
            .collect();
        let result = QueryResult { columns: vec!["city".into()], rows, ..Default::default() };
        let text = render_result(&result, &graph, &table_view(None, Some(80)));
        let widths: Vec<usize> =
            text.lines().filter(|line| line.starts_with(['|', '+'])).map(display_width).collect();
        assert!(widths.windows(2).all(|pair| pair[0] == pair[1]), "{text}");
    }

    #[test]
    fn the_footer_counts_what_was_left_out() {
        let (graph, _, _, _) = graph();
        let rows = (0..25).map(|number| vec![Value::Int(number)]).collect();
        let result = QueryResult { columns: vec!["n".into()], rows, ..Default::default() };
        let view =
            View { elapsed: Some(Duration::from_micros(1500)), ..table_view(Some(10), None) };
        let text = render_result(&result, &graph, &view);
        assert_eq!(text.lines().filter(|line| line.starts_with("| ")).count(), 11, "{text}");
        assert!(
            text.ends_with("25 rows in 1.5 ms; 15 not shown (:maxrows 0 shows all)\n"),
            "{text}"
        );
    }

    #[test]
    fn fitting_keeps_narrow_columns() {
        assert_eq!(fit_column_width(&[3, 200, 200], 100), 43);
        assert_eq!(fit_column_width(&[50; 30], 80), MIN_COLUMN_WIDTH);
        assert_eq!(fit_column_width(&[], 80), 1);
    }

    #[test]
    fn elapsed_reads_well() {
        assert_eq!(format_elapsed(Duration::from_micros(420)), "0.42 ms");
        assert_eq!(format_elapsed(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(format_elapsed(Duration::from_millis(1250)), "1.25 s");
    }
}
