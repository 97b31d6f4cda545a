//! Golden tests for the saved query scripts in `queries/`.
//!
//! Each `queries/NAME.cypher` is run with the built `korpu` binary on the bundled graph,
//! and its stdout must equal `queries/expected/NAME.txt`. Scripts whose name contains
//! `dot` or `map` run with `--format dot`, the rest with the default table format.
//!
//! To accept new output after checking it against the source document, run
//! `UPDATE_EXPECT=1 cargo test --test it scripts`: that rewrites the expected files
//! instead of comparing (a script that exits non-zero still fails).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Fewer scripts than this means some were lost.
const MINIMUM_SCRIPTS: usize = 15;

/// How many lines of each side a mismatch report shows.
const DIFF_LINES: usize = 20;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `queries/*.cypher`, sorted by name.
fn scripts() -> Vec<PathBuf> {
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("queries"))
        .expect("the queries/ folder is readable")
        .map(|entry| entry.expect("a queries/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "cypher"))
        .collect();
    scripts.sort();
    scripts
}

fn stem(path: &Path) -> String {
    path.file_stem().expect("a file name").to_string_lossy().into_owned()
}

fn expected_path(name: &str) -> PathBuf {
    manifest_dir().join("queries").join("expected").join(format!("{name}.txt"))
}

/// The output format a script is meant for.
fn format_for(name: &str) -> &'static str {
    if name.contains("dot") || name.contains("map") { "dot" } else { "table" }
}

/// Runs `korpu run` on a script from the crate root, returning stdout, or an error
/// message when the binary fails.
fn run_script(script: &Path, extra: &[&str]) -> Result<String, String> {
    let name = stem(script);
    let relative = format!("queries/{name}.cypher");
    let output = Command::new(env!("CARGO_BIN_EXE_korpu"))
        .current_dir(manifest_dir())
        .args(["run", "--format", format_for(&name)])
        .args(extra)
        .arg(&relative)
        .output()
        .map_err(|error| format!("{relative}: cannot start korpu: {error}"))?;
    let stdout = String::from_utf8(output.stdout)
        .map_err(|error| format!("{relative}: stdout is not UTF-8: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "{relative}: korpu exited with {}\n--- stderr\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(stdout)
}

/// A short unified-style diff: the common head and tail are skipped, and the lines in
/// between are shown as `-expected` / `+actual` with a little context.
fn diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let tail =
        old[head..].iter().rev().zip(new[head..].iter().rev()).take_while(|(a, b)| a == b).count();
    let removed = &old[head..old.len() - tail];
    let added = &new[head..new.len() - tail];
    let context_start = head.saturating_sub(2);
    let mut text = format!("@@ -{},{} +{},{} @@\n", head + 1, removed.len(), head + 1, added.len());
    for line in &old[context_start..head] {
        text.push_str(&format!(" {line}\n"));
    }
    for line in removed.iter().take(DIFF_LINES) {
        text.push_str(&format!("-{line}\n"));
    }
    if removed.len() > DIFF_LINES {
        text.push_str(&format!("-… {} more expected line(s)\n", removed.len() - DIFF_LINES));
    }
    for line in added.iter().take(DIFF_LINES) {
        text.push_str(&format!("+{line}\n"));
    }
    if added.len() > DIFF_LINES {
        text.push_str(&format!("+… {} more actual line(s)\n", added.len() - DIFF_LINES));
    }
    if removed.is_empty() && added.is_empty() {
        text.push_str("(the texts differ only in their final newline)\n");
    }
    text
}

#[test]
fn every_script_prints_its_expected_output() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some_and(|value| value == "1");
    let scripts = scripts();
    assert!(
        scripts.len() >= MINIMUM_SCRIPTS,
        "expected at least {MINIMUM_SCRIPTS} scripts in queries/, found {}",
        scripts.len()
    );
    let mut failures = Vec::new();
    for script in &scripts {
        let name = stem(script);
        let actual = match run_script(script, &[]) {
            Ok(actual) => actual,
            Err(message) => {
                failures.push(message);
                continue;
            }
        };
        let expected_file = expected_path(&name);
        if update {
            std::fs::create_dir_all(expected_file.parent().unwrap()).unwrap();
            std::fs::write(&expected_file, &actual)
                .unwrap_or_else(|error| panic!("writing {}: {error}", expected_file.display()));
            continue;
        }
        match std::fs::read_to_string(&expected_file) {
            Err(error) => failures.push(format!(
                "queries/{name}.cypher has no expected output (queries/expected/{name}.txt: {error}); check the output against the document, then run with UPDATE_EXPECT=1"
            )),
            Ok(expected) if expected != actual => {
                failures.push(format!("queries/{name}.cypher: output differs from queries/expected/{name}.txt\n{}", diff(&expected, &actual)))
            }
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} script(s) failed:\n\n{}",
        failures.len(),
        scripts.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_expected_file_belongs_to_a_script() {
    let names: Vec<String> = scripts().iter().map(|script| stem(script)).collect();
    let orphans: Vec<String> = std::fs::read_dir(manifest_dir().join("queries").join("expected"))
        .expect("the queries/expected/ folder is readable")
        .map(|entry| entry.expect("a queries/expected/ entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "txt"))
        .map(|path| stem(&path))
        .filter(|name| !names.contains(name))
        .collect();
    assert!(orphans.is_empty(), "expected files without a script in queries/: {orphans:?}");
}

#[test]
fn a_command_line_param_overrides_the_scripts_own() {
    let script = manifest_dir().join("queries").join("03_baltic_partners.cypher");
    let source = std::fs::read_to_string(&script).unwrap();
    assert!(source.contains(":param region 'Baltics'"), "the script should default to the Baltics");
    let default = run_script(&script, &[]).unwrap_or_else(|message| panic!("{message}"));
    let europe = run_script(&script, &["--param", "region='Europe'"])
        .unwrap_or_else(|message| panic!("{message}"));
    assert_ne!(default, europe, "--param region='Europe' did not change the output");
    assert!(
        !default.contains("Starsburq-Azərbaycan Evi"),
        "the Baltics answer should not list the Strasbourg house:\n{default}"
    );
    assert!(
        europe.contains("Starsburq-Azərbaycan Evi"),
        "the Europe answer should list the Strasbourg house in France:\n{europe}"
    );
    assert!(
        europe.contains("Milli QHT Forumu"),
        "the Baltic partners are in Europe too:\n{europe}"
    );
}

#[test]
fn the_diff_shows_the_first_differing_lines() {
    let report = diff("a\nb\nc\nd\n", "a\nb\nX\nd\n");
    assert_eq!(report, "@@ -3,1 +3,1 @@\n a\n b\n-c\n+X\n");
}
