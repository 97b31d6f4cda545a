//! Answers that must be Neo4j's to the letter, found by comparing with Neo4j's manual
//! rather than the openCypher TCK: how floats print, the functions Neo4j 5 added, and
//! aggregates that keep their argument's type.

use korpu::graph::{Graph, Value};
use korpu::query::{Control, Params, run};

/// The one value `RETURN <expression>` gives.
fn value(expression: &str) -> Value {
    let mut graph = Graph::default();
    let text = format!("RETURN {expression} AS v");
    let result = run(&mut graph, &text, &Params::new(), &Control::default())
        .unwrap_or_else(|error| panic!("{text}: {error}"));
    result.rows[0][0].clone()
}

fn text(expression: &str) -> String {
    match value(expression) {
        Value::String(text) => text.to_string(),
        other => panic!("{expression} gave {other:?}"),
    }
}

fn float(expression: &str) -> f64 {
    match value(expression) {
        Value::Float(number) => number,
        other => panic!("{expression} gave {other:?}"),
    }
}

#[test]
fn floats_print_as_java_prints_them() {
    assert_eq!(text("toString(1.0E7)"), "1.0E7");
    assert_eq!(text("'x' + 1.5E7"), "x1.5E7");
    assert_eq!(text("toString(0.0001)"), "1.0E-4");
    assert_eq!(text("toString(1e20)"), "1.0E20");
    assert_eq!(text("toString(1234567.0)"), "1234567.0");
    assert_eq!(text("toString(0.001)"), "0.001");
    assert_eq!(text("toString(-2.5)"), "-2.5");
    assert_eq!(text("toString(1.0 / 3)"), "0.3333333333333333");
}

