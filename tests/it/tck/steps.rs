//! The step definitions: what each Gherkin step of the TCK means, and one scenario's
//! state (graph, parameters, procedures, the query under test and its outcome, the graph
//! before and after it for side effects) while its steps run.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use korpu::graph::{Graph, Value};
use korpu::query::error::QueryError;
use korpu::query::procedures::{Procedure, Procedures};
use korpu::query::{Control, Params, QueryResult};

use super::QUERY_TIMEOUT;
use super::gherkin::{Scenario, Step, StepArgument};
use super::isolation::CURRENT_QUERY;
use super::report::Outcome;
use super::values::{
    ListOrder, TckValue, from_engine, parse_tck_value, same_multiset, tck_equal, to_engine,
};

/// The steps this harness understands.
pub(super) enum StepKind {
    EmptyGraph,
    NamedGraph(String),
    HavingExecuted,
    Parameters,
    ExecutingQuery,
    /// `there exists a procedure NAME(…) :: (…)` with its rows: the TCK's test procedures.
    Procedure(String),
    ResultInAnyOrder(ListOrder),
    ResultInOrder(ListOrder),
    ResultEmpty,
    ErrorRaised {
        kind: String,
        phase: String,
        code: String,
    },
    NoSideEffects,
    SideEffects,
}

pub(super) fn classify(step: &Step) -> Option<StepKind> {
    let text = step.text.trim();
    let kind = match text {
        "an empty graph" | "any graph" => StepKind::EmptyGraph,
        "having executed:" => StepKind::HavingExecuted,
        "parameters are:" => StepKind::Parameters,
        // A control query checks the graph a write left behind; its result is the one the
        // following steps compare.
        "executing query:" | "executing control query:" => StepKind::ExecutingQuery,
        "the result should be, in any order:" => StepKind::ResultInAnyOrder(ListOrder::Significant),
        "the result should be (ignoring element order for lists):" => {
            StepKind::ResultInAnyOrder(ListOrder::Ignored)
        }
        "the result should be, in order:" => StepKind::ResultInOrder(ListOrder::Significant),
        "the result should be, in order (ignoring element order for lists):" => {
            StepKind::ResultInOrder(ListOrder::Ignored)
        }
        "the result should be empty" => StepKind::ResultEmpty,
        "no side effects" => StepKind::NoSideEffects,
        "the side effects should be:" => StepKind::SideEffects,
        _ => {
            if let Some(name) =
                text.strip_prefix("the ").and_then(|rest| rest.strip_suffix(" graph"))
                && !name.is_empty()
                && !name.contains(' ')
            {
                return Some(StepKind::NamedGraph(name.to_string()));
            }
            if let Some(signature) = text.strip_prefix("there exists a procedure ") {
                return Some(StepKind::Procedure(signature.trim_end_matches(':').to_string()));
            }
            let rest = text.strip_prefix("a ").or_else(|| text.strip_prefix("an "))?;
            let (kind, rest) = rest.split_once(" should be raised at ")?;
            let (phase, code) = rest.split_once(':')?;
            StepKind::ErrorRaised {
                kind: kind.trim().to_string(),
                phase: phase.trim().to_string(),
                code: code.trim().to_string(),
            }
        }
    };
    Some(kind)
}

pub(super) fn unsupported_step(scenario: &Scenario) -> Option<String> {
    scenario.steps.iter().find(|step| classify(step).is_none()).map(|step| {
        format!("unsupported step `{} {}` (line {})", step.keyword, step.text, step.line)
    })
}

/// One scenario's state while its steps run.
pub(super) struct ScenarioRunner {
    tck_dir: PathBuf,
    graph: Graph,
    params: Params,
    /// The built-ins and the scenario's test procedures.
    procedures: Arc<Procedures>,
    current_query: Option<String>,
    /// The query under test's outcome, once `executing query` ran.
    result: Option<Result<QueryResult, QueryError>>,
    /// The graph as it was just before the query under test, for its side effects.
    state_before: Option<GraphState>,
    /// The graph just after the query under test (a control query does not count).
    state_after: Option<GraphState>,
    code_note: Option<String>,
}

impl ScenarioRunner {
    pub(super) fn new(tck_dir: PathBuf) -> Self {
        ScenarioRunner {
            tck_dir,
            graph: Graph::default(),
            params: Params::new(),
            procedures: Arc::new(Procedures::default()),
            current_query: None,
            result: None,
            state_before: None,
            state_after: None,
            code_note: None,
        }
    }

