//! Plan rewrites that keep results the same and do less work: `Plan` → `Plan`.
//!
//! - A label test on the node an expansion reaches moves into the `Expand`, so rows are
//!   made only for nodes that pass.
//! - A numeric range test (`n.founded > 2005`) over a label scan becomes a seek in the
//!   range index.
//! - Any other range test or `STARTS WITH` on a key a declared index covers for the
//!   scanned label becomes a scan of that index (the test stays, on the nodes found).
//! - `count` over one expansion, grouped by what was known before it, becomes a degree
//!   count per input row: no row per relationship is ever made.
//!
//! Each rewrite matches a narrow shape and leaves everything else alone; the
//! differential test runs queries with and without this pass and compares results.

use super::ir::*;

/// Whether a declared index covers nodes of a label (first) by one key (second).
pub(super) type Indexed<'a> = &'a dyn Fn(&str, &str) -> bool;

/// Rewrites every segment of a plan, and the matcher of each `MERGE`.
pub(super) fn optimize(mut plan: Plan, indexed: Indexed<'_>) -> Plan {
    for segment in &mut plan.segments {
        let reads = std::mem::replace(&mut segment.reads, Op::Argument);
        segment.reads = rewrite(reads, indexed);
        if let Some(Write::Merge(merge)) = &mut segment.write {
            let matcher = std::mem::replace(&mut merge.matcher, Op::Argument);
            merge.matcher = rewrite(matcher, indexed);
        }
    }
    plan
}

fn rewrite(op: Op, indexed: Indexed<'_>) -> Op {
    crate::stack::grow(|| rewrite_here(op, indexed))
}

fn rewrite_here(op: Op, indexed: Indexed<'_>) -> Op {
    let op = rewrite_children(op, indexed);
    let op = fuse_target_labels(op);
    let op = scan_declared_index(op, indexed);
    let op = seek_range(op);
    let op = count_rows_of_bound_slot(op);
    count_by_degree(op)
}

/// True when every row `op` produces has a non-null value in `slot`, because a scan,
/// seek or (non-optional) expansion below bound it.
fn binds_non_null(op: &Op, slot: Slot) -> bool {
    match op {
        Op::NodeScan { input, slot: bound, .. } | Op::NodeIndexSeek { input, slot: bound, .. } => {
            *bound == slot || binds_non_null(input, slot)
        }
        Op::NodeRangeSeek(seek) => seek.slot == slot || binds_non_null(&seek.input, slot),
        Op::NodeIndexScan(scan) => scan.slot == slot || binds_non_null(&scan.input, slot),
        Op::Expand(expand) => {
            expand.to == slot
                || expand.rel == slot
                || expand.from == slot
                || binds_non_null(&expand.input, slot)
        }
        Op::VarExpand(expand) => {
            expand.to == slot
                || expand.rels == slot
                || expand.from == slot
                || binds_non_null(&expand.input, slot)
        }
        Op::Filter { input, .. }
        | Op::Distinct { input, .. }
        | Op::Sort { input, .. }
        | Op::Skip { input, .. }
        | Op::Limit { input, .. }
        | Op::Top { input, .. } => binds_non_null(input, slot),
        Op::Project { input, items } => {
            !items.iter().any(|(written, _)| *written == slot) && binds_non_null(input, slot)
        }
        _ => false,
    }
}

/// `count(n)` with no grouping, where `n` is never null, counts rows: `count(*)`.
fn count_rows_of_bound_slot(op: Op) -> Op {
    match op {
        Op::Aggregate { input, keys, aggregates }
            if keys.is_empty()
                && aggregates.len() == 1
                && aggregates[0].1.function == AggregateFunction::Count
                && !aggregates[0].1.distinct
                && aggregates[0].1.arg.as_ref().is_some_and(
                    |arg| matches!(arg.kind, ExprKind::Slot(slot) if binds_non_null(&input, slot)),
                ) =>
        {
            Op::CountRows { input, slot: aggregates[0].0 }
        }
        other => other,
    }
}

