//! The layout of a save, which record goes where: the data files as they were loaded
//! and the graph as it is now → the new text of each file that changes, and readable
//! ids for new nodes.
//!
//! A node record is matched to its node by id; a relationship record to a relationship
//! with the same ends, type and properties, else to one with the same ends and type
//! (its properties changed), else it was deleted. A record whose element did not
//! change keeps its exact bytes; a changed one is rewritten in place with its keys in
//! their old order; a deleted one is dropped; new elements are appended: a node to the
//! file that holds most nodes with its first label, a relationship to the file of its
//! start node. Pure: texts in, texts out.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

use serde_json::{Map, Value as Json};

use crate::graph::{EdgeId, Graph, NodeId};
use crate::load::format::{
    edge_properties, edge_record, json_text, keys, node_content, node_record,
};
use crate::load::scan::{ArrayLayout, ScanError, object_members, scan_file};

/// One data file's name (within its folder) and text.
#[derive(Clone, Debug)]
pub(crate) struct FileText {
    pub name: String,
    pub text: String,
}

/// What a save writes.
#[derive(Debug, Default)]
pub(crate) struct SavePlan {
    /// Every file whose text changes (or that is new), with its new text.
    pub files: Vec<FileText>,
    /// Readable ids for nodes created since loading.
    pub renames: Vec<(NodeId, String)>,
    pub counts: SaveCounts,
}

/// How many records a save adds, rewrites and removes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SaveCounts {
    pub nodes_added: usize,
    pub nodes_changed: usize,
    pub nodes_removed: usize,
    pub relationships_added: usize,
    pub relationships_changed: usize,
    pub relationships_removed: usize,
}

impl SaveCounts {
    pub fn is_empty(&self) -> bool {
        *self == SaveCounts::default()
    }
}

/// A data file the saver could not read (it loaded, so this means it is not the
/// graph-data layout: for example a top level that is not an object).
#[derive(Debug)]
pub(crate) struct LayoutError {
    pub file: String,
    pub message: String,
}

/// What happens to one record.
enum Action {
    Keep,
    Replace(String),
    Delete,
}

struct FilePlan {
    layout_nodes: Option<ArrayLayout>,
    layout_edges: Option<ArrayLayout>,
    object_close: usize,
    node_actions: Vec<Action>,
    edge_actions: Vec<Action>,
    new_nodes: Vec<String>,
    new_edges: Vec<String>,
}

/// A parsed record with the order its property keys are written in.
struct Record {
    json: Map<String, Json>,
    key_order: Vec<String>,
}

fn read_record(text: &str, range: &Range<usize>, file: &str) -> Result<Record, LayoutError> {
    let slice = &text[range.clone()];
    let error = |message: String| LayoutError { file: file.to_owned(), message };
    let json: Map<String, Json> = serde_json::from_str(slice)
        .map_err(|problem| error(format!("a record is not a JSON object: {problem}")))?;
    let members = object_members(slice).map_err(|problem| scan_error(file, problem))?;
    let key_order = match members.iter().find(|(key, _)| key == keys::PROPERTIES) {
        Some((_, value)) => object_members(&slice[value.clone()])
            .map(|keys| keys.into_iter().map(|(key, _)| key).collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Record { json, key_order })
}

fn scan_error(file: &str, problem: ScanError) -> LayoutError {
    LayoutError {
        file: file.to_owned(),
        message: format!("byte {}: expected {}", problem.at, problem.expected),
    }
}

fn string_field<'r>(record: &'r Record, key: &str) -> &'r str {
    record.json.get(key).and_then(Json::as_str).unwrap_or("")
}

fn properties_of(record: &Record) -> Map<String, Json> {
    record.json.get(keys::PROPERTIES).and_then(Json::as_object).cloned().unwrap_or_default()
}

/// The indentation of records in an array, and of its closing bracket.
fn indents(text: &str, array: Option<&ArrayLayout>) -> (String, String) {
    let leading = |at: usize| {
        let line_start = text[..at].rfind('\n').map_or(0, |newline| newline + 1);
        let space = &text[line_start..at];
        if space.chars().all(|c| c == ' ' || c == '\t') { Some(space.to_owned()) } else { None }
    };
    let Some(array) = array else { return ("    ".into(), "  ".into()) };
    let close = leading(array.close).unwrap_or_else(|| "  ".into());
    let element = array
        .elements
        .first()
        .and_then(|first| leading(first.start))
        .unwrap_or_else(|| format!("{close}  "));
    (element, close)
}

