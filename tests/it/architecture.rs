//! The architecture's rules, checked on the source tree: which module may use which,
//! where `anyhow` may appear, and how long a file may grow. ARCHITECTURE.md names this
//! test as the mechanism behind each rule it states.

use std::collections::{BTreeMap, BTreeSet};
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
fn the_front_ends_never_read_query_syntax() {
    // The shell, the command line and the servers hand text to a session and get a
    // prepared statement back; the editor module owns the lexer-based helpers they share.
    for folder in ["src/server", "src/repl", "src/cli"] {
        forbid(
            folder,
            &["query::syntax", "syntax::parse", "syntax::lexer"],
            "front ends go through Session::prepare and the editor module",
        );
    }
}

#[test]
fn a_statements_kind_is_decided_in_one_place() {
    let deciders = ["StatementKind::Read", "StatementKind::Write", "StatementKind::Schema"];
    let mut offences = Vec::new();
    for (path, text) in source_files("src") {
        if path.ends_with("query/prepared.rs") {
            continue;
        }
        for needle in deciders.iter().chain(&["query.writes()", ".query.writes"]) {
            offences.extend(
                mentions(&text, needle)
                    .into_iter()
                    .map(|line| format!("{}: {line}", path.display())),
            );
        }
    }
    assert!(
        offences.is_empty(),
        "only query/prepared.rs decides whether a statement reads, writes or changes the schema:\n{}",
        offences.join("\n")
    );
    let prepared = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/query/prepared.rs"),
    )
    .unwrap();
    assert!(prepared.contains("fn kind_of(plan: &Plan) -> StatementKind"));
}

#[test]
fn results_are_defined_outside_the_executor() {
    forbid(
        "src/query/exec",
        &["struct QueryResult", "struct WriteStats", "enum Outcome", "struct Control"],
        "what a statement returns lives in query::result, what it is run with in query::control",
    );
    let result =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/query/result.rs"))
            .unwrap();
    assert!(result.contains("pub struct QueryResult"));
    // Consumers import the result types from `query`, not from the executor.
    for folder in ["src/render", "src/server", "src/repl", "src/cli", "src/session.rs"] {
        forbid(folder, &["query::exec::"], "results and controls come from korpu::query");
    }
}

#[test]
fn the_application_lives_in_the_binary() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    for module in ["cli", "repl", "server"] {
        assert!(!lib.contains(&format!("mod {module};")), "src/lib.rs declares {module}");
    }
    let main =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/main.rs")).unwrap();
    for module in ["cli", "repl", "server"] {
        assert!(main.contains(&format!("mod {module};")), "src/main.rs does not declare {module}");
    }
}

#[test]
fn no_source_file_is_over_800_lines() {
    let long: Vec<String> = source_files("src")
        .into_iter()
        .chain(source_files("tests"))
        .chain(source_files("benches"))
        .filter(|(_, text)| text.lines().count() > 800)
        .map(|(path, text)| format!("{}: {} lines", path.display(), text.lines().count()))
        .collect();
    assert!(long.is_empty(), "a file is one thing; split these:\n{}", long.join("\n"));
}

