//! The core on the shipped data: what each command answers, in private chats and groups, in
//! both languages, and how buttons behave, forged ones included.

use std::path::Path;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::i18n::{UiText, fill};
use crate::render::{MESSAGE_LIMIT, escape_html, utf16_len};

fn app() -> App {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
    App::load(&dir, Lang::Zh).unwrap_or_else(|p| panic!("{p:#?}"))
}

/// A press of `data` as the core hands it to the app: read back first, and answered with the
/// stale notice when it cannot be.
fn answer_press(app: &App, data: &str, language_code: Option<&str>, rng: &mut StdRng) -> Press {
    match callback_data::decode(data, &app.corpus) {
        Some(action) => app.press(action, language_code, None, rng),
        None => Press::Notice(app.view(app.lang(language_code)).ui.button_stale.clone()),
    }
}

// What users see: the sentences of responses/ui.*.toml as the app loaded them, filled by
// `fill` as the bot fills them, around the corpus's own words (quotes, names, roles, motions,
// topics), which stay literal here: they are what the tests check verbatim.

fn zh(app: &App) -> &UiText {
    app.ui.get(Lang::Zh)
}

fn en(app: &App) -> &UiText {
    app.ui.get(Lang::En)
}

/// `text` as a message's HTML carries it.
fn h(text: &str) -> String {
    escape_html(text)
}

/// What `template`, filled with `args`, says before and after `{placeholder}`.
fn around(template: &str, args: &[(&str, &str)], placeholder: &str) -> (String, String) {
    let mut all = args.to_vec();
    all.push((placeholder, "\u{0}"));
    let said = fill(template, &all);
    let (before, after) = said
        .split_once('\u{0}')
        .unwrap_or_else(|| panic!("no {{{placeholder}}} in {template}"));
    (before.to_string(), after.to_string())
}

/// A name for a reader of `lang`: "李彦宏", "Robin Li (李彦宏)".
fn name(ui: &UiText, lang: Lang, original: &str, en: &str) -> String {
    match lang {
        Lang::Zh => original.to_string(),
        Lang::En => fill(&ui.name_both, &[("en", en), ("original", original)]),
    }
}

/// A role as shown: `role` at `org`, marked when the article does not state it.
fn role(ui: &UiText, org: &str, role: &str, outside: bool) -> String {
    let role = if org.is_empty() {
        role.to_string()
    } else {
        fill(&ui.person_role, &[("org", org), ("role", role)])
    };
    if outside {
        fill(&ui.role_outside, &[("role", &role)])
    } else {
        role
    }
}

/// Li Yanhong's role (responses/people.toml), stated outside the article.
fn li_role(app: &App, lang: Lang) -> String {
    match lang {
        Lang::Zh => role(zh(app), "百度", "联合创始人、董事长兼首席执行官", true),
        Lang::En => role(en(app), "Baidu", "co-founder, chairman and CEO", true),
    }
}

/// The attribution under an excerpt; `speech` is ui.speech_direct or ui.speech_reported.
fn speaker(ui: &UiText, name: &str, role: &str, speech: &str) -> String {
    fill(
        &ui.speaker_line,
        &[("name", name), ("role", role), ("speech", speech)],
    )
}

/// The citation of paragraph `paragraph` of the article (responses/…/source.toml).
fn citation(app: &App, lang: Lang, paragraph: &str) -> String {
    let ui = app.ui.get(lang);
    fill(
        &ui.citation,
        &[
            ("outlet", &name(ui, lang, "电厂", "Dianchang")),
            ("date", "2024-07-12"),
            ("reporter", &name(ui, lang, "张勇毅", "Zhang Yongyi")),
            ("paragraph", paragraph),
        ],
    )
}

/// Every citation of the article up to its paragraph number.
fn citation_start(app: &App, lang: Lang) -> String {
    let whole = citation(app, lang, "\u{0}");
    whole.split('\u{0}').next().unwrap_or_default().to_string()
}

/// A page of search results' header, bold, as HTML: "<b>搜索“开源”:第 1–3 条,共 23 条</b>".
fn search_header(app: &App, query: &str, from: &str, to: &str, count: &str) -> String {
    let header = fill(
        &zh(app).search_header,
        &[
            ("query", query),
            ("from", from),
            ("to", to),
            ("count", count),
        ],
    );
    format!("<b>{}</b>", h(&header))
}

/// A page's title, bold, as HTML: "<b>闭源 · 1/10</b>".
fn topic_title(ui: &UiText, title: &str, position: &str, count: &str) -> String {
    let header = fill(
        &ui.topic_header,
        &[("title", title), ("position", position), ("count", count)],
    );
    format!("<b>{}</b>", h(&header))
}

fn rng() -> StdRng {
    StdRng::seed_from_u64(7)
}

fn ask(app: &App, chat: ChatKind, lang: Option<&str>, text: &str) -> Option<Handled> {
    let command = crate::command::parse(text);
    let request = Request {
        chat,
        language_code: lang,
        text,
        command: command.as_ref(),
        bot_username: Some("debate_bot"),
        scope: None,
    };
    app.handle(&request, &mut rng())
}

fn private(app: &App, text: &str) -> Reply {
    ask(app, ChatKind::Private, None, text)
        .expect("an answer")
        .reply
}

fn html(reply: &Reply) -> String {
    reply.doc.to_html()
}

#[test]
fn a_topic_command_shows_its_best_excerpt_with_speaker_and_citation() {
    let app = app();
    let ui = zh(&app);
    let reply = private(&app, "/closed");
    let li = speaker(ui, "李彦宏", &li_role(&app, Lang::Zh), &ui.speech_direct);
    assert_eq!(
        html(&reply),
        format!(
            "{}\n\
             <blockquote>这种情况下,商业化的闭源模型才是行业的未来</blockquote>\n\
             {}\n{}",
            topic_title(ui, "闭源", "1", "10"),
            h(&li),
            h(&citation(&app, Lang::Zh, "5"))
        )
    );
    assert_eq!(
        reply.buttons,
        vec![vec![Button {
            label: ui.button_next.clone(),
            data: "t:zh:closed:1".into()
        }]]
    );
}

#[test]
fn english_users_get_english_text_and_a_marked_translation() {
    let app = app();
    let reply = ask(&app, ChatKind::Private, Some("en-GB"), "/open")
        .unwrap()
        .reply;
    let ui = en(&app);
    let translation = fill(
        &ui.translation,
        &[(
            "text",
            "Open source is not the opposite of commercialisation; open source means breaking monopolies.",
        )],
    );
    let luo = speaker(
        ui,
        &name(ui, Lang::En, "罗璇", "Luo Xuan"),
        &role(ui, "RWKV", "co-founder", false),
        &ui.speech_direct,
    );
    assert_eq!(
        html(&reply),
        format!(
            "{}\n\
             <blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>\n\
             <i>{}</i>\n{}\n{}",
            topic_title(ui, "Open source", "1", "9"),
            h(&translation),
            h(&luo),
            h(&citation(&app, Lang::En, "35"))
        )
    );
    assert_eq!(reply.buttons[0][0].data, "t:en:open:1");
    // Other languages get the configured default, Chinese.
    let reply = ask(&app, ChatKind::Private, Some("ru"), "/open")
        .unwrap()
        .reply;
    assert!(html(&reply).starts_with(&topic_title(zh(&app), "开源", "1", "9")));
}

