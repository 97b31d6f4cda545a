//! Aggregate accumulators: `count`, `sum`, `avg`, `min`, `max`, `collect`, `stDev`,
//! percentiles, each optionally over `DISTINCT` values.

use std::collections::HashSet;

use crate::graph::{GroupKey, Value};
use crate::query::error::{ErrorCode, ExecError};
use crate::query::plan::ir::{AggregateFunction, Aggregation};

/// The running state of one aggregate in one group.
pub(crate) struct Accumulator {
    seen: Option<HashSet<GroupKey>>,
    state: State,
}

enum State {
    Count(i64),
    Sum {
        integer: i64,
        float: f64,
        is_float: bool,
        any: bool,
    },
    Avg {
        total: f64,
        count: u64,
    },
    Extreme(Option<Value>),
    Collect(Vec<Value>),
    /// The numbers, the percentile (read from the first row), and whether every number
    /// was an integer (`percentileDisc` then answers an integer, as Neo4j does).
    Values(Vec<f64>, Option<f64>, bool),
}

impl Accumulator {
    pub(crate) fn new(aggregation: &Aggregation) -> Self {
        let state = match aggregation.function {
            AggregateFunction::Count => State::Count(0),
            AggregateFunction::Sum => {
                State::Sum { integer: 0, float: 0.0, is_float: false, any: false }
            }
            AggregateFunction::Avg => State::Avg { total: 0.0, count: 0 },
            AggregateFunction::Min | AggregateFunction::Max => State::Extreme(None),
            AggregateFunction::Collect => State::Collect(Vec::new()),
            _ => State::Values(Vec::new(), None, true),
        };
        Accumulator { seen: aggregation.distinct.then(HashSet::new), state }
    }

    /// True while the accumulator still needs the aggregation's extra argument (the
    /// percentile of `percentileDisc`/`percentileCont`, read from the first row).
    pub(crate) fn needs_extra(&self) -> bool {
        matches!(self.state, State::Values(_, None, _))
    }

    /// Adds one row's evaluated argument (`None` for `count(*)`) and, while
    /// `needs_extra`, its evaluated extra argument.
    pub(crate) fn add(
        &mut self,
        aggregation: &Aggregation,
        value: Option<Value>,
        extra: Option<Value>,
    ) -> Result<(), ExecError> {
        let (Some(arg), Some(value)) = (&aggregation.arg, value) else {
            // count(*) counts rows, nulls included.
            if let State::Count(count) = &mut self.state {
                *count += 1;
            }
            return Ok(());
        };
        if value.is_null() {
            return Ok(());
        }
        if let Some(seen) = &mut self.seen
            && !seen.insert(GroupKey(value.clone()))
        {
            return Ok(());
        }
        let function = aggregation.function;
        match &mut self.state {
            State::Count(count) => *count += 1,
            State::Sum { integer, float, is_float, any } => {
                *any = true;
                match value {
                    Value::Int(number) if !*is_float => match integer.checked_add(number) {
                        Some(total) => *integer = total,
                        None => {
                            return Err(ExecError::argument_error(
                                ErrorCode::NumberOutOfRange,
                                "sum() overflowed 64-bit integers",
                            ));
                        }
                    },
                    Value::Int(number) => *float += number as f64,
                    Value::Float(number) => {
                        if !*is_float {
                            *is_float = true;
                            *float = *integer as f64;
                        }
                        *float += number;
                    }
                    other => {
                        return Err(ExecError::type_error(format!(
                            "sum() needs numbers, found {}",
                            other.type_name()
                        ))
                        .at(arg.span));
                    }
                }
            }
            State::Avg { total, count } => match value {
                Value::Int(number) => {
                    *total += number as f64;
                    *count += 1;
                }
                Value::Float(number) => {
                    *total += number;
                    *count += 1;
                }
                other => {
                    return Err(ExecError::type_error(format!(
                        "avg() needs numbers, found {}",
                        other.type_name()
                    ))
                    .at(arg.span));
                }
            },
            State::Extreme(best) => {
                let replace = match best {
                    None => true,
                    Some(current) => {
                        let order = value.order_cmp(current);
                        if function == AggregateFunction::Min {
                            order.is_lt()
                        } else {
                            order.is_gt()
                        }
                    }
                };
                if replace {
                    *best = Some(value);
                }
            }
            State::Collect(items) => items.push(value),
            State::Values(values, percentile, all_integers) => {
                let number = match value {
                    Value::Int(number) => number as f64,
                    Value::Float(number) => {
                        *all_integers = false;
                        number
                    }
                    other => {
                        return Err(ExecError::type_error(format!(
                            "{}() needs numbers, found {}",
                            function.name(),
                            other.type_name()
                        ))
                        .at(arg.span));
                    }
                };
                values.push(number);
                if percentile.is_none()
                    && let Some(extra) = extra
                {
                    match extra {
                        Value::Int(number) => *percentile = Some(number as f64),
                        Value::Float(number) => *percentile = Some(number),
                        other => {
                            return Err(ExecError::type_error(format!(
                                "a percentile must be a number, found {}",
                                other.type_name()
                            )));
                        }
                    }
                    if percentile.is_some_and(|p| !(0.0..=1.0).contains(&p)) {
                        return Err(ExecError::argument_error(
                            ErrorCode::NumberOutOfRange,
                            "a percentile must be between 0.0 and 1.0",
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    pub(crate) fn finish(self, aggregation: &Aggregation) -> Result<Value, ExecError> {
        Ok(match self.state {
            State::Count(count) => Value::Int(count),
            State::Sum { integer, float, is_float, any } => {
                if is_float {
                    Value::Float(float)
                } else if any || !is_float {
                    Value::Int(integer)
                } else {
                    Value::Int(0)
                }
            }
            State::Avg { total, count } => {
                if count == 0 {
                    Value::Null
                } else {
                    Value::Float(total / count as f64)
                }
            }
            State::Extreme(best) => best.unwrap_or(Value::Null),
            State::Collect(items) => Value::List(items),
            State::Values(mut values, percentile, all_integers) => {
                if values.is_empty() {
                    return Ok(Value::Null);
                }
                match aggregation.function {
                    AggregateFunction::StDev | AggregateFunction::StDevP => {
                        let count = values.len() as f64;
                        let mean = values.iter().sum::<f64>() / count;
                        let squares: f64 = values.iter().map(|value| (value - mean).powi(2)).sum();
                        let divisor = if aggregation.function == AggregateFunction::StDev {
                            count - 1.0
                        } else {
                            count
                        };
                        Value::Float(if divisor <= 0.0 { 0.0 } else { (squares / divisor).sqrt() })
                    }
                    _ => {
                        values.sort_by(f64::total_cmp);
                        let p = percentile.unwrap_or(0.5);
                        if aggregation.function == AggregateFunction::PercentileDisc {
                            let index = ((p * values.len() as f64).ceil() as usize)
                                .saturating_sub(1)
                                .min(values.len() - 1);
                            if all_integers {
                                Value::Int(values[index] as i64)
                            } else {
                                Value::Float(values[index])
                            }
                        } else {
                            let position = p * (values.len() - 1) as f64;
                            let lower = position.floor() as usize;
                            let upper = position.ceil() as usize;
                            Value::Float(
                                values[lower]
                                    + (values[upper] - values[lower]) * (position - lower as f64),
                            )
                        }
                    }
                }
            }
        })
    }
}
