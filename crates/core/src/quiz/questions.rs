//! Quiz questions, made from the data and never wrong: "who said it?" for every excerpt the
//! article clearly attributes to someone, and the fact questions of each article's quiz.toml.
//! A quiz is about who said what: at least half of it (rounded up) is who-said questions,
//! mixed in among the facts. A question is *dealt* for one quiz: options shuffled, text in the
//! quiz's language (an English reader gets the quote in English, marked as a translation, with
//! the original under it), the explanation citing where the answer stands in the article.

use std::collections::HashMap;

use rand::Rng;
use rand::seq::SliceRandom;

use crate::app::View;
use crate::corpus::{Corpus, PersonKind, Scope, Voice, in_scope};
use crate::i18n::{Lang, fill};
use crate::render::cut;
use crate::vocab::Dealt;

use crate::bot_api::{
    POLL_DESCRIPTION_LIMIT as DESCRIPTION_LIMIT, POLL_OPTION_LIMIT as OPTION_LIMIT,
    POLL_QUESTION_LIMIT as QUESTION_LIMIT, QUIZ_EXPLANATION_LIMIT as EXPLANATION_LIMIT,
};
/// Room kept for the "k/N · " before a question.
const PREFIX_ROOM: usize = 20;
/// At most this many options per who-said question.
const WHO_OPTIONS: usize = 4;
/// A translation cut shorter than this says too little: it is left out instead.
const MIN_TRANSLATION: usize = 24;

/// Where a question comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// "Who said it?" about an attributed excerpt.
    Who(usize),
    /// A fact question of a quiz.toml.
    Fact(usize),
}

/// Whether two people are alike enough to be options of one who-said question: people (named
/// or not) among people, a publication among publications, so no option gives itself away as
/// the only one of its kind.
fn alike(a: PersonKind, b: PersonKind) -> bool {
    (a == PersonKind::Report) == (b == PersonKind::Report)
}

/// The people who may stand beside `speaker` as the wrong options of a who-said question about
/// `article`: others it quotes or names, of the speaker's kind.
fn distractors(corpus: &Corpus, speaker: usize, article: usize) -> Vec<usize> {
    let kind = corpus.people[speaker].kind;
    corpus
        .people_of(article)
        .iter()
        .copied()
        .filter(|&p| p != speaker && alike(corpus.people[p].kind, kind))
        .collect()
}

/// Every question the corpus offers, with its stable id. A who-said question needs wrong
/// options of the speaker's kind: a report is asked only where another publication could be
/// named beside it.
pub fn pool(corpus: &Corpus, scope: Scope) -> Vec<(String, Source)> {
    let who = corpus
        .excerpts
        .iter()
        .enumerate()
        .filter(|(_, e)| in_scope(scope, e.article) && !corpus.articles[e.article].own_quiz)
        .filter(|(_, e)| matches!(e.voice, Voice::Direct(_) | Voice::Reported(_)))
        .filter(|(_, e)| {
            e.voice
                .speaker()
                .is_some_and(|p| !distractors(corpus, p, e.article).is_empty())
        })
        .map(|(i, e)| (format!("who-{}", e.id), Source::Who(i)));
    let facts = corpus
        .questions
        .iter()
        .enumerate()
        .filter(|(_, q)| in_scope(scope, q.article))
        .map(|(i, q)| (q.id.clone(), Source::Fact(i)));
    who.chain(facts).collect()
}

