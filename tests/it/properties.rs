//! Property-based hardening: the renderer, the command parser, the core (messages, button
//! presses, inline queries) and the corpus loader, fed arbitrary and hostile input.
//!
//! Inputs mix arbitrary Unicode scalar values (control characters, RTL marks, zero-width
//! joiners, emoji), fragments that look like HTML or entities (`<b>`, `&amp;`,
//! `</blockquote>`) and very long runs (up to 20,000 characters). Failures are not persisted
//! to a regressions file; proptest prints the shrunk input instead.

use crate::support::{copy_of, responses_dir, shipped_app};

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use rand::SeedableRng;
use rand::rngs::StdRng;

use debate_bot::app::{App, INLINE_PAGE, Press, Reply, Request};
use debate_bot::bot_api::CALLBACK_DATA_LIMIT;
use debate_bot::callback_data;
use debate_bot::command::{self, BUILTIN_COMMANDS};
use debate_bot::corpus;
use debate_bot::i18n::Lang;
use debate_bot::render::{Block, Doc, MESSAGE_LIMIT, Span, utf16_len};
use debate_bot::search::SearchIndex;
use debate_bot::vocab::ChatKind;

const ARTICLE: &str = "dianchang-2024-07-12-open-vs-closed";

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- input strategies ------------------------------------------------------------------

/// Pieces of hostile text: markup look-alikes, entities, invisible and direction marks,
/// control characters, emoji sequences, CJK, whitespace of every kind.
const FRAGMENTS: &[&str] = &[
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<code>",
    "</code>",
    "<blockquote>",
    "</blockquote>",
    "<blockquote expandable>",
    "<a href=\"https://x.y\">",
    "<tg-spoiler>",
    "<pre>",
    "<!--",
    "]]>",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#39;",
    "&nbsp;",
    "&#x3c;",
    "&",
    "<",
    ">",
    "\"",
    "'",
    "😀",
    "👨\u{200d}👩\u{200d}👧",
    "🇨🇳",
    "\u{200d}",
    "\u{200b}",
    "\u{200e}",
    "\u{200f}",
    "\u{202e}",
    "\u{2066}",
    "\u{feff}",
    "\u{0}",
    "\u{7}",
    "\u{1b}[31m",
    "\u{7f}",
    "\u{85}",
    "\u{2028}",
    "\n",
    "\r\n",
    "\t",
    " ",
    "\u{3000}",
    "a\u{301}",
    "ﷺ",
    "…",
    "开源",
    "闭源",
    "李彦宏",
    "李彥宏",
    "Robin Li",
    "ＬＬＡＭＡ２",
    "/",
    "@",
    ":",
    "{name}",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<char>().prop_map(String::from),
        3 => prop::sample::select(FRAGMENTS).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 ]{1,8}",
    ]
}

/// Short hostile text: up to `max` pieces.
fn short_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..=max).prop_map(|pieces| pieces.concat())
}

/// A long run (1,000-20,000 characters) made by repeating a short hostile seed.
fn long_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(piece(), 1..6), 1_000usize..=20_000).prop_map(|(pieces, n)| {
        let seed = pieces.concat();
        seed.chars().cycle().take(n).collect()
    })
}

/// What a user might type: mostly short, sometimes very long.
fn user_text() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => short_text(24),
        1 => long_text(),
    ]
}

fn span_of(kind: u8, text: String) -> Span {
    match kind {
        0 => Span::Plain(text),
        1 => Span::Bold(text),
        2 => Span::Italic(text),
        _ => Span::Code(text),
    }
}

fn span(text: impl Strategy<Value = String>) -> impl Strategy<Value = Span> {
    (0u8..4, text).prop_map(|(kind, text)| span_of(kind, text))
}

fn push_block(doc: &mut Doc, quote: bool, spans: Vec<Span>) {
    if quote {
        doc.quote(spans);
    } else {
        doc.line(spans);
    }
}

/// Any document: up to 8 lines or quotes of up to 4 spans each.
fn doc() -> impl Strategy<Value = Doc> {
    prop::collection::vec(
        (
            any::<bool>(),
            prop::collection::vec(span(user_text()), 0..4),
        ),
        0..8,
    )
    .prop_map(|blocks| {
        let mut doc = Doc::new();
        for (quote, spans) in blocks {
            push_block(&mut doc, quote, spans);
        }
        doc
    })
}

/// Documents whose length sits right at the message limit: a first block of 4,088-4,100
/// UTF-16 units (ASCII, or emoji of two units with an optional ASCII tail), then a few short
/// blocks. These reach the corners of `Doc::fit` that random lengths almost never do.
fn doc_near_limit() -> impl Strategy<Value = Doc> {
    (
        MESSAGE_LIMIT - 8..=MESSAGE_LIMIT + 4,
        any::<bool>(),
        0u8..4,
        any::<bool>(),
        prop::collection::vec(
            (
                any::<bool>(),
                prop::collection::vec(span(short_text(6)), 0..3),
            ),
            0..4,
        ),
    )
        .prop_map(|(units, emoji, kind, quote, rest)| {
            let first = if emoji {
                let mut s = "😀".repeat(units / 2);
                if units % 2 == 1 {
                    s.push('x');
                }
                s
            } else {
                "x".repeat(units)
            };
            let mut doc = Doc::new();
            push_block(&mut doc, quote, vec![span_of(kind, first)]);
            for (quote, spans) in rest {
                push_block(&mut doc, quote, spans);
            }
            doc
        })
}

