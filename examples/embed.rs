//! Körpü inside another program: open a graph-data folder, ask a question with a
//! parameter, add a fact, and save it back into the folder's files.
//!
//! Run with `cargo run --example embed`; `cargo test` builds it. It works on a folder
//! of its own in the system's temporary directory, so the bundled graph is untouched.

use std::error::Error;
use std::fs;

use korpu::database::Database;
use korpu::graph::Value;
use korpu::query::{Outcome, StatementKind};
use korpu::render::table::{TableStyle, render_table};
use korpu::session::Session;

/// A tiny graph in Körpü's data format: two organisations and a city.
const DATA: &str = r#"{
  "nodes": [
    {"id": "city-baki", "labels": ["City"], "properties": {"name": "Bakı"}},
    {"id": "org-forum", "labels": ["Organization"], "properties": {"name": "Diaspor Forumu", "founded_year": 2007}},
    {"id": "org-birlik", "labels": ["Organization"], "properties": {"name": "Gənclər Birliyi", "founded_year": 2012}}
  ],
  "edges": [
    {"from": "org-forum", "to": "city-baki", "type": "BASED_IN"}
  ]
}
"#;

fn main() -> Result<(), Box<dyn Error>> {
    let folder = std::env::temp_dir().join(format!("korpu-embed-{}", std::process::id()));
    fs::create_dir_all(&folder)?;
    fs::write(folder.join("graph.json"), DATA)?;

    // One database per process; one session per client.
    let (database, warnings) = Database::open(&folder)?;
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut session = Session::new(database);

    // A parameterised read, prepared once: it knows its kind and columns before it runs.
    let mut founded_since = session.prepare(
        "MATCH (o:Organization) WHERE o.founded_year >= $year \
         RETURN o.name AS name, o.founded_year AS founded ORDER BY founded",
    )?;
    assert_eq!(founded_since.kind(), StatementKind::Read);
    println!("columns: {:?}", founded_since.columns().collect::<Vec<_>>());
    for year in [2000, 2010] {
        session.params.insert("year".into(), Value::Int(year));
        // Nodes in a result are drawn against the graph the answer holds.
        let answer = session.execute(&mut founded_since);
        match &answer.outcome {
            Ok(Outcome::Rows(result)) => {
                let table = render_table(result, answer.graph(), &TableStyle::default());
                print!("founded since {year}:\n{table}");
            }
            Ok(other) => println!("{other:?}"),
            Err(error) => return Err(error.to_string().into()),
        }
    }

    // A write: the second organisation is based in Bakı too.
    let answer = session.run(
        "MATCH (o:Organization {name: 'Gənclər Birliyi'}), (c:City {name: 'Bakı'}) \
         CREATE (o)-[:BASED_IN]->(c)",
    );
    let created = answer.into_outcome()?.into_result().map(|result| result.stats);
    println!("changed: {created:?}");

    // Saved back into graph.json, changing only what changed.
    let report = session.save()?;
    println!("saved {} into {}", report.files.join(", "), report.folder.display());
    let saved = fs::read_to_string(folder.join("graph.json"))?;
    assert_eq!(saved.matches("BASED_IN").count(), 2);
    fs::remove_dir_all(&folder)?;
    Ok(())
}
