//! The catalogue of scalar functions: ONE table (`FUNCTIONS`) gives each function's
//! name as openCypher spells it, the `Function` the plan uses, how many arguments it
//! takes and what it does with a null argument. The planner resolves calls through it,
//! the executor reads the null rule from it, and the shell completes from it, so a
//! function is declared once. The implementations are in `exec::functions` and
//! `exec::temporal`, keyed by `Function`.

use crate::graph::{DurationUnit, TemporalKind};

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
    BTrim,
    Normalize,
    NullIf,
    CharLength,
    Timestamp,
    Cot,
    Degrees,
    Radians,
    Haversin,
    IsNaN,
    ToStringList,
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
    /// `linenumber()`: the line where the current `LOAD CSV` record starts; the planner
    /// gives it the hidden slot that holds it as its one argument (null outside).
    LineNumber,
    /// `file()`: the path of the file `LOAD CSV` is reading, given its hidden slot alike.
    File,
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

/// What a function does when its first argument is null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullRule {
    /// Null in, null out: the implementation never sees a null first argument.
    NullInNullOut,
    /// The implementation decides (`coalesce`, `range`, the temporal constructors…).
    Handled,
}

/// One entry of the catalogue.
#[derive(Clone, Copy, Debug)]
pub struct FunctionSpec {
    /// As openCypher spells it; calls match it whatever their case.
    pub name: &'static str,
    pub function: Function,
    /// Fewest and most arguments.
    pub arity: (usize, usize),
    pub nulls: NullRule,
}

use Function::*;

