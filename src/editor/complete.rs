//! Tab completion that knows the graph: keywords and functions anywhere; labels after
//! `(x:`; relationship types after `[r:` and `-[:`; property keys after `x.` (for the
//! labels `x` has in the statement, else all); names inside `{name: '`; parameters after
//! `$`; `:commands` and their arguments.
//!
//! `complete(text, pos, &Vocabulary) -> (start, candidates)` is pure: the context comes from
//! `scan` (the query lexer) and the vocabulary from a `Vocabulary` snapshot. File names are
//! the one thing it does not list: `wants_path` says where a path starts, and the
//! rustyline helper lists the directory.

use std::collections::BTreeSet;

use crate::query::syntax::ast::write_name;
use crate::query::syntax::lexer::{KEYWORDS, LexError, Punct, TokenKind, word_name};
use crate::text::fold;

use super::Vocabulary;
use super::commands::{COMMANDS, TOPICS};
use super::scan::{
    Bracket, Role, Scanned, bindings, pattern_of_open_map, scan, scan_with_brackets,
};

/// Scalar and aggregate functions, spelled as the openCypher documentation spells them:
/// the planner's catalogue of scalar functions, and the aggregates.
pub fn function_names() -> Vec<&'static str> {
    let scalars = crate::query::plan::ir::FUNCTIONS
        .iter()
        .map(|spec| spec.name)
        .filter(|name| !name.ends_with(".transaction"));
    let aggregates =
        crate::query::plan::ir::AggregateFunction::ALL.iter().map(|function| function.name());
    scalars.chain(aggregates).collect()
}

/// Words that read like functions but are grammar: path selectors, quantifiers, `reduce`.
const FUNCTION_LIKE: &[&str] =
    &["shortestPath", "allShortestPaths", "all", "any", "none", "single", "reduce"];

/// Completes the word before `pos` in `text` (the statement so far, earlier lines
/// included). Returns where the replaced text starts and the candidates, best first.
///
/// ```
/// use korpu::editor::{complete::complete, Vocabulary};
/// let vocabulary = Vocabulary { labels: vec!["NGO".into(), "Person".into()], ..Vocabulary::default() };
/// assert_eq!(complete("MATCH (n:Pe", 11, &vocabulary), (9, vec!["Person".to_owned()]));
/// ```
pub fn complete(text: &str, pos: usize, vocabulary: &Vocabulary) -> (usize, Vec<String>) {
    if pos > text.len() || !text.is_char_boundary(pos) {
        return (pos, Vec::new());
    }
    let leading = text.len() - text.trim_start().len();
    if text[leading..].starts_with(':') && pos > leading {
        return complete_command(text, leading, pos, vocabulary);
    }
    complete_cypher(text, pos, vocabulary)
}

/// Where a file path being typed starts, when the cursor is on one (`:source FILE`,
/// `:export dot FILE`).
pub fn wants_path(text: &str, pos: usize) -> Option<usize> {
    if pos > text.len() || !text.is_char_boundary(pos) {
        return None;
    }
    let leading = text.len() - text.trim_start().len();
    let line = text[leading..].strip_prefix(':')?;
    let words = words_before(line, pos.checked_sub(leading + 1)?);
    let (name, _) = words.first()?;
    let path_argument = match name.to_ascii_lowercase().as_str() {
        "source" => 1,
        "export" => 2,
        _ => return None,
    };
    (words.len() == path_argument + 1).then(|| leading + 1 + words[path_argument].1)
}

/// The words of `line[..pos]` with their starts; a trailing space starts an empty word.
fn words_before(line: &str, pos: usize) -> Vec<(&str, usize)> {
    let before = &line[..pos.min(line.len())];
    let mut words = Vec::new();
    let mut start = None;
    for (offset, character) in before.char_indices() {
        match (character.is_whitespace(), start) {
            (true, Some(begun)) => {
                words.push((&before[begun..offset], begun));
                start = None;
            }
            (false, None) => start = Some(offset),
            _ => {}
        }
    }
    match start {
        Some(begun) => words.push((&before[begun..], begun)),
        None => words.push(("", before.len())),
    }
    words
}

