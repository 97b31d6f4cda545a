//! Planner: `ast::Statement` → `Plan`.
//!
//! Resolves every variable to a row slot and reports what openCypher rejects before
//! running (undefined variables, type conflicts, misplaced aggregation, bad `SKIP`),
//! each with the span of the offending words. Chooses where each pattern starts (an
//! equality on `name`, else the smallest label), expands from there and places every
//! `WHERE` conjunct right after the operator that binds its last variable.
//! Reads only statistics from the graph (label counts, known keys), never its data.

use std::collections::{BTreeSet, HashMap};

use crate::graph::{Dir, Graph, Value};
use crate::query::error::{ErrorKind, PlanError};
use crate::query::syntax::Span;
use crate::query::syntax::ast;

use super::ir::*;

/// Plans a parsed statement. `source` is the statement's text (column names come from
/// it); `graph` supplies statistics.
pub fn plan(statement: &ast::Statement, source: &str, graph: &Graph) -> Result<Plan, PlanError> {
    let mut planner = Planner { source, graph, slot_names: Vec::new() };
    let mode = match statement.kind {
        ast::StatementKind::Run => Mode::Run,
        ast::StatementKind::Explain => Mode::Explain,
        ast::StatementKind::Profile => Mode::Profile,
    };
    let (segments, columns) = planner.plan_query(&statement.query)?;
    Ok(Plan {
        mode,
        segments,
        columns,
        slot_count: planner.slot_names.len(),
        slot_names: planner.slot_names,
    })
}

/// What a variable holds, as far as the planner knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum VarKind {
    Node,
    Relationship,
    RelationshipList,
    Path,
    /// Anything: a projected expression, an `UNWIND` item.
    Value,
    /// A value whose type is known while planning (it came from a literal), by its
    /// openCypher type name.
    Known(&'static str),
}

impl VarKind {
    fn describe(self) -> &'static str {
        match self {
            VarKind::Node => "a node",
            VarKind::Relationship => "a relationship",
            VarKind::RelationshipList => "a list of relationships",
            VarKind::Path => "a path",
            VarKind::Value => "a value",
            VarKind::Known(type_name) => match type_name {
                "Integer" => "an integer",
                "Float" => "a float",
                "String" => "a string",
                "Boolean" => "a boolean",
                "List" => "a list",
                "Map" => "a map",
                _ => "a value",
            },
        }
    }

    /// The openCypher type name when known.
    fn type_name(self) -> Option<&'static str> {
        match self {
            VarKind::Node => Some("Node"),
            VarKind::Relationship => Some("Relationship"),
            VarKind::RelationshipList => Some("List"),
            VarKind::Path => Some("Path"),
            VarKind::Known(type_name) => Some(type_name),
            VarKind::Value => None,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct Scope {
    vars: Vec<(String, Slot, VarKind)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<(Slot, VarKind)> {
        self.vars.iter().rev().find(|(var, _, _)| var == name).map(|(_, slot, kind)| (*slot, *kind))
    }

    fn bind(&mut self, name: &str, slot: Slot, kind: VarKind) {
        self.vars.retain(|(var, _, _)| var != name);
        self.vars.push((name.to_owned(), slot, kind));
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .vars
            .iter()
            .map(|(name, _, _)| name.clone())
            .filter(|name| !name.starts_with(' '))
            .collect();
        names.sort();
        names
    }
}

/// Result columns: name and the slot holding the value.
type Columns = Vec<(String, Slot)>;

fn error(kind: ErrorKind, code: &'static str, message: impl Into<String>, span: Span) -> PlanError {
    PlanError { kind, code, message: message.into(), span }
}

fn syntax(code: &'static str, message: impl Into<String>, span: Span) -> PlanError {
    error(ErrorKind::SyntaxError, code, message, span)
}

struct Planner<'a> {
    source: &'a str,
    graph: &'a Graph,
    slot_names: Vec<String>,
}

/// A `WHERE` conjunct waiting for its variables to be bound.
struct Pending<'e> {
    expr: &'e ast::Expr,
    needs: BTreeSet<String>,
}

impl<'a> Planner<'a> {
    fn new_slot(&mut self, name: &str) -> Slot {
        self.slot_names.push(name.to_owned());
        self.slot_names.len() - 1
    }

    fn anonymous_slot(&mut self, what: &str) -> Slot {
        let slot = self.slot_names.len();
        self.new_slot(&format!("{what}{slot}"))
    }

    fn plan_query(&mut self, query: &ast::Query) -> Result<(Vec<Segment>, Columns), PlanError> {
        if query.unions.is_empty() {
            return self.plan_single(&query.first);
        }
        let mut branches = Vec::new();
        let mut columns: Option<Vec<String>> = None;
        let mut output_slots = Vec::new();
        let mut distinct = false;
        let parts = std::iter::once((None, &query.first))
            .chain(query.unions.iter().map(|(kind, single)| (Some(*kind), single)));
        let mut kinds = BTreeSet::new();
        for (kind, single) in parts {
            if let Some(kind) = kind {
                kinds.insert(kind == ast::UnionKind::All);
                distinct |= kind == ast::UnionKind::Distinct;
            }
            let (mut segments, branch_columns) = self.plan_single(single)?;
            if segments.len() != 1 || segments[0].create.is_some() {
                return Err(syntax(
                    "UnsupportedFeature",
                    "UNION of queries that write is not supported",
                    single.span,
                ));
            }
            let names: Vec<String> = branch_columns.iter().map(|(name, _)| name.clone()).collect();
            match &columns {
                None => {
                    output_slots = names.iter().map(|name| self.new_slot(name)).collect();
                    columns = Some(names);
                }
                Some(expected) if *expected != names => {
                    return Err(syntax(
                        "DifferentColumnsInUnion",
                        "all parts of a UNION must return the same column names",
                        single.span,
                    ));
                }
                Some(_) => {}
            }
            let reads = segments.pop().expect("one segment").reads;
            let copies: Vec<(Slot, Expr)> = branch_columns
                .iter()
                .zip(&output_slots)
                .map(|((_, slot), output)| {
                    (*output, Expr { kind: ExprKind::Slot(*slot), span: single.span })
                })
                .collect();
            branches.push(Op::Project { input: Box::new(reads), items: copies });
        }
        if kinds.len() > 1 {
            return Err(syntax(
                "InvalidClauseComposition",
                "UNION and UNION ALL cannot be mixed",
                query.first.span,
            ));
        }
        let names = columns.unwrap_or_default();
        let union = Op::Union { branches, distinct, slots: output_slots.clone() };
        Ok((
            vec![Segment { reads: union, create: None }],
            names.into_iter().zip(output_slots).collect(),
        ))
    }

    fn plan_single(
        &mut self,
        query: &ast::SingleQuery,
    ) -> Result<(Vec<Segment>, Columns), PlanError> {
        let mut op = Op::Argument;
        let mut scope = Scope::default();
        let mut segments = Vec::new();
        let mut columns = Vec::new();
        let last = query.clauses.len() - 1;
        for (position, clause) in query.clauses.iter().enumerate() {
            if !columns.is_empty() {
                return Err(syntax(
                    "InvalidClauseComposition",
                    "RETURN must be the last clause",
                    clause.span(),
                ));
            }
            match clause {
                ast::Clause::Match(clause) => {
                    if position > 0 {
                        if let ast::Clause::Match(previous) = &query.clauses[position - 1] {
                            if previous.optional == ast::Optionality::Optional
                                && clause.optional == ast::Optionality::Required
                            {
                                // Allowed in openCypher; nothing to check.
                            }
                        }
                    }
                    op = self.plan_match(op, clause, &mut scope)?;
                }
                ast::Clause::Unwind(unwind) => {
                    let list = self.plan_expr(&unwind.expr, &scope, Context::Plain)?;
                    if scope.get(&unwind.variable.name).is_some() {
                        return Err(syntax(
                            "VariableAlreadyBound",
                            format!("variable `{}` is already defined", unwind.variable.name),
                            unwind.variable.span,
                        ));
                    }
                    let slot = self.new_slot(&unwind.variable.name);
                    scope.bind(&unwind.variable.name, slot, VarKind::Value);
                    op = Op::Unwind { input: Box::new(op), list, slot };
                }
                ast::Clause::With(projection) => {
                    if position == last {
                        return Err(syntax(
                            "InvalidClauseComposition",
                            "a query cannot end with WITH; add RETURN",
                            projection.span,
                        ));
                    }
                    let (next, next_scope, _) =
                        self.plan_projection(op, projection, &scope, ProjectionKind::With)?;
                    op = next;
                    scope = next_scope;
                }
                ast::Clause::Return(projection) => {
                    let (next, _, names) =
                        self.plan_projection(op, projection, &scope, ProjectionKind::Return)?;
                    op = next;
                    columns = names;
                }
                ast::Clause::Create(create) => {
                    let spec = self.plan_create(create, &mut scope)?;
                    segments.push(Segment { reads: op, create: Some(spec) });
                    op = Op::Argument;
                }
            }
        }
        let ends_with_create = matches!(query.clauses.last(), Some(ast::Clause::Create(_)));
        if columns.is_empty() && !ends_with_create {
            let span = query.clauses.last().map_or(query.span, ast::Clause::span);
            return Err(syntax(
                "InvalidClauseComposition",
                "a query must end with RETURN (or with a write clause)",
                span,
            ));
        }
        if !ends_with_create {
            segments.push(Segment { reads: op, create: None });
        }
        Ok((segments, columns))
    }

