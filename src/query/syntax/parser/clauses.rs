//! Statements and clauses: `EXPLAIN`/`PROFILE`, `UNION`, and each clause of a single
//! query (reading, projecting and writing), built on the pattern and expression parsers.

use nom::branch::alt;
use nom::combinator::{cut, opt};
use nom::multi::separated_list1;
use nom::{Input, Parser};

use super::*;

pub(super) fn statement(input: Tokens<'_>) -> PResult<'_, Statement> {
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
pub(super) fn last_end(input: Tokens<'_>, fallback: usize) -> usize {
    // The tokens before `input` are not visible from it, so find the previous token's
    // end by scanning back over whitespace in the source.
    let offset = input.offset();
    let trimmed = input.source[..offset].trim_end();
    trimmed.len().max(fallback)
}

pub(super) fn query(input: Tokens<'_>) -> PResult<'_, Query> {
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

pub(super) fn single_query(input: Tokens<'_>) -> PResult<'_, SingleQuery> {
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

pub(super) fn clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    alt((
        schema_command,
        match_clause,
        unwind_clause,
        with_clause,
        return_clause,
        create_clause,
        merge_clause,
        set_clause,
        remove_clause,
        delete_clause,
        call_clause,
        show_clause,
        load_csv_clause,
    ))
    .parse(input)
}

pub(super) fn match_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
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

pub(super) fn opt_where(input: Tokens<'_>) -> PResult<'_, Option<Expr>> {
    if peek_keyword(input, "WHERE") {
        let (input, predicate) = cut(expression).parse(input.skip(1))?;
        Ok((input, Some(predicate)))
    } else {
        Ok((input, None))
    }
}

pub(super) fn unwind_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("UNWIND")(input)?;
    let (input, expr) = cut(expression).parse(input)?;
    let (input, _) = cut(keyword("AS")).parse(input)?;
    let (input, name) = cut(variable).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Unwind(Unwind { expr, variable: name, span: Span::new(start, end) })))
}

/// `LOAD CSV [WITH HEADERS] FROM url AS row [FIELDTERMINATOR ';']`.
pub(super) fn load_csv_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("LOAD")(input)?;
    let (input, _) = cut(keyword("CSV")).parse(input)?;
    let (input, with_headers) = if peek_keyword(input, "WITH") {
        (cut(keyword("HEADERS")).parse(input.skip(1))?.0, true)
    } else {
        (input, false)
    };
    let (input, _) = cut(keyword("FROM")).parse(input)?;
    let (input, url) = cut(expression).parse(input)?;
    let (input, _) = cut(keyword("AS")).parse(input)?;
    let (input, name) = cut(variable).parse(input)?;
    let (input, field_terminator) = if peek_keyword(input, "FIELDTERMINATOR") {
        let (input, terminator) = cut(expression).parse(input.skip(1))?;
        (input, Some(terminator))
    } else {
        (input, None)
    };
    let end = last_end(input, start);
    Ok((
        input,
        Clause::LoadCsv(LoadCsv {
            with_headers,
            url,
            variable: name,
            field_terminator,
            span: Span::new(start, end),
        }),
    ))
}

pub(super) fn with_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("WITH")(input)?;
    let (input, mut body) = cut(projection_body).parse(input)?;
    let (input, where_clause) = opt_where(input)?;
    body.where_clause = where_clause;
    body.span = Span::new(start, last_end(input, start));
    Ok((input, Clause::With(body)))
}

pub(super) fn return_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("RETURN")(input)?;
    let (input, mut body) = cut(projection_body).parse(input)?;
    body.span = Span::new(start, last_end(input, start));
    Ok((input, Clause::Return(body)))
}

pub(super) fn create_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("CREATE")(input)?;
    let (input, parsed_pattern) = cut(pattern).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Create(Create { pattern: parsed_pattern, span: Span::new(start, end) })))
}

