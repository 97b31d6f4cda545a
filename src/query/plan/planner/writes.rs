//! Planning the write clauses: `CREATE`, `MERGE`, `SET`, `REMOVE` and `DELETE`, each
//! into the `Write` that ends a segment. What openCypher rejects before running (a
//! relationship without one type or direction to create, a variable-length pattern to
//! create, labels on a bound node, deleting something that is not an element) is an
//! error here, with the span of the words at fault.

use crate::query::error::{ErrorCode, PlanError};
use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

impl Planner<'_> {
    /// Plans one write clause; the variables it introduces are bound in `scope`.
    pub(super) fn plan_write(
        &mut self,
        clause: &ast::Clause,
        scope: &mut Scope,
    ) -> Result<Write, PlanError> {
        match clause {
            ast::Clause::Create(create) => Ok(Write::Create(self.plan_create(create, scope)?)),
            ast::Clause::Merge(merge) => self.plan_merge(merge, scope),
            ast::Clause::Set(set) => {
                let actions = set
                    .items
                    .iter()
                    .map(|item| self.plan_set_item(item, scope))
                    .collect::<Result<_, _>>()?;
                Ok(Write::Update(actions))
            }
            ast::Clause::Remove(remove) => {
                let actions = remove
                    .items
                    .iter()
                    .map(|item| self.plan_remove_item(item, scope))
                    .collect::<Result<_, _>>()?;
                Ok(Write::Update(actions))
            }
            ast::Clause::Delete(delete) => {
                let mut targets = Vec::new();
                for expr in &delete.exprs {
                    if let ast::ExprKind::HasLabels(..) = expr.kind {
                        return Err(syntax(
                            ErrorCode::InvalidDelete,
                            "DELETE removes elements, not labels; use REMOVE n:Label",
                            expr.span,
                        ));
                    }
                    if let Some(type_name) = static_type(expr, scope) {
                        if !matches!(type_name, "Node" | "Relationship" | "Path" | "Null") {
                            return Err(invalid_argument(
                                format!(
                                    "DELETE needs a node, relationship or path, not a {type_name}"
                                ),
                                expr.span,
                            ));
                        }
                    } else if !deletable_shape(expr) {
                        return Err(invalid_argument(
                            "DELETE needs a node, relationship or path".to_owned(),
                            expr.span,
                        ));
                    }
                    targets.push(self.plan_expr(expr, scope, Context::Plain)?);
                }
                let detach = if delete.detach { Detach::Detach } else { Detach::Keep };
                Ok(Write::Delete { detach, targets })
            }
            other => unreachable!("plan_write called with a reading clause: {other}"),
        }
    }

    fn plan_merge(&mut self, merge: &ast::Merge, scope: &mut Scope) -> Result<Write, PlanError> {
        let part = &merge.pattern;
        if part.selector != ast::PathSelector::All {
            return Err(syntax(
                ErrorCode::UnexpectedSyntax,
                "MERGE cannot use shortestPath",
                part.span,
            ));
        }
        if part.element.chain.is_empty()
            && let Some(name) = &part.element.start.variable
            && scope.get(&name.name).is_some()
        {
            return Err(syntax(
                ErrorCode::VariableAlreadyBound,
                format!("variable `{}` is already defined; MERGE needs a new one", name.name),
                name.span,
            ));
        }
        let before = scope.clone();
        let matcher = self.plan_pattern(
            Op::Argument,
            std::slice::from_ref(part),
            None,
            scope,
            PatternUse::Match,
        )?;
        // What MERGE creates lands in the slots the match would have filled, so the rows
        // after it look the same either way.
        self.preassigned = scope
            .vars
            .iter()
            .filter(|(name, _, _)| before.get(name).is_none())
            .map(|(name, slot, _)| (name.clone(), *slot))
            .collect();
        // An undirected MERGE matches either way and creates left to right.
        let mut to_create = part.clone();
        for (rel, _) in &mut to_create.element.chain {
            if rel.direction == ast::RelDirection::Either {
                rel.direction = ast::RelDirection::Outgoing;
            }
        }
        let mut create_scope = before;
        let create = ast::Create { pattern: vec![to_create], span: merge.span };
        let planned = self.plan_create(&create, &mut create_scope);
        self.preassigned.clear();
        let create = planned?;
        let on_create = merge
            .on_create
            .iter()
            .map(|item| self.plan_set_item(item, scope))
            .collect::<Result<_, _>>()?;
        let on_match = merge
            .on_match
            .iter()
            .map(|item| self.plan_set_item(item, scope))
            .collect::<Result<_, _>>()?;
        Ok(Write::Merge(Box::new(MergeSpec { matcher, create, on_create, on_match })))
    }

    fn plan_set_item(
        &mut self,
        item: &ast::SetItem,
        scope: &Scope,
    ) -> Result<UpdateAction, PlanError> {
        Ok(match item {
            ast::SetItem::Property { subject, key, value, .. } => {
                check_pattern_not_a_value(value)?;
                UpdateAction::SetProperty {
                    subject: self.plan_expr(subject, scope, Context::Plain)?,
                    key: key.name.clone(),
                    value: self.plan_expr(value, scope, Context::Plain)?,
                }
            }
            ast::SetItem::AllProperties { variable, value, .. }
            | ast::SetItem::AddProperties { variable, value, .. } => {
                let mode = if matches!(item, ast::SetItem::AddProperties { .. }) {
                    PropertiesMode::Add
                } else {
                    PropertiesMode::Replace
                };
                UpdateAction::SetProperties {
                    subject: self.element_variable(variable, scope, "SET")?,
                    value: self.plan_expr(value, scope, Context::Plain)?,
                    mode,
                }
            }
            ast::SetItem::Labels { variable, labels, .. } => UpdateAction::AddLabels {
                subject: self.node_variable(variable, scope)?,
                labels: labels.iter().map(|label| label.name.clone()).collect(),
            },
        })
    }

    fn plan_remove_item(
        &mut self,
        item: &ast::RemoveItem,
        scope: &Scope,
    ) -> Result<UpdateAction, PlanError> {
        Ok(match item {
            ast::RemoveItem::Property { subject, key, .. } => UpdateAction::RemoveProperty {
                subject: self.plan_expr(subject, scope, Context::Plain)?,
                key: key.name.clone(),
            },
            ast::RemoveItem::Labels { variable, labels, .. } => UpdateAction::RemoveLabels {
                subject: self.node_variable(variable, scope)?,
                labels: labels.iter().map(|label| label.name.clone()).collect(),
            },
        })
    }

    /// A variable that must hold a node or relationship (or a value that may be one).
    fn element_variable(
        &mut self,
        variable: &ast::Ident,
        scope: &Scope,
        clause: &str,
    ) -> Result<Expr, PlanError> {
        let expr =
            ast::Expr { kind: ast::ExprKind::Variable(variable.name.clone()), span: variable.span };
        if let Some((_, kind)) = scope.get(&variable.name)
            && !matches!(kind, VarKind::Node | VarKind::Relationship | VarKind::Value)
        {
            return Err(syntax(
                ErrorCode::VariableTypeConflict,
                format!(
                    "{clause} needs a node or relationship, but `{}` is {}",
                    variable.name,
                    kind.describe()
                ),
                variable.span,
            ));
        }
        self.plan_expr(&expr, scope, Context::Plain)
    }

    /// A variable that must hold a node, for label changes.
    fn node_variable(&mut self, variable: &ast::Ident, scope: &Scope) -> Result<Expr, PlanError> {
        if let Some((_, kind)) = scope.get(&variable.name)
            && !matches!(kind, VarKind::Node | VarKind::Value)
        {
            return Err(syntax(
                ErrorCode::VariableTypeConflict,
                format!("only nodes have labels, but `{}` is {}", variable.name, kind.describe()),
                variable.span,
            ));
        }
        let expr =
            ast::Expr { kind: ast::ExprKind::Variable(variable.name.clone()), span: variable.span };
        self.plan_expr(&expr, scope, Context::Plain)
    }

    /// The slot for a variable a write clause introduces: the one `MERGE` preassigned,
    /// or a new one.
    pub(super) fn write_slot(&mut self, name: &str) -> Slot {
        match self.preassigned.iter().position(|(preassigned, _)| preassigned == name) {
            Some(at) => self.preassigned.remove(at).1,
            None => self.new_slot(name),
        }
    }

    pub(super) fn plan_create(
        &mut self,
        create: &ast::Create,
        scope: &mut Scope,
    ) -> Result<CreateSpec, PlanError> {
        let mut spec =
            CreateSpec { nodes: Vec::new(), relationships: Vec::new(), paths: Vec::new() };
        for part in &create.pattern {
            if part.selector != ast::PathSelector::All {
                return Err(syntax(
                    ErrorCode::UnexpectedSyntax,
                    "CREATE cannot use shortestPath",
                    part.span,
                ));
            }
            if let (true, Some(name)) =
                (part.element.chain.is_empty(), &part.element.start.variable)
                && scope.get(&name.name).is_some()
            {
                return Err(syntax(
                    ErrorCode::VariableAlreadyBound,
                    format!("variable `{}` is already defined; CREATE needs a new node", name.name),
                    name.span,
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
                        ErrorCode::CreatingVarLength,
                        "CREATE cannot make a variable-length relationship",
                        rel.span,
                    ));
                }
                let rel_type = match rel.types.as_slice() {
                    [single] => single.name.clone(),
                    _ => {
                        return Err(syntax(
                            ErrorCode::NoSingleRelationshipType,
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
                            ErrorCode::RequiresDirectedRelationship,
                            "CREATE needs a direction on each relationship",
                            rel.span,
                        ));
                    }
                };
                let slot = match &rel.variable {
                    Some(name) => self.bind_fresh(scope, name, VarKind::Relationship)?,
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
                let slot = self.bind_fresh(scope, name, VarKind::Path)?;
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
        if let Some(name) = &node.variable
            && let Some((slot, kind)) = scope.get(&name.name)
        {
            if kind != VarKind::Node && kind != VarKind::Value {
                return Err(syntax(
                    ErrorCode::VariableTypeConflict,
                    format!("variable `{}` is {}, not a node", name.name, kind.describe()),
                    name.span,
                ));
            }
            if !node.labels.is_empty() || node.properties.is_some() {
                return Err(syntax(
                    ErrorCode::VariableAlreadyBound,
                    format!(
                        "variable `{}` is already defined; CREATE cannot add labels or properties to it",
                        name.name
                    ),
                    name.span,
                ));
            }
            return Ok(slot);
        }
        let slot = match &node.variable {
            Some(name) => {
                let slot = self.write_slot(&name.name);
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

/// Whether an expression of unknown type could still be an element to delete: a
/// variable, property, index, function call or parameter may; arithmetic may not.
fn deletable_shape(expr: &ast::Expr) -> bool {
    !matches!(
        expr.kind,
        ast::ExprKind::Binary(..)
            | ast::ExprKind::Unary(..)
            | ast::ExprKind::Comparison(..)
            | ast::ExprKind::CountStar
    )
}
