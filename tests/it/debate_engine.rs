//! The debate engine against a real SQLite file, driven as the Telegram adapter drives it:
//! every event carries its time (`now`, in milliseconds) from the test's own clock, so an
//! hour-long vote takes microseconds and nothing ever sleeps. For each `Effect::DebatePoll` the
//! test "posts" the poll (its own poll id and message id) and calls `poll_sent`; for each
//! `Effect::Wake` it calls `wake` once its clock reaches `at`. Assertions are on what users
//! see: the polls, both sides' quotes, the replies' text and the result.
//!
//! Each test has its own database in a fresh directory under the system temp dir, removed when
//! the test ends (also when it fails).

use crate::support;

use std::sync::Arc;

use debate_bot::app::Reply;
use debate_bot::debate::{DebateRequest, Debates};
use debate_bot::effect::Effect;
use debate_bot::i18n::Lang;
use debate_bot::quiz::Quizzes;
use debate_bot::settings::DebateSettings;
use debate_bot::settings::QuizSettings;
use debate_bot::store::{Recorded, Refusal};
use debate_bot::vocab::Place;
use debate_bot::vocab::Timer;
use debate_bot::vocab::{ChatKind, DebateId, GRACE_MS, Millis, Player};
use debate_bot::vocab::{Round, VotePoll};
use rand::SeedableRng;
use rand::rngs::StdRng;
use support::core_replies::through_core;
use support::engines::EngineFile;
use support::quiz_zh::{forgotten, zh};
use support::sentences::debate::*;
use support::{app, messages, name, player};

const GROUP: i64 = -1_001_234_567_890;
const OTHER_GROUP: i64 = -1_009_876_543_210;
const THIRD_GROUP: i64 = -1_005_555_555_555;
/// A private chat (positive id, as Telegram numbers them).
const PRIVATE: i64 = 42_424_242;
/// The test clock starts here (a plausible Unix time in milliseconds).
const T0: Millis = Millis(1_750_000_000_000);
const MINUTE: i64 = 60_000;
/// How long a vote stays open: `[debate] minutes` (60, the default).
const VOTE_MS: i64 = 60 * MINUTE;

/// The poll's options, as Telegram numbers them.
const FOR: u8 = 0;
const AGAINST: u8 = 1;
const UNDECIDED: u8 = 2;

// What users see: the motions and camps of responses/debates.toml, in the sentences of
// responses/ui.zh.toml and responses/ui.en.toml, filled as the bot fills them.
const MOTIONS: [&str; 5] = [
    "闭源最终将战胜开源?",
    "初创企业只能走开源路线?",
    "Llama 2 的自有协议,让它的“开源”打了折扣?",
    "行业落地,闭源比开源更合适?",
    "巨头也应该拥抱开源?",
];
const MOTION_1: &str = MOTIONS[0];
const MOTION_2: &str = MOTIONS[1];
const MOTION_1_EN: &str = "Will closed source ultimately defeat open source?";
/// Who argues each side of motion 1 in the article: people only; then, apart, the side the
/// article's own narration leans to.
const FOR_CAMP_1: &str = "李彦宏";
const AGAINST_CAMP_1: &str = "罗璇";

/// Motion 1's camps and where the article's narration leans.
fn camps_1(lang: Lang) -> String {
    let camps = camps(
        lang,
        &name(lang, FOR_CAMP_1, "Robin Li"),
        &name(lang, AGAINST_CAMP_1, "Luo Xuan"),
    );
    let narration = support::say(lang, "debate_narration_against", &[]);
    format!("{camps}\n{narration}")
}

fn poll_failed(lang: Lang) -> String {
    support::say(lang, "debate_poll_failed", &[])
}
fn usage() -> String {
    zh("debate_usage")
}
fn usage_count() -> String {
    support::say(Lang::Zh, "debate_usage_count", &[("count", "5")])
}
/// The page's title: "辩题 1/5:闭源最终将战胜开源?".
fn title(lang: Lang, number: usize, motion: &str) -> String {
    let number = number.to_string();
    support::say(
        lang,
        "debate_title",
        &[("number", &number), ("count", "5"), ("motion", motion)],
    )
}

/// The heading of a side's excerpt: `key` is debate_for or debate_against.
fn side_heading(lang: Lang, key: &str, position: usize, count: usize) -> String {
    let (position, count) = (position.to_string(), count.to_string());
    support::say(lang, key, &[("position", &position), ("count", &count)])
}

fn question_in(lang: Lang, motion: &str, minutes: u32) -> String {
    let minutes = minutes.to_string();
    support::say(
        lang,
        "debate_vote_before",
        &[("motion", motion), ("minutes", &minutes)],
    )
}

fn question(motion: &str, minutes: u32) -> String {
    question_in(Lang::Zh, motion, minutes)
}

/// The result of a debate on motion 1 closed after its first vote, as the group reads it in
/// `lang`: `sides` are (votes, percent) for, against and undecided before reading; no one
/// voted after, so there is no swing, and no one said which quote convinced them.
fn result_1_in(lang: Lang, sides: [(u64, u64); 3], total: u64) -> String {
    let motion = match lang {
        Lang::Zh => MOTION_1,
        Lang::En => MOTION_1_EN,
    };
    [
        result_head(lang, motion, sides, total),
        String::new(),
        support::say(lang, "debate_result_no_swing", &[]),
        String::new(),
        support::say(lang, "debate_result_convinced_none", &[]),
        String::new(),
        camps_1(lang),
    ]
    .join("\n")
}

fn result_1(sides: [(u64, u64); 3], total: u64) -> String {
    result_1_in(Lang::Zh, sides, total)
}

// ---------------------------------------------------------------------------------------------
// Set-up: one app for the whole binary, one database per test.

fn english(id: i64, name: &str) -> Player {
    Player {
        language_code: Some("en-GB".to_string()),
        ..player(id, name)
    }
}

/// `count` distinct voters, ids from `first`.
fn voters(first: i64, count: usize) -> Vec<Player> {
    (0..count as i64)
        .map(|i| player(first + i, &format!("V{}", first + i)))
        .collect()
}

/// `N` distinct voters, ids from `first`.
fn crowd<const N: usize>(first: i64) -> [Player; N] {
    std::array::from_fn(|i| player(first + i as i64, &format!("V{}", first + i as i64)))
}

/// Chats with a positive id are private, as on Telegram.
fn kind_of(chat: i64) -> ChatKind {
    if chat > 0 {
        ChatKind::Private
    } else {
        ChatKind::Group
    }
}

/// A debate whose first vote the test has "posted" (and both sides' quotes after it): what
/// the adapter knows about it.
#[derive(Debug, Clone)]
struct Posted {
    chat: i64,
    debate: DebateId,
    /// Both sides' quotes, sent once the first vote is posted.
    motion: Reply,
    poll: VotePoll,
    poll_id: String,
    message_id: i64,
    /// When the engine asked to be woken (the deadline).
    deadline: Millis,
}

/// A debate's second vote and convinced poll, as the test "posted" them.
#[derive(Debug, Clone)]
struct Second {
    after: VotePoll,
    after_id: String,
    after_message: i64,
    convinced: VotePoll,
    convinced_id: String,
    convinced_message: i64,
    deadline: Millis,
}

impl Posted {
    fn page(&self) -> String {
        self.motion.doc.to_plain()
    }
}

/// The engine over its database file (and the quiz engine over the same store, for
/// `/forgetme`): the adapter's side.
struct Bot {
    debates: Arc<Debates>,
    quizzes: Quizzes,
    settings: DebateSettings,
    /// The second votes posted, by debate.
    seconds: std::sync::Mutex<std::collections::HashMap<DebateId, Second>>,
    // Dropped last, after the store.
    file: EngineFile,
}

impl Bot {
    /// The engine with the config's defaults, but for pictures: these tests read the vote's
    /// result as text (tests/it/pictures.rs has the picture).
    async fn new(tag: &str) -> Bot {
        let settings = DebateSettings {
            pictures: false,
            ..DebateSettings::default()
        };
        Bot::with(tag, settings).await
    }

    async fn with(tag: &str, settings: DebateSettings) -> Bot {
        Bot::on(EngineFile::new(tag), settings).await
    }

    async fn on(file: EngineFile, settings: DebateSettings) -> Bot {
        let store = file.open().await;
        Bot {
            debates: Arc::new(Debates::new(app(), store.clone(), settings)),
            quizzes: Quizzes::new(app(), store, QuizSettings::default()),
            settings,
            seconds: Default::default(),
            file,
        }
    }

    /// A restart: the old engines (and their store) go, new ones open the same file.
    async fn restart(self) -> Bot {
        let Bot {
            debates,
            quizzes,
            settings,
            file,
            ..
        } = self;
        drop(debates);
        drop(quizzes);
        Bot::on(file, settings).await
    }