fn rewrite_children(op: Op, indexed: Indexed<'_>) -> Op {
    let boxed = |input: Box<Op>| Box::new(rewrite(*input, indexed));
    match op {
        Op::Argument => Op::Argument,
        Op::NodeScan { input, slot, label } => Op::NodeScan { input: boxed(input), slot, label },
        Op::NodeIndexSeek { input, slot, label, key, value } => {
            Op::NodeIndexSeek { input: boxed(input), slot, label, key, value }
        }
        Op::NodeRangeSeek(mut seek) => {
            seek.input = boxed(seek.input);
            Op::NodeRangeSeek(seek)
        }
        Op::NodeIndexScan(mut scan) => {
            scan.input = boxed(scan.input);
            Op::NodeIndexScan(scan)
        }
        Op::Expand(mut expand) => {
            expand.input = boxed(expand.input);
            Op::Expand(expand)
        }
        Op::VarExpand(mut expand) => {
            expand.input = boxed(expand.input);
            Op::VarExpand(expand)
        }
        Op::ShortestPath(mut shortest) => {
            shortest.input = boxed(shortest.input);
            Op::ShortestPath(shortest)
        }
        Op::Filter { input, predicate } => Op::Filter { input: boxed(input), predicate },
        Op::Optional { input, inner, nullable } => {
            Op::Optional { input: boxed(input), inner: boxed(inner), nullable }
        }
        Op::Project { input, items } => Op::Project { input: boxed(input), items },
        Op::Aggregate { input, keys, aggregates } => {
            Op::Aggregate { input: boxed(input), keys, aggregates }
        }
        Op::Distinct { input, slots } => Op::Distinct { input: boxed(input), slots },
        Op::Sort { input, keys } => Op::Sort { input: boxed(input), keys },
        Op::Top { input, keys, limit } => Op::Top { input: boxed(input), keys, limit },
        Op::Skip { input, count } => Op::Skip { input: boxed(input), count },
        Op::Limit { input, count } => Op::Limit { input: boxed(input), count },
        Op::Unwind { input, list, slot } => Op::Unwind { input: boxed(input), list, slot },
        Op::Union { branches, distinct, slots } => Op::Union {
            branches: branches.into_iter().map(|branch| rewrite(branch, indexed)).collect(),
            distinct,
            slots,
        },
        Op::CountRows { input, slot } => Op::CountRows { input: boxed(input), slot },
        Op::Call(mut call) => {
            call.input = boxed(call.input);
            Op::Call(call)
        }
        Op::LoadCsv(mut load) => {
            load.input = boxed(load.input);
            Op::LoadCsv(load)
        }
    }
}

/// `Filter(to:Label)` right above `Expand(… → to)` joins the expansion.
fn fuse_target_labels(op: Op) -> Op {
    match op {
        Op::Filter { input, predicate } => match (*input, predicate) {
            (Op::Expand(mut expand), Expr { kind: ExprKind::HasLabels(subject, labels), .. })
                if !expand.into
                    && matches!(subject.kind, ExprKind::Slot(slot) if slot == expand.to) =>
            {
                expand.to_labels.extend(labels);
                Op::Expand(expand)
            }
            (input, predicate) => Op::Filter { input: Box::new(input), predicate },
        },
        other => other,
    }
}

/// A numeric bound on `slot.key`, read from a comparison: (key, bound, is_lower, inclusive).
fn range_bound(predicate: &Expr, slot: Slot) -> Option<(PropertyKey, Expr, bool, bool)> {
    let is_number = |expr: &Expr| {
        matches!(
            expr.kind,
            ExprKind::Constant(crate::graph::Value::Int(_) | crate::graph::Value::Float(_))
                | ExprKind::Parameter(_)
        )
    };
    let (key, constant, op) = comparison_of(predicate, slot, is_number)?;
    let (is_lower, inclusive) = bound_side(op)?;
    Some((key, constant, is_lower, inclusive))
}

/// `slot.key OP value` (or `value OP slot.key`, flipped) with a value `usable` accepts:
/// the key, the value and the operator as if the property were on the left.
fn comparison_of(
    predicate: &Expr,
    slot: Slot,
    usable: impl Fn(&Expr) -> bool,
) -> Option<(PropertyKey, Expr, BinaryOp)> {
    let ExprKind::Binary(op, left, right) = &predicate.kind else { return None };
    let property_of_slot = |expr: &Expr| match &expr.kind {
        ExprKind::Property(subject, key) if matches!(subject.kind, ExprKind::Slot(found) if found == slot) => {
            Some(key.clone())
        }
        _ => None,
    };
    match (property_of_slot(left), property_of_slot(right)) {
        (Some(key), None) if usable(right) => Some((key, (**right).clone(), *op)),
        (None, Some(key)) if usable(left) => {
            let flipped = match op {
                BinaryOp::Lt => BinaryOp::Gt,
                BinaryOp::Le => BinaryOp::Ge,
                BinaryOp::Gt => BinaryOp::Lt,
                BinaryOp::Ge => BinaryOp::Le,
                other => *other,
            };
            Some((key, (**left).clone(), flipped))
        }
        _ => None,
    }
}

