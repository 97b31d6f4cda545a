//! Lexer: query text → tokens with byte spans.
//!
//! The one place the query language's tokens are defined. The parser reads these tokens;
//! the REPL's highlighter, completer and "is this statement complete?" check use
//! `tokenize` too, so they can never disagree with the parser. Leaf recognisers are nom
//! parsers over `&str`. `tokenize` never fails: text it cannot read becomes a
//! `TokenKind::Error` token, which the parser reports with its span.
//! Keywords are not tokens of their own: Cypher keywords are case-insensitive words that
//! may also name variables, labels and keys, so the parser decides from context.

use nom::IResult;
use nom::Parser;
use nom::branch::alt;
use nom::bytes::complete::{tag, take_while, take_while1};
use nom::character::complete::{char, digit1, hex_digit1, oct_digit1, one_of};
use nom::combinator::{opt, recognize};
use nom::sequence::{pair, preceded};

use crate::query::span::Span;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A bare word: an identifier or a keyword.
    Word,
    /// A `backtick quoted` identifier; its name is the text between the backticks.
    QuotedWord,
    Integer,
    Float,
    /// A string literal, quotes included; `string_value` decodes it.
    String,
    /// `$name` or `$0`.
    Parameter,
    Punct(Punct),
    /// `// …` or `/* … */`.
    Comment,
    /// Text that is no token; the message says why.
    Error(LexError),
}

/// Why text could not be read as a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LexError {
    UnterminatedString,
    UnterminatedComment,
    UnterminatedQuotedName,
    UnexpectedCharacter,
    InvalidNumber,
}

impl LexError {
    pub fn message(self) -> &'static str {
        match self {
            LexError::UnterminatedString => "unterminated string literal",
            LexError::UnterminatedComment => "unterminated comment",
            LexError::UnterminatedQuotedName => "unterminated `quoted` name",
            LexError::UnexpectedCharacter => "unexpected character",
            LexError::InvalidNumber => "invalid number literal",
        }
    }
}

/// Punctuation and operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Punct {
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Dot,
    DotDot,
    Colon,
    Semicolon,
    Pipe,
    Eq,
    NotEq,
    Lt,
    Gt,
    Le,
    Ge,
    Plus,
    PlusEq,
    Minus,
    Star,
    Slash,
    Percent,
    Caret,
    RegexMatch,
}

impl Punct {
    pub fn text(self) -> &'static str {
        match self {
            Punct::LParen => "(",
            Punct::RParen => ")",
            Punct::LBracket => "[",
            Punct::RBracket => "]",
            Punct::LBrace => "{",
            Punct::RBrace => "}",
            Punct::Comma => ",",
            Punct::Dot => ".",
            Punct::DotDot => "..",
            Punct::Colon => ":",
            Punct::Semicolon => ";",
            Punct::Pipe => "|",
            Punct::Eq => "=",
            Punct::NotEq => "<>",
            Punct::Lt => "<",
            Punct::Gt => ">",
            Punct::Le => "<=",
            Punct::Ge => ">=",
            Punct::Plus => "+",
            Punct::PlusEq => "+=",
            Punct::Minus => "-",
            Punct::Star => "*",
            Punct::Slash => "/",
            Punct::Percent => "%",
            Punct::Caret => "^",
            Punct::RegexMatch => "=~",
        }
    }
}

/// A token and where it stands in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

impl Token {
    /// The token's text in `source`.
    pub fn text<'source>(&self, source: &'source str) -> &'source str {
        &source[self.span.start..self.span.end]
    }
}

/// Splits `source` into tokens, skipping whitespace but keeping comments. Never fails.
///
/// ```
/// use korpu::query::syntax::lexer::{tokenize, TokenKind};
/// let tokens = tokenize("MATCH (n) // all");
/// assert_eq!(tokens.len(), 5);
/// assert_eq!(tokens[4].kind, TokenKind::Comment);
/// ```
pub fn tokenize(source: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut rest = source;
    loop {
        rest = rest.trim_start_matches(is_cypher_whitespace);
        if rest.is_empty() {
            break;
        }
        let start = source.len() - rest.len();
        let (remaining, kind) = match next_token(rest) {
            Ok((remaining, kind)) => (remaining, kind),
            Err(_) => {
                // Nothing matched: one character is an unexpected character.
                let width = rest.chars().next().map_or(1, char::len_utf8);
                (&rest[width..], TokenKind::Error(LexError::UnexpectedCharacter))
            }
        };
        let end = source.len() - remaining.len();
        tokens.push(Token { kind, span: Span { start, end } });
        rest = remaining;
    }
    tokens
}

fn is_cypher_whitespace(character: char) -> bool {
    character.is_whitespace()
}

fn next_token(input: &str) -> IResult<&str, TokenKind> {
    alt((comment, string_literal, quoted_word, number, parameter, word, punct)).parse(input)
}

