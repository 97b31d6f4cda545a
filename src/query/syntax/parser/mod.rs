//! Parser: tokens → `ast::Statement`, with nom combinators over the lexer's tokens.
//!
//! The grammar follows openCypher (clauses, patterns, the expression precedence ladder).
//! Failures keep the furthest position reached and everything that was expected there,
//! and become one `ParseError` with a span at the parser boundary; nom's types never
//! leave this module. Nesting is bounded before parsing starts and operator chains are
//! parsed in loops, so no input can overflow the stack.
//! Does not resolve names or look at the graph; see `plan` for that.

use std::borrow::Cow;
use std::cell::Cell;
use std::iter::{Cloned, Enumerate};
use std::slice::Iter;

use nom::{IResult, Input, Needed};

mod clauses;
mod expressions;
mod patterns;
mod schema;

use clauses::*;
use expressions::*;
use patterns::*;
use schema::*;

use super::ast::*;
use super::lexer::{self, LexError, Punct, Token, TokenKind};
use crate::query::error::{ErrorCode, ParseError};
use crate::query::span::Span;

/// Deepest bracket nesting accepted; deeper input gets an error instead of recursion.
const MAX_NESTING: usize = 200;

/// Deepest expression tree accepted. Later stages walk expressions recursively, so the
/// parser refuses deeper trees (a chain of 10,000 `+` is 10,000 levels deep) rather than
/// let a later stage run out of stack.
pub const MAX_EXPRESSION_DEPTH: usize = 256;

/// Most relationships one pattern may chain; the plan's depth grows with it.
pub const MAX_PATTERN_LENGTH: usize = 256;

/// Parses one statement (an optional trailing `;` is allowed).
///
/// ```
/// let statement = korpu::query::syntax::parse("match (n:NGO) return n.name as name").unwrap();
/// assert_eq!(statement.to_string(), "MATCH (n:NGO) RETURN n.name AS name");
/// ```
pub fn parse(source: &str) -> Result<Statement, ParseError> {
    parse_whole(source, statement, "statement")
}

/// Parses a standalone expression (used for `--param NAME=VALUE` literals).
pub fn parse_expression(source: &str) -> Result<Expr, ParseError> {
    parse_whole(source, expression, "expression")
}

/// Lexes `source`, runs `parser` over all of it and turns nom's outcome into ours.
fn parse_whole<T>(
    source: &str,
    parser: for<'a> fn(Tokens<'a>) -> PResult<'a, T>,
    what: &str,
) -> Result<T, ParseError> {
    let all_tokens = lexer::tokenize(source);
    let tokens: Vec<Token> =
        all_tokens.into_iter().filter(|token| token.kind != TokenKind::Comment).collect();
    if let Some(token) = tokens.iter().find(|token| matches!(token.kind, TokenKind::Error(_))) {
        let TokenKind::Error(error) = token.kind else { unreachable!("filtered to error tokens") };
        let text = token.text(source);
        let message = match error {
            LexError::UnterminatedString => format!(
                "unterminated string: no closing `{}` before the end of the query",
                &text[..1]
            ),
            LexError::UnterminatedComment => {
                "unterminated comment: no closing `*/` before the end of the query".to_owned()
            }
            LexError::UnterminatedQuotedName => {
                "unterminated `quoted` name: no closing backtick before the end of the query"
                    .to_owned()
            }
            LexError::UnexpectedCharacter | LexError::InvalidNumber => {
                format!("{} `{}`", error.message(), snippet(text))
            }
        };
        // Point at the opening quote or comment marker: the rest may span many lines.
        let span = match error {
            LexError::UnterminatedString
            | LexError::UnterminatedComment
            | LexError::UnterminatedQuotedName => Span::new(
                token.span.start,
                token.span.start + text.chars().next().map_or(1, char::len_utf8),
            ),
            _ => token.span,
        };
        return Err(ParseError {
            span,
            code: if error == LexError::InvalidNumber {
                ErrorCode::InvalidNumberLiteral
            } else {
                ErrorCode::UnexpectedSyntax
            },
            message,
            opened_at: None,
        });
    }
    check_nesting(&tokens)?;
    let depth = Cell::new(0);
    let input = Tokens { tokens: &tokens, source, depth: &depth };
    match parser(input) {
        Ok((rest, parsed)) => match rest.tokens.first() {
            None => Ok(parsed),
            Some(token) => Err(ParseError {
                span: token.span,
                code: ErrorCode::UnexpectedSyntax,
                message: format!("expected end of {what}, found {}", describe(token, source)),
                opened_at: None,
            }),
        },
        Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
            Err(failure.into_parse_error(&tokens, source))
        }
        Err(nom::Err::Incomplete(_)) => Err(ParseError {
            span: Span::new(source.len(), source.len()),
            code: ErrorCode::UnexpectedSyntax,
            message: "unexpected end of input".into(),
            opened_at: None,
        }),
    }
}

