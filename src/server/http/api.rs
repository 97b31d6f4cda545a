//! The JSON API under `/api/`: run a query (the `--format json` contract plus the
//! graph elements to draw), cancel it, the schema overview, find, completion,
//! highlighting, neighbour expansion and the source document's paragraphs.
//!
//! Every handler takes a JSON body and answers JSON; every error has the CLI's error
//! shape. Results come from the same renderers the CLI uses (`render::json`,
//! `render::table`, `render::csv`, the DOT legend), completion and highlighting from
//! the library's `editor::complete` and `editor::scan`, search from `search::find`.
//! Positions in text are UTF-16 code units on the wire, as JavaScript counts them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use serde_json::{Value as Json, json};

use super::{Reply, Shared};
use korpu::editor::Vocabulary;
use korpu::editor::complete::complete;
use korpu::editor::scan::scan;
use korpu::graph::Graph;
use korpu::load::format::value_from_json;
use korpu::query::Outcome;
use korpu::query::error::{ErrorKind, QueryError};
use korpu::render::csv::render_csv;
use korpu::render::dot::{DotOptions, Subgraph, caption, style_of};
use korpu::render::json::{error_json, node_json, relationship_json, result_json};
use korpu::render::table::{TableStyle, render_table};
use korpu::session::{AccessMode, Session};

/// Longest tab id kept in the table of running statements.
const MAX_TAB_ID: usize = 64;
/// Most search hits one request returns.
const MAX_HITS: usize = 50;

/// Dispatches an API request to its handler.
pub(super) fn route(shared: &Shared, endpoint: &str, body: &Json) -> Reply {
    let handled = match endpoint {
        "schema" => Ok(schema(shared)),
        "query" => query(shared, body),
        "cancel" => cancel(shared, body),
        "find" => find(shared, body),
        "complete" => completions(shared, body),
        "highlight" => highlight(body),
        "expand" => expand(shared, body),
        "source" => source(shared, body),
        _ => Err(Reply::error(404, "NotFound", &format!("there is no API `{endpoint}`"))),
    };
    handled.unwrap_or_else(|reply| reply)
}

fn string_field<'b>(body: &'b Json, name: &str) -> Result<&'b str, Reply> {
    body.get(name).and_then(Json::as_str).ok_or_else(|| {
        Reply::error(400, "BadRequest", &format!("the body needs a string field `{name}`"))
    })
}

fn count_field(body: &Json, name: &str, default: usize) -> Result<usize, Reply> {
    match body.get(name) {
        None | Some(Json::Null) => Ok(default),
        Some(value) => {
            value.as_u64().map(|count| count.min(u32::MAX.into()) as usize).ok_or_else(|| {
                Reply::error(400, "BadRequest", &format!("`{name}` must be a whole number ≥ 0"))
            })
        }
    }
}

fn new_session(shared: &Shared) -> Session {
    let mut session = Session::new(shared.database.clone());
    if shared.config.token.is_none() {
        session.access = AccessMode::ReadOnly;
    }
    session.timeout = Some(shared.config.timeout);
    session.import_dir = shared.config.import_dir.clone();
    session
}

/// Counts per label and relationship type, and the vocabulary, for the overview.
fn schema(shared: &Shared) -> Reply {
    let snapshot = shared.database.snapshot();
    let graph: &korpu::graph::Graph = &snapshot;
    let labels: Vec<Json> = graph
        .label_counts()
        .into_iter()
        .map(|(label, count)| json!({ "label": label, "count": count }))
        .collect();
    let types: Vec<Json> = graph
        .rel_type_counts()
        .into_iter()
        .map(|(rel_type, count)| json!({ "type": rel_type, "count": count }))
        .collect();
    Reply::json(
        200,
        &json!({
            "nodes": graph.node_count(),
            "relationships": graph.edge_count(),
            "labels": labels,
            "types": types,
            "keys": Vocabulary::of(graph).keys,
            "writable": shared.config.token.is_some(),
            "source_document": shared.config.source_document.is_some(),
        }),
    )
}

/// A statement's error as the API answers it: the CLI's JSON shape and the diagnostic;
/// a write refused by a read-only server is 403 with Neo4j's code for it.
fn query_error(error: &QueryError, text: &str) -> Reply {
    if error.kind() == ErrorKind::Internal {
        // A bug, contained by the session: logged for the operator.
        eprintln!("korpu serve: {error} (statement: {text})");
    }
    let mut object = error_json(error, text);
    if error.kind() == ErrorKind::Forbidden {
        object["error"]["code"] = Json::from(FORBIDDEN_ON_READ_ONLY);
        return Reply::json(403, &object);
    }
    object["diagnostic"] = Json::from(korpu::diagnostic::render(error, text, "query"));
    Reply::json(400, &object)
}

/// The code of a refused write, as Neo4j names it for a read-only database.
const FORBIDDEN_ON_READ_ONLY: &str = "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase";

