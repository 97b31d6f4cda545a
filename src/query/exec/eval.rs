//! Expression evaluation over one row, with openCypher's null and type rules.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::functions::{all_properties, call};
use super::operators::{Argument, open};
use super::{Context, Row};
use crate::graph::{NodeId, Path, Value};
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::plan::ir::{
    BinaryOp, Expr, ExprKind, MapProjectionItem, PathStep, PropertyKey, Quantifier, UnaryOp,
};

/// Evaluates a `WHERE`-style predicate: true keeps the row; false and null drop it.
pub(crate) fn eval_predicate(
    expr: &Expr,
    row: &mut Row,
    context: &Context<'_>,
) -> Result<bool, ExecError> {
    match eval(expr, row, context)? {
        Value::Bool(flag) => Ok(flag),
        Value::Null => Ok(false),
        other => Err(ExecError::type_error(format!(
            "a predicate must be a boolean, found {}",
            other.type_name()
        ))
        .at(expr.span)),
    }
}

pub(crate) fn eval(expr: &Expr, row: &mut Row, context: &Context<'_>) -> Result<Value, ExecError> {
    crate::stack::grow(|| eval_inner(expr, row, context)).map_err(|error| error.at(expr.span))
}

fn eval_inner(expr: &Expr, row: &mut Row, context: &Context<'_>) -> Result<Value, ExecError> {
    Ok(match &expr.kind {
        ExprKind::Constant(value) => value.clone(),
        ExprKind::Parameter(name) => match context.params.get(name) {
            Some(value) => value.clone(),
            None => {
                return Err(ExecError::new(
                    ErrorKind::SemanticError,
                    ErrorCode::ParameterMissing,
                    format!(
                        "parameter `${name}` was not given (use --param {name}=VALUE or :param {name} VALUE)"
                    ),
                ));
            }
        },
        ExprKind::Slot(slot) => row[*slot].clone(),
        ExprKind::Property(subject, key) => {
            let subject = eval(subject, row, context)?;
            property(&subject, key, context)?
        }
        ExprKind::List(items) => Value::List(
            items.iter().map(|item| eval(item, row, context)).collect::<Result<_, _>>()?,
        ),
        ExprKind::Map(entries) => {
            let mut map = BTreeMap::new();
            for (key, value) in entries {
                let value = eval(value, row, context)?;
                map.insert(key.clone(), value);
            }
            Value::Map(map)
        }
        ExprKind::Unary(op, operand) => {
            let operand = eval(operand, row, context)?;
            unary(*op, operand)?
        }
        ExprKind::Binary(op, left, right) => match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Xor => {
                let left_value = truth(eval(left, row, context)?, left)?;
                // Short-circuit where the answer is already decided.
                match (op, left_value) {
                    (BinaryOp::And, Some(false)) => return Ok(Value::Bool(false)),
                    (BinaryOp::Or, Some(true)) => return Ok(Value::Bool(true)),
                    _ => {}
                }
                let right_value = truth(eval(right, row, context)?, right)?;
                logic(*op, left_value, right_value)
            }
            _ => {
                let left = eval(left, row, context)?;
                let right = eval(right, row, context)?;
                binary(*op, left, right)?
            }
        },
        ExprKind::Comparison(first, rest) => {
            let mut previous = eval(first, row, context)?;
            let mut result = Some(true);
            for (op, operand) in rest {
                let next = eval(operand, row, context)?;
                let step = match binary(*op, previous, next.clone())? {
                    Value::Bool(flag) => Some(flag),
                    _ => None,
                };
                result = match (result, step) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                };
                previous = next;
            }
            result.map_or(Value::Null, Value::Bool)
        }
        ExprKind::IsNull(operand, negated) => {
            let is_null = eval(operand, row, context)?.is_null();
            Value::Bool(is_null != *negated)
        }
        ExprKind::HasLabels(subject, labels) => match eval(subject, row, context)? {
            Value::Node(node) => {
                let graph = context.graph;
                Value::Bool(labels.iter().all(|label| {
                    graph.label_symbol(label).is_some_and(|symbol| graph.has_label(node, symbol))
                }))
            }
            Value::Null => Value::Null,
            other => {
                return Err(ExecError::type_error(format!(
                    "label tests need a node, found {}",
                    other.type_name()
                )));
            }
        },
        ExprKind::Index(subject, index) => {
            let subject = eval(subject, row, context)?;
            let index = eval(index, row, context)?;
            index_value(subject, index, context)?
        }
        ExprKind::Slice(subject, from, to) => {
            let subject = eval(subject, row, context)?;
            let from = from.as_ref().map(|from| eval(from, row, context)).transpose()?;
            let to = to.as_ref().map(|to| eval(to, row, context)).transpose()?;
            slice(subject, from, to)?
        }
        ExprKind::Function(function, args) => {
            let values: Vec<Value> =
                args.iter().map(|arg| eval(arg, row, context)).collect::<Result<_, _>>()?;
            call(*function, values, context)?
        }
        ExprKind::Case { operand, branches, otherwise } => {
            let subject =
                operand.as_ref().map(|operand| eval(operand, row, context)).transpose()?;
            for (condition, result) in branches {
                let condition_value = eval(condition, row, context)?;
                let taken = match &subject {
                    Some(subject) => subject.cypher_eq(&condition_value) == Some(true),
                    None => matches!(condition_value, Value::Bool(true)),
                };
                if taken {
                    return eval(result, row, context);
                }
            }
            match otherwise {
                Some(otherwise) => eval(otherwise, row, context)?,
                None => Value::Null,
            }
        }
        ExprKind::ListComprehension { slot, list, filter, map } => {
            let items = match eval(list, row, context)? {
                Value::List(items) => items,
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(ExecError::type_error(format!(
                        "a list comprehension needs a list, found {}",
                        other.type_name()
                    )));
                }
            };
            let mut output = Vec::with_capacity(items.len());
            for item in items {
                row[*slot] = item;
                if let Some(filter) = filter
                    && !matches!(eval(filter, row, context)?, Value::Bool(true))
                {
                    continue;
                }
                output.push(match map {
                    Some(map) => eval(map, row, context)?,
                    None => row[*slot].clone(),
                });
            }
            Value::List(output)
        }
        ExprKind::Quantifier { kind, slot, list, predicate } => {
            let items = match eval(list, row, context)? {
                Value::List(items) => items,
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(ExecError::type_error(format!(
                        "{kind:?}() needs a list, found {}",
                        other.type_name()
                    )));
                }
            };
            let (mut trues, mut nulls) = (0usize, 0usize);
            let total = items.len();
            for item in items {
                row[*slot] = item;
                let outcome = match predicate {
                    Some(predicate) => eval(predicate, row, context)?,
                    None => row[*slot].clone(),
                };
                match outcome {
                    Value::Bool(true) => trues += 1,
                    Value::Bool(false) => {}
                    Value::Null => nulls += 1,
                    other => {
                        return Err(ExecError::type_error(format!(
                            "a quantifier predicate must be a boolean, found {}",
                            other.type_name()
                        )));
                    }
                }
            }
            let falses = total - trues - nulls;
            let decided = |flag: bool| Value::Bool(flag);
            match kind {
                Quantifier::All => {
                    if falses > 0 {
                        decided(false)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        decided(true)
                    }
                }
                Quantifier::Any => {
                    if trues > 0 {
                        decided(true)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        decided(false)
                    }
                }
                Quantifier::None => {
                    if trues > 0 {
                        decided(false)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        decided(true)
                    }
                }
                Quantifier::Single => {
                    if trues > 1 {
                        decided(false)
                    } else if nulls > 0 {
                        Value::Null
                    } else {
                        decided(trues == 1)
                    }
                }
            }
        }
        ExprKind::Reduce { accumulator, init, slot, list, expr } => {
            let mut acc = eval(init, row, context)?;
            let items = match eval(list, row, context)? {
                Value::List(items) => items,
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(ExecError::type_error(format!(
                        "reduce() needs a list, found {}",
                        other.type_name()
                    )));
                }
            };
            for item in items {
                row[*accumulator] = acc;
                row[*slot] = item;
                acc = eval(expr, row, context)?;
            }
            acc
        }
        ExprKind::Exists(plan) => {
            let mut rows = open(plan, context, Argument::One(row.clone()))?;
            match rows.next() {
                Some(Ok(_)) => Value::Bool(true),
                Some(Err(error)) => return Err(error),
                None => Value::Bool(false),
            }
        }
        ExprKind::CollectSubquery(plan, map) => {
            let rows = open(plan, context, Argument::One(row.clone()))?;
            let mut values = Vec::new();
            for inner in rows {
                let mut inner = inner?;
                values.push(eval(map, &mut inner, context)?);
            }
            Value::List(values)
        }
        ExprKind::MapProjection(subject, items) => {
            let subject = eval(subject, row, context)?;
            if subject.is_null() {
                return Ok(Value::Null);
            }
            let mut map = BTreeMap::new();
            for item in items {
                match item {
                    MapProjectionItem::Property(key) => {
                        map.insert(key.name.clone(), property(&subject, key, context)?);
                    }
                    MapProjectionItem::AllProperties => match &subject {
                        Value::Node(_) | Value::Relationship(_) | Value::Map(_) => {
                            if let Value::Map(entries) = all_properties(&subject, context) {
                                map.extend(entries);
                            }
                        }
                        other => {
                            return Err(ExecError::type_error(format!(
                                "`.*` needs a node, relationship or map, found {}",
                                other.type_name()
                            )));
                        }
                    },
                    MapProjectionItem::Entry(key, value) => {
                        let value = eval(value, row, context)?;
                        map.insert(key.clone(), value);
                    }
                }
            }
            Value::Map(map)
        }
        ExprKind::BuildPath(steps) => build_path(steps, row, context)?,
        ExprKind::Degree { node, dir, types, to_labels } => match &row[*node] {
            Value::Node(node) => {
                let graph = context.graph;
                let type_symbols: Option<Vec<crate::graph::Symbol>> = if types.is_empty() {
                    None
                } else {
                    Some(types.iter().filter_map(|name| graph.rel_type_symbol(name)).collect())
                };
                match super::operators::label_symbols(context, to_labels) {
                    Some(labels) => {
                        Value::Int(
                            graph.degree(*node, *dir, type_symbols.as_deref(), &labels) as i64
                        )
                    }
                    None => Value::Int(0),
                }
            }
            Value::Null => Value::Int(0),
            other => {
                return Err(ExecError::type_error(format!(
                    "expected a node, found {}",
                    other.type_name()
                )));
            }
        },
    })
}