fn comment(input: &str) -> IResult<&str, TokenKind> {
    if let Some(body) = input.strip_prefix("//") {
        let end = body.find('\n').unwrap_or(body.len());
        return Ok((&body[end..], TokenKind::Comment));
    }
    if let Some(body) = input.strip_prefix("/*") {
        return Ok(match body.find("*/") {
            Some(end) => (&body[end + 2..], TokenKind::Comment),
            // The rest of the input, as a suffix of it (nom measures offsets by pointer).
            None => (&body[body.len()..], TokenKind::Error(LexError::UnterminatedComment)),
        });
    }
    Err(nom::Err::Error(nom::error::Error::new(input, nom::error::ErrorKind::Tag)))
}

fn string_literal(input: &str) -> IResult<&str, TokenKind> {
    let (body, quote) = one_of("'\"")(input)?;
    let mut escaped = false;
    for (offset, character) in body.char_indices() {
        if escaped {
            escaped = false;
        } else if character == '\\' {
            escaped = true;
        } else if character == quote {
            return Ok((&body[offset + 1..], TokenKind::String));
        }
    }
    Ok((&body[body.len()..], TokenKind::Error(LexError::UnterminatedString)))
}

fn quoted_word(input: &str) -> IResult<&str, TokenKind> {
    let (body, _) = char('`')(input)?;
    // A doubled backtick stands for one backtick inside the name.
    let mut chars = body.char_indices().peekable();
    while let Some((offset, character)) = chars.next() {
        if character == '`' {
            if matches!(chars.peek(), Some((_, '`'))) {
                chars.next();
                continue;
            }
            return Ok((&body[offset + 1..], TokenKind::QuotedWord));
        }
    }
    Ok((&body[body.len()..], TokenKind::Error(LexError::UnterminatedQuotedName)))
}

fn number(input: &str) -> IResult<&str, TokenKind> {
    let hex = recognize(pair(tag("0x"), hex_digit1)).map(|_| TokenKind::Integer);
    let octal = recognize(pair(tag("0o"), oct_digit1)).map(|_| TokenKind::Integer);
    let exponent = || recognize((one_of("eE"), opt(one_of("+-")), digit1));
    let with_fraction =
        recognize((digit1, char('.'), digit1, opt(exponent()))).map(|_| TokenKind::Float);
    let bare_fraction = recognize((char('.'), digit1, opt(exponent()))).map(|_| TokenKind::Float);
    let with_exponent = recognize(pair(digit1, exponent())).map(|_| TokenKind::Float);
    let decimal = digit1.map(|_| TokenKind::Integer);
    let (rest, kind) =
        alt((hex, octal, with_fraction, bare_fraction, with_exponent, decimal)).parse(input)?;
    // A number running straight into letters (`12abc`, `0x1G`) is one bad token, not two.
    let (rest, trailing) =
        take_while(|character: char| character.is_alphanumeric() || character == '_')(rest)?;
    if trailing.is_empty() {
        Ok((rest, kind))
    } else {
        Ok((rest, TokenKind::Error(LexError::InvalidNumber)))
    }
}

fn parameter(input: &str) -> IResult<&str, TokenKind> {
    let named = take_while1(|character: char| character.is_alphanumeric() || character == '_');
    let quoted = recognize(quoted_word);
    preceded(char('$'), alt((named, quoted))).map(|_| TokenKind::Parameter).parse(input)
}

fn word(input: &str) -> IResult<&str, TokenKind> {
    recognize(pair(
        take_while1(|character: char| character.is_alphabetic() || character == '_'),
        take_while(|character: char| character.is_alphanumeric() || character == '_'),
    ))
    .map(|_| TokenKind::Word)
    .parse(input)
}

fn punct(input: &str) -> IResult<&str, TokenKind> {
    // Longest operators first, so `<=` is not read as `<` then `=`. Arrows are not
    // tokens: `<-` would swallow the minus of `a<-1`, so the parser assembles `<`, `-`, `>`.
    let two = alt((
        tag("..").map(|_| Punct::DotDot),
        tag("<>").map(|_| Punct::NotEq),
        tag("!=").map(|_| Punct::NotEq),
        tag("<=").map(|_| Punct::Le),
        tag(">=").map(|_| Punct::Ge),
        tag("+=").map(|_| Punct::PlusEq),
        tag("=~").map(|_| Punct::RegexMatch),
    ));
    let one = one_of("()[]{},.:;|=<>+-*/%^").map(|character| match character {
        '(' => Punct::LParen,
        ')' => Punct::RParen,
        '[' => Punct::LBracket,
        ']' => Punct::RBracket,
        '{' => Punct::LBrace,
        '}' => Punct::RBrace,
        ',' => Punct::Comma,
        '.' => Punct::Dot,
        ':' => Punct::Colon,
        ';' => Punct::Semicolon,
        '|' => Punct::Pipe,
        '=' => Punct::Eq,
        '<' => Punct::Lt,
        '>' => Punct::Gt,
        '+' => Punct::Plus,
        '-' => Punct::Minus,
        '*' => Punct::Star,
        '/' => Punct::Slash,
        '%' => Punct::Percent,
        _ => Punct::Caret,
    });
    alt((two, one)).map(TokenKind::Punct).parse(input)
}

