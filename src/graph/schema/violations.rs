//! Checking data against the constraints: every element (`korpu check`, a new
//! constraint) or the elements a statement touched.

use super::{
    ConstraintDefinition, ConstraintKind, ConstraintViolation, EntityKind, Physical, shown,
};
use crate::graph::property_index::IndexKey;
use crate::graph::{EdgeId, Graph, NodeId, Savepoint, Symbol, Value};

/// How Neo4j names an element in a constraint message.
struct Neo4jWords {
    /// `label` or `type`.
    owner: &'static str,
    /// The offending element, as `Node(id)`.
    this: String,
}

impl Graph {
    /// Every element of the graph that breaks a declared constraint.
    pub fn constraint_violations(&self) -> Vec<ConstraintViolation> {
        self.schema
            .constraints
            .iter()
            .flat_map(|constraint| self.violations_of(constraint))
            .collect()
    }

    /// Checks the elements changed since `savepoint` against every constraint: the
    /// first violation found, if any.
    pub fn check_constraints_since(
        &self,
        savepoint: &Savepoint,
    ) -> Result<(), ConstraintViolation> {
        if self.schema.constraints.is_empty() {
            return Ok(());
        }
        let touched = self.journal.touched_since(savepoint);
        let (nodes, edges, created) = (touched.nodes, touched.edges, touched.created);
        let mut nodes: Vec<NodeId> =
            nodes.into_iter().filter(|node| self.contains_node(*node)).collect();
        let mut edges: Vec<EdgeId> =
            edges.into_iter().filter(|edge| self.contains_edge(*edge)).collect();
        nodes.sort_unstable();
        edges.sort_unstable();
        for constraint in &self.schema.constraints {
            let Some(owner) = self.owner_symbol(constraint) else { continue };
            match constraint.entity {
                EntityKind::Node => {
                    for node in nodes.iter().filter(|node| self.has_label(**node, owner)) {
                        if let Some(violation) =
                            self.node_violation(constraint, *node, created.contains(node))
                        {
                            return Err(violation);
                        }
                    }
                }
                EntityKind::Relationship => {
                    for edge in edges.iter().filter(|edge| self.edge_type_symbol(**edge) == owner) {
                        if let Some(violation) = self.edge_violation(constraint, *edge) {
                            return Err(violation);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn owner_symbol(&self, constraint: &ConstraintDefinition) -> Option<Symbol> {
        match constraint.entity {
            EntityKind::Node => self.label_symbol(&constraint.label),
            EntityKind::Relationship => self.rel_type_symbol(&constraint.label),
        }
    }

    pub(super) fn violations_of(
        &self,
        constraint: &ConstraintDefinition,
    ) -> Vec<ConstraintViolation> {
        let Some(owner) = self.owner_symbol(constraint) else { return Vec::new() };
        let mut found = Vec::new();
        match constraint.entity {
            EntityKind::Node => {
                for node in self.labelled(owner).iter() {
                    if let Some(violation) = self.node_violation(constraint, *node, false) {
                        // A duplicate pair is reported once, by its later element.
                        if !self.reported_by_partner(constraint, &violation, *node) {
                            found.push(violation);
                        }
                    }
                }
            }
            EntityKind::Relationship => {
                for edge in self.edges().filter(|edge| self.edge_type_symbol(*edge) == owner) {
                    if let Some(violation) = self.edge_violation(constraint, edge) {
                        found.push(violation);
                    }
                }
            }
        }
        found
    }

    fn reported_by_partner(
        &self,
        constraint: &ConstraintDefinition,
        _: &ConstraintViolation,
        node: NodeId,
    ) -> bool {
        // Of the nodes sharing a key, only the first (lowest id) is reported.
        match self.owned_index(constraint) {
            Some(Physical::Nodes(index)) => index
                .key_of(|key| self.node_property(node, key))
                .is_some_and(|key| index.equal(&key.0).first().is_some_and(|first| *first != node)),
            _ => false,
        }
    }

    pub(super) fn owned_index(&self, constraint: &ConstraintDefinition) -> Option<&Physical> {
        self.schema
            .indexes
            .iter()
            .find(|index| index.definition.owner.as_deref() == Some(constraint.name.as_str()))
            .map(|index| &index.physical)
    }

    fn node_violation(
        &self,
        constraint: &ConstraintDefinition,
        node: NodeId,
        new: bool,
    ) -> Option<ConstraintViolation> {
        let describe = || match new {
            true => format!("a new node (:{})", constraint.label),
            false => format!("node `{}` (:{})", self.node_key(node), constraint.label),
        };
        let value_of = |key: &str| self.node_property_by_name(node, key);
        let words = Neo4jWords { owner: "label", this: format!("Node({})", self.node_key(node)) };
        let (detail, neo4j) = self.element_problem(
            constraint,
            &value_of,
            &describe,
            &words,
            |index, key| match index {
                Physical::Nodes(index) => {
                    index.equal(&key.0).iter().find(|other| **other != node).map(|other| {
                        let key = self.node_key(*other);
                        (format!("node `{key}`"), format!("Node({key})"))
                    })
                }
                Physical::Edges(_) => None,
            },
        )?;
        Some(ConstraintViolation {
            constraint: constraint.name.clone(),
            rule: constraint.rule(),
            detail,
            neo4j,
        })
    }

    fn edge_violation(
        &self,
        constraint: &ConstraintDefinition,
        edge: EdgeId,
    ) -> Option<ConstraintViolation> {
        let describe = || {
            let (from, to) = self.edge_endpoints(edge);
            format!(
                "relationship ({})-[:{}]->({})",
                self.node_key(from),
                constraint.label,
                self.node_key(to)
            )
        };
        let value_of =
            |key: &str| self.key_symbol(key).and_then(|key| self.edge_property(edge, key));
        let words = Neo4jWords { owner: "type", this: format!("Relationship({})", edge.0) };
        let (detail, neo4j) = self.element_problem(
            constraint,
            &value_of,
            &describe,
            &words,
            |index, key| match index {
                Physical::Edges(index) => {
                    index.equal(&key.0).iter().find(|other| **other != edge).map(|other| {
                        let (from, to) = self.edge_endpoints(*other);
                        let words = format!(
                            "relationship ({})-[:{}]->({})",
                            self.node_key(from),
                            constraint.label,
                            self.node_key(to)
                        );
                        (words, format!("Relationship({})", other.0))
                    })
                }
                Physical::Nodes(_) => None,
            },
        )?;
        Some(ConstraintViolation {
            constraint: constraint.name.clone(),
            rule: constraint.rule(),
            detail,
            neo4j,
        })
    }

    /// What is wrong with one element under one constraint: in Körpü's words, and in
    /// Neo4j's (which tools parse, neomodel's `UniqueProperty` among them).
    fn element_problem<'v>(
        &self,
        constraint: &ConstraintDefinition,
        value_of: &dyn Fn(&str) -> Option<&'v Value>,
        describe: &dyn Fn() -> String,
        words: &Neo4jWords,
        duplicate: impl Fn(&Physical, &IndexKey) -> Option<(String, String)>,
    ) -> Option<(String, String)> {
        let Neo4jWords { owner, this } = words;
        let label = &constraint.label;
        let requires_presence =
            matches!(constraint.kind, ConstraintKind::NotNull | ConstraintKind::Key);
        if requires_presence
            && let Some(missing) = constraint.properties.iter().find(|key| value_of(key).is_none())
        {
            return Some((
                format!("{} has no `{missing}`", describe()),
                format!("{this} with {owner} `{label}` must have the property `{missing}`"),
            ));
        }
        match &constraint.kind {
            ConstraintKind::Typed(types) => {
                for key in &constraint.properties {
                    if let Some(value) = value_of(key)
                        && !types.iter().any(|wanted| wanted.admits(value))
                    {
                        let expected =
                            types.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | ");
                        return Some((
                            format!(
                                "{} has {key} = {}, a {} (expected {expected})",
                                describe(),
                                shown(value),
                                value.type_name(),
                            ),
                            format!(
                                "{this} with {owner} `{label}` required the property `{key}` to be of type `{expected}`, but was of type `{}`",
                                value.type_name().to_uppercase()
                            ),
                        ));
                    }
                }
                None
            }
            ConstraintKind::Unique | ConstraintKind::Key => {
                let physical = self.owned_index(constraint)?;
                let values: Option<Vec<&Value>> =
                    constraint.properties.iter().map(|key| value_of(key)).collect();
                let values = values?;
                let key = match values.as_slice() {
                    [single] => IndexKey((*single).clone()),
                    many => {
                        IndexKey(Value::List(many.iter().map(|value| (*value).clone()).collect()))
                    }
                };
                let (other, other_id) = duplicate(physical, &key)?;
                let pairs: Vec<(&String, String)> = constraint
                    .properties
                    .iter()
                    .zip(&values)
                    .map(|(key, value)| (key, shown(value)))
                    .collect();
                let ours: Vec<String> =
                    pairs.iter().map(|(key, value)| format!("{key} = {value}")).collect();
                let theirs: Vec<String> =
                    pairs.iter().map(|(key, value)| format!("`{key}` = {value}")).collect();
                let noun = if pairs.len() == 1 { "property" } else { "properties" };
                Some((
                    format!("{} has {}, as {other} already does", describe(), ours.join(", ")),
                    format!(
                        "{other_id} already exists with {owner} `{label}` and {noun} {}",
                        theirs.join(", ")
                    ),
                ))
            }
            ConstraintKind::NotNull => None,
        }
    }
}
