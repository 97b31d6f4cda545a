//! Planning patterns: `MATCH` (which variables a pattern binds, the order of its parts,
//! where each `WHERE` conjunct goes; `chain` plans where each part starts and how it
//! expands), `shortestPath` and `CREATE`.

use std::collections::BTreeSet;

use crate::graph::Dir;
use crate::query::error::{ErrorCode, PlanError};
use crate::query::syntax::ast;

use super::super::ir::*;
use super::chain::{ChainNode, ChainRel};
use super::*;

/// A pattern part once its variables have slots: each node's and each relationship's
/// slot with whether it was bound before the pattern, and the path variable's slot.
struct BoundPart<'p> {
    part: &'p ast::PatternPart,
    nodes: Vec<(Slot, bool)>,
    rels: Vec<(Slot, bool)>,
    path: Option<Slot>,
}

/// A parameter cannot stand for the property map of a pattern to match.
fn refuse_parameter_maps(parts: &[ast::PatternPart]) -> Result<(), PlanError> {
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
    Ok(())
}

/// The conjuncts of a pattern's `WHERE`, each with the variables in scope it needs.
fn where_conjuncts<'e>(
    where_clause: Option<&'e ast::Expr>,
    scope: &Scope,
) -> Result<Vec<Pending<'e>>, PlanError> {
    let mut pending: Vec<Pending<'e>> = Vec::new();
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
    Ok(pending)
}

