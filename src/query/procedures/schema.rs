//! The bodies of `db.indexes` and `db.constraints`: the graph's declared rules as rows,
//! in the columns and words of Neo4j 5's `SHOW INDEXES` and `SHOW CONSTRAINTS`.

use crate::graph::{ConstraintKind, Graph, IndexKind, Value};

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
                    .map(|constraint| constraint.create_statement()),
                None => None,
            };
            let create = create.unwrap_or_else(|| index.create_statement());
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
                constraint.create_statement().into(),
            ]
        })
        .collect()
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|item| item.as_str().into()).collect())
}
