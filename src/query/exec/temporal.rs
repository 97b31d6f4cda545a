//! Temporal functions and operators at run time: constructors, clocks, truncation,
//! durations, `duration.between`, and `+ - * /` on temporal values and durations.
//!
//! Every clock reads the statement's start (`Context::now`), so `date()` is one date
//! throughout a statement; only `*.realtime()` reads the wall clock. The semantics live
//! in `graph::temporal`; this file turns argument values into calls there and errors
//! into `ExecError`s.

use std::collections::BTreeMap;

use super::Context;
use crate::graph::{Duration, Temporal, TemporalKind, Value, Zone};
use crate::query::error::{ErrorCode, ExecError};
use crate::query::plan::ir::{BinaryOp, Clock, Function};

fn invalid(message: String) -> ExecError {
    ExecError::argument_error(ErrorCode::InvalidArgumentValue, message)
}

/// Nanoseconds since 1970-01-01T00:00Z on the wall clock.
pub(crate) fn wall_clock() -> i128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as i128)
}

/// Runs one of the temporal functions.
pub(crate) fn call(
    function: Function,
    args: Vec<Value>,
    context: &Context<'_>,
) -> Result<Value, ExecError> {
    let mut args = args.into_iter();
    let first = args.next();
    let second = args.next();
    let third = args.next();
    match function {
        Function::Temporal(kind) => construct(kind, first, context.now),
        Function::Clock(kind, clock) => {
            let now = match clock {
                Clock::Statement => context.now,
                Clock::Realtime => wall_clock(),
            };
            let zone = match first {
                None => Zone::Offset(0),
                Some(Value::Null) => return Ok(Value::Null),
                Some(Value::String(name)) => Zone::parse(&name).map_err(invalid)?,
                Some(other) => {
                    return Err(ExecError::type_error(format!(
                        "a clock takes a time zone name, found {}",
                        other.type_name()
                    )));
                }
            };
            let moment = Temporal::at_instant(now, zone).map_err(invalid)?;
            Ok(Value::Temporal(moment.convert(kind).map_err(invalid)?))
        }
        Function::Truncate(kind) => {
            let unit = match first {
                Some(Value::String(unit)) => unit,
                Some(Value::Null) | None => return Ok(Value::Null),
                Some(other) => {
                    return Err(ExecError::type_error(format!(
                        "truncate() takes a unit name, found {}",
                        other.type_name()
                    )));
                }
            };
            let value = match second {
                Some(Value::Temporal(value)) => value,
                Some(Value::Null) | None => return Ok(Value::Null),
                Some(other) => {
                    return Err(ExecError::type_error(format!(
                        "truncate() takes a temporal value, found {}",
                        other.type_name()
                    )));
                }
            };
            let map = match third {
                Some(Value::Map(map)) => map,
                Some(Value::Null) | None => BTreeMap::new(),
                Some(other) => {
                    return Err(ExecError::type_error(format!(
                        "truncate() takes a map of components, found {}",
                        other.type_name()
                    )));
                }
            };
            let truncated = value.truncate(kind, &unit, &map, context.now).map_err(invalid)?;
            Ok(Value::Temporal(truncated))
        }
        Function::Duration => match first {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(Value::Map(map)) => Ok(Value::from(Duration::from_map(&map).map_err(invalid)?)),
            Some(Value::String(text)) => Ok(Value::from(Duration::parse(&text).map_err(invalid)?)),
            Some(duration @ Value::Duration { .. }) => Ok(duration),
            Some(other) => Err(ExecError::type_error(format!(
                "duration() takes a map or a string, found {}",
                other.type_name()
            ))),
        },
        Function::DurationBetween(unit) => match (first, second) {
            (Some(Value::Temporal(from)), Some(Value::Temporal(to))) => {
                let duration = crate::graph::temporal_between(from, to, unit).map_err(invalid)?;
                Ok(Value::from(duration))
            }
            (Some(Value::Null), _) | (_, Some(Value::Null)) | (None, _) | (_, None) => {
                Ok(Value::Null)
            }
            (Some(from), Some(to)) => Err(ExecError::type_error(format!(
                "duration.between() takes two temporal values, found {} and {}",
                from.type_name(),
                to.type_name()
            ))),
        },
        Function::FromEpoch => match (first, second) {
            (Some(Value::Int(seconds)), Some(Value::Int(nanos))) => {
                let instant = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
                Ok(Value::Temporal(
                    Temporal::at_instant(instant, Zone::Offset(0)).map_err(invalid)?,
                ))
            }
            (Some(Value::Null), _) | (_, Some(Value::Null)) => Ok(Value::Null),
            _ => Err(ExecError::type_error("datetime.fromEpoch() takes two integers")),
        },
        Function::FromEpochMillis => match first {
            Some(Value::Int(millis)) => {
                let instant = i128::from(millis) * 1_000_000;
                Ok(Value::Temporal(
                    Temporal::at_instant(instant, Zone::Offset(0)).map_err(invalid)?,
                ))
            }
            Some(Value::Null) | None => Ok(Value::Null),
            Some(other) => Err(ExecError::type_error(format!(
                "datetime.fromEpochMillis() takes an integer, found {}",
                other.type_name()
            ))),
        },
        other => unreachable!("{other:?} is not a temporal function"),
    }
}

