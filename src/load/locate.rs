//! Positions in JSON text that already parsed: where a top-level key, an element of
//! `nodes` or `edges`, or a field inside one stands, as a line and column for a problem.
//!
//! serde_json's `Value` keeps no positions, so `Locator` walks the text. Problems are
//! rare, so the walk costs nothing on clean data; but a broken file can have a problem
//! in every one of a million elements, so the walk never starts over from the top: the
//! locator remembers the top-level keys, the starts of elements it passed and the
//! positions it counted, and each question walks on from the nearest one before it.
//! Locating every element of a file costs about one pass over it, not one pass each.

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;

/// Element starts remembered per section: every this many elements, and each one asked
/// for.
const ELEMENT_CHECKPOINT: usize = 64;

/// Finds where things are in a JSON text that already parsed, for problem positions.
pub(super) struct Locator<'text> {
    text: &'text str,
    /// The offset of each top-level key's value (the first, if a key repeats).
    top_level: OnceCell<HashMap<String, usize>>,
    /// Per section: element starts found so far, as (index, offset) in increasing order.
    elements: RefCell<HashMap<String, Vec<(usize, usize)>>>,
    /// Offsets already turned into positions, as (offset, line, column) in increasing
    /// order.
    positions: RefCell<Vec<(usize, usize, usize)>>,
}

impl<'text> Locator<'text> {
    pub(super) fn new(text: &'text str) -> Self {
        Locator {
            text,
            top_level: OnceCell::new(),
            elements: RefCell::new(HashMap::new()),
            positions: RefCell::new(Vec::new()),
        }
    }

    /// The line and column (in characters, both from 1) of a byte offset.
    pub(super) fn line_column(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let mut positions = self.positions.borrow_mut();
        let nearest = positions.partition_point(|(at, _, _)| *at <= offset);
        let (start, mut line, mut column) =
            if nearest == 0 { (0, 1, 1) } else { positions[nearest - 1] };
        // The rest of the way from the nearest known position, counted by the one
        // `line_column` there is.
        let between = &self.text[start..offset];
        let (lines, columns) = crate::text::line_column(between, between.len());
        if lines == 1 {
            column += columns - 1;
        } else {
            line += lines - 1;
            column = columns;
        }
        if nearest == 0 || positions[nearest - 1].0 != offset {
            positions.insert(nearest, (offset, line, column));
        }
        (line, column)
    }

    /// The offsets of the top-level keys' values, found in one pass on first use.
    fn top_level(&self) -> &HashMap<String, usize> {
        self.top_level.get_or_init(|| {
            let mut scanner = Scanner { bytes: self.text.as_bytes(), position: 0 };
            let mut keys = HashMap::new();
            scanner.each_key_in_object(|key, offset| {
                keys.entry(key).or_insert(offset);
            });
            keys
        })
    }

    /// Position of a top-level key.
    pub(super) fn top_level_key(&self, key: &str) -> (usize, usize) {
        match self.top_level().get(key) {
            Some(offset) => self.line_column(*offset),
            None => (1, 1),
        }
    }

    /// Position of `section[index]`, or of a field inside it (`properties.name` for a
    /// property).
    pub(super) fn element(
        &self,
        section: &str,
        index: usize,
        field: Option<&str>,
    ) -> (usize, usize) {
        let Some(&array) = self.top_level().get(section) else { return (1, 1) };
        let mut scanner = Scanner { bytes: self.text.as_bytes(), position: array };
        let Some(element_start) = self.element_start(&mut scanner, section, index) else {
            return self.line_column(scanner.position);
        };
        let mut offset = element_start;
        if let Some(field) = field {
            for part in field.split('.') {
                scanner.position = offset;
                match scanner.find_key_in_object(part) {
                    // Point at the value rather than the key: problems concern values.
                    Some(found) => offset = found,
                    None => break,
                }
            }
        }
        self.line_column(offset)
    }