/// Runs one statement on a session of its own, registered under the tab's id so that
/// `/api/cancel` can stop it.
fn query(shared: &Shared, body: &Json) -> Result<Reply, Reply> {
    let text = string_field(body, "query")?;
    let tab: String =
        body.get("tab").and_then(Json::as_str).unwrap_or("").chars().take(MAX_TAB_ID).collect();
    let csv = match body.get("format").and_then(Json::as_str) {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(Reply::error(
                400,
                "BadRequest",
                &format!("unknown format `{other}`: json or csv"),
            ));
        }
    };
    let mut session = new_session(shared);
    match body.get("params") {
        None | Some(Json::Null) => {}
        Some(Json::Object(entries)) => {
            for (name, value) in entries {
                let value = value_from_json(value).map_err(|error| {
                    Reply::error(400, "BadRequest", &format!("parameter `{name}`: {error}"))
                })?;
                session.params.insert(name.clone(), value);
            }
        }
        Some(_) => {
            return Err(Reply::error(
                400,
                "BadRequest",
                "`params` must be an object of name: value",
            ));
        }
    }
    let mut prepared = session.prepare(text).map_err(|error| query_error(&error, text))?;
    let cancel = Arc::new(AtomicBool::new(false));
    session.cancel = Arc::clone(&cancel);
    if !tab.is_empty() {
        lock_running(shared).insert(tab.clone(), Arc::clone(&cancel));
    }
    let started = Instant::now();
    let mut answer = session.execute(&mut prepared);
    let limit = shared.config.limits.rows;
    // Rows past the limit are counted, then dropped before anything is rendered.
    let mut total = 0;
    if let Ok(Outcome::Rows(result) | Outcome::Profiled(_, result)) = &mut answer.outcome {
        total = result.rows.len();
        result.rows.truncate(limit);
    }
    let graph = answer.graph();
    let reply = match &answer.outcome {
        Err(error) => query_error(error, text),
        Ok(Outcome::Explained(plan)) => Reply::json(200, &json!({ "plan": plan })),
        Ok(Outcome::Rows(result) | Outcome::Profiled(_, result)) if csv => {
            let text = render_csv(result, graph);
            Reply { status: 200, content_type: "text/csv; charset=utf-8", body: text.into_bytes() }
        }
        Ok(outcome @ (Outcome::Rows(result) | Outcome::Profiled(_, result))) => {
            let mut object = result_json(result, graph);
            object["table"] = Json::from(render_table(result, graph, &TableStyle::default()));
            object["graph"] = elements(&Subgraph::collect([result], graph), graph);
            object["elapsed_ms"] = Json::from(started.elapsed().as_secs_f64() * 1000.0);
            if total > limit {
                object["truncated"] = json!({ "shown": limit, "total": total });
            }
            if let Outcome::Profiled(profile, _) = outcome {
                object["profile"] = Json::from(profile.text.as_str());
            }
            Reply::json(200, &object)
        }
    };
    drop(answer);
    if !tab.is_empty() {
        let mut running = lock_running(shared);
        if running.get(&tab).is_some_and(|flag| Arc::ptr_eq(flag, &cancel)) {
            running.remove(&tab);
        }
    }
    Ok(reply)
}