// ---- a checker for Telegram HTML -------------------------------------------------------

/// The tags the renderer may emit (a subset of what Telegram accepts).
const TAGS: &[&str] = &["b", "i", "code", "blockquote"];

/// Reads `html` as Telegram would: only the renderer's tags, properly nested and closed, no
/// blockquote inside a blockquote, and only the entities `&lt; &gt; &amp; &quot;`. Returns
/// the visible text (tags stripped, entities decoded), or what is wrong and where.
fn telegram_visible_text(html: &str) -> Result<String, String> {
    let mut visible = String::with_capacity(html.len());
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        let at = html.len() - rest.len();
        match c {
            '<' => {
                let end = rest
                    .find('>')
                    .ok_or_else(|| format!("unclosed '<' at byte {at}"))?;
                let tag = &rest[1..end];
                let (closing, name) = match tag.strip_prefix('/') {
                    Some(name) => (true, name),
                    None => (false, tag),
                };
                let name = TAGS
                    .iter()
                    .copied()
                    .find(|t| *t == name)
                    .ok_or_else(|| format!("tag <{tag}> at byte {at} is not one we emit"))?;
                if closing {
                    match open.pop() {
                        Some(top) if top == name => {}
                        top => {
                            return Err(format!(
                                "</{name}> at byte {at} closes {top:?}, not <{name}>"
                            ));
                        }
                    }
                } else {
                    if name == "blockquote" && open.contains(&"blockquote") {
                        return Err(format!("nested blockquote at byte {at}"));
                    }
                    open.push(name);
                }
                rest = &rest[end + 1..];
            }
            '>' => return Err(format!("bare '>' at byte {at}")),
            '&' => {
                let (entity, decoded) = [
                    ("&lt;", '<'),
                    ("&gt;", '>'),
                    ("&amp;", '&'),
                    ("&quot;", '"'),
                ]
                .into_iter()
                .find(|(entity, _)| rest.starts_with(entity))
                .ok_or_else(|| {
                    let near: String = rest.chars().take(8).collect();
                    format!("bare or unknown entity {near:?} at byte {at}")
                })?;
                visible.push(decoded);
                rest = &rest[entity.len()..];
            }
            c => {
                visible.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !open.is_empty() {
        return Err(format!("unclosed tags at the end: {open:?}"));
    }
    Ok(visible)
}

fn span_text(span: &Span) -> &str {
    match span {
        Span::Plain(t) | Span::Bold(t) | Span::Italic(t) | Span::Code(t) => t,
    }
}

/// Property 1 for one document: its HTML is valid Telegram HTML whose visible text is the
/// fitted document's, within the limit, and equal to the whole text when that fits.
fn check_doc(doc: &Doc) -> Result<(), TestCaseError> {
    let html = doc.to_html();
    let visible = telegram_visible_text(&html).map_err(TestCaseError::fail)?;
    let units = utf16_len(&visible);
    prop_assert!(
        units <= MESSAGE_LIMIT,
        "visible text is {units} UTF-16 units, over {MESSAGE_LIMIT}"
    );
    let fitted = doc.fit(MESSAGE_LIMIT).visible_text();
    prop_assert!(
        visible == fitted,
        "visible text differs from fit().visible_text()"
    );
    let whole = doc.visible_text();
    if utf16_len(&whole) <= MESSAGE_LIMIT {
        prop_assert!(visible == whole, "a document that fits was changed");
        for block in doc.blocks() {
            let (Block::Line(spans) | Block::Quote(spans)) = block;
            for span in spans {
                prop_assert!(visible.contains(span_text(span)));
            }
        }
    } else {
        // Cut: what is left is a prefix of the whole text, then "…", and nearly full.
        let kept = visible.strip_suffix('…');
        prop_assert!(kept.is_some(), "a cut document does not end with …");
        prop_assert!(
            whole.starts_with(kept.unwrap_or_default()),
            "a cut document is not a prefix of the whole"
        );
        prop_assert!(
            units + 2 >= MESSAGE_LIMIT,
            "cut too early: {units} UTF-16 units"
        );
    }
    Ok(())
}

// ---- 1. the renderer -------------------------------------------------------------------

#[test]
fn the_checker_refuses_what_telegram_refuses() {
    for bad in [
        "<b>x",
        "x</b>",
        "<b><i>x</b></i>",
        "<blockquote><blockquote>x</blockquote></blockquote>",
        "<u>x</u>",
        "a & b",
        "&nbsp;",
        "&#39;",
        "a > b",
        "<b",
    ] {
        assert!(telegram_visible_text(bad).is_err(), "{bad}");
    }
    assert_eq!(
        telegram_visible_text("<blockquote><b>&lt;b&gt; &amp; &quot;</b></blockquote>\nx"),
        Ok("<b> & \"\nx".to_string())
    );
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn html_of_any_document_is_telegram_html_within_the_limit(doc in doc()) {
        check_doc(&doc)?;
        // The terminal shows the whole document, uncut: each line as it is, each line of a
        // quote behind the quote's bar.
        let plain = doc.to_plain();
        for block in doc.blocks() {
            let (Block::Line(spans) | Block::Quote(spans)) = block;
            let text: String = spans.iter().map(span_text).collect();
            match block {
                Block::Line(_) => prop_assert!(plain.contains(&text), "a line is missing"),
                Block::Quote(_) => {
                    for line in text.lines() {
                        let shown = format!("  │ {line}");
                        prop_assert!(plain.contains(&shown), "a quoted line is missing");
                    }
                }
            }
        }
    }

    // A document whose whole blocks fill the budget (4,095 units) exactly once got "\n…"
    // after them, 4,097 units. See the test below.
    #[test]
    fn html_of_documents_at_the_limit_is_within_the_limit(doc in doc_near_limit()) {
        check_doc(&doc)?;
    }

    #[test]
    fn user_text_never_becomes_markup(text in user_text(), kind in 0u8..4, quote in any::<bool>()) {
        let mut doc = Doc::new();
        push_block(&mut doc, quote, vec![span_of(kind, text.clone())]);
        let visible = telegram_visible_text(&doc.to_html()).map_err(TestCaseError::fail)?;
        if utf16_len(&text) <= MESSAGE_LIMIT {
            prop_assert_eq!(visible, text);
        }
    }
}

/// The minimal input the property above shrank to: a line of 4,095 units, then another line.
/// `fit` once kept the first whole (it filled the 4,095-unit budget left beside the "…") and
/// started a new line for the ellipsis: 4,095 + "\n" + "…" = 4,097 units, which Telegram
/// refuses. Whole blocks are now kept only while strictly under the budget.
#[test]
fn fit_never_ends_a_full_document_with_a_new_ellipsis_line() {
    let mut doc = Doc::new();
    doc.text("x".repeat(MESSAGE_LIMIT - 1)).text("a");
    let fitted = doc.fit(MESSAGE_LIMIT).visible_text();
    assert!(
        utf16_len(&fitted) <= MESSAGE_LIMIT,
        "{} UTF-16 units, ending {:?}",
        utf16_len(&fitted),
        &fitted[fitted.len() - 4..]
    );
}

// ---- 2. the command parser -------------------------------------------------------------

/// A command name as a user may type it: Telegram's alphabet in any case, or any characters
/// but whitespace and '@'.
fn command_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9_]{1,32}",
        prop::collection::vec(
            any::<char>().prop_filter("a name ends at whitespace or '@'", |c| {
                !c.is_whitespace() && *c != '@'
            }),
            1..12,
        )
        .prop_map(String::from_iter),
    ]
}

