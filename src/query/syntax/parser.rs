//! Parser: tokens → `ast::Statement`, with nom combinators over the lexer's tokens.
//!
//! The grammar follows openCypher (clauses, patterns, the expression precedence ladder).
//! Failures keep the furthest position reached and everything that was expected there,
//! and become one `ParseError` with a span at the parser boundary; nom's types never
//! leave this file. Nesting is bounded before parsing starts and operator chains are
//! parsed in loops, so no input can overflow the stack.
//! Does not resolve names or look at the graph; see `plan` for that.

use std::borrow::Cow;
use std::cell::Cell;
use std::iter::{Cloned, Enumerate};
use std::slice::Iter;

use nom::branch::alt;
use nom::combinator::{cut, opt};
use nom::multi::separated_list1;
use nom::{IResult, Input, Needed, Parser};

use super::ast::*;
use super::lexer::{self, LexError, Punct, Token, TokenKind};
use super::span::Span;
use crate::query::error::ParseError;

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
                "InvalidNumberLiteral"
            } else {
                "UnexpectedSyntax"
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
                code: "UnexpectedSyntax",
                message: format!("expected end of {what}, found {}", describe(token, source)),
                opened_at: None,
            }),
        },
        Err(nom::Err::Error(failure) | nom::Err::Failure(failure)) => {
            Err(failure.into_parse_error(&tokens, source))
        }
        Err(nom::Err::Incomplete(_)) => Err(ParseError {
            span: Span::new(source.len(), source.len()),
            code: "UnexpectedSyntax",
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
                        code: "UnexpectedSyntax",
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
    message: Option<(&'static str, String, Span)>,
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
            code: "UnexpectedSyntax",
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
    code: &'static str,
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

// ---------------------------------------------------------------------------------------
// Statements and clauses.

fn statement(input: Tokens<'_>) -> PResult<'_, Statement> {
    let start = input.offset();
    let (input, kind) = if peek_keyword(input, "EXPLAIN") {
        (input.skip(1), StatementKind::Explain)
    } else if peek_keyword(input, "PROFILE") {
        (input.skip(1), StatementKind::Profile)
    } else {
        (input, StatementKind::Run)
    };
    let (input, parsed_query) = query(input)?;
    let end = last_end(input, start);
    let (input, _) = opt(punct(Punct::Semicolon)).parse(input)?;
    Ok((input, Statement { kind, query: parsed_query, span: Span::new(start, end) }))
}

/// End of the token before the remaining input.
fn last_end(input: Tokens<'_>, fallback: usize) -> usize {
    // The tokens before `input` are not visible from it, so find the previous token's
    // end by scanning back over whitespace in the source.
    let offset = input.offset();
    let trimmed = input.source[..offset].trim_end();
    trimmed.len().max(fallback)
}

fn query(input: Tokens<'_>) -> PResult<'_, Query> {
    let (mut input, first) = single_query(input)?;
    let mut unions = Vec::new();
    while peek_keyword(input, "UNION") {
        input = input.skip(1);
        let kind = if peek_keyword(input, "ALL") {
            input = input.skip(1);
            UnionKind::All
        } else {
            UnionKind::Distinct
        };
        let (rest, next) = cut(single_query).parse(input)?;
        unions.push((kind, next));
        input = rest;
    }
    Ok((input, Query { first, unions }))
}

fn single_query(input: Tokens<'_>) -> PResult<'_, SingleQuery> {
    let start = input.offset();
    let mut clauses = Vec::new();
    let mut input = input;
    loop {
        match clause(input) {
            Ok((rest, parsed)) => {
                clauses.push(parsed);
                input = rest;
            }
            Err(nom::Err::Error(failure)) => {
                if clauses.is_empty() {
                    return Err(nom::Err::Error(failure));
                }
                // Remember what a further clause could have been, for the error message.
                if input.input_len() > 0
                    && !peek_keyword(input, "UNION")
                    && !peek_punct(input, Punct::Semicolon)
                {
                    return Err(nom::Err::Error(failure));
                }
                break;
            }
            Err(other) => return Err(other),
        }
    }
    let end = last_end(input, start);
    Ok((input, SingleQuery { clauses, span: Span::new(start, end) }))
}

fn clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    alt((match_clause, unwind_clause, with_clause, return_clause, create_clause)).parse(input)
}

fn match_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, optional) = match keyword("OPTIONAL")(input) {
        Ok((rest, _)) => (cut(keyword("MATCH")).parse(rest)?.0, Optionality::Optional),
        Err(_) => (keyword("MATCH")(input)?.0, Optionality::Required),
    };
    let (input, parsed_pattern) = cut(pattern).parse(input)?;
    let (input, where_clause) = opt_where(input)?;
    let end = last_end(input, start);
    Ok((
        input,
        Clause::Match(Match {
            optional,
            pattern: parsed_pattern,
            where_clause,
            span: Span::new(start, end),
        }),
    ))
}

fn opt_where(input: Tokens<'_>) -> PResult<'_, Option<Expr>> {
    if peek_keyword(input, "WHERE") {
        let (input, predicate) = cut(expression).parse(input.skip(1))?;
        Ok((input, Some(predicate)))
    } else {
        Ok((input, None))
    }
}

fn unwind_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("UNWIND")(input)?;
    let (input, expr) = cut(expression).parse(input)?;
    let (input, _) = cut(keyword("AS")).parse(input)?;
    let (input, name) = cut(variable).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Unwind(Unwind { expr, variable: name, span: Span::new(start, end) })))
}

fn with_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("WITH")(input)?;
    let (input, mut body) = cut(projection_body).parse(input)?;
    let (input, where_clause) = opt_where(input)?;
    body.where_clause = where_clause;
    body.span = Span::new(start, last_end(input, start));
    Ok((input, Clause::With(body)))
}

