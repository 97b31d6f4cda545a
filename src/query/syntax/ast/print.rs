//! The canonical Cypher printer of the syntax tree: upper-case keywords, minimal
//! parentheses, single-quoted strings, names backticked only when they must be. What it
//! prints parses back to an equal tree (spans aside); the golden and round-trip tests
//! hold it to that.

use std::fmt::{self, Display, Formatter, Write as _};

use super::*;
use crate::text::{write_float, write_string};

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.kind {
            StatementKind::Run => {}
            StatementKind::Explain => f.write_str("EXPLAIN ")?,
            StatementKind::Profile => f.write_str("PROFILE ")?,
        }
        write!(f, "{}", self.query)
    }
}

impl Display for Query {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.first)?;
        for (kind, query) in &self.unions {
            match kind {
                UnionKind::Distinct => f.write_str(" UNION ")?,
                UnionKind::All => f.write_str(" UNION ALL ")?,
            }
            write!(f, "{query}")?;
        }
        Ok(())
    }
}

impl Display for SingleQuery {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for (position, clause) in self.clauses.iter().enumerate() {
            if position > 0 {
                f.write_char(' ')?;
            }
            write!(f, "{clause}")?;
        }
        Ok(())
    }
}

fn write_list<T: Display>(f: &mut Formatter<'_>, items: &[T], separator: &str) -> fmt::Result {
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            f.write_str(separator)?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

impl Display for Clause {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Clause::Match(clause) => {
                if clause.optional == Optionality::Optional {
                    f.write_str("OPTIONAL ")?;
                }
                f.write_str("MATCH ")?;
                write_list(f, &clause.pattern, ", ")?;
                if let Some(predicate) = &clause.where_clause {
                    write!(f, " WHERE {predicate}")?;
                }
                Ok(())
            }
            Clause::Unwind(clause) => write!(f, "UNWIND {} AS {}", clause.expr, clause.variable),
            Clause::LoadCsv(clause) => {
                f.write_str("LOAD CSV ")?;
                if clause.with_headers {
                    f.write_str("WITH HEADERS ")?;
                }
                write!(f, "FROM {} AS {}", clause.url, clause.variable)?;
                if let Some(terminator) = &clause.field_terminator {
                    write!(f, " FIELDTERMINATOR {terminator}")?;
                }
                Ok(())
            }
            Clause::With(projection) => {
                f.write_str("WITH ")?;
                write_projection(f, projection)
            }
            Clause::Return(projection) => {
                f.write_str("RETURN ")?;
                write_projection(f, projection)
            }
            Clause::Create(clause) => {
                f.write_str("CREATE ")?;
                write_list(f, &clause.pattern, ", ")
            }
            Clause::Merge(clause) => {
                write!(f, "MERGE {}", clause.pattern)?;
                if !clause.on_create.is_empty() {
                    f.write_str(" ON CREATE SET ")?;
                    write_list(f, &clause.on_create, ", ")?;
                }
                if !clause.on_match.is_empty() {
                    f.write_str(" ON MATCH SET ")?;
                    write_list(f, &clause.on_match, ", ")?;
                }
                Ok(())
            }
            Clause::Set(clause) => {
                f.write_str("SET ")?;
                write_list(f, &clause.items, ", ")
            }
            Clause::Remove(clause) => {
                f.write_str("REMOVE ")?;
                write_list(f, &clause.items, ", ")
            }
            Clause::Delete(clause) => {
                if clause.detach {
                    f.write_str("DETACH ")?;
                }
                f.write_str("DELETE ")?;
                write_list(f, &clause.exprs, ", ")
            }
            Clause::Call(clause) => write!(f, "{clause}"),
            Clause::Show(clause) => write!(f, "{clause}"),
            Clause::Schema(command) => write!(f, "{command}"),
        }
    }
}

