//! Several sessions over one database: readers never see half a transaction, and each
//! session's cancel flag is its own.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use korpu::database::Database;
use korpu::graph::{Graph, Value};
use korpu::query::procedures::Procedure;
use korpu::session::Session;

fn count(session: &mut Session, query: &str) -> i64 {
    match session.run(query).into_outcome().unwrap().into_result().unwrap().rows[0][0] {
        Value::Int(count) => count,
        ref other => panic!("expected a count, got {other:?}"),
    }
}

#[test]
fn a_reader_never_waits_for_an_open_transaction_and_sees_it_only_once_committed() {
    let database = Database::new(Graph::default(), None);
    let mut writer = Session::new(database.clone());
    count(&mut writer, "CREATE (:A {n: 0}) RETURN 1");
    writer.begin().unwrap();
    count(&mut writer, "CREATE (:A) WITH 1 AS x RETURN x");
    count(&mut writer, "MATCH (a:A {n: 0}) SET a.n = 1 RETURN 1");
    // The writer sees its own changes.
    assert_eq!(count(&mut writer, "MATCH (n:A) RETURN count(n)"), 2);
    let (sender, receiver) = mpsc::channel();
    let reader_database = database.clone();
    let reader = std::thread::spawn(move || {
        let mut reader = Session::new(reader_database);
        let started = std::time::Instant::now();
        let seen = count(&mut reader, "MATCH (n:A) RETURN count(n)");
        let changed = count(&mut reader, "MATCH (n:A {n: 1}) RETURN count(n)");
        sender.send((seen, changed, started.elapsed())).unwrap();
    });
    // The reader answers while the transaction is still open, from the last commit.
    let (seen, changed, waited) = receiver.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!((seen, changed), (1, 0), "a reader saw uncommitted changes");
    assert!(waited < Duration::from_secs(2), "the reader waited {waited:?}");
    reader.join().unwrap();
    writer.commit().unwrap();
    let mut after = Session::new(database.clone());
    assert_eq!(count(&mut after, "MATCH (n:A) RETURN count(n)"), 2);
    assert_eq!(count(&mut after, "MATCH (n:A {n: 1}) RETURN count(n)"), 1);
    // Both copies agree after the commit (the next writer works on the caught-up one).
    let mut next = Session::new(database.clone());
    count(&mut next, "CREATE (:B) RETURN 1");
    assert_eq!(count(&mut after, "MATCH (n) RETURN count(n)"), 3);
    database.snapshot().validate().unwrap();
}

#[test]
fn a_second_writer_waits_for_the_first_and_sees_its_commit() {
    let database = Database::new(Graph::default(), None);
    let mut first = Session::new(database.clone());
    first.begin().unwrap();
    count(&mut first, "CREATE (:C {v: 1}) RETURN 1");
    let (sender, receiver) = mpsc::channel();
    let second_database = database.clone();
    let second = std::thread::spawn(move || {
        let mut second = Session::new(second_database);
        // Writers run one at a time: this waits for the first transaction to end.
        count(&mut second, "MATCH (c:C) SET c.v = c.v + 10 RETURN count(c)");
        sender.send(()).unwrap();
    });
    assert!(receiver.recv_timeout(Duration::from_millis(300)).is_err());
    first.commit().unwrap();
    receiver.recv_timeout(Duration::from_secs(30)).unwrap();
    second.join().unwrap();
    let mut reader = Session::new(database.clone());
    assert_eq!(count(&mut reader, "MATCH (c:C {v: 11}) RETURN count(c)"), 1);
}

#[test]
fn a_rolled_back_transaction_is_never_seen_by_others() {
    let database = Database::new(Graph::default(), None);
    let mut writer = Session::new(database.clone());
    let mut reader = Session::new(database);
    writer.begin().unwrap();
    count(&mut writer, "CREATE (:A) WITH 1 AS x RETURN x");
    writer.rollback().unwrap();
    assert_eq!(count(&mut reader, "MATCH (n) RETURN count(n)"), 0);
}

#[test]
fn cancelling_one_session_leaves_the_other_running() {
    let database = Database::new(Graph::default(), None);
    let mut first = Session::new(database.clone());
    let second = Session::new(database);
    count(&mut first, "UNWIND range(1, 50) AS i CREATE (:N {i: i}) RETURN count(*)");
    second.cancel.store(true, Ordering::Relaxed);
    // Each statement clears only its own session's flag; the first is not affected.
    assert_eq!(count(&mut first, "MATCH (a:N), (b:N) RETURN count(*)"), 2500);
}

#[test]
fn many_readers_share_the_graph_at_once() {
    let database = Database::new(Graph::default(), None);
    let mut writer = Session::new(database.clone());
    count(&mut writer, "UNWIND range(1, 100) AS i CREATE (:N {i: i}) RETURN count(*)");
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let database = database.clone();
            std::thread::spawn(move || {
                let mut session = Session::new(database);
                (0..50).map(|_| count(&mut session, "MATCH (n:N) RETURN count(n)")).sum::<i64>()
            })
        })
        .collect();
    for reader in readers {
        assert_eq!(reader.join().unwrap(), 5000);
    }
}

/// Procedures that panic on purpose: a bug injected into a running statement.
fn with_a_panicking_procedure(session: &mut Session) {
    let mut procedures = (*session.procedures).clone();
    procedures.register(
        Procedure::new("test.explode() :: (x :: INTEGER?)", |_, _| panic!("injected fault"))
            .unwrap(),
    );
    session.procedures = Arc::new(procedures);
}

