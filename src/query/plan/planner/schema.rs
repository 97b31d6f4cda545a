//! Planning schema commands: `CREATE`/`DROP` of indexes and constraints become a
//! `SchemaChange` (with a generated name when none was given, as Neo4j does), and
//! `SHOW INDEXES`/`SHOW CONSTRAINTS` become a call of `db.indexes`/`db.constraints`
//! with the kinds asked for filtered in.

use crate::graph::{
    ConstraintDefinition, ConstraintKind, EntityKind, IndexDefinition, IndexKind, PropertyType,
    Value, generated_name,
};
use crate::query::plan::ir::ProcedureCall;
use crate::query::syntax::ast;

use super::super::ir::*;
use super::call::{Unyielded, output_position};
use super::*;

/// The columns `SHOW INDEXES` lists without `YIELD` (Neo4j 5's default set).
const INDEX_COLUMNS: &[&str] = &[
    "id",
    "name",
    "state",
    "populationPercent",
    "type",
    "entityType",
    "labelsOrTypes",
    "properties",
    "indexProvider",
    "owningConstraint",
];

/// The columns `SHOW CONSTRAINTS` lists without `YIELD`.
const CONSTRAINT_COLUMNS: &[&str] = &[
    "id",
    "name",
    "type",
    "entityType",
    "labelsOrTypes",
    "properties",
    "ownedIndex",
    "propertyType",
];

impl Planner<'_> {
    pub(super) fn plan_schema_command(
        &mut self,
        command: &ast::SchemaCommand,
    ) -> Result<Write, PlanError> {
        Ok(Write::Schema(match command {
            ast::SchemaCommand::CreateIndex(index) => {
                let kind = match index.kind {
                    Some(ast::IndexKindName::Text) => IndexKind::Text,
                    Some(ast::IndexKindName::Range) | None => IndexKind::Range,
                };
                if kind == IndexKind::Text && index.properties.len() > 1 {
                    return Err(syntax(
                        ErrorCode::UnsupportedIndexKind,
                        "a TEXT index covers one property; create one per property",
                        index.span,
                    ));
                }
                let mut definition = IndexDefinition {
                    name: String::new(),
                    kind,
                    entity: entity(&index.target),
                    label: index.target.label.name.clone(),
                    properties: names(&index.properties),
                    owner: None,
                };
                definition.name = match &index.name {
                    Some(name) => name.name.clone(),
                    None => generated_name(
                        "index",
                        &format!("{} {}", definition.kind.name(), definition.pattern()),
                    ),
                };
                SchemaChange::CreateIndex { definition, if_not_exists: index.if_not_exists }
            }
            ast::SchemaCommand::CreateConstraint(constraint) => {
                let mut definition = constraint_definition(
                    &constraint.target,
                    &constraint.properties,
                    &constraint.requirement,
                    constraint.span,
                )?;
                definition.name = match &constraint.name {
                    Some(name) => name.name.clone(),
                    None => generated_name("constraint", &definition.rule()),
                };
                SchemaChange::CreateConstraint {
                    definition,
                    if_not_exists: constraint.if_not_exists,
                }
            }
            ast::SchemaCommand::DropIndex(drop) => {
                let rule = match &drop.target {
                    ast::DropTarget::Named(name) => RuleRef::Named(name.name.clone()),
                    ast::DropTarget::Index { target, properties } => {
                        RuleRef::Index(IndexDefinition {
                            name: String::new(),
                            kind: IndexKind::Range,
                            entity: entity(target),
                            label: target.label.name.clone(),
                            properties: names(properties),
                            owner: None,
                        })
                    }
                    ast::DropTarget::Constraint { .. } => {
                        unreachable!(
                            "the parser reads constraint definitions only after DROP CONSTRAINT"
                        )
                    }
                };
                SchemaChange::DropIndex { rule, if_exists: drop.if_exists }
            }
            ast::SchemaCommand::DropConstraint(drop) => {
                let rule = match &drop.target {
                    ast::DropTarget::Named(name) => RuleRef::Named(name.name.clone()),
                    ast::DropTarget::Constraint { target, properties, requirement } => {
                        RuleRef::Constraint(constraint_definition(
                            target,
                            properties,
                            requirement,
                            drop.span,
                        )?)
                    }
                    ast::DropTarget::Index { .. } => {
                        unreachable!("the parser reads index definitions only after DROP INDEX")
                    }
                };
                SchemaChange::DropConstraint { rule, if_exists: drop.if_exists }
            }
        }))
    }

    /// Plans `SHOW …` over `input` (the statement's start): the listing procedure's
    /// outputs bound as `YIELD` says (the default columns without it), the kinds asked
    /// for filtered in, then `WHERE`.
    pub(super) fn plan_show(
        &mut self,
        input: Op,
        show: &ast::Show,
        scope: &mut Scope,
    ) -> Result<(Op, Columns), PlanError> {
        let (procedure_name, defaults, allowed_types) = match show.what {
            ast::ShowWhat::Indexes(kind) => (
                "db.indexes",
                INDEX_COLUMNS,
                kind.map(|kind| match kind {
                    ast::IndexKindName::Range => vec!["RANGE"],
                    ast::IndexKindName::Text => vec!["TEXT"],
                }),
            ),
            ast::ShowWhat::Constraints(filter) => {
                ("db.constraints", CONSTRAINT_COLUMNS, constraint_types(filter))
            }
        };
        let procedure = self.procedures.get(procedure_name).cloned().ok_or_else(|| {
            error(
                ErrorKind::ProcedureError,
                ErrorCode::ProcedureNotFound,
                format!("`{procedure_name}` is missing from the procedures this session knows"),
                show.span,
            )
        })?;
        let no_column = |name: &str, span: Span| {
            let known: Vec<&str> =
                procedure.signature.outputs.iter().map(|field| field.name.as_str()).collect();
            syntax(
                ErrorCode::UndefinedVariable,
                format!("SHOW has no column `{name}`; it has {}", known.join(", ")),
                span,
            )
        };
        let (mut yields, columns) = self.plan_yield(
            &procedure,
            show.yields.as_ref(),
            Unyielded::Named(defaults),
            show.span,
            scope,
            no_column,
        )?;
        // The kind filter reads the `type` output, bound to a slot no name reaches.
        let type_slot = match &allowed_types {
            Some(_) => {
                let slot = self.new_slot("  show type");
                let position = output_position(&procedure, "type")
                    .ok_or_else(|| no_column("type", show.span))?;
                yields.push((position, slot));
                Some(slot)
            }
            None => None,
        };
        let mut op =
            Op::Call(ProcedureCall { input: Box::new(input), procedure, args: Vec::new(), yields });
        if let (Some(slot), Some(types)) = (type_slot, allowed_types) {
            let span = show.span;
            let allowed = types.into_iter().map(Value::from).collect();
            op = Op::Filter {
                input: Box::new(op),
                predicate: Expr {
                    kind: ExprKind::Binary(
                        BinaryOp::In,
                        Box::new(Expr { kind: ExprKind::Slot(slot), span }),
                        Box::new(Expr { kind: ExprKind::Constant(Value::List(allowed)), span }),
                    ),
                    span,
                },
            };
        }
        let predicate = show
            .where_clause
            .as_ref()
            .or_else(|| show.yields.as_ref().and_then(|yields| yields.where_clause.as_ref()));
        let op = self.plan_yield_where(op, predicate, scope)?;
        Ok((op, columns))
    }
}