#[test]
fn the_articles_own_words_are_never_put_in_a_persons_mouth() {
    let app = app();
    let reply = private(&app, "/llama");
    let text = html(&reply);
    // ¶34 quotes "最大开源模型平台" in the article's own words, and says so.
    assert!(text.contains(&h(&zh(&app).voice_article_quoting)), "{text}");
    assert!(!text.contains("李彦宏") && !text.contains("罗璇"));
    // The unattributed quote of ¶33 says so.
    let license = &app.corpus.topics[app.corpus.topic_by_command("license").unwrap()];
    let position = license
        .excerpts
        .iter()
        .position(|&e| app.corpus.excerpts[e].id == "unattributed-code-meaningless")
        .unwrap();
    let data = format!("t:zh:license:{position}");
    let Press::Edit(reply) = answer_press(&app, &data, None, &mut rng()) else {
        panic!("the button should work")
    };
    assert!(html(&reply).contains(&h(&zh(&app).voice_unattributed)));
}

#[test]
fn next_walks_the_topic_and_wraps_around() {
    let app = app();
    let count = app.corpus.topics[app.corpus.topic_by_command("closed").unwrap()]
        .excerpts
        .len();
    let mut data = private(&app, "/closed").buttons[0][0].data.clone();
    let mut seen = vec![html(&private(&app, "/closed"))];
    for _ in 1..count {
        let Press::Edit(reply) = answer_press(&app, &data, None, &mut rng()) else {
            panic!("{data} was refused")
        };
        seen.push(html(&reply));
        data = reply.buttons[0][0].data.clone();
    }
    assert_eq!(
        data, "t:zh:closed:0",
        "the last Next goes back to the first"
    );
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), count, "every excerpt shown once");
    assert!(seen.iter().any(|h| h.contains(&format!("{count}/{count}"))));
}

#[test]
fn forged_or_stale_callback_data_gets_a_notice() {
    let app = app();
    let long = "t:zh:closed:".to_string() + &"9".repeat(80);
    for data in [
        "",
        "x",
        "t:zh:closed:11",
        "t:zh:closed:-1",
        "t:zh:closed:1:extra",
        "t:fr:closed:1",
        "t:zh:nope:0",
        "t:zh:closed",
        "q:zh:not-an-id",
        "t:zh:闭源:0",
        long.as_str(),
    ] {
        assert_eq!(
            answer_press(&app, data, Some("en"), &mut rng()),
            Press::Notice(en(&app).button_stale.clone()),
            "{data:?}"
        );
    }
}

#[test]
fn another_quote_is_a_different_excerpt() {
    let app = app();
    let first = private(&app, "/quote");
    let header = format!("<b>{}</b>\n<blockquote>", h(&zh(&app).quote_header));
    assert!(html(&first).starts_with(&header));
    let data = first.buttons[0][0].data.clone();
    assert!(data.starts_with("q:zh:"));
    for seed in 0..20 {
        let Press::Edit(next) = answer_press(&app, &data, None, &mut StdRng::seed_from_u64(seed))
        else {
            panic!("another was refused")
        };
        assert_ne!(next.doc.blocks()[1], first.doc.blocks()[1]);
    }
}

#[test]
fn who_lists_everyone_and_finds_people_by_any_alias() {
    let app = app();
    let list = html(&private(&app, "/who"));
    let ui = zh(&app);
    let quoted = |name: &str, role: &str, count: &str| {
        let line = fill(
            &ui.who_entry_quoted,
            &[("name", name), ("role", role), ("count", count)],
        );
        format!("• {}\n", h(&line))
    };
    let li = li_role(&app, Lang::Zh);
    assert!(list.contains(&quoted("李彦宏", &li, "4")), "{list}");
    let mentioned = fill(
        &ui.who_entry_mentioned,
        &[
            ("name", "周鸿祎"),
            ("role", &role(ui, "360", "创始人", true)),
            ("paragraphs", "8"),
        ],
    );
    assert!(list.contains(&format!("• {}\n", h(&mentioned))), "{list}");
    // "(未具名)" follows the name of someone the article does not name, not their role; a
    // role the article states carries no mark.
    let analyst = fill(&ui.name_unnamed, &[("name", "分析师")]);
    assert!(
        list.contains(&quoted(&analyst, "长期观察大模型落地案例", "1")),
        "{list}"
    );
    let lin = role(ui, "零一万物", "开源业务负责人", false);
    assert!(list.contains(&quoted("林吕强", &lin, "1")), "{list}");
    let information = role(ui, "", "科技媒体", true);
    assert!(
        list.contains(&quoted("The Information", &information, "1")),
        "{list}"
    );
    let english = html(
        &ask(&app, ChatKind::Private, Some("en"), "/who")
            .unwrap()
            .reply,
    );
    let ui = en(&app);
    let entry = |name: &str, role: &str| {
        let (before, _) = around(
            &ui.who_entry_quoted,
            &[("name", name), ("role", role)],
            "count",
        );
        format!("• {}", h(&before))
    };
    let robin = name(ui, Lang::En, "李彦宏", "Robin Li");
    assert!(
        english.contains(&entry(&robin, &li_role(&app, Lang::En))),
        "{english}"
    );
    let analyst = fill(
        &ui.name_unnamed,
        &[("name", &name(ui, Lang::En, "分析师", "Analyst"))],
    );
    assert!(
        english.contains(&entry(&analyst, "long-time observer of LLM deployments")),
        "{english}"
    );
    let ui = zh(&app);
    let reported = fill(
        &ui.who_excerpt_line,
        &[
            ("speech", &ui.speech_reported),
            ("citation", &citation(&app, Lang::Zh, "7")),
        ],
    );
    for alias in ["Robin Li", "robin li", "李彥宏", "Li Yanhong", "百度"] {
        let reply = html(&private(&app, &format!("/who {alias}")));
        assert!(reply.starts_with("<b>李彦宏</b>"), "{alias}: {reply}");
        assert!(reply.contains("闭源最终将战胜开源"));
        assert!(reply.contains(&h(&reported)));
    }
    let zhou = html(&private(&app, "/who 周鸿祎"));
    let mentioned_only = fill(
        &ui.who_mentioned_only,
        &[("name", "周鸿祎"), ("paragraphs", "8")],
    );
    assert!(zhou.contains(&h(&mentioned_only)), "{zhou}");
    assert!(!zhou.contains("<blockquote>"));
}

