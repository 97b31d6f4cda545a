//! Loading: graph-data JSON text → `Graph`, validating everything first.
//!
//! Input is one or more JSON files of the form
//! `{"nodes": [{"id", "labels", "properties"}], "edges": [{"from", "to", "type", "properties"}]}`
//! that merge into one graph, plus an optional `schema.json` naming the vocabulary.
//! Every problem of every file is collected with its file, line, column and offending id;
//! the graph is returned only when there is no error, so nothing is ever half-loaded.
//! Reading files is the only IO here (`load_path`); `load_sources` is pure. What the
//! loader accepts at most (names, file size, nesting) is in `limits`, which both paths
//! enforce.
//!
//! The indexes and constraints `schema.json` declares (`schema_file`) are declared once
//! the data is in, the constraints unchecked: an element that breaks one is reported as
//! a warning rather than refusing the folder, so a curator can open it and fix it
//! (`korpu check` counts warnings as unclean).

mod fast;
pub mod format;
mod limits;
mod locate;
mod problem;
mod provenance;
mod read;
pub(crate) mod scan;
pub(crate) mod schema_file;
mod thorough;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value as Json;

use crate::graph::{Graph, Value};
use schema_file::{CONSTRAINTS, INDEXES, Rules, read_rules};

pub use fast::LoadProgress;
use format::{NameProblem, key_too_long, keys, list_items_agree, name_problem};
pub use limits::{MAX_FILE_BYTES, MAX_JSON_DEPTH, MAX_NAME_CHARS};
use limits::{name_too_long, name_too_long_message, quoted};
pub use problem::{LoadError, Problem, Severity};
pub use provenance::{declares_provenance, unsourced_facts};
pub(crate) use read::json_files;
pub use read::{ReadFiles, read_path};
use thorough::load_sources_thorough;

/// One JSON text to load, with the name problems should cite.
pub struct Source {
    pub name: String,
    pub text: String,
}

/// A loaded graph and the warnings met on the way.
pub struct Loaded {
    pub graph: Graph,
    pub warnings: Vec<Problem>,
}

/// The vocabulary a data folder declares in `schema.json`: labels and relationship types
/// outside it are reported as warnings.
#[derive(Default, Debug)]
pub(crate) struct Vocabulary {
    labels: BTreeSet<String>,
    rel_types: BTreeSet<String>,
    /// The indexes and constraints to declare once the data is in.
    rules: Rules,
}

/// File name of the optional vocabulary inside a data folder.
pub const SCHEMA_FILE: &str = "schema.json";

/// Loads a JSON file, or every `*.json` file of a folder (sorted by name; `schema.json`
/// is the vocabulary, not data).
pub fn load_path(path: &Path) -> Result<Loaded, LoadError> {
    load_path_with_progress(path, None)
}

/// Like `load_path`, counting nodes and edges into `progress` as they are read.
pub fn load_path_with_progress(
    path: &Path,
    progress: Option<&LoadProgress>,
) -> Result<Loaded, LoadError> {
    read_path(path)?.load(progress)
}

/// Loads JSON texts into one graph. Pure: no filesystem access.
///
/// ```
/// use korpu::load::{load_sources, Source};
/// let text = r#"{"nodes": [{"id": "a", "labels": ["City"], "properties": {"name": "Bakı"}}], "edges": []}"#;
/// let loaded = load_sources(&[Source { name: "g.json".into(), text: text.into() }]).unwrap();
/// assert_eq!(loaded.graph.node_count(), 1);
/// ```
pub fn load_sources(sources: &[Source]) -> Result<Loaded, LoadError> {
    load_sources_with_progress(sources, None)
}

fn is_schema(source: &Source) -> bool {
    Path::new(&source.name).file_name().is_some_and(|name| name == SCHEMA_FILE)
}

