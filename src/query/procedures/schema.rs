//! The bodies of `db.indexes` and `db.constraints`: the graph's declared rules as rows,
//! in the columns and words of Neo4j 5's `SHOW INDEXES` and `SHOW CONSTRAINTS`.

use crate::graph::{ConstraintKind, EntityKind, Graph, IndexKind, Value};

pub(super) const INDEXES_SIGNATURE: &str = "db.indexes() :: (id :: INTEGER, name :: STRING, \
     state :: STRING, populationPercent :: FLOAT, type :: STRING, entityType :: STRING, \
     labelsOrTypes :: LIST OF STRING, properties :: LIST OF STRING, indexProvider :: STRING, \
     owningConstraint :: STRING?, createStatement :: STRING)";

pub(super) const CONSTRAINTS_SIGNATURE: &str = "db.constraints() :: (id :: INTEGER, \
     name :: STRING, type :: STRING, entityType :: STRING, labelsOrTypes :: LIST OF STRING, \
     properties :: LIST OF STRING, ownedIndex :: STRING?, propertyType :: STRING?, \
     createStatement :: STRING)";

pub(super) fn indexes(graph: &Graph) -> Vec<Vec<Value>> {
    graph
        .indexes()
        .enumerate()
        .map(|(position, index)| {
            let create = match &index.owner {
                Some(owner) => graph
                    .constraints()
                    .iter()
                    .find(|constraint| &constraint.name == owner)
                    .map(|constraint| create_constraint(graph, constraint)),
                None => None,
            };
            let create = create.unwrap_or_else(|| {
                format!(
                    "CREATE {} INDEX {} FOR {} ON ({})",
                    index.kind.name(),
                    quoted(&index.name),
                    target(index.entity, &index.label),
                    keys(index.entity, &index.properties)
                )
            });
            vec![
                Value::Int(position as i64 + 1),
                index.name.as_str().into(),
                "ONLINE".into(),
                Value::Float(100.0),
                index.kind.name().into(),
                index.entity.name().into(),
                Value::List(vec![index.label.as_str().into()]),
                strings(&index.properties),
                match index.kind {
                    IndexKind::Range => "range-1.0",
                    IndexKind::Text => "text-2.0",
                }
                .into(),
                index.owner.as_deref().map_or(Value::Null, Value::from),
                create.into(),
            ]
        })
        .collect()
}

pub(super) fn constraints(graph: &Graph) -> Vec<Vec<Value>> {
    graph
        .constraints()
        .iter()
        .enumerate()
        .map(|(position, constraint)| {
            let property_type = match &constraint.kind {
                ConstraintKind::Typed(types) => Value::from(
                    types.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | "),
                ),
                _ => Value::Null,
            };
            vec![
                Value::Int(position as i64 + 1),
                constraint.name.as_str().into(),
                constraint.type_name().into(),
                constraint.entity.name().into(),
                Value::List(vec![constraint.label.as_str().into()]),
                strings(&constraint.properties),
                if constraint.owns_index() { constraint.name.as_str().into() } else { Value::Null },
                property_type,
                create_constraint(graph, constraint).into(),
            ]
        })
        .collect()
}

fn create_constraint(_: &Graph, constraint: &crate::graph::ConstraintDefinition) -> String {
    let variable = match constraint.entity {
        EntityKind::Node => "n",
        EntityKind::Relationship => "r",
    };
    let properties: Vec<String> =
        constraint.properties.iter().map(|key| format!("{variable}.{}", quoted(key))).collect();
    let subject = if properties.len() == 1 {
        properties[0].clone()
    } else {
        format!("({})", properties.join(", "))
    };
    let requirement = match (&constraint.kind, constraint.entity) {
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
        quoted(&constraint.name),
        target(constraint.entity, &constraint.label)
    )
}

fn target(entity: EntityKind, label: &str) -> String {
    match entity {
        EntityKind::Node => format!("(n:{})", quoted(label)),
        EntityKind::Relationship => format!("()-[r:{}]-()", quoted(label)),
    }
}

fn keys(entity: EntityKind, properties: &[String]) -> String {
    let variable = if entity == EntityKind::Node { "n" } else { "r" };
    properties
        .iter()
        .map(|key| format!("{variable}.{}", quoted(key)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A name in backticks, a backtick inside doubled.
fn quoted(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|item| item.as_str().into()).collect())
}
