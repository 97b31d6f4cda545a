//! The syntax of schema commands: `CREATE`/`DROP` of indexes and constraints (each a
//! statement of its own) and `SHOW INDEXES`/`SHOW CONSTRAINTS` (a clause that may be
//! followed by `RETURN`). Both Neo4j 5's spelling (`FOR … REQUIRE`, `FOR … ON`) and the
//! older one (`ON … ASSERT`, `ON :Label(key)`) parse; the printer writes the newer.

use super::{Expr, Ident, Span, Yield};

/// `CREATE … INDEX`, `DROP INDEX`, `CREATE CONSTRAINT`, `DROP CONSTRAINT`.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaCommand {
    CreateIndex(CreateIndex),
    DropIndex(DropRule),
    CreateConstraint(CreateConstraint),
    DropConstraint(DropRule),
}

impl SchemaCommand {
    pub fn span(&self) -> Span {
        match self {
            SchemaCommand::CreateIndex(command) => command.span,
            SchemaCommand::CreateConstraint(command) => command.span,
            SchemaCommand::DropIndex(command) | SchemaCommand::DropConstraint(command) => {
                command.span
            }
        }
    }
}

/// What an index or constraint applies to: `(n:Label)` or `()-[r:TYPE]-()`.
#[derive(Clone, Debug, PartialEq)]
pub struct SchemaPattern {
    pub variable: Option<Ident>,
    pub relationship: bool,
    /// The label, or the relationship type.
    pub label: Ident,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexKindName {
    Range,
    Text,
}

/// `CREATE [RANGE | TEXT] INDEX [name] [IF NOT EXISTS] FOR pattern ON (v.key, …)`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateIndex {
    pub kind: Option<IndexKindName>,
    pub name: Option<Ident>,
    pub if_not_exists: bool,
    pub target: SchemaPattern,
    pub properties: Vec<Ident>,
    pub span: Span,
}

/// What a constraint requires of the properties it names.
#[derive(Clone, Debug, PartialEq)]
pub enum Requirement {
    Unique,
    NotNull,
    /// `IS :: TYPE` (or `IS TYPED TYPE`), a union written `A | B`.
    Typed(Vec<TypeName>),
    /// `IS NODE KEY`, `IS RELATIONSHIP KEY`, `IS KEY`.
    Key,
}

/// A property type as written in a type constraint.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeName {
    Boolean,
    String,
    Integer,
    Float,
    Date,
    LocalTime,
    ZonedTime,
    LocalDateTime,
    ZonedDateTime,
    Duration,
    /// `LIST<T NOT NULL>`.
    List(Box<TypeName>),
}

/// `CREATE CONSTRAINT [name] [IF NOT EXISTS] FOR pattern REQUIRE v.key IS …`.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateConstraint {
    pub name: Option<Ident>,
    pub if_not_exists: bool,
    pub target: SchemaPattern,
    pub properties: Vec<Ident>,
    pub requirement: Requirement,
    pub span: Span,
}

/// `DROP INDEX name [IF EXISTS]`, or by what it covers in the older spelling
/// (`DROP INDEX ON :Label(key)`, `DROP CONSTRAINT ON (n:L) ASSERT n.key IS UNIQUE`).
#[derive(Clone, Debug, PartialEq)]
pub struct DropRule {
    pub target: DropTarget,
    pub if_exists: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum DropTarget {
    Named(Ident),
    Index { target: SchemaPattern, properties: Vec<Ident> },
    Constraint { target: SchemaPattern, properties: Vec<Ident>, requirement: Requirement },
}

/// `SHOW [kind] INDEXES | CONSTRAINTS [YIELD …] [WHERE …]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Show {
    pub what: ShowWhat,
    pub yields: Option<Yield>,
    /// `WHERE` straight after the command, without `YIELD`.
    pub where_clause: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShowWhat {
    /// `None`: every kind (`SHOW [ALL] INDEXES`).
    Indexes(Option<IndexKindName>),
    Constraints(ConstraintFilter),
}

/// Which constraints `SHOW … CONSTRAINTS` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstraintFilter {
    /// `NODE` or `RELATIONSHIP`/`REL`; `None` for both.
    pub relationship: Option<bool>,
    pub kind: Option<ConstraintKindName>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConstraintKindName {
    Unique,
    Key,
    Exist,
    PropertyType,
}
