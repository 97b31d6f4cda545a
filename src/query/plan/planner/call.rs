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
        // Which outputs are bound, and to which variable names.
        let chosen: Vec<(usize, ast::Ident)> = match &call.yields {
            Some(yields) if !yields.star => {
                let mut chosen = Vec::new();
                for item in &yields.items {
                    let position = signature
                        .outputs
                        .iter()
                        .position(|field| field.name == item.output.name)
                        .ok_or_else(|| {
                            syntax(
                                ErrorCode::UndefinedVariable,
                                format!(
                                    "`{name}` has no output `{}`; it yields {}",
                                    item.output.name,
                                    describe_outputs(&procedure)
                                ),
                                item.output.span,
                            )
                        })?;
                    chosen.push((position, item.variable().clone()));
                }
                chosen
            }
            Some(yields) if !standalone => {
                return Err(syntax(
                    ErrorCode::UnexpectedSyntax,
                    "YIELD * is allowed only in a standalone CALL; name the outputs",
                    yields.span,
                ));
            }
            // `YIELD *`, or a standalone call without `YIELD`: every output.
            Some(_) | None if standalone => every_output(&procedure, call.name.span),
            // In a query, a call without `YIELD` binds nothing.
            _ => Vec::new(),
        };
        let mut yields = Vec::new();
        let mut columns = Vec::new();
        for (position, variable) in chosen {
            let slot = self.bind_fresh(scope, &variable, VarKind::Value)?;
            yields.push((position, slot));
            columns.push((variable.name.clone(), slot));
        }
        let mut op = Op::Call(ProcedureCall { input: Box::new(input), procedure, args, yields });
        if let Some(predicate) =
            call.yields.as_ref().and_then(|yields| yields.where_clause.as_ref())
        {
            let predicate = self.plan_expr(predicate, scope, Context::Plain)?;
            op = Op::Filter { input: Box::new(op), predicate };
        }
        Ok((op, columns))
    }
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
