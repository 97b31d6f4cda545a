//! Schema commands: `CREATE`/`DROP` of indexes and constraints in Neo4j 5's spelling
//! and the older one, and `SHOW INDEXES`/`SHOW CONSTRAINTS`.

use nom::combinator::cut;
use nom::{Input, Parser};

use super::*;

/// Index kinds Neo4j has that Körpü does not, named so the error can say so.
const OTHER_INDEX_KINDS: &[&str] = &["FULLTEXT", "POINT", "VECTOR", "LOOKUP"];

/// `CREATE … INDEX …`, `CREATE CONSTRAINT …`, `DROP INDEX …`, `DROP CONSTRAINT …`.
pub(super) fn schema_command(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let second = after(input, 1);
    if peek_keyword(input, "CREATE") {
        if peek_keyword(second, "CONSTRAINT") {
            return create_constraint(second.skip(1), start);
        }
        let kind = if peek_keyword(second, "RANGE") || peek_keyword(second, "BTREE") {
            Some(IndexKindName::Range)
        } else if peek_keyword(second, "TEXT") {
            Some(IndexKindName::Text)
        } else {
            None
        };
        if kind.is_some() {
            let (rest, _) = cut(keyword("INDEX")).parse(second.skip(1))?;
            return create_index(rest, kind, start);
        }
        if peek_keyword(second, "INDEX") {
            return create_index(second.skip(1), None, start);
        }
        if let Some(other) = OTHER_INDEX_KINDS.iter().find(|kind| peek_keyword(second, kind)) {
            let span = second.first().map_or(Span::new(start, start), |token| token.span);
            return fail_with(
                second,
                ErrorCode::UnsupportedIndexKind,
                format!(
                    "Körpü has RANGE and TEXT indexes; {other} indexes are not supported (a RANGE index serves equality, ranges and STARTS WITH)"
                ),
                span,
            );
        }
        // `CREATE (…)`: the CREATE clause's to parse.
        return fail_any(input, &[]);
    }
    if peek_keyword(input, "DROP") {
        if peek_keyword(second, "INDEX") {
            let (rest, drop) = drop_rule(second.skip(1), start, false)?;
            return Ok((rest, Clause::Schema(SchemaCommand::DropIndex(drop))));
        }
        if peek_keyword(second, "CONSTRAINT") {
            let (rest, drop) = drop_rule(second.skip(1), start, true)?;
            return Ok((rest, Clause::Schema(SchemaCommand::DropConstraint(drop))));
        }
        return cut(|input| fail_any(input, &["INDEX", "CONSTRAINT"])).parse(second);
    }
    fail_any(input, &[])
}

