//! Commits kept by the transaction log (`korpu.wal`): what a server acknowledged comes
//! back after a crash, each commit whole or not at all; a checkpoint writes the files
//! and empties the log; a torn last record is cut; files changed behind the log's back
//! are refused, never overwritten. In-process here; `bolt` kills a real server.

use std::path::Path;

use korpu::database::{AfterCheckpoint, Database};
use korpu::export::to_json;
use korpu::session::Session;
use korpu::store::LOG_FILE;

use crate::support::Scratch;

/// A scratch copy of the bundled graph-data folder.
fn data_copy(name: &str) -> Scratch {
    let scratch = Scratch::new("durability", name);
    for (file, text) in korpu::bundled::FILES {
        scratch.write(file.rsplit('/').next().unwrap(), text);
    }
    scratch.write("source.txt", korpu::bundled::SOURCE_DOCUMENT);
    scratch
}

/// Every data file of `folder`, one after another.
fn all_files(folder: &Path) -> String {
    let mut paths: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths.iter().map(|path| std::fs::read_to_string(path).unwrap()).collect()
}

/// A database over `folder` that logs every commit, as `serve --allow-writes` opens it.
fn logging(folder: &Path) -> Database {
    let (database, _) = Database::open(folder).unwrap();
    database.log_commits().unwrap();
    database
}

fn run(session: &mut Session, statement: &str) {
    if let Err(error) = session.run(statement).into_outcome() {
        panic!("{statement}: {error}");
    }
}

/// The whole graph as the JSON export writes it: ids, labels, properties, relationships.
fn dump(database: &Database) -> String {
    to_json(&database.snapshot())
}

/// Commits of every kind, with rolled-back and failed work in between (which uses ids
/// up without being committed).
fn mixed_commits(session: &mut Session) {
    run(session, "CREATE (:Şəhər {ad: 'Gəncə', əhali: 335000})");
    run(
        session,
        "MATCH (o:Organization) WITH o LIMIT 2 SET o.reviewed = date('2026-12-08'), o:Reviewed",
    );
    session.begin().unwrap();
    run(session, "UNWIND range(1, 5) AS i CREATE (:Discarded {i: i})");
    session.rollback().unwrap();
    assert!(
        session.run("CREATE (:Broken {x: 1}) WITH 1 AS one RETURN 1 / 0").into_outcome().is_err()
    );
    session.begin().unwrap();
    run(session, "CREATE (a:Qeyd {mətn: 'birinci'})-[:NEXT {order: 1}]->(b:Qeyd {mətn: 'ikinci'})");
    run(
        session,
        "MATCH (a:Qeyd {mətn: 'birinci'}) CREATE (a)-[:SEE_ALSO]->(:Qeyd {mətn: 'üçüncü'})",
    );
    run(session, "MATCH (q:Qeyd {mətn: 'üçüncü'}) DETACH DELETE q");
    session.commit().unwrap();
    run(session, "MATCH (:Qeyd)-[r:NEXT]->() SET r.order = 2, r.checked = true");
    run(session, "MATCH (p:Person) WITH p LIMIT 1 DETACH DELETE p");
    run(session, "CREATE INDEX qeyd_metn IF NOT EXISTS FOR (q:Qeyd) ON (q.mətn)");
    run(session, "MATCH (n:Reviewed) REMOVE n:Reviewed, n.reviewed");
}

#[test]
fn every_acknowledged_commit_comes_back_after_a_crash() {
    let folder = data_copy("crash");
    let database = logging(folder.path());
    let before = dump(&database);
    let mut session = Session::new(database.clone());
    mixed_commits(&mut session);
    let committed = dump(&database);
    assert_ne!(before, committed);
    let files_before: Vec<u8> = std::fs::read(folder.path().join("organizations.json")).unwrap();
    // The process dies: nothing is checkpointed, the files are as they were.
    drop(session);
    drop(database);
    assert_eq!(std::fs::read(folder.path().join("organizations.json")).unwrap(), files_before);
    let (reopened, _) = Database::open(folder.path()).unwrap();
    assert_eq!(dump(&reopened), committed, "the log gives back exactly the committed graph");
    assert!(reopened.unsaved() > 0);
    reopened.snapshot().validate().unwrap();
    let mut reader = Session::new(reopened.clone());
    let answer = reader.run("SHOW INDEXES YIELD name WHERE name = 'qeyd_metn' RETURN name");
    assert_eq!(answer.into_outcome().unwrap().into_result().unwrap().rows.len(), 1);
    // Reopened again, with the log opened for appending, and more commits on top.
    drop(reader);
    drop(reopened);
    let database = logging(folder.path());
    let mut session = Session::new(database.clone());
    run(&mut session, "CREATE (:Şəhər {ad: 'Şəki'})");
    let more = dump(&database);
    drop(session);
    drop(database);
    let (reopened, _) = Database::open(folder.path()).unwrap();
    assert_eq!(dump(&reopened), more);
}

