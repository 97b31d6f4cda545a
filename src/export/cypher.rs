//! The Neo4j and Memgraph script: schemaless `CREATE` statements that those databases,
//! and Körpü itself, load as they are.

use std::fmt::Write as _;

use super::*;
use crate::graph::{ConstraintKind, EntityKind};

/// A script of `CREATE` statements, one per node and one `MATCH … CREATE` per
/// relationship, that Neo4j and Memgraph load as it is (`cypher-shell -f graph.cypher`,
/// `mgconsole < graph.cypher`). Every node gets the label `KorpuNode` and keeps its id
/// in the property `korpu_id`; the header says which index to create first.
///
/// ```
/// use korpu::{graph::Graph, export::to_cypher};
/// let mut graph = Graph::default();
/// graph.add_node(Some("baku"), &["City"], vec![("name".into(), "Bakı".into())]).unwrap();
/// assert!(to_cypher(&graph).unwrap().contains("CREATE (:KorpuNode:City {korpu_id: 'baku', name: 'Bakı'});"));
/// ```
pub fn to_cypher(graph: &Graph) -> Result<String, ExportError> {
    check_reserved(graph, &[ID_PROPERTY], Some(NODE_LABEL))?;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "// Körpü export: {} nodes, {} relationships, for Neo4j and Memgraph.",
        graph.node_count(),
        graph.edge_count()
    );
    let _ = writeln!(
        text,
        "// Each node has the label {NODE_LABEL} and keeps its Körpü id in `{ID_PROPERTY}`; relationships find their ends by it."
    );
    let _ = writeln!(
        text,
        "// Create an index on it before loading, or every relationship scans all nodes:"
    );
    let _ = writeln!(
        text,
        "//   Neo4j:    CREATE INDEX korpu_id IF NOT EXISTS FOR (n:{NODE_LABEL}) ON (n.{ID_PROPERTY});"
    );
    let _ = writeln!(text, "//   Memgraph: CREATE INDEX ON :{NODE_LABEL}({ID_PROPERTY});");
    write_rules(&mut text, graph);
    for node in graph.nodes() {
        text.push_str("CREATE (:");
        text.push_str(NODE_LABEL);
        for label in graph.node_labels(node) {
            text.push(':');
            let _ = write_name(&mut text, label);
        }
        write_property_map(
            &mut text,
            Some((ID_PROPERTY, Value::from(graph.node_key(node)))),
            graph.node_properties(node),
        );
        text.push_str(");\n");
    }
    for edge in graph.edges() {
        let (start, end) = graph.edge_endpoints(edge);
        let _ = write!(text, "MATCH (a:{NODE_LABEL} {{{ID_PROPERTY}: ");
        let _ = write_string(&mut text, graph.node_key(start));
        let _ = write!(text, "}}), (b:{NODE_LABEL} {{{ID_PROPERTY}: ");
        let _ = write_string(&mut text, graph.node_key(end));
        text.push_str("}) CREATE (a)-[:");
        let _ = write_name(&mut text, graph.edge_type(edge));
        if graph.edge_properties(edge).next().is_some() {
            write_property_map(&mut text, None, graph.edge_properties(edge));
        }
        text.push_str("]->(b);\n");
    }
    Ok(text)
}

/// The graph's constraints and indexes, as comments: Neo4j 5 and Memgraph spell them
/// differently, so the script leaves them to the reader to run after loading.
fn write_rules(text: &mut String, graph: &Graph) {
    let indexes: Vec<_> = graph.indexes().filter(|index| index.owner.is_none()).collect();
    if graph.constraints().is_empty() && indexes.is_empty() {
        return;
    }
    let _ = writeln!(text, "// The graph declares these rules; create them after loading.");
    for constraint in graph.constraints() {
        let _ = writeln!(text, "//   Neo4j:    {};", terminal_line(&constraint.create_statement()));
        let memgraph = match (&constraint.kind, constraint.entity) {
            (ConstraintKind::Unique, EntityKind::Node) => Some(format!(
                "CREATE CONSTRAINT ON (n:{}) ASSERT {} IS UNIQUE",
                memgraph_name(&constraint.label),
                memgraph_keys(&constraint.properties)
            )),
            (ConstraintKind::NotNull, EntityKind::Node) => Some(format!(
                "CREATE CONSTRAINT ON (n:{}) ASSERT EXISTS ({})",
                memgraph_name(&constraint.label),
                memgraph_keys(&constraint.properties)
            )),
            _ => None,
        };
        match memgraph {
            Some(statement) => {
                let _ = writeln!(text, "//   Memgraph: {};", terminal_line(&statement));
            }
            None => {
                let _ = writeln!(text, "//   Memgraph: (no such constraint; check it in queries)");
            }
        }
    }
    for index in indexes {
        let _ = writeln!(text, "//   Neo4j:    {};", terminal_line(&index.create_statement()));
        if index.entity == EntityKind::Node {
            let keys: Vec<String> = index.properties.iter().map(|key| memgraph_name(key)).collect();
            let _ = writeln!(
                text,
                "//   Memgraph: CREATE INDEX ON :{}({});",
                memgraph_name(&index.label),
                keys.join(", ")
            );
        }
    }
}

fn memgraph_name(name: &str) -> String {
    let mut text = String::new();
    let _ = write_name(&mut text, name);
    text
}

fn memgraph_keys(keys: &[String]) -> String {
    keys.iter().map(|key| format!("n.{}", memgraph_name(key))).collect::<Vec<_>>().join(", ")
}

/// A statement kept on its comment line: names could hold a line break.
fn terminal_line(statement: &str) -> String {
    statement.replace(['\n', '\r'], " ")
}
