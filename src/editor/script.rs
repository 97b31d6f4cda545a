//! Scripts: text with statements ending in `;`, `//` and `/* */` comments, and
//! `:param NAME VALUE` lines, split into items that keep their place in the file.
//!
//! Splitting uses the query lexer, so a `;` inside a string or comment never ends a
//! statement. Pure: text in, items out; running them is the caller's job.

use crate::query::span::Span;
use crate::query::syntax::lexer::{Punct, TokenKind, tokenize};

/// One piece of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScriptItem {
    /// A statement; `span` is its text in the script, without the `;`.
    Statement { span: Span },
    /// A `:command args` line; `span` covers the line from the colon.
    Command { span: Span },
}

/// Splits a script into statements and meta-command lines.
///
/// ```
/// use korpu::editor::script::{split_script, ScriptItem};
/// let items = split_script(":param x 1\nRETURN $x; RETURN ';' // done;\n");
/// assert_eq!(items.len(), 3);
/// ```
pub fn split_script(script: &str) -> Vec<ScriptItem> {
    let tokens = tokenize(script);
    let mut items = Vec::new();
    let mut statement_start: Option<usize> = None;
    let mut statement_end = 0;
    let mut index = 0;
    while index < tokens.len() {
        let token = &tokens[index];
        if token.kind == TokenKind::Comment {
            index += 1;
            continue;
        }
        if statement_start.is_none()
            && token.kind == TokenKind::Punct(Punct::Colon)
            && starts_line(script, token.span.start)
        {
            // `:auto` (Neo4j Browser's mark for a statement that runs its own
            // transactions) only introduces the statement after it.
            if let Some(next) = tokens.get(index + 1)
                && next.span.start == token.span.end
                && script[next.span.start..next.span.end].eq_ignore_ascii_case("auto")
            {
                index += 2;
                continue;
            }
            let end = command_end(script, &tokens, index);
            items.push(ScriptItem::Command {
                span: Span::new(token.span.start, script[..end].trim_end().len()),
            });
            while index < tokens.len() && tokens[index].span.start < end {
                index += 1;
            }
            continue;
        }
        if token.kind == TokenKind::Punct(Punct::Semicolon) {
            if let Some(start) = statement_start.take() {
                items.push(ScriptItem::Statement { span: Span::new(start, statement_end) });
            }
            index += 1;
            continue;
        }
        statement_start.get_or_insert(token.span.start);
        statement_end = token.span.end;
        index += 1;
    }
    if let Some(start) = statement_start {
        items.push(ScriptItem::Statement { span: Span::new(start, statement_end) });
    }
    items
}

/// Where the command whose `:` is `tokens[colon]` ends: at the end of its line, or, when
/// a bracket is still open there (a `:param` map written over several lines), at the end
/// of the line where the brackets close.
fn command_end(script: &str, tokens: &[crate::query::syntax::lexer::Token], colon: usize) -> usize {
    let line_end = |from: usize| script[from..].find('\n').map_or(script.len(), |at| from + at);
    let mut end = line_end(tokens[colon].span.start);
    let mut depth: i64 = 0;
    for token in &tokens[colon..] {
        if token.span.start >= end && depth <= 0 {
            break;
        }
        match token.kind {
            TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => depth += 1,
            TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => depth -= 1,
            _ => {}
        }
        if token.span.end > end {
            end = line_end(token.span.end.min(script.len()));
        }
    }
    end
}

fn starts_line(script: &str, offset: usize) -> bool {
    script[..offset].rsplit('\n').next().is_none_or(|before| before.trim().is_empty())
}

/// True when `text` holds nothing but whitespace and finished comments: nothing the
/// shell would run.
///
/// ```
/// use korpu::editor::script::is_blank;
/// assert!(is_blank("  // nothing yet\n /* still nothing */"));
/// assert!(!is_blank("/* unfinished"));
/// ```
pub fn is_blank(text: &str) -> bool {
    tokenize(text).iter().all(|token| token.kind == TokenKind::Comment)
}

/// Where the complete statements at the start of `text` end: just after the last `;`
/// outside strings, comments and brackets, or `None` when there is none. The REPL runs
/// `text[..end]` and keeps the rest as the start of the next statement.
///
/// ```
/// use korpu::editor::script::statement_end;
/// assert_eq!(statement_end("RETURN 1; RETURN ';"), Some(9));
/// assert_eq!(statement_end("RETURN [1;"), None);
/// ```
pub fn statement_end(text: &str) -> Option<usize> {
    let mut depth: i64 = 0;
    let mut end = None;
    for token in tokenize(text) {
        match token.kind {
            TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => depth += 1,
            TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => depth -= 1,
            TokenKind::Punct(Punct::Semicolon) if depth <= 0 => end = Some(token.span.end),
            _ => {}
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_in_strings_and_comments_do_not_split() {
        let script = "RETURN 'a;b' /* ; */ AS x;\n// ;\nRETURN 2";
        let spans: Vec<&str> = split_script(script)
            .into_iter()
            .map(|item| match item {
                ScriptItem::Statement { span } | ScriptItem::Command { span } => {
                    &script[span.start..span.end]
                }
            })
            .collect();
        assert_eq!(spans, vec!["RETURN 'a;b' /* ; */ AS x", "RETURN 2"]);
    }

    #[test]
    fn commands_only_at_line_start_between_statements() {
        let items = split_script(":param name 'Bakı'\nMATCH (n {name: $name})\nRETURN n;");
        assert!(matches!(items[0], ScriptItem::Command { .. }));
        assert!(matches!(items[1], ScriptItem::Statement { .. }));
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn blank_means_only_whitespace_and_finished_comments() {
        assert!(is_blank(""));
        assert!(is_blank("  \n// a note\n/* more */ "));
        assert!(!is_blank("RETURN 1"));
        assert!(!is_blank("/* open"));
    }

    #[test]
    fn statement_end_is_the_last_semicolon_outside_everything() {
        assert_eq!(statement_end("RETURN 1;"), Some(9));
        assert_eq!(statement_end("RETURN 1; RETURN 2"), Some(9));
        assert_eq!(statement_end("RETURN 'a;b'"), None);
        assert_eq!(statement_end("RETURN 1 /* ; */"), None);
        assert_eq!(statement_end("RETURN [1,\n2;"), None);
        assert_eq!(statement_end("RETURN 1; RETURN 'open;"), Some(9));
    }
}
