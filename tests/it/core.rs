//! The core on its own: [`Core::handle`] driven with inputs as the adapters make them, at
//! times the test chooses (every input carries its `now`), with no Telegram and no terminal.
//! What the core answers is what any adapter would carry out, so these tests assert what a
//! user would see through either.

use crate::support;

use std::sync::Mutex;

use debate_bot::app::Reply;
use debate_bot::command::{self, Command};
use debate_bot::core::{Core, Incoming, Input, Platform, PollOf, Unlimited};
use debate_bot::effect::{Effect, Link};
use debate_bot::i18n::Lang;
use debate_bot::limits::Verdict;
use debate_bot::settings::QuizSettings;
use debate_bot::settings::{DebateSettings, HomeworkSettings};
use debate_bot::store::{Recorded, Refusal, Store};
use debate_bot::vocab::Place;
use debate_bot::vocab::Timer;
use debate_bot::vocab::{Members, Membership, Millis, Player, Poll, Round};
use futures::future::BoxFuture;

const T0: Millis = Millis(1_720_742_400_000);
const GROUP: i64 = -1_001_234;

async fn core() -> Core {
    let store = Store::open(&support::temp_database()).await.unwrap();
    let quiz = QuizSettings {
        questions: 5,
        question_seconds: 30,
        max_questions: 20,
        pictures: true,
    };
    Core::new(
        support::app(),
        store,
        quiz,
        DebateSettings::default(),
        HomeworkSettings::default(),
    )
}

fn student() -> Player {
    Player {
        id: 7,
        name: "学生07".into(),
        language_code: Some("zh-hans".into()),
    }
}

/// A platform the test sets: the chat's budget, whether the sender is an admin and whether an
/// edit fits; it counts what it was asked.
struct Asked {
    budget: Verdict,
    admin: bool,
    edit: bool,
    admin_asked: Mutex<usize>,
}

impl Asked {
    fn with(budget: Verdict) -> Asked {
        Asked {
            budget,
            admin: false,
            edit: true,
            admin_asked: Mutex::new(0),
        }
    }
}

impl Members for Asked {
    fn membership(&self, _chat: i64) -> BoxFuture<'_, Membership> {
        Box::pin(std::future::ready(Membership::Member))
    }
}

impl Platform for Asked {
    fn sender_is_admin(&self) -> BoxFuture<'_, bool> {
        *self.admin_asked.lock().unwrap() += 1;
        Box::pin(std::future::ready(self.admin))
    }

    fn budget(&self) -> Verdict {
        self.budget
    }

    fn may_edit(&self, _reply: &Reply) -> bool {
        self.edit
    }

    fn replies_per_minute(&self) -> u32 {
        20
    }

    fn stale_minutes(&self) -> u32 {
        10
    }
}

/// `text` from `from` in `chat` (a group when negative) at `now`, as an adapter hands it in.
fn message<'a>(
    chat: i64,
    from: &'a Player,
    text: &'a str,
    command: Option<&'a Command<'a>>,
    now: Millis,
) -> Input<'a> {
    let kind = Place::from(chat).kind();
    Input::Message(Incoming {
        place: Place::from(chat),
        kind,
        from,
        text,
        command,
        bot_username: Some("debate_bot"),
        message_id: Some(41),
        now,
        sent_at: now,
        shared_identity: false,
    })
}

/// The one answer in `effects`: its place, text as read, reply-to and link.
fn only_answer(effects: &[Effect]) -> (Place, String, Option<i64>, Option<Link>) {
    match effects {
        [
            Effect::Answer {
                place,
                reply,
                reply_to,
                link,
            },
        ] => (*place, reply.doc.to_plain(), *reply_to, link.clone()),
        other => panic!("not one answer: {other:#?}"),
    }
}

