//! Entity search: ranked, typo-tolerant, ASCII-tolerant lookup over every node's
//! `name`, `name_en`, `short_name` and `aliases`.
//!
//! Text is compared in two forms: folded (case and diacritics gone, the four i's one
//! letter) and a looser "skeleton" that also maps the usual English spellings of
//! Azerbaijani letters (`ə`→`a`, `x`↔`kh`, `ş`↔`sh`, `c`↔`j`, `q`↔`g`), so `Aliyev`
//! finds `Əliyev` and `Karabakh` finds `Qarabağ`. Pure: graph + query → hits.

use crate::graph::{Graph, NodeId, Value};
use crate::text::{edit_distance, fold};

/// The properties searched, in order of preference.
pub const SEARCHED_KEYS: &[&str] = &["name", "name_en", "short_name", "aliases"];

/// Words longer than this, in the query or the data, match exactly or by prefix but
/// never by typo (see `score`).
const MAX_TYPO_WORD: usize = 64;

/// One match.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub node: NodeId,
    /// Higher is better; 100 is an exact (folded) match.
    pub score: u32,
    /// The property and text that matched best.
    pub field: &'static str,
    pub matched: String,
}

/// Finds the nodes best matching `query`, best first, at most `limit`.
///
/// ```
/// use korpu::{graph::Graph, search::find};
/// let mut graph = Graph::default();
/// graph.add_node(Some("p"), &["Person"], vec![("name".into(), "İlham İsmayılov".into())]).unwrap();
/// let hits = find(&graph, "ilham ismayilov", 5);
/// assert_eq!(hits[0].score, 100);
/// ```
pub fn find(graph: &Graph, query: &str, limit: usize) -> Vec<Hit> {
    let folded_query = fold(query.trim());
    if folded_query.is_empty() {
        return Vec::new();
    }
    let skeleton_query = skeleton(&folded_query);
    let mut hits: Vec<Hit> = Vec::new();
    for node in graph.nodes() {
        let mut best: Option<Hit> = None;
        for key in SEARCHED_KEYS {
            let texts: Vec<&str> = match graph.node_property_by_name(node, key) {
                Some(Value::String(text)) => vec![text],
                Some(Value::List(items)) => items.iter().filter_map(Value::as_str).collect(),
                _ => continue,
            };
            for text in texts {
                let score = score(&folded_query, &skeleton_query, text);
                if score > 0 && best.as_ref().is_none_or(|best| score > best.score) {
                    best = Some(Hit { node, score, field: key, matched: text.to_owned() });
                }
            }
        }
        hits.extend(best);
    }
    hits.sort_by(|left, right| {
        right
            .score
            .cmp(&left.score)
            .then_with(|| left.matched.len().cmp(&right.matched.len()))
            .then_with(|| left.node.cmp(&right.node))
    });
    hits.truncate(limit);
    hits
}

/// The loose form: folded, with English spellings of Azerbaijani letters made equal.
fn skeleton(folded: &str) -> String {
    let replaced = folded
        .replace("kh", "x")
        .replace("sh", "s")
        .replace("ch", "c")
        .replace("gh", "g")
        .replace("zh", "j");
    replaced
        .chars()
        .map(|character| match character {
            'j' => 'c',
            'q' => 'g',
            'w' => 'v',
            other => other,
        })
        .collect()
}

/// `fold`, except that `ə` becomes `a` (its usual English spelling) rather than `e`.
fn fold_english(text: &str) -> String {
    fold(&text.replace(['ə', 'Ə'], "a"))
}

fn score(folded_query: &str, skeleton_query: &str, candidate: &str) -> u32 {
    let folded = fold(candidate);
    if folded == folded_query {
        return 100;
    }
    let skeletons = [skeleton(&folded), skeleton(&fold_english(candidate))];
    if skeletons.iter().any(|form| form == skeleton_query) {
        return 95;
    }
    if folded.starts_with(folded_query) {
        return 85;
    }
    if skeletons.iter().any(|form| form.starts_with(skeleton_query)) {
        return 80;
    }
    let query_words: Vec<&str> = skeleton_query.split_whitespace().collect();
    for form in &skeletons {
        let words: Vec<&str> = form
            .split(|character: char| !character.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .collect();
        if query_words
            .iter()
            .all(|query_word| words.iter().any(|word| word.starts_with(query_word)))
        {
            return 75;
        }
    }
    if folded.contains(folded_query) || skeletons.iter().any(|form| form.contains(skeleton_query)) {
        return 65;
    }
    // Typos: every query word close to some word of the candidate. Only words whose
    // lengths are within the allowed edits can be that close, and words past
    // `MAX_TYPO_WORD` are not measured at all: the measure costs the product of the two
    // lengths, which for two words of 100,000 letters (data and a query can hold them) is
    // more memory than a machine has.
    let mut worst = 0usize;
    for query_word in &query_words {
        let length = query_word.chars().count();
        let allowed = match length {
            0..=3 => 0,
            4..=6 => 1,
            _ => 2,
        };
        let best = skeletons
            .iter()
            .flat_map(|form| {
                form.split(|character: char| !character.is_alphanumeric())
                    .filter(|word| {
                        let word_length = word.chars().count();
                        !word.is_empty()
                            && length <= MAX_TYPO_WORD
                            && word_length <= MAX_TYPO_WORD
                            && word_length.abs_diff(length) <= allowed
                    })
                    .map(|word| edit_distance(query_word, word))
                    .collect::<Vec<_>>()
            })
            .min()
            .unwrap_or(usize::MAX);
        if best > allowed {
            return 0;
        }
        worst = worst.max(best);
    }
    if query_words.is_empty() { 0 } else { 60 - 10 * worst as u32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn graph() -> Graph {
        let mut graph = Graph::default();
        graph
            .add_node(Some("zaur"), &["Person"], vec![("name".into(), "Zaur Əliyev".into())])
            .unwrap();
        graph
            .add_node(
                Some("karabakh"),
                &["Topic"],
                vec![("name".into(), "Dağlıq Qarabağ münaqişəsi".into())],
            )
            .unwrap();
        graph
            .add_node(Some("asaif"), &["Organization"], vec![("short_name".into(), "ASAİF".into())])
            .unwrap();
        graph
    }

    #[test]
    fn english_spellings_find_azerbaijani_names() {
        let graph = graph();
        assert_eq!(graph.node_key(find(&graph, "Zaur Aliyev", 1)[0].node), "zaur");
        assert_eq!(graph.node_key(find(&graph, "karabagh", 1)[0].node), "karabakh");
        assert_eq!(graph.node_key(find(&graph, "asaif", 1)[0].node), "asaif");
    }

    #[test]
    fn tolerates_a_typo() {
        let graph = graph();
        assert_eq!(graph.node_key(find(&graph, "Zuar Eliyev", 1)[0].node), "zaur");
        assert!(find(&graph, "completely unrelated", 3).is_empty());
    }

    #[test]
    fn words_of_any_length_cost_no_more_than_their_length() {
        let mut graph = graph();
        let word = "Ə".repeat(100_000);
        graph
            .add_node(Some("long"), &["Topic"], vec![("name".into(), word.as_str().into())])
            .unwrap();
        // One letter off: a typo in a 100,000-letter word is not looked for; the
        // measure would need 10^10 cells.
        let query = format!("{}x", "Ə".repeat(99_999));
        assert!(find(&graph, &query, 3).is_empty());
        assert_eq!(graph.node_key(find(&graph, &word, 1)[0].node), "long");
    }
}
