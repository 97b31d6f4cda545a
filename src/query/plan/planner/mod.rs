//! Planner: `ast::Statement` → `Plan`.
//!
//! Resolves every variable to a row slot and reports what openCypher rejects before
//! running (undefined variables, type conflicts, misplaced aggregation, bad `SKIP`),
//! each with the span of the offending words. Chooses where each pattern starts (an
//! equality that a declared index or the `name` index answers, else the smallest label;
//! see `chain`), expands from there and places every `WHERE` conjunct right after the
//! operator that binds its last variable.
//! Reads only statistics from the graph (label counts, known keys), never its data.

mod analysis;
mod call;
mod chain;
mod expressions;
mod load_csv;
mod patterns;
mod projection;
mod schema;
mod type_checks;
mod vocabulary;
mod writes;

use std::collections::BTreeSet;

use crate::graph::Graph;
use crate::query::error::{ErrorCode, ErrorKind, PlanError};
use crate::query::procedures::{Procedure, Procedures};
use crate::query::span::Span;
use crate::query::syntax::ast;

use super::ir::*;
use analysis::*;
use load_csv::keep_load_csv_position;
use type_checks::*;

/// Plans a parsed statement. `source` is the statement's text (column names come from
/// it); `graph` supplies statistics; `procedures` are what `CALL` may name.
pub(super) fn plan(
    statement: &ast::Statement,
    source: &str,
    graph: &Graph,
    procedures: &Procedures,
) -> Result<Plan, PlanError> {
    let mut planner = Planner {
        source,
        graph,
        procedures,
        slot_names: Vec::new(),
        preassigned: Vec::new(),
        parameters: Vec::new(),
    };
    let mode = match statement.kind {
        ast::StatementKind::Run => Mode::Run,
        ast::StatementKind::Explain => Mode::Explain,
        ast::StatementKind::Profile => Mode::Profile,
    };
    let (segments, columns) = planner.plan_query(&statement.query)?;
    Ok(Plan {
        notifications: vocabulary::unknown_names(statement, source, graph),
        parameters: planner.parameters,
        mode,
        segments,
        columns,
        slot_count: planner.slot_names.len(),
        slot_names: planner.slot_names,
    })
}

/// What a variable holds, as far as the planner knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VarKind {
    Node,
    Relationship,
    RelationshipList,
    Path,
    /// Anything: a projected expression, an `UNWIND` item.
    Value,
    /// A value whose type is known while planning (it came from a literal), by its
    /// openCypher type name.
    Known(&'static str),
}

impl VarKind {
    fn describe(self) -> &'static str {
        match self {
            VarKind::Node => "a node",
            VarKind::Relationship => "a relationship",
            VarKind::RelationshipList => "a list of relationships",
            VarKind::Path => "a path",
            VarKind::Value => "a value",
            VarKind::Known(type_name) => match type_name {
                "Integer" => "an integer",
                "Float" => "a float",
                "String" => "a string",
                "Boolean" => "a boolean",
                "List" => "a list",
                "Map" => "a map",
                _ => "a value",
            },
        }
    }

    /// The openCypher type name when known.
    fn type_name(self) -> Option<&'static str> {
        match self {
            VarKind::Node => Some("Node"),
            VarKind::Relationship => Some("Relationship"),
            VarKind::RelationshipList => Some("List"),
            VarKind::Path => Some("Path"),
            VarKind::Known(type_name) => Some(type_name),
            VarKind::Value => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Scope {
    vars: Vec<(String, Slot, VarKind)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<(Slot, VarKind)> {
        self.vars.iter().rev().find(|(var, _, _)| var == name).map(|(_, slot, kind)| (*slot, *kind))
    }

    fn bind(&mut self, name: &str, slot: Slot, kind: VarKind) {
        self.vars.retain(|(var, _, _)| var != name);
        self.vars.push((name.to_owned(), slot, kind));
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .vars
            .iter()
            .map(|(name, _, _)| name.clone())
            .filter(|name| !name.starts_with(' '))
            .collect();
        names.sort();
        names
    }
}

/// Result columns: name and the slot holding the value.
type Columns = Vec<(String, Slot)>;

fn error(kind: ErrorKind, code: ErrorCode, message: impl Into<String>, span: Span) -> PlanError {
    PlanError { kind, code, message: message.into(), span }
}

fn syntax(code: ErrorCode, message: impl Into<String>, span: Span) -> PlanError {
    error(ErrorKind::SyntaxError, code, message, span)
}

struct Planner<'a> {
    source: &'a str,
    graph: &'a Graph,
    procedures: &'a Procedures,
    slot_names: Vec<String>,
    /// Slots `MERGE` chose for the variables its create part introduces.
    preassigned: Vec<(String, Slot)>,
    /// Every parameter the statement reads, where it is first read.
    parameters: Vec<(String, Span)>,
}

