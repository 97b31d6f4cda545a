//! The openCypher TCK harness: runs every scenario of the TCK feature files against the
//! engine and compares the scenarios that do not pass with the checked-in list
//! `tests/tck-expected-failures.txt`, one line per scenario with the reason in a word.
//!
//! Owns the step definitions (graphs, setup queries, parameters, the query under test,
//! result / error / side-effect expectations), per-scenario isolation (own thread, query
//! deadline, watchdog, panics caught and reported as failures) and the report. A step the
//! harness does not know fails its scenario: nothing is skipped, so every scenario of every
//! file is counted.
//!
//! The feature files are vendored in `tests/tck/` (Apache-2.0, licence beside them) so that
//! `cargo test` needs nothing outside the repository; `tck_matches_upstream` checks the copy
//! against the development TCK the project is given (`../shared/tck`), and under `CI` a
//! missing upstream copy is a failure.
//!
//! Environment: `KORPU_TCK_DIR` (run another copy; the list is then not checked),
//! `TCK_FILTER=text` (only feature paths or scenario names containing `text`; the list is
//! then not checked), `TCK_VERBOSE=1` (print every failure in detail), `TCK_UPDATE=1`
//! (rewrite the list from this run, keeping the reasons of scenarios still listed).
//!
//! The harness is a folder by concern: this file finds the feature files and checks the
//! run against the list; `gherkin` reads feature files, `values` reads and compares the
//! TCK's values, `steps` runs one scenario's steps (graphs, queries, results, side
//! effects), `isolation` gives each scenario its own thread, watchdog and panic capture,
//! `report` counts outcomes and prints them, and `expected` reads, writes and compares the
//! expected-failure list.

mod expected;
mod gherkin;
#[cfg(test)]
mod harness_tests;
mod isolation;
mod report;
mod steps;
mod values;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use expected::{differences, parse_expected_failures, render_expected_failures, scenario_key};
use isolation::run_isolated;
use report::Report;

/// Time one query may run before the engine is asked to stop.
pub(super) const QUERY_TIMEOUT: Duration = Duration::from_secs(10);
/// Time a whole scenario may take before it is abandoned as hung.
pub(super) const SCENARIO_WATCHDOG: Duration = Duration::from_secs(60);
/// Scenarios run on their own thread; deep recursion in the engine should fail, not abort.
pub(super) const SCENARIO_STACK_BYTES: usize = 64 * 1024 * 1024;
/// The checked-in list of scenarios known not to pass, relative to the crate root.
pub(super) const EXPECTED_FAILURES: &str = "tests/tck-expected-failures.txt";

pub(super) fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn vendored_tck() -> PathBuf {
    manifest_dir().join("tests/tck")
}

fn on_ci() -> bool {
    std::env::var_os("CI").is_some_and(|value| !value.is_empty() && value != "false")
}

