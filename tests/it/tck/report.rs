//! What became of each scenario, counted per folder and printed at the end of the run.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::gherkin::Scenario;

/// What became of one scenario.
#[derive(Debug)]
pub(super) enum Outcome {
    Passed {
        /// Set when an expected error was raised, but with another detail code.
        code_note: Option<String>,
    },
    Failed {
        query: Option<String>,
        reason: String,
    },
}

#[derive(Default)]
pub(super) struct FolderCounts {
    passed: usize,
    failed: usize,
}

#[derive(Default)]
pub(super) struct Report {
    passed: usize,
    failed: usize,
    folders: BTreeMap<String, FolderCounts>,
    failures: Vec<String>,
    code_notes: Vec<String>,
    /// Key of every scenario that did not pass, with a one-word reason guessed from why.
    pub(super) not_passing: BTreeMap<String, String>,
}

impl Report {
    pub(super) fn record(
        &mut self,
        folder: &str,
        key: String,
        file: &str,
        scenario: &Scenario,
        outcome: Outcome,
    ) {
        let counts = self.folders.entry(folder.to_string()).or_default();
        let title = format!("{file}:{} {}", scenario.line, scenario.name);
        match outcome {
            Outcome::Passed { code_note } => {
                self.passed += 1;
                counts.passed += 1;
                if let Some(note) = code_note {
                    self.code_notes.push(format!("{title}\n    {note}"));
                }
            }
            Outcome::Failed { query, reason } => {
                self.failed += 1;
                counts.failed += 1;
                self.not_passing.insert(key, failure_reason(folder, query.as_deref(), &reason));
                let mut text = format!("FAILED {title}\n");
                if let Some(query) = query {
                    for line in query.lines() {
                        let _ = writeln!(text, "    | {line}");
                    }
                }
                for line in reason.lines() {
                    let _ = writeln!(text, "    {line}");
                }
                self.failures.push(text);
            }
        }
    }

    pub(super) fn print(&self, verbose: bool) {
        if verbose {
            for failure in &self.failures {
                println!("{failure}");
            }
            for note in &self.code_notes {
                println!("PASSED WITH ANOTHER ERROR CODE {note}");
            }
            println!();
        }
        let total = self.passed + self.failed;
        println!(
            "openCypher TCK: {} of {total} scenarios pass ({:.1}%), {} do not",
            self.passed,
            percent(self.passed, total),
            self.failed
        );
        let width = self.folders.keys().map(String::len).max().unwrap_or(6).max(6);
        println!("{:<width$}  {:>6}  {:>6}  {:>6}", "folder", "passed", "failed", "%");
        for (folder, counts) in &self.folders {
            println!(
                "{folder:<width$}  {:>6}  {:>6}  {:>6.1}",
                counts.passed,
                counts.failed,
                percent(counts.passed, counts.passed + counts.failed)
            );
        }
        if !self.code_notes.is_empty() {
            println!(
                "{} passing error scenarios raised the right kind of error with another detail code \
                 (TCK_VERBOSE=1 lists them).",
                self.code_notes.len()
            );
        }
        if !verbose && self.failed > 0 {
            println!("Run with TCK_VERBOSE=1 to see every failing scenario.");
        }
    }
}

pub(super) fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 100.0 } else { part as f64 * 100.0 / whole as f64 }
}

/// A short reason for a failure, for the expected-failure list; a person may refine it.
pub(super) fn failure_reason(folder: &str, query: Option<&str>, reason: &str) -> String {
    let query = query.unwrap_or("").to_uppercase();
    let mentions =
        |word: &str| query.split(|c: char| !c.is_alphanumeric() && c != '_').any(|w| w == word);
    if reason.contains("procedure") {
        "procedures".into()
    } else if folder.contains("temporal") || query.contains("DURATION") {
        if query.contains("DURATION") { "durations".into() } else { "temporal".into() }
    } else if mentions("MERGE") {
        "merge".into()
    } else if mentions("DELETE") {
        "delete".into()
    } else if mentions("SET") || mentions("REMOVE") {
        "set/remove".into()
    } else if reason.contains("side effects") {
        "side effects".into()
    } else if reason.contains("expected a") && reason.contains("succeeded") {
        "missing error".into()
    } else {
        "other".into()
    }
}