#[test]
fn a_checkpoint_writes_the_files_and_empties_the_log() {
    let folder = data_copy("checkpoint");
    let database = logging(folder.path());
    let mut session = Session::new(database.clone());
    mixed_commits(&mut session);
    let log = folder.path().join(LOG_FILE);
    let grown = std::fs::metadata(&log).unwrap().len();
    let answer = session.run("CALL db.checkpoint()");
    let rows = answer.into_outcome().unwrap().into_result().unwrap().rows;
    assert!(matches!(rows[0][0], korpu::graph::Value::Bool(true)), "{rows:?}");
    assert!(std::fs::metadata(&log).unwrap().len() < grown.min(64), "the log starts afresh");
    assert!(all_files(folder.path()).contains("Gəncə"));
    assert_eq!(database.unsaved(), 0);
    // The server goes on: commits after the checkpoint are logged against the new files.
    run(
        &mut session,
        "MATCH (c:Şəhər {ad: 'Gəncə'}) CREATE (c)-[:TWINNED_WITH]->(:Şəhər {ad: 'Bakı'})",
    );
    run(&mut session, "MATCH (q:Qeyd {mətn: 'birinci'}) SET q.mətn = 'birinci (düzəldilib)'");
    let committed = dump(&database);
    drop(session);
    drop(database);
    let (reopened, _) = Database::open(folder.path()).unwrap();
    assert_eq!(dump(&reopened), committed);
    // A clean stop: the files hold everything and the log is empty.
    reopened.checkpoint(AfterCheckpoint::Stop).unwrap();
    let text = all_files(folder.path());
    assert!(text.contains("\"Bakı\"") && text.contains("TWINNED_WITH"));
    let (clean, _) = Database::open(folder.path()).unwrap();
    assert_eq!(clean.unsaved(), 0);
    assert_eq!(std::fs::metadata(&log).unwrap().len(), 20, "only the header is left");
}

#[test]
fn a_torn_last_record_is_cut_and_never_half_applied() {
    let folder = data_copy("torn");
    let database = logging(folder.path());
    let mut session = Session::new(database.clone());
    run(&mut session, "CREATE (:Şəhər {ad: 'Lənkəran'})");
    let first = dump(&database);
    let log = folder.path().join(LOG_FILE);
    let after_first = std::fs::metadata(&log).unwrap().len();
    run(&mut session, "UNWIND range(1, 20) AS i CREATE (:Torn {i: i})");
    let after_second = std::fs::metadata(&log).unwrap().len();
    drop(session);
    drop(database);
    // Every way the second record can be cut short by a crash.
    let whole = std::fs::read(&log).unwrap();
    for cut in (after_first..after_second).step_by(7).chain([after_second - 1]) {
        std::fs::write(&log, &whole[..cut as usize]).unwrap();
        let (reopened, _) = Database::open(folder.path()).unwrap();
        assert_eq!(dump(&reopened), first, "cut at {cut}");
    }
    // A flipped byte inside the record fails its checksum the same way.
    let mut damaged = whole.clone();
    damaged[after_first as usize + 20] ^= 0x40;
    std::fs::write(&log, &damaged).unwrap();
    let (reopened, _) = Database::open(folder.path()).unwrap();
    assert_eq!(dump(&reopened), first);
    // Opened for appending, the tail is cut off and the next commit follows the first.
    drop(reopened);
    let database = logging(folder.path());
    assert_eq!(std::fs::metadata(&log).unwrap().len(), after_first);
    let mut session = Session::new(database.clone());
    run(&mut session, "CREATE (:Şəhər {ad: 'Quba'})");
    let expected = dump(&database);
    drop(session);
    drop(database);
    assert_eq!(dump(&Database::open(folder.path()).unwrap().0), expected);
}

#[test]
fn files_changed_behind_the_logs_back_are_refused() {
    let folder = data_copy("changed");
    let database = logging(folder.path());
    let mut session = Session::new(database.clone());
    run(&mut session, "CREATE (:Şəhər {ad: 'Naxçıvan'})");
    drop(session);
    drop(database);
    let places = folder.path().join("places.json");
    let text = std::fs::read_to_string(&places).unwrap();
    std::fs::write(&places, text.replacen("\"name\"", "\"name\" ", 1)).unwrap();
    let error = Database::open(folder.path()).unwrap_err().to_string();
    assert!(error.contains("changed since its transaction log began"), "{error}");
    assert!(error.contains("1 commit(s)"), "{error}");
    assert!(error.contains(LOG_FILE), "{error}");
    // Nothing was overwritten.
    assert!(std::fs::read_to_string(&places).unwrap().contains("\"name\" "));
}

#[test]
fn the_shells_save_empties_a_log_a_server_left() {
    let folder = data_copy("shell-save");
    let database = logging(folder.path());
    let mut session = Session::new(database.clone());
    run(&mut session, "CREATE (:Şəhər {ad: 'Şamaxı'})");
    drop(session);
    drop(database);
    // The shell opens the folder (the log is replayed) and saves.
    let (opened, _) = Database::open(folder.path()).unwrap();
    let mut shell = Session::new(opened);
    shell.save().unwrap();
    drop(shell);
    let log = folder.path().join(LOG_FILE);
    assert_eq!(std::fs::metadata(&log).unwrap().len(), 20);
    let (again, _) = Database::open(folder.path()).unwrap();
    assert_eq!(again.unsaved(), 0);
    let mut reader = Session::new(again);
    let answer = reader.run("MATCH (c:Şəhər {ad: 'Şamaxı'}) RETURN count(c)");
    let rows = answer.into_outcome().unwrap().into_result().unwrap().rows;
    assert!(matches!(rows[0][0], korpu::graph::Value::Int(1)), "{rows:?}");
}
