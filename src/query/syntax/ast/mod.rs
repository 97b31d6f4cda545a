//! The syntax tree of one openCypher statement, every node spanned.
//!
//! Names follow the openCypher grammar. `Display` prints canonical Cypher (upper-case
//! keywords, minimal parentheses, single-quoted strings) that parses back to an equal
//! tree, spans aside; the parser's golden tests and round-trip property test rely on it.
//! Knows nothing of the graph or of how a statement runs. The types are here; their
//! printer is `print`.

mod print;
mod schema;

pub use print::write_name;
pub use schema::*;

use crate::query::span::Span;

/// What the user asked to do with a query.
#[derive(Clone, Debug, PartialEq)]
pub enum StatementKind {
    /// Run it.
    Run,
    /// `EXPLAIN …`: show the plan without running.
    Explain,
    /// `PROFILE …`: run and show the plan with rows and time per operator.
    Profile,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub query: Query,
    pub span: Span,
}

/// `single (UNION [ALL] single)*`.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub first: SingleQuery,
    pub unions: Vec<(UnionKind, SingleQuery)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnionKind {
    Distinct,
    All,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SingleQuery {
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Clause {
    Match(Match),
    Unwind(Unwind),
    With(Projection),
    Return(Projection),
    Create(Create),
    Merge(Merge),
    /// `SET …` (items of several kinds, applied left to right).
    Set(SetClause),
    Remove(Remove),
    Delete(Delete),
    /// `CALL name(args) [YIELD …]`.
    Call(Call),
    /// `SHOW INDEXES`, `SHOW CONSTRAINTS`.
    Show(Show),
    /// `CREATE INDEX`, `DROP CONSTRAINT`…: a statement of its own.
    Schema(SchemaCommand),
    /// `LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR ';']`.
    LoadCsv(LoadCsv),
}

impl Clause {
    pub fn span(&self) -> Span {
        match self {
            Clause::Match(clause) => clause.span,
            Clause::Unwind(clause) => clause.span,
            Clause::With(clause) | Clause::Return(clause) => clause.span,
            Clause::Create(clause) => clause.span,
            Clause::Merge(clause) => clause.span,
            Clause::Set(clause) => clause.span,
            Clause::Remove(clause) => clause.span,
            Clause::Delete(clause) => clause.span,
            Clause::Call(clause) => clause.span,
            Clause::Show(clause) => clause.span,
            Clause::Schema(command) => command.span(),
            Clause::LoadCsv(clause) => clause.span,
        }
    }

    /// True for the clauses that change the graph (the planner checks how a query ends;
    /// a statement's kind is decided from its plan, in `query::prepared`).
    pub fn writes(&self) -> bool {
        matches!(
            self,
            Clause::Create(_)
                | Clause::Merge(_)
                | Clause::Set(_)
                | Clause::Remove(_)
                | Clause::Delete(_)
                | Clause::Schema(_)
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Match {
    pub optional: Optionality,
    pub pattern: Vec<PatternPart>,
    pub where_clause: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Optionality {
    Required,
    Optional,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Unwind {
    pub expr: Expr,
    pub variable: Ident,
    pub span: Span,
}

/// `LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR ';']`: each record of a
/// file in the import directory, as a map by header (`WITH HEADERS`) or a list.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadCsv {
    pub with_headers: bool,
    /// Any expression giving the file's URL or path (`'file:///x.csv'`, `$file`).
    pub url: Expr,
    pub variable: Ident,
    /// As written; the planner checks it is a one-character string.
    pub field_terminator: Option<Expr>,
    pub span: Span,
}

/// `CALL name(args) [YIELD item, … [WHERE …]]` (or `YIELD *`).
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// The dotted name as written, `db.labels`.
    pub name: Ident,
    /// `None` when the call has no parentheses: a standalone call then takes its
    /// arguments from the parameters named like its inputs.
    pub args: Option<Vec<Expr>>,
    pub yields: Option<Yield>,
    pub span: Span,
}

/// What `YIELD` binds.
#[derive(Clone, Debug, PartialEq)]
pub struct Yield {
    /// `YIELD *`: every output, under its own name (standalone calls only).
    pub star: bool,
    pub items: Vec<YieldItem>,
    pub where_clause: Option<Expr>,
    pub span: Span,
}

/// `output [AS variable]`.
#[derive(Clone, Debug, PartialEq)]
pub struct YieldItem {
    pub output: Ident,
    pub alias: Option<Ident>,
}

impl YieldItem {
    /// The variable the output is bound to.
    pub fn variable(&self) -> &Ident {
        self.alias.as_ref().unwrap_or(&self.output)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Create {
    pub pattern: Vec<PatternPart>,
    pub span: Span,
}

/// `MERGE pattern [ON CREATE SET …] [ON MATCH SET …]`: match the whole pattern, or
/// create it when it does not exist.
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    pub pattern: PatternPart,
    pub on_create: Vec<SetItem>,
    pub on_match: Vec<SetItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SetClause {
    pub items: Vec<SetItem>,
    pub span: Span,
}

/// One item of `SET` (and of `ON CREATE SET` / `ON MATCH SET`).
#[derive(Clone, Debug, PartialEq)]
pub enum SetItem {
    /// `subject.key = value`
    Property { subject: Expr, key: Ident, value: Expr, span: Span },
    /// `n = map`: every property replaced.
    AllProperties { variable: Ident, value: Expr, span: Span },
    /// `n += map`: properties added or overwritten, the rest kept.
    AddProperties { variable: Ident, value: Expr, span: Span },
    /// `n:Label:Other`
    Labels { variable: Ident, labels: Vec<Ident>, span: Span },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Remove {
    pub items: Vec<RemoveItem>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RemoveItem {
    /// `subject.key`
    Property { subject: Expr, key: Ident, span: Span },
    /// `n:Label:Other`
    Labels { variable: Ident, labels: Vec<Ident>, span: Span },
}

/// `[DETACH] DELETE expr, …`
#[derive(Clone, Debug, PartialEq)]
pub struct Delete {
    pub detach: bool,
    pub exprs: Vec<Expr>,
    pub span: Span,
}

/// The body of `WITH` and `RETURN`.
#[derive(Clone, Debug, PartialEq)]
pub struct Projection {
    pub distinct: bool,
    /// `*` leads the list: every variable in scope is projected first.
    pub star: bool,
    pub items: Vec<ProjectionItem>,
    pub order_by: Vec<SortItem>,
    pub skip: Option<Expr>,
    pub limit: Option<Expr>,
    /// Only `WITH … WHERE`.
    pub where_clause: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProjectionItem {
    pub expr: Expr,
    pub alias: Option<Ident>,
    pub span: Span,
}

impl ProjectionItem {
    /// The column name: the alias, or the expression's text as written.
    pub fn column_name(&self, source: &str) -> String {
        if let Some(alias) = &self.alias {
            return alias.name.clone();
        }
        // As Neo4j: a map projection's column is its variable (`keanu`, not the text
        // `keanu{.name, movies: movies}`).
        if let ExprKind::MapProjection(subject, _) = &self.expr.kind
            && let ExprKind::Variable(name) = &subject.kind
        {
            return name.clone();
        }
        source
            .get(self.expr.span.start..self.expr.span.end)
            .map_or_else(|| self.expr.to_string(), str::to_owned)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SortItem {
    pub expr: Expr,
    pub direction: SortDirection,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDirection {
    Ascending,
    Descending,
}

/// A name as written (backticks removed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// `[p =] [shortestPath|allShortestPaths](element)`.
#[derive(Clone, Debug, PartialEq)]
pub struct PatternPart {
    pub variable: Option<Ident>,
    pub selector: PathSelector,
    pub element: PatternElement,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathSelector {
    All,
    ShortestPath,
    AllShortestPaths,
}

/// `(a)-[r]->(b)<-[s]-(c)…`
#[derive(Clone, Debug, PartialEq)]
pub struct PatternElement {
    pub start: NodePattern,
    pub chain: Vec<(RelPattern, NodePattern)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodePattern {
    pub variable: Option<Ident>,
    pub labels: Vec<Ident>,
    pub properties: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RelPattern {
    pub variable: Option<Ident>,
    pub types: Vec<Ident>,
    pub direction: RelDirection,
    pub length: Option<LengthRange>,
    pub properties: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelDirection {
    /// `-[]->`
    Outgoing,
    /// `<-[]-`
    Incoming,
    /// `-[]-` (or `<-[]->`, which means the same)
    Either,
}

/// `*min..max` of a variable-length relationship; `None` bounds are open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LengthRange {
    pub min: Option<u64>,
    pub max: Option<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Parameter(String),
    Variable(String),
    Property(Box<Expr>, Ident),
    List(Vec<Expr>),
    Map(Vec<(Ident, Expr)>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `a < b <= c`: every neighbouring pair compared, all must hold.
    Comparison(Box<Expr>, Vec<(BinaryOp, Expr)>),
    IsNull(Box<Expr>, Negation),
    /// `expr:Label:Other`
    HasLabels(Box<Expr>, Vec<Ident>),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    FunctionCall(FunctionCall),
    /// `count(*)`
    CountStar,
    Case(Case),
    ListComprehension(Box<ListComprehension>),
    Quantifier(Quantifier, Box<ListComprehension>),
    /// `(a)-[:T]->(b)` used as a boolean: does such a path exist?
    PatternPredicate(Box<PatternElement>),
    /// `EXISTS { MATCH … [WHERE …] }` or `EXISTS { pattern [WHERE …] }`.
    Exists(Box<ExistsSubquery>),
    MapProjection(Box<Expr>, Vec<MapProjectionItem>),
    /// `reduce(acc = init, x IN list | expr)`
    Reduce(Box<Reduce>),
    /// `[p = (a)-->(b) WHERE pred | expr]`: one value per match of the pattern.
    PatternComprehension(Box<PatternComprehension>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct PatternComprehension {
    pub variable: Option<Ident>,
    pub element: PatternElement,
    pub filter: Option<Expr>,
    pub map: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Integer(i64),
    Float(f64),
    String(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Negation {
    Is,
    IsNot,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Minus,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    Xor,
    And,
    Eq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
    In,
    StartsWith,
    EndsWith,
    Contains,
    RegexMatch,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    Power,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Or => "OR",
            BinaryOp::Xor => "XOR",
            BinaryOp::And => "AND",
            BinaryOp::Eq => "=",
            BinaryOp::NotEq => "<>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::In => "IN",
            BinaryOp::StartsWith => "STARTS WITH",
            BinaryOp::EndsWith => "ENDS WITH",
            BinaryOp::Contains => "CONTAINS",
            BinaryOp::RegexMatch => "=~",
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Power => "^",
        }
    }

    /// Binding strength; higher binds tighter. Printing uses it to place parentheses.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Or => 1,
            BinaryOp::Xor => 2,
            BinaryOp::And => 3,
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::Gt
            | BinaryOp::Le
            | BinaryOp::Ge => 5,
            BinaryOp::In
            | BinaryOp::StartsWith
            | BinaryOp::EndsWith
            | BinaryOp::Contains
            | BinaryOp::RegexMatch => 6,
            BinaryOp::Add | BinaryOp::Subtract => 7,
            BinaryOp::Multiply | BinaryOp::Divide | BinaryOp::Modulo => 8,
            BinaryOp::Power => 9,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FunctionCall {
    /// The name as written, namespace included (`toLower`, `a.b.f`).
    pub name: Ident,
    pub distinct: bool,
    pub args: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub operand: Option<Box<Expr>>,
    pub branches: Vec<(Expr, Expr)>,
    pub otherwise: Option<Box<Expr>>,
}

/// `[x IN list WHERE pred | expr]`; quantifiers use the same shape without `| expr`.
#[derive(Clone, Debug, PartialEq)]
pub struct ListComprehension {
    pub variable: Ident,
    pub list: Expr,
    pub filter: Option<Expr>,
    pub map: Option<Expr>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quantifier {
    All,
    Any,
    None,
    Single,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExistsSubquery {
    pub pattern: Vec<PatternPart>,
    pub where_clause: Option<Expr>,
    /// `EXISTS { MATCH … RETURN … }`: the full form's `RETURN`, which matters only when
    /// it changes whether a row comes out (an aggregation, `LIMIT 0`).
    pub returns: Option<Projection>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum MapProjectionItem {
    /// `.key`
    Property(Ident),
    /// `.*`
    AllProperties,
    /// `key: expr`
    Literal(Ident, Expr),
    /// `variable`
    Variable(Ident),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Reduce {
    pub accumulator: Ident,
    pub init: Expr,
    pub variable: Ident,
    pub list: Expr,
    pub expr: Expr,
}
