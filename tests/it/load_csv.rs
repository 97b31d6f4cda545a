//! `LOAD CSV` (issue #14): headers, quoting, BOM, Azerbaijani text, empty fields,
//! `linenumber()`/`file()`, field terminators, the import directory's walls, malformed
//! files (named with file and line, nothing written), batches past 10,000 records, the
//! command line's `--import-dir` and output formats, and a Northwind-style import whose
//! answers are checked against figures computed here from the CSV files themselves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use korpu::editor::script::{ScriptItem, split_script};
use korpu::graph::{Graph, Value};
use korpu::query::ImportDir;
use korpu::query::error::QueryError;
use korpu::session::Session;

use crate::support::{Scratch, korpu};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/csv")
}

fn session_in(dir: &Path) -> Session {
    let mut session = Session::over(Graph::default());
    session.import_dir = Some(Arc::new(ImportDir::new(dir).unwrap()));
    session
}

#[track_caller]
fn rows(session: &mut Session, query: &str) -> Vec<Vec<Value>> {
    match session.run(query).into_outcome() {
        Ok(outcome) => outcome.into_result().unwrap().rows,
        Err(error) => panic!("{query}\nfailed: {error}"),
    }
}

#[track_caller]
fn error(session: &mut Session, query: &str) -> String {
    match session.run(query).into_outcome() {
        Ok(_) => panic!("{query}\nshould have failed"),
        Err(error) => error.to_string(),
    }
}

/// `Value` has openCypher's three-valued `=`, not `PartialEq`: compare as printed.
macro_rules! same {
    ($left:expr, $right:expr $(, $($message:tt)+)?) => {
        assert_eq!(format!("{:?}", $left), format!("{:?}", $right) $(, $($message)+)?)
    };
}

fn text(value: &str) -> Value {
    Value::from(value)
}

fn node_count(session: &Session) -> usize {
    session.view().graph().node_count()
}

#[test]
fn headers_give_maps_with_bom_quotes_newlines_azerbaijani_text_and_nulls() {
    let mut session = session_in(&fixtures());
    let found = rows(
        &mut session,
        "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row RETURN row.name, row.city, row.note, keys(row)",
    );
    let keys = Value::List(vec![text("city"), text("name"), text("note")]);
    same!(
        found,
        vec![
            vec![text("Əli"), text("Bakı"), text("says \"salam\", then, leaves"), keys.clone()],
            vec![text("İlkin"), text("Gəncə"), Value::Null, keys.clone()],
            vec![text("Şəbnəm"), text("Şəki\nköhnə şəhər"), text("çay ğ ö ü ı"), keys],
        ]
    );
}

#[test]
fn without_headers_each_record_is_a_list_and_empty_fields_are_null() {
    let mut session = session_in(&fixtures());
    let found =
        rows(&mut session, "LOAD CSV FROM 'semicolon.csv' AS row FIELDTERMINATOR ';' RETURN row");
    let list = |items: &[Option<&str>]| {
        vec![Value::List(items.iter().map(|item| item.map_or(Value::Null, text)).collect())]
    };
    same!(
        found,
        vec![
            list(&[Some("a"), Some("b"), Some("c")]),
            list(&[Some("1"), None, Some("3")]),
            list(&[Some("4"), Some("5"), Some("6")]),
        ]
    );
    let tabs = rows(
        &mut session,
        "LOAD CSV WITH HEADERS FROM 'file:///tabs.csv' AS row FIELDTERMINATOR '\\t' RETURN toInteger(row.x) + toInteger(row.y)",
    );
    same!(tabs, vec![vec![Value::Int(3)]]);
}

