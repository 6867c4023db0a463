//! The results as a picture, end to end on the fake Telegram: a quiz in a group ends with a
//! sendPhoto (a 1280x720 PNG, not blank where the podium's names stand) whose caption is the
//! text results, valid HTML within Telegram's 1,024 characters (the fake refuses more); with
//! pictures off, the text alone, as before.

use crate::support;

use debate_bot::i18n::Lang;
use debate_bot::settings::QuizSettings;
use debate_bot::vocab::Round;
use support::sentences::debate::round_line;

use support::fake_api::{Call, TgUser, visible};
use support::group_chat::GroupChat;

const GROUP: i64 = -1_002_000_000_099;

fn settings(pictures: bool) -> QuizSettings {
    QuizSettings {
        questions: 2,
        question_seconds: 30,
        max_questions: 20,
        pictures,
    }
}

fn person(id: i64, name: &str) -> TgUser {
    TgUser::new(id, name, Some("zh-hans"))
}

/// A one-question quiz that three students answer (the first two right), moved on by its
/// starter; answers the call that carried the results.
async fn quiz(class: &GroupChat) -> Call {
    let teacher = person(1, "王老师");
    let students = [
        person(11, "学生甲"),
        person(12, "学生乙"),
        person(13, "学生丙"),
    ];
    class.say(&teacher, "/quiz 1").await;
    let poll = class.api.wait_nth("sendPoll", 0).await;
    let correct = poll.body["correct_option_ids"][0].as_u64().unwrap() as u8;
    let poll_id = poll.poll()["id"].as_str().unwrap().to_string();
    support::eventually("the poll stored", || async {
        let quiz = class.store.last_quiz(GROUP).await.ok()??;
        let questions = class.store.questions(quiz.id).await.ok()?;
        questions[0].poll_id.is_some().then_some(())
    })
    .await;
    for (i, s) in students.iter().enumerate() {
        let option = if i < 2 { correct } else { (correct + 1) % 4 };
        class.api.poll_answer(&poll_id, s, &[option]);
    }
    support::eventually("three answers stored", || async {
        let quiz = class.store.last_quiz(GROUP).await.ok()??;
        (class.store.answers(quiz.id).await.ok()?.len() == 3).then_some(())
    })
    .await;
    class.api.group_text(GROUP, &teacher, "/next");
    let title = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
    class
        .api
        .wait_for("the results", |c| {
            (c.method == "sendPhoto" || c.method == "sendMessage") && visible(c).starts_with(&title)
        })
        .await
}

#[tokio::test]
async fn a_quiz_ends_with_its_picture_and_the_text_results_as_its_caption() {
    let class = GroupChat::start(GROUP, settings(true)).await;
    let results = quiz(&class).await;
    assert_eq!(results.method, "sendPhoto", "{}", results.summary());
    assert!(results.ok(), "{}", results.response);
    assert_eq!(results.chat_id(), Some(GROUP));
    assert_eq!(results.parse_mode(), Some("HTML"));
    let caption = visible(&results);
    assert!(caption.encode_utf16().count() <= 1024);
    assert!(
        caption.contains("🥇 学生甲") || caption.contains("🥇 学生乙"),
        "{caption}"
    );
    // The text results are not sent again beside it.
    let title = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
    assert!(
        !class
            .api
            .calls_of("sendMessage")
            .iter()
            .any(|c| visible(c).starts_with(&title))
    );
    let photo = class.api.photos().pop().expect("the picture kept");
    let decoder = png::Decoder::new(std::io::Cursor::new(photo.bytes.clone()));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut pixels).expect("its pixels");
    assert_eq!((info.width, info.height), (1280, 720));
    assert!(
        photo.bytes.len() <= 200 * 1024,
        "{} bytes",
        photo.bytes.len()
    );
    // Ink where the podium's first name stands (its box: x 235-410, above the block).
    let channels = info.line_size / info.width as usize;
    let dark = (180..230)
        .flat_map(|y| (235..410).map(move |x| (x, y)))
        .filter(|&(x, y)| pixels[y * info.line_size + x * channels] < 128)
        .count();
    assert!(dark > 100, "the winner's name is drawn: {dark} dark pixels");
}

#[tokio::test]
async fn with_pictures_off_the_results_are_the_text_alone() {
    let class = GroupChat::start(GROUP, settings(false)).await;
    let results = quiz(&class).await;
    assert_eq!(results.method, "sendMessage", "{}", results.summary());
    assert_eq!(class.api.count("sendPhoto"), 0);
}

