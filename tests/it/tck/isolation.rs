//! Isolation: each scenario runs on its own thread with a large stack, a watchdog, and
//! its panics captured and reported as failures instead of ending the run.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use super::gherkin::Scenario;
use super::report::Outcome;
use super::steps::{ScenarioRunner, unsupported_step};
use super::{SCENARIO_STACK_BYTES, SCENARIO_WATCHDOG};

thread_local! {
    /// `Some` on scenario threads: the panic hook stores the message here instead of
    /// printing it.
    static CAPTURED_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The query a scenario thread is running, for the report should the engine panic.
    pub(super) static CURRENT_QUERY: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that keeps quiet on scenario threads and records the
/// message and location; every other thread still gets the previous hook.
pub(super) fn install_panic_capture() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if CAPTURING.with(std::cell::Cell::get) {
                CAPTURED_PANIC.with(|slot| *slot.borrow_mut() = Some(info.to_string()));
            } else {
                previous(info);
            }
        }));
    });
}

pub(super) fn run_isolated(scenario: &Scenario, tck_dir: &Path) -> Outcome {
    if let Some(reason) = unsupported_step(scenario) {
        return Outcome::Failed { query: None, reason };
    }
    let owned = scenario.clone();
    let dir = tck_dir.to_path_buf();
    run_guarded(&scenario.name, SCENARIO_WATCHDOG, move || ScenarioRunner::new(dir).run(&owned))
}

/// Runs `work` on its own thread: a panic becomes a failure carrying its message (and the
/// query then running, see `CURRENT_QUERY`), and a thread still busy after `watchdog` is
/// abandoned and reported as hung.
pub(super) fn run_guarded(
    name: &str,
    watchdog: Duration,
    work: impl FnOnce() -> Outcome + Send + 'static,
) -> Outcome {
    install_panic_capture();
    let (sender, receiver) = mpsc::channel();
    let spawned = thread::Builder::new()
        .name(format!("tck {name}"))
        .stack_size(SCENARIO_STACK_BYTES)
        .spawn(move || {
            CAPTURING.with(|flag| flag.set(true));
            let outcome = match panic::catch_unwind(AssertUnwindSafe(work)) {
                Ok(outcome) => outcome,
                Err(payload) => {
                    let message = CAPTURED_PANIC
                        .with(|slot| slot.borrow_mut().take())
                        .unwrap_or_else(|| payload_text(payload.as_ref()));
                    Outcome::Failed {
                        query: CURRENT_QUERY.with(|slot| slot.borrow().clone()),
                        reason: format!("the engine panicked: {message}"),
                    }
                }
            };
            let _ = sender.send(outcome);
        });
    if let Err(error) = spawned {
        return Outcome::Failed {
            query: None,
            reason: format!("harness could not start a thread: {error}"),
        };
    }
    match receiver.recv_timeout(watchdog) {
        Ok(outcome) => outcome,
        Err(mpsc::RecvTimeoutError::Timeout) => Outcome::Failed {
            query: None,
            reason: format!(
                "the scenario did not finish within {}s (the engine ignored the query deadline); \
                 its thread was abandoned",
                watchdog.as_secs()
            ),
        },
        Err(mpsc::RecvTimeoutError::Disconnected) => Outcome::Failed {
            query: None,
            reason: "the scenario thread ended without a verdict".into(),
        },
    }
}

pub(super) fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".into()
    }
}