#[test]
fn linenumber_and_file_tell_where_each_record_starts() {
    let mut session = session_in(&fixtures());
    let found = rows(
        &mut session,
        "LOAD CSV FROM 'file:///people.csv' AS row WITH row RETURN row[0], linenumber(), file() ENDS WITH '/tests/data/csv/people.csv'",
    );
    // The header is line 1; the third record's quoted newline puts the end on line 5.
    let lines: Vec<(Value, Value, Value)> =
        found.into_iter().map(|row| (row[0].clone(), row[1].clone(), row[2].clone())).collect();
    same!(
        lines,
        vec![
            (text("name"), Value::Int(1), Value::Bool(true)),
            (text("Əli"), Value::Int(2), Value::Bool(true)),
            (text("İlkin"), Value::Int(3), Value::Bool(true)),
            (text("Şəbnəm"), Value::Int(4), Value::Bool(true)),
        ]
    );
    let scratch = Scratch::new("load-csv", "lines");
    scratch.write("blank.csv", "a,b\n\n1,2\r\n\r\n3,\"x\r\ny\"\n5,6");
    let mut session = session_in(scratch.path());
    let found = rows(&mut session, "LOAD CSV FROM 'blank.csv' AS row RETURN linenumber()");
    same!(
        found,
        vec![vec![Value::Int(1)], vec![Value::Int(3)], vec![Value::Int(5)], vec![Value::Int(7)]]
    );
    // Outside LOAD CSV there is no current record.
    same!(rows(&mut session, "RETURN linenumber(), file()"), vec![vec![Value::Null, Value::Null]]);
}

#[test]
fn the_url_may_be_any_expression() {
    let mut session = session_in(&fixtures());
    session.params.insert("name".to_owned(), text("people"));
    let found = rows(
        &mut session,
        "LOAD CSV WITH HEADERS FROM 'file:///' + $name + '.csv' AS row RETURN count(*)",
    );
    same!(found, vec![vec![Value::Int(3)]]);
    let message = error(&mut session, "LOAD CSV FROM 42 AS row RETURN row");
    assert!(message.contains("needs a string"), "{message}");
}

#[test]
fn paths_that_leave_the_import_directory_are_refused() {
    let scratch = Scratch::new("load-csv", "walls");
    let inside = scratch.path().join("import");
    std::fs::create_dir_all(inside.join("sub")).unwrap();
    std::fs::write(inside.join("sub/ok.csv"), "a\n1\n").unwrap();
    let outside = scratch.write("secret.csv", "password\nhunter2\n");
    std::os::unix::fs::symlink(&outside, inside.join("link.csv")).unwrap();
    std::os::unix::fs::symlink(scratch.path(), inside.join("up")).unwrap();
    let mut session = session_in(&inside);
    // Inside, by every spelling.
    for url in ["file:///sub/ok.csv", "sub/ok.csv", "file:///sub/../sub/ok.csv"] {
        let found = rows(&mut session, &format!("LOAD CSV FROM '{url}' AS row RETURN count(*)"));
        same!(found, vec![vec![Value::Int(2)]], "{url}");
    }
    let absolute = inside.join("sub/ok.csv").display().to_string();
    let found = rows(&mut session, &format!("LOAD CSV FROM '{absolute}' AS row RETURN count(*)"));
    same!(found, vec![vec![Value::Int(2)]]);
    // Outside, by every trick.
    for url in [
        "../secret.csv".to_owned(),
        "file:///../secret.csv".to_owned(),
        "file:///sub/../../secret.csv".to_owned(),
        outside.display().to_string(),
        "link.csv".to_owned(),
        "up/secret.csv".to_owned(),
        "/etc/passwd".to_owned(),
    ] {
        let message = error(&mut session, &format!("LOAD CSV FROM '{url}' AS row RETURN row"));
        assert!(message.contains("outside the import directory"), "{url}: {message}");
        assert!(!message.contains("hunter2"));
    }
    let message = error(&mut session, "LOAD CSV FROM 'missing.csv' AS row RETURN row");
    assert!(message.contains("cannot open missing.csv"), "{message}");
}

#[test]
fn network_urls_are_refused_with_advice_and_other_schemes_plainly() {
    let mut session = session_in(&fixtures());
    for url in ["https://example.com/products.csv", "HTTP://example.com/x.csv"] {
        let message = error(&mut session, &format!("LOAD CSV FROM '{url}' AS row RETURN row"));
        assert!(message.contains("does not fetch from the network"), "{message}");
        assert!(message.contains("download the file into the import directory"), "{message}");
    }
    let message = error(&mut session, "LOAD CSV FROM 'ftp://example.com/x.csv' AS row RETURN row");
    assert!(message.contains("reads only local files"), "{message}");
}

#[test]
fn without_an_import_directory_load_csv_is_refused() {
    let mut session = Session::over(Graph::default());
    let message = error(&mut session, "LOAD CSV FROM 'file:///people.csv' AS row RETURN row");
    assert!(message.contains("no import directory"), "{message}");
}