#[test]
fn who_with_an_unknown_name_says_so_with_the_name_escaped() {
    let app = app();
    let reply = html(&private(&app, r#"/who <b>Bob & "Co"</b>"#));
    let (before, after) = around(&zh(&app).who_not_found, &[], "query");
    assert_eq!(
        reply,
        format!(
            "{}&lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;{}",
            h(&before),
            h(&after)
        )
    );
}

#[test]
fn source_names_the_article_and_counts_what_was_loaded() {
    let app = app();
    let reply = html(&private(&app, "/source"));
    let ui = zh(&app);
    let head = [
        fill(&ui.source_outlet, &[("outlet", "电厂")]),
        fill(&ui.source_published, &[("published", "2024-07-12 22:52")]),
        fill(
            &ui.source_byline,
            &[("reporter", "张勇毅"), ("editor", "高宇雷")],
        ),
    ]
    .map(|line| h(&line))
    .join("\n");
    assert!(
        reply.starts_with(&format!("<b>开源与闭源之争:大厂如何抉择?</b>\n{head}\n")),
        "{reply}"
    );
    let excerpts = app.corpus.excerpts.len().to_string();
    let counts = fill(
        &ui.source_counts,
        &[
            ("paragraphs", "40"),
            ("excerpts", &excerpts),
            ("people", "6"),
            ("topics", "12"),
        ],
    );
    assert!(reply.contains(&h(&counts)), "{reply}");
}

#[test]
fn help_lists_every_command_and_topic_from_the_data() {
    let app = app();
    let help = html(&private(&app, "/help"));
    for topic in &app.corpus.topics {
        assert!(help.contains(&format!("/{} — {}", topic.command, topic.about.original)));
    }
    assert!(help.contains(&format!("/who — {}", h(&zh(&app).cmd_who))));
    let start = html(&private(&app, "/start"));
    let greeting = fill(
        &zh(&app).start,
        &[("title", "开源与闭源之争:大厂如何抉择?")],
    );
    assert!(start.contains(&h(&greeting)), "{start}");
    // Most excerpts are the article's own words, not anyone's: /start promises "原文".
    assert!(start.contains("的原文"), "{start}");
    assert!(!start.contains("原话"), "{start}");
}

#[test]
fn the_menu_has_builtins_and_topics_in_both_languages() {
    let app = app();
    for lang in Lang::ALL {
        let menu = app.menu(lang);
        let commands: Vec<&str> = menu.iter().map(|(c, _)| c.as_str()).collect();
        let builtins = crate::command::BUILTIN_COMMANDS;
        assert_eq!(&commands[..builtins.len()], builtins);
        assert_eq!(menu.len(), builtins.len() + app.corpus.topics.len());
        for (command, about) in &menu {
            assert!(crate::command::is_valid_command_name(command));
            assert!((1..=256).contains(&about.chars().count()), "/{command}");
        }
    }
    assert_eq!(app.menu(Lang::En)[0].1, en(&app).cmd_start);
}

#[test]
fn groups_answer_only_what_is_addressed_to_this_bot() {
    let app = app();
    let group = |text| ask(&app, ChatKind::Group, None, text);
    assert!(group("/closed").is_some());
    assert!(group("/closed@debate_bot").is_some());
    assert!(group("/closed@Debate_Bot").is_some());
    assert!(group("/closed@other_bot").is_none());
    assert!(group("just chatting about 闭源").is_none());
    // An unknown command without a mention is probably another bot's: stay quiet.
    assert!(group("/foo").is_none());
    let unknown = group("/foo@debate_bot").unwrap();
    assert_eq!(
        html(&unknown.reply),
        h(&fill(&zh(&app).unknown_command, &[("command", "foo")]))
    );
    assert_eq!(unknown.command, "unknown");
}

#[test]
fn private_chats_treat_plain_text_as_a_search() {
    let app = app();
    let handled = ask(&app, ChatKind::Private, None, "私有化部署").unwrap();
    assert_eq!(handled.command, "text", "logs never carry the user's words");
    let header = search_header(&app, "私有化部署", "1", "1", "1");
    assert!(html(&handled.reply).starts_with(&header));
    assert_eq!(
        html(&private(&app, "/bogus")),
        h(&fill(&zh(&app).unknown_command, &[("command", "bogus")]))
    );
}

#[test]
fn aliases_and_case_reach_the_topic_and_logs_use_the_canonical_name() {
    let app = app();
    let handled = ask(&app, ChatKind::Private, None, "/LICENCE").unwrap();
    assert_eq!(handled.command, "license");
    assert!(html(&handled.reply).starts_with(&topic_title(zh(&app), "许可证", "1", "4")));
}

#[test]
fn every_reply_fits_telegram_limits() {
    let app = app();
    let mut commands: Vec<String> = [
        "/start",
        "/help",
        "/quote",
        "/who",
        "/source",
        "/search",
        "/search 开源",
        "/search open source",
    ]
    .map(String::from)
    .to_vec();
    commands.extend(
        app.corpus
            .people
            .iter()
            .map(|p| format!("/who {}", p.name.original)),
    );
    commands.extend(app.corpus.topics.iter().map(|t| format!("/{}", t.command)));
    commands.push(format!("/who {}", "😀\u{202e}‍".repeat(5000)));
    for lang in [None, Some("en")] {
        for command in &commands {
            let reply = ask(&app, ChatKind::Private, lang, command).unwrap().reply;
            let visible = reply.doc.fit(MESSAGE_LIMIT).visible_text();
            assert!(
                (1..=MESSAGE_LIMIT).contains(&utf16_len(&visible)),
                "{command}"
            );
            for button in reply.buttons.iter().flatten() {
                assert!((1..=64).contains(&button.data.len()), "{}", button.data);
            }
        }
    }
    // Every topic position's button data fits, and decodes back to what it encodes.
    for (t, topic) in app.corpus.topics.iter().enumerate() {
        for index in 0..topic.excerpts.len() {
            for lang in Lang::ALL {
                let action = Action::Topic {
                    lang,
                    topic: t,
                    index,
                };
                let data = callback_data::encode(&action, &app.corpus).unwrap();
                assert!(data.len() <= crate::bot_api::CALLBACK_DATA_LIMIT);
                assert_eq!(callback_data::decode(&data, &app.corpus), Some(action));
            }
        }
    }
}

// ---- /search -----------------------------------------------------------------------------

fn press(app: &App, data: &str) -> Reply {
    match answer_press(app, data, None, &mut rng()) {
        Press::Edit(reply) => reply,
        Press::Notice(notice) => panic!("{data} was refused: {notice}"),
    }
}

#[test]
fn search_shows_three_results_a_page_with_more_and_back() {
    let app = app();
    let first = private(&app, "/search 开源");
    let text = html(&first);
    let total = app.search.search("开源").len();
    assert!(total > 6);
    let count = total.to_string();
    assert!(
        text.starts_with(&search_header(&app, "开源", "1", "3", &count)),
        "{text}"
    );
    assert_eq!(text.matches("<blockquote>").count(), 3);
    assert_eq!(text.matches(&h(&citation_start(&app, Lang::Zh))).count(), 3);
    let ui = zh(&app);
    assert_eq!(
        first.buttons,
        vec![vec![Button {
            label: ui.button_more.clone(),
            data: "s:zh:1:开源".into()
        }]]
    );

    let second = press(&app, "s:zh:1:开源");
    assert!(html(&second).starts_with(&search_header(&app, "开源", "4", "6", &count)));
    let labels: Vec<&str> = second.buttons[0].iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, [ui.button_back.as_str(), ui.button_more.as_str()]);
    assert_eq!(second.buttons[0][0].data, "s:zh:0:开源");

    // The last page has only Back; a page past the end shows the last page.
    let last_page = (total - 1) / SEARCH_PAGE;
    let last = press(&app, &format!("s:zh:{last_page}:开源"));
    assert_eq!(last.buttons[0].len(), 1);
    assert_eq!(last.buttons[0][0].label, ui.button_back);
    assert_eq!(press(&app, "s:zh:999:开源"), last);
}

#[test]
fn search_without_words_explains_with_examples() {
    let app = app();
    let text = html(&private(&app, "/search"));
    assert_eq!(text, h(&zh(&app).search_usage));
}

#[test]
fn search_without_results_says_so_and_lists_the_topics() {
    let app = app();
    let reply = private(&app, "/search Zuckerberg");
    let text = html(&reply);
    let ui = zh(&app);
    let none = fill(&ui.search_none, &[("query", "Zuckerberg")]);
    assert!(text.starts_with(&h(&none)), "{text}");
    assert!(
        text.contains(&format!(
            "{}\n/closed /open /llama",
            h(&ui.search_try_topics)
        )),
        "{text}"
    );
    assert!(reply.buttons.is_empty());
    // Someone mentioned but never quoted: the reply says where the article mentions them.
    let zhou = html(&private(&app, "/search 周鸿祎"));
    let mentioned_only = fill(
        &ui.who_mentioned_only,
        &[("name", "周鸿祎"), ("paragraphs", "8")],
    );
    assert!(zhou.contains(&h(&mentioned_only)), "{zhou}");
}

#[test]
fn a_sentence_that_is_no_excerpt_is_shown_as_the_articles_text() {
    let app = app();
    let text = html(&private(&app, "/search 剩下的问题"));
    let ui = zh(&app);
    let sentence = |app: &App, lang: Lang, paragraph: &str| {
        let ui = app.ui.get(lang);
        format!(
            "{}\n{}",
            h(&fill(&ui.sentence_line, &[("paragraph", paragraph)])),
            h(&citation(app, lang, paragraph))
        )
    };
    assert!(
        text.starts_with(&format!(
            "{}\n\n<blockquote>剩下的问题只是“如何通过开源的方式获取到更多关注,",
            search_header(&app, "剩下的问题", "1", "1", "1")
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "</blockquote>\n{}",
            sentence(&app, Lang::Zh, "20")
        )),
        "{text}"
    );
    // It claims no speaker, though it reports Robin Li's words (¶5).
    let text = html(&private(&app, "/search 世界人工智能大会"));
    assert!(text.contains(&sentence(&app, Lang::Zh, "5")), "{text}");
    let (li, _) = around(&ui.speaker_line, &[("name", "李彦宏")], "role");
    for claim in [
        &ui.speech_direct,
        &ui.speech_reported,
        &li,
        &ui.voice_article,
        &ui.voice_unattributed,
    ] {
        assert!(!text.contains(&h(claim)), "{claim}: {text}");
    }
    let reply = ask(&app, ChatKind::Private, Some("en"), "轻车熟路")
        .unwrap()
        .reply;
    let text = html(&reply);
    assert!(text.contains(&sentence(&app, Lang::En, "32")), "{text}");
    let ui = en(&app);
    for claim in [
        "said",
        &ui.speech_direct,
        &ui.speech_reported,
        &ui.voice_article,
        &ui.voice_unattributed,
    ] {
        assert!(!text.contains(&h(claim)), "{claim}: {text}");
    }
    // 周鸿祎: the sentence that names him, then that he is mentioned, never quoted.
    let zhou = html(&private(&app, "/search 周鸿祎"));
    assert!(
        zhou.starts_with(&format!(
            "{}\n\n<blockquote>虽然此类论点",
            search_header(&app, "周鸿祎", "1", "1", "1")
        )),
        "{zhou}"
    );
    assert!(
        zhou.contains("除了周鸿祎这样") && zhou.contains(&sentence(&app, Lang::Zh, "8")),
        "{zhou}"
    );
}

#[test]
fn inline_and_more_pages_carry_sentences_too() {
    let app = app();
    let answer = app.inline("办公室布局", "", None);
    let item = &answer.items[0];
    assert!(item.id.starts_with("s:"), "{}", item.id);
    let paragraph = [("paragraph", "19")];
    assert_eq!(item.title, fill(&zh(&app).inline_sentence, &paragraph));
    assert!(
        item.description
            .starts_with("国内 AI 初创团队会在多个国家同时建立新的办公室布局")
    );
    let message = item.message.to_html();
    let lines = format!(
        "{}\n{}",
        fill(&zh(&app).sentence_line, &paragraph),
        citation(&app, Lang::Zh, "19")
    );
    assert!(message.contains(&h(&lines)), "{message}");
    assert_eq!(
        app.inline("办公室布局", "", Some("en")).items[0].title,
        fill(&en(&app).inline_sentence, &paragraph)
    );
    // A query whose later pages hold sentences: every page shows what the index ranks there,
    // and the buttons fit Telegram's 64 bytes.
    let query = "开源";
    let total = app.search.search(query).len();
    let sentences = app
        .search
        .search(query)
        .iter()
        .filter(|h| matches!(h.unit, crate::search::Unit::Sentence(_)))
        .count();
    assert!(sentences > 0 && total > sentences, "{sentences} of {total}");
    let (sentence_start, _) = around(&zh(&app).sentence_line, &[], "paragraph");
    let sentence_start = h(&sentence_start);
    let mut shown = 0;
    for page in 0..total.div_ceil(SEARCH_PAGE) {
        let reply = press(&app, &format!("s:zh:{page}:{query}"));
        let text = html(&reply);
        shown += text.matches(&sentence_start).count();
        for button in reply.buttons.iter().flatten() {
            assert!(button.data.len() <= 64, "{}", button.data);
        }
    }
    assert_eq!(shown, sentences);
    // Inline pages hold them too, with ids unique across pages.
    let mut ids = std::collections::HashSet::new();
    let mut offset = String::new();
    loop {
        let page = app.inline(query, &offset, None);
        for item in &page.items {
            assert!(ids.insert(item.id.clone()), "{} twice", item.id);
        }
        if page.next_offset.is_empty() {
            break;
        }
        offset = page.next_offset;
    }
    assert_eq!(ids.len(), total);
    assert_eq!(
        ids.iter().filter(|id| id.starts_with("s:")).count(),
        sentences
    );
}

#[test]
fn english_users_search_in_english() {
    let app = app();
    let reply = ask(
        &app,
        ChatKind::Group,
        Some("en"),
        "/search@debate_bot 700 million",
    )
    .unwrap()
    .reply;
    let text = html(&reply);
    let ui = en(&app);
    let header = fill(
        &ui.search_header,
        &[
            ("query", "700 million"),
            ("from", "1"),
            ("to", "1"),
            ("count", "1"),
        ],
    );
    assert!(
        text.starts_with(&format!("<b>{}</b>", h(&header))),
        "{text}"
    );
    // The translation is the corpus's, verbatim; the words before it, the ui file's.
    let (translation, _) = around(&ui.translation, &[], "text");
    assert!(text.contains(&h(&format!(
        "{translation}For example, it states that once a project has more than 700 million"
    ))));
}

#[test]
fn a_query_over_256_characters_is_cut_with_a_note_and_still_pages() {
    let app = app();
    let long = format!("开源 {}", "很长的问题".repeat(60));
    let reply = private(&app, &format!("/search {long}"));
    let text = html(&reply);
    let cut = fill(&zh(&app).search_cut, &[("limit", "256")]);
    assert!(text.contains(&h(&cut)), "{text}");
    // A long query that matches travels under a memo key; its More button works.
    let query = "大模型 开源 闭源 ".repeat(3);
    let reply = private(&app, &format!("/search {query}"));
    let more = &reply.buttons[0][0].data;
    assert!(more.starts_with("S:zh:1:") && more.len() <= 64, "{more}");
    let count = app.search.search(query.trim()).len().to_string();
    let header = search_header(&app, query.trim(), "4", "6", &count);
    assert!(html(&press(&app, more)).starts_with(&header));
    // A memo key nobody issued is stale.
    assert!(matches!(
        answer_press(&app, "S:zh:1:00000000deadbeef", None, &mut rng()),
        Press::Notice(_)
    ));
    assert!(matches!(
        answer_press(&app, "S:zh:1:xyz", None, &mut rng()),
        Press::Notice(_)
    ));
    assert!(matches!(
        answer_press(&app, "s:zh:1:", None, &mut rng()),
        Press::Notice(_)
    ));
}

// ---- inline mode -------------------------------------------------------------------------

#[test]
fn inline_with_no_words_offers_the_best_excerpts_twenty_at_a_time() {
    let app = app();
    let first = app.inline("", "", None);
    assert_eq!(first.items.len(), INLINE_PAGE);
    assert_eq!(first.next_offset, "1");
    assert!(first.is_personal);
    // Topic leaders come first: /closed's and /open's best.
    assert_eq!(first.items[0].id, "li-commercial-closed-future");
    assert_eq!(first.items[1].id, "luo-open-breaks-monopoly");
    let mut ids: Vec<String> = first.items.iter().map(|i| i.id.clone()).collect();
    let mut offset = first.next_offset.clone();
    while !offset.is_empty() {
        let page = app.inline("", &offset, None);
        ids.extend(page.items.iter().map(|i| i.id.clone()));
        offset = page.next_offset;
    }
    assert_eq!(ids.len(), app.corpus.excerpts.len());
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        app.corpus.excerpts.len(),
        "ids are unique across pages"
    );
}

