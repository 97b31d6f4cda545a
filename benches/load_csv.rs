//! Criterion bench of `LOAD CSV` into an empty graph: 100,000 records generated at bench
//! time, each `MERGE`d on a unique key and given two properties, the shape of an import
//! script. `MERGE` finds existing nodes through the `name` index, the one equality index
//! the graph has for any label (an index on other keys comes with constraints).
//! `cargo bench --bench load_csv`; the million-row figure in README comes from the same
//! statement through the release binary under `/usr/bin/time -v`.

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use korpu::graph::Graph;
use korpu::query::run;
use korpu::query::{Control, ImportDir, Params};

const ROWS: usize = 100_000;

const IMPORT: &str = "LOAD CSV WITH HEADERS FROM 'file:///rows.csv' AS row \
     MERGE (n:Item {name: row.name}) SET n.value = toInteger(row.value), n.city = row.city";

/// `name,value,city` rows with unique names and some Azerbaijani text.
fn write_rows(path: &Path, count: usize) {
    let cities = ["Bakı", "Gəncə", "Şəki", "Lənkəran", "Quba, Qusar"];
    let mut text = String::from("name,value,city\n");
    for number in 0..count {
        let city = cities[number % cities.len()];
        let city = if city.contains(',') { format!("\"{city}\"") } else { city.to_owned() };
        text.push_str(&format!("item {number},{},{city}\n", number * 7 % 1000));
    }
    std::fs::write(path, text).unwrap();
}

fn bench_load_csv(criterion: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("korpu-bench-load-csv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    write_rows(&dir.join("rows.csv"), ROWS);
    let control =
        Control { import_dir: Some(Arc::new(ImportDir::new(&dir).unwrap())), ..Control::default() };
    let mut group = criterion.benchmark_group("load_csv");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(ROWS as u64));
    group.bench_function("merge_100k_by_key", |bencher| {
        bencher.iter(|| {
            let mut graph = Graph::default();
            let result = run(&mut graph, IMPORT, &Params::new(), &control).unwrap();
            black_box((result.stats, graph.node_count()))
        });
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_load_csv);
criterion_main!(benches);
