//! A session: a graph, parameters and limits, and the one way statements are run for
//! the CLI, scripts and the REPL (parse → plan → execute, timed stage by stage).
//!
//! Does no printing: it hands back results, plans and timings for a renderer.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use crate::graph::{Graph, Value};
use crate::query::error::{ExecError, QueryError};
use crate::query::exec::{self, Control, Params, Profile, QueryResult};
use crate::query::plan::{self, Mode, Plan};
use crate::query::syntax;

/// What a statement produced.
#[derive(Debug)]
pub enum Outcome {
    Rows(QueryResult),
    /// `EXPLAIN`: the plan, not run.
    Explained(String),
    /// `PROFILE`: the plan with rows and time per operator, and the rows.
    Profiled(String, QueryResult),
}

impl Outcome {
    /// The rows, when the statement ran.
    pub fn result(&self) -> Option<&QueryResult> {
        match self {
            Outcome::Rows(result) | Outcome::Profiled(_, result) => Some(result),
            Outcome::Explained(_) => None,
        }
    }
}

/// How long each stage of one statement took.
#[derive(Clone, Copy, Debug, Default)]
pub struct StageTimes {
    pub parse: Duration,
    pub plan: Duration,
    pub execute: Duration,
}

/// A graph with the parameters and limits statements run under.
pub struct Session {
    pub graph: Graph,
    pub params: Params,
    pub timeout: Option<Duration>,
    /// Set by a Ctrl-C handler to cancel the statement running now.
    pub cancel: Arc<AtomicBool>,
}

impl Session {
    pub fn new(graph: Graph) -> Self {
        Session {
            graph,
            params: Params::new(),
            timeout: None,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    fn control(&self) -> Control {
        Control {
            cancel: self.cancel.clone(),
            deadline: self.timeout.map(|timeout| Instant::now() + timeout),
            ..Control::default()
        }
    }

    /// Parses and plans without running (for `:explain` and tests).
    pub fn plan(&self, text: &str) -> Result<Plan, QueryError> {
        let statement = syntax::parse(text)?;
        Ok(plan::plan(&statement, text, &self.graph)?)
    }

    /// Runs one statement, timing each stage.
    pub fn run(&mut self, text: &str) -> (Result<Outcome, QueryError>, StageTimes) {
        let mut times = StageTimes::default();
        self.cancel.store(false, std::sync::atomic::Ordering::Relaxed);
        let started = Instant::now();
        let statement = match syntax::parse(text) {
            Ok(statement) => statement,
            Err(error) => return (Err(error.into()), times),
        };
        times.parse = started.elapsed();
        let started = Instant::now();
        let planned = match plan::plan(&statement, text, &self.graph) {
            Ok(planned) => planned,
            Err(error) => return (Err(error.into()), times),
        };
        times.plan = started.elapsed();
        let control = self.control();
        let started = Instant::now();
        let outcome = match planned.mode {
            Mode::Explain => Ok(Outcome::Explained(planned.to_string())),
            Mode::Run => {
                exec::execute(&mut self.graph, &planned, &self.params, &control).map(Outcome::Rows)
            }
            Mode::Profile => {
                let profile = Profile::default();
                exec::execute_profiled(
                    &mut self.graph,
                    &planned,
                    &self.params,
                    &control,
                    Some(&profile),
                )
                .map(|result| {
                    let text = planned.render_with(&|op| {
                        profile.figures(op).map(|(rows, time)| {
                            format!("rows={rows} time={:.3}ms", time.as_secs_f64() * 1000.0)
                        })
                    });
                    Outcome::Profiled(text, result)
                })
            }
        };
        times.execute = started.elapsed();
        (outcome.map_err(|error: ExecError| error.into()), times)
    }
}

/// Parses a parameter value written as a Cypher literal (`'Bakı'`, `42`, `[1, 2]`,
/// `{name: 'x'}`), as `--param` and `:param` take them.
pub fn parse_literal(text: &str) -> Result<Value, QueryError> {
    let expr = syntax::parse_expression(text)?;
    let statement = format!("RETURN {expr} AS value");
    let mut empty = Graph::default();
    let result = crate::query::run(&mut empty, &statement, &Params::new(), &Control::default())
        .map_err(|error| {
            // Point the error at the value as the user wrote it.
            match error {
                QueryError::Plan(mut plan_error) => {
                    plan_error.span = expr.span;
                    QueryError::Plan(plan_error)
                }
                QueryError::Exec(mut exec_error) => {
                    exec_error.span = Some(expr.span);
                    QueryError::Exec(exec_error)
                }
                other => other,
            }
        })?;
    Ok(result.rows.into_iter().next().and_then(|row| row.into_iter().next()).unwrap_or(Value::Null))
}

/// Converts a JSON value (from `--params FILE`) to a query value.
pub fn value_from_json(json: &serde_json::Value) -> Value {
    match json {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(flag) => Value::Bool(*flag),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(integer) => Value::Int(integer),
            None => Value::Float(number.as_f64().unwrap_or(f64::NAN)),
        },
        serde_json::Value::String(text) => Value::from(text.as_str()),
        serde_json::Value::Array(items) => Value::List(items.iter().map(value_from_json).collect()),
        serde_json::Value::Object(entries) => Value::Map(
            entries.iter().map(|(key, item)| (key.clone(), value_from_json(item))).collect(),
        ),
    }
}