/// An optional name before `IF NOT EXISTS`, `FOR` or `ON`.
fn rule_name(input: Tokens<'_>) -> PResult<'_, Option<Ident>> {
    let Some(token) = input.first() else { return Ok((input, None)) };
    let is_clause_word =
        ["IF", "FOR", "ON"].iter().any(|word| is_keyword(token, input.source, word));
    if token.kind == TokenKind::QuotedWord || (token.kind == TokenKind::Word && !is_clause_word) {
        let (rest, name) = symbolic_name(input)?;
        return Ok((rest, Some(name)));
    }
    Ok((input, None))
}

/// `IF NOT EXISTS` (or, with `exists` only, `IF EXISTS`).
fn opt_if(input: Tokens<'_>, negated: bool) -> PResult<'_, bool> {
    if !peek_keyword(input, "IF") {
        return Ok((input, false));
    }
    let mut rest = input.skip(1);
    if negated {
        rest = cut(keyword("NOT")).parse(rest)?.0;
    }
    let (rest, _) = cut(keyword("EXISTS")).parse(rest)?;
    Ok((rest, true))
}

fn create_index(
    input: Tokens<'_>,
    kind: Option<IndexKindName>,
    start: usize,
) -> PResult<'_, Clause> {
    let (input, name) = rule_name(input)?;
    let (input, if_not_exists) = opt_if(input, true)?;
    let (input, (target, properties)) = if peek_keyword(input, "ON") {
        cut(old_index_target).parse(input.skip(1))?
    } else {
        let (input, _) = cut(keyword("FOR")).parse(input)?;
        let (input, target) = cut(schema_pattern).parse(input)?;
        let (input, _) = cut(keyword("ON")).parse(input)?;
        let (input, open) = cut(punct(Punct::LParen)).parse(input)?;
        let (input, properties) = opened(cut(|input| key_list(input, &target)).parse(input), open)?;
        let (input, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
        (input, (target, properties))
    };
    let span = Span::new(start, last_end(input, start));
    let command = CreateIndex { kind, name, if_not_exists, target, properties, span };
    Ok((input, Clause::Schema(SchemaCommand::CreateIndex(command))))
}

/// `:Label(key, …)`, the older way to name what an index covers.
fn old_index_target(input: Tokens<'_>) -> PResult<'_, (SchemaPattern, Vec<Ident>)> {
    let (input, _) = punct(Punct::Colon)(input)?;
    let (input, label) = cut(symbolic_name).parse(input)?;
    let (input, open) = cut(punct(Punct::LParen)).parse(input)?;
    let (mut input, first) = opened(cut(symbolic_name).parse(input), open)?;
    let mut properties = vec![first];
    while peek_punct(input, Punct::Comma) {
        let (rest, key) = opened(cut(symbolic_name).parse(input.skip(1)), open)?;
        properties.push(key);
        input = rest;
    }
    let (input, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    Ok((input, (SchemaPattern { variable: None, relationship: false, label }, properties)))
}

/// `(v:Label)` or `()-[v:TYPE]-()` (with either arrow, or none).
fn schema_pattern(input: Tokens<'_>) -> PResult<'_, SchemaPattern> {
    let (input, open) = punct(Punct::LParen)(input)?;
    if peek_punct(input, Punct::RParen) {
        let input = input.skip(1);
        let input = if peek_punct(input, Punct::Lt) { input.skip(1) } else { input };
        let (input, _) = cut(punct(Punct::Minus)).parse(input)?;
        let (input, bracket) = cut(punct(Punct::LBracket)).parse(input)?;
        let (input, variable) = opened(cut(variable).parse(input), bracket)?;
        let (input, _) = opened(cut(punct(Punct::Colon)).parse(input), bracket)?;
        let (input, label) = opened(cut(symbolic_name).parse(input), bracket)?;
        let (input, _) = opened(cut(punct(Punct::RBracket)).parse(input), bracket)?;
        let (input, _) = cut(punct(Punct::Minus)).parse(input)?;
        let input = if peek_punct(input, Punct::Gt) { input.skip(1) } else { input };
        let (input, open) = cut(punct(Punct::LParen)).parse(input)?;
        let (input, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
        return Ok((input, SchemaPattern { variable: Some(variable), relationship: true, label }));
    }
    let (input, variable) = opened(cut(variable).parse(input), open)?;
    let (input, _) = opened(cut(punct(Punct::Colon)).parse(input), open)?;
    let (input, label) = opened(cut(symbolic_name).parse(input), open)?;
    let (input, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
    Ok((input, SchemaPattern { variable: Some(variable), relationship: false, label }))
}

/// `v.key` naming the pattern's variable.
fn key_of<'a>(input: Tokens<'a>, target: &SchemaPattern) -> PResult<'a, Ident> {
    let (input, subject) = variable(input)?;
    if target.variable.as_ref().is_some_and(|variable| variable.name != subject.name) {
        let expected =
            target.variable.as_ref().map_or(String::new(), |variable| variable.name.clone());
        return fail_with(
            input,
            ErrorCode::UndefinedVariable,
            format!(
                "`{}` is not the variable of the pattern; write `{expected}.key`",
                subject.name
            ),
            subject.span,
        );
    }
    let (input, _) = cut(punct(Punct::Dot)).parse(input)?;
    cut(symbolic_name).parse(input)
}

fn key_list<'a>(input: Tokens<'a>, target: &SchemaPattern) -> PResult<'a, Vec<Ident>> {
    let (mut input, first) = key_of(input, target)?;
    let mut keys = vec![first];
    while peek_punct(input, Punct::Comma) {
        let (rest, key) = cut(|input| key_of(input, target)).parse(input.skip(1))?;
        keys.push(key);
        input = rest;
    }
    Ok((input, keys))
}

fn create_constraint(input: Tokens<'_>, start: usize) -> PResult<'_, Clause> {
    let (input, name) = rule_name(input)?;
    let (input, if_not_exists) = opt_if(input, true)?;
    let old = peek_keyword(input, "ON");
    let (input, _) =
        if old { (input.skip(1), ()) } else { (cut(keyword("FOR")).parse(input)?.0, ()) };
    let (input, target) = cut(schema_pattern).parse(input)?;
    let (input, _) = cut(keyword(if old { "ASSERT" } else { "REQUIRE" })).parse(input)?;
    let (input, (properties, requirement)) =
        cut(|input| requirement(input, &target)).parse(input)?;
    let span = Span::new(start, last_end(input, start));
    let command = CreateConstraint { name, if_not_exists, target, properties, requirement, span };
    Ok((input, Clause::Schema(SchemaCommand::CreateConstraint(command))))
}

/// `v.key IS …`, `(v.a, v.b) IS …`, or the older `exists(v.key)`.
fn requirement<'a>(
    input: Tokens<'a>,
    target: &SchemaPattern,
) -> PResult<'a, (Vec<Ident>, Requirement)> {
    if peek_keyword(input, "EXISTS")
        && input.skip(1).first().is_some_and(|token| token.kind == TokenKind::Punct(Punct::LParen))
    {
        let (input, open) = punct(Punct::LParen)(input.skip(1))?;
        let (input, key) = opened(cut(|input| key_of(input, target)).parse(input), open)?;
        let (input, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
        return Ok((input, (vec![key], Requirement::NotNull)));
    }
    let (input, properties) = if peek_punct(input, Punct::LParen) {
        let (input, open) = punct(Punct::LParen)(input)?;
        let (input, keys) = opened(cut(|input| key_list(input, target)).parse(input), open)?;
        let (input, _) = opened(cut(punct(Punct::RParen)).parse(input), open)?;
        (input, keys)
    } else {
        let (input, key) = key_of(input, target)?;
        (input, vec![key])
    };
    let (input, _) = cut(keyword("IS")).parse(input)?;
    if peek_keyword(input, "UNIQUE") {
        return Ok((input.skip(1), (properties, Requirement::Unique)));
    }
    if peek_keyword(input, "NOT") {
        let (input, _) = cut(keyword("NULL")).parse(input.skip(1))?;
        return Ok((input, (properties, Requirement::NotNull)));
    }
    if peek_keyword(input, "KEY") {
        return Ok((input.skip(1), (properties, Requirement::Key)));
    }
    if peek_keyword(input, "NODE")
        || peek_keyword(input, "RELATIONSHIP")
        || peek_keyword(input, "REL")
    {
        let (input, _) = cut(keyword("KEY")).parse(input.skip(1))?;
        return Ok((input, (properties, Requirement::Key)));
    }
    let input = if peek_keyword(input, "TYPED") {
        input.skip(1)
    } else if peek_punct(input, Punct::Colon)
        && input.skip(1).first().is_some_and(|token| token.kind == TokenKind::Punct(Punct::Colon))
    {
        input.skip(2)
    } else {
        return fail_any(
            input,
            &["UNIQUE", "NOT NULL", "NODE KEY", "RELATIONSHIP KEY", "`::` and a type"],
        );
    };
    let (mut input, first) = cut(type_name).parse(input)?;
    let mut types = vec![first];
    while peek_punct(input, Punct::Pipe) {
        let (rest, next) = cut(type_name).parse(input.skip(1))?;
        types.push(next);
        input = rest;
    }
    Ok((input, (properties, Requirement::Typed(types))))
}

/// A property type: `INTEGER`, `LOCAL DATETIME`, `LIST<STRING NOT NULL>`…
fn type_name(input: Tokens<'_>) -> PResult<'_, TypeName> {
    let words: Vec<&str> = (0..3)
        .map_while(|at| {
            after(input, at)
                .first()
                .filter(|token| token.kind == TokenKind::Word)
                .map(|token| input.text(token))
        })
        .collect();
    let upper: Vec<String> = words.iter().map(|word| word.to_ascii_uppercase()).collect();
    let upper: Vec<&str> = upper.iter().map(String::as_str).collect();
    let (length, name) = match upper.as_slice() {
        ["LOCAL", "DATETIME", ..] => (2, TypeName::LocalDateTime),
        ["LOCAL", "TIME", ..] => (2, TypeName::LocalTime),
        ["ZONED", "DATETIME", ..] => (2, TypeName::ZonedDateTime),
        ["ZONED", "TIME", ..] => (2, TypeName::ZonedTime),
        ["BOOLEAN" | "BOOL", ..] => (1, TypeName::Boolean),
        ["STRING" | "VARCHAR", ..] => (1, TypeName::String),
        ["INTEGER" | "INT", ..] => (1, TypeName::Integer),
        ["FLOAT", ..] => (1, TypeName::Float),
        ["DATE", ..] => (1, TypeName::Date),
        ["DURATION", ..] => (1, TypeName::Duration),
        ["LIST", ..] => {
            let (rest, _) = cut(punct(Punct::Lt)).parse(input.skip(1))?;
            let (rest, inner) = cut(type_name).parse(rest)?;
            let (rest, _) = cut(keyword("NOT")).parse(rest)?;
            let (rest, _) = cut(keyword("NULL")).parse(rest)?;
            let (rest, _) = cut(punct(Punct::Gt)).parse(rest)?;
            return Ok((rest, TypeName::List(Box::new(inner))));
        }
        _ => {
            return fail(
                input,
                "a property type (BOOLEAN, STRING, INTEGER, FLOAT, DATE, LOCAL TIME, ZONED TIME, LOCAL DATETIME, ZONED DATETIME, DURATION or LIST<… NOT NULL>)",
            );
        }
    };
    Ok((input.skip(length), name))
}

fn drop_rule(input: Tokens<'_>, start: usize, constraint: bool) -> PResult<'_, DropRule> {
    let (input, target) = if peek_keyword(input, "ON") {
        let input = input.skip(1);
        if constraint {
            let (input, target) = cut(schema_pattern).parse(input)?;
            let (input, _) = cut(keyword("ASSERT")).parse(input)?;
            let (input, (properties, requirement)) =
                cut(|input| requirement(input, &target)).parse(input)?;
            (input, DropTarget::Constraint { target, properties, requirement })
        } else {
            let (input, (target, properties)) = cut(old_index_target).parse(input)?;
            (input, DropTarget::Index { target, properties })
        }
    } else {
        let (input, name) = cut(symbolic_name).parse(input)?;
        (input, DropTarget::Named(name))
    };
    let (input, if_exists) = opt_if(input, false)?;
    Ok((input, DropRule { target, if_exists, span: Span::new(start, last_end(input, start)) }))
}

/// `SHOW [ALL | RANGE | TEXT] INDEX[ES]` or
/// `SHOW [ALL | [NODE | RELATIONSHIP | REL] (UNIQUE | KEY | EXIST | PROPERTY TYPE)] CONSTRAINT[S]`,
/// then `[YIELD …] [WHERE …]`.
pub(super) fn show_clause(input: Tokens<'_>) -> PResult<'_, Clause> {
    let start = input.offset();
    let (mut input, _) = keyword("SHOW")(input)?;
    let mut index_kind = None;
    let mut filter = ConstraintFilter { relationship: None, kind: None };
    if peek_keyword(input, "ALL") {
        input = input.skip(1);
    } else if peek_keyword(input, "RANGE") || peek_keyword(input, "BTREE") {
        index_kind = Some(IndexKindName::Range);
        input = input.skip(1);
    } else if peek_keyword(input, "TEXT") {
        index_kind = Some(IndexKindName::Text);
        input = input.skip(1);
    } else {
        if peek_keyword(input, "NODE") {
            filter.relationship = Some(false);
            input = input.skip(1);
        } else if peek_keyword(input, "RELATIONSHIP") || peek_keyword(input, "REL") {
            filter.relationship = Some(true);
            input = input.skip(1);
        }
        for (word, kind) in [
            ("UNIQUE", ConstraintKindName::Unique),
            ("UNIQUENESS", ConstraintKindName::Unique),
            ("KEY", ConstraintKindName::Key),
            ("EXIST", ConstraintKindName::Exist),
            ("EXISTENCE", ConstraintKindName::Exist),
        ] {
            if peek_keyword(input, word) {
                filter.kind = Some(kind);
                input = input.skip(1);
                break;
            }
        }
        if filter.kind.is_none() && peek_keyword(input, "PROPERTY") {
            input = cut(keyword("TYPE")).parse(input.skip(1))?.0;
            filter.kind = Some(ConstraintKindName::PropertyType);
        }
    }
    let constraints_only = filter.relationship.is_some() || filter.kind.is_some();
    let what =
        if !constraints_only && (peek_keyword(input, "INDEX") || peek_keyword(input, "INDEXES")) {
            ShowWhat::Indexes(index_kind)
        } else if index_kind.is_none()
            && (peek_keyword(input, "CONSTRAINT") || peek_keyword(input, "CONSTRAINTS"))
        {
            ShowWhat::Constraints(filter)
        } else if constraints_only {
            return cut(|input| fail(input, "CONSTRAINTS")).parse(input);
        } else if index_kind.is_some() {
            return cut(|input| fail(input, "INDEXES")).parse(input);
        } else {
            return cut(|input| fail_any(input, &["INDEXES", "CONSTRAINTS"])).parse(input);
        };
    let input = input.skip(1);
    let (input, yields) = opt_yield(input)?;
    let (input, where_clause) = if yields.is_none() { opt_where(input)? } else { (input, None) };
    let span = Span::new(start, last_end(input, start));
    Ok((input, Clause::Show(Show { what, yields, where_clause, span })))
}

/// `input` without its first `count` tokens, or empty when it has fewer.
fn after(input: Tokens<'_>, count: usize) -> Tokens<'_> {
    input.skip(count.min(input.input_len()))
}
