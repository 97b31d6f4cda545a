//! The rules part of `schema.json`: declared indexes and constraints as JSON records,
//! read by the loader and written back by a save.
//!
//! ```json
//! "constraints": [
//!   {"name": "organization_name", "label": "Organization", "properties": ["name"], "require": "UNIQUE", "why": "…"}
//! ],
//! "indexes": [
//!   {"name": "event_year", "label": "Event", "properties": ["year"], "kind": "RANGE"}
//! ]
//! ```
//!
//! A record names a `label`, or a relationship `type`; `require` is `UNIQUE`,
//! `NOT NULL`, `KEY` or `:: TYPE` (a union written `A | B`); `kind` is `RANGE` (the
//! default) or `TEXT`. Other keys (a curator's `why`) are kept. A save rewrites only the
//! `indexes` and `constraints` members, and only when the rules changed; records of
//! unchanged rules are written as they were read.

use serde_json::{Map, Value as Json};

use super::scan::object_members;
use crate::graph::{
    ConstraintDefinition, ConstraintKind, EntityKind, Graph, IndexDefinition, IndexKind,
    PropertyType,
};

/// The rules a `schema.json` declares, in file order.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Rules {
    pub indexes: Vec<IndexDefinition>,
    pub constraints: Vec<ConstraintDefinition>,
}

/// The keys of `schema.json` that hold rules.
pub(crate) const INDEXES: &str = "indexes";
pub(crate) const CONSTRAINTS: &str = "constraints";

/// Reads the rules of a parsed `schema.json`; a problem names the member it is in.
pub(crate) fn read_rules(document: &Json) -> Result<Rules, RuleProblem> {
    let mut rules = Rules::default();
    for record in records(document, INDEXES)? {
        rules.indexes.push(read_index(record).map_err(|message| (INDEXES, message))?);
    }
    for record in records(document, CONSTRAINTS)? {
        rules.constraints.push(read_constraint(record).map_err(|message| (CONSTRAINTS, message))?);
    }
    Ok(rules)
}

/// A problem in `schema.json`: the member it is in, and what is wrong.
type RuleProblem = (&'static str, String);

fn records<'d>(
    document: &'d Json,
    member: &'static str,
) -> Result<Vec<&'d Map<String, Json>>, RuleProblem> {
    match document.get(member) {
        None | Some(Json::Null) => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_object().ok_or((
                    member,
                    format!("each entry of `{member}` must be an object with `name`, `label` and `properties`"),
                ))
            })
            .collect(),
        Some(_) => Err((member, format!("`{member}` must be a list of objects"))),
    }
}

/// The name, what it applies to, and the properties of a rule record.
fn read_common(
    record: &Map<String, Json>,
) -> Result<(String, EntityKind, String, Vec<String>), String> {
    let name = match record.get("name") {
        Some(Json::String(name)) if !name.is_empty() => name.clone(),
        _ => return Err("a rule needs a `name` (a non-empty string)".to_owned()),
    };
    let (entity, label) = match (record.get("label"), record.get("type")) {
        (Some(Json::String(label)), None) => (EntityKind::Node, label.clone()),
        (None, Some(Json::String(rel_type))) => (EntityKind::Relationship, rel_type.clone()),
        _ => {
            return Err(format!(
                "rule `{name}` needs either `label` (for nodes) or `type` (for relationships), as a string"
            ));
        }
    };
    let properties: Option<Vec<String>> = match record.get("properties") {
        Some(Json::Array(items)) if !items.is_empty() => {
            items.iter().map(|item| item.as_str().map(str::to_owned)).collect()
        }
        _ => None,
    };
    let properties = properties
        .ok_or_else(|| format!("rule `{name}` needs `properties`: a list of key names"))?;
    Ok((name, entity, label, properties))
}

fn read_index(record: &Map<String, Json>) -> Result<IndexDefinition, String> {
    let (name, entity, label, properties) = read_common(record)?;
    let kind = match record.get("kind").and_then(Json::as_str).map(str::to_ascii_uppercase) {
        None => IndexKind::Range,
        Some(kind) if kind == "RANGE" => IndexKind::Range,
        Some(kind) if kind == "TEXT" && properties.len() == 1 => IndexKind::Text,
        Some(other) => {
            return Err(format!(
                "index `{name}` has kind `{other}`; Körpü has RANGE indexes and single-key TEXT indexes"
            ));
        }
    };
    Ok(IndexDefinition { name, kind, entity, label, properties, owner: None })
}

