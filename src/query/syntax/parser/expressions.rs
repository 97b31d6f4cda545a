//! Expressions, loosest binding first: the precedence ladder from `OR` down to atoms,
//! postfix chains, literals, comprehensions, `CASE`, calls and subqueries. Depth is
//! counted as it goes, so no accepted input can overflow the stack of a later stage.

use nom::branch::alt;
use nom::combinator::cut;
use nom::{Input, Parser};

use super::*;

pub(super) fn expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    deeper(input, 1)?;
    let result = crate::stack::grow(|| or_expression(input));
    input.depth.set(input.depth.get() - 1);
    result
}

/// Adds `levels` to the depth of the tree being built, failing past the limit. Each
/// caller takes back what it added when it returns.
pub(super) fn deeper(input: Tokens<'_>, levels: usize) -> Result<(), nom::Err<Failure>> {
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
                ErrorCode::UnexpectedSyntax,
                format!("the expression nests deeper than {MAX_EXPRESSION_DEPTH} levels"),
                span,
            )),
            opened_at: None,
        }));
    }
    Ok(())
}

pub(super) fn binary_level<'a>(
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

pub(super) fn keyword_operator(
    input: Tokens<'_>,
    word: &str,
    op: BinaryOp,
) -> Option<(BinaryOp, usize)> {
    peek_keyword(input, word).then_some((op, 1))
}

pub(super) fn or_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, xor_expression, |input| keyword_operator(input, "OR", BinaryOp::Or))
}

pub(super) fn xor_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, and_expression, |input| keyword_operator(input, "XOR", BinaryOp::Xor))
}

pub(super) fn and_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, not_expression, |input| keyword_operator(input, "AND", BinaryOp::And))
}

pub(super) fn not_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn comparison_operator(input: Tokens<'_>) -> Option<BinaryOp> {
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

pub(super) fn comparison_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
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
pub(super) fn predicate_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn additive_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, multiplicative_expression, |input| match input.first()?.kind {
        TokenKind::Punct(Punct::Plus) => Some((BinaryOp::Add, 1)),
        TokenKind::Punct(Punct::Minus) => Some((BinaryOp::Subtract, 1)),
        _ => None,
    })
}

pub(super) fn multiplicative_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, power_expression, |input| match input.first()?.kind {
        TokenKind::Punct(Punct::Star) => Some((BinaryOp::Multiply, 1)),
        TokenKind::Punct(Punct::Slash) => Some((BinaryOp::Divide, 1)),
        TokenKind::Punct(Punct::Percent) => Some((BinaryOp::Modulo, 1)),
        _ => None,
    })
}

pub(super) fn power_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    binary_level(input, unary_expression, |input| match input.first()?.kind {
        TokenKind::Punct(Punct::Caret) => Some((BinaryOp::Power, 1)),
        _ => None,
    })
}

pub(super) fn unary_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn unary_operand(
    input: Tokens<'_>,
    mut signs: Vec<(UnaryOp, Span)>,
) -> PResult<'_, Expr> {
    // `-9223372036854775808` is the smallest integer, though its digits alone overflow.
    if let (Some((UnaryOp::Minus, minus_span)), Some(token)) =
        (signs.last().copied(), input.first())
        && token.kind == TokenKind::Integer
        && minus_span.end == token.span.start
        && let Some(value) = parse_negative_integer(input.text(token))
    {
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

pub(super) fn parse_negative_integer(text: &str) -> Option<i64> {
    let (digits, radix) = integer_digits(text);
    i64::from_str_radix(&format!("-{digits}"), radix).ok()
}

pub(super) fn integer_digits(text: &str) -> (&str, u32) {
    if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else if let Some(octal) = text.strip_prefix("0o") {
        (octal, 8)
    } else {
        (text, 10)
    }
}

pub(super) fn parse_integer(text: &str) -> Option<i64> {
    let (digits, radix) = integer_digits(text);
    i64::from_str_radix(digits, radix).ok()
}

pub(super) fn postfix_start(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, atom_expr) = atom(input)?;
    postfix_expression(input, atom_expr)
}

