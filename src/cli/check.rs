//! `korpu check`: load the data, report counts per label and relationship type, and say
//! whether the data is clean (no warnings; with a provenance rule, no unsourced fact).

use std::process::ExitCode;

use anyhow::Result;

use super::{Args, print_out, print_warnings};
use korpu::load::{self, Problem, Severity};
use korpu::render::overview::check_report;
use korpu::store::DataFolder;

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
        None => (DataFolder::bundled().1, Some(korpu::bundled::SOURCE_DOCUMENT.to_owned())),
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