#[test]
fn inline_results_are_titled_and_carry_the_sourced_excerpt() {
    let app = app();
    let answer = app.inline("打破垄断", "", Some("en"));
    let item = &answer.items[0];
    assert_eq!(item.id, "luo-open-breaks-monopoly");
    let ui = en(&app);
    let luo = name(ui, Lang::En, "罗璇", "Luo Xuan");
    let title = fill(
        &ui.inline_title,
        &[("speaker", &luo), ("topic", "Open source")],
    );
    assert_eq!(item.title, title);
    assert_eq!(
        item.description,
        "开源并不是商业化的反义词,开源意味着打破垄断"
    );
    let html = item.message.to_html();
    assert!(html.contains("<blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>"));
    assert!(html.contains(&h(&citation(&app, Lang::En, "35"))), "{html}");
    assert_eq!(answer.next_offset, "");
    let article = app.inline("鲶鱼效应", "", None);
    let ui = zh(&app);
    let title = fill(
        &ui.inline_title,
        &[("speaker", &ui.inline_article), ("topic", "开源")],
    );
    assert_eq!(article.items[0].title, title);
    // Someone the article does not name is marked so in a title too.
    let unnamed = app.inline("试金石", "", None);
    let (_, mark) = around(&ui.name_unnamed, &[], "name");
    assert!(
        unnamed.items[0].title.contains(&mark),
        "{}",
        unnamed.items[0].title
    );
    assert!(article.items[0].description.ends_with('…'));
}