impl Display for Call {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("CALL ")?;
        for (position, part) in self.name.name.split('.').enumerate() {
            if position > 0 {
                f.write_char('.')?;
            }
            write_name(f, part)?;
        }
        if let Some(args) = &self.args {
            f.write_char('(')?;
            write_list(f, args, ", ")?;
            f.write_char(')')?;
        }
        match &self.yields {
            Some(yields) => write_yield(f, yields),
            None => Ok(()),
        }
    }
}

fn write_yield(f: &mut Formatter<'_>, yields: &Yield) -> fmt::Result {
    f.write_str(" YIELD ")?;
    if yields.star {
        f.write_char('*')?;
    }
    for (position, item) in yields.items.iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", item.output)?;
        if let Some(alias) = &item.alias {
            write!(f, " AS {alias}")?;
        }
    }
    if let Some(predicate) = &yields.where_clause {
        write!(f, " WHERE {predicate}")?;
    }
    Ok(())
}

impl Display for SetItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SetItem::Property { subject, key, value, .. } => {
                write_property_target(f, subject, key)?;
                write!(f, " = {value}")
            }
            SetItem::AllProperties { variable, value, .. } => write!(f, "{variable} = {value}"),
            SetItem::AddProperties { variable, value, .. } => write!(f, "{variable} += {value}"),
            SetItem::Labels { variable, labels, .. } => write_labels(f, variable, labels),
        }
    }
}

impl Display for RemoveItem {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            RemoveItem::Property { subject, key, .. } => write_property_target(f, subject, key),
            RemoveItem::Labels { variable, labels, .. } => write_labels(f, variable, labels),
        }
    }
}

/// `subject.key`, as the property expression `subject.key` prints.
fn write_property_target(f: &mut Formatter<'_>, subject: &Expr, key: &Ident) -> fmt::Result {
    let target = Expr {
        kind: ExprKind::Property(Box::new(subject.clone()), key.clone()),
        span: subject.span,
    };
    write!(f, "{target}")
}

fn write_labels(f: &mut Formatter<'_>, variable: &Ident, labels: &[Ident]) -> fmt::Result {
    write!(f, "{variable}")?;
    for label in labels {
        f.write_char(':')?;
        write_name(f, &label.name)?;
    }
    Ok(())
}

fn write_projection(f: &mut Formatter<'_>, projection: &Projection) -> fmt::Result {
    if projection.distinct {
        f.write_str("DISTINCT ")?;
    }
    if projection.star {
        f.write_char('*')?;
        if !projection.items.is_empty() {
            f.write_str(", ")?;
        }
    }
    for (position, item) in projection.items.iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{}", item.expr)?;
        if let Some(alias) = &item.alias {
            write!(f, " AS {alias}")?;
        }
    }
    if !projection.order_by.is_empty() {
        f.write_str(" ORDER BY ")?;
        for (position, item) in projection.order_by.iter().enumerate() {
            if position > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", item.expr)?;
            if item.direction == SortDirection::Descending {
                f.write_str(" DESC")?;
            }
        }
    }
    if let Some(skip) = &projection.skip {
        write!(f, " SKIP {skip}")?;
    }
    if let Some(limit) = &projection.limit {
        write!(f, " LIMIT {limit}")?;
    }
    if let Some(predicate) = &projection.where_clause {
        write!(f, " WHERE {predicate}")?;
    }
    Ok(())
}

impl Display for Ident {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_name(f, &self.name)
    }
}

/// Writes a name, backticked when it is not a plain word or could read as a keyword.
pub fn write_name(f: &mut impl fmt::Write, name: &str) -> fmt::Result {
    let mut chars = name.chars();
    let plain = chars.next().is_some_and(|first| first.is_alphabetic() || first == '_')
        && chars.all(|rest| rest.is_alphanumeric() || rest == '_')
        && !crate::query::syntax::lexer::RESERVED
            .iter()
            .any(|word| word.eq_ignore_ascii_case(name));
    if plain { f.write_str(name) } else { write!(f, "`{}`", name.replace('`', "``")) }
}

