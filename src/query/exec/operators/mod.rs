//! The operators: each `Op` opened as a pull iterator over rows. The walks over paths
//! (variable-length expansion, shortest paths) are in `paths`.

mod index_scan;
pub(super) mod load_csv;
mod paths;

use index_scan::open_index_scan;
use paths::{open_shortest, open_var_expand};

use std::cell::RefCell;
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::time::{Duration, Instant};

use super::aggregate::Accumulator;
use super::eval::{eval, eval_predicate};
use super::{Context, Row};
use crate::graph::{Bound, Dir, EdgeId, FastMap, FastSet, GroupKey, NodeId, Path, Symbol, Value};
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::plan::ir::{
    Expand, Expr, Op, ProcedureCall, RangeSeek, ShortestPath, Slot, SortKey, VarExpand,
};
use crate::query::procedures::CallError;

pub(crate) type RowIter<'g> = Box<dyn Iterator<Item = Result<Row, ExecError>> + 'g>;

/// The rows an `Argument` leaf yields.
pub(crate) enum Argument {
    Rows(Vec<Row>),
    One(Row),
}

/// Rows and time per operator, filled while a `PROFILE` runs.
#[derive(Default, Debug)]
pub struct Profile {
    figures: RefCell<HashMap<usize, (u64, Duration)>>,
}

impl Profile {
    /// Rows produced and time spent (including the operators it reads) by `op`.
    pub fn figures(&self, op: &Op) -> Option<(u64, Duration)> {
        self.figures.borrow().get(&(op as *const Op as usize)).copied()
    }
}

struct Profiled<'g> {
    inner: RowIter<'g>,
    key: usize,
    profile: &'g Profile,
}

impl Iterator for Profiled<'_> {
    type Item = Result<Row, ExecError>;

    fn next(&mut self) -> Option<Self::Item> {
        let started = Instant::now();
        let next = self.inner.next();
        let mut figures = self.profile.figures.borrow_mut();
        let entry = figures.entry(self.key).or_default();
        entry.1 += started.elapsed();
        if matches!(next, Some(Ok(_))) {
            entry.0 += 1;
        }
        next
    }
}

fn single<'g>(result: Result<Row, ExecError>) -> RowIter<'g> {
    Box::new(std::iter::once(result))
}

fn empty<'g>() -> RowIter<'g> {
    Box::new(std::iter::empty())
}

/// For each input row, the rows `expand` makes of it; errors pass through.
fn flat_map_rows<'g>(
    input: RowIter<'g>,
    context: &'g Context<'g>,
    mut expand: impl FnMut(Row) -> RowIter<'g> + 'g,
) -> RowIter<'g> {
    Box::new(input.flat_map(
        move |result| match result.and_then(|row| context.check().map(|()| row)) {
            Ok(row) => expand(row),
            Err(error) => single(Err(error)),
        },
    ))
}

pub(crate) fn open<'g>(
    op: &'g Op,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    let iterator = crate::stack::grow(|| open_unprofiled(op, context, argument))?;
    Ok(match context.profile {
        Some(profile) => {
            Box::new(Profiled { inner: iterator, key: op as *const Op as usize, profile })
        }
        None => iterator,
    })
}