#[test]
fn neo4j_5_functions() {
    assert_eq!(text("lower('BAKI')"), "baki");
    assert_eq!(text("upper('gəncə')"), "GƏNCƏ");
    assert_eq!(text("LOWER('ABC')"), "abc", "function names ignore case");
    assert!(matches!(value("isNaN(0.0 / 0.0)"), Value::Bool(true)));
    assert!(matches!(value("isNaN(1)"), Value::Bool(false)));
    assert!(matches!(value("isNaN(null)"), Value::Null));
    assert!((float("degrees(pi())") - 180.0).abs() < 1e-12);
    assert!((float("radians(180)") - std::f64::consts::PI).abs() < 1e-12);
    assert!((float("cot(1.0)") - 1.0 / 1.0f64.tan()).abs() < 1e-12);
    assert!((float("haversin(0.5)") - (1.0 - 0.5f64.cos()) / 2.0).abs() < 1e-12);
    match value("toStringList([1, 2.5, 'a', true, null, [1]])") {
        Value::List(items) => {
            let shown: Vec<String> = items
                .iter()
                .map(|item| match item {
                    Value::String(text) => text.to_string(),
                    Value::Null => "null".to_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            assert_eq!(shown, ["1", "2.5", "a", "true", "null", "null"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn percentile_disc_keeps_integers() {
    let mut graph = Graph::default();
    let answer = |text: &str, graph: &mut Graph| {
        run(graph, text, &Params::new(), &Control::default()).unwrap().rows[0][0].clone()
    };
    let disc = answer("UNWIND [10, 58, 33, 97] AS x RETURN percentileDisc(x, 0.5)", &mut graph);
    assert!(matches!(disc, Value::Int(33)), "{disc:?}");
    let mixed = answer("UNWIND [10, 58.0, 33] AS x RETURN percentileDisc(x, 0.5)", &mut graph);
    assert!(matches!(mixed, Value::Float(number) if number == 33.0), "{mixed:?}");
    let cont = answer("UNWIND [10, 20] AS x RETURN percentileCont(x, 0.5)", &mut graph);
    assert!(matches!(cont, Value::Float(number) if number == 15.0), "{cont:?}");
}

#[test]
fn setting_null_counts_only_what_it_removes() {
    let mut graph = Graph::default();
    let stats = |text: &str, graph: &mut Graph| {
        run(graph, text, &Params::new(), &Control::default()).unwrap().stats.properties_set
    };
    let created = "MERGE (p:Person {name: 'Aysel'}) ON CREATE SET p.born = null, p.city = 'Bakı'";
    // name from the pattern, city from ON CREATE; the null `born` sets nothing.
    assert_eq!(stats(created, &mut graph), 2);
    assert_eq!(stats("MATCH (p:Person) SET p.city = null", &mut graph), 1);
    assert_eq!(stats("MATCH (p:Person) SET p.city = null", &mut graph), 0);
}

#[test]
fn a_map_projection_is_named_by_its_variable() {
    let mut graph = Graph::default();
    let text =
        "CREATE (keanu:Person {name: 'Keanu', born: 1964}) RETURN keanu{.name, .born}, keanu.name";
    let result = run(&mut graph, text, &Params::new(), &Control::default()).unwrap();
    assert_eq!(result.columns, ["keanu", "keanu.name"]);
}

#[test]
fn a_list_property_holds_one_type() {
    let mut graph = Graph::default();
    let refused = run(&mut graph, "CREATE (:X {l: ['a', 1]})", &Params::new(), &Control::default())
        .unwrap_err();
    assert!(refused.to_string().contains("a list mixing String and Integer"), "{refused}");
    // Numbers may mix, as one numeric list; other lists of one type are stored.
    for list in ["[1, 2.5]", "['a', 'b']", "[date('2024-01-01')]", "[]"] {
        let text = format!("CREATE (:X {{l: {list}}})");
        run(&mut graph, &text, &Params::new(), &Control::default())
            .unwrap_or_else(|e| panic!("{text}: {e}"));
    }
}

#[test]
fn rounding_trimming_and_the_other_neo4j_5_scalars() {
    let cases = [
        ("round(2.345, 2)", 2.35),
        ("round(-2.345, 2)", -2.35),
        ("round(2.5, 0, 'HALF_EVEN')", 2.0),
        ("round(3.5, 0, 'half_even')", 4.0),
        ("round(-2.5, 0)", -3.0),
        ("round(-2.5, 0, 'HALF_DOWN')", -2.0),
        ("round(1234.5678, -2)", 1200.0),
        ("round(0.00123, 1, 'UP')", 0.1),
        ("round(9.999, 2)", 10.0),
        ("round(5.67891, 3, 'DOWN')", 5.678),
        ("round(-1.5, 0, 'CEILING')", -1.0),
        ("round(-1.5, 0, 'FLOOR')", -2.0),
        ("round(12, 1)", 12.0),
    ];
    for (expression, expected) in cases {
        assert_eq!(float(expression), expected, "{expression}");
    }
    let mut graph = Graph::default();
    let error =
        run(&mut graph, "RETURN round(1.5, 0, 'SIDEWAYS')", &Params::new(), &Control::default())
            .unwrap_err();
    assert!(error.to_string().contains("HALF_EVEN, not `SIDEWAYS`"), "{error}");
    assert_eq!(text("btrim('xxaxbxx', 'x')"), "axb");
    assert_eq!(text("btrim('  Şəki ')"), "Şəki");
    assert_eq!(text("ltrim('xxab', 'x')"), "ab");
    assert_eq!(text("rtrim('abyy', 'y')"), "ab");
    assert!(matches!(value("nullIf(1, 1)"), Value::Null));
    assert!(matches!(value("nullIf('a', 'b')"), Value::String(_)));
    assert!(matches!(value("char_length('Körpü')"), Value::Int(5)));
    assert!(matches!(value("character_length('ə')"), Value::Int(1)));
    assert!(matches!(value("timestamp() > 1700000000000"), Value::Bool(true)));
    assert!(
        matches!(value("timestamp() = timestamp()"), Value::Bool(true)),
        "one clock per statement"
    );
}

#[test]
fn a_simple_case_branch_may_list_several_values() {
    let case =
        |x: i64| text(&format!("CASE {x} WHEN 1, 2 THEN 'low' WHEN 3 THEN 'mid' ELSE 'high' END"));
    assert_eq!([case(1), case(2), case(3), case(4)], ["low", "low", "mid", "high"]);
    // Only the simple form takes a list; the searched form says what it expected.
    let mut graph = Graph::default();
    let error = run(
        &mut graph,
        "RETURN CASE WHEN true, false THEN 1 END",
        &Params::new(),
        &Control::default(),
    )
    .unwrap_err();
    assert!(error.to_string().contains("expected THEN"), "{error}");
}

#[test]
fn normalize_gives_each_unicode_form() {
    // "ə" and "é" written as a letter plus a combining mark.
    assert!(matches!(value("char_length(normalize('e\\u0301'))"), Value::Int(1)));
    assert!(matches!(value("char_length(normalize('\\u00e9', 'NFD'))"), Value::Int(2)));
    assert_eq!(text("normalize('\\ufb01', 'nfkc')"), "fi");
    let mut graph = Graph::default();
    let error =
        run(&mut graph, "RETURN normalize('x', 'NFX')", &Params::new(), &Control::default())
            .unwrap_err();
    assert!(error.to_string().contains("NFKD, not `NFX`"), "{error}");
}
