//! The engines driven as the Telegram adapter drives them, each test on a SQLite file of its
//! own ([`EngineFile`]) and with its own clock: every event carries its `now` (milliseconds),
//! so a 30-second question takes microseconds and nothing ever sleeps. [`QuizBot`] is the quiz
//! engine's side of the adapter: it "sends" each poll the engine asks for ([`Sent`]: its own
//! poll id and message id) and checks the wake-up the engine asks for in return.

use std::sync::Arc;

use debate_bot::command::Route;
use debate_bot::effect::Effect;

use debate_bot::quiz::{QuizRequest, Quizzes};
use debate_bot::settings::QuizSettings;
use debate_bot::store::{Recorded, Store};
use debate_bot::vocab::PollSpec;
use debate_bot::vocab::Timer;
use debate_bot::vocab::{ChatKind, GRACE_MS, Millis, Player, QuizId};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::core_replies::through_core;
use super::{TempDir, app, builtin};

/// A SQLite file for one engine test, in a fresh folder removed when this is dropped (so it
/// goes after the stores opened on it, which come first in their owners).
pub struct EngineFile {
    url: String,
    _dir: TempDir,
}

impl EngineFile {
    pub fn new(tag: &str) -> EngineFile {
        let dir = TempDir::new(tag);
        let url = format!("sqlite://{}", dir.path().join("engine.sqlite").display());
        EngineFile { url, _dir: dir }
    }

    /// The file as a `sqlite://` URL, for a test that reads it with SQL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A store on the file: the engine's at the start, a new one after a restart.
    pub async fn open(&self) -> Store {
        Store::open(&self.url).await.expect("open the store")
    }
}

/// How long the polls a [`QuizBot`] sends last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Every poll lasts the settings' `question_seconds`: no chat or quiz sets its own.
    Settings,
    /// A quiz's polls last what the chat's settings or the quiz itself asked for.
    PerQuiz,
}

/// A poll the test has "sent": what the adapter knows about it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub chat: i64,
    pub quiz: QuizId,
    pub index: i64,
    pub poll_id: String,
    pub message_id: i64,
    pub poll: PollSpec,
    pub sent_at: Millis,
    /// When the engine asked to be woken: the deadline plus the grace.
    pub wake_at: Millis,
}

impl Sent {
    /// When the poll closes.
    pub fn deadline(&self) -> Millis {
        self.sent_at + i64::from(self.poll.open_seconds) * 1000
    }

    pub fn right(&self) -> u8 {
        self.poll.correct as u8
    }

    pub fn wrong(&self) -> u8 {
        ((self.poll.correct + 1) % self.poll.options.len()) as u8
    }

    /// The question as dealt, without the "k/N · " in front.
    pub fn text(&self) -> &str {
        self.poll
            .question
            .split_once(" · ")
            .map_or(self.poll.question.as_str(), |(_, q)| q)
    }
}

/// The quiz engine over its database file, with a seeded random source: the adapter's side.
pub struct QuizBot {
    pub quizzes: Arc<Quizzes>,
    pub rng: StdRng,
    /// The group the test plays in.
    pub chat: i64,
    settings: QuizSettings,
    pace: Pace,
    /// The seed of the first engine's random source; a restarted one's is the next.
    seed: u64,
    // Dropped last, after the store.
    file: EngineFile,
}

impl QuizBot {
    /// A quiz engine on a fresh file, run with `settings`, its random source seeded with
    /// `seed`, playing in the group `chat`.
    pub async fn open(
        tag: &str,
        settings: QuizSettings,
        pace: Pace,
        seed: u64,
        chat: i64,
    ) -> QuizBot {
        let file = EngineFile::new(tag);
        let store = file.open().await;
        QuizBot {
            quizzes: Arc::new(Quizzes::new(app(), store, settings)),
            rng: StdRng::seed_from_u64(seed),
            chat,
            settings,
            pace,
            seed,
            file,
        }
    }

    /// A restart: the old engine (and its store and answer writer) goes, a new one opens the
    /// same file.
    pub async fn restart(self) -> QuizBot {
        let QuizBot {
            quizzes,
            chat,
            settings,
            pace,
            seed,
            file,
            ..
        } = self;
        drop(quizzes);
        let store = file.open().await;
        QuizBot {
            quizzes: Arc::new(Quizzes::new(app(), store, settings)),
            rng: StdRng::seed_from_u64(seed + 1),
            chat,
            settings,
            pace,
            seed,
            file,
        }
    }