#[test]
fn inline_never_fails_on_odd_input() {
    let app = app();
    for (query, offset) in [
        ("😀\u{202e}<b>&amp;", ""),
        (&*"开".repeat(300), ""),
        ("开源", "-1"),
        ("开源", "99999999999999999999"),
        ("开源", "2"),
        ("\u{0}", "x"),
    ] {
        let answer = app.inline(query, offset, None);
        assert!(answer.items.len() <= INLINE_PAGE);
        for item in &answer.items {
            assert!((1..=64).contains(&item.id.len()));
        }
    }
}

// ---- /debate -----------------------------------------------------------------------------

/// What `/debate ARGS` asks for, from a Chinese-speaking user.
fn debate(app: &App, args: &str) -> DebateChoice {
    app.debate(Lang::Zh, args, None)
}

fn shown(choice: DebateChoice) -> String {
    match choice {
        DebateChoice::Show(reply) => html(&reply),
        other => panic!("starts a debate: {other:?}"),
    }
}

#[test]
fn a_debate_shows_the_motion_and_the_best_quote_of_each_side() {
    let app = app();
    assert_eq!(debate(&app, "1"), DebateChoice::Start(0));
    let reply = app.debate_page(Lang::Zh, 0, [0, 0]);
    let text = html(&reply);
    let ui = zh(&app);
    let title = fill(
        &ui.debate_title,
        &[
            ("number", "1"),
            ("count", "5"),
            ("motion", "闭源最终将战胜开源?"),
        ],
    );
    let heading = |template: &str, position: &str, count: &str| {
        let heading = fill(template, &[("position", position), ("count", count)]);
        format!("<b>{}</b>", h(&heading))
    };
    assert!(
        text.starts_with(&format!(
            "<b>{}</b>\n\n{}\n<blockquote>闭源最终将战胜开源</blockquote>",
            h(&title),
            heading(&ui.debate_for, "1", "3")
        )),
        "{text}"
    );
    let luo = speaker(
        ui,
        "罗璇",
        &role(ui, "RWKV", "联合创始人", false),
        &ui.speech_direct,
    );
    assert!(
        text.contains(&format!(
            "{}\n<blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>\n{}\n{}",
            heading(&ui.debate_against, "1", "3"),
            h(&luo),
            h(&citation(&app, Lang::Zh, "35"))
        )),
        "{text}"
    );
    // The camps name people only; where the article's own narration leans is said apart.
    let camps = fill(&ui.debate_camps, &[("for", "李彦宏"), ("against", "罗璇")]);
    assert!(
        text.ends_with(&h(&format!("{camps}\n{}", ui.debate_narration_against))),
        "{text}"
    );
    let camps_line = text.lines().rev().nth(1).unwrap_or_default();
    assert!(!camps_line.contains(&h(&ui.inline_article)), "{text}");
    let data: Vec<&str> = reply
        .buttons
        .iter()
        .flatten()
        .map(|b| b.data.as_str())
        .collect();
    assert_eq!(
        data,
        [
            "d:zh:closed-will-win:1:0",
            "d:zh:closed-will-win:0:1",
            "D:zh:closed-will-win:0:0"
        ]
    );

    // More against walks that side only, and wraps.
    let Press::Edit(next) = answer_press(&app, "d:zh:closed-will-win:0:2", None, &mut rng()) else {
        panic!()
    };
    assert!(html(&next).contains(&heading(&ui.debate_against, "3", "3")));
    assert_eq!(next.buttons[0][1].data, "d:zh:closed-will-win:0:0");
    // Sources list every cited paragraph, with a way back.
    let Press::Edit(sources) = answer_press(&app, "D:zh:closed-will-win:0:2", None, &mut rng())
    else {
        panic!()
    };
    let text = html(&sources);
    let cited = format!("• {}", h(&citation_start(&app, Lang::Zh)));
    assert_eq!(text.matches(&cited).count(), 6, "{text}");
    assert_eq!(sources.buttons[0][0].data, "d:zh:closed-will-win:0:2");
}

