//! Names a statement reads that the graph does not have: each label, relationship type
//! and property key it matches on, tests or reads is looked up in the graph's vocabulary,
//! and one that is missing (and that no write clause of the statement creates) becomes a
//! notification with the nearest existing name, found by `text::edit_distance`.

use std::collections::BTreeSet;

use crate::graph::Graph;
use crate::query::notification::{Notification, NotificationCode};
use crate::query::syntax::ast;
use crate::text::edit_distance;
use crate::text::line_column;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Label,
    RelationshipType,
    PropertyKey,
}

/// Notifications for the names `statement` reads and `graph` lacks, in source order.
pub(super) fn unknown_names(
    statement: &ast::Statement,
    source: &str,
    graph: &Graph,
) -> Vec<Notification> {
    let mut names = Names::default();
    let parts = std::iter::once(&statement.query.first)
        .chain(statement.query.unions.iter().map(|(_, single)| single));
    for single in parts {
        for clause in &single.clauses {
            names.clause(clause);
        }
    }
    names.settle_property_reads();
    let mut seen = BTreeSet::new();
    let mut notifications = Vec::new();
    for (kind, ident) in &names.read {
        if names.written.contains(&(*kind, ident.name.clone()))
            || known(graph, *kind, &ident.name)
            || !seen.insert((*kind, ident.name.clone()))
        {
            continue;
        }
        notifications.push(notification(graph, *kind, ident, source));
    }
    notifications.sort_by_key(|notification| notification.span.start);
    notifications
}

fn known(graph: &Graph, kind: Kind, name: &str) -> bool {
    match kind {
        Kind::Label => graph.label_symbol(name).is_some(),
        Kind::RelationshipType => graph.rel_type_symbol(name).is_some(),
        Kind::PropertyKey => graph.key_symbol(name).is_some(),
    }
}

fn notification(graph: &Graph, kind: Kind, ident: &ast::Ident, source: &str) -> Notification {
    let (code, title, what) = match kind {
        Kind::Label => (
            NotificationCode::UnknownLabelWarning,
            "The provided label is not in the graph.",
            "label",
        ),
        Kind::RelationshipType => (
            NotificationCode::UnknownRelationshipTypeWarning,
            "The provided relationship type is not in the graph.",
            "relationship type",
        ),
        Kind::PropertyKey => (
            NotificationCode::UnknownPropertyKeyWarning,
            "The provided property key is not in the graph.",
            "property key",
        ),
    };
    let existing: Vec<&str> = match kind {
        Kind::Label => graph.label_counts().into_iter().map(|(name, _)| name).collect(),
        Kind::RelationshipType => {
            graph.rel_type_counts().into_iter().map(|(name, _)| name).collect()
        }
        Kind::PropertyKey => graph.property_keys(),
    };
    let mut description = format!("no {what} `{}` in this graph", ident.name);
    if let Some(nearest) = nearest(&ident.name, &existing) {
        description.push_str(&format!("; did you mean `{nearest}`?"));
    }
    let (line, column) = line_column(source, ident.span.start);
    Notification { code, title, description, span: ident.span, line, column }
}