    /// `/debate ARGS` from `player` in `chat`, who administers it if `is_admin`.
    async fn debate_as(
        &self,
        chat: i64,
        player: &Player,
        args: &str,
        is_admin: bool,
        now: Millis,
    ) -> Vec<Effect> {
        let request = DebateRequest {
            place: chat.into(),
            kind: kind_of(chat),
            player,
            args,
            is_admin,
            now,
        };
        let mut rng = StdRng::seed_from_u64(now.0 as u64);
        self.debates
            .handle(&request, &mut rng)
            .await
            .expect("handle /debate")
    }

    /// `/debate ARGS` from someone who does not administer the chat.
    async fn debate(&self, chat: i64, player: &Player, args: &str, now: Millis) -> Vec<Effect> {
        self.debate_as(chat, player, args, false, now).await
    }

    /// `/debate ARGS` from an administrator of the chat.
    async fn admin(&self, chat: i64, player: &Player, args: &str, now: Millis) -> Vec<Effect> {
        self.debate_as(chat, player, args, true, now).await
    }

    async fn needs_admin_check(&self, chat: i64, player: &Player, args: &str) -> bool {
        let request = DebateRequest {
            place: chat.into(),
            kind: kind_of(chat),
            player,
            args,
            is_admin: false,
            now: T0,
        };
        self.debates
            .needs_admin_check(&request)
            .await
            .expect("needs_admin_check")
    }

    /// Posts the one `Effect::DebatePoll` among `outs`, the first vote, as the adapter does
    /// (poll id `vote-N`, message id `1000 + N`), then `poll_sent`, which must ask for both
    /// sides' quotes and a wake-up at the deadline.
    async fn post(&self, outs: &[Effect], started_at: Millis) -> Posted {
        let [
            Effect::DebatePoll {
                place: chat,
                debate,
                round: Round::Before,
                poll,
            },
        ] = outs
        else {
            panic!("one first vote expected: {outs:#?}");
        };
        let poll_id = format!("vote-{debate}");
        let message_id = 1_000 + debate.0;
        let after = self
            .debates
            .poll_sent(*debate, Round::Before, &poll_id, message_id)
            .await
            .expect("poll_sent");
        let deadline = started_at + i64::from(self.settings.minutes) * MINUTE;
        let [Effect::Send { place, reply }, Effect::Wake { at, timer }] = after.as_slice() else {
            panic!("the quotes and a wake-up expected: {after:#?}");
        };
        assert_eq!(place, chat);
        assert_eq!(
            (*at, *timer),
            (deadline, Timer::Debate { debate: *debate }),
            "a posted vote asks for a wake-up at its deadline"
        );
        Posted {
            chat: chat.chat,
            debate: *debate,
            motion: reply.clone(),
            poll: poll.clone(),
            poll_id,
            message_id,
            deadline,
        }
    }

    /// `outs` move `posted` on to its second vote at `now`: stop the first vote, put the
    /// second and the convinced poll, wake at the new deadline (as long again as the first).
    /// Posts both (poll ids `after-N`, `convinced-N`, message ids `2000 + N`, `3000 + N`).
    async fn second(&self, posted: &Posted, outs: &[Effect], now: Millis) -> Second {
        let span = posted.deadline - self.started(posted);
        let [
            Effect::StopPoll {
                place: stop_place,
                message_id: stopped,
            },
            Effect::DebatePoll {
                round: Round::After,
                poll: after,
                debate: d1,
                ..
            },
            Effect::DebatePoll {
                round: Round::Convinced,
                poll: convinced,
                debate: d2,
                ..
            },
            Effect::Wake { at, timer },
        ] = outs
        else {
            panic!("the second vote expected: {outs:#?}");
        };
        assert_eq!(
            (stop_place.chat, *stopped),
            (posted.chat, posted.message_id)
        );
        assert_eq!((*d1, *d2), (posted.debate, posted.debate));
        assert_eq!(
            (*at, *timer),
            (
                now + span,
                Timer::Debate {
                    debate: posted.debate
                }
            )
        );
        let n = posted.debate.0;
        let second = Second {
            after: after.clone(),
            after_id: format!("after-{n}"),
            after_message: 2_000 + n,
            convinced: convinced.clone(),
            convinced_id: format!("convinced-{n}"),
            convinced_message: 3_000 + n,
            deadline: now + span,
        };
        for (round, id, message) in [
            (Round::After, &second.after_id, second.after_message),
            (
                Round::Convinced,
                &second.convinced_id,
                second.convinced_message,
            ),
        ] {
            let more = self
                .debates
                .poll_sent(posted.debate, round, id, message)
                .await
                .expect("poll_sent");
            assert_eq!(more, vec![], "nothing more is posted");
        }
        self.seconds
            .lock()
            .unwrap()
            .insert(posted.debate, second.clone());
        second
    }

    /// When `posted` started: its deadline less the settings' minutes.
    fn started(&self, posted: &Posted) -> Millis {
        posted.deadline - i64::from(self.settings.minutes) * MINUTE
    }

    /// `outs` close `posted` at `now`: stop its open polls (the first vote, or the second and
    /// the convinced poll once posted), come back after the grace.
    fn assert_closes(&self, outs: &[Effect], posted: &Posted, now: Millis) {
        let place = Place::from(posted.chat);
        let mut expected: Vec<Effect> = match self.seconds.lock().unwrap().get(&posted.debate) {
            Some(second) => [second.after_message, second.convinced_message]
                .map(|message_id| Effect::StopPoll { place, message_id })
                .to_vec(),
            None => vec![Effect::StopPoll {
                place,
                message_id: posted.message_id,
            }],
        };
        expected.push(Effect::Wake {
            at: now + GRACE_MS,
            timer: Timer::Debate {
                debate: posted.debate,
            },
        });
        assert_eq!(outs, expected, "the debate closes at {now}");
    }

    /// The second vote of `posted`, once posted.
    fn second_of(&self, posted: &Posted) -> Second {
        self.seconds.lock().unwrap()[&posted.debate].clone()
    }

    /// `/debate ARGS` in `chat`, which must open a debate; posts it.
    async fn start(&self, chat: i64, starter: &Player, args: &str, now: Millis) -> Posted {
        let outs = self.debate(chat, starter, args, now).await;
        self.post(&outs, now).await
    }

    async fn vote(&self, posted: &Posted, voter: &Player, options: &[u8], now: Millis) -> Recorded {
        self.vote_poll(&posted.poll_id, voter, options, now).await
    }

    async fn vote_poll(
        &self,
        poll_id: &str,
        voter: &Player,
        options: &[u8],
        now: Millis,
    ) -> Recorded {
        self.debates
            .vote(poll_id, voter, options, now)
            .await
            .expect("record a vote")
    }

    /// Each voter votes `options[i]` at `now`; every vote must count.
    async fn votes(&self, posted: &Posted, voters: &[Player], options: &[u8], now: Millis) {
        assert_eq!(voters.len(), options.len());
        for (voter, &option) in voters.iter().zip(options) {
            assert_eq!(
                self.vote(posted, voter, &[option], now).await,
                Recorded::Counted,
                "{voter:?} votes {option}"
            );
        }
    }

    async fn wake(&self, debate: DebateId, now: Millis) -> Vec<Effect> {
        self.debates.wake(debate, now).await.expect("wake")
    }

    /// `/debate close` twice from the starter at `now`: `posted` moves on to its second vote,
    /// then closes.
    async fn close(&self, posted: &Posted, starter: &Player, now: Millis) {
        let outs = self.debate(posted.chat, starter, "close", now).await;
        self.second(posted, &outs, now).await;
        let outs = self.debate(posted.chat, starter, "close", now).await;
        self.assert_closes(&outs, posted, now);
    }

    /// The result, at the wake-up the close asked for (`closed_at` + the grace): exactly one
    /// message, to the debate's chat.
    async fn result(&self, posted: &Posted, closed_at: Millis) -> Reply {
        let outs = self.wake(posted.debate, closed_at + GRACE_MS).await;
        only_reply_to(&outs, posted.chat)
    }

    /// Puts motion 1 to `chat`, has `options.len()` distinct users vote, closes, and answers
    /// the result's text.
    async fn vote_on_motion_1(&self, chat: i64, options: &[u8]) -> String {
        let starter = player(1, "Starter");
        let posted = self.start(chat, &starter, "1", T0).await;
        let voters = voters(100, options.len());
        self.votes(&posted, &voters, options, T0 + MINUTE).await;
        self.close(&posted, &starter, T0 + 2 * MINUTE).await;
        self.result(&posted, T0 + 2 * MINUTE).await.doc.to_plain()
    }

    /// `/forgetme` from `player`, handed to a core over the same store (the core forgets a
    /// person everywhere): its confirmation.
    async fn forgetme(&self, chat: i64, player: &Player, now: Millis) -> String {
        let outs = through_core(self.quizzes.store(), chat, player, "/forgetme", false, now).await;
        let [Effect::Send { place: to, reply }] = outs.as_slice() else {
            panic!("one message expected: {outs:#?}");
        };
        assert_eq!(*to, Place::from(chat));
        reply.doc.to_plain()
    }
}