/// Every scalar function the language has, once.
pub const FUNCTIONS: &[FunctionSpec] = &[
    FunctionSpec { name: "id", function: Id, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "elementId",
        function: ElementId,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "labels",
        function: Labels,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "type", function: Type, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "keys", function: Keys, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "properties",
        function: Properties,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "size", function: Size, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "length",
        function: Length,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "nodes", function: Nodes, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "relationships",
        function: Relationships,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "startNode",
        function: StartNode,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "endNode",
        function: EndNode,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "head", function: Head, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "last", function: Last, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "tail", function: Tail, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "range", function: Range, arity: (2, 3), nulls: NullRule::Handled },
    FunctionSpec {
        name: "coalesce",
        function: Coalesce,
        arity: (1, usize::MAX),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "toString",
        function: ToString,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toInteger",
        function: ToInteger,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toFloat",
        function: ToFloat,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toBoolean",
        function: ToBoolean,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toStringOrNull",
        function: ToStringOrNull,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toIntegerOrNull",
        function: ToIntegerOrNull,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toFloatOrNull",
        function: ToFloatOrNull,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toBooleanOrNull",
        function: ToBooleanOrNull,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toLower",
        function: ToLower,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "toUpper",
        function: ToUpper,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "trim", function: Trim, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "lTrim", function: LTrim, arity: (1, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "rTrim", function: RTrim, arity: (1, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "btrim", function: BTrim, arity: (1, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "nullIf", function: NullIf, arity: (2, 2), nulls: NullRule::Handled },
    FunctionSpec {
        name: "normalize",
        function: Normalize,
        arity: (1, 2),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "char_length",
        function: CharLength,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "character_length",
        function: CharLength,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "timestamp",
        function: Timestamp,
        arity: (0, 0),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "substring",
        function: Substring,
        arity: (2, 3),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "left", function: Left, arity: (2, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "right", function: Right, arity: (2, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "replace",
        function: Replace,
        arity: (3, 3),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "split", function: Split, arity: (2, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "reverse",
        function: Reverse,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "abs", function: Abs, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "ceil", function: Ceil, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "floor", function: Floor, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "round", function: Round, arity: (1, 3), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "sign", function: Sign, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "sqrt", function: Sqrt, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "exp", function: Exp, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "log", function: Log, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "log10", function: Log10, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "sin", function: Sin, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "cos", function: Cos, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "tan", function: Tan, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "asin", function: Asin, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "acos", function: Acos, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "atan", function: Atan, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "atan2", function: Atan2, arity: (2, 2), nulls: NullRule::NullInNullOut },
    FunctionSpec { name: "cot", function: Cot, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "degrees",
        function: Degrees,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "radians",
        function: Radians,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "haversin",
        function: Haversin,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "isNaN", function: IsNaN, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "toStringList",
        function: ToStringList,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    // Neo4j 5's names for toLower and toUpper.
    FunctionSpec {
        name: "lower",
        function: ToLower,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "upper",
        function: ToUpper,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec { name: "pi", function: Pi, arity: (0, 0), nulls: NullRule::Handled },
    FunctionSpec { name: "e", function: E, arity: (0, 0), nulls: NullRule::Handled },
    FunctionSpec { name: "rand", function: Rand, arity: (0, 0), nulls: NullRule::Handled },
    FunctionSpec {
        name: "date",
        function: Temporal(TemporalKind::Date),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localtime",
        function: Temporal(TemporalKind::LocalTime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "time",
        function: Temporal(TemporalKind::Time),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localdatetime",
        function: Temporal(TemporalKind::LocalDateTime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime",
        function: Temporal(TemporalKind::DateTime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec { name: "duration", function: Duration, arity: (1, 1), nulls: NullRule::Handled },
    FunctionSpec {
        name: "duration.between",
        function: DurationBetween(DurationUnit::Between),
        arity: (2, 2),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "duration.inMonths",
        function: DurationBetween(DurationUnit::Months),
        arity: (2, 2),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "duration.inDays",
        function: DurationBetween(DurationUnit::Days),
        arity: (2, 2),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "duration.inSeconds",
        function: DurationBetween(DurationUnit::Seconds),
        arity: (2, 2),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime.fromEpoch",
        function: FromEpoch,
        arity: (2, 2),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime.fromEpochMillis",
        function: FromEpochMillis,
        arity: (1, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec { name: "exists", function: Exists, arity: (1, 1), nulls: NullRule::Handled },
    FunctionSpec { name: "fold", function: Fold, arity: (1, 1), nulls: NullRule::NullInNullOut },
    FunctionSpec {
        name: "isEmpty",
        function: IsEmpty,
        arity: (1, 1),
        nulls: NullRule::NullInNullOut,
    },
    FunctionSpec {
        name: "date.truncate",
        function: Truncate(TemporalKind::Date),
        arity: (2, 3),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "date.statement",
        function: Clock(TemporalKind::Date, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "date.transaction",
        function: Clock(TemporalKind::Date, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "date.realtime",
        function: Clock(TemporalKind::Date, Clock::Realtime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localtime.truncate",
        function: Truncate(TemporalKind::LocalTime),
        arity: (2, 3),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localtime.statement",
        function: Clock(TemporalKind::LocalTime, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localtime.transaction",
        function: Clock(TemporalKind::LocalTime, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localtime.realtime",
        function: Clock(TemporalKind::LocalTime, Clock::Realtime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "time.truncate",
        function: Truncate(TemporalKind::Time),
        arity: (2, 3),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "time.statement",
        function: Clock(TemporalKind::Time, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "time.transaction",
        function: Clock(TemporalKind::Time, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "time.realtime",
        function: Clock(TemporalKind::Time, Clock::Realtime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localdatetime.truncate",
        function: Truncate(TemporalKind::LocalDateTime),
        arity: (2, 3),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localdatetime.statement",
        function: Clock(TemporalKind::LocalDateTime, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localdatetime.transaction",
        function: Clock(TemporalKind::LocalDateTime, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "localdatetime.realtime",
        function: Clock(TemporalKind::LocalDateTime, Clock::Realtime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime.truncate",
        function: Truncate(TemporalKind::DateTime),
        arity: (2, 3),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime.statement",
        function: Clock(TemporalKind::DateTime, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime.transaction",
        function: Clock(TemporalKind::DateTime, Clock::Statement),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "datetime.realtime",
        function: Clock(TemporalKind::DateTime, Clock::Realtime),
        arity: (0, 1),
        nulls: NullRule::Handled,
    },
    FunctionSpec {
        name: "linenumber",
        function: LineNumber,
        arity: (0, 0),
        nulls: NullRule::Handled,
    },
    FunctionSpec { name: "file", function: File, arity: (0, 0), nulls: NullRule::Handled },
];

impl Function {
    /// The function named `name` (case-insensitive) and its accepted argument counts.
    pub fn from_name(name: &str) -> Option<(Function, std::ops::RangeInclusive<usize>)> {
        let spec = FUNCTIONS.iter().find(|spec| spec.name.eq_ignore_ascii_case(name))?;
        Some((spec.function, spec.arity.0..=spec.arity.1))
    }

    /// The catalogue entry of this function (the first, for a function with two names).
    pub fn spec(self) -> Option<&'static FunctionSpec> {
        FUNCTIONS.iter().find(|spec| spec.function == self)
    }

    /// True when the function gives a different answer on each call.
    pub fn is_volatile(self) -> bool {
        matches!(self, Function::Rand | Function::Clock(_, Clock::Realtime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_declared_once() {
        let mut names: Vec<String> =
            FUNCTIONS.iter().map(|spec| spec.name.to_ascii_lowercase()).collect();
        names.sort();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a function name appears twice in FUNCTIONS");
    }

    #[test]
    fn names_resolve_whatever_their_case() {
        assert_eq!(
            Function::from_name("TOLOWER").map(|(function, _)| function),
            Some(Function::ToLower)
        );
        assert_eq!(
            Function::from_name("Date.Truncate").map(|(function, _)| function),
            Some(Function::Truncate(TemporalKind::Date))
        );
        assert!(Function::from_name("nosuchfunction").is_none());
    }
}