    pub fn store(&self) -> &Store {
        self.quizzes.store()
    }

    /// The engine's file as a `sqlite://` URL, for a test that reads it with SQL.
    pub fn url(&self) -> &str {
        self.file.url()
    }

    /// `text` from `player` in `chat`, who administers it if `is_admin`; nothing when it is
    /// no built-in command.
    pub async fn command_as(
        &mut self,
        chat: i64,
        kind: ChatKind,
        player: &Player,
        text: &str,
        is_admin: bool,
        now: Millis,
    ) -> Vec<Effect> {
        let Some((command, args)) = builtin(text) else {
            return Vec::new();
        };
        if command.route() == Route::Forget {
            // Not the engine's: the core's, over the same store.
            return through_core(self.store(), chat, player, text, false, now).await;
        }
        let request = QuizRequest {
            place: chat.into(),
            kind,
            player,
            command,
            args,
            is_admin,
            now,
        };
        self.quizzes
            .handle(&request, &mut self.rng)
            .await
            .expect("handle a quiz command")
    }

    /// A command from a non-admin in the group.
    pub async fn group(&mut self, player: &Player, text: &str, now: Millis) -> Vec<Effect> {
        self.command_as(self.chat, ChatKind::Group, player, text, false, now)
            .await
    }

    /// Sends every poll among `outs` at `now`, as the adapter does (poll id `poll-Q-I`,
    /// message id `10000 × Q + I`); each must ask for a wake-up at its deadline plus the grace.
    pub async fn send_polls(&self, outs: &[Effect], now: Millis) -> Vec<Sent> {
        let mut sent = Vec::new();
        for out in outs {
            let Effect::QuizPoll {
                place: chat,
                quiz,
                index,
                poll,
            } = out
            else {
                continue;
            };
            if self.pace == Pace::Settings {
                assert_eq!(
                    poll.open_seconds, self.settings.question_seconds,
                    "a poll lasts the settings' seconds: {poll:#?}"
                );
            }
            let wake_at = now + i64::from(poll.open_seconds) * 1000 + GRACE_MS;
            let poll_id = format!("poll-{quiz}-{index}");
            let message_id = 10_000 * quiz.0 + index;
            let wakes = self
                .quizzes
                .poll_sent(*quiz, *index, &poll_id, message_id, now)
                .await
                .expect("poll_sent");
            assert_eq!(
                wakes,
                vec![Effect::Wake {
                    at: wake_at,
                    timer: Timer::Question {
                        quiz: *quiz,
                        index: *index
                    },
                }],
                "a sent poll asks for a wake-up at its deadline plus the grace"
            );
            sent.push(Sent {
                chat: chat.chat,
                quiz: *quiz,
                index: *index,
                poll_id,
                message_id,
                poll: poll.clone(),
                sent_at: now,
                wake_at,
            });
        }
        sent
    }

    /// Sends the one poll among `outs`.
    pub async fn send_poll(&self, outs: &[Effect], now: Millis) -> Sent {
        let mut sent = self.send_polls(outs, now).await;
        assert_eq!(sent.len(), 1, "one poll in {outs:#?}");
        sent.remove(0)
    }

    pub async fn answer(
        &self,
        sent: &Sent,
        player: &Player,
        options: &[u8],
        now: Millis,
    ) -> Recorded {
        self.answer_poll(&sent.poll_id, player, options, now).await
    }

    pub async fn answer_poll(
        &self,
        poll_id: &str,
        player: &Player,
        options: &[u8],
        now: Millis,
    ) -> Recorded {
        self.quizzes
            .answer(poll_id, player, options, now)
            .await
            .expect("record an answer")
    }

    /// The wake-up the engine asked for, when the clock reaches it.
    pub async fn wake(&self, sent: &Sent) -> Vec<Effect> {
        self.wake_at(sent, sent.wake_at).await
    }

    pub async fn wake_at(&self, sent: &Sent, now: Millis) -> Vec<Effect> {
        self.quizzes
            .wake(sent.quiz, sent.index, now)
            .await
            .expect("wake")
    }

    pub async fn needs_admin_check(
        &self,
        chat: i64,
        kind: ChatKind,
        player: &Player,
        text: &str,
    ) -> bool {
        let Some((command, args)) = builtin(text) else {
            return false;
        };
        self.quizzes
            .needs_admin_check(chat.into(), kind, player, command, args)
            .await
            .expect("needs_admin_check")
    }
}