    pub(super) fn run(&mut self, scenario: &Scenario) -> Outcome {
        for step in &scenario.steps {
            let kind =
                classify(step).expect("scenarios with unsupported steps fail before running");
            if let Err(reason) = self.step(kind, step) {
                return Outcome::Failed {
                    query: self.current_query.clone(),
                    reason: format!(
                        "step `{} {}` (line {}): {reason}",
                        step.keyword, step.text, step.line
                    ),
                };
            }
        }
        if self.result.is_none() {
            return Outcome::Failed {
                query: None,
                reason: "the scenario never executed a query".into(),
            };
        }
        Outcome::Passed { code_note: self.code_note.take() }
    }

    fn step(&mut self, kind: StepKind, step: &Step) -> Result<(), String> {
        match kind {
            StepKind::EmptyGraph => {
                self.graph = Graph::default();
                Ok(())
            }
            StepKind::NamedGraph(name) => self.load_named_graph(&name),
            StepKind::HavingExecuted => {
                let text = doc_string(step)?;
                self.set_current_query(Some(text.to_string()));
                for statement in split_statements(text) {
                    self.execute(&statement).map_err(|error| {
                        format!("setup query failed: {}", describe_error(&error))
                    })?;
                }
                self.set_current_query(None);
                Ok(())
            }
            StepKind::Parameters => {
                for row in table(step)? {
                    let [name, value] = row.as_slice() else {
                        return Err("a parameter row needs two cells".into());
                    };
                    let parsed = parse_tck_value(value)
                        .map_err(|error| format!("harness: parameter {name}: {error}"))?;
                    self.params.insert(name.clone(), to_engine(&parsed)?);
                }
                Ok(())
            }
            StepKind::Procedure(signature) => self.register_procedure(&signature, table(step)?),
            StepKind::ExecutingQuery => {
                let text = doc_string(step)?.to_string();
                let is_control = step.text.contains("control");
                self.set_current_query(Some(text.clone()));
                if !is_control {
                    self.state_before = Some(GraphState::of(&self.graph));
                }
                self.result = Some(self.execute(&text));
                if !is_control {
                    self.state_after = Some(GraphState::of(&self.graph));
                }
                Ok(())
            }
            StepKind::ResultInAnyOrder(list_order) => {
                self.check_rows(table(step)?, false, list_order)
            }
            StepKind::ResultInOrder(list_order) => self.check_rows(table(step)?, true, list_order),
            StepKind::ResultEmpty => {
                let result = self.successful_result()?;
                if result.rows.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "expected no rows, got:\n{}",
                        self.render_rows(&result.columns, &result.rows)
                    ))
                }
            }
            StepKind::ErrorRaised { kind, phase, code } => self.check_error(&kind, &phase, &code),
            StepKind::NoSideEffects => self.check_side_effects(&[]),
            StepKind::SideEffects => self.check_side_effects(table(step)?),
        }
    }

    fn set_current_query(&mut self, query: Option<String>) {
        CURRENT_QUERY.with(|slot| slot.borrow_mut().clone_from(&query));
        self.current_query = query;
    }

    /// Registers a TCK test procedure: its signature, and a table whose header names the
    /// inputs then the outputs, each row one answer.
    fn register_procedure(&mut self, signature: &str, table: &[Vec<String>]) -> Result<(), String> {
        let rows = table
            .iter()
            .skip(1)
            .map(|row| {
                row.iter()
                    .map(|cell| {
                        parse_tck_value(cell)
                            .and_then(|value| to_engine(&value))
                            .map_err(|error| format!("harness: procedure row: {error}"))
                    })
                    .collect::<Result<Vec<Value>, String>>()
            })
            .collect::<Result<Vec<_>, String>>()?;
        let procedure =
            Procedure::from_table(signature, rows).map_err(|error| format!("harness: {error}"))?;
        Arc::make_mut(&mut self.procedures).register(procedure);
        Ok(())
    }

    fn execute(&mut self, text: &str) -> Result<QueryResult, QueryError> {
        let mut control = Control::with_timeout(QUERY_TIMEOUT);
        control.procedures = self.procedures.clone();
        korpu::query::run(&mut self.graph, text, &self.params, &control)
    }

    fn load_named_graph(&mut self, name: &str) -> Result<(), String> {
        let path = self.tck_dir.join("graphs").join(name).join(format!("{name}.cypher"));
        let script = std::fs::read_to_string(&path).map_err(|error| {
            format!("harness: cannot read graph script {}: {error}", path.display())
        })?;
        self.graph = Graph::default();
        for statement in split_statements(&script) {
            self.execute(&statement).map_err(|error| {
                format!("creating the {name} graph failed: {}", describe_error(&error))
            })?;
        }
        Ok(())
    }

    fn query_outcome(&self) -> Result<&Result<QueryResult, QueryError>, String> {
        self.result
            .as_ref()
            .ok_or_else(|| "harness: no query was executed before this step".to_string())
    }

    fn successful_result(&self) -> Result<&QueryResult, String> {
        match self.query_outcome()? {
            Ok(result) => Ok(result),
            Err(error) => {
                Err(format!("expected a result, but the query failed: {}", describe_error(error)))
            }
        }
    }

    fn check_rows(
        &self,
        table: &[Vec<String>],
        ordered: bool,
        list_order: ListOrder,
    ) -> Result<(), String> {
        let result = self.successful_result()?;
        let (header, expected_cells) =
            table.split_first().ok_or("harness: result table has no header")?;
        let mut expected_rows = Vec::with_capacity(expected_cells.len());
        for row in expected_cells {
            let parsed = row
                .iter()
                .map(|cell| {
                    parse_tck_value(cell)
                        .map_err(|error| format!("harness: expected value: {error}"))
                })
                .collect::<Result<Vec<_>, _>>()?;
            expected_rows.push(parsed);
        }
        let actual_rows: Vec<Vec<TckValue>> = result
            .rows
            .iter()
            .map(|row| row.iter().map(|value| from_engine(value, &self.graph)).collect())
            .collect();

        let columns_match = header.as_slice() == result.columns.as_slice();
        let rows_equal = |left: &Vec<TckValue>, right: &Vec<TckValue>| {
            left.len() == right.len()
                && left.iter().zip(right).all(|(a, b)| tck_equal(a, b, list_order))
        };
        let rows_match = if ordered {
            expected_rows.len() == actual_rows.len()
                && expected_rows
                    .iter()
                    .zip(&actual_rows)
                    .all(|(left, right)| rows_equal(left, right))
        } else {
            same_multiset(&expected_rows, &actual_rows, rows_equal)
        };
        if columns_match && rows_match {
            return Ok(());
        }
        let mut message = String::new();
        if !columns_match {
            let _ =
                writeln!(message, "columns differ: expected {header:?}, got {:?}", result.columns);
        }
        let _ = writeln!(
            message,
            "expected{}:\n{}",
            if ordered { " (in order)" } else { "" },
            render_table(header, &expected_rows)
        );
        let _ = write!(message, "actual:\n{}", render_table(&result.columns, &actual_rows));
        Err(message)
    }

    fn render_rows(&self, columns: &[String], rows: &[Vec<korpu::graph::Value>]) -> String {
        let described: Vec<Vec<TckValue>> = rows
            .iter()
            .map(|row| row.iter().map(|value| from_engine(value, &self.graph)).collect())
            .collect();
        render_table(columns, &described)
    }

    fn check_error(&mut self, kind: &str, phase: &str, code: &str) -> Result<(), String> {
        let error = match self.query_outcome()? {
            Ok(result) => {
                return Err(format!(
                    "expected a {kind} at {phase} ({code}), but the query succeeded with:\n{}",
                    self.render_rows(&result.columns, &result.rows)
                ));
            }
            Err(error) => error,
        };
        let kind_matches = error.kind().name() == kind;
        let phase_matches = phase == "any time" || error.phase().name() == phase;
        if !kind_matches || !phase_matches {
            return Err(format!(
                "expected a {kind} at {phase} ({code}), got {}",
                describe_error(error)
            ));
        }
        if code != "*" && error.code().as_str() != code {
            self.code_note =
                Some(format!("expected detail code {code}, got {}", describe_error(error)));
        }
        Ok(())
    }

    fn check_side_effects(&self, table: &[Vec<String>]) -> Result<(), String> {
        let mut expected: BTreeMap<&str, usize> = BTreeMap::new();
        for row in table {
            let [key, count] = row.as_slice() else {
                return Err("a side-effect row needs two cells".into());
            };
            let count =
                count.parse().map_err(|_| format!("harness: side-effect count `{count}`"))?;
            expected.insert(key.as_str(), count);
        }
        let (Some(before), Some(after)) = (&self.state_before, &self.state_after) else {
            return Err("harness: no query was executed before this step".into());
        };
        // As the TCK defines them: differences between the graph before and after.
        let actual: [(&str, usize); 8] = [
            ("+nodes", after.nodes.difference(&before.nodes).count()),
            ("-nodes", before.nodes.difference(&after.nodes).count()),
            ("+relationships", after.relationships.difference(&before.relationships).count()),
            ("-relationships", before.relationships.difference(&after.relationships).count()),
            ("+properties", after.properties.difference(&before.properties).count()),
            ("-properties", before.properties.difference(&after.properties).count()),
            ("+labels", after.labels.difference(&before.labels).count()),
            ("-labels", before.labels.difference(&after.labels).count()),
        ];
        if let Some(unknown) =
            expected.keys().find(|key| !actual.iter().any(|(name, _)| name == *key))
        {
            return Err(format!("harness: unknown side-effect key `{unknown}`"));
        }
        let differences: Vec<String> = actual
            .iter()
            .filter_map(|(name, count)| {
                let wanted = expected.get(name).copied().unwrap_or(0);
                (wanted != *count).then(|| format!("{name}: expected {wanted}, got {count}"))
            })
            .collect();
        if differences.is_empty() {
            Ok(())
        } else {
            Err(format!("side effects differ: {}", differences.join(", ")))
        }
    }
}

