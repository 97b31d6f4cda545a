//! CSV output (RFC 4180): a header row, then one line per row. Strings are written
//! bare, other values in their Cypher text form; fields with commas, quotes or line
//! breaks are quoted.

use crate::graph::Graph;
use crate::query::QueryResult;

use super::cell_text;

pub fn render_csv(result: &QueryResult, graph: &Graph) -> String {
    let mut text = String::new();
    let header: Vec<String> = result.columns.iter().map(|column| field(column)).collect();
    text.push_str(&header.join(","));
    text.push_str("\r\n");
    for row in &result.rows {
        let fields: Vec<String> = row
            .iter()
            .map(
                |value| {
                    if value.is_null() { String::new() } else { field(&cell_text(value, graph)) }
                },
            )
            .collect();
        text.push_str(&fields.join(","));
        text.push_str("\r\n");
    }
    text
}

fn field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Value;

    #[test]
    fn quotes_fields_that_need_it() {
        let result = QueryResult {
            columns: vec!["a".into(), "b".into()],
            rows: vec![vec![Value::from("x, \"y\""), Value::Null]],
            ..Default::default()
        };
        assert_eq!(render_csv(&result, &Graph::default()), "a,b\r\n\"x, \"\"y\"\"\",\r\n");
    }
}
