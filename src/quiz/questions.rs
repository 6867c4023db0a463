//! Quiz questions, made from the data and never wrong: "who said it?" for every excerpt the
//! article clearly attributes to someone, and the fact questions of each article's quiz.toml.
//! A question is *dealt* for one quiz: options shuffled, text in the quiz's language, the
//! explanation citing where the answer stands in the article.

use std::collections::HashMap;

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use crate::app::View;
use crate::corpus::{Corpus, Voice};
use crate::i18n::fill;

/// Telegram's limits for a quiz poll.
pub const QUESTION_LIMIT: usize = 300;
pub const OPTION_LIMIT: usize = 100;
pub const EXPLANATION_LIMIT: usize = 200;
/// Room kept for the "k/N · " before a question.
const PREFIX_ROOM: usize = 20;
/// At most this many options per who-said question.
const WHO_OPTIONS: usize = 4;

/// Where a question comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// "Who said it?" about an attributed excerpt.
    Who(usize),
    /// A fact question of a quiz.toml.
    Fact(usize),
}

/// A question as asked in one quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dealt {
    /// Stable id: `who-<excerpt id>` or the fact question's id.
    pub id: String,
    pub question: String,
    pub options: Vec<String>,
    pub correct: usize,
    /// Shown after answering: who said it or the evidence, with the citation (≤ 200 chars).
    pub explanation: String,
}

/// Every question the corpus offers, with its stable id.
pub fn pool(corpus: &Corpus) -> Vec<(String, Source)> {
    let who = corpus
        .excerpts
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.voice, Voice::Direct(_) | Voice::Reported(_)))
        .map(|(i, e)| (format!("who-{}", e.id), Source::Who(i)));
    let facts = corpus
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| (q.id.clone(), Source::Fact(i)));
    who.chain(facts).collect()
}

/// Picks `n` different questions: those this chat has seen least come first, at random among
/// equals, so a class meets every question before any repeats.
pub fn select(
    pool: &[(String, Source)],
    seen: &HashMap<String, u32>,
    n: usize,
    rng: &mut impl Rng,
) -> Vec<Source> {
    let mut order: Vec<(u32, u32, Source)> = pool
        .iter()
        .map(|(id, source)| {
            (
                seen.get(id).copied().unwrap_or(0),
                rng.random::<u32>(),
                *source,
            )
        })
        .collect();
    order.sort_by_key(|&(times, tie, _)| (times, tie));
    order.into_iter().take(n).map(|(_, _, s)| s).collect()
}

/// Cuts `text` to at most `limit` characters at the last clause boundary that fits (a comma,
/// stop or similar), ending with "…". Text that fits is returned whole.
pub fn cut_at_clause(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let head: String = text.chars().take(limit.saturating_sub(1)).collect();
    let boundary = head
        .char_indices()
        .filter(|(_, c)| {
            matches!(
                c,
                ',' | ';'
                    | ':'
                    | '.'
                    | '!'
                    | '?'
                    | '、'
                    | '。'
                    | '\u{FF0C}'
                    | '\u{FF1B}'
                    | '\u{FF1A}'
                    | '\u{FF01}'
                    | '\u{FF1F}'
            )
        })
        .map(|(i, _)| i)
        .next_back()
        .filter(|&i| i > 0);
    let mut cut = match boundary {
        Some(i) => head[..i].to_string(),
        None => head,
    };
    cut.push('…');
    cut
}

/// Cuts an explanation to Telegram's 200 characters and 2 line feeds.
fn fit_explanation(text: &str) -> String {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.len() > 3 {
        lines.truncate(3);
    }
    let joined = lines.join("\n");
    if joined.chars().count() <= EXPLANATION_LIMIT {
        return joined;
    }
    let mut cut: String = joined.chars().take(EXPLANATION_LIMIT - 1).collect();
    cut.push('…');
    cut
}

