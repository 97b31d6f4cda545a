//! What a segment writes, per incoming row: `CREATE`, `MERGE`, `SET`/`REMOVE` and
//! `DELETE`, with every name resolved to a slot and every value an expression.

use super::{Expr, Op, PathStep, Slot};
use crate::graph::{ConstraintDefinition, IndexDefinition};

/// The write clause that ends a segment.
#[derive(Clone, Debug)]
pub enum Write {
    Create(CreateSpec),
    Merge(Box<MergeSpec>),
    /// `SET` and `REMOVE`: the actions applied to each row, left to right.
    Update(Vec<UpdateAction>),
    /// `[DETACH] DELETE`: every element the targets name, over all rows.
    Delete {
        detach: Detach,
        targets: Vec<Expr>,
    },
    /// `CREATE`/`DROP` of an index or constraint (a statement of its own, one row).
    Schema(SchemaChange),
}

/// A schema command, with every name resolved and defaults filled in.
#[derive(Clone, Debug)]
pub enum SchemaChange {
    CreateIndex { definition: IndexDefinition, if_not_exists: bool },
    CreateConstraint { definition: ConstraintDefinition, if_not_exists: bool },
    DropIndex { rule: RuleRef, if_exists: bool },
    DropConstraint { rule: RuleRef, if_exists: bool },
}

/// Which index or constraint a `DROP` means: by name, or (older spelling) by what it
/// covers, with an empty name.
#[derive(Clone, Debug)]
pub enum RuleRef {
    Named(String),
    Index(IndexDefinition),
    Constraint(ConstraintDefinition),
}

/// Whether `DELETE` takes a node's relationships with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detach {
    /// Plain `DELETE`: a node that still has relationships is an error.
    Keep,
    /// `DETACH DELETE`.
    Detach,
}

/// `MERGE`: per row, the rows `matcher` finds (each then gets `on_match`), or, when it
/// finds none, what `create` makes (which then gets `on_create`).
#[derive(Clone, Debug)]
pub struct MergeSpec {
    pub matcher: Op,
    pub create: CreateSpec,
    pub on_create: Vec<UpdateAction>,
    pub on_match: Vec<UpdateAction>,
}

/// One change `SET` or `REMOVE` makes to the element `subject` evaluates to (a null
/// subject is skipped).
#[derive(Clone, Debug)]
pub enum UpdateAction {
    /// `subject.key = value` (a null value removes the property).
    SetProperty {
        subject: Expr,
        key: String,
        value: Expr,
    },
    /// `subject = map` (`Replace`) or `subject += map` (`Add`).
    SetProperties {
        subject: Expr,
        value: Expr,
        mode: PropertiesMode,
    },
    AddLabels {
        subject: Expr,
        labels: Vec<String>,
    },
    RemoveProperty {
        subject: Expr,
        key: String,
    },
    RemoveLabels {
        subject: Expr,
        labels: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertiesMode {
    /// `=`: the map becomes the element's properties.
    Replace,
    /// `+=`: the map's entries are set, the other properties kept.
    Add,
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
