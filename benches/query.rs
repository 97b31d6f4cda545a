//! Criterion benches of every stage of the engine on the standard generated graph
//! (10k organizations, about 35k nodes): `load` (graph-data JSON → `Graph`), `parse`,
//! `plan` and `execute` for each of the ten benchmark questions, and `export`
//! (`Graph` → graph-data JSON).
//!
//! `cargo bench --bench query` runs them all in under two minutes; a filter narrows them,
//! e.g. `cargo bench --bench query -- execute/q4`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use korpu::export::to_json;
use korpu::graph::Graph;
use korpu::load::{Source, load_sources};
use korpu::query::exec::execute;
use korpu::query::plan::plan;
use korpu::query::syntax::parse;
use korpu::query::{Control, Params};

mod support;

use support::generator::{STANDARD_ORGANIZATIONS, STANDARD_SEED, generate};
use support::questions::{Question, questions};

/// The standard graph and its questions.
fn standard_graph() -> (Graph, Vec<Question>) {
    let generated = generate(STANDARD_ORGANIZATIONS, STANDARD_SEED);
    let questions = questions(&generated.targets);
    (generated.graph, questions)
}

fn bench_load(criterion: &mut Criterion) {
    let (graph, _) = standard_graph();
    let sources = [Source { name: "generated.json".to_owned(), text: to_json(&graph) }];
    let mut group = criterion.benchmark_group("load");
    group.throughput(Throughput::Elements(graph.node_count() as u64));
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("json_10k_organizations", |bencher| {
        bencher.iter_with_large_drop(|| {
            load_sources(black_box(&sources)).expect("the exported graph loads")
        })
    });
    group.finish();
}

fn bench_parse(criterion: &mut Criterion) {
    let (_, questions) = standard_graph();
    let mut group = criterion.benchmark_group("parse");
    group.warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(1));
    for question in &questions {
        group.throughput(Throughput::Bytes(question.text.len() as u64));
        group.bench_function(question.name, |bencher| {
            bencher.iter(|| parse(black_box(&question.text)).expect("the question parses"))
        });
    }
    group.finish();
}

fn bench_plan(criterion: &mut Criterion) {
    let (graph, questions) = standard_graph();
    let procedures = korpu::query::procedures::Procedures::default();
    let mut group = criterion.benchmark_group("plan");
    group.warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(1));
    for question in &questions {
        let statement = parse(&question.text).expect("the question parses");
        group.bench_function(question.name, |bencher| {
            bencher.iter(|| {
                plan(black_box(&statement), &question.text, &graph, &procedures)
                    .expect("the question plans")
            })
        });
    }
    group.finish();
}

fn bench_execute(criterion: &mut Criterion) {
    let (mut graph, questions) = standard_graph();
    let (params, control) = (Params::new(), Control::default());
    let mut group = criterion.benchmark_group("execute");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    for question in &questions {
        let statement = parse(&question.text).expect("the question parses");
        let plan = plan(&statement, &question.text, &graph, &Default::default())
            .expect("the question plans");
        let answer = execute(&mut graph, &plan, &params, &control).expect("the question runs");
        assert!(
            !answer.rows.is_empty(),
            "{} answers no rows on the generated graph",
            question.name
        );
        group.bench_function(question.name, |bencher| {
            bencher.iter(|| {
                execute(&mut graph, black_box(&plan), &params, &control).expect("the question runs")
            })
        });
    }
    group.finish();
}

fn bench_export(criterion: &mut Criterion) {
    let (graph, _) = standard_graph();
    let mut group = criterion.benchmark_group("export");
    group.throughput(Throughput::Elements(graph.node_count() as u64));
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    group.bench_function("json_10k_organizations", |bencher| {
        bencher.iter(|| to_json(black_box(&graph)))
    });
    group.finish();
}

criterion_group!(stages, bench_load, bench_parse, bench_plan, bench_execute, bench_export);
criterion_main!(stages);
