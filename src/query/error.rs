//! Query errors: one typed error per stage, gathered in `QueryError`.
//!
//! Kinds, codes and phases are named as the openCypher TCK names them (`SyntaxError` /
//! `UndefinedVariable` / compile time, `TypeError` / `InvalidArgumentType` / runtime), so
//! scripts and the TCK harness can match on them. Every error keeps the span of the
//! words it is about; `diagnostic::render` draws it. Display is one lowercase line.

use std::fmt;

use super::span::Span;

/// The error classes of the openCypher TCK.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    SyntaxError,
    SemanticError,
    TypeError,
    ArgumentError,
    EntityNotFound,
    ConstraintVerificationFailed,
    /// A procedure is unknown, or failed while running.
    ProcedureError,
    /// A parameter the statement needs was not given.
    ParameterMissing,
    /// Körpü's own: the query was cancelled (Ctrl-C, `--timeout`).
    Cancelled,
    /// Körpü's own: a resource guard stopped the query (too many paths, rows).
    ResourceLimit,
    /// The statement needs a permission this session was not given (writing to a
    /// read-only server).
    Forbidden,
    /// Körpü's own fault: the statement hit a bug (a panic), was undone and stopped.
    Internal,
}

impl ErrorKind {
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::SemanticError => "SemanticError",
            ErrorKind::TypeError => "TypeError",
            ErrorKind::ArgumentError => "ArgumentError",
            ErrorKind::EntityNotFound => "EntityNotFound",
            ErrorKind::ConstraintVerificationFailed => "ConstraintVerificationFailed",
            ErrorKind::ProcedureError => "ProcedureError",
            ErrorKind::ParameterMissing => "ParameterMissing",
            ErrorKind::Cancelled => "Cancelled",
            ErrorKind::ResourceLimit => "ResourceLimit",
            ErrorKind::Forbidden => "Forbidden",
            ErrorKind::Internal => "Internal",
        }
    }
}

/// Declares `ErrorCode` with one variant per code; `as_str` is the variant's own name,
/// so the enum and the strings that JSON output, Bolt and the TCK see cannot drift.
macro_rules! error_codes {
    ($($(#[$meta:meta])* $code:ident,)*) => {
        /// An error's code, named as the openCypher TCK (or, for Körpü's own, plainly).
        ///
        /// Control flow compares variants; only `as_str` (JSON, diagnostics, Bolt, the
        /// TCK harness) turns one into text.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$meta])* $code,)*
        }

        impl ErrorCode {
            /// The code as the TCK writes it: `UndefinedVariable`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$code => stringify!($code),)*
                }
            }
        }
    };
}

error_codes! {
    // Syntax: the parser's.
    UnexpectedSyntax,
    InvalidNumberLiteral,
    InvalidUnicodeLiteral,
    IntegerOverflow,
    FloatingPointOverflow,
    // Semantics: the planner's.
    UndefinedVariable,
    VariableAlreadyBound,
    VariableTypeConflict,
    NoVariablesInScope,
    NoExpressionAlias,
    ColumnNameConflict,
    DifferentColumnsInUnion,
    InvalidClauseComposition,
    InvalidAggregation,
    NestedAggregation,
    AmbiguousAggregationExpression,
    NonConstantExpression,
    InvalidParameterUse,
    InvalidNumberOfArguments,
    InvalidArgumentPassingMode,
    UnknownFunction,
    UnsupportedFeature,
    RequiresDirectedRelationship,
    RelationshipUniquenessViolation,
    NoSingleRelationshipType,
    CreatingVarLength,
    InvalidSetTarget,
    InvalidDelete,
    ProcedureNotFound,
    MissingParameter,
    ParameterMissing,
    // Running: the executor's.
    InvalidArgumentType,
    InvalidArgumentValue,
    InvalidPropertyType,
    MapElementAccessByNonString,
    NumberOutOfRange,
    NegativeIntegerArgument,
    DivisionByZero,
    CreatingWithNull,
    MergeReadOwnWrites,
    InvalidWrite,
    DeletedEntityAccess,
    DeleteConnectedNode,
    WriteWithReadAccess,
    /// A statement that changes the graph, sent to a session that may only read.
    ForbiddenOnReadOnlyDatabase,
    /// A bug stopped the statement (it panicked); what it changed was undone.
    UnknownError,
    /// The commit could not be made durable (the transaction log could not be written).
    TransactionCommitFailed,
    ProcedureCallFailed,
    /// Körpü's own: Ctrl-C or a client's cancel.
    Cancelled,
    /// Körpü's own: the statement ran past its time limit.
    Timeout,
    /// Körpü's own: `range()` would make too many values.
    RangeTooLarge,
    /// Körpü's own: a variable-length pattern walked too many paths.
    PathExplosion,
    // Schema commands and constraints, named as Neo4j names them.
    ConstraintValidationFailed,
    ConstraintCreationFailed,
    EquivalentSchemaRuleAlreadyExists,
    IndexNotFound,
    ConstraintNotFound,
    /// Körpü's own: an index or constraint already has the name.
    SchemaRuleNameTaken,
    /// Körpü's own: a constraint's index is dropped with the constraint.
    IndexOwnedByConstraint,
    /// Körpü's own: FULLTEXT, POINT, VECTOR and LOOKUP indexes.
    UnsupportedIndexKind,
    /// Körpü's own: a constraint that cannot be declared as written.
    InvalidConstraint,
    /// A file `LOAD CSV` names cannot be read (Neo4j's name).
    ExternalResourceFailed,
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When an error is detected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    CompileTime,
    Runtime,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::CompileTime => "compile time",
            Phase::Runtime => "runtime",
        }
    }
}

