//! The Kùzu script: Kùzu's tables have a fixed schema, so the script declares a node
//! table per label combination and a relationship table per type, with typed columns,
//! before the data; what did not map one to one is listed in its notes.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::{self, Write as _};

use super::*;

/// The text of a Kùzu script, and what did not map one to one onto Kùzu's schema.
#[derive(Debug, Clone, PartialEq)]
pub struct KuzuScript {
    pub text: String,
    /// Every renamed table or column and every column whose values changed type; the
    /// script's header lists them too.
    pub notes: Vec<KuzuNote>,
}

/// One way the Kùzu script differs from the graph. Kùzu names ignore case and cannot
/// hold backquotes (and the script keeps control characters out of them), so a name
/// that would clash or break gets a `_2`-style suffix or `_` in place of the character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KuzuNote {
    /// Nodes with these labels are in a table not named after them.
    NodeTableRenamed { labels: Vec<String>, table: String },
    /// Relationships of this type are in a table not named after it.
    RelTableRenamed { rel_type: String, table: String },
    /// A property is stored under another column name.
    ColumnRenamed { table: String, key: String, column: String },
    /// A property has values of several types, so its column is STRING and non-string
    /// values are stored as their Cypher literal text (`5`, `true`, `['a']`).
    MixedColumn { table: String, key: String, types: Vec<String> },
    /// A property has integers and floats, so its column is DOUBLE (or DOUBLE[]).
    WidenedColumn { table: String, key: String, column_type: String },
}

impl fmt::Display for KuzuNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names are printed with Rust's quoting, so a newline in one cannot end a
        // comment line of the script.
        match self {
            KuzuNote::NodeTableRenamed { labels, table } => {
                write!(f, "nodes labelled {labels:?} are in the table {table:?} ({RENAMED})")
            }
            KuzuNote::RelTableRenamed { rel_type, table } => write!(
                f,
                "relationships of type {rel_type:?} are in the table {table:?} ({RENAMED})"
            ),
            KuzuNote::ColumnRenamed { table, key, column } => write!(
                f,
                "property {key:?} of table {table:?} is the column {column:?} ({RENAMED})"
            ),
            KuzuNote::MixedColumn { table, key, types } => {
                write!(
                    f,
                    "property {key:?} of table {table:?} holds values of different types ({}), so its column is STRING and holds them as text",
                    types.join(", ")
                )
            }
            KuzuNote::WidenedColumn { table, key, column_type } => {
                write!(
                    f,
                    "property {key:?} of table {table:?} holds integers and floats, so its column is {column_type} and the integers become floats"
                )
            }
        }
    }
}

/// A Kùzu string literal. Kùzu reads `\n` in a literal as `n`, so text with control
/// characters is spelled byte by byte as a BLOB and decoded, which keeps every
/// statement on one line of the script.
pub(super) fn write_kuzu_string(text: &mut String, string: &str) {
    if string.chars().any(char::is_control) {
        text.push_str("decode(BLOB('");
        for byte in string.bytes() {
            if byte == b' ' || (byte.is_ascii_graphic() && byte != b'\\' && byte != b'\'') {
                text.push(char::from(byte));
            } else {
                let _ = write!(text, "\\\\x{byte:02X}");
            }
        }
        text.push_str("'))");
    } else {
        text.push('\'');
        for character in string.chars() {
            match character {
                '\'' => text.push_str("\\'"),
                '\\' => text.push_str("\\\\"),
                other => text.push(other),
            }
        }
        text.push('\'');
    }
}

/// A backquoted Kùzu name; Kùzu's keywords differ from Körpü's, so every name is
/// quoted. Names come from `UniqueNames`, which keeps backquotes out.
fn write_kuzu_name(text: &mut String, name: &str) {
    text.push('`');
    text.push_str(name);
    text.push('`');
}

/// The kind of one property value, as far as a Kùzu column cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Scalar {
    Bool,
    Int,
    Float,
    String,
}

impl Scalar {
    fn of(value: &Value) -> Option<Scalar> {
        match value {
            Value::Bool(_) => Some(Scalar::Bool),
            Value::Int(_) => Some(Scalar::Int),
            Value::Float(_) => Some(Scalar::Float),
            Value::String(_) => Some(Scalar::String),
            _ => None,
        }
    }

    fn kuzu(self) -> &'static str {
        match self {
            Scalar::Bool => "BOOLEAN",
            Scalar::Int => "INT64",
            Scalar::Float => "DOUBLE",
            Scalar::String => "STRING",
        }
    }

    /// The kind that holds both without loss of meaning: integers widen to floats.
    fn unify(self, other: Scalar) -> Option<Scalar> {
        match (self, other) {
            _ if self == other => Some(self),
            (Scalar::Int, Scalar::Float) | (Scalar::Float, Scalar::Int) => Some(Scalar::Float),
            _ => None,
        }
    }
}

