//! The core on the shipped data: what each command answers, in private chats and groups, in
//! both languages, and how buttons behave, forged ones included.

use std::path::Path;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::*;
use crate::render::{MESSAGE_LIMIT, utf16_len};

fn app() -> App {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("responses");
    App::load(&dir, Lang::Zh).unwrap_or_else(|p| panic!("{p:#?}"))
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
    let reply = private(&app, "/closed");
    assert_eq!(
        html(&reply),
        "<b>闭源 · 1/10</b>\n\
         <blockquote>这种情况下,商业化的闭源模型才是行业的未来</blockquote>\n\
         —— 李彦宏,百度联合创始人、董事长兼首席执行官(非文中所述) · 原话\n\
         出处:电厂,2024-07-12,记者 张勇毅,¶5"
    );
    assert_eq!(
        reply.buttons,
        vec![vec![Button {
            label: "下一条 ›".into(),
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
    assert_eq!(
        html(&reply),
        "<b>Open source · 1/11</b>\n\
         <blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>\n\
         <i>Translation: Open source is not the opposite of commercialisation; open source means breaking monopolies.</i>\n\
         — Luo Xuan (罗璇), co-founder, RWKV · direct quote\n\
         Source: Dianchang (电厂), 2024-07-12, reporter Zhang Yongyi (张勇毅), ¶35"
    );
    assert_eq!(reply.buttons[0][0].data, "t:en:open:1");
    // Other languages get the configured default, Chinese.
    let reply = ask(&app, ChatKind::Private, Some("ru"), "/open")
        .unwrap()
        .reply;
    assert!(html(&reply).starts_with("<b>开源 · 1/11</b>"));
}

#[test]
fn the_articles_own_words_are_never_put_in_a_persons_mouth() {
    let app = app();
    let reply = private(&app, "/llama");
    let text = html(&reply);
    assert!(text.contains("—— 文章作者的叙述,并非引语"), "{text}");
    assert!(!text.contains("李彦宏") && !text.contains("罗璇"));
    // The unattributed quote of ¶33 says so.
    let license = &app.corpus.topics[app.corpus.topic_by_command("license").unwrap()];
    let position = license
        .excerpts
        .iter()
        .position(|&e| app.corpus.excerpts[e].id == "unattributed-code-meaningless")
        .unwrap();
    let data = format!("t:zh:license:{position}");
    let Press::Edit(reply) = app.press(&data, None, &mut rng()) else {
        panic!("the button should work")
    };
    assert!(html(&reply).contains("—— 文中引用,但未注明说话人"));
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
        let Press::Edit(reply) = app.press(&data, None, &mut rng()) else {
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
            app.press(data, Some("en"), &mut rng()),
            Press::Notice("This button has expired; send the command again.".into()),
            "{data:?}"
        );
    }
}

#[test]
fn another_quote_is_a_different_excerpt() {
    let app = app();
    let first = private(&app, "/quote");
    assert!(html(&first).starts_with("<b>随机摘录</b>\n<blockquote>"));
    let data = first.buttons[0][0].data.clone();
    assert!(data.starts_with("q:zh:"));
    for seed in 0..20 {
        let Press::Edit(next) = app.press(&data, None, &mut StdRng::seed_from_u64(seed)) else {
            panic!("another was refused")
        };
        assert_ne!(next.doc.blocks()[1], first.doc.blocks()[1]);
    }
}

#[test]
fn who_lists_everyone_and_finds_people_by_any_alias() {
    let app = app();
    let list = html(&private(&app, "/who"));
    assert!(
        list.contains("• 李彦宏 — 百度联合创始人、董事长兼首席执行官(非文中所述) · 4 条摘录"),
        "{list}"
    );
    assert!(
        list.contains("• 周鸿祎 — 360创始人(非文中所述) · 仅被提及(¶8),没有引语"),
        "{list}"
    );
    // "(未具名)" follows the name of someone the article does not name, not their role; a
    // role the article states carries no mark.
    assert!(
        list.contains("• 一位分析师(未具名) — 长期观察大模型落地案例 · 1 条摘录"),
        "{list}"
    );
    assert!(
        list.contains("• 林吕强 — 零一万物开源业务负责人 · 1 条摘录"),
        "{list}"
    );
    assert!(
        list.contains("• The Information — 科技媒体(非文中所述) · 1 条摘录"),
        "{list}"
    );
    let en = html(
        &ask(&app, ChatKind::Private, Some("en"), "/who")
            .unwrap()
            .reply,
    );
    assert!(
        en.contains(
            "• Robin Li (李彦宏) — co-founder, chairman and CEO, Baidu (not stated in the article) · "
        ),
        "{en}"
    );
    assert!(
        en.contains(
            "• An analyst (一位分析师) (not named) — long-time observer of LLM deployments · "
        ),
        "{en}"
    );
    for alias in ["Robin Li", "robin li", "李彥宏", "Li Yanhong", "百度"] {
        let reply = html(&private(&app, &format!("/who {alias}")));
        assert!(reply.starts_with("<b>李彦宏</b>"), "{alias}: {reply}");
        assert!(reply.contains("闭源最终将战胜开源"));
        assert!(reply.contains("据文章转述 · 出处:电厂,2024-07-12,记者 张勇毅,¶7"));
    }
    let zhou = html(&private(&app, "/who 周鸿祎"));
    assert!(
        zhou.contains("文中提到了周鸿祎(¶8),但没有引用其原话。"),
        "{zhou}"
    );
    assert!(!zhou.contains("<blockquote>"));
}

#[test]
fn who_with_an_unknown_name_says_so_with_the_name_escaped() {
    let app = app();
    let reply = html(&private(&app, r#"/who <b>Bob & "Co"</b>"#));
    assert_eq!(
        reply,
        "文中没有“&lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;”。发送 /who 查看全部说话人。"
    );
}

#[test]
fn source_names_the_article_and_counts_what_was_loaded() {
    let app = app();
    let reply = html(&private(&app, "/source"));
    assert!(reply.starts_with("<b>开源与闭源之争:大厂如何抉择?</b>\n媒体:电厂\n发表:2024-07-12 22:52\n记者:张勇毅 · 编辑:高宇雷\n"));
    let excerpts = app.corpus.excerpts.len();
    assert!(
        reply.contains(&format!(
            "收录:40 段 · {excerpts} 条摘录 · 6 位说话人与来源 · 11 个话题"
        )),
        "{reply}"
    );
}

#[test]
fn help_lists_every_command_and_topic_from_the_data() {
    let app = app();
    let help = html(&private(&app, "/help"));
    for topic in &app.corpus.topics {
        assert!(help.contains(&format!("/{} — {}", topic.command, topic.about.original)));
    }
    assert!(help.contains("/who — 文中的人物;/who 名字:某人说了什么"));
    let start = html(&private(&app, "/start"));
    assert!(start.contains("《开源与闭源之争:大厂如何抉择?》"));
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
    assert_eq!(app.menu(Lang::En)[0].1, "Get started");
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
        "没有 /foo 这个命令。发送 /help 查看全部命令。"
    );
    assert_eq!(unknown.command, "unknown");
}

#[test]
fn private_chats_treat_plain_text_as_a_search() {
    let app = app();
    let handled = ask(&app, ChatKind::Private, None, "私有化部署").unwrap();
    assert_eq!(handled.command, "text", "logs never carry the user's words");
    assert!(html(&handled.reply).starts_with("<b>搜索“私有化部署”:第 1–1 条,共 1 条</b>"));
    assert_eq!(
        html(&private(&app, "/bogus")),
        "没有 /bogus 这个命令。发送 /help 查看全部命令。"
    );
}

#[test]
fn aliases_and_case_reach_the_topic_and_logs_use_the_canonical_name() {
    let app = app();
    let handled = ask(&app, ChatKind::Private, None, "/LICENCE").unwrap();
    assert_eq!(handled.command, "license");
    assert!(html(&handled.reply).starts_with("<b>许可证 · 1/4</b>"));
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
                let action = buttons::Action::Topic {
                    lang,
                    topic: t,
                    index,
                };
                let data = buttons::encode(&action, &app.corpus).unwrap();
                assert!(data.len() <= buttons::CALLBACK_DATA_LIMIT);
                assert_eq!(buttons::decode(&data, &app.corpus), Some(action));
            }
        }
    }
}

// ---- /search -----------------------------------------------------------------------------

fn press(app: &App, data: &str) -> Reply {
    match app.press(data, None, &mut rng()) {
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
    assert!(
        text.starts_with(&format!("<b>搜索“开源”:第 1–3 条,共 {total} 条</b>")),
        "{text}"
    );
    assert_eq!(text.matches("<blockquote>").count(), 3);
    assert_eq!(
        text.matches("出处:电厂,2024-07-12,记者 张勇毅,¶").count(),
        3
    );
    assert_eq!(
        first.buttons,
        vec![vec![Button {
            label: "更多 ›".into(),
            data: "s:zh:1:开源".into()
        }]]
    );

    let second = press(&app, "s:zh:1:开源");
    assert!(html(&second).starts_with(&format!("<b>搜索“开源”:第 4–6 条,共 {total} 条</b>")));
    let labels: Vec<&str> = second.buttons[0].iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["‹ 上一页", "更多 ›"]);
    assert_eq!(second.buttons[0][0].data, "s:zh:0:开源");

    // The last page has only Back; a page past the end shows the last page.
    let last_page = (total - 1) / SEARCH_PAGE;
    let last = press(&app, &format!("s:zh:{last_page}:开源"));
    assert_eq!(last.buttons[0].len(), 1);
    assert_eq!(last.buttons[0][0].label, "‹ 上一页");
    assert_eq!(press(&app, "s:zh:999:开源"), last);
}

#[test]
fn search_without_words_explains_with_examples() {
    let app = app();
    let text = html(&private(&app, "/search"));
    assert!(text.starts_with("用法:/search 关键词"), "{text}");
    assert!(text.contains("/search 私有化部署") && text.contains("/search Robin Li"));
}

#[test]
fn search_without_results_says_so_and_lists_the_topics() {
    let app = app();
    let reply = private(&app, "/search Zuckerberg");
    let text = html(&reply);
    assert!(text.starts_with("没有找到“Zuckerberg”。"), "{text}");
    assert!(
        text.contains("试试这些话题:\n/closed /open /llama"),
        "{text}"
    );
    assert!(reply.buttons.is_empty());
    // Someone mentioned but never quoted: the reply says where the article mentions them.
    let zhou = html(&private(&app, "/search 周鸿祎"));
    assert!(
        zhou.contains("文中提到了周鸿祎(¶8),但没有引用其原话。"),
        "{zhou}"
    );
}

#[test]
fn a_sentence_that_is_no_excerpt_is_shown_as_the_articles_text() {
    let app = app();
    let text = html(&private(&app, "/search 中美两地"));
    assert!(
        text.starts_with("<b>搜索“中美两地”:第 1–1 条,共 1 条</b>\n\n<blockquote>而在大厂领域,目前中美两地都有分别支持开源与闭源的巨头:"),
        "{text}"
    );
    assert!(
        text.contains("</blockquote>\n—— 原文 ¶9,整句照录\n出处:电厂,2024-07-12,记者 张勇毅,¶9"),
        "{text}"
    );
    // It claims no speaker, though it reports Robin Li's words (¶5).
    let text = html(&private(&app, "/search 世界人工智能大会"));
    assert!(text.contains("—— 原文 ¶5,整句照录"), "{text}");
    for claim in ["原话", "转述", "李彦宏,", "叙述"] {
        assert!(!text.contains(claim), "{claim}: {text}");
    }
    let en = ask(&app, ChatKind::Private, Some("en"), "轻车熟路")
        .unwrap()
        .reply;
    let text = html(&en);
    assert!(
        text.contains("— article text, ¶32, the whole sentence as printed (not translated)\nSource: Dianchang (电厂), 2024-07-12, reporter Zhang Yongyi (张勇毅), ¶32"),
        "{text}"
    );
    for claim in [
        "said",
        "direct quote",
        "paraphrased",
        "the article's own words",
    ] {
        assert!(!text.contains(claim), "{claim}: {text}");
    }
    // 周鸿祎: the sentence that names him, then that he is mentioned, never quoted.
    let zhou = html(&private(&app, "/search 周鸿祎"));
    assert!(
        zhou.starts_with("<b>搜索“周鸿祎”:第 1–1 条,共 1 条</b>\n\n<blockquote>虽然此类论点"),
        "{zhou}"
    );
    assert!(
        zhou.contains("除了周鸿祎这样") && zhou.contains("—— 原文 ¶8"),
        "{zhou}"
    );
}

#[test]
fn inline_and_more_pages_carry_sentences_too() {
    let app = app();
    let answer = app.inline("办公室布局", "", None);
    let item = &answer.items[0];
    assert!(item.id.starts_with("s:"), "{}", item.id);
    assert_eq!(item.title, "原文 ¶19");
    assert!(
        item.description
            .starts_with("国内 AI 初创团队会在多个国家同时建立新的办公室布局")
    );
    let message = item.message.to_html();
    assert!(message.contains("—— 原文 ¶19,整句照录\n出处:电厂,2024-07-12,记者 张勇毅,¶19"));
    assert_eq!(
        app.inline("办公室布局", "", Some("en")).items[0].title,
        "Article text, ¶19"
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
    let mut shown = 0;
    for page in 0..total.div_ceil(SEARCH_PAGE) {
        let reply = press(&app, &format!("s:zh:{page}:{query}"));
        let text = html(&reply);
        shown += text.matches("原文 ¶").count();
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
    assert!(
        text.starts_with("<b>Search “700 million”: 1–1 of 1</b>"),
        "{text}"
    );
    assert!(text.contains(
        "Translation: For example, it states that once a project has more than 700 million"
    ));
}

#[test]
fn a_query_over_256_characters_is_cut_with_a_note_and_still_pages() {
    let app = app();
    let long = format!("开源 {}", "很长的问题".repeat(60));
    let reply = private(&app, &format!("/search {long}"));
    let text = html(&reply);
    assert!(text.contains("查询太长,只用了前 256 个字符。"), "{text}");
    // A long query that matches travels under a memo key; its More button works.
    let query = "大模型 开源 闭源 ".repeat(3);
    let reply = private(&app, &format!("/search {query}"));
    let more = &reply.buttons[0][0].data;
    assert!(more.starts_with("S:zh:1:") && more.len() <= 64, "{more}");
    assert!(html(&press(&app, more)).contains("第 4–6 条"));
    // A memo key nobody issued is stale.
    assert!(matches!(
        app.press("S:zh:1:00000000deadbeef", None, &mut rng()),
        Press::Notice(_)
    ));
    assert!(matches!(
        app.press("S:zh:1:xyz", None, &mut rng()),
        Press::Notice(_)
    ));
    assert!(matches!(
        app.press("s:zh:1:", None, &mut rng()),
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
    assert_eq!(item.title, "Luo Xuan (罗璇) · Open source");
    assert_eq!(
        item.description,
        "开源并不是商业化的反义词,开源意味着打破垄断"
    );
    let html = item.message.to_html();
    assert!(html.contains("<blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>"));
    assert!(
        html.contains("Source: Dianchang (电厂), 2024-07-12, reporter Zhang Yongyi (张勇毅), ¶35")
    );
    assert_eq!(answer.next_offset, "");
    let article = app.inline("鲶鱼效应", "", None);
    assert_eq!(article.items[0].title, "文章叙述 · 开源");
    // Someone the article does not name is marked so in a title too.
    let unnamed = app.inline("试金石", "", None);
    assert!(
        unnamed.items[0].title.contains("(未具名)"),
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
    app.debate(Lang::Zh, args)
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
    assert!(text.starts_with("<b>辩题 1/5:闭源最终将战胜开源?</b>\n\n<b>正方 · 1/3</b>\n<blockquote>闭源最终将战胜开源</blockquote>"), "{text}");
    assert!(text.contains("<b>反方 · 1/5</b>\n<blockquote>开源并不是商业化的反义词,开源意味着打破垄断</blockquote>\n—— 罗璇,RWKV联合创始人 · 原话\n出处:电厂,2024-07-12,记者 张勇毅,¶35"), "{text}");
    // The camps name people only; where the article's own narration leans is said apart.
    assert!(
        text.ends_with("文中站队 —— 正方:李彦宏;反方:罗璇\n文章自己的叙述倾向反方。"),
        "{text}"
    );
    assert!(
        !text.contains("文章叙述;") && !text.contains("、文章叙述"),
        "{text}"
    );
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
    let Press::Edit(next) = app.press("d:zh:closed-will-win:0:4", None, &mut rng()) else {
        panic!()
    };
    assert!(html(&next).contains("<b>反方 · 5/5</b>"));
    assert_eq!(next.buttons[0][1].data, "d:zh:closed-will-win:0:0");
    // Sources list every cited paragraph, with a way back.
    let Press::Edit(sources) = app.press("D:zh:closed-will-win:0:4", None, &mut rng()) else {
        panic!()
    };
    let text = html(&sources);
    assert_eq!(text.matches("• 出处:").count(), 8, "{text}");
    assert_eq!(sources.buttons[0][0].data, "d:zh:closed-will-win:0:4");
}

#[test]
fn debate_list_usage_and_forged_buttons() {
    let app = app();
    let list = shown(debate(&app, "LIST"));
    assert!(
        list.contains("1. 闭源最终将战胜开源?") && list.contains("5. 巨头也应该拥抱开源?"),
        "{list}"
    );
    for bad in ["9", "0", "99999999999999999999999"] {
        assert_eq!(
            shown(debate(&app, bad)),
            "辩题编号要在 1 到 5 之间;/debate list 列出全部。"
        );
    }
    for odd in ["foo", "-1", "1 2", "<b>"] {
        assert!(
            shown(debate(&app, odd)).starts_with("用法:/debate 随机一个辩题并投票"),
            "{odd}"
        );
    }
    assert_eq!(debate(&app, ""), DebateChoice::Any);
    assert_eq!(app.debate(Lang::En, " 3 "), DebateChoice::Start(2));
    let en = app.debate_page(Lang::En, 2, [0, 0]);
    assert!(html(&en).starts_with(
        "<b>Motion 3/5: Does Llama 2's own licence make its &quot;open source&quot; less than it claims?</b>"
    ), "{}", html(&en));
    // A motion with no one quoted on either side says so and claims no lean of the narration.
    let en = html(&en);
    assert!(
        en.ends_with("In the article — for: no one; against: no one"),
        "{en}"
    );
    for data in [
        "d:zh:closed-will-win:5:0",
        "d:zh:nope:0:0",
        "d:zh:closed-will-win:0",
        "D:zh:closed-will-win:0:0:1",
        "d:xx:closed-will-win:0:0",
    ] {
        assert!(
            matches!(app.press(data, None, &mut rng()), Press::Notice(_)),
            "{data}"
        );
    }
    for (m, motion) in app.corpus.motions.iter().enumerate() {
        for side in 0..2 {
            for i in 0..motion.sides[side].len() {
                let mut at = [0, 0];
                at[side] = i;
                let action = buttons::Action::Debate {
                    lang: Lang::En,
                    motion: m,
                    at,
                    sources: true,
                };
                let data = buttons::encode(&action, &app.corpus).unwrap();
                assert!(data.len() <= 64);
            }
        }
    }
}

#[test]
fn every_debate_poll_fits_telegrams_poll_limits() {
    // sendPoll: a question of 1-300 characters, options of 1-100.
    let app = app();
    for lang in Lang::ALL {
        for motion in 0..app.corpus.motions.len() {
            let (question, options) =
                app.debate_poll(lang, motion, crate::config::MAX_DEBATE_MINUTES);
            let motion_text = app.corpus.motions[motion].motion.get(lang);
            assert!(question.starts_with(motion_text), "{question}");
            assert!((1..=300).contains(&utf16_len(&question)), "{question}");
            assert!(
                options
                    .iter()
                    .all(|o| (1..=100).contains(&o.chars().count())),
                "{options:?}"
            );
        }
    }
    let (question, options) = app.debate_poll(Lang::En, 0, 60);
    assert_eq!(
        question,
        "Will closed source ultimately defeat open source? Which side are you on? (60-minute vote)"
    );
    assert_eq!(options, ["For", "Against", "Undecided"].map(String::from));
    let (question, options) = app.debate_poll(Lang::Zh, 0, 60);
    assert_eq!(question, "闭源最终将战胜开源? 你站哪一方?(投票 60 分钟)");
    assert_eq!(options, ["正方", "反方", "还没想好"].map(String::from));
}

#[test]
fn the_longest_motion_the_data_allows_is_shortened_in_the_poll_never_its_suffix() {
    // The loader allows motions of 255 characters and votes of a week (10080 minutes). Counted in
    // UTF-16 units, as Telegram counts text (the stricter count), a motion of characters outside
    // the Basic Multilingual Plane (an emoji, a rare CJK ideograph like 𠮷) is up to 510 units:
    // with the suffix more than sendPoll's 300. The motion gives way, with "…"; the suffix stays.
    let mut app = app();
    let minutes = crate::config::MAX_DEBATE_MINUTES;
    assert_eq!(minutes, 10080);
    let suffixes = [
        (Lang::Zh, " 你站哪一方?(投票 10080 分钟)"),
        (Lang::En, " Which side are you on? (10080-minute vote)"),
    ];
    let mut set = |motion: &str| {
        assert_eq!(motion.chars().count(), 255);
        app.corpus.motions[0].motion = crate::corpus::Text {
            original: motion.to_string(),
            en: Some(motion.to_string()),
        };
        suffixes.map(|(lang, suffix)| (app.debate_poll(lang, 0, minutes).0, suffix))
    };
    // 255 characters of one unit each fit whole in both languages (275 and 298 units).
    let whole = "辩".repeat(254) + "?";
    for (question, suffix) in set(&whole) {
        assert_eq!(question, format!("{whole}{suffix}"));
        assert!(utf16_len(&question) <= 300);
    }
    for motion in ["😀".repeat(255), "𠮷".repeat(200) + &"辩".repeat(55)] {
        for (question, suffix) in set(&motion) {
            assert!(
                utf16_len(&question) <= 300,
                "{} {question}",
                utf16_len(&question)
            );
            assert!(question.chars().count() <= 300, "{question}");
            let shown = question.strip_suffix(suffix).expect("the suffix whole");
            let kept = shown.strip_suffix('…').expect("shortened with …");
            assert!(!kept.is_empty() && motion.starts_with(kept), "{question}");
            // As much of the motion as fits: one more character (2 units) would overflow.
            assert!(utf16_len(&question) >= 299, "{question}");
        }
    }
}

#[test]
fn a_debate_result_counts_the_votes_and_names_the_articles_camp() {
    let app = app();
    let doc = crate::debate::result::render(&app, Lang::Zh, 0, [1, 2, 1]);
    assert_eq!(
        doc.to_html(),
        "<b>投票结果:闭源最终将战胜开源?</b>\n\
         正方:1 票(25%)\n\
         反方:2 票(50%)\n\
         还没想好:1 票(25%)\n\
         共 4 人投票。\n\n\
         本群多数投了反方,也就是文中罗璇所持的一方。\n\
         文中站队 —— 正方:李彦宏;反方:罗璇\n\
         文章自己的叙述倾向反方。"
    );
    // A side no one quoted argues: the lean names no camp.
    let giants = app.motion_by_id("giants-should-open").unwrap();
    let doc = crate::debate::result::render(&app, Lang::Zh, giants, [2, 1, 0]).to_plain();
    assert!(
        doc.ends_with("本群多数投了正方。\n文中站队 —— 正方:无人;反方:李彦宏"),
        "{doc}"
    );
    let en = crate::debate::result::render(&app, Lang::En, 0, [3, 0, 0]).to_plain();
    assert!(
        en.contains("Most of the group voted for: the side argued by Robin Li (李彦宏)"),
        "{en}"
    );
    let none = crate::debate::result::render(&app, Lang::En, 0, [0, 0, 0]).to_plain();
    assert!(
        none.contains("For: 0 (0%)") && none.contains("Nobody voted."),
        "{none}"
    );
    let tied = crate::debate::result::render(&app, Lang::Zh, 0, [2, 2, 9]).to_plain();
    assert!(tied.contains("正反双方票数相同。"), "{tied}");
    // Huge counts still fit one message.
    for lang in Lang::ALL {
        for motion in 0..app.corpus.motions.len() {
            let doc = crate::debate::result::render(&app, lang, motion, [u32::MAX as u64; 3]);
            assert!(utf16_len(&doc.to_html()) <= MESSAGE_LIMIT);
        }
    }
}
