//! Patterns: path parts, node and relationship patterns, labels, properties and
//! variable-length ranges, as `MATCH`, `CREATE`, `MERGE` and expressions use them.

use nom::Parser;
use nom::branch::alt;
use nom::combinator::{cut, opt};
use nom::multi::separated_list1;

use super::*;

pub(super) fn pattern(input: Tokens<'_>) -> PResult<'_, Vec<PatternPart>> {
    separated_list1(punct(Punct::Comma), pattern_part).parse(input)
}

pub(super) fn pattern_part(input: Tokens<'_>) -> PResult<'_, PatternPart> {
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

pub(super) fn pattern_element(input: Tokens<'_>) -> PResult<'_, PatternElement> {
    // `((a)-->(b))`: a parenthesised pattern element.
    if peek_punct(input, Punct::LParen)
        && input.tokens.get(1).is_some_and(|next| next.kind == TokenKind::Punct(Punct::LParen))
    {
        // Only a real chain inside counts: `((n) IS NULL)` is a parenthesised expression.
        if let Ok((rest, element)) = pattern_element(input.skip(1))
            && !element.chain.is_empty()
            && let Ok((rest, _)) = punct(Punct::RParen)(rest)
        {
            return Ok((rest, element));
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
                ErrorCode::UnexpectedSyntax,
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

pub(super) fn node_pattern(input: Tokens<'_>) -> PResult<'_, NodePattern> {
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

pub(super) fn label_list(mut input: Tokens<'_>) -> PResult<'_, Vec<Ident>> {
    let mut labels = Vec::new();
    while peek_punct(input, Punct::Colon) {
        let (rest, label) = cut(symbolic_name).parse(input.skip(1))?;
        labels.push(label);
        input = rest;
    }
    Ok((input, labels))
}

pub(super) fn properties(input: Tokens<'_>) -> PResult<'_, Expr> {
    alt((map_literal, parameter)).parse(input)
}

pub(super) fn rel_pattern(input: Tokens<'_>) -> PResult<'_, RelPattern> {
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

pub(super) fn rel_detail(input: Tokens<'_>) -> PResult<'_, RelDetail> {
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

pub(super) fn length_bound(input: Tokens<'_>) -> PResult<'_, Option<u64>> {
    match input.first() {
        Some(token) if token.kind == TokenKind::Integer => {
            let text = input.text(token);
            match parse_integer(text).and_then(|value| u64::try_from(value).ok()) {
                Some(value) => Ok((input.skip(1), Some(value))),
                None => fail_with(
                    input,
                    ErrorCode::IntegerOverflow,
                    format!("length bound `{text}` is too large"),
                    token.span,
                ),
            }
        }
        _ => Ok((input, None)),
    }
}

pub(super) fn length_range(input: Tokens<'_>) -> PResult<'_, LengthRange> {
    let bound = length_bound;
    let (input, min) = bound(input)?;
    if peek_punct(input, Punct::DotDot) {
        let (input, max) = bound(input.skip(1))?;
        Ok((input, LengthRange { min, max }))
    } else {
        Ok((input, LengthRange { min, max: min }))
    }
}