/// The reply of `outs`, which must be exactly one message, to `chat`.
fn only_reply_to(outs: &[Effect], chat: i64) -> Reply {
    let [Effect::Send { place: to, reply }] = outs else {
        panic!("one message expected: {outs:#?}");
    };
    assert_eq!(*to, Place::from(chat), "{outs:#?}");
    reply.clone()
}

/// The text of `outs`, which must be exactly one message, to `chat`.
fn only_message_to(outs: &[Effect], chat: i64) -> String {
    only_reply_to(outs, chat).doc.to_plain()
}

/// The debate an `Effect::DebatePoll` among `outs` opens.
fn opened(outs: &[Effect]) -> Option<DebateId> {
    outs.iter().find_map(|o| match o {
        Effect::DebatePoll { debate, .. } => Some(*debate),
        _ => None,
    })
}

/// The first vote as the engine asks for it: one answer, counts hidden until it closes.
/// The engine's request to be woken for `debate` at `at`.
fn wake(debate: DebateId, at: Millis) -> Effect {
    Effect::Wake {
        at,
        timer: Timer::Debate { debate },
    }
}

fn poll(question: String, options: [String; 3]) -> VotePoll {
    VotePoll {
        question,
        options: options.to_vec(),
        multiple: false,
        hide_results_until_closes: true,
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Opening a debate

#[tokio::test]
async fn debate_n_opens_the_motion_and_its_vote_which_wakes_the_engine_at_the_deadline() {
    let bot = Bot::new("open").await;
    let alice = player(1, "Alice");
    let outs = bot.debate(GROUP, &alice, "1", T0).await;
    // First the vote, before anyone reads a quote; then both sides' quotes.
    let [
        Effect::DebatePoll {
            place: chat,
            round: Round::Before,
            poll: vote,
            ..
        },
    ] = outs.as_slice()
    else {
        panic!("one first vote expected: {outs:#?}");
    };
    assert_eq!(*chat, Place::from(GROUP));
    assert_eq!(vote, &poll(question(MOTION_1, 60), sides(Lang::Zh)));
    // Posted: both sides' quotes follow, and the engine wants to be woken at the deadline,
    // an hour on (`post` checks).
    let posted = bot.post(&outs, T0).await;
    let motion = &posted.motion;
    let page = motion.doc.to_plain();
    assert!(
        page.starts_with(&format!(
            "{}\n\n{}\n",
            title(Lang::Zh, 1, MOTION_1),
            side_heading(Lang::Zh, "debate_for", 1, 3)
        )),
        "{page}"
    );
    let against = side_heading(Lang::Zh, "debate_against", 1, 3);
    assert!(page.contains(&format!("\n\n{against}\n")), "{page}");
    assert!(
        page.ends_with(&format!("\n\n{}", camps_1(Lang::Zh))),
        "{page}"
    );
    assert!(
        motion
            .doc
            .to_html()
            .starts_with(&format!("<b>{}</b>\n", title(Lang::Zh, 1, MOTION_1))),
        "{}",
        motion.doc.to_html()
    );
    assert!(!motion.buttons.is_empty(), "the motion keeps its buttons");
    assert_eq!(posted.deadline, T0 + VOTE_MS);
    let debate = &posted.debate;

    // An English speaker gets it all in English.
    let carol = english(3, "Carol");
    let posted = bot.start(OTHER_GROUP, &carol, " 1 ", T0).await;
    assert!(
        posted.page().starts_with(&format!(
            "{}\n\n{}\n",
            title(Lang::En, 1, MOTION_1_EN),
            side_heading(Lang::En, "debate_for", 1, 3)
        )),
        "{}",
        posted.page()
    );
    assert!(
        posted
            .page()
            .ends_with(&format!("\n\n{}", camps_1(Lang::En))),
        "{}",
        posted.page()
    );
    assert_eq!(
        posted.poll,
        poll(question_in(Lang::En, MOTION_1_EN, 60), sides(Lang::En))
    );
    assert_ne!(posted.debate, *debate);

    // `/debate` alone picks a motion: any of them, put the same way.
    let posted = bot.start(THIRD_GROUP, &alice, "", T0).await;
    let (n, motion) = MOTIONS
        .iter()
        .enumerate()
        .find(|(_, m)| posted.poll.question == question(m, 60))
        .unwrap_or_else(|| panic!("a motion from the data: {:#?}", posted.poll));
    assert!(
        posted
            .page()
            .starts_with(&format!("{}\n", title(Lang::Zh, n + 1, motion))),
        "{}",
        posted.page()
    );
}

#[tokio::test]
async fn debate_alone_goes_through_every_motion_before_any_comes_back() {
    let bot = Bot::new("rotation").await;
    let alice = player(1, "Alice");
    let chat = -910;
    // Motion 2 by number first; then `/debate` alone never repeats until all five were put.
    let mut now = T0;
    let mut seen = Vec::new();
    for args in ["2", "", "", "", ""] {
        let posted = bot.start(chat, &alice, args, now).await;
        let n = MOTIONS
            .iter()
            .position(|m| posted.poll.question == question(m, 60))
            .expect("a motion from the data");
        seen.push(n);
        bot.close(&posted, &alice, now + 1).await;
        bot.result(&posted, now + 1).await;
        now += MINUTE;
    }
    assert_eq!(seen[0], 1);
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1, 2, 3, 4], "each motion once: {seen:?}");
    // Another chat's history does not count here, and this chat starts a second round.
    let other = bot.start(-911, &alice, "", now).await;
    assert!(
        MOTIONS
            .iter()
            .any(|m| other.poll.question == question(m, 60))
    );
    let again = bot.start(chat, &alice, "", now).await;
    assert!(
        MOTIONS
            .iter()
            .any(|m| again.poll.question == question(m, 60))
    );
}

#[tokio::test]
async fn every_motion_s_vote_fits_telegram_s_poll_limits() {
    let bot = Bot::new("limits").await;
    for (n, motion) in MOTIONS.iter().enumerate() {
        for (i, who) in [player(1, "Alice"), english(2, "Bob")].iter().enumerate() {
            let chat = -(100 + 10 * n as i64 + i as i64);
            let posted = bot.start(chat, who, &(n + 1).to_string(), T0).await;
            let vote = &posted.poll;
            if i == 0 {
                assert_eq!(vote, &poll(question(motion, 60), sides(Lang::Zh)));
            } else {
                let end = support::say_after(
                    Lang::En,
                    "debate_vote_before",
                    &[("minutes", "60")],
                    "motion",
                );
                assert!(vote.question.ends_with(&end), "{vote:#?}");
                assert_eq!(vote.options, sides(Lang::En));
            }
            // sendPoll: a question of 1-300 characters, options of 1-100.
            let len = |s: &str| s.encode_utf16().count();
            assert!((1..=300).contains(&len(&vote.question)), "{vote:#?}");
            assert!(vote.options.iter().all(|o| (1..=100).contains(&len(o))));
        }
    }
}

#[tokio::test]
async fn the_vote_lasts_debate_minutes_from_the_settings() {
    let bot = Bot::with(
        "minutes",
        DebateSettings {
            minutes: 5,
            pictures: false,
        },
    )
    .await;
    let posted = bot.start(GROUP, &player(1, "Alice"), "2", T0).await;
    assert_eq!(posted.poll.question, question(MOTION_2, 5));
    assert_eq!(posted.deadline, T0 + 5 * MINUTE);
    assert_eq!(
        bot.wake(posted.debate, T0 + MINUTE).await,
        vec![Effect::Wake {
            at: T0 + 5 * MINUTE,
            timer: Timer::Debate {
                debate: posted.debate
            },
        }]
    );
}

// ---------------------------------------------------------------------------------------------
// 2. One debate per chat; what opens nothing

