//! What is made from the excerpts: who-said questions (only where the article settles the
//! answer: a speaker named by a cue, not left for review; the options the article's other
//! speakers), the article's topic command, and a debate motion where two named people take
//! opposite sides of a pair of words the article turns on (开源/闭源, support/oppose).

use std::collections::BTreeSet;

use debate_core::command::{BUILTIN_COMMANDS, is_valid_command_name};

use crate::{Excerpt, Kind, Motion, Person, PersonKind, Question, Source, Topic};

/// The language and script the drafted questions and motion are written in: the article's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Simplified,
    Traditional,
    English,
}

impl Style {
    pub fn of(source: &Source) -> Style {
        if source.language == "en" {
            Style::English
        } else if crate::script::is_traditional(&source.title) {
            Style::Traditional
        } else {
            Style::Simplified
        }
    }

    /// The sentences: who said it, whose view is it, who reported it, the motion.
    fn words(self) -> [&'static str; 4] {
        match self {
            Style::Simplified => [
                "谁说了这句话?“{}”",
                "文中这是谁的看法?{}",
                "文中这条消息是据谁报道的?{}",
                "{name}说:“{}”。你同意吗?",
            ],
            Style::Traditional => [
                "誰說了這句話?「{}」",
                "文中這是誰的看法?{}",
                "文中這條消息是據誰報導的?{}",
                "{name}說:「{}」。你同意嗎?",
            ],
            Style::English => [
                "Who said this? “{}”",
                "According to the article, whose view is this? {}",
                "According to the article, who reported this? {}",
                "{name} says: “{}”. Do you agree?",
            ],
        }
    }
}

/// At most this many options per question (the speaker and three others).
const OPTIONS: usize = 4;
/// Telegram allows 100 characters an option.
const OPTION_LIMIT: usize = 100;

/// The verbatim words of `paragraph` that hold both the cue and the span: from the first
/// of them to the last. None where the cue is not in the paragraph.
pub fn evidence(paragraph: &str, cue: &str, text: &str) -> Option<String> {
    let span = paragraph.find(text)?;
    let span_end = span + text.len();
    let parts: Vec<&str> = cue.split('…').filter(|p| !p.is_empty()).collect();
    let first = parts.first()?;
    let last = parts.last()?;
    // The cue's parts nearest the span, before or after it.
    let start = paragraph[..span]
        .rfind(first)
        .or_else(|| paragraph.find(first))?;
    let end = match paragraph[start..].find(last) {
        Some(i) => start + i + last.len(),
        None => return None,
    };
    let (from, to) = (start.min(span), end.max(span_end));
    Some(paragraph[from..to].to_owned())
}

/// The who-said questions of an article.
pub fn questions(
    excerpts: &[Excerpt],
    people: &[Person],
    paragraphs: &[String],
    style: Style,
) -> Vec<Question> {
    // Speakers in the order the article first quotes them.
    let mut speakers: Vec<usize> = Vec::new();
    for e in excerpts {
        if let Some(s) = e.speaker
            && !speakers.contains(&s)
        {
            speakers.push(s);
        }
    }
    if speakers.len() < 2 {
        return Vec::new();
    }
    excerpts
        .iter()
        .filter(|e| matches!(e.kind, Kind::Direct | Kind::Reported) && !e.review)
        .filter_map(|e| {
            let speaker = e.speaker?;
            let evidence = evidence(&paragraphs[e.paragraph - 1], e.cue.as_deref()?, &e.text)?;
            // The speaker and the nearest others in article order, rotated so the answer's
            // place does not give it away.
            let others: Vec<usize> = speakers
                .iter()
                .copied()
                .filter(|&s| s != speaker)
                .take(OPTIONS - 1)
                .collect();
            let mut options: Vec<usize> = others;
            let at = e.paragraph % (options.len() + 1);
            options.insert(at, speaker);
            let names: Vec<String> = options.iter().map(|&p| fit(&people[p].name)).collect();
            let names_en: Vec<String> = options
                .iter()
                .map(|&p| fit(people[p].name_en.as_deref().unwrap_or(&people[p].name)))
                .collect();
            let words = cut(&e.text, 120);
            let [said, view, report, _] = style.words();
            let [said_en, view_en, report_en, _] = Style::English.words();
            let (question, question_en) = match (e.kind, people[speaker].kind) {
                (_, PersonKind::Report) => (report, report_en),
                (Kind::Direct, _) => (said, said_en),
                _ => (view, view_en),
            };
            let (question, question_en) = (
                question.replace("{}", &words),
                question_en.replace("{}", &words),
            );
            Some(Question {
                id: format!("said-{}", e.id),
                paragraph: e.paragraph,
                evidence,
                question,
                question_en,
                options: names,
                options_en: names_en,
                answer: at,
                excerpt: e.id.clone(),
            })
        })
        .collect()
}

