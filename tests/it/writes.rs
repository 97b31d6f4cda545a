//! Writes and rollback: random changes through the graph's mutation API, with
//! `validate()` after each batch and a snapshot comparison after each rollback; and
//! statements that fail part-way leave no trace.

use korpu::graph::{
    ConstraintDefinition, ConstraintKind, Dir, EntityKind, Graph, IndexDefinition, IndexKind,
    NodeId, Value,
};
use korpu::query::{Control, Params};

/// Everything a reader can observe, in a stable text form: nodes with ids, labels and
/// properties; relationships; each node's adjacency order; counts and vocabulary.
pub(crate) fn snapshot(graph: &Graph) -> String {
    let mut out = String::new();
    for node in graph.nodes() {
        let labels: Vec<&str> = graph.node_labels(node).collect();
        let properties: Vec<String> =
            graph.node_properties(node).map(|(key, value)| format!("{key}={value:?}")).collect();
        let neighbours: Vec<String> = graph
            .neighbors(node, Dir::Both, None)
            .map(|neighbor| format!("{}>{}", neighbor.edge.0, neighbor.node.0))
            .collect();
        out.push_str(&format!(
            "node {} {} {labels:?} {properties:?} {neighbours:?}\n",
            node.0,
            graph.node_key(node)
        ));
    }
    for edge in graph.edges() {
        let (from, to) = graph.edge_endpoints(edge);
        let properties: Vec<String> =
            graph.edge_properties(edge).map(|(key, value)| format!("{key}={value:?}")).collect();
        out.push_str(&format!(
            "edge {} {}-{}->{} {properties:?}\n",
            edge.0,
            from.0,
            graph.edge_type(edge),
            to.0
        ));
    }
    for index in graph.indexes() {
        out.push_str(&format!("index {index:?}\n"));
    }
    for constraint in graph.constraints() {
        out.push_str(&format!("constraint {constraint:?}\n"));
    }
    out.push_str(&format!(
        "{:?} {:?} {:?} {} {}\n",
        graph.label_counts(),
        graph.rel_type_counts(),
        graph.property_keys(),
        graph.node_count(),
        graph.edge_count()
    ));
    out
}

#[track_caller]
fn assert_valid(graph: &Graph) {
    if let Err(problems) = graph.validate() {
        panic!("the graph's indexes disagree with its data:\n{}", problems.join("\n"));
    }
}

/// A small deterministic generator (xorshift64*), so a failure replays exactly.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

const LABELS: [&str; 4] = ["Person", "Organization", "NGO", "Təşkilat"];
const KEYS: [&str; 4] = ["name", "founded", "score", "ad"];

fn random_value(random: &mut Random) -> Value {
    match random.below(6) {
        0 => Value::Null,
        1 => Value::Int(random.below(5) as i64),
        2 => Value::Float(random.below(4) as f64 / 2.0),
        3 => Value::from(["Bakı", "İlham", "Aydan", "ASAİF"][random.below(4)]),
        4 => Value::Bool(random.below(2) == 0),
        _ => Value::List(vec![Value::Int(1), Value::Int(random.below(3) as i64)]),
    }
}

fn live_node(graph: &Graph, random: &mut Random) -> Option<NodeId> {
    let nodes: Vec<NodeId> = graph.nodes().collect();
    (!nodes.is_empty()).then(|| nodes[random.below(nodes.len())])
}

/// Declares or drops an index or a constraint (refusals are part of the test).
fn random_schema_change(graph: &mut Graph, random: &mut Random) {
    let name = format!("rule{}", random.below(6));
    let label = LABELS[random.below(4)].to_owned();
    let mut properties = vec![KEYS[random.below(4)].to_owned()];
    if random.below(4) == 0 {
        properties.push(KEYS[random.below(4)].to_owned());
        properties.dedup();
    }
    match random.below(6) {
        0 | 1 => {
            let (entity, label, properties) = if random.below(4) == 0 {
                (EntityKind::Relationship, "LEADS".to_owned(), vec!["since".to_owned()])
            } else {
                (EntityKind::Node, label, properties)
            };
            let kind = if random.below(3) == 0 && properties.len() == 1 {
                IndexKind::Text
            } else {
                IndexKind::Range
            };
            let definition = IndexDefinition { name, kind, entity, label, properties, owner: None };
            let _ = graph.create_index(definition, random.below(2) == 0);
        }
        2 | 3 => {
            let kind = [ConstraintKind::Unique, ConstraintKind::Key, ConstraintKind::NotNull]
                [random.below(3)]
            .clone();
            if kind == ConstraintKind::NotNull {
                properties.truncate(1);
            }
            let definition =
                ConstraintDefinition { name, kind, entity: EntityKind::Node, label, properties };
            let _ = graph.create_constraint(definition, random.below(2) == 0);
        }
        4 => {
            let _ = graph.drop_index(&name, random.below(2) == 0);
        }
        _ => {
            let _ = graph.drop_constraint(&name, random.below(2) == 0);
        }
    }
}

