//! Loading the data for the classroom and the debates: each article's quiz.toml (fact
//! questions with verbatim evidence) and responses/debates.toml (motions and the excerpts on
//! each side), validated like the rest of the corpus.

use std::collections::HashMap;
use std::path::Path;

use super::files::{DebatesFile, QuestionEntry, SideEntry};
use super::is_valid_id;
use super::{Article, Excerpt, FactQuestion, Motion, Text, Voice};
use crate::data::Problem;
use crate::vocab::Side;

/// Telegram's limits on quiz polls, with room for the "k/N" the bot puts before a question.
const QUESTION_LIMIT: usize = 280;
use crate::bot_api::POLL_OPTION_LIMIT as OPTION_LIMIT;
const OPTIONS_MAX: usize = 10;

pub(super) fn question(
    file: &Path,
    article: &Article,
    article_index: usize,
    entry: QuestionEntry,
    problems: &mut Vec<Problem>,
) -> Option<FactQuestion> {
    let name = Some(format!("question \"{}\"", entry.id));
    let before = problems.len();
    let mut problem = |message: String| problems.push(Problem::new(file, name.clone(), message));
    if !is_valid_id(&entry.id) {
        problem("id must be 1-48 characters of a-z, 0-9 and '-'".into());
    }
    if entry.paragraph == 0 || entry.paragraph > article.paragraphs.len() {
        problem(format!(
            "paragraph {} does not exist (article.txt has ¶1-¶{})",
            entry.paragraph,
            article.paragraphs.len()
        ));
    } else if entry.evidence.trim().is_empty()
        || !article.paragraphs[entry.paragraph - 1].contains(&entry.evidence)
    {
        problem(format!(
            "evidence is not verbatim in ¶{} of article.txt",
            entry.paragraph
        ));
    }
    for (key, text) in [
        ("question", &entry.question),
        ("question_en", &entry.question_en),
    ] {
        let len = text.chars().count();
        if len == 0 || len > QUESTION_LIMIT {
            problem(format!(
                "{key} must be 1-{QUESTION_LIMIT} characters (it has {len})"
            ));
        }
    }
    for (key, options) in [
        ("options", &entry.options),
        ("options_en", &entry.options_en),
    ] {
        if !(2..=OPTIONS_MAX).contains(&options.len()) {
            problem(format!(
                "{key} must have 2-{OPTIONS_MAX} entries (it has {})",
                options.len()
            ));
        }
        for option in options.iter() {
            let len = option.chars().count();
            if len == 0 || len > OPTION_LIMIT {
                problem(format!(
                    "{key}: \"{option}\" must be 1-{OPTION_LIMIT} characters"
                ));
            }
            if options.iter().filter(|o| *o == option).count() > 1 {
                problem(format!("{key}: \"{option}\" is listed twice"));
            }
        }
    }
    if entry.options.len() != entry.options_en.len() {
        problem("options and options_en must have the same number of entries".into());
    }
    if entry.answer >= entry.options.len() {
        problem(format!(
            "answer {} is not an index into options (0-{})",
            entry.answer,
            entry.options.len().saturating_sub(1)
        ));
    }
    if problems.len() > before {
        return None;
    }
    let options = entry
        .options
        .into_iter()
        .zip(entry.options_en)
        .map(|(original, en)| Text {
            original,
            en: Some(en),
        })
        .collect();
    Some(FactQuestion {
        id: entry.id,
        article: article_index,
        paragraph: entry.paragraph,
        evidence: entry.evidence,
        question: Text {
            original: entry.question,
            en: Some(entry.question_en),
        },
        options,
        answer: entry.answer,
    })
}

pub(super) fn motions(
    file: &Path,
    debates: DebatesFile,
    excerpts: &[Excerpt],
    problems: &mut Vec<Problem>,
) -> Vec<Motion> {
    let index: HashMap<&str, usize> = excerpts
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i))
        .collect();
    let mut out: Vec<Motion> = Vec::new();
    for entry in debates.motion {
        let name = Some(format!("motion \"{}\"", entry.id));
        let before = problems.len();
        let mut problem =
            |message: String| problems.push(Problem::new(file, name.clone(), message));
        if !is_valid_id(&entry.id) {
            problem("id must be 1-48 characters of a-z, 0-9 and '-'".into());
        }
        if out.iter().any(|m| m.id == entry.id) {
            problem("duplicate id".into());
        }
        for (key, text) in [("motion", &entry.motion), ("motion_en", &entry.motion_en)] {
            if text.trim().is_empty() || text.chars().count() > 255 {
                problem(format!("{key} must be 1-255 characters"));
            }
        }
        let mut sides: [Vec<usize>; 2] = [Vec::new(), Vec::new()];
        for (side, (key, ids)) in [("for", &entry.for_), ("against", &entry.against)]
            .into_iter()
            .enumerate()
        {
            if ids.is_empty() {
                problem(format!("the \"{key}\" side has no excerpts"));
            }
            for id in ids {
                match index.get(id.as_str()) {
                    None => problem(format!("{key}: unknown excerpt \"{id}\"")),
                    Some(&e) if sides[side].contains(&e) => {
                        problem(format!("{key}: excerpt \"{id}\" is listed twice"))
                    }
                    Some(&e) => sides[side].push(e),
                }
            }
        }
        // A side the article takes is argued by someone it quotes or by its own voice; words
        // it leaves open between a speaker and itself, or quotes from no one, only go with them.
        for (side, key) in ["for", "against"].into_iter().enumerate() {
            let carried = sides[side].iter().any(|&e| {
                matches!(
                    excerpts[e].voice,
                    Voice::Direct(_) | Voice::Reported(_) | Voice::Article
                )
            });
            if !sides[side].is_empty() && !carried {
                problem(format!(
                    "the \"{key}\" side has no excerpt a speaker or the article's own voice \
                     argues: words the article leaves open or quotes from no one cannot carry \
                     a side alone"
                ));
            }
        }
        if let Some(&both) = sides[0].iter().find(|e| sides[1].contains(e)) {
            problem(format!(
                "excerpt \"{}\" is on both sides",
                excerpts[both].id
            ));
        }
        // Every quote a motion shows is an option of its poll "which quotes convinced you?".
        let quotes = sides[0].len() + sides[1].len();
        if quotes > crate::bot_api::POLL_OPTIONS_LIMIT {
            problem(format!(
                "{quotes} excerpts on its sides; at most {} (each is an option of the poll \"which quotes convinced you?\", and a Telegram poll has at most {} options)",
                crate::bot_api::POLL_OPTIONS_LIMIT,
                crate::bot_api::POLL_OPTIONS_LIMIT
            ));
        }
        let narration = entry.narration.map(|side| match side {
            SideEntry::For => Side::For,
            SideEntry::Against => Side::Against,
        });
        if let Some(side) = narration {
            // The narration leans to a side when more of the article's own words argue it.
            let own = |s: Side| {
                sides[s.index()]
                    .iter()
                    .filter(|&&e| excerpts[e].voice == Voice::Article)
                    .count()
            };
            if own(side) <= own(side.other()) {
                problem(format!(
                    "narration = \"{}\" needs more excerpts in the article's own voice on that side \
                     ({} for, {} against)",
                    ["for", "against"][side.index()],
                    own(Side::For),
                    own(Side::Against)
                ));
            }
        }
        if problems.len() == before {
            out.push(Motion {
                id: entry.id,
                motion: Text {
                    original: entry.motion,
                    en: Some(entry.motion_en),
                },
                sides,
                narration,
            });
        }
    }
    out
}