fn fit_option(text: &str) -> String {
    if text.chars().count() <= OPTION_LIMIT {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(OPTION_LIMIT - 1).collect();
    cut.push('…');
    cut
}

/// Deals a question in the view's language, options shuffled.
pub fn deal(view: &View, source: Source, rng: &mut impl Rng) -> Dealt {
    let corpus = view.corpus;
    let ui = view.ui;
    match source {
        Source::Who(e) => {
            let excerpt = &corpus.excerpts[e];
            let speaker = excerpt
                .voice
                .speaker()
                .expect("who-said questions have a speaker");
            let quote = cut_at_clause(&excerpt.text.original, QUESTION_LIMIT - PREFIX_ROOM - 12);
            let question = fill(&ui.quiz_who_question, &[("quote", &quote)]);
            // The speaker and three others; 周鸿祎, quoted nowhere, is a fine distractor.
            let mut others: Vec<usize> =
                (0..corpus.people.len()).filter(|&p| p != speaker).collect();
            others.shuffle(rng);
            let mut people: Vec<usize> = others.into_iter().take(WHO_OPTIONS - 1).collect();
            people.push(speaker);
            people.shuffle(rng);
            let option = |p: usize| {
                let person = &corpus.people[p];
                let name = view.person_name(person);
                let org = person.org.get(view.lang);
                fit_option(&if org.is_empty() {
                    name
                } else {
                    format!("{name} · {org}")
                })
            };
            let person = &corpus.people[speaker];
            let explanation = fill(
                &ui.quiz_who_explanation,
                &[
                    ("name", &view.person_name(person)),
                    ("speech", view.speech(excerpt.voice)),
                    ("citation", &view.citation(excerpt)),
                ],
            );
            Dealt {
                id: format!("who-{}", excerpt.id),
                question,
                options: people.iter().map(|&p| option(p)).collect(),
                correct: people
                    .iter()
                    .position(|&p| p == speaker)
                    .expect("the speaker is an option"),
                explanation: fit_explanation(&explanation),
            }
        }
        Source::Fact(q) => {
            let fact = &corpus.questions[q];
            let mut order: Vec<usize> = (0..fact.options.len()).collect();
            order.shuffle(rng);
            let explanation = fill(
                &ui.quiz_fact_explanation,
                &[
                    ("evidence", &cut_at_clause(&fact.evidence, 120)),
                    ("citation", &view.cite(fact.article, fact.paragraph)),
                ],
            );
            Dealt {
                id: fact.id.clone(),
                question: cut_at_clause(fact.question.get(view.lang), QUESTION_LIMIT - PREFIX_ROOM),
                options: order
                    .iter()
                    .map(|&o| fit_option(fact.options[o].get(view.lang)))
                    .collect(),
                correct: order
                    .iter()
                    .position(|&o| o == fact.answer)
                    .expect("the answer is an option"),
                explanation: fit_explanation(&explanation),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::i18n::Lang;
    use rand::SeedableRng;
    use rand::rngs::StdRng;
    use std::path::Path;

    fn app() -> App {
        App::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("responses"),
            Lang::Zh,
        )
        .unwrap()
    }

    #[test]
    fn the_pool_has_at_least_twenty_questions_and_never_the_articles_own_words() {
        let app = app();
        let corpus = app.corpus();
        let pool = pool(corpus);
        assert!(pool.len() >= 20, "{} questions", pool.len());
        let mut ids: Vec<&str> = pool.iter().map(|(id, _)| id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), pool.len(), "ids are unique");
        for (_, source) in &pool {
            if let Source::Who(e) = source {
                let voice = corpus.excerpts[*e].voice;
                assert!(
                    matches!(voice, Voice::Direct(_) | Voice::Reported(_)),
                    "{voice:?}"
                );
            }
        }
        assert!(
            !ids.contains(&"who-unattributed-code-meaningless"),
            "¶33's quote has no speaker"
        );
    }

    #[test]
    fn who_said_questions_have_four_people_with_the_speaker_among_them() {
        let app = app();
        let corpus = app.corpus();
        let view = app.view(Lang::Zh);
        let luo = corpus
            .excerpts
            .iter()
            .position(|e| e.id == "luo-open-breaks-monopoly")
            .unwrap();
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..50 {
            let dealt = deal(&view, Source::Who(luo), &mut rng);
            assert_eq!(
                dealt.question,
                "谁说的?“开源并不是商业化的反义词,开源意味着打破垄断”"
            );
            assert_eq!(dealt.options.len(), 4);
            assert_eq!(dealt.options[dealt.correct], "罗璇 · RWKV");
            let mut unique = dealt.options.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), 4);
            assert_eq!(
                dealt.explanation,
                "罗璇 · 原话\n出处:电厂,2024-07-12,记者 张勇毅,¶35"
            );
        }
    }

    #[test]
    fn zhou_hongyi_is_a_distractor_but_never_an_answer() {
        let app = app();
        let corpus = app.corpus();
        let view = app.view(Lang::Zh);
        let mut rng = StdRng::seed_from_u64(9);
        let mut seen_as_option = false;
        for (_, source) in pool(corpus) {
            for _ in 0..20 {
                let dealt = deal(&view, source, &mut rng);
                assert!(!dealt.options[dealt.correct].starts_with("周鸿祎"));
                seen_as_option |= dealt.options.iter().any(|o| o.starts_with("周鸿祎"));
            }
        }
        assert!(seen_as_option);
    }

    #[test]
    fn every_dealt_question_fits_telegrams_poll_limits_in_both_languages() {
        let app = app();
        let mut rng = StdRng::seed_from_u64(1);
        for lang in Lang::ALL {
            let view = app.view(lang);
            for (id, source) in pool(app.corpus()) {
                let dealt = deal(&view, source, &mut rng);
                assert_eq!(dealt.id, id);
                assert!(
                    dealt.question.chars().count() <= QUESTION_LIMIT - PREFIX_ROOM,
                    "{id}"
                );
                assert!((2..=10).contains(&dealt.options.len()), "{id}");
                assert!(
                    dealt
                        .options
                        .iter()
                        .all(|o| (1..=OPTION_LIMIT).contains(&o.chars().count())),
                    "{id}"
                );
                assert!(
                    dealt.explanation.chars().count() <= EXPLANATION_LIMIT,
                    "{id}"
                );
                assert!(dealt.explanation.matches('\n').count() <= 2, "{id}");
                assert!(dealt.correct < dealt.options.len());
            }
        }
    }

    #[test]
    fn fact_questions_cite_their_evidence_and_shuffle_the_answer() {
        let app = app();
        let corpus = app.corpus();
        let view = app.view(Lang::En);
        let q = corpus
            .questions
            .iter()
            .position(|q| q.id == "llama-700m")
            .unwrap();
        let mut positions = std::collections::HashSet::new();
        let mut rng = StdRng::seed_from_u64(5);
        for _ in 0..40 {
            let dealt = deal(&view, Source::Fact(q), &mut rng);
            assert_eq!(dealt.options[dealt.correct], "700 million");
            assert!(
                dealt
                    .explanation
                    .contains("当某一个项目月度活跃用户超过七亿时"),
                "{}",
                dealt.explanation
            );
            assert!(dealt.explanation.contains("¶34"));
            positions.insert(dealt.correct);
        }
        assert!(positions.len() > 1, "the right option moves");
    }

    #[test]
    fn selection_prefers_unseen_questions_and_never_repeats() {
        let app = app();
        let pool = pool(app.corpus());
        let mut seen = HashMap::new();
        let mut rng = StdRng::seed_from_u64(2);
        let first = select(&pool, &seen, 10, &mut rng);
        assert_eq!(first.len(), 10);
        let mut unique = first.clone();
        unique.dedup();
        for (id, source) in &pool {
            if first.contains(source) {
                seen.insert(id.clone(), 1);
            }
        }
        let second = select(&pool, &seen, 10, &mut rng);
        assert!(
            second.iter().all(|s| !first.contains(s)),
            "the second quiz meets new questions"
        );
        assert_eq!(select(&pool, &seen, 1000, &mut rng).len(), pool.len());
    }

    #[test]
    fn long_quotes_are_cut_at_a_clause_with_an_ellipsis() {
        let text = "第一句很长很长,第二句也很长很长。第三句";
        assert_eq!(cut_at_clause(text, 100), text);
        assert_eq!(cut_at_clause(text, 12), "第一句很长很长…");
        assert_eq!(cut_at_clause("没有标点的一长串文字", 5), "没有标点…");
    }
}