/// Picks `n` different questions. At least half of them, rounded up, are who-said questions
/// (as many as the pool has): those this chat has seen least, at random among equals. The rest
/// are those the chat has seen least of all that remain, again at random among equals. So a
/// class meets every who-said question before one repeats, and every fact question before one
/// repeats; who-said questions come round again sooner, since every quiz is half of them. The
/// order mixes the two kinds evenly.
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
    let is_who = |s: &Source| matches!(s, Source::Who(_));
    let quota = n.div_ceil(2);
    let mut who: Vec<Source> = order
        .iter()
        .map(|&(_, _, s)| s)
        .filter(is_who)
        .take(quota)
        .collect();
    let rest: Vec<Source> = order
        .iter()
        .map(|&(_, _, s)| s)
        .filter(|s| !who.contains(s))
        .take(n.saturating_sub(who.len()))
        .collect();
    let (more_who, mut facts): (Vec<Source>, Vec<Source>) = rest.into_iter().partition(is_who);
    who.extend(more_who);
    who.shuffle(rng);
    facts.shuffle(rng);
    interleave(who, facts, rng)
}

/// Both lists in one, the shorter spread evenly through the longer (which kind comes first
/// is random when they are as long).
fn interleave(a: Vec<Source>, b: Vec<Source>, rng: &mut impl Rng) -> Vec<Source> {
    let (long, short) = match a.len().cmp(&b.len()) {
        std::cmp::Ordering::Less => (b, a),
        std::cmp::Ordering::Greater => (a, b),
        std::cmp::Ordering::Equal if rng.random::<bool>() => (a, b),
        std::cmp::Ordering::Equal => (b, a),
    };
    let total = long.len() + short.len();
    let mut long = long.into_iter();
    let mut short = short.into_iter();
    let shorts = short.len();
    (0..total)
        .filter_map(|i| {
            // Position i takes a "short" item when the evenly spaced count steps up there.
            let step = |k: usize| (2 * k * shorts + total) / (2 * total);
            let take_short = step(i + 1) > step(i);
            if take_short {
                short.next().or_else(|| long.next())
            } else {
                long.next().or_else(|| short.next())
            }
        })
        .collect()
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

/// Cuts a translation to at most `limit` characters: at a clause boundary if that keeps most
/// of it, else after the last whole word, ending with "…".
pub fn cut_translation(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let head: String = text.chars().take(limit.saturating_sub(1)).collect();
    let clause = head
        .rfind([',', ';', ':', '.', '!', '?'])
        .filter(|&i| head[..i].chars().count() * 5 >= limit * 3);
    let word = head
        .char_indices()
        .filter(|&(i, c)| c == ' ' && i > 0)
        .map(|(i, _)| i)
        .next_back();
    let mut cut = match clause.or(word) {
        Some(i) => head[..i].trim_end_matches([',', ';', ':', ' ']).to_string(),
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
    cut(&lines.join("\n"), EXPLANATION_LIMIT)
}

fn fit_option(text: &str) -> String {
    cut(text, OPTION_LIMIT)
}

/// The same question with its options in another random order, for one student of a class
/// that all answer the same questions (homework): the text, the options and the answer stay.
pub fn reshuffle(dealt: &Dealt, rng: &mut impl Rng) -> Dealt {
    let mut order: Vec<usize> = (0..dealt.options.len()).collect();
    order.shuffle(rng);
    Dealt {
        options: order.iter().map(|&o| dealt.options[o].clone()).collect(),
        correct: order
            .iter()
            .position(|&o| o == dealt.correct)
            .expect("the answer is an option"),
        ..dealt.clone()
    }
}

/// Where question `id` (as [`pool`] names it) is answered in the article: the article and
/// the paragraph; `None` for an id this corpus does not have.
pub fn answered_at(corpus: &Corpus, id: &str) -> Option<(usize, usize)> {
    if let Some(excerpt) = id
        .strip_prefix("who-")
        .and_then(|e| corpus.excerpts.iter().find(|x| x.id == e))
    {
        return Some((excerpt.article, excerpt.paragraph));
    }
    let fact = corpus.questions.iter().find(|q| q.id == id)?;
    Some((fact.article, fact.paragraph))
}

/// The citation (outlet, date, reporter, paragraph) of where question `id` is answered.
pub fn citation(view: &View, id: &str) -> Option<String> {
    let (article, paragraph) = answered_at(view.corpus, id)?;
    Some(view.cite(article, paragraph))
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
            let (question, description) = who_question(view, e);
            // The speaker and three others of their kind; 周鸿祎, quoted nowhere, is a fine
            // distractor.
            let mut others = distractors(corpus, speaker, excerpt.article);
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
            let explanation = who_explanation(view, e);
            Dealt {
                id: format!("who-{}", excerpt.id),
                question,
                options: people.iter().map(|&p| option(p)).collect(),
                correct: people
                    .iter()
                    .position(|&p| p == speaker)
                    .expect("the speaker is an option"),
                explanation: fit_explanation(&explanation),
                description,
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
                // A fact question is written to fit: nothing of it is cut.
                description: String::new(),
            }
        }
    }
}