/// Plans writing `graph` over the data files it was loaded from.
pub(crate) fn plan_save(files: &[FileText], graph: &Graph) -> Result<SavePlan, LayoutError> {
    let mut planning = Planning::read(files, graph)?;
    if planning.file_plans.is_empty() {
        return Err(LayoutError {
            file: String::new(),
            message: "no data file to save into".into(),
        });
    }
    // The file holding most node records takes new records that have no better place.
    let biggest_file = (0..planning.file_plans.len())
        .max_by_key(|index| (planning.file_plans[*index].node_actions.len(), usize::MAX - index))
        .unwrap_or(0);
    let final_id = planning.place_new_nodes(biggest_file);
    // Relationships: same content first, then same ends and type, then new.
    let (mut matched, unmatched) = planning.match_unchanged_edges();
    planning.place_changed_and_new_edges(&mut matched, unmatched, &final_id, biggest_file);
    planning.delete_unmatched_edges(&matched);
    let Planning { files, file_plans, mut plan, .. } = planning;
    for (file, file_plan) in files.iter().zip(&file_plans) {
        if let Some(text) = rewrite_file(&file.text, file_plan) {
            plan.files.push(FileText { name: file.name.clone(), text });
        }
    }
    Ok(plan)
}

/// A save being planned: the files, the graph, what the files hold and the plan so far.
struct Planning<'a> {
    files: &'a [FileText],
    graph: &'a Graph,
    file_plans: Vec<FilePlan>,
    /// Node id → file index, for placing relationships.
    file_of_id: HashMap<String, usize>,
    /// First label → file index → how many nodes with that first label the file holds.
    label_files: HashMap<String, HashMap<usize, usize>>,
    /// Labels → id prefix → how many nodes with those labels have ids with it.
    prefixes: HashMap<Vec<String>, HashMap<String, usize>>,
    /// Every relationship record: its file, its position there, and the record.
    edge_records: Vec<(usize, usize, Record)>,
    plan: SavePlan,
}

/// A relationship and its properties, as a record would write them.
type EdgeContent = (EdgeId, Map<String, Json>);

/// The key of a relationship's whole content: its ends, its type and its properties.
fn content_key(from: &str, rel_type: &str, to: &str, properties: &Map<String, Json>) -> String {
    format!("{from}\u{1}{rel_type}\u{1}{to}\u{1}{}", json_text(&Json::Object(properties.clone())))
}

