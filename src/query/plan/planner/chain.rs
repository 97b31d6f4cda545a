//! Planning one chain of a pattern part, `(a)-[r]->(b)<-[s*2]-(c)`: the node it starts
//! at (an index seek or a label scan, whichever is estimated cheapest), and how it
//! expands from there one relationship at a time, rightwards then leftwards, with the
//! label and property checks of its nodes and relationships.

use std::collections::BTreeSet;

use crate::graph::{Dir, EntityKind};
use crate::query::error::{ErrorCode, PlanError};
use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

/// One node of a pattern chain once its variable has a slot.
pub(super) struct ChainNode<'p> {
    pub(super) pattern: &'p ast::NodePattern,
    pub(super) slot: Slot,
    /// Bound before this MATCH (or earlier in it).
    pub(super) bound: bool,
}

/// One relationship of a pattern chain once its variable has a slot.
pub(super) struct ChainRel<'p> {
    pub(super) pattern: &'p ast::RelPattern,
    pub(super) slot: Slot,
    pub(super) bound: bool,
}

/// One relationship of a chain as the walk takes it, from the node it leaves to the
/// node it reaches (`into` when that one is already bound).
struct Hop<'c, 'p> {
    rel: &'c ChainRel<'p>,
    from: Slot,
    to: Slot,
    into: bool,
    /// The walk goes right to left, against the pattern as written.
    reversed: bool,
}

impl Hop<'_, '_> {
    /// The direction of the walk, from `from` to `to`.
    fn dir(&self) -> Dir {
        match (self.rel.pattern.direction, self.reversed) {
            (ast::RelDirection::Outgoing, false) | (ast::RelDirection::Incoming, true) => {
                Dir::Outgoing
            }
            (ast::RelDirection::Incoming, false) | (ast::RelDirection::Outgoing, true) => {
                Dir::Incoming
            }
            (ast::RelDirection::Either, _) => Dir::Both,
        }
    }

    /// The relationship types the pattern allows (none: any).
    fn types(&self) -> Vec<String> {
        self.rel.pattern.types.iter().map(|rel_type| rel_type.name.clone()).collect()
    }
}

impl<'a> Planner<'a> {
    /// Estimated rows a node pattern starts with; lower is better.
    fn start_cost(
        &self,
        node: &ChainNode<'_>,
        pending: &[Pending<'_>],
        bound: &BTreeSet<String>,
    ) -> usize {
        if node.bound {
            return 0;
        }
        if self.seekable_equality(node, pending, bound).is_some() {
            return 1;
        }
        node.pattern
            .labels
            .iter()
            .map(|label| {
                self.graph
                    .label_symbol(&label.name)
                    .map_or(0, |symbol| self.graph.label_count(symbol))
            })
            .min()
            .unwrap_or(self.graph.node_count() + 1)
            + 2
    }

    /// An equality an index can answer before the node is found: on a key a declared
    /// index covers for one of the node's labels, or else on `name` (the graph's own
    /// index). The value is a constant, a parameter, or an expression over variables
    /// already bound, as in `UNWIND $names AS n MERGE (o {name: n})`; it comes from the
    /// pattern's `{key: …}` or from `WHERE x.key = …`.
    fn seekable_equality<'e>(
        &self,
        node: &ChainNode<'e>,
        pending: &[Pending<'e>],
        bound: &BTreeSet<String>,
    ) -> Option<Seekable<'e>> {
        let declared = node.pattern.labels.iter().flat_map(|label| {
            self.graph
                .indexes()
                .filter(move |index| {
                    index.entity == EntityKind::Node
                        && index.label == label.name
                        && index.properties.len() == 1
                })
                .map(|index| (Some(index.label.clone()), index.properties[0].clone()))
        });
        declared.chain(std::iter::once((None, "name".to_owned()))).find_map(|(label, key)| {
            let (value, from_where) = self.key_equality(node, pending, bound, &key)?;
            Some(Seekable { label, key, value, from_where })
        })
    }

