//! Indexes and constraints (issue 14): the schema commands in both of Neo4j's
//! spellings, a movie-style script run twice, every kind of constraint refusing a
//! write with a message that names it, constraints refused over data that breaks them,
//! schema changes undone with their transaction, and `SHOW` in every output format.

use korpu::editor::script::{ScriptItem, split_script};
use korpu::graph::{Graph, Value};
use korpu::query::QueryResult;
use korpu::query::error::QueryError;
use korpu::session::Session;

use crate::support::korpu_stdin;
use crate::writes::snapshot;

const FILMS: &str = include_str!("../data/schema/films.cypher");

fn run(session: &mut Session, text: &str) -> Result<QueryResult, QueryError> {
    session.run(text).into_outcome().map(|outcome| outcome.into_result().unwrap_or_default())
}

#[track_caller]
fn ok(session: &mut Session, text: &str) -> QueryResult {
    run(session, text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

#[track_caller]
fn refused(session: &mut Session, text: &str) -> String {
    match run(session, text) {
        Ok(result) => panic!("{text} was accepted: {result:?}"),
        Err(error) => error.to_string(),
    }
}

/// Every statement of a script, in order, each with its outcome.
fn run_script(session: &mut Session, script: &str) -> Vec<Result<QueryResult, QueryError>> {
    split_script(script)
        .into_iter()
        .filter_map(|item| match item {
            ScriptItem::Statement { span } => Some(run(session, &script[span.start..span.end])),
            ScriptItem::Command { .. } => None,
        })
        .collect()
}

fn single(result: &QueryResult) -> Value {
    assert_eq!(result.rows.len(), 1, "{result:?}");
    result.rows[0][0].clone()
}

fn strings(result: &QueryResult, column: &str) -> Vec<String> {
    let at = result.columns.iter().position(|name| name == column).unwrap();
    result
        .rows
        .iter()
        .map(|row| match &row[at] {
            Value::String(text) => text.to_string(),
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn a_movie_style_script_runs_unchanged_and_its_second_create_is_refused() {
    let mut session = Session::over(Graph::default());
    let first = run_script(&mut session, FILMS);
    assert_eq!(first.len(), 5, "four schema lines and one CREATE");
    for outcome in &first {
        assert!(outcome.is_ok(), "{outcome:?}");
    }
    let created = first[4].as_ref().unwrap().stats;
    assert_eq!((created.nodes_created, created.relationships_created), (17, 14));
    assert_eq!(first[0].as_ref().unwrap().stats.constraints_added, 1);
    assert_eq!(first[1].as_ref().unwrap().stats.indexes_added, 1);

    let indexes = ok(&mut session, "SHOW INDEXES");
    assert_eq!(indexes.rows.len(), 4, "two constraint-owned indexes and two others");
    let mut types = strings(&indexes, "type");
    types.dedup();
    assert_eq!(types, ["RANGE"]);
    let constraints = ok(&mut session, "SHOW CONSTRAINTS YIELD name, type, properties");
    assert_eq!(strings(&constraints, "type"), ["UNIQUENESS", "UNIQUENESS"]);

    // The questions of the guide: who acted in a film, and what did a director make.
    let actors = ok(
        &mut session,
        "MATCH (p:Person)-[r:ACTED_IN]->(m:Movie {title: 'Arşın mal alan'}) RETURN p.name AS name ORDER BY name",
    );
    assert_eq!(strings(&actors, "name"), ["Leyla Cavanşirova", "Rəşid Behbudov"]);
    let films = ok(
        &mut session,
        "MATCH (:Person {name: 'Rasim Balayev'})-[:ACTED_IN]->(m) RETURN count(m)",
    );
    assert!(matches!(single(&films), Value::Int(2)));

    let before = snapshot(session.view().graph());
    let second = run_script(&mut session, FILMS);
    for (position, outcome) in second.iter().take(4).enumerate() {
        let stats =
            outcome.as_ref().unwrap_or_else(|error| panic!("line {position}: {error}")).stats;
        assert!(stats.is_empty(), "IF NOT EXISTS changes nothing the second time: {stats:?}");
    }
    let error = second[4].as_ref().unwrap_err().to_string();
    for part in ["constraint `constraint_", "(:Person {name}) IS UNIQUE", "'Rəşid Behbudov'"] {
        assert!(error.contains(part), "{part} missing from: {error}");
    }
    assert_eq!(snapshot(session.view().graph()), before, "the refused CREATE left nothing behind");
}

#[test]
fn every_kind_of_constraint_refuses_a_breaking_write_and_names_itself() {
    let mut session = Session::over(Graph::default());
    for declaration in [
        "CREATE CONSTRAINT org_name FOR (o:Organization) REQUIRE o.name IS UNIQUE",
        "CREATE CONSTRAINT org_named FOR (o:Organization) REQUIRE o.name IS NOT NULL",
        "CREATE CONSTRAINT org_founded FOR (o:Organization) REQUIRE o.founded IS :: INTEGER",
        "CREATE CONSTRAINT person_key FOR (p:Person) REQUIRE (p.name, p.born) IS NODE KEY",
        "CREATE CONSTRAINT leads_since FOR ()-[r:LEADS]-() REQUIRE r.since IS NOT NULL",
        "CREATE CONSTRAINT leads_id FOR ()-[r:LEADS]->() REQUIRE r.id IS UNIQUE",
    ] {
        assert_eq!(ok(&mut session, declaration).stats.constraints_added, 1, "{declaration}");
    }
    ok(&mut session, "CREATE (:Organization {name: 'Azərbaycan Evi', founded: 1992})");
    ok(&mut session, "CREATE (:Person {name: 'İlham', born: 1961})");
    let cases = [
        ("CREATE (:Organization {name: 'Azərbaycan Evi'})", "org_name", "name = 'Azərbaycan Evi'"),
        ("CREATE (:Organization {founded: 2001})", "org_named", "has no `name`"),
        (
            "CREATE (:Organization {name: 'Körpü', founded: '2001'})",
            "org_founded",
            "founded = '2001', a String (expected INTEGER)",
        ),
        ("MATCH (o:Organization) SET o.founded = 1992.5", "org_founded", "a Float"),
        ("CREATE (:Person {name: 'Aydan'})", "person_key", "has no `born`"),
        (
            "CREATE (:Person {name: 'İlham', born: 1961.0})",
            "person_key",
            "name = 'İlham', born = 1961.0",
        ),
        (
            "MATCH (o:Organization), (p:Person) CREATE (p)-[:LEADS]->(o)",
            "leads_since",
            "has no `since`",
        ),
        (
            "MATCH (o:Organization), (p:Person) CREATE (p)-[:LEADS {since: 1, id: 7}]->(o), (p)-[:LEADS {since: 2, id: 7}]->(o)",
            "leads_id",
            "id = 7",
        ),
        // A label added to a node that breaks the rule of that label.
        ("CREATE (n:Place {name: 'Gəncə'}) SET n:Person", "person_key", "has no `born`"),
    ];
    for (statement, constraint, detail) in cases {
        let before = snapshot(session.view().graph());
        let message = refused(&mut session, statement);
        assert!(message.contains(&format!("constraint `{constraint}`")), "{statement}: {message}");
        assert!(message.contains(detail), "{statement}: {message}");
        assert!(message.contains("nothing was written"), "{message}");
        assert_eq!(snapshot(session.view().graph()), before, "{statement} left a trace");
    }
    // Writes that keep the rules pass: a null where only uniqueness applies, a
    // different key, and MERGE finding the node the constraint protects.
    ok(&mut session, "CREATE (:Organization {name: 'Körpü'})");
    ok(&mut session, "CREATE (:Person {name: 'İlham', born: 1962})");
    let merged =
        ok(&mut session, "MERGE (o:Organization {name: 'Azərbaycan Evi'}) RETURN o.founded");
    assert!(matches!(single(&merged), Value::Int(1992)));
    assert_eq!(merged.stats.nodes_created, 0);
}

#[test]
fn a_constraint_over_data_that_breaks_it_is_refused_with_the_offenders() {
    let mut session = Session::over(Graph::default());
    ok(
        &mut session,
        "UNWIND ['Bakı', 'Gəncə', 'Bakı', 'Şəki', 'Gəncə'] AS name CREATE (:City {name: name})",
    );
    let message =
        refused(&mut session, "CREATE CONSTRAINT city FOR (c:City) REQUIRE c.name IS UNIQUE");
    assert!(message.contains("the data already breaks it"), "{message}");
    assert!(message.contains("'Bakı'") && message.contains("'Gəncə'"), "{message}");
    assert!(!message.contains("'Şəki'"), "{message}");
    assert!(ok(&mut session, "SHOW CONSTRAINTS").rows.is_empty());
    assert!(ok(&mut session, "SHOW INDEXES").rows.is_empty(), "its index went with it");
    // Once the duplicates are gone it is accepted.
    ok(
        &mut session,
        "MATCH (c:City) WITH c.name AS name, collect(c) AS cities UNWIND cities[1..] AS extra DELETE extra",
    );
    ok(&mut session, "CREATE CONSTRAINT city FOR (c:City) REQUIRE c.name IS UNIQUE");
}

#[test]
fn schema_commands_are_checked_and_named_clearly() {
    let mut session = Session::over(Graph::default());
    ok(&mut session, "CREATE INDEX city_name FOR (c:City) ON (c.name)");
    let cases = [
        (
            "CREATE INDEX city_name FOR (c:City) ON (c.population)",
            "named `city_name` already exists",
        ),
        (
            "CREATE INDEX other FOR (c:City) ON (c.name)",
            "equivalent index already exists: `city_name`",
        ),
        ("CREATE CONSTRAINT c FOR (c:City) REQUIRE c.name IS UNIQUE", "drop it before"),
        ("DROP INDEX nope", "no index named `nope`"),
        ("DROP CONSTRAINT nope", "no constraint named `nope`"),
        ("DROP INDEX ON :City(population)", "no index (:City {population})"),
        ("CREATE INDEX FOR (c:City) ON (c.name) RETURN 1", "statement of its own"),
        ("CREATE CONSTRAINT FOR (c:City) REQUIRE (c.a, c.b) IS NOT NULL", "one property each"),
        (
            "CREATE FULLTEXT INDEX f FOR (c:City) ON EACH [c.name]",
            "FULLTEXT indexes are not supported",
        ),
        ("CREATE CONSTRAINT FOR (c:City) REQUIRE c.name IS :: TEXT", "a property type"),
    ];
    for (statement, expected) in cases {
        let message = refused(&mut session, statement);
        assert!(message.contains(expected), "{statement}: {message}");
    }
    // IF NOT EXISTS and IF EXISTS turn the clashes into no-ops.
    for quiet in [
        "CREATE INDEX city_name IF NOT EXISTS FOR (c:City) ON (c.population)",
        "CREATE INDEX other IF NOT EXISTS FOR (c:City) ON (c.name)",
        "DROP INDEX nope IF EXISTS",
        "DROP CONSTRAINT nope IF EXISTS",
    ] {
        assert!(ok(&mut session, quiet).stats.is_empty(), "{quiet}");
    }
    assert_eq!(ok(&mut session, "DROP INDEX ON :City(name)").stats.indexes_removed, 1);
}

#[test]
fn schema_changes_are_undone_with_their_transaction() {
    let mut session = Session::over(Graph::default());
    ok(&mut session, "CREATE CONSTRAINT kept FOR (p:Person) REQUIRE p.name IS UNIQUE");
    session.begin().unwrap();
    ok(&mut session, "CREATE INDEX born FOR (p:Person) ON (p.born)");
    ok(&mut session, "DROP CONSTRAINT kept");
    ok(&mut session, "CREATE (:Person {name: 'Aydan'}), (:Person {name: 'Aydan'})");
    session.rollback().unwrap();
    let names = strings(&ok(&mut session, "SHOW INDEXES"), "name");
    assert_eq!(names, ["kept"], "the index created in the transaction is gone, the owned one back");
    let message =
        refused(&mut session, "CREATE (:Person {name: 'Aydan'}), (:Person {name: 'Aydan'})");
    assert!(message.contains("constraint `kept`"), "the dropped constraint is back: {message}");
    assert!(session.view().graph().validate().is_ok());
}

#[test]
fn show_and_schema_errors_work_in_every_output_format() {
    let script = "CREATE CONSTRAINT şəhər FOR (c:Şəhər) REQUIRE c.ad IS UNIQUE;\n\
                  SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties;\n";
    let json = korpu_stdin(&["--empty", "--format", "json", "run", "-"], script);
    let text = String::from_utf8_lossy(&json.stdout);
    assert!(json.status.success(), "{}", String::from_utf8_lossy(&json.stderr));
    assert!(text.contains(r#""constraints_added":1"#), "{text}");
    assert!(text.contains(r#"["şəhər","UNIQUENESS",["Şəhər"],["ad"]]"#), "{text}");

    let csv = korpu_stdin(&["--empty", "--format", "csv", "run", "-"], script);
    let text = String::from_utf8_lossy(&csv.stdout);
    assert!(text.contains("name,type,labelsOrTypes,properties"), "{text}");
    assert!(text.contains("şəhər,UNIQUENESS"), "{text}");

    let table = korpu_stdin(&["--empty", "run", "-"], script);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("1 constraint added") && text.contains("| şəhər "), "{text}");

    let failing = "CREATE CONSTRAINT c FOR (c:Şəhər) REQUIRE c.ad IS UNIQUE;\n\
                   CREATE (:Şəhər {ad: 'Bakı'}), (:Şəhər {ad: 'Bakı'});\n";
    let json = korpu_stdin(&["--empty", "--format", "json", "run", "-"], failing);
    assert!(!json.status.success());
    let errors = String::from_utf8_lossy(&json.stderr);
    assert!(errors.contains("ConstraintValidationFailed") && errors.contains("'Bakı'"), "{errors}");
    // The refusal points at the statement it undid.
    assert!(errors.contains(" --> <stdin>:2:1"), "{errors}");
}

#[test]
fn explain_shows_schema_commands() {
    let mut session = Session::over(Graph::default());
    let plan =
        match session.run("EXPLAIN CREATE TEXT INDEX ad FOR (c:Şəhər) ON (c.ad)").into_outcome()
        {
            Ok(korpu::query::Outcome::Explained(plan)) => plan,
            other => panic!("{other:?}"),
        };
    assert!(plan.contains("CreateIndex `ad` TEXT (:Şəhər {ad})"), "{plan}");
    assert!(ok(&mut session, "SHOW INDEXES").rows.is_empty(), "EXPLAIN does not run it");
}

fn explain(session: &mut Session, text: &str) -> String {
    match session.run(&format!("EXPLAIN {text}")).into_outcome() {
        Ok(korpu::query::Outcome::Explained(plan)) => plan,
        other => panic!("{other:?}"),
    }
}

fn sorted_rows(result: &QueryResult) -> Vec<String> {
    let mut rows: Vec<String> = result.rows.iter().map(|row| format!("{row:?}")).collect();
    rows.sort();
    rows
}

#[test]
fn declared_indexes_answer_equality_ranges_and_prefixes_as_a_scan_would() {
    let data = "UNWIND range(0, 299) AS i \
                CREATE (:City {name: ['Bakı', 'Bakıxanov', 'Gəncə', 'Şəki', 'İsmayıllı', 'ismayıllı', 'Ağdam'][i % 7] + CASE WHEN i % 3 = 0 THEN '' ELSE toString(i) END, \
                               code: CASE i % 5 WHEN 0 THEN i WHEN 1 THEN toFloat(i) WHEN 2 THEN toString(i) WHEN 3 THEN i % 2 = 0 ELSE null END})";
    let queries = [
        "MATCH (c:City {name: 'Bakı'}) RETURN c.code",
        "MATCH (c:City) WHERE c.name = 'Gəncə' RETURN c.code",
        "MATCH (c:City) WHERE c.name STARTS WITH 'Bakı' RETURN c.name",
        "MATCH (c:City) WHERE c.name STARTS WITH 'İs' RETURN c.name",
        "MATCH (c:City) WHERE c.name >= 'G' AND c.name < 'Ş' RETURN c.name",
        "MATCH (c:City) WHERE c.name > $text RETURN c.name",
        "MATCH (c:City) WHERE c.code = 10 RETURN c.name",
        "MATCH (c:City) WHERE c.code = 10.0 RETURN c.name",
        "MATCH (c:City) WHERE c.code > 100 AND c.code <= 200 RETURN c.code",
        "MATCH (c:City) WHERE c.code > $number RETURN c.code",
        "MATCH (c:City) WHERE c.code < '2' RETURN c.code",
        "MATCH (c:City) WHERE c.code = true RETURN c.name",
        "MATCH (c:City) WHERE c.code STARTS WITH '1' RETURN c.code",
        "MATCH (c:City) WHERE c.name STARTS WITH $nothing RETURN c.name",
        "UNWIND ['Bakı', 'Şəki', 'yox'] AS n MATCH (c:City {name: n}) RETURN n, c.code",
    ];
    let mut plain = Session::over(Graph::default());
    let mut indexed = Session::over(Graph::default());
    for session in [&mut plain, &mut indexed] {
        session.params.insert("text".into(), Value::from("Ş"));
        session.params.insert("number".into(), Value::Int(250));
        session.params.insert("nothing".into(), Value::Null);
        ok(session, data);
    }
    ok(&mut indexed, "CREATE INDEX names FOR (c:City) ON (c.name)");
    ok(&mut indexed, "CREATE TEXT INDEX codes FOR (c:City) ON (c.code)");
    for query in queries {
        let expected = sorted_rows(&ok(&mut plain, query));
        assert_eq!(sorted_rows(&ok(&mut indexed, query)), expected, "{query}");
    }
    assert!(explain(&mut indexed, queries[0]).contains("NodeIndexSeek (c:City {name: 'Bakı'})"));
    assert!(
        explain(&mut indexed, queries[2])
            .contains("NodeIndexSeekByRange (c:City) name STARTS WITH 'Bakı'")
    );
    assert!(
        explain(&mut indexed, queries[4])
            .contains("NodeIndexSeekByRange (c:City) name >= 'G' < 'Ş'")
    );
    assert!(!explain(&mut plain, queries[2]).contains("NodeIndexSeekByRange"));
}

#[test]
fn merge_on_a_unique_key_is_an_index_lookup() {
    let mut session = Session::over(Graph::default());
    ok(&mut session, "CREATE CONSTRAINT code FOR (c:Country) REQUIRE c.code IS UNIQUE");
    let plan = explain(&mut session, "UNWIND $codes AS code MERGE (c:Country {code: code})");
    assert!(plan.contains("NodeIndexSeek (c:Country {code: code})"), "{plan}");
    assert!(!plan.contains("NodeByLabelScan"), "{plan}");
    session.params.insert(
        "codes".into(),
        Value::List(["AZ", "TR", "AZ", "GE", "TR"].into_iter().map(Value::from).collect()),
    );
    let merged = ok(&mut session, "UNWIND $codes AS code MERGE (c:Country {code: code})");
    assert_eq!(merged.stats.nodes_created, 3, "each code once");
}

#[test]
fn the_cypher_export_lists_the_rules_for_neo4j_and_memgraph() {
    let output = crate::support::korpu(&["export"]);
    let script = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success());
    for line in [
        "//   Neo4j:    CREATE CONSTRAINT `organization_name` FOR (n:`Organization`) REQUIRE n.`name` IS UNIQUE;",
        "//   Memgraph: CREATE CONSTRAINT ON (n:Organization) ASSERT n.name IS UNIQUE;",
        "//   Neo4j:    CREATE CONSTRAINT `founded_year_integer` FOR (n:`Organization`) REQUIRE n.`founded_year` IS :: INTEGER;",
        "//   Neo4j:    CREATE TEXT INDEX `organization_name_en` FOR (n:`Organization`) ON (n.`name_en`);",
        "//   Memgraph: CREATE INDEX ON :Event(event_type);",
    ] {
        assert!(script.lines().any(|found| found == line), "{line} missing");
    }
}