fn complete_command(
    text: &str,
    leading: usize,
    pos: usize,
    vocabulary: &Vocabulary,
) -> (usize, Vec<String>) {
    let body_start = leading + 1;
    let words = words_before(&text[body_start..], pos - body_start);
    let (name, _) = words[0];
    if words.len() == 1 {
        let candidates = COMMANDS
            .iter()
            .filter(|spec| spec.name.starts_with(&name.to_ascii_lowercase()))
            .map(|spec| format!(":{}", spec.name))
            .collect();
        return (leading, candidates);
    }
    let argument = words.len() - 1;
    let (prefix, prefix_start) = words[argument];
    let start = body_start + prefix_start;
    let pick = |options: &[&str]| -> (usize, Vec<String>) {
        let lowered = prefix.to_ascii_lowercase();
        (
            start,
            options
                .iter()
                .filter(|option| option.starts_with(&lowered))
                .map(|option| (*option).to_owned())
                .collect(),
        )
    };
    match (name.to_ascii_lowercase().as_str(), argument) {
        ("help", 1) => {
            let names: Vec<&str> =
                COMMANDS.iter().map(|spec| spec.name).chain(TOPICS.iter().copied()).collect();
            pick(&names)
        }
        ("format", 1) => pick(&["table", "json", "csv"]),
        ("timing", 1) => pick(&["on", "off"]),
        ("export", 1) => pick(&["dot"]),
        ("param", 1) => {
            let names: Vec<&str> = vocabulary.params.iter().map(String::as_str).collect();
            pick(&names)
        }
        ("explain", _) => {
            let query_start = body_start + words[1].1;
            shifted(
                complete_cypher(&text[query_start..], pos - query_start, vocabulary),
                query_start,
            )
        }
        ("export", argument) if argument >= 3 => {
            let query_start = body_start + words[3].1;
            shifted(
                complete_cypher(&text[query_start..], pos - query_start, vocabulary),
                query_start,
            )
        }
        _ => (pos, Vec::new()),
    }
}

fn shifted((start, candidates): (usize, Vec<String>), offset: usize) -> (usize, Vec<String>) {
    (start + offset, candidates)
}

/// What sort of word the cursor is on.
enum Slot {
    /// A word (label, key, keyword, …) starting at `start`; `prefix` is its name so far.
    Word { start: usize, prefix: String },
    /// `$name` starting at `start`.
    Parameter { start: usize, prefix: String },
    /// Inside a string literal opened at `quote_at`.
    StringValue { quote_at: usize },
    /// Nothing to complete (a number, a comment, a closed string).
    Nothing,
}

fn slot_at(items: &[(Scanned, Vec<Bracket>)], text: &str, pos: usize) -> Slot {
    let Some((last, _)) = items.last().filter(|(item, _)| item.token.span.end == pos) else {
        return Slot::Word { start: pos, prefix: String::new() };
    };
    let span = last.token.span;
    match &last.token.kind {
        TokenKind::Word | TokenKind::QuotedWord => Slot::Word {
            start: span.start,
            prefix: word_name(&last.token.kind, last.token.text(text)),
        },
        TokenKind::Error(LexError::UnterminatedQuotedName) => {
            Slot::Word { start: span.start, prefix: text[span.start + 1..pos].to_owned() }
        }
        TokenKind::Parameter => Slot::Parameter {
            start: span.start,
            prefix: text[span.start + 1..pos].trim_matches('`').to_owned(),
        },
        TokenKind::Error(LexError::UnexpectedCharacter) if last.token.text(text) == "$" => {
            Slot::Parameter { start: span.start, prefix: String::new() }
        }
        TokenKind::Error(LexError::UnterminatedString) => {
            Slot::StringValue { quote_at: span.start }
        }
        TokenKind::Punct(_) => Slot::Word { start: pos, prefix: String::new() },
        _ => Slot::Nothing,
    }
}

