//! `LOAD CSV … AS row`: binds `row` and the two hidden variables that `linenumber()`
//! and `file()` read, and checks `FIELDTERMINATOR` before anything runs.
//!
//! Knows nothing of files: the executor opens them through the `Control`'s import
//! directory.

use crate::graph::Value;
use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

/// Hidden names (a space never starts a variable) of the slots holding where the
/// current record comes from.
const LINE: &str = " linenumber";
const FILE: &str = " file";

impl Planner<'_> {
    pub(super) fn plan_load_csv(
        &mut self,
        input: Op,
        clause: &ast::LoadCsv,
        scope: &mut Scope,
    ) -> Result<Op, PlanError> {
        let url = self.plan_expr(&clause.url, scope, Context::Plain)?;
        let field_terminator = match &clause.field_terminator {
            None => b',',
            Some(terminator) => field_terminator(terminator)?,
        };
        let slot = self.bind_fresh(scope, &clause.variable, VarKind::Value)?;
        let line_slot = self.new_slot(LINE);
        let file_slot = self.new_slot(FILE);
        scope.bind(LINE, line_slot, VarKind::Known("Integer"));
        scope.bind(FILE, file_slot, VarKind::Known("String"));
        Ok(Op::LoadCsv(LoadCsv {
            input: Box::new(input),
            url,
            with_headers: clause.with_headers,
            field_terminator,
            slot,
            line_slot,
            file_slot,
        }))
    }
}

/// The argument `linenumber()` or `file()` is planned with: the hidden slot of the
/// `LOAD CSV` in scope, or null outside one (as Neo4j answers).
pub(super) fn load_csv_position(function: Function, scope: &Scope, span: Span) -> Expr {
    let name = if function == Function::File { FILE } else { LINE };
    let kind = match scope.get(name) {
        Some((slot, _)) => ExprKind::Slot(slot),
        None => ExprKind::Constant(Value::Null),
    };
    Expr { kind, span }
}

/// Carries the hidden variables across `WITH`, so `linenumber()` and `file()` answer
/// after it as in Neo4j (null once an aggregation has merged the records' rows).
pub(super) fn keep_load_csv_position(before: &Scope, after: &mut Scope) {
    for name in [LINE, FILE] {
        if let Some((slot, kind)) = before.get(name) {
            after.bind(name, slot, kind);
        }
    }
}

/// `FIELDTERMINATOR` must be a string literal of one ASCII character (`';'`, `'\t'`).
fn field_terminator(terminator: &ast::Expr) -> Result<u8, PlanError> {
    if let ast::ExprKind::Literal(ast::Literal::String(text)) = &terminator.kind
        && let [byte] = text.as_bytes()
        && byte.is_ascii()
    {
        return Ok(*byte);
    }
    Err(syntax(
        ErrorCode::InvalidArgumentType,
        "FIELDTERMINATOR must be a string of one ASCII character, such as ';' or '\\t'",
        terminator.span,
    ))
}