/// Property lookups, indexing, slicing and label tests after an atom.
pub(super) fn postfix_expression(input: Tokens<'_>, expr: Expr) -> PResult<'_, Expr> {
    let start_depth = input.depth.get();
    let result = postfix_chain(input, expr);
    input.depth.set(start_depth);
    result
}

pub(super) fn postfix_chain(mut input: Tokens<'_>, mut expr: Expr) -> PResult<'_, Expr> {
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

pub(super) fn atom(input: Tokens<'_>) -> PResult<'_, Expr> {
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
                ErrorCode::IntegerOverflow,
                format!("integer `{text}` does not fit in 64 bits"),
                token.span,
            ),
        },
        TokenKind::Float => match text.parse::<f64>() {
            Ok(value) if value.is_finite() => literal(Literal::Float(value)),
            _ => fail_with(
                input,
                ErrorCode::FloatingPointOverflow,
                format!("float `{text}` is too large"),
                token.span,
            ),
        },
        TokenKind::String => match lexer::string_value(text) {
            Ok(value) => literal(Literal::String(value)),
            Err(error) => {
                let at = token.span.start + error.offset;
                fail_with(
                    input,
                    ErrorCode::InvalidUnicodeLiteral,
                    error.message,
                    Span::new(at, at + 1),
                )
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

pub(super) fn is_quantifier(text: &str) -> bool {
    ["all", "any", "none", "single"].iter().any(|name| text.eq_ignore_ascii_case(name))
}

/// `a.b.f(`: a function name with a namespace.
pub(super) fn is_namespaced_call(input: Tokens<'_>) -> bool {
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

pub(super) fn parameter(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn list_literal(input: Tokens<'_>) -> PResult<'_, Expr> {
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
pub(super) fn filter_expression(input: Tokens<'_>) -> PResult<'_, (Ident, Expr, Option<Expr>)> {
    let (input, name) = variable(input)?;
    let (input, _) = keyword("IN")(input)?;
    let (input, list) = cut(expression).parse(input)?;
    let (input, filter) = opt_where(input)?;
    Ok((input, (name, list, filter)))
}

pub(super) fn list_comprehension(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn pattern_comprehension(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn quantifier(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn reduce(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn map_literal(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn map_projection(input: Tokens<'_>, subject: Expr) -> PResult<'_, Expr> {
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

pub(super) fn case_expression(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, case_span) = keyword("CASE")(input)?;
    let (mut input, operand) = if peek_keyword(input, "WHEN") {
        (input, None)
    } else {
        cut(expression).parse(input).map(|(rest, found)| (rest, Some(Box::new(found))))?
    };
    let mut branches = Vec::new();
    while peek_keyword(input, "WHEN") {
        let (mut rest, condition) = cut(expression).parse(input.skip(1))?;
        // `CASE x WHEN 1, 2 THEN …` (Neo4j 5): one branch per value, the same result.
        let mut conditions = vec![condition];
        while operand.is_some()
            && let Ok((after_comma, _)) = punct(Punct::Comma)(rest)
        {
            let (after, another) = cut(expression).parse(after_comma)?;
            conditions.push(another);
            rest = after;
        }
        let (rest, _) = cut(keyword("THEN")).parse(rest)?;
        let (rest, result) = cut(expression).parse(rest)?;
        for condition in conditions {
            branches.push((condition, result.clone()));
        }
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

pub(super) fn function_call(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn parenthesised(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, open) = punct(Punct::LParen)(input)?;
    let (input, mut inner) = opened(cut(expression).parse(input), open)?;
    let (input, close) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    inner.span = open.to(close);
    Ok((input, inner))
}

/// `(a)-[:T]->(b)` in an expression: only a pattern with at least one relationship.
pub(super) fn pattern_predicate(input: Tokens<'_>) -> PResult<'_, Expr> {
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

pub(super) fn exists_subquery(input: Tokens<'_>) -> PResult<'_, Expr> {
    let (input, exists_span) = keyword("EXISTS")(input)?;
    let (input, open) = punct(Punct::LBrace)(input)?;
    let input = if peek_keyword(input, "MATCH") { input.skip(1) } else { input };
    let (input, parsed_pattern) = opened(cut(pattern).parse(input), open)?;
    let (input, where_clause) = opt_where(input)?;
    let (input, returns) = if peek_keyword(input, "RETURN") {
        let (rest, clause) = opened(return_clause(input), open)?;
        let Clause::Return(projection) = clause else {
            unreachable!("return_clause parses RETURN only")
        };
        (rest, Some(projection))
    } else {
        (input, None)
    };
    let (input, close) = opened(cut(punct(Punct::RBrace)).parse(input), open)?;
    let subquery = ExistsSubquery { pattern: parsed_pattern, where_clause, returns };
    Ok((input, Expr { kind: ExprKind::Exists(Box::new(subquery)), span: exists_span.to(close) }))
}
