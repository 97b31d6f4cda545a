//! `LOAD CSV` as an operator, and the batches that keep a writing import in bounded
//! memory.
//!
//! A plan's segments hand their rows whole to their write clause, so a statement led by
//! `LOAD CSV` would hold every record of its file at once. When `LOAD CSV` is the
//! statement's leading source and nothing after it needs all rows together (no
//! aggregation, `DISTINCT`, `ORDER BY`, `SKIP`, `LIMIT` or `UNION` on the way from it to
//! the last clause), the statement instead runs through all its segments once per batch
//! of `BATCH_ROWS` records, in file order: Neo4j's lazy, row-by-row semantics for
//! `LOAD CSV`, where a later record sees what earlier records wrote. The statement stays
//! one savepoint, so an error in any batch undoes every batch. `PROFILE` runs such a
//! statement without batches.

use super::operators::load_csv::{open_csv, record_row};
use super::{Access, Context, Output, Run};
use crate::graph::{Graph, Value};
use crate::query::error::ExecError;
use crate::query::plan::ir::{LoadCsv, Op, Plan};

/// How many records one batch reads before its rows go through the writes.
const BATCH_ROWS: usize = 10_000;

/// A statement that can run in batches: its leading `LOAD CSV`, and its first
/// segment's reads with that `LOAD CSV` replaced by the rows of a batch.
pub(super) struct Leading {
    load: LoadCsv,
    reads: Op,
}

/// The leading `LOAD CSV` of a writing statement that can run in batches (see the
/// module's comment), if it has one.
pub(super) fn leading_load(plan: &Plan) -> Option<Leading> {
    if !plan.writes() {
        return None;
    }
    let (first, rest) = plan.segments.split_first()?;
    if !rest.iter().all(|segment| streams_from_argument(&segment.reads)) {
        return None;
    }
    let mut reads = first.reads.clone();
    let load = take_leading_load(&mut reads)?;
    Some(Leading { load, reads })
}

/// Runs the statement once per batch of records, in file order.
pub(super) fn run_in_batches(
    run: &Run<'_>,
    graph: &mut Graph,
    leading: &Leading,
    output: &mut Output,
) -> Result<(), ExecError> {
    let plan = run.plan;
    let start = vec![Value::Null; plan.slot_count];
    let mut file = {
        let context = Context::for_writes(graph, run.params, run.control, plan.slot_count, run.now);
        open_csv(&leading.load, &mut start.clone(), &context)?
    };
    loop {
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        while batch.len() < BATCH_ROWS {
            match file.next_row().map_err(|error| error.at(leading.load.url.span))? {
                Some((value, line)) => {
                    batch.push(record_row(&leading.load, &start, &file, value, line));
                }
                None => break,
            }
        }
        if batch.is_empty() {
            return Ok(());
        }
        let last = batch.len() < BATCH_ROWS;
        run.segments(Access::Write(&mut *graph), Some(&leading.reads), batch, output)?;
        if last {
            return Ok(());
        }
    }
}

/// True when every operator from `op` down to its `Argument` passes rows on one by
/// one.
fn streams_from_argument(op: &Op) -> bool {
    match op {
        Op::Argument => true,
        other => streaming_input(other).is_some_and(streams_from_argument),
    }
}

/// Takes out the `LOAD CSV` that reads the statement's starting row, when only
/// streaming operators lie above it, leaving an `Argument` in its place.
fn take_leading_load(op: &mut Op) -> Option<LoadCsv> {
    if let Op::LoadCsv(load) = op
        && matches!(*load.input, Op::Argument)
    {
        let Op::LoadCsv(load) = std::mem::replace(op, Op::Argument) else {
            return None;
        };
        return Some(load);
    }
    take_leading_load(streaming_input_mut(op)?)
}

/// The operator a streaming operator reads from; `None` for a leaf or an operator
/// that needs all its rows (which ends batching). Listed without a wildcard, so a new
/// operator must be placed here.
fn streaming_input(op: &Op) -> Option<&Op> {
    match op {
        Op::NodeScan { input, .. }
        | Op::NodeIndexSeek { input, .. }
        | Op::Filter { input, .. }
        | Op::Optional { input, .. }
        | Op::Project { input, .. }
        | Op::Unwind { input, .. } => Some(input),
        Op::NodeRangeSeek(seek) => Some(&seek.input),
        Op::NodeIndexScan(scan) => Some(&scan.input),
        Op::Expand(expand) => Some(&expand.input),
        Op::VarExpand(expand) => Some(&expand.input),
        Op::ShortestPath(shortest) => Some(&shortest.input),
        Op::Call(call) => Some(&call.input),
        Op::LoadCsv(load) => Some(&load.input),
        Op::Argument
        | Op::Aggregate { .. }
        | Op::Distinct { .. }
        | Op::Sort { .. }
        | Op::Top { .. }
        | Op::Skip { .. }
        | Op::Limit { .. }
        | Op::Union { .. }
        | Op::CountRows { .. } => None,
    }
}

/// `streaming_input`, to change.
fn streaming_input_mut(op: &mut Op) -> Option<&mut Op> {
    streaming_input(op)?;
    match op {
        Op::NodeScan { input, .. }
        | Op::NodeIndexSeek { input, .. }
        | Op::Filter { input, .. }
        | Op::Optional { input, .. }
        | Op::Project { input, .. }
        | Op::Unwind { input, .. } => Some(input),
        Op::NodeRangeSeek(seek) => Some(&mut seek.input),
        Op::NodeIndexScan(scan) => Some(&mut scan.input),
        Op::Expand(expand) => Some(&mut expand.input),
        Op::VarExpand(expand) => Some(&mut expand.input),
        Op::ShortestPath(shortest) => Some(&mut shortest.input),
        Op::Call(call) => Some(&mut call.input),
        Op::LoadCsv(load) => Some(&mut load.input),
        _ => None,
    }
}