    /// Where element `index` of the array at the scanner starts, walking on from the
    /// nearest element start already known; `None` (with the scanner where it stopped)
    /// when the array is shorter.
    fn element_start(
        &self,
        scanner: &mut Scanner<'_>,
        section: &str,
        index: usize,
    ) -> Option<usize> {
        let mut elements = self.elements.borrow_mut();
        let known = elements.entry(section.to_owned()).or_default();
        let nearest = known.partition_point(|(at, _)| *at <= index);
        let (mut current, mut offset) = match nearest {
            0 => (0, scanner.first_element()?),
            _ => known[nearest - 1],
        };
        while current < index {
            scanner.position = offset;
            offset = scanner.next_element()?;
            current += 1;
            if current % ELEMENT_CHECKPOINT == 0 && current < index {
                remember(known, current, offset);
            }
        }
        remember(known, index, offset);
        Some(offset)
    }
}

/// serde_json counts a column in bytes from 1 (0 before a line's first character); this
/// is the column in characters, as every other problem gives it, so that a line of
/// Azerbaijani text does not push the column past the place.
pub(super) fn character_column(text: &str, line: usize, byte_column: usize) -> usize {
    let Some(line_text) = text.split('\n').nth(line.saturating_sub(1)) else {
        return byte_column.max(1);
    };
    let mut end = byte_column.saturating_sub(1).min(line_text.len());
    while !line_text.is_char_boundary(end) {
        end -= 1;
    }
    line_text[..end].chars().count() + 1
}

/// Adds an element start to a section's sorted list, unless it is there.
fn remember(known: &mut Vec<(usize, usize)>, index: usize, offset: usize) {
    let at = known.partition_point(|(known_index, _)| *known_index < index);
    if known.get(at).is_none_or(|(known_index, _)| *known_index != index) {
        known.insert(at, (index, offset));
    }
}

/// A minimal JSON walker over text that is known to be valid JSON.
struct Scanner<'text> {
    bytes: &'text [u8],
    position: usize,
}

