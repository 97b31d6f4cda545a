//! Text helpers shared by queries, search and tables: Azerbaijani-aware folding and
//! display width.
//!
//! `edit_distance` measures typos for search and for "did you mean" hints.
//! `fold` is what "a reader would call the same letter": case and diacritics removed,
//! with the four Azerbaijani/Turkish i's (`İ I ı i`) all folding to `i`. It is not
//! `to_lowercase`, which keeps diacritics and turns `İ` into `i` + a combining dot.

use unicode_width::UnicodeWidthStr;

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
    fn decomposed_input_folds_like_composed() {
        assert_eq!(fold("S\u{327}ahin"), "sahin");
    }
}
