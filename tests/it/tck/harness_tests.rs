//! Tests of the harness itself: step recognition, script splitting, isolation.

use std::path::Path;
use std::thread;
use std::time::Duration;

use super::gherkin::{self, Step, StepArgument};
use super::isolation::{CURRENT_QUERY, run_guarded, run_isolated};
use super::report::Outcome;
use super::steps::{StepKind, classify, split_statements};

#[test]
fn scripts_split_at_top_level_semicolons() {
    let pieces = split_statements("CREATE (:A {s: 'x;y'});\n CREATE (:`B;`) // c;\n;\n");
    assert_eq!(pieces.len(), 2);
    assert_eq!(pieces[0], "CREATE (:A {s: 'x;y'})");
    assert!(pieces[1].contains("CREATE (:`B;`) // c;"));
}

#[test]
fn error_steps_are_recognised() {
    let step = Step {
        keyword: "Then".into(),
        text: "a SyntaxError should be raised at compile time: UndefinedVariable".into(),
        argument: StepArgument::None,
        line: 1,
    };
    match classify(&step) {
        Some(StepKind::ErrorRaised { kind, phase, code }) => {
            assert_eq!(
                (kind.as_str(), phase.as_str(), code.as_str()),
                ("SyntaxError", "compile time", "UndefinedVariable")
            );
        }
        _ => panic!("not recognised as an error step"),
    }
    let unknown = Step { text: "the database is on fire".into(), ..step };
    assert!(classify(&unknown).is_none());
}

#[test]
fn a_panic_in_a_scenario_becomes_a_failure_with_its_message() {
    let outcome = run_guarded("panicking", Duration::from_secs(30), || {
        CURRENT_QUERY.with(|slot| *slot.borrow_mut() = Some("RETURN 1".into()));
        panic!("engine exploded");
    });
    match outcome {
        Outcome::Failed { query, reason } => {
            assert_eq!(query.as_deref(), Some("RETURN 1"));
            assert!(reason.contains("engine exploded"), "{reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_scenario_over_its_watchdog_fails() {
    let outcome = run_guarded("slow", Duration::from_millis(50), || {
        thread::sleep(Duration::from_millis(500));
        Outcome::Passed { code_note: None }
    });
    assert!(matches!(outcome, Outcome::Failed { reason, .. } if reason.contains("did not finish")));
}

#[test]
fn scenarios_with_unknown_steps_fail() {
    let feature = gherkin::parse_feature(
        "Feature: F\n  Scenario: s\n    Given a graph with a moat\n    When executing query:\n      \"\"\"\n      RETURN 1\n      \"\"\"\n",
    )
    .unwrap();
    let outcome = run_isolated(&feature.scenarios[0], Path::new("."));
    assert!(
        matches!(outcome, Outcome::Failed { reason, .. } if reason.contains("a graph with a moat"))
    );
}

#[test]
fn a_wrong_result_fails_and_a_right_one_passes() {
    let text = "Feature: F\n  Scenario: s\n    Given an empty graph\n    When executing query:\n      \"\"\"\n      UNWIND [1, 2] AS x RETURN x\n      \"\"\"\n    Then the result should be, in any order:\n      | x |\n      | 2 |\n      | EXPECTED |\n    And no side effects\n";
    let right = gherkin::parse_feature(&text.replace("EXPECTED", "1")).unwrap();
    let outcome = run_isolated(&right.scenarios[0], Path::new("."));
    assert!(matches!(outcome, Outcome::Passed { .. }), "{outcome:?}");
    for wrong in ["1.0", "3", "'1'", "null"] {
        let feature = gherkin::parse_feature(&text.replace("EXPECTED", wrong)).unwrap();
        let outcome = run_isolated(&feature.scenarios[0], Path::new("."));
        assert!(matches!(outcome, Outcome::Failed { .. }), "{wrong}: {outcome:?}");
    }
}
