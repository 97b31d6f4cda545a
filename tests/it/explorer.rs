//! The web explorer: `korpu serve` over real HTTP (the API contract, refusal of foreign
//! Hosts and Origins, the write token, the limits, cancelling while another tab is
//! served) and the page itself in a real headless Chromium, driven by Playwright from
//! `tests/explorer/`.
//!
//! The browser suite needs Debian's `chromium` and a Python venv with `playwright` and
//! `pytest` (`.ci/run` makes both and names the venv in `KORPU_EXPLORER_VENV`). Outside
//! CI, a missing browser or venv skips that one test with a printed reason; under
//! `CI=true` it fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

/// A running `korpu serve`, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Server {
    /// Starts `korpu ARGS serve --http 127.0.0.1:0 SERVE_ARGS` and waits for the URL it prints.
    fn start(args: &[&str], serve_args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_korpu"))
            .args(args)
            .args(["serve", "--http", "127.0.0.1:0"])
            .args(serve_args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("starting korpu serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert!(line.starts_with("http://127.0.0.1:"), "korpu serve printed {line:?}");
        Server { child, url: line.trim().to_owned() }
    }

    /// `127.0.0.1:PORT`.
    fn address(&self) -> String {
        self.url["http://".len()..].split('/').next().unwrap().to_owned()
    }

    fn token(&self) -> Option<&str> {
        self.url.split_once("?token=").map(|(_, token)| token)
    }

    /// POSTs JSON to `/api/ENDPOINT` as the page does; returns status and parsed body.
    fn api(&self, endpoint: &str, body: &Json) -> (u16, Json) {
        let mut headers = vec![("Content-Type", "application/json".to_owned())];
        if let Some(token) = self.token() {
            headers.push(("X-Korpu-Token", token.to_owned()));
        }
        let headers: Vec<(&str, &str)> =
            headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        let response =
            self.request("POST", &format!("/api/{endpoint}"), &headers, &body.to_string());
        let parsed = serde_json::from_str(&response.body)
            .unwrap_or_else(|error| panic!("not JSON ({error}): {}", response.body));
        (response.status, parsed)
    }

    /// Sends one request with the right Host (unless `headers` gives one).
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Response {
        let address = self.address();
        let mut text = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            text.push_str(&format!("Host: {address}\r\n"));
        }
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\r\n"));
        }
        text.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        raw_request(&address, text.as_bytes())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Response {
    status: u16,
    /// Header lines, lower-cased names.
    headers: Vec<(String, String)>,
    body: String,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

fn raw_request(address: &str, bytes: &[u8]) -> Response {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    // The server may refuse before reading all of a large body; that is its right.
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) =
        answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no HTTP answer: {answer:?}"));
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Response { status, headers, body: body.to_owned() }
}

/// Ten billion rows to count: minutes of work, for the tests that stop a statement.
const SLOW: &str = "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN count(*)";

const BALTIC_PARTNERS: &str = "MATCH (n:NGO)-[:PARTNERS_WITH]-(d:DiasporaGroup)-[:LOCATED_IN]->(:Country)-[:PART_OF]->(:Region {name_en: 'Baltics'}) RETURN DISTINCT n, d";

#[test]
fn a_query_answers_the_cli_json_contract_with_the_elements_to_draw() {
    let server = Server::start(&[], &[]);
    let (status, answer) = server.api("query", &json!({ "query": BALTIC_PARTNERS }));
    assert_eq!(status, 200, "{answer}");
    let cli = crate::support::korpu(&["--format", "json", "query", BALTIC_PARTNERS]);
    let cli: Json = serde_json::from_slice(&cli.stdout).unwrap();
    assert_eq!(answer["columns"], cli["columns"]);
    assert_eq!(answer["rows"], cli["rows"]);
    let nodes = answer["graph"]["nodes"].as_array().unwrap();
    let forum =
        nodes.iter().find(|node| node["id"] == "org-milli-qht-forumu").expect("the forum is drawn");
    assert_eq!(forum["captions"]["az"], "Milli Qeyri Hökumət Təşkilatları Forumu");
    assert_eq!(forum["captions"]["en"], "National NGO Forum");
    // The DOT legend's entry for NGO.
    assert_eq!(forum["style"], json!({ "label": "NGO", "colour": "#8dd3c7", "shape": "box" }));
    assert!(answer["table"].as_str().unwrap().contains("Milli Qeyri Hökumət"));
}

#[test]
fn errors_have_the_cli_shape_with_the_caret_drawn() {
    let server = Server::start(&[], &[]);
    let (status, answer) = server.api("query", &json!({ "query": "MATCH (n RETURN n" }));
    assert_eq!(status, 400);
    let cli = crate::support::korpu(&["--format", "json", "query", "MATCH (n RETURN n"]);
    let cli_text =
        String::from_utf8_lossy(&cli.stdout).into_owned() + &String::from_utf8_lossy(&cli.stderr);
    let cli_error: Json = cli_text
        .lines()
        .find_map(|line| serde_json::from_str(line).ok())
        .expect("the CLI's JSON error");
    assert_eq!(answer["error"], cli_error["error"]);
    assert!(answer["diagnostic"].as_str().unwrap().contains('^'), "{answer}");
    for (endpoint, body) in [
        ("query", json!({})),
        ("query", json!({ "query": "RETURN 1", "params": [1] })),
        ("find", json!({ "text": 5 })),
        ("nothing", json!({})),
        ("source", json!({ "paragraph": 999_999 })),
    ] {
        let (status, answer) = server.api(endpoint, &body);
        assert!(status >= 400, "{endpoint} {body}: {status}");
        for key in ["kind", "code", "phase", "message", "line", "column"] {
            assert!(answer["error"].get(key).is_some(), "{endpoint}: {answer} lacks {key}");
        }
    }
}

#[test]
fn schema_find_completion_highlighting_expansion_and_source() {
    let server = Server::start(&[], &[]);
    let (_, schema) = server.api("schema", &json!({}));
    let ngo =
        schema["labels"].as_array().unwrap().iter().find(|entry| entry["label"] == "NGO").unwrap();
    assert!(ngo["count"].as_u64().unwrap() > 0);
    let (_, found) = server.api("find", &json!({ "text": "milli qht forumu" }));
    assert_eq!(found["hits"][0]["node"]["id"], "org-milli-qht-forumu", "{found}");
    let (_, completed) = server.api("complete", &json!({ "text": "MATCH (n:Diasp", "pos": 14 }));
    assert_eq!(completed["start"], 9);
    assert!(completed["candidates"].as_array().unwrap().contains(&json!("DiasporaGroup")));
    // Positions count UTF-16 units: `ə` is one unit though two bytes.
    let (_, coloured) = server.api("highlight", &json!({ "text": "RETURN 'ə' AS x" }));
    let roles: Vec<(u64, u64, &str)> = coloured["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|token| {
            (
                token["start"].as_u64().unwrap(),
                token["end"].as_u64().unwrap(),
                token["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [(0, 6, "keyword"), (7, 10, "string"), (11, 13, "keyword"), (14, 15, "variable")]
    );
    let (_, first) = server.api("expand", &json!({ "node": "org-milli-qht-forumu", "limit": 2 }));
    let total = first["total"].as_u64().unwrap();
    assert!(total > 2, "{first}");
    assert_eq!(first["shown"], 2);
    let (_, rest) =
        server.api("expand", &json!({ "node": "org-milli-qht-forumu", "skip": 2, "limit": 500 }));
    assert_eq!(rest["shown"].as_u64().unwrap(), total - 2);
    let (_, paragraph) = server.api("source", &json!({ "paragraph": 4 }));
    assert!(paragraph["text"].as_str().unwrap().contains("Fəaliyyətə başladığı 1999-cu ildən"));
}

#[test]
fn foreign_hosts_and_origins_are_refused_and_no_cors_is_granted() {
    let server = Server::start(&[], &[]);
    let json_type = ("Content-Type", "application/json");
    let own = server.request("POST", "/api/schema", &[json_type], "{}");
    assert_eq!(own.status, 200);
    assert!(own.header("content-security-policy").unwrap().contains("default-src 'none'"));
    assert_eq!(own.header("access-control-allow-origin"), None);
    let rebound = server.request(
        "POST",
        "/api/schema",
        &[("Host", "attacker.example:7474"), json_type],
        "{}",
    );
    assert_eq!(rebound.status, 403, "{}", rebound.body);
    assert!(rebound.body.contains("DNS rebinding"));
    let page = server.request("GET", "/", &[("Host", "attacker.example")], "");
    assert_eq!(page.status, 403);
    let cross = server.request(
        "POST",
        "/api/query",
        &[("Origin", "http://attacker.example"), json_type],
        r#"{"query":"RETURN 1"}"#,
    );
    assert_eq!(cross.status, 403);
    assert_eq!(cross.header("access-control-allow-origin"), None);
    let form = server.request(
        "POST",
        "/api/query",
        &[("Content-Type", "text/plain")],
        r#"{"query":"RETURN 1"}"#,
    );
    assert_eq!(form.status, 415);
}

#[test]
fn writes_need_allow_writes_and_then_the_token() {
    let read_only = Server::start(&[], &[]);
    assert_eq!(read_only.token(), None);
    let (status, answer) =
        read_only.api("query", &json!({ "query": "CREATE (:Note {text: 'x'})" }));
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["code"], "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase");

    let writable = Server::start(&["--empty"], &["--allow-writes"]);
    let token = writable.token().expect("the URL carries a token").to_owned();
    assert_eq!(token.len(), 32);
    let without = writable.request(
        "POST",
        "/api/query",
        &[("Content-Type", "application/json")],
        r#"{"query":"CREATE (:Note)"}"#,
    );
    assert_eq!(without.status, 401);
    let wrong = writable.request(
        "POST",
        "/api/query",
        &[("Content-Type", "application/json"), ("X-Korpu-Token", "0".repeat(32).as_str())],
        r#"{"query":"CREATE (:Note)"}"#,
    );
    assert_eq!(wrong.status, 401);
    let (status, answer) =
        writable.api("query", &json!({ "query": "CREATE (:Note {text: 'ə'}) RETURN 1" }));
    assert_eq!(status, 200, "{answer}");
    let (_, count) =
        writable.api("query", &json!({ "query": "MATCH (n:Note) RETURN count(n) AS n" }));
    assert_eq!(count["rows"], json!([[1]]));
    // A schema command is a write too; a refusal comes back as an error with its code.
    let (status, _) =
        read_only.api("query", &json!({ "query": "CREATE INDEX FOR (n:Note) ON (n.text)" }));
    assert_eq!(status, 403);
    let (status, answer) = writable.api(
        "query",
        &json!({ "query": "CREATE CONSTRAINT note FOR (n:Note) REQUIRE n.text IS UNIQUE" }),
    );
    assert_eq!((status, &answer["stats"]), (200, &json!({ "constraints_added": 1 })), "{answer}");
    let (_, answer) = writable.api("query", &json!({ "query": "CREATE (:Note {text: 'ə'})" }));
    assert_eq!(answer["error"]["code"], "ConstraintValidationFailed", "{answer}");
    let (_, shown) = read_only
        .api("query", &json!({ "query": "SHOW CONSTRAINTS YIELD name RETURN name LIMIT 1" }));
    assert_eq!(shown["rows"], json!([["organization_name"]]), "{shown}");
}

#[test]
fn request_size_rows_and_time_are_limited() {
    let server = Server::start(&["--timeout", "0.3"], &[]);
    let huge = format!(r#"{{"query":"RETURN '{}'"}}"#, "x".repeat(2 << 20));
    let refused =
        server.request("POST", "/api/query", &[("Content-Type", "application/json")], &huge);
    assert_eq!(refused.status, 413);
    let (status, many) =
        server.api("query", &json!({ "query": "UNWIND range(1, 20000) AS i RETURN i" }));
    assert_eq!(status, 200);
    assert_eq!(many["rows"].as_array().unwrap().len(), 10_000);
    assert_eq!(many["truncated"], json!({ "shown": 10_000, "total": 20_000 }));
    let started = Instant::now();
    let (status, slow) = server.api("query", &json!({ "query": SLOW }));
    assert_eq!(status, 400);
    assert!(started.elapsed() < Duration::from_secs(10), "the timeout did not stop it");
    assert!(slow["error"]["message"].as_str().unwrap().contains("time"), "{slow}");
}

#[test]
fn a_tab_cancels_its_query_while_another_tab_is_served() {
    let server = Server::start(&[], &[]);
    std::thread::scope(|scope| {
        let slow =
            scope.spawn(|| server.api("query", &json!({ "query": SLOW, "tab": "slow-tab" })));
        // The other tab is answered while the slow statement holds the graph shared.
        std::thread::sleep(Duration::from_millis(300));
        let started = Instant::now();
        let (status, _) = server
            .api("query", &json!({ "query": "MATCH (n:NGO) RETURN count(n)", "tab": "other-tab" }));
        assert_eq!(status, 200);
        assert!(started.elapsed() < Duration::from_secs(5));
        let (_, cancelled) = server.api("cancel", &json!({ "tab": "slow-tab" }));
        assert_eq!(cancelled["cancelled"], true);
        let (status, answer) = slow.join().unwrap();
        assert_eq!(status, 400);
        assert!(
            answer["error"]["message"].as_str().unwrap().to_lowercase().contains("cancel"),
            "{answer}"
        );
    });
}

#[test]
fn load_csv_reads_only_from_an_import_dir_the_operator_named() {
    let query = json!({
        "query": "LOAD CSV WITH HEADERS FROM 'file:///people.csv' AS row RETURN count(*) AS n"
    });
    // Started without --import-dir, the server offers its clients no folder at all.
    let server = Server::start(&[], &[]);
    let (_, answer) = server.api("query", &query);
    assert!(answer.to_string().contains("no import directory"), "{answer}");
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/csv");
    let server = Server::start(&["--import-dir", folder], &[]);
    let (status, answer) = server.api("query", &query);
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["rows"], json!([[3]]));
}

/// A graph-data file of `count` people, each knowing the one before.
fn numbered_graph(count: usize) -> Json {
    let nodes: Vec<Json> = (0..count)
        .map(|index| json!({ "id": format!("p{index}"), "labels": ["Person"], "properties": { "name": format!("Şəxs {index}"), "source": "general" } }))
        .collect();
    let edges: Vec<Json> = (1..count)
        .map(|index| json!({ "from": format!("p{index}"), "to": format!("p{}", index - 1), "type": "KNOWS", "properties": { "source": "general" } }))
        .collect();
    json!({ "nodes": nodes, "edges": edges })
}

/// The venv with playwright and pytest, and Chromium; `Err` says what is missing.
fn browser_tools() -> Result<PathBuf, String> {
    let venv = std::env::var_os("KORPU_EXPLORER_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/korpu-venv-playwright"));
    let python = venv.join("bin/python");
    if !python.exists() {
        return Err(format!(
            "no Python venv at {} (set KORPU_EXPLORER_VENV; .ci/run makes one)",
            venv.display()
        ));
    }
    if !Path::new("/usr/bin/chromium").exists() {
        return Err("no /usr/bin/chromium (apt-get install chromium)".into());
    }
    Ok(python)
}

#[test]
fn the_page_works_in_a_real_chromium() {
    let python = match browser_tools() {
        Ok(python) => python,
        Err(missing) if std::env::var_os("CI").is_none() => {
            eprintln!("skipped the browser test: {missing}");
            return;
        }
        Err(missing) => panic!("CI must run the browser test: {missing}"),
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let screenshot = if std::env::var_os("UPDATE_SCREENSHOT").is_some() {
        manifest.join("docs/explorer.png")
    } else {
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("explorer.png")
    };
    let server = Server::start(&[], &[]);
    // A graph past the page's size guard of 1,000 nodes.
    let large = crate::support::Scratch::new("explorer", "large");
    large.write("graph.json", &numbered_graph(1_200).to_string());
    let large_server = Server::start(&["--data", large.path().to_str().unwrap()], &[]);
    let writable_server = Server::start(&["--empty"], &["--allow-writes"]);
    let output = Command::new(python)
        .args(["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "tests/explorer"])
        .current_dir(manifest)
        .env("KORPU_URL", &server.url)
        .env("KORPU_LARGE_URL", &large_server.url)
        .env("KORPU_WRITABLE_URL", &writable_server.url)
        .env("KORPU_SCREENSHOT", &screenshot)
        .output()
        .unwrap();
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{report}");
    assert!(output.status.success(), "the browser tests failed:\n{report}");
    assert!(std::fs::metadata(&screenshot).is_ok_and(|file| file.len() > 10_000));
}