impl Display for PatternPart {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if let Some(variable) = &self.variable {
            write!(f, "{variable} = ")?;
        }
        match self.selector {
            PathSelector::All => write!(f, "{}", self.element),
            PathSelector::ShortestPath => write!(f, "shortestPath({})", self.element),
            PathSelector::AllShortestPaths => write!(f, "allShortestPaths({})", self.element),
        }
    }
}

impl Display for PatternElement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.start)?;
        for (relationship, node) in &self.chain {
            write!(f, "{relationship}{node}")?;
        }
        Ok(())
    }
}

impl Display for NodePattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_char('(')?;
        if let Some(variable) = &self.variable {
            write!(f, "{variable}")?;
        }
        for label in &self.labels {
            write!(f, ":{label}")?;
        }
        if let Some(properties) = &self.properties {
            if self.variable.is_some() || !self.labels.is_empty() {
                f.write_char(' ')?;
            }
            write!(f, "{properties}")?;
        }
        f.write_char(')')
    }
}

impl Display for RelPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(if self.direction == RelDirection::Incoming { "<-" } else { "-" })?;
        let has_detail = self.variable.is_some()
            || !self.types.is_empty()
            || self.length.is_some()
            || self.properties.is_some();
        if has_detail {
            f.write_char('[')?;
            if let Some(variable) = &self.variable {
                write!(f, "{variable}")?;
            }
            for (position, rel_type) in self.types.iter().enumerate() {
                f.write_str(if position == 0 { ":" } else { "|" })?;
                write!(f, "{rel_type}")?;
            }
            if let Some(length) = &self.length {
                f.write_char('*')?;
                match (length.min, length.max) {
                    (None, None) => {}
                    (Some(min), Some(max)) if min == max => write!(f, "{min}")?,
                    (min, max) => {
                        if let Some(min) = min {
                            write!(f, "{min}")?;
                        }
                        f.write_str("..")?;
                        if let Some(max) = max {
                            write!(f, "{max}")?;
                        }
                    }
                }
            }
            if let Some(properties) = &self.properties {
                write!(f, " {properties}")?;
            }
            f.write_char(']')?;
        }
        f.write_str(if self.direction == RelDirection::Outgoing { "->" } else { "-" })
    }
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write_expr(f, self, 0)
    }
}

/// Precedence of an expression form, for deciding where parentheses are needed.
fn expr_precedence(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::Binary(op, _, _) => op.precedence(),
        ExprKind::Comparison(_, _) => 5,
        ExprKind::Unary(UnaryOp::Not, _) => 4,
        ExprKind::IsNull(_, _) => 6,
        ExprKind::Unary(_, _) => 10,
        _ => 12,
    }
}

fn write_operand(f: &mut Formatter<'_>, expr: &Expr, minimum: u8) -> fmt::Result {
    if expr_precedence(expr) < minimum {
        f.write_char('(')?;
        write_expr(f, expr, 0)?;
        f.write_char(')')
    } else {
        write_expr(f, expr, minimum)
    }
}

fn write_expr(f: &mut Formatter<'_>, expr: &Expr, context: u8) -> fmt::Result {
    crate::stack::grow(|| write_expr_here(f, expr, context))
}

