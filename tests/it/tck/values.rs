//! TCK values: the notation the TCK writes expected results and parameters in, and the
//! comparison of engine results against them.
//!
//! Owns `TckValue` (a value with graph entities described structurally: labels, type,
//! properties, path shape), its parser for the TCK notation (`null`, `1`, `-0.5`, `'a\'b'`,
//! `[1, 2]`, `{k: v}`, `(:L {k: v})`, `[:T {k: v}]`, `<(:A)-[:T]->(:B)>`), its printer,
//! the conversion of an engine `Value` (looking nodes and relationships up in the graph)
//! and the TCK's equality: integers never equal floats, NaN equals NaN, lists in order
//! unless element order is to be ignored.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use korpu::graph::{Graph, Value};

/// A node described by what the TCK can see of it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct NodeShape {
    pub labels: BTreeSet<String>,
    pub properties: BTreeMap<String, TckValue>,
}

/// A relationship described by its type and properties.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct RelationshipShape {
    pub rel_type: String,
    pub properties: BTreeMap<String, TckValue>,
}

/// Which way a path step's relationship points, relative to the walk.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum StepDirection {
    Forward,
    Backward,
    /// A self-loop: both directions describe it.
    Either,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PathStep {
    pub relationship: RelationshipShape,
    pub direction: StepDirection,
    pub node: NodeShape,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct PathShape {
    pub start: NodeShape,
    pub steps: Vec<PathStep>,
}

/// A value as the TCK writes it.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum TckValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<TckValue>),
    Map(BTreeMap<String, TckValue>),
    Node(NodeShape),
    Relationship(RelationshipShape),
    Path(PathShape),
}

// ---------------------------------------------------------------------------------------
// Parsing the TCK notation
// ---------------------------------------------------------------------------------------

/// Parses one complete TCK value; trailing text is an error.
pub(super) fn parse_tck_value(text: &str) -> Result<TckValue, String> {
    let mut reader = Reader { chars: text.chars().collect(), position: 0 };
    let value = reader.value()?;
    reader.skip_space();
    if reader.position != reader.chars.len() {
        return Err(format!(
            "unexpected text after value at offset {} in `{text}`",
            reader.position
        ));
    }
    Ok(value)
}

