//! Text as the index reads it: folded (NFKC, lower case, traditional to simplified), read as
//! tokens (each CJK character, each stemmed word, a break between runs), and the grams made of
//! them (words, characters, pairs of adjacent characters), which key the postings.

use unicode_normalization::UnicodeNormalization;

/// A token: a CJK character (high bit set) or the id of a word in the vocabulary.
pub(super) type Token = u32;
const CHAR_TOKEN: u32 = 1 << 31;
/// Stands between runs of text (punctuation, spaces); character pairs never span it.
pub(super) const BREAK: Token = u32::MAX;
/// A query word the index has never seen: it matches nothing.
pub(super) const UNKNOWN_WORD: Token = u32::MAX - 1;

pub(super) fn is_char(token: Token) -> bool {
    token & CHAR_TOKEN != 0 && token & !CHAR_TOKEN <= 0x10FFFF
}

/// Keys of the postings: a token alone (a word, a character) or a pair of characters.
pub(super) type Gram = u64;
const PAIR_GRAM: u64 = 1 << 63;
const UNKNOWN_GRAM: u64 = 1 << 62;

/// Folds text for matching: NFKC, lower case, traditional to simplified.
pub fn fold(text: &str) -> String {
    // Most text is already NFKC; the quick check spares the full normalisation.
    let normal: String = match unicode_normalization::is_nfkc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => {
            text.chars().flat_map(char::to_lowercase).collect()
        }
        _ => text.nfkc().flat_map(char::to_lowercase).collect(),
    };
    fast2s::convert(&normal)
}

/// Han ideographs, kana and hangul: scripts written without spaces, read a character at a time.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK extensions B-G
}

/// Reads text as tokens: CJK characters, words (named by `word`, which stems them), and
/// single BREAKs between runs. Words end at letter/digit boundaries: `llama2` is `llama` `2`.
pub(super) fn tokenize(text: &str, mut word: impl FnMut(&str) -> Token) -> Vec<Token> {
    let folded = fold(text);
    let mut tokens = Vec::new();
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        let end = if is_cjk(c) {
            tokens.push(CHAR_TOKEN | c as u32);
            c.len_utf8()
        } else if c.is_alphanumeric() {
            let digit = c.is_numeric();
            let end = rest
                .char_indices()
                .find(|&(_, c)| !c.is_alphanumeric() || is_cjk(c) || c.is_numeric() != digit)
                .map_or(rest.len(), |(i, _)| i);
            tokens.push(word(&rest[..end]));
            end
        } else {
            if tokens.last().is_some_and(|&t| t != BREAK) {
                tokens.push(BREAK);
            }
            c.len_utf8()
        };
        rest = &rest[end..];
    }
    if tokens.last() == Some(&BREAK) {
        tokens.pop();
    }
    tokens
}

pub(super) fn without_breaks(tokens: &[Token]) -> Vec<Token> {
    tokens.iter().copied().filter(|&t| t != BREAK).collect()
}

/// The grams of a token sequence: every word, every pair of adjacent CJK characters, and
/// single CJK characters (all of them when indexing; in a query only those standing alone).
pub(super) fn grams_of(tokens: &[Token], indexing: bool, out: &mut Vec<Gram>) {
    for (i, &token) in tokens.iter().enumerate() {
        if token == BREAK {
            continue;
        }
        if token == UNKNOWN_WORD {
            out.push(UNKNOWN_GRAM | i as u64);
            continue;
        }
        if !is_char(token) {
            out.push(Gram::from(token));
            continue;
        }
        let next = tokens.get(i + 1).copied().filter(|&t| is_char(t));
        let after_char = i > 0 && is_char(tokens[i - 1]);
        if let Some(next) = next {
            out.push(
                PAIR_GRAM | Gram::from(token & !CHAR_TOKEN) << 21 | Gram::from(next & !CHAR_TOKEN),
            );
        }
        if indexing || (next.is_none() && !after_char) {
            out.push(Gram::from(token));
        }
    }
}
