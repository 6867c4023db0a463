//! Who a paragraph names: people the segmenter tags (checked as Chinese names), English names
//! (capitalised words), and the role and organisation the article puts just before a name.
//! Positions are bytes of the paragraph's simplified twin, which are the original's too.

use std::ops::Range;

use jieba_rs::Tag;

use crate::bounds::clause_start;
use crate::lexicon::*;
use crate::read::Words;

/// The byte range of a person's name in a tag, if the tag is one: tagged nr and read as a
/// Chinese name (a name glued to a following 对/说/向 is cut back to the name).
pub(crate) fn person_name(tag: &Tag) -> Option<Range<usize>> {
    if !tag.tag.starts_with("nr") {
        return None;
    }
    let mut word = tag.word;
    let mut end = tag.byte_end;
    for tail in ['对', '说', '向', '在', '和', '与', '跟', '称', '表', '则'] {
        if word.chars().count() == 3 && word.ends_with(tail) {
            word = &word[..word.len() - tail.len_utf8()];
            end -= tail.len_utf8();
        }
    }
    is_chinese_name(word).then_some(tag.byte_start..end)
}

/// English names: runs of one to three capitalised words, not sentence furniture.
pub(crate) fn english_names(twin: &str, words: &Words) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let tags = &words.tags;
    let mut i = 0;
    while i < tags.len() {
        let is_cap = |t: &Tag| {
            t.word
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_uppercase())
                && t.word
                    .chars()
                    .all(|c| c.is_ascii_alphabetic() || c == '\'' || c == '-')
                && t.word.len() > 1
        };
        if is_cap(&tags[i]) && !EN_NOT_NAMES.contains(&tags[i].word) {
            let start = tags[i].byte_start;
            let mut end = tags[i].byte_end;
            let mut j = i + 1;
            let mut count = 1;
            while j + 1 < tags.len() && tags[j].word == " " && is_cap(&tags[j + 1]) && count < 3 {
                end = tags[j + 1].byte_end;
                j += 2;
                count += 1;
            }
            if count >= 2 {
                out.push((start..end, twin[start..end].to_owned()));
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The role and organisation the article puts just before a name ("零一万物开源业务负责人林吕强",
/// "RWKV 联合创始人罗璇"): a title with its modifiers is the role, what precedes it the
/// organisation; both cut from the original.
pub(crate) fn role_and_org(
    twin: &str,
    original: &str,
    name_start: usize,
    floor: usize,
) -> (String, String) {
    let lead_start = clause_start(twin, name_start, floor);
    let lead = &twin[lead_start..name_start];
    let Some(title) = TITLES.iter().find(|t| lead.trim_end().ends_with(*t)) else {
        return (String::new(), String::new());
    };
    let lead_trim = lead.trim_end();
    let mut role_at = lead_trim.len() - title.len();
    'grow: loop {
        for m in ROLE_MODIFIERS {
            if lead_trim[..role_at].ends_with(m) {
                role_at -= m.len();
                continue 'grow;
            }
        }
        break;
    }
    let role = original[lead_start + role_at..lead_start + lead_trim.len()]
        .trim()
        .to_owned();
    let org_twin = twin[lead_start..lead_start + role_at]
        .trim()
        .trim_end_matches('的');
    let org = if org_twin.chars().count() <= 20 && !org_twin.is_empty() {
        let at = lead_start + twin[lead_start..].find(org_twin).unwrap_or(0);
        original[at..at + org_twin.len()].to_owned()
    } else {
        String::new()
    };
    (role, org)
}

/// Where the role and organisation before a name begin, for the cue's range.
pub(crate) fn role_start(
    twin: &str,
    name_start: usize,
    floor: usize,
    role: &str,
    org: &str,
) -> usize {
    if role.is_empty() && org.is_empty() {
        return name_start;
    }
    let start = clause_start(twin, name_start, floor);
    start + (twin[start..name_start].len() - twin[start..name_start].trim_start().len())
}