fn return_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("RETURN")(input)?;
    let (input, mut body) = cut(projection_body).parse(input)?;
    body.span = Span::new(start, last_end(input, start));
    Ok((input, Clause::Return(body)))
}

fn create_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("CREATE")(input)?;
    let (input, parsed_pattern) = cut(pattern).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Create(Create { pattern: parsed_pattern, span: Span::new(start, end) })))
}

fn projection_body(input: Tokens<'_>) -> PResult<'_, Projection> {
    let start = input.offset();
    let (mut input, distinct) = match keyword("DISTINCT")(input) {
        Ok((rest, _)) => (rest, true),
        Err(_) => (input, false),
    };
    let mut star = false;
    let mut items = Vec::new();
    if peek_punct(input, Punct::Star) {
        star = true;
        input = input.skip(1);
        while peek_punct(input, Punct::Comma) {
            let (rest, item) = cut(projection_item).parse(input.skip(1))?;
            items.push(item);
            input = rest;
        }
    } else {
        let (rest, parsed) = separated_list1(punct(Punct::Comma), projection_item).parse(input)?;
        items = parsed;
        input = rest;
    }
    let mut order_by = Vec::new();
    if peek_keyword(input, "ORDER") {
        let (rest, _) = cut(keyword("BY")).parse(input.skip(1))?;
        let (rest, sort) = cut(separated_list1(punct(Punct::Comma), sort_item)).parse(rest)?;
        order_by = sort;
        input = rest;
    }
    let mut skip = None;
    if peek_keyword(input, "SKIP") {
        let (rest, expr) = cut(expression).parse(input.skip(1))?;
        skip = Some(expr);
        input = rest;
    }
    let mut limit = None;
    if peek_keyword(input, "LIMIT") {
        let (rest, expr) = cut(expression).parse(input.skip(1))?;
        limit = Some(expr);
        input = rest;
    }
    let end = last_end(input, start);
    Ok((
        input,
        Projection {
            distinct,
            star,
            items,
            order_by,
            skip,
            limit,
            where_clause: None,
            span: Span::new(start, end),
        },
    ))
}

fn projection_item(input: Tokens<'_>) -> PResult<'_, ProjectionItem> {
    let start = input.offset();
    let (input, expr) = expression(input)?;
    let (input, alias) = if peek_keyword(input, "AS") {
        let (rest, name) = cut(variable).parse(input.skip(1))?;
        (rest, Some(name))
    } else {
        (input, None)
    };
    let end = last_end(input, start);
    Ok((input, ProjectionItem { expr, alias, span: Span::new(start, end) }))
}

fn sort_item(input: Tokens<'_>) -> PResult<'_, SortItem> {
    let (input, expr) = expression(input)?;
    let (input, direction) = match input.first() {
        Some(token)
            if is_keyword(token, input.source, "DESC")
                || is_keyword(token, input.source, "DESCENDING") =>
        {
            (input.skip(1), SortDirection::Descending)
        }
        Some(token)
            if is_keyword(token, input.source, "ASC")
                || is_keyword(token, input.source, "ASCENDING") =>
        {
            (input.skip(1), SortDirection::Ascending)
        }
        _ => (input, SortDirection::Ascending),
    };
    Ok((input, SortItem { expr, direction }))
}

// ---------------------------------------------------------------------------------------
// Patterns.

fn pattern(input: Tokens<'_>) -> PResult<'_, Vec<PatternPart>> {
    separated_list1(punct(Punct::Comma), pattern_part).parse(input)
}

fn pattern_part(input: Tokens<'_>) -> PResult<'_, PatternPart> {
    let start = input.offset();
    let (input, path_variable) = match (variable(input), input.tokens.get(1)) {
        (Ok((rest, name)), Some(next)) if next.kind == TokenKind::Punct(Punct::Eq) => {
            (rest.skip(1), Some(name))
        }
        _ => (input, None),
    };
    let selector = match input.first() {
        Some(token) if is_keyword(token, input.source, "shortestPath") => {
            Some(PathSelector::ShortestPath)
        }
        Some(token) if is_keyword(token, input.source, "allShortestPaths") => {
            Some(PathSelector::AllShortestPaths)
        }
        _ => None,
    };
    let (input, selector, element) = match selector {
        Some(selector)
            if input
                .tokens
                .get(1)
                .is_some_and(|next| next.kind == TokenKind::Punct(Punct::LParen)) =>
        {
            let open = input.tokens[1].span;
            let (rest, element) = opened(cut(pattern_element).parse(input.skip(2)), open)?;
            let (rest, _) = opened(cut(punct(Punct::RParen)).parse(rest), open)?;
            (rest, selector, element)
        }
        _ => {
            let (rest, element) = if path_variable.is_some() {
                cut(pattern_element).parse(input)?
            } else {
                pattern_element(input)?
            };
            (rest, PathSelector::All, element)
        }
    };
    let end = last_end(input, start);
    Ok((
        input,
        PatternPart { variable: path_variable, selector, element, span: Span::new(start, end) },
    ))
}

fn pattern_element(input: Tokens<'_>) -> PResult<'_, PatternElement> {
    // `((a)-->(b))`: a parenthesised pattern element.
    if peek_punct(input, Punct::LParen)
        && input.tokens.get(1).is_some_and(|next| next.kind == TokenKind::Punct(Punct::LParen))
    {
        // Only a real chain inside counts: `((n) IS NULL)` is a parenthesised expression.
        if let Ok((rest, element)) = pattern_element(input.skip(1)) {
            if !element.chain.is_empty() {
                if let Ok((rest, _)) = punct(Punct::RParen)(rest) {
                    return Ok((rest, element));
                }
            }
        }
    }
    let (mut input, start) = node_pattern(input)?;
    let mut chain = Vec::new();
    while peek_punct(input, Punct::Minus)
        || (peek_punct(input, Punct::Lt)
            && input.tokens.get(1).is_some_and(|next| next.kind == TokenKind::Punct(Punct::Minus)))
    {
        if chain.len() == MAX_PATTERN_LENGTH {
            let span = input.first().map(|token| token.span).unwrap_or_default();
            return fail_with(
                input,
                "UnexpectedSyntax",
                format!("a pattern may chain at most {MAX_PATTERN_LENGTH} relationships"),
                span,
            );
        }
        let (rest, relationship) = rel_pattern(input)?;
        let (rest, node) = cut(node_pattern).parse(rest)?;
        chain.push((relationship, node));
        input = rest;
    }
    Ok((input, PatternElement { start, chain }))
}

fn node_pattern(input: Tokens<'_>) -> PResult<'_, NodePattern> {
    let (input, open) = punct(Punct::LParen)(input)?;
    let inner = |input| -> PResult<'_, NodePattern> {
        let (input, name) = opt(variable).parse(input)?;
        let (input, labels) = label_list(input)?;
        let (input, properties) = opt(properties).parse(input)?;
        let Ok((input, close)) = punct(Punct::RParen)(input) else {
            // Say everything that could come here, given what came before.
            let mut expected = Vec::new();
            if name.is_none() && labels.is_empty() && properties.is_none() {
                expected.push("a variable name");
            }
            if properties.is_none() {
                expected.extend(["a label (`:Label`)", "properties (`{key: value}`)"]);
            }
            expected.push("`)`");
            return fail_any(input, &expected);
        };
        Ok((input, NodePattern { variable: name, labels, properties, span: open.to(close) }))
    };
    opened(inner(input), open)
}

fn label_list(mut input: Tokens<'_>) -> PResult<'_, Vec<Ident>> {
    let mut labels = Vec::new();
    while peek_punct(input, Punct::Colon) {
        let (rest, label) = cut(symbolic_name).parse(input.skip(1))?;
        labels.push(label);
        input = rest;
    }
    Ok((input, labels))
}

fn properties(input: Tokens<'_>) -> PResult<'_, Expr> {
    alt((map_literal, parameter)).parse(input)
}

fn rel_pattern(input: Tokens<'_>) -> PResult<'_, RelPattern> {
    let start_span = input.first().map(|token| token.span).unwrap_or_default();
    let (input, left_arrow) = match punct(Punct::Lt)(input) {
        Ok((rest, _)) => (rest, true),
        Err(_) => (input, false),
    };
    let (input, _) = punct(Punct::Minus)(input)?;
    let mut detail = (None, Vec::new(), None, None);
    let mut input = input;
    if peek_punct(input, Punct::LBracket) {
        let open = input.tokens[0].span;
        let (rest, parsed) = opened(cut(rel_detail).parse(input.skip(1)), open)?;
        let (rest, _) = opened(cut(punct(Punct::RBracket)).parse(rest), open)?;
        detail = parsed;
        input = rest;
    }
    let (input, _) = cut(punct(Punct::Minus)).parse(input)?;
    let (input, right_arrow, end_span) = match punct(Punct::Gt)(input) {
        Ok((rest, span)) => (rest, true, span),
        Err(_) => {
            (input, false, Span::new(last_end(input, 0).saturating_sub(1), last_end(input, 0)))
        }
    };
    let direction = match (left_arrow, right_arrow) {
        (false, true) => RelDirection::Outgoing,
        (true, false) => RelDirection::Incoming,
        _ => RelDirection::Either,
    };
    let (variable_name, types, length, properties) = detail;
    Ok((
        input,
        RelPattern {
            variable: variable_name,
            types,
            direction,
            length,
            properties,
            span: start_span.to(end_span),
        },
    ))
}

type RelDetail = (Option<Ident>, Vec<Ident>, Option<LengthRange>, Option<Expr>);

fn rel_detail(input: Tokens<'_>) -> PResult<'_, RelDetail> {
    let (input, name) = opt(variable).parse(input)?;
    let mut types = Vec::new();
    let mut input = input;
    if peek_punct(input, Punct::Colon) {
        let (rest, first) = cut(symbolic_name).parse(input.skip(1))?;
        types.push(first);
        input = rest;
        while peek_punct(input, Punct::Pipe) {
            let mut after = input.skip(1);
            if peek_punct(after, Punct::Colon) {
                after = after.skip(1);
            }
            let (rest, next) = cut(symbolic_name).parse(after)?;
            types.push(next);
            input = rest;
        }
    }
    let mut length = None;
    if peek_punct(input, Punct::Star) {
        let (rest, range) = length_range(input.skip(1))?;
        length = Some(range);
        input = rest;
    }
    let (input, props) = opt(properties).parse(input)?;
    Ok((input, (name, types, length, props)))
}

fn length_bound(input: Tokens<'_>) -> PResult<'_, Option<u64>> {
    match input.first() {
        Some(token) if token.kind == TokenKind::Integer => {
            let text = input.text(token);
            match parse_integer(text).and_then(|value| u64::try_from(value).ok()) {
                Some(value) => Ok((input.skip(1), Some(value))),
                None => fail_with(
                    input,
                    "IntegerOverflow",
                    format!("length bound `{text}` is too large"),
                    token.span,
                ),
            }
        }
        _ => Ok((input, None)),
    }
}

fn length_range(input: Tokens<'_>) -> PResult<'_, LengthRange> {
    let bound = length_bound;
    let (input, min) = bound(input)?;
    if peek_punct(input, Punct::DotDot) {
        let (input, max) = bound(input.skip(1))?;
        Ok((input, LengthRange { min, max }))
    } else {
        Ok((input, LengthRange { min, max: min }))
    }
}

// ---------------------------------------------------------------------------------------
// Expressions, loosest binding first.

fn expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    deeper(input, 1)?;
    let result = crate::stack::grow(|| or_expression(input));
    input.depth.set(input.depth.get() - 1);
    result
}

/// Adds `levels` to the depth of the tree being built, failing past the limit. Each
/// caller takes back what it added when it returns.
fn deeper(input: Tokens<'_>, levels: usize) -> Result<(), nom::Err<Failure>> {
    let depth = input.depth.get() + levels;
    input.depth.set(depth);
    if depth > MAX_EXPRESSION_DEPTH {
        let span = input
            .first()
            .map_or(Span::new(input.source.len(), input.source.len()), |token| token.span);
        return Err(nom::Err::Failure(Failure {
            remaining: input.input_len(),
            expected: Vec::new(),
            message: Some((
                "UnexpectedSyntax",
                format!("the expression nests deeper than {MAX_EXPRESSION_DEPTH} levels"),
                span,
            )),
            opened_at: None,
        }));
    }
    Ok(())
}

fn binary_level<'a>(
    input: Tokens<'a>,
    operand: fn(Tokens<'a>) -> PResult<'a, Expr>,
    operator: fn(Tokens<'a>) -> Option<(BinaryOp, usize)>,
) -> PResult<'a, Expr> {
    let (mut input, mut left) = operand(input)?;
    let mut added = 0;
    // Each operator in a chain nests the tree built so far one level deeper.
    let result = loop {
        let Some((op, width)) = operator(input) else { break Ok((input, left)) };
        added += 1;
        if let Err(error) = deeper(input, 1) {
            break Err(error);
        }
        match cut(operand).parse(input.skip(width)) {
            Ok((rest, right)) => {
                let span = left.span.to(right.span);
                left = Expr { kind: ExprKind::Binary(op, Box::new(left), Box::new(right)), span };
                input = rest;
            }
            Err(error) => break Err(error),
        }
    };
    input.depth.set(input.depth.get() - added);
    result
}

fn keyword_operator(input: Tokens<'_>, word: &str, op: BinaryOp) -> Option<(BinaryOp, usize)> {
    peek_keyword(input, word).then_some((op, 1))
}

fn or_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, xor_expression, |input| keyword_operator(input, "OR", BinaryOp::Or))
}

fn xor_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, and_expression, |input| keyword_operator(input, "XOR", BinaryOp::Xor))
}

fn and_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, not_expression, |input| keyword_operator(input, "AND", BinaryOp::And))
}

fn not_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    let mut nots = Vec::new();
    let mut input = input;
    while let Some(token) = input.first().filter(|token| is_keyword(token, input.source, "NOT")) {
        nots.push(token.span);
        input = input.skip(1);
    }
    deeper(input, nots.len()).inspect_err(|_| input.depth.set(input.depth.get() - nots.len()))?;
    let parsed = if nots.is_empty() {
        comparison_expression(input)
    } else {
        cut(comparison_expression).parse(input)
    };
    input.depth.set(input.depth.get() - nots.len());
    let (input, mut expr) = parsed?;
    for not_span in nots.into_iter().rev() {
        let span = not_span.to(expr.span);
        expr = Expr { kind: ExprKind::Unary(UnaryOp::Not, Box::new(expr)), span };
    }
    Ok((input, expr))
}

fn comparison_operator(input: Tokens<'_>) -> Option<BinaryOp> {
    match input.first()?.kind {
        TokenKind::Punct(Punct::Eq) => Some(BinaryOp::Eq),
        TokenKind::Punct(Punct::NotEq) => Some(BinaryOp::NotEq),
        TokenKind::Punct(Punct::Lt) => Some(BinaryOp::Lt),
        TokenKind::Punct(Punct::Gt) => Some(BinaryOp::Gt),
        TokenKind::Punct(Punct::Le) => Some(BinaryOp::Le),
        TokenKind::Punct(Punct::Ge) => Some(BinaryOp::Ge),
        _ => None,
    }
}

fn comparison_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (mut input, first) = predicate_expression(input)?;
    let mut rest = Vec::new();
    while let Some(op) = comparison_operator(input) {
        let (after, operand) = cut(predicate_expression).parse(input.skip(1))?;
        rest.push((op, operand));
        input = after;
    }
    if rest.is_empty() {
        return Ok((input, first));
    }
    let span = first.span.to(rest.last().expect("non-empty").1.span);
    if rest.len() == 1 {
        let (op, right) = rest.pop().expect("one");
        return Ok((
            input,
            Expr { kind: ExprKind::Binary(op, Box::new(first), Box::new(right)), span },
        ));
    }
    Ok((input, Expr { kind: ExprKind::Comparison(Box::new(first), rest), span }))
}

/// `IN`, `STARTS WITH`, `ENDS WITH`, `CONTAINS`, `=~`, `IS [NOT] NULL` and label tests.
fn predicate_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (mut input, mut expr) = additive_expression(input)?;
    while let Some(token) = input.first() {
        let source = input.source;
        let (op, width) = if is_keyword(token, source, "IN") {
            (BinaryOp::In, 1)
        } else if is_keyword(token, source, "STARTS")
            && input.tokens.get(1).is_some_and(|next| is_keyword(next, source, "WITH"))
        {
            (BinaryOp::StartsWith, 2)
        } else if is_keyword(token, source, "ENDS")
            && input.tokens.get(1).is_some_and(|next| is_keyword(next, source, "WITH"))
        {
            (BinaryOp::EndsWith, 2)
        } else if is_keyword(token, source, "CONTAINS") {
            (BinaryOp::Contains, 1)
        } else if token.kind == TokenKind::Punct(Punct::RegexMatch) {
            (BinaryOp::RegexMatch, 1)
        } else if is_keyword(token, source, "IS") {
            let (rest, negation) =
                if input.tokens.get(1).is_some_and(|next| is_keyword(next, source, "NOT")) {
                    (input.skip(2), Negation::IsNot)
                } else {
                    (input.skip(1), Negation::Is)
                };
            let (rest, null_span) = cut(keyword("NULL")).parse(rest)?;
            let span = expr.span.to(null_span);
            expr = Expr { kind: ExprKind::IsNull(Box::new(expr), negation), span };
            input = rest;
            continue;
        } else {
            break;
        };
        let (rest, right) = cut(additive_expression).parse(input.skip(width))?;
        let span = expr.span.to(right.span);
        expr = Expr { kind: ExprKind::Binary(op, Box::new(expr), Box::new(right)), span };
        input = rest;
    }
    Ok((input, expr))
}

fn additive_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, multiplicative_expression, |input| match input.first()?.kind {
        TokenKind::Punct(Punct::Plus) => Some((BinaryOp::Add, 1)),
        TokenKind::Punct(Punct::Minus) => Some((BinaryOp::Subtract, 1)),
        _ => None,
    })
}