/// The properties of a node, relationship or map as a map value.
fn property(subject: &Value, key: &PropertyKey, context: &Context<'_>) -> Result<Value, ExecError> {
    let graph = context.graph;
    let symbol = match key.symbol {
        Some(symbol) => Some(symbol),
        None => graph.key_symbol(&key.name),
    };
    Ok(match subject {
        Value::Node(node) if graph.is_node_deleted(*node) => {
            return Err(ExecError::deleted_entity("the properties"));
        }
        Value::Relationship(edge) if graph.is_edge_deleted(*edge) => {
            return Err(ExecError::deleted_entity("the properties"));
        }
        Value::Node(node) => symbol
            .and_then(|symbol| graph.node_property(*node, symbol))
            .cloned()
            .unwrap_or(Value::Null),
        Value::Relationship(edge) => symbol
            .and_then(|symbol| graph.edge_property(*edge, symbol))
            .cloned()
            .unwrap_or(Value::Null),
        Value::Map(entries) => entries.get(&key.name).cloned().unwrap_or(Value::Null),
        Value::Temporal(temporal) => match temporal.component(&key.name) {
            Some(value) => value,
            None => {
                return Err(ExecError::type_error(format!(
                    "a {} has no `{}`",
                    temporal.type_name(),
                    key.name
                )));
            }
        },
        duration @ Value::Duration { .. } => {
            let duration = duration.as_duration().unwrap_or_default();
            match duration.component(&key.name) {
                Some(Ok(number)) => Value::Int(number),
                Some(Err(message)) => {
                    return Err(ExecError::argument_error(
                        ErrorCode::InvalidArgumentValue,
                        message,
                    ));
                }
                None => {
                    return Err(ExecError::type_error(format!("a Duration has no `{}`", key.name)));
                }
            }
        }
        Value::Null => Value::Null,
        other => {
            return Err(ExecError::type_error(format!(
                "cannot read property `{}` of {}",
                key.name,
                other.type_name()
            )));
        }
    })
}