#[test]
fn debate_list_usage_and_forged_buttons() {
    let app = app();
    let list = shown(debate(&app, "LIST"));
    let ui = zh(&app);
    let line = |number, motion| {
        let line = fill(
            &ui.debate_list_line,
            &[("number", number), ("motion", motion)],
        );
        format!("{}\n", h(&line))
    };
    assert!(
        list.contains(&line("1", "闭源最终将战胜开源?"))
            && list.contains(&line("5", "巨头也应该拥抱开源?")),
        "{list}"
    );
    for bad in ["9", "0", "99999999999999999999999"] {
        assert_eq!(
            shown(debate(&app, bad)),
            h(&fill(&ui.debate_usage_count, &[("count", "5")]))
        );
    }
    for odd in ["foo", "-1", "1 2", "<b>"] {
        assert_eq!(shown(debate(&app, odd)), h(&ui.debate_usage), "{odd}");
    }
    assert_eq!(debate(&app, ""), DebateChoice::Any);
    assert_eq!(app.debate(Lang::En, " 3 ", None), DebateChoice::Start(2));
    let page = html(&app.debate_page(Lang::En, 2, [0, 0]));
    let ui = en(&app);
    let title = fill(
        &ui.debate_title,
        &[
            ("number", "3"),
            ("count", "5"),
            (
                "motion",
                "Does Llama 2's own licence make its \"open source\" less than it claims?",
            ),
        ],
    );
    assert!(
        page.starts_with(&format!("<b>{}</b>\n", h(&title))),
        "{page}"
    );
    // A motion with no one quoted on either side says so and claims no lean of the narration.
    let nobody = &ui.debate_camp_nobody;
    let camps = fill(&ui.debate_camps, &[("for", nobody), ("against", nobody)]);
    assert!(page.ends_with(&format!("\n{}", h(&camps))), "{page}");
    for data in [
        "d:zh:closed-will-win:5:0",
        "d:zh:nope:0:0",
        "d:zh:closed-will-win:0",
        "D:zh:closed-will-win:0:0:1",
        "d:xx:closed-will-win:0:0",
    ] {
        assert!(
            matches!(answer_press(&app, data, None, &mut rng()), Press::Notice(_)),
            "{data}"
        );
    }
    for (m, motion) in app.corpus.motions.iter().enumerate() {
        for side in 0..2 {
            for i in 0..motion.sides[side].len() {
                let mut at = [0, 0];
                at[side] = i;
                let action = Action::Debate {
                    lang: Lang::En,
                    motion: m,
                    at,
                    sources: true,
                };
                let data = callback_data::encode(&action, &app.corpus).unwrap();
                assert!(data.len() <= 64);
            }
        }
    }
}

