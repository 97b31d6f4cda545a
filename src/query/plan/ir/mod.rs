//! The logical plan: operators over rows of slots, and expressions over those slots.
//!
//! A plan is a list of segments. Each segment is a tree of read operators ending, when
//! the query writes, in one write clause (`writes`); rows flow from one segment to the
//! next, so a read-only query is one streaming segment. Variables were resolved to slot
//! numbers by the planner: the executor never sees a name or the AST.
//! `Display` prints the EXPLAIN tree (`print`).

mod functions;
mod operators;
mod print;
mod tree;
mod writes;

pub use functions::*;
pub use operators::{BinaryOp, Quantifier, UnaryOp};
pub use print::{ExprDisplay, op_children};
pub use tree::PlanNode;
pub use writes::*;

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::graph::{Dir, Symbol, Value};
use crate::query::error::{ErrorCode, ErrorKind, PlanError};
use crate::query::notification::Notification;
use crate::query::procedures::Procedure;
use crate::query::span::Span;

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
                code: ErrorCode::MissingParameter,
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
    /// For each input row, the nodes whose `key` equals `value`, into `slot`: through
    /// the declared index on `label` and `key`, or, without a label, the `name` index.
    NodeIndexSeek {
        input: Box<Op>,
        slot: Slot,
        label: Option<String>,
        key: String,
        value: Expr,
    },
    /// For each input row, the nodes with `label` whose numeric `key` lies between the
    /// bounds, found in the range index. `predicate` is the original filter, used
    /// instead when a bound turns out not to be a number.
    NodeRangeSeek(RangeSeek),
    /// For each input row, the nodes with `label` whose `key` lies within the bounds or
    /// starts with `prefix`, found in the declared index on them; `predicate` (the
    /// original filter) is tested on each.
    NodeIndexScan(IndexScan),
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
    /// `LOAD CSV`: for each input row, every record of a file in the import directory.
    LoadCsv(LoadCsv),
}

/// For each input row, the records of the file `url` names, each a copy of the input row
/// with the record in `slot` (a map by header, or a list) and its position in two hidden
/// slots that `linenumber()` and `file()` read. The file is read through the
/// `ImportDir` the execution `Control` carries, the one place `exec` touches files.
#[derive(Clone, Debug)]
pub struct LoadCsv {
    pub input: Box<Op>,
    pub url: Expr,
    pub with_headers: bool,
    /// One byte: `,` unless `FIELDTERMINATOR` says otherwise.
    pub field_terminator: u8,
    pub slot: Slot,
    /// The line (from 1) where the current record starts.
    pub line_slot: Slot,
    /// The path of the file being read.
    pub file_slot: Slot,
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
pub struct IndexScan {
    pub input: Box<Op>,
    pub slot: Slot,
    pub label: String,
    pub key: PropertyKey,
    pub lower: Option<(Expr, bool)>,
    pub upper: Option<(Expr, bool)>,
    pub prefix: Option<Expr>,
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
    /// Every aggregate, for completion and lookups.
    pub const ALL: [AggregateFunction; 10] = [
        AggregateFunction::Count,
        AggregateFunction::Sum,
        AggregateFunction::Avg,
        AggregateFunction::Min,
        AggregateFunction::Max,
        AggregateFunction::Collect,
        AggregateFunction::StDev,
        AggregateFunction::StDevP,
        AggregateFunction::PercentileDisc,
        AggregateFunction::PercentileCont,
    ];

    /// The aggregate named `name`, whatever its case.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|function| function.name().eq_ignore_ascii_case(name))
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