/// A group's admin turns pictures off in `/settings`: the next quiz's results are the text
/// alone. The button says which is in force.
#[tokio::test]
async fn an_admin_turns_pictures_off_in_settings() {
    let class = GroupChat::start(GROUP, settings(true)).await;
    let teacher = person(1, "王老师");
    class
        .api
        .set_member_status(GROUP, &teacher, "administrator");
    let shown = class.say(&teacher, "/settings").await;
    let on = support::say(Lang::Zh, "settings_pictures", &[("value", "开")]);
    assert!(visible(&shown).contains(&on), "{}", visible(&shown));
    let off = shown
        .buttons()
        .into_iter()
        .flatten()
        .find(|(_, data)| data == "c:zh:pic:off")
        .expect("a button that turns pictures off");
    let edits = class.api.count("editMessageText");
    class.api.press(&teacher, &shown, &off.1);
    let edited = class.api.wait_nth("editMessageText", edits).await;
    let now_off = support::say(Lang::Zh, "settings_pictures", &[("value", "关")]);
    assert!(visible(&edited).contains(&now_off), "{}", visible(&edited));
    let results = quiz(&class).await;
    assert_eq!(results.method, "sendMessage", "{}", results.summary());
    assert_eq!(class.api.count("sendPhoto"), 0);
}

/// A debate's result comes with its vote as a picture; the result's text is the caption where
/// it fits, else a message of its own after the picture: either way it is all there.
#[tokio::test]
async fn a_debate_ends_with_its_vote_as_a_picture() {
    let class = GroupChat::start(GROUP, settings(true)).await;
    let teacher = person(1, "王老师");
    class.api.group_text(GROUP, &teacher, "/debate 1");
    let vote = class.api.wait_nth("sendPoll", 0).await;
    let poll_id = vote.poll()["id"].as_str().unwrap().to_string();
    support::eventually("the vote stored", || async {
        let debate = class.store.open_debate(GROUP).await.ok()??;
        let polls = class.store.debate_polls(debate.id).await.ok()?;
        (!polls.is_empty()).then_some(())
    })
    .await;
    for (i, option) in [0u8, 0, 1].into_iter().enumerate() {
        class
            .api
            .poll_answer(&poll_id, &person(20 + i as i64, "学生"), &[option]);
    }
    support::eventually("three votes stored", || async {
        let debate = class.store.open_debate(GROUP).await.ok()??;
        let votes = support::votes(&class.store, debate.id, Round::Before).await?;
        (votes.iter().sum::<u64>() == 3).then_some(())
    })
    .await;
    // The second vote: two of them change sides.
    class.api.group_text(GROUP, &teacher, "/debate close");
    let after = class.api.wait_nth("sendPoll", 1).await;
    class.api.wait_nth("sendPoll", 2).await;
    let after_id = after.poll()["id"].as_str().unwrap().to_string();
    support::eventually("the second vote stored", || async {
        let debate = class.store.open_debate(GROUP).await.ok()??;
        let polls = class.store.debate_polls(debate.id).await.ok()?;
        (polls.len() == 3).then_some(())
    })
    .await;
    for (i, option) in [1u8, 1, 1].into_iter().enumerate() {
        class
            .api
            .poll_answer(&after_id, &person(20 + i as i64, "学生"), &[option]);
    }
    support::eventually("three second votes stored", || async {
        let debate = class.store.open_debate(GROUP).await.ok()??;
        let votes = support::votes(&class.store, debate.id, Round::After).await?;
        (votes[1] == 3).then_some(())
    })
    .await;
    class.api.group_text(GROUP, &teacher, "/debate close");
    let photo = class.api.wait_nth("sendPhoto", 0).await;
    assert!(photo.ok(), "{}", photo.response);
    assert_eq!(photo.chat_id(), Some(GROUP));
    let title = support::say_until(Lang::Zh, "debate_result_title", &[], "motion");
    let result = class
        .api
        .wait_for("the result's text", |c| {
            (c.method == "sendPhoto" || c.method == "sendMessage") && visible(c).starts_with(&title)
        })
        .await;
    let text = visible(&result);
    for line in [
        round_line(
            Lang::Zh,
            "debate_round_before",
            [(2, 67), (1, 33), (0, 0)],
            3,
        ),
        round_line(
            Lang::Zh,
            "debate_round_after",
            [(0, 0), (3, 100), (0, 0)],
            3,
        ),
        support::say(
            Lang::Zh,
            "debate_result_swing",
            &[("count", "3"), ("for", "\u{2212}67"), ("against", "+67")],
        ),
    ] {
        assert!(text.contains(&line), "{line} in {text}");
    }
    let picture = class.api.photos().pop().expect("the picture kept");
    assert!(picture.bytes.len() <= 200 * 1024);
}