/// The words of an excerpt as a question quotes them: in quotation marks when they are the
/// speaker's own, bare when the article reports them.
fn quoted(view: &View, voice: Voice, text: &str) -> String {
    match voice {
        Voice::Direct(_) => fill(&view.ui.quiz_quote_marks, &[("text", text)]),
        _ => text.to_string(),
    }
}

/// The translation an English reader sees, where there is one.
fn translation<'a>(view: &View<'a>, excerpt: usize) -> Option<&'a str> {
    match (view.lang, &view.corpus.excerpts[excerpt].text.en) {
        (Lang::En, Some(en)) => Some(en),
        _ => None,
    }
}

/// "谁说的?“…”" for a direct quote, "据文章,这是谁的观点?…" for reported speech, "据文章,这是谁的
/// 报道?…" for a publication's report; for an English reader the quote in English (marked as a
/// translation, shortened to fit) with the original, whole, under it. Answers the question
/// and its description: the whole quote with its citation when the question had to cut it,
/// else nothing, so no one answers a cut quote without the whole one at hand.
fn who_question(view: &View, e: usize) -> (String, String) {
    let ui = view.ui;
    let excerpt = &view.corpus.excerpts[e];
    let speaker = excerpt
        .voice
        .speaker()
        .expect("who-said questions have a speaker");
    let ask = match (view.corpus.people[speaker].kind, excerpt.voice) {
        (PersonKind::Report, _) => &ui.quiz_report_question,
        (_, Voice::Reported(_)) => &ui.quiz_view_question,
        _ => &ui.quiz_who_question,
    };
    let limit = QUESTION_LIMIT - PREFIX_ROOM;
    let original = &excerpt.text.original;
    let length = |quote: &str| fill(ask, &[("quote", quote)]).chars().count();
    let whole = |quote: &str, shown: &str| {
        if quote == shown {
            return String::new();
        }
        let citation = view.citation(excerpt);
        let whole = fill(
            &ui.quiz_whole_quote,
            &[("quote", quote), ("citation", &citation)],
        );
        // Too long for Telegram, it would be cut in turn: better none (no shipped quote is).
        if whole.chars().count() > DESCRIPTION_LIMIT {
            return String::new();
        }
        whole
    };
    if let Some(en) = translation(view, e) {
        let block = |t: &str| {
            fill(
                &ui.quiz_quote_translated,
                &[
                    ("translation", &quoted(view, excerpt.voice, t)),
                    ("original", &quoted(view, excerpt.voice, original)),
                ],
            )
        };
        let room = limit.saturating_sub(length(&block("")));
        if room >= MIN_TRANSLATION {
            let shown = cut_translation(en, room);
            let description = whole(&block(en), &block(&shown));
            return (fill(ask, &[("quote", &block(&shown))]), description);
        }
    }
    // The original alone; cut at a clause only if even that cannot fit (no shipped one).
    let room = limit.saturating_sub(length(&quoted(view, excerpt.voice, "")));
    let shown = cut_at_clause(original, room);
    let description = whole(
        &quoted(view, excerpt.voice, original),
        &quoted(view, excerpt.voice, &shown),
    );
    let quote = quoted(view, excerpt.voice, &shown);
    (fill(ask, &[("quote", &quote)]), description)
}