fn snippet(text: &str) -> String {
    let shortened: String = text.chars().take(20).collect();
    if shortened.len() < text.len() { format!("{shortened}…") } else { shortened }
}

fn describe(token: &Token, source: &str) -> String {
    match token.kind {
        TokenKind::String => "a string".to_owned(),
        TokenKind::Integer | TokenKind::Float => format!("number `{}`", token.text(source)),
        _ => format!("`{}`", snippet(token.text(source))),
    }
}

fn check_nesting(tokens: &[Token]) -> Result<(), ParseError> {
    let mut depth = 0usize;
    for token in tokens {
        match token.kind {
            TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(ParseError {
                        span: token.span,
                        code: ErrorCode::UnexpectedSyntax,
                        message: format!("brackets nest deeper than {MAX_NESTING} levels"),
                        opened_at: None,
                    });
                }
            }
            TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                depth = depth.saturating_sub(1)
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// The input type: a window on the token list that still knows the source text.

#[derive(Clone, Copy, Debug)]
struct Tokens<'a> {
    tokens: &'a [Token],
    source: &'a str,
    /// Depth of the expression tree being built at this point (see `deeper`).
    depth: &'a Cell<usize>,
}

impl<'a> Input for Tokens<'a> {
    type Item = Token;
    type Iter = Cloned<Iter<'a, Token>>;
    type IterIndices = Enumerate<Self::Iter>;

    fn input_len(&self) -> usize {
        self.tokens.len()
    }

    fn take(&self, index: usize) -> Self {
        Tokens { tokens: &self.tokens[..index], source: self.source, depth: self.depth }
    }

    fn take_from(&self, index: usize) -> Self {
        Tokens { tokens: &self.tokens[index..], source: self.source, depth: self.depth }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.tokens.iter().position(|token| predicate(token.clone()))
    }

    fn iter_elements(&self) -> Self::Iter {
        self.tokens.iter().cloned()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.iter_elements().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if self.tokens.len() >= count {
            Ok(count)
        } else {
            Err(Needed::new(count - self.tokens.len()))
        }
    }
}

impl<'a> Tokens<'a> {
    fn first(&self) -> Option<&'a Token> {
        self.tokens.first()
    }

    fn text(&self, token: &Token) -> &'a str {
        token.text(self.source)
    }

    /// Byte offset where the remaining input starts (end of text when none is left).
    fn offset(&self) -> usize {
        self.tokens.first().map_or(self.source.len(), |token| token.span.start)
    }

    fn skip(&self, count: usize) -> Self {
        self.take_from(count)
    }
}

/// A parse failure at one position: what was expected there.
#[derive(Clone, Debug)]
struct Failure {
    /// Tokens left when it failed; fewer means further along.
    remaining: usize,
    expected: Vec<Cow<'static, str>>,
    /// A specific message that replaces "expected …".
    message: Option<(ErrorCode, String, Span)>,
    opened_at: Option<Span>,
}