/// The path a chain matched, built from its nodes and relationships.
fn build_path(nodes: &[ChainNode<'_>], rels: &[ChainRel<'_>], span: Span) -> Expr {
    let mut steps = vec![PathStep::Node(nodes[0].slot)];
    for (rel, node) in rels.iter().zip(&nodes[1..]) {
        steps.push(if rel.pattern.length.is_some() {
            PathStep::Relationships(rel.slot)
        } else {
            PathStep::Relationship(rel.slot)
        });
        steps.push(PathStep::Node(node.slot));
    }
    Expr { kind: ExprKind::BuildPath(steps), span }
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
        refuse_parameter_maps(parts)?;
        let mut bound_now: BTreeSet<Slot> = scope.vars.iter().map(|(_, slot, _)| *slot).collect();
        // Bind every variable the pattern introduces first, checking kinds.
        let (bound_parts, introduced) = self.bind_pattern_variables(parts, scope, usage)?;
        let mut pending = where_conjuncts(where_clause, scope)?;
        let mut bound_names: BTreeSet<String> = scope
            .vars
            .iter()
            .map(|(name, _, _)| name.clone())
            .filter(|name| !introduced.contains(name))
            .collect();
        // Conjuncts over variables bound before this clause filter right away.
        let mut op = self.place_filters(input, &mut pending, &bound_names, scope)?;
        let mut match_rels: Vec<Slot> = Vec::new();
        // Parts connected to what is bound go first.
        let mut remaining = bound_parts;
        while !remaining.is_empty() {
            let next = remaining
                .iter()
                .position(|part| {
                    part.nodes.iter().any(|(slot, bound)| *bound || bound_now.contains(slot))
                })
                .unwrap_or(0);
            let part = remaining.remove(next);
            op = self.plan_part(
                op,
                part,
                &mut pending,
                &mut bound_names,
                &mut bound_now,
                &mut match_rels,
                scope,
            )?;
        }
        // Whatever is left needs nothing from this pattern.
        let everything: BTreeSet<String> =
            scope.vars.iter().map(|(name, _, _)| name.clone()).collect();
        self.place_filters(op, &mut pending, &everything, scope)
    }

    /// Gives each variable the parts introduce a slot; returns the parts' slots and those names.
    fn bind_pattern_variables<'p>(
        &mut self,
        parts: &'p [ast::PatternPart],
        scope: &mut Scope,
        usage: PatternUse,
    ) -> Result<(Vec<BoundPart<'p>>, BTreeSet<String>), PlanError> {
        let mut introduced: BTreeSet<String> = BTreeSet::new();
        let mut bound_parts = Vec::new();
        for part in parts {
            let mut nodes =
                vec![self.bind_node_variable(&part.element.start, scope, &mut introduced)?];
            let mut rels = Vec::new();
            for (rel, node) in &part.element.chain {
                rels.push(self.bind_rel_variable(rel, scope, &mut introduced, usage)?);
                nodes.push(self.bind_node_variable(node, scope, &mut introduced)?);
            }
            let path = match &part.variable {
                None => None,
                Some(name) => {
                    let slot = self.bind_fresh(scope, name, VarKind::Path)?;
                    introduced.insert(name.name.clone());
                    Some(slot)
                }
            };
            bound_parts.push(BoundPart { part, nodes, rels, path });
        }
        Ok((bound_parts, introduced))
    }

    /// The slot of a node pattern's variable and whether it was bound before; checks its kind.
    fn bind_node_variable(
        &mut self,
        pattern: &ast::NodePattern,
        scope: &mut Scope,
        introduced: &mut BTreeSet<String>,
    ) -> Result<(Slot, bool), PlanError> {
        match &pattern.variable {
            None => Ok((self.anonymous_slot("anon_"), false)),
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
                    let slot = self.new_slot(&name.name);
                    scope.bind(&name.name, slot, VarKind::Node);
                    introduced.insert(name.name.clone());
                    Ok((slot, false))
                }
            },
        }
    }

    /// The slot of a relationship pattern's variable and whether it was bound; checks its use.
    fn bind_rel_variable(
        &mut self,
        rel: &ast::RelPattern,
        scope: &mut Scope,
        introduced: &mut BTreeSet<String>,
        usage: PatternUse,
    ) -> Result<(Slot, bool), PlanError> {
        let variable_length = rel.length.is_some();
        let kind = if variable_length { VarKind::RelationshipList } else { VarKind::Relationship };
        let Some(name) = &rel.variable else {
            return Ok((self.anonymous_slot("anon_"), false));
        };
        match scope.get(&name.name) {
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
                Ok((slot, true))
            }
            Some((_, found)) => Err(syntax(
                ErrorCode::VariableTypeConflict,
                format!(
                    "variable `{}` is {}, not {}",
                    name.name,
                    found.describe(),
                    kind.describe()
                ),
                name.span,
            )),
            None => {
                let slot = self.new_slot(&name.name);
                scope.bind(&name.name, slot, kind);
                introduced.insert(name.name.clone());
                Ok((slot, false))
            }
        }
    }

    /// Plans one pattern part: its chain or shortest path, its path, the filters it completes.
    #[allow(clippy::too_many_arguments)]
    fn plan_part(
        &mut self,
        op: Op,
        bound_part: BoundPart<'_>,
        pending: &mut Vec<Pending<'_>>,
        bound_names: &mut BTreeSet<String>,
        bound_now: &mut BTreeSet<Slot>,
        match_rels: &mut Vec<Slot>,
        scope: &Scope,
    ) -> Result<Op, PlanError> {
        let BoundPart { part, nodes, rels, path } = bound_part;
        let chain_nodes: Vec<ChainNode<'_>> = std::iter::once(&part.element.start)
            .chain(part.element.chain.iter().map(|(_, node)| node))
            .zip(&nodes)
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
            .zip(&rels)
            .map(|((pattern, _), (slot, bound))| ChainRel { pattern, slot: *slot, bound: *bound })
            .collect();
        let mut op = match part.selector {
            ast::PathSelector::All => self.plan_chain(
                op,
                &chain_nodes,
                &chain_rels,
                pending,
                bound_names,
                bound_now,
                match_rels,
                scope,
            )?,
            selector => self.plan_shortest(
                op,
                part,
                selector,
                &chain_nodes,
                &chain_rels,
                path,
                pending,
                bound_names,
                bound_now,
                scope,
            )?,
        };
        if let (Some(path), ast::PathSelector::All) = (path, part.selector) {
            op = Op::Project {
                input: Box::new(op),
                items: vec![(path, build_path(&chain_nodes, &chain_rels, part.span))],
            };
        }
        if let Some(name) = &part.variable {
            bound_names.insert(name.name.clone());
        }
        self.place_filters(op, pending, bound_names, scope)
    }

    /// Filters `op` by every pending conjunct whose variables are all `bound`.
    pub(super) fn place_filters(
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