#[test]
fn every_debate_poll_fits_telegrams_poll_limits() {
    // sendPoll: a question of 1-300 characters, 1-12 options of 1-100.
    use crate::vocab::Round;
    let app = app();
    for lang in Lang::ALL {
        let ui = app.ui.get(lang);
        for motion in 0..app.corpus.motions.len() {
            for (round, template) in [
                (Round::Before, &ui.debate_vote_before),
                (Round::After, &ui.debate_vote_after),
                (Round::Convinced, &ui.debate_convinced_question),
            ] {
                let poll =
                    app.debate_poll(lang, motion, round, crate::settings::MAX_DEBATE_MINUTES);
                let motion_text = app.corpus.motions[motion].motion.get(lang);
                let minutes = crate::settings::MAX_DEBATE_MINUTES.to_string();
                let whole = fill(template, &[("motion", motion_text), ("minutes", &minutes)]);
                assert_eq!(poll.question, whole, "the motion whole");
                assert!(
                    (1..=300).contains(&utf16_len(&poll.question)),
                    "{}",
                    poll.question
                );
                assert!((1..=12).contains(&poll.options.len()));
                assert!(
                    poll.options
                        .iter()
                        .all(|o| (1..=100).contains(&o.chars().count())),
                    "{:?}",
                    poll.options
                );
                assert!(poll.hide_results_until_closes);
                assert_eq!(poll.multiple, round == Round::Convinced);
                if round == Round::Convinced {
                    // One option per quote the motion shows, each told apart from the rest.
                    let m = &app.corpus.motions[motion];
                    assert_eq!(poll.options.len(), m.sides[0].len() + m.sides[1].len());
                    let mut unique = poll.options.clone();
                    unique.sort();
                    unique.dedup();
                    assert_eq!(unique.len(), poll.options.len(), "{:?}", poll.options);
                }
            }
        }
    }
    for (lang, motion) in [
        (
            Lang::En,
            "Will closed source ultimately defeat open source?",
        ),
        (Lang::Zh, "闭源最终将战胜开源?"),
    ] {
        let ui = app.ui.get(lang);
        let poll = app.debate_poll(lang, 0, Round::Before, 60);
        assert_eq!(
            poll.question,
            fill(
                &ui.debate_vote_before,
                &[("motion", motion), ("minutes", "60")]
            )
        );
        assert_eq!(
            poll.options,
            [
                &ui.debate_side_for,
                &ui.debate_side_against,
                &ui.debate_vote_undecided
            ]
            .map(String::clone)
        );
    }
    // The convinced poll names each quote by side, speaker (or the article) and paragraph.
    let ui = zh(&app);
    let poll = app.debate_poll(Lang::Zh, 0, Round::Convinced, 60);
    let label = |side: &str, speaker: &str, paragraph: &str| {
        fill(
            &ui.debate_quote_label,
            &[
                ("side", side),
                ("speaker", speaker),
                ("paragraph", paragraph),
            ],
        )
    };
    let first = &app.corpus.excerpts[app.corpus.motions[0].sides[0][0]];
    assert_eq!(
        poll.options[0],
        label(&ui.debate_side_for, "李彦宏", &first.paragraph.to_string())
    );
    let m = &app.corpus.motions[0];
    let article = m.sides[1]
        .iter()
        .position(|&e| app.corpus.excerpts[e].voice.speaker().is_none())
        .expect("an against quote in the article's own voice");
    let e = &app.corpus.excerpts[m.sides[1][article]];
    assert!(
        poll.options[m.sides[0].len() + article].starts_with(&label(
            &ui.debate_side_against,
            &ui.debate_quote_article,
            &e.paragraph.to_string()
        )),
        "{:?}",
        poll.options
    );
}

#[test]
fn the_longest_motion_the_data_allows_is_shortened_in_the_poll_never_its_suffix() {
    // The loader allows motions of 255 characters and votes of a week (10080 minutes). Counted in
    // UTF-16 units, as Telegram counts text (the stricter count), a motion of characters outside
    // the Basic Multilingual Plane (an emoji, a rare CJK ideograph like 𠮷) is up to 510 units:
    // with the suffix more than sendPoll's 300. The motion gives way, with "…"; the suffix stays.
    let mut app = app();
    let minutes = crate::settings::MAX_DEBATE_MINUTES;
    assert_eq!(minutes, 10080);
    // What stands around the motion in the question (responses/ui.*.toml).
    let rest = Lang::ALL.map(|lang| {
        let template = &app.ui.get(lang).debate_vote_before;
        around(template, &[("minutes", "10080")], "motion")
    });
    let mut set = |motion: &str| {
        assert_eq!(motion.chars().count(), 255);
        app.corpus.motions[0].motion = crate::corpus::Text {
            original: motion.to_string(),
            en: Some(motion.to_string()),
        };
        Lang::ALL
            .map(|lang| {
                app.debate_poll(lang, 0, crate::vocab::Round::Before, minutes)
                    .question
            })
            .into_iter()
            .zip(rest.clone())
            .map(|(question, (prefix, suffix))| (question, prefix, suffix))
            .collect::<Vec<_>>()
    };
    // 255 characters of one unit each fit whole when the rest of the question leaves room for
    // them (with the shipped sentences, in both languages: 275 and 298 units); else the motion
    // gives way.
    let whole = "辩".repeat(254) + "?";
    for (question, prefix, suffix) in set(&whole) {
        if utf16_len(&prefix) + utf16_len(&whole) + utf16_len(&suffix) <= 300 {
            assert_eq!(question, format!("{prefix}{whole}{suffix}"));
        } else {
            assert!(
                question.starts_with(&prefix) && question.ends_with(&format!("…{suffix}")),
                "{question}"
            );
        }
        assert!(utf16_len(&question) <= 300);
    }
    for motion in ["😀".repeat(255), "𠮷".repeat(200) + &"辩".repeat(55)] {
        for (question, prefix, suffix) in set(&motion) {
            assert!(
                utf16_len(&question) <= 300,
                "{} {question}",
                utf16_len(&question)
            );
            assert!(question.chars().count() <= 300, "{question}");
            let shown = question
                .strip_prefix(prefix.as_str())
                .and_then(|q| q.strip_suffix(suffix.as_str()))
                .expect("the rest of the question whole");
            let kept = shown.strip_suffix('…').expect("shortened with …");
            assert!(!kept.is_empty() && motion.starts_with(kept), "{question}");
            // As much of the motion as fits: one more character (2 units) would overflow.
            assert!(utf16_len(&question) >= 299, "{question}");
        }
    }
}

