//! The limits the loader enforces, in one place with the reason for each (the user's
//! side of them is in `graph-data/README.md`, "Limits").
//!
//! Both loading paths apply them: `fast` gives up at anything past a limit, and the
//! thorough path in `mod.rs` then reports it as an error at its file, line and column.
//! Renderers do not rely on these limits (a query can `CREATE` any name), but with them
//! every name of loaded data prints whole in a report and fits one DOT caption.

/// The longest node id, label, relationship type, property key or vocabulary entry, in
/// characters (Unicode scalar values).
///
/// Names are vocabulary, not prose: the bundled graph's longest is 26 characters
/// (`registered_count_qualifier`), and ids are slugs. 1,024 leaves room for any naming
/// scheme, URLs or IRIs used as ids among them, while a name stays something a report can
/// print whole and Graphviz can draw as one caption: 1,024 characters take at most 4,096
/// bytes however they are escaped, a quarter of Graphviz's 16,384-byte quoted string.
pub const MAX_NAME_CHARS: usize = 1_024;

/// The largest file the loader reads, in bytes (1 GiB).
///
/// The largest graph measured, a million nodes and 2.3 million relationships, is one
/// 281 MB file that loads into about 830 MB of memory. A file of 1 GiB then needs about
/// 3 GB, and several times that for the thorough path's JSON tree when the file has a
/// problem; a larger file would exhaust memory before the loader could report anything.
/// Bigger data loads as several files of one folder, which merge into one graph.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// How many levels deep the JSON of one file may nest: serde_json's recursion limit
/// (it refuses the 128th level), which both paths meet while parsing, before anything
/// recurses over the data. graph-data needs five levels (the file, `nodes`, a node, its
/// `properties`, a list value): a property value nests at most one level, a list of
/// strings, numbers or booleans, and anything deeper is refused by that rule already.
pub const MAX_JSON_DEPTH: usize = 127;

/// Characters of a name that a problem message quotes; the rest is cut with `…`.
const QUOTED_CHARS: usize = 64;

/// Whether `name` has more than `MAX_NAME_CHARS` characters. Costs nothing on the usual
/// names: text of at most that many bytes cannot hold more characters.
pub(crate) fn name_too_long(name: &str) -> bool {
    name.len() > MAX_NAME_CHARS && name.chars().count() > MAX_NAME_CHARS
}

/// The message for a name over `MAX_NAME_CHARS`: what it is, its start and its length.
pub(super) fn name_too_long_message(what: &str, name: &str) -> String {
    format!(
        "{what} {} has {} characters; names have at most {MAX_NAME_CHARS} (graph-data/README.md, Limits)",
        quoted(name),
        name.chars().count()
    )
}

/// The message for a file over `MAX_FILE_BYTES`.
pub(super) fn file_too_large_message(bytes: u64) -> String {
    format!(
        "the file has {bytes} bytes, more than the {MAX_FILE_BYTES} (1 GiB) one file may hold; split the data into several files of one folder, which load as one graph"
    )
}

/// The message for text that is not UTF-8, naming the byte where it stops being UTF-8.
pub(super) fn not_utf8_message(byte: u8) -> String {
    format!(
        "the file is not UTF-8 text: byte 0x{byte:02X} cannot stand here; graph data is UTF-8 JSON"
    )
}

/// A name from the data as a problem quotes it: in backquotes, cut after
/// `QUOTED_CHARS` characters, so that a message stays one readable line whatever the
/// data holds.
pub(super) fn quoted(name: &str) -> String {
    let mut text = String::with_capacity(name.len().min(4 * QUOTED_CHARS) + 8);
    text.push('`');
    let mut characters = name.chars();
    text.extend(characters.by_ref().take(QUOTED_CHARS));
    if characters.next().is_some() {
        text.push('…');
    }
    text.push('`');
    text
}

/// serde_json's message for nesting past its limit, said in the terms of the data.
pub(super) fn clearer_json_message(message: &str) -> String {
    if message == "recursion limit exceeded" {
        format!(
            "the JSON nests more than {MAX_JSON_DEPTH} levels deep; graph data needs five (a property value is a string, number, boolean or a list of them)"
        )
    } else {
        message.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_limit_counts_characters_not_bytes() {
        assert!(!name_too_long(&"ə".repeat(MAX_NAME_CHARS)));
        assert!(name_too_long(&"ə".repeat(MAX_NAME_CHARS + 1)));
        assert!(!name_too_long(&"a".repeat(MAX_NAME_CHARS)));
        assert!(name_too_long(&"a".repeat(MAX_NAME_CHARS + 1)));
    }

    #[test]
    fn quoting_cuts_long_names() {
        assert_eq!(quoted("LEADS"), "`LEADS`");
        let long = quoted(&"Ş".repeat(100_000));
        assert_eq!(long.chars().count(), QUOTED_CHARS + 3);
        assert!(long.ends_with("Ş…`"));
    }
}