struct Reader {
    chars: Vec<char>,
    position: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.position).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.position + offset).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.position += 1;
        }
    }

    fn eat(&mut self, expected: char) -> bool {
        self.skip_space();
        if self.peek() == Some(expected) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, expected: char) -> Result<(), String> {
        if self.eat(expected) { Ok(()) } else { Err(self.error(&format!("expected `{expected}`"))) }
    }

    fn error(&self, what: &str) -> String {
        let text: String = self.chars.iter().collect();
        format!("{what} at offset {} in `{text}`", self.position)
    }

    fn starts_with_word(&self, word: &str) -> bool {
        let matches = word
            .chars()
            .enumerate()
            .all(|(offset, expected)| self.peek_at(offset) == Some(expected));
        let after = self.peek_at(word.chars().count());
        matches && !after.is_some_and(|character| character.is_alphanumeric() || character == '_')
    }

    fn value(&mut self) -> Result<TckValue, String> {
        self.skip_space();
        let Some(first) = self.peek() else { return Err(self.error("expected a value")) };
        match first {
            '\'' | '"' => self.string().map(TckValue::String),
            '[' => {
                let mut lookahead = self.position + 1;
                while self.chars.get(lookahead).is_some_and(|character| character.is_whitespace()) {
                    lookahead += 1;
                }
                if self.chars.get(lookahead) == Some(&':') {
                    self.relationship().map(TckValue::Relationship)
                } else {
                    self.list()
                }
            }
            '{' => self.map().map(TckValue::Map),
            '(' => self.node().map(TckValue::Node),
            '<' => self.path().map(TckValue::Path),
            _ if self.starts_with_word("null") => {
                self.position += 4;
                Ok(TckValue::Null)
            }
            _ if self.starts_with_word("true") => {
                self.position += 4;
                Ok(TckValue::Bool(true))
            }
            _ if self.starts_with_word("false") => {
                self.position += 5;
                Ok(TckValue::Bool(false))
            }
            _ => self.number(),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let quote = self.peek().expect("caller saw a quote");
        self.position += 1;
        let mut out = String::new();
        loop {
            let Some(character) = self.peek() else {
                return Err(self.error("unterminated string"));
            };
            self.position += 1;
            if character == quote {
                return Ok(out);
            }
            if character == '\\' {
                let Some(escaped) = self.peek() else {
                    return Err(self.error("unterminated string"));
                };
                self.position += 1;
                match escaped {
                    '\\' | '\'' | '"' => out.push(escaped),
                    't' => out.push('\t'),
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            } else {
                out.push(character);
            }
        }
    }

    fn list(&mut self) -> Result<TckValue, String> {
        self.expect('[')?;
        let mut items = Vec::new();
        if self.eat(']') {
            return Ok(TckValue::List(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(']') {
                return Ok(TckValue::List(items));
            }
            self.expect(',')?;
        }
    }

    fn name(&mut self) -> Result<String, String> {
        self.skip_space();
        if self.peek() == Some('`') {
            self.position += 1;
            let mut out = String::new();
            loop {
                match self.peek() {
                    None => return Err(self.error("unterminated backtick name")),
                    Some('`') if self.peek_at(1) == Some('`') => {
                        out.push('`');
                        self.position += 2;
                    }
                    Some('`') => {
                        self.position += 1;
                        return Ok(out);
                    }
                    Some(character) => {
                        out.push(character);
                        self.position += 1;
                    }
                }
            }
        }
        let start = self.position;
        while self.peek().is_some_and(|character| character.is_alphanumeric() || character == '_') {
            self.position += 1;
        }
        if start == self.position {
            return Err(self.error("expected a name"));
        }
        Ok(self.chars[start..self.position].iter().collect())
    }

    fn map(&mut self) -> Result<BTreeMap<String, TckValue>, String> {
        self.expect('{')?;
        let mut entries = BTreeMap::new();
        if self.eat('}') {
            return Ok(entries);
        }
        loop {
            let key = self.name()?;
            self.expect(':')?;
            let value = self.value()?;
            if entries.insert(key.clone(), value).is_some() {
                return Err(self.error(&format!("key `{key}` appears twice")));
            }
            if self.eat('}') {
                return Ok(entries);
            }
            self.expect(',')?;
        }
    }

    fn properties_if_any(&mut self) -> Result<BTreeMap<String, TckValue>, String> {
        self.skip_space();
        if self.peek() == Some('{') { self.map() } else { Ok(BTreeMap::new()) }
    }

    fn node(&mut self) -> Result<NodeShape, String> {
        self.expect('(')?;
        let mut labels = BTreeSet::new();
        while self.eat(':') {
            labels.insert(self.name()?);
        }
        let properties = self.properties_if_any()?;
        self.expect(')')?;
        Ok(NodeShape { labels, properties })
    }

    fn relationship(&mut self) -> Result<RelationshipShape, String> {
        self.expect('[')?;
        self.expect(':')?;
        let rel_type = self.name()?;
        let properties = self.properties_if_any()?;
        self.expect(']')?;
        Ok(RelationshipShape { rel_type, properties })
    }

    fn path(&mut self) -> Result<PathShape, String> {
        self.expect('<')?;
        let start = self.node()?;
        let mut steps = Vec::new();
        loop {
            if self.eat('>') {
                return Ok(PathShape { start, steps });
            }
            let backward = self.eat('<');
            self.expect('-')?;
            let relationship = self.relationship()?;
            self.expect('-')?;
            let forward = self.eat('>');
            let direction = match (backward, forward) {
                (false, true) => StepDirection::Forward,
                (true, false) => StepDirection::Backward,
                _ => return Err(self.error("a path step needs exactly one arrow head")),
            };
            let node = self.node()?;
            steps.push(PathStep { relationship, direction, node });
        }
    }

    fn number(&mut self) -> Result<TckValue, String> {
        let start = self.position;
        let negative = self.peek() == Some('-');
        if negative || self.peek() == Some('+') {
            self.position += 1;
        }
        for (word, value) in
            [("NaN", f64::NAN), ("Infinity", f64::INFINITY), ("Inf", f64::INFINITY)]
        {
            if self.starts_with_word(word) {
                self.position += word.len();
                return Ok(TckValue::Float(if negative { -value } else { value }));
            }
        }
        if self.peek() == Some('0') && matches!(self.peek_at(1), Some('x' | 'X' | 'o' | 'O')) {
            let radix = if matches!(self.peek_at(1), Some('x' | 'X')) { 16 } else { 8 };
            self.position += 2;
            let digits_start = self.position;
            while self.peek().is_some_and(|character| character.is_digit(radix)) {
                self.position += 1;
            }
            let digits: String = self.chars[digits_start..self.position].iter().collect();
            let text = if negative { format!("-{digits}") } else { digits };
            return i64::from_str_radix(&text, radix)
                .map(TckValue::Int)
                .map_err(|_| self.error("bad integer"));
        }
        let mut is_float = false;
        while let Some(character) = self.peek() {
            let accepted = match character {
                '0'..='9' => true,
                '.' | 'e' | 'E' => {
                    is_float = true;
                    true
                }
                '-' | '+' => matches!(self.chars.get(self.position - 1), Some('e' | 'E')),
                _ => false,
            };
            if !accepted {
                break;
            }
            self.position += 1;
        }
        let text: String = self.chars[start..self.position].iter().collect();
        if text.is_empty() || text == "-" || text == "+" {
            return Err(self.error("expected a value"));
        }
        if is_float {
            text.parse::<f64>()
                .map(TckValue::Float)
                .map_err(|_| self.error(&format!("bad float `{text}`")))
        } else {
            text.parse::<i64>()
                .map(TckValue::Int)
                .map_err(|_| self.error(&format!("bad integer `{text}`")))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Converting between engine values and TCK values
// ---------------------------------------------------------------------------------------

/// Describes an engine value, looking entities up in `graph`.
pub(super) fn from_engine(value: &Value, graph: &Graph) -> TckValue {
    match value {
        Value::Null => TckValue::Null,
        Value::Bool(flag) => TckValue::Bool(*flag),
        Value::Int(number) => TckValue::Int(*number),
        Value::Float(number) => TckValue::Float(*number),
        Value::String(text) => TckValue::String(text.to_string()),
        // The TCK writes temporal values as their ISO 8601 text in quotes.
        Value::Temporal(temporal) => TckValue::String(temporal.to_string()),
        // The TCK has no byte arrays; none of its scenarios can produce one.
        Value::Bytes(bytes) => {
            TckValue::List(bytes.iter().map(|byte| TckValue::Int(i64::from(*byte))).collect())
        }
        duration @ Value::Duration { .. } => {
            TckValue::String(duration.as_duration().unwrap_or_default().to_string())
        }
        Value::List(items) => {
            TckValue::List(items.iter().map(|item| from_engine(item, graph)).collect())
        }
        Value::Map(entries) => TckValue::Map(
            entries.iter().map(|(key, item)| (key.clone(), from_engine(item, graph))).collect(),
        ),
        Value::Node(id) => TckValue::Node(node_shape(*id, graph)),
        Value::Relationship(id) => TckValue::Relationship(relationship_shape(*id, graph)),
        Value::Path(path) => {
            let start = node_shape(path.nodes[0], graph);
            let steps = path
                .relationships
                .iter()
                .enumerate()
                .map(|(index, edge)| {
                    let (source, target) = graph.edge_endpoints(*edge);
                    let direction = if source == target {
                        StepDirection::Either
                    } else if source == path.nodes[index] {
                        StepDirection::Forward
                    } else {
                        StepDirection::Backward
                    };
                    PathStep {
                        relationship: relationship_shape(*edge, graph),
                        direction,
                        node: node_shape(path.nodes[index + 1], graph),
                    }
                })
                .collect();
            TckValue::Path(PathShape { start, steps })
        }
    }
}

fn node_shape(id: korpu::graph::NodeId, graph: &Graph) -> NodeShape {
    NodeShape {
        labels: graph.node_labels(id).map(str::to_string).collect(),
        properties: graph
            .node_properties(id)
            .map(|(key, value)| (key.to_string(), from_engine(value, graph)))
            .collect(),
    }
}

fn relationship_shape(id: korpu::graph::EdgeId, graph: &Graph) -> RelationshipShape {
    RelationshipShape {
        rel_type: graph.edge_type(id).to_string(),
        properties: graph
            .edge_properties(id)
            .map(|(key, value)| (key.to_string(), from_engine(value, graph)))
            .collect(),
    }
}

/// Turns a parameter value into an engine value; entities cannot be parameters here.
pub(super) fn to_engine(value: &TckValue) -> Result<Value, String> {
    Ok(match value {
        TckValue::Null => Value::Null,
        TckValue::Bool(flag) => Value::Bool(*flag),
        TckValue::Int(number) => Value::Int(*number),
        TckValue::Float(number) => Value::Float(*number),
        TckValue::String(text) => Value::String(Arc::from(text.as_str())),
        TckValue::List(items) => {
            Value::List(items.iter().map(to_engine).collect::<Result<_, _>>()?)
        }
        TckValue::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(key, item)| Ok((key.clone(), to_engine(item)?)))
                .collect::<Result<_, String>>()?,
        ),
        TckValue::Node(_) | TckValue::Relationship(_) | TckValue::Path(_) => {
            return Err(format!("a parameter cannot be a graph entity: {value}"));
        }
    })
}

// ---------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------

/// How strictly lists are compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum ListOrder {
    Significant,
    Ignored,
}

/// The TCK's equality of an expected and an actual value.
pub(super) fn tck_equal(expected: &TckValue, actual: &TckValue, list_order: ListOrder) -> bool {
    match (expected, actual) {
        (TckValue::Null, TckValue::Null) => true,
        (TckValue::Bool(a), TckValue::Bool(b)) => a == b,
        (TckValue::Int(a), TckValue::Int(b)) => a == b,
        (TckValue::Float(a), TckValue::Float(b)) => (a.is_nan() && b.is_nan()) || a == b,
        (TckValue::String(a), TckValue::String(b)) => a == b,
        (TckValue::List(a), TckValue::List(b)) => match list_order {
            ListOrder::Significant => {
                a.len() == b.len()
                    && a.iter().zip(b).all(|(left, right)| tck_equal(left, right, list_order))
            }
            ListOrder::Ignored => {
                same_multiset(a, b, |left, right| tck_equal(left, right, list_order))
            }
        },
        (TckValue::Map(a), TckValue::Map(b)) => maps_equal(a, b, list_order),
        (TckValue::Node(a), TckValue::Node(b)) => nodes_equal(a, b, list_order),
        (TckValue::Relationship(a), TckValue::Relationship(b)) => {
            relationships_equal(a, b, list_order)
        }
        (TckValue::Path(a), TckValue::Path(b)) => {
            nodes_equal(&a.start, &b.start, list_order)
                && a.steps.len() == b.steps.len()
                && a.steps.iter().zip(&b.steps).all(|(left, right)| {
                    directions_agree(left.direction, right.direction)
                        && relationships_equal(&left.relationship, &right.relationship, list_order)
                        && nodes_equal(&left.node, &right.node, list_order)
                })
        }
        _ => false,
    }
}

fn directions_agree(a: StepDirection, b: StepDirection) -> bool {
    a == b || a == StepDirection::Either || b == StepDirection::Either
}

fn maps_equal(
    a: &BTreeMap<String, TckValue>,
    b: &BTreeMap<String, TckValue>,
    list_order: ListOrder,
) -> bool {
    a.len() == b.len()
        && a.iter()
            .all(|(key, value)| b.get(key).is_some_and(|other| tck_equal(value, other, list_order)))
}

fn nodes_equal(a: &NodeShape, b: &NodeShape, list_order: ListOrder) -> bool {
    a.labels == b.labels && maps_equal(&a.properties, &b.properties, list_order)
}

fn relationships_equal(
    a: &RelationshipShape,
    b: &RelationshipShape,
    list_order: ListOrder,
) -> bool {
    a.rel_type == b.rel_type && maps_equal(&a.properties, &b.properties, list_order)
}

/// Whether `a` and `b` hold the same items with the same multiplicities under `equal`
/// (an equivalence, so greedy matching is exact).
pub(super) fn same_multiset<T>(a: &[T], b: &[T], equal: impl Fn(&T, &T) -> bool) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(|left| {
        let found =
            b.iter().enumerate().position(|(index, right)| !used[index] && equal(left, right));
        match found {
            Some(index) => {
                used[index] = true;
                true
            }
            None => false,
        }
    })
}

// ---------------------------------------------------------------------------------------
// Printing in the TCK notation
// ---------------------------------------------------------------------------------------

impl fmt::Display for TckValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TckValue::Null => write!(formatter, "null"),
            TckValue::Bool(flag) => write!(formatter, "{flag}"),
            TckValue::Int(number) => write!(formatter, "{number}"),
            TckValue::Float(number) => write_float(*number, formatter),
            TckValue::String(text) => {
                write!(
                    formatter,
                    "'{}'",
                    text.replace('\\', "\\\\").replace('\'', "\\'").replace('\n', "\\n")
                )
            }
            TckValue::List(items) => {
                write!(formatter, "[")?;
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        write!(formatter, ", ")?;
                    }
                    write!(formatter, "{item}")?;
                }
                write!(formatter, "]")
            }
            TckValue::Map(entries) => write_map(entries, formatter),
            TckValue::Node(node) => write!(formatter, "{node}"),
            TckValue::Relationship(relationship) => write!(formatter, "{relationship}"),
            TckValue::Path(path) => {
                write!(formatter, "<{}", path.start)?;
                for step in &path.steps {
                    match step.direction {
                        StepDirection::Backward => write!(formatter, "<-{}-", step.relationship)?,
                        StepDirection::Forward | StepDirection::Either => {
                            write!(formatter, "-{}->", step.relationship)?
                        }
                    }
                    write!(formatter, "{}", step.node)?;
                }
                write!(formatter, ">")
            }
        }
    }
}

