//! Saving: minimal diffs, typed values, refusals, and crashes at every step.

use std::io;
use std::path::{Path, PathBuf};

use super::commit::{Disk, RealDisk};
use super::*;
use crate::graph::Value;
use crate::query::{Control, Params};

/// A scratch copy of the bundled graph-data folder.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let path = std::env::temp_dir().join(format!("korpu-store-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        for (file, text) in crate::bundled::FILES {
            fs::write(path.join(file_name(file)), text).unwrap();
        }
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn load(path: &Path) -> (DataFolder, Graph) {
    let (folder, files) = DataFolder::read(path).unwrap();
    let loaded = files.load(None).unwrap_or_else(|error| panic!("{error:?}"));
    (folder, loaded.graph)
}

fn run(graph: &mut Graph, query: &str) {
    crate::query::run(graph, query, &Params::new(), &Control::default())
        .unwrap_or_else(|error| panic!("{query}: {}", error.message()));
}

/// Everything saved, in a stable order: ids, labels, properties with types, edges.
fn content(graph: &Graph) -> String {
    let mut nodes: Vec<String> = graph
        .nodes()
        .map(|node| {
            let labels: Vec<&str> = graph.node_labels(node).collect();
            let mut properties: Vec<String> = graph
                .node_properties(node)
                .map(|(key, value)| format!("{key}={value:?}"))
                .collect();
            properties.sort();
            format!("{} {labels:?} {properties:?}", graph.node_key(node))
        })
        .collect();
    let mut edges: Vec<String> = graph
        .edges()
        .map(|edge| {
            let (from, to) = graph.edge_endpoints(edge);
            let mut properties: Vec<String> = graph
                .edge_properties(edge)
                .map(|(key, value)| format!("{key}={value:?}"))
                .collect();
            properties.sort();
            format!(
                "{}-{}->{} {properties:?}",
                graph.node_key(from),
                graph.edge_type(edge),
                graph.node_key(to)
            )
        })
        .collect();
    nodes.sort();
    edges.sort();
    format!("{}\n{}", nodes.join("\n"), edges.join("\n"))
}

const CHANGES: &[&str] = &[
    "MATCH (a:Organization {name: 'Milli Qeyri Hökumət Təşkilatları Forumu'}) \
     MERGE (b:Organization:NGO {name: 'Yeni Təşkilat'}) \
     MERGE (a)-[:PARTNERS_WITH {source: 4, quote: 'diaspor təşkilatlarımızla birgə əməkdaşlığı'}]->(b)",
    "MATCH (p:Person {name: 'Zaur Əliyev'}) SET p.born = date('1975-03-01'), p.score = 1.0",
    "MATCH (t:Topic) WHERE size([(t)--() | 1]) = 1 WITH t ORDER BY t.name LIMIT 1 DETACH DELETE t",
];

fn changed_lines(old: &str, new: &str) -> usize {
    // Lines only in one of the two texts, as a line diff would show them.
    let mut old_lines: Vec<&str> = old.lines().collect();
    let mut count = 0;
    for line in new.lines() {
        match old_lines.iter().position(|existing| *existing == line) {
            Some(at) => {
                old_lines.remove(at);
            }
            None => count += 1,
        }
    }
    count + old_lines.len()
}

#[test]
fn saving_without_changes_writes_nothing() {
    let scratch = Scratch::new("unchanged");
    let (mut folder, mut graph) = load(&scratch.0);
    let report = folder.save(&mut graph).unwrap();
    assert!(report.files.is_empty() && report.counts.is_empty(), "{report:?}");
}

#[test]
fn a_few_facts_changed_are_a_few_lines_changed() {
    let scratch = Scratch::new("diff");
    let before: Vec<(String, String)> = fs::read_dir(&scratch.0)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            (file_name_of(&path).to_owned(), fs::read_to_string(&path).unwrap())
        })
        .collect();
    let (mut folder, mut graph) = load(&scratch.0);
    for change in CHANGES {
        run(&mut graph, change);
    }
    let report = folder.save(&mut graph).unwrap();
    assert_eq!(report.counts.nodes_added, 1);
    assert_eq!(report.counts.nodes_changed, 1);
    assert_eq!(report.counts.nodes_removed, 1);
    assert_eq!(report.counts.relationships_added, 1);
    assert_eq!(report.counts.relationships_removed, 1);
    // Reloading gives the graph that was saved, new id included.
    let (_, reloaded) = load(&scratch.0);
    assert_eq!(content(&reloaded), content(&graph));
    let new = graph.node_by_key("org-yeni-teskilat");
    assert!(new.is_some(), "the new node gets a readable id in the house style");
    // Every file not touched keeps its bytes; the touched ones change by a few lines.
    let mut total = 0;
    for (name, old) in before {
        let now = fs::read_to_string(scratch.0.join(&name)).unwrap();
        if report.files.contains(&name) {
            total += changed_lines(&old, &now);
        } else {
            assert_eq!(old, now, "{name} was not to change");
        }
    }
    assert!(total < 60, "{total} lines changed for three facts: {:?}", report.counts);
}