fn mention() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        "[A-Za-z0-9_]{0,32}",
        prop::collection::vec(
            any::<char>().prop_filter("a mention ends at whitespace", |c| !c.is_whitespace()),
            0..12,
        )
        .prop_map(String::from_iter),
    ])
}

fn whitespace() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(
            &[
                ' ', '\t', '\n', '\r', '\u{3000}', '\u{a0}', '\u{2028}', '\u{85}',
            ][..],
        ),
        1..4,
    )
    .prop_map(String::from_iter)
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn parse_never_panics(text in prop_oneof![user_text(), user_text().prop_map(|t| format!("/{t}"))]) {
        // What the user typed: after the '/', a name up to the first space or '@', the bot it
        // names after the '@', and the rest.
        let typed = text.strip_prefix('/').map(|rest| {
            let head = rest.split(char::is_whitespace).next().unwrap_or_default();
            let (name, mention) = match head.split_once('@') {
                Some((name, mention)) => (name, Some(mention)),
                None => (head, None),
            };
            (name, mention, rest[head.len()..].trim())
        });
        match (command::parse(&text), typed) {
            (Some(command), Some((name, mention, args))) => {
                prop_assert!(!name.is_empty());
                prop_assert_eq!(command.name(), name.to_lowercase());
                prop_assert_eq!(command.mention, mention);
                prop_assert_eq!(command.args, args);
                let for_us = mention.is_none_or(|m| m.eq_ignore_ascii_case("debate_bot"));
                prop_assert_eq!(command.is_for(Some("debate_bot")), for_us);
            }
            (None, Some((name, _, _))) => {
                prop_assert!(name.is_empty(), "{:?} names a command", text);
            }
            (Some(_), None) => prop_assert!(false, "{:?} has no '/' in front", text),
            (None, None) => {}
        }
    }

    #[test]
    fn parse_returns_the_parts_it_was_built_from(
        name in command_name(),
        mention in mention(),
        gap in whitespace(),
        args in user_text(),
        me in "[A-Za-z0-9_]{1,32}",
    ) {
        let mut text = format!("/{name}");
        if let Some(mention) = &mention {
            text.push('@');
            text.push_str(mention);
        }
        text.push_str(&gap);
        text.push_str(&args);
        let command = command::parse(&text);
        prop_assert!(command.is_some(), "{:?} is not a command", text);
        let command = command.unwrap_or_else(|| unreachable!());
        prop_assert_eq!(command.name(), name.to_lowercase());
        prop_assert_eq!(command.mention, mention.as_deref());
        prop_assert_eq!(command.args, args.trim());
        let for_me = mention.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(&me));
        prop_assert_eq!(command.is_for(Some(&me)), for_me);
        prop_assert_eq!(command.is_for(None), mention.is_none());
    }

    #[test]
    fn text_without_a_leading_slash_is_never_a_command(
        text in user_text().prop_filter("no leading slash", |t| !t.starts_with('/')),
    ) {
        prop_assert!(command::parse(&text).is_none());
    }
}

// ---- 3. the core -----------------------------------------------------------------------

/// The search index of the shipped corpus, built apart from the app's.
fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::from_corpus(shipped_app().corpus()))
}