#[tokio::test]
async fn one_debate_per_chat_and_list_or_bad_numbers_open_nothing() {
    let bot = Bot::new("one-per-chat").await;
    let (alice, bob, carol) = (player(1, "Alice"), player(2, "Bob"), english(3, "Carol"));
    let first = bot.start(GROUP, &alice, "1", T0).await;

    // A second /debate, whoever sends it and whichever motion it names, names the open one.
    for (who, args) in [(&alice, "1"), (&bob, "2"), (&bob, ""), (&alice, "5")] {
        let outs = bot.debate(GROUP, who, args, T0 + 1_000).await;
        assert_eq!(only_message_to(&outs, GROUP), already_open(MOTION_1));
    }
    let outs = bot.debate(GROUP, &carol, "3", T0 + 1_000).await;
    assert_eq!(
        only_message_to(&outs, GROUP),
        already_open_in(Lang::En, MOTION_1_EN)
    );

    // Another chat opens its own.
    let other = bot.start(OTHER_GROUP, &bob, "2", T0 + 2_000).await;
    assert_ne!(other.debate, first.debate);
    assert!(
        other
            .page()
            .starts_with(&format!("{}\n", title(Lang::Zh, 2, MOTION_2))),
        "{}",
        other.page()
    );

    // The list, a number out of range and anything else just answer.
    let outs = bot.debate(THIRD_GROUP, &alice, "list", T0).await;
    let list = only_reply_to(&outs, THIRD_GROUP);
    let lines: Vec<String> = MOTIONS
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let number = (i + 1).to_string();
            support::say(
                Lang::Zh,
                "debate_list_line",
                &[("number", &number), ("motion", m)],
            )
        })
        .collect();
    let heading = zh("debate_list_title");
    assert_eq!(
        list.doc.to_plain(),
        format!("{heading}\n{}\n\n{}", lines.join("\n"), usage())
    );
    assert!(
        list.doc
            .to_html()
            .starts_with(&format!("<b>{heading}</b>\n{}\n", lines[0]))
    );
    assert_eq!(
        only_message_to(
            &bot.debate(THIRD_GROUP, &bob, " LIST ", T0).await,
            THIRD_GROUP
        ),
        list.doc.to_plain()
    );
    for args in ["9", "0", "6", "99999999999999999999999"] {
        let outs = bot.debate(THIRD_GROUP, &alice, args, T0).await;
        assert_eq!(
            only_message_to(&outs, THIRD_GROUP),
            usage_count(),
            "/debate {args}"
        );
    }
    for args in ["foo", "-1", "1.5", "1 2", "open"] {
        let outs = bot.debate(THIRD_GROUP, &alice, args, T0).await;
        assert_eq!(
            only_message_to(&outs, THIRD_GROUP),
            usage(),
            "/debate {args}"
        );
    }
    // ...and opened nothing.
    let outs = bot.debate(THIRD_GROUP, &alice, "close", T0).await;
    assert_eq!(only_message_to(&outs, THIRD_GROUP), none_open());
    bot.start(THIRD_GROUP, &bob, "3", T0 + 1).await;
}

// ---------------------------------------------------------------------------------------------
// 3. Votes