/// `date(…)` and its kin: from a map of components, an ISO 8601 string or another
/// temporal; with no argument, the statement's moment in UTC.
fn construct(kind: TemporalKind, argument: Option<Value>, now: i128) -> Result<Value, ExecError> {
    let built = match argument {
        None => Temporal::now(now).convert(kind),
        Some(Value::Null) => return Ok(Value::Null),
        Some(Value::Map(map)) => Temporal::from_map(kind, &map, now),
        Some(Value::String(text)) => Temporal::parse(kind, &text, now),
        Some(Value::Temporal(other)) => other.convert(kind),
        Some(other) => {
            return Err(ExecError::type_error(format!(
                "{}() takes a map or a string, found {}",
                kind.function_name(),
                other.type_name()
            )));
        }
    };
    built.map(Value::Temporal).map_err(invalid)
}

/// True for the operands `arithmetic` handles.
pub(crate) fn is_temporal(value: &Value) -> bool {
    matches!(value, Value::Temporal(_) | Value::Duration { .. })
}

/// `temporal ± duration`, `duration ± duration`, `duration * number`, `number *
/// duration` and `duration / number`.
pub(crate) fn arithmetic(op: BinaryOp, left: Value, right: Value) -> Result<Value, ExecError> {
    let result = match (op, &left, &right) {
        (BinaryOp::Add, Value::Temporal(value), duration @ Value::Duration { .. })
        | (BinaryOp::Add, duration @ Value::Duration { .. }, Value::Temporal(value)) => {
            value.plus(duration.as_duration().unwrap_or_default()).map(Value::Temporal)
        }
        (BinaryOp::Subtract, Value::Temporal(value), duration @ Value::Duration { .. }) => {
            value.minus(duration.as_duration().unwrap_or_default()).map(Value::Temporal)
        }
        (BinaryOp::Add | BinaryOp::Subtract, Value::Duration { .. }, Value::Duration { .. }) => {
            let (a, b) =
                (left.as_duration().unwrap_or_default(), right.as_duration().unwrap_or_default());
            if op == BinaryOp::Add { a.plus(b) } else { a.minus(b) }.map(Value::from)
        }
        (BinaryOp::Multiply, duration @ Value::Duration { .. }, factor)
        | (BinaryOp::Multiply, factor, duration @ Value::Duration { .. }) => {
            let duration = duration.as_duration().unwrap_or_default();
            match factor {
                Value::Int(factor) => duration.times_int(*factor).map(Value::from),
                Value::Float(factor) => duration.times_float(*factor).map(Value::from),
                _ => return Err(cannot(op, &left, &right)),
            }
        }
        (BinaryOp::Divide, duration @ Value::Duration { .. }, divisor) => {
            let duration = duration.as_duration().unwrap_or_default();
            match divisor {
                Value::Int(divisor) => duration.divided(*divisor as f64).map(Value::from),
                Value::Float(divisor) => duration.divided(*divisor).map(Value::from),
                _ => return Err(cannot(op, &left, &right)),
            }
        }
        _ => return Err(cannot(op, &left, &right)),
    };
    result.map_err(|message| ExecError::argument_error(ErrorCode::InvalidArgumentValue, message))
}

fn cannot(op: BinaryOp, left: &Value, right: &Value) -> ExecError {
    ExecError::type_error(format!(
        "cannot apply `{}` to {} and {}",
        op.symbol(),
        left.type_name(),
        right.type_name()
    ))
}