/// Which side of a range a comparison bounds, and whether it includes the bound:
/// (is_lower, inclusive).
fn bound_side(op: BinaryOp) -> Option<(bool, bool)> {
    match op {
        BinaryOp::Gt => Some((true, false)),
        BinaryOp::Ge => Some((true, true)),
        BinaryOp::Lt => Some((false, false)),
        BinaryOp::Le => Some((false, true)),
        _ => None,
    }
}

fn and(left: Expr, right: Expr) -> Expr {
    let span = left.span.to(right.span);
    Expr { kind: ExprKind::Binary(BinaryOp::And, Box::new(left), Box::new(right)), span }
}

/// A test a declared index can answer on `slot`: a comparison with a constant that is
/// not a number (numbers have the range index of every key) or a parameter, or
/// `STARTS WITH` a string or parameter: the key, and the bound or prefix.
fn index_bound(predicate: &Expr, slot: Slot) -> Option<(PropertyKey, IndexBound)> {
    let ExprKind::Binary(op, left, right) = &predicate.kind else { return None };
    if *op == BinaryOp::StartsWith {
        let is_text = matches!(&right.kind, ExprKind::Parameter(_))
            || matches!(&right.kind, ExprKind::Constant(crate::graph::Value::String(_)));
        let ExprKind::Property(subject, key) = &left.kind else { return None };
        let on_slot = matches!(subject.kind, ExprKind::Slot(found) if found == slot);
        return (on_slot && is_text).then(|| (key.clone(), IndexBound::Prefix((**right).clone())));
    }
    let usable = |expr: &Expr| match &expr.kind {
        ExprKind::Parameter(_) => true,
        ExprKind::Constant(value) => !matches!(
            value,
            crate::graph::Value::Null | crate::graph::Value::Int(_) | crate::graph::Value::Float(_)
        ),
        _ => false,
    };
    let (key, constant, op) = comparison_of(predicate, slot, usable)?;
    let bound = match bound_side(op)? {
        (true, inclusive) => IndexBound::Lower(constant, inclusive),
        (false, inclusive) => IndexBound::Upper(constant, inclusive),
    };
    Some((key, bound))
}

enum IndexBound {
    Lower(Expr, bool),
    Upper(Expr, bool),
    Prefix(Expr),
}

/// `Filter(n.key < 'M')` or `Filter(n.key STARTS WITH 'Bak')` over a label scan of `n`,
/// with a declared index on the label and key, becomes a scan of that index; a second
/// test of the same key joins it.
fn scan_declared_index(op: Op, indexed: Indexed<'_>) -> Op {
    let Op::Filter { input, predicate } = op else { return op };
    match *input {
        Op::NodeScan { input: scan_input, slot, label: Some(label) } => {
            match index_bound(&predicate, slot) {
                Some((key, bound)) if indexed(&label, &key.name) => {
                    let mut scan = IndexScan {
                        input: scan_input,
                        slot,
                        label,
                        key,
                        lower: None,
                        upper: None,
                        prefix: None,
                        predicate,
                    };
                    match bound {
                        IndexBound::Lower(expr, inclusive) => scan.lower = Some((expr, inclusive)),
                        IndexBound::Upper(expr, inclusive) => scan.upper = Some((expr, inclusive)),
                        IndexBound::Prefix(expr) => scan.prefix = Some(expr),
                    }
                    Op::NodeIndexScan(scan)
                }
                _ => Op::Filter {
                    input: Box::new(Op::NodeScan { input: scan_input, slot, label: Some(label) }),
                    predicate,
                },
            }
        }
        Op::NodeIndexScan(mut scan) => {
            let joined = match index_bound(&predicate, scan.slot) {
                Some((key, bound)) if key.name == scan.key.name => match bound {
                    IndexBound::Lower(expr, inclusive) if scan.lower.is_none() => {
                        scan.lower = Some((expr, inclusive));
                        true
                    }
                    IndexBound::Upper(expr, inclusive) if scan.upper.is_none() => {
                        scan.upper = Some((expr, inclusive));
                        true
                    }
                    IndexBound::Prefix(expr) if scan.prefix.is_none() => {
                        scan.prefix = Some(expr);
                        true
                    }
                    _ => false,
                },
                _ => false,
            };
            if joined {
                scan.predicate = and(scan.predicate, predicate);
                Op::NodeIndexScan(scan)
            } else {
                Op::Filter { input: Box::new(Op::NodeIndexScan(scan)), predicate }
            }
        }
        input => Op::Filter { input: Box::new(input), predicate },
    }
}