/// A `WHERE` conjunct waiting for its variables to be bound.
struct Pending<'e> {
    expr: &'e ast::Expr,
    needs: BTreeSet<String>,
}

impl<'a> Planner<'a> {
    fn new_slot(&mut self, name: &str) -> Slot {
        self.slot_names.push(name.to_owned());
        self.slot_names.len() - 1
    }

    /// Binds a name the clause introduces; a name already in scope is an error.
    fn bind_fresh(
        &mut self,
        scope: &mut Scope,
        name: &ast::Ident,
        kind: VarKind,
    ) -> Result<Slot, PlanError> {
        if scope.get(&name.name).is_some() {
            return Err(syntax(
                ErrorCode::VariableAlreadyBound,
                format!("variable `{}` is already defined", name.name),
                name.span,
            ));
        }
        // `MERGE` preassigns the slots of what its create part binds (`write_slot`).
        let slot = self.write_slot(&name.name);
        scope.bind(&name.name, slot, kind);
        Ok(slot)
    }

    fn note_parameter(&mut self, name: &str, span: Span) {
        if !self.parameters.iter().any(|(known, _)| known == name) {
            self.parameters.push((name.to_owned(), span));
        }
    }

    fn anonymous_slot(&mut self, what: &str) -> Slot {
        let slot = self.slot_names.len();
        self.new_slot(&format!("{what}{slot}"))
    }

    fn plan_query(&mut self, query: &ast::Query) -> Result<(Vec<Segment>, Columns), PlanError> {
        if query.unions.is_empty() {
            return self.plan_single(&query.first);
        }
        let mut branches = Vec::new();
        let mut columns: Option<Vec<String>> = None;
        let mut output_slots = Vec::new();
        let mut distinct = false;
        let parts = std::iter::once((None, &query.first))
            .chain(query.unions.iter().map(|(kind, single)| (Some(*kind), single)));
        let mut kinds = BTreeSet::new();
        for (kind, single) in parts {
            if let Some(kind) = kind {
                kinds.insert(kind == ast::UnionKind::All);
                distinct |= kind == ast::UnionKind::Distinct;
            }
            let (mut segments, branch_columns) = self.plan_single(single)?;
            if segments.len() != 1 || segments[0].write.is_some() {
                return Err(syntax(
                    ErrorCode::UnsupportedFeature,
                    "UNION of queries that write is not supported",
                    single.span,
                ));
            }
            let names: Vec<String> = branch_columns.iter().map(|(name, _)| name.clone()).collect();
            match &columns {
                None => {
                    output_slots = names.iter().map(|name| self.new_slot(name)).collect();
                    columns = Some(names);
                }
                Some(expected) if *expected != names => {
                    return Err(syntax(
                        ErrorCode::DifferentColumnsInUnion,
                        "all parts of a UNION must return the same column names",
                        single.span,
                    ));
                }
                Some(_) => {}
            }
            let reads = segments.pop().expect("one segment").reads;
            let copies: Vec<(Slot, Expr)> = branch_columns
                .iter()
                .zip(&output_slots)
                .map(|((_, slot), output)| {
                    (*output, Expr { kind: ExprKind::Slot(*slot), span: single.span })
                })
                .collect();
            branches.push(Op::Project { input: Box::new(reads), items: copies });
        }
        if kinds.len() > 1 {
            return Err(syntax(
                ErrorCode::InvalidClauseComposition,
                "UNION and UNION ALL cannot be mixed",
                query.first.span,
            ));
        }
        let names = columns.unwrap_or_default();
        let union = Op::Union { branches, distinct, slots: output_slots.clone() };
        Ok((
            vec![Segment { reads: union, write: None }],
            names.into_iter().zip(output_slots).collect(),
        ))
    }

