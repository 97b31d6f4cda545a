//! Text helpers shared by queries, search, tables and reports: Azerbaijani-aware
//! folding, display width, padding and terminal-safe text.
//!
//! `edit_distance` measures typos for search and for "did you mean" hints.
//! `fold` is what "a reader would call the same letter": case and diacritics removed,
//! with the four Azerbaijani/Turkish i's (`İ I ı i`) all folding to `i`. It is not
//! `to_lowercase`, which keeps diacritics and turns `İ` into `i` + a combining dot.
//! `terminal_safe` is what every table and report passes data through before it reaches
//! a terminal, and `pad_to` is how they align it.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// Reports (`korpu check`, `:schema`) pad names to the widest one, but to no more than
/// this many columns: a longer name pushes the rest of its own line to the right instead
/// of widening every line of the report.
pub const MAX_NAME_COLUMN: usize = 48;

/// The width of a report's name column, given the display width of every name: the
/// widest of them that is at most `MAX_NAME_COLUMN` (see there).
///
/// ```
/// use korpu::text::name_column_width;
/// assert_eq!(name_column_width([4, 9, 100_000]), 9);
/// assert_eq!(name_column_width([]), 0);
/// ```
pub fn name_column_width(widths: impl IntoIterator<Item = usize>) -> usize {
    widths.into_iter().filter(|width| *width <= MAX_NAME_COLUMN).max().unwrap_or(0)
}

/// Folds case and diacritics: `fold("İlham İsmayılov") == fold("ILHAM ISMAYILOV") == "ilham ismayilov"`.
///
/// ```
/// use korpu::text::fold;
/// assert_eq!(fold("Əliyev"), "eliyev");
/// assert_eq!(fold("İLHAM"), fold("ılham"));
/// assert_eq!(fold("Şəki Çörəyi Ağdam Güzəl"), "seki coreyi agdam guzel");
/// ```
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for character in text.chars() {
        match fold_char(character) {
            Some(replacement) => folded.push_str(replacement),
            None => {
                // Combining marks (from decomposed input) carry only diacritics.
                if ('\u{300}'..='\u{36f}').contains(&character) {
                    continue;
                }
                folded.extend(character.to_lowercase());
            }
        }
    }
    folded
}

/// The folded form of letters whose folding is more than lowercasing.
fn fold_char(character: char) -> Option<&'static str> {
    Some(match character {
        'İ' | 'I' | 'ı' | 'i' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'ì' | 'í' | 'î' | 'ï' | 'Ī' | 'ī' | 'Į'
        | 'į' => "i",
        'Ə' | 'ə' | 'Ǝ' | 'ǝ' | 'È' | 'É' | 'Ê' | 'Ë' | 'è' | 'é' | 'ê' | 'ë' | 'Ē' | 'ē' | 'Ė'
        | 'ė' | 'Ę' | 'ę' | 'Ě' | 'ě' => "e",
        'Ş' | 'ş' | 'Ś' | 'ś' | 'Š' | 'š' | 'Ș' | 'ș' => "s",
        'Ç' | 'ç' | 'Ć' | 'ć' | 'Č' | 'č' => "c",
        'Ğ' | 'ğ' | 'Ģ' | 'ģ' => "g",
        'Ö' | 'ö' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'ò' | 'ó' | 'ô' | 'õ' | 'Ø' | 'ø' | 'Ō' | 'ō' | 'Ő'
        | 'ő' => "o",
        'Ü' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'ù' | 'ú' | 'û' | 'Ū' | 'ū' | 'Ů' | 'ů' | 'Ű' | 'ű' | 'Ų'
        | 'ų' => "u",
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'Ā' | 'ā' | 'Ą'
        | 'ą' => "a",
        'Ñ' | 'ñ' | 'Ń' | 'ń' | 'Ň' | 'ň' => "n",
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => "y",
        'Ž' | 'ž' | 'Ź' | 'ź' | 'Ż' | 'ż' => "z",
        'Ł' | 'ł' => "l",
        'Ř' | 'ř' => "r",
        'Ť' | 'ť' => "t",
        'Ď' | 'ď' => "d",
        'ß' => "ss",
        _ => return None,
    })
}