/// The type of a Kùzu column, found from every value stored in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Scalar(Scalar),
    /// A list; `None` while only empty lists have been seen.
    List(Option<Scalar>),
    /// Values of kinds no single column type holds; stored as their text in a STRING.
    Mixed,
}

impl Column {
    fn of(value: &Value) -> Column {
        match value {
            Value::List(items) => {
                let mut element: Option<Scalar> = None;
                for item in items {
                    let Some(kind) = Scalar::of(item) else { return Column::Mixed };
                    element = match element {
                        None => Some(kind),
                        Some(seen) => match seen.unify(kind) {
                            Some(unified) => Some(unified),
                            None => return Column::Mixed,
                        },
                    };
                }
                Column::List(element)
            }
            other => Scalar::of(other).map_or(Column::Mixed, Column::Scalar),
        }
    }

    fn unify(self, other: Column) -> Column {
        match (self, other) {
            (Column::Scalar(left), Column::Scalar(right)) => {
                left.unify(right).map_or(Column::Mixed, Column::Scalar)
            }
            (Column::List(None), Column::List(element))
            | (Column::List(element), Column::List(None)) => Column::List(element),
            (Column::List(Some(left)), Column::List(Some(right))) => {
                left.unify(right).map_or(Column::Mixed, |unified| Column::List(Some(unified)))
            }
            _ => Column::Mixed,
        }
    }

    fn kuzu(self) -> String {
        match self {
            Column::Scalar(scalar) => scalar.kuzu().to_owned(),
            Column::List(element) => format!("{}[]", element.unwrap_or(Scalar::String).kuzu()),
            Column::Mixed => "STRING".to_owned(),
        }
    }

    fn holds_floats(self) -> bool {
        matches!(self, Column::Scalar(Scalar::Float) | Column::List(Some(Scalar::Float)))
    }
}

/// What a column was built from: its name in Kùzu, its type, and the Kùzu types of the
/// values seen (for the notes).
struct ColumnPlan {
    name: String,
    column: Column,
    seen: BTreeSet<String>,
}

/// Names unique the way Kùzu compares them (its catalog and its columns ignore case),
/// free of control characters, which would break a statement across lines, and of
/// backquotes, which Kùzu cannot escape inside a quoted name.
#[derive(Default)]
struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    fn claim(&mut self, wanted: &str) -> String {
        let wanted: String = wanted
            .chars()
            .map(
                |character| {
                    if character.is_control() || character == '`' { '_' } else { character }
                },
            )
            .collect();
        let mut candidate = wanted.clone();
        let mut suffix = 2;
        while !self.taken.insert(candidate.to_lowercase()) {
            candidate = format!("{wanted}_{suffix}");
            suffix += 1;
        }
        candidate
    }
}

/// Why a name changed, for the notes.
const RENAMED: &str =
    "Kùzu names must differ in more than case and hold no control characters or backquotes";

/// The columns of one table: one per property key, in first-seen order.
#[derive(Default)]
struct TablePlan {
    name: String,
    columns: Vec<(String, ColumnPlan)>,
    by_key: HashMap<String, usize>,
}

impl TablePlan {
    fn observe(&mut self, key: &str, value: &Value) {
        let column = Column::of(value);
        match self.by_key.get(key) {
            Some(&index) => {
                let plan = &mut self.columns[index].1;
                plan.column = plan.column.unify(column);
                plan.seen.insert(column.kuzu());
            }
            None => {
                self.by_key.insert(key.to_owned(), self.columns.len());
                self.columns.push((
                    key.to_owned(),
                    ColumnPlan {
                        name: String::new(),
                        column,
                        seen: BTreeSet::from([column.kuzu()]),
                    },
                ));
            }
        }
    }

    /// Gives every column its Kùzu name, after the reserved ones, and notes what changed.
    fn name_columns(&mut self, reserved: &[&str], notes: &mut Vec<KuzuNote>) {
        let mut names = UniqueNames::default();
        for name in reserved {
            names.claim(name);
        }
        for (key, plan) in &mut self.columns {
            plan.name = names.claim(key);
            if plan.name != *key {
                notes.push(KuzuNote::ColumnRenamed {
                    table: self.name.clone(),
                    key: key.clone(),
                    column: plan.name.clone(),
                });
            }
            match plan.column {
                Column::Mixed => notes.push(KuzuNote::MixedColumn {
                    table: self.name.clone(),
                    key: key.clone(),
                    types: plan.seen.iter().cloned().collect(),
                }),
                column
                    if column.holds_floats()
                        && plan.seen.iter().any(|kind| kind.starts_with("INT64")) =>
                {
                    notes.push(KuzuNote::WidenedColumn {
                        table: self.name.clone(),
                        key: key.clone(),
                        column_type: column.kuzu(),
                    });
                }
                _ => {}
            }
        }
    }