/// Loads JSON texts, streaming them into the graph when they are clean (the common
/// case) and falling back to the thorough path, which finds and locates every problem,
/// when they are not.
pub fn load_sources_with_progress(
    sources: &[Source],
    progress: Option<&LoadProgress>,
) -> Result<Loaded, LoadError> {
    let vocabulary = match sources.iter().find(|source| is_schema(source)) {
        None => Some(None),
        Some(schema) => serde_json::from_str::<Json>(&schema.text)
            .ok()
            .and_then(|parsed| read_vocabulary(&parsed).ok())
            .map(Some),
    };
    let too_large = sources.iter().any(|source| source.text.len() as u64 > MAX_FILE_BYTES);
    if let (Some(vocabulary), false) = (vocabulary, too_large) {
        let texts: Vec<&str> = sources
            .iter()
            .filter(|source| !is_schema(source))
            .map(|source| source.text.as_str())
            .collect();
        let mut graph = Graph::default();
        // Rules the data breaks are for the thorough path to report.
        if fast::load_clean(&texts, &mut graph, vocabulary.as_ref(), progress).is_ok()
            && vocabulary
                .as_ref()
                .is_none_or(|vocabulary| declare(&mut graph, &vocabulary.rules).is_empty())
            && graph.constraint_violations().is_empty()
        {
            return Ok(Loaded { graph, warnings: Vec::new() });
        }
    }
    load_sources_thorough(sources)
}

/// Declares the indexes and constraints `schema.json` names, the constraints unchecked
/// (what breaks them is reported, not refused); what could not be declared, with the
/// member of `schema.json` it is in.
fn declare(graph: &mut Graph, rules: &Rules) -> Vec<(&'static str, String)> {
    let mut problems = Vec::new();
    for index in &rules.indexes {
        if let Err(error) = graph.create_index(index.clone(), false) {
            problems.push((INDEXES, format!("index `{}`: {error}", index.name)));
        }
    }
    for constraint in &rules.constraints {
        if let Err(error) = graph.declare_constraint_unchecked(constraint.clone()) {
            problems.push((CONSTRAINTS, format!("constraint `{}`: {error}", constraint.name)));
        }
    }
    problems
}

/// Makes the rules declared on `graph` exactly those of `document` (a `schema.json`
/// holding rules, as `schema_file::rules_document` writes it): every rule is dropped
/// and the document's are declared, constraints unchecked. For replaying a log.
pub(crate) fn redeclare_rules(graph: &mut Graph, document: &Json) -> Result<(), String> {
    let rules = read_rules(document).map_err(|(member, message)| format!("{member}: {message}"))?;
    let constraints: Vec<String> = graph.constraints().iter().map(|c| c.name.clone()).collect();
    for name in constraints {
        graph.drop_constraint(&name, true).map_err(|error| error.to_string())?;
    }
    let indexes: Vec<String> = graph.indexes().map(|index| index.name.clone()).collect();
    for name in indexes {
        graph.drop_index(&name, true).map_err(|error| error.to_string())?;
    }
    match declare(graph, &rules).into_iter().next() {
        None => Ok(()),
        Some((member, message)) => Err(format!("{member}: {message}")),
    }
}

/// Reads `schema.json`; a problem names the top-level key it is in, to locate it.
fn read_vocabulary(document: &Json) -> Result<Vocabulary, (&'static str, String)> {
    let names = |key: &'static str| -> Result<BTreeSet<String>, (&'static str, String)> {
        let names: Vec<&str> = match document.get(key) {
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| item.as_str().ok_or((key, format!("`{key}` must list strings"))))
                .collect::<Result<_, _>>()?,
            Some(Json::Object(items)) => items.keys().map(String::as_str).collect(),
            _ => {
                return Err((
                    key,
                    format!(
                        "{SCHEMA_FILE} needs `{key}`: a list of names or an object keyed by name"
                    ),
                ));
            }
        };
        match names.iter().find(|name| name_too_long(name)) {
            Some(name) => Err((key, name_too_long_message(&format!("the `{key}` entry"), name))),
            None => Ok(names.into_iter().map(str::to_owned).collect()),
        }
    };
    Ok(Vocabulary {
        labels: names("labels")?,
        rel_types: names("relationship_types")?,
        rules: read_rules(document)?,
    })
}

