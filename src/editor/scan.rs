//! Reading a statement the way the shell needs to: each token with its role (keyword,
//! label, relationship type, property key, function, variable, literal…), worked out
//! from `lexer::tokenize` and the brackets around the token.
//!
//! The highlighter colours by these roles and the completer asks the role of the word
//! under the cursor, so a word's colour and the candidates offered for it come from one
//! reading of one lexer. Works on unfinished text (that is all the shell ever sees) and
//! never fails. Knows nothing of the graph, and does not parse: a role is a guess from
//! the neighbouring tokens, good enough for colour and completion, never for meaning.

use std::collections::BTreeMap;

use crate::query::syntax::lexer::{
    KEYWORDS, LexError, Punct, Token, TokenKind, tokenize, word_name,
};

/// What a token is, as far as colour and completion care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Keyword,
    /// A word followed by `(`: `toLower(`, `count(`.
    Function,
    /// A word after `:` in a node pattern or a label test (`(n:NGO)`, `WHERE n:NGO`).
    Label,
    /// A word after `:` or `|` in a relationship pattern (`-[:LEADS|FOUNDED]->`).
    RelType,
    /// A word after `.`, or a key in a pattern's or a literal's `{key: …}` map.
    PropertyKey,
    /// Any other word: a variable, an alias, a map key.
    Variable,
    String,
    /// A string still open at the end of the text.
    UnterminatedString,
    Number,
    Parameter,
    /// A comment, closed or still open.
    Comment,
    /// Text that is no token (a stray character, a bad number, an open `quoted` name).
    Error,
    Punct,
}

/// One token and its role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scanned {
    pub token: Token,
    pub role: Role,
}

/// A bracket that was open when a token was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bracket {
    /// `(` of a node pattern, a function call or a parenthesised expression.
    Paren,
    /// `[` right after `-` or `<-`: a relationship pattern.
    Relationship,
    /// Any other `[`: a list or an index.
    List,
    Brace,
}

/// Tokens of `text` with their roles.
///
/// ```
/// use korpu::editor::scan::{scan, Role};
/// let roles: Vec<Role> = scan("MATCH (n:NGO)-[:LEADS]->(m) RETURN m.name").into_iter().map(|item| item.role).collect();
/// assert_eq!(roles[4], Role::Label);
/// assert_eq!(roles[9], Role::RelType);
/// assert_eq!(roles[19], Role::PropertyKey);
/// ```
pub fn scan(text: &str) -> Vec<Scanned> {
    scan_with_brackets(text).into_iter().map(|(scanned, _)| scanned).collect()
}

/// Like `scan`, with the brackets open (innermost last) when each token was read.
pub fn scan_with_brackets(text: &str) -> Vec<(Scanned, Vec<Bracket>)> {
    let tokens = tokenize(text);
    let mut open: Vec<Bracket> = Vec::new();
    let mut scanned = Vec::with_capacity(tokens.len());
    // Comments do not count as neighbours: `n. /* x */ name` still has a key after `.`.
    let significant: Vec<usize> =
        (0..tokens.len()).filter(|&index| !is_comment(&tokens[index].kind)).collect();
    let mut position_in_significant: usize = 0;
    for token in &tokens {
        let previous = if is_comment(&token.kind) {
            None
        } else {
            let previous =
                position_in_significant.checked_sub(1).map(|at| &tokens[significant[at]]);
            position_in_significant += 1;
            previous
        };
        let next = significant.get(position_in_significant).map(|&at| &tokens[at]);
        let role = role_of(token, previous, next, &open, text);
        scanned.push((Scanned { token: token.clone(), role }, open.clone()));
        match token.kind {
            TokenKind::Punct(Punct::LParen) => open.push(Bracket::Paren),
            TokenKind::Punct(Punct::LBrace) => open.push(Bracket::Brace),
            TokenKind::Punct(Punct::LBracket) => {
                let after_dash = previous
                    .is_some_and(|previous| previous.kind == TokenKind::Punct(Punct::Minus));
                open.push(if after_dash { Bracket::Relationship } else { Bracket::List });
            }
            TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                open.pop();
            }
            _ => {}
        }
    }
    scanned
}