impl<'a> Planning<'a> {
    /// Reads every file's records: what becomes of each node record, and the edges to match.
    fn read(files: &'a [FileText], graph: &'a Graph) -> Result<Planning<'a>, LayoutError> {
        let mut planning = Planning {
            files,
            graph,
            file_plans: Vec::with_capacity(files.len()),
            file_of_id: HashMap::new(),
            label_files: HashMap::new(),
            prefixes: HashMap::new(),
            edge_records: Vec::new(),
            plan: SavePlan::default(),
        };
        for (file_index, file) in files.iter().enumerate() {
            let layout =
                scan_file(&file.text).map_err(|problem| scan_error(&file.name, problem))?;
            let node_actions = match &layout.nodes {
                Some(nodes) => planning.plan_node_records(file_index, nodes)?,
                None => Vec::new(),
            };
            let edge_count = layout.edges.as_ref().map_or(0, |edges| edges.elements.len());
            if let Some(edges) = &layout.edges {
                for (position, range) in edges.elements.iter().enumerate() {
                    let record = read_record(&file.text, range, &file.name)?;
                    planning.edge_records.push((file_index, position, record));
                }
            }
            planning.file_plans.push(FilePlan {
                layout_nodes: layout.nodes,
                layout_edges: layout.edges,
                object_close: layout.object_close,
                node_actions,
                edge_actions: (0..edge_count).map(|_| Action::Keep).collect(),
                new_nodes: Vec::new(),
                new_edges: Vec::new(),
            });
        }
        Ok(planning)
    }

    /// What becomes of each node record of a file, noting where each id, label and prefix is.
    fn plan_node_records(
        &mut self,
        file_index: usize,
        nodes: &ArrayLayout,
    ) -> Result<Vec<Action>, LayoutError> {
        let file = &self.files[file_index];
        let (indent, _) = indents(&file.text, Some(nodes));
        let mut node_actions = Vec::new();
        for range in &nodes.elements {
            let record = read_record(&file.text, range, &file.name)?;
            let id = string_field(&record, keys::ID).to_owned();
            let labels: Vec<String> = record
                .json
                .get(keys::LABELS)
                .and_then(Json::as_array)
                .map(|labels| labels.iter().filter_map(Json::as_str).map(str::to_owned).collect())
                .unwrap_or_default();
            if let Some(first) = labels.first() {
                *self
                    .label_files
                    .entry(first.clone())
                    .or_default()
                    .entry(file_index)
                    .or_default() += 1;
            }
            if let Some((prefix, _)) = id.split_once('-') {
                *self
                    .prefixes
                    .entry(labels.clone())
                    .or_default()
                    .entry(prefix.to_owned())
                    .or_default() += 1;
            }
            self.file_of_id.insert(id.clone(), file_index);
            let counts = &mut self.plan.counts;
            let action = match self.graph.node_by_key(&id) {
                None => {
                    counts.nodes_removed += 1;
                    Action::Delete
                }
                Some(node) => {
                    let (now_labels, now_properties) = node_content(self.graph, node);
                    if now_labels == labels && now_properties == properties_of(&record) {
                        Action::Keep
                    } else {
                        counts.nodes_changed += 1;
                        Action::Replace(node_record(
                            &id,
                            &now_labels,
                            &now_properties,
                            &record.key_order,
                            &indent,
                        ))
                    }
                }
            };
            node_actions.push(action);
        }
        Ok(node_actions)
    }

    /// Appends each node created since loading, with a readable id; returns the ids given.
    fn place_new_nodes(&mut self, biggest_file: usize) -> HashMap<NodeId, String> {
        let graph = self.graph;
        let mut taken: HashSet<String> = self.file_of_id.keys().cloned().collect();
        taken.extend(graph.nodes().map(|node| graph.node_key(node).to_owned()));
        let mut final_id: HashMap<NodeId, String> = HashMap::new();
        let mut next_number: HashMap<String, usize> = HashMap::new();
        for node in graph.nodes() {
            let key = graph.node_key(node);
            if self.file_of_id.contains_key(key) {
                continue;
            }
            let (labels, properties) = node_content(graph, node);
            let id = if is_generated_key(key) {
                let id =
                    readable_id(&labels, &properties, &self.prefixes, &taken, &mut next_number);
                taken.insert(id.clone());
                self.plan.renames.push((node, id.clone()));
                id
            } else {
                key.to_owned()
            };
            // The file holding most nodes with its first label takes it.
            let file_index = labels
                .first()
                .and_then(|label| self.label_files.get(label))
                .and_then(|counts| {
                    counts.iter().max_by_key(|(index, count)| (**count, usize::MAX - **index))
                })
                .map_or(biggest_file, |(index, _)| *index);
            let (indent, _) = indents(
                &self.files[file_index].text,
                self.file_plans[file_index].layout_nodes.as_ref(),
            );
            // A new record lists its keys in the graph's order (the order keys first
            // appeared in the data: `name` first, `source` before `quote`), not
            // alphabetically.
            let key_order: Vec<String> =
                graph.node_properties(node).map(|(key, _)| key.to_owned()).collect();
            self.file_plans[file_index].new_nodes.push(node_record(
                &id,
                &labels,
                &properties,
                &key_order,
                &indent,
            ));
            self.file_of_id.insert(id.clone(), file_index);
            final_id.insert(node, id);
            self.plan.counts.nodes_added += 1;
        }
        final_id
    }

    /// Pairs relationships with records of the same content: the records matched, the rest.
    fn match_unchanged_edges(&self) -> (Vec<bool>, Vec<EdgeContent>) {
        let graph = self.graph;
        let mut by_content: HashMap<String, VecDeque<usize>> = HashMap::new();
        for (at, (_, _, record)) in self.edge_records.iter().enumerate() {
            let key = content_key(
                string_field(record, keys::FROM),
                string_field(record, keys::TYPE),
                string_field(record, keys::TO),
                &properties_of(record),
            );
            by_content.entry(key).or_default().push_back(at);
        }
        let mut matched = vec![false; self.edge_records.len()];
        let mut unmatched = Vec::new();
        for edge in graph.edges() {
            let (from, to) = graph.edge_endpoints(edge);
            let properties = edge_properties(graph, edge);
            let key = content_key(
                graph.node_key(from),
                graph.edge_type(edge),
                graph.node_key(to),
                &properties,
            );
            match by_content.get_mut(&key).and_then(VecDeque::pop_front) {
                Some(at) => matched[at] = true,
                None => unmatched.push((edge, properties)),
            }
        }
        (matched, unmatched)
    }

    /// Rewrites a same-ends record for each changed relationship, and appends the new ones.
    fn place_changed_and_new_edges(
        &mut self,
        matched: &mut [bool],
        unmatched: Vec<EdgeContent>,
        final_id: &HashMap<NodeId, String>,
        biggest_file: usize,
    ) {
        let graph = self.graph;
        let id_of = |node: NodeId| -> String {
            final_id.get(&node).cloned().unwrap_or_else(|| graph.node_key(node).to_owned())
        };
        let mut by_ends: HashMap<(String, String, String), VecDeque<usize>> = HashMap::new();
        for (at, (_, _, record)) in self.edge_records.iter().enumerate() {
            if !matched[at] {
                let ends = (
                    string_field(record, keys::FROM).to_owned(),
                    string_field(record, keys::TYPE).to_owned(),
                    string_field(record, keys::TO).to_owned(),
                );
                by_ends.entry(ends).or_default().push_back(at);
            }
        }
        for (edge, properties) in unmatched {
            let (from, to) = graph.edge_endpoints(edge);
            let ends = (
                graph.node_key(from).to_owned(),
                graph.edge_type(edge).to_owned(),
                graph.node_key(to).to_owned(),
            );
            match by_ends.get_mut(&ends).and_then(VecDeque::pop_front) {
                Some(at) => {
                    matched[at] = true;
                    let (file_index, position, record) = &self.edge_records[at];
                    let (indent, _) = indents(
                        &self.files[*file_index].text,
                        self.file_plans[*file_index].layout_edges.as_ref(),
                    );
                    self.file_plans[*file_index].edge_actions[*position] =
                        Action::Replace(edge_record(
                            &ends.0,
                            &ends.2,
                            &ends.1,
                            &properties,
                            &record.key_order,
                            &indent,
                        ));
                    self.plan.counts.relationships_changed += 1;
                }
                None => {
                    let (from_id, to_id) = (id_of(from), id_of(to));
                    let file_index = self.file_of_id.get(&from_id).copied().unwrap_or(biggest_file);
                    let file_plan = &self.file_plans[file_index];
                    let (indent, _) = indents(
                        &self.files[file_index].text,
                        file_plan.layout_edges.as_ref().or(file_plan.layout_nodes.as_ref()),
                    );
                    let key_order: Vec<String> =
                        graph.edge_properties(edge).map(|(key, _)| key.to_owned()).collect();
                    self.file_plans[file_index].new_edges.push(edge_record(
                        &from_id,
                        &to_id,
                        graph.edge_type(edge),
                        &properties,
                        &key_order,
                        &indent,
                    ));
                    self.plan.counts.relationships_added += 1;
                }
            }
        }
    }

    /// Deletes the relationship records no relationship matched.
    fn delete_unmatched_edges(&mut self, matched: &[bool]) {
        for (at, (file_index, position, _)) in self.edge_records.iter().enumerate() {
            if !matched[at] {
                self.file_plans[*file_index].edge_actions[*position] = Action::Delete;
                self.plan.counts.relationships_removed += 1;
            }
        }
    }
}