struct ParsedNode {
    id: String,
    labels: Vec<String>,
    properties: Vec<(String, Value)>,
}

/// A problem inside one element: the field it is in (for locating it) and the message.
type FieldProblem = (Option<String>, String);

fn read_node(node: &Json) -> Result<ParsedNode, FieldProblem> {
    let Some(object) = node.as_object() else {
        return Err((None, format!("a node must be an object, found {}", json_kind(node))));
    };
    check_fields(object, &keys::NODE_FIELDS)?;
    let id = match object.get(keys::ID) {
        Some(Json::String(id)) => match name_problem(id) {
            None => id.clone(),
            Some(NameProblem::TooLong) => {
                return Err((Some(keys::ID.into()), name_too_long_message("node id", id)));
            }
            Some(NameProblem::Empty) => {
                return Err((Some(keys::ID.into()), "node id must not be empty".into()));
            }
        },
        Some(other) => {
            return Err((
                Some(keys::ID.into()),
                format!("node id must be a string, found {}", json_kind(other)),
            ));
        }
        None => return Err((None, "node has no `id`".into())),
    };
    let labels = match object.get(keys::LABELS) {
        None => Vec::new(),
        Some(Json::Array(items)) => {
            let mut labels = Vec::with_capacity(items.len());
            for item in items {
                let problem = match item {
                    Json::String(label) => match name_problem(label) {
                        None => {
                            labels.push(label.clone());
                            continue;
                        }
                        Some(NameProblem::TooLong) => name_too_long_message("label", label),
                        Some(NameProblem::Empty) => {
                            format!("labels must be non-empty strings, found {}", json_kind(item))
                        }
                    },
                    other => {
                        format!("labels must be non-empty strings, found {}", json_kind(other))
                    }
                };
                return Err((Some(keys::LABELS.into()), problem));
            }
            labels
        }
        Some(other) => {
            return Err((
                Some(keys::LABELS.into()),
                format!("`labels` must be a list of strings, found {}", json_kind(other)),
            ));
        }
    };
    let properties = read_properties(object.get(keys::PROPERTIES))?;
    Ok(ParsedNode { id, labels, properties })
}

/// An edge as read: from, to, type and properties.
type EdgeFields<'json> = (&'json str, &'json str, &'json str, Vec<(String, Value)>);

fn read_edge(edge: &Json) -> Result<EdgeFields<'_>, FieldProblem> {
    let Some(object) = edge.as_object() else {
        return Err((None, format!("an edge must be an object, found {}", json_kind(edge))));
    };
    check_fields(object, &keys::EDGE_FIELDS)?;
    let text = |field: &str| -> Result<&str, FieldProblem> {
        match object.get(field) {
            Some(Json::String(text)) if name_problem(text) == Some(NameProblem::TooLong) => {
                let what = if field == keys::TYPE { "relationship type" } else { "node id" };
                Err((Some(field.into()), name_too_long_message(what, text)))
            }
            Some(Json::String(text)) if name_problem(text).is_none() => Ok(text),
            Some(other) => Err((
                Some(field.into()),
                format!("`{field}` must be a non-empty string, found {}", json_kind(other)),
            )),
            None => Err((None, format!("edge has no `{field}`"))),
        }
    };
    let from = text(keys::FROM)?;
    let to = text(keys::TO)?;
    let rel_type = text(keys::TYPE)?;
    let properties = read_properties(object.get(keys::PROPERTIES))?;
    Ok((from, to, rel_type, properties))
}

fn check_fields(
    object: &serde_json::Map<String, Json>,
    allowed: &[&str],
) -> Result<(), FieldProblem> {
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(key) => Err((
            Some(key.clone()),
            format!("unknown field {} (expected {})", quoted(key), allowed.join(", ")),
        )),
        None => Ok(()),
    }
}