fn truth(value: Value, expr: &Expr) -> Result<Option<bool>, ExecError> {
    match value {
        Value::Bool(flag) => Ok(Some(flag)),
        Value::Null => Ok(None),
        other => {
            Err(ExecError::type_error(format!("expected a boolean, found {}", other.type_name()))
                .at(expr.span))
        }
    }
}

fn logic(op: BinaryOp, left: Option<bool>, right: Option<bool>) -> Value {
    let result = match op {
        BinaryOp::And => match (left, right) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        BinaryOp::Or => match (left, right) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
        _ => match (left, right) {
            (Some(a), Some(b)) => Some(a != b),
            _ => None,
        },
    };
    result.map_or(Value::Null, Value::Bool)
}

fn unary(op: UnaryOp, operand: Value) -> Result<Value, ExecError> {
    Ok(match (op, operand) {
        (_, Value::Null) => Value::Null,
        (UnaryOp::Not, Value::Bool(flag)) => Value::Bool(!flag),
        (UnaryOp::Minus, Value::Int(number)) => {
            Value::Int(number.checked_neg().ok_or_else(overflow)?)
        }
        (UnaryOp::Minus, Value::Float(number)) => Value::Float(-number),
        (UnaryOp::Plus, value @ (Value::Int(_) | Value::Float(_))) => value,
        (op, other) => {
            return Err(ExecError::type_error(format!(
                "cannot apply {op:?} to {}",
                other.type_name()
            )));
        }
    })
}

