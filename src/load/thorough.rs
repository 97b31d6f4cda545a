//! The thorough load: the path taken when the fast one gives up. It validates every
//! file, element and rule, reports every problem with its file, line, column and id,
//! and returns the graph only when there is no error.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::format::keys;
use super::limits::{self, MAX_FILE_BYTES, quoted};
use super::locate::{self, Locator};
use super::schema_file::CONSTRAINTS;
use super::{
    LoadError, Loaded, Problem, SCHEMA_FILE, Severity, Source, Vocabulary, declare, is_schema,
    read_edge, read_node, read_vocabulary,
};
use crate::graph::{Graph, NodeId, Value};

/// An edge waiting for every file to be read, with where it came from.
struct PendingEdge<'text> {
    file: usize,
    index: usize,
    from: &'text str,
    to: &'text str,
    rel_type: &'text str,
    properties: Vec<(String, Value)>,
}

/// A thorough load under way: the texts, a locator for each, the vocabulary
/// `schema.json` declares (and which file it is), and the problems found so far.
struct Thorough<'s> {
    sources: &'s [Source],
    /// One locator per file for the whole load: it remembers what it walked, so
    /// locating a problem in every element stays one pass over the file.
    locators: Vec<Locator<'s>>,
    vocabulary: Option<Vocabulary>,
    schema_file: Option<usize>,
    problems: Vec<Problem>,
    /// For each name outside the vocabulary, its one warning (the first use) and how
    /// many more elements use it: a thousand nodes of a new label make one line.
    unknown_names: HashMap<String, (usize, usize)>,
}

/// Validates everything, reporting every problem with its position, and builds the
/// graph when there is no error.
pub(super) fn load_sources_thorough(sources: &[Source]) -> Result<Loaded, LoadError> {
    let mut load = Thorough {
        sources,
        locators: sources.iter().map(|source| Locator::new(&source.text)).collect(),
        vocabulary: None,
        schema_file: None,
        problems: Vec::new(),
        unknown_names: HashMap::new(),
    };
    let documents = load.parse_sources();
    let mut graph = Graph::default();
    graph.begin_bulk();
    let pending_edges = load.read_documents(&mut graph, &documents);
    load.add_edges(&mut graph, pending_edges);
    graph.end_bulk();
    load.declare_rules(&mut graph);
    load.count_unknown_names();
    let problems = load.problems;
    if problems.iter().any(|problem| problem.severity == Severity::Error) {
        return Err(LoadError { problems });
    }
    Ok(Loaded { graph, warnings: problems })
}

impl<'s> Thorough<'s> {
    /// Notes an error at `(line, column)` of file `file`.
    fn error(&mut self, file: usize, at: (usize, usize), id: Option<String>, message: String) {
        self.problems.push(problem_at(&self.sources[file], at.0, at.1, id, message));
    }

    /// Notes a warning at `(line, column)` of file `file`.
    /// Warns of a name outside the vocabulary at its first use only, counting the rest.
    fn unknown_name(
        &mut self,
        file: usize,
        at: (usize, usize),
        id: Option<String>,
        message: String,
    ) {
        if let Some((_, more)) = self.unknown_names.get_mut(&message) {
            *more += 1;
            return;
        }
        self.unknown_names.insert(message.clone(), (self.problems.len(), 0));
        self.warning(file, at, id, message);
    }

    /// Adds to each unknown name's warning how many more elements use it.
    fn count_unknown_names(&mut self) {
        for (index, more) in self.unknown_names.values() {
            if *more > 0 {
                let problem = &mut self.problems[*index];
                problem.message.push_str(&format!(" ({more} more use it)"));
            }
        }
    }

    fn warning(&mut self, file: usize, at: (usize, usize), id: Option<String>, message: String) {
        self.problems.push(Problem {
            severity: Severity::Warning,
            ..problem_at(&self.sources[file], at.0, at.1, id, message)
        });
    }

