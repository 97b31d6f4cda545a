//! The architecture's rules, checked on the source tree: which module may use which,
//! where `anyhow` may appear, and how long a file may grow. ARCHITECTURE.md names this
//! test as the mechanism behind each rule it states.

use std::path::{Path, PathBuf};

fn source_files(folder: &str) -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut files = Vec::new();
    let mut pending = vec![root];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            files.push((path, text));
        }
    }
    assert!(!files.is_empty(), "no Rust files under {folder}");
    files
}

/// Lines of code (not comments) that mention `needle`.
fn mentions(text: &str, needle: &str) -> Vec<String> {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .filter(|line| line.contains(needle))
        .map(|line| line.trim().to_owned())
        .collect()
}

#[track_caller]
fn forbid(folder: &str, needles: &[&str], rule: &str) {
    let mut offences = Vec::new();
    for (path, text) in source_files(folder) {
        for needle in needles {
            for line in mentions(&text, needle) {
                offences.push(format!("{}: {line}", path.display()));
            }
        }
    }
    assert!(offences.is_empty(), "{rule}:\n{}", offences.join("\n"));
}

#[test]
fn the_graph_depends_on_nothing_else_in_the_crate() {
    forbid(
        "src/graph",
        &[
            "crate::query",
            "crate::load",
            "crate::render",
            "crate::session",
            "crate::repl",
            "crate::cli",
            "crate::store",
            "crate::text",
        ],
        "graph must not use the rest of the crate",
    );
}

#[test]
fn syntax_does_not_know_the_graph() {
    forbid(
        "src/query/syntax",
        &["crate::graph", "crate::query::plan", "crate::query::exec"],
        "a query parses with no data",
    );
}

#[test]
fn execution_never_sees_the_syntax_tree() {
    forbid("src/query/exec", &["syntax::ast", "syntax::parse"], "exec works on plans only");
    forbid(
        "src/query/plan/ir",
        &["syntax::ast"],
        "the plan's types do not depend on the syntax tree",
    );
}

#[test]
fn functions_and_aggregates_work_on_values_not_expressions() {
    for file in
        ["src/query/exec/functions.rs", "src/query/exec/aggregate.rs", "src/query/exec/temporal.rs"]
    {
        let text =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        assert!(
            mentions(&text, "eval").iter().all(|line| !line.contains("use super::eval")),
            "{file} calls back into eval"
        );
    }
}

#[test]
fn the_shell_does_not_reach_back_into_the_command_line() {
    forbid(
        "src/repl",
        &["crate::cli", "anyhow"],
        "cli calls repl, never the other way; anyhow stays in cli",
    );
    for folder in ["src/query", "src/graph", "src/load", "src/store", "src/render"] {
        forbid(folder, &["anyhow"], "library errors are typed values");
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = source_files("src")
        .into_iter()
        .filter(|(_, text)| text.lines().count() > 800)
        .map(|(path, text)| format!("{}: {} lines", path.display(), text.lines().count()))
        .collect();
    assert!(long.is_empty(), "a file is one thing; split these:\n{}", long.join("\n"));
}

#[test]
fn only_the_edges_and_the_import_seam_touch_files_and_sockets() {
    let needles =
        ["std::fs", "fs::", "File::", "std::net", "TcpStream", "OpenOptions", "canonicalize"];
    // `exec/import` is the one seam: LOAD CSV reads there, inside the import directory
    // its caller gave, and nowhere else in the query engine.
    let seam = Path::new("src/query/exec/import.rs");
    let mut offences = Vec::new();
    for folder in ["src/query", "src/graph", "src/render", "src/export"] {
        for (path, text) in source_files(folder) {
            if path.ends_with(seam) {
                continue;
            }
            for needle in needles {
                for line in mentions(&text, needle) {
                    offences.push(format!("{}: {line}", path.display()));
                }
            }
        }
    }
    assert!(
        offences.is_empty(),
        "only cli, repl, server, store, load and exec/import do IO:\n{}",
        offences.join("\n")
    );
    let seam_text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(seam)).unwrap();
    assert!(
        seam_text.contains("starts_with(&self.root)"),
        "the import seam checks paths stay inside"
    );
}
