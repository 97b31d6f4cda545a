//! `korpu serve --bolt`, from the outside: the official Python drivers and raw sockets.
//!
//! The driver suite (`tests/bolt/`, pytest) runs once per virtual environment, each
//! against a fresh server over the bundled graph: CI makes one with neo4j 6.x and one
//! with neo4j-driver 5.x (`.ci/run`) and names them in `KORPU_BOLT_VENVS` (colon
//! separated). Elsewhere the test looks for `/tmp/korpu-venv-neo4j6` and
//! `/tmp/korpu-venv-neo4j5` and says what it skipped; under `CI` a missing environment
//! fails it. The JavaScript driver (`neo4j-driver` 6.3.0, installed by `.ci/run` with
//! npm into `KORPU_BOLT_NODE`) runs a smoke test, `tests/bolt/smoke.cjs`, under node.
//! The raw-socket tests need nothing installed: garbage instead of a
//! handshake, a declined version, a malformed message, and clients that vanish in the
//! middle of a result or a transaction, after which the server still answers and the
//! transaction left no trace.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `korpu serve --bolt 127.0.0.1:0` process, stopped when dropped.
pub(crate) struct Server {
    child: Child,
    pub(crate) address: String,
}

impl Server {
    /// A server over the bundled graph that takes writes (`serve --allow-writes`).
    fn writable() -> Server {
        Server::start(&[], &["--allow-writes"])
    }

    pub(crate) fn start(extra: &[&str], serve_options: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_korpu"))
            .args(extra)
            .args(["serve", "--bolt", "127.0.0.1:0"])
            .args(serve_options)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line
            .trim()
            .strip_prefix("bolt://")
            .unwrap_or_else(|| panic!("serve printed {line:?}, not bolt://ADDRESS"))
            .to_owned();
        Server { child, address }
    }