/// A topic command is answered with the topic's best excerpt, verbatim, and its citation; in
/// a group as a reply to the command, within the chat's budget.
#[tokio::test]
async fn a_topic_command_is_answered_with_a_verbatim_excerpt_and_its_citation() {
    let core = core().await;
    let from = student();
    let parsed = command::parse("/closed");
    let handled = core
        .handle(
            message(GROUP, &from, "/closed", parsed.as_ref(), T0),
            &Asked::with(Verdict::Send),
        )
        .await;
    assert_eq!(handled.command, "closed");
    assert_eq!(handled.verdict, Some(Verdict::Send));
    let (place, text, reply_to, link) = only_answer(&handled.effects);
    assert_eq!(place, Place::from(GROUP));
    assert_eq!(reply_to, Some(41));
    assert_eq!(link, None);
    let corpus = support::app().corpus().clone();
    let topic = corpus
        .topics
        .iter()
        .find(|t| t.command == "closed")
        .unwrap();
    let best = &corpus.excerpts[topic.excerpts[0]];
    assert!(text.contains(&best.text.original), "{text}");
    let paragraph = best.paragraph.to_string();
    assert!(
        text.contains(&support::citation(Lang::Zh, &paragraph)),
        "{text}"
    );
}

/// Over the chat's budget, the first answer of the minute is the slow-down notice and the
/// rest nothing; chatter in a group is not the bot's and takes nothing from the budget.
#[tokio::test]
async fn over_the_budget_the_bot_says_slow_down_once_then_nothing() {
    let core = core().await;
    let from = student();
    let parsed = command::parse("/open");
    let slow = core
        .handle(
            message(GROUP, &from, "/open", parsed.as_ref(), T0),
            &Asked::with(Verdict::SlowDown),
        )
        .await;
    let (_, text, reply_to, _) = only_answer(&slow.effects);
    assert_eq!(
        text,
        support::say(Lang::Zh, "slow_down", &[("count", "20")])
    );
    assert_eq!(reply_to, Some(41));
    assert_eq!(slow.command, "slow_down");
    let dropped = core
        .handle(
            message(GROUP, &from, "/open", parsed.as_ref(), T0),
            &Asked::with(Verdict::Drop),
        )
        .await;
    assert_eq!(dropped.effects, []);
    assert_eq!(dropped.verdict, Some(Verdict::Drop));
    let chatter = core
        .handle(
            message(GROUP, &from, "开源好", None, T0),
            &Asked::with(Verdict::Drop),
        )
        .await;
    assert_eq!(chatter.verdict, None, "not asked of the budget");
    assert_eq!(chatter.effects, []);
}

/// `/start` in a private chat carries Telegram's link that adds the bot to a group.
#[tokio::test]
async fn start_in_a_private_chat_offers_to_add_the_bot_to_a_group() {
    let core = core().await;
    let from = student();
    let parsed = command::parse("/start");
    let handled = core
        .handle(
            message(from.id, &from, "/start", parsed.as_ref(), T0),
            &Asked::with(Verdict::Send),
        )
        .await;
    let (place, _, reply_to, link) = only_answer(&handled.effects);
    assert_eq!(place, Place::from(from.id));
    assert_eq!(reply_to, None, "no reply in a private chat");
    let link = link.expect("a link");
    assert_eq!(link.url, "https://t.me/debate_bot?startgroup=quiz");
    assert_eq!(
        link.label,
        support::say(Lang::Zh, "button_add_to_group", &[])
    );
}

/// A member's `/settings` in a group asks whether they are an admin, and is refused when not.
#[tokio::test]
async fn settings_in_a_group_ask_whether_the_sender_is_an_admin() {
    let core = core().await;
    let from = student();
    let parsed = command::parse("/settings");
    let asked = Asked::with(Verdict::Send);
    let handled = core
        .handle(
            message(GROUP, &from, "/settings", parsed.as_ref(), T0),
            &asked,
        )
        .await;
    assert_eq!(*asked.admin_asked.lock().unwrap(), 1);
    let (_, text, _, _) = only_answer(&handled.effects);
    assert_eq!(text, support::say(Lang::Zh, "settings_only_admins", &[]));
}

