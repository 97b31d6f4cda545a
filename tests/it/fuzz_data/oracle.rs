//! Judges the data fuzzer needs that do not lean on the code under test: whether bytes
//! are JSON (RFC 8259, written here rather than asking serde_json, which the loader
//! itself uses), the records of a CSV text (RFC 4180), the quoted strings of a DOT text,
//! and whether text is safe for a terminal and aligned.

use korpu::text::display_width;

/// What must never reach a terminal raw, as the issue names it (kept apart from
/// `korpu::text`, so that a mistake there cannot hide here): control characters and the
/// direction embeddings, overrides and isolates.
fn unsafe_in_terminal(character: char) -> bool {
    character.is_control()
        || ('\u{202A}'..='\u{202E}').contains(&character)
        || ('\u{2066}'..='\u{2069}').contains(&character)
}

/// Whether `bytes` are one JSON text: UTF-8, and a value with only whitespace around it.
/// Iterative, with an explicit stack, so 100,000 levels of nesting cost no recursion.
pub(super) fn is_json(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_err() {
        return false;
    }
    let mut reader = Reader { bytes, at: 0 };
    // Open containers: `[` or `{`.
    let mut open: Vec<u8> = Vec::new();
    reader.whitespace();
    loop {
        // A value is expected here.
        match reader.peek() {
            Some(b'{') => {
                reader.at += 1;
                reader.whitespace();
                if !reader.eat(b'}') {
                    open.push(b'{');
                    if !reader.member_name() {
                        return false;
                    }
                    continue;
                }
            }
            Some(b'[') => {
                reader.at += 1;
                reader.whitespace();
                if !reader.eat(b']') {
                    open.push(b'[');
                    continue;
                }
            }
            Some(b'"') => {
                if !reader.string() {
                    return false;
                }
            }
            Some(b't') => {
                if !reader.literal(b"true") {
                    return false;
                }
            }
            Some(b'f') => {
                if !reader.literal(b"false") {
                    return false;
                }
            }
            Some(b'n') => {
                if !reader.literal(b"null") {
                    return false;
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                if !reader.number() {
                    return false;
                }
            }
            _ => return false,
        }
        // A value ended: close containers until one continues with another value.
        loop {
            reader.whitespace();
            match open.last() {
                None => return reader.at == bytes.len(),
                Some(b'[') => {
                    if reader.eat(b',') {
                        reader.whitespace();
                        break;
                    } else if reader.eat(b']') {
                        open.pop();
                    } else {
                        return false;
                    }
                }
                Some(_) => {
                    if reader.eat(b',') {
                        reader.whitespace();
                        if !reader.member_name() {
                            return false;
                        }
                        break;
                    } else if reader.eat(b'}') {
                        open.pop();
                    } else {
                        return false;
                    }
                }
            }
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let matched = self.peek() == Some(byte);
        if matched {
            self.at += 1;
        }
        matched
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let matched = self.bytes[self.at..].starts_with(word);
        if matched {
            self.at += word.len();
        }
        matched
    }

    /// `"name"` `:` and the whitespace after it.
    fn member_name(&mut self) -> bool {
        if self.peek() != Some(b'"') || !self.string() {
            return false;
        }
        self.whitespace();
        let colon = self.eat(b':');
        self.whitespace();
        colon
    }

    fn string(&mut self) -> bool {
        self.at += 1;
        while let Some(byte) = self.peek() {
            self.at += 1;
            match byte {
                b'"' => return true,
                b'\\' => match self.peek() {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.at += 1,
                    Some(b'u') => {
                        let digits = self.bytes.get(self.at + 1..self.at + 5);
                        if !digits.is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit)) {
                            return false;
                        }
                        self.at += 5;
                    }
                    _ => return false,
                },
                0x00..=0x1F => return false,
                _ => {}
            }
        }
        false
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> bool {
        self.eat(b'-');
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return false,
        }
        if self.eat(b'.') && self.digits() == 0 {
            return false;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return false;
            }
        }
        true
    }
}

/// The records of a CSV text (RFC 4180, with CRLF line ends), or why it is not CSV.
pub(super) fn csv_records(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut characters = text.chars().peekable();
    let mut quoted = false;
    let mut was_quoted = false;
    while let Some(character) = characters.next() {
        if quoted {
            match character {
                '"' if characters.peek() == Some(&'"') => {
                    characters.next();
                    field.push('"');
                }
                '"' => quoted = false,
                other => field.push(other),
            }
            continue;
        }
        match character {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err(format!("a quote inside the unquoted field {field:?}")),
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if characters.peek() == Some(&'\n') => {
                characters.next();
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                was_quoted = false;
            }
            '\r' | '\n' => return Err("a bare line break outside quotes".to_owned()),
            other if was_quoted => return Err(format!("{other:?} after a closing quote")),
            other => field.push(other),
        }
    }
    if quoted {
        return Err("an unclosed quote".to_owned());
    }
    if !field.is_empty() || !record.is_empty() {
        return Err("the last record does not end with CRLF".to_owned());
    }
    Ok(records)
}