    // -----------------------------------------------------------------------------------
    // MATCH

    fn plan_match(
        &mut self,
        input: Op,
        clause: &ast::Match,
        scope: &mut Scope,
    ) -> Result<Op, PlanError> {
        if clause.optional == ast::Optionality::Optional {
            let before: BTreeSet<Slot> = scope.vars.iter().map(|(_, slot, _)| *slot).collect();
            let inner = self.plan_pattern(
                Op::Argument,
                &clause.pattern,
                clause.where_clause.as_ref(),
                scope,
                PatternUse::Match,
            )?;
            let nullable: Vec<Slot> = scope
                .vars
                .iter()
                .map(|(_, slot, _)| *slot)
                .filter(|slot| !before.contains(slot))
                .collect();
            return Ok(Op::Optional { input: Box::new(input), inner: Box::new(inner), nullable });
        }
        self.plan_pattern(
            input,
            &clause.pattern,
            clause.where_clause.as_ref(),
            scope,
            PatternUse::Match,
        )
    }
}

/// Where a pattern appears; patterns in expressions may not introduce path variables etc.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatternUse {
    Match,
    Predicate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ProjectionKind {
    With,
    Return,
}

/// Where an expression appears, for what it may contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    /// Aggregation not allowed.
    Plain,
    /// Inside a projection item: aggregation allowed (handled by the caller).
    Projection,
}

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
    fn plan_pattern(
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
                        "InvalidParameterUse",
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
                            "VariableTypeConflict",
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
                                    "RelationshipUniquenessViolation",
                                    format!(
                                        "relationship variable `{}` appears twice in one pattern",
                                        name.name
                                    ),
                                    name.span,
                                ));
                            }
                            if usage == PatternUse::Match && variable_length {
                                return Err(syntax(
                                    "VariableAlreadyBound",
                                    format!("variable `{}` is already bound", name.name),
                                    name.span,
                                ));
                            }
                            (slot, true)
                        }
                        Some((_, found)) => {
                            return Err(syntax(
                                "VariableTypeConflict",
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
                    if scope.get(&name.name).is_some() {
                        let code = "VariableAlreadyBound";
                        return Err(syntax(
                            code,
                            format!("variable `{}` is already defined", name.name),
                            name.span,
                        ));
                    }
                    let slot = self.new_slot(&name.name);
                    scope.bind(&name.name, slot, VarKind::Path);
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
    fn start_cost(&self, node: &ChainNode<'_>, pending: &[Pending<'_>]) -> usize {
        if node.bound {
            return 0;
        }
        if self.name_equality(node, pending).is_some() {
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

    /// A constant `name` the node must have: from `{name: …}` or a `WHERE x.name = …`.
    fn name_equality<'e>(
        &self,
        node: &ChainNode<'e>,
        pending: &[Pending<'e>],
    ) -> Option<(&'e ast::Expr, Option<usize>)> {
        if let Some(ast::Expr { kind: ast::ExprKind::Map(entries), .. }) = &node.pattern.properties
        {
            if let Some((_, value)) =
                entries.iter().find(|(key, value)| key.name == "name" && is_constant(value))
            {
                return Some((value, None));
            }
        }
        let variable = node.pattern.variable.as_ref()?;
        for (position, conjunct) in pending.iter().enumerate() {
            if let ast::ExprKind::Binary(ast::BinaryOp::Eq, left, right) = &conjunct.expr.kind {
                for (property, value) in [(left, right), (right, left)] {
                    if let ast::ExprKind::Property(subject, key) = &property.kind {
                        if key.name == "name"
                            && matches!(&subject.kind, ast::ExprKind::Variable(name) if *name == variable.name)
                            && is_constant(value)
                        {
                            return Some((value, Some(position)));
                        }
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
            .min_by_key(|&index| (self.start_cost(&nodes[index], pending), index))
            .unwrap_or(0);
        let start_node = &nodes[start];
        if !start_node.bound {
            op = match self.name_equality(start_node, pending) {
                Some((value, from_where)) => {
                    let value = self.plan_expr(value, scope, Context::Plain)?;
                    if let Some(position) = from_where {
                        pending.remove(position);
                    }
                    Op::NodeIndexSeek {
                        input: Box::new(op),
                        slot: start_node.slot,
                        key: "name".into(),
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
                                ast::BinaryOp::Eq,
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
                                "InvalidParameterUse",
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
        let already_sought = matches!(&op, Op::NodeIndexSeek { slot, .. } if *slot == node.slot);
        let subject = Expr { kind: ExprKind::Slot(node.slot), span };
        // A scan by one label already guarantees it; the check is cheap, so keep it simple
        // and check every label unless the node came from a label scan of that label.
        let scanned_label = match &op {
            Op::NodeScan { slot, label: Some(label), .. } if *slot == node.slot => {
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
                        kind: ExprKind::Binary(
                            ast::BinaryOp::Eq,
                            Box::new(property),
                            Box::new(value),
                        ),
                        span,
                    };
                    predicate = Some(match predicate {
                        None => equal,
                        Some(before) => Expr {
                            kind: ExprKind::Binary(
                                ast::BinaryOp::And,
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
                "UnexpectedSyntax",
                "shortestPath needs exactly one relationship pattern",
                part.span,
            ));
        }
        let rel = &rels[0];
        let range = rel.pattern.length.unwrap_or(ast::LengthRange { min: Some(1), max: Some(1) });
        if range.min.is_some_and(|min| min > 1) {
            return Err(syntax(
                "UnexpectedSyntax",
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

    // -----------------------------------------------------------------------------------
    // CREATE

    fn plan_create(
        &mut self,
        create: &ast::Create,
        scope: &mut Scope,
    ) -> Result<CreateSpec, PlanError> {
        let mut spec =
            CreateSpec { nodes: Vec::new(), relationships: Vec::new(), paths: Vec::new() };
        for part in &create.pattern {
            if part.selector != ast::PathSelector::All {
                return Err(syntax(
                    "UnexpectedSyntax",
                    "CREATE cannot use shortestPath",
                    part.span,
                ));
            }
            let mut steps = Vec::new();
            let start = self.create_node(&part.element.start, scope, &mut spec)?;
            steps.push(PathStep::Node(start));
            let mut previous = start;
            for (rel, node) in &part.element.chain {
                let next = self.create_node(node, scope, &mut spec)?;
                if rel.length.is_some() {
                    return Err(syntax(
                        "CreatingVarLength",
                        "CREATE cannot make a variable-length relationship",
                        rel.span,
                    ));
                }
                let rel_type = match rel.types.as_slice() {
                    [single] => single.name.clone(),
                    _ => {
                        return Err(syntax(
                            "NoSingleRelationshipType",
                            "CREATE needs exactly one relationship type",
                            rel.span,
                        ));
                    }
                };
                let (from, to) = match rel.direction {
                    ast::RelDirection::Outgoing => (previous, next),
                    ast::RelDirection::Incoming => (next, previous),
                    ast::RelDirection::Either => {
                        return Err(syntax(
                            "RequiresDirectedRelationship",
                            "CREATE needs a direction on each relationship",
                            rel.span,
                        ));
                    }
                };
                let slot = match &rel.variable {
                    Some(name) => {
                        if scope.get(&name.name).is_some() {
                            return Err(syntax(
                                "VariableAlreadyBound",
                                format!("variable `{}` is already defined", name.name),
                                name.span,
                            ));
                        }
                        let slot = self.new_slot(&name.name);
                        scope.bind(&name.name, slot, VarKind::Relationship);
                        slot
                    }
                    None => self.anonymous_slot("anon_"),
                };
                let properties = self.create_properties(rel.properties.as_ref(), scope)?;
                spec.relationships.push(CreateRelationship {
                    slot,
                    from,
                    to,
                    rel_type,
                    properties,
                });
                steps.push(PathStep::Relationship(slot));
                steps.push(PathStep::Node(next));
                previous = next;
            }
            if let Some(name) = &part.variable {
                if scope.get(&name.name).is_some() {
                    return Err(syntax(
                        "VariableAlreadyBound",
                        format!("variable `{}` is already defined", name.name),
                        name.span,
                    ));
                }
                let slot = self.new_slot(&name.name);
                scope.bind(&name.name, slot, VarKind::Path);
                spec.paths.push((slot, steps));
            }
        }
        Ok(spec)
    }

    fn create_node(
        &mut self,
        node: &ast::NodePattern,
        scope: &mut Scope,
        spec: &mut CreateSpec,
    ) -> Result<Slot, PlanError> {
        if let Some(name) = &node.variable {
            if let Some((slot, kind)) = scope.get(&name.name) {
                if kind != VarKind::Node && kind != VarKind::Value {
                    return Err(syntax(
                        "VariableTypeConflict",
                        format!("variable `{}` is {}, not a node", name.name, kind.describe()),
                        name.span,
                    ));
                }
                if !node.labels.is_empty() || node.properties.is_some() {
                    return Err(syntax(
                        "VariableAlreadyBound",
                        format!(
                            "variable `{}` is already defined; CREATE cannot add labels or properties to it",
                            name.name
                        ),
                        name.span,
                    ));
                }
                return Ok(slot);
            }
        }
        let slot = match &node.variable {
            Some(name) => {
                let slot = self.new_slot(&name.name);
                scope.bind(&name.name, slot, VarKind::Node);
                slot
            }
            None => self.anonymous_slot("anon_"),
        };
        let properties = self.create_properties(node.properties.as_ref(), scope)?;
        spec.nodes.push(CreateNode {
            slot,
            labels: node.labels.iter().map(|label| label.name.clone()).collect(),
            properties,
        });
        Ok(slot)
    }

    fn create_properties(
        &mut self,
        properties: Option<&ast::Expr>,
        scope: &Scope,
    ) -> Result<Vec<(String, Expr)>, PlanError> {
        match properties {
            None => Ok(Vec::new()),
            Some(ast::Expr { kind: ast::ExprKind::Map(entries), .. }) => entries
                .iter()
                .map(|(key, value)| {
                    Ok((key.name.clone(), self.plan_expr(value, scope, Context::Plain)?))
                })
                .collect(),
            Some(other) => {
                // A parameter map: spread at run time under the empty key.
                Ok(vec![(String::new(), self.plan_expr(other, scope, Context::Plain)?)])
            }
        }
    }
}

/// While planning an aggregating projection: the grouping keys (by printed expression)
/// and the aggregate calls found so far.
struct Aggregating<'s> {
    keys: Vec<(String, Slot)>,
    /// Printed grouping keys that are more than a variable or a property of one: openCypher
    /// lets an aggregating expression reuse a key only when the key is that simple.
    complex_keys: Vec<String>,
    aggregates: Vec<(Slot, Aggregation)>,
    /// The scope aggregate arguments are evaluated in (before the projection).
    input_scope: &'s Scope,
    /// ORDER BY after aggregation may not introduce new aggregates.
    allow_new: bool,
}

impl<'a> Planner<'a> {
    fn plan_projection(
        &mut self,
        input: Op,
        projection: &ast::Projection,
        scope: &Scope,
        kind: ProjectionKind,
    ) -> Result<(Op, Scope, Columns), PlanError> {
        // 1. The items and their names.
        let mut items: Vec<(String, ast::Expr, Span)> = Vec::new();
        if projection.star {
            let names = scope.names();
            if names.is_empty() {
                let code = "NoVariablesInScope";
                let what = if kind == ProjectionKind::Return { "RETURN *" } else { "WITH *" };
                return Err(syntax(
                    code,
                    format!("{what} needs variables in scope"),
                    projection.span,
                ));
            }
            for name in names {
                let expr = ast::Expr {
                    kind: ast::ExprKind::Variable(name.clone()),
                    span: projection.span,
                };
                items.push((name, expr, projection.span));
            }
        }
        for item in &projection.items {
            if kind == ProjectionKind::With
                && item.alias.is_none()
                && !matches!(item.expr.kind, ast::ExprKind::Variable(_))
            {
                return Err(syntax(
                    "NoExpressionAlias",
                    "expressions in WITH must be aliased (use AS)",
                    item.expr.span,
                ));
            }
            items.push((item.column_name(self.source), item.expr.clone(), item.span));
        }
        for (position, (name, _, span)) in items.iter().enumerate() {
            if items[..position].iter().any(|(earlier, _, _)| earlier == name) {
                return Err(syntax(
                    "ColumnNameConflict",
                    format!("column `{name}` is defined twice"),
                    *span,
                ));
            }
        }

        let aggregating = items.iter().any(|(_, expr, _)| contains_aggregate(expr));
        let mut op = input;
        let mut new_scope = Scope::default();
        let mut columns = Vec::new();
        if aggregating {
            let mut keys: Vec<(Slot, Expr)> = Vec::new();
            let mut key_names: Vec<(String, Slot)> = Vec::new();
            for (name, expr, _) in &items {
                if !contains_aggregate(expr) {
                    let planned = self.plan_expr(expr, scope, Context::Projection)?;
                    let slot = self.new_slot(name);
                    keys.push((slot, planned));
                    key_names.push((expr.to_string(), slot));
                    new_scope.bind(name, slot, self.kind_of(expr, scope));
                    columns.push((name.clone(), slot));
                }
            }
            let complex_keys: Vec<String> = items
                .iter()
                .filter(|(_, expr, _)| !contains_aggregate(expr) && !is_simple_key(expr))
                .map(|(_, expr, _)| expr.to_string())
                .collect();
            let mut context = Aggregating {
                keys: key_names,
                complex_keys: complex_keys.clone(),
                aggregates: Vec::new(),
                input_scope: scope,
                allow_new: true,
            };
            let mut after: Vec<(Slot, Expr)> = Vec::new();
            let mut item_slots: Vec<(String, Slot)> = Vec::new();
            for (name, expr, _) in &items {
                if contains_aggregate(expr) {
                    let planned = self.plan_aggregating_expr(expr, &mut context)?;
                    let slot = match planned.kind {
                        ExprKind::Slot(slot)
                            if !item_slots.iter().any(|(_, used)| *used == slot)
                                && !columns.iter().any(|(_, used)| *used == slot) =>
                        {
                            self.slot_names[slot] = name.clone();
                            slot
                        }
                        _ => {
                            let slot = self.new_slot(name);
                            after.push((slot, planned));
                            slot
                        }
                    };
                    new_scope.bind(name, slot, VarKind::Value);
                    item_slots.push((name.clone(), slot));
                    columns.push((name.clone(), slot));
                }
            }
            // Columns in the order written.
            columns = items
                .iter()
                .map(|(name, _, _)| {
                    (
                        name.clone(),
                        columns
                            .iter()
                            .find(|(column, _)| column == name)
                            .expect("every item has a slot")
                            .1,
                    )
                })
                .collect();
            let aggregates = std::mem::take(&mut context.aggregates);
            op = match (keys.is_empty(), aggregates.as_slice()) {
                (
                    true,
                    [(slot, Aggregation { function: AggregateFunction::Count, arg: None, .. })],
                ) => Op::CountRows { input: Box::new(op), slot: *slot },
                _ => Op::Aggregate { input: Box::new(op), keys, aggregates },
            };
            if !after.is_empty() {
                op = Op::Project { input: Box::new(op), items: after };
            }
            // ORDER BY sees the projected names and the item expressions themselves.
            let mut order_context = Aggregating {
                keys: items
                    .iter()
                    .zip(&columns)
                    .map(|((_, expr, _), (_, slot))| (expr.to_string(), *slot))
                    .collect(),
                complex_keys,
                aggregates: Vec::new(),
                input_scope: scope,
                allow_new: false,
            };
            for (name, slot) in &columns {
                order_context.keys.push((name.clone(), *slot));
            }
            let sort_keys = projection
                .order_by
                .iter()
                .map(|item| {
                    let expr = if contains_aggregate(&item.expr)
                        || self.mentions_old_variables(&item.expr, &new_scope)
                    {
                        self.plan_aggregating_expr(&item.expr, &mut order_context)?
                    } else {
                        self.plan_expr(&item.expr, &new_scope, Context::Plain)?
                    };
                    Ok(SortKey {
                        expr,
                        descending: item.direction == ast::SortDirection::Descending,
                    })
                })
                .collect::<Result<Vec<_>, PlanError>>()?;
            if projection.distinct {
                op = Op::Distinct {
                    input: Box::new(op),
                    slots: columns.iter().map(|(_, slot)| *slot).collect(),
                };
            }
            op = self.plan_order_skip_limit(op, sort_keys, projection)?;
        } else {
            let mut copies: Vec<(Slot, Expr)> = Vec::new();
            for (name, expr, _) in &items {
                let planned = self.plan_expr(expr, scope, Context::Plain)?;
                let slot = match (&planned.kind, &expr.kind) {
                    // A bare variable keeps its slot: nothing to copy.
                    (ExprKind::Slot(slot), ast::ExprKind::Variable(_)) => *slot,
                    _ => {
                        let slot = self.new_slot(name);
                        copies.push((slot, planned));
                        slot
                    }
                };
                new_scope.bind(name, slot, self.kind_of(expr, scope));
                columns.push((name.clone(), slot));
            }
            if !copies.is_empty() {
                op = Op::Project { input: Box::new(op), items: copies };
            }
            // ORDER BY may use the new names and, without DISTINCT, the old variables.
            let mut sort_scope = if projection.distinct { Scope::default() } else { scope.clone() };
            for (name, slot, var_kind) in &new_scope.vars {
                sort_scope.bind(name, *slot, *var_kind);
            }
            let mut sort_keys = Vec::new();
            for item in &projection.order_by {
                if contains_aggregate(&item.expr) {
                    return Err(syntax(
                        "InvalidAggregation",
                        "ORDER BY cannot aggregate when the projection does not",
                        item.expr.span,
                    ));
                }
                // An ORDER BY expression written like an item sorts by that item.
                let printed = item.expr.to_string();
                let expr = match items
                    .iter()
                    .zip(&columns)
                    .find(|((_, expr, _), _)| expr.to_string() == printed)
                {
                    Some((_, (_, slot))) => {
                        Expr { kind: ExprKind::Slot(*slot), span: item.expr.span }
                    }
                    None => match self.plan_expr(&item.expr, &sort_scope, Context::Plain) {
                        Ok(expr) => expr,
                        Err(error) if projection.distinct && error.code == "UndefinedVariable" => {
                            return Err(syntax(
                                "UndefinedVariable",
                                format!(
                                    "{} (after DISTINCT only projected columns can be sorted on)",
                                    error.message
                                ),
                                error.span,
                            ));
                        }
                        Err(error) => return Err(error),
                    },
                };
                sort_keys.push(SortKey {
                    expr,
                    descending: item.direction == ast::SortDirection::Descending,
                });
            }
            if projection.distinct {
                op = Op::Distinct {
                    input: Box::new(op),
                    slots: columns.iter().map(|(_, slot)| *slot).collect(),
                };
            }
            op = self.plan_order_skip_limit(op, sort_keys, projection)?;
        }
        if let Some(predicate) = &projection.where_clause {
            if contains_aggregate(predicate) {
                return Err(syntax("InvalidAggregation", "WHERE cannot aggregate", predicate.span));
            }
            // Without aggregation or DISTINCT, WITH's WHERE also sees what came before.
            let mut where_scope =
                if aggregating || projection.distinct { Scope::default() } else { scope.clone() };
            for (name, slot, var_kind) in &new_scope.vars {
                where_scope.bind(name, *slot, *var_kind);
            }
            let predicate = self.plan_expr(predicate, &where_scope, Context::Plain)?;
            op = Op::Filter { input: Box::new(op), predicate };
        }
        Ok((op, new_scope, columns))
    }

    /// True when `expr` names a variable that is not among the projected names.
    fn mentions_old_variables(&self, expr: &ast::Expr, new_scope: &Scope) -> bool {
        let mut names = BTreeSet::new();
        free_variables(expr, &mut Vec::new(), &mut names);
        names.iter().any(|name| new_scope.get(name).is_none())
    }

    fn plan_order_skip_limit(
        &mut self,
        mut op: Op,
        sort_keys: Vec<SortKey>,
        projection: &ast::Projection,
    ) -> Result<Op, PlanError> {
        let skip =
            projection.skip.as_ref().map(|expr| self.plan_count(expr, "SKIP")).transpose()?;
        let limit =
            projection.limit.as_ref().map(|expr| self.plan_count(expr, "LIMIT")).transpose()?;
        if !sort_keys.is_empty() {
            op = match &limit {
                // Keep only the best skip+limit rows while sorting.
                Some(limit) => {
                    let span = limit.span;
                    let kept = match &skip {
                        Some(skip) => Expr {
                            kind: ExprKind::Binary(
                                ast::BinaryOp::Add,
                                Box::new(skip.clone()),
                                Box::new(limit.clone()),
                            ),
                            span,
                        },
                        None => limit.clone(),
                    };
                    Op::Top { input: Box::new(op), keys: sort_keys, limit: kept }
                }
                None => Op::Sort { input: Box::new(op), keys: sort_keys },
            };
        }
        if let Some(skip) = skip {
            op = Op::Skip { input: Box::new(op), count: skip };
        }
        if let Some(limit) = limit {
            op = Op::Limit { input: Box::new(op), count: limit };
        }
        Ok(op)
    }

    /// `SKIP` / `LIMIT` counts: constant, and non-negative integers when literal.
    fn plan_count(&mut self, expr: &ast::Expr, clause: &str) -> Result<Expr, PlanError> {
        let mut names = BTreeSet::new();
        free_variables(expr, &mut Vec::new(), &mut names);
        if !names.is_empty() {
            return Err(syntax(
                "NonConstantExpression",
                format!("{clause} must be a constant, not depend on variables"),
                expr.span,
            ));
        }
        match &expr.kind {
            ast::ExprKind::Literal(ast::Literal::Integer(number)) if *number < 0 => {
                return Err(syntax(
                    "NegativeIntegerArgument",
                    format!("{clause} must not be negative, found {number}"),
                    expr.span,
                ));
            }
            ast::ExprKind::Literal(ast::Literal::Float(number)) => {
                return Err(syntax(
                    "InvalidArgumentType",
                    format!("{clause} takes an integer, found the float {number}"),
                    expr.span,
                ));
            }
            _ => {}
        }
        self.plan_expr(expr, &Scope::default(), Context::Plain)
    }

    fn kind_of(&self, expr: &ast::Expr, scope: &Scope) -> VarKind {
        match &expr.kind {
            ast::ExprKind::Variable(name) => {
                scope.get(name).map_or(VarKind::Value, |(_, kind)| kind)
            }
            _ => static_type(expr, scope).map_or(VarKind::Value, VarKind::Known),
        }
    }

    fn property_key(&self, name: &str) -> PropertyKey {
        PropertyKey { name: name.to_owned(), symbol: self.graph.key_symbol(name) }
    }

    /// Plans an expression inside an aggregating projection: grouping keys become their
    /// slots, aggregate calls become aggregations, other variables are errors.
    fn plan_aggregating_expr(
        &mut self,
        expr: &ast::Expr,
        context: &mut Aggregating<'_>,
    ) -> Result<Expr, PlanError> {
        self.plan_aggregating_part(expr, context, false)
    }

    fn plan_aggregating_part(
        &mut self,
        expr: &ast::Expr,
        context: &mut Aggregating<'_>,
        nested: bool,
    ) -> Result<Expr, PlanError> {
        let printed = expr.to_string();
        if let Some((_, slot)) = context.keys.iter().find(|(key, _)| *key == printed) {
            if nested && context.complex_keys.contains(&printed) {
                return Err(syntax(
                    "AmbiguousAggregationExpression",
                    format!(
                        "`{printed}` is a grouping key but not a variable or property; project it under an alias with WITH and use the alias"
                    ),
                    expr.span,
                ));
            }
            return Ok(Expr { kind: ExprKind::Slot(*slot), span: expr.span });
        }
        match &expr.kind {
            ast::ExprKind::CountStar | ast::ExprKind::FunctionCall(_)
                if is_aggregate_call(expr) =>
            {
                if !context.allow_new {
                    return Err(syntax(
                        "InvalidAggregation",
                        "ORDER BY can only use aggregates that are also projected",
                        expr.span,
                    ));
                }
                let aggregation = self.plan_aggregation(expr, context.input_scope)?;
                let slot = self.new_slot(&printed);
                context.aggregates.push((slot, aggregation));
                context.keys.push((printed, slot));
                Ok(Expr { kind: ExprKind::Slot(slot), span: expr.span })
            }
            ast::ExprKind::Variable(name) => Err(syntax(
                "AmbiguousAggregationExpression",
                format!(
                    "`{name}` is used next to an aggregate but is not a grouping key; project it on its own"
                ),
                expr.span,
            )),
            _ => {
                // First every child must resolve to a key, an aggregate or a constant
                // (this registers the aggregates); then the expression is planned with
                // each key's printed form bound to the key's slot.
                let mut failure = None;
                map_children(expr, &mut |child| {
                    if failure.is_none() {
                        failure = self.plan_aggregating_part(child, context, true).err();
                    }
                });
                if let Some(error) = failure {
                    return Err(error);
                }
                let mut scope = Scope::default();
                let mut substituted = expr.clone();
                substitute(&mut substituted, &context.keys, &mut scope);
                self.plan_expr(&substituted, &scope, Context::Plain)
            }
        }
    }

    fn plan_aggregation(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
    ) -> Result<Aggregation, PlanError> {
        match &expr.kind {
            ast::ExprKind::CountStar => Ok(Aggregation {
                function: AggregateFunction::Count,
                arg: None,
                extra: None,
                distinct: false,
            }),
            ast::ExprKind::FunctionCall(call) => {
                let function = AggregateFunction::from_name(&call.name.name)
                    .expect("checked by is_aggregate_call");
                let expected = if matches!(
                    function,
                    AggregateFunction::PercentileCont | AggregateFunction::PercentileDisc
                ) {
                    2
                } else {
                    1
                };
                if call.args.len() != expected {
                    return Err(syntax(
                        "InvalidNumberOfArguments",
                        format!(
                            "{}() takes {expected} argument(s), found {}",
                            function.name(),
                            call.args.len()
                        ),
                        expr.span,
                    ));
                }
                for arg in &call.args {
                    if contains_aggregate(arg) {
                        return Err(syntax(
                            "NestedAggregation",
                            "an aggregate cannot contain another aggregate",
                            arg.span,
                        ));
                    }
                }
                let arg = self.plan_expr(&call.args[0], scope, Context::Plain)?;
                let extra = call
                    .args
                    .get(1)
                    .map(|arg| self.plan_expr(arg, scope, Context::Plain))
                    .transpose()?;
                Ok(Aggregation { function, arg: Some(arg), extra, distinct: call.distinct })
            }
            _ => unreachable!("only aggregate calls reach plan_aggregation"),
        }
    }

    // -----------------------------------------------------------------------------------
    // Expressions

    fn plan_expr(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        context: Context,
    ) -> Result<Expr, PlanError> {
        crate::stack::grow(|| self.plan_expr_here(expr, scope, context))
    }

    fn plan_expr_here(
        &mut self,
        expr: &ast::Expr,
        scope: &Scope,
        context: Context,
    ) -> Result<Expr, PlanError> {
        let span = expr.span;
        let make = |kind: ExprKind| Ok(Expr { kind, span });
        match &expr.kind {
            ast::ExprKind::Literal(literal) => make(ExprKind::Constant(match literal {
                ast::Literal::Null => Value::Null,
                ast::Literal::Bool(flag) => Value::Bool(*flag),
                ast::Literal::Integer(number) => Value::Int(*number),
                ast::Literal::Float(number) => Value::Float(*number),
                ast::Literal::String(text) => Value::from(text.as_str()),
            })),
            ast::ExprKind::Parameter(name) => make(ExprKind::Parameter(name.clone())),
            ast::ExprKind::Variable(name) => match scope.get(name) {
                Some((slot, _)) => make(ExprKind::Slot(slot)),
                None => Err(syntax(
                    "UndefinedVariable",
                    format!("variable `{name}` is not defined"),
                    span,
                )),
            },
            ast::ExprKind::Property(subject, key) => {
                if let Some(type_name) = static_type(subject, scope) {
                    if !matches!(type_name, "Node" | "Relationship" | "Map" | "Null") {
                        // A path or list of relationships in a pattern variable is a
                        // misuse of the pattern (syntax); a literal of the wrong type is a
                        // type error.
                        let kind = if matches!(
                            scope_kind(subject, scope),
                            Some(VarKind::Path | VarKind::RelationshipList)
                        ) {
                            ErrorKind::SyntaxError
                        } else {
                            ErrorKind::TypeError
                        };
                        return Err(error(
                            kind,
                            "InvalidArgumentType",
                            format!("cannot read property `{}` of {type_name}", key.name),
                            subject.span,
                        ));
                    }
                }
                let subject = self.plan_expr(subject, scope, context)?;
                make(ExprKind::Property(Box::new(subject), self.property_key(&key.name)))
            }
            ast::ExprKind::List(items) => {
                let items = items
                    .iter()
                    .map(|item| self.plan_expr(item, scope, context))
                    .collect::<Result<_, _>>()?;
                make(ExprKind::List(items))
            }
            ast::ExprKind::Map(entries) => {
                let entries = entries
                    .iter()
                    .map(|(key, value)| {
                        Ok((key.name.clone(), self.plan_expr(value, scope, context)?))
                    })
                    .collect::<Result<_, PlanError>>()?;
                make(ExprKind::Map(entries))
            }
            ast::ExprKind::Unary(op, operand) => {
                check_unary_static(*op, operand, scope)?;
                let operand = self.plan_expr(operand, scope, context)?;
                check_operand_type(*op, &operand)?;
                make(ExprKind::Unary(*op, Box::new(operand)))
            }
            ast::ExprKind::Binary(op, left, right) => {
                check_binary_static(*op, left, right, scope)?;
                let left = self.plan_expr(left, scope, context)?;
                let right = self.plan_expr(right, scope, context)?;
                check_binary_types(*op, &left, &right, span)?;
                make(ExprKind::Binary(*op, Box::new(left), Box::new(right)))
            }
            ast::ExprKind::Comparison(first, rest) => {
                let first = self.plan_expr(first, scope, context)?;
                let rest = rest
                    .iter()
                    .map(|(op, operand)| Ok((*op, self.plan_expr(operand, scope, context)?)))
                    .collect::<Result<_, PlanError>>()?;
                make(ExprKind::Comparison(Box::new(first), rest))
            }
            ast::ExprKind::IsNull(operand, negation) => {
                let operand = self.plan_expr(operand, scope, context)?;
                make(ExprKind::IsNull(Box::new(operand), *negation == ast::Negation::IsNot))
            }
            ast::ExprKind::HasLabels(subject, labels) => {
                let subject = self.plan_expr(subject, scope, context)?;
                make(ExprKind::HasLabels(
                    Box::new(subject),
                    labels.iter().map(|label| label.name.clone()).collect(),
                ))
            }
            ast::ExprKind::Index(subject, index) => {
                let subject = self.plan_expr(subject, scope, context)?;
                let index = self.plan_expr(index, scope, context)?;
                if let (ExprKind::Constant(Value::List(_)), ExprKind::Constant(index_value)) =
                    (&subject.kind, &index.kind)
                {
                    if !matches!(index_value, Value::Int(_) | Value::Null) {
                        return Err(error(
                            ErrorKind::SyntaxError,
                            "InvalidArgumentType",
                            format!(
                                "a list index must be an integer, found {}",
                                index_value.type_name()
                            ),
                            index.span,
                        ));
                    }
                }
                if let (
                    ExprKind::Constant(Value::Map(_)) | ExprKind::Map(_),
                    ExprKind::Constant(index_value),
                ) = (&subject.kind, &index.kind)
                {
                    if !matches!(index_value, Value::String(_) | Value::Null) {
                        return Err(error(
                            ErrorKind::SyntaxError,
                            "InvalidArgumentType",
                            format!(
                                "a map key must be a string, found {}",
                                index_value.type_name()
                            ),
                            index.span,
                        ));
                    }
                }
                make(ExprKind::Index(Box::new(subject), Box::new(index)))
            }
            ast::ExprKind::Slice(subject, from, to) => {
                let subject = self.plan_expr(subject, scope, context)?;
                let from = from
                    .as_ref()
                    .map(|from| self.plan_expr(from, scope, context).map(Box::new))
                    .transpose()?;
                let to = to
                    .as_ref()
                    .map(|to| self.plan_expr(to, scope, context).map(Box::new))
                    .transpose()?;
                make(ExprKind::Slice(Box::new(subject), from, to))
            }
            ast::ExprKind::CountStar => Err(syntax(
                "InvalidAggregation",
                "count(*) is only allowed in RETURN and WITH",
                span,
            )),
            ast::ExprKind::FunctionCall(call) => {
                if AggregateFunction::from_name(&call.name.name).is_some() {
                    return Err(syntax(
                        "InvalidAggregation",
                        format!("{}() is only allowed in RETURN and WITH", call.name.name),
                        span,
                    ));
                }
                let Some((function, arity)) = Function::from_name(&call.name.name) else {
                    return Err(syntax(
                        "UnknownFunction",
                        format!("unknown function `{}`", call.name.name),
                        call.name.span,
                    ));
                };
                if !arity.contains(&call.args.len()) {
                    let expected = if arity.start() == arity.end() {
                        arity.start().to_string()
                    } else if *arity.end() == usize::MAX {
                        format!("at least {}", arity.start())
                    } else {
                        format!("{} to {}", arity.start(), arity.end())
                    };
                    return Err(syntax(
                        "InvalidNumberOfArguments",
                        format!(
                            "{}() takes {expected} argument(s), found {}",
                            call.name.name,
                            call.args.len()
                        ),
                        span,
                    ));
                }
                if call.distinct {
                    return Err(syntax(
                        "InvalidArgumentType",
                        format!(
                            "DISTINCT only applies to aggregate functions, not {}()",
                            call.name.name
                        ),
                        span,
                    ));
                }
                // `exists((a)-->(b))` asks whether the pattern has a match.
                if function == Function::Exists {
                    if let [arg] = call.args.as_slice() {
                        if matches!(arg.kind, ast::ExprKind::PatternPredicate(_)) {
                            return self.plan_expr(arg, scope, context);
                        }
                    }
                }
                if let (Some(arg), Some(accepts)) = (call.args.first(), accepted_types(function)) {
                    if let Some(type_name) = static_type(arg, scope) {
                        if !accepts.contains(&type_name) {
                            return Err(syntax(
                                "InvalidArgumentType",
                                format!("{}() cannot take {type_name}", call.name.name),
                                arg.span,
                            ));
                        }
                    }
                }
                let args: Vec<Expr> = call
                    .args
                    .iter()
                    .map(|arg| self.plan_expr(arg, scope, context))
                    .collect::<Result<_, _>>()?;
                check_function_types(function, &args)?;
                make(ExprKind::Function(function, args))
            }
            ast::ExprKind::Case(case) => {
                let operand = case
                    .operand
                    .as_ref()
                    .map(|operand| self.plan_expr(operand, scope, context).map(Box::new))
                    .transpose()?;
                let branches = case
                    .branches
                    .iter()
                    .map(|(condition, result)| {
                        Ok((
                            self.plan_expr(condition, scope, context)?,
                            self.plan_expr(result, scope, context)?,
                        ))
                    })
                    .collect::<Result<_, PlanError>>()?;
                let otherwise = case
                    .otherwise
                    .as_ref()
                    .map(|otherwise| self.plan_expr(otherwise, scope, context).map(Box::new))
                    .transpose()?;
                make(ExprKind::Case { operand, branches, otherwise })
            }
            ast::ExprKind::ListComprehension(comprehension) => {
                let list = self.plan_expr(&comprehension.list, scope, context)?;
                let mut inner = scope.clone();
                let slot = self.new_slot(&comprehension.variable.name);
                inner.bind(
                    &comprehension.variable.name,
                    slot,
                    element_kind(&comprehension.list, scope),
                );
                let filter = comprehension
                    .filter
                    .as_ref()
                    .map(|filter| self.plan_expr(filter, &inner, Context::Plain).map(Box::new))
                    .transpose()?;
                let map = comprehension
                    .map
                    .as_ref()
                    .map(|map| self.plan_expr(map, &inner, context).map(Box::new))
                    .transpose()?;
                make(ExprKind::ListComprehension { slot, list: Box::new(list), filter, map })
            }
            ast::ExprKind::Quantifier(quantifier, comprehension) => {
                let list = self.plan_expr(&comprehension.list, scope, context)?;
                let mut inner = scope.clone();
                let slot = self.new_slot(&comprehension.variable.name);
                inner.bind(
                    &comprehension.variable.name,
                    slot,
                    element_kind(&comprehension.list, scope),
                );
                let predicate = comprehension
                    .filter
                    .as_ref()
                    .map(|filter| self.plan_expr(filter, &inner, Context::Plain).map(Box::new))
                    .transpose()?;
                make(ExprKind::Quantifier {
                    kind: *quantifier,
                    slot,
                    list: Box::new(list),
                    predicate,
                })
            }
            ast::ExprKind::Reduce(reduce) => {
                let init = self.plan_expr(&reduce.init, scope, context)?;
                let list = self.plan_expr(&reduce.list, scope, context)?;
                let mut inner = scope.clone();
                let accumulator = self.new_slot(&reduce.accumulator.name);
                let slot = self.new_slot(&reduce.variable.name);
                inner.bind(&reduce.accumulator.name, accumulator, VarKind::Value);
                inner.bind(&reduce.variable.name, slot, VarKind::Value);
                let body = self.plan_expr(&reduce.expr, &inner, Context::Plain)?;
                make(ExprKind::Reduce {
                    accumulator,
                    init: Box::new(init),
                    slot,
                    list: Box::new(list),
                    expr: Box::new(body),
                })
            }
            ast::ExprKind::PatternPredicate(element) => {
                // Pattern predicates may not introduce variables.
                let mut names = Vec::new();
                element_variables(element, &mut names);
                if let Some(name) = names.iter().find(|name| scope.get(&name.name).is_none()) {
                    return Err(syntax(
                        "UndefinedVariable",
                        format!(
                            "variable `{}` is not defined (patterns in expressions cannot introduce variables)",
                            name.name
                        ),
                        name.span,
                    ));
                }
                let part = ast::PatternPart {
                    variable: None,
                    selector: ast::PathSelector::All,
                    element: (**element).clone(),
                    span,
                };
                let mut inner = scope.clone();
                let sub = self.plan_pattern(
                    Op::Argument,
                    std::slice::from_ref(&part),
                    None,
                    &mut inner,
                    PatternUse::Predicate,
                )?;
                make(ExprKind::Exists(Box::new(sub)))
            }
            ast::ExprKind::PatternComprehension(comprehension) => {
                let part = ast::PatternPart {
                    variable: comprehension.variable.clone(),
                    selector: ast::PathSelector::All,
                    element: comprehension.element.clone(),
                    span,
                };
                let mut inner = scope.clone();
                let sub = self.plan_pattern(
                    Op::Argument,
                    std::slice::from_ref(&part),
                    comprehension.filter.as_ref(),
                    &mut inner,
                    PatternUse::Predicate,
                )?;
                let map = self.plan_expr(&comprehension.map, &inner, Context::Plain)?;
                make(ExprKind::CollectSubquery(Box::new(sub), Box::new(map)))
            }
            ast::ExprKind::Exists(subquery) => {
                let mut inner = scope.clone();
                let sub = self.plan_pattern(
                    Op::Argument,
                    &subquery.pattern,
                    subquery.where_clause.as_ref(),
                    &mut inner,
                    PatternUse::Predicate,
                )?;
                make(ExprKind::Exists(Box::new(sub)))
            }
            ast::ExprKind::MapProjection(subject, items) => {
                let subject = self.plan_expr(subject, scope, context)?;
                let mut planned = Vec::new();
                for item in items {
                    planned.push(match item {
                        ast::MapProjectionItem::Property(key) => {
                            MapProjectionItem::Property(self.property_key(&key.name))
                        }
                        ast::MapProjectionItem::AllProperties => MapProjectionItem::AllProperties,
                        ast::MapProjectionItem::Literal(key, value) => MapProjectionItem::Entry(
                            key.name.clone(),
                            self.plan_expr(value, scope, context)?,
                        ),
                        ast::MapProjectionItem::Variable(name) => {
                            let value = ast::Expr {
                                kind: ast::ExprKind::Variable(name.name.clone()),
                                span: name.span,
                            };
                            MapProjectionItem::Entry(
                                name.name.clone(),
                                self.plan_expr(&value, scope, context)?,
                            )
                        }
                    });
                }
                make(ExprKind::MapProjection(Box::new(subject), planned))
            }
        }
    }
}

/// Replaces sub-expressions whose printed form is a known key with a variable bound to
/// the key's slot in `scope`.
fn substitute(expr: &mut ast::Expr, keys: &[(String, Slot)], scope: &mut Scope) {
    let printed = expr.to_string();
    if let Some((_, slot)) = keys.iter().find(|(key, _)| *key == printed) {
        let name = format!(" key{slot}");
        scope.bind(&name, *slot, VarKind::Value);
        expr.kind = ast::ExprKind::Variable(name);
        return;
    }
    for_each_child_mut(expr, &mut |child| substitute(child, keys, scope));
}

/// Visits the direct sub-expressions (not those under new variable scopes' bodies).
fn map_children(expr: &ast::Expr, visit: &mut dyn FnMut(&ast::Expr)) {
    match &expr.kind {
        ast::ExprKind::Literal(_)
        | ast::ExprKind::Parameter(_)
        | ast::ExprKind::Variable(_)
        | ast::ExprKind::CountStar => {}
        ast::ExprKind::Property(subject, _) | ast::ExprKind::HasLabels(subject, _) => {
            visit(subject)
        }
        ast::ExprKind::List(items) => items.iter().for_each(&mut *visit),
        ast::ExprKind::Map(entries) => entries.iter().for_each(|(_, value)| visit(value)),
        ast::ExprKind::Unary(_, operand) | ast::ExprKind::IsNull(operand, _) => visit(operand),
        ast::ExprKind::Binary(_, left, right) | ast::ExprKind::Index(left, right) => {
            visit(left);
            visit(right);
        }
        ast::ExprKind::Comparison(first, rest) => {
            visit(first);
            rest.iter().for_each(|(_, operand)| visit(operand));
        }
        ast::ExprKind::Slice(subject, from, to) => {
            visit(subject);
            if let Some(from) = from {
                visit(from);
            }
            if let Some(to) = to {
                visit(to);
            }
        }
        ast::ExprKind::FunctionCall(call) => call.args.iter().for_each(&mut *visit),
        ast::ExprKind::Case(case) => {
            if let Some(operand) = &case.operand {
                visit(operand);
            }
            for (condition, result) in &case.branches {
                visit(condition);
                visit(result);
            }
            if let Some(otherwise) = &case.otherwise {
                visit(otherwise);
            }
        }
        ast::ExprKind::ListComprehension(comprehension)
        | ast::ExprKind::Quantifier(_, comprehension) => visit(&comprehension.list),
        ast::ExprKind::Reduce(reduce) => {
            visit(&reduce.init);
            visit(&reduce.list);
        }
        ast::ExprKind::PatternPredicate(_)
        | ast::ExprKind::Exists(_)
        | ast::ExprKind::PatternComprehension(_) => {}
        ast::ExprKind::MapProjection(subject, items) => {
            visit(subject);
            for item in items {
                if let ast::MapProjectionItem::Literal(_, value) = item {
                    visit(value);
                }
            }
        }
    }
}

fn for_each_child_mut(expr: &mut ast::Expr, visit: &mut dyn FnMut(&mut ast::Expr)) {
    match &mut expr.kind {
        ast::ExprKind::Literal(_)
        | ast::ExprKind::Parameter(_)
        | ast::ExprKind::Variable(_)
        | ast::ExprKind::CountStar => {}
        ast::ExprKind::Property(subject, _) | ast::ExprKind::HasLabels(subject, _) => {
            visit(subject)
        }
        ast::ExprKind::List(items) => items.iter_mut().for_each(&mut *visit),
        ast::ExprKind::Map(entries) => entries.iter_mut().for_each(|(_, value)| visit(value)),
        ast::ExprKind::Unary(_, operand) | ast::ExprKind::IsNull(operand, _) => visit(operand),
        ast::ExprKind::Binary(_, left, right) | ast::ExprKind::Index(left, right) => {
            visit(left);
            visit(right);
        }
        ast::ExprKind::Comparison(first, rest) => {
            visit(first);
            rest.iter_mut().for_each(|(_, operand)| visit(operand));
        }
        ast::ExprKind::Slice(subject, from, to) => {
            visit(subject);
            if let Some(from) = from {
                visit(from);
            }
            if let Some(to) = to {
                visit(to);
            }
        }
        ast::ExprKind::FunctionCall(call) => call.args.iter_mut().for_each(&mut *visit),
        ast::ExprKind::Case(case) => {
            if let Some(operand) = &mut case.operand {
                visit(operand);
            }
            for (condition, result) in &mut case.branches {
                visit(condition);
                visit(result);
            }
            if let Some(otherwise) = &mut case.otherwise {
                visit(otherwise);
            }
        }
        ast::ExprKind::ListComprehension(comprehension)
        | ast::ExprKind::Quantifier(_, comprehension) => visit(&mut comprehension.list),
        ast::ExprKind::Reduce(reduce) => {
            visit(&mut reduce.init);
            visit(&mut reduce.list);
        }
        ast::ExprKind::PatternPredicate(_)
        | ast::ExprKind::Exists(_)
        | ast::ExprKind::PatternComprehension(_) => {}
        ast::ExprKind::MapProjection(subject, items) => {
            visit(subject);
            for item in items {
                if let ast::MapProjectionItem::Literal(_, value) = item {
                    visit(value);
                }
            }
        }
    }
}

fn is_aggregate_call(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::CountStar => true,
        ast::ExprKind::FunctionCall(call) => {
            AggregateFunction::from_name(&call.name.name).is_some()
        }
        _ => false,
    }
}

/// Does the expression aggregate (outside nested comprehension bodies too)?
pub(crate) fn contains_aggregate(expr: &ast::Expr) -> bool {
    if is_aggregate_call(expr) {
        return true;
    }
    let mut found = false;
    map_children(expr, &mut |child| found |= contains_aggregate(child));
    if let ast::ExprKind::ListComprehension(comprehension) = &expr.kind {
        found |= comprehension.filter.as_ref().is_some_and(contains_aggregate)
            || comprehension.map.as_ref().is_some_and(contains_aggregate);
    }
    found
}

fn split_conjuncts<'e>(expr: &'e ast::Expr, out: &mut Vec<&'e ast::Expr>) {
    match &expr.kind {
        ast::ExprKind::Binary(ast::BinaryOp::And, left, right) => {
            split_conjuncts(left, out);
            split_conjuncts(right, out);
        }
        _ => out.push(expr),
    }
}

fn is_constant(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::Literal(_) | ast::ExprKind::Parameter(_) => true,
        ast::ExprKind::List(items) => items.iter().all(is_constant),
        ast::ExprKind::Unary(ast::UnaryOp::Minus, operand) => is_constant(operand),
        _ => false,
    }
}

fn element_variables<'e>(element: &'e ast::PatternElement, out: &mut Vec<&'e ast::Ident>) {
    out.extend(element.start.variable.as_ref());
    for (rel, node) in &element.chain {
        out.extend(rel.variable.as_ref());
        out.extend(node.variable.as_ref());
    }
}

/// Names an expression reads that it does not bind itself.
pub(crate) fn free_variables(
    expr: &ast::Expr,
    locals: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    match &expr.kind {
        ast::ExprKind::Variable(name) => {
            if !locals.contains(name) {
                out.insert(name.clone());
            }
        }
        ast::ExprKind::ListComprehension(comprehension)
        | ast::ExprKind::Quantifier(_, comprehension) => {
            free_variables(&comprehension.list, locals, out);
            locals.push(comprehension.variable.name.clone());
            if let Some(filter) = &comprehension.filter {
                free_variables(filter, locals, out);
            }
            if let Some(map) = &comprehension.map {
                free_variables(map, locals, out);
            }
            locals.pop();
        }
        ast::ExprKind::Reduce(reduce) => {
            free_variables(&reduce.init, locals, out);
            free_variables(&reduce.list, locals, out);
            locals.push(reduce.accumulator.name.clone());
            locals.push(reduce.variable.name.clone());
            free_variables(&reduce.expr, locals, out);
            locals.pop();
            locals.pop();
        }
        ast::ExprKind::PatternPredicate(element) => {
            let mut names = Vec::new();
            element_variables(element, &mut names);
            out.extend(
                names
                    .into_iter()
                    .map(|name| name.name.clone())
                    .filter(|name| !locals.contains(name)),
            );
            pattern_property_variables(element, locals, out);
        }
        ast::ExprKind::PatternComprehension(comprehension) => {
            let mut names = Vec::new();
            element_variables(&comprehension.element, &mut names);
            let bound: Vec<String> = names.iter().map(|name| name.name.clone()).collect();
            out.extend(bound.iter().filter(|name| !locals.contains(name)).cloned());
            pattern_property_variables(&comprehension.element, locals, out);
            if let Some(filter) = &comprehension.filter {
                free_variables(filter, locals, out);
            }
            free_variables(&comprehension.map, locals, out);
        }
        ast::ExprKind::Exists(subquery) => {
            for part in &subquery.pattern {
                let mut names = Vec::new();
                element_variables(&part.element, &mut names);
                out.extend(
                    names
                        .into_iter()
                        .map(|name| name.name.clone())
                        .filter(|name| !locals.contains(name)),
                );
                pattern_property_variables(&part.element, locals, out);
            }
            if let Some(predicate) = &subquery.where_clause {
                free_variables(predicate, locals, out);
            }
        }
        ast::ExprKind::MapProjection(subject, items) => {
            free_variables(subject, locals, out);
            for item in items {
                match item {
                    ast::MapProjectionItem::Literal(_, value) => free_variables(value, locals, out),
                    ast::MapProjectionItem::Variable(name) if !locals.contains(&name.name) => {
                        out.insert(name.name.clone());
                    }
                    _ => {}
                }
            }
        }
        _ => map_children(expr, &mut |child| free_variables(child, locals, out)),
    }
}

fn pattern_property_variables(
    element: &ast::PatternElement,
    locals: &mut Vec<String>,
    out: &mut BTreeSet<String>,
) {
    let nodes = std::iter::once(&element.start).chain(element.chain.iter().map(|(_, node)| node));
    for node in nodes {
        if let Some(properties) = &node.properties {
            free_variables(properties, locals, out);
        }
    }
    for (rel, _) in &element.chain {
        if let Some(properties) = &rel.properties {
            free_variables(properties, locals, out);
        }
    }
}

/// Compile-time type checks openCypher asks for when the operand is a literal.
fn check_operand_type(op: ast::UnaryOp, operand: &Expr) -> Result<(), PlanError> {
    if let (ast::UnaryOp::Not, ExprKind::Constant(value)) = (op, &operand.kind) {
        if !matches!(value, Value::Bool(_) | Value::Null) {
            return Err(error(
                ErrorKind::SyntaxError,
                "InvalidArgumentType",
                format!("NOT needs a boolean, found {}", value.type_name()),
                operand.span,
            ));
        }
    }
    Ok(())
}

fn literal_type(expr: &Expr) -> Option<&'static str> {
    match &expr.kind {
        ExprKind::Constant(value) => Some(value.type_name()),
        ExprKind::List(_) => Some("List"),
        ExprKind::Map(_) => Some("Map"),
        _ => None,
    }
}

fn check_binary_types(
    op: ast::BinaryOp,
    left: &Expr,
    right: &Expr,
    span: Span,
) -> Result<(), PlanError> {
    use ast::BinaryOp::*;
    if matches!(op, And | Or | Xor) {
        for operand in [left, right] {
            if let Some(type_name) = literal_type(operand) {
                if type_name != "Boolean" && type_name != "Null" {
                    return Err(error(
                        ErrorKind::SyntaxError,
                        "InvalidArgumentType",
                        format!("{} needs booleans, found {type_name}", op.symbol()),
                        operand.span,
                    ));
                }
            }
        }
    }
    let _ = span;
    Ok(())
}

fn check_function_types(function: Function, args: &[Expr]) -> Result<(), PlanError> {
    let Some(first) = args.first() else { return Ok(()) };
    let Some(type_name) = literal_type(first) else { return Ok(()) };
    let accepts: &[&str] = match function {
        Function::ToBoolean => &["Boolean", "String", "Integer", "Null"],
        Function::ToInteger => &["Integer", "Float", "String", "Boolean", "Null"],
        Function::ToFloat => &["Integer", "Float", "String", "Null"],
        Function::ToString => &["Integer", "Float", "String", "Boolean", "Null"],
        Function::Labels => &["Node", "Null"],
        Function::Type => &["Relationship", "Null"],
        Function::Nodes | Function::Relationships => &["Path", "Null"],
        Function::Length => &["Path", "Null"],
        _ => return Ok(()),
    };
    if accepts.contains(&type_name) {
        Ok(())
    } else {
        Err(error(
            ErrorKind::SyntaxError,
            "InvalidArgumentType",
            format!("{function:?}() cannot take {type_name}"),
            first.span,
        ))
    }
}

#[allow(dead_code)]
fn unused(_: HashMap<(), ()>) {}

/// The type an expression is known to have before running, when it is.
fn static_type(expr: &ast::Expr, scope: &Scope) -> Option<&'static str> {
    match &expr.kind {
        ast::ExprKind::Literal(literal) => Some(match literal {
            ast::Literal::Null => "Null",
            ast::Literal::Bool(_) => "Boolean",
            ast::Literal::Integer(_) => "Integer",
            ast::Literal::Float(_) => "Float",
            ast::Literal::String(_) => "String",
        }),
        ast::ExprKind::List(_) | ast::ExprKind::ListComprehension(_) => Some("List"),
        ast::ExprKind::Map(_) | ast::ExprKind::MapProjection(_, _) => Some("Map"),
        ast::ExprKind::Variable(name) => scope.get(name).and_then(|(_, kind)| kind.type_name()),
        ast::ExprKind::IsNull(_, _)
        | ast::ExprKind::Quantifier(_, _)
        | ast::ExprKind::PatternPredicate(_)
        | ast::ExprKind::Exists(_) => Some("Boolean"),
        _ => None,
    }
}

/// The kind of a comprehension variable: the element type of a literal list whose
/// elements share one type.
fn element_kind(list: &ast::Expr, scope: &Scope) -> VarKind {
    if let ast::ExprKind::List(items) = &list.kind {
        let types: Vec<Option<&'static str>> =
            items.iter().map(|item| static_type(item, scope)).collect();
        if let Some(Some(first)) = types.first() {
            if types.iter().all(|found| *found == Some(*first)) && *first != "Null" {
                return VarKind::Known(first);
            }
        }
    }
    VarKind::Value
}

fn invalid_argument(message: String, span: Span) -> PlanError {
    syntax("InvalidArgumentType", message, span)
}

fn check_unary_static(
    op: ast::UnaryOp,
    operand: &ast::Expr,
    scope: &Scope,
) -> Result<(), PlanError> {
    let Some(type_name) = static_type(operand, scope) else { return Ok(()) };
    let fine = match op {
        ast::UnaryOp::Not => matches!(type_name, "Boolean" | "Null"),
        ast::UnaryOp::Minus | ast::UnaryOp::Plus => {
            matches!(type_name, "Integer" | "Float" | "Null")
        }
    };
    if fine {
        Ok(())
    } else {
        Err(invalid_argument(format!("{op:?} cannot take {type_name}"), operand.span))
    }
}

fn check_binary_static(
    op: ast::BinaryOp,
    left: &ast::Expr,
    right: &ast::Expr,
    scope: &Scope,
) -> Result<(), PlanError> {
    use ast::BinaryOp::*;
    let (left_type, right_type) = (static_type(left, scope), static_type(right, scope));
    let numeric = |type_name: &str| matches!(type_name, "Integer" | "Float");
    match op {
        And | Or | Xor => {
            for (operand, type_name) in [(left, left_type), (right, right_type)] {
                if let Some(type_name) = type_name {
                    if !matches!(type_name, "Boolean" | "Null") {
                        return Err(invalid_argument(
                            format!("{} needs booleans, found {type_name}", op.symbol()),
                            operand.span,
                        ));
                    }
                }
            }
        }
        In => {
            if let Some(type_name) = right_type {
                if !matches!(type_name, "List" | "Null") {
                    return Err(invalid_argument(
                        format!("IN needs a list on its right, found {type_name}"),
                        right.span,
                    ));
                }
            }
        }
        Subtract | Multiply | Divide | Modulo | Power => {
            if let (Some(left_type), Some(right_type)) = (left_type, right_type) {
                let fine = left_type == "Null"
                    || right_type == "Null"
                    || (numeric(left_type) && numeric(right_type));
                if !fine {
                    return Err(invalid_argument(
                        format!("cannot apply `{}` to {left_type} and {right_type}", op.symbol()),
                        left.span.to(right.span),
                    ));
                }
            }
        }
        Add => {
            if let (Some(left_type), Some(right_type)) = (left_type, right_type) {
                let fine = left_type == "Null"
                    || right_type == "Null"
                    || left_type == "List"
                    || right_type == "List"
                    || (numeric(left_type) && numeric(right_type))
                    || (left_type == "String"
                        && matches!(right_type, "String" | "Integer" | "Float" | "Boolean"))
                    || (right_type == "String"
                        && matches!(left_type, "Integer" | "Float" | "Boolean"));
                if !fine {
                    return Err(invalid_argument(
                        format!("cannot apply `+` to {left_type} and {right_type}"),
                        left.span.to(right.span),
                    ));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The argument types a function accepts, for the checks done before running.
fn accepted_types(function: Function) -> Option<&'static [&'static str]> {
    Some(match function {
        Function::Labels => &["Node", "Null"],
        Function::Type | Function::StartNode | Function::EndNode => &["Relationship", "Null"],
        Function::Nodes | Function::Relationships => &["Path", "Null"],
        Function::Length => &["Path", "String", "Null"],
        Function::Keys | Function::Properties => &["Node", "Relationship", "Map", "Null"],
        _ => return None,
    })
}

fn scope_kind(expr: &ast::Expr, scope: &Scope) -> Option<VarKind> {
    match &expr.kind {
        ast::ExprKind::Variable(name) => scope.get(name).map(|(_, kind)| kind),
        _ => None,
    }
}

/// A grouping key an aggregating expression may reuse: a variable or a property of one.
fn is_simple_key(expr: &ast::Expr) -> bool {
    match &expr.kind {
        ast::ExprKind::Variable(_) => true,
        ast::ExprKind::Property(subject, _) => is_simple_key(subject),
        _ => false,
    }
}
