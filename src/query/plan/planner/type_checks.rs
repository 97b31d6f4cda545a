//! Type checks done before running: what a literal, a pattern variable or a
//! literal-list element is known to be, and the operators and functions that cannot
//! take it.

use crate::graph::Value;
use crate::query::error::{ErrorCode, ErrorKind, PlanError};
use crate::query::span::Span;
use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

/// Compile-time type checks openCypher asks for when the operand is a literal.
pub(super) fn check_operand_type(op: ast::UnaryOp, operand: &Expr) -> Result<(), PlanError> {
    if let (ast::UnaryOp::Not, ExprKind::Constant(value)) = (op, &operand.kind)
        && !matches!(value, Value::Bool(_) | Value::Null)
    {
        return Err(error(
            ErrorKind::SyntaxError,
            ErrorCode::InvalidArgumentType,
            format!("NOT needs a boolean, found {}", value.type_name()),
            operand.span,
        ));
    }
    Ok(())
}

pub(super) fn literal_type(expr: &Expr) -> Option<&'static str> {
    match &expr.kind {
        ExprKind::Constant(value) => Some(value.type_name()),
        ExprKind::List(_) => Some("List"),
        ExprKind::Map(_) => Some("Map"),
        _ => None,
    }
}

pub(super) fn check_binary_types(
    op: ast::BinaryOp,
    left: &Expr,
    right: &Expr,
    span: Span,
) -> Result<(), PlanError> {
    use ast::BinaryOp::*;
    if matches!(op, And | Or | Xor) {
        for operand in [left, right] {
            if let Some(type_name) = literal_type(operand)
                && type_name != "Boolean"
                && type_name != "Null"
            {
                return Err(error(
                    ErrorKind::SyntaxError,
                    ErrorCode::InvalidArgumentType,
                    format!("{} needs booleans, found {type_name}", op.symbol()),
                    operand.span,
                ));
            }
        }
    }
    let _ = span;
    Ok(())
}

pub(super) fn check_function_types(function: Function, args: &[Expr]) -> Result<(), PlanError> {
    let Some(first) = args.first() else { return Ok(()) };
    let Some(type_name) = literal_type(first) else { return Ok(()) };
    let accepts: &[&str] = match function {
        Function::ToBoolean => &["Boolean", "String", "Integer", "Null"],
        Function::ToInteger => &["Integer", "Float", "String", "Boolean", "Null"],
        Function::ToFloat => &["Integer", "Float", "String", "Null"],
        Function::ToString => &["Integer", "Float", "String", "Boolean", "Null"],
        Function::Labels => &["Node", "Null"],
        Function::Type => &["Relationship", "Null"],
        Function::Nodes | Function::Relationships => &["Path", "Null"],
        Function::Length => &["Path", "Null"],
        _ => return Ok(()),
    };
    if accepts.contains(&type_name) {
        Ok(())
    } else {
        Err(error(
            ErrorKind::SyntaxError,
            ErrorCode::InvalidArgumentType,
            format!("{function:?}() cannot take {type_name}"),
            first.span,
        ))
    }
}

/// The type an expression is known to have before running, when it is.
pub(super) fn static_type(expr: &ast::Expr, scope: &Scope) -> Option<&'static str> {
    match &expr.kind {
        ast::ExprKind::Literal(literal) => Some(match literal {
            ast::Literal::Null => "Null",
            ast::Literal::Bool(_) => "Boolean",
            ast::Literal::Integer(_) => "Integer",
            ast::Literal::Float(_) => "Float",
            ast::Literal::String(_) => "String",
        }),
        ast::ExprKind::List(_) | ast::ExprKind::ListComprehension(_) => Some("List"),
        ast::ExprKind::Map(_) | ast::ExprKind::MapProjection(_, _) => Some("Map"),
        ast::ExprKind::Variable(name) => scope.get(name).and_then(|(_, kind)| kind.type_name()),
        ast::ExprKind::IsNull(_, _)
        | ast::ExprKind::Quantifier(_, _)
        | ast::ExprKind::PatternPredicate(_)
        | ast::ExprKind::Exists(_) => Some("Boolean"),
        _ => None,
    }
}

/// The kind of a comprehension variable: the element type of a literal list whose
/// elements share one type.
pub(super) fn element_kind(list: &ast::Expr, scope: &Scope) -> VarKind {
    if let ast::ExprKind::List(items) = &list.kind {
        let types: Vec<Option<&'static str>> =
            items.iter().map(|item| static_type(item, scope)).collect();
        if let Some(Some(first)) = types.first()
            && types.iter().all(|found| *found == Some(*first))
            && *first != "Null"
        {
            return VarKind::Known(first);
        }
    }
    VarKind::Value
}

pub(super) fn invalid_argument(message: String, span: Span) -> PlanError {
    syntax(ErrorCode::InvalidArgumentType, message, span)
}

pub(super) fn check_unary_static(
    op: ast::UnaryOp,
    operand: &ast::Expr,
    scope: &Scope,
) -> Result<(), PlanError> {
    let Some(type_name) = static_type(operand, scope) else { return Ok(()) };
    let fine = match op {
        ast::UnaryOp::Not => matches!(type_name, "Boolean" | "Null"),
        ast::UnaryOp::Minus | ast::UnaryOp::Plus => {
            matches!(type_name, "Integer" | "Float" | "Null")
        }
    };
    if fine {
        Ok(())
    } else {
        Err(invalid_argument(format!("{op:?} cannot take {type_name}"), operand.span))
    }
}