fn multiplicative_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, power_expression, |input| match input.first()?.kind {
        TokenKind::Punct(Punct::Star) => Some((BinaryOp::Multiply, 1)),
        TokenKind::Punct(Punct::Slash) => Some((BinaryOp::Divide, 1)),
        TokenKind::Punct(Punct::Percent) => Some((BinaryOp::Modulo, 1)),
        _ => None,
    })
}

fn power_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, unary_expression, |input| match input.first()?.kind {
        TokenKind::Punct(Punct::Caret) => Some((BinaryOp::Power, 1)),
        _ => None,
    })
}

fn unary_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    let mut signs = Vec::new();
    let mut input = input;
    while let Some(token) = input.first() {
        match token.kind {
            TokenKind::Punct(Punct::Minus) => signs.push((UnaryOp::Minus, token.span)),
            TokenKind::Punct(Punct::Plus) => signs.push((UnaryOp::Plus, token.span)),
            _ => break,
        }
        input = input.skip(1);
    }
    deeper(input, signs.len()).inspect_err(|_| input.depth.set(input.depth.get() - signs.len()))?;
    let parsed = unary_operand(input, signs.clone());
    input.depth.set(input.depth.get() - signs.len());
    parsed
}

fn unary_operand(input: Tokens<'_>, mut signs: Vec<(UnaryOp, Span)>) -> PResult<'_, Expr> {
    // `-9223372036854775808` is the smallest integer, though its digits alone overflow.
    if let (Some((UnaryOp::Minus, minus_span)), Some(token)) =
        (signs.last().copied(), input.first())
    {
        if token.kind == TokenKind::Integer && minus_span.end == token.span.start {
            if let Some(value) = parse_negative_integer(input.text(token)) {
                let (rest, mut expr) = postfix_expression(
                    input.skip(1),
                    Expr {
                        kind: ExprKind::Literal(Literal::Integer(value)),
                        span: minus_span.to(token.span),
                    },
                )?;
                signs.pop();
                for (op, span) in signs.into_iter().rev() {
                    let whole = span.to(expr.span);
                    expr = Expr { kind: ExprKind::Unary(op, Box::new(expr)), span: whole };
                }
                return Ok((rest, expr));
            }
        }
    }
    let (input, mut expr) =
        if signs.is_empty() { postfix_start(input)? } else { cut(postfix_start).parse(input)? };
    for (op, span) in signs.into_iter().rev() {
        let whole = span.to(expr.span);
        expr = match (op, &expr.kind) {
            // Fold signs into numeric literals so `-1` prints and compares as a literal.
            (UnaryOp::Minus, ExprKind::Literal(Literal::Float(number)))
                if span.end == expr.span.start =>
            {
                Expr { kind: ExprKind::Literal(Literal::Float(-number)), span: whole }
            }
            _ => Expr { kind: ExprKind::Unary(op, Box::new(expr)), span: whole },
        };
    }
    Ok((input, expr))
}

fn parse_negative_integer(text: &str) -> Option<i64> {
    let (digits, radix) = integer_digits(text);
    i64::from_str_radix(&format!("-{digits}"), radix).ok()
}

fn integer_digits(text: &str) -> (&str, u32) {
    if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (octal, 8)
    } else {
        (text, 10)
    }
}