#[test]
fn tck() {
    let override_dir = std::env::var_os("KORPU_TCK_DIR").map(PathBuf::from);
    let tck_dir = override_dir.clone().unwrap_or_else(vendored_tck);
    let features_dir = tck_dir.join("features");
    assert!(
        features_dir.is_dir(),
        "the openCypher TCK is missing: no directory {}",
        features_dir.display()
    );
    let filter = std::env::var("TCK_FILTER").ok().filter(|text| !text.is_empty());
    let verbose = flag("TCK_VERBOSE");

    let mut feature_files = Vec::new();
    collect_feature_files(&features_dir, &mut feature_files);
    feature_files.sort();
    assert!(!feature_files.is_empty(), "no .feature file under {}", features_dir.display());

    let mut report = Report::default();
    for file in &feature_files {
        let relative =
            file.strip_prefix(&features_dir).unwrap_or(file).to_string_lossy().replace('\\', "/");
        let folder = relative.rsplit_once('/').map_or("", |(folder, _)| folder).to_string();
        let text = std::fs::read_to_string(file)
            .unwrap_or_else(|error| panic!("reading {relative}: {error}"));
        let feature = match gherkin::parse_feature(&text) {
            Ok(feature) => feature,
            Err(error) => panic!("the harness cannot read {relative}: {error}"),
        };
        let mut seen_names: BTreeMap<String, usize> = BTreeMap::new();
        for scenario in feature.scenarios {
            // Outline rows may share a name; the n-th repeat gets ` #n` so each key is unique.
            let occurrence = seen_names.entry(scenario.name.clone()).or_default();
            *occurrence += 1;
            let key = scenario_key(&relative, &scenario.name, *occurrence);
            if let Some(filter) = &filter
                && !relative.contains(filter.as_str())
                && !scenario.name.contains(filter.as_str())
            {
                continue;
            }
            let outcome = run_isolated(&scenario, &tck_dir);
            report.record(&folder, key, &relative, &scenario, outcome);
        }
    }

    report.print(verbose);

    if filter.is_some() || override_dir.is_some() {
        println!("TCK_FILTER or KORPU_TCK_DIR is set: the expected-failure list is not checked.");
        return;
    }
    let list_path = manifest_dir().join(EXPECTED_FAILURES);
    let list_text = std::fs::read_to_string(&list_path).unwrap_or_default();
    let expected = parse_expected_failures(&list_text)
        .unwrap_or_else(|error| panic!("{EXPECTED_FAILURES}: {error}"));
    if flag("TCK_UPDATE") {
        std::fs::write(&list_path, render_expected_failures(&report.not_passing, &expected))
            .unwrap_or_else(|error| panic!("writing {}: {error}", list_path.display()));
        println!("TCK_UPDATE is set: {EXPECTED_FAILURES} rewritten from this run.");
        return;
    }
    let problems = differences(&report.not_passing, &expected);
    assert!(problems.is_empty(), "the TCK differs from its expected failures:\n{problems}");
}

/// The files of the vendored TCK are the ones the project is given, byte for byte: an
/// upstream update shows up here rather than going untested.
#[test]
fn tck_matches_upstream() {
    let upstream = manifest_dir().join("../shared/tck");
    if !upstream.is_dir() {
        assert!(
            !on_ci(),
            "CI must compare the vendored TCK with its source, but {} is missing",
            upstream.display()
        );
        println!("{} is absent: the vendored copy is not compared.", upstream.display());
        return;
    }
    let vendored = vendored_tck();
    let mut differences = Vec::new();
    for part in ["features", "graphs"] {
        let mut upstream_files = Vec::new();
        collect_files(&upstream.join(part), &mut upstream_files);
        let mut vendored_files = Vec::new();
        collect_files(&vendored.join(part), &mut vendored_files);
        let relative = |root: &Path, files: &[PathBuf]| -> BTreeSet<PathBuf> {
            files.iter().map(|file| file.strip_prefix(root).unwrap().to_path_buf()).collect()
        };
        let upstream_set = relative(&upstream, &upstream_files);
        let vendored_set = relative(&vendored, &vendored_files);
        for missing in upstream_set.difference(&vendored_set) {
            differences.push(format!("not vendored: {}", missing.display()));
        }
        for extra in vendored_set.difference(&upstream_set) {
            differences.push(format!("not upstream: {}", extra.display()));
        }
        for common in upstream_set.intersection(&vendored_set) {
            if std::fs::read(upstream.join(common)).ok()
                != std::fs::read(vendored.join(common)).ok()
            {
                differences.push(format!("differs: {}", common.display()));
            }
        }
    }
    for licence in ["LICENSE", "NOTICE"] {
        assert!(vendored.join(licence).is_file(), "the vendored TCK must keep its {licence}");
    }
    assert!(
        differences.is_empty(),
        "tests/tck differs from {}; copy the new files in and update {EXPECTED_FAILURES}:\n  {}",
        upstream.display(),
        differences.join("\n  ")
    );
}

fn flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|value| !value.is_empty() && value != "0")
}

fn collect_feature_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut all = Vec::new();
    collect_files(dir, &mut all);
    out.extend(all.into_iter().filter(|path| path.extension().is_some_and(|ext| ext == "feature")));
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|error| panic!("listing {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            collect_files(&path, out);
        } else {
            out.push(path);
        }
    }
}
