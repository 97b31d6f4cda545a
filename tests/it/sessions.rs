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
fn a_reader_waits_for_an_open_transaction_and_then_sees_all_of_it() {
    let database = Database::new(Graph::default(), None);
    let mut writer = Session::new(database.clone());
    writer.begin().unwrap();
    count(&mut writer, "CREATE (:A) WITH 1 AS x RETURN x");
    count(&mut writer, "CREATE (:A) WITH 1 AS x RETURN x");
    let (sender, receiver) = mpsc::channel();
    let reader_database = database.clone();
    let reader = std::thread::spawn(move || {
        let mut reader = Session::new(reader_database);
        sender.send(count(&mut reader, "MATCH (n:A) RETURN count(n)")).unwrap();
    });
    // The reader cannot get in while the transaction holds the graph.
    assert!(receiver.recv_timeout(Duration::from_millis(300)).is_err());
    writer.commit().unwrap();
    assert_eq!(receiver.recv_timeout(Duration::from_secs(30)).unwrap(), 2);
    reader.join().unwrap();
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
    database.read().graph.validate().unwrap();
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
    database.read().graph.validate().unwrap();
}
