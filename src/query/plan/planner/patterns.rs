//! Planning patterns: `MATCH` (where a pattern starts, how it expands, where each
//! `WHERE` conjunct goes), `shortestPath` and `CREATE`.

use std::collections::BTreeSet;

use crate::graph::{Dir, EntityKind};
use crate::query::error::{ErrorCode, PlanError};
use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

/// One node of a pattern chain once its variable has a slot.
struct ChainNode<'p> {
    pattern: &'p ast::NodePattern,
    slot: Slot,
    /// Bound before this MATCH (or earlier in it).
    bound: bool,
}

struct ChainRel<'p> {
    pattern: &'p ast::RelPattern,
    slot: Slot,
    bound: bool,
}

impl<'a> Planner<'a> {
    /// Plans comma-separated pattern parts and the `WHERE` that goes with them.
    pub(super) fn plan_pattern(
        &mut self,
        input: Op,
        parts: &[ast::PatternPart],
        where_clause: Option<&ast::Expr>,
        scope: &mut Scope,
        usage: PatternUse,
    ) -> Result<Op, PlanError> {
        for part in parts {
            let nodes = std::iter::once(&part.element.start)
                .chain(part.element.chain.iter().map(|(_, node)| node));
            let properties = nodes
                .filter_map(|node| node.properties.as_ref())
                .chain(part.element.chain.iter().filter_map(|(rel, _)| rel.properties.as_ref()));
            for map in properties {
                if matches!(map.kind, ast::ExprKind::Parameter(_)) {
                    return Err(syntax(
                        ErrorCode::InvalidParameterUse,
                        "a parameter cannot stand for the properties of a pattern to match; write {key: $value}",
                        map.span,
                    ));
                }
            }
        }
        // Bind every variable the pattern introduces first, checking kinds.
        let mut introduced: BTreeSet<String> = BTreeSet::new();
        let mut bound_now: BTreeSet<Slot> = scope.vars.iter().map(|(_, slot, _)| *slot).collect();
        let mut resolved_parts = Vec::new();
        for part in parts {
            let mut nodes = Vec::new();
            let mut rels = Vec::new();
            let node_of = |planner: &mut Self,
                           pattern: &'_ ast::NodePattern,
                           scope: &mut Scope,
                           introduced: &mut BTreeSet<String>|
             -> Result<(Slot, bool), PlanError> {
                match &pattern.variable {
                    None => Ok((planner.anonymous_slot("anon_"), false)),
                    Some(name) => match scope.get(&name.name) {
                        Some((slot, VarKind::Node | VarKind::Value | VarKind::Known("Null"))) => {
                            Ok((slot, !introduced.contains(&name.name)))
                        }
                        Some((_, kind)) => Err(syntax(
                            ErrorCode::VariableTypeConflict,
                            format!("variable `{}` is {}, not a node", name.name, kind.describe()),
                            name.span,
                        )),
                        None => {
                            let slot = planner.new_slot(&name.name);
                            scope.bind(&name.name, slot, VarKind::Node);
                            introduced.insert(name.name.clone());
                            Ok((slot, false))
                        }
                    },
                }
            };
            let (slot, bound) = node_of(self, &part.element.start, scope, &mut introduced)?;
            nodes.push((slot, bound));
            for (rel, node) in &part.element.chain {
                let variable_length = rel.length.is_some();
                let kind =
                    if variable_length { VarKind::RelationshipList } else { VarKind::Relationship };
                let rel_slot = match &rel.variable {
                    None => (self.anonymous_slot("anon_"), false),
                    Some(name) => match scope.get(&name.name) {
                        Some((slot, found))
                            if found == kind || (found == VarKind::Value && !variable_length) =>
                        {
                            if introduced.contains(&name.name) {
                                return Err(syntax(
                                    ErrorCode::RelationshipUniquenessViolation,
                                    format!(
                                        "relationship variable `{}` appears twice in one pattern",
                                        name.name
                                    ),
                                    name.span,
                                ));
                            }
                            if usage == PatternUse::Match && variable_length {
                                return Err(syntax(
                                    ErrorCode::VariableAlreadyBound,
                                    format!("variable `{}` is already bound", name.name),
                                    name.span,
                                ));
                            }
                            (slot, true)
                        }
                        Some((_, found)) => {
                            return Err(syntax(
                                ErrorCode::VariableTypeConflict,
                                format!(
                                    "variable `{}` is {}, not {}",
                                    name.name,
                                    found.describe(),
                                    kind.describe()
                                ),
                                name.span,
                            ));
                        }
                        None => {
                            let slot = self.new_slot(&name.name);
                            scope.bind(&name.name, slot, kind);
                            introduced.insert(name.name.clone());
                            (slot, false)
                        }
                    },
                };
                rels.push(rel_slot);
                let (slot, bound) = node_of(self, node, scope, &mut introduced)?;
                nodes.push((slot, bound));
            }
            let path_slot = match &part.variable {
                None => None,
                Some(name) => {
                    let slot = self.bind_fresh(scope, name, VarKind::Path)?;
                    introduced.insert(name.name.clone());
                    Some(slot)
                }
            };
            resolved_parts.push((part, nodes, rels, path_slot));
        }

        // Split WHERE into conjuncts and note what each needs.
        let mut pending: Vec<Pending<'_>> = Vec::new();
        if let Some(predicate) = where_clause {
            let mut conjuncts = Vec::new();
            split_conjuncts(predicate, &mut conjuncts);
            for conjunct in conjuncts {
                check_predicate_kind(conjunct, scope)?;
                let mut needs = BTreeSet::new();
                free_variables(conjunct, &mut Vec::new(), &mut needs);
                needs.retain(|name| scope.get(name).is_some());
                pending.push(Pending { expr: conjunct, needs });
            }
        }

        let mut op = input;
        let mut bound_names: BTreeSet<String> = scope
            .vars
            .iter()
            .map(|(name, _, _)| name.clone())
            .filter(|name| !introduced.contains(name))
            .collect();
        // Conjuncts over variables bound before this clause filter right away.
        op = self.place_filters(op, &mut pending, &bound_names, scope)?;
        let mut match_rels: Vec<Slot> = Vec::new();

        // Parts connected to what is bound go first.
        let mut remaining: Vec<_> = resolved_parts.into_iter().collect();
        while !remaining.is_empty() {
            let next = remaining
                .iter()
                .position(|(_, nodes, _, _)| {
                    nodes.iter().any(|(slot, bound)| *bound || bound_now.contains(slot))
                })
                .unwrap_or(0);
            let (part, node_slots, rel_slots, path_slot) = remaining.remove(next);
            let chain_nodes: Vec<ChainNode<'_>> = std::iter::once(&part.element.start)
                .chain(part.element.chain.iter().map(|(_, node)| node))
                .zip(&node_slots)
                .map(|(pattern, (slot, bound))| ChainNode {
                    pattern,
                    slot: *slot,
                    bound: *bound || bound_now.contains(slot),
                })
                .collect();
            let chain_rels: Vec<ChainRel<'_>> = part
                .element
                .chain
                .iter()
                .zip(&rel_slots)
                .map(|((pattern, _), (slot, bound))| ChainRel {
                    pattern,
                    slot: *slot,
                    bound: *bound,
                })
                .collect();
            op = match part.selector {
                ast::PathSelector::All => self.plan_chain(
                    op,
                    &chain_nodes,
                    &chain_rels,
                    &mut pending,
                    &mut bound_names,
                    &mut bound_now,
                    &mut match_rels,
                    scope,
                )?,
                selector => self.plan_shortest(
                    op,
                    part,
                    selector,
                    &chain_nodes,
                    &chain_rels,
                    path_slot,
                    &mut pending,
                    &mut bound_names,
                    &mut bound_now,
                    scope,
                )?,
            };
            if let (Some(path), ast::PathSelector::All) = (path_slot, part.selector) {
                let mut steps = vec![PathStep::Node(chain_nodes[0].slot)];
                for (rel, node) in chain_rels.iter().zip(&chain_nodes[1..]) {
                    steps.push(if rel.pattern.length.is_some() {
                        PathStep::Relationships(rel.slot)
                    } else {
                        PathStep::Relationship(rel.slot)
                    });
                    steps.push(PathStep::Node(node.slot));
                }
                op = Op::Project {
                    input: Box::new(op),
                    items: vec![(path, Expr { kind: ExprKind::BuildPath(steps), span: part.span })],
                };
            }
            if let Some(name) = &part.variable {
                bound_names.insert(name.name.clone());
            }
            op = self.place_filters(op, &mut pending, &bound_names, scope)?;
        }
        // Whatever is left needs nothing from this pattern.
        let everything: BTreeSet<String> =
            scope.vars.iter().map(|(name, _, _)| name.clone()).collect();
        op = self.place_filters(op, &mut pending, &everything, scope)?;
        Ok(op)
    }

