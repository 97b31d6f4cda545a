//! The logical plan: operators over rows of slots, and expressions over those slots.
//!
//! A plan is a list of segments. Each segment is a tree of read operators ending, when
//! the query writes, in a `CREATE`; rows flow from one segment to the next, so a
//! read-only query is one streaming segment. Variables were resolved to slot numbers by
//! the planner: the executor never sees a name or the AST.
//! `Display` prints the EXPLAIN tree.

use std::fmt::{self, Display, Formatter, Write as _};

use crate::graph::{Dir, Symbol, Value};
use crate::query::syntax::Span;
use crate::query::syntax::ast::{BinaryOp, Quantifier, UnaryOp};

/// A position in a row.
pub type Slot = usize;

/// What the statement asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Run,
    Explain,
    Profile,
}

/// A planned statement.
#[derive(Clone, Debug)]
pub struct Plan {
    pub mode: Mode,
    pub segments: Vec<Segment>,
    /// Result columns: name and the slot holding the value.
    pub columns: Vec<(String, Slot)>,
    /// Row width: every slot the statement uses.
    pub slot_count: usize,
    /// Slot names, for EXPLAIN.
    pub slot_names: Vec<String>,
}

impl Plan {
    /// True when running the plan may change the graph.
    pub fn writes(&self) -> bool {
        self.segments.iter().any(|segment| segment.create.is_some())
    }
}

/// Reads, then optionally writes; the next segment reads the rows this one produced.
#[derive(Clone, Debug)]
pub struct Segment {
    pub reads: Op,
    pub create: Option<CreateSpec>,
}

/// What one `CREATE` clause makes, per incoming row.
#[derive(Clone, Debug)]
pub struct CreateSpec {
    pub nodes: Vec<CreateNode>,
    pub relationships: Vec<CreateRelationship>,
    /// Named paths to bind after creating.
    pub paths: Vec<(Slot, Vec<PathStep>)>,
}

#[derive(Clone, Debug)]
pub struct CreateNode {
    pub slot: Slot,
    pub labels: Vec<String>,
    pub properties: Vec<(String, Expr)>,
}

#[derive(Clone, Debug)]
pub struct CreateRelationship {
    pub slot: Slot,
    pub from: Slot,
    pub to: Slot,
    pub rel_type: String,
    pub properties: Vec<(String, Expr)>,
}

/// One operator. Every operator but `Argument` reads the rows of its `input`.
#[derive(Clone, Debug)]
pub enum Op {
    /// The rows handed in: one empty row at the start of a query, the row being tested
    /// inside `OPTIONAL MATCH` and `EXISTS`, the previous segment's rows after a write.
    Argument,
    /// For each input row, every node (with `label`, when given) into `slot`.
    NodeScan {
        input: Box<Op>,
        slot: Slot,
        label: Option<String>,
    },
    /// For each input row, the nodes whose `name` equals `value`, into `slot`.
    NodeIndexSeek {
        input: Box<Op>,
        slot: Slot,
        key: String,
        value: Expr,
    },
    /// For each input row, the nodes with `label` whose numeric `key` lies between the
    /// bounds, found in the range index. `predicate` is the original filter, used
    /// instead when a bound turns out not to be a number.
    NodeRangeSeek(RangeSeek),
    /// Follows one relationship from the node in `from`.
    Expand(Expand),
    /// Follows `min..max` relationships from the node in `from`.
    VarExpand(VarExpand),
    /// Shortest path(s) between two bound nodes.
    ShortestPath(ShortestPath),
    Filter {
        input: Box<Op>,
        predicate: Expr,
    },
    /// For each input row, the rows of `inner` (run with that row as its argument), or the
    /// input row with `nullable` slots set to null when `inner` has none.
    Optional {
        input: Box<Op>,
        inner: Box<Op>,
        nullable: Vec<Slot>,
    },
    Project {
        input: Box<Op>,
        items: Vec<(Slot, Expr)>,
    },
    Aggregate {
        input: Box<Op>,
        keys: Vec<(Slot, Expr)>,
        aggregates: Vec<(Slot, Aggregation)>,
    },
    Distinct {
        input: Box<Op>,
        slots: Vec<Slot>,
    },
    Sort {
        input: Box<Op>,
        keys: Vec<SortKey>,
    },
    /// `ORDER BY … LIMIT n` fused: keeps only the best `limit` rows while reading.
    Top {
        input: Box<Op>,
        keys: Vec<SortKey>,
        limit: Expr,
    },
    Skip {
        input: Box<Op>,
        count: Expr,
    },
    Limit {
        input: Box<Op>,
        count: Expr,
    },
    Unwind {
        input: Box<Op>,
        list: Expr,
        slot: Slot,
    },
    /// Rows of every branch; each branch writes its columns into the same `slots`.
    Union {
        branches: Vec<Op>,
        distinct: bool,
        slots: Vec<Slot>,
    },
    /// Counts input rows into `slot` without keeping them (`count(*)` with no keys).
    CountRows {
        input: Box<Op>,
        slot: Slot,
    },
}