fn complete_cypher(text: &str, pos: usize, vocabulary: &Vocabulary) -> (usize, Vec<String>) {
    let before = &text[..pos];
    let items = scan_with_brackets(before);
    match slot_at(&items, before, pos) {
        Slot::Nothing => (pos, Vec::new()),
        Slot::Parameter { start, prefix } => (
            start,
            matching(&vocabulary.params, &prefix)
                .into_iter()
                .map(|name| format!("${}", written(name)))
                .collect(),
        ),
        Slot::StringValue { quote_at } => complete_value(text, &items, quote_at, pos, vocabulary),
        Slot::Word { start, prefix } => {
            // Read the context as if a word stood at `start`: its role says what fits there.
            let probe = format!("{}x", &before[..start]);
            let probed = scan_with_brackets(&probe);
            let Some((word, open)) = probed.last() else { return (start, Vec::new()) };
            let previous = probed
                .len()
                .checked_sub(2)
                .map(|at| &probed[at].0)
                .filter(|item| item.role != Role::Comment);
            let candidates = match word.role {
                Role::Label => written_all(matching(&vocabulary.labels, &prefix)),
                Role::RelType => written_all(matching(&vocabulary.rel_types, &prefix)),
                Role::PropertyKey => {
                    let keys = keys_after_dot(text, &probed, vocabulary);
                    written_all(matching(&keys, &prefix))
                }
                Role::Variable | Role::Keyword | Role::Function => {
                    let at_map_key = open.last() == Some(&Bracket::Brace)
                        && previous.is_some_and(|item| {
                            matches!(
                                item.token.kind,
                                TokenKind::Punct(Punct::LBrace | Punct::Comma)
                            )
                        });
                    if at_map_key {
                        let pattern = pattern_of_open_map(&probed[..probed.len() - 1], &probe);
                        let keys = keys_for(&pattern.labels, &pattern.rel_types, vocabulary);
                        written_all(matching(&keys, &prefix))
                    } else {
                        expression_words(text, start, &prefix)
                    }
                }
                _ => Vec::new(),
            };
            (start, candidates)
        }
    }
}

/// Keys for `x.`: those of the labels or types `x` has in the statement, else all.
fn keys_after_dot(
    text: &str,
    probed: &[(Scanned, Vec<Bracket>)],
    vocabulary: &Vocabulary,
) -> Vec<String> {
    let significant: Vec<&Scanned> =
        probed.iter().map(|(item, _)| item).filter(|item| item.role != Role::Comment).collect();
    let variable = significant.len().checked_sub(3).map(|at| significant[at]);
    let is_dot = significant
        .len()
        .checked_sub(2)
        .is_some_and(|at| significant[at].token.kind == TokenKind::Punct(Punct::Dot));
    if let Some(variable) = variable.filter(|_| is_dot)
        && matches!(variable.token.kind, TokenKind::Word | TokenKind::QuotedWord)
    {
        // Only `probed`'s text is trustworthy for spans; the whole statement gives the bindings.
        let name = word_name(&variable.token.kind, &probed_text(text, variable));
        if let Some(binding) = bindings(text).get(&name) {
            return keys_for(&binding.labels, &binding.rel_types, vocabulary);
        }
    }
    vocabulary.keys.clone()
}

fn probed_text(text: &str, item: &Scanned) -> String {
    text.get(item.token.span.start..item.token.span.end).unwrap_or_default().to_owned()
}

/// The keys nodes with these labels (or relationships of these types) have; all keys
/// when neither is known.
fn keys_for(labels: &[String], rel_types: &[String], vocabulary: &Vocabulary) -> Vec<String> {
    let mut keys: BTreeSet<&String> = BTreeSet::new();
    for label in labels {
        keys.extend(vocabulary.keys_by_label.get(label).into_iter().flatten());
    }
    for rel_type in rel_types {
        keys.extend(vocabulary.keys_by_type.get(rel_type).into_iter().flatten());
    }
    if labels.is_empty() && rel_types.is_empty() {
        return vocabulary.keys.clone();
    }
    keys.into_iter().cloned().collect()
}