fn overflow() -> ExecError {
    ExecError::new(ErrorKind::ArgumentError, ErrorCode::NumberOutOfRange, "integer overflow")
}

/// Arithmetic, comparison, string and list operators on two values.
pub(crate) fn binary(op: BinaryOp, left: Value, right: Value) -> Result<Value, ExecError> {
    use BinaryOp::*;
    match op {
        Eq => return Ok(left.cypher_eq(&right).map_or(Value::Null, Value::Bool)),
        NotEq => {
            return Ok(left.cypher_eq(&right).map_or(Value::Null, |equal| Value::Bool(!equal)));
        }
        Lt | Gt | Le | Ge => {
            if left.is_null() || right.is_null() {
                return Ok(Value::Null);
            }
            return Ok(match left.cypher_cmp(&right) {
                None => Value::Null,
                Some(order) => Value::Bool(match op {
                    Lt => order.is_lt(),
                    Gt => order.is_gt(),
                    Le => order.is_le(),
                    _ => order.is_ge(),
                }),
            });
        }
        In => {
            return match right {
                Value::Null => Ok(Value::Null),
                Value::List(items) => {
                    let mut unknown = false;
                    for item in &items {
                        match left.cypher_eq(item) {
                            Some(true) => return Ok(Value::Bool(true)),
                            None => unknown = true,
                            Some(false) => {}
                        }
                    }
                    Ok(if unknown { Value::Null } else { Value::Bool(false) })
                }
                other => Err(ExecError::type_error(format!(
                    "IN needs a list on its right, found {}",
                    other.type_name()
                ))),
            };
        }
        StartsWith | EndsWith | Contains => {
            return Ok(match (&left, &right) {
                (Value::String(text), Value::String(part)) => Value::Bool(match op {
                    StartsWith => text.starts_with(&**part),
                    EndsWith => text.ends_with(&**part),
                    _ => text.contains(&**part),
                }),
                _ => Value::Null,
            });
        }
        RegexMatch => {
            return match (&left, &right) {
                (Value::String(text), Value::String(pattern)) => {
                    let anchored = format!("^(?:{pattern})$");
                    let regex = regex::Regex::new(&anchored).map_err(|error| {
                        ExecError::argument_error(
                            ErrorCode::InvalidArgumentValue,
                            format!("invalid regular expression: {error}"),
                        )
                    })?;
                    Ok(Value::Bool(regex.is_match(text)))
                }
                _ => Ok(Value::Null),
            };
        }
        _ => {}
    }
    if left.is_null() || right.is_null() {
        return Ok(Value::Null);
    }
    match (op, left, right) {
        (Add, Value::Int(a), Value::Int(b)) => {
            Ok(Value::Int(a.checked_add(b).ok_or_else(overflow)?))
        }
        (Subtract, Value::Int(a), Value::Int(b)) => {
            Ok(Value::Int(a.checked_sub(b).ok_or_else(overflow)?))
        }
        (Multiply, Value::Int(a), Value::Int(b)) => {
            Ok(Value::Int(a.checked_mul(b).ok_or_else(overflow)?))
        }
        (Divide, Value::Int(a), Value::Int(b)) => {
            if b == 0 {
                return Err(ExecError::argument_error(
                    ErrorCode::DivisionByZero,
                    "division by zero",
                ));
            }
            Ok(Value::Int(a.checked_div(b).ok_or_else(overflow)?))
        }
        (Modulo, Value::Int(a), Value::Int(b)) => {
            if b == 0 {
                return Err(ExecError::argument_error(ErrorCode::DivisionByZero, "modulo by zero"));
            }
            Ok(Value::Int(a.checked_rem(b).unwrap_or(0)))
        }
        (Power, Value::Int(a), Value::Int(b)) => Ok(Value::Float((a as f64).powf(b as f64))),
        (
            op @ (Add | Subtract | Multiply | Divide | Modulo | Power),
            left @ (Value::Int(_) | Value::Float(_)),
            right @ (Value::Int(_) | Value::Float(_)),
        ) => {
            let (a, b) = (as_float(&left), as_float(&right));
            Ok(Value::Float(match op {
                Add => a + b,
                Subtract => a - b,
                Multiply => a * b,
                Divide => a / b,
                Modulo => a % b,
                _ => a.powf(b),
            }))
        }
        (Add, Value::String(a), Value::String(b)) => Ok(Value::from(format!("{a}{b}"))),
        (Add, Value::String(a), other @ (Value::Int(_) | Value::Float(_) | Value::Bool(_))) => {
            Ok(Value::from(format!("{a}{}", super::functions::to_string(&other))))
        }
        (Add, other @ (Value::Int(_) | Value::Float(_) | Value::Bool(_)), Value::String(b)) => {
            Ok(Value::from(format!("{}{b}", super::functions::to_string(&other))))
        }
        (Add, Value::List(mut a), Value::List(b)) => {
            a.extend(b);
            Ok(Value::List(a))
        }
        (Add, Value::List(mut a), item) => {
            a.push(item);
            Ok(Value::List(a))
        }
        (Add, item, Value::List(b)) => {
            let mut joined = Vec::with_capacity(b.len() + 1);
            joined.push(item);
            joined.extend(b);
            Ok(Value::List(joined))
        }
        (op, left, right)
            if super::temporal::is_temporal(&left) || super::temporal::is_temporal(&right) =>
        {
            super::temporal::arithmetic(op, left, right)
        }
        (op, left, right) => Err(ExecError::type_error(format!(
            "cannot apply `{}` to {} and {}",
            op.symbol(),
            left.type_name(),
            right.type_name()
        ))),
    }
}