#[derive(Clone, Debug)]
pub struct Expand {
    pub input: Box<Op>,
    pub from: Slot,
    pub rel: Slot,
    pub to: Slot,
    pub dir: Dir,
    pub types: Vec<String>,
    /// `to` is already bound: keep only relationships that reach it.
    pub into: bool,
    /// Relationship slots (single or lists) this one must differ from.
    pub distinct_from: Vec<Slot>,
    /// Labels the node reached must carry (checked before a row is made).
    pub to_labels: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct VarExpand {
    pub input: Box<Op>,
    pub from: Slot,
    /// Receives the list of relationships walked.
    pub rels: Slot,
    pub to: Slot,
    pub dir: Dir,
    pub types: Vec<String>,
    pub min: u64,
    pub max: Option<u64>,
    /// Property equalities every relationship on the way must satisfy.
    pub rel_properties: Vec<(String, Expr)>,
    pub into: bool,
    pub distinct_from: Vec<Slot>,
}

#[derive(Clone, Debug)]
pub struct RangeSeek {
    pub input: Box<Op>,
    pub slot: Slot,
    pub label: String,
    pub key: PropertyKey,
    pub lower: Option<(Expr, bool)>,
    pub upper: Option<(Expr, bool)>,
    pub predicate: Expr,
}

#[derive(Clone, Debug)]
pub struct ShortestPath {
    pub input: Box<Op>,
    pub from: Slot,
    pub to: Slot,
    pub path: Slot,
    pub rels: Option<Slot>,
    pub dir: Dir,
    pub types: Vec<String>,
    pub min: u64,
    pub max: Option<u64>,
    pub all: bool,
}

#[derive(Clone, Debug)]
pub struct SortKey {
    pub expr: Expr,
    pub descending: bool,
}

/// An aggregate function call.
#[derive(Clone, Debug)]
pub struct Aggregation {
    pub function: AggregateFunction,
    /// `None` for `count(*)`.
    pub arg: Option<Expr>,
    /// Second argument (percentiles).
    pub extra: Option<Expr>,
    pub distinct: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AggregateFunction {
    Count,
    Sum,
    Avg,
    Min,
    Max,
    Collect,
    StDev,
    StDevP,
    PercentileDisc,
    PercentileCont,
}

impl AggregateFunction {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name.to_ascii_lowercase().as_str() {
            "count" => AggregateFunction::Count,
            "sum" => AggregateFunction::Sum,
            "avg" => AggregateFunction::Avg,
            "min" => AggregateFunction::Min,
            "max" => AggregateFunction::Max,
            "collect" => AggregateFunction::Collect,
            "stdev" => AggregateFunction::StDev,
            "stdevp" => AggregateFunction::StDevP,
            "percentiledisc" => AggregateFunction::PercentileDisc,
            "percentilecont" => AggregateFunction::PercentileCont,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            AggregateFunction::Count => "count",
            AggregateFunction::Sum => "sum",
            AggregateFunction::Avg => "avg",
            AggregateFunction::Min => "min",
            AggregateFunction::Max => "max",
            AggregateFunction::Collect => "collect",
            AggregateFunction::StDev => "stDev",
            AggregateFunction::StDevP => "stDevP",
            AggregateFunction::PercentileDisc => "percentileDisc",
            AggregateFunction::PercentileCont => "percentileCont",
        }
    }
}

/// A property key: its name, and its interned symbol when the graph had it at plan time.
#[derive(Clone, Debug)]
pub struct PropertyKey {
    pub name: String,
    pub symbol: Option<Symbol>,
}

/// An expression over a row's slots.
#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Constant(Value),
    Parameter(String),
    Slot(Slot),
    Property(Box<Expr>, PropertyKey),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`
    Comparison(Box<Expr>, Vec<(BinaryOp, Expr)>),
    IsNull(Box<Expr>, bool),
    HasLabels(Box<Expr>, Vec<String>),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Function(Function, Vec<Expr>),
    Case {
        operand: Option<Box<Expr>>,
        branches: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    ListComprehension {
        slot: Slot,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    Quantifier {
        kind: Quantifier,
        slot: Slot,
        list: Box<Expr>,
        predicate: Option<Box<Expr>>,
    },
    Reduce {
        accumulator: Slot,
        init: Box<Expr>,
        slot: Slot,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// Does the sub-plan, run with this row as its argument, produce any row?
    Exists(Box<Op>),
    /// The sub-plan run with this row as its argument, `map` evaluated on each of its
    /// rows, collected into a list (pattern comprehensions).
    CollectSubquery(Box<Op>, Box<Expr>),
    MapProjection(Box<Expr>, Vec<MapProjectionItem>),
    /// Assembles a path from node slots and relationship (or relationship-list) slots.
    BuildPath(Vec<PathStep>),
    /// How many relationships of the node in `node` match, without visiting rows: what a
    /// `count` over an expansion becomes.
    Degree {
        node: Slot,
        dir: Dir,
        types: Vec<String>,
        to_labels: Vec<String>,
    },
}

#[derive(Clone, Debug)]
pub enum MapProjectionItem {
    Property(PropertyKey),
    AllProperties,
    Entry(String, Expr),
}

#[derive(Clone, Copy, Debug)]
pub enum PathStep {
    Node(Slot),
    Relationship(Slot),
    /// A variable-length segment: a list of relationships.
    Relationships(Slot),
}

/// Scalar functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    Id,
    ElementId,
    Labels,
    Type,
    Keys,
    Properties,
    Size,
    Length,
    Nodes,
    Relationships,
    StartNode,
    EndNode,
    Head,
    Last,
    Tail,
    Range,
    Coalesce,
    ToString,
    ToInteger,
    ToFloat,
    ToBoolean,
    ToLower,
    ToUpper,
    Trim,
    LTrim,
    RTrim,
    Substring,
    Left,
    Right,
    Replace,
    Split,
    Reverse,
    Abs,
    Ceil,
    Floor,
    Round,
    Sign,
    Sqrt,
    Exp,
    Log,
    Log10,
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Atan2,
    Pi,
    E,
    Rand,
    /// `date(…)`, `localtime(…)`, `time(…)`, `localdatetime(…)`, `datetime(…)`.
    Temporal(crate::graph::TemporalKind),
    Exists,
    Fold,
    ToStringOrNull,
    ToIntegerOrNull,
    ToFloatOrNull,
    ToBooleanOrNull,
    IsEmpty,
    /// Internal: does the entity (first argument) carry every entry of the map (second)?
    /// Used for pattern properties given as a parameter, `(n $props)`.
    HasProperties,
}

impl Function {
    /// The function named `name` (case-insensitive) and its accepted argument counts.
    pub fn from_name(name: &str) -> Option<(Function, std::ops::RangeInclusive<usize>)> {
        use Function::*;
        Some(match name.to_ascii_lowercase().as_str() {
            "id" => (Id, 1..=1),
            "elementid" => (ElementId, 1..=1),
            "labels" => (Labels, 1..=1),
            "type" => (Type, 1..=1),
            "keys" => (Keys, 1..=1),
            "properties" => (Properties, 1..=1),
            "size" => (Size, 1..=1),
            "length" => (Length, 1..=1),
            "nodes" => (Nodes, 1..=1),
            "relationships" => (Relationships, 1..=1),
            "startnode" => (StartNode, 1..=1),
            "endnode" => (EndNode, 1..=1),
            "head" => (Head, 1..=1),
            "last" => (Last, 1..=1),
            "tail" => (Tail, 1..=1),
            "range" => (Range, 2..=3),
            "coalesce" => (Coalesce, 1..=usize::MAX),
            "tostring" => (ToString, 1..=1),
            "tointeger" => (ToInteger, 1..=1),
            "tofloat" => (ToFloat, 1..=1),
            "toboolean" => (ToBoolean, 1..=1),
            "tostringornull" => (ToStringOrNull, 1..=1),
            "tointegerornull" => (ToIntegerOrNull, 1..=1),
            "tofloatornull" => (ToFloatOrNull, 1..=1),
            "tobooleanornull" => (ToBooleanOrNull, 1..=1),
            "tolower" => (ToLower, 1..=1),
            "toupper" => (ToUpper, 1..=1),
            "trim" => (Trim, 1..=1),
            "ltrim" => (LTrim, 1..=1),
            "rtrim" => (RTrim, 1..=1),
            "substring" => (Substring, 2..=3),
            "left" => (Left, 2..=2),
            "right" => (Right, 2..=2),
            "replace" => (Replace, 3..=3),
            "split" => (Split, 2..=2),
            "reverse" => (Reverse, 1..=1),
            "abs" => (Abs, 1..=1),
            "ceil" => (Ceil, 1..=1),
            "floor" => (Floor, 1..=1),
            "round" => (Round, 1..=1),
            "sign" => (Sign, 1..=1),
            "sqrt" => (Sqrt, 1..=1),
            "exp" => (Exp, 1..=1),
            "log" => (Log, 1..=1),
            "log10" => (Log10, 1..=1),
            "sin" => (Sin, 1..=1),
            "cos" => (Cos, 1..=1),
            "tan" => (Tan, 1..=1),
            "asin" => (Asin, 1..=1),
            "acos" => (Acos, 1..=1),
            "atan" => (Atan, 1..=1),
            "atan2" => (Atan2, 2..=2),
            "pi" => (Pi, 0..=0),
            "e" => (E, 0..=0),
            "rand" => (Rand, 0..=0),
            "date" => (Temporal(crate::graph::TemporalKind::Date), 0..=1),
            "localtime" => (Temporal(crate::graph::TemporalKind::LocalTime), 0..=1),
            "time" => (Temporal(crate::graph::TemporalKind::Time), 0..=1),
            "localdatetime" => (Temporal(crate::graph::TemporalKind::LocalDateTime), 0..=1),
            "datetime" => (Temporal(crate::graph::TemporalKind::DateTime), 0..=1),
            "exists" => (Exists, 1..=1),
            "fold" => (Fold, 1..=1),
            "isempty" => (IsEmpty, 1..=1),
            _ => return None,
        })
    }

    /// True when the function gives a different answer on each call.
    pub fn is_volatile(self) -> bool {
        self == Function::Rand
    }
}

// ---------------------------------------------------------------------------------------
// EXPLAIN printing.

impl Display for Plan {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let columns: Vec<&str> = self.columns.iter().map(|(name, _)| name.as_str()).collect();
        writeln!(f, "ProduceResults [{}]", columns.join(", "))?;
        // Segments print last first, like the operators: each reads the rows of the
        // write printed below it.
        for (position, segment) in self.segments.iter().enumerate().rev() {
            let depth = 1;
            if let Some(create) = &segment.create {
                write_indent(f, depth)?;
                writeln!(f, "Create {}", describe_create(create, self))?;
                write_op(f, &segment.reads, self, depth + 1)?;
            } else {
                write_op(f, &segment.reads, self, depth)?;
            }
            if position > 0 {
                write_indent(f, depth)?;
                writeln!(f, "-- reads the rows of:")?;
            }
        }
        Ok(())
    }
}

fn write_indent(f: &mut Formatter<'_>, depth: usize) -> fmt::Result {
    for _ in 0..depth {
        f.write_str("  ")?;
    }
    Ok(())
}

fn describe_create(create: &CreateSpec, plan: &Plan) -> String {
    let mut parts = Vec::new();
    for node in &create.nodes {
        parts.push(format!(
            "({}{})",
            plan.slot_name(node.slot),
            node.labels.iter().map(|label| format!(":{label}")).collect::<String>()
        ));
    }
    for rel in &create.relationships {
        parts.push(format!(
            "({})-[{}:{}]->({})",
            plan.slot_name(rel.from),
            plan.slot_name(rel.slot),
            rel.rel_type,
            plan.slot_name(rel.to)
        ));
    }
    parts.join(", ")
}

impl Plan {
    pub fn slot_name(&self, slot: Slot) -> &str {
        self.slot_names.get(slot).map_or("?", String::as_str)
    }

    /// Prints the operator tree with an annotation per operator (PROFILE's figures).
    pub fn render_with(&self, annotate: &dyn Fn(&Op) -> Option<String>) -> String {
        let mut text = String::new();
        let columns: Vec<&str> = self.columns.iter().map(|(name, _)| name.as_str()).collect();
        let _ = writeln!(text, "ProduceResults [{}]", columns.join(", "));
        for segment in self.segments.iter().rev() {
            let _ = write_op_annotated(&mut text, &segment.reads, self, 1, annotate);
        }
        text
    }
}

fn op_line(op: &Op, plan: &Plan) -> String {
    let name = |slot: Slot| plan.slot_name(slot).to_owned();
    let types = |types: &[String]| {
        if types.is_empty() { String::new() } else { format!(":{}", types.join("|")) }
    };
    let arrow = |dir: Dir, rel: String| match dir {
        Dir::Outgoing => format!("-[{rel}]->"),
        Dir::Incoming => format!("<-[{rel}]-"),
        Dir::Both => format!("-[{rel}]-"),
    };
    match op {
        Op::Argument => "Argument".to_owned(),
        Op::NodeScan { slot, label: Some(label), .. } => {
            format!("NodeByLabelScan ({}:{label})", name(*slot))
        }
        Op::NodeScan { slot, label: None, .. } => format!("AllNodesScan ({})", name(*slot)),
        Op::NodeIndexSeek { slot, key, value, .. } => {
            format!("NodeIndexSeek ({} {{{key}: {}}})", name(*slot), ExprDisplay(value, plan))
        }
        Op::Expand(expand) => format!(
            "{} ({}){}({}{})",
            if expand.into { "ExpandInto" } else { "Expand" },
            name(expand.from),
            arrow(expand.dir, format!("{}{}", name(expand.rel), types(&expand.types))),
            name(expand.to),
            expand.to_labels.iter().map(|label| format!(":{label}")).collect::<String>()
        ),
        Op::NodeRangeSeek(seek) => {
            let bound = |bound: &Option<(Expr, bool)>, inclusive: &str, exclusive: &str| match bound
            {
                Some((expr, true)) => format!(" {inclusive} {}", ExprDisplay(expr, plan)),
                Some((expr, false)) => format!(" {exclusive} {}", ExprDisplay(expr, plan)),
                None => String::new(),
            };
            format!(
                "NodeRangeSeek ({}:{}) {}{}{}",
                name(seek.slot),
                seek.label,
                seek.key.name,
                bound(&seek.lower, ">=", ">"),
                bound(&seek.upper, "<=", "<")
            )
        }
        Op::VarExpand(expand) => format!(
            "VarLengthExpand{} ({}){}({})",
            if expand.into { "Into" } else { "" },
            name(expand.from),
            arrow(
                expand.dir,
                format!(
                    "{}{}*{}..{}",
                    name(expand.rels),
                    types(&expand.types),
                    expand.min,
                    expand.max.map_or(String::new(), |max| max.to_string())
                )
            ),
            name(expand.to)
        ),
        Op::ShortestPath(shortest) => format!(
            "{} {} = ({}){}({})",
            if shortest.all { "AllShortestPaths" } else { "ShortestPath" },
            name(shortest.path),
            name(shortest.from),
            arrow(
                shortest.dir,
                format!(
                    "{}*{}..{}",
                    types(&shortest.types),
                    shortest.min,
                    shortest.max.map_or(String::new(), |max| max.to_string())
                )
            ),
            name(shortest.to)
        ),
        Op::Filter { predicate, .. } => format!("Filter {}", ExprDisplay(predicate, plan)),
        Op::Optional { .. } => "Optional".to_owned(),
        Op::Project { items, .. } => format!(
            "Project {}",
            items
                .iter()
                .map(|(slot, expr)| format!("{} AS {}", ExprDisplay(expr, plan), name(*slot)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Op::Aggregate { keys, aggregates, .. } => {
            let keys: Vec<String> = keys
                .iter()
                .map(|(slot, expr)| format!("{} AS {}", ExprDisplay(expr, plan), name(*slot)))
                .collect();
            let aggregates: Vec<String> = aggregates
                .iter()
                .map(|(slot, aggregation)| {
                    let arg = aggregation
                        .arg
                        .as_ref()
                        .map_or("*".to_owned(), |arg| ExprDisplay(arg, plan).to_string());
                    let distinct = if aggregation.distinct { "DISTINCT " } else { "" };
                    format!("{}({distinct}{arg}) AS {}", aggregation.function.name(), name(*slot))
                })
                .collect();
            if keys.is_empty() {
                format!("Aggregate {}", aggregates.join(", "))
            } else {
                format!("Aggregate by {} compute {}", keys.join(", "), aggregates.join(", "))
            }
        }
        Op::Distinct { slots, .. } => format!(
            "Distinct {}",
            slots.iter().map(|slot| name(*slot)).collect::<Vec<_>>().join(", ")
        ),
        Op::Sort { keys, .. } => format!("Sort {}", sort_keys(keys, plan)),
        Op::Top { keys, limit, .. } => {
            format!("Top {} by {}", ExprDisplay(limit, plan), sort_keys(keys, plan))
        }
        Op::Skip { count, .. } => format!("Skip {}", ExprDisplay(count, plan)),
        Op::Limit { count, .. } => format!("Limit {}", ExprDisplay(count, plan)),
        Op::Unwind { list, slot, .. } => {
            format!("Unwind {} AS {}", ExprDisplay(list, plan), name(*slot))
        }
        Op::Union { distinct, .. } => {
            if *distinct {
                "Union".to_owned()
            } else {
                "UnionAll".to_owned()
            }
        }
        Op::CountRows { slot, .. } => format!("CountRows AS {}", name(*slot)),
    }
}

fn sort_keys(keys: &[SortKey], plan: &Plan) -> String {
    keys.iter()
        .map(|key| {
            format!("{}{}", ExprDisplay(&key.expr, plan), if key.descending { " DESC" } else { "" })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The operators an operator reads from, in order.
pub fn op_children(op: &Op) -> Vec<&Op> {
    match op {
        Op::Argument => Vec::new(),
        Op::NodeRangeSeek(seek) => vec![&seek.input],
        Op::NodeScan { input, .. }
        | Op::NodeIndexSeek { input, .. }
        | Op::Filter { input, .. }
        | Op::Project { input, .. }
        | Op::Aggregate { input, .. }
        | Op::Distinct { input, .. }
        | Op::Sort { input, .. }
        | Op::Top { input, .. }
        | Op::Skip { input, .. }
        | Op::Limit { input, .. }
        | Op::Unwind { input, .. }
        | Op::CountRows { input, .. } => vec![input],
        Op::Expand(expand) => vec![&expand.input],
        Op::VarExpand(expand) => vec![&expand.input],
        Op::ShortestPath(shortest) => vec![&shortest.input],
        Op::Optional { input, inner, .. } => vec![inner, input],
        Op::Union { branches, .. } => branches.iter().collect(),
    }
}

fn write_op(f: &mut Formatter<'_>, op: &Op, plan: &Plan, depth: usize) -> fmt::Result {
    let mut text = String::new();
    write_op_annotated(&mut text, op, plan, depth, &|_| None)?;
    f.write_str(&text)
}

fn write_op_annotated(
    text: &mut String,
    op: &Op,
    plan: &Plan,
    depth: usize,
    annotate: &dyn Fn(&Op) -> Option<String>,
) -> fmt::Result {
    // An argument leaf under a single chain is noise; show it only where it matters.
    if matches!(op, Op::Argument) && depth > 1 {
        return Ok(());
    }
    for _ in 0..depth {
        text.push_str("  ");
    }
    text.push_str(&op_line(op, plan));
    if let Some(note) = annotate(op) {
        write!(text, "  {note}")?;
    }
    text.push('\n');
    for child in op_children(op) {
        write_op_annotated(text, child, plan, depth + 1, annotate)?;
    }
    Ok(())
}

/// Prints a plan expression with slot names.
pub struct ExprDisplay<'a>(pub &'a Expr, pub &'a Plan);

impl<'a> Display for ExprDisplay<'a> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let ExprDisplay(expr, plan) = *self;
        let show = |inner: &'a Expr| ExprDisplay(inner, plan);
        match &expr.kind {
            ExprKind::Constant(value) => write_constant(f, value),
            ExprKind::Parameter(name) => write!(f, "${name}"),
            ExprKind::Slot(slot) => f.write_str(plan.slot_name(*slot)),
            ExprKind::Property(subject, key) => write!(f, "{}.{}", show(subject), key.name),
            ExprKind::List(items) => {
                f.write_char('[')?;
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", show(item))?;
                }
                f.write_char(']')
            }
            ExprKind::Map(entries) => {
                f.write_char('{')?;
                for (position, (key, value)) in entries.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {}", show(value))?;
                }
                f.write_char('}')
            }
            ExprKind::Unary(UnaryOp::Not, operand) => write!(f, "NOT {}", show(operand)),
            ExprKind::Unary(UnaryOp::Minus, operand) => write!(f, "-{}", show(operand)),
            ExprKind::Unary(UnaryOp::Plus, operand) => write!(f, "+{}", show(operand)),
            ExprKind::Binary(op, left, right) => {
                write!(f, "({} {} {})", show(left), op.symbol(), show(right))
            }
            ExprKind::Comparison(first, rest) => {
                write!(f, "({}", show(first))?;
                for (op, operand) in rest {
                    write!(f, " {} {}", op.symbol(), show(operand))?;
                }
                f.write_char(')')
            }
            ExprKind::IsNull(operand, negated) => {
                write!(f, "{} IS {}NULL", show(operand), if *negated { "NOT " } else { "" })
            }
            ExprKind::HasLabels(subject, labels) => {
                write!(f, "{}:{}", show(subject), labels.join(":"))
            }
            ExprKind::Index(subject, index) => write!(f, "{}[{}]", show(subject), show(index)),
            ExprKind::Slice(subject, from, to) => {
                write!(f, "{}[", show(subject))?;
                if let Some(from) = from {
                    write!(f, "{}", show(from))?;
                }
                f.write_str("..")?;
                if let Some(to) = to {
                    write!(f, "{}", show(to))?;
                }
                f.write_char(']')
            }
            ExprKind::Function(function, args) => {
                write!(f, "{function:?}(")?;
                for (position, arg) in args.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", show(arg))?;
                }
                f.write_char(')')
            }
            ExprKind::Case { .. } => f.write_str("CASE … END"),
            ExprKind::ListComprehension { slot, list, .. } => {
                write!(f, "[{} IN {} …]", plan.slot_name(*slot), show(list))
            }
            ExprKind::Quantifier { kind, slot, list, .. } => {
                write!(f, "{kind:?}({} IN {} …)", plan.slot_name(*slot), show(list))
            }
            ExprKind::Reduce { .. } => f.write_str("reduce(…)"),
            ExprKind::Exists(_) => f.write_str("EXISTS {…}"),
            ExprKind::CollectSubquery(_, map) => write!(f, "[(…) | {}]", show(map)),
            ExprKind::MapProjection(subject, _) => write!(f, "{} {{…}}", show(subject)),
            ExprKind::Degree { node, dir, types, to_labels } => {
                let arrow = match dir {
                    Dir::Outgoing => "->",
                    Dir::Incoming => "<-",
                    Dir::Both => "-",
                };
                write!(
                    f,
                    "degree({}{arrow}{}{})",
                    plan.slot_name(*node),
                    types.join("|"),
                    to_labels.iter().map(|label| format!(":{label}")).collect::<String>()
                )
            }
            ExprKind::BuildPath(steps) => {
                f.write_str("path(")?;
                for (position, step) in steps.iter().enumerate() {
                    if position > 0 {
                        f.write_str(", ")?;
                    }
                    let slot = match step {
                        PathStep::Node(slot)
                        | PathStep::Relationship(slot)
                        | PathStep::Relationships(slot) => *slot,
                    };
                    f.write_str(plan.slot_name(slot))?;
                }
                f.write_char(')')
            }
        }
    }
}

fn write_constant(f: &mut Formatter<'_>, value: &Value) -> fmt::Result {
    match value {
        Value::String(text) => crate::query::syntax::ast::write_string(f, text),
        Value::Null => f.write_str("null"),
        Value::Bool(flag) => write!(f, "{flag}"),
        Value::Int(number) => write!(f, "{number}"),
        Value::Float(number) => crate::query::syntax::ast::write_float(f, *number),
        Value::List(items) => {
            f.write_char('[')?;
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    f.write_str(", ")?;
                }
                write_constant(f, item)?;
            }
            f.write_char(']')
        }
        other => write!(f, "{other:?}"),
    }
}
