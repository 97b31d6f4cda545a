//! Positions in JSON text that already parsed: where a top-level key, an element of
//! `nodes` or `edges`, or a field inside one stands, as a line and column for a problem.
//!
//! serde_json's `Value` keeps no positions, so `Locator` walks the text once per
//! question. Problems are rare, so the walk costs nothing on clean data.

/// Finds where things are in a JSON text that already parsed, for problem positions.
pub(super) struct Locator<'text> {
    text: &'text str,
}

impl<'text> Locator<'text> {
    pub(super) fn new(text: &'text str) -> Self {
        Locator { text }
    }

    pub(super) fn line_column(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |tail| tail.chars().count()) + 1;
        (line, column)
    }

    /// Position of a top-level key.
    pub(super) fn top_level_key(&self, key: &str) -> (usize, usize) {
        let mut scanner = Scanner { bytes: self.text.as_bytes(), position: 0 };
        scanner.skip_whitespace();
        match scanner.find_key_in_object(key) {
            Some(offset) => self.line_column(offset),
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
        let mut scanner = Scanner { bytes: self.text.as_bytes(), position: 0 };
        scanner.skip_whitespace();
        let Some(_) = scanner.find_key_in_object(section) else { return (1, 1) };
        let Some(element_start) = scanner.enter_array_element(index) else {
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

    /// At an array's `[`: moves to element `index` and returns its offset.
    fn enter_array_element(&mut self, index: usize) -> Option<usize> {
        self.skip_whitespace();
        if self.bytes.get(self.position) != Some(&b'[') {
            return None;
        }
        self.position += 1;
        let mut current = 0;
        loop {
            self.skip_whitespace();
            match self.bytes.get(self.position)? {
                b']' => return None,
                b',' => {
                    self.position += 1;
                    continue;
                }
                _ => {}
            }
            if current == index {
                return Some(self.position);
            }
            self.skip_value();
            current += 1;
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