#[test]
fn a_malformed_line_names_file_and_line_and_writes_nothing() {
    let mut session = session_in(&fixtures());
    // As Neo4j: a row's fields map onto the header as far as both go; a field past the
    // header is ignored, a header with no field is null.
    let ragged = rows(
        &mut session,
        "LOAD CSV WITH HEADERS FROM 'ragged.csv' AS row RETURN row.id AS id, row.name AS name",
    );
    let shown: Vec<String> =
        ragged.iter().map(|row| format!("{:?}/{:?}", row[0], row[1])).collect();
    assert_eq!(ragged.len(), 4, "{shown:?}");
    assert!(matches!(&ragged[1][1], Value::String(name) if &**name == "b"), "{shown:?}");
    assert!(matches!(&ragged[3][1], Value::Null), "{shown:?}");
    let message = error(
        &mut session,
        "LOAD CSV WITH HEADERS FROM 'unterminated.csv' AS row CREATE (:Row {id: row.id})",
    );
    assert!(message.contains("unterminated.csv line 3: a quoted field is not closed"), "{message}");
    assert_eq!(node_count(&session), 0);
    let scratch = Scratch::new("load-csv", "utf8");
    std::fs::write(scratch.path().join("latin1.csv"), b"name\nok\nBak\xfd\n").unwrap();
    let mut latin = session_in(scratch.path());
    let message = error(&mut latin, "LOAD CSV FROM 'latin1.csv' AS row CREATE (:Row)");
    assert!(message.contains("latin1.csv line 3: field 1 is not valid UTF-8"), "{message}");
    assert_eq!(node_count(&latin), 0);
}

/// `count` lines of `id,name` after the header; `bad_at` puts a line with no name there
/// (its `name` is then null, which a MERGE on it refuses).
fn numbered(count: usize, bad_at: Option<usize>) -> String {
    let mut text = String::from("id,name\n");
    for id in 1..=count {
        if Some(id) == bad_at {
            text.push_str("oops\n");
        } else {
            text.push_str(&format!("{id},ad {id}\n"));
        }
    }
    text
}

#[test]
fn big_imports_run_in_batches_and_stay_all_or_nothing() {
    let scratch = Scratch::new("load-csv", "batches");
    scratch.write("many.csv", &numbered(25_000, None));
    scratch.write("broken.csv", &numbered(25_000, Some(24_000)));
    let mut session = session_in(scratch.path());
    rows(&mut session, "CREATE (:Keep {id: 'x'})");
    // The error comes in the third batch, after two batches were written: all undone.
    let message = error(
        &mut session,
        "LOAD CSV WITH HEADERS FROM 'broken.csv' AS row MERGE (n:Item {name: row.name}) SET n.id = row.id",
    );
    assert!(message.contains("null value for property `name`"), "{message}");
    assert_eq!(node_count(&session), 1);
    let answer = session.run(
        "LOAD CSV WITH HEADERS FROM 'many.csv' AS row MERGE (n:Item {name: row.name}) SET n.id = row.id",
    );
    let stats = answer.into_outcome().unwrap().into_result().unwrap().stats;
    assert_eq!(stats.nodes_created, 25_000);
    // Merging the same keys again finds every node (later batches see earlier ones).
    let again = session.run(
        "LOAD CSV WITH HEADERS FROM 'many.csv' AS row MERGE (n:Item {name: 'ad ' + toString(toInteger(row.id) % 100 + 1)}) SET n.seen = true",
    );
    let stats = again.into_outcome().unwrap().into_result().unwrap().stats;
    assert_eq!((stats.nodes_created, stats.properties_set), (0, 25_000));
    assert_eq!(node_count(&session), 25_001);
    let found = rows(
        &mut session,
        "MATCH (n:Item) RETURN count(n), sum(toInteger(n.id)), min(n.name), max(toInteger(n.id))",
    );
    same!(
        found,
        vec![vec![
            Value::Int(25_000),
            Value::Int(25_000 * 25_001 / 2),
            text("ad 1"),
            Value::Int(25_000)
        ]]
    );
    assert!(session.view().graph().validate().is_ok());
}

