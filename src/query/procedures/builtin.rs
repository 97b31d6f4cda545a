//! The built-in procedures: the one table of them, each a signature and a body.

use super::Procedure;
use crate::graph::Value;

/// How many nodes `korpu.find` yields at most, best first.
const FIND_LIMIT: usize = 100;

/// Every built-in procedure. A unit test checks each signature parses, so the
/// `expect`s below cannot fire at run time.
/// The Neo4j version whose Cypher Körpü speaks, as `dbms.components()` and the Bolt
/// server's agent string report it.
pub const NEO4J_VERSION: &str = "5.26.0";

pub(super) fn procedures() -> Vec<Procedure> {
    vec![
        Procedure::new("db.labels() :: (label :: STRING)", |_, graph| {
            Ok(graph.label_counts().into_iter().map(|(label, _)| vec![label.into()]).collect())
        }),
        Procedure::new("db.relationshipTypes() :: (relationshipType :: STRING)", |_, graph| {
            Ok(graph.rel_type_counts().into_iter().map(|(name, _)| vec![name.into()]).collect())
        }),
        Procedure::new("db.propertyKeys() :: (propertyKey :: STRING)", |_, graph| {
            Ok(graph.property_keys().into_iter().map(|key| vec![key.into()]).collect())
        }),
        Procedure::new(
            "dbms.components() :: (name :: STRING, versions :: LIST OF STRING, edition :: STRING)",
            |_, _| {
                // Tools compare the first version with Neo4j's to decide what Cypher they
                // may send: it is the Neo4j version whose Cypher Körpü speaks (the one
                // its Bolt server names), Körpü's own version follows.
                Ok(vec![vec![
                    "Körpü".into(),
                    Value::List(vec![
                        NEO4J_VERSION.into(),
                        concat!("korpu-", env!("CARGO_PKG_VERSION")).into(),
                    ]),
                    "community".into(),
                ]])
            },
        ),
        Procedure::new("db.checkpoint() :: (success :: BOOLEAN, message :: STRING)", |_, _| {
            Err("a checkpoint writes a data folder's files: run it through a session over one (the shell, a script or a server)".to_owned())
        }),
        Procedure::new(super::schema::INDEXES_SIGNATURE, |_, graph| {
            Ok(super::schema::indexes(graph))
        }),
        Procedure::new(super::schema::CONSTRAINTS_SIGNATURE, |_, graph| {
            Ok(super::schema::constraints(graph))
        }),
        Procedure::new(
            "korpu.find(text :: STRING) :: (node :: NODE, score :: INTEGER)",
            |args, graph| {
                let text = args.first().and_then(Value::as_str).unwrap_or_default();
                Ok(crate::search::find(graph, text, FIND_LIMIT)
                    .into_iter()
                    .map(|hit| vec![Value::Node(hit.node), Value::Int(i64::from(hit.score))])
                    .collect())
            },
        ),
    ]
    .into_iter()
    .map(|procedure| procedure.expect("a built-in signature parses"))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::Procedures;
    use crate::graph::Graph;

    #[test]
    fn every_builtin_parses_and_names_are_unique() {
        let procedures = super::procedures();
        let registry = Procedures::default();
        assert_eq!(registry.iter().count(), procedures.len(), "two built-ins share a name");
    }

    #[test]
    fn labels_lists_the_labels_in_use() {
        let mut graph = Graph::default();
        graph.add_node(Some("a"), &["Person"], vec![]).unwrap();
        let labels = Procedures::default().get("db.labels").unwrap().call(vec![], &graph).unwrap();
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0][0].as_str(), Some("Person"));
    }
}