fn open_unprofiled<'g>(
    op: &'g Op,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    Ok(match op {
        Op::Argument => match argument {
            Argument::Rows(rows) => Box::new(rows.into_iter().map(Ok)),
            Argument::One(row) => single(Ok(row)),
        },
        Op::NodeScan { input, slot, label } => {
            let input = open(input, context, argument)?;
            let graph = context.graph;
            let nodes: Box<dyn Fn() -> Box<dyn Iterator<Item = NodeId> + 'g> + 'g> = match label {
                None => Box::new(move || Box::new(graph.nodes())),
                Some(label) => match graph.label_symbol(label) {
                    Some(symbol) => {
                        Box::new(move || Box::new(graph.nodes_with_label(symbol).iter().copied()))
                    }
                    None => return Ok(drain_then_empty(input)),
                },
            };
            let slot = *slot;
            flat_map_rows(input, context, move |row| {
                Box::new(nodes().map(move |node| {
                    context.check()?;
                    let mut next = row.clone();
                    next[slot] = Value::Node(node);
                    Ok(next)
                }))
            })
        }
        Op::NodeIndexSeek { input, slot, label, key, value } => {
            let input = open(input, context, argument)?;
            let slot = *slot;
            flat_map_rows(input, context, move |mut row| {
                let wanted = match eval(value, &mut row, context) {
                    Ok(wanted) => wanted,
                    Err(error) => return single(Err(error)),
                };
                let graph = context.graph;
                let matches: Vec<NodeId> = match (label, &wanted, key.as_str()) {
                    (Some(label), _, key) => match graph.node_index(label, &[key]) {
                        Some(index) if index.holds(&wanted) => index.equal(&wanted).to_vec(),
                        // A TEXT index and a value that is not a string, or an index
                        // dropped since the plan was made: find them the long way.
                        _ => graph
                            .label_symbol(label)
                            .map(|symbol| graph.nodes_with_label(symbol))
                            .unwrap_or_default()
                            .iter()
                            .copied()
                            .filter(|node| {
                                !graph.is_node_deleted(*node)
                                    && graph.node_labels(*node).any(|name| name == label)
                                    && graph
                                        .node_property_by_name(*node, key)
                                        .is_some_and(|found| found.cypher_eq(&wanted) == Some(true))
                            })
                            .collect(),
                    },
                    (None, Value::String(name), "name") => graph.nodes_named(name).to_vec(),
                    // Not a string: no node's name can equal it (numbers are compared by
                    // value, so fall back to a scan for those).
                    (None, Value::Int(_) | Value::Float(_), _) => graph
                        .nodes()
                        .filter(|node| {
                            graph
                                .node_property_by_name(*node, key)
                                .is_some_and(|found| found.cypher_eq(&wanted) == Some(true))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                Box::new(matches.into_iter().map(move |node| {
                    let mut next = row.clone();
                    next[slot] = Value::Node(node);
                    Ok(next)
                }))
            })
        }
        Op::NodeRangeSeek(seek) => open_range_seek(seek, context, argument)?,
        Op::NodeIndexScan(scan) => open_index_scan(scan, context, argument)?,
        Op::Expand(expand) => open_expand(expand, context, argument)?,
        Op::VarExpand(expand) => open_var_expand(expand, context, argument)?,
        Op::ShortestPath(shortest) => open_shortest(shortest, context, argument)?,
        Op::Filter { input, predicate } => {
            let input = open(input, context, argument)?;
            Box::new(input.filter_map(move |result| match result {
                Ok(mut row) => match eval_predicate(predicate, &mut row, context) {
                    Ok(true) => Some(Ok(row)),
                    Ok(false) => None,
                    Err(error) => Some(Err(error)),
                },
                Err(error) => Some(Err(error)),
            }))
        }
        Op::Optional { input, inner, nullable } => {
            let input = open(input, context, argument)?;
            flat_map_rows(input, context, move |row| {
                let mut rows = match open(inner, context, Argument::One(row.clone())) {
                    Ok(rows) => rows,
                    Err(error) => return single(Err(error)),
                };
                match rows.next() {
                    Some(first) => Box::new(std::iter::once(first).chain(rows)),
                    None => {
                        let mut padded = row;
                        for slot in nullable {
                            padded[*slot] = Value::Null;
                        }
                        single(Ok(padded))
                    }
                }
            })
        }
        Op::Project { input, items } => {
            let input = open(input, context, argument)?;
            Box::new(input.map(move |result| {
                let mut row = result?;
                for (slot, expr) in items {
                    let value = eval(expr, &mut row, context)?;
                    row[*slot] = value;
                }
                Ok(row)
            }))
        }
        Op::Aggregate { input, keys, aggregates } => {
            let input = open(input, context, argument)?;
            aggregate_rows(input, keys, aggregates, context)?
        }
        Op::CountRows { input, slot } => {
            if let Some(count) = count_without_rows(input, context, &argument)? {
                let mut row = vec![Value::Null; context.slot_count];
                row[*slot] = Value::Int(count as i64);
                return Ok(single(Ok(row)));
            }
            let mut input = open(input, context, argument)?;
            let mut count: i64 = 0;
            for row in input.by_ref() {
                row?;
                count += 1;
            }
            let mut row = vec![Value::Null; context.slot_count];
            row[*slot] = Value::Int(count);
            single(Ok(row))
        }
        Op::Distinct { input, slots } => {
            let input = open(input, context, argument)?;
            if let [slot] = slots.as_slice() {
                // One column: no key vector per row.
                let mut seen: FastSet<GroupKey> = FastSet::default();
                return Ok(Box::new(input.filter(move |result| match result {
                    Ok(row) => seen.insert(GroupKey(row[*slot].clone())),
                    Err(_) => true,
                })));
            }
            let mut seen: FastSet<Vec<GroupKey>> = FastSet::default();
            Box::new(input.filter(move |result| match result {
                Ok(row) => {
                    seen.insert(slots.iter().map(|slot| GroupKey(row[*slot].clone())).collect())
                }
                Err(_) => true,
            }))
        }
        Op::Sort { input, keys } => {
            let input = open(input, context, argument)?;
            let mut keyed = sort_keyed(input, keys, context)?;
            keyed.sort_by(|left, right| compare_keys(&left.0, &right.0, keys));
            Box::new(keyed.into_iter().map(|(_, row)| Ok(row)))
        }
        Op::Top { input, keys, limit } => {
            let limit = count_value(limit, context, "LIMIT")?;
            let input = open(input, context, argument)?;
            let mut kept: Vec<(Vec<Value>, Row)> = Vec::new();
            for result in input {
                let mut row = result?;
                let key: Vec<Value> = keys
                    .iter()
                    .map(|key| eval(&key.expr, &mut row, context))
                    .collect::<Result<_, _>>()?;
                kept.push((key, row));
                // Trim now and then so memory stays near `limit` rows.
                if limit > 0 && kept.len() >= limit.saturating_mul(2).max(1024) {
                    kept.sort_by(|left, right| compare_keys(&left.0, &right.0, keys));
                    kept.truncate(limit);
                }
            }
            kept.sort_by(|left, right| compare_keys(&left.0, &right.0, keys));
            kept.truncate(limit);
            Box::new(kept.into_iter().map(|(_, row)| Ok(row)))
        }
        Op::Skip { input, count } => {
            let count = count_value(count, context, "SKIP")?;
            Box::new(open(input, context, argument)?.skip(count))
        }
        Op::Limit { input, count } => {
            let count = count_value(count, context, "LIMIT")?;
            if count == 0 {
                return Ok(empty());
            }
            Box::new(open(input, context, argument)?.take(count))
        }
        Op::Unwind { input, list, slot } => {
            let input = open(input, context, argument)?;
            let slot = *slot;
            flat_map_rows(input, context, move |mut row| match eval(list, &mut row, context) {
                Ok(Value::List(items)) => Box::new(items.into_iter().map(move |item| {
                    context.check()?;
                    let mut next = row.clone();
                    next[slot] = item;
                    Ok(next)
                })),
                Ok(Value::Null) => empty(),
                Ok(other) => {
                    row[slot] = other;
                    single(Ok(row))
                }
                Err(error) => single(Err(error)),
            })
        }
        Op::LoadCsv(load) => {
            let input = open(&load.input, context, argument)?;
            flat_map_rows(input, context, move |mut row| {
                match load_csv::open_csv(load, &mut row, context) {
                    Ok(file) => Box::new(load_csv::CsvRows { file, row, load, context }),
                    Err(error) => single(Err(error)),
                }
            })
        }
        Op::Call(call) => {
            let input = open(&call.input, context, argument)?;
            flat_map_rows(input, context, move |mut row| {
                match call_procedure(call, &mut row, context) {
                    Ok(rows) => rows,
                    Err(error) => single(Err(error)),
                }
            })
        }
        Op::Union { branches, distinct, slots } => {
            let rows = match argument {
                Argument::Rows(rows) => rows,
                Argument::One(row) => vec![row],
            };
            let mut chained: RowIter<'g> = empty();
            for branch in branches {
                let opened = open(branch, context, Argument::Rows(rows.clone()))?;
                chained = Box::new(chained.chain(opened));
            }
            if *distinct {
                let mut seen: HashSet<Vec<GroupKey>> = HashSet::new();
                Box::new(chained.filter(move |result| match result {
                    Ok(row) => {
                        seen.insert(slots.iter().map(|slot| GroupKey(row[*slot].clone())).collect())
                    }
                    Err(_) => true,
                }))
            } else {
                chained
            }
        }
    })
}