/// What the TCK's side effects compare: element ids, the label names in use, and every
/// property as (element, key, value).
pub(super) struct GraphState {
    nodes: BTreeSet<u32>,
    relationships: BTreeSet<u32>,
    labels: BTreeSet<String>,
    properties: BTreeSet<(char, u32, String, String)>,
}

impl GraphState {
    fn of(graph: &Graph) -> GraphState {
        let mut state = GraphState {
            nodes: BTreeSet::new(),
            relationships: BTreeSet::new(),
            labels: BTreeSet::new(),
            properties: BTreeSet::new(),
        };
        for node in graph.nodes() {
            state.nodes.insert(node.0);
            state.labels.extend(graph.node_labels(node).map(str::to_owned));
            for (key, value) in graph.node_properties(node) {
                state.properties.insert(('n', node.0, key.to_owned(), format!("{value:?}")));
            }
        }
        for edge in graph.edges() {
            state.relationships.insert(edge.0);
            for (key, value) in graph.edge_properties(edge) {
                state.properties.insert(('r', edge.0, key.to_owned(), format!("{value:?}")));
            }
        }
        state
    }
}

pub(super) fn doc_string(step: &Step) -> Result<&str, String> {
    match &step.argument {
        StepArgument::DocString(text) => Ok(text),
        _ => Err("harness: this step needs a doc string".into()),
    }
}