fn language_code() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        prop::sample::select(
            &[
                "en", "zh", "en-GB", "zh-hans", "ZH_tw", "", "-", "_", "fr", "zh-", "EN"
            ][..]
        )
        .prop_map(|c| Some(c.to_string())),
        short_text(4).prop_map(Some),
    ]
}

/// Every command the core knows, and some it does not.
fn known_commands() -> Vec<String> {
    let corpus = shipped_app().corpus();
    BUILTIN_COMMANDS
        .iter()
        .map(|c| c.to_string())
        .chain(
            corpus
                .topics
                .iter()
                .flat_map(|t| std::iter::once(t.command.clone()).chain(t.aliases.iter().cloned())),
        )
        .chain([
            "nosuch".to_string(),
            "Start".to_string(),
            "CLOSED".to_string(),
        ])
        .collect()
}

/// A message: free text, or a command (known or not) with a mention and arguments.
#[derive(Debug, Clone)]
enum Message {
    Text(String),
    /// Index into `known_commands()`, which mention (0 none, 1 this bot, 2 this bot in upper
    /// case, 3 another bot, 4 arbitrary: the third field), and the arguments.
    Known(Index, u8, String, String),
    Arbitrary(String, String),
}

/// Arguments: hostile text, or what commands read (`/debate list`, `/debate N`, `/who NAME`).
fn command_args() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => user_text(),
        1 => prop::sample::select(
            &["", "list", "LIST", " list ", "1", "2", "5", "0", "6", "99", "-1", "+1", "1.0",
              "18446744073709551616", "李彦宏", "robin li", "开源", "周鸿祎"][..]
        )
        .prop_map(str::to_owned),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        3 => user_text().prop_map(Message::Text),
        4 => (any::<Index>(), 0u8..5, short_text(3), command_args())
            .prop_map(|(i, m, other, args)| Message::Known(i, m, other, args)),
        1 => (command_name(), user_text()).prop_map(|(name, args)| Message::Arbitrary(name, args)),
    ]
}

fn message_text(message: &Message, bot: Option<&str>) -> String {
    match message {
        Message::Text(text) => text.clone(),
        Message::Arbitrary(name, args) => format!("/{name} {args}"),
        Message::Known(i, m, other, args) => {
            let commands = known_commands();
            let name = i.get(&commands);
            let mention = match m {
                0 => String::new(),
                1 => format!("@{}", bot.unwrap_or("debate_bot")),
                2 => format!("@{}", bot.unwrap_or("debate_bot").to_uppercase()),
                3 => "@other_bot".to_string(),
                _ => format!("@{other}"),
            };
            format!("/{name}{mention} {args}")
        }
    }
}

/// What every reply must be: valid HTML within the limit, buttons with 1-64 bytes of data
/// that the core accepts when pressed.
fn check_reply(
    app: &App,
    reply: &Reply,
    language_code: Option<&str>,
    seed: u64,
) -> Result<(), TestCaseError> {
    check_doc(&reply.doc)?;
    for button in reply.buttons.iter().flatten() {
        prop_assert!(!button.label.is_empty());
        let len = button.data.len();
        prop_assert!(
            (1..=CALLBACK_DATA_LIMIT).contains(&len),
            "callback data {:?} is {} bytes",
            &button.data,
            len
        );
        let press = press(app, &button.data, language_code, seed);
        prop_assert!(
            matches!(press, Press::Edit(_)),
            "the core's own button {:?} is refused",
            &button.data
        );
    }
    Ok(())
}

/// A press of `data` as the core hands it to the app: read back first, and answered with the
/// stale notice when it cannot be.
fn press(app: &App, data: &str, language_code: Option<&str>, seed: u64) -> Press {
    match callback_data::decode(data, app.corpus()) {
        Some(action) => app.press(
            action,
            language_code,
            None,
            &mut StdRng::seed_from_u64(seed),
        ),
        None => Press::Notice(app.view(app.lang(language_code)).ui.button_stale.clone()),
    }
}

fn check_press(press: &Press) -> Result<(), TestCaseError> {
    match press {
        Press::Edit(reply) => {
            check_doc(&reply.doc)?;
            for button in reply.buttons.iter().flatten() {
                prop_assert!((1..=CALLBACK_DATA_LIMIT).contains(&button.data.len()));
            }
        }
        // answerCallbackQuery shows 0-200 characters.
        Press::Notice(text) => prop_assert!((1..=200).contains(&text.chars().count())),
    }
    Ok(())
}

/// Callback data the core writes, for every kind of button.
fn valid_data() -> Vec<String> {
    let corpus = shipped_app().corpus();
    let mut data = Vec::new();
    for lang in ["zh", "en"] {
        for topic in &corpus.topics {
            for i in 0..topic.excerpts.len() {
                data.push(format!("t:{lang}:{}:{i}", topic.command));
            }
        }
        for excerpt in &corpus.excerpts {
            data.push(format!("q:{lang}:{}", excerpt.id));
        }
        for (page, query) in [(0, "开源"), (1, "闭源"), (2, "Robin Li"), (9, "模型")] {
            data.push(format!("s:{lang}:{page}:{query}"));
        }
        data.push(format!("S:{lang}:1:0123456789abcdef"));
        for motion in &corpus.motions {
            for kind in ["d", "D"] {
                for a in 0..motion.sides[0].len() {
                    data.push(format!("{kind}:{lang}:{}:{a}:0", motion.id));
                }
                for b in 0..motion.sides[1].len() {
                    data.push(format!("{kind}:{lang}:{}:0:{b}", motion.id));
                }
            }
        }
    }
    data
}