/// A quiz in a private chat has one player: each question ends as soon as they answer, and
/// the results come after the last, all without waiting for the clock.
#[tokio::test]
async fn a_solo_quiz_moves_on_at_each_answer_and_ends_with_the_results() {
    let core = core().await;
    let from = student();
    let chat = from.id;
    let parsed = command::parse("/quiz 2");
    let started = core
        .handle(
            message(chat, &from, "/quiz 2", parsed.as_ref(), T0),
            &Unlimited,
        )
        .await;
    let mut poll = started
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::QuizPoll {
                quiz, index, poll, ..
            } => Some((*quiz, *index, poll.clone())),
            _ => None,
        })
        .expect("the first question");
    for n in 0..2 {
        let (quiz, index, spec) = poll.clone();
        assert_eq!(index, n);
        let poll_id = format!("p{n}");
        let sent = core
            .handle(
                Input::PollSent {
                    poll: PollOf::Question { quiz, index },
                    poll_id: &poll_id,
                    message_id: 100 + n,
                    now: T0,
                },
                &Unlimited,
            )
            .await;
        assert!(
            matches!(
                sent.effects.as_slice(),
                [Effect::Wake {
                    timer: Timer::Question { .. },
                    ..
                }]
            ),
            "{:?}",
            sent.effects
        );
        let answered = core
            .handle(
                Input::PollAnswer {
                    poll_id: &poll_id,
                    from: &from,
                    shared_identity: false,
                    option_ids: &[spec.correct as u8],
                    now: Millis(T0.0 + 2_000),
                },
                &Unlimited,
            )
            .await;
        assert_eq!(answered.recorded.map(|r| r.1), Some(Recorded::Counted));
        // The question's poll is closed at once, then the next comes (or the results).
        assert!(
            matches!(
                answered.effects.first(),
                Some(Effect::StopPoll { message_id, .. }) if *message_id == 100 + n
            ),
            "{:?}",
            answered.effects
        );
        if n == 0 {
            poll = match &answered.effects[1] {
                Effect::QuizPoll {
                    quiz, index, poll, ..
                } => (*quiz, *index, poll.clone()),
                other => panic!("not the next question: {other:?}"),
            };
        } else {
            // The picture, with the text results as its caption.
            let results = match &answered.effects[1] {
                Effect::Photo { scene, caption, .. } => {
                    let png = debate_picture::png(scene).expect("drawn");
                    assert_eq!(&png[1..4], b"PNG");
                    caption.doc.to_plain()
                }
                other => panic!("not the results: {other:?}"),
            };
            let title = support::say_until(Lang::Zh, "quiz_results_title", &[], "count");
            assert!(results.starts_with(&title), "{results}");
        }
    }
}