#[test]
fn a_read_only_load_csv_counts_on_the_bundled_graph_and_shows_in_every_format() {
    let dir = fixtures().display().to_string();
    let count = "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row RETURN count(*) AS n";
    let output = korpu(&["--import-dir", &dir, "--format", "json", "query", count]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8_lossy(&output.stdout), "{\"columns\":[\"n\"],\"rows\":[[3]]}\n");
    let names = "LOAD CSV WITH HEADERS FROM 'people.csv' AS row RETURN row.name AS name";
    let output = korpu(&["--import-dir", &dir, "--format", "csv", "query", names]);
    assert_eq!(String::from_utf8_lossy(&output.stdout), "name\r\nƏli\r\nİlkin\r\nŞəbnəm\r\n");
    // An error is a JSON object on stdout in the JSON format.
    let bad = "LOAD CSV WITH HEADERS FROM 'unterminated.csv' AS row RETURN row";
    let output = korpu(&["--import-dir", &dir, "--format", "json", "query", bad]);
    assert!(!output.status.success());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["error"]["code"], "ExternalResourceFailed");
    let message = value["error"]["message"].as_str().unwrap();
    assert!(message.contains("unterminated.csv line 3"), "{message}");
    // Without --import-dir, the current directory is the import directory.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_korpu"))
        .args(["--empty", "--format", "json", "query", count])
        .current_dir(fixtures())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "{\"columns\":[\"n\"],\"rows\":[[3]]}\n");
    let output = korpu(&["--import-dir", "/no/such/folder", "query", count]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("/no/such/folder"));
}

// ---------------------------------------------------------------------------------------
// Northwind

/// A small RFC 4180 reader, written here so the test's figures do not come from the
/// code under test: records of fields, quotes doubled inside quoted fields.
fn parse_csv(text: &str) -> Vec<BTreeMap<String, String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records: Vec<Vec<String>> = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match (quoted, character) {
            (true, '"') if characters.peek() == Some(&'"') => {
                characters.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, other) => field.push(other),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, other) => field.push(other),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    let header = records.remove(0);
    records.into_iter().map(|fields| header.iter().cloned().zip(fields).collect()).collect()
}

fn northwind(name: &str) -> Vec<BTreeMap<String, String>> {
    let path = fixtures().join("northwind").join(name);
    parse_csv(&std::fs::read_to_string(path).unwrap())
}

fn float(value: &Value) -> f64 {
    match value {
        Value::Float(number) => *number,
        Value::Int(number) => *number as f64,
        other => panic!("not a number: {other:?}"),
    }
}