impl Scanner<'_> {
    fn skip_whitespace(&mut self) {
        while self.position < self.bytes.len() && self.bytes[self.position].is_ascii_whitespace() {
            self.position += 1;
        }
    }

    /// At an object's `{`: moves to the value of `key` and returns its offset.
    fn find_key_in_object(&mut self, key: &str) -> Option<usize> {
        self.skip_whitespace();
        if self.bytes.get(self.position) != Some(&b'{') {
            return None;
        }
        self.position += 1;
        loop {
            self.skip_whitespace();
            match self.bytes.get(self.position)? {
                b'}' => return None,
                b',' => {
                    self.position += 1;
                    continue;
                }
                b'"' => {}
                _ => return None,
            }
            let key_start = self.position;
            self.skip_value();
            let found_key: Option<String> =
                serde_json::from_slice(&self.bytes[key_start..self.position]).ok();
            self.skip_whitespace();
            if self.bytes.get(self.position) == Some(&b':') {
                self.position += 1;
            }
            self.skip_whitespace();
            if found_key.as_deref() == Some(key) {
                return Some(self.position);
            }
            self.skip_value();
        }
    }

    /// At an object's `{`: calls `found` with every key and the offset of its value.
    fn each_key_in_object(&mut self, mut found: impl FnMut(String, usize)) {
        self.skip_whitespace();
        if self.bytes.get(self.position) != Some(&b'{') {
            return;
        }
        self.position += 1;
        loop {
            self.skip_whitespace();
            match self.bytes.get(self.position) {
                Some(b',') => {
                    self.position += 1;
                    continue;
                }
                Some(b'"') => {}
                _ => return,
            }
            let key_start = self.position;
            self.skip_value();
            let key: Option<String> =
                serde_json::from_slice(&self.bytes[key_start..self.position]).ok();
            self.skip_whitespace();
            if self.bytes.get(self.position) == Some(&b':') {
                self.position += 1;
            }
            self.skip_whitespace();
            if let Some(key) = key {
                found(key, self.position);
            }
            self.skip_value();
        }
    }

    /// At an array's `[`: moves to its first element and returns its offset.
    fn first_element(&mut self) -> Option<usize> {
        self.skip_whitespace();
        if self.bytes.get(self.position) != Some(&b'[') {
            return None;
        }
        self.position += 1;
        self.element_here()
    }

    /// At an element of an array: moves to the next one and returns its offset.
    fn next_element(&mut self) -> Option<usize> {
        self.skip_value();
        self.element_here()
    }

    /// Past the commas and whitespace before an element: its offset, or `None` at `]`.
    fn element_here(&mut self) -> Option<usize> {
        loop {
            self.skip_whitespace();
            match self.bytes.get(self.position)? {
                b']' => return None,
                b',' => self.position += 1,
                _ => return Some(self.position),
            }
        }
    }

    fn skip_value(&mut self) {
        self.skip_whitespace();
        let Some(&first) = self.bytes.get(self.position) else { return };
        match first {
            b'"' => {
                self.position += 1;
                while let Some(&byte) = self.bytes.get(self.position) {
                    self.position += 1;
                    match byte {
                        b'\\' => self.position += 1,
                        b'"' => break,
                        _ => {}
                    }
                }
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                while let Some(&byte) = self.bytes.get(self.position) {
                    match byte {
                        b'"' => {
                            self.skip_value();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.position += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.position += 1;
                }
            }
            _ => {
                while let Some(&byte) = self.bytes.get(self.position) {
                    if matches!(byte, b',' | b'}' | b']') || byte.is_ascii_whitespace() {
                        break;
                    }
                    self.position += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file with multi-line and one-line elements, non-ASCII text and escapes.
    fn text() -> String {
        let mut nodes = Vec::new();
        for index in 0..300 {
            let layout = if index % 3 == 0 { "\n    " } else { " " };
            nodes.push(format!(
                "{{{layout}\"id\": \"n{index}\",{layout}\"labels\": [\"Şəhər\\\"{index}\"],{layout}\"properties\": {{\"name\": \"İ\\n{index}\"}}}}"
            ));
        }
        let edges: Vec<String> = (0..200)
            .map(|index| format!("{{\"from\": \"n{index}\", \"to\": \"ə\", \"type\": \"T\"}}"))
            .collect();
        format!(
            "{{\"nodes\": [\n  {}\n],\n\"edges\": [{}]}}",
            nodes.join(",\n  "),
            edges.join(", ")
        )
    }

    #[test]
    fn remembered_walks_answer_as_fresh_ones_in_any_order() {
        let text = text();
        let shared = Locator::new(&text);
        // A fixed shuffle: forwards, backwards and jumping about.
        let mut questions: Vec<(&str, usize, Option<&str>)> = Vec::new();
        for step in 0..400 {
            let index = (step * 7919) % 310;
            let field =
                [None, Some("id"), Some("labels"), Some("properties.name"), Some("to")][step % 5];
            questions.push((if step % 4 == 0 { "edges" } else { "nodes" }, index, field));
        }
        for (section, index, field) in questions {
            let fresh = Locator::new(&text).element(section, index, field);
            assert_eq!(
                shared.element(section, index, field),
                fresh,
                "{section}[{index}] {field:?}"
            );
        }
        assert_eq!(shared.top_level_key("edges"), Locator::new(&text).top_level_key("edges"));
        assert_eq!(shared.line_column(5), (1, 6));
        assert_eq!(shared.line_column(text.len()), Locator::new(&text).line_column(text.len()));
    }

    #[test]
    fn serde_json_byte_columns_become_character_columns() {
        let text = "{\n\"id\": \"şəki\" x}";
        let error = serde_json::from_str::<serde_json::Value>(text).unwrap_err();
        assert_eq!((error.line(), error.column()), (2, 16));
        assert_eq!(character_column(text, error.line(), error.column()), 14);
        assert_eq!(character_column(text, 1, 0), 1);
        assert_eq!(character_column("", 1, 7), 1);
    }
}
