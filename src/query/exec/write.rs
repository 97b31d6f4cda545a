//! Applying a segment's write clause to its rows: `CREATE`, `MERGE`, `SET`/`REMOVE`
//! and `DELETE`, through the graph's journaled mutation API, counting what changed.
//!
//! A write never runs while an operator borrows the graph: the rows it works on were
//! collected first, and `MERGE` collects each row's matches before creating. Errors
//! come back as `ExecError`s; undoing what a failed statement already wrote is the
//! caller's savepoint's job (`execute_profiled`).

use std::collections::BTreeMap;

use super::{Context, Params, Row, WriteStats, eval, operators};
use crate::graph::{EdgeId, Graph, GraphError, NodeId, Value};
use crate::query::Control;
use crate::query::error::{ErrorCode, ErrorKind, ExecError};
use crate::query::plan::ir::{
    CreateSpec, Detach, Expr, MergeSpec, PropertiesMode, Slot, UpdateAction, Write,
};

/// What one write clause needs while it runs.
pub(super) struct Writer<'a> {
    pub graph: &'a mut Graph,
    pub params: &'a Params,
    pub control: &'a Control,
    pub slot_count: usize,
    /// The statement's clock, as `Context::now`.
    pub now: i128,
    pub stats: &'a mut WriteStats,
}

/// Whether a null property value is allowed where an element is created.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NullProperties {
    /// `CREATE`: a null property is no property.
    Dropped,
    /// `MERGE`: the match could never find what would be created, so it is an error.
    Refused,
}