/// The text could not be parsed. Example: `MATCH (n RETURN n`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub span: Span,
    pub code: ErrorCode,
    pub message: String,
    /// Where an unclosed bracket was opened, for a second label in the snippet.
    pub opened_at: Option<Span>,
}

/// The statement parsed but does not make sense. Example: `RETURN x` (`x` is not defined).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    pub kind: ErrorKind,
    pub code: ErrorCode,
    pub message: String,
    pub span: Span,
}

/// Running the plan failed. Example: `RETURN 1 + 'a'`... at runtime for non-literals,
/// `UNWIND [1, 'a'] AS x RETURN x + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError {
    pub kind: ErrorKind,
    pub code: ErrorCode,
    pub message: String,
    /// The expression that failed, when one did.
    pub span: Option<Span>,
}

impl ExecError {
    pub fn new(kind: ErrorKind, code: ErrorCode, message: impl Into<String>) -> Self {
        ExecError { kind, code, message: message.into(), span: None }
    }

    pub fn type_error(message: impl Into<String>) -> Self {
        ExecError::new(ErrorKind::TypeError, ErrorCode::InvalidArgumentType, message)
    }

    pub fn argument_error(code: ErrorCode, message: impl Into<String>) -> Self {
        ExecError::new(ErrorKind::ArgumentError, code, message)
    }

    /// Reading or changing an element this statement (or its transaction) deleted.
    pub fn deleted_entity(what: &str) -> Self {
        ExecError::new(
            ErrorKind::EntityNotFound,
            ErrorCode::DeletedEntityAccess,
            format!("cannot read or change {what} of an element that was deleted"),
        )
    }

    pub fn cancelled() -> Self {
        ExecError::new(ErrorKind::Cancelled, ErrorCode::Cancelled, "the query was cancelled")
    }

    /// Attaches `span` unless a more precise one is already there.
    pub fn at(mut self, span: Span) -> Self {
        if self.span.is_none() {
            self.span = Some(span);
        }
        self
    }
}

/// Any error from parsing, planning or running a query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum QueryError {
    Parse(ParseError),
    Plan(PlanError),
    Exec(ExecError),
}

impl QueryError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            QueryError::Parse(_) => ErrorKind::SyntaxError,
            QueryError::Plan(error) => error.kind,
            QueryError::Exec(error) => error.kind,
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            QueryError::Parse(error) => error.code,
            QueryError::Plan(error) => error.code,
            QueryError::Exec(error) => error.code,
        }
    }

    pub fn phase(&self) -> Phase {
        match self {
            QueryError::Parse(_) | QueryError::Plan(_) => Phase::CompileTime,
            QueryError::Exec(_) => Phase::Runtime,
        }
    }

    pub fn message(&self) -> &str {
        match self {
            QueryError::Parse(error) => &error.message,
            QueryError::Plan(error) => &error.message,
            QueryError::Exec(error) => &error.message,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            QueryError::Parse(error) => Some(error.span),
            QueryError::Plan(error) => Some(error.span),
            QueryError::Exec(error) => error.span,
        }
    }

    /// Moves the spans by `offset` bytes: a statement's errors, placed in its script.
    /// Places an error the executor could not tie to an expression (a constraint
    /// refusal, a timeout) at `span`, so a script's report still says where.
    pub fn placed_at(mut self, span: Span) -> Self {
        if let QueryError::Exec(error) = &mut self
            && error.span.is_none()
        {
            error.span = Some(span);
        }
        self
    }

    pub fn shifted(mut self, offset: usize) -> Self {
        let shift = |span: &mut Span| {
            span.start += offset;
            span.end += offset;
        };
        match &mut self {
            QueryError::Parse(error) => {
                shift(&mut error.span);
                if let Some(opened) = &mut error.opened_at {
                    shift(opened);
                }
            }
            QueryError::Plan(error) => shift(&mut error.span),
            QueryError::Exec(error) => {
                if let Some(span) = &mut error.span {
                    shift(span);
                }
            }
        }
        self
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for QueryError {}

impl From<ParseError> for QueryError {
    fn from(error: ParseError) -> Self {
        QueryError::Parse(error)
    }
}

impl From<PlanError> for QueryError {
    fn from(error: PlanError) -> Self {
        QueryError::Plan(error)
    }
}

impl From<ExecError> for QueryError {
    fn from(error: ExecError) -> Self {
        QueryError::Exec(error)
    }
}