fn write_expr_here(f: &mut Formatter<'_>, expr: &Expr, _context: u8) -> fmt::Result {
    match &expr.kind {
        ExprKind::Literal(literal) => write_literal(f, literal),
        ExprKind::Parameter(name) => {
            f.write_char('$')?;
            write_name(f, name)
        }
        ExprKind::Variable(name) => write_name(f, name),
        ExprKind::Property(subject, key) => {
            write_operand(f, subject, 12)?;
            write!(f, ".{key}")
        }
        ExprKind::List(items) => {
            f.write_char('[')?;
            write_list(f, items, ", ")?;
            f.write_char(']')
        }
        ExprKind::Map(entries) => {
            f.write_char('{')?;
            for (position, (key, value)) in entries.iter().enumerate() {
                if position > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{key}: {value}")?;
            }
            f.write_char('}')
        }
        ExprKind::Unary(op, operand) => match op {
            UnaryOp::Not => {
                f.write_str("NOT ")?;
                write_operand(f, operand, 4)
            }
            UnaryOp::Minus => {
                f.write_char('-')?;
                // A number right after `-` would read back as a negative literal, and
                // `--` would start a comment-free but different token run: keep them apart.
                if matches!(
                    operand.kind,
                    ExprKind::Literal(Literal::Integer(_) | Literal::Float(_))
                ) {
                    f.write_char('(')?;
                    write_expr(f, operand, 0)?;
                    return f.write_char(')');
                }
                if matches!(operand.kind, ExprKind::Unary(UnaryOp::Minus, _)) {
                    f.write_char(' ')?;
                }
                write_operand(f, operand, 10)
            }
            UnaryOp::Plus => {
                f.write_char('+')?;
                write_operand(f, operand, 10)
            }
        },
        ExprKind::Binary(op, left, right) => {
            let precedence = op.precedence();
            // `^` is left-associative in openCypher like the rest.
            write_operand(f, left, precedence)?;
            write!(f, " {} ", op.symbol())?;
            write_operand(f, right, precedence + 1)
        }
        ExprKind::Comparison(first, rest) => {
            write_operand(f, first, 6)?;
            for (op, operand) in rest {
                write!(f, " {} ", op.symbol())?;
                write_operand(f, operand, 6)?;
            }
            Ok(())
        }
        ExprKind::IsNull(operand, negation) => {
            write_operand(f, operand, 7)?;
            f.write_str(if *negation == Negation::Is { " IS NULL" } else { " IS NOT NULL" })
        }
        ExprKind::HasLabels(subject, labels) => {
            write_operand(f, subject, 12)?;
            for label in labels {
                write!(f, ":{label}")?;
            }
            Ok(())
        }
        ExprKind::Index(subject, index) => {
            write_operand(f, subject, 12)?;
            write!(f, "[{index}]")
        }
        ExprKind::Slice(subject, from, to) => {
            write_operand(f, subject, 12)?;
            f.write_char('[')?;
            if let Some(from) = from {
                write!(f, "{from}")?;
            }
            f.write_str("..")?;
            if let Some(to) = to {
                write!(f, "{to}")?;
            }
            f.write_char(']')
        }
        ExprKind::FunctionCall(call) => {
            f.write_str(&call.name.name)?;
            f.write_char('(')?;
            if call.distinct {
                f.write_str("DISTINCT ")?;
            }
            write_list(f, &call.args, ", ")?;
            f.write_char(')')
        }
        ExprKind::CountStar => f.write_str("count(*)"),
        ExprKind::Case(case) => {
            f.write_str("CASE")?;
            if let Some(operand) = &case.operand {
                write!(f, " {operand}")?;
            }
            for (condition, result) in &case.branches {
                write!(f, " WHEN {condition} THEN {result}")?;
            }
            if let Some(otherwise) = &case.otherwise {
                write!(f, " ELSE {otherwise}")?;
            }
            f.write_str(" END")
        }
        ExprKind::ListComprehension(comprehension) => {
            write!(f, "[{} IN {}", comprehension.variable, comprehension.list)?;
            if let Some(filter) = &comprehension.filter {
                write!(f, " WHERE {filter}")?;
            }
            if let Some(map) = &comprehension.map {
                write!(f, " | {map}")?;
            }
            f.write_char(']')
        }
        ExprKind::Quantifier(quantifier, comprehension) => {
            let name = match quantifier {
                Quantifier::All => "all",
                Quantifier::Any => "any",
                Quantifier::None => "none",
                Quantifier::Single => "single",
            };
            write!(f, "{name}({} IN {}", comprehension.variable, comprehension.list)?;
            if let Some(filter) = &comprehension.filter {
                write!(f, " WHERE {filter}")?;
            }
            f.write_char(')')
        }
        ExprKind::PatternPredicate(element) => write!(f, "{element}"),
        ExprKind::Exists(subquery) => {
            f.write_str("EXISTS { MATCH ")?;
            write_list(f, &subquery.pattern, ", ")?;
            if let Some(predicate) = &subquery.where_clause {
                write!(f, " WHERE {predicate}")?;
            }
            if let Some(returns) = &subquery.returns {
                write!(f, " {}", Clause::Return(returns.clone()))?;
            }
            f.write_str(" }")
        }
        ExprKind::MapProjection(subject, items) => {
            write_operand(f, subject, 12)?;
            f.write_str(" {")?;
            for (position, item) in items.iter().enumerate() {
                if position > 0 {
                    f.write_str(", ")?;
                }
                match item {
                    MapProjectionItem::Property(key) => write!(f, ".{key}")?,
                    MapProjectionItem::AllProperties => f.write_str(".*")?,
                    MapProjectionItem::Literal(key, value) => write!(f, "{key}: {value}")?,
                    MapProjectionItem::Variable(name) => write!(f, "{name}")?,
                }
            }
            f.write_char('}')
        }
        ExprKind::PatternComprehension(comprehension) => {
            f.write_char('[')?;
            if let Some(variable) = &comprehension.variable {
                write!(f, "{variable} = ")?;
            }
            write!(f, "{}", comprehension.element)?;
            if let Some(filter) = &comprehension.filter {
                write!(f, " WHERE {filter}")?;
            }
            write!(f, " | {}]", comprehension.map)
        }
        ExprKind::Reduce(reduce) => write!(
            f,
            "reduce({} = {}, {} IN {} | {})",
            reduce.accumulator, reduce.init, reduce.variable, reduce.list, reduce.expr
        ),
    }
}