fn read_constraint(record: &Map<String, Json>) -> Result<ConstraintDefinition, String> {
    let (name, entity, label, properties) = read_common(record)?;
    let require = record.get("require").and_then(Json::as_str).unwrap_or_default();
    let upper = require.trim().to_ascii_uppercase();
    let kind = match upper.as_str() {
        "UNIQUE" => ConstraintKind::Unique,
        "NOT NULL" => ConstraintKind::NotNull,
        "KEY" | "NODE KEY" | "RELATIONSHIP KEY" => ConstraintKind::Key,
        typed if typed.starts_with("::") => {
            let types: Option<Vec<PropertyType>> =
                typed[2..].split('|').map(PropertyType::parse).collect();
            ConstraintKind::Typed(types.ok_or_else(|| {
                format!("constraint `{name}` requires `{require}`, which names an unknown type")
            })?)
        }
        _ => {
            return Err(format!(
                "constraint `{name}` needs `require`: `UNIQUE`, `NOT NULL`, `KEY` or `:: TYPE`"
            ));
        }
    };
    if properties.len() > 1 && matches!(kind, ConstraintKind::NotNull | ConstraintKind::Typed(_)) {
        return Err(format!("constraint `{name}`: `{require}` covers one property"));
    }
    Ok(ConstraintDefinition { name, kind, entity, label, properties })
}

/// The rules declared on `graph` (constraints' own indexes are the constraints').
pub(crate) fn rules_of(graph: &Graph) -> Rules {
    Rules {
        indexes: graph.indexes().filter(|index| index.owner.is_none()).cloned().collect(),
        constraints: graph.constraints().to_vec(),
    }
}

/// The rules declared on `graph` as a `schema.json` document holding only them (what
/// the transaction log keeps when a commit changed them).
pub(crate) fn rules_document(graph: &Graph) -> Json {
    let rules = rules_of(graph);
    let indexes: Vec<Json> = rules
        .indexes
        .iter()
        .map(|index| {
            Json::Object(
                index_record(index)
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value))
                    .collect(),
            )
        })
        .collect();
    let constraints: Vec<Json> = rules
        .constraints
        .iter()
        .map(|constraint| {
            Json::Object(
                constraint_record(constraint)
                    .into_iter()
                    .map(|(key, value)| (key.to_owned(), value))
                    .collect(),
            )
        })
        .collect();
    let mut document = Map::new();
    document.insert(INDEXES.to_owned(), Json::Array(indexes));
    document.insert(CONSTRAINTS.to_owned(), Json::Array(constraints));
    Json::Object(document)
}

/// The new text of `schema.json` when the graph's rules differ from those of `current`
/// (`None` when they do not): only the two members are rewritten, each record of an
/// unchanged rule keeps its other keys.
pub(crate) fn updated_text(current: Option<&str>, graph: &Graph) -> Result<Option<String>, String> {
    let text = current.unwrap_or("{}\n");
    let document: Json =
        serde_json::from_str(text).map_err(|error| format!("schema.json is not JSON: {error}"))?;
    let old = read_rules(&document).map_err(|(_, message)| message)?;
    let new = rules_of(graph);
    if old == new {
        return Ok(None);
    }
    let old_records = |member: &str| -> Vec<Map<String, Json>> {
        match document.get(member) {
            Some(Json::Array(items)) => items.iter().filter_map(Json::as_object).cloned().collect(),
            _ => Vec::new(),
        }
    };
    let index_records: Vec<String> = new
        .indexes
        .iter()
        .map(|index| record_text(index_record(index), &old_records(INDEXES), &index.name))
        .collect();
    let constraint_records: Vec<String> = new
        .constraints
        .iter()
        .map(|constraint| {
            record_text(constraint_record(constraint), &old_records(CONSTRAINTS), &constraint.name)
        })
        .collect();
    let mut updated = text.to_owned();
    // Replace the later member first, so the earlier one's range stays valid.
    let members = object_members(text)
        .map_err(|error| format!("schema.json: expected {}", error.expected))?;
    let mut replacements: Vec<(&str, Vec<String>)> =
        vec![(CONSTRAINTS, constraint_records), (INDEXES, index_records)];
    replacements.sort_by_key(|(member, _)| {
        std::cmp::Reverse(members.iter().position(|(key, _)| key == member).unwrap_or(usize::MAX))
    });
    for (member, records) in replacements {
        let array = array_text(&records);
        match members.iter().find(|(key, _)| key == member) {
            Some((_, range)) => updated.replace_range(range.clone(), &array),
            None => {
                let close = updated.rfind('}').ok_or("schema.json is not an object")?;
                let before = updated[..close].trim_end();
                let separator = if before.ends_with('{') { "\n" } else { ",\n" };
                let insertion = format!("{separator}  \"{member}\": {array}\n");
                let at = before.len();
                updated.replace_range(at..close, &insertion);
            }
        }
    }
    Ok(Some(updated))
}

/// A rule's record: the keys it declares, in the order files write them.
fn index_record(index: &IndexDefinition) -> Vec<(&'static str, Json)> {
    let mut record = common_record(&index.name, index.entity, &index.label, &index.properties);
    if index.kind == IndexKind::Text {
        record.push(("kind", Json::from("TEXT")));
    }
    record
}

