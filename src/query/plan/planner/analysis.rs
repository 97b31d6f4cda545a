//! Walks over the syntax tree the planner needs: children, free variables,
//! conjuncts, aggregate detection.

use std::collections::BTreeSet;

use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

/// Replaces sub-expressions whose printed form is a known key with a variable bound to
/// the key's slot in `scope`.
pub(super) fn substitute(expr: &mut ast::Expr, keys: &[(String, Slot)], scope: &mut Scope) {
    let printed = expr.to_string();
    if let Some((_, slot)) = keys.iter().find(|(key, _)| *key == printed) {
        let name = format!(" key{slot}");
        scope.bind(&name, *slot, VarKind::Value);
        expr.kind = ast::ExprKind::Variable(name);
        return;
    }
    for_each_child_mut(expr, &mut |child| substitute(child, keys, scope));
}

/// Defines a visitor of an expression's direct sub-expressions (not those inside the
/// bodies of comprehensions, quantifiers or patterns), once for shared and once for
/// mutable references, so the two can never disagree about what a child is.
macro_rules! child_visitor {
    ($(#[$doc:meta])* $name:ident, $($mutability:tt)?) => {
        $(#[$doc])*
        pub(super) fn $name(expr: &$($mutability)? ast::Expr, visit: &mut dyn FnMut(&$($mutability)? ast::Expr)) {
            match &$($mutability)? expr.kind {
                ast::ExprKind::Literal(_)
                | ast::ExprKind::Parameter(_)
                | ast::ExprKind::Variable(_)
                | ast::ExprKind::CountStar
                | ast::ExprKind::PatternPredicate(_)
                | ast::ExprKind::Exists(_)
                | ast::ExprKind::PatternComprehension(_) => {}
                ast::ExprKind::Property(subject, _)
                | ast::ExprKind::HasLabels(subject, _)
                | ast::ExprKind::Unary(_, subject)
                | ast::ExprKind::IsNull(subject, _) => visit(subject),
                ast::ExprKind::List(items) => {
                    for item in items {
                        visit(item);
                    }
                }
                ast::ExprKind::Map(entries) => {
                    for (_, value) in entries {
                        visit(value);
                    }
                }
                ast::ExprKind::Binary(_, left, right) | ast::ExprKind::Index(left, right) => {
                    visit(left);
                    visit(right);
                }
                ast::ExprKind::Comparison(first, rest) => {
                    visit(first);
                    for (_, operand) in rest {
                        visit(operand);
                    }
                }
                ast::ExprKind::Slice(subject, from, to) => {
                    visit(subject);
                    if let Some(from) = from {
                        visit(from);
                    }
                    if let Some(to) = to {
                        visit(to);
                    }
                }
                ast::ExprKind::FunctionCall(call) => {
                    for arg in &$($mutability)? call.args {
                        visit(arg);
                    }
                }
                ast::ExprKind::Case(case) => {
                    if let Some(operand) = &$($mutability)? case.operand {
                        visit(operand);
                    }
                    for (condition, result) in &$($mutability)? case.branches {
                        visit(condition);
                        visit(result);
                    }
                    if let Some(otherwise) = &$($mutability)? case.otherwise {
                        visit(otherwise);
                    }
                }
                ast::ExprKind::ListComprehension(comprehension)
                | ast::ExprKind::Quantifier(_, comprehension) => visit(&$($mutability)? comprehension.list),
                ast::ExprKind::Reduce(reduce) => {
                    visit(&$($mutability)? reduce.init);
                    visit(&$($mutability)? reduce.list);
                }
                ast::ExprKind::MapProjection(subject, items) => {
                    visit(subject);
                    for item in items {
                        if let ast::MapProjectionItem::Literal(_, value) = item {
                            visit(value);
                        }
                    }
                }
            }
        }
    };
}

child_visitor!(
    /// Visits the direct sub-expressions.
    map_children,
);
child_visitor!(
    /// Visits the direct sub-expressions, mutably.
    for_each_child_mut,
    mut
);

pub(super) fn is_aggregate_call(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::CountStar => true,
        ast::ExprKind::FunctionCall(call) => {
            AggregateFunction::from_name(&call.name.name).is_some()
        }
        _ => false,
    }
}

/// Does the expression aggregate (outside nested comprehension bodies too)?
pub(crate) fn contains_aggregate(expr: &ast::Expr) -> bool {
    if is_aggregate_call(expr) {
        return true;
    }
    let mut found = false;
    map_children(expr, &mut |child| found |= contains_aggregate(child));
    if let ast::ExprKind::ListComprehension(comprehension) = &expr.kind {
        found |= comprehension.filter.as_ref().is_some_and(contains_aggregate)
            || comprehension.map.as_ref().is_some_and(contains_aggregate);
    }
    found
}

/// Does the expression call a function that answers differently on each call (`rand()`),
/// anywhere inside it?
pub(super) fn contains_volatile(expr: &ast::Expr) -> bool {
    if let ast::ExprKind::FunctionCall(call) = &expr.kind
        && Function::from_name(&call.name.name).is_some_and(|(function, _)| function.is_volatile())
    {
        return true;
    }
    let mut found = false;
    map_children(expr, &mut |child| found |= contains_volatile(child));
    if let ast::ExprKind::ListComprehension(comprehension) = &expr.kind {
        found |= comprehension.filter.as_ref().is_some_and(contains_volatile)
            || comprehension.map.as_ref().is_some_and(contains_volatile);
    }
    found
}

pub(super) fn split_conjuncts<'e>(expr: &'e ast::Expr, out: &mut Vec<&'e ast::Expr>) {
    match &expr.kind {
        ast::ExprKind::Binary(ast::BinaryOp::And, left, right) => {
            split_conjuncts(left, out);
            split_conjuncts(right, out);
        }
        _ => out.push(expr),
    }
}