/// At most `limit` characters, cut with "…".
fn cut(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(limit - 1).collect();
    out.push('…');
    out
}

fn fit(option: &str) -> String {
    cut(option, OPTION_LIMIT)
}

/// Pairs of words that name opposite sides, in simplified Chinese and English.
const SIDES: &[(&str, &str)] = &[
    ("闭源", "开源"),
    ("反对", "支持"),
    ("反对", "赞成"),
    ("closed", "open"),
    ("oppose", "support"),
    ("against", "for"),
];

/// A motion where two named people lean to opposite words of a pair; otherwise why not.
pub fn motion(
    excerpts: &[Excerpt],
    people: &[Person],
    prefix: &str,
    style: Style,
) -> Result<Motion, String> {
    let named: Vec<usize> = (0..people.len())
        .filter(|&p| people[p].kind == PersonKind::Person)
        .filter(|&p| excerpts.iter().any(|e| e.speaker == Some(p)))
        .collect();
    if named.len() < 2 {
        return Err(format!(
            "no debate motion: the article quotes {} named {}, and a motion needs two named voices \
             it sets against each other",
            named.len(),
            if named.len() == 1 { "person" } else { "people" }
        ));
    }
    let said =
        |p: usize| -> Vec<&Excerpt> { excerpts.iter().filter(|e| e.speaker == Some(p)).collect() };
    let lean = |p: usize, (a, b): (&str, &str)| -> i32 {
        said(p)
            .iter()
            .map(|e| {
                let t = fast2s::convert(&e.text).to_lowercase();
                t.matches(a).count() as i32 - t.matches(b).count() as i32
            })
            .sum()
    };
    // The pair of words most of the named speakers' words turn on, each side leaning to one.
    // (the pair, who leans to its first word, who to its second, how many words they said)
    type Sides<'a> = ((&'a str, &'a str), Vec<usize>, Vec<usize>, usize);
    let mut best: Option<Sides> = None;
    for &pair in SIDES {
        let pro: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&p| lean(p, pair) > 0)
            .collect();
        let con: Vec<usize> = named
            .iter()
            .copied()
            .filter(|&p| lean(p, pair) < 0)
            .collect();
        if pro.is_empty() || con.is_empty() {
            continue;
        }
        let weight: usize = pro.iter().chain(&con).map(|&p| said(p).len()).sum();
        if best.as_ref().is_none_or(|b| weight > b.3) {
            best = Some((pair, pro, con, weight));
        }
    }
    let Some(((a, b), pro, con, _)) = best else {
        let names: Vec<&str> = named.iter().map(|&p| people[p].name.as_str()).collect();
        return Err(format!(
            "no debate motion: {} are quoted, but their words do not take opposite sides of the \
             same question ({})",
            names.join("、"),
            SIDES
                .iter()
                .take(3)
                .map(|(a, b)| format!("{a}/{b}"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    };
    // The one who says most for `a` makes the motion: the shortest of their words naming it.
    let x = *pro
        .iter()
        .max_by_key(|&&p| said(p).len())
        .expect("a side has someone");
    let claim = said(x)
        .into_iter()
        .filter(|e| fast2s::convert(&e.text).to_lowercase().contains(a))
        .min_by_key(|e| e.text.chars().count())
        .map(|e| e.text.trim_end_matches(['。', '.']).to_owned())
        .unwrap_or_default();
    let claim = cut(&claim, 100);
    let ids = |side: &[usize], word: &str| -> Vec<String> {
        excerpts
            .iter()
            .filter(|e| e.speaker.is_some_and(|s| side.contains(&s)))
            .filter(|e| fast2s::convert(&e.text).to_lowercase().contains(word))
            .map(|e| e.id.clone())
            .collect()
    };
    Ok(Motion {
        id: format!("{prefix}-motion"),
        motion: style.words()[3]
            .replace("{name}", &people[x].name)
            .replace("{}", &claim),
        motion_en: Style::English.words()[3]
            .replace(
                "{name}",
                people[x].name_en.as_deref().unwrap_or(&people[x].name),
            )
            .replace("{}", &claim),
        for_: ids(&pro, a),
        against: ids(&con, b),
    })
}

/// The article's topic: a free command made from its id, its title and a line about it.
pub fn topic(id: &str, source: &Source, taken: &BTreeSet<String>) -> Topic {
    // The id without a leading date: "20240712-open-vs-closed" gives "open_vs_closed".
    let words = id.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-');
    let words = if words.is_empty() { id } else { words };
    let mut base: String = words
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    base = base.trim_matches('_').chars().take(28).collect();
    base = base.trim_end_matches('_').to_owned();
    if base.is_empty() || !base.starts_with(|c: char| c.is_ascii_lowercase()) {
        base = format!("a_{base}")
            .trim_end_matches('_')
            .chars()
            .take(28)
            .collect();
    }
    let free =
        |c: &str| is_valid_command_name(c) && !BUILTIN_COMMANDS.contains(&c) && !taken.contains(c);
    let mut command = base.clone();
    let mut n = 2;
    while !free(&command) {
        command = format!("{base}_{n}");
        n += 1;
    }
    Topic {
        command,
        title: source.title.clone(),
        about: format!(
            "{} {}:{}",
            source.outlet,
            source.published.split_whitespace().next().unwrap_or(""),
            source.title
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_holds_the_cue_and_the_words() {
        let p = "RWKV 联合创始人罗璇表示“开源意味着打破垄断”Llama 2 是大事。";
        assert_eq!(
            evidence(p, "RWKV 联合创始人罗璇表示", "开源意味着打破垄断").as_deref(),
            Some("RWKV 联合创始人罗璇表示“开源意味着打破垄断")
        );
        let p = "“开源是试金石”一位经理对记者表示。";
        assert_eq!(
            evidence(p, "一位经理对记者表示", "开源是试金石").as_deref(),
            Some("开源是试金石”一位经理对记者表示")
        );
        assert_eq!(evidence(p, "李彦宏表示", "开源是试金石"), None);
    }

    #[test]
    fn a_topic_command_is_free() {
        let source = Source {
            title: "标题".into(),
            outlet: "电厂".into(),
            published: "2024-07-12 22:52".into(),
            reporter: "x".into(),
            editor: String::new(),
            language: "zh".into(),
        };
        assert_eq!(
            topic("my-article", &source, &BTreeSet::new()).command,
            "my_article"
        );
        assert_eq!(
            topic(
                "my-article",
                &source,
                &BTreeSet::from(["my_article".to_owned()])
            )
            .command,
            "my_article_2"
        );
        assert_eq!(
            topic("2024-07-12", &source, &BTreeSet::new()).command,
            "a_2024_07_12"
        );
        assert_eq!(
            topic("20240712-open-vs-closed", &source, &BTreeSet::new()).command,
            "open_vs_closed"
        );
        assert_eq!(topic("help", &source, &BTreeSet::new()).command, "help_2");
    }
}