fn read_properties(properties: Option<&Json>) -> Result<Vec<(String, Value)>, FieldProblem> {
    let object = match properties {
        None => return Ok(Vec::new()),
        Some(Json::Object(object)) => object,
        Some(other) => {
            return Err((
                Some(keys::PROPERTIES.into()),
                format!("`properties` must be an object, found {}", json_kind(other)),
            ));
        }
    };
    let mut read = Vec::with_capacity(object.len());
    for (key, value) in object {
        if key_too_long(key) {
            return Err((
                Some(keys::PROPERTIES.into()),
                name_too_long_message("property key", key),
            ));
        }
        let converted = property_value(value).map_err(|message| {
            (Some(format!("properties.{key}")), format!("property {}: {message}", quoted(key)))
        })?;
        read.push((key.clone(), converted));
    }
    Ok(read)
}

/// Converts a JSON property value; nested objects, nulls and mixed lists are refused
/// because no query could use them faithfully.
fn property_value(value: &Json) -> Result<Value, String> {
    match value {
        Json::Null => Err("null is not a property value (leave the property out)".into()),
        Json::Array(items) => {
            for item in items {
                let typed = format::typed_value(item).is_some();
                if matches!(item, Json::Array(_) | Json::Null)
                    || (matches!(item, Json::Object(_)) && !typed)
                {
                    return Err(format!(
                        "lists may hold strings, numbers, booleans and typed values, found {}",
                        json_kind(item)
                    ));
                }
            }
            let converted = format::value_from_json(value)?;
            if let Value::List(converted) = &converted
                && let Some(first) = converted.first()
                && !converted.iter().all(|item| list_items_agree(first, item))
            {
                return Err("a list must hold values of one type".into());
            }
            Ok(converted)
        }
        // A typed value (a date, NaN…) as the saver writes it; any other object is not a
        // property value.
        Json::Object(_) if format::typed_value(value).is_none() => Err(
            "expected a string, number, boolean, list or typed value (`{\"$type\": \"Date\", \"_value\": \"2024-05-01\"}`), found an object".into(),
        ),
        scalar_or_typed => format::value_from_json(scalar_or_typed),
    }
}

