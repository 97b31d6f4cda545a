//! The Neo4j and Memgraph script: schemaless `CREATE` statements that those databases,
//! and Körpü itself, load as they are.

use std::fmt::Write as _;

use super::*;

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
