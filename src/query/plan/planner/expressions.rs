//! Planning expressions: names become slots, functions are resolved and checked,
//! patterns inside expressions become sub-plans.

use crate::graph::Value;
use crate::query::error::{ErrorCode, ErrorKind, PlanError};
use crate::query::syntax::ast;

use super::super::ir::*;
use super::load_csv::load_csv_position;
use super::*;

/// A planned `x IN list WHERE …`: the list, the scope with `x` bound, `x`'s slot and
/// the filter.
struct Comprehension {
    list: Expr,
    inner: Scope,
    slot: Slot,
    filter: Option<Box<Expr>>,
}

impl Planner<'_> {
    pub(super) fn plan_expr(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        context: Context,
    ) -> Result<Expr, PlanError> {
        crate::stack::grow(|| self.plan_expr_here(expr, scope, context))
    }

    pub(super) fn plan_expr_here(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        context: Context,
    ) -> Result<Expr, PlanError> {
        let span = expr.span;
        let make = |kind: ExprKind| Ok(Expr { kind, span });
        match &expr.kind {
            ast::ExprKind::Literal(literal) => make(ExprKind::Constant(match literal {
                ast::Literal::Null => Value::Null,
                ast::Literal::Bool(flag) => Value::Bool(*flag),
                ast::Literal::Integer(number) => Value::Int(*number),
                ast::Literal::Float(number) => Value::Float(*number),
                ast::Literal::String(text) => Value::from(text.as_str()),
            })),
            ast::ExprKind::Parameter(name) => {
                self.note_parameter(name, span);
                make(ExprKind::Parameter(name.clone()))
            }
            ast::ExprKind::Variable(name) => match scope.get(name) {
                Some((slot, _)) => make(ExprKind::Slot(slot)),
                None => Err(syntax(
                    ErrorCode::UndefinedVariable,
                    format!("variable `{name}` is not defined"),
                    span,
                )),
            },
            ast::ExprKind::Property(subject, key) => {
                if let Some(type_name) = static_type(subject, scope)
                    && !matches!(type_name, "Node" | "Relationship" | "Map" | "Null")
                {
                    // A path or list of relationships in a pattern variable is a
                    // misuse of the pattern (syntax); a literal of the wrong type is a
                    // type error.
                    let kind = if matches!(
                        scope_kind(subject, scope),
                        Some(VarKind::Path | VarKind::RelationshipList)
                    ) {
                        ErrorKind::SyntaxError
                    } else {
                        ErrorKind::TypeError
                    };
                    return Err(error(
                        kind,
                        ErrorCode::InvalidArgumentType,
                        format!("cannot read property `{}` of {type_name}", key.name),
                        subject.span,
                    ));
                }
                let subject = self.plan_expr(subject, scope, context)?;
                make(ExprKind::Property(Box::new(subject), self.property_key(&key.name)))
            }
            ast::ExprKind::List(items) => {
                let items = items
                    .iter()
                    .map(|item| self.plan_expr(item, scope, context))
                    .collect::<Result<_, _>>()?;
                make(ExprKind::List(items))
            }
            ast::ExprKind::Map(entries) => {
                let entries = entries
                    .iter()
                    .map(|(key, value)| {
                        Ok((key.name.clone(), self.plan_expr(value, scope, context)?))
                    })
                    .collect::<Result<_, PlanError>>()?;
                make(ExprKind::Map(entries))
            }
            ast::ExprKind::Unary(op, operand) => {
                check_unary_static(*op, operand, scope)?;
                let operand = self.plan_expr(operand, scope, context)?;
                check_operand_type(*op, &operand)?;
                make(ExprKind::Unary((*op).into(), Box::new(operand)))
            }
            ast::ExprKind::Binary(op, left, right) => {
                check_binary_static(*op, left, right, scope)?;
                let left = self.plan_expr(left, scope, context)?;
                let right = self.plan_expr(right, scope, context)?;
                check_binary_types(*op, &left, &right, span)?;
                make(ExprKind::Binary((*op).into(), Box::new(left), Box::new(right)))
            }
            ast::ExprKind::Comparison(first, rest) => {
                let first = self.plan_expr(first, scope, context)?;
                let rest = rest
                    .iter()
                    .map(|(op, operand)| {
                        Ok(((*op).into(), self.plan_expr(operand, scope, context)?))
                    })
                    .collect::<Result<_, PlanError>>()?;
                make(ExprKind::Comparison(Box::new(first), rest))
            }
            ast::ExprKind::IsNull(operand, negation) => {
                let operand = self.plan_expr(operand, scope, context)?;
                make(ExprKind::IsNull(Box::new(operand), *negation == ast::Negation::IsNot))
            }
            ast::ExprKind::HasLabels(subject, labels) => {
                let subject = self.plan_expr(subject, scope, context)?;
                make(ExprKind::HasLabels(
                    Box::new(subject),
                    labels.iter().map(|label| label.name.clone()).collect(),
                ))
            }
            ast::ExprKind::Index(subject, index) => {
                let subject = self.plan_expr(subject, scope, context)?;
                let index = self.plan_expr(index, scope, context)?;
                if let (ExprKind::Constant(Value::List(_)), ExprKind::Constant(index_value)) =
                    (&subject.kind, &index.kind)
                    && !matches!(index_value, Value::Int(_) | Value::Null)
                {
                    return Err(error(
                        ErrorKind::SyntaxError,
                        ErrorCode::InvalidArgumentType,
                        format!(
                            "a list index must be an integer, found {}",
                            index_value.type_name()
                        ),
                        index.span,
                    ));
                }
                if let (
                    ExprKind::Constant(Value::Map(_)) | ExprKind::Map(_),
                    ExprKind::Constant(index_value),
                ) = (&subject.kind, &index.kind)
                    && !matches!(index_value, Value::String(_) | Value::Null)
                {
                    return Err(error(
                        ErrorKind::SyntaxError,
                        ErrorCode::InvalidArgumentType,
                        format!("a map key must be a string, found {}", index_value.type_name()),
                        index.span,
                    ));
                }
                make(ExprKind::Index(Box::new(subject), Box::new(index)))
            }
            ast::ExprKind::Slice(subject, from, to) => {
                let subject = self.plan_expr(subject, scope, context)?;
                let from = from
                    .as_ref()
                    .map(|from| self.plan_expr(from, scope, context).map(Box::new))
                    .transpose()?;
                let to = to
                    .as_ref()
                    .map(|to| self.plan_expr(to, scope, context).map(Box::new))
                    .transpose()?;
                make(ExprKind::Slice(Box::new(subject), from, to))
            }
            ast::ExprKind::CountStar => Err(syntax(
                ErrorCode::InvalidAggregation,
                "count(*) is only allowed in RETURN and WITH",
                span,
            )),
            ast::ExprKind::FunctionCall(call) => {
                if AggregateFunction::from_name(&call.name.name).is_some() {
                    return Err(syntax(
                        ErrorCode::InvalidAggregation,
                        format!("{}() is only allowed in RETURN and WITH", call.name.name),
                        span,
                    ));
                }
                let Some((function, arity)) = Function::from_name(&call.name.name) else {
                    return Err(syntax(
                        ErrorCode::UnknownFunction,
                        format!("unknown function `{}`", call.name.name),
                        call.name.span,
                    ));
                };
                if !arity.contains(&call.args.len()) {
                    let expected = if arity.start() == arity.end() {
                        arity.start().to_string()
                    } else if *arity.end() == usize::MAX {
                        format!("at least {}", arity.start())
                    } else {
                        format!("{} to {}", arity.start(), arity.end())
                    };
                    return Err(syntax(
                        ErrorCode::InvalidNumberOfArguments,
                        format!(
                            "{}() takes {expected} argument(s), found {}",
                            call.name.name,
                            call.args.len()
                        ),
                        span,
                    ));
                }
                if call.distinct {
                    return Err(syntax(
                        ErrorCode::InvalidArgumentType,
                        format!(
                            "DISTINCT only applies to aggregate functions, not {}()",
                            call.name.name
                        ),
                        span,
                    ));
                }
                // `exists((a)-->(b))` asks whether the pattern has a match.
                if function == Function::Exists
                    && let [arg] = call.args.as_slice()
                    && matches!(arg.kind, ast::ExprKind::PatternPredicate(_))
                {
                    return self.plan_expr(arg, scope, context);
                }
                if let (Some(arg), Some(accepts)) = (call.args.first(), accepted_types(function))
                    && let Some(type_name) = static_type(arg, scope)
                    && !accepts.contains(&type_name)
                {
                    return Err(syntax(
                        ErrorCode::InvalidArgumentType,
                        format!("{}() cannot take {type_name}", call.name.name),
                        arg.span,
                    ));
                }
                let mut args: Vec<Expr> = call
                    .args
                    .iter()
                    .map(|arg| self.plan_expr(arg, scope, context))
                    .collect::<Result<_, _>>()?;
                if matches!(function, Function::LineNumber | Function::File) {
                    args = vec![load_csv_position(function, scope, span)];
                }
                check_function_types(function, &args)?;
                make(ExprKind::Function(function, args))
            }
            ast::ExprKind::Case(case) => {
                let operand = case
                    .operand
                    .as_ref()
                    .map(|operand| self.plan_expr(operand, scope, context).map(Box::new))
                    .transpose()?;
                let branches = case
                    .branches
                    .iter()
                    .map(|(condition, result)| {
                        Ok((
                            self.plan_expr(condition, scope, context)?,
                            self.plan_expr(result, scope, context)?,
                        ))
                    })
                    .collect::<Result<_, PlanError>>()?;
                let otherwise = case
                    .otherwise
                    .as_ref()
                    .map(|otherwise| self.plan_expr(otherwise, scope, context).map(Box::new))
                    .transpose()?;
                make(ExprKind::Case { operand, branches, otherwise })
            }
            ast::ExprKind::ListComprehension(comprehension) => {
                let Comprehension { list, inner, slot, filter } =
                    self.plan_comprehension(comprehension, scope, context)?;
                let map = comprehension
                    .map
                    .as_ref()
                    .map(|map| self.plan_expr(map, &inner, context).map(Box::new))
                    .transpose()?;
                make(ExprKind::ListComprehension { slot, list: Box::new(list), filter, map })
            }
            ast::ExprKind::Quantifier(quantifier, comprehension) => {
                let Comprehension { list, slot, filter: predicate, .. } =
                    self.plan_comprehension(comprehension, scope, context)?;
                make(ExprKind::Quantifier {
                    kind: (*quantifier).into(),
                    slot,
                    list: Box::new(list),
                    predicate,
                })
            }
            ast::ExprKind::Reduce(reduce) => {
                let init = self.plan_expr(&reduce.init, scope, context)?;
                let list = self.plan_expr(&reduce.list, scope, context)?;
                let mut inner = scope.clone();
                let accumulator = self.new_slot(&reduce.accumulator.name);
                let slot = self.new_slot(&reduce.variable.name);
                inner.bind(&reduce.accumulator.name, accumulator, VarKind::Value);
                inner.bind(&reduce.variable.name, slot, VarKind::Value);
                let body = self.plan_expr(&reduce.expr, &inner, Context::Plain)?;
                make(ExprKind::Reduce {
                    accumulator,
                    init: Box::new(init),
                    slot,
                    list: Box::new(list),
                    expr: Box::new(body),
                })
            }
            ast::ExprKind::PatternPredicate(element) => {
                // Pattern predicates may not introduce variables.
                let mut names = Vec::new();
                element_variables(element, &mut names);
                if let Some(name) = names.iter().find(|name| scope.get(&name.name).is_none()) {
                    return Err(syntax(
                        ErrorCode::UndefinedVariable,
                        format!(
                            "variable `{}` is not defined (patterns in expressions cannot introduce variables)",
                            name.name
                        ),
                        name.span,
                    ));
                }
                let part = ast::PatternPart {
                    variable: None,
                    selector: ast::PathSelector::All,
                    element: (**element).clone(),
                    span,
                };
                let mut inner = scope.clone();
                let sub = self.plan_pattern(
                    Op::Argument,
                    std::slice::from_ref(&part),
                    None,
                    &mut inner,
                    PatternUse::Predicate,
                )?;
                make(ExprKind::Exists(Box::new(sub)))
            }
            ast::ExprKind::PatternComprehension(comprehension) => {
                let part = ast::PatternPart {
                    variable: comprehension.variable.clone(),
                    selector: ast::PathSelector::All,
                    element: comprehension.element.clone(),
                    span,
                };
                let mut inner = scope.clone();
                let sub = self.plan_pattern(
                    Op::Argument,
                    std::slice::from_ref(&part),
                    comprehension.filter.as_ref(),
                    &mut inner,
                    PatternUse::Predicate,
                )?;
                let map = self.plan_expr(&comprehension.map, &inner, Context::Plain)?;
                make(ExprKind::CollectSubquery(Box::new(sub), Box::new(map)))
            }
            ast::ExprKind::Exists(subquery) => {
                let mut inner = scope.clone();
                let sub = self.plan_pattern(
                    Op::Argument,
                    &subquery.pattern,
                    subquery.where_clause.as_ref(),
                    &mut inner,
                    PatternUse::Predicate,
                )?;
                let sub = match &subquery.returns {
                    Some(returns) => {
                        self.plan_projection(sub, returns, &inner, ProjectionKind::Return)?.0
                    }
                    None => sub,
                };
                make(ExprKind::Exists(Box::new(sub)))
            }
            ast::ExprKind::MapProjection(subject, items) => {
                let subject = self.plan_expr(subject, scope, context)?;
                let mut planned = Vec::new();
                for item in items {
                    planned.push(match item {
                        ast::MapProjectionItem::Property(key) => {
                            MapProjectionItem::Property(self.property_key(&key.name))
                        }
                        ast::MapProjectionItem::AllProperties => MapProjectionItem::AllProperties,
                        ast::MapProjectionItem::Literal(key, value) => MapProjectionItem::Entry(
                            key.name.clone(),
                            self.plan_expr(value, scope, context)?,
                        ),
                        ast::MapProjectionItem::Variable(name) => {
                            let value = ast::Expr {
                                kind: ast::ExprKind::Variable(name.name.clone()),
                                span: name.span,
                            };
                            MapProjectionItem::Entry(
                                name.name.clone(),
                                self.plan_expr(&value, scope, context)?,
                            )
                        }
                    });
                }
                make(ExprKind::MapProjection(Box::new(subject), planned))
            }
        }
    }

    /// The shared part of `[x IN list WHERE … | …]` and the quantifiers: the list, the
    /// scope with `x` bound (typed from a literal list when possible), its slot and the
    /// planned filter.
    fn plan_comprehension(
        &mut self,
        comprehension: &ast::ListComprehension,
        scope: &Scope,
        context: Context,
    ) -> Result<Comprehension, PlanError> {
        let list = self.plan_expr(&comprehension.list, scope, context)?;
        let mut inner = scope.clone();
        let slot = self.new_slot(&comprehension.variable.name);
        inner.bind(&comprehension.variable.name, slot, element_kind(&comprehension.list, scope));
        let filter = comprehension
            .filter
            .as_ref()
            .map(|filter| self.plan_expr(filter, &inner, Context::Plain).map(Box::new))
            .transpose()?;
        Ok(Comprehension { list, inner, slot, filter })
    }
}

