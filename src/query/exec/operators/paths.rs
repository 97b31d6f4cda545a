//! Operators that walk paths: variable-length expansion (each path a row, relationships
//! never reused within a path, a cap on the steps walked) and shortest paths
//! (breadth-first from both ends, all shortest when asked).

use super::*;

pub(super) fn open_var_expand<'g>(
    expand: &'g VarExpand,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    let input = open(&expand.input, context, argument)?;
    let types: Option<Rc<[Symbol]>> = type_symbols(context, &expand.types).map(Rc::from);
    Ok(flat_map_rows(input, context, move |mut row| {
        let (start, target) = match endpoints(&row, expand.from, expand.to, expand.into) {
            Ok(Some(endpoints)) => endpoints,
            Ok(None) => return empty(),
            Err(error) => return single(Err(error)),
        };
        let mut wanted_properties = Vec::new();
        for (key, expr) in &expand.rel_properties {
            match eval(expr, &mut row, context) {
                Ok(value) => wanted_properties.push((context.graph.key_symbol(key), value)),
                Err(error) => return single(Err(error)),
            }
        }
        Box::new(VarExpandWalk {
            expand,
            context,
            types: types.clone(),
            wanted_properties,
            row,
            target,
            stack: vec![(start, None, 0)],
            path: Vec::new(),
            steps: 0,
            failed: false,
        })
    }))
}

/// Depth-first walk over relationship-unique paths, yielding one row per path whose
/// length is within bounds.
struct VarExpandWalk<'g> {
    expand: &'g VarExpand,
    context: &'g Context<'g>,
    types: Option<Rc<[Symbol]>>,
    wanted_properties: Vec<(Option<Symbol>, Value)>,
    row: Row,
    target: Option<NodeId>,
    /// Nodes to enter: (node, relationship that led there, its depth). Depth-first
    /// order guarantees that when an entry of depth d is popped, the first d-1
    /// relationships of `path` lead to its parent.
    stack: Vec<(NodeId, Option<EdgeId>, usize)>,
    /// Relationships on the current path.
    path: Vec<EdgeId>,
    steps: u64,
    failed: bool,
}

impl VarExpandWalk<'_> {
    fn edge_matches(&self, edge: EdgeId) -> bool {
        self.wanted_properties.iter().all(|(key, value)| match key {
            Some(key) => self
                .context
                .graph
                .edge_property(edge, *key)
                .is_some_and(|found| found.cypher_eq(value) == Some(true)),
            None => false,
        })
    }
}

impl Iterator for VarExpandWalk<'_> {
    type Item = Result<Row, ExecError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        while let Some((node, via, depth)) = self.stack.pop() {
            self.path.truncate(depth.saturating_sub(1));
            if let Some(edge) = via {
                self.path.push(edge);
            }
            self.steps += 1;
            if self.steps > self.context.control.max_path_steps {
                self.failed = true;
                return Some(Err(ExecError::new(
                    ErrorKind::ResourceLimit,
                    ErrorCode::PathExplosion,
                    format!(
                        "a variable-length pattern walked more than {} paths from one start node; add an upper bound (e.g. *1..4) or a more selective start",
                        self.context.control.max_path_steps
                    ),
                )));
            }
            if let Err(error) = self.context.check() {
                self.failed = true;
                return Some(Err(error));
            }
            let depth = self.path.len() as u64;
            // Children are pushed now so the stack order is depth-first.
            if self.expand.max.is_none_or(|max| depth < max) {
                let neighbors: Vec<_> = self
                    .context
                    .graph
                    .neighbors(node, self.expand.dir, self.types.as_deref())
                    .collect();
                for neighbor in neighbors.into_iter().rev() {
                    if self.path.contains(&neighbor.edge)
                        || already_used(neighbor.edge, &self.row, &self.expand.distinct_from)
                    {
                        continue;
                    }
                    if !self.wanted_properties.is_empty() && !self.edge_matches(neighbor.edge) {
                        continue;
                    }
                    self.stack.push((neighbor.node, Some(neighbor.edge), depth as usize + 1));
                }
            }
            let in_range = depth >= self.expand.min;
            if in_range && self.target.is_none_or(|target| target == node) {
                let mut next = self.row.clone();
                next[self.expand.rels] =
                    Value::List(self.path.iter().map(|edge| Value::Relationship(*edge)).collect());
                next[self.expand.to] = Value::Node(node);
                return Some(Ok(next));
            }
        }
        None
    }
}

pub(super) fn open_shortest<'g>(
    shortest: &'g ShortestPath,
    context: &'g Context<'g>,
    argument: Argument,
) -> Result<RowIter<'g>, ExecError> {
    let input = open(&shortest.input, context, argument)?;
    let types = type_symbols(context, &shortest.types);
    Ok(flat_map_rows(input, context, move |row| {
        let (from, to) = match (node_in(&row, shortest.from), node_in(&row, shortest.to)) {
            (Ok(Some(from)), Ok(Some(to))) => (from, to),
            (Err(error), _) | (_, Err(error)) => return single(Err(error)),
            _ => return empty(),
        };
        let paths = match shortest_paths(context, from, to, shortest, types.as_deref()) {
            Ok(paths) => paths,
            Err(error) => return single(Err(error)),
        };
        Box::new(paths.into_iter().map(move |path| {
            let mut next = row.clone();
            if let Some(rels) = shortest.rels {
                next[rels] = Value::List(
                    path.relationships.iter().map(|edge| Value::Relationship(*edge)).collect(),
                );
            }
            next[shortest.path] = Value::Path(std::sync::Arc::new(path));
            Ok(next)
        }))
    }))
}

