//! No input breaks the engine: random text, mutated queries and pathologically deep or
//! long input all end in a result or an error, never a panic, a stack overflow or a
//! hang. Also the round trip `parse(print(ast)) == ast` over generated queries, and the
//! optimizer agreeing with the unoptimized plan.
//!
//! Randomness comes from a small seeded generator so every run checks the same cases;
//! set `KORPU_FUZZ_SEED` to explore others and `KORPU_FUZZ_CASES` for more of them.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use korpu::graph::{Graph, GroupKey, Value};
use korpu::query::exec;
use korpu::query::syntax::{parse, parse_expression};
use korpu::query::{Control, Params};
use korpu::query::{plan, run};

use crate::support::{Rng, fuzz_cases as cases};

/// A small graph with cycles, self-loops, several labels and properties.
fn small_graph() -> Graph {
    let mut graph = Graph::default();
    let setup = "CREATE (a:A:Org {name: 'Bakı', n: 1}), (b:B {name: 'Gəncə', n: 2}), (c:A {name: 'Şəki', n: 3.5}), \
                 (a)-[:T {w: 1}]->(b), (b)-[:T {w: 2}]->(c), (c)-[:U]->(a), (a)-[:U]->(a), (b)-[:T]->(a)";
    run(&mut graph, setup, &Params::new(), &Control::default()).expect("the setup query runs");
    graph
}

/// Runs one input through every stage; returns a description of a panic if one happens.
fn survives(graph: &mut Graph, text: &str) -> Result<(), String> {
    let control =
        Control { max_path_steps: 200_000, ..Control::with_timeout(Duration::from_secs(5)) };
    catch_unwind(AssertUnwindSafe(|| {
        let _ = run(graph, text, &Params::new(), &control);
        let _ = parse_expression(text);
    }))
    .map_err(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|text| (*text).to_owned()))
            .unwrap_or_default();
        format!("panicked on {text:?}: {message}")
    })
}

const SEEDS: &[&str] = &[
    "MATCH (n:A)-[r:T]->(m) WHERE n.n > 1 RETURN n.name, count(*) AS c ORDER BY c DESC LIMIT 3",
    "MATCH p = (a)-[*1..3]-(b) RETURN length(p), nodes(p)",
    "MATCH (a {name: 'Bakı'}) OPTIONAL MATCH (a)-[:U]->(b) RETURN a, b",
    "UNWIND [1, 2, null, 'x', [3]] AS x WITH x WHERE x IS NOT NULL RETURN collect(DISTINCT x)",
    "RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x ^ 2] AS squares, {a: 1, b: [true, null]} AS m",
    "MATCH (n) RETURN CASE WHEN n.n > 2 THEN 'big' ELSE 'small' END AS size, labels(n)",
    "MATCH p = shortestPath((a:A {name: 'Bakı'})-[*]-(b:B)) RETURN p",
    "MATCH (n) WHERE EXISTS { (n)-[:T]->() } RETURN n.name UNION MATCH (n:B) RETURN n.name",
    "CREATE (x:New {k: 'v'})-[:R]->(y:New) RETURN x, y",
    "RETURN toUpper('ş'), fold('İLHAM'), substring('Azərbaycan', 2, 3), split('a,b', ',')",
];

