//! Körpü's values in PackStream: results out (`pack_value`, with the graph the result's
//! nodes and relationships belong to) and parameters in (`parameter`).
//!
//! Nodes and relationships carry their element ids (`graph.node_key`, `r<id>` as
//! `elementId()` answers) from Bolt 5 on; date-times go out as instants in UTC (Bolt 5,
//! or 4.4 with the `utc` patch) or as local seconds (plain 4.4). Parameters may be any
//! value a client can build, temporals included; nodes, relationships, paths and byte
//! arrays are refused, because Körpü has no value a client could mean by them.
//! Does not frame messages or know the connection's state.

use std::collections::BTreeMap;

use super::packstream::{
    PackValue, pack_bool, pack_bytes, pack_float, pack_int, pack_list_header, pack_map_header,
    pack_null, pack_string, pack_struct_header,
};
use korpu::graph::{Duration, EdgeId, Graph, NodeId, Path, Temporal, Value, Zone, ZoneId};

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const SECONDS_PER_DAY: i64 = 86_400;
/// Dates further than this from 1970 are refused as parameters: openCypher's years
/// reach ±999,999,999, and 365 days a year keeps well inside that.
const MAX_DAYS: i64 = 999_999_999 * 365;

/// Structure signatures.
mod tag {
    pub(super) const NODE: u8 = 0x4E;
    pub(super) const RELATIONSHIP: u8 = 0x52;
    pub(super) const UNBOUND_RELATIONSHIP: u8 = 0x72;
    pub(super) const PATH: u8 = 0x50;
    pub(super) const DATE: u8 = 0x44;
    pub(super) const TIME: u8 = 0x54;
    pub(super) const LOCAL_TIME: u8 = 0x74;
    pub(super) const LOCAL_DATE_TIME: u8 = 0x64;
    pub(super) const DATE_TIME: u8 = 0x49;
    pub(super) const DATE_TIME_ZONE_ID: u8 = 0x69;
    pub(super) const LEGACY_DATE_TIME: u8 = 0x46;
    pub(super) const LEGACY_DATE_TIME_ZONE_ID: u8 = 0x66;
    pub(super) const DURATION: u8 = 0x45;
}

/// What the negotiated protocol changes in how values look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dialect {
    /// Bolt 5: nodes and relationships carry element ids.
    pub(crate) element_ids: bool,
    /// Bolt 5, or 4.4 with the `utc` patch: date-times are sent as UTC instants.
    pub(crate) utc_date_times: bool,
}

/// The element id of a relationship, as `elementId()` spells it.
pub(crate) fn relationship_element_id(edge: EdgeId) -> String {
    format!("r{}", edge.0)
}

/// Writes `value` as PackStream.
pub(crate) fn pack_value(out: &mut Vec<u8>, value: &Value, graph: &Graph, dialect: Dialect) {
    match value {
        Value::Null => pack_null(out),
        Value::Bool(flag) => pack_bool(out, *flag),
        Value::Int(number) => pack_int(out, *number),
        Value::Float(number) => pack_float(out, *number),
        Value::String(text) => pack_string(out, text),
        Value::Bytes(bytes) => pack_bytes(out, bytes),
        Value::List(items) => {
            pack_list_header(out, items.len());
            for item in items {
                pack_value(out, item, graph, dialect);
            }
        }
        Value::Map(entries) => {
            pack_map(out, entries.iter().map(|(k, v)| (k.as_str(), v)), graph, dialect)
        }
        Value::Node(node) => pack_node(out, *node, graph, dialect),
        Value::Relationship(edge) => pack_relationship(out, *edge, graph, dialect),
        Value::Path(path) => pack_path(out, path, graph, dialect),
        Value::Temporal(temporal) => pack_temporal(out, *temporal, dialect),
        Value::Duration { months, days, seconds, nanos } => {
            pack_struct_header(out, tag::DURATION, 4);
            pack_int(out, *months);
            pack_int(out, *days);
            pack_int(out, *seconds);
            pack_int(out, i64::from(*nanos));
        }
    }
}

fn pack_map<'v>(
    out: &mut Vec<u8>,
    entries: impl ExactSizeIterator<Item = (&'v str, &'v Value)>,
    graph: &Graph,
    dialect: Dialect,
) {
    pack_map_header(out, entries.len());
    for (key, value) in entries {
        pack_string(out, key);
        pack_value(out, value, graph, dialect);
    }
}