/// The module dependency graph of `src/`: nodes are the top-level modules, `query`'s
/// stages (`query::syntax`, `query::plan`, `query::exec`, …) and `exec`'s parts
/// (`query::exec::eval`, `query::exec::operators`, …); an edge is a `crate::…` or
/// `super::…` path in one node's code that names another. A folder's `mod.rs` naming its
/// own children by bare paths is how a folder is built, not a layering edge.
fn module_graph() -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let children = |folder: &Path| -> BTreeSet<String> {
        std::fs::read_dir(folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter_map(|path| {
                let name = path.file_name()?.to_str()?.to_owned();
                if path.is_dir() {
                    Some(name)
                } else {
                    name.strip_suffix(".rs").filter(|stem| *stem != "mod").map(str::to_owned)
                }
            })
            .collect()
    };
    let top: BTreeSet<String> =
        children(&root).into_iter().filter(|name| name != "lib" && name != "main").collect();
    let stages = children(&root.join("query"));
    let exec_parts = children(&root.join("query/exec"));
    let node_of = |segments: &[String]| -> Option<String> {
        let first = segments.first()?;
        if first == "query" {
            return Some(match segments.get(1) {
                Some(stage) if stages.contains(stage) => match segments.get(2) {
                    Some(part) if stage == "exec" && exec_parts.contains(part) => {
                        format!("query::exec::{part}")
                    }
                    _ => format!("query::{stage}"),
                },
                _ => "query".to_owned(),
            });
        }
        top.contains(first).then(|| first.clone())
    };
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (path, text) in source_files("src") {
        let relative = path.strip_prefix(&root).unwrap().with_extension("");
        let mut module: Vec<String> =
            relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
        if module.last().is_some_and(|last| last == "mod") {
            module.pop();
        }
        let Some(from) = node_of(&module) else { continue };
        let code: String = text
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for named in crate_paths(&code) {
            let absolute = if named[0] == "crate" {
                named[1..].to_vec()
            } else {
                let ups = named.iter().take_while(|segment| *segment == "super").count();
                let mut absolute = module[..module.len().saturating_sub(ups)].to_vec();
                absolute.extend_from_slice(&named[ups..]);
                absolute
            };
            if let Some(to) = node_of(&absolute)
                && to != from
            {
                let file = path.strip_prefix(&root).unwrap().display().to_string();
                graph.entry(from.clone()).or_default().entry(to).or_default().insert(file);
            }
        }
    }
    graph
}

/// Every `crate::…` and `super::…` path in `code`, with `a::{b::c, d}` groups expanded
/// one level (enough to name a module).
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut paths = Vec::new();
    let bytes = code.as_bytes();
    let is_ident = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    let mut position = 0;
    while position < code.len() {
        let rest = &code[position..];
        let starts = (rest.starts_with("crate::") || rest.starts_with("super::"))
            && (position == 0 || !is_ident(bytes[position - 1]));
        if !starts {
            position += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        }
        let mut end = position;
        while end < code.len() && (is_ident(bytes[end]) || bytes[end] == b':') {
            end += 1;
        }
        let prefix: Vec<String> = code[position..end]
            .split("::")
            .filter(|segment| !segment.is_empty())
            .map(str::to_owned)
            .collect();
        if bytes.get(end) == Some(&b'{') {
            let mut depth = 0;
            let mut close = end;
            for (offset, byte) in bytes[end..].iter().enumerate() {
                match byte {
                    b'{' => depth += 1,
                    b'}' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    close = end + offset;
                    break;
                }
            }
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for character in code[end + 1..close].chars() {
                match character {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        items.push(std::mem::take(&mut item));
                        continue;
                    }
                    _ => {}
                }
                item.push(character);
            }
            items.push(item);
            for item in items {
                let mut path = prefix.clone();
                path.extend(
                    item.trim()
                        .split("::")
                        .map(str::trim)
                        .take_while(|segment| segment.starts_with(|c: char| c.is_alphabetic()))
                        .map(str::to_owned),
                );
                paths.push(path);
            }
            position = close.max(end) + 1;
        } else {
            paths.push(prefix);
            position = end.max(position + 1);
        }
    }
    paths
}