    fn column(&self, key: &str) -> &ColumnPlan {
        &self.columns[self.by_key[key]].1
    }
}

/// The value with its integers turned into floats, for a DOUBLE or DOUBLE[] column.
fn widened(value: &Value) -> Cow<'_, Value> {
    match value {
        Value::Int(number) => Cow::Owned(Value::Float(*number as f64)),
        Value::List(items) if items.iter().any(|item| matches!(item, Value::Int(_))) => {
            Cow::Owned(Value::List(items.iter().map(|item| widened(item).into_owned()).collect()))
        }
        other => Cow::Borrowed(other),
    }
}

/// Writes one value into a column of the given type.
fn write_kuzu_value(text: &mut String, value: &Value, column: Column) {
    match column {
        Column::Mixed => {
            let as_text: Cow<'_, str> = match value {
                Value::String(string) => Cow::Borrowed(string),
                // Kùzu's own temporal types differ; the ISO text keeps the value.
                Value::Temporal(temporal) => Cow::Owned(temporal.to_string()),
                duration @ Value::Duration { .. } => {
                    Cow::Owned(duration.as_duration().unwrap_or_default().to_string())
                }
                other => {
                    let mut literal = String::new();
                    write_literal(&mut literal, other, Dialect::Cypher);
                    Cow::Owned(literal)
                }
            };
            write_kuzu_string(text, &as_text);
        }
        column if column.holds_floats() => write_literal(text, &widened(value), Dialect::Kuzu),
        _ => write_literal(text, value, Dialect::Kuzu),
    }
}

fn write_kuzu_properties<'a>(
    text: &mut String,
    table: &TablePlan,
    properties: impl Iterator<Item = (&'a str, &'a Value)>,
) {
    for (key, value) in properties {
        let plan = table.column(key);
        text.push_str(", ");
        write_kuzu_name(text, &plan.name);
        text.push_str(": ");
        write_kuzu_value(text, value, plan.column);
    }
}

