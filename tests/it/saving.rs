//! Keeping changes through the command line and the shell: `run --save`, `:save`,
//! `:begin`/`:commit`/`:rollback`, and what is refused.

use std::path::Path;

use crate::support::{Scratch, korpu, korpu_stdin};

/// A scratch copy of the bundled graph-data folder (data and vocabulary).
fn data_copy(name: &str) -> Scratch {
    let scratch = Scratch::new("saving", name);
    for (file, text) in korpu::bundled::FILES {
        scratch.write(file.rsplit('/').next().unwrap(), text);
    }
    scratch.write("source.txt", korpu::bundled::SOURCE_DOCUMENT);
    scratch
}

fn files(folder: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

const EDIT: &str = "\
MATCH (a:Organization {name: 'Milli Qeyri Hökumət Təşkilatları Forumu'}), (b:Organization {name_en: 'International Diaspora Center'})
MERGE (a)-[r:PARTNERS_WITH]->(b) ON CREATE SET r.source = 4, r.quote = 'diaspor təşkilatlarımızla birgə əməkdaşlığı';
MATCH (p:Person {name: 'Zaur Əliyev'}) SET p.name_en = 'Zaur Aliyev (researcher)';
MATCH (t:Topic) WHERE size([(t)--() | 1]) = 1 WITH t ORDER BY t.name LIMIT 1 DETACH DELETE t;
";

#[test]
fn run_save_writes_just_the_changed_facts() {
    let scratch = data_copy("run-save");
    let before = files(scratch.path());
    let script = scratch.write("edit.cypher", EDIT);
    let folder = scratch.path().to_str().unwrap();
    let output = korpu(&["--data", folder, "run", "--save", script.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("saved "), "{}", stderr(&output));
    let after = files(scratch.path());
    let mut changed_lines = 0;
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        let old_lines: Vec<&str> = old.lines().collect();
        let new_lines: Vec<&str> = new.lines().collect();
        changed_lines += new_lines.iter().filter(|line| !old_lines.contains(line)).count();
        changed_lines += old_lines.iter().filter(|line| !new_lines.contains(line)).count();
        if name == "places.json" || name == "schema.json" {
            assert_eq!(old, new, "{name} holds none of the changed facts");
        }
    }
    assert!(changed_lines > 10 && changed_lines < 60, "{changed_lines} lines changed");
    // The saved folder loads, and holds the changes.
    let output = korpu(&[
        "--data",
        folder,
        "query",
        "MATCH (:Organization {name: 'Milli Qeyri Hökumət Təşkilatları Forumu'})-[r:PARTNERS_WITH]->(b {name_en: 'International Diaspora Center'}) RETURN r.quote AS quote",
    ]);
    assert!(
        stdout(&output).contains("diaspor təşkilatlarımızla birgə əməkdaşlığı"),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    let output = korpu(&[
        "--data",
        folder,
        "query",
        "MATCH (p:Person {name: 'Zaur Əliyev'}) RETURN p.name_en",
    ]);
    assert!(stdout(&output).contains("Zaur Aliyev (researcher)"));
    let check = korpu(&["--data", folder, "check"]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
}

#[test]
fn run_save_writes_nothing_when_a_statement_fails() {
    let scratch = data_copy("run-save-fails");
    let before = files(scratch.path());
    let script = scratch.write("edit.cypher", &format!("{EDIT}RETURN 1 / 0;\n"));
    let output = korpu(&[
        "--data",
        scratch.path().to_str().unwrap(),
        "run",
        "--save",
        script.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("nothing was saved"), "{}", stderr(&output));
    assert_eq!(files(scratch.path()), before);
}

#[test]
fn the_bundled_graph_is_read_only_and_saves_a_copy_elsewhere() {
    let output = korpu(&["run", "--save", "-"]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("--data"), "{}", stderr(&output));
    let scratch = Scratch::new("saving", "copy");
    let target = scratch.path().join("copy");
    let input = format!(
        "CREATE (:Organization:NGO {{name: 'Yeni Birlik'}});\n:save\n:save {}\n",
        target.display()
    );
    let output = korpu_stdin(&[], &input);
    assert!(stderr(&output).contains(":save DIR"), "{}", stderr(&output));
    assert!(stdout(&output).contains("saved to"), "{}{}", stdout(&output), stderr(&output));
    let output = korpu(&[
        "--data",
        target.to_str().unwrap(),
        "query",
        "MATCH (o {name: 'Yeni Birlik'}) RETURN elementId(o) AS id",
    ]);
    assert!(stdout(&output).contains("org-yeni-birlik"), "{}{}", stdout(&output), stderr(&output));
}

#[test]
fn a_rolled_back_transaction_leaves_nothing_to_save() {
    let scratch = data_copy("transaction");
    let before = files(scratch.path());
    let input = "\
:begin
CREATE (:Topic {name: 'Müvəqqəti'});
MATCH (t:Topic {name: 'Müvəqqəti'}) RETURN count(t) AS inside;
:rollback
MATCH (t:Topic {name: 'Müvəqqəti'}) RETURN count(t) AS after;
:save
";
    let output = korpu_stdin(&["--data", scratch.path().to_str().unwrap()], input);
    let text = stdout(&output);
    assert!(text.contains("rolled back 3 changes"), "{text}{}", stderr(&output));
    assert!(text.contains("nothing to save"), "{text}");
    assert_eq!(files(scratch.path()), before);
}

#[test]
fn committed_changes_are_saved_and_unsaved_ones_are_reported() {
    let scratch = data_copy("commit");
    let folder = scratch.path().to_str().unwrap();
    let input = "\
:begin
CREATE (:Topic {name: 'Qalıcı', source: 1, quote: 'Diaspor'});
:commit
:save
CREATE (:Topic {name: 'Unudulmuş'});
";
    let output = korpu_stdin(&["--data", folder], input);
    assert!(stdout(&output).contains("committed 5 changes"), "{}", stdout(&output));
    assert!(stdout(&output).contains("saved to"), "{}{}", stdout(&output), stderr(&output));
    assert!(stderr(&output).contains("3 changes not saved"), "{}", stderr(&output));
    let reload = korpu(&[
        "--data",
        folder,
        "query",
        "MATCH (t:Topic) WHERE t.name IN ['Qalıcı', 'Unudulmuş'] RETURN t.name",
    ]);
    assert!(stdout(&reload).contains("Qalıcı") && !stdout(&reload).contains("Unudulmuş"));
}

#[test]
fn check_lists_facts_saved_without_their_source() {
    let scratch = data_copy("unsourced");
    let folder = scratch.path().to_str().unwrap();
    let script = scratch.write(
        "add.cypher",
        "CREATE (:Topic {name: 'Mənbəsiz mövzu'});\n\
         MATCH (t:Topic {name: 'Mənbəsiz mövzu'}), (o:Organization {name_en: 'International Diaspora Center'}) \
         CREATE (o)-[:FOCUSES_ON {source: 9}]->(t);\n",
    );
    let output = korpu(&["--data", folder, "run", "--save", script.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let check = korpu(&["--data", folder, "check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stdout(&check));
    let warnings = stderr(&check);
    assert!(warnings.contains("node `topic-menbesiz-movzu`"), "{warnings}");
    assert!(warnings.contains("no `source`"), "{warnings}");
    assert!(warnings.contains("-[:FOCUSES_ON]->`topic-menbesiz-movzu`"), "{warnings}");
    assert!(warnings.contains("no `quote`"), "{warnings}");
    assert!(stdout(&check).contains("the data is not clean"), "{}", stdout(&check));
    // A quote must stand word for word in the paragraph its source names.
    let wrong = scratch.write(
        "wrong.cypher",
        "MATCH ()-[r:FOCUSES_ON {source: 9}]->(:Topic {name: 'Mənbəsiz mövzu'}) SET r.quote = 'heç yerdə yoxdur';\n",
    );
    assert!(korpu(&["--data", folder, "run", "--save", wrong.to_str().unwrap()]).status.success());
    let check = korpu(&["--data", folder, "check"]);
    assert!(stderr(&check).contains("misquoted"), "{}", stderr(&check));
    // Once the facts carry their source, the data is clean again.
    let fix = scratch.write(
        "fix.cypher",
        "MATCH (t:Topic {name: 'Mənbəsiz mövzu'}) SET t.source = 'general';\n\
         MATCH ()-[r:FOCUSES_ON {source: 9}]->(:Topic {name: 'Mənbəsiz mövzu'}) SET r.quote = 'diaspor';\n",
    );
    let output = korpu(&["--data", folder, "run", "--save", fix.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let check = korpu(&["--data", folder, "check"]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
}

#[test]
fn declared_rules_are_saved_into_schema_json_and_load_again() {
    let scratch = data_copy("schema-rules");
    let folder = scratch.path().to_str().unwrap();
    let before = files(scratch.path());
    let script = scratch.write(
        "rules.cypher",
        "CREATE CONSTRAINT topic_en FOR (t:Topic) REQUIRE t.name_en IS NOT NULL;\n\
         DROP INDEX event_type;\n\
         CREATE TEXT INDEX person_name FOR (p:Person) ON (p.name);\n",
    );
    let output = korpu(&["--data", folder, "run", "--save", script.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let after = files(scratch.path());
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        if name != "schema.json" {
            assert_eq!(old, new, "{name} holds no rule");
        }
    }
    let (old, new) = (
        &before.iter().find(|(name, _)| name == "schema.json").unwrap().1,
        &after.iter().find(|(name, _)| name == "schema.json").unwrap().1,
    );
    let removed: Vec<&str> =
        old.lines().filter(|line| !new.lines().any(|other| other == *line)).collect();
    let added: Vec<&str> =
        new.lines().filter(|line| !old.lines().any(|other| other == *line)).collect();
    // The dropped index goes (with the line before it, which loses its comma), two
    // records come in; every other line keeps its bytes, curators' notes included.
    assert!(removed.iter().any(|line| line.contains("\"event_type\"")), "{removed:?}");
    assert!(removed.len() <= 3 && added.len() <= 4, "removed {removed:?}, added {added:?}");
    assert!(added.iter().any(|line| line.contains(r#"{"name": "topic_en", "label": "Topic", "properties": ["name_en"], "require": "NOT NULL"}"#)), "{added:?}");
    assert!(added.iter().any(|line| line.contains(r#""kind": "TEXT""#)), "{added:?}");
    assert!(new.contains("one node per organization"), "notes stay");

    let shown = korpu(&[
        "--data",
        folder,
        "--format",
        "csv",
        "query",
        "SHOW INDEXES YIELD name, type WHERE name IN ['event_type', 'person_name'] RETURN name, type",
    ]);
    assert_eq!(stdout(&shown).replace("\r\n", "\n"), "name,type\nperson_name,TEXT\n");
    let refused = korpu(&[
        "--data",
        folder,
        "query",
        "CREATE (:Topic {name: 'Yeni mövzu', source: 1, quote: 'x'})",
    ]);
    assert!(stderr(&refused).contains("constraint `topic_en`"), "{}", stderr(&refused));
    let check = korpu(&["--data", folder, "check"]);
    assert!(check.status.success(), "{}{}", stdout(&check), stderr(&check));
}

#[test]
fn check_reports_data_that_breaks_a_declared_constraint() {
    let scratch = data_copy("schema-broken");
    let organizations = std::fs::read_to_string(scratch.path().join("organizations.json")).unwrap();
    let broken = organizations.replacen("\"founded_year\": 1999", "\"founded_year\": \"1999\"", 1);
    assert_ne!(broken, organizations, "the fixture has a founded_year of 1999");
    scratch.write("organizations.json", &broken);
    let check = korpu(&["--data", scratch.path().to_str().unwrap(), "check"]);
    assert!(!check.status.success());
    let report = format!("{}{}", stdout(&check), stderr(&check));
    assert!(report.contains("constraint `founded_year_integer`"), "{report}");
    assert!(report.contains("founded_year = '1999', a String (expected INTEGER)"), "{report}");
}

#[test]
fn the_bundled_graph_refuses_a_second_node_for_one_organization() {
    let output = korpu(&[
        "query",
        "CREATE (:Organization:NGO {name: 'Milli Qeyri Hökumət Təşkilatları Forumu', source: 3, quote: 'QHT'})",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    for part in [
        "constraint `organization_name`",
        "(:Organization {name}) IS UNIQUE",
        "name = 'Milli Qeyri Hökumət Təşkilatları Forumu'",
        "`org-milli-qht-forumu`",
    ] {
        assert!(message.contains(part), "{part} missing: {message}");
    }
}