/// `Filter(n.key > c)` over a label scan of `n` becomes a range seek; a second bound on
/// the same key joins it.
fn seek_range(op: Op) -> Op {
    match op {
        Op::Filter { input, predicate } => match *input {
            Op::NodeScan { input: scan_input, slot, label: Some(label) } => {
                match range_bound(&predicate, slot) {
                    Some((key, bound, is_lower, inclusive)) => {
                        let (lower, upper) = if is_lower {
                            (Some((bound, inclusive)), None)
                        } else {
                            (None, Some((bound, inclusive)))
                        };
                        Op::NodeRangeSeek(RangeSeek {
                            input: scan_input,
                            slot,
                            label,
                            key,
                            lower,
                            upper,
                            predicate,
                        })
                    }
                    None => Op::Filter {
                        input: Box::new(Op::NodeScan {
                            input: scan_input,
                            slot,
                            label: Some(label),
                        }),
                        predicate,
                    },
                }
            }
            Op::NodeRangeSeek(mut seek) => match range_bound(&predicate, seek.slot) {
                Some((key, bound, is_lower, inclusive))
                    if key.name == seek.key.name
                        && (if is_lower { seek.lower.is_none() } else { seek.upper.is_none() }) =>
                {
                    if is_lower {
                        seek.lower = Some((bound, inclusive));
                    } else {
                        seek.upper = Some((bound, inclusive));
                    }
                    seek.predicate = and(seek.predicate, predicate);
                    Op::NodeRangeSeek(seek)
                }
                _ => Op::Filter { input: Box::new(Op::NodeRangeSeek(seek)), predicate },
            },
            input => Op::Filter { input: Box::new(input), predicate },
        },
        other => other,
    }
}

/// Does the expression read `slot` (or could it, through a sub-plan)?
fn reads_slot(expr: &Expr, slot: Slot) -> bool {
    let any = |exprs: &mut dyn Iterator<Item = &Expr>| {
        for inner in exprs {
            if reads_slot(inner, slot) {
                return true;
            }
        }
        false
    };
    match &expr.kind {
        ExprKind::Constant(_) | ExprKind::Parameter(_) => false,
        ExprKind::Slot(found) => *found == slot,
        ExprKind::Degree { node, .. } => *node == slot,
        ExprKind::Property(inner, _) | ExprKind::IsNull(inner, _) | ExprKind::HasLabels(inner, _) | ExprKind::Unary(_, inner) => reads_slot(inner, slot),
        ExprKind::List(items) => any(&mut items.iter()),
        ExprKind::Map(entries) => any(&mut entries.iter().map(|(_, value)| value)),
        ExprKind::Binary(_, left, right) | ExprKind::Index(left, right) => reads_slot(left, slot) || reads_slot(right, slot),
        ExprKind::Comparison(first, rest) => reads_slot(first, slot) || any(&mut rest.iter().map(|(_, operand)| operand)),
        ExprKind::Slice(subject, from, to) => {
            reads_slot(subject, slot) || from.as_ref().is_some_and(|from| reads_slot(from, slot)) || to.as_ref().is_some_and(|to| reads_slot(to, slot))
        }
        ExprKind::Function(_, args) => any(&mut args.iter()),
        ExprKind::Case { operand, branches, otherwise } => {
            operand.as_ref().is_some_and(|operand| reads_slot(operand, slot))
                || branches.iter().any(|(condition, result)| reads_slot(condition, slot) || reads_slot(result, slot))
                || otherwise.as_ref().is_some_and(|otherwise| reads_slot(otherwise, slot))
        }
        ExprKind::ListComprehension { list, filter, map, .. } => {
            reads_slot(list, slot) || filter.as_ref().is_some_and(|filter| reads_slot(filter, slot)) || map.as_ref().is_some_and(|map| reads_slot(map, slot))
        }
        ExprKind::Quantifier { list, predicate, .. } => reads_slot(list, slot) || predicate.as_ref().is_some_and(|predicate| reads_slot(predicate, slot)),
        ExprKind::Reduce { init, list, expr, .. } => reads_slot(init, slot) || reads_slot(list, slot) || reads_slot(expr, slot),
        // A sub-plan sees the whole row.
        ExprKind::Exists(_) | ExprKind::CollectSubquery(_, _) => true,
        ExprKind::MapProjection(subject, items) => {
            reads_slot(subject, slot) || items.iter().any(|item| matches!(item, MapProjectionItem::Entry(_, value) if reads_slot(value, slot)))
        }
        ExprKind::BuildPath(steps) => steps.iter().any(|step| match step {
            PathStep::Node(found) | PathStep::Relationship(found) | PathStep::Relationships(found) => *found == slot,
        }),
    }
}

