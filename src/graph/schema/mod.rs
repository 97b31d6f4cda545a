//! The graph's schema: the indexes and constraints declared on it (`CREATE INDEX`,
//! `CREATE CONSTRAINT`, or `schema.json`), the physical indexes behind them, and the
//! checks that keep the data within the constraints.
//!
//! A uniqueness or key constraint owns an index of the same name, so finding a
//! duplicate is one lookup. Creating, dropping and every index change go through the
//! journal like any other change, so a rolled-back statement or transaction takes its
//! schema changes with it. Constraints are checked by `check_constraints_since` over
//! the elements a statement touched; the executor calls it before it keeps the
//! statement, so a violation undoes the whole statement.

mod declare;
mod upkeep;
mod violations;

use std::fmt;

use super::property_index::PropertyIndex;
use super::{EdgeId, FastSet, NodeId, Symbol, Value};

/// What a schema rule applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntityKind {
    Node,
    Relationship,
}

impl EntityKind {
    /// `NODE` or `RELATIONSHIP`, as `SHOW` lists it.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Node => "NODE",
            EntityKind::Relationship => "RELATIONSHIP",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexKind {
    /// Every value, ordered: equality, ranges and prefixes.
    Range,
    /// String values only: equality and prefixes.
    Text,
}

impl IndexKind {
    pub fn name(self) -> &'static str {
        match self {
            IndexKind::Range => "RANGE",
            IndexKind::Text => "TEXT",
        }
    }
}

/// A property type a type constraint may require (Neo4j's names).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyType {
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
    List(Box<PropertyType>),
}

impl PropertyType {
    /// True when `value` (not null) is of this type.
    pub fn admits(&self, value: &Value) -> bool {
        use super::TemporalKind as Kind;
        match (self, value) {
            (PropertyType::Boolean, Value::Bool(_))
            | (PropertyType::String, Value::String(_))
            | (PropertyType::Integer, Value::Int(_))
            | (PropertyType::Float, Value::Float(_))
            | (PropertyType::Duration, Value::Duration { .. }) => true,
            (PropertyType::Date, Value::Temporal(time)) => time.kind() == Kind::Date,
            (PropertyType::LocalTime, Value::Temporal(time)) => time.kind() == Kind::LocalTime,
            (PropertyType::ZonedTime, Value::Temporal(time)) => time.kind() == Kind::Time,
            (PropertyType::LocalDateTime, Value::Temporal(time)) => {
                time.kind() == Kind::LocalDateTime
            }
            (PropertyType::ZonedDateTime, Value::Temporal(time)) => time.kind() == Kind::DateTime,
            (PropertyType::List(inner), Value::List(items)) => {
                items.iter().all(|item| !item.is_null() && inner.admits(item))
            }
            _ => false,
        }
    }
}

impl PropertyType {
    /// Reads a type as `Display` writes it (`INTEGER`, `LOCAL DATETIME`,
    /// `LIST<STRING NOT NULL>`), case and spacing aside.
    pub fn parse(text: &str) -> Option<PropertyType> {
        let words: Vec<String> = text.split_whitespace().map(str::to_ascii_uppercase).collect();
        let joined = words.join(" ");
        if let Some(inner) = joined.strip_prefix("LIST<").and_then(|rest| rest.strip_suffix(">")) {
            let inner = inner.trim().strip_suffix("NOT NULL")?;
            return Some(PropertyType::List(Box::new(PropertyType::parse(inner)?)));
        }
        Some(match joined.as_str() {
            "BOOLEAN" => PropertyType::Boolean,
            "STRING" => PropertyType::String,
            "INTEGER" => PropertyType::Integer,
            "FLOAT" => PropertyType::Float,
            "DATE" => PropertyType::Date,
            "LOCAL TIME" => PropertyType::LocalTime,
            "ZONED TIME" => PropertyType::ZonedTime,
            "LOCAL DATETIME" => PropertyType::LocalDateTime,
            "ZONED DATETIME" => PropertyType::ZonedDateTime,
            "DURATION" => PropertyType::Duration,
            _ => return None,
        })
    }
}

impl fmt::Display for PropertyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            PropertyType::Boolean => "BOOLEAN",
            PropertyType::String => "STRING",
            PropertyType::Integer => "INTEGER",
            PropertyType::Float => "FLOAT",
            PropertyType::Date => "DATE",
            PropertyType::LocalTime => "LOCAL TIME",
            PropertyType::ZonedTime => "ZONED TIME",
            PropertyType::LocalDateTime => "LOCAL DATETIME",
            PropertyType::ZonedDateTime => "ZONED DATETIME",
            PropertyType::Duration => "DURATION",
            PropertyType::List(inner) => return write!(f, "LIST<{inner} NOT NULL>"),
        };
        f.write_str(name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConstraintKind {
    /// No two elements share the values of the properties (elements lacking one are
    /// not compared).
    Unique,
    /// Every element has the property.
    NotNull,
    /// The property, when present, has one of these types.
    Typed(Vec<PropertyType>),
    /// Every element has the properties, and no two share their values.
    Key,
}

/// An index as declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexDefinition {
    pub name: String,
    pub kind: IndexKind,
    pub entity: EntityKind,
    /// The label, or the relationship type.
    pub label: String,
    pub properties: Vec<String>,
    /// The constraint this index serves, which owns it.
    pub owner: Option<String>,
}