pub(super) fn is_constant(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::Literal(_) | ast::ExprKind::Parameter(_) => true,
        ast::ExprKind::List(items) => items.iter().all(is_constant),
        ast::ExprKind::Unary(ast::UnaryOp::Minus, operand) => is_constant(operand),
        _ => false,
    }
}

pub(super) fn element_variables<'e>(
    element: &'e ast::PatternElement,
    out: &mut Vec<&'e ast::Ident>,
) {
    out.extend(element.start.variable.as_ref());
    for (rel, node) in &element.chain {
        out.extend(rel.variable.as_ref());
        out.extend(node.variable.as_ref());
    }
}

/// Names an expression reads that it does not bind itself.
pub(crate) fn free_variables(
    expr: &ast::Expr,
    locals: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    match &expr.kind {
        ast::ExprKind::Variable(name) => {
            if !locals.contains(name) {
                out.insert(name.clone());
            }
        }
        ast::ExprKind::ListComprehension(comprehension)
        | ast::ExprKind::Quantifier(_, comprehension) => {
            free_variables(&comprehension.list, locals, out);
            locals.push(comprehension.variable.name.clone());
            if let Some(filter) = &comprehension.filter {
                free_variables(filter, locals, out);
            }
            if let Some(map) = &comprehension.map {
                free_variables(map, locals, out);
            }
            locals.pop();
        }
        ast::ExprKind::Reduce(reduce) => {
            free_variables(&reduce.init, locals, out);
            free_variables(&reduce.list, locals, out);
            locals.push(reduce.accumulator.name.clone());
            locals.push(reduce.variable.name.clone());
            free_variables(&reduce.expr, locals, out);
            locals.pop();
            locals.pop();
        }
        ast::ExprKind::PatternPredicate(element) => {
            let mut names = Vec::new();
            element_variables(element, &mut names);
            out.extend(
                names
                    .into_iter()
                    .map(|name| name.name.clone())
                    .filter(|name| !locals.contains(name)),
            );
            pattern_property_variables(element, locals, out);
        }
        ast::ExprKind::PatternComprehension(comprehension) => {
            let mut names = Vec::new();
            element_variables(&comprehension.element, &mut names);
            let bound: Vec<String> = names.iter().map(|name| name.name.clone()).collect();
            out.extend(bound.iter().filter(|name| !locals.contains(name)).cloned());
            pattern_property_variables(&comprehension.element, locals, out);
            if let Some(filter) = &comprehension.filter {
                free_variables(filter, locals, out);
            }
            free_variables(&comprehension.map, locals, out);
        }
        ast::ExprKind::Exists(subquery) => {
            for part in &subquery.pattern {
                let mut names = Vec::new();
                element_variables(&part.element, &mut names);
                out.extend(
                    names
                        .into_iter()
                        .map(|name| name.name.clone())
                        .filter(|name| !locals.contains(name)),
                );
                pattern_property_variables(&part.element, locals, out);
            }
            if let Some(predicate) = &subquery.where_clause {
                free_variables(predicate, locals, out);
            }
            for item in subquery.returns.iter().flat_map(|returns| &returns.items) {
                free_variables(&item.expr, locals, out);
            }
        }
        ast::ExprKind::MapProjection(subject, items) => {
            free_variables(subject, locals, out);
            for item in items {
                match item {
                    ast::MapProjectionItem::Literal(_, value) => free_variables(value, locals, out),
                    ast::MapProjectionItem::Variable(name) if !locals.contains(&name.name) => {
                        out.insert(name.name.clone());
                    }
                    _ => {}
                }
            }
        }
        _ => map_children(expr, &mut |child| free_variables(child, locals, out)),
    }
}

pub(super) fn pattern_property_variables(
    element: &ast::PatternElement,
    locals: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    let nodes = std::iter::once(&element.start).chain(element.chain.iter().map(|(_, node)| node));
    for node in nodes {
        if let Some(properties) = &node.properties {
            free_variables(properties, locals, out);
        }
    }
    for (rel, _) in &element.chain {
        if let Some(properties) = &rel.properties {
            free_variables(properties, locals, out);
        }
    }
}

/// A grouping key an aggregating expression may reuse: a variable or a property of one.
pub(super) fn is_simple_key(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::Variable(_) => true,
        ast::ExprKind::Property(subject, _) => is_simple_key(subject),
        _ => false,
    }
}
