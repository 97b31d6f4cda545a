//! Tools built on Neo4j's drivers, each from its own virtual environment (`.ci/run`
//! makes them): neomodel against a writable server, neo4j-graphrag's version checks.
//! Under `CI` a missing environment fails the test; elsewhere it is skipped, saying so.

use std::path::PathBuf;

use crate::bolt::Server;

/// The virtual environment `variable` names (default `/tmp/<folder>`), if it has python.
fn venv(variable: &str, folder: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable)
        .map_or_else(|| PathBuf::from("/tmp").join(folder), PathBuf::from);
    if path.join("bin/python").exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI must run the {folder} suite (.ci/run makes {})",
        path.display()
    );
    eprintln!("skipped the {folder} suite: no {} (run .ci/run)", path.display());
    None
}

#[test]
fn neomodel_saves_and_raises_unique_property() {
    let Some(venv) = venv("KORPU_NEOMODEL_VENV", "korpu-venv-neomodel") else { return };
    let server = Server::start(&["--empty"], &["--allow-writes"]);
    crate::bolt::run_pytest(&venv, "tests/tools", &["test_neomodel.py"], &server);
}

#[test]
fn neo4j_graphrag_accepts_the_server() {
    let Some(venv) = venv("KORPU_GRAPHRAG_VENV", "korpu-venv-graphrag") else { return };
    let server = Server::start(&[], &[]);
    crate::bolt::run_pytest(&venv, "tests/tools", &["test_graphrag.py"], &server);
}