impl IndexDefinition {
    /// Same kind of index over the same label (or type) and properties.
    pub fn equivalent(&self, other: &IndexDefinition) -> bool {
        self.kind == other.kind
            && self.entity == other.entity
            && self.label == other.label
            && self.properties == other.properties
    }

    /// The pattern the index covers: `(:Person {name})` or `()-[:KNOWS {since}]-()`.
    pub fn pattern(&self) -> String {
        pattern(self.entity, &self.label, &self.properties)
    }
}

impl IndexDefinition {
    /// The Neo4j 5 statement that declares it (`SHOW INDEXES`' `createStatement`).
    pub fn create_statement(&self) -> String {
        let variable = variable_of(self.entity);
        let keys: Vec<String> =
            self.properties.iter().map(|key| format!("{variable}.{}", quoted(key))).collect();
        format!(
            "CREATE {} INDEX {} FOR {} ON ({})",
            self.kind.name(),
            quoted(&self.name),
            target(self.entity, &self.label),
            keys.join(", ")
        )
    }
}

/// A constraint as declared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintDefinition {
    pub name: String,
    pub kind: ConstraintKind,
    pub entity: EntityKind,
    pub label: String,
    pub properties: Vec<String>,
}

impl ConstraintDefinition {
    pub fn equivalent(&self, other: &ConstraintDefinition) -> bool {
        self.kind == other.kind
            && self.entity == other.entity
            && self.label == other.label
            && self.properties == other.properties
    }

    /// Neo4j's name for the kind: `UNIQUENESS`, `NODE_KEY`, `NODE_PROPERTY_EXISTENCE`…
    pub fn type_name(&self) -> &'static str {
        match (self.entity, &self.kind) {
            (EntityKind::Node, ConstraintKind::Unique) => "UNIQUENESS",
            (EntityKind::Relationship, ConstraintKind::Unique) => "RELATIONSHIP_UNIQUENESS",
            (EntityKind::Node, ConstraintKind::NotNull) => "NODE_PROPERTY_EXISTENCE",
            (EntityKind::Relationship, ConstraintKind::NotNull) => {
                "RELATIONSHIP_PROPERTY_EXISTENCE"
            }
            (EntityKind::Node, ConstraintKind::Typed(_)) => "NODE_PROPERTY_TYPE",
            (EntityKind::Relationship, ConstraintKind::Typed(_)) => "RELATIONSHIP_PROPERTY_TYPE",
            (EntityKind::Node, ConstraintKind::Key) => "NODE_KEY",
            (EntityKind::Relationship, ConstraintKind::Key) => "RELATIONSHIP_KEY",
        }
    }

    /// The Neo4j 5 statement that declares it (`SHOW CONSTRAINTS`' `createStatement`).
    pub fn create_statement(&self) -> String {
        let variable = variable_of(self.entity);
        let properties: Vec<String> =
            self.properties.iter().map(|key| format!("{variable}.{}", quoted(key))).collect();
        let subject = match properties.as_slice() {
            [one] => one.clone(),
            many => format!("({})", many.join(", ")),
        };
        let requirement = match (&self.kind, self.entity) {
            (ConstraintKind::Unique, _) => "IS UNIQUE".to_owned(),
            (ConstraintKind::NotNull, _) => "IS NOT NULL".to_owned(),
            (ConstraintKind::Key, EntityKind::Node) => "IS NODE KEY".to_owned(),
            (ConstraintKind::Key, EntityKind::Relationship) => "IS RELATIONSHIP KEY".to_owned(),
            (ConstraintKind::Typed(types), _) => format!(
                "IS :: {}",
                types.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | ")
            ),
        };
        format!(
            "CREATE CONSTRAINT {} FOR {} REQUIRE {subject} {requirement}",
            quoted(&self.name),
            target(self.entity, &self.label)
        )
    }

    /// True when the constraint needs an index to find duplicates.
    pub fn owns_index(&self) -> bool {
        matches!(self.kind, ConstraintKind::Unique | ConstraintKind::Key)
    }

    /// The rule in words close to its Cypher: `(:Person {name}) IS UNIQUE`.
    pub fn rule(&self) -> String {
        let pattern = pattern(self.entity, &self.label, &self.properties);
        match &self.kind {
            ConstraintKind::Unique => format!("{pattern} IS UNIQUE"),
            ConstraintKind::NotNull => format!("{pattern} IS NOT NULL"),
            ConstraintKind::Key => match self.entity {
                EntityKind::Node => format!("{pattern} IS NODE KEY"),
                EntityKind::Relationship => format!("{pattern} IS RELATIONSHIP KEY"),
            },
            ConstraintKind::Typed(types) => {
                let types: Vec<String> = types.iter().map(ToString::to_string).collect();
                format!("{pattern} IS :: {}", types.join(" | "))
            }
        }
    }
}