    /// The value `key` must equal, known before the node is found, and the position of
    /// the `WHERE` conjunct that says so (`None` when the pattern's map does).
    fn key_equality<'e>(
        &self,
        node: &ChainNode<'e>,
        pending: &[Pending<'e>],
        bound: &BTreeSet<String>,
        wanted: &str,
    ) -> Option<(&'e ast::Expr, Option<usize>)> {
        let is_known = |value: &ast::Expr| {
            if is_constant(value) {
                return true;
            }
            let mut free = BTreeSet::new();
            free_variables(value, &mut Vec::new(), &mut free);
            !free.is_empty() && free.iter().all(|name| bound.contains(name))
        };
        if let Some(ast::Expr { kind: ast::ExprKind::Map(entries), .. }) = &node.pattern.properties
            && let Some((_, value)) =
                entries.iter().find(|(key, value)| key.name == wanted && is_known(value))
        {
            return Some((value, None));
        }
        let variable = node.pattern.variable.as_ref()?;
        for (position, conjunct) in pending.iter().enumerate() {
            if let ast::ExprKind::Binary(ast::BinaryOp::Eq, left, right) = &conjunct.expr.kind {
                for (property, value) in [(left, right), (right, left)] {
                    if let ast::ExprKind::Property(subject, key) = &property.kind
                        && key.name == wanted
                        && matches!(&subject.kind, ast::ExprKind::Variable(name) if *name == variable.name)
                        && is_known(value)
                    {
                        return Some((value, Some(position)));
                    }
                }
            }
        }
        None
    }

