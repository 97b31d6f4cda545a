//! Syntax colours for the input line: keywords, functions, labels, relationship types,
//! strings (an unterminated one stands out), numbers, parameters and comments, as ANSI
//! escapes.
//!
//! Pure: text in, coloured text out, with exactly the same characters in between, so
//! the editor's cursor arithmetic holds. Built on `scan`, which reads the same tokens the
//! parser does. Whether to colour at all (a terminal, no NO_COLOR) is the caller's call.

use super::commands::is_command;
use super::scan::{Role, scan};

const RESET: &str = "\x1b[0m";

/// The escape that starts a role's colour, if it has one.
fn colour(role: Role) -> Option<&'static str> {
    Some(match role {
        Role::Keyword => "\x1b[1;34m",
        Role::Function => "\x1b[36m",
        Role::Label => "\x1b[33m",
        Role::RelType => "\x1b[35m",
        Role::String => "\x1b[32m",
        Role::UnterminatedString => "\x1b[4;31m",
        Role::Number => "\x1b[96m",
        Role::Parameter => "\x1b[3;36m",
        Role::Comment => "\x1b[90m",
        Role::Error => "\x1b[31m",
        Role::PropertyKey | Role::Variable | Role::Punct => return None,
    })
}

/// Colours a statement.
///
/// ```
/// use korpu::editor::highlight::highlight;
/// assert_eq!(highlight("RETURN 1"), "\x1b[1;34mRETURN\x1b[0m \x1b[96m1\x1b[0m");
/// ```
pub fn highlight(text: &str) -> String {
    highlight_from(text, 0)
}

/// Colours `text[from..]`, read as the continuation of `text[..from]` (earlier lines of
/// the statement decide whether this line starts inside a string or comment).
pub fn highlight_from(text: &str, from: usize) -> String {
    let from = from.min(text.len());
    let mut coloured = String::with_capacity((text.len() - from) * 2);
    let mut written = from;
    for item in scan(text) {
        let span = item.token.span;
        if span.end <= from {
            continue;
        }
        let start = span.start.max(from);
        coloured.push_str(&text[written..start]);
        match colour(item.role) {
            Some(escape) => {
                coloured.push_str(escape);
                coloured.push_str(&text[start..span.end]);
                coloured.push_str(RESET);
            }
            None => coloured.push_str(&text[start..span.end]),
        }
        written = span.end;
    }
    coloured.push_str(&text[written..]);
    coloured
}

/// Colours a `:command` line: a known command in bold, an unknown one in red, and the
/// query of `:explain` / `:export dot FILE QUERY` as Cypher.
///
/// ```
/// use korpu::editor::highlight::highlight_command;
/// assert_eq!(highlight_command(":schema"), "\x1b[1m:schema\x1b[0m");
/// ```
pub fn highlight_command(line: &str) -> String {
    let leading = line.len() - line.trim_start().len();
    let body = &line[leading..];
    let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
    let name = body[..name_end].trim_start_matches(':').to_ascii_lowercase();
    let style = if is_command(&name) { "\x1b[1m" } else { "\x1b[31m" };
    let mut coloured = format!("{}{style}{}{RESET}", &line[..leading], &body[..name_end]);
    let rest = &body[name_end..];
    let query_from = match name.as_str() {
        "explain" => Some(0),
        "export" => nth_word_start(rest, 2),
        _ => None,
    };
    match query_from {
        Some(offset) => {
            coloured.push_str(&rest[..offset]);
            coloured.push_str(&highlight(&rest[offset..]));
        }
        None => coloured.push_str(rest),
    }
    coloured
}

/// Byte offset where the word after the `n`th (0-based) starts: for `" dot f.dot MATCH"`
/// and n = 2, the offset of `MATCH`.
fn nth_word_start(text: &str, n: usize) -> Option<usize> {
    let mut seen = 0;
    let mut in_word = false;
    for (offset, character) in text.char_indices() {
        if character.is_whitespace() {
            in_word = false;
        } else if !in_word {
            in_word = true;
            if seen == n {
                return Some(offset);
            }
            seen += 1;
        }
    }
    None
}

/// `text` without ANSI colour escapes (what the terminal shows).
pub fn strip_colours(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(character) = chars.next() {
        if character == '\x1b' {
            for inner in chars.by_ref() {
                if inner == 'm' {
                    break;
                }
            }
        } else {
            plain.push(character);
        }
    }
    plain
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marks each coloured run as `<role>text</>` to make expectations readable.
    fn marked(text: &str) -> String {
        let names = [
            ("\x1b[1;34m", "kw"),
            ("\x1b[36m", "fn"),
            ("\x1b[33m", "label"),
            ("\x1b[35m", "type"),
            ("\x1b[32m", "str"),
            ("\x1b[4;31m", "open-str"),
            ("\x1b[96m", "num"),
            ("\x1b[3;36m", "param"),
            ("\x1b[90m", "comment"),
            ("\x1b[31m", "err"),
            ("\x1b[1m", "cmd"),
        ];
        let mut out = highlight(text);
        for (escape, name) in names {
            out = out.replace(escape, &format!("<{name}>"));
        }
        out.replace(RESET, "</>")
    }

    #[test]
    fn colours_each_kind_of_token() {
        assert_eq!(
            marked(
                "MATCH (n:NGO)-[:LEADS]->(m) WHERE m.x = $p RETURN toLower(n.name), 'a', 2.5 // done"
            ),
            "<kw>MATCH</> (n:<label>NGO</>)-[:<type>LEADS</>]->(m) <kw>WHERE</> m.x = <param>$p</> <kw>RETURN</> <fn>toLower</>(n.name), <str>'a'</>, <num>2.5</> <comment>// done</>"
        );
    }

    #[test]
    fn an_unterminated_string_shows_as_such() {
        assert_eq!(marked("RETURN 'Bakı"), "<kw>RETURN</> <open-str>'Bakı</>");
    }

    #[test]
    fn keeps_every_character() {
        for text in [
            "MATCH (n:`odd label`) RETURN n /* c */",
            "RETURN 'ə', \"İ\" , 0x1F, 12abc, §",
            "  \t",
            "RETURN [1,\n2]",
        ] {
            assert_eq!(strip_colours(&highlight(text)), text);
        }
    }

    #[test]
    fn continuation_lines_know_what_is_open() {
        let text = "RETURN 'first line\nstill the string' AS s";
        let second = highlight_from(text, text.find('\n').unwrap() + 1);
        assert_eq!(strip_colours(&second), "still the string' AS s");
        assert!(second.starts_with("\x1b[32mstill the string'"), "{second:?}");
    }

    #[test]
    fn commands_in_bold_unknown_in_red() {
        assert_eq!(highlight_command(":find x"), "\x1b[1m:find\x1b[0m x");
        assert_eq!(highlight_command(":nope"), "\x1b[31m:nope\x1b[0m");
        assert_eq!(
            strip_colours(&highlight_command(":export dot a.dot MATCH (n) RETURN n")),
            ":export dot a.dot MATCH (n) RETURN n"
        );
        assert!(highlight_command(":explain MATCH (n)").contains("\x1b[1;34mMATCH"));
    }
}
