//! Where a paragraph's sentences and clauses start and end, the closing marks at an end, and
//! the runs of narration between the spans speech claims. Positions are bytes of the
//! paragraph's simplified twin, which are the original's too.

use std::ops::Range;

use crate::lexicon::*;
use crate::quotes::Quote;

/// The start of the clause holding `at`: after the last punctuation mark or 据/在 before it.
pub(crate) fn clause_start(twin: &str, at: usize, floor: usize) -> usize {
    twin[floor..at]
        .char_indices()
        .filter(|(_, c)| {
            matches!(
                c,
                ',' | '\u{FF0C}'
                    | '。'
                    | ':'
                    | '\u{FF1A}'
                    | '“'
                    | '”'
                    | '、'
                    | ';'
                    | '('
                    | ')'
                    | '\u{FF08}'
                    | '\u{FF09}'
                    | '「'
                    | '」'
                    | '据'
            )
        })
        .map(|(i, c)| floor + i + c.len_utf8())
        .next_back()
        .unwrap_or(floor)
}

pub(crate) fn is_end(c: char) -> bool {
    matches!(
        c,
        '。' | '!' | '?' | ';' | '\u{FF01}' | '\u{FF1F}' | '\u{FF1B}'
    )
}

/// Byte positions just after each sentence's end (outside quotations), the paragraph's end
/// last. English: a full stop before a space or the end ends a sentence too.
pub(crate) fn sentence_ends(twin: &str, quotes: &[Quote], english: bool) -> Vec<usize> {
    let mut ends: Vec<usize> = twin
        .char_indices()
        .filter(|&(i, c)| {
            let outside = !quotes.iter().any(|q| q.inner.contains(&i));
            let full_stop = english
                && c == '.'
                && twin[i + 1..]
                    .chars()
                    .next()
                    .is_none_or(|n| n.is_whitespace());
            outside && (is_end(c) || full_stop)
        })
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    // A quotation that ends its sentence inside ("…。”") ends it after its closing mark.
    for q in quotes {
        let inner = twin[q.inner.clone()].trim_end();
        if inner.ends_with(is_end) || (english && inner.ends_with('.')) {
            ends.push(q.outer.end);
        }
    }
    ends.push(twin.len());
    ends.sort_unstable();
    ends.dedup();
    ends
}

/// `end` less a sentence's final mark (and spaces) after `floor`.
pub(crate) fn trim_end_mark(twin: &str, floor: usize, end: usize) -> usize {
    let body = twin[floor..end].trim_end();
    let body = body.strip_suffix(is_end).unwrap_or(body).trim_end();
    let body = body.strip_suffix('.').unwrap_or(body);
    floor + body.len()
}

/// The range less surrounding spaces.
pub(crate) fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let s = &text[range.clone()];
    let start = range.start + (s.len() - s.trim_start().len());
    start..start + s.trim().len()
}

/// Runs of whole sentences outside every claimed range: narration.
pub(crate) fn narration_runs(
    twin: &str,
    quotes: &[Quote],
    ends: &[usize],
    claimed: &[Range<usize>],
) -> Vec<Range<usize>> {
    let mut starts = vec![0];
    starts.extend(ends.iter().copied().filter(|&e| e < twin.len()));
    // A closing quotation mark after a claimed quotation starts a sentence too ("“…”Llama 2 …").
    starts.extend(quotes.iter().map(|q| q.outer.end));
    starts.extend(claimed.iter().map(|r| r.end));
    starts.sort_unstable();
    starts.dedup();
    let mut runs: Vec<Range<usize>> = Vec::new();
    for &s in &starts {
        let Some(&e) = ends.iter().find(|&&e| e > s) else {
            continue;
        };
        if runs.last().is_some_and(|last| s < last.end) {
            continue;
        }
        let r = trim(twin, s..e);
        if r.is_empty() || claimed.iter().any(|c| c.start < r.end && r.start < c.end) {
            continue;
        }
        // A quotation mark left open by a claim, or a fragment: not narration.
        let text = &twin[r.clone()];
        if text.starts_with([',', '\u{FF0C}', '”', '」', '』', ':', '\u{FF1A}', '的']) {
            continue;
        }
        let r = match text.strip_suffix([':', '\u{FF1A}']) {
            Some(t) => r.start..r.start + t.len(),
            None => r,
        };
        if twin[r.clone()]
            .chars()
            .filter(|&c| is_han(c) || c.is_alphanumeric())
            .count()
            < 6
        {
            continue;
        }
        match runs.last_mut() {
            Some(last) if twin[last.end..r.start].trim().is_empty() => last.end = r.end,
            _ => runs.push(r),
        }
    }
    runs
}

/// "That" after an English reporting verb ("said that …") belongs to the cue.
pub(crate) fn skip_english_that(twin: &str, at: usize) -> usize {
    let rest = &twin[at..];
    match rest.strip_prefix("that ") {
        Some(_) => at + 5,
        None => at,
    }
}