/// Graphviz reads a quoted string into a buffer of this many bytes, and says so when
/// one is longer: "scanning a quoted string (missing endquote? longer than 16384?)".
const GRAPHVIZ_QUOTED_BYTES: usize = 16_384;

/// `Err` unless every quoted string of a DOT text is closed and fits Graphviz's buffer
/// with its two quotes and the terminating NUL (so at most 16,381 bytes, which is what
/// Graphviz 2.43 takes), counting its bytes as written, escapes and all. Graphviz 2.43 in
/// fact measures the runs between escapes, so this is stricter than it, which is the
/// point: it does not rest on how one version scans.
pub(super) fn dot_quoting(dot: &str) -> Result<(), String> {
    let longest = dot_quoted_lengths(dot)?.into_iter().max().unwrap_or(0);
    if longest + 3 > GRAPHVIZ_QUOTED_BYTES {
        return Err(format!(
            "a DOT quoted string of {longest} bytes; Graphviz's buffer is {GRAPHVIZ_QUOTED_BYTES}"
        ));
    }
    Ok(())
}

/// The byte length of every quoted string in a DOT text (the text between `"`s, escapes
/// as written), or why the quoting is broken.
fn dot_quoted_lengths(dot: &str) -> Result<Vec<usize>, String> {
    let bytes = dot.as_bytes();
    let mut lengths = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'"' {
            at += 1;
            continue;
        }
        let start = at + 1;
        at = start;
        loop {
            match bytes.get(at) {
                None => return Err(format!("a quoted string from byte {start} never ends")),
                Some(b'\\') => at += 2,
                Some(b'"') => break,
                Some(_) => at += 1,
            }
        }
        lengths.push(at - start);
        at += 1;
    }
    Ok(lengths)
}

/// `Err` naming the first character that must not reach a terminal (line breaks between
/// lines are fine).
pub(super) fn terminal_safe(what: &str, text: &str) -> Result<(), String> {
    match text.chars().find(|character| *character != '\n' && unsafe_in_terminal(*character)) {
        Some(character) => Err(format!("{what} shows {character:?} raw")),
        None => Ok(()),
    }
}

/// `Err` unless every line of a table's grid (`+---+` and `| … |`) has one display width.
pub(super) fn aligned(what: &str, table: &str) -> Result<(), String> {
    let widths: Vec<usize> = table
        .lines()
        .filter(|line| line.starts_with('+') || line.starts_with('|'))
        .map(display_width)
        .collect();
    match widths.windows(2).position(|pair| pair[0] != pair[1]) {
        Some(line) => Err(format!(
            "{what} is not aligned: grid line {} is {} columns wide, line {} {}",
            line + 1,
            widths[line],
            line + 2,
            widths[line + 1]
        )),
        None => Ok(()),
    }
}

#[test]
fn the_json_judge_knows_json() {
    for good in ["{}", " [1, -0.5e+3, \"a\\u00e9\\n\", true, null] ", "{\"a\": {\"b\": []}}", "0"] {
        assert!(is_json(good.as_bytes()), "{good}");
    }
    for bad in [
        "",
        "{",
        "[1,]",
        "{\"a\" 1}",
        "01",
        "1.",
        "NaN",
        "'a'",
        "[1] x",
        "\"\t\"",
        "\u{feff}{}",
        "{\"a\":1,}",
        "[\"\\x\"]",
        "-",
        "1e",
    ] {
        assert!(!is_json(bad.as_bytes()), "{bad}");
    }
    assert!(!is_json(b"[\"\xff\"]"));
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert!(is_json(deep.as_bytes()));
}

#[test]
fn the_csv_judge_reads_quoted_fields() {
    let records = csv_records("a,b\r\n\"x, \"\"y\"\"\",\r\n\"line\nbreak\",z\r\n").unwrap();
    assert_eq!(records, [vec!["a", "b"], vec!["x, \"y\"", ""], vec!["line\nbreak", "z"]]);
    assert!(csv_records("a\"b\r\n").is_err());
    assert!(csv_records("a\nb\r\n").is_err());
}