/// The new text of a file, or `None` when nothing in it changes.
fn rewrite_file(text: &str, plan: &FilePlan) -> Option<String> {
    let touched = |actions: &[Action], added: &[String]| {
        !added.is_empty() || actions.iter().any(|action| !matches!(action, Action::Keep))
    };
    let nodes_touched = touched(&plan.node_actions, &plan.new_nodes);
    let edges_touched = touched(&plan.edge_actions, &plan.new_edges);
    if !nodes_touched && !edges_touched {
        return None;
    }
    // Splice from the end of the file backwards so earlier offsets stay valid.
    let mut pieces: Vec<(Range<usize>, String)> = Vec::new();
    for (touched, layout, actions, added, key) in [
        (nodes_touched, &plan.layout_nodes, &plan.node_actions, &plan.new_nodes, "nodes"),
        (edges_touched, &plan.layout_edges, &plan.edge_actions, &plan.new_edges, "edges"),
    ] {
        if !touched {
            continue;
        }
        match layout {
            Some(array) => {
                let (indent, close) = indents(text, Some(array));
                let mut records: Vec<String> = Vec::new();
                for (range, action) in array.elements.iter().zip(actions) {
                    match action {
                        Action::Keep => records.push(text[range.clone()].to_owned()),
                        Action::Replace(new) => records.push(new.clone()),
                        Action::Delete => {}
                    }
                }
                records.extend(added.iter().cloned());
                pieces.push((array.open..array.close, array_body(&records, &indent, &close)));
            }
            None => {
                // The file has no such array yet: add one before the closing brace.
                let before_close = text[..plan.object_close].trim_end().len();
                let separator =
                    if text[..before_close].trim_end().ends_with('{') { "" } else { "," };
                let body = array_body(added, "    ", "  ");
                pieces.push((
                    before_close..plan.object_close,
                    format!("{separator}\n  \"{key}\": [{body}]\n"),
                ));
            }
        }
    }
    pieces.sort_by_key(|(range, _)| std::cmp::Reverse(range.start));
    let mut out = text.to_owned();
    for (range, replacement) in pieces {
        out.replace_range(range, &replacement);
    }
    Some(out)
}

