//! `NodeIndexScan`: the nodes of a label whose key lies in a range or starts with a
//! prefix, found in the declared index on them, each then tested with the original
//! predicate (so the index only has to find a superset, and openCypher's comparison
//! rules stay the predicate's).

use std::ops::Bound as Within;

use super::{Argument, RowIter, empty, flat_map_rows, open, single};
use crate::graph::{Bound, NodeId, Value};
use crate::query::error::ExecError;
use crate::query::exec::Context;
use crate::query::exec::eval::{eval, eval_predicate};
use crate::query::plan::ir::{Expr, IndexScan};

pub(super) fn open_index_scan<'g>(
    scan: &'g IndexScan,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    let input = open(&scan.input, context, argument)?;
    let slot = scan.slot;
    Ok(flat_map_rows(input, context, move |mut row| {
        let candidates = match candidates(scan, &mut row, context) {
            Ok(Some(candidates)) => candidates,
            Ok(None) => return empty(),
            Err(error) => return single(Err(error)),
        };
        let mut kept = Vec::new();
        for node in candidates {
            row[slot] = Value::Node(node);
            match eval_predicate(&scan.predicate, &mut row, context) {
                Ok(true) => kept.push(node),
                Ok(false) => {}
                Err(error) => return single(Err(error)),
            }
        }
        Box::new(kept.into_iter().map(move |node| {
            let mut next = row.clone();
            next[slot] = Value::Node(node);
            Ok(next)
        }))
    }))
}

/// The nodes the index finds for this row's bounds; `None` when a bound is null or the
/// prefix is not a string, so the predicate can hold for no node.
fn candidates(
    scan: &IndexScan,
    row: &mut Vec<Value>,
    context: &Context<'_>,
) -> Result<Option<Vec<NodeId>>, ExecError> {
    let graph = context.graph;
    let mut evaluate = |bound: &Option<(Expr, bool)>| -> Result<Option<(Value, bool)>, ExecError> {
        bound
            .as_ref()
            .map(|(expr, inclusive)| Ok((eval(expr, row, context)?, *inclusive)))
            .transpose()
    };
    let lower = evaluate(&scan.lower)?;
    let upper = evaluate(&scan.upper)?;
    let prefix = scan.prefix.as_ref().map(|expr| eval(expr, row, context)).transpose()?;
    let bounds = [&lower, &upper];
    if bounds.iter().any(|bound| matches!(bound, Some((Value::Null, _))))
        || prefix.as_ref().is_some_and(|prefix| !matches!(prefix, Value::String(_)))
    {
        return Ok(None);
    }
    let labelled = || -> Vec<NodeId> {
        graph
            .label_symbol(&scan.label)
            .map(|label| {
                let listed = graph.nodes_with_label(label).iter().copied();
                listed
                    .filter(|node| !graph.is_node_deleted(*node) && graph.has_label(*node, label))
                    .collect()
            })
            .unwrap_or_default()
    };
    let Some(index) = graph.node_index(&scan.label, &[&scan.key.name]) else {
        // Dropped since the plan was made: the predicate on every node of the label.
        return Ok(Some(labelled()));
    };
    if let Some(Value::String(prefix)) = &prefix {
        return Ok(Some(index.starting_with(prefix).collect()));
    }
    // Numbers keep the range index every numeric key has, which compares them as
    // openCypher does.
    let numeric = |bound: &Option<(Value, bool)>| match bound {
        None => Some(Bound::Unbounded),
        Some((Value::Int(number), inclusive)) => Some(number_bound(*number as f64, *inclusive)),
        Some((Value::Float(number), inclusive)) if !number.is_nan() => {
            Some(number_bound(*number, *inclusive))
        }
        Some(_) => None,
    };
    if bounds.iter().any(|bound| matches!(bound, Some((Value::Int(_) | Value::Float(_), _)))) {
        let (Some(low), Some(high)) = (numeric(&lower), numeric(&upper)) else {
            return Ok(None);
        };
        let range = graph
            .label_symbol(&scan.label)
            .zip(graph.key_symbol(&scan.key.name))
            .and_then(|(label, key)| graph.range_index(label, key));
        return Ok(Some(range.map(|range| range.nodes(low, high).collect()).unwrap_or_default()));
    }
    let within = |bound: &Option<(Value, bool)>| match bound {
        None => Within::Unbounded,
        Some((value, true)) => Within::Included(value.clone()),
        Some((value, false)) => Within::Excluded(value.clone()),
    };
    if !bounds.iter().all(|bound| bound.as_ref().is_none_or(|(value, _)| index.holds(value))) {
        // A TEXT index holds only strings.
        return Ok(Some(labelled()));
    }
    let (low, high) = (within(&lower), within(&upper));
    Ok(Some(index.range(low.as_ref(), high.as_ref()).collect()))
}

fn number_bound(number: f64, inclusive: bool) -> Bound {
    if inclusive { Bound::Included(number) } else { Bound::Excluded(number) }
}