fn is_comment(kind: &TokenKind) -> bool {
    matches!(kind, TokenKind::Comment | TokenKind::Error(LexError::UnterminatedComment))
}

fn role_of(
    token: &Token,
    previous: Option<&Token>,
    next: Option<&Token>,
    open: &[Bracket],
    text: &str,
) -> Role {
    let previous_punct = previous.and_then(|previous| match previous.kind {
        TokenKind::Punct(punct) => Some(punct),
        _ => None,
    });
    match &token.kind {
        TokenKind::Word | TokenKind::QuotedWord => {
            let innermost = open.last().copied();
            match previous_punct {
                Some(Punct::Colon) => match innermost {
                    Some(Bracket::Relationship) => return Role::RelType,
                    // In a map, `key: value`: the word is the value, an expression.
                    Some(Bracket::Brace) => {}
                    _ => return Role::Label,
                },
                Some(Punct::Pipe) if innermost == Some(Bracket::Relationship) => {
                    return Role::RelType;
                }
                Some(Punct::Dot) => return Role::PropertyKey,
                _ => {}
            }
            let next_punct = next.and_then(|next| match next.kind {
                TokenKind::Punct(punct) => Some(punct),
                _ => None,
            });
            if innermost == Some(Bracket::Brace)
                && matches!(previous_punct, Some(Punct::LBrace | Punct::Comma))
                && next_punct == Some(Punct::Colon)
            {
                return Role::PropertyKey;
            }
            if token.kind == TokenKind::QuotedWord {
                return Role::Variable;
            }
            let word = token.text(text);
            let is_keyword = KEYWORDS.iter().any(|keyword| keyword.eq_ignore_ascii_case(word));
            let calls = next_punct == Some(Punct::LParen);
            // `count(`, `exists(` are functions; `MATCH(n)` is still the keyword.
            if calls
                && (!is_keyword
                    || word.eq_ignore_ascii_case("COUNT")
                    || word.eq_ignore_ascii_case("EXISTS"))
            {
                Role::Function
            } else if is_keyword {
                Role::Keyword
            } else {
                Role::Variable
            }
        }
        TokenKind::Integer | TokenKind::Float => Role::Number,
        TokenKind::String => Role::String,
        TokenKind::Parameter => Role::Parameter,
        TokenKind::Punct(_) => Role::Punct,
        TokenKind::Comment | TokenKind::Error(LexError::UnterminatedComment) => Role::Comment,
        TokenKind::Error(LexError::UnterminatedString) => Role::UnterminatedString,
        TokenKind::Error(_) => Role::Error,
    }
}

/// What the statement says a variable stands for: `(x:NGO:Organization)` binds `x` to
/// two labels, `[r:LEADS|FOUNDED_BY]` binds `r` to two types, `WHERE x:Person` adds one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Binding {
    pub labels: Vec<String>,
    pub rel_types: Vec<String>,
}

/// Every variable the statement gives a label or type to, by name.
///
/// ```
/// use korpu::editor::scan::bindings;
/// let found = bindings("MATCH (n:NGO)-[r:LEADS]->(m) WHERE m:Person RETURN n");
/// assert_eq!(found["n"].labels, ["NGO"]);
/// assert_eq!(found["r"].rel_types, ["LEADS"]);
/// assert_eq!(found["m"].labels, ["Person"]);
/// ```
pub fn bindings(text: &str) -> BTreeMap<String, Binding> {
    let scanned: Vec<Scanned> =
        scan(text).into_iter().filter(|item| item.role != Role::Comment).collect();
    let mut found: BTreeMap<String, Binding> = BTreeMap::new();
    for (index, item) in scanned.iter().enumerate() {
        if item.role != Role::Variable {
            continue;
        }
        let name = word_name(&item.token.kind, item.token.text(text));
        let mut cursor = index + 1;
        while let (Some(separator), Some(word)) = (scanned.get(cursor), scanned.get(cursor + 1)) {
            let joins =
                matches!(separator.token.kind, TokenKind::Punct(Punct::Colon | Punct::Pipe));
            if !joins {
                break;
            }
            let word_text = word_name(&word.token.kind, word.token.text(text));
            let binding = found.entry(name.clone()).or_default();
            match word.role {
                Role::Label if !binding.labels.contains(&word_text) => {
                    binding.labels.push(word_text)
                }
                Role::RelType if !binding.rel_types.contains(&word_text) => {
                    binding.rel_types.push(word_text)
                }
                Role::Label | Role::RelType => {}
                _ => break,
            }
            cursor += 2;
        }
    }
    found
}