/// An input that must still be pulled (it may fail), then nothing.
fn drain_then_empty<'g>(input: RowIter<'g>) -> RowIter<'g> {
    Box::new(input.filter_map(|result| result.err().map(Err)))
}

/// Evaluates a `SKIP`/`LIMIT` count: a non-negative integer. A bad count is a syntax
/// error found at run time (it came in a parameter), as openCypher classes it.
fn count_value(expr: &Expr, context: &Context<'_>, clause: &str) -> Result<usize, ExecError> {
    count_value_checked(expr, context, clause)
        .map_err(|error| ExecError { kind: ErrorKind::SyntaxError, ..error })
}

fn count_value_checked(
    expr: &Expr,
    context: &Context<'_>,
    clause: &str,
) -> Result<usize, ExecError> {
    let mut row = vec![Value::Null; context.slot_count];
    match eval(expr, &mut row, context)? {
        Value::Int(count) if count >= 0 => Ok(count as usize),
        Value::Int(count) => Err(ExecError::argument_error(
            ErrorCode::NegativeIntegerArgument,
            format!("{clause} must not be negative, found {count}"),
        )
        .at(expr.span)),
        Value::Float(number) if number.fract() == 0.0 && number >= 0.0 => {
            Err(ExecError::argument_error(
                ErrorCode::InvalidArgumentType,
                format!("{clause} takes an integer, found the float {number}"),
            )
            .at(expr.span))
        }
        other => Err(ExecError::argument_error(
            ErrorCode::InvalidArgumentType,
            format!("{clause} takes an integer, found {}", other.type_name()),
        )
        .at(expr.span)),
    }
}