fn write_float(number: f64, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
    if number.is_nan() {
        write!(formatter, "NaN")
    } else if number.is_infinite() {
        write!(formatter, "{}", if number > 0.0 { "Infinity" } else { "-Infinity" })
    } else if number.fract() == 0.0 && number.abs() < 1e15 {
        write!(formatter, "{number:.1}")
    } else {
        write!(formatter, "{number:?}")
    }
}

fn write_map(
    entries: &BTreeMap<String, TckValue>,
    formatter: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    write!(formatter, "{{")?;
    for (index, (key, value)) in entries.iter().enumerate() {
        if index > 0 {
            write!(formatter, ", ")?;
        }
        write!(formatter, "{key}: {value}")?;
    }
    write!(formatter, "}}")
}

impl fmt::Display for NodeShape {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "(")?;
        for label in &self.labels {
            write!(formatter, ":{label}")?;
        }
        if !self.properties.is_empty() {
            if !self.labels.is_empty() {
                write!(formatter, " ")?;
            }
            write_map(&self.properties, formatter)?;
        }
        write!(formatter, ")")
    }
}

impl fmt::Display for RelationshipShape {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "[:{}", self.rel_type)?;
        if !self.properties.is_empty() {
            write!(formatter, " ")?;
            write_map(&self.properties, formatter)?;
        }
        write!(formatter, "]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> TckValue {
        parse_tck_value(text).unwrap_or_else(|error| panic!("{error}"))
    }

    #[test]
    fn scalars_parse_with_their_types() {
        assert_eq!(parse("null"), TckValue::Null);
        assert_eq!(parse(" true "), TckValue::Bool(true));
        assert_eq!(parse("-42"), TckValue::Int(-42));
        assert_eq!(parse("0x1F"), TckValue::Int(31));
        assert_eq!(parse("1.0"), TckValue::Float(1.0));
        assert_eq!(parse("-0.5"), TckValue::Float(-0.5));
        assert_eq!(parse("1e308"), TckValue::Float(1e308));
        assert_eq!(parse("1.5e-3"), TckValue::Float(0.0015));
        assert_eq!(parse("-Infinity"), TckValue::Float(f64::NEG_INFINITY));
        assert!(matches!(parse("NaN"), TckValue::Float(number) if number.is_nan()));
        assert_eq!(parse(r"'it\'s \\ here'"), TckValue::String(r"it's \ here".into()));
        assert!(parse_tck_value("12 13").is_err());
        assert!(parse_tck_value("'open").is_err());
    }

    #[test]
    fn containers_and_entities_parse() {
        let map = parse("{a: [1, 'x'], ``: null, `odd key`: {}}");
        let TckValue::Map(entries) = map else { panic!("not a map") };
        assert_eq!(entries.len(), 3);
        assert_eq!(entries[""], TckValue::Null);
        assert_eq!(
            entries["a"],
            TckValue::List(vec![TckValue::Int(1), TckValue::String("x".into())])
        );

        let TckValue::Node(node) = parse("(:B:A {name: 'n'})") else { panic!("not a node") };
        assert_eq!(node.labels.iter().collect::<Vec<_>>(), ["A", "B"]);

        let TckValue::List(relationships) = parse("[[:T {w: 1}], []]") else {
            panic!("not a list")
        };
        assert!(
            matches!(&relationships[0], TckValue::Relationship(shape) if shape.rel_type == "T")
        );
        assert_eq!(relationships[1], TckValue::List(vec![]));

        let TckValue::Path(path) = parse("<(:A)-[:T]->(:B)<-[:U]-()>") else {
            panic!("not a path")
        };
        assert_eq!(path.steps.len(), 2);
        assert_eq!(path.steps[0].direction, StepDirection::Forward);
        assert_eq!(path.steps[1].direction, StepDirection::Backward);
        assert_eq!(
            parse("<()>"),
            TckValue::Path(PathShape { start: parse_node("()"), steps: vec![] })
        );
    }

    fn parse_node(text: &str) -> NodeShape {
        match parse(text) {
            TckValue::Node(node) => node,
            other => panic!("not a node: {other}"),
        }
    }

    #[test]
    fn equality_follows_the_tck() {
        let significant = ListOrder::Significant;
        assert!(!tck_equal(&parse("1"), &parse("1.0"), significant));
        assert!(tck_equal(&parse("NaN"), &TckValue::Float(f64::NAN), significant));
        assert!(!tck_equal(&parse("[1, 2]"), &parse("[2, 1]"), significant));
        assert!(tck_equal(&parse("[1, [2, 3]]"), &parse("[[3, 2], 1]"), ListOrder::Ignored));
        assert!(!tck_equal(&parse("[1, 1, 2]"), &parse("[1, 2, 2]"), ListOrder::Ignored));
        assert!(tck_equal(&parse("(:A:B {k: 1})"), &parse("(:B:A {k: 1})"), significant));
        assert!(!tck_equal(&parse("(:A {k: 1})"), &parse("(:A {k: 1.0})"), significant));
        assert!(!tck_equal(&parse("{a: 1}"), &parse("{a: 1, b: null}"), significant));
        assert!(!tck_equal(&parse("<(:A)-[:T]->(:B)>"), &parse("<(:A)<-[:T]-(:B)>"), significant));
        assert!(!tck_equal(&parse("[:T]"), &parse("[:U]"), significant));
    }

    #[test]
    fn engine_entities_are_described_from_the_graph() {
        let mut graph = Graph::default();
        let a = graph.add_node(None, &["A"], vec![("name".into(), Value::from("a"))]).unwrap();
        let b = graph.add_node(None, &["B", "C"], vec![]).unwrap();
        let edge = graph.add_edge(a, b, "T", vec![("w".into(), Value::Int(2))]).unwrap();
        let forward = Value::Path(Arc::new(korpu::graph::Path {
            nodes: vec![a, b],
            relationships: vec![edge],
        }));
        let backward = Value::Path(Arc::new(korpu::graph::Path {
            nodes: vec![b, a],
            relationships: vec![edge],
        }));
        let described = from_engine(&forward, &graph);
        let expected = parse("<(:A {name: 'a'})-[:T {w: 2}]->(:C:B)>");
        assert!(tck_equal(&expected, &described, ListOrder::Significant), "got {described}");
        assert_eq!(described.to_string(), "<(:A {name: 'a'})-[:T {w: 2}]->(:B:C)>");
        let reversed = from_engine(&backward, &graph);
        assert_eq!(reversed.to_string(), "<(:B:C)<-[:T {w: 2}]-(:A {name: 'a'})>");
    }

    #[test]
    fn printing_round_trips() {
        for text in ["[1, 2.5, 'a\\'b', null, {k: [true]}]", "(:A {x: -1.0})", "[:R]", "NaN"] {
            let value = parse(text);
            assert!(
                tck_equal(&value, &parse(&value.to_string()), ListOrder::Significant),
                "{text}"
            );
        }
    }

    #[test]
    fn parameters_convert_to_engine_values() {
        assert!(
            matches!(to_engine(&parse("[1, 'a']")), Ok(Value::List(items)) if items.len() == 2)
        );
        assert!(to_engine(&parse("(:A)")).is_err());
    }
}