fn write_literal(f: &mut Formatter<'_>, literal: &Literal) -> fmt::Result {
    match literal {
        Literal::Null => f.write_str("null"),
        Literal::Bool(true) => f.write_str("true"),
        Literal::Bool(false) => f.write_str("false"),
        Literal::Integer(number) => write!(f, "{number}"),
        Literal::Float(number) => write_float(f, *number),
        Literal::String(text) => write_string(f, text),
    }
}

impl Display for Show {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SHOW ")?;
        match self.what {
            ShowWhat::Indexes(kind) => {
                match kind {
                    None => {}
                    Some(IndexKindName::Range) => f.write_str("RANGE ")?,
                    Some(IndexKindName::Text) => f.write_str("TEXT ")?,
                }
                f.write_str("INDEXES")?;
            }
            ShowWhat::Constraints(filter) => {
                match filter.relationship {
                    None => {}
                    Some(false) => f.write_str("NODE ")?,
                    Some(true) => f.write_str("RELATIONSHIP ")?,
                }
                match filter.kind {
                    None => {}
                    Some(ConstraintKindName::Unique) => f.write_str("UNIQUE ")?,
                    Some(ConstraintKindName::Key) => f.write_str("KEY ")?,
                    Some(ConstraintKindName::Exist) => f.write_str("EXIST ")?,
                    Some(ConstraintKindName::PropertyType) => f.write_str("PROPERTY TYPE ")?,
                }
                f.write_str("CONSTRAINTS")?;
            }
        }
        if let Some(yields) = &self.yields {
            write_yield(f, yields)?;
        }
        if let Some(predicate) = &self.where_clause {
            write!(f, " WHERE {predicate}")?;
        }
        Ok(())
    }
}