impl Writer<'_> {
    /// Applies `write` to every row and returns the rows the next segment reads.
    pub(super) fn apply(&mut self, write: &Write, rows: Vec<Row>) -> Result<Vec<Row>, ExecError> {
        match write {
            Write::Create(create) => {
                let mut output = Vec::with_capacity(rows.len());
                for row in rows {
                    self.check()?;
                    output.push(self.create(create, row, NullProperties::Dropped)?);
                }
                Ok(output)
            }
            Write::Merge(merge) => {
                let mut output = Vec::with_capacity(rows.len());
                for row in rows {
                    self.check()?;
                    self.merge(merge, row, &mut output)?;
                }
                Ok(output)
            }
            Write::Update(actions) => {
                let mut rows = rows;
                for row in &mut rows {
                    self.check()?;
                    self.update(actions, row)?;
                }
                Ok(rows)
            }
            Write::Schema(change) => {
                for _ in &rows {
                    self.check()?;
                    super::schema::apply(self.graph, change, self.stats)?;
                }
                Ok(rows)
            }
            Write::Delete { detach, targets } => {
                let mut rows = rows;
                self.delete(*detach, targets, &mut rows)?;
                Ok(rows)
            }
        }
    }

    fn context(&self) -> Context<'_> {
        Context::for_writes(self.graph, self.params, self.control, self.slot_count, self.now)
    }

    fn check(&self) -> Result<(), ExecError> {
        self.context().check_now()
    }

    fn eval(&self, expr: &Expr, row: &mut Row) -> Result<Value, ExecError> {
        eval::eval(expr, row, &self.context())
    }

    // --- CREATE and MERGE ------------------------------------------------------------

    fn create(
        &mut self,
        create: &CreateSpec,
        mut row: Row,
        nulls: NullProperties,
    ) -> Result<Row, ExecError> {
        // Each element is created in pattern order, its properties evaluated just before,
        // so `CREATE (a {id: 0}), (b {ref: a.id})` sees `a`.
        for node in &create.nodes {
            let properties = self.properties(&node.properties, &mut row, nulls)?;
            let labels: Vec<&str> = node.labels.iter().map(String::as_str).collect();
            self.stats.properties_set += properties.len();
            let mut unique_labels = labels.clone();
            unique_labels.sort_unstable();
            unique_labels.dedup();
            self.stats.labels_added += unique_labels.len();
            let id = self.graph.add_node(None, &labels, properties).map_err(graph_error)?;
            self.stats.nodes_created += 1;
            row[node.slot] = Value::Node(id);
        }
        for rel in &create.relationships {
            let properties = self.properties(&rel.properties, &mut row, nulls)?;
            let endpoint = |slot: Slot| match &row[slot] {
                Value::Node(id) => Ok(*id),
                Value::Null => Err(ExecError::new(
                    ErrorKind::SemanticError,
                    ErrorCode::CreatingWithNull,
                    "cannot create a relationship to a null node",
                )),
                other => Err(ExecError::type_error(format!(
                    "expected a node to connect, found {}",
                    other.type_name()
                ))),
            };
            let (from, to) = (endpoint(rel.from)?, endpoint(rel.to)?);
            for node in [from, to] {
                if !self.graph.contains_node(node) {
                    return Err(ExecError::deleted_entity("the relationships"));
                }
            }
            self.stats.properties_set += properties.len();
            let id =
                self.graph.add_edge(from, to, &rel.rel_type, properties).map_err(graph_error)?;
            self.stats.relationships_created += 1;
            row[rel.slot] = Value::Relationship(id);
        }
        for (slot, steps) in &create.paths {
            row[*slot] = eval::build_path(steps, &row, &self.context())?;
        }
        Ok(row)
    }

    /// Evaluates the property map of one element being created.
    fn properties(
        &self,
        properties: &[(String, Expr)],
        row: &mut Row,
        nulls: NullProperties,
    ) -> Result<Vec<(String, Value)>, ExecError> {
        let mut values = Vec::new();
        for (key, expr) in properties {
            let value = self.eval(expr, row)?;
            if key.is_empty() {
                // A parameter map spread into properties.
                match value {
                    Value::Map(entries) => values.extend(entries),
                    Value::Null => {}
                    other => {
                        return Err(ExecError::type_error(format!(
                            "expected a map of properties, found {}",
                            other.type_name()
                        ))
                        .at(expr.span));
                    }
                }
            } else {
                values.push((key.clone(), value));
            }
        }
        for (key, value) in &values {
            if value.is_null() && nulls == NullProperties::Refused {
                return Err(ExecError::new(
                    ErrorKind::SemanticError,
                    ErrorCode::MergeReadOwnWrites,
                    format!("MERGE cannot use a null value for property `{key}`"),
                ));
            }
            if !value.is_storable() {
                return Err(ExecError::new(
                    ErrorKind::TypeError,
                    ErrorCode::InvalidPropertyType,
                    format!("property `{key}` cannot hold {}", value.unstorable_description()),
                ));
            }
        }
        values.retain(|(_, value)| !value.is_null());
        Ok(values)
    }

    fn merge(
        &mut self,
        merge: &MergeSpec,
        row: Row,
        output: &mut Vec<Row>,
    ) -> Result<(), ExecError> {
        // Earlier rows' changes must be visible to this row's match.
        self.graph.flush_indexes();
        let found: Vec<Row> = {
            let context = self.context();
            operators::open(&merge.matcher, &context, operators::Argument::Rows(vec![row.clone()]))?
                .collect::<Result<_, _>>()?
        };
        if found.is_empty() {
            let mut created = self.create(&merge.create, row, NullProperties::Refused)?;
            self.update(&merge.on_create, &mut created)?;
            output.push(created);
        } else {
            for mut matched in found {
                self.update(&merge.on_match, &mut matched)?;
                output.push(matched);
            }
        }
        Ok(())
    }

    // --- SET and REMOVE --------------------------------------------------------------

    fn update(&mut self, actions: &[UpdateAction], row: &mut Row) -> Result<(), ExecError> {
        for action in actions {
            match action {
                UpdateAction::SetProperty { subject, key, value } => {
                    let Some(element) = self.element(subject, row)? else { continue };
                    let value = self.eval(value, row)?;
                    self.set_property(element, key, value)
                        .map_err(|error| error.at(subject.span))?;
                }
                UpdateAction::SetProperties { subject, value, mode } => {
                    let Some(element) = self.element(subject, row)? else { continue };
                    let value = self.eval(value, row)?;
                    let entries =
                        self.property_map(value).map_err(|error| error.at(subject.span))?;
                    if *mode == PropertiesMode::Replace {
                        let existing: Vec<String> = self
                            .element_properties(element)
                            .into_iter()
                            .filter(|key| !entries.contains_key(key))
                            .collect();
                        for key in existing {
                            self.set_property(element, &key, Value::Null)?;
                        }
                    }
                    for (key, value) in entries {
                        self.set_property(element, &key, value)?;
                    }
                }
                UpdateAction::AddLabels { subject, labels } => {
                    let Some(node) = self.node(subject, row)? else { continue };
                    for label in labels {
                        if self.graph.add_label(node, label) {
                            self.stats.labels_added += 1;
                        }
                    }
                }
                UpdateAction::RemoveProperty { subject, key } => {
                    let Some(element) = self.element(subject, row)? else { continue };
                    let had =
                        self.element_properties(element).iter().any(|existing| existing == key);
                    if had {
                        self.set_property(element, key, Value::Null)?;
                    }
                }
                UpdateAction::RemoveLabels { subject, labels } => {
                    let Some(node) = self.node(subject, row)? else { continue };
                    for label in labels {
                        if self.graph.remove_label(node, label) {
                            self.stats.labels_removed += 1;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The node or relationship `subject` names; `None` for null (which SET skips).
    fn element(&self, subject: &Expr, row: &mut Row) -> Result<Option<Element>, ExecError> {
        let element = match self.eval(subject, row)? {
            Value::Null => return Ok(None),
            Value::Node(node) => Element::Node(node),
            Value::Relationship(edge) => Element::Relationship(edge),
            other => {
                return Err(ExecError::type_error(format!(
                    "only nodes and relationships have properties, not a {}",
                    other.type_name()
                ))
                .at(subject.span));
            }
        };
        let live = match element {
            Element::Node(node) => self.graph.contains_node(node),
            Element::Relationship(edge) => self.graph.contains_edge(edge),
        };
        if !live {
            return Err(ExecError::deleted_entity("the properties or labels").at(subject.span));
        }
        Ok(Some(element))
    }

    fn node(&self, subject: &Expr, row: &mut Row) -> Result<Option<NodeId>, ExecError> {
        match self.element(subject, row)? {
            None => Ok(None),
            Some(Element::Node(node)) => Ok(Some(node)),
            Some(Element::Relationship(_)) => {
                Err(ExecError::type_error("only nodes have labels, not a relationship")
                    .at(subject.span))
            }
        }
    }

    fn element_properties(&self, element: Element) -> Vec<String> {
        match element {
            Element::Node(node) => {
                self.graph.node_properties(node).map(|(key, _)| key.to_owned()).collect()
            }
            Element::Relationship(edge) => {
                self.graph.edge_properties(edge).map(|(key, _)| key.to_owned()).collect()
            }
        }
    }

    fn set_property(&mut self, element: Element, key: &str, value: Value) -> Result<(), ExecError> {
        if !value.is_storable() {
            return Err(ExecError::new(
                ErrorKind::TypeError,
                ErrorCode::InvalidPropertyType,
                format!("property `{key}` cannot hold {}", value.unstorable_description()),
            ));
        }
        // Neo4j counts a null set only when it removes a property that was there.
        let counts = !value.is_null()
            || match element {
                Element::Node(node) => self.graph.node_property_by_name(node, key).is_some(),
                Element::Relationship(edge) => self
                    .graph
                    .key_symbol(key)
                    .and_then(|symbol| self.graph.edge_property(edge, symbol))
                    .is_some(),
            };
        let result = match element {
            Element::Node(node) => self.graph.set_node_property(node, key, value),
            Element::Relationship(edge) => self.graph.set_edge_property(edge, key, value),
        };
        result.map_err(graph_error)?;
        if counts {
            self.stats.properties_set += 1;
        }
        Ok(())
    }

    /// The entries `SET n = …` / `SET n += …` writes: a map, or another element's
    /// properties; null is an empty map.
    fn property_map(&self, value: Value) -> Result<BTreeMap<String, Value>, ExecError> {
        Ok(match value {
            Value::Map(entries) => entries,
            Value::Null => BTreeMap::new(),
            Value::Node(node) => self
                .graph
                .node_properties(node)
                .map(|(key, value)| (key.to_owned(), value.clone()))
                .collect(),
            Value::Relationship(edge) => self
                .graph
                .edge_properties(edge)
                .map(|(key, value)| (key.to_owned(), value.clone()))
                .collect(),
            other => {
                return Err(ExecError::type_error(format!(
                    "expected a map of properties, found {}",
                    other.type_name()
                )));
            }
        })
    }

    // --- DELETE ----------------------------------------------------------------------

    /// Deletes every element the targets name over all rows: relationships first, so a
    /// node whose relationships the same clause deletes can go too.
    fn delete(
        &mut self,
        detach: Detach,
        targets: &[Expr],
        rows: &mut [Row],
    ) -> Result<(), ExecError> {
        let mut nodes: Vec<NodeId> = Vec::new();
        let mut edges: Vec<EdgeId> = Vec::new();
        for row in rows {
            self.check()?;
            for target in targets {
                let value = self.eval(target, row)?;
                collect_deletable(&value, &mut nodes, &mut edges)
                    .map_err(|error| error.at(target.span))?;
            }
        }
        for edge in edges {
            if self.graph.delete_edge(edge) {
                self.stats.relationships_deleted += 1;
            }
        }
        for node in nodes {
            match detach {
                Detach::Detach => {
                    if let Some(edges_deleted) = self.graph.detach_delete_node(node) {
                        self.stats.nodes_deleted += 1;
                        self.stats.relationships_deleted += edges_deleted;
                    }
                }
                Detach::Keep => match self.graph.delete_node(node) {
                    Ok(true) => self.stats.nodes_deleted += 1,
                    Ok(false) => {}
                    Err(error) => {
                        return Err(ExecError::new(
                            ErrorKind::ConstraintVerificationFailed,
                            ErrorCode::DeleteConnectedNode,
                            error.to_string(),
                        ));
                    }
                },
            }
        }
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Element {
    Node(NodeId),
    Relationship(EdgeId),
}

/// Gathers the elements a `DELETE` target names: an element, a path's elements, or
/// those inside a list or map; null names nothing.
fn collect_deletable(
    value: &Value,
    nodes: &mut Vec<NodeId>,
    edges: &mut Vec<EdgeId>,
) -> Result<(), ExecError> {
    match value {
        Value::Null => {}
        Value::Node(node) => nodes.push(*node),
        Value::Relationship(edge) => edges.push(*edge),
        Value::Path(path) => {
            nodes.extend(path.nodes.iter().copied());
            edges.extend(path.relationships.iter().copied());
        }
        Value::List(items) => {
            for item in items {
                collect_deletable(item, nodes, edges)?;
            }
        }
        Value::Map(entries) => {
            for item in entries.values() {
                collect_deletable(item, nodes, edges)?;
            }
        }
        other => {
            return Err(ExecError::type_error(format!(
                "DELETE needs a node, relationship or path, not a {}",
                other.type_name()
            )));
        }
    }
    Ok(())
}

fn graph_error(error: GraphError) -> ExecError {
    match error {
        GraphError::UnstorableValue { .. } => {
            ExecError::new(ErrorKind::TypeError, ErrorCode::InvalidPropertyType, error.to_string())
        }
        other => {
            ExecError::new(ErrorKind::SemanticError, ErrorCode::InvalidWrite, other.to_string())
        }
    }
}
