//! `korpu check`: load the data, report counts per label and relationship type, and say
//! whether the data is clean (no warnings; with a provenance rule, no unsourced fact).

use std::process::ExitCode;

use anyhow::Result;

use super::{Args, print_out, print_warnings};
use crate::load::{self, Loaded, Problem, Severity};
use crate::store::DataFolder;
use crate::text::{display_width, name_column_width, pad_to, terminal_safe};

/// The source document's file name inside a data folder.
const SOURCE_DOCUMENT: &str = "source.txt";

pub(super) fn check(args: &Args) -> Result<ExitCode> {
    let (files, document) = match &args.data {
        Some(path) => match DataFolder::read(path) {
            // The document the quotes point into, when the folder keeps it.
            Ok((_, files)) => (files, std::fs::read_to_string(path.join(SOURCE_DOCUMENT)).ok()),
            Err(error) => {
                eprintln!("{error}");
                return Ok(ExitCode::from(1));
            }
        },
        None => (DataFolder::bundled().1, Some(crate::bundled::SOURCE_DOCUMENT.to_owned())),
    };
    match files.load(None) {
        Err(error) => {
            eprintln!("{error}");
            Ok(ExitCode::from(1))
        }
        Ok(mut loaded) => {
            if load::declares_provenance(&files) {
                // Facts without their source are warnings: the data loads, but is not clean.
                let unsourced = load::unsourced_facts(&loaded.graph, document.as_deref());
                for fact in unsourced {
                    loaded.warnings.push(Problem {
                        severity: Severity::Warning,
                        file: "(provenance)".to_owned(),
                        line: 0,
                        column: 0,
                        id: None,
                        message: fact,
                    });
                }
            }
            print_warnings(&loaded.warnings);
            print_out(&check_report(&loaded))?;
            Ok(ExitCode::from(if loaded.warnings.is_empty() { 0 } else { 1 }))
        }
    }
}

/// What `korpu check` prints for data that loaded: the counts per label and relationship
/// type, and whether the data is clean (loaded without warnings). Names come from the
/// data, so they are shown terminal-safe and padded by display width (see `text::pad_to`).
///
/// ```
/// use korpu::load::{load_sources, Source};
/// let text = r#"{"nodes": [{"id": "b", "labels": ["Şəhər"]}], "edges": []}"#;
/// let loaded = load_sources(&[Source { name: "g.json".into(), text: text.into() }]).unwrap();
/// let report = korpu::cli::check_report(&loaded);
/// assert!(report.contains("  Şəhər       1\n"), "{report}");
/// assert!(report.ends_with("the data is clean\n"));
/// ```
pub fn check_report(loaded: &Loaded) -> String {
    let graph = &loaded.graph;
    let labels = graph.label_counts();
    let rel_types = graph.rel_type_counts();
    let shown = |names: &[(&str, usize)]| -> Vec<(String, usize)> {
        names.iter().map(|(name, count)| (terminal_safe(name).into_owned(), *count)).collect()
    };
    let (labels, rel_types) = (shown(&labels), shown(&rel_types));
    let width =
        name_column_width(labels.iter().chain(&rel_types).map(|(name, _)| display_width(name)));
    let mut text =
        format!("{} nodes, {} relationships\n\nlabels:\n", graph.node_count(), graph.edge_count());
    for (label, count) in &labels {
        text.push_str(&format!("  {}  {count:>6}\n", pad_to(label, width)));
    }
    text.push_str("\nrelationship types:\n");
    for (rel_type, count) in &rel_types {
        text.push_str(&format!("  {}  {count:>6}\n", pad_to(rel_type, width)));
    }
    if loaded.warnings.is_empty() {
        text.push_str("\nthe data is clean\n");
    } else {
        text.push_str(&format!("\n{} warning(s): the data is not clean\n", loaded.warnings.len()));
    }
    text
}