/// Debate data naming a real motion, with positions that may be anything.
fn debate_data() -> impl Strategy<Value = String> {
    let ids: Vec<String> = shipped_app()
        .corpus()
        .motions
        .iter()
        .map(|m| m.id.clone())
        .collect();
    (
        prop::sample::select(ids),
        "[dD]:(zh|en)",
        "[0-9+-]{0,4}",
        "[0-9+-]{0,4}",
        "(:[0-9]{0,2})?",
    )
        .prop_map(|(id, head, a, b, tail)| format!("{head}:{id}:{a}:{b}{tail}"))
}

/// Ways to damage callback data.
#[derive(Debug, Clone)]
enum Damage {
    Truncate(Index),
    Extend(String),
    Digit(Index, char),
    Replace(Index, char),
    Insert(Index, String),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        any::<Index>().prop_map(Damage::Truncate),
        short_text(4).prop_map(Damage::Extend),
        (
            any::<Index>(),
            prop::sample::select(&['0', '1', '9', '-', '+', ' ', '٣'][..])
        )
            .prop_map(|(i, c)| Damage::Digit(i, c)),
        (any::<Index>(), any::<char>()).prop_map(|(i, c)| Damage::Replace(i, c)),
        (
            any::<Index>(),
            prop::sample::select(&[":", "::", "999999999999999999999", "@", "\u{0}"][..])
        )
            .prop_map(|(i, s)| Damage::Insert(i, s.to_string())),
    ]
}

fn apply_damage(data: &str, damage: &Damage) -> String {
    let chars: Vec<char> = data.chars().collect();
    let at = |i: &Index, extra: usize| i.index(chars.len() + extra);
    match damage {
        Damage::Truncate(i) => chars[..at(i, 1)].iter().collect(),
        Damage::Extend(s) => format!("{data}{s}"),
        Damage::Digit(i, c) => {
            // Change a digit if there is one, else any character.
            let digits: Vec<usize> = (0..chars.len())
                .filter(|&k| chars[k].is_ascii_digit())
                .collect();
            let k = if digits.is_empty() {
                at(i, 1)
            } else {
                digits[i.index(digits.len())]
            };
            let mut out = chars.clone();
            if k < out.len() {
                out[k] = *c;
            }
            out.into_iter().collect()
        }
        Damage::Replace(i, c) => {
            let mut out = chars.clone();
            if !out.is_empty() {
                let k = i.index(out.len());
                out[k] = *c;
            }
            out.into_iter().collect()
        }
        Damage::Insert(i, s) => {
            let k = at(i, 1);
            let mut out: String = chars[..k].iter().collect();
            out.push_str(s);
            out.extend(&chars[k..]);
            out
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn handle_answers_anything_with_valid_replies(
        message in message(),
        group in prop::bool::weighted(0.3),
        language_code in language_code(),
        bot in prop_oneof![
            3 => Just(Some("debate_bot".to_string())),
            1 => Just(None),
            1 => short_text(3).prop_map(Some),
        ],
        seed in any::<u64>(),
    ) {
        let app = shipped_app();
        let text = message_text(&message, bot.as_deref());
        let command = command::parse(&text);
        let request = Request {
            chat: if group { ChatKind::Group } else { ChatKind::Private },
            language_code: language_code.as_deref(),
            text: &text,
            command: command.as_ref(),
            bot_username: bot.as_deref(),
            scope: None,
        };
        let handled = app.handle(&request, &mut StdRng::seed_from_u64(seed));
        if let Some(handled) = handled {
            // What goes to the logs is a command the bot knows, never the user's words.
            prop_assert!(
                ["text", "unknown"].contains(&handled.command.as_str())
                    || BUILTIN_COMMANDS.contains(&handled.command.as_str())
                    || app.corpus().topics.iter().any(|t| t.command == handled.command),
                "logged as {:?}",
                &handled.command
            );
            check_reply(app, &handled.reply, language_code.as_deref(), seed)?;
        } else {
            prop_assert!(group || text.starts_with('/'), "a private message went unanswered");
        }
    }

    #[test]
    fn press_answers_arbitrary_data_with_an_edit_or_a_notice(
        data in prop_oneof![user_text(), "[tqsSdDc]:(zh|en|fr)?:.{0,70}", debate_data()],
        language_code in language_code(),
        seed in any::<u64>(),
    ) {
        let press = press(shipped_app(), &data, language_code.as_deref(), seed);
        check_press(&press)?;
    }

    #[test]
    fn press_answers_damaged_data_with_an_edit_or_a_notice(
        which in any::<Index>(),
        damages in prop::collection::vec(damage(), 1..4),
        language_code in language_code(),
        seed in any::<u64>(),
    ) {
        let all = valid_data();
        let mut data = which.get(&all).clone();
        for d in &damages {
            data = apply_damage(&data, d);
        }
        let press = press(shipped_app(), &data, language_code.as_deref(), seed);
        check_press(&press)?;
    }
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn inline_answers_are_within_telegrams_limits(
        query in prop_oneof![user_text(), prop::sample::select(&["", " ", "开源", "李彦宏", "model", "的"][..]).prop_map(str::to_owned)],
        offset in prop_oneof![
            short_text(4),
            "[0-9]{1,25}",
            Just(usize::MAX.to_string()),
            Just((usize::MAX / INLINE_PAGE).to_string()),
            (0usize..4).prop_map(|n| n.to_string()),
        ],
        language_code in language_code(),
    ) {
        let answer = shipped_app().inline(&query, &offset, language_code.as_deref());
        prop_assert!(answer.items.len() <= INLINE_PAGE);
        // The page the offset names (a page number, as `next_offset` gives it; anything else
        // is the first) of what the words find, or of every quote when there are none; more
        // are offered while some are left.
        let words = query.trim();
        let found = if words.is_empty() {
            shipped_app().corpus().excerpts.len()
        } else {
            index().search(words).len()
        };
        let first = offset.parse::<usize>().unwrap_or(0).saturating_mul(INLINE_PAGE);
        prop_assert_eq!(answer.items.len(), found.saturating_sub(first).min(INLINE_PAGE));
        prop_assert_eq!(answer.next_offset.is_empty(), first.saturating_add(INLINE_PAGE) >= found);
        let mut ids = HashSet::new();
        for item in &answer.items {
            prop_assert!((1..=64).contains(&item.id.len()), "id {:?}", &item.id);
            prop_assert!(ids.insert(item.id.as_str()), "id {:?} twice", &item.id);
            prop_assert!(!item.title.is_empty());
            check_doc(&item.message)?;
        }
        prop_assert!(answer.next_offset.len() <= 64);
        if !answer.next_offset.is_empty() {
            prop_assert!(answer.next_offset.parse::<usize>().is_ok());
        }
    }
}

// ---- 4. the corpus loader --------------------------------------------------------------

/// The files a mutation may hit, relative to responses/.
fn target_files() -> [String; 7] {
    [
        "people.toml".to_string(),
        "topics.toml".to_string(),
        "debates.toml".to_string(),
        format!("{ARTICLE}/excerpts.toml"),
        format!("{ARTICLE}/quiz.toml"),
        format!("{ARTICLE}/source.toml"),
        format!("{ARTICLE}/article.txt"),
    ]
}

/// Values to put where another value was: wrong types, empty, huge, negative, hostile.
const VALUES: &[&str] = &[
    "\"\"",
    "\"  \"",
    "0",
    "-1",
    "1",
    "41",
    "99999999999999999999",
    "18446744073709551615",
    "[]",
    "[\"\"]",
    "[\"closed\", \"closed\"]",
    "{}",
    "true",
    "1.5",
    "\"closed\"",
    "\"start\"",
    "\"Closed\"",
    "\"li-yanhong\"",
    "\"direct\"",
    "\"unattributed\"",
    "\"<b>&amp;</b>\"",
    "\"\\u0000\"",
    "\"开源\"",
    "\"a\"",
];

/// One edit of a file's lines.
#[derive(Debug, Clone)]
enum Edit {
    DropLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    ReplaceChar(Index, Index, char),
    InsertLine(Index, String),
    SwapValues(Index, Index),
    SetValue(Index, String),
    Truncate(Index),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => any::<Index>().prop_map(Edit::DropLine),
        2 => any::<Index>().prop_map(Edit::DuplicateLine),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        2 => (any::<Index>(), any::<Index>(), prop_oneof![
                any::<char>(),
                prop::sample::select(&['"', '[', ']', '=', '\n', '\\', '#', ' ', '0', 'x'][..]),
            ])
            .prop_map(|(l, c, ch)| Edit::ReplaceChar(l, c, ch)),
        1 => (any::<Index>(), prop_oneof![
                short_text(6),
                prop::sample::select(&["[[excerpt]]", "[[topic]]", "[[person]]", "[[question]]", "id = \"x\"", "text = \"开源\""][..]).prop_map(str::to_owned),
            ])
            .prop_map(|(i, s)| Edit::InsertLine(i, s)),
        3 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Edit::SwapValues(a, b)),
        3 => (any::<Index>(), prop_oneof![
                prop::sample::select(VALUES).prop_map(str::to_owned),
                short_text(4).prop_map(|s| toml_string(&s)),
            ])
            .prop_map(|(i, v)| Edit::SetValue(i, v)),
        1 => any::<Index>().prop_map(Edit::Truncate),
    ]
}