/// The existing name closest to `name` (ignoring case), when it is close enough to be a
/// likely typo: at most a third of the name's letters apart.
fn nearest<'n>(name: &str, existing: &[&'n str]) -> Option<&'n str> {
    let lowered = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    existing
        .iter()
        .map(|candidate| (edit_distance(&lowered, &candidate.to_lowercase()), *candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min()
        .map(|(_, candidate)| candidate)
}

/// The names a statement reads, and those its write clauses create.
#[derive(Default)]
struct Names<'s> {
    read: Vec<(Kind, &'s ast::Ident)>,
    written: BTreeSet<(Kind, String)>,
    /// `subject.key` reads whose subject is a variable, until it is known whether the
    /// variable is a node or relationship of some pattern.
    property_reads: Vec<(&'s str, &'s ast::Ident)>,
    /// Variables some pattern of the statement binds to a node or relationship.
    element_variables: BTreeSet<&'s str>,
}

impl<'s> Names<'s> {
    /// Keeps the property reads of nodes and relationships. `d.year` on a date or `m.a`
    /// on a map reads no property key, and warning about it would be noise; a read
    /// through a variable the statement renamed is missed, which is the cheaper mistake.
    fn settle_property_reads(&mut self) {
        for (subject, key) in std::mem::take(&mut self.property_reads) {
            if self.element_variables.contains(subject) {
                self.read.push((Kind::PropertyKey, key));
            }
        }
    }

    fn property_read(&mut self, subject: &'s ast::Expr, key: &'s ast::Ident) {
        if let ast::ExprKind::Variable(name) = &subject.kind {
            self.property_reads.push((name, key));
        }
    }

    fn clause(&mut self, clause: &'s ast::Clause) {
        match clause {
            ast::Clause::Match(clause) => {
                for part in &clause.pattern {
                    self.pattern(&part.element, false);
                }
                self.optional(clause.where_clause.as_ref());
            }
            ast::Clause::Unwind(unwind) => self.expr(&unwind.expr),
            ast::Clause::LoadCsv(load) => self.expr(&load.url),
            ast::Clause::With(projection) | ast::Clause::Return(projection) => {
                for item in &projection.items {
                    self.expr(&item.expr);
                }
                for sort in &projection.order_by {
                    self.expr(&sort.expr);
                }
                self.optional(projection.skip.as_ref());
                self.optional(projection.limit.as_ref());
                self.optional(projection.where_clause.as_ref());
            }
            ast::Clause::Create(create) => {
                for part in &create.pattern {
                    self.pattern(&part.element, true);
                }
            }
            ast::Clause::Merge(merge) => {
                self.pattern(&merge.pattern.element, true);
                for item in merge.on_create.iter().chain(&merge.on_match) {
                    self.set_item(item);
                }
            }
            ast::Clause::Set(set) => {
                for item in &set.items {
                    self.set_item(item);
                }
            }
            ast::Clause::Remove(remove) => {
                for item in &remove.items {
                    match item {
                        ast::RemoveItem::Property { subject, key, .. } => {
                            self.expr(subject);
                            self.write(Kind::PropertyKey, &key.name);
                        }
                        ast::RemoveItem::Labels { labels, .. } => {
                            for label in labels {
                                self.write(Kind::Label, &label.name);
                            }
                        }
                    }
                }
            }
            ast::Clause::Delete(delete) => {
                for expr in &delete.exprs {
                    self.expr(expr);
                }
            }
            ast::Clause::Call(call) => {
                for arg in call.args.iter().flatten() {
                    self.expr(arg);
                }
                self.optional(call.yields.as_ref().and_then(|yields| yields.where_clause.as_ref()));
            }
            ast::Clause::Show(show) => {
                self.optional(show.where_clause.as_ref());
                self.optional(show.yields.as_ref().and_then(|yields| yields.where_clause.as_ref()));
            }
            // Declaring a rule over a label or key the graph lacks is normal: data comes later.
            ast::Clause::Schema(_) => {}
        }
    }

    fn write(&mut self, kind: Kind, name: &str) {
        self.written.insert((kind, name.to_owned()));
    }

    fn set_item(&mut self, item: &'s ast::SetItem) {
        match item {
            ast::SetItem::Property { subject, key, value, .. } => {
                self.expr(subject);
                self.write(Kind::PropertyKey, &key.name);
                self.expr(value);
            }
            ast::SetItem::AllProperties { value, .. }
            | ast::SetItem::AddProperties { value, .. } => {
                self.written_map(value);
            }
            ast::SetItem::Labels { labels, .. } => {
                for label in labels {
                    self.write(Kind::Label, &label.name);
                }
            }
        }
    }

    /// A map whose keys a write clause sets; its values are read.
    fn written_map(&mut self, map: &'s ast::Expr) {
        match &map.kind {
            ast::ExprKind::Map(entries) => {
                for (key, value) in entries {
                    self.write(Kind::PropertyKey, &key.name);
                    self.expr(value);
                }
            }
            _ => self.expr(map),
        }
    }

    fn pattern(&mut self, element: &'s ast::PatternElement, writes: bool) {
        let nodes =
            std::iter::once(&element.start).chain(element.chain.iter().map(|(_, node)| node));
        for node in nodes {
            if let Some(variable) = &node.variable {
                self.element_variables.insert(&variable.name);
            }
            for label in &node.labels {
                self.name(Kind::Label, label, writes);
            }
            self.properties(node.properties.as_ref(), writes);
        }
        for (rel, _) in &element.chain {
            if let Some(variable) = &rel.variable {
                self.element_variables.insert(&variable.name);
            }
            for rel_type in &rel.types {
                self.name(Kind::RelationshipType, rel_type, writes);
            }
            self.properties(rel.properties.as_ref(), writes);
        }
    }

    fn name(&mut self, kind: Kind, ident: &'s ast::Ident, writes: bool) {
        if writes {
            self.write(kind, &ident.name);
        } else {
            self.read.push((kind, ident));
        }
    }

    fn properties(&mut self, properties: Option<&'s ast::Expr>, writes: bool) {
        let Some(properties) = properties else { return };
        match &properties.kind {
            ast::ExprKind::Map(entries) => {
                for (key, value) in entries {
                    self.name(Kind::PropertyKey, key, writes);
                    self.expr(value);
                }
            }
            _ => self.expr(properties),
        }
    }

    fn optional(&mut self, expr: Option<&'s ast::Expr>) {
        if let Some(expr) = expr {
            self.expr(expr);
        }
    }

    fn expr(&mut self, expr: &'s ast::Expr) {
        crate::stack::grow(|| self.expr_here(expr));
    }

    fn expr_here(&mut self, expr: &'s ast::Expr) {
        match &expr.kind {
            ast::ExprKind::Literal(_)
            | ast::ExprKind::Parameter(_)
            | ast::ExprKind::Variable(_)
            | ast::ExprKind::CountStar => {}
            ast::ExprKind::Property(subject, key) => {
                self.expr(subject);
                self.property_read(subject, key);
            }
            ast::ExprKind::HasLabels(subject, labels) => {
                self.expr(subject);
                for label in labels {
                    self.read.push((Kind::Label, label));
                }
            }
            ast::ExprKind::Unary(_, subject) | ast::ExprKind::IsNull(subject, _) => {
                self.expr(subject)
            }
            ast::ExprKind::List(items) => items.iter().for_each(|item| self.expr(item)),
            ast::ExprKind::Map(entries) => entries.iter().for_each(|(_, value)| self.expr(value)),
            ast::ExprKind::Binary(_, left, right) | ast::ExprKind::Index(left, right) => {
                self.expr(left);
                self.expr(right);
            }
            ast::ExprKind::Comparison(first, rest) => {
                self.expr(first);
                rest.iter().for_each(|(_, operand)| self.expr(operand));
            }
            ast::ExprKind::Slice(subject, from, to) => {
                self.expr(subject);
                self.optional(from.as_deref());
                self.optional(to.as_deref());
            }
            ast::ExprKind::FunctionCall(call) => call.args.iter().for_each(|arg| self.expr(arg)),
            ast::ExprKind::Case(case) => {
                self.optional(case.operand.as_deref());
                for (when, then) in &case.branches {
                    self.expr(when);
                    self.expr(then);
                }
                self.optional(case.otherwise.as_deref());
            }
            ast::ExprKind::ListComprehension(comprehension)
            | ast::ExprKind::Quantifier(_, comprehension) => {
                self.expr(&comprehension.list);
                self.optional(comprehension.filter.as_ref());
                self.optional(comprehension.map.as_ref());
            }
            ast::ExprKind::PatternPredicate(element) => self.pattern(element, false),
            ast::ExprKind::Exists(subquery) => {
                for part in &subquery.pattern {
                    self.pattern(&part.element, false);
                }
                self.optional(subquery.where_clause.as_ref());
                for item in subquery.returns.iter().flat_map(|returns| &returns.items) {
                    self.expr(&item.expr);
                }
            }
            ast::ExprKind::MapProjection(subject, items) => {
                self.expr(subject);
                for item in items {
                    match item {
                        ast::MapProjectionItem::Property(key) => self.property_read(subject, key),
                        ast::MapProjectionItem::Literal(_, value) => self.expr(value),
                        ast::MapProjectionItem::AllProperties
                        | ast::MapProjectionItem::Variable(_) => {}
                    }
                }
            }
            ast::ExprKind::Reduce(reduce) => {
                self.expr(&reduce.init);
                self.expr(&reduce.list);
                self.expr(&reduce.expr);
            }
            ast::ExprKind::PatternComprehension(comprehension) => {
                self.pattern(&comprehension.element, false);
                self.optional(comprehension.filter.as_ref());
                self.expr(&comprehension.map);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_reads_of_node_and_relationship_properties_are_checked() {
        let statement = crate::query::syntax::parse(
            "MATCH (n)-[r]->() WITH n, r, date() AS d, {a: 1} AS m RETURN n.nmae, r.sicne, d.year, m.a, n {.wat}",
        )
        .unwrap();
        let mut graph = Graph::default();
        graph.add_node(None, &[], vec![("name".into(), "x".into())]).unwrap();
        let described: Vec<String> = unknown_names(&statement, "", &graph)
            .into_iter()
            .map(|notification| notification.description)
            .collect();
        assert_eq!(
            described,
            [
                "no property key `nmae` in this graph; did you mean `name`?",
                "no property key `sicne` in this graph",
                "no property key `wat` in this graph",
            ]
        );
    }

    #[test]
    fn the_nearest_name_is_a_likely_typo_or_nothing() {
        let names = ["Organization", "Person", "City"];
        assert_eq!(nearest("Organisation", &names), Some("Organization"));
        assert_eq!(nearest("person", &names), Some("Person"));
        assert_eq!(nearest("Planet", &names), None);
    }
}