impl Failure {
    fn into_parse_error(self, tokens: &[Token], source: &str) -> ParseError {
        if let Some((code, message, span)) = self.message {
            return ParseError { span, code, message, opened_at: self.opened_at };
        }
        let position = tokens.len() - self.remaining;
        let (span, found) = match tokens.get(position) {
            Some(token) => (token.span, describe(token, source)),
            None => (Span::new(source.len(), source.len()), "end of input".to_owned()),
        };
        let mut expected: Vec<Cow<'static, str>> = Vec::new();
        for item in self.expected {
            if !expected.contains(&item) {
                expected.push(item);
            }
        }
        let wanted = match expected.len() {
            0 => "valid syntax".to_owned(),
            1 => expected[0].to_string(),
            _ => {
                let (last, rest) = expected.split_last().expect("two or more");
                format!("{} or {last}", rest.join(", "))
            }
        };
        // A misspelt keyword (`RETRUN`, `MACTH`) gets a hint.
        let hint = tokens
            .get(position)
            .filter(|token| token.kind == TokenKind::Word)
            .and_then(|token| {
                let written = token.text(source).to_ascii_uppercase();
                expected
                    .iter()
                    .filter(|item| item.chars().all(|character| character.is_ascii_uppercase()))
                    .map(|keyword| (crate::text::edit_distance(&written, keyword), keyword))
                    .filter(|(distance, keyword)| {
                        *distance > 0 && *distance <= if keyword.len() <= 4 { 1 } else { 2 }
                    })
                    .min_by_key(|(distance, _)| *distance)
                    .map(|(_, keyword)| format!("; did you mean `{keyword}`?"))
            })
            .unwrap_or_default();
        ParseError {
            span,
            code: ErrorCode::UnexpectedSyntax,
            message: format!("expected {wanted}, found {found}{hint}"),
            opened_at: self.opened_at,
        }
    }
}

impl<'a> nom::error::ParseError<Tokens<'a>> for Failure {
    fn from_error_kind(input: Tokens<'a>, _kind: nom::error::ErrorKind) -> Self {
        Failure {
            remaining: input.input_len(),
            expected: Vec::new(),
            message: None,
            opened_at: None,
        }
    }

    fn append(_input: Tokens<'a>, _kind: nom::error::ErrorKind, other: Self) -> Self {
        other
    }

    fn or(self, other: Self) -> Self {
        if self.message.is_some() && self.remaining <= other.remaining {
            return self;
        }
        if other.message.is_some() && other.remaining <= self.remaining {
            return other;
        }
        match self.remaining.cmp(&other.remaining) {
            std::cmp::Ordering::Less => self,
            std::cmp::Ordering::Greater => other,
            std::cmp::Ordering::Equal => {
                let mut merged = self;
                merged.expected.extend(other.expected);
                merged.opened_at = merged.opened_at.or(other.opened_at);
                merged
            }
        }
    }
}

type PResult<'a, T> = IResult<Tokens<'a>, T, Failure>;

fn fail<'a, T>(input: Tokens<'a>, expected: &'static str) -> PResult<'a, T> {
    Err(nom::Err::Error(Failure {
        remaining: input.input_len(),
        expected: vec![Cow::Borrowed(expected)],
        message: None,
        opened_at: None,
    }))
}

/// A recoverable failure listing several things that could have come next.
fn fail_any<'a, T>(input: Tokens<'a>, expected: &[&'static str]) -> PResult<'a, T> {
    Err(nom::Err::Error(Failure {
        remaining: input.input_len(),
        expected: expected.iter().map(|item| Cow::Borrowed(*item)).collect(),
        message: None,
        opened_at: None,
    }))
}

fn fail_with<'a, T>(
    input: Tokens<'a>,
    code: ErrorCode,
    message: String,
    span: Span,
) -> PResult<'a, T> {
    Err(nom::Err::Failure(Failure {
        remaining: input.input_len(),
        expected: Vec::new(),
        message: Some((code, message, span)),
        opened_at: None,
    }))
}