/// The properties of a node or relationship (none for one deleted by this statement).
fn pack_properties<'g>(
    out: &mut Vec<u8>,
    properties: impl Iterator<Item = (&'g str, &'g Value)>,
    graph: &Graph,
    dialect: Dialect,
) {
    let properties: Vec<_> = properties.collect();
    pack_map(out, properties.into_iter(), graph, dialect);
}

fn pack_node(out: &mut Vec<u8>, node: NodeId, graph: &Graph, dialect: Dialect) {
    pack_struct_header(out, tag::NODE, if dialect.element_ids { 4 } else { 3 });
    pack_int(out, i64::from(node.0));
    if graph.is_node_deleted(node) {
        pack_list_header(out, 0);
        pack_map_header(out, 0);
    } else {
        let labels: Vec<&str> = graph.node_labels(node).collect();
        pack_list_header(out, labels.len());
        for label in labels {
            pack_string(out, label);
        }
        pack_properties(out, graph.node_properties(node), graph, dialect);
    }
    if dialect.element_ids {
        pack_string(out, graph.node_key(node));
    }
}

fn pack_relationship_properties(out: &mut Vec<u8>, edge: EdgeId, graph: &Graph, dialect: Dialect) {
    if graph.is_edge_deleted(edge) {
        pack_map_header(out, 0);
    } else {
        pack_properties(out, graph.edge_properties(edge), graph, dialect);
    }
}

fn pack_relationship(out: &mut Vec<u8>, edge: EdgeId, graph: &Graph, dialect: Dialect) {
    let (start, end) = graph.edge_endpoints(edge);
    pack_struct_header(out, tag::RELATIONSHIP, if dialect.element_ids { 8 } else { 5 });
    pack_int(out, i64::from(edge.0));
    pack_int(out, i64::from(start.0));
    pack_int(out, i64::from(end.0));
    pack_string(out, graph.edge_type(edge));
    pack_relationship_properties(out, edge, graph, dialect);
    if dialect.element_ids {
        pack_string(out, &relationship_element_id(edge));
        pack_string(out, graph.node_key(start));
        pack_string(out, graph.node_key(end));
    }
}

/// A path as Bolt sends it: its distinct nodes (the start first), its distinct
/// relationships without endpoints, and for each step the relationship's 1-based index
/// (negative when walked against its direction) and the next node's index.
fn pack_path(out: &mut Vec<u8>, path: &Path, graph: &Graph, dialect: Dialect) {
    let mut nodes: Vec<NodeId> = Vec::new();
    let mut edges: Vec<EdgeId> = Vec::new();
    let mut indices: Vec<i64> = Vec::with_capacity(path.relationships.len() * 2);
    let index_of_node = |node: NodeId, nodes: &mut Vec<NodeId>| {
        nodes.iter().position(|seen| *seen == node).unwrap_or_else(|| {
            nodes.push(node);
            nodes.len() - 1
        })
    };
    if let Some(first) = path.nodes.first() {
        index_of_node(*first, &mut nodes);
    }
    for (step, edge) in path.relationships.iter().enumerate() {
        let edge_index = edges.iter().position(|seen| seen == edge).unwrap_or_else(|| {
            edges.push(*edge);
            edges.len() - 1
        }) as i64
            + 1;
        let (from, next) = (path.nodes[step], path.nodes[step + 1]);
        let forward = graph.edge_endpoints(*edge).0 == from;
        indices.push(if forward { edge_index } else { -edge_index });
        indices.push(index_of_node(next, &mut nodes) as i64);
    }
    pack_struct_header(out, tag::PATH, 3);
    pack_list_header(out, nodes.len());
    for node in nodes {
        pack_node(out, node, graph, dialect);
    }
    pack_list_header(out, edges.len());
    for edge in edges {
        pack_struct_header(out, tag::UNBOUND_RELATIONSHIP, if dialect.element_ids { 4 } else { 3 });
        pack_int(out, i64::from(edge.0));
        pack_string(out, graph.edge_type(edge));
        pack_relationship_properties(out, edge, graph, dialect);
        if dialect.element_ids {
            pack_string(out, &relationship_element_id(edge));
        }
    }
    pack_list_header(out, indices.len());
    for index in indices {
        pack_int(out, index);
    }
}