#[tokio::test]
async fn a_vote_counts_once_per_voter_a_change_replaces_it_and_a_retraction_removes_it() {
    let bot = Bot::new("votes").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    use Recorded::{Counted, Refused, UnknownPoll};
    use Refusal::Invalid;
    let [a, b, c, d, e, f] = crowd(100);
    let t = T0 + MINUTE;
    // A for, then undecided: counted once, as undecided.
    assert_eq!(bot.vote(&posted, &a, &[FOR], t).await, Counted);
    assert_eq!(bot.vote(&posted, &b, &[AGAINST], t + 1).await, Counted);
    assert_eq!(bot.vote(&posted, &c, &[AGAINST], t + 2).await, Counted);
    assert_eq!(bot.vote(&posted, &a, &[UNDECIDED], t + 3).await, Counted);
    assert_eq!(bot.vote(&posted, &a, &[UNDECIDED], t + 4).await, Counted);
    // D for, then retracts: not counted.
    assert_eq!(bot.vote(&posted, &d, &[FOR], t + 5).await, Counted);
    assert_eq!(bot.vote(&posted, &d, &[], t + 6).await, Counted);
    // Retracting a vote never cast changes nothing and is no refusal.
    assert_eq!(bot.vote(&posted, &f, &[], t + 7).await, Counted);
    // There is no option 3 (or 255); a refused vote leaves the earlier one alone.
    assert_eq!(bot.vote(&posted, &e, &[3], t + 8).await, Refused(Invalid));
    assert_eq!(bot.vote(&posted, &e, &[255], t + 9).await, Refused(Invalid));
    assert_eq!(bot.vote(&posted, &e, &[FOR], t + 10).await, Counted);
    assert_eq!(bot.vote(&posted, &e, &[7], t + 11).await, Refused(Invalid));
    // A poll that is no debate's, whatever the option (a quiz poll's answer comes here when
    // the quiz does not know its poll yet: it must be tried again, not refused).
    for options in [&[FOR][..], &[], &[3], &[9]] {
        assert_eq!(
            bot.vote_poll("no-such-poll", &e, options, t).await,
            UnknownPoll
        );
    }

    let closed_at = t + MINUTE;
    bot.close(&posted, &alice, closed_at).await;
    let result = bot.result(&posted, closed_at).await;
    assert_eq!(
        result.doc.to_plain(),
        result_1([(1, 25), (2, 50), (1, 25)], 4)
    );
    assert!(
        result.doc.to_html().starts_with(&format!(
            "<b>{}</b>\n{}\n",
            support::say(Lang::Zh, "debate_result_title", &[("motion", MOTION_1)]),
            round_line(
                Lang::Zh,
                "debate_round_before",
                [(1, 25), (2, 50), (1, 25)],
                4
            )
        )),
        "{}",
        result.doc.to_html()
    );
    assert!(result.buttons.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 4. /debate close

#[tokio::test]
async fn close_is_for_the_starter_an_admin_or_anyone_in_a_private_chat() {
    let bot = Bot::new("close").await;
    let (alice, bob) = (player(1, "Alice"), player(2, "Bob"));

    // Nothing open.
    for chat in [GROUP, PRIVATE] {
        let outs = bot.debate(chat, &alice, "close", T0).await;
        assert_eq!(only_message_to(&outs, chat), none_open());
    }
    assert!(!bot.needs_admin_check(GROUP, &bob, "close").await);

    let posted = bot.start(GROUP, &alice, "1", T0).await;
    // Whether the adapter must ask Telegram if the sender is an admin.
    assert!(bot.needs_admin_check(GROUP, &bob, "close").await);
    assert!(bot.needs_admin_check(GROUP, &bob, " CLOSE ").await);
    assert!(!bot.needs_admin_check(GROUP, &alice, "close").await);
    for args in ["", "1", "list", "closed"] {
        assert!(!bot.needs_admin_check(GROUP, &bob, args).await, "{args}");
    }
    assert!(!bot.needs_admin_check(PRIVATE, &bob, "close").await);
    assert!(!bot.needs_admin_check(OTHER_GROUP, &bob, "close").await);

    // Bob neither started it nor administers the group: refused, and the vote goes on.
    let outs = bot.debate(GROUP, &bob, "close", T0 + 1_000).await;
    assert_eq!(only_message_to(&outs, GROUP), only_starter_close());
    assert_eq!(
        bot.vote(&posted, &bob, &[AGAINST], T0 + 2_000).await,
        Recorded::Counted
    );
    let outs = bot.debate(GROUP, &bob, "2", T0 + 2_000).await;
    assert_eq!(only_message_to(&outs, GROUP), already_open(MOTION_1));

    // As an admin, Bob moves it on to the second vote; still not the starter, he may not
    // close that either without being an admin.
    let outs = bot.admin(GROUP, &bob, "close", T0 + 3_000).await;
    bot.second(&posted, &outs, T0 + 3_000).await;
    assert!(bot.needs_admin_check(GROUP, &bob, "close").await);
    let outs = bot.debate(GROUP, &bob, "close", T0 + 3_500).await;
    assert_eq!(only_message_to(&outs, GROUP), only_starter_close());
    let outs = bot.debate(GROUP, &bob, "2", T0 + 3_500).await;
    assert_eq!(only_message_to(&outs, GROUP), already_open(MOTION_1));
    // The starter closes it.
    let outs = bot.debate(GROUP, &alice, "close", T0 + 4_000).await;
    bot.assert_closes(&outs, &posted, T0 + 4_000);
    assert!(!bot.needs_admin_check(GROUP, &bob, "close").await);
    let outs = bot.debate(GROUP, &alice, "close", T0 + 4_000).await;
    assert_eq!(only_message_to(&outs, GROUP), none_open());
    let outs = bot.admin(GROUP, &bob, "close", T0 + 4_000).await;
    assert_eq!(only_message_to(&outs, GROUP), none_open());

    // The starter moves her own on, and closes it.
    let other = bot.start(OTHER_GROUP, &alice, "2", T0).await;
    let outs = bot.debate(OTHER_GROUP, &alice, " Close ", T0 + 5_000).await;
    bot.second(&other, &outs, T0 + 5_000).await;
    let outs = bot.debate(OTHER_GROUP, &alice, "close", T0 + 5_001).await;
    bot.assert_closes(&outs, &other, T0 + 5_001);

    // In a private chat anyone does.
    let private = bot.start(PRIVATE, &alice, "3", T0).await;
    let outs = bot.debate(PRIVATE, &bob, "close", T0 + 6_000).await;
    bot.second(&private, &outs, T0 + 6_000).await;
    let outs = bot.debate(PRIVATE, &bob, "close", T0 + 6_001).await;
    bot.assert_closes(&outs, &private, T0 + 6_001);
}

// ---------------------------------------------------------------------------------------------
// 5. After the close: the grace, the result once, the next debate

#[tokio::test]
async fn after_close_votes_count_for_the_grace_then_the_result_is_posted_once() {
    use Recorded::{Counted, Refused};
    use Refusal::Closed;
    let bot = Bot::new("grace").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    let [v1, v2, v3, v4, v5] = crowd(10);
    bot.votes(&posted, &[v1.clone(), v2], &[FOR, AGAINST], T0 + MINUTE)
        .await;

    let closed_at = T0 + 10 * MINUTE;
    bot.close(&posted, &alice, closed_at).await;

    // The chat is free at once: a new debate opens while the last one's votes trickle in.
    let next = bot.start(GROUP, &alice, "2", closed_at + 1).await;
    assert_ne!(next.debate, posted.debate);

    // Votes cast before the close and delivered within the grace count; later ones do not.
    assert_eq!(
        bot.vote(&posted, &v3, &[AGAINST], closed_at + 1).await,
        Counted
    );
    assert_eq!(
        bot.vote(&posted, &v4, &[UNDECIDED], closed_at + GRACE_MS)
            .await,
        Counted
    );
    for options in [&[FOR][..], &[AGAINST], &[]] {
        assert_eq!(
            bot.vote(&posted, &v1, options, closed_at + GRACE_MS + 1)
                .await,
            Refused(Closed),
            "a change or retraction after the grace: {options:?}"
        );
    }
    assert_eq!(
        bot.vote(&posted, &v5, &[FOR], closed_at + GRACE_MS + 1)
            .await,
        Refused(Closed)
    );
    // A vote in the new debate is the new debate's.
    assert_eq!(bot.vote(&next, &v5, &[FOR], closed_at + 1).await, Counted);

    // Woken early, the engine asks again for the end of the grace.
    for now in [closed_at, closed_at + 1, closed_at + GRACE_MS - 1] {
        assert_eq!(
            bot.wake(posted.debate, now).await,
            vec![Effect::Wake {
                at: closed_at + GRACE_MS,
                timer: Timer::Debate {
                    debate: posted.debate
                },
            }]
        );
    }
    let result = bot.result(&posted, closed_at).await;
    assert_eq!(
        result.doc.to_plain(),
        result_1([(1, 25), (2, 50), (1, 25)], 4)
    );
    // Once.
    for now in [
        closed_at + GRACE_MS,
        closed_at + GRACE_MS + 1,
        T0 + 10 * VOTE_MS,
    ] {
        assert_eq!(bot.wake(posted.debate, now).await, vec![]);
    }
    assert_eq!(
        bot.vote(&posted, &v5, &[FOR], closed_at + GRACE_MS + 1)
            .await,
        Refused(Closed)
    );

    // The new debate runs on, unaffected.
    let outs = bot.debate(GROUP, &alice, "1", closed_at + GRACE_MS).await;
    assert_eq!(only_message_to(&outs, GROUP), already_open(MOTION_2));
}

#[tokio::test]
async fn a_debate_closed_after_its_first_vote_reports_it_in_the_starter_s_language() {
    let bot = Bot::new("first-only").await;
    let cases: [(&[u8], String); 4] = [
        (
            &[FOR, FOR, AGAINST],
            result_1([(2, 67), (1, 33), (0, 0)], 3),
        ),
        (
            &[
                AGAINST, FOR, UNDECIDED, UNDECIDED, UNDECIDED, UNDECIDED, UNDECIDED, UNDECIDED,
            ],
            result_1([(1, 13), (1, 13), (6, 75)], 8),
        ),
        (
            &[UNDECIDED, UNDECIDED],
            result_1([(0, 0), (0, 0), (2, 100)], 2),
        ),
        (&[AGAINST], result_1([(0, 0), (1, 100), (0, 0)], 1)),
    ];
    for (i, (options, expected)) in cases.iter().enumerate() {
        let chat = -(200 + i as i64);
        assert_eq!(
            &bot.vote_on_motion_1(chat, options).await,
            expected,
            "{options:?}"
        );
    }
    // Nobody voted at all.
    let nobody = bot.vote_on_motion_1(-210, &[]).await;
    let before = support::say(
        Lang::Zh,
        "debate_result_round_none",
        &[("round", &zh("debate_round_before"))],
    );
    assert!(nobody.contains(&format!("\n{before}\n")), "{nobody}");

    // An English starter's debate reports in English, whoever closes it.
    let carol = english(3, "Carol");
    let posted = bot.start(PRIVATE, &carol, "1", T0).await;
    bot.votes(
        &posted,
        &voters(10, 4),
        &[FOR, AGAINST, AGAINST, UNDECIDED],
        T0 + 1,
    )
    .await;
    bot.close(&posted, &player(4, "Dan"), T0 + 2).await;
    assert_eq!(
        bot.result(&posted, T0 + 2).await.doc.to_plain(),
        result_1_in(Lang::En, [(1, 25), (2, 50), (1, 25)], 4)
    );
}

// ---------------------------------------------------------------------------------------------
// The second vote: the swing, its winner, who changed their mind, what convinced them

#[tokio::test]
async fn the_result_measures_the_swing_among_those_who_voted_twice_and_ranks_the_quotes() {
    let bot = Bot::new("swing").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    let v = voters(100, 7);
    // Before: 0 and 1 against, 2 for, 3 undecided, 4 against (who never votes again).
    bot.votes(
        &posted,
        &v[..5],
        &[AGAINST, AGAINST, FOR, UNDECIDED, AGAINST],
        T0 + MINUTE,
    )
    .await;
    // Nothing is posted between the steps: a vote asks for nothing.
    let outs = bot.debate(GROUP, &alice, "close", T0 + 10 * MINUTE).await;
    let second = bot.second(&posted, &outs, T0 + 10 * MINUTE).await;
    assert_eq!(
        second.after.question,
        support::say(
            Lang::Zh,
            "debate_vote_after",
            &[("motion", MOTION_1), ("minutes", "60")]
        )
    );
    assert_eq!(second.after.options, sides(Lang::Zh).to_vec());
    assert!(!second.after.multiple && second.convinced.multiple);
    let quotes = app().convinced_quotes(0);
    assert_eq!(second.convinced.options.len(), quotes.len());

    // The first vote is over (a late change is refused); the second counts.
    let t = T0 + 11 * MINUTE;
    assert_eq!(
        bot.vote(&posted, &v[0], &[FOR], t).await,
        Recorded::Refused(Refusal::Closed)
    );
    // After: 0 and 1 for (from against), 2 stays for, 3 against (from undecided), 5 for
    // (who never voted before).
    for (i, options) in [
        (0, &[FOR][..]),
        (1, &[FOR]),
        (2, &[FOR]),
        (3, &[AGAINST]),
        (5, &[FOR]),
    ] {
        assert_eq!(
            bot.vote_poll(&second.after_id, &v[i], options, t).await,
            Recorded::Counted,
            "{i}"
        );
    }
    // One answer per vote: no option 3; several answers to the convinced poll, none past its
    // options.
    assert_eq!(
        bot.vote_poll(&second.after_id, &v[6], &[3], t).await,
        Recorded::Refused(Refusal::Invalid)
    );
    let last = quotes.len() as u8 - 1;
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[0], &[0, last], t)
            .await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[1], &[0], t).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[2], &[1], t).await,
        Recorded::Counted
    );
    // A change replaces the earlier answer; a retraction removes it.
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[2], &[0], t).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[3], &[1], t).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[3], &[], t).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote_poll(&second.convinced_id, &v[6], &[last + 1], t)
            .await,
        Recorded::Refused(Refusal::Invalid)
    );

    let outs = bot.debate(GROUP, &alice, "close", T0 + 12 * MINUTE).await;
    bot.assert_closes(&outs, &posted, T0 + 12 * MINUTE);
    let result = bot.result(&posted, T0 + 12 * MINUTE).await.doc.to_plain();
    let say = |key: &str, args: &[(&str, &str)]| support::say(Lang::Zh, key, args);
    let [f, a, _] = sides(Lang::Zh);
    let label = |option: usize| app().quote_label(Lang::Zh, 0, quotes[option]);
    let citation = |option: usize| {
        let app = app();
        app.view(Lang::Zh)
            .citation(&app.corpus().excerpts[quotes[option]])
    };
    let expected = [
        say("debate_result_title", &[("motion", MOTION_1)]),
        round_line(
            Lang::Zh,
            "debate_round_before",
            [(1, 20), (3, 60), (1, 20)],
            5,
        ),
        round_line(
            Lang::Zh,
            "debate_round_after",
            [(4, 80), (1, 20), (0, 0)],
            5,
        ),
        String::new(),
        // Among the 4 who voted twice: for from 1 to 3 (+50), against from 2 to 1 (-25).
        say(
            "debate_result_swing",
            &[("count", "4"), ("for", "+50"), ("against", "\u{2212}25")],
        ),
        say("debate_result_wins_for", &[]),
        say(
            "debate_result_changed",
            &[
                ("count", "3"),
                (
                    "moves",
                    &[
                        say(
                            "debate_result_move",
                            &[("count", "2"), ("from", &a), ("to", &f)],
                        ),
                        say(
                            "debate_result_move",
                            &[
                                ("count", "1"),
                                ("from", &zh("debate_vote_undecided")),
                                ("to", &a),
                            ],
                        ),
                    ]
                    .join(&zh("debate_result_move_separator")),
                ),
            ],
        ),
        String::new(),
        say("debate_result_convinced", &[("count", "3")]),
        say(
            "debate_result_convinced_line",
            &[("rank", "1"), ("quote", &label(0)), ("votes", "3")],
        ),
        format!("   {}", citation(0)),
        say(
            "debate_result_convinced_line",
            &[
                ("rank", "2"),
                ("quote", &label(last as usize)),
                ("votes", "1"),
            ],
        ),
        format!("   {}", citation(last as usize)),
        String::new(),
        camps_1(Lang::Zh),
    ]
    .join("\n");
    assert_eq!(result, expected);
}