/// `count(*)` (or `count(to)`, `count(rel)`) over one plain expansion, grouped by
/// expressions of what came before it, counts degrees instead of rows.
fn count_by_degree(op: Op) -> Op {
    let (input, keys, aggregates, count_slot) = match op {
        Op::Aggregate { input, keys, aggregates } => {
            let slot = aggregates.first().map(|(slot, _)| *slot);
            (input, keys, aggregates, slot)
        }
        Op::CountRows { input, slot } => {
            let aggregation = Aggregation {
                function: AggregateFunction::Count,
                arg: None,
                extra: None,
                distinct: false,
            };
            (input, Vec::new(), vec![(slot, aggregation)], Some(slot))
        }
        other => return other,
    };
    let rebuild =
        |input: Box<Op>, keys: Vec<(Slot, Expr)>, aggregates: Vec<(Slot, Aggregation)>| {
            if keys.is_empty() && aggregates.len() == 1 && aggregates[0].1.arg.is_none() {
                Op::CountRows { input, slot: aggregates[0].0 }
            } else {
                Op::Aggregate { input, keys, aggregates }
            }
        };
    let Op::Expand(expand) = *input else { return rebuild(input, keys, aggregates) };
    let counts_rows = aggregates.len() == 1
        && {
            let aggregation = &aggregates[0].1;
            aggregation.function == AggregateFunction::Count
            && !aggregation.distinct
            && aggregation.arg.as_ref().is_none_or(|arg| matches!(arg.kind, ExprKind::Slot(slot) if slot == expand.to || slot == expand.rel))
        };
    let keys_before =
        keys.iter().all(|(_, expr)| !reads_slot(expr, expand.to) && !reads_slot(expr, expand.rel));
    if !(counts_rows && keys_before && !expand.into && expand.distinct_from.is_empty()) {
        return rebuild(Box::new(Op::Expand(expand)), keys, aggregates);
    }
    let span = aggregates[0].1.arg.as_ref().map(|arg| arg.span).unwrap_or_default();
    let degree_slot = expand.rel;
    let degree = Expr {
        kind: ExprKind::Degree {
            node: expand.from,
            dir: expand.dir,
            types: expand.types,
            to_labels: expand.to_labels,
        },
        span,
    };
    let project = Op::Project { input: expand.input, items: vec![(degree_slot, degree)] };
    let degree_value = Expr { kind: ExprKind::Slot(degree_slot), span };
    let zero = Expr { kind: ExprKind::Constant(crate::graph::Value::Int(0)), span };
    // Input rows with no matching relationship made no rows before; keep it that way.
    let nonzero = Expr {
        kind: ExprKind::Binary(BinaryOp::Gt, Box::new(degree_value.clone()), Box::new(zero)),
        span,
    };
    let filtered = Op::Filter { input: Box::new(project), predicate: nonzero };
    let count_slot = count_slot.expect("one aggregate");
    // `count` of nothing is 0, and so is the integer sum of nothing.
    let sum = Aggregation {
        function: AggregateFunction::Sum,
        arg: Some(degree_value),
        extra: None,
        distinct: false,
    };
    Op::Aggregate { input: Box::new(filtered), keys, aggregates: vec![(count_slot, sum)] }
}