/// Why a string literal's escapes could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EscapeError {
    /// Byte offset of the bad escape within the literal's text.
    pub offset: usize,
    pub message: String,
}

/// Decodes a string literal token's text (quotes included) into its value.
pub fn string_value(literal: &str) -> Result<String, EscapeError> {
    let body = &literal[1..literal.len() - 1];
    let mut value = String::with_capacity(body.len());
    let mut chars = body.char_indices();
    while let Some((offset, character)) = chars.next() {
        if character != '\\' {
            value.push(character);
            continue;
        }
        let bad = |message: &str| EscapeError { offset: offset + 1, message: message.to_owned() };
        let Some((_, escape)) = chars.next() else {
            return Err(bad("a backslash ends the string"));
        };
        match escape {
            '\\' => value.push('\\'),
            '\'' => value.push('\''),
            '"' => value.push('"'),
            'b' | 'B' => value.push('\u{8}'),
            'f' | 'F' => value.push('\u{c}'),
            'n' | 'N' => value.push('\n'),
            'r' | 'R' => value.push('\r'),
            't' | 'T' => value.push('\t'),
            'u' | 'U' => {
                let digits = if escape == 'u' { 4 } else { 8 };
                let hex: String = chars.by_ref().take(digits).map(|(_, digit)| digit).collect();
                if hex.len() != digits || !hex.chars().all(|digit| digit.is_ascii_hexdigit()) {
                    return Err(bad(&format!("`\\{escape}` needs {digits} hexadecimal digits")));
                }
                let code =
                    u32::from_str_radix(&hex, 16).map_err(|_| bad("invalid unicode escape"))?;
                let decoded =
                    char::from_u32(code).ok_or_else(|| bad("invalid unicode character"))?;
                value.push(decoded);
            }
            other => return Err(bad(&format!("unknown escape `\\{other}`"))),
        }
    }
    Ok(value)
}

/// The name a word or quoted word token stands for.
pub fn word_name(kind: &TokenKind, text: &str) -> String {
    match kind {
        TokenKind::QuotedWord => text[1..text.len() - 1].replace("``", "`"),
        _ => text.to_owned(),
    }
}

/// Words that start clauses and sub-clauses; the highlighter and completer use them.
pub const KEYWORDS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WHERE",
    "WITH",
    "RETURN",
    "DISTINCT",
    "ORDER",
    "BY",
    "ASC",
    "ASCENDING",
    "DESC",
    "DESCENDING",
    "SKIP",
    "LIMIT",
    "UNWIND",
    "AS",
    "UNION",
    "ALL",
    "CREATE",
    "MERGE",
    "ON",
    "SET",
    "REMOVE",
    "DELETE",
    "DETACH",
    "EXPLAIN",
    "PROFILE",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IS",
    "NULL",
    "TRUE",
    "FALSE",
    "IN",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "EXISTS",
    "COUNT",
    "CALL",
    "YIELD",
    "SHOW",
    "DROP",
    "INDEX",
    "INDEXES",
    "CONSTRAINT",
    "CONSTRAINTS",
    "REQUIRE",
    "UNIQUE",
    "ASSERT",
    "LOAD",
    "CSV",
    "HEADERS",
    "FROM",
    "FIELDTERMINATOR",
];

/// Words that cannot name a variable, because the grammar would be ambiguous.
pub const RESERVED: &[&str] = &[
    "MATCH", "OPTIONAL", "WHERE", "WITH", "RETURN", "ORDER", "SKIP", "LIMIT", "UNWIND", "UNION",
    "CREATE", "AND", "OR", "XOR", "NOT", "IS", "NULL", "TRUE", "FALSE", "IN", "STARTS", "ENDS",
    "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "END", "AS", "DISTINCT", "MERGE", "SET", "REMOVE",
    "DELETE", "DETACH",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<TokenKind> {
        tokenize(source).into_iter().map(|token| token.kind).collect()
    }

    #[test]
    fn arrows_are_assembled_by_the_parser() {
        assert_eq!(
            kinds("a<-1"),
            vec![
                TokenKind::Word,
                TokenKind::Punct(Punct::Lt),
                TokenKind::Punct(Punct::Minus),
                TokenKind::Integer
            ]
        );
    }

    #[test]
    fn ranges_are_not_floats() {
        assert_eq!(
            kinds("*1..3"),
            vec![
                TokenKind::Punct(Punct::Star),
                TokenKind::Integer,
                TokenKind::Punct(Punct::DotDot),
                TokenKind::Integer
            ]
        );
    }

    #[test]
    fn azerbaijani_words_are_words() {
        assert_eq!(kinds("şəhər İlham"), vec![TokenKind::Word, TokenKind::Word]);
    }

    #[test]
    fn unterminated_string_is_an_error_token() {
        assert_eq!(
            kinds("RETURN 'abc"),
            vec![TokenKind::Word, TokenKind::Error(LexError::UnterminatedString)]
        );
    }

    #[test]
    fn escapes_decode() {
        assert_eq!(string_value(r"'a\'b\u0259'").unwrap(), "a'bə");
        assert!(string_value(r"'\q'").is_err());
    }
}
