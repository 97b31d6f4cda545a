//! Aligned text tables, measured in display columns (ə and İ take one, CJK two).
//!
//! Tables are for terminals, so every cell and header goes through
//! `text::terminal_safe` first: a line break or tab cannot break the grid, and a control
//! character or a direction override cannot recolour the terminal or reorder the row.

use crate::graph::Graph;
use crate::query::{QueryResult, WriteStats};
use crate::text::{display_width, terminal_safe};

use super::cell_text;

/// How a table is drawn.
#[derive(Clone, Debug)]
pub struct TableStyle {
    /// Widest a column may be before its values are cut with `…`.
    pub max_column_width: usize,
    /// Rows shown; the rest are counted in the footer.
    pub max_rows: Option<usize>,
}

impl Default for TableStyle {
    fn default() -> Self {
        TableStyle { max_column_width: 60, max_rows: None }
    }
}

/// Draws a result as a box table followed by a row count line.
///
/// ```text
/// +------+-------+
/// | name | n     |
/// +------+-------+
/// | Bakı | 3     |
/// +------+-------+
/// 1 row
/// ```
pub fn render_table(result: &QueryResult, graph: &Graph, style: &TableStyle) -> String {
    if result.columns.is_empty() {
        return summary_line(result);
    }
    let shown = style.max_rows.map_or(result.rows.len(), |max| max.min(result.rows.len()));
    let cells: Vec<Vec<String>> = result.rows[..shown]
        .iter()
        .map(|row| {
            row.iter()
                .map(|value| {
                    truncate(&terminal_safe(&cell_text(value, graph)), style.max_column_width)
                })
                .collect()
        })
        .collect();
    let headers: Vec<String> = result
        .columns
        .iter()
        .map(|column| truncate(&terminal_safe(column), style.max_column_width))
        .collect();
    let widths: Vec<usize> = (0..headers.len())
        .map(|column| {
            cells
                .iter()
                .map(|row| display_width(&row[column]))
                .chain([display_width(&headers[column])])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Numbers line up on the right, the way people compare them.
    let numeric: Vec<bool> = (0..headers.len())
        .map(|column| {
            let values = result.rows[..shown].iter().map(|row| &row[column]);
            let mut any = false;
            for value in values {
                match value {
                    crate::graph::Value::Int(_) | crate::graph::Value::Float(_) => any = true,
                    crate::graph::Value::Null => {}
                    _ => return false,
                }
            }
            any
        })
        .collect();
    let rule: String = {
        let mut line = String::from("+");
        for width in &widths {
            line.push_str(&"-".repeat(width + 2));
            line.push('+');
        }
        line
    };
    let mut text = String::new();
    text.push_str(&rule);
    text.push('\n');
    text.push_str(&format_row(&headers, &widths, &numeric));
    text.push_str(&rule);
    text.push('\n');
    for row in &cells {
        text.push_str(&format_row(row, &widths, &numeric));
    }
    text.push_str(&rule);
    text.push('\n');
    let total = result.rows.len();
    text.push_str(&format!("{total} row{}", if total == 1 { "" } else { "s" }));
    if let Some(stats) = stats_text(&result.stats) {
        text.push_str(&format!("; {stats}"));
    }
    if shown < total {
        text.push_str(&format!(" ({} not shown; raise :maxrows to see them)", total - shown));
    }
    text.push('\n');
    text
}

/// What a statement without columns reports: its writes, or that it returned nothing.
pub fn summary_line(result: &QueryResult) -> String {
    match stats_text(&result.stats) {
        Some(text) => format!("{text}\n"),
        None => "no changes, no rows\n".to_owned(),
    }
}

/// `2 nodes created, 1 property set`; `None` when the statement changed nothing.
pub fn stats_text(stats: &WriteStats) -> Option<String> {
    let parts: Vec<String> = stats
        .counters()
        .iter()
        .filter(|(_, count)| *count > 0)
        .map(|(name, count)| {
            // "nodes created" → "1 node created"; "properties set" → "1 property set".
            let name = if *count == 1 { singular(name) } else { (*name).to_owned() };
            format!("{count} {name}")
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn singular(name: &str) -> String {
    let (noun, rest) = name.split_once(' ').unwrap_or((name, ""));
    let noun = match noun {
        "properties" => "property",
        "indexes" => "index",
        other => other.strip_suffix('s').unwrap_or(other),
    };
    format!("{noun} {rest}")
}

fn format_row(cells: &[String], widths: &[usize], right_aligned: &[bool]) -> String {
    let mut line = String::from("|");
    for ((cell, width), right) in cells.iter().zip(widths).zip(right_aligned) {
        let padding = " ".repeat(width - display_width(cell));
        line.push(' ');
        if *right {
            line.push_str(&padding);
            line.push_str(cell);
        } else {
            line.push_str(cell);
            line.push_str(&padding);
        }
        line.push_str(" |");
    }
    line.push('\n');
    line
}

/// Cuts `text` to at most `max` display columns, ending in `…` when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if display_width(text) <= max {
        return text.to_owned();
    }
    let mut cut = String::new();
    let mut width = 0;
    for character in text.chars() {
        let character_width = unicode_width::UnicodeWidthChar::width(character).unwrap_or(0);
        if width + character_width + 1 > max {
            break;
        }
        cut.push(character);
        width += character_width;
    }
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Value;

    #[test]
    fn aligns_by_display_width() {
        let result = QueryResult {
            columns: vec!["ad".into()],
            rows: vec![
                vec![Value::from("Əliyev")],
                vec![Value::from("北京")],
                vec![Value::from("abc")],
            ],
            ..Default::default()
        };
        let text = render_table(&result, &Graph::default(), &TableStyle::default());
        let widths: Vec<usize> = text.lines().take(6).map(display_width).collect();
        assert!(widths.windows(2).all(|pair| pair[0] == pair[1]), "{text}");
    }

    #[test]
    fn summary_counts_read_as_english() {
        let mut result = QueryResult::default();
        result.stats.nodes_created = 2;
        result.stats.properties_set = 1;
        assert_eq!(summary_line(&result), "2 nodes created, 1 property set\n");
    }

    #[test]
    fn control_characters_and_overrides_show_as_escapes_and_still_align() {
        let result = QueryResult {
            columns: vec!["ad\u{1b}[2J".into()],
            rows: vec![
                vec![Value::from("Şəki\u{202E}lov")],
                vec![Value::from("line\nbreak\u{7}")],
                vec![Value::List(vec![Value::from("\u{2066}İ\u{2069}")])],
            ],
            ..Default::default()
        };
        let text = render_table(&result, &Graph::default(), &TableStyle::default());
        assert!(
            !text.chars().any(|c| c != '\n' && crate::text::is_unsafe_in_terminal(c)),
            "{text:?}"
        );
        assert!(text.contains("| Şəki\\u202Elov "), "{text}");
        assert!(text.contains("ad\\u001B[2J"), "{text}");
        let widths: Vec<usize> = text.lines().take(7).map(display_width).collect();
        assert!(widths.windows(2).all(|pair| pair[0] == pair[1]), "{text}");
    }

    #[test]
    fn truncates_with_ellipsis() {
        assert_eq!(truncate("Azərbaycan", 5), "Azər…");
    }
}