fn sort_keyed(
    input: RowIter<'_>,
    keys: &[SortKey],
    context: &Context<'_>,
) -> Result<Vec<(Vec<Value>, Row)>, ExecError> {
    let mut keyed = Vec::new();
    for result in input {
        let mut row = result?;
        let key: Vec<Value> =
            keys.iter().map(|key| eval(&key.expr, &mut row, context)).collect::<Result<_, _>>()?;
        keyed.push((key, row));
    }
    Ok(keyed)
}

fn compare_keys(left: &[Value], right: &[Value], keys: &[SortKey]) -> std::cmp::Ordering {
    for ((left, right), key) in left.iter().zip(right).zip(keys) {
        let order = left.order_cmp(right);
        let order = if key.descending { order.reverse() } else { order };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    std::cmp::Ordering::Equal
}

fn aggregate_rows<'g>(
    input: RowIter<'g>,
    keys: &'g [(Slot, Expr)],
    aggregates: &'g [(Slot, crate::query::plan::ir::Aggregation)],
    context: &'g Context<'g>,
) -> Result<RowIter<'g>, ExecError> {
    let mut groups: FastMap<Vec<GroupKey>, usize> = FastMap::default();
    let mut states: Vec<(Vec<Value>, Vec<Accumulator>)> = Vec::new();
    for result in input {
        let mut row = result?;
        let key_values: Vec<Value> =
            keys.iter().map(|(_, expr)| eval(expr, &mut row, context)).collect::<Result<_, _>>()?;
        let group_key: Vec<GroupKey> = key_values.iter().cloned().map(GroupKey).collect();
        let index = match groups.get(&group_key) {
            Some(index) => *index,
            None => {
                let accumulators = aggregates
                    .iter()
                    .map(|(_, aggregation)| Accumulator::new(aggregation))
                    .collect();
                states.push((key_values, accumulators));
                groups.insert(group_key, states.len() - 1);
                states.len() - 1
            }
        };
        for ((_, aggregation), accumulator) in aggregates.iter().zip(&mut states[index].1) {
            // Arguments are evaluated here; the accumulator only ever sees values.
            let value = match &aggregation.arg {
                Some(arg) => Some(eval(arg, &mut row, context)?),
                None => None,
            };
            let extra = match &aggregation.extra {
                Some(extra) if accumulator.needs_extra() => Some(eval(extra, &mut row, context)?),
                _ => None,
            };
            accumulator.add(aggregation, value, extra)?;
        }
    }
    // With no grouping keys, an empty input still gives one row (count 0, collect []).
    if states.is_empty() && keys.is_empty() {
        let accumulators =
            aggregates.iter().map(|(_, aggregation)| Accumulator::new(aggregation)).collect();
        states.push((Vec::new(), accumulators));
    }
    let slot_count = context.slot_count;
    let mut output = Vec::with_capacity(states.len());
    for (key_values, accumulators) in states {
        let mut row = vec![Value::Null; slot_count];
        for ((slot, _), value) in keys.iter().zip(key_values) {
            row[*slot] = value;
        }
        for ((slot, aggregation), accumulator) in aggregates.iter().zip(accumulators) {
            row[*slot] = accumulator.finish(aggregation)?;
        }
        output.push(Ok(row));
    }
    Ok(Box::new(output.into_iter()))
}

