//! Declaring and dropping indexes and constraints, each change journaled.

use super::{
    ConstraintDefinition, DeclaredIndex, IndexDefinition, IndexKind, LISTED_VIOLATIONS, Physical,
    SchemaError,
};
use crate::graph::journal::Undo;
use crate::graph::property_index::PropertyIndex;
use crate::graph::{EntityKind, Graph, NodeId, Symbol};

impl Graph {
    /// The declared indexes, constraints' own included.
    pub fn indexes(&self) -> impl Iterator<Item = &IndexDefinition> + '_ {
        self.schema.indexes.iter().map(|index| &index.definition)
    }

    /// A number that changes whenever an index is declared or dropped (rolled-back
    /// changes included), so a plan chosen for one set of indexes can tell it is stale.
    pub fn schema_generation(&self) -> u64 {
        self.schema.generation
    }

    pub fn constraints(&self) -> &[ConstraintDefinition] {
        &self.schema.constraints
    }

    /// The index over nodes labelled `label` by exactly `keys`, if one is declared.
    pub fn node_index(&self, label: &str, keys: &[&str]) -> Option<&PropertyIndex<NodeId>> {
        self.schema.indexes.iter().find_map(|index| match &index.physical {
            Physical::Nodes(physical)
                if index.definition.label == label
                    && index
                        .definition
                        .properties
                        .iter()
                        .map(String::as_str)
                        .eq(keys.iter().copied()) =>
            {
                Some(physical)
            }
            _ => None,
        })
    }

    /// Declares an index and fills it. `Ok(false)` when `if_not_exists` and an index of
    /// that name or an equivalent one exists.
    pub fn create_index(
        &mut self,
        definition: IndexDefinition,
        if_not_exists: bool,
    ) -> Result<bool, SchemaError> {
        let clash = self.index_clash(&definition);
        match clash {
            Some(_) if if_not_exists => Ok(false),
            Some(error) => Err(error),
            None => {
                self.add_index(definition);
                Ok(true)
            }
        }
    }

    /// Removes an index. `Ok(false)` when `if_exists` and there is none of that name.
    pub fn drop_index(&mut self, name: &str, if_exists: bool) -> Result<bool, SchemaError> {
        let Some(position) =
            self.schema.indexes.iter().position(|index| index.definition.name == name)
        else {
            return if if_exists {
                Ok(false)
            } else {
                Err(SchemaError::NoSuchIndex(name.to_owned()))
            };
        };
        if let Some(owner) = &self.schema.indexes[position].definition.owner {
            return Err(SchemaError::OwnedIndex(name.to_owned(), owner.clone()));
        }
        let removed = self.schema.indexes.remove(position);
        self.schema.generation += 1;
        self.journal.record(Undo::DroppedIndex(Box::new((removed.definition, position))));
        Ok(true)
    }

    /// Declares a constraint after checking the data keeps it; `Ok(false)` when
    /// `if_not_exists` and one of that name or an equivalent one exists.
    pub fn create_constraint(
        &mut self,
        definition: ConstraintDefinition,
        if_not_exists: bool,
    ) -> Result<bool, SchemaError> {
        if let Some(error) = self.constraint_clash(&definition) {
            return if if_not_exists { Ok(false) } else { Err(error) };
        }
        // Declare, check the data, and take it back if the data breaks it.
        let index_name = self.place_constraint(definition.clone())?;
        let violations = self.violations_of(&definition);
        if !violations.is_empty() {
            self.forget_constraint(&definition.name);
            return Err(SchemaError::ExistingViolations {
                name: definition.name,
                total: violations.len(),
                violations: violations.into_iter().take(LISTED_VIOLATIONS).collect(),
            });
        }
        self.journal.record(Undo::CreatedConstraint(definition.name.as_str().into()));
        if let Some(name) = index_name {
            self.journal.record(Undo::CreatedIndex(name.into()));
        }
        Ok(true)
    }

    /// Declares a constraint without checking the data, for data loaded from files: what
    /// breaks it is reported (`constraint_violations`), not refused, so a curator can
    /// load the folder and fix it. Unjournaled.
    pub fn declare_constraint_unchecked(
        &mut self,
        definition: ConstraintDefinition,
    ) -> Result<(), SchemaError> {
        if let Some(error) = self.constraint_clash(&definition) {
            return Err(error);
        }
        self.place_constraint(definition)?;
        Ok(())
    }

    /// Adds a constraint and fills the index it owns, unjournaled; the name of that
    /// index. Refused when an index of the user's already covers what it would own.
    fn place_constraint(
        &mut self,
        definition: ConstraintDefinition,
    ) -> Result<Option<String>, SchemaError> {
        let index = definition.owns_index().then(|| IndexDefinition {
            name: definition.name.clone(),
            kind: IndexKind::Range,
            entity: definition.entity,
            label: definition.label.clone(),
            properties: definition.properties.clone(),
            owner: Some(definition.name.clone()),
        });
        if let Some(index) = &index
            && let Some(existing) = self.indexes().find(|existing| existing.equivalent(index))
        {
            return Err(SchemaError::IndexInTheWay(existing.name.clone(), existing.pattern()));
        }
        self.schema.constraints.push(definition);
        Ok(index.map(|index| {
            let name = index.name.clone();
            self.insert_index(index, usize::MAX);
            name
        }))
    }

    /// Why an index could not be declared as new: its name or an equivalent one.
    fn index_clash(&self, definition: &IndexDefinition) -> Option<SchemaError> {
        if self.name_taken(&definition.name) {
            return Some(SchemaError::NameTaken(definition.name.clone()));
        }
        self.indexes()
            .find(|existing| existing.equivalent(definition))
            .map(|existing| SchemaError::EquivalentIndex(existing.name.clone()))
    }

    /// Why a constraint could not be declared as new: its name or an equivalent one.
    fn constraint_clash(&self, definition: &ConstraintDefinition) -> Option<SchemaError> {
        if self.name_taken(&definition.name) {
            return Some(SchemaError::NameTaken(definition.name.clone()));
        }
        self.schema
            .constraints
            .iter()
            .find(|existing| existing.equivalent(definition))
            .map(|existing| SchemaError::EquivalentConstraint(existing.name.clone()))
    }

    /// Removes a constraint and the index it owns.
    pub fn drop_constraint(&mut self, name: &str, if_exists: bool) -> Result<bool, SchemaError> {
        if !self.schema.constraints.iter().any(|constraint| constraint.name == name) {
            return if if_exists {
                Ok(false)
            } else {
                Err(SchemaError::NoSuchConstraint(name.to_owned()))
            };
        }
        let (definition, position, index) = self.forget_constraint(name);
        self.journal.record(Undo::DroppedConstraint(Box::new((definition, position, index))));
        Ok(true)
    }

    fn name_taken(&self, name: &str) -> bool {
        self.indexes().any(|index| index.name == name)
            || self.schema.constraints.iter().any(|constraint| constraint.name == name)
    }

    /// Declares and fills an index, journaled.
    fn add_index(&mut self, definition: IndexDefinition) {
        let name = definition.name.clone();
        let position = self.schema.indexes.len();
        self.insert_index(definition, position);
        self.journal.record(Undo::CreatedIndex(name.into()));
    }

    /// Declares and fills an index at `position`, unjournaled (also the undo of a drop).
    pub(in crate::graph) fn insert_index(&mut self, definition: IndexDefinition, position: usize) {
        let owner = match definition.entity {
            EntityKind::Node => self.labels.intern(&definition.label),
            EntityKind::Relationship => self.rel_types.intern(&definition.label),
        };
        let keys: Vec<Symbol> =
            definition.properties.iter().map(|key| self.intern_key(key)).collect();
        let strings_only = definition.kind == IndexKind::Text;
        let physical = match definition.entity {
            EntityKind::Node => {
                let mut index = PropertyIndex::new(owner, keys, strings_only);
                for node in self.labelled(owner) {
                    if let Some(key) = index.key_of(|key| self.node_property(node, key)) {
                        index.insert(key, node);
                    }
                }
                Physical::Nodes(index)
            }
            EntityKind::Relationship => {
                let mut index = PropertyIndex::new(owner, keys, strings_only);
                for edge in self.edges().filter(|edge| self.edge_type_symbol(*edge) == owner) {
                    if let Some(key) = index.key_of(|key| self.edge_property(edge, key)) {
                        index.insert(key, edge);
                    }
                }
                Physical::Edges(index)
            }
        };
        let position = position.min(self.schema.indexes.len());
        self.schema.indexes.insert(position, DeclaredIndex { definition, physical });
        self.schema.generation += 1;
    }

    /// Removes an index by name, unjournaled (the undo of a creation).
    pub(in crate::graph) fn remove_index(&mut self, name: &str) {
        self.schema.indexes.retain(|index| index.definition.name != name);
        self.schema.generation += 1;
    }

    /// Removes a constraint and its index, unjournaled; returns what an undo needs.
    pub(in crate::graph) fn forget_constraint(
        &mut self,
        name: &str,
    ) -> (ConstraintDefinition, usize, Option<(IndexDefinition, usize)>) {
        let position = self
            .schema
            .constraints
            .iter()
            .position(|constraint| constraint.name == name)
            .expect("callers look the constraint up first");
        let definition = self.schema.constraints.remove(position);
        let index = self
            .schema
            .indexes
            .iter()
            .position(|index| index.definition.owner.as_deref() == Some(name))
            .map(|at| (self.schema.indexes.remove(at).definition, at));
        self.schema.generation += 1;
        (definition, position, index)
    }
}