// ---------------------------------------------------------------------------------------------
// 6. The deadline

#[tokio::test]
async fn at_the_deadline_the_vote_closes_by_itself() {
    let bot = Bot::new("deadline").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    let deadline = T0 + VOTE_MS;
    assert_eq!(posted.deadline, deadline);
    let [v1, v2, v3] = crowd(10);

    // Woken early (say a stale wake-up): come back at the deadline.
    for now in [T0, T0 + 1, deadline - 1] {
        assert_eq!(
            bot.wake(posted.debate, now).await,
            vec![Effect::Wake {
                at: deadline,
                timer: Timer::Debate {
                    debate: posted.debate
                },
            }]
        );
    }
    assert_eq!(
        bot.vote(&posted, &v1, &[FOR], deadline - 1).await,
        Recorded::Counted
    );

    // At the deadline: the first vote stops and the second opens, for as long again.
    let outs = bot.wake(posted.debate, deadline).await;
    let second = bot.second(&posted, &outs, deadline).await;
    assert_eq!(second.deadline, deadline + VOTE_MS);
    // A first vote cast before the stop and delivered within the grace counts; later, not.
    assert_eq!(
        bot.vote(&posted, &v2, &[AGAINST], deadline + GRACE_MS)
            .await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote(&posted, &v3, &[AGAINST], deadline + GRACE_MS + 1)
            .await,
        Recorded::Refused(Refusal::Closed)
    );
    // Woken early in the second vote: come back at its deadline; at it, everything closes.
    assert_eq!(
        bot.wake(posted.debate, deadline + 1).await,
        vec![Effect::Wake {
            at: second.deadline,
            timer: Timer::Debate {
                debate: posted.debate
            },
        }]
    );
    let outs = bot.wake(posted.debate, second.deadline).await;
    bot.assert_closes(&outs, &posted, second.deadline);
    let outs = bot
        .debate(GROUP, &alice, "close", second.deadline + 1)
        .await;
    assert_eq!(only_message_to(&outs, GROUP), none_open());
    assert_eq!(
        bot.result(&posted, second.deadline).await.doc.to_plain(),
        result_1([(1, 50), (1, 50), (0, 0)], 2)
    );

    // A wake-up that comes late (the bot was busy, or down) moves on then. Telegram takes no
    // vote on a stopped poll, so a vote that comes before the stop was cast while the poll
    // was open: it counts, however long after the deadline.
    let late = bot.start(OTHER_GROUP, &alice, "1", T0).await;
    assert_eq!(
        bot.vote(&late, &v1, &[FOR], deadline).await,
        Recorded::Counted
    );
    let woke = deadline + 10 * GRACE_MS;
    assert_eq!(
        bot.vote(&late, &v2, &[AGAINST], woke - 1).await,
        Recorded::Counted
    );
    let outs = bot.wake(late.debate, woke).await;
    bot.second(&late, &outs, woke).await;
    assert_eq!(
        bot.vote(&late, &v3, &[AGAINST], woke + GRACE_MS + 1).await,
        Recorded::Refused(Refusal::Closed)
    );
    let outs = bot.debate(OTHER_GROUP, &alice, "close", woke + 1).await;
    bot.assert_closes(&outs, &late, woke + 1);
    assert_eq!(
        bot.result(&late, woke + 1).await.doc.to_plain(),
        result_1([(1, 50), (1, 50), (0, 0)], 2)
    );
}

// ---------------------------------------------------------------------------------------------
// 7. The poll could not be posted

#[tokio::test]
async fn a_vote_that_cannot_be_posted_calls_the_debate_off_and_frees_the_chat() {
    let bot = Bot::new("poll-failed").await;
    let (alice, carol) = (player(1, "Alice"), english(3, "Carol"));
    let outs = bot.debate(GROUP, &alice, "1", T0).await;
    let debate = opened(&outs).expect("an Open");

    let outs = bot
        .debates
        .poll_failed(debate, Round::Before, T0 + 500)
        .await
        .unwrap();
    assert_eq!(only_message_to(&outs, GROUP), poll_failed(Lang::Zh));
    // Once; and nothing more comes of it.
    assert_eq!(
        bot.debates
            .poll_failed(debate, Round::Before, T0 + 600)
            .await
            .unwrap(),
        vec![]
    );
    assert_eq!(bot.wake(debate, T0 + VOTE_MS).await, vec![]);
    let outs = bot.debate(GROUP, &alice, "close", T0 + 700).await;
    assert_eq!(only_message_to(&outs, GROUP), none_open());

    // The chat is free.
    bot.start(GROUP, &alice, "2", T0 + 1_000).await;

    // In the starter's language.
    let outs = bot.debate(OTHER_GROUP, &carol, "1", T0).await;
    let debate = opened(&outs).expect("an Open");
    let outs = bot
        .debates
        .poll_failed(debate, Round::Before, T0 + 500)
        .await
        .unwrap();
    assert_eq!(only_message_to(&outs, OTHER_GROUP), poll_failed(Lang::En));

    // The second vote could not be posted: the debate closes on its first vote. Without the
    // convinced poll, it goes on.
    let posted = bot.start(THIRD_GROUP, &alice, "1", T0).await;
    bot.votes(&posted, &voters(10, 1), &[FOR], T0 + 1).await;
    let outs = bot.debate(THIRD_GROUP, &alice, "close", T0 + 2).await;
    assert_eq!(outs.len(), 4, "{outs:#?}");
    assert_eq!(
        bot.debates
            .poll_failed(posted.debate, Round::Convinced, T0 + 3)
            .await
            .unwrap(),
        vec![]
    );
    let outs = bot
        .debates
        .poll_failed(posted.debate, Round::After, T0 + 3)
        .await
        .unwrap();
    assert_eq!(
        outs,
        vec![Effect::Wake {
            at: T0 + 3 + GRACE_MS,
            timer: Timer::Debate {
                debate: posted.debate
            },
        }],
        "no poll of the second vote was posted: nothing to stop"
    );
    // No convinced poll was posted: the result says nothing of it.
    let convinced_none = support::say(Lang::Zh, "debate_result_convinced_none", &[]);
    assert_eq!(
        bot.result(&posted, T0 + 3).await.doc.to_plain(),
        result_1([(1, 100), (0, 0), (0, 0)], 1).replace(&format!("{convinced_none}\n\n"), "")
    );
}

// ---------------------------------------------------------------------------------------------
// 8. A restart