/// Breadth-first search from both ends at once: each round grows the smaller frontier by
/// one level, and the search stops at the first level where the frontiers meet.
fn shortest_paths(
    context: &Context<'_>,
    from: NodeId,
    to: NodeId,
    shortest: &ShortestPath,
    types: Option<&[Symbol]>,
) -> Result<Vec<Path>, ExecError> {
    if from == to {
        return Ok(if shortest.min == 0 {
            vec![Path { nodes: vec![from], relationships: Vec::new() }]
        } else {
            Vec::new()
        });
    }
    let reverse = match shortest.dir {
        Dir::Outgoing => Dir::Incoming,
        Dir::Incoming => Dir::Outgoing,
        Dir::Both => Dir::Both,
    };
    // For each reached node: its distance and the (edge, previous node) pairs that reach
    // it at that distance.
    let mut forward: Reached = HashMap::from([(from, (0, Vec::new()))]);
    let mut backward: Reached = HashMap::from([(to, (0, Vec::new()))]);
    let mut forward_frontier = vec![from];
    let mut backward_frontier = vec![to];
    let (mut forward_depth, mut backward_depth) = (0u64, 0u64);
    let mut steps = 0u64;
    loop {
        if forward_frontier.is_empty() || backward_frontier.is_empty() {
            return Ok(Vec::new());
        }
        if shortest.max.is_some_and(|max| forward_depth + backward_depth >= max) {
            return Ok(Vec::new());
        }
        let grow_forward = forward_frontier.len() <= backward_frontier.len();
        let (frontier, seen, other, dir, depth) = if grow_forward {
            (&mut forward_frontier, &mut forward, &backward, shortest.dir, &mut forward_depth)
        } else {
            (&mut backward_frontier, &mut backward, &forward, reverse, &mut backward_depth)
        };
        *depth += 1;
        let mut next_frontier = Vec::new();
        let mut meeting = Vec::new();
        for node in frontier.iter() {
            for neighbor in context.graph.neighbors(*node, dir, types) {
                steps += 1;
                if steps.is_multiple_of(4096) {
                    context.check_now()?;
                }
                match seen.get_mut(&neighbor.node) {
                    Some((distance, parents)) if *distance == *depth => {
                        parents.push((neighbor.edge, *node))
                    }
                    Some(_) => {}
                    None => {
                        seen.insert(neighbor.node, (*depth, vec![(neighbor.edge, *node)]));
                        next_frontier.push(neighbor.node);
                        if other.contains_key(&neighbor.node) {
                            meeting.push(neighbor.node);
                        }
                    }
                }
            }
        }
        *frontier = next_frontier;
        if !meeting.is_empty() {
            meeting.sort_unstable();
            meeting.dedup();
            let mut paths = Vec::new();
            for middle in meeting {
                for head in unwind_parents(&forward, middle, false) {
                    for tail in unwind_parents(&backward, middle, true) {
                        let mut path = head.clone();
                        path.relationships.extend(tail.relationships.iter().copied());
                        path.nodes.extend(tail.nodes.iter().skip(1).copied());
                        // Relationship-unique paths only (an undirected walk may reuse one).
                        let unique: HashSet<_> = path.relationships.iter().collect();
                        if unique.len() == path.relationships.len()
                            && path.relationships.len() as u64 >= shortest.min
                        {
                            paths.push(path);
                        }
                        if !shortest.all && !paths.is_empty() {
                            return Ok(paths);
                        }
                    }
                }
            }
            if !paths.is_empty() {
                return Ok(paths);
            }
        }
    }
}

/// For each node a search reached: its distance and the (relationship, previous node)
/// pairs that reach it at that distance.
type Reached = HashMap<NodeId, (u64, Vec<(EdgeId, NodeId)>)>;

/// Every path from a search's root to `node` following the parent links; `reversed`
/// lists them from `node` back to the root (for the backward search).
fn unwind_parents(seen: &Reached, node: NodeId, reversed: bool) -> Vec<Path> {
    let mut finished = Vec::new();
    let mut partial: VecDeque<Path> =
        VecDeque::from([Path { nodes: vec![node], relationships: Vec::new() }]);
    while let Some(path) = partial.pop_front() {
        let last = *path.nodes.last().expect("paths start with a node");
        let parents = &seen[&last].1;
        if parents.is_empty() {
            finished.push(path);
            continue;
        }
        for (edge, previous) in parents {
            let mut longer = path.clone();
            longer.relationships.push(*edge);
            longer.nodes.push(*previous);
            partial.push_back(longer);
        }
        if finished.len() + partial.len() > 100_000 {
            break;
        }
    }
    if !reversed {
        for path in &mut finished {
            path.nodes.reverse();
            path.relationships.reverse();
        }
    }
    finished
}