    fn place_filters(
        &mut self,
        mut op: Op,
        pending: &mut Vec<Pending<'_>>,
        bound: &BTreeSet<String>,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        let mut index = 0;
        while index < pending.len() {
            if pending[index].needs.is_subset(bound) {
                let conjunct = pending.remove(index);
                let predicate = self.plan_expr(conjunct.expr, scope, Context::Plain)?;
                op = Op::Filter { input: Box::new(op), predicate };
            } else {
                index += 1;
            }
        }
        Ok(op)
    }

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

    #[allow(clippy::too_many_arguments)]
    fn plan_chain(
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
            op = match self.seekable_equality(start_node, pending, bound_names) {
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
            };
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
            let from = &nodes[from_index];
            let target = &nodes[target_index];
            let into = target.bound || bound_now.contains(&target.slot);
            let dir = match (rel.pattern.direction, reversed) {
                (ast::RelDirection::Outgoing, false) | (ast::RelDirection::Incoming, true) => {
                    Dir::Outgoing
                }
                (ast::RelDirection::Incoming, false) | (ast::RelDirection::Outgoing, true) => {
                    Dir::Incoming
                }
                (ast::RelDirection::Either, _) => Dir::Both,
            };
            let types: Vec<String> =
                rel.pattern.types.iter().map(|rel_type| rel_type.name.clone()).collect();
            match rel.pattern.length {
                None => {
                    op = Op::Expand(Expand {
                        input: Box::new(op),
                        from: from.slot,
                        rel: rel.slot,
                        to: target.slot,
                        dir,
                        types,
                        into,
                        distinct_from: match_rels.clone(),
                        to_labels: Vec::new(),
                    });
                    if rel.bound {
                        // The relationship was bound earlier: the expansion must find that one.
                        let span = rel.pattern.span;
                        let fresh = self.anonymous_slot("rel_");
                        if let Op::Expand(expand) = &mut op {
                            expand.rel = fresh;
                        }
                        let same = Expr {
                            kind: ExprKind::Binary(
                                BinaryOp::Eq,
                                Box::new(Expr { kind: ExprKind::Slot(fresh), span }),
                                Box::new(Expr { kind: ExprKind::Slot(rel.slot), span }),
                            ),
                            span,
                        };
                        op = Op::Filter { input: Box::new(op), predicate: same };
                    }
                    if let Some(properties) = &rel.pattern.properties {
                        let subject =
                            Expr { kind: ExprKind::Slot(rel.slot), span: rel.pattern.span };
                        op = self.property_filter(op, subject, properties, scope)?;
                    }
                }
                Some(range) => {
                    let rel_properties = match &rel.pattern.properties {
                        None => Vec::new(),
                        Some(ast::Expr { kind: ast::ExprKind::Map(entries), .. }) => entries
                            .iter()
                            .map(|(key, value)| {
                                Ok((
                                    key.name.clone(),
                                    self.plan_expr(value, scope, Context::Plain)?,
                                ))
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
                    op = Op::VarExpand(VarExpand {
                        input: Box::new(op),
                        from: from.slot,
                        rels: rel.slot,
                        to: target.slot,
                        dir,
                        types,
                        min: range.min.unwrap_or(1),
                        max: range.max,
                        rel_properties,
                        into,
                        distinct_from: match_rels.clone(),
                    });
                    if reversed {
                        // The walk went right to left; the list reads left to right.
                        let span = rel.pattern.span;
                        let list = Expr { kind: ExprKind::Slot(rel.slot), span };
                        op = Op::Project {
                            input: Box::new(op),
                            items: vec![(
                                rel.slot,
                                Expr {
                                    kind: ExprKind::Function(Function::Reverse, vec![list]),
                                    span,
                                },
                            )],
                        };
                    }
                }
            }
            match_rels.push(rel.slot);
            if let Some(name) = &rel.pattern.variable {
                bound_names.insert(name.name.clone());
            }
            // A node bound before this pattern was never checked against these labels.
            op = self.node_filters(op, target, scope, into && target.bound)?;
            self.mark_bound(target, bound_names, bound_now);
            op = self.place_filters(op, pending, bound_names, scope)?;
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

    #[allow(clippy::too_many_arguments)]
    fn plan_shortest(
        &mut self,
        mut op: Op,
        part: &ast::PatternPart,
        selector: ast::PathSelector,
        nodes: &[ChainNode<'_>],
        rels: &[ChainRel<'_>],
        path_slot: Option<Slot>,
        pending: &mut Vec<Pending<'_>>,
        bound_names: &mut BTreeSet<String>,
        bound_now: &mut BTreeSet<Slot>,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        if rels.len() != 1 {
            return Err(syntax(
                ErrorCode::UnexpectedSyntax,
                "shortestPath needs exactly one relationship pattern",
                part.span,
            ));
        }
        let rel = &rels[0];
        let range = rel.pattern.length.unwrap_or(ast::LengthRange { min: Some(1), max: Some(1) });
        if range.min.is_some_and(|min| min > 1) {
            return Err(syntax(
                ErrorCode::UnexpectedSyntax,
                "shortestPath's minimal length must be 0 or 1",
                rel.pattern.span,
            ));
        }
        for node in nodes {
            if !(node.bound || bound_now.contains(&node.slot)) {
                let endpoint = ChainNode { pattern: node.pattern, slot: node.slot, bound: false };
                op = self.plan_chain(
                    op,
                    std::slice::from_ref(&endpoint),
                    &[],
                    pending,
                    bound_names,
                    bound_now,
                    &mut Vec::new(),
                    scope,
                )?;
            }
        }
        let dir = match rel.pattern.direction {
            ast::RelDirection::Outgoing => Dir::Outgoing,
            ast::RelDirection::Incoming => Dir::Incoming,
            ast::RelDirection::Either => Dir::Both,
        };
        let path = match path_slot {
            Some(slot) => slot,
            None => self.anonymous_slot("path_"),
        };
        let rels_slot = rel.pattern.variable.as_ref().map(|_| rel.slot);
        op = Op::ShortestPath(ShortestPath {
            input: Box::new(op),
            from: nodes[0].slot,
            to: nodes[1].slot,
            path,
            rels: rels_slot,
            dir,
            types: rel.pattern.types.iter().map(|rel_type| rel_type.name.clone()).collect(),
            min: range.min.unwrap_or(1),
            max: range.max,
            all: selector == ast::PathSelector::AllShortestPaths,
        });
        if let Some(name) = &rel.pattern.variable {
            bound_names.insert(name.name.clone());
        }
        if let Some(name) = &part.variable {
            bound_names.insert(name.name.clone());
        }
        Ok(op)
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