    /// Parses each file, `schema.json` as the vocabulary; returns the data documents by file.
    fn parse_sources(&mut self) -> Vec<(usize, Json)> {
        let mut documents: Vec<(usize, Json)> = Vec::new();
        let sources = self.sources;
        for (file_index, source) in sources.iter().enumerate() {
            if source.text.len() as u64 > MAX_FILE_BYTES {
                let message = limits::file_too_large_message(source.text.len() as u64);
                self.error(file_index, (1, 1), None, message);
                continue;
            }
            let parsed: Json = match serde_json::from_str(&source.text) {
                Ok(parsed) => parsed,
                Err(error) => {
                    let message = format!(
                        "malformed JSON: {}",
                        limits::clearer_json_message(&strip_position(&error.to_string()))
                    );
                    let line = error.line().max(1);
                    let column = locate::character_column(&source.text, line, error.column());
                    self.error(file_index, (line, column), None, message);
                    continue;
                }
            };
            if is_schema(source) {
                self.schema_file = Some(file_index);
                match read_vocabulary(&parsed) {
                    Ok(found) => self.vocabulary = Some(found),
                    Err((key, message)) => {
                        let at = self.locators[file_index].top_level_key(key);
                        self.error(file_index, at, None, message);
                    }
                }
                continue;
            }
            documents.push((file_index, parsed));
        }
        documents
    }