#[test]
fn values_keep_their_types() {
    let scratch = Scratch::new("types");
    let (mut folder, mut graph) = load(&scratch.0);
    run(
        &mut graph,
        "CREATE (:Event {name: 'Tip', day: date('2010-09-15'), at: datetime('2010-09-15T10:00:00+04:00'), \
         ratio: 1.0, nan: 0.0 / 0.0, tags: ['a', 'b'], n: 3, yes: true})",
    );
    folder.save(&mut graph).unwrap();
    let (_, reloaded) = load(&scratch.0);
    let node = reloaded.nodes_named("Tip")[0];
    let get = |key: &str| reloaded.node_property_by_name(node, key).cloned().unwrap();
    assert_eq!(get("day").type_name(), "Date");
    assert_eq!(get("at").type_name(), "DateTime");
    assert!(matches!(get("ratio"), Value::Float(ratio) if ratio == 1.0));
    assert!(matches!(get("nan"), Value::Float(nan) if nan.is_nan()));
    assert!(matches!(get("n"), Value::Int(3)));
    assert_eq!(content(&reloaded), content(&graph));
}

#[test]
fn a_file_changed_on_disk_is_never_overwritten() {
    let scratch = Scratch::new("changed");
    let (mut folder, mut graph) = load(&scratch.0);
    run(&mut graph, CHANGES[1]);
    let people = scratch.0.join("people.json");
    let edited = fs::read_to_string(&people).unwrap().replace("Rauf Zeyni", "Rauf Zeynı");
    fs::write(&people, &edited).unwrap();
    let error = folder.save(&mut graph).unwrap_err();
    assert!(matches!(&error, SaveError::Changed { file } if file == "people.json"), "{error}");
    assert_eq!(fs::read_to_string(&people).unwrap(), edited, "the edit survives");
}

#[test]
fn a_second_saver_is_refused_while_the_first_holds_the_lock() {
    let scratch = Scratch::new("lock");
    let (mut folder, mut graph) = load(&scratch.0);
    run(&mut graph, CHANGES[1]);
    let held = lock(&scratch.0).unwrap();
    assert!(matches!(folder.save(&mut graph), Err(SaveError::Locked { .. })));
    drop(held);
    folder.save(&mut graph).unwrap();
}

#[test]
fn the_bundled_graph_is_read_only_but_can_be_saved_elsewhere() {
    let (mut folder, files) = DataFolder::bundled();
    let mut graph = files.load(None).unwrap().graph;
    run(&mut graph, CHANGES[1]);
    let error = folder.save(&mut graph).unwrap_err();
    assert!(error.to_string().contains(":save DIR"), "{error}");
    let target = std::env::temp_dir().join(format!("korpu-store-{}-copy", std::process::id()));
    let _ = fs::remove_dir_all(&target);
    folder.save_as(&mut graph, &target).unwrap();
    let (_, reloaded) = load(&target);
    assert_eq!(content(&reloaded), content(&graph));
    // A folder that already holds data is not overwritten.
    let mut again = DataFolder::bundled().0;
    assert!(matches!(again.save_as(&mut graph, &target), Err(SaveError::NotEmpty { .. })));
    let _ = fs::remove_dir_all(&target);
}

/// A disk that dies after `allowed` operations: the next one does half its work (a
/// write leaves half the bytes), and every later one fails.
struct DyingDisk {
    allowed: usize,
    dead: bool,
}

impl DyingDisk {
    fn step(&mut self) -> io::Result<bool> {
        if self.dead {
            return Err(io::Error::other("the process is gone"));
        }
        if self.allowed == 0 {
            self.dead = true;
            return Ok(false);
        }
        self.allowed -= 1;
        Ok(true)
    }
}