// The syntax tree's operators, as the plan's: one to one.

impl From<ast::BinaryOp> for BinaryOp {
    fn from(op: ast::BinaryOp) -> Self {
        match op {
            ast::BinaryOp::Or => BinaryOp::Or,
            ast::BinaryOp::Xor => BinaryOp::Xor,
            ast::BinaryOp::And => BinaryOp::And,
            ast::BinaryOp::Eq => BinaryOp::Eq,
            ast::BinaryOp::NotEq => BinaryOp::NotEq,
            ast::BinaryOp::Lt => BinaryOp::Lt,
            ast::BinaryOp::Gt => BinaryOp::Gt,
            ast::BinaryOp::Le => BinaryOp::Le,
            ast::BinaryOp::Ge => BinaryOp::Ge,
            ast::BinaryOp::In => BinaryOp::In,
            ast::BinaryOp::StartsWith => BinaryOp::StartsWith,
            ast::BinaryOp::EndsWith => BinaryOp::EndsWith,
            ast::BinaryOp::Contains => BinaryOp::Contains,
            ast::BinaryOp::RegexMatch => BinaryOp::RegexMatch,
            ast::BinaryOp::Add => BinaryOp::Add,
            ast::BinaryOp::Subtract => BinaryOp::Subtract,
            ast::BinaryOp::Multiply => BinaryOp::Multiply,
            ast::BinaryOp::Divide => BinaryOp::Divide,
            ast::BinaryOp::Modulo => BinaryOp::Modulo,
            ast::BinaryOp::Power => BinaryOp::Power,
        }
    }
}

impl From<ast::UnaryOp> for UnaryOp {
    fn from(op: ast::UnaryOp) -> Self {
        match op {
            ast::UnaryOp::Not => UnaryOp::Not,
            ast::UnaryOp::Minus => UnaryOp::Minus,
            ast::UnaryOp::Plus => UnaryOp::Plus,
        }
    }
}

impl From<ast::Quantifier> for Quantifier {
    fn from(quantifier: ast::Quantifier) -> Self {
        match quantifier {
            ast::Quantifier::All => Quantifier::All,
            ast::Quantifier::Any => Quantifier::Any,
            ast::Quantifier::None => Quantifier::None,
            ast::Quantifier::Single => Quantifier::Single,
        }
    }
}