    /// Adds every document's nodes to `graph`; returns their edges, to add once all nodes are in.
    fn read_documents<'j>(
        &mut self,
        graph: &mut Graph,
        documents: &'j [(usize, Json)],
    ) -> Vec<PendingEdge<'j>> {
        let mut node_origin: HashMap<NodeId, (usize, usize)> = HashMap::new();
        let mut pending_edges: Vec<PendingEdge<'j>> = Vec::new();
        for (file_index, document) in documents {
            let file_index = *file_index;
            let Some(object) = document.as_object() else {
                let message = "expected a JSON object with `nodes` and `edges`".to_owned();
                self.error(file_index, (1, 1), None, message);
                continue;
            };
            for key in object.keys() {
                if key != keys::NODES && key != keys::EDGES {
                    let at = self.locators[file_index].top_level_key(key);
                    let message = format!(
                        "unknown top-level key {} (expected `nodes` and `edges`)",
                        quoted(key)
                    );
                    self.error(file_index, at, None, message);
                }
            }
            match object.get(keys::NODES) {
                None | Some(Json::Null) => {}
                Some(Json::Array(nodes)) => {
                    for (index, node) in nodes.iter().enumerate() {
                        self.add_node(graph, file_index, index, node, &mut node_origin);
                    }
                }
                Some(_) => {
                    let at = self.locators[file_index].top_level_key(keys::NODES);
                    self.error(file_index, at, None, "`nodes` must be a list".to_owned());
                }
            }
            match object.get(keys::EDGES) {
                None | Some(Json::Null) => {}
                Some(Json::Array(edges)) => {
                    for (index, edge) in edges.iter().enumerate() {
                        match read_edge(edge) {
                            Err((field, message)) => {
                                let at = self.locators[file_index].element(
                                    keys::EDGES,
                                    index,
                                    field.as_deref(),
                                );
                                self.error(file_index, at, edge_label(edge), message);
                            }
                            Ok((from, to, rel_type, properties)) => {
                                pending_edges.push(PendingEdge {
                                    file: file_index,
                                    index,
                                    from,
                                    to,
                                    rel_type,
                                    properties,
                                });
                            }
                        }
                    }
                }
                Some(_) => {
                    let at = self.locators[file_index].top_level_key(keys::EDGES);
                    self.error(file_index, at, None, "`edges` must be a list".to_owned());
                }
            }
        }
        pending_edges
    }

    /// Reads node `index` of file `file` into `graph`, noting its problems and its origin.
    fn add_node(
        &mut self,
        graph: &mut Graph,
        file: usize,
        index: usize,
        node: &Json,
        node_origin: &mut HashMap<NodeId, (usize, usize)>,
    ) {
        let parsed = match read_node(node) {
            Ok(parsed) => parsed,
            Err((field, message)) => {
                let at = self.locators[file].element(keys::NODES, index, field.as_deref());
                let id = node.get(keys::ID).and_then(Json::as_str).map(str::to_owned);
                self.error(file, at, id, message);
                return;
            }
        };
        let labels: Vec<&str> = parsed.labels.iter().map(String::as_str).collect();
        match graph.add_node(Some(&parsed.id), &labels, parsed.properties) {
            Ok(node_id) => {
                node_origin.insert(node_id, (file, index));
            }
            Err(_) => {
                let at = self.locators[file].element(keys::NODES, index, Some(keys::ID));
                let first =
                    graph.node_by_key(&parsed.id).and_then(|existing| node_origin.get(&existing));
                let earlier = match first {
                    Some((first_file, first_index)) => {
                        let (first_line, first_column) = self.locators[*first_file].element(
                            keys::NODES,
                            *first_index,
                            Some(keys::ID),
                        );
                        format!(
                            " (first defined at {}:{first_line}:{first_column})",
                            self.sources[*first_file].name
                        )
                    }
                    None => String::new(),
                };
                let message = format!("duplicate node id{earlier}");
                self.error(file, at, Some(parsed.id.clone()), message);
            }
        }
        for label in &labels {
            if let Some(vocabulary) = &self.vocabulary
                && !vocabulary.labels.contains(*label)
            {
                let at = self.locators[file].element(keys::NODES, index, Some(keys::LABELS));
                let message =
                    format!("label {} is not in the vocabulary of {SCHEMA_FILE}", quoted(label));
                self.unknown_name(file, at, Some(parsed.id.clone()), message);
            }
        }
    }

    /// Adds the edges once every node is in, noting unknown ends, refusals and unknown types.
    fn add_edges(&mut self, graph: &mut Graph, pending_edges: Vec<PendingEdge<'_>>) {
        for edge in pending_edges {
            let label = format!("{}->{}", edge.from, edge.to);
            let endpoints = (graph.node_by_key(edge.from), graph.node_by_key(edge.to));
            let (Some(from), Some(to)) = endpoints else {
                let (field, missing) = if endpoints.0.is_none() {
                    (keys::FROM, edge.from)
                } else {
                    (keys::TO, edge.to)
                };
                let at = self.locators[edge.file].element(keys::EDGES, edge.index, Some(field));
                let message = format!("`{field}` names unknown node id {}", quoted(missing));
                self.error(edge.file, at, Some(label), message);
                continue;
            };
            if let Some(vocabulary) = &self.vocabulary
                && !vocabulary.rel_types.contains(edge.rel_type)
            {
                let at =
                    self.locators[edge.file].element(keys::EDGES, edge.index, Some(keys::TYPE));
                let message = format!(
                    "relationship type {} is not in the vocabulary of {SCHEMA_FILE}",
                    quoted(edge.rel_type)
                );
                self.unknown_name(edge.file, at, Some(label.clone()), message);
            }
            if let Err(error) = graph.add_edge(from, to, edge.rel_type, edge.properties) {
                let at = self.locators[edge.file].element(
                    keys::EDGES,
                    edge.index,
                    Some(keys::PROPERTIES),
                );
                self.error(edge.file, at, Some(label), error.to_string());
            }
        }
    }

    /// Declares the rules `schema.json` names, noting what fails to declare and what breaks.
    fn declare_rules(&mut self, graph: &mut Graph) {
        let (Some(vocabulary), Some(schema)) = (&self.vocabulary, self.schema_file) else {
            return;
        };
        let undeclared = declare(graph, &vocabulary.rules);
        for (member, message) in undeclared {
            let at = self.locators[schema].top_level_key(member);
            self.error(schema, at, None, message);
        }
        for violation in graph.constraint_violations() {
            let at = self.locators[schema].top_level_key(CONSTRAINTS);
            let message = violation.to_string().replacen("refused the change", "is broken", 1);
            self.warning(schema, at, None, message);
        }
    }
}

fn problem_at(
    source: &Source,
    line: usize,
    column: usize,
    id: Option<String>,
    message: String,
) -> Problem {
    Problem { severity: Severity::Error, file: source.name.clone(), line, column, id, message }
}

/// serde_json appends " at line L column C" to its messages; the problem says that itself.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}

fn edge_label(edge: &Json) -> Option<String> {
    let from = edge.get(keys::FROM).and_then(Json::as_str)?;
    let to = edge.get(keys::TO).and_then(Json::as_str)?;
    Some(format!("{from}->{to}"))
}