/// Marks a failure inside a bracket with where the bracket was opened.
fn opened<'a, T>(result: PResult<'a, T>, at: Span) -> PResult<'a, T> {
    result.map_err(|error| {
        error.map(|mut failure| {
            failure.opened_at.get_or_insert(at);
            failure
        })
    })
}

fn is_keyword(token: &Token, source: &str, keyword: &str) -> bool {
    token.kind == TokenKind::Word && token.text(source).eq_ignore_ascii_case(keyword)
}

fn peek_keyword(input: Tokens<'_>, keyword: &str) -> bool {
    input.first().is_some_and(|token| is_keyword(token, input.source, keyword))
}

fn peek_punct(input: Tokens<'_>, punct: Punct) -> bool {
    input.first().is_some_and(|token| token.kind == TokenKind::Punct(punct))
}

fn keyword(word: &'static str) -> impl Fn(Tokens<'_>) -> PResult<'_, Span> {
    move |input| match input.first() {
        Some(token) if is_keyword(token, input.source, word) => Ok((input.skip(1), token.span)),
        _ => fail(input, word),
    }
}

fn punct(expected: Punct) -> impl Fn(Tokens<'_>) -> PResult<'_, Span> {
    move |input| match input.first() {
        Some(token) if token.kind == TokenKind::Punct(expected) => Ok((input.skip(1), token.span)),
        _ => fail(input, punct_name(expected)),
    }
}

fn punct_name(punct: Punct) -> &'static str {
    match punct {
        Punct::LParen => "`(`",
        Punct::RParen => "`)`",
        Punct::LBracket => "`[`",
        Punct::RBracket => "`]`",
        Punct::LBrace => "`{`",
        Punct::RBrace => "`}`",
        Punct::Comma => "`,`",
        Punct::Dot => "`.`",
        Punct::DotDot => "`..`",
        Punct::Colon => "`:`",
        Punct::Semicolon => "`;`",
        Punct::Pipe => "`|`",
        Punct::Eq => "`=`",
        Punct::Minus => "`-`",
        Punct::Gt => "`>`",
        Punct::Lt => "`<`",
        Punct::Star => "`*`",
        _ => "an operator",
    }
}

