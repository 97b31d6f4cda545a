//! Several sessions over one database: readers never see half a transaction, and each
//! session's cancel flag is its own.

use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::Duration;

use korpu::database::Database;
use korpu::graph::{Graph, Value};
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