    fn assert_running(&mut self) {
        assert!(self.child.try_wait().unwrap().is_none(), "the server exited");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs pytest from `venv` in `suite` (a folder of the repository) on `files` (all when
/// empty) against `server`, and fails with pytest's report unless every test passes.
pub(crate) fn run_pytest(venv: &std::path::Path, suite: &str, files: &[&str], server: &Server) {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(suite);
    let output = Command::new(venv.join("bin/python"))
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"])
        .args(files)
        .current_dir(&folder)
        .env("KORPU_BOLT_ADDRESS", &server.address)
        .env("KORPU_BIN", env!("CARGO_BIN_EXE_korpu"))
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{suite} failed with {}:\n{report}\n{}",
        venv.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{}: {}", venv.display(), report.lines().last().unwrap_or_default());
}

/// The virtual environments to run the driver suite with, or why there are none.
pub(crate) fn driver_environments() -> Result<Vec<PathBuf>, String> {
    if let Ok(listed) = std::env::var("KORPU_BOLT_VENVS") {
        let venvs: Vec<PathBuf> =
            listed.split(':').filter(|s| !s.is_empty()).map(PathBuf::from).collect();
        for venv in &venvs {
            assert!(
                venv.join("bin/python").exists(),
                "KORPU_BOLT_VENVS names {}, which has no bin/python",
                venv.display()
            );
        }
        return Ok(venvs);
    }
    let found: Vec<PathBuf> = ["/tmp/korpu-venv-neo4j6", "/tmp/korpu-venv-neo4j5"]
        .iter()
        .map(PathBuf::from)
        .filter(|venv| venv.join("bin/python").exists())
        .collect();
    if found.len() == 2 {
        Ok(found)
    } else {
        Err("KORPU_BOLT_VENVS is not set and /tmp/korpu-venv-neo4j{6,5} are not both there"
            .to_owned())
    }
}

/// Where `npm install neo4j-driver` put its `node_modules`, or why there is none.
fn javascript_driver() -> Result<PathBuf, String> {
    let folder = std::env::var_os("KORPU_BOLT_NODE")
        .map_or_else(|| PathBuf::from("/tmp/korpu-node-neo4j"), PathBuf::from);
    if folder.join("node_modules/neo4j-driver").is_dir() {
        Ok(folder)
    } else {
        Err(format!("no neo4j-driver under {}/node_modules", folder.display()))
    }
}

#[test]
fn the_official_javascript_driver_connects_reads_and_rolls_back() {
    let folder = match javascript_driver() {
        Ok(folder) => folder,
        Err(reason) if std::env::var_os("CI").is_some() => {
            panic!("CI must run the JavaScript driver smoke test (.ci/run installs it): {reason}")
        }
        Err(reason) => {
            eprintln!("skipped the JavaScript driver smoke test: {reason} (run .ci/run)");
            return;
        }
    };
    let server = Server::writable();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/bolt/smoke.cjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(format!("bolt://{}", server.address))
        .arg(&folder)
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "the JavaScript driver smoke test failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_official_python_drivers_pass_the_suite() {
    let venvs = match driver_environments() {
        Ok(venvs) => venvs,
        Err(reason) if std::env::var_os("CI").is_some() => {
            panic!("CI must run the Bolt driver suite (.ci/run makes the environments): {reason}")
        }
        Err(reason) => {
            eprintln!("skipped the Python driver suite: {reason} (run .ci/run to make them)");
            return;
        }
    };
    for venv in venvs {
        let mut server = Server::writable();
        run_pytest(&venv, "tests/bolt", &[], &server);
        server.assert_running();
    }
}

// ---- a minimal Bolt client over a raw socket -----------------------------------------

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(&server.address).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream
}

/// Handshakes for Bolt 5.4 and logs in (the server has no auth file).
fn logged_in(server: &Server) -> TcpStream {
    let mut stream = connect(server);
    stream
        .write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap();
    let mut version = [0; 4];
    stream.read_exact(&mut version).unwrap();
    assert_eq!(version, [0, 0, 4, 5]);
    send(
        &mut stream,
        &[&[0xB1, 0x01, 0xA1, 0x8A], b"user_agent".as_slice(), &[0x84], b"test"].concat(),
    );
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    send(
        &mut stream,
        &[&[0xB1, 0x6A, 0xA1, 0x86], b"scheme".as_slice(), &[0x84], b"none"].concat(),
    );
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    stream
}

const SUCCESS: u8 = 0x70;
const RECORD: u8 = 0x71;
const FAILURE: u8 = 0x7F;

fn send(stream: &mut TcpStream, message: &[u8]) {
    let mut framed = (message.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(message);
    framed.extend_from_slice(&[0, 0]);
    stream.write_all(&framed).unwrap();
}

fn receive(stream: &mut TcpStream) -> Vec<u8> {
    let mut message = Vec::new();
    loop {
        let mut header = [0; 2];
        stream.read_exact(&mut header).unwrap();
        let size = usize::from(u16::from_be_bytes(header));
        if size == 0 {
            return message;
        }
        let start = message.len();
        message.resize(start + size, 0);
        stream.read_exact(&mut message[start..]).unwrap();
    }
}

/// `RUN query {} {}`, for a query of fewer than 256 bytes.
fn run(stream: &mut TcpStream, query: &str) {
    let mut message = vec![0xB3, 0x10, 0xD0, query.len() as u8];
    message.extend_from_slice(query.as_bytes());
    message.extend_from_slice(&[0xA0, 0xA0]);
    send(stream, &message);
}

/// `PULL {n: count}` for a count below 128.
fn pull(stream: &mut TcpStream, count: u8) {
    send(stream, &[0xB1, 0x3F, 0xA1, 0x81, b'n', count]);
}

/// Everything the server sends until it hangs up. A server that closes a socket with
/// unread input resets it, which is hanging up too.
fn until_hung_up(stream: &mut TcpStream) -> Vec<u8> {
    let mut rest = Vec::new();
    match stream.read_to_end(&mut rest) {
        Ok(_) => rest,
        Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => rest,
        Err(error) => panic!("the server neither answered nor hung up: {error}"),
    }
}

/// The server still answers `RETURN 1` on a new connection.
fn still_serves(server: &mut Server) {
    server.assert_running();
    let mut stream = logged_in(server);
    run(&mut stream, "RETURN 1 AS one");
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    pull(&mut stream, 10);
    assert_eq!(receive(&mut stream), [0xB1, RECORD, 0x91, 0x01]);
    assert_eq!(receive(&mut stream)[1], SUCCESS);
}

#[test]
fn garbage_and_unknown_versions_are_turned_away() {
    let mut server = Server::start(&["--empty"], &["--allow-writes"]);
    // Not the Bolt preamble: the server hangs up without answering.
    let mut stream = connect(&server);
    stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let answer = until_hung_up(&mut stream);
    assert!(answer.is_empty(), "answered garbage with {answer:?}");
    // Only Bolt 3.0 and 6.0 on offer: four zero bytes, then the end.
    let mut stream = connect(&server);
    stream
        .write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 0, 3, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap();
    assert_eq!(until_hung_up(&mut stream), [0, 0, 0, 0]);
    // A message that is not PackStream: a failure naming the problem, then the end.
    let mut stream = logged_in(&server);
    send(&mut stream, &[0xB1, 0x10, 0xC7]);
    let failure = receive(&mut stream);
    assert_eq!(failure[1], FAILURE);
    assert!(String::from_utf8_lossy(&failure).contains("Neo.ClientError.Request.Invalid"));
    assert_eq!(until_hung_up(&mut stream), Vec::<u8>::new());
    // A request before HELLO is refused the same way.
    let mut stream = connect(&server);
    stream
        .write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap();
    let mut version = [0; 4];
    stream.read_exact(&mut version).unwrap();
    run(&mut stream, "RETURN 1");
    assert_eq!(receive(&mut stream)[1], FAILURE);
    // A client that dies halfway through a chunk.
    let mut stream = logged_in(&server);
    stream.write_all(&[0x01, 0x00, 0xB3, 0x10]).unwrap();
    drop(stream);
    still_serves(&mut server);
}

#[test]
fn clients_vanishing_mid_result_or_mid_transaction_leave_no_trace() {
    let mut server = Server::start(&["--empty"], &["--allow-writes"]);
    // Gone after the first records of a large result.
    let mut stream = logged_in(&server);
    run(&mut stream, "UNWIND range(1, 200000) AS i RETURN i");
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    pull(&mut stream, 5);
    assert_eq!(receive(&mut stream)[1], RECORD);
    drop(stream);
    // Gone inside a transaction that wrote.
    let mut stream = logged_in(&server);
    send(&mut stream, &[0xB1, 0x11, 0xA0]);
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    run(&mut stream, "CREATE (:Vanished)");
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    pull(&mut stream, 10);
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    drop(stream);
    still_serves(&mut server);
    // The transaction was rolled back: a count sees nothing, and writing works (the
    // vanished client's lock was released).
    let mut stream = logged_in(&server);
    run(&mut stream, "CREATE (:Kept) WITH 1 AS x MATCH (v:Vanished) RETURN count(v) AS n");
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    pull(&mut stream, 10);
    assert_eq!(receive(&mut stream), [0xB1, RECORD, 0x91, 0x00]);
}

/// Handshakes for Bolt 4.4 only and says HELLO with `extra` (a packed map).
fn bolt_4_4(server: &Server, extra: &[u8]) -> TcpStream {
    let mut stream = connect(server);
    stream
        .write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        .unwrap();
    let mut version = [0; 4];
    stream.read_exact(&mut version).unwrap();
    assert_eq!(version, [0, 0, 4, 4]);
    send(&mut stream, &[&[0xB1, 0x01], extra].concat());
    assert_eq!(receive(&mut stream)[1], SUCCESS);
    stream
}

/// The record of a one-row `query`, its bytes after `RECORD [`.
fn first_record(stream: &mut TcpStream, query: &str) -> Vec<u8> {
    run(stream, query);
    assert_eq!(receive(stream)[1], SUCCESS);
    pull(stream, 1);
    let record = receive(stream);
    assert_eq!(record[..3], [0xB1, RECORD, 0x91]);
    assert_eq!(receive(stream)[1], SUCCESS, "the summary after the one record");
    record[3..].to_vec()
}

#[test]
fn bolt_4_4_gets_its_own_value_layout() {
    let server = Server::start(&["--empty"], &["--allow-writes"]);
    let query = "RETURN datetime('2015-06-24T12:50:35.556+01:00') AS d";
    // Plain 4.4: date-times in local seconds under signature 0x46, nodes without
    // element ids (three fields).
    let mut stream = bolt_4_4(&server, &[0xA0]);
    let local = first_record(&mut stream, query);
    assert_eq!(local[..7], [0xB3, 0x46, 0xCA, 0x55, 0x8A, 0xA7, 0x9B]);
    let node = first_record(&mut stream, "CREATE (n:X) RETURN n");
    assert_eq!(node[..2], [0xB3, 0x4E]);
    // 4.4 with the `utc` patch: UTC seconds (an hour fewer) under signature 0x49.
    let patch = [&[0xA1, 0x8A], b"patch_bolt".as_slice(), &[0x91, 0x83], b"utc"].concat();
    let mut stream = bolt_4_4(&server, &patch);
    let utc = first_record(&mut stream, query);
    assert_eq!(utc[..7], [0xB3, 0x49, 0xCA, 0x55, 0x8A, 0x99, 0x8B]);
}

#[test]
fn oversized_messages_and_too_many_connections_are_refused() {
    let mut server = Server::start(&["--empty"], &["--allow-writes"]);
    // One byte past the 16 MiB limit, in full chunks: a failure, then the end.
    let mut stream = logged_in(&server);
    let chunk = [&[0xFF, 0xFF], [0u8; 0xFFFF].as_slice()].concat();
    let failure = loop {
        if stream.write_all(&chunk).is_err() {
            break receive(&mut stream);
        }
        let mut peek = [0; 1];
        stream.set_nonblocking(true).unwrap();
        let waiting = stream.peek(&mut peek).is_ok_and(|read| read > 0);
        stream.set_nonblocking(false).unwrap();
        if waiting {
            break receive(&mut stream);
        }
    };
    assert_eq!(failure[1], FAILURE);
    assert!(String::from_utf8_lossy(&failure).contains("larger than the limit"));
    drop(stream);
    // 256 connections at once are served (each has shaken hands, so each was accepted
    // and has its thread); the next is closed at once; when they leave, there is room.
    let held: Vec<TcpStream> = (0..256).map(|_| shaken_hands(&server)).collect();
    still_serves_after_room(&mut server, held);
}

/// A connection whose Bolt handshake the server answered; while an earlier
/// connection's slot is still being freed the server hangs up, and it is tried again.
fn shaken_hands(server: &Server) -> TcpStream {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let mut stream = connect(server);
        let hello = [0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let mut version = [0; 4];
        if stream.write_all(&hello).and_then(|()| stream.read_exact(&mut version)).is_ok() {
            return stream;
        }
        assert!(std::time::Instant::now() < deadline, "no connection slot came free");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// With every connection slot taken by `held`, a further client is hung up on; once
/// they are gone, clients are served again.
fn still_serves_after_room(server: &mut Server, held: Vec<TcpStream>) {
    // The server accepts in order, so a handshake answered on one more connection
    // would mean the cap is not kept.
    std::thread::sleep(Duration::from_millis(500));
    let mut extra = connect(server);
    let _ =
        extra.write_all(&[0x60, 0x60, 0xB0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(until_hung_up(&mut extra), Vec::<u8>::new(), "served past the cap");
    drop(held);
    std::thread::sleep(Duration::from_millis(500));
    still_serves(server);
}
