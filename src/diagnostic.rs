//! Renders any query error as a snippet of its source with carets under the words it
//! is about:
//!
//! ```text
//! error[SyntaxError/UnexpectedSyntax]: expected a label (`:Label`), properties (`{key: value}`) or `)`, found `RETURN`
//!  --> query:1:17
//!   |
//! 1 | MATCH (n:Person RETURN n
//!   |       -         ^^^^^^
//!   |       `-- opened here
//! ```
//!
//! The message is shown terminal-safe (`text::terminal_safe`): it can quote a value
//! from the data (`'…' is not a valid date`), which may hold escape sequences or direction
//! overrides. The source lines are the user's own query, drawn as written so the carets
//! stay under the words.
//!
//! Pure: error + source text + a name for the source → string.

use std::fmt::Write as _;

use crate::query::error::QueryError;
use crate::query::span::Span;
use crate::text::line_column;
use crate::text::{display_width, terminal_safe};

/// Draws `error` against `source` (the text its spans point into); `origin` names the
/// source in the `-->` line (a file name, or `query`).
pub fn render(error: &QueryError, source: &str, origin: &str) -> String {
    let mut text = String::new();
    let message = terminal_safe(error.message());
    let _ = writeln!(text, "error[{}/{}]: {message}", error.kind().name(), error.code());
    let Some(span) = error.span() else {
        let _ = writeln!(text, " --> {origin}");
        return text;
    };
    let (line, column) = line_column(source, span.start);
    let _ = writeln!(text, " --> {origin}:{line}:{column}");
    let opened = match error {
        QueryError::Parse(parse) => parse.opened_at,
        _ => None,
    };
    let gutter = (line.max(opened.map_or(0, |opened| line_column(source, opened.start).0)))
        .to_string()
        .len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(text, "{pad} |");
    if let Some(opened) = opened {
        let (open_line, _) = line_column(source, opened.start);
        if open_line != line {
            draw_line(&mut text, source, open_line, &[(opened, '-')], gutter);
            let _ = writeln!(
                text,
                "{pad} | {}`-- opened here",
                " ".repeat(underline_offset(source, opened))
            );
            draw_line(&mut text, source, line, &[(span, '^')], gutter);
            return text;
        }
        draw_line(&mut text, source, line, &[(opened, '-'), (span, '^')], gutter);
        let _ = writeln!(
            text,
            "{pad} | {}`-- opened here",
            " ".repeat(underline_offset(source, opened))
        );
        return text;
    }
    draw_line(&mut text, source, line, &[(span, '^')], gutter);
    text
}

/// Display columns from the start of the span's line to the span.
fn underline_offset(source: &str, span: Span) -> usize {
    let start = span.start.min(source.len());
    let line_start = source[..start].rfind('\n').map_or(0, |newline| newline + 1);
    display_width(&source[line_start..start])
}

/// Writes line `line` (1-based) of `source` and a marker row under each span on it.
fn draw_line(text: &mut String, source: &str, line: usize, marks: &[(Span, char)], gutter: usize) {
    let Some(content) = source.split('\n').nth(line - 1) else { return };
    let content = content.trim_end_matches('\r');
    let _ = writeln!(text, "{line:>gutter$} | {content}");
    let line_start: usize = source.split('\n').take(line - 1).map(|part| part.len() + 1).sum();
    let line_end = line_start + content.len();
    let mut markers = String::new();
    for (span, mark) in marks {
        let start = span.start.clamp(line_start, line_end);
        let end = span.end.clamp(start, line_end);
        let offset = display_width(&source[line_start..start]);
        let width = display_width(&source[start..end]).max(1);
        if markers.chars().count() < offset {
            markers.push_str(&" ".repeat(offset - display_width(&markers)));
        }
        let already = display_width(&markers);
        let skip = already.saturating_sub(offset);
        markers.extend(std::iter::repeat_n(*mark, width.saturating_sub(skip)));
    }
    let _ = writeln!(text, "{} | {}", " ".repeat(gutter), markers.trim_end());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::syntax::parse;

    #[test]
    fn draws_carets_under_the_found_token() {
        let source = "MATCH (n:Person RETURN n";
        let error = QueryError::Parse(parse(source).unwrap_err());
        let rendered = render(&error, source, "query");
        assert_eq!(
            rendered,
            "error[SyntaxError/UnexpectedSyntax]: expected a label (`:Label`), properties (`{key: value}`) or `)`, found `RETURN`\n --> query:1:17\n  |\n1 | MATCH (n:Person RETURN n\n  |       -         ^^^^^^\n  |       `-- opened here\n"
        );
    }

    #[test]
    fn carets_align_under_azerbaijani_text() {
        let source = "RETURN 'Şəki' + x";
        let error = crate::query::run(
            &mut Default::default(),
            source,
            &Default::default(),
            &Default::default(),
        )
        .unwrap_err();
        let rendered = render(&error, source, "query");
        assert!(rendered.contains("RETURN 'Şəki' + x\n  |                 ^"), "{rendered}");
    }

    #[test]
    fn a_value_quoted_in_the_message_cannot_drive_the_terminal() {
        let mut graph = crate::graph::Graph::default();
        let name = "x\u{1b}[2J\u{202E}abc";
        graph.add_node(None, &["A"], vec![("name".into(), name.into())]).unwrap();
        let source = "MATCH (n) RETURN date(n.name)";
        let error = crate::query::run(&mut graph, source, &Default::default(), &Default::default())
            .unwrap_err();
        let rendered = render(&error, source, "query");
        assert!(rendered.contains("x\\u001B[2J\\u202Eabc"), "{rendered}");
        assert!(!rendered.contains('\u{1b}') && !rendered.contains('\u{202E}'), "{rendered}");
    }
}