/// Any word or `quoted` word as a name (labels, keys, types, function names).
fn symbolic_name(input: Tokens<'_>) -> PResult<'_, Ident> {
    match input.first() {
        Some(token) if matches!(token.kind, TokenKind::Word | TokenKind::QuotedWord) => {
            let name = lexer::word_name(&token.kind, input.text(token));
            Ok((input.skip(1), Ident { name, span: token.span }))
        }
        _ => fail(input, "a name"),
    }
}

/// A variable name: a word that is not a reserved keyword, or a quoted word.
fn variable(input: Tokens<'_>) -> PResult<'_, Ident> {
    match input.first() {
        Some(token) if token.kind == TokenKind::QuotedWord => symbolic_name(input),
        Some(token)
            if token.kind == TokenKind::Word
                && !lexer::RESERVED
                    .iter()
                    .any(|word| input.text(token).eq_ignore_ascii_case(word)) =>
        {
            symbolic_name(input)
        }
        _ => fail(input, "a variable name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(source: &str) -> String {
        let statement = parse(source).unwrap_or_else(|error| panic!("{source}: {error:?}"));
        let printed = statement.to_string();
        let again = parse(&printed).unwrap_or_else(|error| panic!("reprint {printed}: {error:?}"));
        assert_eq!(printed, again.to_string());
        printed
    }

    #[test]
    fn schema_commands_print_in_neo4j_5_spelling() {
        let cases = [
            (
                "create constraint if not exists on (p:Person) assert p.name is unique",
                "CREATE CONSTRAINT IF NOT EXISTS FOR (p:Person) REQUIRE p.name IS UNIQUE",
            ),
            (
                "CREATE INDEX IF NOT EXISTS  ON :Person(born)",
                "CREATE INDEX IF NOT EXISTS ON :Person(born)",
            ),
            (
                "CREATE TEXT INDEX `ad indeksi` FOR (c:Şəhər) ON (c.ad)",
                "CREATE TEXT INDEX `ad indeksi` FOR (c:Şəhər) ON (c.ad)",
            ),
            (
                "CREATE CONSTRAINT k FOR ()-[r:LEADS]->() REQUIRE (r.a, r.b) IS REL KEY",
                "CREATE CONSTRAINT k FOR ()-[r:LEADS]-() REQUIRE (r.a, r.b) IS RELATIONSHIP KEY",
            ),
            (
                "CREATE CONSTRAINT ON (o:Org) ASSERT exists(o.name)",
                "CREATE CONSTRAINT FOR (o:Org) REQUIRE o.name IS NOT NULL",
            ),
            (
                "CREATE CONSTRAINT t FOR (o:Org) REQUIRE o.f IS TYPED INTEGER | list<string not null>",
                "CREATE CONSTRAINT t FOR (o:Org) REQUIRE o.f IS :: INTEGER | LIST<STRING NOT NULL>",
            ),
            ("drop index ON :Person(born) if exists", "DROP INDEX ON :Person(born) IF EXISTS"),
            (
                "DROP CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE",
                "DROP CONSTRAINT ON (p:Person) ASSERT p.name IS UNIQUE",
            ),
            ("show all indexes", "SHOW INDEXES"),
            (
                "SHOW NODE UNIQUE CONSTRAINTS YIELD name WHERE name STARTS WITH 'a' RETURN name",
                "SHOW NODE UNIQUE CONSTRAINTS YIELD name WHERE name STARTS WITH 'a' RETURN name",
            ),
            ("SHOW RANGE INDEXES WHERE type = 'RANGE'", "SHOW RANGE INDEXES WHERE type = 'RANGE'"),
        ];
        for (source, printed) in cases {
            assert_eq!(round_trip(source), printed, "{source}");
        }
    }

    #[test]
    fn prints_canonical_cypher() {
        assert_eq!(
            round_trip(
                "match (a:NGO)-[r:PARTNERS_WITH|SUPPORTS*1..2]-(b {name: \"x\"}) where a.x>1 and not b.y return distinct a, count(*) as n order by n desc skip 1 limit 2"
            ),
            "MATCH (a:NGO)-[r:PARTNERS_WITH|SUPPORTS*1..2]-(b {name: 'x'}) WHERE a.x > 1 AND NOT b.y RETURN DISTINCT a, count(*) AS n ORDER BY n DESC SKIP 1 LIMIT 2"
        );
        assert_eq!(
            round_trip("RETURN (1 + 2) * 3, 1 - (2 - 3), -2 ^ 2"),
            "RETURN (1 + 2) * 3, 1 - (2 - 3), -2 ^ 2"
        );
        assert_eq!(
            round_trip("RETURN [x IN range(1, 3) WHERE x > 1 | x * 2], all(y IN [] WHERE y)"),
            "RETURN [x IN range(1, 3) WHERE x > 1 | x * 2], all(y IN [] WHERE y)"
        );
        assert_eq!(
            round_trip("RETURN -9223372036854775808 AS min"),
            "RETURN -9223372036854775808 AS min"
        );
    }

    #[test]
    fn errors_say_what_was_expected() {
        let error = parse("MATCH (n:Person RETURN n").unwrap_err();
        assert_eq!(
            error.message,
            "expected a label (`:Label`), properties (`{key: value}`) or `)`, found `RETURN`"
        );
        assert_eq!(error.opened_at, Some(Span::new(6, 7)));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("RETURN {}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&deep).is_err());
        let nots = format!("RETURN {}true", "NOT ".repeat(100));
        assert!(parse(&nots).is_ok());
        let too_many = format!("RETURN {}true", "NOT ".repeat(5000));
        assert!(parse(&too_many).is_err());
    }

    #[test]
    fn integer_overflow_is_reported() {
        assert_eq!(
            parse("RETURN 9223372036854775808").unwrap_err().code,
            ErrorCode::IntegerOverflow
        );
    }
}
