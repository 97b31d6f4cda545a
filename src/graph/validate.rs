//! `Graph::validate`: every index recomputed from the primary data and compared with
//! the one the mutation API maintains. The tests run it after every write statement.

use super::write::same_number;
use super::{Graph, NodeId, Symbol, Value};

impl Graph {
    /// Checks every index against the primary data (node records, property columns and
    /// relationship records); each problem found is one line of the error.
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if !self.stale_labels.is_empty() || !self.stale_ranges.is_empty() {
            problems.push("indexes hold stale entries that were never flushed".to_owned());
        }
        let live: Vec<NodeId> = self.nodes().collect();
        let name_key = self.keys.get("name");

        // Labels: each live node is in the list of each of its labels, and nothing else is.
        let mut label_total = vec![0usize; self.labels.names.len()];
        for node in &live {
            for label in self.node_label_symbols(*node) {
                label_total[label.0 as usize] += 1;
                if self.nodes_with_label(*label).binary_search(node).is_err() {
                    problems.push(format!("node {} missing from label list {}", node.0, label.0));
                }
            }
        }
        for (slot, list) in self.nodes_by_label.iter().enumerate() {
            if !list.windows(2).all(|pair| pair[0] < pair[1]) {
                problems.push(format!("label list {slot} is not in strict id order"));
            }
            if list.len() != label_total.get(slot).copied().unwrap_or(0) {
                problems.push(format!(
                    "label list {slot} has {} entries for {} nodes",
                    list.len(),
                    label_total.get(slot).copied().unwrap_or(0)
                ));
            }
        }

        // Ids: every live node is found by its key, and only live nodes are.
        if self.nodes_by_key.len() != live.len() {
            problems.push(format!(
                "id index has {} entries for {} nodes",
                self.nodes_by_key.len(),
                live.len()
            ));
        }
        for node in &live {
            if self.node_by_key(self.node_key(*node)) != Some(*node) {
                problems.push(format!("node {} not found by its id", node.0));
            }
        }

        // Names and ranges.
        let mut named = 0;
        let mut ranged = 0;
        for node in &live {
            if let Some(Value::String(name)) =
                name_key.and_then(|key| self.node_property(*node, key))
            {
                named += 1;
                if !self.nodes_named(name).contains(node) {
                    problems.push(format!("node {} missing from the name index", node.0));
                }
            }
            for (key, column) in self.node_columns.iter().enumerate() {
                let Some(value @ (Value::Int(_) | Value::Float(_))) = column.get(node.0 as usize)
                else {
                    continue;
                };
                if matches!(value, Value::Float(number) if number.is_nan()) {
                    continue;
                }
                for label in self.node_label_symbols(*node) {
                    ranged += 1;
                    let found = self.range_index(*label, Symbol(key as u32)).is_some_and(|index| {
                        index.entries().any(|(entry, id)| id == *node && same_number(&entry, value))
                    });
                    if !found {
                        problems.push(format!(
                            "node {} value {value:?} missing from range index ({label:?}, {key})",
                            node.0
                        ));
                    }
                }
            }
        }
        let name_entries: usize =
            self.nodes_by_name.values().map(|list| list.as_slice().len()).sum();
        if name_entries != named {
            problems.push(format!("name index has {name_entries} entries for {named} names"));
        }
        let range_entries: usize =
            self.range_indexes.values().map(|index| index.entries().count()).sum();
        if range_entries != ranged {
            problems
                .push(format!("range indexes have {range_entries} entries for {ranged} values"));
        }
        if self.range_indexes.values().any(|index| !index.is_sorted()) {
            problems.push("a range index is not sorted".to_owned());
        }

        // Relationships: each live one is in both endpoints' lists with the right label
        // copy, counts by type agree, and deleted ones are nowhere.
        let mut by_type = vec![0usize; self.rel_types.names.len()];
        let mut entries = 0;
        for edge in self.edges() {
            let (from, to) = self.edge_endpoints(edge);
            by_type[self.edge_type_symbol(edge).0 as usize] += 1;
            entries += if from == to { 1 } else { 2 };
            if self.is_node_deleted(from) || self.is_node_deleted(to) {
                problems.push(format!("relationship {} touches a deleted node", edge.0));
            }
            let outgoing = self.adjacency[from.0 as usize].iter().any(|entry| {
                entry.edge == edge
                    && entry.other == to
                    && entry.is_outgoing()
                    && entry.other_label_set == self.node(to).label_set
            });
            let incoming = from == to
                || self.adjacency[to.0 as usize].iter().any(|entry| {
                    entry.edge == edge
                        && entry.other == from
                        && !entry.is_outgoing()
                        && entry.other_label_set == self.node(from).label_set
                });
            if !outgoing || !incoming {
                problems.push(format!("relationship {} is missing from an adjacency list", edge.0));
            }
        }
        let listed: usize = self.adjacency.iter().map(Vec::len).sum();
        if listed != entries {
            problems.push(format!("adjacency lists hold {listed} entries for {entries}"));
        }
        for (slot, count) in self.edges_by_type.iter().enumerate() {
            if *count != by_type.get(slot).copied().unwrap_or(0) {
                problems.push(format!("type {slot} counts {count}, found {}", by_type[slot]));
            }
        }
        if live.len() != self.node_count() || self.edges().count() != self.edge_count() {
            problems.push("node or relationship counts disagree with the records".to_owned());
        }
        self.validate_schema(&mut problems);
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }
}
