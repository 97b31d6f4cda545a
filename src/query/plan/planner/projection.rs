//! Planning `WITH` and `RETURN`: items and their names, grouping and aggregation,
//! `DISTINCT`, `ORDER BY`, `SKIP` and `LIMIT`.

use std::collections::BTreeSet;

use crate::query::error::{ErrorCode, PlanError};
use crate::query::span::Span;
use crate::query::syntax::ast;

use super::super::ir::*;
use super::*;

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

/// A projection item: its column name, its expression, and where it is written.
type Item = (String, ast::Expr, Span);

/// `DISTINCT` over the projected columns, when the projection asks for it.
fn distinct_rows(op: Op, projection: &ast::Projection, columns: &Columns) -> Op {
    if !projection.distinct {
        return op;
    }
    Op::Distinct { input: Box::new(op), slots: columns.iter().map(|(_, slot)| *slot).collect() }
}

impl<'a> Planner<'a> {
    /// Plans `WITH` or `RETURN`: items, aggregation or copies, ordering and paging, `WHERE`.
    pub(super) fn plan_projection(
        &mut self,
        input: Op,
        projection: &ast::Projection,
        scope: &Scope,
        kind: ProjectionKind,
    ) -> Result<(Op, Scope, Columns), PlanError> {
        let items = self.projection_items(projection, scope, kind)?;
        let aggregating = items.iter().any(|(_, expr, _)| contains_aggregate(expr));
        let (op, new_scope, columns) = if aggregating {
            self.plan_aggregating_projection(input, projection, scope, &items)?
        } else {
            self.plan_plain_projection(input, projection, scope, &items)?
        };
        let op = self.plan_projection_where(op, projection, scope, &new_scope, aggregating)?;
        Ok((op, new_scope, columns))
    }