/// Variables of the statement, then keywords, then functions.
fn expression_words(text: &str, start: usize, prefix: &str) -> Vec<String> {
    let lowercase = !prefix.is_empty() && !prefix.chars().any(char::is_uppercase);
    let mut variables: BTreeSet<String> = BTreeSet::new();
    for item in scan(text) {
        if item.role == Role::Variable && item.token.span.start != start {
            variables.insert(word_name(&item.token.kind, item.token.text(text)));
        }
    }
    let variables: Vec<String> = variables.into_iter().collect();
    let mut candidates: Vec<String> = written_all(matching(&variables, prefix));
    let keywords: Vec<String> = KEYWORDS
        .iter()
        .filter(|keyword| {
            !function_names().iter().any(|function| function.eq_ignore_ascii_case(keyword))
        })
        .map(|keyword| if lowercase { keyword.to_ascii_lowercase() } else { (*keyword).to_owned() })
        .collect();
    candidates.extend(matching(&keywords, prefix).into_iter().cloned());
    let functions: Vec<String> = function_names()
        .iter()
        .chain(FUNCTION_LIKE)
        .map(|function| (*function).to_owned())
        .collect();
    candidates
        .extend(matching(&functions, prefix).into_iter().map(|function| format!("{function}(")));
    let mut seen = BTreeSet::new();
    candidates.retain(|candidate| seen.insert(candidate.clone()));
    candidates
}

/// Values of the key the open string belongs to: `{name: '…` or `x.name = '…`.
fn complete_value(
    text: &str,
    items: &[(Scanned, Vec<Bracket>)],
    quote_at: usize,
    pos: usize,
    vocabulary: &Vocabulary,
) -> (usize, Vec<String>) {
    let before_quote = &items[..items.len() - 1];
    let significant: Vec<&Scanned> = before_quote
        .iter()
        .map(|(item, _)| item)
        .filter(|item| item.role != Role::Comment)
        .collect();
    let nth_back = |back: usize| significant.len().checked_sub(back).map(|at| significant[at]);
    let name_of = |item: &Scanned| word_name(&item.token.kind, item.token.text(text));
    let (key, labels) = match (nth_back(1), nth_back(2)) {
        // `{key: '…`
        (Some(colon), Some(key))
            if colon.token.kind == TokenKind::Punct(Punct::Colon)
                && key.role == Role::PropertyKey =>
        {
            (name_of(key), pattern_of_open_map(before_quote, text).labels)
        }
        // `x.key = '…`
        (Some(equals), Some(key))
            if equals.token.kind == TokenKind::Punct(Punct::Eq)
                && key.role == Role::PropertyKey =>
        {
            let variable = nth_back(4).filter(|_| {
                nth_back(3).is_some_and(|dot| dot.token.kind == TokenKind::Punct(Punct::Dot))
            });
            let labels = variable
                .and_then(|variable| bindings(text).remove(&name_of(variable)))
                .map(|binding| binding.labels)
                .unwrap_or_default();
            (name_of(key), labels)
        }
        _ => return (pos, Vec::new()),
    };
    let quote = text[quote_at..].chars().next().unwrap_or('\'');
    let typed = fold(&text[quote_at + 1..pos]);
    let mut starts: BTreeSet<&str> = BTreeSet::new();
    let mut contains: BTreeSet<&str> = BTreeSet::new();
    for value in &vocabulary.values {
        if value.key != key
            || !(labels.is_empty() || labels.iter().any(|label| value.labels.contains(label)))
        {
            continue;
        }
        let folded = fold(&value.value);
        if folded.starts_with(&typed) {
            starts.insert(&value.value);
        } else if folded
            .split(|character: char| !character.is_alphanumeric())
            .any(|word| word.starts_with(&typed))
        {
            contains.insert(&value.value);
        }
    }
    let candidates = starts
        .into_iter()
        .chain(contains)
        .map(|value| format!("{}{quote}", escape(value, quote)))
        .collect();
    (quote_at + 1, candidates)
}