fn random_change(graph: &mut Graph, random: &mut Random) {
    match random.below(13) {
        11 | 12 => random_schema_change(graph, random),
        0 | 9 | 10 => {
            let labels: Vec<&str> = (0..random.below(3)).map(|_| LABELS[random.below(4)]).collect();
            let properties = vec![(KEYS[random.below(4)].to_owned(), random_value(random))];
            graph.add_node(None, &labels, properties).unwrap();
        }
        1 | 2 => {
            if let (Some(from), Some(to)) = (live_node(graph, random), live_node(graph, random)) {
                let properties = vec![("since".to_owned(), Value::Int(random.below(3) as i64))];
                graph
                    .add_edge(from, to, ["LEADS", "PARTNERS_WITH"][random.below(2)], properties)
                    .unwrap();
            }
        }
        3 => {
            if let Some(node) = live_node(graph, random) {
                graph.set_node_property(node, KEYS[random.below(4)], random_value(random)).unwrap();
            }
        }
        4 => {
            if let Some(node) = live_node(graph, random) {
                graph.add_label(node, LABELS[random.below(4)]);
            }
        }
        5 => {
            if let Some(node) = live_node(graph, random) {
                graph.remove_label(node, LABELS[random.below(4)]);
            }
        }
        6 => {
            let edges: Vec<_> = graph.edges().collect();
            if !edges.is_empty() {
                let edge = edges[random.below(edges.len())];
                if random.below(2) == 0 {
                    graph.delete_edge(edge);
                } else {
                    graph.set_edge_property(edge, "since", random_value(random)).unwrap();
                }
            }
        }
        7 => {
            if let Some(node) = live_node(graph, random) {
                // Refused while the node has relationships; that is part of the test.
                let _ = graph.delete_node(node);
            }
        }
        _ => {
            if let Some(node) = live_node(graph, random) {
                graph.detach_delete_node(node);
            }
        }
    }
}

#[test]
fn random_changes_keep_indexes_true_and_rollback_restores_everything() {
    let mut random = Random(0x9E37_79B9_7F4A_7C15);
    let mut graph = Graph::default();
    for _ in 0..40 {
        random_change(&mut graph, &mut random);
    }
    graph.flush_indexes();
    assert_valid(&graph);
    let (mut rolled_back, mut kept) = (0, 0);
    let (mut indexed_rounds, mut constrained_rounds) = (0, 0);
    for round in 0..1000 {
        indexed_rounds += usize::from(graph.indexes().any(|index| index.owner.is_none()));
        constrained_rounds += usize::from(!graph.constraints().is_empty());
        let before = snapshot(&graph);
        let outer = graph.savepoint();
        for _ in 0..1 + random.below(6) {
            random_change(&mut graph, &mut random);
        }
        // Sometimes a nested savepoint, as a statement inside a transaction.
        if random.below(3) == 0 {
            graph.flush_indexes();
            let middle = snapshot(&graph);
            let inner = graph.savepoint();
            for _ in 0..1 + random.below(4) {
                random_change(&mut graph, &mut random);
            }
            graph.rollback_to(inner);
            assert_valid(&graph);
            assert_eq!(snapshot(&graph), middle, "round {round}: inner rollback");
        }
        graph.flush_indexes();
        assert_valid(&graph);
        if random.below(2) == 0 {
            graph.rollback_to(outer);
            assert_valid(&graph);
            assert_eq!(snapshot(&graph), before, "round {round}: rollback");
            rolled_back += 1;
        } else {
            graph.release(outer);
            assert_valid(&graph);
            kept += 1;
        }
    }
    assert!(rolled_back > 250 && kept > 250, "{rolled_back} rolled back, {kept} kept");
    // Declared indexes and constraints were there for much of the walk, so their upkeep
    // through every kind of change and rollback was checked.
    assert!(
        indexed_rounds > 300 && constrained_rounds > 300,
        "{indexed_rounds} rounds with an index, {constrained_rounds} with a constraint"
    );
    assert!(graph.node_count() > 0, "the random walk should keep some nodes");
}

#[test]
fn deleted_ids_are_never_reused() {
    let mut graph = Graph::default();
    let first = graph.add_node(None, &["A"], vec![]).unwrap();
    assert_eq!(graph.delete_node(first), Ok(true));
    let second = graph.add_node(None, &["A"], vec![]).unwrap();
    assert_ne!(first, second);
    let savepoint = graph.savepoint();
    let third = graph.add_node(None, &["A"], vec![]).unwrap();
    graph.rollback_to(savepoint);
    let fourth = graph.add_node(None, &["A"], vec![]).unwrap();
    assert!(third != fourth && fourth != first && fourth != second);
    assert!(!graph.contains_node(first) && !graph.contains_node(third));
    assert_valid(&graph);
}