#[tokio::test]
async fn a_restart_resumes_every_debate_where_it_was() {
    let bot = Bot::new("resume").await;
    let starter = player(1, "Starter");
    let v = voters(10, 4);
    let later = T0 + 50 * MINUTE;

    // Opened first: its deadline passes while the bot is stopped.
    let expired = bot.start(-301, &starter, "1", T0).await;
    bot.votes(&expired, &v[..1], &[FOR], T0 + 1_000).await;
    // Its poll never went out, and it is too late now: called off quietly.
    let dropped_chat = -302;
    let dropped = opened(&bot.debate(dropped_chat, &starter, "2", T0).await).expect("an Open");
    // Open, with votes.
    let open = bot.start(-303, &starter, "1", later).await;
    bot.votes(&open, &v[..2], &[FOR, AGAINST], later + 1_000)
        .await;
    // Opened, but the bot stopped before its poll went out.
    let unposted_outs = bot.debate(-304, &starter, "3", later).await;
    let unposted = opened(&unposted_outs).expect("an Open");
    // Closed, its result not yet posted.
    let closed = bot.start(-305, &starter, "1", later).await;
    bot.votes(&closed, &v[..3], &[AGAINST, AGAINST, FOR], later + 1_000)
        .await;
    bot.close(&closed, &starter, later + 5 * MINUTE).await;
    // Closed and reported.
    let reported = bot.start(-306, &starter, "1", later).await;
    bot.close(&reported, &starter, later + 5 * MINUTE).await;
    bot.result(&reported, later + 5 * MINUTE).await;
    // The bot stops at `now`; this one closed just before, within the grace.
    let now = T0 + 61 * MINUTE;
    let in_grace = bot.start(-307, &starter, "1", later).await;
    bot.close(&in_grace, &starter, now - 500).await;

    let bot = bot.restart().await;
    let outs = bot.debates.resume(now).await.expect("resume");

    // In the order the debates were opened: everything but the result. The expired one
    // moves on to its second vote, as long again from now...
    let second_polls: Vec<Effect> = outs
        .iter()
        .filter(|o| matches!(o, Effect::DebatePoll { round, .. } if *round != Round::Before))
        .cloned()
        .collect();
    let mut expected = vec![Effect::StopPoll {
        place: Place::from(expired.chat),
        message_id: expired.message_id,
    }];
    expected.extend(second_polls.clone());
    expected.extend([
        Effect::Wake {
            at: now + VOTE_MS,
            timer: Timer::Debate {
                debate: expired.debate,
            },
        },
        Effect::Wake {
            at: open.deadline,
            timer: Timer::Debate {
                debate: open.debate,
            },
        },
    ]);
    // ...the first vote never posted, again; the poll says how long is left (49 of the 60
    // minutes)...
    let mut reposted = unposted_outs.clone();
    if let Some(Effect::DebatePoll { poll, .. }) = reposted.first_mut() {
        poll.question = question(MOTIONS[2], 49);
    }
    expected.extend(reposted);
    expected.push(Effect::Wake {
        at: now - 500 + GRACE_MS,
        timer: Timer::Debate {
            debate: in_grace.debate,
        },
    });
    let not_messages: Vec<Effect> = outs
        .iter()
        .filter(|o| !matches!(o, Effect::Send { .. }))
        .cloned()
        .collect();
    assert_eq!(not_messages, expected);
    // ...and the closed one's result, counting the votes cast before the restart.
    let results: Vec<(i64, String)> = outs
        .iter()
        .filter_map(|o| match o {
            Effect::Send { place, reply } => Some((place.chat, reply.doc.to_plain())),
            _ => None,
        })
        .collect();
    assert_eq!(
        results,
        vec![(closed.chat, result_1([(1, 33), (2, 67), (0, 0)], 3))]
    );

    // The open one keeps its votes, takes new ones, and counts them all when closed.
    assert_eq!(
        bot.vote(&open, &v[2], &[UNDECIDED], now + 1).await,
        Recorded::Counted
    );
    bot.close(&open, &starter, now + 2).await;
    assert_eq!(
        bot.result(&open, now + 2).await.doc.to_plain(),
        result_1([(1, 33), (1, 33), (1, 33)], 3)
    );

    // The expired one: a first vote delivered after the restart was cast before its poll
    // stopped (Telegram takes none after), so it counts within the grace of the stop.
    let stop = outs
        .iter()
        .position(|o| matches!(o, Effect::StopPoll { message_id, .. } if *message_id == expired.message_id))
        .expect("the expired vote stopped");
    bot.second(&expired, &outs[stop..stop + 4], now).await;
    assert_eq!(
        bot.vote(&expired, &v[1], &[AGAINST], now + 1).await,
        Recorded::Counted
    );
    let second = bot.second_of(&expired);
    assert_eq!(
        bot.vote_poll(&second.after_id, &v[1], &[FOR], now + 2)
            .await,
        Recorded::Counted
    );
    let outs = bot.debate(expired.chat, &starter, "close", now + 3).await;
    bot.assert_closes(&outs, &expired, now + 3);
    let result = bot.result(&expired, now + 3).await.doc.to_plain();
    assert!(
        result.starts_with(
            &result_head(Lang::Zh, MOTION_1, [(1, 50), (1, 50), (0, 0)], 2)
                .lines()
                .take(2)
                .collect::<Vec<_>>()
                .join("\n")
        ),
        "{result}"
    );
    assert!(
        result.contains(&round_line(
            Lang::Zh,
            "debate_round_after",
            [(1, 100), (0, 0), (0, 0)],
            1
        )),
        "{result}"
    );

    // The unposted one is posted now (the same motion and poll), to its first deadline.
    let posted = bot.post(&unposted_outs, later).await;
    assert_eq!(posted.debate, unposted);
    assert_eq!(posted.poll, poll(question(MOTIONS[2], 60), sides(Lang::Zh)));
    assert_eq!(
        bot.vote(&posted, &v[0], &[FOR], now + 3).await,
        Recorded::Counted
    );

    // The one called off, the closed and the reported ones are done; their chats are free.
    for debate in [dropped, closed.debate, reported.debate] {
        assert_eq!(bot.wake(debate, now + VOTE_MS).await, vec![], "{debate}");
    }
    for chat in [dropped_chat, closed.chat, reported.chat] {
        let outs = bot.debate(chat, &starter, "close", now).await;
        assert_eq!(only_message_to(&outs, chat), none_open());
    }
    let reopened = bot.start(dropped_chat, &starter, "1", now).await;

    // The one closed just before the stop posts its result at the end of its grace.
    let nobody = bot.result(&in_grace, now - 500).await.doc.to_plain();
    assert!(
        nobody.contains(&support::say(
            Lang::Zh,
            "debate_result_round_none",
            &[("round", &zh("debate_round_before"))]
        )),
        "{nobody}"
    );

    // Another restart finds just the two still in their first vote, and the second vote
    // posted after the first restart (its polls all posted: none again).
    let bot = bot.restart().await;
    let outs = bot.debates.resume(now + 4).await.expect("resume");
    assert_eq!(
        outs,
        vec![
            Effect::Wake {
                at: posted.deadline,
                timer: Timer::Debate {
                    debate: posted.debate
                },
            },
            Effect::Wake {
                at: reopened.deadline,
                timer: Timer::Debate {
                    debate: reopened.debate
                },
            },
        ]
    );
}

#[tokio::test]
async fn a_restart_in_the_second_vote_posts_what_it_had_not_and_loses_no_answer() {
    let bot = Bot::new("resume-second").await;
    let starter = player(1, "Starter");
    let v = voters(10, 3);
    let posted = bot.start(GROUP, &starter, "1", T0).await;
    bot.votes(&posted, &v, &[AGAINST, AGAINST, FOR], T0 + 1)
        .await;
    // The second vote opens; its vote is posted, the convinced poll not before the stop.
    let outs = bot.debate(GROUP, &starter, "close", T0 + MINUTE).await;
    let Some(Effect::DebatePoll {
        poll: convinced, ..
    }) = outs.get(2).cloned()
    else {
        panic!("{outs:#?}");
    };
    bot.debates
        .poll_sent(posted.debate, Round::After, "after-x", 2_001)
        .await
        .unwrap();
    bot.vote_poll("after-x", &v[0], &[FOR], T0 + MINUTE + 1)
        .await;

    let bot = bot.restart().await;
    let now = T0 + 2 * MINUTE;
    let outs = bot.debates.resume(now).await.expect("resume");
    // The convinced poll, saying how long is left (59 of 60 minutes), and the wake-up.
    let mut convinced = convinced;
    convinced.question = support::say(
        Lang::Zh,
        "debate_convinced_question",
        &[("motion", MOTION_1), ("minutes", "59")],
    );
    assert_eq!(
        outs,
        vec![
            Effect::DebatePoll {
                place: Place::from(GROUP),
                debate: posted.debate,
                round: Round::Convinced,
                poll: convinced,
            },
            Effect::Wake {
                at: T0 + MINUTE + VOTE_MS,
                timer: Timer::Debate {
                    debate: posted.debate
                },
            },
        ]
    );
    bot.debates
        .poll_sent(posted.debate, Round::Convinced, "convinced-x", 3_001)
        .await
        .unwrap();
    // Answers delivered after the restart count.
    assert_eq!(
        bot.vote_poll("after-x", &v[1], &[FOR], now + 1).await,
        Recorded::Counted
    );
    assert_eq!(
        bot.vote_poll("convinced-x", &v[1], &[0], now + 1).await,
        Recorded::Counted
    );
    let outs = bot.debate(GROUP, &starter, "close", now + 2).await;
    assert_eq!(
        outs.iter()
            .filter(|o| matches!(o, Effect::StopPoll { .. }))
            .count(),
        2,
        "{outs:#?}"
    );
    let result = bot.result(&posted, now + 2).await.doc.to_plain();
    assert!(
        result.contains(&support::say(
            Lang::Zh,
            "debate_result_swing",
            &[("count", "2"), ("for", "+100"), ("against", "\u{2212}100")]
        )),
        "{result}"
    );
}