#[test]
fn a_debate_result_gives_the_shares_the_swing_its_winner_the_changes_and_the_quotes() {
    use crate::debate::result::Outcome;
    use crate::store::DebateAnswer;
    use crate::vocab::Round;
    let app = app();
    let ui = zh(&app);
    let answer = |round, user_id, options| DebateAnswer {
        round,
        user_id,
        options,
    };
    // 1 and 2 go from against to for, 3 stays for, 4 votes only before, 5 only after; 1 and
    // 3 were convinced by the first quote, 2 by the first and the third.
    let answers = [
        answer(Round::Before, 1, 0b010),
        answer(Round::Before, 2, 0b010),
        answer(Round::Before, 3, 0b001),
        answer(Round::Before, 4, 0b100),
        answer(Round::After, 1, 0b001),
        answer(Round::After, 2, 0b001),
        answer(Round::After, 3, 0b001),
        answer(Round::After, 5, 0b010),
        answer(Round::Convinced, 1, 0b001),
        answer(Round::Convinced, 2, 0b101),
        answer(Round::Convinced, 3, 0b001),
    ];
    let quotes: Vec<Option<usize>> = app.convinced_quotes(0).into_iter().map(Some).collect();
    let outcome = Outcome::of(&answers, quotes.len());
    let doc = crate::debate::result::render(&app, Lang::Zh, 0, &outcome, &quotes).to_plain();
    let share = |side: &str, votes: &str, percent: &str| {
        fill(
            &ui.debate_result_share,
            &[("side", side), ("votes", votes), ("percent", percent)],
        )
    };
    let round = |label: &str, shares: [String; 3], total: &str| {
        fill(
            &ui.debate_result_round,
            &[
                ("round", label),
                ("shares", &shares.join(&ui.debate_result_share_separator)),
                ("total", total),
            ],
        )
    };
    let (f, a, u) = (
        &ui.debate_side_for,
        &ui.debate_side_against,
        &ui.debate_vote_undecided,
    );
    let quote = |rank: &str, option: usize, votes: &str| {
        let excerpt = quotes[option].unwrap();
        format!(
            "{}\n   {}",
            fill(
                &ui.debate_result_convinced_line,
                &[
                    ("rank", rank),
                    ("quote", &app.quote_label(Lang::Zh, 0, excerpt)),
                    ("votes", votes),
                ],
            ),
            app.view(Lang::Zh).citation(&app.corpus.excerpts[excerpt])
        )
    };
    let expected = [
        fill(
            &ui.debate_result_title,
            &[("motion", "闭源最终将战胜开源?")],
        ),
        round(
            &ui.debate_round_before,
            [
                share(f, "1", "25"),
                share(a, "2", "50"),
                share(u, "1", "25"),
            ],
            "4",
        ),
        round(
            &ui.debate_round_after,
            [share(f, "3", "75"), share(a, "1", "25"), share(u, "0", "0")],
            "4",
        ),
        String::new(),
        // Among the 3 who voted twice: for from 1 to 3 (+67 points), against from 2 to 0.
        fill(
            &ui.debate_result_swing,
            &[("count", "3"), ("for", "+67"), ("against", "\u{2212}67")],
        ),
        ui.debate_result_wins_for.clone(),
        fill(
            &ui.debate_result_changed,
            &[
                ("count", "2"),
                (
                    "moves",
                    &fill(
                        &ui.debate_result_move,
                        &[("count", "2"), ("from", a), ("to", f)],
                    ),
                ),
            ],
        ),
        String::new(),
        fill(&ui.debate_result_convinced, &[("count", "3")]),
        quote("1", 0, "3"),
        quote("2", 2, "1"),
        String::new(),
        fill(&ui.debate_camps, &[("for", "李彦宏"), ("against", "罗璇")]),
        ui.debate_narration_against.clone(),
    ]
    .join("\n");
    assert_eq!(doc, expected);

    // Nobody voted twice: no swing, no winner; nobody said what convinced them.
    let once = Outcome::of(&[answer(Round::Before, 1, 0b001)], quotes.len());
    let doc = crate::debate::result::render(&app, Lang::Zh, 0, &once, &quotes).to_plain();
    assert!(doc.contains(&ui.debate_result_no_swing), "{doc}");
    assert!(doc.contains(&ui.debate_result_convinced_none), "{doc}");
    assert!(
        doc.contains(&fill(
            &ui.debate_result_round_none,
            &[("round", &ui.debate_round_after)]
        )),
        "{doc}"
    );
    assert!(!doc.contains(&ui.debate_result_wins_for));

    // Huge counts still fit one message.
    let mut huge = outcome.clone();
    huge.before = [u32::MAX as u64; 3];
    huge.after = [u32::MAX as u64; 3];
    huge.convinced = vec![u32::MAX as u64; quotes.len()];
    for lang in Lang::ALL {
        for motion in 0..app.corpus.motions.len() {
            let quotes: Vec<Option<usize>> =
                app.convinced_quotes(motion).into_iter().map(Some).collect();
            huge.convinced = vec![u32::MAX as u64; quotes.len()];
            let doc = crate::debate::result::render(&app, lang, motion, &huge, &quotes);
            assert!(utf16_len(&doc.to_html()) <= MESSAGE_LIMIT);
        }
    }
}

/// Each excerpt says what its words are: the article's own (and, when words in quotation
/// marks stand in them, that those are words it quotes); words the article leaves open between
/// a speaker and itself, naming the speaker; an unnamed person by the article's description,
/// marked once; and "…" wherever the words leave out part of their sentence.
#[test]
fn labels_say_what_the_words_are() {
    let app = app();
    let shown = |lang: Lang, id: &str| {
        let excerpt = app.corpus.excerpts.iter().find(|e| e.id == id).unwrap();
        app.view(lang).excerpt(excerpt).to_html()
    };
    let ui = zh(&app);
    // Narration with no quotation marks is "并非引语"; with them, it says what they are.
    let plain = shown(Lang::Zh, "article-closed-more-popular");
    assert!(plain.contains(&h(&ui.voice_article)), "{plain}");
    for id in [
        "article-giants-closed-midsize-startups",
        "article-no-future-claim-against-developers",
        "article-medical-liability",
        "article-never-no-future",
    ] {
        let text = shown(Lang::Zh, id);
        assert!(text.contains(&h(&ui.voice_article_quoting)), "{text}");
        assert!(!text.contains(&h(&ui.voice_article)), "{text}");
    }
    // ¶14 after "据…林吕强介绍:", ¶35 after 罗璇's quote: the article leaves the voice open.
    for (id, person, english_name) in [
        ("article-only-open-attracts-users", "林吕强", "Lin Lüqiang"),
        ("article-midsize-leaderboards", "林吕强", "Lin Lüqiang"),
        ("article-llama2-lowered-threshold", "罗璇", "Luo Xuan"),
    ] {
        let text = shown(Lang::Zh, id);
        let open = fill(&ui.voice_open, &[("name", person)]);
        assert!(text.contains(&h(&open)), "{text}");
        assert!(!text.contains(&h(&ui.voice_article)), "{text}");
        let english = shown(Lang::En, id);
        let open = fill(
            &en(&app).voice_open,
            &[("name", &name(en(&app), Lang::En, person, english_name))],
        );
        assert!(english.contains(&h(&open)), "{english}");
    }
    // The product manager: the article's own description before the name, marked once.
    let pm = shown(Lang::Zh, "pm-touchstone");
    let name_marked = fill(&ui.name_unnamed, &[("name", "应用产品经理")]);
    let line = fill(
        &ui.speaker_line_unnamed,
        &[
            ("name", &name_marked),
            ("role", "参与到独角兽大模型团队海外出海项目"),
            ("speech", &ui.speech_direct),
        ],
    );
    assert!(pm.contains(&h(&line)), "{pm}");
    assert!(!pm.contains("一位"), "{pm}");
    // A cut shows as "…" at the end it cuts, and only there.
    let cut = shown(Lang::Zh, "article-desensitisation");
    assert!(
        cut.contains("<blockquote>根据目前公开的信息显示:主要的闭源大模型巨头"),
        "{cut}"
    );
    assert!(cut.contains("降低安全隐患…</blockquote>"), "{cut}");
    let cut = shown(Lang::Zh, "article-llama2-lowered-threshold");
    assert!(cut.contains("<blockquote>…Llama 2 系列"), "{cut}");
    let whole = shown(Lang::Zh, "article-technology-gap");
    assert!(
        whole.contains("<blockquote>虽然开源有着种种无可取代的优势"),
        "{whole}"
    );
    assert!(!whole.contains('…'), "{whole}");
}
