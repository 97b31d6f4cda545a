//! The library as another program uses it: `examples/embed.rs` (opens a folder, runs a
//! parameterised read and a write, saves) is built by `cargo test` and run here, and
//! the prepared-statement API is checked through the public paths an embedder writes.

use std::path::PathBuf;
use std::process::Command;

use korpu::database::Database;
use korpu::graph::{Graph, Value};
use korpu::query::{Outcome, StatementKind};
use korpu::session::{AccessMode, Session};

/// `target/<profile>/examples/embed`, beside this test binary's `deps` folder.
fn example_binary() -> PathBuf {
    let test_binary = std::env::current_exe().unwrap();
    let profile = test_binary.parent().and_then(|deps| deps.parent()).unwrap();
    profile.join("examples").join(format!("embed{}", std::env::consts::EXE_SUFFIX))
}

#[test]
fn the_embedding_example_opens_reads_writes_and_saves() {
    let binary = example_binary();
    if !binary.exists() {
        // `cargo test` builds examples before tests; a filtered `cargo test --test it`
        // does not.
        assert!(std::env::var_os("CI").is_none(), "{} was not built", binary.display());
        eprintln!("skipped: {} was not built (run the whole `cargo test`)", binary.display());
        return;
    }
    let output = Command::new(&binary).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("columns: [\"name\", \"founded\"]"), "{stdout}");
    assert!(stdout.contains("| Gənclər Birliyi |    2012 |"), "{stdout}");
    assert!(stdout.contains("founded since 2010:"), "{stdout}");
    assert!(stdout.contains("relationships_created: 1"), "{stdout}");
    assert!(stdout.contains("saved graph.json into"), "{stdout}");
}

#[test]
fn a_prepared_statement_runs_again_with_new_parameters() {
    let mut session = Session::new(Database::new(Graph::default(), None));
    session.run("UNWIND ['Bakı', 'Gəncə', 'Şəki'] AS name CREATE (:Şəhər {ad: name})");
    let mut by_name = session.prepare("MATCH (c:Şəhər {ad: $ad}) RETURN c.ad AS ad").unwrap();
    assert_eq!(by_name.kind(), StatementKind::Read);
    assert_eq!(by_name.columns().collect::<Vec<_>>(), ["ad"]);
    for name in ["Gəncə", "Şəki"] {
        session.params.insert("ad".into(), Value::from(name));
        let rows = session.execute(&mut by_name).into_outcome().unwrap().into_result().unwrap();
        assert_eq!(rows.rows[0][0].as_str(), Some(name));
        assert_eq!(rows.rows.len(), 1);
    }
}

#[test]
fn a_read_only_session_refuses_changes_and_keeps_reading() {
    let database = Database::new(Graph::default(), None);
    let mut writer = Session::new(database.clone());
    writer.run("CREATE (:Şəhər {ad: 'Bakı'})").into_outcome().unwrap();
    let mut reader = Session::new(database);
    reader.access = AccessMode::ReadOnly;
    for statement in
        ["CREATE (:Şəhər)", "MATCH (c) DETACH DELETE c", "CREATE INDEX FOR (c:Şəhər) ON (c.ad)"]
    {
        let error = reader.run(statement).into_outcome().unwrap_err();
        assert_eq!(error.code().as_str(), "ForbiddenOnReadOnlyDatabase", "{statement}");
        assert!(error.to_string().contains("read-only"), "{error}");
    }
    match reader.run("EXPLAIN CREATE (:Şəhər)").into_outcome().unwrap() {
        Outcome::Explained(plan) => assert!(plan.contains("Create"), "{plan}"),
        other => panic!("{other:?}"),
    }
    let count = reader.run("MATCH (c:Şəhər) RETURN count(c)").into_outcome().unwrap();
    assert!(matches!(count.into_result().unwrap().rows[0][0], Value::Int(1)));
}