fn apply_edit(lines: &mut Vec<String>, edit: &Edit) {
    let assignments: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].starts_with('#') && lines[i].contains(" = "))
        .collect();
    match edit {
        _ if lines.is_empty() => lines.push(String::new()),
        Edit::DropLine(i) => {
            lines.remove(i.index(lines.len()));
        }
        Edit::DuplicateLine(i) => {
            let k = i.index(lines.len());
            lines.insert(k, lines[k].clone());
        }
        Edit::SwapLines(a, b) => {
            let n = lines.len();
            lines.swap(a.index(n), b.index(n));
        }
        Edit::ReplaceChar(l, c, ch) => {
            let k = l.index(lines.len());
            let mut chars: Vec<char> = lines[k].chars().collect();
            if chars.is_empty() {
                chars.push(*ch);
            } else {
                let at = c.index(chars.len());
                chars[at] = *ch;
            }
            lines[k] = chars.into_iter().collect();
        }
        Edit::InsertLine(i, s) => {
            let k = i.index(lines.len() + 1);
            lines.insert(k, s.clone());
        }
        Edit::SwapValues(a, b) if !assignments.is_empty() => {
            let (a, b) = (
                assignments[a.index(assignments.len())],
                assignments[b.index(assignments.len())],
            );
            let split = |line: &str| {
                let (key, value) = line.split_once(" = ").unwrap_or((line, ""));
                (key.to_string(), value.to_string())
            };
            let ((ka, va), (kb, vb)) = (split(&lines[a]), split(&lines[b]));
            lines[a] = format!("{ka} = {vb}");
            lines[b] = format!("{kb} = {va}");
        }
        Edit::SetValue(i, v) if !assignments.is_empty() => {
            let k = assignments[i.index(assignments.len())];
            let key = lines[k]
                .split_once(" = ")
                .map_or("", |(key, _)| key)
                .to_string();
            lines[k] = format!("{key} = {v}");
        }
        Edit::SwapValues(..) | Edit::SetValue(..) => {}
        Edit::Truncate(i) => {
            let k = i.index(lines.len());
            lines.truncate(k);
        }
    }
}