#[test]
fn random_text_never_panics() {
    let mut rng = Rng::seeded();
    let mut graph = small_graph();
    let alphabet: Vec<char> =
        "()[]{}<>-:;,.|*=+/'\"`$ 0123456789abcMATCHRETURNWHEREnmə\n\\".chars().collect();
    let mut failures = Vec::new();
    for _ in 0..cases(3000) {
        let length = rng.below(60);
        let text: String = (0..length).map(|_| alphabet[rng.below(alphabet.len())]).collect();
        if let Err(failure) = survives(&mut graph, &text) {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn mutated_queries_never_panic() {
    let mut rng = Rng::seeded();
    let mut failures = Vec::new();
    let fragments = [
        "(",
        ")",
        "[",
        "]",
        "-",
        "->",
        "<-",
        "*",
        "..",
        ":",
        "{",
        "}",
        ",",
        "'",
        "NOT",
        "null",
        "$p",
        "WHERE",
        "RETURN",
        "0",
        "-1",
        "9999999999999999999",
        "1.5e308",
        "ə",
    ];
    for case in 0..cases(3000) {
        let seed = SEEDS[case % SEEDS.len()];
        let mut chars: Vec<char> = seed.chars().collect();
        for _ in 0..1 + rng.below(4) {
            let at = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 if at < chars.len() => {
                    chars.remove(at);
                }
                1 => {
                    for (offset, character) in rng.pick(&fragments).chars().enumerate() {
                        chars.insert((at + offset).min(chars.len()), character);
                    }
                }
                2 if at + 1 < chars.len() => chars.swap(at, at + 1),
                _ => {
                    let cut = rng.below(chars.len() + 1);
                    chars.truncate(cut);
                }
            }
        }
        let text: String = chars.into_iter().collect();
        // A fresh graph each time: mutated CREATEs should not pile up.
        let mut graph = small_graph();
        if let Err(failure) = survives(&mut graph, &text) {
            failures.push(failure);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn pathological_depth_and_length_are_errors_not_crashes() {
    let graph = small_graph();
    let inputs = [
        format!("RETURN {}1{}", "(".repeat(10_000), ")".repeat(10_000)),
        format!("RETURN {}1{}", "[".repeat(10_000), "]".repeat(10_000)),
        format!("RETURN {}true", "NOT ".repeat(10_000)),
        format!("RETURN {}1", "- ".repeat(10_000)),
        format!("RETURN 1{}", " + 1".repeat(20_000)),
        format!("RETURN 1{}", " AND true".repeat(20_000)),
        format!("RETURN x{}", ".a".repeat(10_000)),
        format!("RETURN {}1", "CASE WHEN true THEN ".repeat(5_000)),
        format!("MATCH (a){} RETURN a", "-->()".repeat(5_000)),
        format!("RETURN [{}]", vec!["1"; 100_000].join(", ")),
        "'".repeat(100_001),
        "/*".repeat(10_000),
    ];
    for input in &inputs {
        let outcome = std::thread::scope(|scope| {
            // The default test-thread stack (2 MiB) is what a library user gets too.
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn_scoped(scope, || survives(&mut graph.clone_for_test(), input))
                .unwrap()
                .join()
        });
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => panic!("{}", &failure[..failure.len().min(300)]),
            Err(_) => {
                panic!("the thread died on input starting {:?}", &input[..40.min(input.len())])
            }
        }
    }
    let deep = format!("RETURN 1{}", " + 1".repeat(300));
    let error = parse(&deep).unwrap_err();
    assert!(error.message.contains("nests deeper than"), "{}", error.message);
    let fine = format!("RETURN 1{}", " + 1".repeat(200));
    assert!(parse(&fine).is_ok());
}

/// Builds a random expression of bounded depth as text.
fn random_expression(rng: &mut Rng, depth: usize) -> String {
    let leaves =
        ["1", "-2", "3.5", "'ş'", "\"q\\\"\"", "true", "null", "n", "n.name", "$p", "[]", "{a: 1}"];
    if depth == 0 || rng.below(3) == 0 {
        return rng.pick(&leaves).to_owned();
    }
    let left = random_expression(rng, depth - 1);
    let right = random_expression(rng, depth - 1);
    match rng.below(12) {
        0 => format!("({left}) + ({right})"),
        1 => format!("({left}) * ({right})"),
        2 => format!("NOT ({left})"),
        3 => format!("({left}) = ({right}) AND ({right}) <> ({left})"),
        4 => format!("[{left}, {right}]"),
        5 => format!("CASE WHEN {left} THEN {right} ELSE {left} END"),
        6 => format!("({left}) IS NULL"),
        7 => format!("[x IN [{left}] WHERE x IS NOT NULL | {right}]"),
        8 => format!("coalesce({left}, {right})"),
        9 => format!("{{k: {left}}}.k"),
        10 => format!("({left}) STARTS WITH ({right})"),
        _ => format!("-({left}) ^ ({right})"),
    }
}

#[test]
fn printing_an_ast_gives_cypher_that_parses_back_to_it() {
    let mut rng = Rng::seeded();
    let shapes = [
        "MATCH (n:A {name: $e})-[r:T|U*1..2]->(m) WHERE $e RETURN DISTINCT $e AS v ORDER BY v DESC SKIP 1 LIMIT 2",
        "UNWIND [$e] AS x WITH x AS n, count(*) AS c WHERE c > 0 RETURN n, c",
        "MATCH p = shortestPath((a)-[*..3]-(b)) RETURN $e AS v UNION ALL RETURN 1 AS v",
        "OPTIONAL MATCH (n)<-[:T]-() RETURN n {.name, v: $e} AS m",
    ];
    for _ in 0..cases(800) {
        let expression = random_expression(&mut rng, 4);
        let text = rng.pick(&shapes).replace("$e", &expression);
        let first = match parse(&text) {
            Ok(statement) => statement,
            Err(error) => panic!("generated query does not parse: {text}\n{error:?}"),
        };
        let printed = first.to_string();
        let second = parse(&printed)
            .unwrap_or_else(|error| panic!("printed form does not parse: {printed}\n{error:?}"));
        assert_eq!(printed, second.to_string(), "printing is not stable for {text}");
        assert_eq!(
            strip_spans(&format!("{first:?}")),
            strip_spans(&format!("{second:?}")),
            "reparse differs for {text}"
        );
    }
}

/// Debug output without span values, so trees from different texts compare.
fn strip_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find("span: Span {") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find('}').map_or(after.len(), |close| close + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn sorted_rows(rows: Vec<Vec<Value>>) -> Vec<Vec<GroupKey>> {
    let mut rows: Vec<Vec<GroupKey>> =
        rows.into_iter().map(|row| row.into_iter().map(GroupKey).collect()).collect();
    rows.sort_by(|left, right| {
        for (a, b) in left.iter().zip(right) {
            let order = a.0.order_cmp(&b.0);
            if order.is_ne() {
                return order;
            }
        }
        std::cmp::Ordering::Equal
    });
    rows
}

#[test]
fn optimized_and_unoptimized_plans_agree() {
    let queries = [
        "MATCH (o:A)-[:T]->(c) RETURN c.name AS c, count(o) AS n",
        "MATCH (o)-[:T]-(c:A) RETURN count(*) AS n",
        "MATCH (o:A)-[r:T]->(c) RETURN count(r) AS n",
        "MATCH (n:A) WHERE n.n > 1 RETURN count(n) AS c",
        "MATCH (n:A) WHERE n.n >= 1 AND n.n < 3.5 RETURN n.name AS name",
        "MATCH (n:A) WHERE 2 > n.n RETURN n.name AS name",
        "MATCH (n:A) WHERE n.n > 'x' RETURN n.name AS name",
        "MATCH (n:A) WHERE n.n > $p RETURN count(*) AS c",
        "MATCH (a)-->(b:B) RETURN a.name AS a, b.name AS b",
        "MATCH (a)-[:T|U]->(b:A) RETURN a.name AS a, count(b) AS c",
        "MATCH (a:A)-[:U]->(a) RETURN count(*) AS loops",
    ];
    let mut graph = small_graph();
    for parameter in [Value::Int(1), Value::Float(2.5), Value::from("x"), Value::Null] {
        let params: Params = [("p".to_owned(), parameter)].into_iter().collect();
        for query in queries {
            let statement = parse(query).unwrap();
            let control = Control::default();
            let optimized = plan::plan(&statement, query, &graph, &control.procedures).unwrap();
            let naive =
                plan::plan_unoptimized(&statement, query, &graph, &control.procedures).unwrap();
            let fast = exec::execute(&mut graph, &optimized, &params, &control).unwrap();
            let slow = exec::execute(&mut graph, &naive, &params, &control).unwrap();
            assert_eq!(
                sorted_rows(fast.rows),
                sorted_rows(slow.rows),
                "{query}\n{optimized}\n{naive}"
            );
        }
    }
}

trait CloneForTest {
    fn clone_for_test(&self) -> Graph;
}

impl CloneForTest for Graph {
    /// A fresh copy of the small graph (graphs are not `Clone`; tests rebuild).
    fn clone_for_test(&self) -> Graph {
        small_graph()
    }
}