    /// The items a projection lists (`*` spelled out) with their column names, checked.
    fn projection_items(
        &self,
        projection: &ast::Projection,
        scope: &Scope,
        kind: ProjectionKind,
    ) -> Result<Vec<Item>, PlanError> {
        let mut items: Vec<Item> = Vec::new();
        if projection.star {
            let names = scope.names();
            // `WITH *` over no variables passes the rows on (`CREATE () WITH * CREATE ()`);
            // `RETURN *` would return rows without columns.
            if names.is_empty() && kind == ProjectionKind::Return {
                return Err(syntax(
                    ErrorCode::NoVariablesInScope,
                    "RETURN * needs variables in scope",
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
            check_pattern_not_a_value(&item.expr)?;
            if kind == ProjectionKind::With
                && item.alias.is_none()
                && !matches!(item.expr.kind, ast::ExprKind::Variable(_))
            {
                return Err(syntax(
                    ErrorCode::NoExpressionAlias,
                    "expressions in WITH must be aliased (use AS)",
                    item.expr.span,
                ));
            }
            items.push((item.column_name(self.source), item.expr.clone(), item.span));
        }
        for (position, (name, _, span)) in items.iter().enumerate() {
            if items[..position].iter().any(|(earlier, _, _)| earlier == name) {
                return Err(syntax(
                    ErrorCode::ColumnNameConflict,
                    format!("column `{name}` is defined twice"),
                    *span,
                ));
            }
        }
        Ok(items)
    }

    /// Plans a projection with aggregates, its other items the grouping keys.
    fn plan_aggregating_projection(
        &mut self,
        input: Op,
        projection: &ast::Projection,
        scope: &Scope,
        items: &[Item],
    ) -> Result<(Op, Scope, Columns), PlanError> {
        let mut new_scope = Scope::default();
        let mut columns = Vec::new();
        let mut keys: Vec<(Slot, Expr)> = Vec::new();
        let mut key_names: Vec<(String, Slot)> = Vec::new();
        for (name, expr, _) in items {
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
        let after = self.plan_aggregate_items(items, &mut context, &mut new_scope, &mut columns)?;
        // Columns in the order written.
        let columns: Columns = items
            .iter()
            .map(|(name, _, _)| {
                let slot = columns
                    .iter()
                    .find(|(column, _)| column == name)
                    .expect("every item has a slot")
                    .1;
                (name.clone(), slot)
            })
            .collect();
        let aggregates = std::mem::take(&mut context.aggregates);
        let mut op = match (keys.is_empty(), aggregates.as_slice()) {
            (true, [(slot, Aggregation { function: AggregateFunction::Count, arg: None, .. })]) => {
                Op::CountRows { input: Box::new(input), slot: *slot }
            }
            _ => Op::Aggregate { input: Box::new(input), keys, aggregates },
        };
        if !after.is_empty() {
            op = Op::Project { input: Box::new(op), items: after };
        }
        let sort_keys = self.plan_aggregated_sort_keys(
            projection,
            scope,
            items,
            &columns,
            complex_keys,
            &new_scope,
        )?;
        let op = distinct_rows(op, projection, &columns);
        let op = self.plan_order_skip_limit(op, sort_keys, projection)?;
        Ok((op, new_scope, columns))
    }

    /// Plans the aggregating items; returns what to compute after aggregating (`count(*) + 1`).
    fn plan_aggregate_items(
        &mut self,
        items: &[Item],
        context: &mut Aggregating<'_>,
        new_scope: &mut Scope,
        columns: &mut Columns,
    ) -> Result<Vec<(Slot, Expr)>, PlanError> {
        let mut after: Vec<(Slot, Expr)> = Vec::new();
        let mut item_slots: Vec<(String, Slot)> = Vec::new();
        for (name, expr, _) in items {
            if contains_aggregate(expr) {
                let planned = self.plan_aggregating_expr(expr, context)?;
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
        Ok(after)
    }

    /// The `ORDER BY` keys of an aggregating projection.
    fn plan_aggregated_sort_keys(
        &mut self,
        projection: &ast::Projection,
        scope: &Scope,
        items: &[Item],
        columns: &Columns,
        complex_keys: Vec<String>,
        new_scope: &Scope,
    ) -> Result<Vec<SortKey>, PlanError> {
        // ORDER BY sees the projected names and the item expressions themselves.
        let mut order_context = Aggregating {
            keys: items
                .iter()
                .zip(columns)
                .map(|((_, expr, _), (_, slot))| (expr.to_string(), *slot))
                .collect(),
            complex_keys,
            aggregates: Vec::new(),
            input_scope: scope,
            allow_new: false,
        };
        for (name, slot) in columns {
            order_context.keys.push((name.clone(), *slot));
        }
        projection
            .order_by
            .iter()
            .map(|item| {
                let expr = if contains_aggregate(&item.expr)
                    || self.mentions_old_variables(&item.expr, new_scope)
                {
                    self.plan_aggregating_expr(&item.expr, &mut order_context)?
                } else {
                    self.plan_expr(&item.expr, new_scope, Context::Plain)?
                };
                Ok(SortKey { expr, descending: item.direction == ast::SortDirection::Descending })
            })
            .collect()
    }

    /// Plans a projection without aggregates, copying each item but a bare variable to a slot.
    fn plan_plain_projection(
        &mut self,
        input: Op,
        projection: &ast::Projection,
        scope: &Scope,
        items: &[Item],
    ) -> Result<(Op, Scope, Columns), PlanError> {
        let mut op = input;
        let mut new_scope = Scope::default();
        let mut columns = Vec::new();
        let mut copies: Vec<(Slot, Expr)> = Vec::new();
        for (name, expr, _) in items {
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
        let sort_keys =
            self.plan_plain_sort_keys(projection, scope, items, &columns, &new_scope)?;
        let op = distinct_rows(op, projection, &columns);
        let op = self.plan_order_skip_limit(op, sort_keys, projection)?;
        Ok((op, new_scope, columns))
    }

    /// The `ORDER BY` keys of a projection without aggregates.
    fn plan_plain_sort_keys(
        &mut self,
        projection: &ast::Projection,
        scope: &Scope,
        items: &[Item],
        columns: &Columns,
        new_scope: &Scope,
    ) -> Result<Vec<SortKey>, PlanError> {
        // ORDER BY may use the new names and, without DISTINCT, the old variables.
        let mut sort_scope = if projection.distinct { Scope::default() } else { scope.clone() };
        for (name, slot, var_kind) in &new_scope.vars {
            sort_scope.bind(name, *slot, *var_kind);
        }
        let mut sort_keys = Vec::new();
        for item in &projection.order_by {
            if contains_aggregate(&item.expr) {
                return Err(syntax(
                    ErrorCode::InvalidAggregation,
                    "ORDER BY cannot aggregate when the projection does not",
                    item.expr.span,
                ));
            }
            // An ORDER BY expression written like an item sorts by that item.
            let printed = item.expr.to_string();
            let expr = match items
                .iter()
                .zip(columns)
                .find(|((_, expr, _), _)| expr.to_string() == printed)
            {
                Some((_, (_, slot))) => Expr { kind: ExprKind::Slot(*slot), span: item.expr.span },
                None => match self.plan_expr(&item.expr, &sort_scope, Context::Plain) {
                    Ok(expr) => expr,
                    Err(error)
                        if projection.distinct && error.code == ErrorCode::UndefinedVariable =>
                    {
                        return Err(syntax(
                            ErrorCode::UndefinedVariable,
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
        Ok(sort_keys)
    }

    /// `WITH`'s `WHERE` over the projected rows.
    fn plan_projection_where(
        &mut self,
        op: Op,
        projection: &ast::Projection,
        scope: &Scope,
        new_scope: &Scope,
        aggregating: bool,
    ) -> Result<Op, PlanError> {
        let Some(predicate) = &projection.where_clause else { return Ok(op) };
        if contains_aggregate(predicate) {
            return Err(syntax(
                ErrorCode::InvalidAggregation,
                "WHERE cannot aggregate",
                predicate.span,
            ));
        }
        // Without aggregation or DISTINCT, WITH's WHERE also sees what came before.
        let mut where_scope =
            if aggregating || projection.distinct { Scope::default() } else { scope.clone() };
        for (name, slot, var_kind) in &new_scope.vars {
            where_scope.bind(name, *slot, *var_kind);
        }
        let predicate = self.plan_expr(predicate, &where_scope, Context::Plain)?;
        Ok(Op::Filter { input: Box::new(op), predicate })
    }

    /// True when `expr` names a variable that is not among the projected names.
    pub(super) fn mentions_old_variables(&self, expr: &ast::Expr, new_scope: &Scope) -> bool {
        let mut names = BTreeSet::new();
        free_variables(expr, &mut Vec::new(), &mut names);
        names.iter().any(|name| new_scope.get(name).is_none())
    }

    pub(super) fn plan_order_skip_limit(
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
                                BinaryOp::Add,
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
    pub(super) fn plan_count(&mut self, expr: &ast::Expr, clause: &str) -> Result<Expr, PlanError> {
        let mut names = BTreeSet::new();
        free_variables(expr, &mut Vec::new(), &mut names);
        if !names.is_empty() {
            return Err(syntax(
                ErrorCode::NonConstantExpression,
                format!("{clause} must be a constant, not depend on variables"),
                expr.span,
            ));
        }
        match &expr.kind {
            ast::ExprKind::Literal(ast::Literal::Integer(number)) if *number < 0 => {
                return Err(syntax(
                    ErrorCode::NegativeIntegerArgument,
                    format!("{clause} must not be negative, found {number}"),
                    expr.span,
                ));
            }
            ast::ExprKind::Literal(ast::Literal::Float(number)) => {
                return Err(syntax(
                    ErrorCode::InvalidArgumentType,
                    format!("{clause} takes an integer, found the float {number}"),
                    expr.span,
                ));
            }
            _ => {}
        }
        self.plan_expr(expr, &Scope::default(), Context::Plain)
    }

    pub(super) fn kind_of(&self, expr: &ast::Expr, scope: &Scope) -> VarKind {
        match &expr.kind {
            ast::ExprKind::Variable(name) => {
                scope.get(name).map_or(VarKind::Value, |(_, kind)| kind)
            }
            _ => static_type(expr, scope).map_or(VarKind::Value, VarKind::Known),
        }
    }

    pub(super) fn property_key(&self, name: &str) -> PropertyKey {
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
                    ErrorCode::AmbiguousAggregationExpression,
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
                        ErrorCode::InvalidAggregation,
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
                ErrorCode::AmbiguousAggregationExpression,
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

    pub(super) fn plan_aggregation(
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
                        ErrorCode::InvalidNumberOfArguments,
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
                            ErrorCode::NestedAggregation,
                            "an aggregate cannot contain another aggregate",
                            arg.span,
                        ));
                    }
                    // An aggregate over values that change on every call (`count(rand())`)
                    // has no meaning openCypher will give it.
                    if contains_volatile(arg) {
                        return Err(syntax(
                            ErrorCode::NonConstantExpression,
                            "an aggregate cannot take a random or clock-reading expression",
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
}