fn json_kind(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<Loaded, LoadError> {
        load_sources(&[Source { name: "g.json".into(), text: text.into() }])
    }

    #[test]
    fn locates_nested_fields() {
        let text = "{\n  \"nodes\": [\n    {\"id\": \"a\"},\n    {\"id\": \"b\", \"properties\": {\"x\": {}}}\n  ]\n}";
        let error = load(text).err().unwrap();
        assert_eq!(error.problems.len(), 1);
        let problem = &error.problems[0];
        assert_eq!((problem.line, problem.column), (4, 37));
        assert_eq!(problem.id.as_deref(), Some("b"));
    }

    #[test]
    fn names_longer_than_the_limit_are_errors_at_their_position() {
        let long = "T".repeat(MAX_NAME_CHARS + 1);
        let fits = "Ə".repeat(MAX_NAME_CHARS);
        let cases = [
            (format!(r#"{{"nodes": [{{"id": "{long}"}}]}}"#), "node id `TTT"),
            (format!(r#"{{"nodes": [{{"id": "a", "labels": ["{long}"]}}]}}"#), "label `TTT"),
            (
                format!(r#"{{"nodes": [{{"id": "a", "properties": {{"{long}": 1}}}}]}}"#),
                "property key `TTT",
            ),
            (
                format!(
                    r#"{{"nodes": [{{"id": "a"}}], "edges": [{{"from": "a", "to": "a", "type": "{long}"}}]}}"#
                ),
                "relationship type `TTT",
            ),
        ];
        for (text, what) in cases {
            let error = load(&text).err().unwrap_or_else(|| panic!("{what} loaded"));
            let shown = error.to_string();
            assert_eq!(error.error_count(), 1, "{shown}");
            assert!(shown.starts_with("g.json:1:"), "{shown}");
            assert!(shown.contains(what) && shown.contains("has 1025 characters"), "{shown}");
            assert!(shown.len() < 400, "the message quotes the start of the name only: {shown}");
        }
        let text = format!(
            r#"{{"nodes": [{{"id": "{fits}", "labels": ["{fits}"], "properties": {{"{fits}": 1}}}}],
                "edges": [{{"from": "{fits}", "to": "{fits}", "type": "{fits}"}}]}}"#
        );
        let loaded = load(&text).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(loaded.graph.rel_type_counts(), [(fits.as_str(), 1)]);
    }

    #[test]
    fn nesting_past_serde_json_limit_is_an_error_that_says_so() {
        let nested = |depth: usize| {
            format!(
                r#"{{"nodes": [{{"id": "a", "properties": {{"p": {}1{}}}}}]}}"#,
                "[".repeat(depth),
                "]".repeat(depth)
            )
        };
        // The file, `nodes`, the node and `properties` take four levels.
        let error = load(&nested(MAX_JSON_DEPTH - 4)).err().unwrap().to_string();
        assert!(error.contains("lists may hold strings"), "{error}");
        let error = load(&nested(MAX_JSON_DEPTH - 3)).err().unwrap().to_string();
        assert!(error.starts_with("g.json:1:167: error: malformed JSON: "), "{error}");
        assert!(error.contains(&format!("nests more than {MAX_JSON_DEPTH} levels")), "{error}");
        let error = load(&nested(100_000)).err().unwrap().to_string();
        assert!(error.starts_with("g.json:1:"), "{error}");
    }

    #[test]
    fn a_vocabulary_name_over_the_limit_is_located_at_its_key() {
        let schema =
            format!("{{\"labels\": [],\n \"relationship_types\": [\"{}\"]}}", "R".repeat(2000));
        let error = load_sources(&[
            Source { name: "schema.json".into(), text: schema },
            Source { name: "g.json".into(), text: r#"{"nodes": []}"#.into() },
        ])
        .err()
        .unwrap()
        .to_string();
        assert!(
            error.starts_with("schema.json:2:24: error: the `relationship_types` entry `RRR"),
            "{error}"
        );
    }

    #[test]
    fn problems_show_ids_and_names_terminal_safe_and_short() {
        let id = format!("evil\u{1b}[2J\u{202E}{}", "x".repeat(500));
        let text = format!(
            r#"{{"nodes": [{{"id": "{}"}}, {{"id": "{}"}}]}}"#,
            id.replace('\u{1b}', "\\u001b"),
            id.replace('\u{1b}', "\\u001b")
        );
        let shown = load(&text).err().unwrap().to_string();
        assert!(shown.contains("`evil\\u001B[2J\\u202Exxx"), "{shown}");
        assert!(!shown.chars().any(|c| c != '\n' && crate::text::is_unsafe_in_terminal(c)));
        assert!(shown.lines().all(|line| line.chars().count() < 200), "{shown}");
    }

    #[test]
    fn a_problem_in_every_element_is_located_in_about_one_pass() {
        let nodes: Vec<String> =
            (0..20_000).map(|index| format!("{{\"id\": \"n{index}\", \"extra\": 1}}")).collect();
        let text = format!("{{\"nodes\": [\n{}\n]}}", nodes.join(",\n"));
        let started = std::time::Instant::now();
        let error = load(&text).err().unwrap();
        assert_eq!(error.error_count(), 20_000);
        assert_eq!(error.problems[19_999].line, 20_001);
        // Walking from the top for each problem took five minutes here in a debug build.
        assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    }

    #[test]
    fn reports_every_problem_not_just_the_first() {
        let text = r#"{"nodes": [{"id": "a"}, {"id": "a"}, {"id": 3}],
                       "edges": [{"from": "a", "to": "zz", "type": "T"}]}"#;
        let error = load(text).err().unwrap();
        assert_eq!(error.error_count(), 3, "{error}");
    }
}