// ---------------------------------------------------------------------------------------------
// 9. /forgetme

#[tokio::test]
async fn forgetme_deletes_the_user_s_votes_too() {
    let bot = Bot::new("forgetme").await;
    let (alice, bob) = (player(1, "Alice"), player(2, "Bob"));
    let [mallory, carol, dave] = crowd(10);
    let first = bot.start(GROUP, &alice, "1", T0).await;
    let second = bot.start(OTHER_GROUP, &bob, "2", T0).await;
    bot.votes(
        &first,
        &[mallory.clone(), carol, dave],
        &[AGAINST, FOR, AGAINST],
        T0 + 1,
    )
    .await;
    bot.votes(&second, std::slice::from_ref(&mallory), &[FOR], T0 + 1)
        .await;

    assert_eq!(bot.forgetme(PRIVATE, &mallory, T0 + 2).await, forgotten(2));
    assert_eq!(bot.forgetme(GROUP, &mallory, T0 + 3).await, forgotten(0));

    // Nothing of hers is kept.
    let db = sqlx::SqlitePool::connect(bot.file.url()).await.unwrap();
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM debate_answers WHERE user_id = ?")
        .bind(mallory.id)
        .fetch_one(&db)
        .await
        .unwrap();
    db.close().await;
    assert_eq!(kept, 0);

    // The result no longer counts her.
    bot.close(&first, &alice, T0 + 4).await;
    assert_eq!(
        bot.result(&first, T0 + 4).await.doc.to_plain(),
        result_1([(1, 50), (1, 50), (0, 0)], 2)
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Concurrency

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_debate_commands_in_one_chat_open_exactly_one() {
    let bot = Bot::new("race-open").await;
    let (alice, bob) = (player(1, "Alice"), player(2, "Bob"));
    for i in 0..20 {
        let chat = -(400 + i);
        let (first, second) = tokio::join!(
            bot.debate(chat, &alice, "1", T0),
            bot.debate(chat, &bob, "2", T0)
        );
        let (winner, loser, motion) = match (opened(&first), opened(&second)) {
            (Some(_), None) => (first, second, MOTION_1),
            (None, Some(_)) => (second, first, MOTION_2),
            _ => panic!("exactly one opens: {first:#?} {second:#?}"),
        };
        assert_eq!(winner.len(), 1, "{winner:#?}");
        assert_eq!(only_message_to(&loser, chat), already_open(motion));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_votes_all_count() {
    let bot = Bot::new("race-votes").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, voter) in voters(1_000, 200).into_iter().enumerate() {
        let (debates, poll_id) = (Arc::clone(&bot.debates), posted.poll_id.clone());
        tasks.spawn(async move {
            debates
                .vote(&poll_id, &voter, &[(i % 3) as u8], T0 + 1_000 + i as i64)
                .await
                .expect("vote")
        });
    }
    while let Some(recorded) = tasks.join_next().await {
        assert_eq!(recorded.expect("the task ran"), Recorded::Counted);
    }
    bot.close(&posted, &alice, T0 + MINUTE).await;
    assert_eq!(
        bot.result(&posted, T0 + MINUTE).await.doc.to_plain(),
        result_1([(67, 34), (67, 34), (66, 33)], 200)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_voter_s_concurrent_changes_count_once_and_the_result_is_posted_once() {
    let bot = Bot::new("race-once").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    let mallory = player(7, "Mallory");
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..30u8 {
        let (debates, poll_id, mallory) = (
            Arc::clone(&bot.debates),
            posted.poll_id.clone(),
            mallory.clone(),
        );
        tasks.spawn(async move {
            let options: &[u8] = if i % 4 == 3 { &[] } else { &[i % 3] };
            debates
                .vote(&poll_id, &mallory, options, T0 + 1_000)
                .await
                .expect("vote")
        });
    }
    while let Some(recorded) = tasks.join_next().await {
        assert_eq!(recorded.expect("the task ran"), Recorded::Counted);
    }
    // A last, settled vote.
    assert_eq!(
        bot.vote(&posted, &mallory, &[FOR], T0 + 2_000).await,
        Recorded::Counted
    );

    // The starter's close and the deadline's wake-up race: one moves on, one stopPoll.
    let deadline = posted.deadline;
    let (by_hand, by_clock) = tokio::join!(
        bot.debate(GROUP, &alice, "close", deadline),
        bot.wake(posted.debate, deadline)
    );
    let stops = [&by_hand, &by_clock]
        .iter()
        .flat_map(|outs| outs.iter())
        .filter(|o| matches!(o, Effect::StopPoll { .. }))
        .count();
    assert_eq!(stops, 1, "{by_hand:#?} {by_clock:#?}");
    let polls = [&by_hand, &by_clock]
        .iter()
        .flat_map(|outs| outs.iter())
        .filter(|o| matches!(o, Effect::DebatePoll { .. }))
        .count();
    assert_eq!(polls, 2, "one second vote: {by_hand:#?} {by_clock:#?}");
    let outs = bot.debate(GROUP, &alice, "close", deadline + 1).await;
    assert!(
        outs.contains(&wake(posted.debate, deadline + 1 + GRACE_MS)),
        "{outs:#?}"
    );

    // Wake-ups race at the end of the grace: one result.
    let at = deadline + 1 + GRACE_MS;
    let (a, b, c) = tokio::join!(
        bot.wake(posted.debate, at),
        bot.wake(posted.debate, at),
        bot.wake(posted.debate, at + 1)
    );
    let results: Vec<String> = [a, b, c].iter().flat_map(|o| messages(o)).collect();
    assert_eq!(
        results,
        // (The test posted no convinced poll: the result says nothing of it.)
        vec![result_1([(1, 100), (0, 0), (0, 0)], 1).replace(
            &format!(
                "{}\n\n",
                support::say(Lang::Zh, "debate_result_convinced_none", &[])
            ),
            ""
        )]
    );
}

// ---------------------------------------------------------------------------------------------
// 11. A close before the poll is posted

/// `/debate close` can arrive between `Effect::DebatePoll` and `poll_sent` (the poll takes a
/// moment to send). The close has no poll to stop yet; once the poll is posted it must be
/// stopped, or it stays open in the chat for good, taking votes that are all refused.
#[tokio::test]
async fn a_poll_posted_after_its_step_ended_is_stopped() {
    let bot = Bot::new("close-before-post").await;
    let alice = player(1, "Alice");
    let outs = bot.debate(GROUP, &alice, "1", T0).await;
    let debate = opened(&outs).expect("an Open");
    let moved_at = T0 + 100;
    let outs = bot.debate(GROUP, &alice, "close", moved_at).await;
    assert!(
        !outs.iter().any(|o| matches!(o, Effect::StopPoll { .. })),
        "no poll to stop yet: {outs:#?}"
    );
    let outs = bot
        .debates
        .poll_sent(debate, Round::Before, "vote-late", 777)
        .await
        .unwrap();
    assert_eq!(
        outs,
        vec![Effect::StopPoll {
            place: Place::from(GROUP),
            message_id: 777
        }],
        "the first vote posted after the second opened must be stopped, and no quotes follow"
    );
    // The same for the second vote's polls posted after the close.
    let closed_at = T0 + 200;
    assert_eq!(
        bot.debate(GROUP, &alice, "close", closed_at).await,
        vec![Effect::Wake {
            at: closed_at + GRACE_MS,
            timer: Timer::Debate { debate },
        }]
    );
    for (round, message_id) in [(Round::After, 778), (Round::Convinced, 779)] {
        let outs = bot
            .debates
            .poll_sent(debate, round, &format!("late-{message_id}"), message_id)
            .await
            .unwrap();
        assert_eq!(
            outs,
            vec![Effect::StopPoll {
                place: Place::from(GROUP),
                message_id
            }]
        );
    }
}

#[tokio::test]
async fn a_close_sent_as_the_first_vote_ends_by_itself_does_not_end_the_second() {
    let bot = Bot::new("close-at-deadline").await;
    let alice = player(1, "Alice");
    let posted = bot.start(GROUP, &alice, "1", T0).await;
    let deadline = posted.deadline;
    // The deadline's wake-up is handled first and opens the second vote...
    let woke = bot.wake(posted.debate, deadline).await;
    let second = woke
        .iter()
        .filter(|o| matches!(o, Effect::DebatePoll { .. }))
        .count();
    assert_eq!(second, 2, "{woke:#?}");
    // ...then the starter's close, sent at that same moment: it was meant for the first vote,
    // and does not end the second, which nobody has seen yet.
    let outs = bot.debate(GROUP, &alice, "close", deadline).await;
    assert_eq!(outs, Vec::new());
    // A close sent once the second vote is open ends it.
    let outs = bot.debate(GROUP, &alice, "close", deadline + 1).await;
    assert!(
        outs.contains(&wake(posted.debate, deadline + 1 + GRACE_MS)),
        "{outs:#?}"
    );
}