fn as_float(value: &Value) -> f64 {
    match value {
        Value::Int(number) => *number as f64,
        Value::Float(number) => *number,
        _ => f64::NAN,
    }
}

fn index_value(subject: Value, index: Value, context: &Context<'_>) -> Result<Value, ExecError> {
    Ok(match (subject, index) {
        (Value::Null, _) | (_, Value::Null) => Value::Null,
        (Value::List(items), Value::Int(position)) => {
            let length = items.len() as i64;
            let position = if position < 0 { length + position } else { position };
            if position < 0 || position >= length {
                Value::Null
            } else {
                items[position as usize].clone()
            }
        }
        (Value::List(_), other) => {
            return Err(ExecError::type_error(format!(
                "a list index must be an integer, found {}",
                other.type_name()
            )));
        }
        (Value::Map(entries), Value::String(key)) => {
            entries.get(&*key).cloned().unwrap_or(Value::Null)
        }
        (subject @ (Value::Node(_) | Value::Relationship(_)), Value::String(key)) => {
            property(&subject, &PropertyKey { name: key.to_string(), symbol: None }, context)?
        }
        (Value::Map(_) | Value::Node(_) | Value::Relationship(_), other) => {
            return Err(ExecError::new(
                ErrorKind::TypeError,
                ErrorCode::MapElementAccessByNonString,
                format!("a map key must be a string, found {}", other.type_name()),
            ));
        }
        (other, _) => {
            return Err(ExecError::type_error(format!("cannot index into {}", other.type_name())));
        }
    })
}