fn constraint_record(constraint: &ConstraintDefinition) -> Vec<(&'static str, Json)> {
    let mut record = common_record(
        &constraint.name,
        constraint.entity,
        &constraint.label,
        &constraint.properties,
    );
    let require = match &constraint.kind {
        ConstraintKind::Unique => "UNIQUE".to_owned(),
        ConstraintKind::NotNull => "NOT NULL".to_owned(),
        ConstraintKind::Key => "KEY".to_owned(),
        ConstraintKind::Typed(types) => {
            format!(":: {}", types.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | "))
        }
    };
    record.push(("require", Json::from(require)));
    record
}

fn common_record(
    name: &str,
    entity: EntityKind,
    label: &str,
    properties: &[String],
) -> Vec<(&'static str, Json)> {
    let owner = match entity {
        EntityKind::Node => "label",
        EntityKind::Relationship => "type",
    };
    vec![
        ("name", Json::from(name)),
        (owner, Json::from(label)),
        (
            "properties",
            Json::Array(properties.iter().map(|key| Json::from(key.as_str())).collect()),
        ),
    ]
}

/// One record on one line; the keys a curator added to the old record of the same
/// rule (a `why`) follow the rule's own.
fn record_text(record: Vec<(&'static str, Json)>, old: &[Map<String, Json>], name: &str) -> String {
    let own: Vec<&str> = record.iter().map(|(key, _)| *key).collect();
    let mut entries: Vec<(String, Json)> =
        record.into_iter().map(|(key, value)| (key.to_owned(), value)).collect();
    if let Some(previous) =
        old.iter().find(|previous| previous.get("name") == Some(&Json::from(name)))
    {
        for (key, value) in previous {
            let rule_key =
                ["name", "label", "type", "properties", "kind", "require"].contains(&key.as_str());
            if !rule_key && !own.contains(&key.as_str()) {
                entries.push((key.clone(), value.clone()));
            }
        }
    }
    let parts: Vec<String> = entries
        .iter()
        .map(|(key, value)| {
            format!("{}: {}", Json::from(key.as_str()), super::format::json_text(value))
        })
        .collect();
    format!("{{{}}}", parts.join(", "))
}

fn array_text(records: &[String]) -> String {
    if records.is_empty() {
        return "[]".to_owned();
    }
    format!("[\n    {}\n  ]", records.join(",\n    "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_round_trip_and_notes_are_kept() {
        let current = "{\n  \"labels\": {\"City\": \"a city\"},\n  \"constraints\": [\n    {\"name\": \"city\", \"label\": \"City\", \"properties\": [\"name\"], \"require\": \"UNIQUE\", \"why\": \"one node per city\"}\n  ]\n}\n";
        let mut graph = Graph::default();
        let node = |name: &str, label: &str, key: &str, kind| ConstraintDefinition {
            name: name.into(),
            kind,
            entity: EntityKind::Node,
            label: label.into(),
            properties: vec![key.into()],
        };
        graph
            .create_constraint(node("city", "City", "name", ConstraintKind::Unique), false)
            .unwrap();
        let typed = ConstraintKind::Typed(vec![PropertyType::Integer, PropertyType::Float]);
        graph.create_constraint(node("founded", "Org", "founded", typed), false).unwrap();
        let index = IndexDefinition {
            name: "leads".into(),
            kind: IndexKind::Text,
            entity: EntityKind::Relationship,
            label: "LEADS".into(),
            properties: vec!["role".into()],
            owner: None,
        };
        graph.create_index(index, false).unwrap();
        let updated = updated_text(Some(current), &graph).unwrap().unwrap();
        assert!(updated.starts_with("{\n  \"labels\": {\"City\": \"a city\"},\n  \"constraints\": [\n    {\"name\": \"city\", \"label\": \"City\", \"properties\": [\"name\"], \"require\": \"UNIQUE\", \"why\": \"one node per city\"},\n"), "{updated}");
        assert!(updated.contains("\"require\": \":: INTEGER | FLOAT\""), "{updated}");
        assert!(updated.contains("{\"name\": \"leads\", \"type\": \"LEADS\", \"properties\": [\"role\"], \"kind\": \"TEXT\"}"), "{updated}");
        let document: Json = serde_json::from_str(&updated).unwrap();
        assert_eq!(read_rules(&document).unwrap(), rules_of(&graph));
        assert_eq!(updated_text(Some(&updated), &graph).unwrap(), None, "nothing changed");
    }

    #[test]
    fn bad_records_are_named() {
        for (text, expected) in [
            (r#"{"indexes": {}}"#, "must be a list"),
            (r#"{"indexes": [{"label": "A", "properties": ["x"]}]}"#, "needs a `name`"),
            (r#"{"indexes": [{"name": "i", "label": "A"}]}"#, "needs `properties`"),
            (
                r#"{"constraints": [{"name": "c", "label": "A", "properties": ["x"], "require": "SOON"}]}"#,
                "`UNIQUE`, `NOT NULL`",
            ),
            (
                r#"{"constraints": [{"name": "c", "type": "T", "properties": ["x"], "require": ":: NUMBER"}]}"#,
                "unknown type",
            ),
        ] {
            let document: Json = serde_json::from_str(text).unwrap();
            let (_, message) = read_rules(&document).unwrap_err();
            assert!(message.contains(expected), "{text}: {message}");
        }
    }
}