pub(super) fn table(step: &Step) -> Result<&[Vec<String>], String> {
    match &step.argument {
        StepArgument::Table(rows) => Ok(rows),
        _ => Err("harness: this step needs a table".into()),
    }
}

pub(super) fn describe_error(error: &QueryError) -> String {
    format!(
        "{} at {} ({}): {}",
        error.kind().name(),
        error.phase().name(),
        error.code(),
        error.message()
    )
}

pub(super) fn render_table(columns: &[String], rows: &[Vec<TckValue>]) -> String {
    let mut out = format!("  | {} |", columns.join(" | "));
    if rows.is_empty() {
        out.push_str("\n  (no rows)");
    }
    for row in rows {
        let cells: Vec<String> = row.iter().map(ToString::to_string).collect();
        let _ = write!(out, "\n  | {} |", cells.join(" | "));
    }
    out
}

/// Splits a script at `;` outside quotes, backticks and comments; drops empty pieces.
pub(super) fn split_statements(script: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut current = String::new();
    let mut chars = script.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(character) = chars.next() {
        current.push(character);
        match quote {
            Some(open) => {
                if character == '\\' && open != '`' {
                    if let Some(next) = chars.next() {
                        current.push(next);
                    }
                } else if character == open {
                    quote = None;
                }
            }
            None => match character {
                '\'' | '"' | '`' => quote = Some(character),
                '/' if chars.peek() == Some(&'/') => {
                    for rest in chars.by_ref() {
                        current.push(rest);
                        if rest == '\n' {
                            break;
                        }
                    }
                }
                ';' => {
                    current.pop();
                    statements.push(std::mem::take(&mut current));
                }
                _ => {}
            },
        }
    }
    statements.push(current);
    statements.into_iter().filter(|statement| !statement.trim().is_empty()).collect()
}