    fn plan_single(
        &mut self,
        query: &ast::SingleQuery,
    ) -> Result<(Vec<Segment>, Columns), PlanError> {
        let mut op = Op::Argument;
        let mut scope = Scope::default();
        let mut segments = Vec::new();
        let mut columns = Vec::new();
        let last = query.clauses.len() - 1;
        // A call alone is a standalone call: its outputs are the result.
        let standalone = matches!(query.clauses.as_slice(), [ast::Clause::Call(_)]);
        for (position, clause) in query.clauses.iter().enumerate() {
            if !columns.is_empty() {
                return Err(syntax(
                    ErrorCode::InvalidClauseComposition,
                    "RETURN must be the last clause",
                    clause.span(),
                ));
            }
            match clause {
                ast::Clause::Match(clause) => {
                    if position > 0
                        && let ast::Clause::Match(previous) = &query.clauses[position - 1]
                        && previous.optional == ast::Optionality::Optional
                        && clause.optional == ast::Optionality::Required
                    {
                        // Allowed in openCypher; nothing to check.
                    }
                    op = self.plan_match(op, clause, &mut scope)?;
                }
                ast::Clause::Unwind(unwind) => {
                    let list = self.plan_expr(&unwind.expr, &scope, Context::Plain)?;
                    let slot = self.bind_fresh(&mut scope, &unwind.variable, VarKind::Value)?;
                    op = Op::Unwind { input: Box::new(op), list, slot };
                }
                ast::Clause::LoadCsv(load) => {
                    op = self.plan_load_csv(op, load, &mut scope)?;
                }
                ast::Clause::With(projection) => {
                    if position == last {
                        return Err(syntax(
                            ErrorCode::InvalidClauseComposition,
                            "a query cannot end with WITH; add RETURN",
                            projection.span,
                        ));
                    }
                    let (next, mut next_scope, _) =
                        self.plan_projection(op, projection, &scope, ProjectionKind::With)?;
                    keep_load_csv_position(&scope, &mut next_scope);
                    op = next;
                    scope = next_scope;
                }
                ast::Clause::Return(projection) => {
                    let (next, _, names) =
                        self.plan_projection(op, projection, &scope, ProjectionKind::Return)?;
                    op = next;
                    columns = names;
                }
                ast::Clause::Show(show) => {
                    if position > 0 {
                        return Err(syntax(
                            ErrorCode::InvalidClauseComposition,
                            "SHOW comes first in a statement; it may be followed by RETURN",
                            show.span,
                        ));
                    }
                    let (next, show_columns) = self.plan_show(op, show, &mut scope)?;
                    op = next;
                    if position == last {
                        columns = show_columns;
                    }
                }
                ast::Clause::Schema(command) => {
                    if query.clauses.len() > 1 {
                        return Err(syntax(
                            ErrorCode::InvalidClauseComposition,
                            "a schema command is a statement of its own; end it with `;` before the next clause",
                            command.span(),
                        ));
                    }
                    let write = self.plan_schema_command(command)?;
                    segments.push(Segment { reads: op, write: Some(write) });
                    op = Op::Argument;
                }
                ast::Clause::Call(call) => {
                    let (next, call_columns) = self.plan_call(op, call, &mut scope, standalone)?;
                    op = next;
                    if standalone {
                        columns = call_columns;
                    }
                }
                ast::Clause::Create(_)
                | ast::Clause::Merge(_)
                | ast::Clause::Set(_)
                | ast::Clause::Remove(_)
                | ast::Clause::Delete(_) => {
                    let write = self.plan_write(clause, &mut scope)?;
                    segments.push(Segment { reads: op, write: Some(write) });
                    op = Op::Argument;
                }
            }
        }
        let ends_with_write = query.clauses.last().is_some_and(ast::Clause::writes);
        if columns.is_empty() && !ends_with_write && !standalone {
            let span = query.clauses.last().map_or(query.span, ast::Clause::span);
            return Err(syntax(
                ErrorCode::InvalidClauseComposition,
                "a query must end with RETURN (or with a write clause)",
                span,
            ));
        }
        if !ends_with_write {
            segments.push(Segment { reads: op, write: None });
        }
        Ok((segments, columns))
    }

    // -----------------------------------------------------------------------------------
    // MATCH

    fn plan_match(
        &mut self,
        input: Op,
        clause: &ast::Match,
        scope: &mut Scope,
    ) -> Result<Op, PlanError> {
        if clause.optional == ast::Optionality::Optional {
            let before: BTreeSet<Slot> = scope.vars.iter().map(|(_, slot, _)| *slot).collect();
            let inner = self.plan_pattern(
                Op::Argument,
                &clause.pattern,
                clause.where_clause.as_ref(),
                scope,
                PatternUse::Match,
            )?;
            let nullable: Vec<Slot> = scope
                .vars
                .iter()
                .map(|(_, slot, _)| *slot)
                .filter(|slot| !before.contains(slot))
                .collect();
            return Ok(Op::Optional { input: Box::new(input), inner: Box::new(inner), nullable });
        }
        self.plan_pattern(
            input,
            &clause.pattern,
            clause.where_clause.as_ref(),
            scope,
            PatternUse::Match,
        )
    }
}

/// Where a pattern appears; patterns in expressions may not introduce path variables etc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatternUse {
    Match,
    Predicate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProjectionKind {
    With,
    Return,
}

/// Where an expression appears, for what it may contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    /// Aggregation not allowed.
    Plain,
    /// Inside a projection item: aggregation allowed (handled by the caller).
    Projection,
}