fn pack_temporal(out: &mut Vec<u8>, temporal: Temporal, dialect: Dialect) {
    match temporal {
        Temporal::Date(days) => {
            pack_struct_header(out, tag::DATE, 1);
            pack_int(out, days);
        }
        Temporal::LocalTime(nanos) => {
            pack_struct_header(out, tag::LOCAL_TIME, 1);
            pack_int(out, nanos);
        }
        Temporal::Time { nanos, offset } => {
            pack_struct_header(out, tag::TIME, 2);
            pack_int(out, nanos);
            pack_int(out, i64::from(offset));
        }
        Temporal::LocalDateTime { days, nanos } => {
            pack_struct_header(out, tag::LOCAL_DATE_TIME, 2);
            pack_int(out, days * SECONDS_PER_DAY + nanos / NANOS_PER_SECOND);
            pack_int(out, nanos % NANOS_PER_SECOND);
        }
        Temporal::DateTime { days, nanos, offset, zone } => {
            let local_seconds = days * SECONDS_PER_DAY + nanos / NANOS_PER_SECOND;
            let seconds = if dialect.utc_date_times {
                local_seconds - i64::from(offset)
            } else {
                local_seconds
            };
            let signature = match (zone.is_some(), dialect.utc_date_times) {
                (false, true) => tag::DATE_TIME,
                (true, true) => tag::DATE_TIME_ZONE_ID,
                (false, false) => tag::LEGACY_DATE_TIME,
                (true, false) => tag::LEGACY_DATE_TIME_ZONE_ID,
            };
            pack_struct_header(out, signature, 3);
            pack_int(out, seconds);
            pack_int(out, nanos % NANOS_PER_SECOND);
            match zone {
                Some(zone) => pack_string(out, zone.name()),
                None => pack_int(out, i64::from(offset)),
            }
        }
    }
}

/// Why a client's value cannot be a query parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ParameterError {
    #[error("a {0} cannot be a parameter; pass its id or properties instead")]
    GraphElement(&'static str),
    #[error("structure 0x{tag:02X} with {fields} fields is not a value Körpü knows")]
    UnknownStructure { tag: u8, fields: usize },
    #[error("{0}")]
    Invalid(String),
}

fn int_field(fields: &[PackValue], index: usize) -> Result<i64, ParameterError> {
    fields.get(index).and_then(PackValue::as_int).ok_or_else(|| {
        ParameterError::Invalid(format!("field {index} of a temporal value must be an integer"))
    })
}

/// A local (days, nanoseconds of the day) from seconds and nanoseconds since 1970.
fn local_days(seconds: i64, nanos: i64) -> Result<(i64, i64), ParameterError> {
    if !(0..NANOS_PER_SECOND).contains(&nanos) {
        return Err(ParameterError::Invalid(format!("{nanos} nanoseconds is out of range")));
    }
    let days = date_days(seconds.div_euclid(SECONDS_PER_DAY))?;
    Ok((days, seconds.rem_euclid(SECONDS_PER_DAY) * NANOS_PER_SECOND + nanos))
}

fn date_days(days: i64) -> Result<i64, ParameterError> {
    if (-MAX_DAYS..=MAX_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(ParameterError::Invalid(format!("{days} days from 1970 is out of range")))
    }
}

fn time_of_day(nanos: i64) -> Result<i64, ParameterError> {
    if (0..SECONDS_PER_DAY * NANOS_PER_SECOND).contains(&nanos) {
        Ok(nanos)
    } else {
        Err(ParameterError::Invalid(format!("{nanos} nanoseconds is not a time of day")))
    }
}

fn offset_seconds(value: i64) -> Result<i32, ParameterError> {
    i32::try_from(value)
        .ok()
        .filter(|offset| offset.abs() <= 18 * 3_600)
        .ok_or_else(|| ParameterError::Invalid(format!("{value} seconds is not a UTC offset")))
}

fn zone_named(fields: &[PackValue]) -> Result<ZoneId, ParameterError> {
    let name = fields
        .get(2)
        .and_then(PackValue::as_str)
        .ok_or_else(|| ParameterError::Invalid("a time zone id must be a string".into()))?;
    ZoneId::named(name).map_err(ParameterError::Invalid)
}