/// A channel voting as itself (Telegram's `voter_chat`) is an identity many people share: its
/// answer in a quiz and its vote in a debate are refused, before any poll is looked up, and
/// counted nowhere; a person's vote in the same poll counts.
#[tokio::test]
async fn a_channels_answer_or_vote_counts_nowhere() {
    let core = core().await;
    let from = student();
    let channel = Player {
        id: -1_009_876_543,
        name: "A channel".into(),
        language_code: None,
    };
    // Option 0 of poll `poll_id`, chosen by `voter` at `now`, as the adapter hands it in.
    let answer = |poll_id: &'static str, voter: &Player, shared_identity: bool, now: Millis| {
        let voter = voter.clone();
        let core = core.clone();
        async move {
            let input = Input::PollAnswer {
                poll_id,
                from: &voter,
                shared_identity,
                option_ids: &[0],
                now,
            };
            core.handle(input, &Unlimited).await
        }
    };

    // A quiz in the group: the channel's answer is refused and stored nowhere.
    let parsed = command::parse("/quiz 1");
    let started = core
        .handle(
            message(GROUP, &from, "/quiz 1", parsed.as_ref(), T0),
            &Asked::with(Verdict::Send),
        )
        .await;
    let (quiz, index) = started
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::QuizPoll { quiz, index, .. } => Some((*quiz, *index)),
            _ => None,
        })
        .expect("a question");
    let poll = PollOf::Question { quiz, index };
    core.handle(
        Input::PollSent {
            poll,
            poll_id: "quiz-poll",
            message_id: 100,
            now: T0,
        },
        &Unlimited,
    )
    .await;
    let refused = answer("quiz-poll", &channel, true, Millis(T0.0 + 1_000)).await;
    assert_eq!(
        refused.recorded,
        Some((None, Recorded::Refused(Refusal::Anonymous)))
    );
    assert!(refused.effects.is_empty(), "{:?}", refused.effects);
    assert!(!refused.failed);
    assert!(core.store().answers(quiz).await.unwrap().is_empty());

    // A debate in another group: the channel's vote is refused, the student's counts.
    let debate_group = GROUP - 1;
    let parsed = command::parse("/debate 1");
    let started = core
        .handle(
            message(debate_group, &from, "/debate 1", parsed.as_ref(), T0),
            &Asked::with(Verdict::Send),
        )
        .await;
    let debate = started
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::DebatePoll { debate, .. } => Some(*debate),
            _ => None,
        })
        .expect("a vote");
    core.handle(
        Input::PollSent {
            poll: PollOf::Vote {
                debate,
                round: Round::Before,
            },
            poll_id: "vote-poll",
            message_id: 200,
            now: T0,
        },
        &Unlimited,
    )
    .await;
    let refused = answer("vote-poll", &channel, true, Millis(T0.0 + 1_000)).await;
    assert_eq!(
        refused.recorded,
        Some((None, Recorded::Refused(Refusal::Anonymous)))
    );
    assert!(refused.effects.is_empty(), "{:?}", refused.effects);
    let votes = || support::votes(core.store(), debate, Round::Before);
    assert_eq!(votes().await.unwrap(), [0, 0, 0]);
    let counted = answer("vote-poll", &from, false, Millis(T0.0 + 2_000)).await;
    assert_eq!(
        counted.recorded,
        Some((Some(Poll::Debate), Recorded::Counted))
    );
    assert_eq!(votes().await.unwrap(), [1, 0, 0]);
}

/// A quiz question Telegram held back (a long retry_after) comes back when Telegram allows.
#[tokio::test]
async fn a_refused_quiz_poll_with_retry_after_is_sent_again_then() {
    let core = core().await;
    let from = student();
    let parsed = command::parse("/quiz 1");
    let started = core
        .handle(
            message(GROUP, &from, "/quiz 1", parsed.as_ref(), T0),
            &Asked::with(Verdict::Send),
        )
        .await;
    let (quiz, index) = started
        .effects
        .iter()
        .find_map(|e| match e {
            Effect::QuizPoll { quiz, index, .. } => Some((*quiz, *index)),
            _ => None,
        })
        .expect("a question");
    let refused = core
        .handle(
            Input::PollRefused {
                poll: PollOf::Question { quiz, index },
                retry_after: Some(90),
                now: T0,
            },
            &Unlimited,
        )
        .await;
    assert_eq!(
        refused.effects,
        [Effect::Wake {
            at: Millis(T0.0 + 90_000),
            timer: Timer::Question { quiz, index },
        }]
    );
}

/// A message the bot failed on (a bug) gets the apology, in its sender's language.
#[tokio::test]
async fn a_failure_is_answered_with_an_apology() {
    let core = core().await;
    let handled = core
        .handle(
            Input::Failed {
                place: Place::from(GROUP),
                language_code: Some("en"),
                reply_to: Some(41),
            },
            &Unlimited,
        )
        .await;
    let (_, text, reply_to, _) = only_answer(&handled.effects);
    assert_eq!(text, support::say(Lang::En, "internal_error", &[]));
    assert_eq!(reply_to, Some(41));
}

/// The start sets the command menu for everyone and per language, before anything else.
#[tokio::test]
async fn the_start_sets_the_command_menu_per_language() {
    let core = core().await;
    let started = core.handle(Input::Started { now: T0 }, &Unlimited).await;
    let menus: Vec<Option<&str>> = started
        .effects
        .iter()
        .map(|e| match e {
            Effect::Menu { language, commands } => {
                assert!(commands.iter().any(|(c, _)| c == "closed"), "{commands:?}");
                language.as_deref()
            }
            other => panic!("not a menu: {other:?}"),
        })
        .collect();
    assert_eq!(menus, [None, Some("en")]);
}