fn variable_of(entity: EntityKind) -> &'static str {
    match entity {
        EntityKind::Node => "n",
        EntityKind::Relationship => "r",
    }
}

fn target(entity: EntityKind, label: &str) -> String {
    match entity {
        EntityKind::Node => format!("(n:{})", quoted(label)),
        EntityKind::Relationship => format!("()-[r:{}]-()", quoted(label)),
    }
}

/// A name in backticks, a backtick inside doubled: valid Cypher whatever the name.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn pattern(entity: EntityKind, label: &str, properties: &[String]) -> String {
    let keys = properties.join(", ");
    match entity {
        EntityKind::Node => format!("(:{label} {{{keys}}})"),
        EntityKind::Relationship => format!("()-[:{label} {{{keys}}}]-()"),
    }
}

/// A name for a rule declared without one: a short hash of what it says, so the same
/// declaration gets the same name on every machine (Neo4j names them alike).
pub fn generated_name(prefix: &str, description: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in description.bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("{prefix}_{hash:08x}")
}

/// Why a schema command was refused.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SchemaError {
    #[error("an index or constraint named `{0}` already exists")]
    NameTaken(String),
    #[error("an equivalent index already exists: `{0}`")]
    EquivalentIndex(String),
    #[error("an equivalent constraint already exists: `{0}`")]
    EquivalentConstraint(String),
    #[error(
        "the index `{0}` already covers {1}; drop it before creating a constraint that needs its own index there"
    )]
    IndexInTheWay(String, String),
    #[error("there is no index named `{0}`")]
    NoSuchIndex(String),
    #[error("there is no constraint named `{0}`")]
    NoSuchConstraint(String),
    #[error("the index `{0}` belongs to the constraint `{1}`; drop the constraint instead")]
    OwnedIndex(String, String),
    #[error("cannot create constraint `{name}`: the data already breaks it: {}", list(.violations))]
    ExistingViolations { name: String, violations: Vec<ConstraintViolation>, total: usize },
}

fn list(violations: &[ConstraintViolation]) -> String {
    violations.iter().map(|violation| violation.detail.as_str()).collect::<Vec<_>>().join("; ")
}

/// One element that breaks one constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct ConstraintViolation {
    pub constraint: String,
    pub rule: String,
    /// What is wrong, naming the element, the key and the value.
    pub detail: String,
    /// The same in Neo4j's words (`Node(x) already exists with label `L` and property
    /// `p` = 'v'`), which drivers' users and tools parse; printed first.
    pub neo4j: String,
}

impl fmt::Display for ConstraintViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: constraint `{}` ({}) refused the change: {}",
            self.neo4j, self.constraint, self.rule, self.detail
        )
    }
}

impl std::error::Error for ConstraintViolation {}

/// A declared index with the physical index behind it.
#[derive(Clone, Debug)]
pub(super) struct DeclaredIndex {
    pub(super) definition: IndexDefinition,
    pub(super) physical: Physical,
}

#[derive(Clone, Debug)]
pub(super) enum Physical {
    Nodes(PropertyIndex<NodeId>),
    Edges(PropertyIndex<EdgeId>),
}

/// The rules declared on a graph, in the order they were declared.
#[derive(Clone, Debug, Default)]
pub(super) struct Schema {
    pub(super) indexes: Vec<DeclaredIndex>,
    pub(super) constraints: Vec<ConstraintDefinition>,
    /// Bumped by every change to `indexes` (see `Graph::schema_generation`).
    pub(super) generation: u64,
}

/// How many offenders a refused `CREATE CONSTRAINT` lists.
pub(super) const LISTED_VIOLATIONS: usize = 10;

/// A value as a message shows it, close to its Cypher literal.
pub(super) fn shown(value: &Value) -> String {
    match value {
        Value::String(text) => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::Int(number) => number.to_string(),
        Value::Float(number) => format!("{number:?}"),
        Value::Bool(flag) => flag.to_string(),
        Value::Temporal(time) => format!("{}('{time}')", time.type_name().to_lowercase()),
        Value::List(items) => {
            format!("[{}]", items.iter().map(shown).collect::<Vec<_>>().join(", "))
        }
        other => other.type_name().to_owned(),
    }
}

pub(super) fn column_value(columns: &[Vec<Value>], node: NodeId, key: Symbol) -> Option<&Value> {
    match columns.get(key.0 as usize)?.get(node.0 as usize)? {
        Value::Null => None,
        value => Some(value),
    }
}

/// Elements touched by a statement, for the constraint check.
#[derive(Default)]
pub(super) struct Touched {
    pub(super) nodes: FastSet<NodeId>,
    pub(super) edges: FastSet<EdgeId>,
    /// The nodes among them that the statement created, which messages call new.
    pub(super) created: FastSet<NodeId>,
}
