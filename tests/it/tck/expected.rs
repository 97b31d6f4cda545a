//! The expected-failure list `tests/tck-expected-failures.txt`: scenario keys, reading
//! and writing the list, and how a run differs from it.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::EXPECTED_FAILURES;

/// `file.feature: [3] Scenario name`, with ` #n` for the n-th scenario of that name.
pub(super) fn scenario_key(file: &str, name: &str, occurrence: usize) -> String {
    if occurrence > 1 { format!("{file}: {name} #{occurrence}") } else { format!("{file}: {name}") }
}

/// Reads the list: one `KEY  -- reason` per line; `#` starts a comment line.
pub(super) fn parse_expected_failures(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut entries = BTreeMap::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, reason) = line
            .rsplit_once(" -- ")
            .ok_or_else(|| format!("line {}: expected `scenario -- reason`", index + 1))?;
        if entries.insert(key.trim().to_string(), reason.trim().to_string()).is_some() {
            return Err(format!("line {}: `{}` is listed twice", index + 1, key.trim()));
        }
    }
    Ok(entries)
}

pub(super) fn render_expected_failures(
    not_passing: &BTreeMap<String, String>,
    previous: &BTreeMap<String, String>,
) -> String {
    let mut out = String::from(
        "# openCypher TCK scenarios that do not pass yet, one per line: `file: scenario -- reason`.\n\
         # The TCK test fails when a listed scenario passes or an unlisted one fails, so this\n\
         # list changes in the same commit as the behaviour. TCK_UPDATE=1 cargo test tck rewrites it.\n",
    );
    for (key, reason) in not_passing {
        let reason = previous.get(key).unwrap_or(reason);
        let _ = writeln!(out, "{key} -- {reason}");
    }
    out
}

/// What a run's failing scenarios (key → why) and the list disagree on, as a message;
/// empty when they agree.
pub(super) fn differences(
    not_passing: &BTreeMap<String, String>,
    expected: &BTreeMap<String, String>,
) -> String {
    let failing: BTreeSet<&str> = not_passing.keys().map(String::as_str).collect();
    let listed: BTreeSet<&str> = expected.keys().map(String::as_str).collect();
    let newly_failing: Vec<&str> = failing.difference(&listed).copied().collect();
    let newly_passing: Vec<&str> = listed.difference(&failing).copied().collect();
    let mut problems = String::new();
    if !newly_failing.is_empty() {
        let _ = writeln!(
            problems,
            "{} scenario(s) fail that {EXPECTED_FAILURES} does not list (regressions; \
             TCK_VERBOSE=1 shows why):",
            newly_failing.len()
        );
        for key in &newly_failing {
            let _ = writeln!(problems, "  {key}: {}", not_passing[*key]);
        }
    }
    if !newly_passing.is_empty() {
        let _ = writeln!(
            problems,
            "{} scenario(s) listed in {EXPECTED_FAILURES} now pass: remove them from the list \
             (TCK_UPDATE=1 rewrites it):",
            newly_passing.len()
        );
        for key in &newly_passing {
            let _ = writeln!(problems, "  {key}");
        }
    }
    problems
}
