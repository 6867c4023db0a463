//! The sentences users see, as the bot makes them: the ui files' templates (responses/ui.*.toml)
//! filled by the bot's own `fill`, so a change of wording changes no test; read backwards
//! ([`unsay`]) or in part ([`say_until`], [`say_after`]) where a test does not know the rest;
//! and the corpus's words around them (citations, names, roles).

use debate_bot::i18n::Lang;

use super::app;

/// What the bot says for the ui key `key` in `lang`, filled with `args` by the bot's own
/// `fill`: tests expect the sentences of `responses/ui.*.toml`, not copies of them, so a change
/// of wording changes no test.
pub fn say(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let app = app();
    let template = app
        .view(lang)
        .ui
        .entries()
        .into_iter()
        .find(|(k, _)| *k == key)
        .unwrap_or_else(|| panic!("no ui key {key}"))
        .1
        .to_string();
    debate_bot::i18n::fill(&template, args)
}

/// The quiz's sentences (responses/ui.zh.toml, nothing to fill) that both quiz test files
/// expect.
pub mod quiz_zh {
    use super::*;

    /// A sentence of responses/ui.zh.toml with nothing to fill.
    pub fn zh(key: &str) -> String {
        say(Lang::Zh, key, &[])
    }

    /// How the results name a question: its first 24 characters, "…" when cut.
    pub fn title(question: &str) -> String {
        let mut title: String = question.chars().take(24).collect();
        if question.chars().count() > 24 {
            title.push('…');
        }
        title
    }

    /// A question's line of the results: "第 1 题:66%(2/3)· 谁说的?…".
    pub fn question_line(
        number: usize,
        share: usize,
        right: usize,
        answered: usize,
        title: &str,
    ) -> String {
        let (number, share) = (number.to_string(), share.to_string());
        let (right, answered) = (right.to_string(), answered.to_string());
        say(
            Lang::Zh,
            "quiz_results_question",
            &[
                ("number", &number),
                ("share", &share),
                ("right", &right),
                ("answered", &answered),
                ("question", title),
            ],
        )
    }
    pub fn only_starter_next() -> String {
        zh("quiz_only_starter_next")
    }
    pub fn only_starter_stop() -> String {
        zh("quiz_only_starter_stop")
    }
    pub fn only_starter_report() -> String {
        zh("quiz_only_starter_report")
    }
    pub fn stopped() -> String {
        zh("quiz_stopped")
    }
    pub fn none_running() -> String {
        zh("quiz_none_running")
    }
    pub fn nobody() -> String {
        zh("quiz_results_nobody")
    }
    pub fn top_title() -> String {
        zh("top_title")
    }
    /// The quiz's intro: "测验开始:5 题,每题 30 秒,由 王老师 发起。…".
    pub fn intro(count: usize, seconds: u32, name: &str) -> String {
        quiz_intro(Lang::Zh, count, seconds, name)
    }
    /// A line of /top, without its medal: "11. 学生12 — 答对 2 题(共答 5 题)".
    pub fn top_line(rank: usize, name: &str, correct: usize, answers: usize) -> String {
        let (rank, correct, answers) = (rank.to_string(), correct.to_string(), answers.to_string());
        say(
            Lang::Zh,
            "top_line",
            &[
                ("rank", &rank),
                ("name", name),
                ("correct", &correct),
                ("answers", &answers),
            ],
        )
    }
    /// A line of the podium: "🥇 Bob — 1/2 · 2.7 秒" (the name is bold in HTML).
    pub fn podium_line(
        medal: &str,
        name: &str,
        correct: usize,
        total: usize,
        seconds: &str,
    ) -> String {
        let took = say(Lang::Zh, "quiz_seconds", &[("seconds", seconds)]);
        format!("{medal} {name} — {correct}/{total} · {took}")
    }
    pub fn top_you_none() -> String {
        zh("top_you_none")
    }
    pub fn already_running(name: &str) -> String {
        say(Lang::Zh, "quiz_already_running", &[("name", name)])
    }
    pub fn forgotten(count: impl std::fmt::Display) -> String {
        say(Lang::Zh, "quiz_forgotten", &[("count", &count.to_string())])
    }
    /// The results' title: "🏁 测验结束:3 题,3 人作答".
    pub fn results_title(count: usize, people: usize) -> String {
        let (count, people) = (count.to_string(), people.to_string());
        say(
            Lang::Zh,
            "quiz_results_title",
            &[("count", &count), ("people", &people)],
        )
    }
}

/// A debate's sentences (responses/ui.*.toml): in Chinese unless a `lang` is given.
pub mod debate {
    use super::*;