/// A query parameter from a client's value.
pub(crate) fn parameter(value: &PackValue, dialect: Dialect) -> Result<Value, ParameterError> {
    Ok(match value {
        PackValue::Null => Value::Null,
        PackValue::Bool(flag) => Value::Bool(*flag),
        PackValue::Int(number) => Value::Int(*number),
        PackValue::Float(number) => Value::Float(*number),
        PackValue::String(text) => Value::from(text.as_str()),
        PackValue::Bytes(bytes) => Value::Bytes(bytes.as_slice().into()),
        PackValue::List(items) => Value::List(
            items.iter().map(|item| parameter(item, dialect)).collect::<Result<_, _>>()?,
        ),
        PackValue::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(key, item)| Ok((key.clone(), parameter(item, dialect)?)))
                .collect::<Result<BTreeMap<_, _>, ParameterError>>()?,
        ),
        PackValue::Struct { tag, fields } => structure(*tag, fields, dialect)?,
    })
}

fn structure(
    signature: u8,
    fields: &[PackValue],
    dialect: Dialect,
) -> Result<Value, ParameterError> {
    let temporal = match (signature, fields.len()) {
        (tag::NODE, _) => return Err(ParameterError::GraphElement("node")),
        (tag::RELATIONSHIP | tag::UNBOUND_RELATIONSHIP, _) => {
            return Err(ParameterError::GraphElement("relationship"));
        }
        (tag::PATH, _) => return Err(ParameterError::GraphElement("path")),
        (tag::DURATION, 4) => {
            let nanos = int_field(fields, 3)?;
            let duration = Duration::new(
                int_field(fields, 0)?,
                int_field(fields, 1)?,
                int_field(fields, 2)?,
                nanos,
            )
            .map_err(ParameterError::Invalid)?;
            return Ok(Value::from(duration));
        }
        (tag::DATE, 1) => Temporal::Date(date_days(int_field(fields, 0)?)?),
        (tag::LOCAL_TIME, 1) => Temporal::LocalTime(time_of_day(int_field(fields, 0)?)?),
        (tag::TIME, 2) => Temporal::Time {
            nanos: time_of_day(int_field(fields, 0)?)?,
            offset: offset_seconds(int_field(fields, 1)?)?,
        },
        (tag::LOCAL_DATE_TIME, 2) => {
            let (days, nanos) = local_days(int_field(fields, 0)?, int_field(fields, 1)?)?;
            Temporal::LocalDateTime { days, nanos }
        }
        (tag::DATE_TIME, 3) if dialect.utc_date_times => {
            let offset = offset_seconds(int_field(fields, 2)?)?;
            let seconds = int_field(fields, 0)?.saturating_add(i64::from(offset));
            let (days, nanos) = local_days(seconds, int_field(fields, 1)?)?;
            Temporal::DateTime { days, nanos, offset, zone: None }
        }
        (tag::DATE_TIME_ZONE_ID, 3) if dialect.utc_date_times => {
            let zone = zone_named(fields)?;
            let (seconds, nanos) = (int_field(fields, 0)?, int_field(fields, 1)?);
            local_days(seconds, nanos)?;
            let instant = i128::from(seconds) * i128::from(NANOS_PER_SECOND) + i128::from(nanos);
            Temporal::at_instant(instant, Zone::Named(zone)).map_err(ParameterError::Invalid)?
        }
        (tag::LEGACY_DATE_TIME, 3) if !dialect.utc_date_times => {
            let offset = offset_seconds(int_field(fields, 2)?)?;
            let (days, nanos) = local_days(int_field(fields, 0)?, int_field(fields, 1)?)?;
            Temporal::DateTime { days, nanos, offset, zone: None }
        }
        (tag::LEGACY_DATE_TIME_ZONE_ID, 3) if !dialect.utc_date_times => {
            let zone = zone_named(fields)?;
            let (days, nanos) = local_days(int_field(fields, 0)?, int_field(fields, 1)?)?;
            Temporal::in_zone(days, nanos, Zone::Named(zone), None)
        }
        (tag, fields) => return Err(ParameterError::UnknownStructure { tag, fields }),
    };
    Ok(Value::Temporal(temporal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::bolt::packstream::unpack;

    const BOLT5: Dialect = Dialect { element_ids: true, utc_date_times: true };
    const BOLT44: Dialect = Dialect { element_ids: false, utc_date_times: false };

    fn packed(value: &Value, dialect: Dialect) -> Vec<u8> {
        let mut out = Vec::new();
        pack_value(&mut out, value, &Graph::default(), dialect);
        out
    }

    fn round_trip(value: Value, dialect: Dialect) -> Value {
        let bytes = packed(&value, dialect);
        parameter(&unpack(&bytes).unwrap(), dialect).unwrap()
    }

    #[test]
    fn temporals_have_their_wire_form() {
        // 2015-06-24T12:50:35.556+01:00: local seconds 1435150235, UTC seconds 3600 fewer.
        let days = 16_610;
        let nanos = (12 * 3_600 + 50 * 60 + 35) * NANOS_PER_SECOND + 556_000_000;
        let value = Value::Temporal(Temporal::DateTime { days, nanos, offset: 3_600, zone: None });
        let mut expected = vec![0xB3, 0x49, 0xCA];
        expected.extend_from_slice(&(1_435_150_235i32 - 3_600).to_be_bytes());
        expected.extend_from_slice(&[0xCA]);
        expected.extend_from_slice(&556_000_000i32.to_be_bytes());
        expected.extend_from_slice(&[0xC9, 0x0E, 0x10]);
        assert_eq!(packed(&value, BOLT5), expected);
        // Plain 4.4 sends the local seconds under the legacy signature.
        assert_eq!(packed(&value, BOLT44)[..7], [0xB3, 0x46, 0xCA, 0x55, 0x8A, 0xA7, 0x9B]);
        assert_eq!(packed(&Value::Temporal(Temporal::Date(1)), BOLT5), [0xB1, 0x44, 0x01]);
        let duration = Value::Duration { months: 14, days: 3, seconds: 61, nanos: 5 };
        assert_eq!(packed(&duration, BOLT5), [0xB4, 0x45, 14, 3, 61, 5]);
    }

    #[test]
    fn every_parameter_type_round_trips() {
        let zone = ZoneId::named("Europe/Stockholm").unwrap();
        let values = [
            Value::Null,
            Value::Bool(true),
            Value::Int(-1_000_000_000_000),
            Value::Float(-0.5),
            Value::from("Bakı"),
            Value::List(vec![Value::Int(1), Value::List(vec![Value::from("x")])]),
            Value::Map(BTreeMap::from([("a".to_owned(), Value::Map(BTreeMap::new()))])),
            Value::Temporal(Temporal::Date(-719_162)),
            Value::Temporal(Temporal::LocalTime(86_399_999_999_999)),
            Value::Temporal(Temporal::Time { nanos: 1, offset: -18_000 }),
            Value::Temporal(Temporal::LocalDateTime { days: -1, nanos: 999_999_999 }),
            Value::Temporal(Temporal::DateTime {
                days: 17_000,
                nanos: 5,
                offset: 19_800,
                zone: None,
            }),
            Value::Temporal(Temporal::in_zone(17_000, 9_000_000_000_000, Zone::Named(zone), None)),
            Value::Duration { months: -3, days: 40, seconds: -7, nanos: 999_999_999 },
        ];
        for dialect in [BOLT5, BOLT44] {
            for value in &values {
                let back = round_trip(value.clone(), dialect);
                assert_eq!(format!("{back:?}"), format!("{value:?}"), "{dialect:?}");
            }
        }
    }

    #[test]
    fn impossible_parameters_are_refused() {
        let refused = |value: PackValue| parameter(&value, BOLT5).unwrap_err();
        let node = PackValue::Struct { tag: tag::NODE, fields: vec![] };
        assert_eq!(refused(node), ParameterError::GraphElement("node"));
        let time = PackValue::Struct { tag: tag::LOCAL_TIME, fields: vec![PackValue::Int(-1)] };
        assert!(matches!(refused(time), ParameterError::Invalid(_)));
        let zone = PackValue::Struct {
            tag: tag::DATE_TIME_ZONE_ID,
            fields: vec![
                PackValue::Int(0),
                PackValue::Int(0),
                PackValue::String("Nowhere/Else".into()),
            ],
        };
        assert!(matches!(refused(zone), ParameterError::Invalid(_)));
        let odd = PackValue::Struct { tag: 0x01, fields: vec![PackValue::Null] };
        assert_eq!(refused(odd), ParameterError::UnknownStructure { tag: 1, fields: 1 });
        let far = PackValue::Struct {
            tag: tag::LOCAL_DATE_TIME,
            fields: vec![PackValue::Int(i64::MAX), PackValue::Int(0)],
        };
        // Far-off instants are a clean error or a value, never a panic.
        let _ = parameter(&far, BOLT5);
    }
}