/// `text` as a TOML basic string.
fn toml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One edit of a file's parsed TOML, so the result still parses and reaches the checks
/// behind the parser: values swapped between keys or entries, replaced, removed; entries
/// duplicated or removed.
#[derive(Debug, Clone)]
enum TomlEdit {
    SwapValues(Index, Index),
    CopyValue(Index, Index),
    SetValue(Index, TomlValue),
    Remove(Index),
    DuplicateEntry(Index),
}

#[derive(Debug, Clone)]
enum TomlValue {
    Text(String),
    Integer(i64),
    Bool(bool),
    Strings(Vec<String>),
}

impl TomlValue {
    fn to_toml(&self) -> toml::Value {
        match self {
            TomlValue::Text(s) => toml::Value::String(s.clone()),
            TomlValue::Integer(n) => toml::Value::Integer(*n),
            TomlValue::Bool(b) => toml::Value::Boolean(*b),
            TomlValue::Strings(v) => {
                toml::Value::Array(v.iter().cloned().map(toml::Value::String).collect())
            }
        }
    }
}

fn toml_value() -> impl Strategy<Value = TomlValue> {
    let words = || {
        prop_oneof![
            short_text(3),
            prop::sample::select(
                &[
                    "",
                    " ",
                    "closed",
                    "start",
                    "li-yanhong",
                    "direct",
                    "开源",
                    "a-b"
                ][..]
            )
            .prop_map(str::to_owned),
        ]
    };
    prop_oneof![
        4 => words().prop_map(TomlValue::Text),
        1 => user_text().prop_map(TomlValue::Text),
        3 => prop_oneof![
            Just(0i64), Just(1), Just(-1), Just(2), Just(9), Just(40), Just(41), Just(i64::MAX), Just(i64::MIN),
            any::<i64>(),
        ].prop_map(TomlValue::Integer),
        1 => any::<bool>().prop_map(TomlValue::Bool),
        2 => prop::collection::vec(words(), 0..12).prop_map(TomlValue::Strings),
    ]
}

fn toml_edit() -> impl Strategy<Value = TomlEdit> {
    prop_oneof![
        3 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TomlEdit::SwapValues(a, b)),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| TomlEdit::CopyValue(a, b)),
        3 => (any::<Index>(), toml_value()).prop_map(|(i, v)| TomlEdit::SetValue(i, v)),
        2 => any::<Index>().prop_map(TomlEdit::Remove),
        1 => any::<Index>().prop_map(TomlEdit::DuplicateEntry),
    ]
}

/// A step from a TOML value to one inside it.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    At(usize),
}

/// The path of every value inside `value` (not the root), parents before children.
fn toml_paths(value: &toml::Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    let children: Vec<(Step, &toml::Value)> = match value {
        toml::Value::Table(table) => table
            .iter()
            .map(|(k, v)| (Step::Key(k.clone()), v))
            .collect(),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (Step::At(i), v))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        prefix.push(step);
        out.push(prefix.clone());
        toml_paths(child, prefix, out);
        prefix.pop();
    }
}

fn toml_get<'a>(root: &'a mut toml::Value, path: &[Step]) -> Option<&'a mut toml::Value> {
    path.iter()
        .try_fold(root, |value, step| match (value, step) {
            (toml::Value::Table(table), Step::Key(key)) => table.get_mut(key),
            (toml::Value::Array(items), Step::At(i)) => items.get_mut(*i),
            _ => None,
        })
}

fn apply_toml_edit(root: &mut toml::Value, edit: &TomlEdit) {
    let mut paths = Vec::new();
    toml_paths(root, &mut Vec::new(), &mut paths);
    if paths.is_empty() {
        return;
    }
    let pick = |i: &Index| paths[i.index(paths.len())].clone();
    match edit {
        TomlEdit::SwapValues(a, b) | TomlEdit::CopyValue(a, b) => {
            let (a, b) = (pick(a), pick(b));
            let (Some(va), Some(vb)) = (toml_get(root, &a).cloned(), toml_get(root, &b).cloned())
            else {
                return;
            };
            if let TomlEdit::SwapValues(..) = edit {
                // A value swapped with one inside it would nest it in itself: skip.
                let nested = |outer: &[Step], inner: &[Step]| {
                    inner.len() > outer.len() && inner.starts_with(outer)
                };
                if nested(&a, &b) || nested(&b, &a) {
                    return;
                }
                if let Some(slot) = toml_get(root, &a) {
                    *slot = vb;
                }
                if let Some(slot) = toml_get(root, &b) {
                    *slot = va;
                }
            } else if let Some(slot) = toml_get(root, &b) {
                *slot = va;
            }
        }
        TomlEdit::SetValue(i, value) => {
            if let Some(slot) = toml_get(root, &pick(i)) {
                *slot = value.to_toml();
            }
        }
        TomlEdit::Remove(i) => {
            let path = pick(i);
            let (last, parent) = path.split_last().unwrap_or_else(|| unreachable!());
            match (toml_get(root, parent), last) {
                (Some(toml::Value::Table(table)), Step::Key(key)) => {
                    table.remove(key);
                }
                (Some(toml::Value::Array(items)), Step::At(k)) if *k < items.len() => {
                    items.remove(*k);
                }
                _ => {}
            }
        }
        TomlEdit::DuplicateEntry(i) => {
            let path = pick(i);
            let (last, parent) = path.split_last().unwrap_or_else(|| unreachable!());
            if let (Some(toml::Value::Array(items)), Step::At(k)) = (toml_get(root, parent), last)
                && let Some(item) = items.get(*k).cloned()
            {
                items.insert(*k, item);
            }
        }
    }
}

