//! Scalar functions: `Function` + argument values → value.

use std::sync::Arc;

use super::Context;
use crate::graph::Value;
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::plan::ir::{Function, NullRule};

fn wrong_type(function: Function, value: &Value) -> ExecError {
    ExecError::type_error(format!("{function:?}() cannot take {}", value.type_name()))
}

fn integer_argument(function: Function, value: &Value) -> Result<Option<i64>, ExecError> {
    match value {
        Value::Int(number) => Ok(Some(*number)),
        Value::Null => Ok(None),
        other => Err(wrong_type(function, other)),
    }
}

fn number(function: Function, value: &Value) -> Result<Option<f64>, ExecError> {
    match value {
        Value::Int(number) => Ok(Some(*number as f64)),
        Value::Float(number) => Ok(Some(*number)),
        Value::Null => Ok(None),
        other => Err(wrong_type(function, other)),
    }
}

/// `toString` of a scalar; floats keep a decimal point (`1.0`).
pub(crate) fn to_string(value: &Value) -> String {
    match value {
        Value::String(text) => text.to_string(),
        Value::Int(number) => number.to_string(),
        Value::Float(number) => {
            let mut text = String::new();
            let _ = crate::text::write_float(&mut text, *number);
            text
        }
        Value::Bool(flag) => flag.to_string(),
        _ => String::new(),
    }
}

