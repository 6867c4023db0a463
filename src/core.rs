//! The one way in: [`Core`] takes what reached the bot (a message, a poll answer, a timer, a
//! poll the adapter sent) and routes it to the app, the quiz engine or the debate engine;
//! what they decide comes back as an [`Outcome`] or as [`Effect`]s for the adapter's one
//! interpreter. Both adapters (Telegram, the terminal) go through here, so a command is routed
//! in one place. Built once, in `main.rs`.

use std::sync::Arc;

use rand::Rng;

use crate::app::{App, ChatKind, Reply, Request};
use crate::command;
use crate::debate::{DebateRequest, Debates};
use crate::effect::{Effect, Place, Timer};
use crate::quiz::{Player, QUIZ_COMMANDS, QuizRequest, Quizzes};
use crate::store::Recorded;

/// The app and the two engines, built once and shared by every handler.
#[derive(Clone)]
pub struct Core {
    pub app: Arc<App>,
    pub quizzes: Arc<Quizzes>,
    pub debates: Arc<Debates>,
}

/// A text message as the core sees it.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    pub place: Place,
    pub kind: ChatKind,
    pub from: &'a Player,
    pub text: &'a str,
    /// This bot's username, to tell `/cmd@thisbot` from `/cmd@otherbot`.
    pub bot_username: Option<&'a str>,
    /// When it arrived, and when it was sent (ms since the epoch): a start that waited too
    /// long while the bot was down starts nothing.
    pub now: i64,
    pub sent_at: i64,
    /// Sent under an identity many people share (an admin writing anonymously as the group, a
    /// channel): such a sender cannot be told apart from the others, so it cannot be forgotten.
    pub shared_identity: bool,
}

/// Which part of the bot answers a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Quiz,
    Debate,
    App,
}

/// What a message comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not for this bot (chatter in a group, another bot's command): say nothing.
    Ignored,
    /// An answer to the sender, subject to the chat's budget.
    Answer { command: String, reply: Reply },
    /// What a quiz or debate command decided (never dropped).
    Effects {
        command: String,
        effects: Vec<Effect>,
    },
}

impl Core {
    /// Where a message goes: one parse of its command.
    pub fn route(text: &str, bot_username: Option<&str>) -> Route {
        match command::parse(text) {
            Some(c) if c.is_for(bot_username) && QUIZ_COMMANDS.contains(&c.name.as_str()) => {
                Route::Quiz
            }
            Some(c) if c.is_for(bot_username) && c.name == "debate" => Route::Debate,
            _ => Route::App,
        }
    }

    /// Whether answering `msg` needs to know if its sender administers the chat (asked of
    /// Telegram only then): `/stop`, `/report` or `/debate close` from someone other than the
    /// starter, in a group.
    pub async fn needs_admin(&self, msg: &Incoming<'_>) -> anyhow::Result<bool> {
        match Self::route(msg.text, msg.bot_username) {
            Route::Quiz => {
                self.quizzes
                    .needs_admin_check(msg.place, msg.kind, msg.from, msg.text)
                    .await
            }
            Route::Debate => self.debates.needs_admin_check(&debate(msg, false)).await,
            Route::App => Ok(false),
        }
    }

    /// Answers a message. `stale_minutes`: a `/quiz` or `/debate` that waited longer starts
    /// nothing (see [`App::stale_start`]).
    pub async fn message(
        &self,
        msg: &Incoming<'_>,
        is_admin: bool,
        stale_minutes: u32,
        rng: &mut (impl Rng + Send),
    ) -> anyhow::Result<Outcome> {
        let route = Self::route(msg.text, msg.bot_username);
        let language_code = msg.from.language_code.as_deref();
        if route != Route::App {
            let waited = msg.now - msg.sent_at;
            if let Some(reply) =
                self.app
                    .stale_start(msg.text, language_code, waited, stale_minutes)
            {
                return Ok(Outcome::Answer {
                    command: "stale".into(),
                    reply,
                });
            }
        }
        // What to call it in the logs: never the user's words.
        let name = || command::parse(msg.text).map(|c| c.name).unwrap_or_default();
        Ok(match route {
            Route::Quiz
                if msg.shared_identity && Quizzes::is_forgetme(msg.text, msg.bot_username) =>
            {
                Outcome::Effects {
                    command: name(),
                    effects: self.quizzes.forget_shared(msg.place, msg.from),
                }
            }
            Route::Quiz => {
                let request = QuizRequest {
                    place: msg.place,
                    kind: msg.kind,
                    player: msg.from,
                    text: msg.text,
                    bot_username: msg.bot_username,
                    is_admin,
                    now: msg.now,
                };
                Outcome::Effects {
                    command: name(),
                    effects: self.quizzes.handle(&request, rng).await?,
                }
            }
            Route::Debate => Outcome::Effects {
                command: name(),
                effects: self.debates.handle(&debate(msg, is_admin), rng).await?,
            },
            Route::App => {
                let request = Request {
                    chat: msg.kind,
                    language_code,
                    text: msg.text,
                    bot_username: msg.bot_username,
                };
                match self.app.handle(&request, rng) {
                    Some(handled) => Outcome::Answer {
                        command: handled.command,
                        reply: handled.reply,
                    },
                    None => Outcome::Ignored,
                }
            }
        })
    }

    /// A poll answer: an answer in a quiz, or a vote in a debate, whichever poll it is.
    pub async fn poll_answer(
        &self,
        poll_id: &str,
        from: &Player,
        option_ids: &[u8],
        now: i64,
    ) -> anyhow::Result<Recorded> {
        match self.quizzes.answer(poll_id, from, option_ids, now).await? {
            Recorded::UnknownPoll => self.debates.vote(poll_id, from, option_ids, now).await,
            recorded => Ok(recorded),
        }
    }

    /// A timer is due.
    pub async fn wake(&self, timer: Timer, now: i64) -> anyhow::Result<Vec<Effect>> {
        match timer {
            Timer::Question { quiz, index } => self.quizzes.wake(quiz, index, now).await,
            Timer::Debate { debate } => self.debates.wake(debate, now).await,
        }
    }
}

fn debate<'a>(msg: &Incoming<'a>, is_admin: bool) -> DebateRequest<'a> {
    DebateRequest {
        place: msg.place,
        kind: msg.kind,
        player: msg.from,
        args: command::parse(msg.text).map_or("", |c| c.args),
        is_admin,
        now: msg.now,
    }
}