fn escape(value: &str, quote: char) -> String {
    let mut escaped = String::with_capacity(value.len());
    for character in value.chars() {
        if character == '\\' || character == quote {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// The names starting with `prefix`, ignoring case.
fn matching<'names>(names: &'names [String], prefix: &str) -> Vec<&'names String> {
    let prefix = prefix.to_lowercase();
    names.iter().filter(|name| name.to_lowercase().starts_with(&prefix)).collect()
}

/// A name as the query must spell it (backticks when it is not a plain word).
fn written(name: &str) -> String {
    let mut text = String::new();
    let _ = write_name(&mut text, name);
    text
}

fn written_all(names: Vec<&String>) -> Vec<String> {
    names.into_iter().map(|name| written(name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::TextValue;

    fn vocabulary() -> Vocabulary {
        let keys = |names: &[&str]| names.iter().map(|name| (*name).to_owned()).collect();
        let value = |key: &str, label: &str, value: &str| TextValue {
            key: key.into(),
            labels: vec![label.into()],
            value: value.into(),
        };
        Vocabulary {
            labels: vec![
                "Country".into(),
                "DiasporaGroup".into(),
                "NGO".into(),
                "Person".into(),
                "Region".into(),
            ],
            rel_types: vec![
                "LEADS".into(),
                "LOCATED_IN".into(),
                "PARTNERS_WITH".into(),
                "PART_OF".into(),
            ],
            keys: vec!["founded".into(), "name".into(), "name_en".into(), "role".into()],
            keys_by_label: [
                ("NGO".to_owned(), keys(&["founded", "name", "name_en"])),
                ("Person".to_owned(), keys(&["name"])),
            ]
            .into(),
            keys_by_type: [("LEADS".to_owned(), keys(&["role"]))].into(),
            values: vec![
                value("name", "Person", "İlham İsmayılov"),
                value("name", "Person", "Rauf Zeyni"),
                value("name_en", "Region", "Baltics"),
                value("name_en", "Region", "Balkans"),
                value("name_en", "Country", "Belarus"),
                value("name", "NGO", "Qadın's Forum"),
            ],
            params: vec!["city".into()],
        }
    }

    /// Completes at the `‸` in `marked`.
    #[track_caller]
    fn check(marked: &str, expected: &[&str]) {
        let pos = marked.find('‸').expect("a ‸ marks the cursor");
        let text = marked.replacen('‸', "", 1);
        let (start, candidates) = complete(&text, pos, &vocabulary());
        assert_eq!(candidates, expected, "in {marked:?}");
        assert!(start <= pos, "start {start} after the cursor in {marked:?}");
    }

    #[track_caller]
    fn check_start(marked: &str, expected_start: usize) {
        let pos = marked.find('‸').unwrap();
        let text = marked.replacen('‸', "", 1);
        assert_eq!(complete(&text, pos, &vocabulary()).0, expected_start, "in {marked:?}");
    }

    #[test]
    fn labels_after_a_colon_in_a_node_pattern() {
        check("MATCH (n:‸", &["Country", "DiasporaGroup", "NGO", "Person", "Region"]);
        check("MATCH (n:Dia‸", &["DiasporaGroup"]);
        check("MATCH (n:dia‸", &["DiasporaGroup"]);
        check("MATCH (n:NGO)-[:PARTNERS_WITH]-(d:Di‸)", &["DiasporaGroup"]);
        check("MATCH (n) WHERE n:Pe‸", &["Person"]);
        check("MATCH (n:`Dia‸", &["DiasporaGroup"]);
        check_start("MATCH (n:Dia‸", 9);
    }

    #[test]
    fn relationship_types_in_relationship_patterns() {
        check("MATCH (a)-[:‸", &["LEADS", "LOCATED_IN", "PARTNERS_WITH", "PART_OF"]);
        check("MATCH (a)-[r:PA‸", &["PARTNERS_WITH", "PART_OF"]);
        check("MATCH (a)<-[:LEADS|LO‸", &["LOCATED_IN"]);
    }

    #[test]
    fn property_keys_for_the_labels_a_variable_has() {
        check("MATCH (n:NGO) RETURN n.‸", &["founded", "name", "name_en"]);
        check("MATCH (n:NGO) RETURN n.name_‸", &["name_en"]);
        check("MATCH (p:Person)\nRETURN p.‸", &["name"]);
        check("MATCH ()-[r:LEADS]->() RETURN r.‸", &["role"]);
        check("MATCH (x) RETURN x.‸", &["founded", "name", "name_en", "role"]);
        check("MATCH (n:NGO {na‸", &["name", "name_en"]);
        check("MATCH (n:Person {name: 'x', ‸", &["name"]);
        // Bindings later in the statement count too.
        check("MATCH (m) WHERE m.f‸ AND m:NGO RETURN m", &["founded"]);
    }

    #[test]
    fn keywords_functions_and_variables_elsewhere() {
        check("MATCH (n) RET‸", &["RETURN"]);
        check("match (n) ret‸", &["return"]);
        check("RETURN toLo‸", &["toLower("]);
        check("MATCH (ngo:NGO) RETURN ng‸", &["ngo"]);
        check("RETURN cou‸", &["count("]);
        check("MATCH (n) RETURN n ORDER BY n.name DESC LIM‸", &["LIMIT"]);
    }

    #[test]
    fn names_inside_quotes() {
        check("MATCH (p:Person {name: 'il‸", &["İlham İsmayılov'"]);
        check("MATCH (p:Person {name: 'isma‸", &["İlham İsmayılov'"]);
        check("MATCH (:Country)-[:PART_OF]->(:Region {name_en: 'Bal‸", &["Balkans'", "Baltics'"]);
        check("MATCH (r {name_en: 'B‸", &["Balkans'", "Baltics'", "Belarus'"]);
        check("MATCH (p:Person) WHERE p.name = \"Ra‸", &["Rauf Zeyni\""]);
        check("MATCH (o:NGO {name: 'Qa‸", &["Qadın\\'s Forum'"]);
        check_start("MATCH (p:Person {name: 'il‸", 24);
        // A string that is not a property value offers nothing.
        check("RETURN 'il‸", &[]);
    }

    #[test]
    fn parameters_after_a_dollar() {
        check("MATCH (n {name: $‸", &["$city"]);
        check("RETURN $ci‸", &["$city"]);
    }

    #[test]
    fn nothing_in_numbers_and_comments() {
        check("RETURN 12‸", &[]);
        check("RETURN 1 // a comm‸", &[]);
    }

    #[test]
    fn commands_and_their_arguments() {
        check(":sc‸", &[":schema"]);
        check(
            ":‸",
            &COMMANDS
                .iter()
                .map(|spec| format!(":{}", spec.name))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        );
        check(":format j‸", &["json"]);
        check(":timing ‸", &["on", "off"]);
        check(":help sch‸", &["schema"]);
        check(":explain MATCH (n:NG‸", &["NGO"]);
        check(":export dot out.dot MATCH (n:Pe‸", &["Person"]);
        check(":param c‸", &["city"]);
    }

    #[test]
    fn paths_after_source_and_export() {
        assert_eq!(wants_path(":source que", 11), Some(8));
        assert_eq!(wants_path(":source ", 8), Some(8));
        assert_eq!(wants_path(":export dot gr", 14), Some(12));
        assert_eq!(wants_path(":export do", 10), None);
        assert_eq!(wants_path(":schema ", 8), None);
        assert_eq!(wants_path("MATCH (n)", 9), None);
    }

    #[test]
    fn every_function_is_known_to_the_planner() {
        use crate::query::plan::ir::{AggregateFunction, Function};
        for name in function_names() {
            assert!(
                Function::from_name(name).is_some() || AggregateFunction::from_name(name).is_some(),
                "{name}"
            );
        }
    }

    #[test]
    fn odd_positions_do_not_panic() {
        let vocabulary = vocabulary();
        let text = "MATCH (n:NGO {name: 'Qadın'}) RETURN n.name; // ə";
        for pos in 0..=text.len() + 2 {
            let _ = complete(text, pos, &vocabulary);
            let _ = wants_path(text, pos);
        }
    }
}
