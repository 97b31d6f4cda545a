//! The logical plan: operators over rows of slots, and expressions over those slots.
//!
//! A plan is a list of segments. Each segment is a tree of read operators ending, when
//! the query writes, in one write clause (`writes`); rows flow from one segment to the
//! next, so a read-only query is one streaming segment. Variables were resolved to slot
//! numbers by the planner: the executor never sees a name or the AST.
//! `Display` prints the EXPLAIN tree (`print`).

mod print;
mod writes;

pub use print::ExprDisplay;
pub use writes::*;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::graph::{Dir, Symbol, Value};
use crate::query::error::{ErrorKind, PlanError};
use crate::query::notification::Notification;
use crate::query::procedures::Procedure;
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
    /// What the user should hear about the statement (names the graph lacks).
    pub notifications: Vec<Notification>,
    /// Every parameter the statement reads, with where it is first read.
    pub parameters: Vec<(String, Span)>,
}

impl Plan {
    /// Checks that every parameter the statement reads was given, before it runs (as
    /// Neo4j does when it compiles a statement), so no statement fails halfway for want
    /// of one.
    pub fn check_parameters(&self, params: &BTreeMap<String, Value>) -> Result<(), PlanError> {
        match self.parameters.iter().find(|(name, _)| !params.contains_key(name)) {
            None => Ok(()),
            Some((name, span)) => Err(PlanError {
                kind: ErrorKind::ParameterMissing,
                code: "MissingParameter",
                message: format!(
                    "parameter `${name}` was not given (use --param {name}=VALUE or :param {name} VALUE)"
                ),
                span: *span,
            }),
        }
    }

    /// True when running the plan may change the graph.
    pub fn writes(&self) -> bool {
        self.segments.iter().any(|segment| segment.write.is_some())
    }
}

/// Reads, then optionally writes; the next segment reads the rows this one produced.
#[derive(Clone, Debug)]
pub struct Segment {
    pub reads: Op,
    pub write: Option<Write>,
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
    /// `CALL`: runs a procedure for each input row.
    Call(ProcedureCall),
}

/// For each input row, the procedure's rows for the arguments evaluated on that row, each
/// a copy of the input row with the yielded outputs written in; a void procedure keeps
/// the row once.
#[derive(Clone, Debug)]
pub struct ProcedureCall {
    pub input: Box<Op>,
    /// Resolved while planning: the executor calls it without looking the name up.
    pub procedure: Arc<Procedure>,
    pub args: Vec<Expr>,
    /// Position of each yielded output in the signature, and the slot it goes into.
    pub yields: Vec<(usize, Slot)>,
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
    /// `date.statement()`, `datetime.realtime('Europe/Baku')` and their kin.
    Clock(crate::graph::TemporalKind, Clock),
    /// `date.truncate(unit, value[, map])` and its kin.
    Truncate(crate::graph::TemporalKind),
    /// `duration(map or text)`.
    Duration,
    /// `duration.between(a, b)`, `.inMonths`, `.inDays`, `.inSeconds`.
    DurationBetween(crate::graph::DurationUnit),
    /// `datetime.fromEpoch(seconds, nanoseconds)`.
    FromEpoch,
    /// `datetime.fromEpochMillis(milliseconds)`.
    FromEpochMillis,
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

/// Which clock a temporal function reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// The moment the statement started, the same for every call within it; a statement
    /// is its own transaction, so `transaction()` reads this one too.
    Statement,
    /// The wall clock at the call.
    Realtime,
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
            "duration" => (Duration, 1..=1),
            "duration.between" => (DurationBetween(crate::graph::DurationUnit::Between), 2..=2),
            "duration.inmonths" => (DurationBetween(crate::graph::DurationUnit::Months), 2..=2),
            "duration.indays" => (DurationBetween(crate::graph::DurationUnit::Days), 2..=2),
            "duration.inseconds" => (DurationBetween(crate::graph::DurationUnit::Seconds), 2..=2),
            "datetime.fromepoch" => (FromEpoch, 2..=2),
            "datetime.fromepochmillis" => (FromEpochMillis, 1..=1),
            "exists" => (Exists, 1..=1),
            "fold" => (Fold, 1..=1),
            "isempty" => (IsEmpty, 1..=1),
            namespaced => return Function::temporal_namespaced(namespaced),
        })
    }

    /// `date.truncate`, `localtime.statement` and the other functions a temporal type
    /// names (already lower-cased).
    fn temporal_namespaced(name: &str) -> Option<(Function, std::ops::RangeInclusive<usize>)> {
        use crate::graph::TemporalKind;
        let (type_name, member) = name.split_once('.')?;
        let kind = match type_name {
            "date" => TemporalKind::Date,
            "localtime" => TemporalKind::LocalTime,
            "time" => TemporalKind::Time,
            "localdatetime" => TemporalKind::LocalDateTime,
            "datetime" => TemporalKind::DateTime,
            _ => return None,
        };
        Some(match member {
            "truncate" => (Function::Truncate(kind), 2..=3),
            "statement" | "transaction" => (Function::Clock(kind, Clock::Statement), 0..=1),
            "realtime" => (Function::Clock(kind, Clock::Realtime), 0..=1),
            _ => return None,
        })
    }

    /// True when the function gives a different answer on each call.
    pub fn is_volatile(self) -> bool {
        matches!(self, Function::Rand | Function::Clock(_, Clock::Realtime))
    }
}