impl Display for SchemaCommand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            SchemaCommand::CreateIndex(index) => {
                f.write_str("CREATE ")?;
                match index.kind {
                    None => {}
                    Some(IndexKindName::Range) => f.write_str("RANGE ")?,
                    Some(IndexKindName::Text) => f.write_str("TEXT ")?,
                }
                f.write_str("INDEX ")?;
                if let Some(name) = &index.name {
                    write!(f, "{name} ")?;
                }
                if index.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                match &index.target.variable {
                    // The older spelling names no variable.
                    None => write_old_index_target(f, &index.target, &index.properties),
                    Some(variable) => {
                        write!(f, "FOR {} ON (", index.target)?;
                        write_keys(f, variable, &index.properties)?;
                        f.write_char(')')
                    }
                }
            }
            SchemaCommand::CreateConstraint(constraint) => {
                f.write_str("CREATE CONSTRAINT ")?;
                if let Some(name) = &constraint.name {
                    write!(f, "{name} ")?;
                }
                if constraint.if_not_exists {
                    f.write_str("IF NOT EXISTS ")?;
                }
                write!(f, "FOR {} REQUIRE ", constraint.target)?;
                write_requirement(
                    f,
                    &constraint.target,
                    &constraint.properties,
                    &constraint.requirement,
                )
            }
            SchemaCommand::DropIndex(drop) | SchemaCommand::DropConstraint(drop) => {
                let what = if matches!(self, SchemaCommand::DropIndex(_)) {
                    "INDEX"
                } else {
                    "CONSTRAINT"
                };
                write!(f, "DROP {what} ")?;
                match &drop.target {
                    DropTarget::Named(name) => write!(f, "{name}")?,
                    DropTarget::Index { target, properties } => {
                        write_old_index_target(f, target, properties)?
                    }
                    DropTarget::Constraint { target, properties, requirement } => {
                        write!(f, "ON {target} ASSERT ")?;
                        write_requirement(f, target, properties, requirement)?;
                    }
                }
                if drop.if_exists {
                    f.write_str(" IF EXISTS")?;
                }
                Ok(())
            }
        }
    }
}

impl Display for SchemaPattern {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let variable =
            self.variable.as_ref().map(|variable| variable.to_string()).unwrap_or_default();
        if self.relationship {
            write!(f, "()-[{variable}:")?;
            write_name(f, &self.label.name)?;
            f.write_str("]-()")
        } else {
            write!(f, "({variable}:")?;
            write_name(f, &self.label.name)?;
            f.write_char(')')
        }
    }
}

fn write_old_index_target(
    f: &mut Formatter<'_>,
    target: &SchemaPattern,
    properties: &[Ident],
) -> fmt::Result {
    f.write_str("ON :")?;
    write_name(f, &target.label.name)?;
    f.write_char('(')?;
    write_list(f, properties, ", ")?;
    f.write_char(')')
}

fn write_keys(f: &mut Formatter<'_>, variable: &Ident, properties: &[Ident]) -> fmt::Result {
    for (position, key) in properties.iter().enumerate() {
        if position > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{variable}.{key}")?;
    }
    Ok(())
}

fn write_requirement(
    f: &mut Formatter<'_>,
    target: &SchemaPattern,
    properties: &[Ident],
    requirement: &Requirement,
) -> fmt::Result {
    let fallback = Ident { name: "n".into(), span: target.label.span };
    let variable = target.variable.as_ref().unwrap_or(&fallback);
    if properties.len() == 1 {
        write_keys(f, variable, properties)?;
    } else {
        f.write_char('(')?;
        write_keys(f, variable, properties)?;
        f.write_char(')')?;
    }
    match requirement {
        Requirement::Unique => f.write_str(" IS UNIQUE"),
        Requirement::NotNull => f.write_str(" IS NOT NULL"),
        Requirement::Key if target.relationship => f.write_str(" IS RELATIONSHIP KEY"),
        Requirement::Key => f.write_str(" IS NODE KEY"),
        Requirement::Typed(types) => {
            f.write_str(" IS :: ")?;
            write_list(f, types, " | ")
        }
    }
}

impl Display for TypeName {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TypeName::Boolean => "BOOLEAN",
            TypeName::String => "STRING",
            TypeName::Integer => "INTEGER",
            TypeName::Float => "FLOAT",
            TypeName::Date => "DATE",
            TypeName::LocalTime => "LOCAL TIME",
            TypeName::ZonedTime => "ZONED TIME",
            TypeName::LocalDateTime => "LOCAL DATETIME",
            TypeName::ZonedDateTime => "ZONED DATETIME",
            TypeName::Duration => "DURATION",
            TypeName::List(inner) => return write!(f, "LIST<{inner} NOT NULL>"),
        })
    }
}