/// Columns a string takes in a terminal (ə is one, a CJK character two).
pub fn display_width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// `text` followed by spaces up to `width` display columns (none when it is already
/// that wide).
///
/// Reports pad with this rather than with `{:<width$}`: a format width must fit 16 bits
/// (a wider one panics), and it counts characters, not the columns ə or 北 take.
///
/// ```
/// use korpu::text::pad_to;
/// assert_eq!(pad_to("Şəki", 6), "Şəki  ");
/// assert_eq!(pad_to("北京", 3), "北京");
/// assert_eq!(pad_to("long", 2), "long");
/// ```
pub fn pad_to(text: &str, width: usize) -> String {
    let padding = width.saturating_sub(display_width(text));
    let mut padded = String::with_capacity(text.len() + padding);
    padded.push_str(text);
    padded.extend(std::iter::repeat_n(' ', padding));
    padded
}

/// Whether a character must not reach a terminal as it is: control characters (C0, DEL
/// and C1, which start escape sequences that recolour, move the cursor or retitle the
/// window), the bidirectional embeddings, overrides and isolates U+202A–U+202E and
/// U+2066–U+2069 (which reorder what follows them, so a table could show text other
/// than the data: "Trojan Source"), and the line and paragraph separators U+2028 and
/// U+2029 (which break a row in two where a terminal honours them).
pub fn is_unsafe_in_terminal(character: char) -> bool {
    character.is_control()
        || matches!(character, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `text` safe to print on one line of a terminal table or report: a line break, carriage
/// return and tab show as `\n`, `\r` and `\t`, every other character that
/// `is_unsafe_in_terminal` names as `\uXXXX` (the escape Cypher and JSON read back).
/// Letters of every script are kept as written, Azerbaijani's ə ı İ ş ç ğ ö ü among
/// them, and so is the right-to-left text of Arabic or Hebrew: only the invisible
/// controls that could override its direction are shown.
///
/// ```
/// use korpu::text::terminal_safe;
/// assert_eq!(terminal_safe("Əli\nİsmayılov"), "Əli\\nİsmayılov");
/// assert_eq!(terminal_safe("\u{1b}[31mred"), "\\u001B[31mred");
/// assert_eq!(terminal_safe("abc\u{202E}fed"), "abc\\u202Efed");
/// assert_eq!(terminal_safe("şəhər"), "şəhər");
/// ```
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_in_terminal) {
        return Cow::Borrowed(text);
    }
    let mut safe = String::with_capacity(text.len() + 8);
    for character in text.chars() {
        match character {
            '\n' => safe.push_str("\\n"),
            '\r' => safe.push_str("\\r"),
            '\t' => safe.push_str("\\t"),
            unsafe_character if is_unsafe_in_terminal(unsafe_character) => {
                let _ = write!(safe, "\\u{:04X}", u32::from(unsafe_character));
            }
            other => safe.push(other),
        }
    }
    Cow::Owned(safe)
}

/// Levenshtein distance with adjacent transpositions counted as one edit.
pub fn edit_distance(left: &str, right: &str) -> usize {
    let left: Vec<char> = left.chars().collect();
    let right: Vec<char> = right.chars().collect();
    let width = right.len() + 1;
    let mut table = vec![0usize; (left.len() + 1) * width];
    for row in 0..=left.len() {
        table[row * width] = row;
    }
    for (column, cell) in table.iter_mut().enumerate().take(right.len() + 1) {
        *cell = column;
    }
    for row in 1..=left.len() {
        for column in 1..=right.len() {
            let cost = usize::from(left[row - 1] != right[column - 1]);
            let mut best = (table[(row - 1) * width + column] + 1)
                .min(table[row * width + column - 1] + 1)
                .min(table[(row - 1) * width + column - 1] + cost);
            if row > 1
                && column > 1
                && left[row - 1] == right[column - 2]
                && left[row - 2] == right[column - 1]
            {
                best = best.min(table[(row - 2) * width + column - 2] + 1);
            }
            table[row * width + column] = best;
        }
    }
    table[left.len() * width + right.len()]
}