fn slice(subject: Value, from: Option<Value>, to: Option<Value>) -> Result<Value, ExecError> {
    let items = match subject {
        Value::List(items) => items,
        Value::Null => return Ok(Value::Null),
        other => return Err(ExecError::type_error(format!("cannot slice {}", other.type_name()))),
    };
    let length = items.len() as i64;
    let bound = |value: Option<Value>, default: i64| -> Result<Option<i64>, ExecError> {
        match value {
            None => Ok(Some(default)),
            Some(Value::Null) => Ok(None),
            Some(Value::Int(number)) => {
                Ok(Some(if number < 0 { (length + number).max(0) } else { number.min(length) }))
            }
            Some(other) => Err(ExecError::type_error(format!(
                "a slice bound must be an integer, found {}",
                other.type_name()
            ))),
        }
    };
    let (Some(start), Some(end)) = (bound(from, 0)?, bound(to, length)?) else {
        return Ok(Value::Null);
    };
    if start >= end {
        return Ok(Value::List(Vec::new()));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

/// Assembles a path; null when any part is null.
pub(crate) fn build_path(
    steps: &[PathStep],
    row: &Row,
    context: &Context<'_>,
) -> Result<Value, ExecError> {
    let mut nodes: Vec<NodeId> = Vec::new();
    let mut relationships = Vec::new();
    for step in steps {
        match step {
            PathStep::Node(slot) => match &row[*slot] {
                // Later nodes were already added as the far ends of relationships.
                Value::Node(node) => {
                    if nodes.is_empty() {
                        nodes.push(*node);
                    }
                }
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(ExecError::type_error(format!(
                        "a path needs nodes, found {}",
                        other.type_name()
                    )));
                }
            },
            PathStep::Relationship(slot) => match &row[*slot] {
                Value::Relationship(edge) => {
                    push_edge(&mut nodes, &mut relationships, *edge, context)
                }
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(ExecError::type_error(format!(
                        "a path needs relationships, found {}",
                        other.type_name()
                    )));
                }
            },
            PathStep::Relationships(slot) => match &row[*slot] {
                Value::List(items) => {
                    for item in items {
                        match item {
                            Value::Relationship(edge) => {
                                push_edge(&mut nodes, &mut relationships, *edge, context)
                            }
                            other => {
                                return Err(ExecError::type_error(format!(
                                    "a path needs relationships, found {}",
                                    other.type_name()
                                )));
                            }
                        }
                    }
                }
                Value::Null => return Ok(Value::Null),
                other => {
                    return Err(ExecError::type_error(format!(
                        "a path needs relationships, found {}",
                        other.type_name()
                    )));
                }
            },
        }
    }
    Ok(Value::Path(Arc::new(Path { nodes, relationships })))
}

/// Adds a relationship to a path being built: the next node is its far end.
fn push_edge(
    nodes: &mut Vec<NodeId>,
    relationships: &mut Vec<crate::graph::EdgeId>,
    edge: crate::graph::EdgeId,
    context: &Context<'_>,
) {
    let (start, end) = context.graph.edge_endpoints(edge);
    let current = *nodes.last().expect("a path starts with a node");
    nodes.push(if start == current { end } else { start });
    relationships.push(edge);
}