/// The cycles of `graph`: its strongly connected components of more than one node.
fn cycles(graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>) -> Vec<BTreeSet<String>> {
    // Two nodes share a cycle when each reaches the other.
    let reach = |start: &str| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut pending = vec![start.to_owned()];
        while let Some(node) = pending.pop() {
            for next in graph.get(&node).into_iter().flat_map(BTreeMap::keys) {
                if seen.insert(next.clone()) {
                    pending.push(next.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|node| (node, reach(node))).collect();
    let mut found: Vec<BTreeSet<String>> = Vec::new();
    for (node, reached) in &reaches {
        if !reached.contains(*node) || found.iter().any(|cycle| cycle.contains(*node)) {
            continue;
        }
        let cycle: BTreeSet<String> = reached
            .iter()
            .filter(|other| reaches.get(other).is_some_and(|back| back.contains(*node)))
            .cloned()
            .collect();
        found.push(cycle);
    }
    found
}

#[test]
fn no_module_imports_from_a_module_that_imports_it_back() {
    let graph = module_graph();
    // Evaluating `EXISTS { … }` or a collecting subquery opens operators over the current
    // row, and operators evaluate expressions: the one cycle the design has.
    let allowed: BTreeSet<String> =
        ["query::exec::eval", "query::exec::operators"].map(str::to_owned).into();
    let mut report = Vec::new();
    for cycle in cycles(&graph) {
        if cycle == allowed {
            continue;
        }
        report.push(format!("cycle: {}", cycle.iter().cloned().collect::<Vec<_>>().join(", ")));
        for from in &cycle {
            for (to, files) in &graph[from] {
                if cycle.contains(to) {
                    let files: Vec<&str> = files.iter().map(String::as_str).collect();
                    report.push(format!("  {from} -> {to} ({})", files.join(", ")));
                }
            }
        }
    }
    assert!(report.is_empty(), "modules import each other:\n{}", report.join("\n"));
    // The graph is read at all: the stages depend on each other as drawn.
    assert!(graph["query::plan"].contains_key("query::syntax"), "{graph:?}");
    assert!(graph["query::exec::eval"].contains_key("query::exec::operators"), "{graph:?}");
}

#[test]
fn only_the_edges_do_io() {
    let needles = [
        "std::fs",
        "std::net",
        "File::",
        "stdin()",
        "stdout()",
        "stderr()",
        "print!(",
        "println!",
        "eprint!(",
        "eprintln!",
    ];
    let rule = "only cli, repl, server, store, load::read and the LOAD CSV seam (query::exec::import) touch files, sockets or the terminal";
    // `exec/import` is the one seam in the engine: LOAD CSV reads there, inside the
    // import directory its caller gave, and nowhere else.
    let seam = Path::new("src/query/exec/import.rs");
    let mut offences = Vec::new();
    for (path, text) in source_files("src/query") {
        if path.ends_with(seam) {
            continue;
        }
        for needle in needles.iter().chain(&["fs::", "OpenOptions", "canonicalize", "TcpStream"]) {
            offences.extend(
                mentions(&text, needle)
                    .into_iter()
                    .map(|line| format!("{}: {line}", path.display())),
            );
        }
    }
    assert!(offences.is_empty(), "{rule}:\n{}", offences.join("\n"));
    let seam_text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(seam)).unwrap();
    assert!(
        seam_text.contains("starts_with(&self.root)"),
        "the import seam checks paths stay inside"
    );
    for folder in [
        "src/graph",
        "src/render",
        "src/export",
        "src/text.rs",
        "src/search.rs",
        "src/diagnostic.rs",
        "src/editor",
        "src/session.rs",
        "src/database.rs",
        "src/bundled.rs",
    ] {
        forbid(folder, &needles, rule);
    }
    for (path, text) in source_files("src/load") {
        if path.ends_with("read.rs") {
            continue;
        }
        for needle in needles {
            offences.extend(
                mentions(&text, needle)
                    .into_iter()
                    .map(|line| format!("{}: {line}", path.display())),
            );
        }
    }
    assert!(offences.is_empty(), "{rule}:\n{}", offences.join("\n"));
}

#[test]
fn the_terminal_library_stays_in_the_shells_glue() {
    let mut offences = Vec::new();
    for (path, text) in source_files("src") {
        let glue = path.ends_with("repl/mod.rs") || path.ends_with("repl/helper.rs");
        if !glue && !mentions(&text, "rustyline").is_empty() {
            offences.push(path.display().to_string());
        }
    }
    assert!(
        offences.is_empty(),
        "rustyline outside repl/mod.rs and repl/helper.rs:\n{}",
        offences.join("\n")
    );
}

#[test]
fn notifications_are_made_by_the_planner_only() {
    let mut offences = Vec::new();
    for (path, text) in source_files("src") {
        let maker = path.ends_with("planner/vocabulary.rs");
        if !maker && !mentions(&text, "Notification {").is_empty() {
            let declares = mentions(&text, "Notification {")
                .iter()
                .all(|line| line.contains("struct ") || line.contains("impl "));
            if !declares {
                offences.push(path.display().to_string());
            }
        }
    }
    assert!(
        offences.is_empty(),
        "a Notification is built outside the planner:\n{}",
        offences.join("\n")
    );
}