fn count(graph: &mut Graph, query: &str) -> Value {
    let result = korpu::query::run(graph, query, &Params::new(), &Control::default()).unwrap();
    result.rows[0][0].clone()
}

#[test]
fn a_failing_statement_leaves_no_trace() {
    let mut graph = Graph::default();
    korpu::query::run(&mut graph, "CREATE (:Kept {v: 1})", &Params::new(), &Control::default())
        .unwrap();
    let before = snapshot(&graph);
    for failing in [
        "CREATE (:X) WITH 1 AS x RETURN 1/0",
        "UNWIND [1, 2, 0] AS i CREATE (:Y {v: 10 / i})",
        "CREATE (a:New {name: 'Yeni'})-[:R]->(b:Other) WITH a UNWIND [1, 0] AS i RETURN 1 / i",
    ] {
        let outcome = korpu::query::run(&mut graph, failing, &Params::new(), &Control::default());
        assert!(outcome.is_err(), "{failing} should fail");
        assert_valid(&graph);
        assert_eq!(snapshot(&graph), before, "{failing} left a trace");
    }
    assert!(matches!(count(&mut graph, "MATCH (n) RETURN count(n)"), Value::Int(1)));
}

#[test]
fn a_statement_stopped_by_its_deadline_after_writing_leaves_no_trace() {
    let mut graph = Graph::default();
    let before = snapshot(&graph);
    // The writes finish quickly; the cartesian product after them runs into the deadline.
    let control = Control::with_timeout(std::time::Duration::from_millis(300));
    let outcome = korpu::query::run(
        &mut graph,
        "UNWIND range(1, 3000) AS i CREATE (:T {i: i}) WITH count(*) AS n \
         MATCH (a:T), (b:T), (c:T) RETURN count(*)",
        &Params::new(),
        &control,
    );
    let error = outcome.expect_err("the deadline should stop the statement");
    assert!(error.message().contains("time limit"), "{}", error.message());
    assert_valid(&graph);
    assert_eq!(snapshot(&graph), before);
}

/// The reference model the random statements are checked against: plain vectors, with
/// the meaning of each statement written out by hand.
#[derive(Clone, Default)]
struct Model {
    nodes: Vec<Option<ModelNode>>,
    edges: Vec<Option<(usize, usize)>>,
}

#[derive(Clone)]
struct ModelNode {
    labels: std::collections::BTreeSet<&'static str>,
    k: i64,
    x: Option<i64>,
}

impl Model {
    fn live(&self) -> impl Iterator<Item = (usize, &ModelNode)> {
        self.nodes.iter().enumerate().filter_map(|(at, node)| node.as_ref().map(|node| (at, node)))
    }

    fn with_k(&self, k: i64) -> Vec<usize> {
        self.live().filter(|(_, node)| node.k == k).map(|(at, _)| at).collect()
    }

    fn degree(&self, node: usize) -> usize {
        self.edges.iter().flatten().filter(|(from, to)| *from == node || *to == node).count()
    }

    fn describe(node: &ModelNode) -> String {
        let labels: Vec<&str> = node.labels.iter().copied().collect();
        format!("{labels:?} k={} x={:?}", node.k, node.x)
    }

    /// Nodes and relationships as sorted text, ids left out.
    fn content(&self) -> (Vec<String>, Vec<String>) {
        let mut nodes: Vec<String> = self.live().map(|(_, node)| Model::describe(node)).collect();
        let mut edges: Vec<String> = self
            .edges
            .iter()
            .flatten()
            .map(|(from, to)| {
                let name = |at: usize| Model::describe(self.nodes[at].as_ref().unwrap());
                format!("{} -> {}", name(*from), name(*to))
            })
            .collect();
        nodes.sort();
        edges.sort();
        (nodes, edges)
    }
}

/// The same content read from the engine's graph.
fn graph_content(graph: &Graph) -> (Vec<String>, Vec<String>) {
    let describe = |node: NodeId| {
        let mut labels: Vec<&str> = graph.node_labels(node).collect();
        labels.sort_unstable();
        let int = |key: &str| match graph.node_property_by_name(node, key) {
            Some(Value::Int(number)) => Some(*number),
            _ => None,
        };
        format!("{labels:?} k={} x={:?}", int("k").unwrap_or(-1), int("x"))
    };
    let mut nodes: Vec<String> = graph.nodes().map(describe).collect();
    let mut edges: Vec<String> = graph
        .edges()
        .map(|edge| {
            let (from, to) = graph.edge_endpoints(edge);
            format!("{} -> {}", describe(from), describe(to))
        })
        .collect();
    nodes.sort();
    edges.sort();
    (nodes, edges)
}

