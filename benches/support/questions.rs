//! The ten benchmark questions as openCypher, with the generated graph's targets filled in.
//!
//! They ask what the external comparison harness asks, with the same semantics, so a
//! criterion number here and a harness number there measure the same work: undirected
//! partnerships in `q4_baltic_ngo_partners` and `q7_shortest_path`, ties broken by name in
//! `q5_count_by_country`, the start excluded from `q6_reach_1_3`, and leaderless
//! organizations kept (with `null`) in `q8_optional_leader`.

use super::generator::{BALTIC_REGION, LEADER_COUNTRY, Targets};

/// One question: a stable name (the criterion id) and its text.
pub(crate) struct Question {
    pub name: &'static str,
    pub text: String,
}

/// The year from which the two-hop question counts partners.
const PARTNER_FOUNDED_SINCE: i64 = 2000;

/// The scan question counts organizations founded after this year.
const FOUNDED_AFTER: i64 = 2005;

/// All ten, in the harness's order.
pub(crate) fn questions(targets: &Targets) -> Vec<Question> {
    let lookup = quoted(&targets.lookup);
    let hub = quoted(&targets.hub);
    let walk_start = quoted(&targets.walk_start);
    let (path_from, path_to) = (quoted(&targets.path_from), quoted(&targets.path_to));
    let baltics = quoted(BALTIC_REGION);
    let leader_country = quoted(LEADER_COUNTRY);
    let question = |name, text: String| Question { name, text };
    vec![
        question("q1_point_lookup", format!("MATCH (org:Organization {{name: {lookup}}}) RETURN org.name, org.founded")),
        question(
            "q2_expand_1hop",
            format!("MATCH (hub:Organization {{name: {hub}}})-[:PARTNERS_WITH]->(partner:Organization) RETURN partner.name"),
        ),
        question(
            "q3_2hop_filter",
            format!(
                "MATCH (hub:Organization {{name: {hub}}})-[:PARTNERS_WITH]->(partner:Organization)<-[:MEMBER_OF]-(member:Person) \
                 WHERE partner.founded >= {PARTNER_FOUNDED_SINCE} RETURN DISTINCT member.name"
            ),
        ),
        question(
            "q4_baltic_ngo_partners",
            format!(
                "MATCH (ngo:NGO)-[:PARTNERS_WITH]-(diaspora:DiasporaGroup)-[:LOCATED_IN]->(:Country)-[:PART_OF]->(:Region {{name: {baltics}}}) \
                 RETURN DISTINCT ngo.name"
            ),
        ),
        question(
            "q5_count_by_country",
            "MATCH (org:Organization)-[:LOCATED_IN]->(place:Country) \
             RETURN place.name AS country, COUNT(org) AS orgs ORDER BY orgs DESC, country ASC LIMIT 10"
                .to_owned(),
        ),
        question(
            "q6_reach_1_3",
            format!(
                "MATCH (start:Organization {{name: {walk_start}}})-[:PARTNERS_WITH*1..3]->(reached:Organization) \
                 WHERE reached.name <> {walk_start} RETURN COUNT(DISTINCT reached) AS reachable"
            ),
        ),
        question(
            "q7_shortest_path",
            format!(
                "MATCH route = shortestPath((a:Organization {{name: {path_from}}})-[:PARTNERS_WITH*..30]-(b:Organization {{name: {path_to}}})) \
                 RETURN length(route) AS hops"
            ),
        ),
        question(
            "q8_optional_leader",
            format!(
                "MATCH (org:Organization)-[:LOCATED_IN]->(:Country {{name: {leader_country}}}) \
                 OPTIONAL MATCH (leader:Person)-[:LEADS]->(org) RETURN org.name, leader.name"
            ),
        ),
        question(
            "q9_founded_scan",
            format!("MATCH (org:Organization) WHERE org.founded > {FOUNDED_AFTER} RETURN COUNT(org) AS founded_recently"),
        ),
        question(
            "q10_baltic_events_by_year",
            format!(
                "MATCH (diaspora:DiasporaGroup)-[:ORGANIZED]->(event:Event)-[:HELD_IN]->(:Country)-[:PART_OF]->(:Region {{name: {baltics}}}) \
                 RETURN event.year AS year, COUNT(event) AS events ORDER BY year"
            ),
        ),
    ]
}

/// A double-quoted Cypher string literal.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
