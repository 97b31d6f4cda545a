//! A layout scanner for graph-data JSON: where each record of the `nodes` and `edges`
//! arrays starts and ends, and the keys of an object in the order they are written.
//!
//! The saver splices records by these byte ranges, so a record nobody changed keeps
//! its exact bytes. It reads text the loader has already accepted (the file is checked
//! unchanged first), but still reports malformed input as an error, never a panic.
//! Values are not interpreted here; `serde_json` reads the ones the saver compares.

use std::ops::Range;

/// The parts of one data file the saver splices.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct FileLayout {
    pub nodes: Option<ArrayLayout>,
    pub edges: Option<ArrayLayout>,
    /// Where the top-level object's closing `}` stands, for a file that lacks an array.
    pub object_close: usize,
}

/// A JSON array: the byte after `[`, the byte of `]`, and each element's range.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ArrayLayout {
    pub open: usize,
    pub close: usize,
    pub elements: Vec<Range<usize>>,
}

/// A problem with the text, with the byte it was found at.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ScanError {
    pub at: usize,
    pub expected: &'static str,
}

struct Scanner<'t> {
    bytes: &'t [u8],
    at: usize,
}

/// Finds the `nodes` and `edges` arrays of a data file and the records in them.
pub(crate) fn scan_file(text: &str) -> Result<FileLayout, ScanError> {
    let mut scanner = Scanner { bytes: text.as_bytes(), at: 0 };
    let mut layout = FileLayout::default();
    scanner.skip_space();
    scanner.expect(b'{', "`{` opening the file")?;
    scanner.skip_space();
    if !scanner.eat(b'}') {
        loop {
            scanner.skip_space();
            let key = scanner.string()?;
            scanner.skip_space();
            scanner.expect(b':', "`:` after a key")?;
            scanner.skip_space();
            match key.as_str() {
                "nodes" if scanner.peek() == Some(b'[') => layout.nodes = Some(scanner.array()?),
                "edges" if scanner.peek() == Some(b'[') => layout.edges = Some(scanner.array()?),
                _ => scanner.value()?,
            }
            scanner.skip_space();
            if scanner.eat(b'}') {
                break;
            }
            scanner.expect(b',', "`,` or `}`")?;
        }
    }
    layout.object_close = scanner.at - 1;
    scanner.skip_space();
    if scanner.at != scanner.bytes.len() {
        return Err(ScanError { at: scanner.at, expected: "the end of the file" });
    }
    Ok(layout)
}

/// The members of the object `text` holds, in written order: key and value range.
pub(crate) fn object_members(text: &str) -> Result<Vec<(String, Range<usize>)>, ScanError> {
    let mut scanner = Scanner { bytes: text.as_bytes(), at: 0 };
    let mut members = Vec::new();
    scanner.skip_space();
    scanner.expect(b'{', "`{`")?;
    scanner.skip_space();
    if scanner.eat(b'}') {
        return Ok(members);
    }
    loop {
        scanner.skip_space();
        let key = scanner.string()?;
        scanner.skip_space();
        scanner.expect(b':', "`:` after a key")?;
        scanner.skip_space();
        let start = scanner.at;
        scanner.value()?;
        members.push((key, start..scanner.at));
        scanner.skip_space();
        if scanner.eat(b'}') {
            return Ok(members);
        }
        scanner.expect(b',', "`,` or `}`")?;
    }
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, byte: u8, expected: &'static str) -> Result<(), ScanError> {
        if self.eat(byte) { Ok(()) } else { Err(ScanError { at: self.at, expected }) }
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// A string; returns its decoded text (escapes resolved by serde_json).
    fn string(&mut self) -> Result<String, ScanError> {
        let start = self.at;
        self.skip_string()?;
        serde_json::from_slice(&self.bytes[start..self.at])
            .map_err(|_| ScanError { at: start, expected: "a valid string" })
    }

    fn skip_string(&mut self) -> Result<(), ScanError> {
        self.expect(b'"', "a string")?;
        loop {
            match self.peek() {
                None => return Err(ScanError { at: self.at, expected: "`\"` closing the string" }),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => self.at += 2,
                Some(_) => self.at += 1,
            }
        }
    }

    fn array(&mut self) -> Result<ArrayLayout, ScanError> {
        self.expect(b'[', "`[`")?;
        let open = self.at;
        let mut elements = Vec::new();
        self.skip_space();
        if self.eat(b']') {
            return Ok(ArrayLayout { open, close: self.at - 1, elements });
        }
        loop {
            self.skip_space();
            let start = self.at;
            self.value()?;
            elements.push(start..self.at);
            self.skip_space();
            if self.eat(b']') {
                return Ok(ArrayLayout { open, close: self.at - 1, elements });
            }
            self.expect(b',', "`,` or `]`")?;
        }
    }

    /// Skips any value: strings with their escapes, nested brackets, scalars.
    fn value(&mut self) -> Result<(), ScanError> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        None => {
                            return Err(ScanError { at: self.at, expected: "a closing bracket" });
                        }
                        Some(b'"') => self.skip_string()?,
                        Some(b'{' | b'[') => {
                            depth += 1;
                            self.at += 1;
                        }
                        Some(b'}' | b']') => {
                            depth -= 1;
                            self.at += 1;
                            if depth == 0 {
                                return Ok(());
                            }
                        }
                        Some(_) => self.at += 1,
                    }
                }
            }
            Some(byte) if byte == b'-' || byte.is_ascii_alphanumeric() => {
                while self.peek().is_some_and(|byte| {
                    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'+' | b'.')
                }) {
                    self.at += 1;
                }
                Ok(())
            }
            _ => Err(ScanError { at: self.at, expected: "a value" }),
        }
    }
}
