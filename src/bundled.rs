//! The bundled graph: `graph-data/` compiled into the binary, so `korpu` works from any
//! directory and after `cargo install`. A test checks this list against the folder.

use crate::load::{self, LoadError, Loaded, Source};

/// Every file of `graph-data/` that holds data or vocabulary, as (name, text).
pub const FILES: &[(&str, &str)] = &[
    ("graph-data/events.json", include_str!("../graph-data/events.json")),
    ("graph-data/organizations.json", include_str!("../graph-data/organizations.json")),
    ("graph-data/people.json", include_str!("../graph-data/people.json")),
    ("graph-data/places.json", include_str!("../graph-data/places.json")),
    ("graph-data/publications.json", include_str!("../graph-data/publications.json")),
    ("graph-data/schema.json", include_str!("../graph-data/schema.json")),
    ("graph-data/topics.json", include_str!("../graph-data/topics.json")),
];

/// The source document the bundled graph's `source` paragraphs and quotes point into.
pub const SOURCE_DOCUMENT: &str = include_str!("../graph-data/source.txt");

/// Loads the bundled graph.
pub fn load() -> Result<Loaded, LoadError> {
    let sources: Vec<Source> = FILES
        .iter()
        .map(|(name, text)| Source { name: (*name).to_owned(), text: (*text).to_owned() })
        .collect();
    load::load_sources(&sources)
}