pub(crate) fn call(
    function: Function,
    mut args: Vec<Value>,
    context: &Context<'_>,
) -> Result<Value, ExecError> {
    use Function::*;
    let graph = context.graph;
    let first = args.first().cloned().unwrap_or(Value::Null);
    // Most functions return null for a null first argument.
    if matches!(
        function,
        Temporal(_)
            | Clock(..)
            | Truncate(_)
            | Duration
            | DurationBetween(_)
            | FromEpoch
            | FromEpochMillis
    ) {
        return super::temporal::call(function, args, context);
    }
    // The catalogue says which functions answer null for a null first argument; internal
    // functions (not in it) handle nulls themselves.
    let nulls = function.spec().map_or(NullRule::Handled, |spec| spec.nulls);
    if nulls == NullRule::NullInNullOut && first.is_null() {
        return Ok(Value::Null);
    }
    Ok(match function {
        Id => match first {
            Value::Node(node) => Value::Int(node.0 as i64),
            Value::Relationship(edge) => Value::Int(edge.0 as i64),
            other => return Err(wrong_type(function, &other)),
        },
        ElementId => match first {
            Value::Node(node) => Value::from(graph.node_key(node)),
            Value::Relationship(edge) => Value::from(format!("r{}", edge.0)),
            other => return Err(wrong_type(function, &other)),
        },
        Labels => match first {
            Value::Node(node) if graph.is_node_deleted(node) => {
                return Err(ExecError::deleted_entity("the labels"));
            }
            Value::Node(node) => Value::List(graph.node_labels(node).map(Value::from).collect()),
            other => return Err(wrong_type(function, &other)),
        },
        Type => match first {
            Value::Relationship(edge) => Value::from(graph.edge_type(edge)),
            other => return Err(wrong_type(function, &other)),
        },
        Keys => match first {
            Value::Node(node) => {
                Value::List(graph.node_properties(node).map(|(key, _)| Value::from(key)).collect())
            }
            Value::Relationship(edge) => {
                Value::List(graph.edge_properties(edge).map(|(key, _)| Value::from(key)).collect())
            }
            Value::Map(entries) => {
                Value::List(entries.keys().map(|key| Value::from(key.as_str())).collect())
            }
            other => return Err(wrong_type(function, &other)),
        },
        Properties => match &first {
            Value::Node(_) | Value::Relationship(_) | Value::Map(_) => {
                all_properties(&first, context)
            }
            other => return Err(wrong_type(function, other)),
        },
        // The planner passed the `LOAD CSV` record's hidden slot (or null outside one).
        LineNumber | File => first,
        HasProperties => {
            let wanted = match args.get(1) {
                Some(Value::Map(entries)) => entries.clone(),
                Some(Value::Null) | None => return Ok(Value::Bool(true)),
                Some(other) => {
                    return Err(ExecError::type_error(format!(
                        "pattern properties must be a map, found {}",
                        other.type_name()
                    )));
                }
            };
            let Value::Map(actual) = all_properties(&first, context) else {
                return Ok(Value::Bool(false));
            };
            Value::Bool(wanted.iter().all(|(key, value)| {
                actual.get(key).is_some_and(|found| found.cypher_eq(value) == Some(true))
            }))
        }
        Size => match first {
            Value::List(items) => Value::Int(items.len() as i64),
            Value::String(text) => Value::Int(text.chars().count() as i64),
            Value::Map(entries) => Value::Int(entries.len() as i64),
            other => return Err(wrong_type(function, &other)),
        },
        Length => match first {
            Value::Path(path) => Value::Int(path.relationships.len() as i64),
            Value::String(text) => Value::Int(text.chars().count() as i64),
            other => return Err(wrong_type(function, &other)),
        },
        Nodes => match first {
            Value::Path(path) => {
                Value::List(path.nodes.iter().map(|node| Value::Node(*node)).collect())
            }
            other => return Err(wrong_type(function, &other)),
        },
        Relationships => match first {
            Value::Path(path) => Value::List(
                path.relationships.iter().map(|edge| Value::Relationship(*edge)).collect(),
            ),
            other => return Err(wrong_type(function, &other)),
        },
        StartNode => match first {
            Value::Relationship(edge) => Value::Node(graph.edge_endpoints(edge).0),
            other => return Err(wrong_type(function, &other)),
        },
        EndNode => match first {
            Value::Relationship(edge) => Value::Node(graph.edge_endpoints(edge).1),
            other => return Err(wrong_type(function, &other)),
        },
        Head => match first {
            Value::List(items) => items.into_iter().next().unwrap_or(Value::Null),
            other => return Err(wrong_type(function, &other)),
        },
        Last => match first {
            Value::List(items) => items.into_iter().last().unwrap_or(Value::Null),
            other => return Err(wrong_type(function, &other)),
        },
        Tail => match first {
            Value::List(items) => Value::List(items.into_iter().skip(1).collect()),
            other => return Err(wrong_type(function, &other)),
        },
        Range => {
            // openCypher classes a non-integer bound of range() as an ArgumentError.
            let as_argument_error = |error: ExecError| ExecError {
                kind: ErrorKind::ArgumentError,
                code: ErrorCode::InvalidArgumentValue,
                ..error
            };
            let start = integer_argument(function, &first).map_err(as_argument_error)?;
            let end = integer_argument(function, &args[1]).map_err(as_argument_error)?;
            let step = match args.get(2) {
                Some(step) => integer_argument(function, step).map_err(as_argument_error)?,
                None => Some(1),
            };
            let (Some(start), Some(end), Some(step)) = (start, end, step) else {
                return Err(ExecError::argument_error(
                    ErrorCode::InvalidArgumentValue,
                    "range() needs integer bounds, not null",
                ));
            };
            if step == 0 {
                return Err(ExecError::argument_error(
                    ErrorCode::NumberOutOfRange,
                    "range() step must not be zero",
                ));
            }
            let count = if (step > 0 && start > end) || (step < 0 && start < end) {
                0
            } else {
                ((end as i128 - start as i128) / step as i128 + 1) as u128
            };
            if count > 10_000_000 {
                return Err(ExecError::new(
                    ErrorKind::ResourceLimit,
                    ErrorCode::RangeTooLarge,
                    format!("range() would make {count} values"),
                ));
            }
            Value::List((0..count as i64).map(|index| Value::Int(start + index * step)).collect())
        }
        Coalesce => args.into_iter().find(|value| !value.is_null()).unwrap_or(Value::Null),
        ToString | ToStringOrNull => match first {
            Value::Temporal(value) => Value::from(value.to_string()),
            ref duration @ Value::Duration { .. } => {
                Value::from(duration.as_duration().unwrap_or_default().to_string())
            }
            scalar @ (Value::String(_) | Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
                Value::from(to_string(&scalar))
            }
            other if function == ToStringOrNull => {
                let _ = other;
                Value::Null
            }
            other => return Err(wrong_type(function, &other)),
        },
        ToInteger | ToIntegerOrNull => match first {
            Value::Int(number) => Value::Int(number),
            Value::Float(number) => {
                if number.is_finite() && number.abs() < 9.3e18 {
                    Value::Int(number.trunc() as i64)
                } else {
                    Value::Null
                }
            }
            Value::String(text) => parse_integer_text(&text),
            Value::Bool(flag) => Value::Int(flag as i64),
            other if function == ToIntegerOrNull => {
                let _ = other;
                Value::Null
            }
            other => return Err(wrong_type(function, &other)),
        },
        ToFloat | ToFloatOrNull => match first {
            Value::Int(number) => Value::Float(number as f64),
            Value::Float(number) => Value::Float(number),
            Value::String(text) => text.trim().parse::<f64>().map_or(Value::Null, Value::Float),
            other if function == ToFloatOrNull => {
                let _ = other;
                Value::Null
            }
            other => return Err(wrong_type(function, &other)),
        },
        ToBoolean | ToBooleanOrNull => match first {
            Value::Bool(flag) => Value::Bool(flag),
            Value::String(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => Value::Null,
            },
            Value::Int(number) => Value::Bool(number != 0),
            other if function == ToBooleanOrNull => {
                let _ = other;
                Value::Null
            }
            other => return Err(wrong_type(function, &other)),
        },
        ToLower => string_map(function, &first, |text| text.to_lowercase())?,
        ToUpper => string_map(function, &first, |text| text.to_uppercase())?,
        Trim => string_map(function, &first, |text| text.trim().to_owned())?,
        LTrim | RTrim | BTrim => {
            // Whitespace, or each character of the second argument (Neo4j 5's form).
            let characters = match args.get(1) {
                None => None,
                Some(Value::String(characters)) => Some(characters.to_string()),
                Some(Value::Null) => return Ok(Value::Null),
                Some(other) => return Err(wrong_type(function, other)),
            };
            let trimmed = |text: &str| -> String {
                let strip = |c: char| match &characters {
                    Some(characters) => characters.contains(c),
                    None => c.is_whitespace(),
                };
                match function {
                    LTrim => text.trim_start_matches(strip).to_owned(),
                    RTrim => text.trim_end_matches(strip).to_owned(),
                    _ => text.trim_matches(strip).to_owned(),
                }
            };
            string_map(function, &first, trimmed)?
        }
        // Unicode normalization, NFC unless the second argument names NFD, NFKC or NFKD.
        Normalize => {
            use unicode_normalization::UnicodeNormalization as _;
            let form = match args.get(1) {
                None => "NFC".to_owned(),
                Some(Value::String(form)) => form.to_uppercase(),
                Some(other) => return Err(wrong_type(function, other)),
            };
            let normalized = |text: &str| -> Option<String> {
                Some(match form.as_str() {
                    "NFC" => text.nfc().collect(),
                    "NFD" => text.nfd().collect(),
                    "NFKC" => text.nfkc().collect(),
                    "NFKD" => text.nfkd().collect(),
                    _ => return None,
                })
            };
            match &first {
                Value::String(text) => match normalized(text) {
                    Some(text) => Value::from(text.as_str()),
                    None => {
                        return Err(ExecError::argument_error(
                            ErrorCode::InvalidArgumentValue,
                            format!(
                                "normalize() knows the forms NFC, NFD, NFKC and NFKD, not `{form}`"
                            ),
                        ));
                    }
                },
                other => return Err(wrong_type(function, other)),
            }
        }
        CharLength => match first {
            Value::String(text) => Value::Int(text.chars().count() as i64),
            other => return Err(wrong_type(function, &other)),
        },
        NullIf => match first.cypher_eq(&args[1]) {
            Some(true) => Value::Null,
            _ => first,
        },
        // Milliseconds since 1970 at the statement's start, like every clock in it.
        Timestamp => Value::Int((context.now / 1_000_000) as i64),
        Fold => string_map(function, &first, crate::text::fold)?,
        Substring => {
            let Value::String(text) = &first else { return Err(wrong_type(function, &first)) };
            let chars: Vec<char> = text.chars().collect();
            let Some(start) = integer_argument(function, &args[1])? else { return Ok(Value::Null) };
            if start < 0 {
                return Err(ExecError::argument_error(
                    ErrorCode::NegativeIntegerArgument,
                    "substring() start must not be negative",
                ));
            }
            let length = match args.get(2) {
                Some(length) => match integer_argument(function, length)? {
                    Some(length) if length < 0 => {
                        return Err(ExecError::argument_error(
                            ErrorCode::NegativeIntegerArgument,
                            "substring() length must not be negative",
                        ));
                    }
                    Some(length) => length as usize,
                    None => return Ok(Value::Null),
                },
                None => usize::MAX,
            };
            let start = (start as usize).min(chars.len());
            let end = start.saturating_add(length).min(chars.len());
            Value::from(chars[start..end].iter().collect::<String>())
        }
        Left | Right => {
            let Value::String(text) = &first else { return Err(wrong_type(function, &first)) };
            let length = match integer_argument(function, &args[1])? {
                Some(length) if length < 0 => {
                    return Err(ExecError::argument_error(
                        ErrorCode::NegativeIntegerArgument,
                        format!("{function:?}() length must not be negative"),
                    ));
                }
                Some(length) => length as usize,
                None => {
                    return Err(ExecError::argument_error(
                        ErrorCode::InvalidArgumentValue,
                        format!("{function:?}() length must not be null"),
                    ));
                }
            };
            let chars: Vec<char> = text.chars().collect();
            let taken = length.min(chars.len());
            let part: String = if function == Left {
                chars[..taken].iter().collect()
            } else {
                chars[chars.len() - taken..].iter().collect()
            };
            Value::from(part)
        }
        Replace => {
            let (Value::String(text), Value::String(search), Value::String(replacement)) =
                (&first, &args[1], &args[2])
            else {
                if args[1].is_null() || args[2].is_null() {
                    return Ok(Value::Null);
                }
                return Err(wrong_type(function, &first));
            };
            Value::from(text.replace(&**search, replacement))
        }
        Split => {
            let (Value::String(text), delimiter) = (&first, &args[1]) else {
                return Err(wrong_type(function, &first));
            };
            match delimiter {
                Value::String(delimiter) => {
                    let parts: Vec<Value> = if delimiter.is_empty() {
                        text.chars().map(|character| Value::from(character.to_string())).collect()
                    } else {
                        text.split(&**delimiter).map(Value::from).collect()
                    };
                    Value::List(parts)
                }
                Value::Null => Value::Null,
                other => return Err(wrong_type(function, other)),
            }
        }
        Reverse => match first {
            Value::String(text) => Value::from(text.chars().rev().collect::<String>()),
            Value::List(mut items) => {
                items.reverse();
                Value::List(items)
            }
            other => return Err(wrong_type(function, &other)),
        },
        Abs => match first {
            Value::Int(number) => Value::Int(number.checked_abs().ok_or_else(|| {
                ExecError::argument_error(ErrorCode::NumberOutOfRange, "integer overflow")
            })?),
            Value::Float(number) => Value::Float(number.abs()),
            other => return Err(wrong_type(function, &other)),
        },
        Ceil => float_map(function, &first, f64::ceil)?,
        Floor => float_map(function, &first, f64::floor)?,
        Round if args.len() > 1 => round_to(function, &first, &args[1], args.get(2))?,
        Round => match first {
            Value::Int(number) => Value::Float(number as f64),
            // openCypher rounds half up (towards positive infinity).
            Value::Float(number) => Value::Float((number + 0.5).floor()),
            other => return Err(wrong_type(function, &other)),
        },
        Sign => match first {
            Value::Int(number) => Value::Int(number.signum()),
            Value::Float(number) => Value::Int(if number > 0.0 {
                1
            } else if number < 0.0 {
                -1
            } else {
                0
            }),
            other => return Err(wrong_type(function, &other)),
        },
        Sqrt => float_map(function, &first, f64::sqrt)?,
        Exp => float_map(function, &first, f64::exp)?,
        Log => float_map(function, &first, f64::ln)?,
        Log10 => float_map(function, &first, f64::log10)?,
        Sin => float_map(function, &first, f64::sin)?,
        Cos => float_map(function, &first, f64::cos)?,
        Tan => float_map(function, &first, f64::tan)?,
        Asin => float_map(function, &first, f64::asin)?,
        Acos => float_map(function, &first, f64::acos)?,
        Atan => float_map(function, &first, f64::atan)?,
        Cot => float_map(function, &first, |x| 1.0 / x.tan())?,
        Degrees => float_map(function, &first, f64::to_degrees)?,
        Radians => float_map(function, &first, f64::to_radians)?,
        Haversin => float_map(function, &first, |x| (1.0 - x.cos()) / 2.0)?,
        IsNaN => match first {
            Value::Float(number) => Value::Bool(number.is_nan()),
            Value::Int(_) => Value::Bool(false),
            other => return Err(wrong_type(function, &other)),
        },
        // Each element as `toStringOrNull` makes it.
        ToStringList => match first {
            Value::List(items) => Value::List(
                items
                    .into_iter()
                    .map(|item| match item {
                        Value::Temporal(value) => Value::from(value.to_string()),
                        ref duration @ Value::Duration { .. } => {
                            Value::from(duration.as_duration().unwrap_or_default().to_string())
                        }
                        scalar @ (Value::String(_)
                        | Value::Int(_)
                        | Value::Float(_)
                        | Value::Bool(_)) => Value::from(to_string(&scalar)),
                        _ => Value::Null,
                    })
                    .collect(),
            ),
            other => return Err(wrong_type(function, &other)),
        },
        Atan2 => {
            let (Some(y), Some(x)) = (number(function, &first)?, number(function, &args[1])?)
            else {
                return Ok(Value::Null);
            };
            Value::Float(y.atan2(x))
        }
        Pi => Value::Float(std::f64::consts::PI),
        E => Value::Float(std::f64::consts::E),
        Rand => Value::Float(context.random()),
        Temporal(_) | Clock(..) | Truncate(_) | Duration | DurationBetween(_) | FromEpoch
        | FromEpochMillis => unreachable!("temporal functions return above"),
        Exists => Value::Bool(!args.swap_remove(0).is_null()),
        IsEmpty => match first {
            Value::List(items) => Value::Bool(items.is_empty()),
            Value::String(text) => Value::Bool(text.is_empty()),
            Value::Map(entries) => Value::Bool(entries.is_empty()),
            other => return Err(wrong_type(function, &other)),
        },
    })
}