/// The inside of an array: each record on its own lines, or nothing.
fn array_body(records: &[String], indent: &str, close: &str) -> String {
    if records.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    for (position, record) in records.iter().enumerate() {
        out.push('\n');
        out.push_str(indent);
        out.push_str(record);
        if position + 1 < records.len() {
            out.push(',');
        }
    }
    out.push('\n');
    out.push_str(close);
    out
}

/// Whether `key` is one the graph made up for a node created without an id (`_n12`).
fn is_generated_key(key: &str) -> bool {
    key.strip_prefix("_n")
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// An id in the style of the data: the prefix most nodes with the same labels use, then
/// the name folded to ASCII (`org-yeni-teskilat`), unique among `taken`.
fn readable_id(
    labels: &[String],
    properties: &Map<String, Json>,
    prefixes: &HashMap<Vec<String>, HashMap<String, usize>>,
    taken: &HashSet<String>,
    next_number: &mut HashMap<String, usize>,
) -> String {
    let most_common = |counts: &HashMap<String, usize>| {
        counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(prefix, _)| prefix.clone())
    };
    let prefix = prefixes
        .get(labels)
        .and_then(most_common)
        .or_else(|| {
            let first = labels.first()?;
            let mut merged: HashMap<String, usize> = HashMap::new();
            for (other_labels, counts) in prefixes {
                if other_labels.first() == Some(first) {
                    for (prefix, count) in counts {
                        *merged.entry(prefix.clone()).or_default() += count;
                    }
                }
            }
            most_common(&merged)
        })
        .unwrap_or_else(|| labels.first().map_or("node".to_owned(), |label| slug(label, 24)));
    let name = properties
        .get("name")
        .or_else(|| properties.get("name_en"))
        .and_then(Json::as_str)
        .map(|name| slug(name, 48))
        .filter(|slug| !slug.is_empty())
        .unwrap_or_else(|| "new".to_owned());
    let base = format!("{prefix}-{name}");
    if !taken.contains(&base) {
        return base;
    }
    // Counting on from where the last node of this base stopped keeps a save of many
    // nodes with one name (`bench-new-2`, `-3`, …) linear rather than quadratic.
    let number = next_number.entry(base.clone()).or_insert(2);
    loop {
        let id = format!("{base}-{number}");
        *number += 1;
        if !taken.contains(&id) {
            return id;
        }
    }
}

/// Lower-case ASCII words joined by `-`, at most `limit` bytes, cut between words.
fn slug(text: &str, limit: usize) -> String {
    let folded = crate::text::fold(text);
    let mut out = String::new();
    for word in folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|word| !word.is_empty()) {
        if !out.is_empty() && out.len() + 1 + word.len() > limit {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(word.chars().take(limit));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_azerbaijani_letters() {
        assert_eq!(slug("Yeni Təşkilat İctimai Birliyi", 48), "yeni-teskilat-ictimai-birliyi");
        assert_eq!(slug("  «Diaspor və Lobbi»  ", 48), "diaspor-ve-lobbi");
        assert_eq!(
            slug("a very long name that goes on and on and on forever", 20),
            "a-very-long-name"
        );
    }

    #[test]
    fn generated_keys_are_recognised() {
        assert!(is_generated_key("_n12"));
        assert!(!is_generated_key("_n"));
        assert!(!is_generated_key("org-asaif"));
    }
}
