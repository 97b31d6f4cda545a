//! Applying a schema command to the graph, and turning the graph's schema refusals and
//! constraint violations into `ExecError`s with Neo4j's codes.

use super::WriteStats;
use crate::graph::{
    ConstraintDefinition, ConstraintViolation, Graph, IndexDefinition, SchemaError,
};
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::plan::ir::{RuleRef, SchemaChange};

/// Applies `change`, counting what it added or removed.
pub(super) fn apply(
    graph: &mut Graph,
    change: &SchemaChange,
    stats: &mut WriteStats,
) -> Result<(), ExecError> {
    match change {
        SchemaChange::CreateIndex { definition, if_not_exists } => {
            if graph.create_index(definition.clone(), *if_not_exists).map_err(schema_error)? {
                stats.indexes_added += 1;
            }
        }
        SchemaChange::CreateConstraint { definition, if_not_exists } => {
            if graph.create_constraint(definition.clone(), *if_not_exists).map_err(schema_error)? {
                stats.constraints_added += 1;
            }
        }
        SchemaChange::DropIndex { rule, if_exists } => {
            let name = match rule {
                RuleRef::Named(name) => Some(name.clone()),
                RuleRef::Index(wanted) => index_covering(graph, wanted),
                RuleRef::Constraint(_) => None,
            };
            let dropped = match name {
                Some(name) => graph.drop_index(&name, *if_exists).map_err(schema_error)?,
                None if *if_exists => false,
                None => return Err(not_found("index", rule)),
            };
            if dropped {
                stats.indexes_removed += 1;
            }
        }
        SchemaChange::DropConstraint { rule, if_exists } => {
            let name = match rule {
                RuleRef::Named(name) => Some(name.clone()),
                RuleRef::Constraint(wanted) => constraint_declaring(graph, wanted),
                RuleRef::Index(_) => None,
            };
            let dropped = match name {
                Some(name) => graph.drop_constraint(&name, *if_exists).map_err(schema_error)?,
                None if *if_exists => false,
                None => return Err(not_found("constraint", rule)),
            };
            if dropped {
                stats.constraints_removed += 1;
            }
        }
    }
    Ok(())
}

fn index_covering(graph: &Graph, wanted: &IndexDefinition) -> Option<String> {
    graph
        .indexes()
        .find(|index| index.owner.is_none() && index.equivalent(wanted))
        .map(|index| index.name.clone())
}

fn constraint_declaring(graph: &Graph, wanted: &ConstraintDefinition) -> Option<String> {
    graph
        .constraints()
        .iter()
        .find(|constraint| constraint.equivalent(wanted))
        .map(|constraint| constraint.name.clone())
}

fn not_found(what: &str, rule: &RuleRef) -> ExecError {
    let described = match rule {
        RuleRef::Named(name) => format!("`{name}`"),
        RuleRef::Index(index) => index.pattern(),
        RuleRef::Constraint(constraint) => constraint.rule(),
    };
    let code =
        if what == "index" { ErrorCode::IndexNotFound } else { ErrorCode::ConstraintNotFound };
    ExecError::new(ErrorKind::SemanticError, code, format!("there is no {what} {described}"))
}

fn schema_error(error: SchemaError) -> ExecError {
    let code = match &error {
        SchemaError::NameTaken(_) => ErrorCode::SchemaRuleNameTaken,
        SchemaError::EquivalentIndex(_)
        | SchemaError::EquivalentConstraint(_)
        | SchemaError::IndexInTheWay(..) => ErrorCode::EquivalentSchemaRuleAlreadyExists,
        SchemaError::NoSuchIndex(_) => ErrorCode::IndexNotFound,
        SchemaError::NoSuchConstraint(_) => ErrorCode::ConstraintNotFound,
        SchemaError::OwnedIndex(..) => ErrorCode::IndexOwnedByConstraint,
        SchemaError::ExistingViolations { .. } => ErrorCode::ConstraintCreationFailed,
    };
    let mut message = error.to_string();
    if let SchemaError::ExistingViolations { total, violations, .. } = &error
        && *total > violations.len()
    {
        message.push_str(&format!("; and {} more", total - violations.len()));
    }
    ExecError::new(ErrorKind::SemanticError, code, message)
}

/// A write that broke a constraint: the statement is undone.
pub(super) fn violation_error(violation: ConstraintViolation) -> ExecError {
    ExecError::new(
        ErrorKind::ConstraintVerificationFailed,
        ErrorCode::ConstraintValidationFailed,
        format!("{violation}; nothing was written"),
    )
}