/// The labels (or relationship types) written in the pattern whose `{` is open at the
/// end of `items`: for `(:Region {name_en: ` that is `Region`. Empty when the innermost
/// open bracket is not a pattern's property map.
pub fn pattern_of_open_map(items: &[(Scanned, Vec<Bracket>)], text: &str) -> Binding {
    let mut open: Vec<usize> = Vec::new();
    for (index, (item, _)) in items.iter().enumerate() {
        match item.token.kind {
            TokenKind::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => open.push(index),
            TokenKind::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                open.pop();
            }
            _ => {}
        }
    }
    let mut binding = Binding::default();
    let (Some(&brace), Some(&pattern)) =
        (open.last(), open.len().checked_sub(2).and_then(|below| open.get(below)))
    else {
        return binding;
    };
    let is_brace = items[brace].0.token.kind == TokenKind::Punct(Punct::LBrace);
    let is_pattern =
        matches!(items[pattern].0.token.kind, TokenKind::Punct(Punct::LParen | Punct::LBracket));
    if !is_brace || !is_pattern {
        return binding;
    }
    for (item, _) in &items[pattern + 1..brace] {
        let name = word_name(&item.token.kind, item.token.text(text));
        match item.role {
            Role::Label => binding.labels.push(name),
            Role::RelType => binding.rel_types.push(name),
            _ => {}
        }
    }
    binding
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(String, Role)> {
        scan(text).into_iter().map(|item| (item.token.text(text).to_owned(), item.role)).collect()
    }

    fn role(text: &str, word: &str) -> Role {
        roles(text).into_iter().find(|(text, _)| text == word).map(|(_, role)| role).unwrap()
    }

    #[test]
    fn labels_types_and_keys_by_context() {
        let text = "MATCH (n:NGO)-[:PARTNERS_WITH|LEADS]-(d {name_en: 'x'}) WHERE d:DiasporaGroup RETURN toLower(n.name), count(*)";
        assert_eq!(role(text, "MATCH"), Role::Keyword);
        assert_eq!(role(text, "NGO"), Role::Label);
        assert_eq!(role(text, "PARTNERS_WITH"), Role::RelType);
        assert_eq!(role(text, "LEADS"), Role::RelType);
        assert_eq!(role(text, "name_en"), Role::PropertyKey);
        assert_eq!(role(text, "DiasporaGroup"), Role::Label);
        assert_eq!(role(text, "toLower"), Role::Function);
        assert_eq!(role(text, "name"), Role::PropertyKey);
        assert_eq!(role(text, "count"), Role::Function);
        assert_eq!(role(text, "d"), Role::Variable);
        assert_eq!(role(text, "'x'"), Role::String);
    }

    #[test]
    fn map_values_are_expressions_not_labels() {
        assert_eq!(role("RETURN {a: b}", "b"), Role::Variable);
        assert_eq!(role("RETURN {a: b}", "a"), Role::PropertyKey);
    }

    #[test]
    fn keywords_stay_keywords_before_parentheses() {
        assert_eq!(role("MATCH(n) RETURN n", "MATCH"), Role::Keyword);
    }

    #[test]
    fn open_strings_and_comments() {
        assert_eq!(role("RETURN 'abc", "'abc"), Role::UnterminatedString);
        assert_eq!(role("RETURN 1 /* still", "/* still"), Role::Comment);
    }

    #[test]
    fn the_pattern_around_an_open_map() {
        let text = "MATCH (:Country)-[:PART_OF]->(:Region {name_en: ";
        let items = scan_with_brackets(text);
        assert_eq!(pattern_of_open_map(&items, text).labels, ["Region"]);
        let text = "MATCH (a)-[r:LEADS {role: ";
        let items = scan_with_brackets(text);
        assert_eq!(pattern_of_open_map(&items, text).rel_types, ["LEADS"]);
        let text = "RETURN {a: ";
        let items = scan_with_brackets(text);
        assert_eq!(pattern_of_open_map(&items, text), Binding::default());
    }
}