fn parse_integer_text(text: &str) -> Value {
    let trimmed = text.trim();
    if let Ok(number) = trimmed.parse::<i64>() {
        return Value::Int(number);
    }
    match trimmed.parse::<f64>() {
        Ok(number) if number.is_finite() && number.abs() < 9.3e18 => {
            Value::Int(number.trunc() as i64)
        }
        _ => Value::Null,
    }
}

/// `round(value, precision[, mode])`: to `precision` decimals, halves away from zero
/// unless `mode` names another of Java's rounding modes, as Neo4j does.
fn round_to(
    function: Function,
    value: &Value,
    precision: &Value,
    mode: Option<&Value>,
) -> Result<Value, ExecError> {
    let number = match value {
        Value::Int(number) => *number as f64,
        Value::Float(number) => *number,
        other => return Err(wrong_type(function, other)),
    };
    let Value::Int(precision) = precision else {
        return match precision {
            Value::Null => Ok(Value::Null),
            other => Err(wrong_type(function, other)),
        };
    };
    let mode = match mode {
        None => "HALF_UP".to_owned(),
        Some(Value::String(mode)) => mode.to_uppercase(),
        Some(Value::Null) => return Ok(Value::Null),
        Some(other) => return Err(wrong_type(function, other)),
    };
    if !number.is_finite() {
        return Ok(Value::Float(number));
    }
    // On the shortest decimal that gives the number back (Java's BigDecimal.valueOf, as
    // Neo4j rounds), so round(2.345, 2) is 2.35 although 2.345 is stored a hair below.
    let text = format!("{:e}", number.abs());
    let (mantissa, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
    let exponent: i64 = exponent.parse().expect("an integer exponent");
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|d| d - b'0').collect();
    // The value is 0.d1d2d3… × 10^point; the digits in front of the cut, read as a whole
    // number K, give K × 10^-precision.
    let point = exponent + 1;
    let precision = (*precision).clamp(-400, 400);
    let keep = point + precision;
    let negative = number < 0.0;
    let nonzero = |digits: &[u8]| digits.iter().any(|digit| *digit != 0);
    let (mut kept, first_dropped, rest_nonzero) = match usize::try_from(keep) {
        Ok(0) | Err(_) => {
            let (first, rest) =
                if keep == 0 { (digits[0], &digits[1..]) } else { (0, &digits[..]) };
            (Vec::new(), first, nonzero(rest))
        }
        Ok(keep) if keep >= digits.len() => {
            // Nothing to cut: the digits, with zeros down to the kept place.
            let mut padded = digits.clone();
            padded.resize(keep.min(800), 0);
            (padded, 0, false)
        }
        Ok(keep) => (digits[..keep].to_vec(), digits[keep], nonzero(&digits[keep + 1..])),
    };
    let any_dropped = first_dropped != 0 || rest_nonzero;
    let last_odd = kept.last().is_some_and(|digit| digit % 2 == 1);
    let up = match mode.as_str() {
        "UP" => any_dropped,
        "DOWN" => false,
        "CEILING" => any_dropped && !negative,
        "FLOOR" => any_dropped && negative,
        "HALF_UP" => first_dropped >= 5,
        "HALF_DOWN" => first_dropped > 5 || (first_dropped == 5 && rest_nonzero),
        "HALF_EVEN" => first_dropped > 5 || (first_dropped == 5 && (rest_nonzero || last_odd)),
        other => {
            return Err(ExecError::argument_error(
                ErrorCode::InvalidArgumentValue,
                format!(
                    "round() knows the modes UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN and HALF_EVEN, not `{other}`"
                ),
            ));
        }
    };
    if up {
        // One more in the last kept place, carrying.
        let mut position = kept.len();
        loop {
            if position == 0 {
                kept.insert(0, 1);
                break;
            }
            position -= 1;
            if kept[position] == 9 {
                kept[position] = 0;
            } else {
                kept[position] += 1;
                break;
            }
        }
    }
    let whole: String = kept.iter().map(|digit| char::from(b'0' + digit)).collect();
    let whole = if whole.is_empty() { "0".to_owned() } else { whole };
    let rounded: f64 = format!("{whole}e{}", -precision).parse().unwrap_or(0.0);
    Ok(Value::Float(if negative { -rounded } else { rounded }))
}

fn string_map(
    function: Function,
    value: &Value,
    map: impl Fn(&str) -> String,
) -> Result<Value, ExecError> {
    match value {
        Value::String(text) => Ok(Value::String(Arc::from(map(text)))),
        other => Err(wrong_type(function, other)),
    }
}

fn float_map(
    function: Function,
    value: &Value,
    map: impl Fn(f64) -> f64,
) -> Result<Value, ExecError> {
    match number(function, value)? {
        Some(number) => Ok(Value::Float(map(number))),
        None => Ok(Value::Null),
    }
}

/// The properties of a node or relationship as a map (a map stays itself), for
/// `properties()`, map projections and `n = m` copies.
pub(crate) fn all_properties(subject: &Value, context: &Context<'_>) -> Value {
    let graph = context.graph;
    match subject {
        Value::Node(node) => Value::Map(
            graph
                .node_properties(*node)
                .map(|(key, value)| (key.to_owned(), value.clone()))
                .collect(),
        ),
        Value::Relationship(edge) => Value::Map(
            graph
                .edge_properties(*edge)
                .map(|(key, value)| (key.to_owned(), value.clone()))
                .collect(),
        ),
        Value::Map(entries) => Value::Map(entries.clone()),
        _ => Value::Null,
    }
}