    pub fn none_open() -> String {
        say(Lang::Zh, "debate_none_open", &[])
    }
    pub fn only_starter_close() -> String {
        say(Lang::Zh, "debate_only_starter_close", &[])
    }
    pub fn already_open(motion: &str) -> String {
        already_open_in(Lang::Zh, motion)
    }
    pub fn already_open_in(lang: Lang, motion: &str) -> String {
        say(lang, "debate_already_open", &[("motion", motion)])
    }

    /// The sides of a vote, as its options read: for, against, undecided.
    pub fn sides(lang: Lang) -> [String; 3] {
        [
            "debate_side_for",
            "debate_side_against",
            "debate_vote_undecided",
        ]
        .map(|key| say(lang, key, &[]))
    }

    /// The article's camps on a motion: "文中站队 —— 正方:李彦宏;反方:罗璇".
    pub fn camps(lang: Lang, for_: &str, against: &str) -> String {
        say(lang, "debate_camps", &[("for", for_), ("against", against)])
    }

    /// A vote's line of the result: "读前:正方 1 票(25%) · 反方 … (共 4 人)"; `round_key`
    /// names the vote (debate_round_before or debate_round_after), `votes` each side's votes
    /// and percent.
    pub fn round_line(lang: Lang, round_key: &str, votes: [(u64, u64); 3], total: u64) -> String {
        let shares: Vec<String> = sides(lang)
            .iter()
            .zip(votes)
            .map(|(side, (votes, percent))| {
                let (votes, percent) = (votes.to_string(), percent.to_string());
                say(
                    lang,
                    "debate_result_share",
                    &[("side", side), ("votes", &votes), ("percent", &percent)],
                )
            })
            .collect();
        let total = total.to_string();
        say(
            lang,
            "debate_result_round",
            &[
                ("round", &say(lang, round_key, &[])),
                (
                    "shares",
                    &shares.join(&say(lang, "debate_result_share_separator", &[])),
                ),
                ("total", &total),
            ],
        )
    }

    /// The head of the result of a debate closed after its first vote: its title, the first
    /// vote (`votes` are each side's votes and percent) and the second, which nobody cast.
    pub fn result_head(lang: Lang, motion: &str, votes: [(u64, u64); 3], total: u64) -> String {
        let after = say(lang, "debate_round_after", &[]);
        [
            say(lang, "debate_result_title", &[("motion", motion)]),
            round_line(lang, "debate_round_before", votes, total),
            say(lang, "debate_result_round_none", &[("round", &after)]),
        ]
        .join("\n")
    }
}

/// A quiz's intro in `lang`: `count` questions of `seconds`, started by `name`.
pub fn quiz_intro(lang: Lang, count: usize, seconds: u32, name: &str) -> String {
    let (count, seconds) = (count.to_string(), seconds.to_string());
    say(
        lang,
        "quiz_intro",
        &[("count", &count), ("seconds", &seconds), ("name", name)],
    )
}

/// [`say`] read backwards: the value of each `{placeholder}` if `text` is the ui key `key`
/// filled, or `None`. A value runs to the first place the template's next words follow, so
/// two placeholders must not touch; plural forms (`{count|one|other}`) are not read.
pub fn unsay(
    lang: Lang,
    key: &str,
    text: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    let template = say(lang, key, &[]);
    let mut values = std::collections::BTreeMap::new();
    let mut rest_template = template.as_str();
    let mut rest = text;
    loop {
        let Some(open) = rest_template.find('{') else {
            return (rest == rest_template).then_some(values);
        };
        rest = rest.strip_prefix(&rest_template[..open])?;
        let after = &rest_template[open + 1..];
        let close = after.find('}').expect("a closed placeholder");
        let name = &after[..close];
        assert!(!name.contains('|'), "{key}: plural forms are not read");
        rest_template = &after[close + 1..];
        if rest_template.is_empty() {
            values.insert(name.to_string(), rest.to_string());
            return Some(values);
        }
        let next = rest_template.find('{').unwrap_or(rest_template.len());
        assert!(next > 0, "{key}: {{{name}}} touches the next placeholder");
        let words = &rest_template[..next];
        let end = if next == rest_template.len() {
            rest.len().checked_sub(words.len())?
        } else {
            rest.find(words)?
        };
        if !rest.is_char_boundary(end) {
            return None;
        }
        values.insert(name.to_string(), rest[..end].to_string());
        rest = &rest[end..];
    }
}