/// 1-based line and column (in characters) of byte `offset` in `source`.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &source[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Cypher literals of the two scalars whose spelling needs care, the one place they are
/// written: the syntax tree's printer, EXPLAIN, exports and tables all call these.
/// Writes a float as Neo4j does (Java's `Double.toString`), which also reads back as a
/// float: the shortest digits that give the number back, in plain notation with at least
/// one decimal between 10⁻³ and 10⁷ (`0.001`, `1.5`, `1234567.0`), in scientific
/// notation outside (`1.0E7`, `1.5E-4`, `1.0E20`); `NaN`, `Infinity`, `-Infinity`.
///
/// ```
/// use korpu::text::write_float;
/// let shown = |number: f64| { let mut text = String::new(); write_float(&mut text, number).unwrap(); text };
/// assert_eq!(shown(1.0E7), "1.0E7");
/// assert_eq!(shown(1.5E7), "1.5E7");
/// assert_eq!(shown(0.0001), "1.0E-4");
/// assert_eq!(shown(1e20), "1.0E20");
/// assert_eq!(shown(9999999.0), "9999999.0");
/// assert_eq!(shown(0.001), "0.001");
/// assert_eq!(shown(-2.5), "-2.5");
/// assert_eq!(shown(-0.0), "-0.0");
/// ```
pub fn write_float(f: &mut impl std::fmt::Write, number: f64) -> std::fmt::Result {
    if number.is_nan() {
        return f.write_str("NaN");
    }
    if number.is_infinite() {
        return f.write_str(if number > 0.0 { "Infinity" } else { "-Infinity" });
    }
    let magnitude = number.abs();
    if magnitude == 0.0 || (1e-3..1e7).contains(&magnitude) {
        // Rust's shortest round-trip digits, in plain notation in this range.
        let text = format!("{number}");
        f.write_str(&text)?;
        return if text.contains('.') { Ok(()) } else { f.write_str(".0") };
    }
    let text = format!("{number:e}");
    let (mantissa, exponent) = text.split_once('e').expect("`{:e}` writes an exponent");
    f.write_str(mantissa)?;
    if !mantissa.contains('.') {
        f.write_str(".0")?;
    }
    write!(f, "E{exponent}")
}

/// Writes a single-quoted Cypher string literal with escapes.
pub fn write_string(f: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    f.write_char('\'')?;
    for character in text.chars() {
        match character {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            other if other.is_control() => write!(f, "\\u{:04X}", other as u32)?,
            other => f.write_char(other)?,
        }
    }
    f.write_char('\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_is_fold_together() {
        for spelling in ["İsmayılov", "ISMAYILOV", "ismayilov", "Ismayılov"] {
            assert_eq!(fold(spelling), "ismayilov", "{spelling}");
        }
    }

    #[test]
    fn terminal_safe_escapes_every_control_and_direction_override() {
        for character in ('\u{0}'..='\u{1F}').chain(['\u{7F}', '\u{85}', '\u{9B}', '\u{9F}']) {
            let shown = terminal_safe(&format!("a{character}b")).into_owned();
            assert!(!shown.chars().any(is_unsafe_in_terminal), "{shown:?}");
        }
        for override_character in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            let code = u32::from(override_character);
            assert_eq!(terminal_safe(&override_character.to_string()), format!("\\u{code:04X}"));
        }
        assert_eq!(terminal_safe("\u{2028}"), "\\u2028");
    }

    #[test]
    fn terminal_safe_keeps_azerbaijani_and_right_to_left_letters() {
        let text = "Əliyev İsmayılov şəhər çörək dağ göl üzüm ı İ مرحبا שלום 北京";
        assert!(matches!(terminal_safe(text), Cow::Borrowed(_)));
        // Zero-width joiners and non-joiners are part of how Persian and emoji are written.
        assert!(matches!(terminal_safe("می\u{200C}خواهم 👩\u{200D}💻"), Cow::Borrowed(_)));
    }

    #[test]
    fn padding_is_by_display_width_and_never_panics() {
        assert_eq!(display_width(&pad_to("ə", 4)), 4);
        assert_eq!(display_width(&pad_to("北京", 5)), 5);
        let huge = pad_to("x", 100_000);
        assert_eq!(huge.len(), 100_000);
    }

    #[test]
    fn decomposed_input_folds_like_composed() {
        assert_eq!(fold("S\u{327}ahin"), "sahin");
    }
}
