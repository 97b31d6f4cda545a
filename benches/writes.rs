//! Criterion benches of the write path on the standard generated graph (10k
//! organizations, about 35k nodes): bulk `CREATE`, `MERGE` on the indexed `name`, `SET`
//! over a label, `DETACH DELETE` of a tenth of the graph, and the rollback of each; and
//! `MERGE` on another key without an index (a scan per row) and with a uniqueness
//! constraint's index (a lookup per row, plus the constraint check).
//!
//! Each iteration runs the statement inside a savepoint and rolls it back afterwards,
//! so every iteration starts from the same graph; `statement/*` times only the
//! statement, `rollback/*` only the undoing. `cargo bench --bench writes`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use korpu::graph::{ConstraintDefinition, ConstraintKind, EntityKind, Graph, Value};
use korpu::query::exec::execute;
use korpu::query::plan::{Plan, plan};
use korpu::query::syntax::parse;
use korpu::query::{Control, Params, WriteStats};

// The support module also serves the query benches; this one uses only the generator.
#[allow(dead_code)]
mod support;

use support::generator::{STANDARD_ORGANIZATIONS, STANDARD_SEED, generate};

struct WriteCase {
    name: &'static str,
    text: &'static str,
}

const CASES: &[WriteCase] = &[
    WriteCase {
        name: "create_10k_nodes",
        text: "UNWIND range(1, 10000) AS i CREATE (:Bulk {i: i, name: 'bulk ' + toString(i)})",
    },
    WriteCase {
        name: "merge_1k_by_name",
        text: "UNWIND $names AS name MERGE (o:Organization {name: name}) ON MATCH SET o.seen = true",
    },
    WriteCase { name: "set_label_10k", text: "MATCH (o:Organization) SET o.checked = true" },
    WriteCase {
        name: "detach_delete_tenth",
        text: "MATCH (n) WHERE id(n) % 10 = 0 DETACH DELETE n",
    },
];

/// Half existing organization names, half new ones.
fn merge_names(graph: &Graph) -> Value {
    let existing = graph
        .nodes()
        .filter_map(|node| match graph.node_property_by_name(node, "name") {
            Some(Value::String(name)) if graph.node_labels(node).any(|l| l == "Organization") => {
                Some(Value::String(name.clone()))
            }
            _ => None,
        })
        .take(500);
    let new = (0..500).map(|number| Value::from(format!("Yeni Təşkilat {number}")));
    Value::List(existing.chain(new).collect())
}

fn bench_writes(criterion: &mut Criterion) {
    let mut graph = generate(STANDARD_ORGANIZATIONS, STANDARD_SEED).graph;
    let mut params = Params::new();
    params.insert("names".to_owned(), merge_names(&graph));
    let control = Control::default();
    let mut group = criterion.benchmark_group("writes");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for case in CASES {
        let statement = parse(case.text).expect("the statement parses");
        let planned =
            plan(&statement, case.text, &graph, &Default::default()).expect("the statement plans");
        let before = (graph.node_count(), graph.edge_count());
        group.bench_function(format!("statement/{}", case.name), |bencher| {
            bencher.iter_custom(|iterations| {
                time_statement(&mut graph, &planned, &params, &control, iterations, |stats| {
                    assert!(!stats.is_empty(), "{} changed nothing", case.name)
                })
            })
        });
        group.bench_function(format!("rollback/{}", case.name), |bencher| {
            bencher.iter_custom(|iterations| {
                let mut spent = Duration::ZERO;
                for _ in 0..iterations {
                    let savepoint = graph.savepoint();
                    execute(&mut graph, &planned, &params, &control).expect("the statement runs");
                    let started = Instant::now();
                    graph.rollback_to(savepoint);
                    spent += started.elapsed();
                }
                spent
            })
        });
        assert_eq!((graph.node_count(), graph.edge_count()), before, "rollback restores the graph");
    }
    group.finish();
    bench_merge_by_key(criterion, graph);
}

/// `MERGE` of 1,000 codes (half of them existing) on a key of its own, first with no
/// index on it, then with a uniqueness constraint (whose index the plan seeks).
fn bench_merge_by_key(criterion: &mut Criterion, mut graph: Graph) {
    let control = Control::default();
    let setup = "MATCH (o:Organization) SET o.code = 'c' + toString(id(o))";
    let planned = plan(&parse(setup).unwrap(), setup, &graph, &Default::default()).unwrap();
    execute(&mut graph, &planned, &Params::new(), &control).expect("codes are set");
    let codes: Vec<Value> =
        (0..1000).map(|number| Value::from(format!("c{}", number * 20))).collect();
    let mut params = Params::new();
    params.insert("codes".to_owned(), Value::List(codes));
    let text =
        "UNWIND $codes AS code MERGE (o:Organization {code: code}) ON MATCH SET o.seen = true";
    let mut group = criterion.benchmark_group("merge_1k_by_key");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    for (name, constrained) in [("scan", false), ("unique_index", true)] {
        if constrained {
            let constraint = ConstraintDefinition {
                name: "organization_code".into(),
                kind: ConstraintKind::Unique,
                entity: EntityKind::Node,
                label: "Organization".into(),
                properties: vec!["code".into()],
            };
            graph.create_constraint(constraint, false).expect("the codes are unique");
        }
        let planned = plan(&parse(text).unwrap(), text, &graph, &Default::default()).unwrap();
        assert_eq!(planned.to_string().contains("NodeIndexSeek (o:Organization"), constrained);
        group.bench_function(name, |bencher| {
            bencher.iter_custom(|iterations| {
                time_statement(&mut graph, &planned, &params, &control, iterations, |stats| {
                    assert!(stats.nodes_created > 0)
                })
            })
        });
    }
    group.finish();
}

/// Runs `planned` `iterations` times, each inside a savepoint rolled back afterwards,
/// and returns the time spent in the statements alone.
fn time_statement(
    graph: &mut Graph,
    planned: &Plan,
    params: &Params,
    control: &Control,
    iterations: u64,
    check: impl Fn(&WriteStats),
) -> Duration {
    let mut spent = Duration::ZERO;
    for _ in 0..iterations {
        let savepoint = graph.savepoint();
        let started = Instant::now();
        let result =
            execute(graph, black_box(planned), params, control).expect("the statement runs");
        spent += started.elapsed();
        check(&result.stats);
        graph.rollback_to(savepoint);
    }
    spent
}

criterion_group!(writes, bench_writes);
criterion_main!(writes);