    /// Plans a chain from its cheapest node, expanding rightwards then leftwards, filtering early.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan_chain(
        &mut self,
        mut op: Op,
        nodes: &[ChainNode<'_>],
        rels: &[ChainRel<'_>],
        pending: &mut Vec<Pending<'_>>,
        bound_names: &mut BTreeSet<String>,
        bound_now: &mut BTreeSet<Slot>,
        match_rels: &mut Vec<Slot>,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        let start = (0..nodes.len())
            .min_by_key(|&index| (self.start_cost(&nodes[index], pending, bound_names), index))
            .unwrap_or(0);
        let start_node = &nodes[start];
        if !start_node.bound {
            op = self.plan_chain_start(op, start_node, pending, bound_names, scope)?;
        }
        op = self.node_filters(op, start_node, scope, start_node.bound)?;
        self.mark_bound(start_node, bound_names, bound_now);
        op = self.place_filters(op, pending, bound_names, scope)?;
        // Rightwards from the start, then leftwards.
        let order: Vec<(usize, usize, bool)> = (start..rels.len())
            .map(|rel| (rel, rel + 1, false))
            .chain((0..start).rev().map(|rel| (rel, rel, true)))
            .collect();
        for (rel_index, target_index, reversed) in order {
            let from_index = if reversed { rel_index + 1 } else { rel_index };
            let rel = &rels[rel_index];
            let target = &nodes[target_index];
            let hop = Hop {
                rel,
                from: nodes[from_index].slot,
                to: target.slot,
                into: target.bound || bound_now.contains(&target.slot),
                reversed,
            };
            op = match rel.pattern.length {
                None => self.plan_expand(op, &hop, match_rels, scope)?,
                Some(range) => self.plan_var_expand(op, &hop, range, match_rels, scope)?,
            };
            match_rels.push(rel.slot);
            if let Some(name) = &rel.pattern.variable {
                bound_names.insert(name.name.clone());
            }
            // A node bound before this pattern was never checked against these labels.
            op = self.node_filters(op, target, scope, hop.into && target.bound)?;
            self.mark_bound(target, bound_names, bound_now);
            op = self.place_filters(op, pending, bound_names, scope)?;
        }
        Ok(op)
    }

    /// Finds a chain's first node: an index seek when an equality allows, else a label scan.
    fn plan_chain_start(
        &mut self,
        op: Op,
        start_node: &ChainNode<'_>,
        pending: &mut Vec<Pending<'_>>,
        bound_names: &BTreeSet<String>,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        Ok(match self.seekable_equality(start_node, pending, bound_names) {
            Some(seek) => {
                let value = self.plan_expr(seek.value, scope, Context::Plain)?;
                // The `name` index answers `=` exactly, so its conjunct goes; a
                // declared index's keeps its filter (it compares as `ORDER BY` does).
                if let (Some(position), None) = (seek.from_where, &seek.label) {
                    pending.remove(position);
                }
                Op::NodeIndexSeek {
                    input: Box::new(op),
                    slot: start_node.slot,
                    label: seek.label,
                    key: seek.key,
                    value,
                }
            }
            None => {
                // Scan the smallest label; the others become filters.
                let label = start_node
                    .pattern
                    .labels
                    .iter()
                    .min_by_key(|label| {
                        self.graph
                            .label_symbol(&label.name)
                            .map_or(0, |symbol| self.graph.label_count(symbol))
                    })
                    .map(|label| label.name.clone());
                Op::NodeScan { input: Box::new(op), slot: start_node.slot, label }
            }
        })
    }

    /// Expands over one fixed-length relationship, checking a bound one and its property map.
    fn plan_expand(
        &mut self,
        op: Op,
        hop: &Hop<'_, '_>,
        match_rels: &[Slot],
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        let rel = hop.rel;
        // The relationship was bound earlier: the expansion must find that one.
        let found = if rel.bound { self.anonymous_slot("rel_") } else { rel.slot };
        let mut op = Op::Expand(Expand {
            input: Box::new(op),
            from: hop.from,
            rel: found,
            to: hop.to,
            dir: hop.dir(),
            types: hop.types(),
            into: hop.into,
            distinct_from: match_rels.to_vec(),
            to_labels: Vec::new(),
        });
        if rel.bound {
            let span = rel.pattern.span;
            let same = Expr {
                kind: ExprKind::Binary(
                    BinaryOp::Eq,
                    Box::new(Expr { kind: ExprKind::Slot(found), span }),
                    Box::new(Expr { kind: ExprKind::Slot(rel.slot), span }),
                ),
                span,
            };
            op = Op::Filter { input: Box::new(op), predicate: same };
        }
        if let Some(properties) = &rel.pattern.properties {
            let subject = Expr { kind: ExprKind::Slot(rel.slot), span: rel.pattern.span };
            op = self.property_filter(op, subject, properties, scope)?;
        }
        Ok(op)
    }

    /// Expands over a variable-length relationship, its list reversed when walked leftwards.
    fn plan_var_expand(
        &mut self,
        op: Op,
        hop: &Hop<'_, '_>,
        range: ast::LengthRange,
        match_rels: &[Slot],
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        let rel = hop.rel;
        let rel_properties = match &rel.pattern.properties {
            None => Vec::new(),
            Some(ast::Expr { kind: ast::ExprKind::Map(entries), .. }) => entries
                .iter()
                .map(|(key, value)| {
                    Ok((key.name.clone(), self.plan_expr(value, scope, Context::Plain)?))
                })
                .collect::<Result<_, PlanError>>()?,
            Some(other) => {
                return Err(syntax(
                    ErrorCode::InvalidParameterUse,
                    "a variable-length relationship takes a map literal of properties",
                    other.span,
                ));
            }
        };
        let mut op = Op::VarExpand(VarExpand {
            input: Box::new(op),
            from: hop.from,
            rels: rel.slot,
            to: hop.to,
            dir: hop.dir(),
            types: hop.types(),
            min: range.min.unwrap_or(1),
            max: range.max,
            rel_properties,
            into: hop.into,
            distinct_from: match_rels.to_vec(),
        });
        if hop.reversed {
            // The walk went right to left; the list reads left to right.
            let span = rel.pattern.span;
            let list = Expr { kind: ExprKind::Slot(rel.slot), span };
            op = Op::Project {
                input: Box::new(op),
                items: vec![(
                    rel.slot,
                    Expr { kind: ExprKind::Function(Function::Reverse, vec![list]), span },
                )],
            };
        }
        Ok(op)
    }

    fn mark_bound(
        &self,
        node: &ChainNode<'_>,
        bound_names: &mut BTreeSet<String>,
        bound_now: &mut BTreeSet<Slot>,
    ) {
        bound_now.insert(node.slot);
        if let Some(name) = &node.pattern.variable {
            bound_names.insert(name.name.clone());
        }
    }

    /// Label and property checks of a node pattern, as filters.
    fn node_filters(
        &mut self,
        mut op: Op,
        node: &ChainNode<'_>,
        scope: &Scope,
        include_all_labels: bool,
    ) -> Result<Op, PlanError> {
        let span = node.pattern.span;
        // A seek on `name` already guarantees the name; only the other entries filter.
        let already_sought =
            matches!(&op, Op::NodeIndexSeek { slot, label: None, .. } if *slot == node.slot);
        let subject = Expr { kind: ExprKind::Slot(node.slot), span };
        // A scan by one label already guarantees it; the check is cheap, so keep it simple
        // and check every label unless the node came from a label scan of that label.
        let scanned_label = match &op {
            Op::NodeScan { slot, label: Some(label), .. }
            | Op::NodeIndexSeek { slot, label: Some(label), .. }
                if *slot == node.slot =>
            {
                Some(label.clone())
            }
            _ => None,
        };
        let labels: Vec<String> = node
            .pattern
            .labels
            .iter()
            .map(|label| label.name.clone())
            .filter(|label| include_all_labels || Some(label) != scanned_label.as_ref())
            .collect();
        if !labels.is_empty() {
            op = Op::Filter {
                input: Box::new(op),
                predicate: Expr {
                    kind: ExprKind::HasLabels(Box::new(subject.clone()), labels),
                    span,
                },
            };
        }
        if let Some(properties) = &node.pattern.properties {
            match (&properties.kind, already_sought) {
                (ast::ExprKind::Map(entries), true) => {
                    let rest: Vec<(ast::Ident, ast::Expr)> =
                        entries.iter().filter(|(key, _)| key.name != "name").cloned().collect();
                    let remaining =
                        ast::Expr { kind: ast::ExprKind::Map(rest), span: properties.span };
                    op = self.property_filter(op, subject, &remaining, scope)?;
                }
                _ => op = self.property_filter(op, subject, properties, scope)?,
            }
        }
        Ok(op)
    }

    /// `subject.key = value` for every entry of a pattern's property map (or parameter).
    fn property_filter(
        &mut self,
        op: Op,
        subject: Expr,
        properties: &ast::Expr,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        let span = properties.span;
        let predicate = match &properties.kind {
            ast::ExprKind::Map(entries) => {
                let mut predicate: Option<Expr> = None;
                for (key, value) in entries {
                    let value = self.plan_expr(value, scope, Context::Plain)?;
                    let property = Expr {
                        kind: ExprKind::Property(
                            Box::new(subject.clone()),
                            self.property_key(&key.name),
                        ),
                        span: key.span,
                    };
                    let equal = Expr {
                        kind: ExprKind::Binary(BinaryOp::Eq, Box::new(property), Box::new(value)),
                        span,
                    };
                    predicate = Some(match predicate {
                        None => equal,
                        Some(before) => Expr {
                            kind: ExprKind::Binary(
                                BinaryOp::And,
                                Box::new(before),
                                Box::new(equal),
                            ),
                            span,
                        },
                    });
                }
                match predicate {
                    Some(predicate) => predicate,
                    None => return Ok(op),
                }
            }
            _ => {
                // `{…}` given as a parameter: every entry must match.
                let map = self.plan_expr(properties, scope, Context::Plain)?;
                Expr { kind: ExprKind::Function(Function::HasProperties, vec![subject, map]), span }
            }
        };
        Ok(Op::Filter { input: Box::new(op), predicate })
    }
}

/// An equality `seekable_equality` found: through the declared index on `label` and
/// `key`, or (without a label) through the `name` index.
struct Seekable<'e> {
    label: Option<String>,
    key: String,
    value: &'e ast::Expr,
    from_where: Option<usize>,
}