/// Resolves relationship type names: `None` means every type; an unknown name matches
/// nothing.
fn type_symbols(context: &Context<'_>, types: &[String]) -> Option<Vec<Symbol>> {
    if types.is_empty() {
        return None;
    }
    Some(types.iter().filter_map(|name| context.graph.rel_type_symbol(name)).collect())
}

/// Resolves label names; `None` when one is unknown (then no node can carry them all).
pub(crate) fn label_symbols(context: &Context<'_>, labels: &[String]) -> Option<Vec<Symbol>> {
    labels.iter().map(|label| context.graph.label_symbol(label)).collect()
}

/// True when relationship `edge` already sits in one of `slots` (single or list).
fn already_used(edge: EdgeId, row: &Row, slots: &[Slot]) -> bool {
    slots.iter().any(|slot| match &row[*slot] {
        Value::Relationship(used) => *used == edge,
        Value::List(items) => {
            items.iter().any(|item| matches!(item, Value::Relationship(used) if *used == edge))
        }
        _ => false,
    })
}

fn node_in(row: &Row, slot: Slot) -> Result<Option<NodeId>, ExecError> {
    match &row[slot] {
        Value::Node(node) => Ok(Some(*node)),
        Value::Null => Ok(None),
        other => {
            Err(ExecError::type_error(format!("expected a node, found {}", other.type_name())))
        }
    }
}

/// The node an expansion starts from and, when the far end is already bound, the node
/// it must reach; `None` when either is null (nothing to expand).
fn endpoints(
    row: &Row,
    from: Slot,
    to: Slot,
    into: bool,
) -> Result<Option<(NodeId, Option<NodeId>)>, ExecError> {
    let Some(start) = node_in(row, from)? else { return Ok(None) };
    if !into {
        return Ok(Some((start, None)));
    }
    Ok(node_in(row, to)?.map(|target| (start, Some(target))))
}

fn open_expand<'g>(
    expand: &'g Expand,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    let input = open(&expand.input, context, argument)?;
    let types: Option<Rc<[Symbol]>> = type_symbols(context, &expand.types).map(Rc::from);
    if types.as_ref().is_some_and(|types| types.is_empty()) {
        return Ok(drain_then_empty(input));
    }
    let graph = context.graph;
    let Some(to_labels) = label_symbols(context, &expand.to_labels) else {
        return Ok(drain_then_empty(input));
    };
    let to_labels: Rc<[Symbol]> = Rc::from(to_labels);
    Ok(flat_map_rows(input, context, move |row| {
        let (from, target) = match endpoints(&row, expand.from, expand.to, expand.into) {
            Ok(Some(endpoints)) => endpoints,
            Ok(None) => return empty(),
            Err(error) => return single(Err(error)),
        };
        let types = types.clone();
        let to_labels = to_labels.clone();
        // The iterator below may outlive this call, so it owns what it filters by.
        let neighbors: Vec<crate::graph::Neighbor> =
            graph.neighbors_with_labels(from, expand.dir, types.as_deref(), &to_labels).collect();
        Box::new(neighbors.into_iter().filter_map(move |neighbor| {
            if target.is_some_and(|target| target != neighbor.node)
                || already_used(neighbor.edge, &row, &expand.distinct_from)
            {
                return None;
            }
            let mut next = row.clone();
            next[expand.rel] = Value::Relationship(neighbor.edge);
            next[expand.to] = Value::Node(neighbor.node);
            Some(Ok(next))
        }))
    }))
}

/// The bounds of a range seek, evaluated: `None` when a bound is null (nothing can
/// compare with null), `Err(())` when one is not a number (use the predicate instead).
fn seek_bounds(
    seek: &RangeSeek,
    row: &mut Row,
    context: &Context<'_>,
) -> Result<Option<(Bound, Bound)>, SeekFallback> {
    let mut evaluate = |bound: &Option<(Expr, bool)>| -> Result<Option<Bound>, SeekFallback> {
        let Some((expr, inclusive)) = bound else { return Ok(Some(Bound::Unbounded)) };
        let number = match eval(expr, row, context).map_err(SeekFallback::Error)? {
            Value::Int(number) => number as f64,
            Value::Float(number) if !number.is_nan() => number,
            Value::Null => return Ok(None),
            _ => return Err(SeekFallback::Scan),
        };
        Ok(Some(if *inclusive { Bound::Included(number) } else { Bound::Excluded(number) }))
    };
    let lower = evaluate(&seek.lower)?;
    let upper = evaluate(&seek.upper)?;
    Ok(lower.zip(upper))
}