fn entity(target: &ast::SchemaPattern) -> EntityKind {
    if target.relationship { EntityKind::Relationship } else { EntityKind::Node }
}

fn names(keys: &[ast::Ident]) -> Vec<String> {
    keys.iter().map(|key| key.name.clone()).collect()
}

/// A constraint as the syntax declares it, unnamed.
fn constraint_definition(
    target: &ast::SchemaPattern,
    properties: &[ast::Ident],
    requirement: &ast::Requirement,
    span: Span,
) -> Result<ConstraintDefinition, PlanError> {
    let kind = match requirement {
        ast::Requirement::Unique => ConstraintKind::Unique,
        ast::Requirement::Key => ConstraintKind::Key,
        ast::Requirement::NotNull => ConstraintKind::NotNull,
        ast::Requirement::Typed(types) => {
            ConstraintKind::Typed(types.iter().map(property_type).collect())
        }
    };
    if properties.len() > 1 && matches!(kind, ConstraintKind::NotNull | ConstraintKind::Typed(_)) {
        return Err(syntax(
            ErrorCode::InvalidConstraint,
            "IS NOT NULL and IS :: constraints cover one property each; declare one per property",
            span,
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for key in properties {
        if seen.contains(&key.name.as_str()) {
            return Err(syntax(
                ErrorCode::InvalidConstraint,
                format!("`{}` is named twice", key.name),
                key.span,
            ));
        }
        seen.push(&key.name);
    }
    Ok(ConstraintDefinition {
        name: String::new(),
        kind,
        entity: entity(target),
        label: target.label.name.clone(),
        properties: names(properties),
    })
}

fn property_type(name: &ast::TypeName) -> PropertyType {
    match name {
        ast::TypeName::Boolean => PropertyType::Boolean,
        ast::TypeName::String => PropertyType::String,
        ast::TypeName::Integer => PropertyType::Integer,
        ast::TypeName::Float => PropertyType::Float,
        ast::TypeName::Date => PropertyType::Date,
        ast::TypeName::LocalTime => PropertyType::LocalTime,
        ast::TypeName::ZonedTime => PropertyType::ZonedTime,
        ast::TypeName::LocalDateTime => PropertyType::LocalDateTime,
        ast::TypeName::ZonedDateTime => PropertyType::ZonedDateTime,
        ast::TypeName::Duration => PropertyType::Duration,
        ast::TypeName::List(inner) => PropertyType::List(Box::new(property_type(inner))),
    }
}

/// The `type` values `SHOW … CONSTRAINTS` keeps for its filter; `None` keeps all.
fn constraint_types(filter: ast::ConstraintFilter) -> Option<Vec<&'static str>> {
    use ast::ConstraintKindName as Kind;
    if filter.relationship.is_none() && filter.kind.is_none() {
        return None;
    }
    let node = [
        (Kind::Unique, "UNIQUENESS"),
        (Kind::Key, "NODE_KEY"),
        (Kind::Exist, "NODE_PROPERTY_EXISTENCE"),
        (Kind::PropertyType, "NODE_PROPERTY_TYPE"),
    ];
    let relationship = [
        (Kind::Unique, "RELATIONSHIP_UNIQUENESS"),
        (Kind::Key, "RELATIONSHIP_KEY"),
        (Kind::Exist, "RELATIONSHIP_PROPERTY_EXISTENCE"),
        (Kind::PropertyType, "RELATIONSHIP_PROPERTY_TYPE"),
    ];
    let sides: Vec<&[(Kind, &str)]> = match filter.relationship {
        None => vec![&node, &relationship],
        Some(false) => vec![&node],
        Some(true) => vec![&relationship],
    };
    Some(
        sides
            .into_iter()
            .flatten()
            .filter(|(kind, _)| filter.kind.is_none_or(|wanted| wanted == *kind))
            .map(|(_, name)| *name)
            .collect(),
    )
}