/// What [`say`] says before `{placeholder}`: the start of a sentence whose rest the test does
/// not know (a count, a name), e.g. "🏁 测验结束:2 题," before the number of players.
pub fn say_until(lang: Lang, key: &str, args: &[(&str, &str)], placeholder: &str) -> String {
    const MARK: &str = "\u{0}";
    let mut all = args.to_vec();
    all.push((placeholder, MARK));
    let said = say(lang, key, &all);
    match said.split_once(MARK) {
        Some((before, _)) => before.to_string(),
        None => panic!("ui key {key} has no {{{placeholder}}}: {said}"),
    }
}

/// What [`say`] says after `{placeholder}`: the end of a sentence whose start the test does
/// not know, e.g. " 你站哪一方?(投票 60 分钟)" after a motion.
pub fn say_after(lang: Lang, key: &str, args: &[(&str, &str)], placeholder: &str) -> String {
    const MARK: &str = "\u{0}";
    let mut all = args.to_vec();
    all.push((placeholder, MARK));
    let said = say(lang, key, &all);
    match said.rsplit_once(MARK) {
        Some((_, after)) => after.to_string(),
        None => panic!("ui key {key} has no {{{placeholder}}}: {said}"),
    }
}

/// The citation of paragraph `paragraph` of the shipped article, as a reader of `lang` sees
/// it: "出处:电厂,2024-07-12,记者 张勇毅,¶5". The outlet, date and reporter are the
/// article's (responses/…/source.toml); the words around them are the ui file's.
pub fn citation(lang: Lang, paragraph: &str) -> String {
    let (outlet, reporter) = match lang {
        Lang::Zh => ("电厂".to_string(), "张勇毅".to_string()),
        Lang::En => (
            say(
                lang,
                "name_both",
                &[("en", "Dianchang"), ("original", "电厂")],
            ),
            say(
                lang,
                "name_both",
                &[("en", "Zhang Yongyi"), ("original", "张勇毅")],
            ),
        ),
    };
    say(
        lang,
        "citation",
        &[
            ("outlet", &outlet),
            ("date", "2024-07-12"),
            ("reporter", &reporter),
            ("paragraph", paragraph),
        ],
    )
}

/// The start of every citation of the shipped article, up to its paragraph number:
/// "出处:电厂,2024-07-12,记者 张勇毅,¶".
pub fn citation_start(lang: Lang) -> String {
    let whole = citation(lang, "\u{0}");
    match whole.split_once('\u{0}') {
        Some((before, _)) => before.to_string(),
        None => panic!("a citation with no paragraph: {whole}"),
    }
}

/// A name as a reader of `lang` sees it: "罗璇" in Chinese, "Luo Xuan (罗璇)" in English.
pub fn name(lang: Lang, original: &str, en: &str) -> String {
    match lang {
        Lang::Zh => original.to_string(),
        Lang::En => say(lang, "name_both", &[("en", en), ("original", original)]),
    }
}

/// A person's role as the bot shows it, from the corpus's words (responses/people.toml):
/// `role` at `org` ("百度" and "联合创始人" read "百度联合创始人"), marked when the article does not
/// state it (`outside`).
pub fn role(lang: Lang, org: &str, role: &str, outside: bool) -> String {
    let role = match (org.is_empty(), role.is_empty()) {
        (false, false) => say(lang, "person_role", &[("org", org), ("role", role)]),
        (true, _) => role.to_string(),
        (false, true) => org.to_string(),
    };
    if outside {
        say(lang, "role_outside", &[("role", &role)])
    } else {
        role
    }
}

/// Li Yanhong's role: "百度联合创始人、董事长兼首席执行官(非文中所述)".
pub fn li_role(lang: Lang) -> String {
    match lang {
        Lang::Zh => role(lang, "百度", "联合创始人、董事长兼首席执行官", true),
        Lang::En => role(lang, "Baidu", "co-founder, chairman and CEO", true),
    }
}

/// The attribution under an excerpt: "—— 李彦宏,百度… · 原话"; `speech` is the ui key
/// speech_direct or speech_reported.
pub fn speaker_line(lang: Lang, name: &str, role: &str, speech: &str) -> String {
    let speech = say(lang, speech, &[]);
    say(
        lang,
        "speaker_line",
        &[("name", name), ("role", role), ("speech", &speech)],
    )
}

/// A topic's page header: "闭源 · 1/10".
pub fn topic_header(lang: Lang, title: &str, position: usize, count: usize) -> String {
    let (position, count) = (position.to_string(), count.to_string());
    say(
        lang,
        "topic_header",
        &[("title", title), ("position", &position), ("count", &count)],
    )
}