pub(super) fn projection_body(input: Tokens<'_>) -> PResult<'_, Projection> {
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

pub(super) fn projection_item(input: Tokens<'_>) -> PResult<'_, ProjectionItem> {
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

pub(super) fn sort_item(input: Tokens<'_>) -> PResult<'_, SortItem> {
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

pub(super) fn merge_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("MERGE")(input)?;
    let (mut input, part) = cut(pattern_part).parse(input)?;
    let (mut on_create, mut on_match) = (Vec::new(), Vec::new());
    while peek_keyword(input, "ON") {
        let rest = input.skip(1);
        let (rest, which) = if peek_keyword(rest, "CREATE") {
            (rest.skip(1), &mut on_create)
        } else if peek_keyword(rest, "MATCH") {
            (rest.skip(1), &mut on_match)
        } else {
            return fail_any(rest, &["`CREATE`", "`MATCH`"]);
        };
        let (rest, _) = cut(keyword("SET")).parse(rest)?;
        let (rest, items) = cut(set_items).parse(rest)?;
        which.extend(items);
        input = rest;
    }
    let end = last_end(input, start);
    Ok((
        input,
        Clause::Merge(Merge { pattern: part, on_create, on_match, span: Span::new(start, end) }),
    ))
}

pub(super) fn set_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("SET")(input)?;
    let (input, items) = cut(set_items).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Set(SetClause { items, span: Span::new(start, end) })))
}

fn set_items(input: Tokens<'_>) -> PResult<'_, Vec<SetItem>> {
    separated_list1(punct(Punct::Comma), set_item).parse(input)
}

/// `n.key = value`, `n = map`, `n += map` or `n:Label`.
fn set_item(input: Tokens<'_>) -> PResult<'_, SetItem> {
    let start = input.offset();
    if let Ok((rest, name)) = variable(input) {
        if peek_punct(rest, Punct::Eq) || peek_punct(rest, Punct::PlusEq) {
            let adds = peek_punct(rest, Punct::PlusEq);
            let (rest, value) = cut(expression).parse(rest.skip(1))?;
            let span = Span::new(start, last_end(rest, start));
            let item = if adds {
                SetItem::AddProperties { variable: name, value, span }
            } else {
                SetItem::AllProperties { variable: name, value, span }
            };
            return Ok((rest, item));
        }
        if peek_punct(rest, Punct::Colon) {
            let (rest, labels) = label_list(rest)?;
            let span = Span::new(start, last_end(rest, start));
            return Ok((rest, SetItem::Labels { variable: name, labels, span }));
        }
    }
    let (rest, (subject, key)) = property_target(input)?;
    let (rest, _) = cut(punct(Punct::Eq)).parse(rest)?;
    let (rest, value) = cut(expression).parse(rest)?;
    let span = Span::new(start, last_end(rest, start));
    Ok((rest, SetItem::Property { subject, key, value, span }))
}

/// A property expression (`n.key`, `(expr).key`, `n.a.b`) split into subject and key.
fn property_target(input: Tokens<'_>) -> PResult<'_, (Expr, Ident)> {
    let (rest, target) = cut(postfix_start).parse(input)?;
    match target.kind {
        ExprKind::Property(subject, key) => Ok((rest, (*subject, key))),
        _ => fail_with(
            input,
            ErrorCode::InvalidSetTarget,
            format!("expected a property (`variable.key`), found `{target}`"),
            target.span,
        ),
    }
}

pub(super) fn remove_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("REMOVE")(input)?;
    let (input, items) =
        cut(|input| separated_list1(punct(Punct::Comma), remove_item).parse(input)).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Remove(Remove { items, span: Span::new(start, end) })))
}

fn remove_item(input: Tokens<'_>) -> PResult<'_, RemoveItem> {
    let start = input.offset();
    if let Ok((rest, name)) = variable(input)
        && peek_punct(rest, Punct::Colon)
    {
        let (rest, labels) = label_list(rest)?;
        let span = Span::new(start, last_end(rest, start));
        return Ok((rest, RemoveItem::Labels { variable: name, labels, span }));
    }
    let (rest, (subject, key)) = property_target(input)?;
    let span = Span::new(start, last_end(rest, start));
    Ok((rest, RemoveItem::Property { subject, key, span }))
}

pub(super) fn delete_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, detach) = match keyword("DETACH")(input) {
        Ok((rest, _)) => (cut(keyword("DELETE")).parse(rest)?.0, true),
        Err(_) => (keyword("DELETE")(input)?.0, false),
    };
    let (input, exprs) =
        cut(|input| separated_list1(punct(Punct::Comma), expression).parse(input)).parse(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Delete(Delete { detach, exprs, span: Span::new(start, end) })))
}

/// `CALL ns.name[(args)] [YIELD * | YIELD output [AS variable], … [WHERE predicate]]`.
pub(super) fn call_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (input, _) = keyword("CALL")(input)?;
    let (mut input, first) = cut(symbolic_name).parse(input)?;
    let mut name = first;
    while peek_punct(input, Punct::Dot) {
        let (rest, part) = cut(symbolic_name).parse(input.skip(1))?;
        name.name.push('.');
        name.name.push_str(&part.name);
        name.span = name.span.to(part.span);
        input = rest;
    }
    let mut args = None;
    if peek_punct(input, Punct::LParen) {
        let (rest, open) = punct(Punct::LParen)(input)?;
        input = rest;
        let mut list = Vec::new();
        if !peek_punct(input, Punct::RParen) {
            loop {
                let (rest, arg) = opened(cut(expression).parse(input), open)?;
                list.push(arg);
                input = rest;
                if !peek_punct(input, Punct::Comma) {
                    break;
                }
                input = input.skip(1);
            }
        }
        let (rest, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
        input = rest;
        args = Some(list);
    }
    let (input, yields) = opt_yield(input)?;
    let end = last_end(input, start);
    Ok((input, Clause::Call(Call { name, args, yields, span: Span::new(start, end) })))
}

/// `[YIELD * | YIELD output [AS variable], … [WHERE predicate]]`.
pub(super) fn opt_yield(input: Tokens<'_>) -> PResult<'_, Option<Yield>> {
    if !peek_keyword(input, "YIELD") {
        return Ok((input, None));
    }
    let yield_start = input.offset();
    let mut rest = input.skip(1);
    let mut star = false;
    let mut items = Vec::new();
    if peek_punct(rest, Punct::Star) {
        star = true;
        rest = rest.skip(1);
    } else {
        let (after, parsed) =
            cut(|input| separated_list1(punct(Punct::Comma), yield_item).parse(input))
                .parse(rest)?;
        items = parsed;
        rest = after;
    }
    let (rest, where_clause) = opt_where(rest)?;
    let span = Span::new(yield_start, last_end(rest, yield_start));
    Ok((rest, Some(Yield { star, items, where_clause, span })))
}

fn yield_item(input: Tokens<'_>) -> PResult<'_, YieldItem> {
    let (input, output) = symbolic_name(input)?;
    if peek_keyword(input, "AS") {
        let (rest, alias) = cut(variable).parse(input.skip(1))?;
        return Ok((rest, YieldItem { output, alias: Some(alias) }));
    }
    Ok((input, YieldItem { output, alias: None }))
}
