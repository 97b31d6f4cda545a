//! The plan as data rather than text: a tree of operators, each with its name, the
//! words that say what it does, and (for `PROFILE`) the rows it produced and the time
//! it took. Bolt sends it as a result summary's `plan` or `profile`, which the drivers
//! turn into their plan objects. The same lines as the EXPLAIN printer (`print`).

use std::time::Duration;

use super::print::{describe_write, op_children, op_line};
use super::{Op, Plan, Write};

/// One operator of a described plan.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanNode {
    /// The operator's name, as EXPLAIN prints it first (`NodeScan`, `Expand`, `Create`).
    pub operator: String,
    /// The rest of its EXPLAIN line: what it reads, follows or writes.
    pub details: String,
    /// The variables it makes available.
    pub identifiers: Vec<String>,
    /// `PROFILE` only: the rows it produced and the time spent in it and below.
    pub rows: Option<u64>,
    pub time: Option<Duration>,
    pub children: Vec<PlanNode>,
}

impl PlanNode {
    fn from_line(line: &str, children: Vec<PlanNode>) -> PlanNode {
        let (operator, details) = line.split_once(' ').unwrap_or((line, ""));
        PlanNode {
            operator: operator.to_owned(),
            details: details.trim().to_owned(),
            identifiers: Vec::new(),
            rows: None,
            time: None,
            children,
        }
    }
}

impl Plan {
    /// The plan as a tree, rooted at `ProduceResults`; `figures` gives `PROFILE`'s rows
    /// and time per operator.
    pub fn tree(&self, figures: &dyn Fn(&Op) -> Option<(u64, Duration)>) -> PlanNode {
        // Each segment reads the rows of the one before it: the last is the root's child.
        let mut below: Option<PlanNode> = None;
        for segment in &self.segments {
            let mut reads = self.op_tree(&segment.reads, figures);
            if let Some(previous) = below.take() {
                attach_leaf(&mut reads, previous);
            }
            below = Some(match &segment.write {
                Some(write) => {
                    let mut children = Vec::new();
                    if let Write::Merge(merge) = write {
                        children.push(self.op_tree(&merge.matcher, figures));
                    }
                    children.push(reads);
                    PlanNode::from_line(&describe_write(write, self), children)
                }
                None => reads,
            });
        }
        let mut root = PlanNode::from_line("ProduceResults", below.into_iter().collect());
        root.identifiers = self.columns.iter().map(|(name, _)| name.clone()).collect();
        root.details = root.identifiers.join(", ");
        root
    }

    fn op_tree(&self, op: &Op, figures: &dyn Fn(&Op) -> Option<(u64, Duration)>) -> PlanNode {
        let children: Vec<PlanNode> = op_children(op)
            .into_iter()
            .filter(|child| !matches!(child, Op::Argument))
            .map(|child| self.op_tree(child, figures))
            .collect();
        let mut node = PlanNode::from_line(&op_line(op, self), children);
        if let Some((rows, time)) = figures(op) {
            node.rows = Some(rows);
            node.time = Some(time);
        }
        node
    }
}

/// Hangs `leaf` under the deepest first child of `tree` (where the segment's reads
/// start from the rows handed on by the segment before).
fn attach_leaf(tree: &mut PlanNode, leaf: PlanNode) {
    match tree.children.first_mut() {
        Some(child) => attach_leaf(child, leaf),
        None => tree.children.push(leaf),
    }
}

#[cfg(test)]
mod tests {
    use crate::graph::Graph;
    use crate::query::prepare;
    use crate::query::procedures::Procedures;

    #[test]
    fn a_plan_is_a_tree_of_its_explain_lines() {
        let graph = Graph::default();
        let text = "MATCH (a:A)-[:R]->(b) WHERE b.x > 1 CREATE (a)-[:S]->(:C) RETURN a";
        let prepared = prepare(text, &graph, &Procedures::builtin()).unwrap();
        let tree = prepared.plan().tree(&|_| None);
        assert_eq!(tree.operator, "ProduceResults");
        assert_eq!(tree.identifiers, ["a"]);
        let mut names = Vec::new();
        let mut node = &tree;
        while let Some(child) = node.children.first() {
            names.push(child.operator.as_str());
            node = child;
        }
        assert!(names.contains(&"Create"), "{names:?}");
        assert!(
            names.contains(&"Expand") || names.iter().any(|n| n.starts_with("Expand")),
            "{names:?}"
        );
        assert!(names.iter().any(|name| name.contains("Scan")), "{names:?}");
    }
}