impl Disk for DyingDisk {
    fn write(&mut self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if self.step()? {
            return RealDisk.write(path, bytes);
        }
        fs::write(path, &bytes[..bytes.len() / 2])?;
        Err(io::Error::other("crashed mid-write"))
    }

    fn rename(&mut self, from: &Path, to: &Path) -> io::Result<()> {
        if self.step()? {
            return RealDisk.rename(from, to);
        }
        Err(io::Error::other("crashed before renaming"))
    }

    fn remove(&mut self, path: &Path) -> io::Result<()> {
        if self.step()? {
            return RealDisk.remove(path);
        }
        Err(io::Error::other("crashed before removing"))
    }

    fn sync_dir(&mut self, dir: &Path) -> io::Result<()> {
        if self.step()? {
            return RealDisk.sync_dir(dir);
        }
        Err(io::Error::other("crashed before syncing"))
    }
}

#[test]
fn a_crash_at_any_step_of_a_save_leaves_the_old_graph_or_the_new() {
    // The expected states: before the save, and after a save that completed.
    let reference = Scratch::new("crash-reference");
    let (_, original) = load(&reference.0);
    let old = content(&original);
    let (mut folder, mut graph) = load(&reference.0);
    for change in CHANGES {
        run(&mut graph, change);
    }
    folder.save(&mut graph).unwrap();
    let new = content(&load(&reference.0).1);
    assert_ne!(old, new);

    let (mut saw_old, mut saw_new) = (0, 0);
    for allowed in 0.. {
        let scratch = Scratch::new(&format!("crash-{allowed}"));
        let (mut folder, mut graph) = load(&scratch.0);
        for change in CHANGES {
            run(&mut graph, change);
        }
        let mut disk = DyingDisk { allowed, dead: false };
        let finished = folder.save_with(&mut graph, &mut disk, &mut |_| Ok(())).is_ok();
        // A new process reads the folder: it finishes or undoes the save first.
        let after = content(&load(&scratch.0).1);
        if after == old {
            saw_old += 1;
        } else {
            assert_eq!(after, new, "crash after {allowed} steps left a mix");
            saw_new += 1;
        }
        let leftovers: Vec<String> = fs::read_dir(&scratch.0)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.contains("korpu-new") || name.starts_with(".korpu-save"))
            .collect();
        assert!(leftovers.is_empty(), "after {allowed} steps: {leftovers:?}");
        if finished {
            assert_eq!(after, new);
            break;
        }
    }
    assert!(saw_old >= 3 && saw_new >= 3, "old {saw_old} times, new {saw_new} times");
}

#[test]
fn recovery_interrupted_itself_still_ends_old_or_new() {
    // Crash a save just after its commit point, then crash the recovery at each step.
    let reference = Scratch::new("recover-reference");
    let (mut folder, mut graph) = load(&reference.0);
    for change in CHANGES {
        run(&mut graph, change);
    }
    folder.save(&mut graph).unwrap();
    let new = content(&load(&reference.0).1);
    // Steps of a save of three files: 3 writes, journal write, sync, rename (commit).
    for recovery_steps in 0..6 {
        let scratch = Scratch::new(&format!("recover-{recovery_steps}"));
        let (mut folder, mut graph) = load(&scratch.0);
        for change in CHANGES {
            run(&mut graph, change);
        }
        let files = folder.read_unchanged().unwrap().len();
        let mut disk = DyingDisk { allowed: files + 3, dead: false };
        let _ = folder.save_with(&mut graph, &mut disk, &mut |_| Ok(()));
        let _ =
            commit::recover(&mut DyingDisk { allowed: recovery_steps, dead: false }, &scratch.0);
        assert_eq!(
            content(&load(&scratch.0).1),
            new,
            "recovery stopped after {recovery_steps} steps"
        );
    }
}

#[test]
fn one_changed_byte_changes_the_fingerprint() {
    let text = crate::bundled::FILES[1].1.as_bytes().to_vec();
    let mut edited = text.clone();
    let middle = edited.len() / 2;
    edited[middle] ^= 1;
    assert_ne!(fingerprint(&text), fingerprint(&edited));
    assert_ne!(fingerprint(b"ab"), fingerprint(b"ba"));
    assert_eq!(fingerprint(&text), fingerprint(&text.clone()));
}