fn parse_integer(text: &str) -> Option<i64> {
    let (digits, radix) = integer_digits(text);
    i64::from_str_radix(digits, radix).ok()
}

fn postfix_start(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, atom_expr) = atom(input)?;
    postfix_expression(input, atom_expr)
}

/// Property lookups, indexing, slicing and label tests after an atom.
fn postfix_expression(input: Tokens<'_>, expr: Expr) -> PResult<'_, Expr> {
    let start_depth = input.depth.get();
    let result = postfix_chain(input, expr);
    input.depth.set(start_depth);
    result
}

fn postfix_chain(mut input: Tokens<'_>, mut expr: Expr) -> PResult<'_, Expr> {
    while let Some(token) = input.first() {
        if matches!(token.kind, TokenKind::Punct(Punct::Dot | Punct::LBracket | Punct::Colon)) {
            deeper(input, 1)?;
        }
        match token.kind {
            TokenKind::Punct(Punct::Dot) => {
                let (rest, key) = cut(symbolic_name).parse(input.skip(1))?;
                let span = expr.span.to(key.span);
                expr = Expr { kind: ExprKind::Property(Box::new(expr), key), span };
                input = rest;
            }
            TokenKind::Punct(Punct::LBracket) => {
                let open = token.span;
                let after = input.skip(1);
                let (rest, from) = if peek_punct(after, Punct::DotDot) {
                    (after, None)
                } else {
                    opened(cut(expression).parse(after), open)
                        .map(|(rest, found)| (rest, Some(found)))?
                };
                if peek_punct(rest, Punct::DotDot) {
                    let after_dots = rest.skip(1);
                    let (rest, to) = if peek_punct(after_dots, Punct::RBracket) {
                        (after_dots, None)
                    } else {
                        opened(cut(expression).parse(after_dots), open)
                            .map(|(rest, found)| (rest, Some(found)))?
                    };
                    let (rest, close) = opened(cut(punct(Punct::RBracket)).parse(rest), open)?;
                    let span = expr.span.to(close);
                    expr = Expr {
                        kind: ExprKind::Slice(Box::new(expr), from.map(Box::new), to.map(Box::new)),
                        span,
                    };
                    input = rest;
                } else {
                    let (rest, close) = opened(cut(punct(Punct::RBracket)).parse(rest), open)?;
                    let index = from.expect("an index expression was parsed");
                    let span = expr.span.to(close);
                    expr = Expr { kind: ExprKind::Index(Box::new(expr), Box::new(index)), span };
                    input = rest;
                }
            }
            TokenKind::Punct(Punct::Colon) => {
                let (rest, labels) = label_list(input)?;
                let span = expr.span.to(labels.last().map_or(expr.span, |label| label.span));
                expr = Expr { kind: ExprKind::HasLabels(Box::new(expr), labels), span };
                input = rest;
            }
            _ => break,
        }
    }
    Ok((input, expr))
}

fn atom(input: Tokens<'_>) -> PResult<'_, Expr> {
    let Some(token) = input.first() else { return fail(input, "an expression") };
    let text = input.text(token);
    let literal = |kind: Literal| {
        Ok((input.skip(1), Expr { kind: ExprKind::Literal(kind), span: token.span }))
    };
    match &token.kind {
        TokenKind::Integer => match parse_integer(text) {
            Some(value) => literal(Literal::Integer(value)),
            None => fail_with(
                input,
                "IntegerOverflow",
                format!("integer `{text}` does not fit in 64 bits"),
                token.span,
            ),
        },
        TokenKind::Float => match text.parse::<f64>() {
            Ok(value) if value.is_finite() => literal(Literal::Float(value)),
            _ => fail_with(
                input,
                "FloatingPointOverflow",
                format!("float `{text}` is too large"),
                token.span,
            ),
        },
        TokenKind::String => match lexer::string_value(text) {
            Ok(value) => literal(Literal::String(value)),
            Err(error) => {
                let at = token.span.start + error.offset;
                fail_with(input, "InvalidUnicodeLiteral", error.message, Span::new(at, at + 1))
            }
        },
        TokenKind::Parameter => parameter(input),
        TokenKind::Punct(Punct::LBracket) => {
            alt((list_comprehension, pattern_comprehension, list_literal)).parse(input)
        }
        TokenKind::Punct(Punct::LBrace) => map_literal(input),
        TokenKind::Punct(Punct::LParen) => alt((pattern_predicate, parenthesised)).parse(input),
        TokenKind::Word => {
            let next_is_paren = input
                .tokens
                .get(1)
                .is_some_and(|next| next.kind == TokenKind::Punct(Punct::LParen));
            if text.eq_ignore_ascii_case("true") {
                literal(Literal::Bool(true))
            } else if text.eq_ignore_ascii_case("false") {
                literal(Literal::Bool(false))
            } else if text.eq_ignore_ascii_case("null") {
                literal(Literal::Null)
            } else if text.eq_ignore_ascii_case("CASE") {
                case_expression(input)
            } else if text.eq_ignore_ascii_case("EXISTS")
                && input
                    .tokens
                    .get(1)
                    .is_some_and(|next| next.kind == TokenKind::Punct(Punct::LBrace))
            {
                exists_subquery(input)
            } else if next_is_paren && is_quantifier(text) {
                alt((quantifier, function_call)).parse(input)
            } else if next_is_paren && text.eq_ignore_ascii_case("reduce") {
                alt((reduce, function_call)).parse(input)
            } else if next_is_paren || is_namespaced_call(input) {
                function_call(input)
            } else {
                let Ok((rest, name)) = variable(input) else { return fail(input, "an expression") };
                let expr = Expr { kind: ExprKind::Variable(name.name.clone()), span: name.span };
                if peek_punct(rest, Punct::LBrace) {
                    return map_projection(rest, expr);
                }
                Ok((rest, expr))
            }
        }
        TokenKind::QuotedWord => {
            let (rest, name) = variable(input)?;
            let expr = Expr { kind: ExprKind::Variable(name.name.clone()), span: name.span };
            if peek_punct(rest, Punct::LBrace) {
                return map_projection(rest, expr);
            }
            Ok((rest, expr))
        }
        _ => fail(input, "an expression"),
    }
}

fn is_quantifier(text: &str) -> bool {
    ["all", "any", "none", "single"].iter().any(|name| text.eq_ignore_ascii_case(name))
}

/// `a.b.f(`: a function name with a namespace.
fn is_namespaced_call(input: Tokens<'_>) -> bool {
    let mut position = 0;
    loop {
        let word = input.tokens.get(position).is_some_and(|token| token.kind == TokenKind::Word);
        let dot = input
            .tokens
            .get(position + 1)
            .is_some_and(|token| token.kind == TokenKind::Punct(Punct::Dot));
        if !(word && dot) {
            return false;
        }
        position += 2;
        let next_word =
            input.tokens.get(position).is_some_and(|token| token.kind == TokenKind::Word);
        let paren = input
            .tokens
            .get(position + 1)
            .is_some_and(|token| token.kind == TokenKind::Punct(Punct::LParen));
        if next_word && paren {
            return true;
        }
    }
}

fn parameter(input: Tokens<'_>) -> PResult<'_, Expr> {
    match input.first() {
        Some(token) if token.kind == TokenKind::Parameter => {
            let text = &input.text(token)[1..];
            let name = if text.starts_with('`') {
                text[1..text.len() - 1].replace("``", "`")
            } else {
                text.to_owned()
            };
            Ok((input.skip(1), Expr { kind: ExprKind::Parameter(name), span: token.span }))
        }
        _ => fail(input, "a parameter"),
    }
}

fn list_literal(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (mut input, open) = punct(Punct::LBracket)(input)?;
    let mut items = Vec::new();
    if !peek_punct(input, Punct::RBracket) {
        let (rest, first) = opened(cut(expression).parse(input), open)?;
        items.push(first);
        input = rest;
        while peek_punct(input, Punct::Comma) {
            let (rest, next) = opened(cut(expression).parse(input.skip(1)), open)?;
            items.push(next);
            input = rest;
        }
    }
    let (input, close) = opened(cut(punct(Punct::RBracket)).parse(input), open)?;
    Ok((input, Expr { kind: ExprKind::List(items), span: open.to(close) }))
}

/// `x IN list [WHERE pred]`, shared by comprehensions and quantifiers.
fn filter_expression(input: Tokens<'_>) -> PResult<'_, (Ident, Expr, Option<Expr>)> {
    let (input, name) = variable(input)?;
    let (input, _) = keyword("IN")(input)?;
    let (input, list) = cut(expression).parse(input)?;
    let (input, filter) = opt_where(input)?;
    Ok((input, (name, list, filter)))
}

fn list_comprehension(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, open) = punct(Punct::LBracket)(input)?;
    let (input, (name, list, filter)) = filter_expression(input)?;
    let (input, map) = if peek_punct(input, Punct::Pipe) {
        let (rest, mapped) = opened(cut(expression).parse(input.skip(1)), open)?;
        (rest, Some(mapped))
    } else {
        (input, None)
    };
    let (input, close) = opened(cut(punct(Punct::RBracket)).parse(input), open)?;
    let comprehension = ListComprehension { variable: name, list, filter, map };
    Ok((
        input,
        Expr { kind: ExprKind::ListComprehension(Box::new(comprehension)), span: open.to(close) },
    ))
}

fn pattern_comprehension(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, open) = punct(Punct::LBracket)(input)?;
    let (input, path_variable) = match (variable(input), input.tokens.get(1)) {
        (Ok((rest, name)), Some(next)) if next.kind == TokenKind::Punct(Punct::Eq) => {
            (rest.skip(1), Some(name))
        }
        _ => (input, None),
    };
    let (input, element) = pattern_element(input)?;
    if element.chain.is_empty() {
        return fail(input, "a relationship pattern");
    }
    let (input, filter) = opt_where(input)?;
    let (input, _) = punct(Punct::Pipe)(input)?;
    let (input, map) = opened(cut(expression).parse(input), open)?;
    let (input, close) = opened(cut(punct(Punct::RBracket)).parse(input), open)?;
    let comprehension = PatternComprehension { variable: path_variable, element, filter, map };
    Ok((
        input,
        Expr {
            kind: ExprKind::PatternComprehension(Box::new(comprehension)),
            span: open.to(close),
        },
    ))
}

fn quantifier(input: Tokens<'_>) -> PResult<'_, Expr> {
    let Some(token) = input.first() else { return fail(input, "a quantifier") };
    let kind = match input.text(token).to_ascii_lowercase().as_str() {
        "all" => Quantifier::All,
        "any" => Quantifier::Any,
        "none" => Quantifier::None,
        _ => Quantifier::Single,
    };
    let (input, open) = punct(Punct::LParen)(input.skip(1))?;
    let (input, (name, list, filter)) = filter_expression(input)?;
    let (input, close) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    let comprehension = ListComprehension { variable: name, list, filter, map: None };
    Ok((
        input,
        Expr {
            kind: ExprKind::Quantifier(kind, Box::new(comprehension)),
            span: token.span.to(close),
        },
    ))
}

fn reduce(input: Tokens<'_>) -> PResult<'_, Expr> {
    let Some(token) = input.first() else { return fail(input, "reduce") };
    let (input, open) = punct(Punct::LParen)(input.skip(1))?;
    let (input, accumulator) = variable(input)?;
    let (input, _) = punct(Punct::Eq)(input)?;
    let (input, init) = cut(expression).parse(input)?;
    let (input, _) = cut(punct(Punct::Comma)).parse(input)?;
    let (input, name) = cut(variable).parse(input)?;
    let (input, _) = cut(keyword("IN")).parse(input)?;
    let (input, list) = cut(expression).parse(input)?;
    let (input, _) = cut(punct(Punct::Pipe)).parse(input)?;
    let (input, expr) = cut(expression).parse(input)?;
    let (input, close) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    let parsed = Reduce { accumulator, init, variable: name, list, expr };
    Ok((input, Expr { kind: ExprKind::Reduce(Box::new(parsed)), span: token.span.to(close) }))
}

fn map_literal(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (mut input, open) = punct(Punct::LBrace)(input)?;
    let mut entries = Vec::new();
    if !peek_punct(input, Punct::RBrace) {
        loop {
            let (rest, key) = opened(cut(symbolic_name).parse(input), open)?;
            let (rest, _) = opened(cut(punct(Punct::Colon)).parse(rest), open)?;
            let (rest, value) = opened(cut(expression).parse(rest), open)?;
            entries.push((key, value));
            input = rest;
            if !peek_punct(input, Punct::Comma) {
                break;
            }
            input = input.skip(1);
        }
    }
    let (input, close) = opened(cut(punct(Punct::RBrace)).parse(input), open)?;
    Ok((input, Expr { kind: ExprKind::Map(entries), span: open.to(close) }))
}

fn map_projection(input: Tokens<'_>, subject: Expr) -> PResult<'_, Expr> {
    let (mut input, open) = punct(Punct::LBrace)(input)?;
    let mut items = Vec::new();
    if !peek_punct(input, Punct::RBrace) {
        loop {
            if peek_punct(input, Punct::Dot) {
                let after = input.skip(1);
                if peek_punct(after, Punct::Star) {
                    items.push(MapProjectionItem::AllProperties);
                    input = after.skip(1);
                } else {
                    let (rest, key) = opened(cut(symbolic_name).parse(after), open)?;
                    items.push(MapProjectionItem::Property(key));
                    input = rest;
                }
            } else {
                let (rest, key) = opened(cut(symbolic_name).parse(input), open)?;
                if peek_punct(rest, Punct::Colon) {
                    let (rest, value) = opened(cut(expression).parse(rest.skip(1)), open)?;
                    items.push(MapProjectionItem::Literal(key, value));
                    input = rest;
                } else {
                    items.push(MapProjectionItem::Variable(key));
                    input = rest;
                }
            }
            if !peek_punct(input, Punct::Comma) {
                break;
            }
            input = input.skip(1);
        }
    }
    let (input, close) = opened(cut(punct(Punct::RBrace)).parse(input), open)?;
    let span = subject.span.to(close);
    Ok((input, Expr { kind: ExprKind::MapProjection(Box::new(subject), items), span }))
}

fn case_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, case_span) = keyword("CASE")(input)?;
    let (mut input, operand) = if peek_keyword(input, "WHEN") {
        (input, None)
    } else {
        cut(expression).parse(input).map(|(rest, found)| (rest, Some(Box::new(found))))?
    };
    let mut branches = Vec::new();
    while peek_keyword(input, "WHEN") {
        let (rest, condition) = cut(expression).parse(input.skip(1))?;
        let (rest, _) = cut(keyword("THEN")).parse(rest)?;
        let (rest, result) = cut(expression).parse(rest)?;
        branches.push((condition, result));
        input = rest;
    }
    if branches.is_empty() {
        return Err(nom::Err::Failure(Failure {
            remaining: input.input_len(),
            expected: vec![Cow::Borrowed("WHEN")],
            message: None,
            opened_at: Some(case_span),
        }));
    }
    let (input, otherwise) = if peek_keyword(input, "ELSE") {
        cut(expression).parse(input.skip(1)).map(|(rest, found)| (rest, Some(Box::new(found))))?
    } else {
        (input, None)
    };
    let (input, end) = opened(cut(keyword("END")).parse(input), case_span)?;
    Ok((
        input,
        Expr {
            kind: ExprKind::Case(Case { operand, branches, otherwise }),
            span: case_span.to(end),
        },
    ))
}

fn function_call(input: Tokens<'_>) -> PResult<'_, Expr> {
    let Some(first) = input.first() else { return fail(input, "a function name") };
    let mut name = input.text(first).to_owned();
    let mut input = input.skip(1);
    let mut name_span = first.span;
    while peek_punct(input, Punct::Dot) {
        let (rest, part) = cut(symbolic_name).parse(input.skip(1))?;
        name.push('.');
        name.push_str(&part.name);
        name_span = name_span.to(part.span);
        input = rest;
    }
    let (input, open) = punct(Punct::LParen)(input)?;
    // `count(*)`
    if name.eq_ignore_ascii_case("count") && peek_punct(input, Punct::Star) {
        let (input, close) = opened(cut(punct(Punct::RParen)).parse(input.skip(1)), open)?;
        return Ok((input, Expr { kind: ExprKind::CountStar, span: first.span.to(close) }));
    }
    let (mut input, distinct) =
        if peek_keyword(input, "DISTINCT") { (input.skip(1), true) } else { (input, false) };
    let mut args = Vec::new();
    if !peek_punct(input, Punct::RParen) {
        loop {
            let (rest, arg) = opened(cut(expression).parse(input), open)?;
            args.push(arg);
            input = rest;
            if !peek_punct(input, Punct::Comma) {
                break;
            }
            input = input.skip(1);
        }
    }
    let (input, close) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    let call = FunctionCall { name: Ident { name, span: name_span }, distinct, args };
    Ok((input, Expr { kind: ExprKind::FunctionCall(call), span: first.span.to(close) }))
}

fn parenthesised(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, open) = punct(Punct::LParen)(input)?;
    let (input, mut inner) = opened(cut(expression).parse(input), open)?;
    let (input, close) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    inner.span = open.to(close);
    Ok((input, inner))
}

/// `(a)-[:T]->(b)` in an expression: only a pattern with at least one relationship.
fn pattern_predicate(input: Tokens<'_>) -> PResult<'_, Expr> {
    let start = input.offset();
    let (rest, element) = pattern_element(input)?;
    if element.chain.is_empty() {
        return fail(input, "a pattern");
    }
    let end = last_end(rest, start);
    Ok((
        rest,
        Expr { kind: ExprKind::PatternPredicate(Box::new(element)), span: Span::new(start, end) },
    ))
}

fn exists_subquery(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, exists_span) = keyword("EXISTS")(input)?;
    let (input, open) = punct(Punct::LBrace)(input)?;
    let input = if peek_keyword(input, "MATCH") { input.skip(1) } else { input };
    let (input, parsed_pattern) = opened(cut(pattern).parse(input), open)?;
    let (input, where_clause) = opt_where(input)?;
    let (input, close) = opened(cut(punct(Punct::RBrace)).parse(input), open)?;
    let subquery = ExistsSubquery { pattern: parsed_pattern, where_clause };
    Ok((input, Expr { kind: ExprKind::Exists(Box::new(subquery)), span: exists_span.to(close) }))
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
        assert_eq!(parse("RETURN 9223372036854775808").unwrap_err().code, "IntegerOverflow");
    }
}