enum SeekFallback {
    Scan,
    Error(ExecError),
}

/// Counts what `op` would produce for a single argument row, without producing it,
/// when an index knows the answer.
fn count_without_rows(
    op: &Op,
    context: &Context<'_>,
    argument: &Argument,
) -> Result<Option<usize>, ExecError> {
    let mut row = match argument {
        Argument::One(row) => row.clone(),
        Argument::Rows(rows) if rows.len() == 1 => rows[0].clone(),
        Argument::Rows(_) => return Ok(None),
    };
    let graph = context.graph;
    match op {
        Op::NodeScan { input, label, .. } if matches!(**input, Op::Argument) => {
            Ok(Some(match label {
                None => graph.node_count(),
                Some(label) => {
                    graph.label_symbol(label).map_or(0, |symbol| graph.label_count(symbol))
                }
            }))
        }
        Op::NodeRangeSeek(seek) if matches!(*seek.input, Op::Argument) => {
            match seek_bounds(seek, &mut row, context) {
                Ok(None) => Ok(Some(0)),
                Ok(Some((lower, upper))) => {
                    let index = graph
                        .label_symbol(&seek.label)
                        .zip(seek.key.symbol.or_else(|| graph.key_symbol(&seek.key.name)))
                        .and_then(|(label, key)| graph.range_index(label, key));
                    Ok(Some(index.map_or(0, |index| index.count(lower, upper))))
                }
                Err(SeekFallback::Scan) => Ok(None),
                Err(SeekFallback::Error(error)) => Err(error),
            }
        }
        _ => Ok(None),
    }
}

fn open_range_seek<'g>(
    seek: &'g RangeSeek,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    let input = open(&seek.input, context, argument)?;
    let graph = context.graph;
    let label = graph.label_symbol(&seek.label);
    let key = seek.key.symbol.or_else(|| graph.key_symbol(&seek.key.name));
    let slot = seek.slot;
    Ok(flat_map_rows(input, context, move |mut row| {
        let Some(label) = label else { return empty() };
        let nodes: Vec<NodeId> = match seek_bounds(seek, &mut row, context) {
            Ok(None) => return empty(),
            Ok(Some((lower, upper))) => match key.and_then(|key| graph.range_index(label, key)) {
                Some(index) => index.nodes(lower, upper).collect(),
                None => Vec::new(),
            },
            Err(SeekFallback::Error(error)) => return single(Err(error)),
            Err(SeekFallback::Scan) => {
                // A bound is not a number: test the predicate on every node of the label.
                let mut matching = Vec::new();
                for node in graph.nodes_with_label(label) {
                    row[slot] = Value::Node(*node);
                    match eval_predicate(&seek.predicate, &mut row, context) {
                        Ok(true) => matching.push(*node),
                        Ok(false) => {}
                        Err(error) => return single(Err(error)),
                    }
                }
                matching
            }
        };
        Box::new(nodes.into_iter().map(move |node| {
            let mut next = row.clone();
            next[slot] = Value::Node(node);
            Ok(next)
        }))
    }))
}

/// The rows one `CALL` makes of one input row.
fn call_procedure<'g>(
    call: &'g ProcedureCall,
    row: &mut Row,
    context: &'g Context<'g>,
) -> Result<RowIter<'g>, ExecError> {
    let args =
        call.args.iter().map(|arg| eval(arg, row, context)).collect::<Result<Vec<_>, _>>()?;
    let outputs = call.procedure.call(args, context.graph).map_err(|error| match error {
        CallError::ArgumentType(message) => ExecError::type_error(message),
        CallError::Failed(message) => {
            ExecError::new(ErrorKind::ProcedureError, ErrorCode::ProcedureCallFailed, message)
        }
    })?;
    if call.procedure.is_void() {
        return Ok(single(Ok(std::mem::take(row))));
    }
    let row = std::mem::take(row);
    Ok(Box::new(outputs.into_iter().map(move |output| {
        context.check()?;
        let mut next = row.clone();
        // An output may be yielded twice (`SHOW` filters on one the user also sees).
        for (position, slot) in &call.yields {
            next[*slot] = output[*position].clone();
        }
        Ok(next)
    })))
}
