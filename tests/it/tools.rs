//! Tools built on Neo4j's drivers, each from its own virtual environment (`.ci/run`
//! makes them): neomodel against a writable server, neo4j-graphrag's version checks.
//! Under `CI` a missing environment fails the test; elsewhere it is skipped, saying so.

use std::path::PathBuf;
use std::process::Command;

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

fn run_suite(venv: PathBuf, file: &str, server: &Server) {
    let suite = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tools");
    let output = Command::new(venv.join("bin/python"))
        .args([
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::DeprecationWarning",
            file,
        ])
        .current_dir(&suite)
        .env("KORPU_BOLT_ADDRESS", &server.address)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{file} failed:\n{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{file}: {}", report.lines().last().unwrap_or_default());
}

#[test]
fn neomodel_saves_and_raises_unique_property() {
    let Some(venv) = venv("KORPU_NEOMODEL_VENV", "korpu-venv-neomodel") else { return };
    let server = Server::start(&["--empty"], &["--allow-writes"]);
    run_suite(venv, "test_neomodel.py", &server);
}

#[test]
fn neo4j_graphrag_accepts_the_server() {
    let Some(venv) = venv("KORPU_GRAPHRAG_VENV", "korpu-venv-graphrag") else { return };
    let server = Server::start(&[], &[]);
    run_suite(venv, "test_graphrag.py", &server);
}