/// A script for Kùzu (`kuzu ./db < graph.cypher`): the schema, then one `CREATE` per
/// node and one `MATCH … CREATE` per relationship, one statement per line.
///
/// Kùzu keeps each node in exactly one node table, so there is one table per label
/// combination, named after its labels joined by `_` (`Organization_NGO`); the column
/// `korpu_labels` keeps the labels themselves and `korpu_id`, the primary key, the
/// node's id. There is one relationship table per type, with a `FROM … TO …` pair for
/// each pair of node tables it connects. Each property is a typed column; `notes` lists
/// every name or type that had to change to fit (see `KuzuNote`).
///
/// ```
/// use korpu::{graph::Graph, export::to_kuzu};
/// let mut graph = Graph::default();
/// graph.add_node(Some("baku"), &["City"], vec![("name".into(), "Bakı".into())]).unwrap();
/// let script = to_kuzu(&graph).unwrap();
/// assert!(script.text.contains("CREATE NODE TABLE `City`(`korpu_id` STRING PRIMARY KEY, `korpu_labels` STRING[], `name` STRING);"));
/// ```
pub fn to_kuzu(graph: &Graph) -> Result<KuzuScript, ExportError> {
    check_reserved(graph, &[ID_PROPERTY, LABELS_PROPERTY], None)?;
    let mut notes = Vec::new();
    let mut catalog = UniqueNames::default();

    // Node tables: one per label combination, in the order nodes first use them.
    let mut node_tables: Vec<TablePlan> = Vec::new();
    let mut table_of_labels: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut table_of_node: HashMap<NodeId, usize> = HashMap::new();
    for node in graph.nodes() {
        let labels: Vec<&str> = graph.node_labels(node).collect();
        let index = *table_of_labels.entry(labels.clone()).or_insert_with(|| {
            let wanted = if labels.is_empty() { "Unlabelled".to_owned() } else { labels.join("_") };
            let name = catalog.claim(&wanted);
            if name != wanted {
                notes.push(KuzuNote::NodeTableRenamed {
                    labels: labels.iter().map(|label| (*label).to_owned()).collect(),
                    table: name.clone(),
                });
            }
            node_tables.push(TablePlan { name, ..TablePlan::default() });
            node_tables.len() - 1
        });
        table_of_node.insert(node, index);
        for (key, value) in graph.node_properties(node) {
            node_tables[index].observe(key, value);
        }
    }
    for table in &mut node_tables {
        table.name_columns(&[ID_PROPERTY, LABELS_PROPERTY], &mut notes);
    }

    // Relationship tables: one per type, with the pairs of node tables it connects.
    let mut rel_tables: Vec<TablePlan> = Vec::new();
    let mut endpoint_pairs: Vec<BTreeSet<(usize, usize)>> = Vec::new();
    let mut table_of_type: HashMap<&str, usize> = HashMap::new();
    let mut table_of_edge: HashMap<EdgeId, usize> = HashMap::new();
    for edge in graph.edges() {
        let rel_type = graph.edge_type(edge);
        let index = *table_of_type.entry(rel_type).or_insert_with(|| {
            let name = catalog.claim(rel_type);
            if name != rel_type {
                notes.push(KuzuNote::RelTableRenamed {
                    rel_type: rel_type.to_owned(),
                    table: name.clone(),
                });
            }
            rel_tables.push(TablePlan { name, ..TablePlan::default() });
            endpoint_pairs.push(BTreeSet::new());
            rel_tables.len() - 1
        });
        table_of_edge.insert(edge, index);
        let (start, end) = graph.edge_endpoints(edge);
        endpoint_pairs[index].insert((table_of_node[&start], table_of_node[&end]));
        for (key, value) in graph.edge_properties(edge) {
            rel_tables[index].observe(key, value);
        }
    }
    for table in &mut rel_tables {
        table.name_columns(&[], &mut notes);
    }

    let mut text = String::new();
    let _ = writeln!(
        text,
        "// Körpü export for Kùzu: {} nodes, {} relationships.",
        graph.node_count(),
        graph.edge_count()
    );
    let _ = writeln!(
        text,
        "// One node table per label combination (labels also in `{LABELS_PROPERTY}`), primary key `{ID_PROPERTY}`; one rel table per type."
    );
    for note in &notes {
        let _ = writeln!(text, "// Note: {note}.");
    }
    for table in &node_tables {
        text.push_str("CREATE NODE TABLE ");
        write_kuzu_name(&mut text, &table.name);
        let _ = write!(text, "(`{ID_PROPERTY}` STRING PRIMARY KEY, `{LABELS_PROPERTY}` STRING[]");
        for (_, column) in &table.columns {
            text.push_str(", ");
            write_kuzu_name(&mut text, &column.name);
            let _ = write!(text, " {}", column.column.kuzu());
        }
        text.push_str(");\n");
    }
    for (table, pairs) in rel_tables.iter().zip(&endpoint_pairs) {
        text.push_str("CREATE REL TABLE ");
        write_kuzu_name(&mut text, &table.name);
        text.push('(');
        for (position, (from, to)) in pairs.iter().enumerate() {
            if position > 0 {
                text.push_str(", ");
            }
            text.push_str("FROM ");
            write_kuzu_name(&mut text, &node_tables[*from].name);
            text.push_str(" TO ");
            write_kuzu_name(&mut text, &node_tables[*to].name);
        }
        for (_, column) in &table.columns {
            text.push_str(", ");
            write_kuzu_name(&mut text, &column.name);
            let _ = write!(text, " {}", column.column.kuzu());
        }
        text.push_str(");\n");
    }
    for node in graph.nodes() {
        let table = &node_tables[table_of_node[&node]];
        text.push_str("CREATE (:");
        write_kuzu_name(&mut text, &table.name);
        let _ = write!(text, " {{`{ID_PROPERTY}`: ");
        write_kuzu_string(&mut text, graph.node_key(node));
        let _ = write!(text, ", `{LABELS_PROPERTY}`: ");
        write_literal(
            &mut text,
            &Value::List(graph.node_labels(node).map(Value::from).collect()),
            Dialect::Kuzu,
        );
        write_kuzu_properties(&mut text, table, graph.node_properties(node));
        text.push_str("});\n");
    }
    for edge in graph.edges() {
        let (start, end) = graph.edge_endpoints(edge);
        text.push_str("MATCH ");
        for (position, (variable, node)) in [("a", start), ("b", end)].into_iter().enumerate() {
            if position > 0 {
                text.push_str(", ");
            }
            let _ = write!(text, "({variable}:");
            write_kuzu_name(&mut text, &node_tables[table_of_node[&node]].name);
            let _ = write!(text, " {{`{ID_PROPERTY}`: ");
            write_kuzu_string(&mut text, graph.node_key(node));
            text.push_str("})");
        }
        let table = &rel_tables[table_of_edge[&edge]];
        text.push_str(" CREATE (a)-[:");
        write_kuzu_name(&mut text, &table.name);
        let mut properties = String::new();
        write_kuzu_properties(&mut properties, table, graph.edge_properties(edge));
        if let Some(properties) = properties.strip_prefix(", ") {
            let _ = write!(text, " {{{properties}}}");
        }
        text.push_str("]->(b);\n");
    }
    Ok(KuzuScript { text, notes })
}