/// What becomes of the chosen file.
#[derive(Debug, Clone)]
enum Content {
    Removed,
    Bytes(Vec<u8>),
    Text(String),
    Edited(Vec<Edit>),
    /// For a TOML file: parsed, edited and written back (for article.txt, line edits).
    Restructured(Vec<TomlEdit>, Vec<Edit>),
}

fn content() -> impl Strategy<Value = Content> {
    prop_oneof![
        1 => Just(Content::Removed),
        1 => prop::collection::vec(any::<u8>(), 0..512).prop_map(Content::Bytes),
        1 => user_text().prop_map(Content::Text),
        5 => prop::collection::vec(edit(), 1..5).prop_map(Content::Edited),
        8 => (prop::collection::vec(toml_edit(), 1..4), prop::collection::vec(edit(), 1..3))
            .prop_map(|(t, e)| Content::Restructured(t, e)),
    ]
}

fn edit_lines(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    for edit in edits {
        apply_edit(&mut lines, edit);
    }
    lines.join("\n")
}

/// Whatever the loader answers must name files under `dir`; data it accepts must work.
fn check_load(dir: &Path) -> Result<(), TestCaseError> {
    match corpus::load(dir) {
        Err(problems) => {
            prop_assert!(!problems.is_empty());
            for problem in &problems {
                let shown = problem.to_string();
                prop_assert!(
                    problem.file.starts_with(dir),
                    "{} names a file outside {}",
                    shown,
                    dir.display()
                );
                prop_assert!(
                    shown.starts_with(&problem.file.display().to_string()),
                    "{} does not start with its file",
                    shown
                );
                prop_assert!(!problem.message.trim().is_empty(), "{} says nothing", shown);
            }
        }
        Ok(_) => {
            // Data the loader accepts is data the core can serve.
            let app =
                App::load(dir, Lang::Zh).map_err(|p| TestCaseError::fail(format!("{p:#?}")))?;
            let commands: Vec<String> = [
                "start",
                "help",
                "quote",
                "who",
                "who 李彦宏",
                "source",
                "search 开源",
                "debate",
                "debate list",
                "debate 1",
            ]
            .into_iter()
            .map(str::to_owned)
            .chain(app.corpus().topics.iter().map(|t| t.command.clone()))
            .collect();
            for lang in ["zh", "en"] {
                for command in &commands {
                    let text = format!("/{command}");
                    let parsed = command::parse(&text);
                    let request = Request {
                        chat: ChatKind::Private,
                        language_code: Some(lang),
                        text: &text,
                        command: parsed.as_ref(),
                        bot_username: Some("debate_bot"),
                        scope: None,
                    };
                    let handled = app.handle(&request, &mut StdRng::seed_from_u64(1));
                    prop_assert!(handled.is_some(), "no answer to {}", text);
                    if let Some(handled) = handled {
                        check_reply(&app, &handled.reply, Some(lang), 1)?;
                    }
                }
                // An inline query with no words offers the first page of every quote.
                let answer = app.inline("", "", Some(lang));
                let quotes = app.corpus().excerpts.len();
                prop_assert_eq!(answer.items.len(), quotes.min(INLINE_PAGE));
                for item in &answer.items {
                    check_doc(&item.message)?;
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn the_loader_refuses_damaged_data_without_panicking(
        which in any::<Index>(),
        content in content(),
    ) {
        let temp = copy_of(&responses_dir(), "properties");
        let files = target_files();
        let path = temp.path().join(which.get(&files));
        match &content {
            Content::Removed => std::fs::remove_file(&path).unwrap(),
            Content::Bytes(bytes) => std::fs::write(&path, bytes).unwrap(),
            Content::Text(text) => std::fs::write(&path, text).unwrap(),
            Content::Edited(edits) => {
                let original = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, edit_lines(&original, edits)).unwrap();
            }
            Content::Restructured(toml_edits, line_edits) => {
                let original = std::fs::read_to_string(&path).unwrap();
                let text = if path.extension().is_some_and(|e| e == "toml") {
                    let mut root = toml::Value::Table(original.parse::<toml::Table>().unwrap());
                    for edit in toml_edits {
                        apply_toml_edit(&mut root, edit);
                    }
                    toml::to_string(&root).unwrap()
                } else {
                    edit_lines(&original, line_edits)
                };
                std::fs::write(&path, text).unwrap();
            }
        }
        check_load(temp.path())?;
    }
}

#[test]
fn temp_corpora_are_removed() {
    let temp = copy_of(&responses_dir(), "properties");
    let dir = temp.path().to_path_buf();
    assert!(dir.join("people.toml").exists());
    drop(temp);
    assert!(!dir.exists());
}