#[test]
fn a_northwind_import_answers_as_the_csv_files_say() {
    let mut session = session_in(&fixtures());
    let script = std::fs::read_to_string(fixtures().join("northwind/import.cypher")).unwrap();
    for item in split_script(&script) {
        let ScriptItem::Statement { span } = item else { continue };
        let statement = &script[span.start..span.end];
        if let Err(error) = session.run(statement).into_outcome() {
            let error: QueryError = error;
            panic!("{statement}\nfailed: {error}");
        }
    }
    let categories = northwind("categories.csv");
    let suppliers = northwind("suppliers.csv");
    let customers = northwind("customers.csv");
    let products = northwind("products.csv");
    let orders = northwind("orders.csv");
    let details = northwind("order_details.csv");

    // Counts of nodes and relationships.
    let counts =
        rows(&mut session, "MATCH (n) RETURN labels(n)[0] AS label, count(*) AS n ORDER BY label");
    let expected: Vec<Vec<Value>> = [
        ("Category", categories.len()),
        ("Customer", customers.len()),
        ("Order", orders.len()),
        ("Product", products.len()),
        ("Supplier", suppliers.len()),
    ]
    .iter()
    .map(|(label, count)| vec![text(label), Value::Int(*count as i64)])
    .collect();
    same!(counts, expected);
    // The keys are declared unique: each MERGE seeks the constraint's index, and a
    // second run of the whole script finds every node and adds none.
    let plan = match session
        .run("EXPLAIN LOAD CSV WITH HEADERS FROM 'file:///northwind/products.csv' AS row MERGE (n:Product {productID: toInteger(row.productID)})")
        .into_outcome()
    {
        Ok(korpu::query::Outcome::Explained(plan)) => plan,
        other => panic!("{other:?}"),
    };
    assert!(
        plan.contains("NodeIndexSeek (n:Product {productID: toInteger(row.productID)})"),
        "{plan}"
    );
    let before = node_count(&session);
    for item in split_script(&script) {
        let ScriptItem::Statement { span } = item else { continue };
        let statement = &script[span.start..span.end];
        if let Err(error) = session.run(statement).into_outcome() {
            panic!("second run of {statement}\nfailed: {error}");
        }
    }
    assert_eq!(node_count(&session), before, "the second run found every node");
    let relationships =
        rows(&mut session, "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type");
    same!(
        relationships,
        vec![
            vec![text("ORDERS"), Value::Int(details.len() as i64)],
            vec![text("PART_OF"), Value::Int(products.len() as i64)],
            vec![text("PURCHASED"), Value::Int(orders.len() as i64)],
            vec![text("SUPPLIES"), Value::Int(products.len() as i64)],
        ]
    );

    // Revenue per category, through order details, products and categories.
    let category_of: BTreeMap<&str, &str> = products
        .iter()
        .map(|product| (product["productID"].as_str(), product["categoryID"].as_str()))
        .collect();
    let category_name: BTreeMap<&str, &str> = categories
        .iter()
        .map(|category| (category["categoryID"].as_str(), category["categoryName"].as_str()))
        .collect();
    let mut revenue: BTreeMap<String, f64> = BTreeMap::new();
    for detail in &details {
        let price: f64 = detail["unitPrice"].parse().unwrap();
        let quantity: f64 = detail["quantity"].parse().unwrap();
        let discount: f64 = detail["discount"].parse().unwrap_or(0.0);
        let category = category_name[category_of[detail["productID"].as_str()]];
        *revenue.entry(category.to_owned()).or_default() += price * quantity * (1.0 - discount);
    }
    let found = rows(
        &mut session,
        "MATCH (c:Category)<-[:PART_OF]-(:Product)<-[d:ORDERS]-(:Order) RETURN c.categoryName AS category, sum(d.unitPrice * d.quantity * (1 - d.discount)) AS revenue ORDER BY category",
    );
    assert_eq!(found.len(), revenue.len());
    for (row, (category, total)) in found.iter().zip(&revenue) {
        same!(row[0], text(category));
        assert!((float(&row[1]) - total).abs() < 1e-6, "{category}: {:?} vs {total}", row[1]);
    }

    // Stock, discontinued products and the best customer by number of orders.
    let stock: i64 =
        products.iter().map(|product| product["unitsInStock"].parse::<i64>().unwrap()).sum();
    let discontinued = products.iter().filter(|product| product["discontinued"] != "0").count();
    let found = rows(
        &mut session,
        "MATCH (p:Product) RETURN sum(p.unitsInStock), count(CASE WHEN p.discontinued THEN 1 END)",
    );
    same!(found, vec![vec![Value::Int(stock), Value::Int(discontinued as i64)]]);
    let mut per_customer: BTreeMap<&str, i64> = BTreeMap::new();
    for order in &orders {
        *per_customer.entry(order["customerID"].as_str()).or_default() += 1;
    }
    let most = per_customer.values().max().copied().unwrap();
    let found = rows(
        &mut session,
        "MATCH (c:Customer)-[:PURCHASED]->(o:Order) WITH c, count(o) AS orders RETURN max(orders)",
    );
    same!(found, vec![vec![Value::Int(most)]]);

    // Text arrives whole: quotes, commas, newlines and Azerbaijani letters; an empty
    // field is no property at all.
    let names = rows(
        &mut session,
        "MATCH (c:Category) RETURN c.categoryName, c.description ORDER BY c.categoryID",
    );
    for (row, category) in names.iter().zip(&categories) {
        same!(row[0], text(&category["categoryName"]));
        let description = &category["description"];
        let expected = if description.is_empty() { Value::Null } else { text(description) };
        same!(row[1], expected);
    }
    let quoted = rows(
        &mut session,
        "MATCH (c:Customer) WHERE c.companyName CONTAINS '\"' OR c.companyName CONTAINS ',' RETURN c.companyName ORDER BY c.companyName",
    );
    let mut expected: Vec<Vec<Value>> = customers
        .iter()
        .map(|customer| customer["companyName"].as_str())
        .filter(|name| name.contains('"') || name.contains(','))
        .map(|name| vec![text(name)])
        .collect();
    expected.sort_by(|left, right| format!("{left:?}").cmp(&format!("{right:?}")));
    assert_eq!(quoted.len(), 2);
    assert_eq!(quoted.len(), expected.len());
    assert!(session.view().graph().validate().is_ok());
}