pub(super) fn check_binary_static(
    op: ast::BinaryOp,
    left: &ast::Expr,
    right: &ast::Expr,
    scope: &Scope,
) -> Result<(), PlanError> {
    use ast::BinaryOp::*;
    let (left_type, right_type) = (static_type(left, scope), static_type(right, scope));
    let numeric = |type_name: &str| matches!(type_name, "Integer" | "Float");
    match op {
        And | Or | Xor => {
            for (operand, type_name) in [(left, left_type), (right, right_type)] {
                if let Some(type_name) = type_name
                    && !matches!(type_name, "Boolean" | "Null")
                {
                    return Err(invalid_argument(
                        format!("{} needs booleans, found {type_name}", op.symbol()),
                        operand.span,
                    ));
                }
            }
        }
        In => {
            if let Some(type_name) = right_type
                && !matches!(type_name, "List" | "Null")
            {
                return Err(invalid_argument(
                    format!("IN needs a list on its right, found {type_name}"),
                    right.span,
                ));
            }
        }
        Subtract | Multiply | Divide | Modulo | Power => {
            if let (Some(left_type), Some(right_type)) = (left_type, right_type) {
                let fine = left_type == "Null"
                    || right_type == "Null"
                    || (numeric(left_type) && numeric(right_type));
                if !fine {
                    return Err(invalid_argument(
                        format!("cannot apply `{}` to {left_type} and {right_type}", op.symbol()),
                        left.span.to(right.span),
                    ));
                }
            }
        }
        Add => {
            if let (Some(left_type), Some(right_type)) = (left_type, right_type) {
                let fine = left_type == "Null"
                    || right_type == "Null"
                    || left_type == "List"
                    || right_type == "List"
                    || (numeric(left_type) && numeric(right_type))
                    || (left_type == "String"
                        && matches!(right_type, "String" | "Integer" | "Float" | "Boolean"))
                    || (right_type == "String"
                        && matches!(left_type, "Integer" | "Float" | "Boolean"));
                if !fine {
                    return Err(invalid_argument(
                        format!("cannot apply `+` to {left_type} and {right_type}"),
                        left.span.to(right.span),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The argument types a function accepts, for the checks done before running.
pub(super) fn accepted_types(function: Function) -> Option<&'static [&'static str]> {
    Some(match function {
        Function::Labels => &["Node", "Null"],
        Function::Type | Function::StartNode | Function::EndNode => &["Relationship", "Null"],
        Function::Nodes | Function::Relationships => &["Path", "Null"],
        Function::Length => &["Path", "String", "Null"],
        Function::Keys | Function::Properties => &["Node", "Relationship", "Map", "Null"],
        _ => return None,
    })
}

pub(super) fn scope_kind(expr: &ast::Expr, scope: &Scope) -> Option<VarKind> {
    match &expr.kind {
        ast::ExprKind::Variable(name) => scope.get(name).map(|(_, kind)| kind),
        _ => None,
    }
}

/// A pattern (`(a)-->(b)`) is a predicate: it may stand where a boolean is asked for
/// (a `WHERE`, an operand of `NOT`/`AND`/`OR`/`XOR`, the argument of `exists()`), never
/// as a value to return, store or pass to another function.
pub(super) fn check_pattern_not_a_value(expr: &ast::Expr) -> Result<(), PlanError> {
    check_pattern_use(expr, false)
}

fn check_pattern_use(expr: &ast::Expr, predicate_allowed: bool) -> Result<(), PlanError> {
    match &expr.kind {
        ast::ExprKind::PatternPredicate(_) if !predicate_allowed => Err(syntax(
            ErrorCode::UnexpectedSyntax,
            "a pattern is a predicate here, not a value; use it in WHERE, with exists(), \
             or as a pattern comprehension `[(a)-->(b) | b]`",
            expr.span,
        )),
        ast::ExprKind::Unary(ast::UnaryOp::Not, operand) => check_pattern_use(operand, true),
        ast::ExprKind::Binary(
            ast::BinaryOp::And | ast::BinaryOp::Or | ast::BinaryOp::Xor,
            left,
            right,
        ) => {
            check_pattern_use(left, true)?;
            check_pattern_use(right, true)
        }
        ast::ExprKind::FunctionCall(call) if call.name.name.eq_ignore_ascii_case("exists") => {
            call.args.iter().try_for_each(|arg| check_pattern_use(arg, true))
        }
        ast::ExprKind::Case(case) => {
            if let Some(operand) = &case.operand {
                check_pattern_use(operand, false)?;
            }
            for (condition, result) in &case.branches {
                check_pattern_use(condition, case.operand.is_none())?;
                check_pattern_use(result, false)?;
            }
            case.otherwise.as_ref().map_or(Ok(()), |otherwise| check_pattern_use(otherwise, false))
        }
        _ => {
            let mut result = Ok(());
            super::analysis::map_children(expr, &mut |child| {
                if result.is_ok() {
                    result = check_pattern_use(child, false);
                }
            });
            result
        }
    }
}

/// A `WHERE` conjunct that is a node, relationship or path variable (`WHERE (n)`) can
/// never be a boolean: openCypher rejects it before running.
pub(super) fn check_predicate_kind(conjunct: &ast::Expr, scope: &Scope) -> Result<(), PlanError> {
    if let ast::ExprKind::Variable(name) = &conjunct.kind
        && let Some((_, kind)) = scope.get(name)
        && matches!(kind, VarKind::Node | VarKind::Relationship | VarKind::Path)
    {
        return Err(syntax(
            ErrorCode::InvalidArgumentType,
            format!("WHERE needs a boolean, but `{name}` is {}", kind.describe()),
            conjunct.span,
        ));
    }
    Ok(())
}