#[test]
fn a_panic_mid_write_is_undone_and_the_database_serves_on() {
    let database = Database::new(Graph::default(), None);
    let mut client = Session::new(database.clone());
    count(&mut client, "CREATE (:Kept {n: 1}) RETURN 1");
    with_a_panicking_procedure(&mut client);
    // The CREATE runs before the call explodes, in the same statement.
    let error = client
        .run("UNWIND range(1, 50) AS i CREATE (:Half {i: i}) WITH count(*) AS made CALL test.explode() YIELD x RETURN x")
        .into_outcome()
        .unwrap_err();
    assert_eq!(error.code().as_str(), "UnknownError");
    assert!(error.to_string().contains("injected fault"), "{error}");
    assert!(error.to_string().contains("nothing it changed was kept"), "{error}");
    // Inside an explicit transaction: the statement is undone, the transaction's
    // earlier work stays until its rollback.
    client.begin().unwrap();
    count(&mut client, "CREATE (:InTx) RETURN 1");
    assert!(
        client
            .run("CREATE (:Half) WITH 1 AS one CALL test.explode() YIELD x RETURN x")
            .into_outcome()
            .is_err()
    );
    assert_eq!(count(&mut client, "MATCH (n:InTx) RETURN count(n)"), 1);
    client.rollback().unwrap();
    // Another client reads and writes as before, and every index agrees with the data.
    let mut other = Session::new(database.clone());
    assert_eq!(count(&mut other, "MATCH (n:Half) RETURN count(n)"), 0);
    assert_eq!(count(&mut other, "MATCH (n:InTx) RETURN count(n)"), 0);
    assert_eq!(count(&mut other, "MATCH (n:Kept) RETURN count(n)"), 1);
    count(&mut other, "CREATE (:After) RETURN 1");
    database.snapshot().validate().unwrap();
}

#[test]
fn a_session_dropped_mid_transaction_leaves_no_trace() {
    let database = Database::new(Graph::default(), None);
    // A server thread that opens a transaction, writes, and dies while holding it.
    let shared = database.clone();
    let thread = std::thread::spawn(move || {
        let mut client = Session::new(shared);
        client.begin().unwrap();
        count(&mut client, "UNWIND range(1, 10) AS i CREATE (:Gone {i: i}) RETURN count(*)");
        panic!("the connection's thread died");
    });
    assert!(thread.join().is_err());
    let mut other = Session::new(database.clone());
    assert_eq!(count(&mut other, "MATCH (n:Gone) RETURN count(n)"), 0);
    count(&mut other, "CREATE (:After) RETURN 1");
    database.snapshot().validate().unwrap();
}

/// Statements of every kind, some failing or rolled back, for the two-copy test.
fn statement(step: usize) -> String {
    match step % 9 {
        0 => format!("CREATE (:P {{i: {step}, name: 'ad{step}'}})"),
        1 => format!("MATCH (p:P) WHERE p.i % 7 = {} SET p.seen = {step}", step % 7),
        2 => format!(
            "MATCH (a:P), (b:P) WHERE a.i = {} AND b.i = {} CREATE (a)-[:K {{s: {step}}}]->(b)",
            step - 2,
            step - 1
        ),
        3 => format!("MATCH (p:P) WHERE p.i = {} DETACH DELETE p", step.saturating_sub(12)),
        4 => format!(
            "UNWIND range(1, 3) AS j CREATE (:Q {{j: j, step: {step}}}) WITH j WHERE j = 3 RETURN 1 / 0"
        ),
        5 => format!("MATCH ()-[k:K]->() WHERE k.s < {} SET k.old = true REMOVE k.s", step / 2),
        6 => format!("MATCH (p:P) WHERE p.i = {} SET p:Marked REMOVE p.name", step - 3),
        7 => "MATCH (p:Marked) REMOVE p:Marked SET p:Was".to_owned(),
        _ => format!("CREATE (:R {{step: {step}}})-[:T]->(:R)"),
    }
}

#[test]
fn the_published_graph_is_always_what_one_copy_would_hold() {
    let database = Database::new(Graph::default(), None);
    let mut reference = Graph::default();
    let mut session = Session::new(database.clone());
    let control = korpu::query::Control::default();
    let params = korpu::query::Params::new();
    let mut held = Vec::new();
    for step in 0..180 {
        let text = statement(step);
        if step % 10 == 5 {
            // A rolled-back transaction uses ids up in both.
            session.begin().unwrap();
            let _ = session.run(&text).into_outcome();
            session.rollback().unwrap();
            let savepoint = reference.savepoint();
            let _ = korpu::query::run(&mut reference, &text, &params, &control);
            reference.rollback_to(savepoint);
        } else {
            let ours = session.run(&text).into_outcome().is_ok();
            let theirs = korpu::query::run(&mut reference, &text, &params, &control).is_ok();
            assert_eq!(ours, theirs, "{text}");
        }
        // Readers that hold snapshots for a while make the writer copy the graph rather
        // than catch the old copy up; both ways must end in the same graph.
        if step % 4 == 0 {
            held.push(database.snapshot());
        }
        if step % 6 == 0 {
            held.clear();
        }
        assert_eq!(
            korpu::export::to_json(&database.snapshot()),
            korpu::export::to_json(&reference),
            "after {text}"
        );
    }
    database.snapshot().validate().unwrap();
}