/// One random statement and what it does to the model; `Err` when the engine must
/// refuse it (and so change nothing).
fn random_statement(random: &mut Random, model: &mut Model) -> (String, Result<(), ()>) {
    let k = random.below(4) as i64;
    let other = random.below(4) as i64;
    let value = random.below(10) as i64;
    match random.below(11) {
        0 | 1 => {
            model.nodes.push(Some(ModelNode { labels: ["A"].into(), k, x: None }));
            (format!("CREATE (:A {{k: {k}}})"), Ok(()))
        }
        2 => {
            for at in model.with_k(k) {
                let node = model.nodes[at].as_mut().unwrap();
                if node.labels.contains("A") {
                    node.x = Some(value);
                }
            }
            (format!("MATCH (n:A {{k: {k}}}) SET n.x = {value}"), Ok(()))
        }
        3 => {
            for at in model.with_k(k) {
                model.nodes[at].as_mut().unwrap().labels.insert("B");
            }
            (format!("MATCH (n {{k: {k}}}) SET n:B"), Ok(()))
        }
        4 => {
            for at in model.with_k(k) {
                let node = model.nodes[at].as_mut().unwrap();
                if node.labels.remove("B") {
                    node.x = None;
                }
            }
            (format!("MATCH (n:B {{k: {k}}}) REMOVE n:B, n.x"), Ok(()))
        }
        5 | 6 => {
            for from in model.with_k(k) {
                for to in model.with_k(other) {
                    model.edges.push(Some((from, to)));
                }
            }
            (format!("MATCH (a {{k: {k}}}), (b {{k: {other}}}) CREATE (a)-[:R]->(b)"), Ok(()))
        }
        7 => {
            for at in model.with_k(k) {
                for edge in &mut model.edges {
                    if edge.is_some_and(|(from, to)| from == at || to == at) {
                        *edge = None;
                    }
                }
                model.nodes[at] = None;
            }
            (format!("MATCH (n {{k: {k}}}) DETACH DELETE n"), Ok(()))
        }
        8 => {
            let targets = model.with_k(k);
            let outcome = if targets.iter().any(|at| model.degree(*at) > 0) {
                Err(())
            } else {
                for at in targets {
                    model.nodes[at] = None;
                }
                Ok(())
            };
            (format!("MATCH (n {{k: {k}}}) DELETE n"), outcome)
        }
        9 => {
            let existing: Vec<usize> = model
                .with_k(k)
                .into_iter()
                .filter(|at| model.nodes[*at].as_ref().unwrap().labels.contains("A"))
                .collect();
            if existing.is_empty() {
                model.nodes.push(Some(ModelNode { labels: ["A"].into(), k, x: Some(0) }));
            }
            for at in existing {
                let node = model.nodes[at].as_mut().unwrap();
                node.x = Some(node.x.unwrap_or(0) + 1);
            }
            (
                format!(
                    "MERGE (n:A {{k: {k}}}) ON CREATE SET n.x = 0 ON MATCH SET n.x = coalesce(n.x, 0) + 1"
                ),
                Ok(()),
            )
        }
        _ => (
            // Writes, then fails: division by zero after the writes.
            format!(
                "MATCH (n {{k: {k}}}) SET n.x = 99 CREATE (:A {{k: {k}}}) \
                 WITH count(*) AS c RETURN 1 / (c - c) AS boom"
            ),
            Err(()),
        ),
    }
}

#[test]
fn random_write_statements_agree_with_a_reference_model() {
    let mut random = Random(0x005E_ED0F_C0DE);
    let mut graph = Graph::default();
    let mut model = Model::default();
    let (mut succeeded, mut refused) = (0, 0);
    for step in 0..1500 {
        let before_graph = snapshot(&graph);
        let before_model = model.clone();
        let (statement, expected) = random_statement(&mut random, &mut model);
        let outcome =
            korpu::query::run(&mut graph, &statement, &Params::new(), &Control::default());
        assert_valid(&graph);
        match (expected, outcome) {
            (Ok(()), Ok(_)) => succeeded += 1,
            (Err(()), Err(_)) => {
                refused += 1;
                model = before_model;
                assert_eq!(
                    snapshot(&graph),
                    before_graph,
                    "step {step}: `{statement}` left a trace"
                );
            }
            (Ok(()), Err(error)) => {
                panic!("step {step}: `{statement}` failed: {}", error.message())
            }
            (Err(()), Ok(_)) => panic!("step {step}: `{statement}` should have failed"),
        }
        assert_eq!(graph_content(&graph), model.content(), "step {step}: after `{statement}`");
    }
    assert!(succeeded > 1000 && refused > 100, "{succeeded} succeeded, {refused} refused");
}