/// Who it was and how the article gives their words, the translation for an English reader
/// (shortened to fit Telegram's 200 characters, left out if too little would be left), and the
/// citation.
fn who_explanation(view: &View, e: usize) -> String {
    let ui = view.ui;
    let excerpt = &view.corpus.excerpts[e];
    let speaker = excerpt
        .voice
        .speaker()
        .expect("who-said questions have a speaker");
    let name = view.person_name(&view.corpus.people[speaker]);
    let citation = view.citation(excerpt);
    let args = |translation: &str| {
        fill(
            &ui.quiz_who_explanation_translated,
            &[
                ("name", &name),
                ("speech", view.speech(excerpt.voice)),
                ("translation", &quoted(view, excerpt.voice, translation)),
                ("citation", &citation),
            ],
        )
    };
    if let Some(en) = translation(view, e) {
        let room = EXPLANATION_LIMIT.saturating_sub(args("").chars().count());
        if room >= MIN_TRANSLATION {
            return fit_explanation(&args(&cut_translation(en, room)));
        }
    }
    fit_explanation(&fill(
        &ui.quiz_who_explanation,
        &[
            ("name", &name),
            ("speech", view.speech(excerpt.voice)),
            ("citation", &citation),
        ],
    ))
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
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses"),
            Lang::Zh,
        )
        .unwrap()
    }

    // The sentences come from responses/ui.*.toml through `fill`, as the bot says them; the
    // quotes, names and translations are the corpus's, verbatim.

    /// The pieces of `template` around its placeholders `names`, in order, once filled with
    /// `args`: "谁说的?{quote}" around "quote" is ["谁说的?", ""].
    /// What a question holds between the two pieces of whichever template it was made from.
    fn inside<'q>(question: &'q str, asks: &[&Vec<String>]) -> &'q str {
        asks.iter()
            .find_map(|ask| {
                question
                    .strip_prefix(ask[0].as_str())?
                    .strip_suffix(ask[1].as_str())
            })
            .unwrap_or_else(|| panic!("{question}"))
    }

    fn pieces(template: &str, args: &[(&str, &str)], names: &[&str]) -> Vec<String> {
        const MARKS: [&str; 3] = ["\u{1}", "\u{2}", "\u{3}"];
        let mut all = args.to_vec();
        all.extend(names.iter().zip(MARKS).map(|(&n, m)| (n, m)));
        let mut said = fill(template, &all);
        for mark in &MARKS[1..] {
            said = said.replace(mark, MARKS[0]);
        }
        said.split(MARKS[0]).map(str::to_string).collect()
    }

    /// The citation of paragraph `paragraph` of the article.
    fn citation(view: &View, paragraph: &str) -> String {
        let name = |original: &str, en: &str| match view.lang {
            Lang::Zh => original.to_string(),
            Lang::En => fill(&view.ui.name_both, &[("en", en), ("original", original)]),
        };
        fill(
            &view.ui.citation,
            &[
                ("outlet", &name("电厂", "Dianchang")),
                ("date", "2024-07-12"),
                ("reporter", &name("张勇毅", "Zhang Yongyi")),
                ("paragraph", paragraph),
            ],
        )
    }

    #[test]
    fn the_pool_has_at_least_twenty_questions_and_never_the_articles_own_words() {
        let app = app();
        let corpus = app.corpus();
        let pool = pool(corpus, None);
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
        let ui = view.ui;
        let quote = fill(
            &ui.quiz_quote_marks,
            &[("text", "开源并不是商业化的反义词,开源意味着打破垄断")],
        );
        let question = fill(&ui.quiz_who_question, &[("quote", &quote)]);
        let explanation = fill(
            &ui.quiz_who_explanation,
            &[
                ("name", "罗璇"),
                ("speech", &ui.speech_direct),
                ("citation", &citation(&view, "35")),
            ],
        );
        for _ in 0..50 {
            let dealt = deal(&view, Source::Who(luo), &mut rng);
            assert_eq!(dealt.question, question);
            assert_eq!(dealt.options.len(), 4);
            assert_eq!(dealt.options[dealt.correct], "罗璇 · RWKV");
            let mut unique = dealt.options.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), 4);
            assert_eq!(dealt.explanation, explanation);
            // People among people: no publication stands out as the one of its kind.
            assert!(!dealt.options.iter().any(|o| o.contains("The Information")));
        }
    }

    /// A who-said question's options are all of the speaker's kind. The Information is the
    /// only publication the article cites, so its report is asked as a fact question among
    /// publications (quiz.toml), never "who reported this?" among people.
    #[test]
    fn a_report_is_never_asked_among_people() {
        let app = app();
        let corpus = app.corpus();
        let ids: Vec<String> = pool(corpus, None).into_iter().map(|(id, _)| id).collect();
        assert!(!ids.iter().any(|id| id == "who-information-moonshot-us"));
        assert!(ids.iter().any(|id| id == "moonshot-report"));
        let view = app.view(Lang::Zh);
        let mut rng = StdRng::seed_from_u64(5);
        for (_, source) in pool(corpus, None) {
            let Source::Who(_) = source else { continue };
            let dealt = deal(&view, source, &mut rng);
            assert!(
                !dealt.options.iter().any(|o| o.contains("The Information")),
                "{}: {:?}",
                dealt.id,
                dealt.options
            );
        }
        let report = corpus
            .questions
            .iter()
            .find(|q| q.id == "moonshot-report")
            .unwrap();
        assert_eq!(report.options[report.answer].original, "The Information");
        // The question about California names no outlet, so it gives the other away in no quiz.
        let california = corpus
            .questions
            .iter()
            .find(|q| q.id == "moonshot-california")
            .unwrap();
        assert!(!california.question.original.contains("Information"));
        assert!(
            !california
                .question
                .en
                .as_deref()
                .unwrap()
                .contains("Information")
        );
    }

    #[test]
    fn zhou_hongyi_is_a_distractor_but_never_an_answer() {
        let app = app();
        let corpus = app.corpus();
        let view = app.view(Lang::Zh);
        let mut rng = StdRng::seed_from_u64(9);
        let mut seen_as_option = false;
        for (_, source) in pool(corpus, None) {
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
            for (id, source) in pool(app.corpus(), None) {
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

    /// A question that had to cut its quote carries the whole quote, and its citation, as the
    /// poll's description (within Telegram's 1,024 characters, and never naming the speaker,
    /// who is the answer); a question that shows its quote whole carries none.
    #[test]
    fn a_cut_quote_comes_whole_in_the_description() {
        let app = app();
        let corpus = app.corpus();
        let mut rng = StdRng::seed_from_u64(3);
        let mut cut = 0;
        for lang in Lang::ALL {
            let view = app.view(lang);
            for (id, source) in pool(corpus, None) {
                let dealt = deal(&view, source, &mut rng);
                let Source::Who(e) = source else {
                    assert_eq!(dealt.description, "", "{id}");
                    continue;
                };
                let excerpt = &corpus.excerpts[e];
                let whole = match (lang, &excerpt.text.en) {
                    (Lang::En, Some(en)) => en.as_str(),
                    _ => excerpt.text.original.as_str(),
                };
                if dealt.question.contains(whole) {
                    assert_eq!(dealt.description, "", "{id} shows its quote whole");
                    continue;
                }
                cut += 1;
                let d = &dealt.description;
                assert!(d.contains(whole), "{id}: {d}");
                assert!(d.contains(&excerpt.text.original), "{id}: {d}");
                assert!(d.ends_with(&view.citation(excerpt)), "{id}: {d}");
                assert!(d.chars().count() <= DESCRIPTION_LIMIT, "{id}");
                let speaker = view.person_name(&corpus.people[excerpt.voice.speaker().unwrap()]);
                if !whole.contains(&speaker) {
                    assert!(!d.contains(&speaker), "{id} names its speaker: {d}");
                }
            }
        }
        // English readers' translations are cut to fit beside the original.
        assert!(cut > 0, "no question of the corpus cuts its quote");
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
            let tail = pieces(&view.ui.quiz_fact_explanation, &[], &["citation"]);
            let cited = format!("{}{}", citation(&view, "34"), tail[1]);
            assert!(dealt.explanation.ends_with(&cited), "{}", dealt.explanation);
            positions.insert(dealt.correct);
        }
        assert!(positions.len() > 1, "the right option moves");
    }

    #[test]
    fn selection_prefers_unseen_questions_and_never_repeats() {
        let app = app();
        let pool = pool(app.corpus(), None);
        let mut seen = HashMap::new();
        let mut rng = StdRng::seed_from_u64(2);
        // Six questions, at least three of them who-said: a second quiz still finds new ones
        // of both kinds.
        let first = select(&pool, &seen, 6, &mut rng);
        assert_eq!(first.len(), 6);
        let mut unique = first.clone();
        unique.dedup();
        for (id, source) in &pool {
            if first.contains(source) {
                seen.insert(id.clone(), 1);
            }
        }
        let second = select(&pool, &seen, 6, &mut rng);
        assert!(
            second.iter().all(|s| !first.contains(s)),
            "the second quiz meets new questions"
        );
        assert_eq!(select(&pool, &seen, 1000, &mut rng).len(), pool.len());
    }

    fn excerpt(corpus: &Corpus, id: &str) -> usize {
        corpus.excerpts.iter().position(|e| e.id == id).unwrap()
    }

    #[test]
    fn reported_speech_asks_whose_view_and_a_direct_quote_who_said_it() {
        let app = app();
        let corpus = app.corpus();
        let view = app.view(Lang::Zh);
        let mut rng = StdRng::seed_from_u64(4);
        let lin = deal(
            &view,
            Source::Who(excerpt(corpus, "lin-most-efficient-way")),
            &mut rng,
        );
        let ui = view.ui;
        assert_eq!(
            lin.question,
            fill(
                &ui.quiz_view_question,
                &[(
                    "quote",
                    "初创团队选择开源,甚至有大量团队选择 All in 开源,本质上是因为这是一种打破市场现状的最高效的方式。"
                )]
            )
        );
        let report = pieces(&ui.quiz_report_question, &[], &["quote"]);
        let who = pieces(&ui.quiz_who_question, &[], &["quote"]);
        let opinion = pieces(&ui.quiz_view_question, &[], &["quote"]);
        let marks = pieces(&ui.quiz_quote_marks, &[], &["text"]);
        for (_, source) in pool(corpus, None) {
            let Source::Who(e) = source else { continue };
            let dealt = deal(&view, source, &mut rng);
            match corpus.excerpts[e].voice {
                Voice::Direct(_) => {
                    let start = format!("{}{}", who[0], marks[0]);
                    assert!(dealt.question.starts_with(&start), "{}", dealt.question)
                }
                _ => {
                    assert!(!dealt.question.starts_with(&who[0]), "{}", dealt.question);
                    // The article's words, bare: no quotation marks.
                    let words = inside(&dealt.question, &[&opinion, &report]);
                    assert_eq!(
                        words, corpus.excerpts[e].text.original,
                        "no quotation marks: {}",
                        dealt.question
                    );
                }
            }
        }
        let en = app.view(Lang::En);
        let lin = deal(
            &en,
            Source::Who(excerpt(corpus, "lin-most-efficient-way")),
            &mut rng,
        );
        let opinion = pieces(&en.ui.quiz_view_question, &[], &["quote"]);
        let block = pieces(
            &en.ui.quiz_quote_translated,
            &[],
            &["translation", "original"],
        );
        assert!(
            lin.question
                .starts_with(&format!("{}{}Start-ups choose", opinion[0], block[0])),
            "{}",
            lin.question
        );
    }

    /// An English reader gets the quote in English, marked as a translation, with the original
    /// whole under it; the explanation gives the translation too. Only the translation is ever
    /// shortened to fit.
    #[test]
    fn english_readers_get_the_quote_translated_with_the_original_under_it() {
        let app = app();
        let corpus = app.corpus();
        let view = app.view(Lang::En);
        let mut rng = StdRng::seed_from_u64(6);
        let luo = deal(
            &view,
            Source::Who(excerpt(corpus, "luo-open-breaks-monopoly")),
            &mut rng,
        );
        let ui = view.ui;
        let marks = |text: &str| fill(&ui.quiz_quote_marks, &[("text", text)]);
        let translation = "Open source is not the opposite of commercialisation; open source means breaking monopolies.";
        let quote = fill(
            &ui.quiz_quote_translated,
            &[
                ("translation", &marks(translation)),
                (
                    "original",
                    &marks("开源并不是商业化的反义词,开源意味着打破垄断"),
                ),
            ],
        );
        assert_eq!(
            luo.question,
            fill(&ui.quiz_who_question, &[("quote", &quote)])
        );
        let luo_name = fill(&ui.name_both, &[("en", "Luo Xuan"), ("original", "罗璇")]);
        let explanation = pieces(
            &ui.quiz_who_explanation_translated,
            &[("name", &luo_name), ("speech", &ui.speech_direct)],
            &["translation"],
        );
        let marks_around = pieces(&ui.quiz_quote_marks, &[], &["text"]);
        assert!(
            luo.explanation.starts_with(&format!(
                "{}{}Open source is not the opposite of commercialisation",
                explanation[0], marks_around[0]
            )),
            "{}",
            luo.explanation
        );
        let tail = pieces(&ui.quiz_who_explanation_translated, &[], &["citation"]);
        assert!(
            luo.explanation
                .ends_with(&format!("{}{}", citation(&view, "35"), tail[1])),
            "{}",
            luo.explanation
        );
        // Each question: how it asks, the translation (in quotation marks for direct speech),
        // what marks it as one, the original, and what follows.
        let asks = [
            &ui.quiz_who_question,
            &ui.quiz_view_question,
            &ui.quiz_report_question,
        ]
        .map(|ask| pieces(ask, &[], &["quote"]));
        let block = pieces(&ui.quiz_quote_translated, &[], &["translation", "original"]);
        // The explanation's line with the translation, around it.
        let line = pieces(&ui.quiz_who_explanation_translated, &[], &["translation"]);
        let line_number = line[0].matches('\n').count();
        let line_start = line[0].rsplit('\n').next().unwrap_or_default().to_string();
        let line_end = line[1].split('\n').next().unwrap_or_default().to_string();
        // A direct quote's words are in quotation marks, others bare.
        let unmark = |text: &str| -> String {
            text.strip_prefix(marks_around[0].as_str())
                .and_then(|t| t.strip_suffix(marks_around[1].as_str()))
                .unwrap_or(text)
                .to_string()
        };
        for (_, source) in pool(corpus, None) {
            let Source::Who(e) = source else { continue };
            let dealt = deal(&view, source, &mut rng);
            let excerpt = &corpus.excerpts[e];
            let quote = inside(&dealt.question, &asks.iter().collect::<Vec<_>>());
            let quote = quote
                .strip_prefix(block[0].as_str())
                .and_then(|q| q.strip_suffix(block[2].as_str()))
                .unwrap_or_else(|| panic!("{}", dealt.question));
            let (translated, original) = quote
                .split_once(block[1].as_str())
                .unwrap_or_else(|| panic!("{}", dealt.question));
            let en = excerpt.text.en.as_deref().unwrap();
            let unmarked = unmark(translated);
            let shown = unmarked.trim_end_matches('…');
            assert!(en.starts_with(shown), "{shown} is not the start of {en}");
            assert!(
                !en[shown.len()..].starts_with(char::is_alphanumeric),
                "{shown} cuts a word of {en}"
            );
            assert!(
                original.contains(&excerpt.text.original),
                "the original whole: {original}"
            );
            assert!(dealt.question.chars().count() <= QUESTION_LIMIT - PREFIX_ROOM);
            let line = dealt.explanation.split('\n').nth(line_number).unwrap();
            let shown = line
                .strip_prefix(line_start.as_str())
                .and_then(|l| l.strip_suffix(line_end.as_str()))
                .unwrap_or_else(|| panic!("{}", dealt.explanation));
            let unmarked = unmark(shown);
            let shown = unmarked.trim_end_matches('…');
            assert!(shown.chars().count() >= MIN_TRANSLATION / 2, "{line}");
            assert!(en.starts_with(shown), "{shown} is not the start of {en}");
            assert!(
                !en[shown.len()..].starts_with(char::is_alphanumeric),
                "{line}"
            );
            assert!(dealt.explanation.chars().count() <= EXPLANATION_LIMIT);
            assert_eq!(dealt.explanation.matches('\n').count(), 2);
        }
    }

    #[test]
    fn translations_are_cut_after_a_clause_or_a_whole_word() {
        let text = "In this situation, it is commercial closed-source models that are the future.";
        assert_eq!(cut_translation(text, 200), text);
        assert_eq!(
            cut_translation(text, 60),
            "In this situation, it is commercial closed-source models…"
        );
        assert_eq!(cut_translation(text, 25), "In this situation…");
        assert_eq!(
            cut_translation("Open source is also the most important touchstone: x", 46),
            "Open source is also the most important…"
        );
    }

    /// At least half of every quiz, rounded up, is who-said questions, quiz after quiz in one
    /// chat; the two kinds are mixed, never bunched at one end.
    #[test]
    fn every_quiz_is_at_least_half_who_said_and_mixed() {
        let app = app();
        let pool = pool(app.corpus(), None);
        let who_total = pool
            .iter()
            .filter(|(_, s)| matches!(s, Source::Who(_)))
            .count();
        let mut rng = StdRng::seed_from_u64(11);
        for n in [1, 2, 3, 5, 6, 10, 20] {
            let mut seen: HashMap<String, u32> = HashMap::new();
            for _ in 0..6 {
                let picked = select(&pool, &seen, n, &mut rng);
                assert_eq!(picked.len(), n.min(pool.len()));
                let who = picked
                    .iter()
                    .filter(|s| matches!(s, Source::Who(_)))
                    .count();
                assert!(who >= n.div_ceil(2).min(who_total), "{who} of {n}");
                // Mixed: no run of one kind longer than the other kind allows.
                let facts = picked.len() - who;
                let longest = picked
                    .chunk_by(|a, b| matches!(a, Source::Who(_)) == matches!(b, Source::Who(_)))
                    .map(<[Source]>::len)
                    .max()
                    .unwrap_or(0);
                let (more, fewer) = (who.max(facts), who.min(facts));
                assert!(longest <= more.div_ceil(fewer + 1), "{picked:?}");
                for (id, source) in &pool {
                    if picked.contains(source) {
                        *seen.entry(id.clone()).or_default() += 1;
                    }
                }
            }
        }
    }

    #[test]
    fn long_quotes_are_cut_at_a_clause_with_an_ellipsis() {
        let text = "第一句很长很长,第二句也很长很长。第三句";
        assert_eq!(cut_at_clause(text, 100), text);
        assert_eq!(cut_at_clause(text, 12), "第一句很长很长…");
        assert_eq!(cut_at_clause("没有标点的一长串文字", 5), "没有标点…");
    }
}