fn lock_running(
    shared: &Shared,
) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, Arc<AtomicBool>>> {
    // A request thread that panicked cannot have left the map half-changed.
    shared.running.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Stops the statement the tab is running, if any.
fn cancel(shared: &Shared, body: &Json) -> Result<Reply, Reply> {
    let tab = string_field(body, "tab")?;
    let flag = lock_running(shared).get(tab).cloned();
    if let Some(flag) = &flag {
        flag.store(true, Ordering::Relaxed);
    }
    Ok(Reply::json(200, &json!({ "cancelled": flag.is_some() })))
}

/// The nodes and relationships to draw, each with what the page needs to style it:
/// the DOT legend's colour and shape, and captions in both languages.
fn elements(subgraph: &Subgraph, graph: &Graph) -> Json {
    let english = DotOptions { english: true, ..DotOptions::default() };
    let nodes: Vec<Json> = subgraph
        .nodes
        .iter()
        .map(|&node| {
            let style = style_of(node, graph);
            let mut object = node_json(node, graph);
            object["captions"] = json!({
                "az": caption(node, graph, &DotOptions::default()),
                "en": caption(node, graph, &english),
            });
            object["style"] =
                json!({ "label": style.label, "colour": style.colour, "shape": style.shape });
            object
        })
        .collect();
    let edges: Vec<Json> =
        subgraph.edges.iter().map(|&edge| relationship_json(edge, graph)).collect();
    json!({ "nodes": nodes, "edges": edges })
}

/// A node's neighbours, a page at a time, with how many there are in all.
fn expand(shared: &Shared, body: &Json) -> Result<Reply, Reply> {
    let node = string_field(body, "node")?;
    let skip = count_field(body, "skip", 0)?;
    let limit = count_field(body, "limit", 50)?.min(shared.config.limits.neighbours);
    let mut session = new_session(shared);
    session.params.insert("node".into(), node.into());
    session.params.insert("skip".into(), korpu::graph::Value::Int(skip as i64));
    session.params.insert("limit".into(), korpu::graph::Value::Int(limit as i64));
    let page = "MATCH (n)-[r]-(m) WHERE elementId(n) = $node \
                RETURN r, m ORDER BY elementId(r), elementId(m) SKIP $skip LIMIT $limit";
    let total = {
        let answer = session.run("MATCH (n)-[r]-() WHERE elementId(n) = $node RETURN count(r)");
        match &answer.outcome {
            Ok(outcome) => outcome
                .result()
                .and_then(|result| result.rows.first())
                .and_then(|row| row.first())
                .and_then(|value| match value {
                    korpu::graph::Value::Int(count) => Some(*count),
                    _ => None,
                })
                .unwrap_or(0),
            Err(error) => return Err(Reply::json(400, &error_json(error, ""))),
        }
    };
    let answer = session.run(page);
    match &answer.outcome {
        Ok(outcome) => {
            let result =
                outcome.result().ok_or_else(|| Reply::error(500, "Internal", "no rows"))?;
            let graph = answer.graph();
            Ok(Reply::json(
                200,
                &json!({
                    "graph": elements(&Subgraph::collect([result], graph), graph),
                    "total": total,
                    "skip": skip,
                    "shown": result.rows.len(),
                }),
            ))
        }
        Err(error) => Err(Reply::json(400, &error_json(error, page))),
    }
}

/// The Azerbaijani-aware entity search, with each hit drawable.
fn find(shared: &Shared, body: &Json) -> Result<Reply, Reply> {
    let text = string_field(body, "text")?;
    let limit = count_field(body, "limit", 10)?.min(MAX_HITS);
    let snapshot = shared.database.snapshot();
    let graph: &korpu::graph::Graph = &snapshot;
    let hits: Vec<Json> = korpu::search::find(graph, text, limit)
        .iter()
        .map(|hit| {
            let subgraph = Subgraph { nodes: [hit.node].into(), ..Subgraph::default() };
            json!({
                "score": hit.score,
                "field": hit.field,
                "matched": hit.matched,
                "node": elements(&subgraph, graph)["nodes"][0].clone(),
            })
        })
        .collect();
    Ok(Reply::json(200, &json!({ "hits": hits })))
}

/// The shell's completion at a position of the editor's text.
fn completions(shared: &Shared, body: &Json) -> Result<Reply, Reply> {
    let text = string_field(body, "text")?;
    let position = byte_offset(text, count_field(body, "pos", text.len())?);
    let schema = Vocabulary::of(&shared.database.snapshot());
    let (start, candidates) = complete(text, position, &schema);
    Ok(Reply::json(200, &json!({ "start": utf16_offset(text, start), "candidates": candidates })))
}

/// The shell's token roles, for colouring the editor.
fn highlight(body: &Json) -> Result<Reply, Reply> {
    let text = string_field(body, "text")?;
    let tokens: Vec<Json> = scan(text)
        .iter()
        .map(|scanned| {
            json!({
                "start": utf16_offset(text, scanned.token.span.start),
                "end": utf16_offset(text, scanned.token.span.end),
                "role": format!("{:?}", scanned.role).to_lowercase(),
            })
        })
        .collect();
    Ok(Reply::json(200, &json!({ "tokens": tokens })))
}

/// One paragraph of the source document (paragraphs are its non-empty lines, from 1).
fn source(shared: &Shared, body: &Json) -> Result<Reply, Reply> {
    let paragraph = count_field(body, "paragraph", 0)?;
    let document = shared.config.source_document.as_deref().ok_or_else(|| {
        Reply::error(404, "NoSource", "this graph came without its source document")
    })?;
    let text = paragraph
        .checked_sub(1)
        .and_then(|index| document.lines().filter(|line| !line.trim().is_empty()).nth(index))
        .ok_or_else(|| {
            Reply::error(404, "NoParagraph", &format!("the source has no paragraph {paragraph}"))
        })?;
    Ok(Reply::json(200, &json!({ "paragraph": paragraph, "text": text })))
}

/// The byte offset of the character at `utf16` code units into `text` (the end when past it).
fn byte_offset(text: &str, utf16: usize) -> usize {
    let mut units = 0;
    for (byte, character) in text.char_indices() {
        if units >= utf16 {
            return byte;
        }
        units += character.len_utf16();
    }
    text.len()
}

/// How many UTF-16 code units precede byte `offset` (rounded down to a character).
fn utf16_offset(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    text[..offset].encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_convert_between_utf16_and_bytes_both_ways() {
        let text = "ə𝄞x";
        // ə is 2 bytes and 1 unit; 𝄞 is 4 bytes and 2 units.
        assert_eq!(byte_offset(text, 0), 0);
        assert_eq!(byte_offset(text, 1), 2);
        assert_eq!(byte_offset(text, 3), 6);
        assert_eq!(byte_offset(text, 99), text.len());
        assert_eq!(utf16_offset(text, 6), 3);
        assert_eq!(utf16_offset(text, 3), 1, "inside 𝄞 rounds down");
        assert_eq!(utf16_offset(text, 99), 4);
    }
}
