//! `CALL`: resolves the procedure by name, checks the number of arguments, and binds the
//! outputs `YIELD` names (every output, for a standalone call without `YIELD`).

use super::*;
use crate::query::plan::ir::ProcedureCall;

impl Planner<'_> {
    /// Plans one `CALL` over `input`. A standalone call (the statement's only clause) may
    /// take its arguments from parameters, may `YIELD *`, and returns its outputs as the
    /// result's columns.
    pub(super) fn plan_call(
        &mut self,
        input: Op,
        call: &ast::Call,
        scope: &mut Scope,
        standalone: bool,
    ) -> Result<(Op, Columns), PlanError> {
        let name = &call.name.name;
        let Some(procedure) = self.procedures.get(name).cloned() else {
            return Err(error(
                ErrorKind::ProcedureError,
                ErrorCode::ProcedureNotFound,
                format!("there is no procedure `{name}`"),
                call.name.span,
            ));
        };
        let signature = &procedure.signature;
        let args = match &call.args {
            Some(args) => {
                if args.len() != signature.inputs.len() {
                    return Err(syntax(
                        ErrorCode::InvalidNumberOfArguments,
                        format!(
                            "`{signature}` takes {} argument(s), but {} were given",
                            signature.inputs.len(),
                            args.len()
                        ),
                        call.span,
                    ));
                }
                let planned = args
                    .iter()
                    .map(|arg| self.plan_expr(arg, scope, Context::Plain))
                    .collect::<Result<Vec<_>, _>>()?;
                check_literal_arguments(&procedure, &planned)?;
                planned
            }
            // `CALL proc` alone takes each input from the parameter of the same name.
            None if standalone => {
                let inputs: Vec<String> =
                    signature.inputs.iter().map(|field| field.name.clone()).collect();
                inputs
                    .into_iter()
                    .map(|input| {
                        self.note_parameter(&input, call.name.span);
                        Expr { kind: ExprKind::Parameter(input), span: call.name.span }
                    })
                    .collect()
            }
            None => {
                return Err(syntax(
                    ErrorCode::InvalidArgumentPassingMode,
                    format!(
                        "`{name}` is called inside a query, so its arguments must be given in parentheses"
                    ),
                    call.span,
                ));
            }
        };
        if let Some(yields) = &call.yields
            && yields.star
            && !standalone
        {
            return Err(syntax(
                ErrorCode::UnexpectedSyntax,
                "YIELD * is allowed only in a standalone CALL; name the outputs",
                yields.span,
            ));
        }
        // Without `YIELD`, a standalone call binds every output; one in a query, nothing.
        let unyielded = if standalone { Unyielded::Every } else { Unyielded::Nothing };
        let no_output = |output: &str, span: Span| {
            syntax(
                ErrorCode::UndefinedVariable,
                format!(
                    "`{name}` has no output `{output}`; it yields {}",
                    describe_outputs(&procedure)
                ),
                span,
            )
        };
        let (yields, columns) = self.plan_yield(
            &procedure,
            call.yields.as_ref(),
            unyielded,
            call.name.span,
            scope,
            no_output,
        )?;
        let op = Op::Call(ProcedureCall { input: Box::new(input), procedure, args, yields });
        let predicate = call.yields.as_ref().and_then(|yields| yields.where_clause.as_ref());
        let op = self.plan_yield_where(op, predicate, scope)?;
        Ok((op, columns))
    }

    /// Binds the outputs a call's `YIELD` names (with `AS`), all for `*`, `unyielded` without it.
    pub(super) fn plan_yield(
        &mut self,
        procedure: &Procedure,
        yields: Option<&ast::Yield>,
        unyielded: Unyielded<'_>,
        span: Span,
        scope: &mut Scope,
        no_output: impl Fn(&str, Span) -> PlanError,
    ) -> Result<(Vec<(usize, Slot)>, Columns), PlanError> {
        // Outputs bound under their own names carry `span`; `no_output` words the error for
        // a name the procedure does not yield.
        let position_of = |name: &str, span: Span| {
            output_position(procedure, name).ok_or_else(|| no_output(name, span))
        };
        // Which outputs are bound, and to which variable names.
        let chosen: Vec<(usize, ast::Ident)> = match (yields, unyielded) {
            (Some(yields), _) if !yields.star => yields
                .items
                .iter()
                .map(|item| {
                    Ok((position_of(&item.output.name, item.output.span)?, item.variable().clone()))
                })
                .collect::<Result<_, PlanError>>()?,
            (Some(_), _) | (None, Unyielded::Every) => every_output(procedure, span),
            (None, Unyielded::Named(names)) => names
                .iter()
                .map(|name| {
                    Ok((position_of(name, span)?, ast::Ident { name: (*name).to_owned(), span }))
                })
                .collect::<Result<_, PlanError>>()?,
            (None, Unyielded::Nothing) => Vec::new(),
        };
        let mut bound = Vec::new();
        let mut columns = Vec::new();
        for (position, variable) in chosen {
            let slot = self.bind_fresh(scope, &variable, VarKind::Value)?;
            bound.push((position, slot));
            columns.push((variable.name.clone(), slot));
        }
        Ok((bound, columns))
    }

    /// The `WHERE` after a procedure call's `YIELD`, as a filter over `op`.
    pub(super) fn plan_yield_where(
        &mut self,
        op: Op,
        predicate: Option<&ast::Expr>,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        match predicate {
            Some(predicate) => {
                let predicate = self.plan_expr(predicate, scope, Context::Plain)?;
                Ok(Op::Filter { input: Box::new(op), predicate })
            }
            None => Ok(op),
        }
    }
}

/// The outputs a procedure call binds when it has no `YIELD`.
#[derive(Clone, Copy)]
pub(super) enum Unyielded<'n> {
    /// None (a call inside a query).
    Nothing,
    /// Every output, under its own name (a standalone call).
    Every,
    /// These outputs, under their own names (`SHOW`'s default columns).
    Named(&'n [&'n str]),
}

/// An argument written as a literal of the wrong type (`korpu.find(1)`) is refused before
/// running, as a function's would be; other arguments are checked when the call runs.
fn check_literal_arguments(procedure: &Procedure, args: &[Expr]) -> Result<(), PlanError> {
    for (arg, field) in args.iter().zip(&procedure.signature.inputs) {
        if let ExprKind::Constant(value) = &arg.kind
            && field.ty.coerce(value.clone()).is_err()
        {
            return Err(syntax(
                ErrorCode::InvalidArgumentType,
                format!(
                    "argument `{}` of `{}` must be {}, not {}",
                    field.name,
                    procedure.name(),
                    field.ty,
                    value.type_name()
                ),
                arg.span,
            ));
        }
    }
    Ok(())
}

/// Where the output `name` is among the procedure's outputs.
pub(super) fn output_position(procedure: &Procedure, name: &str) -> Option<usize> {
    procedure.signature.outputs.iter().position(|field| field.name == name)
}

fn every_output(procedure: &Procedure, span: Span) -> Vec<(usize, ast::Ident)> {
    procedure
        .signature
        .outputs
        .iter()
        .enumerate()
        .map(|(position, field)| (position, ast::Ident { name: field.name.clone(), span }))
        .collect()
}

fn describe_outputs(procedure: &Procedure) -> String {
    if procedure.is_void() {
        return "nothing".to_owned();
    }
    procedure
        .signature
        .outputs
        .iter()
        .map(|field| format!("`{}`", field.name))
        .collect::<Vec<_>>()
        .join(", ")
}
