//! The one way in and out: [`Core::handle`] takes every [`Input`] that reaches the bot (a
//! message, a button press, an inline query, a poll answer, a poll sent or refused, a chat
//! that moved, a timer, the bot's start, its joining a group) and answers the [`Effect`]s to
//! carry out. It routes each input to the app, the quiz engine or the debate engine, with the
//! chat's settings (`/settings`: its language, who may start, a quiz's pace and scoring), and
//! chooses every sentence, button and refusal a user sees. Both adapters (Telegram, the
//! terminal) go through here and nowhere else, so they cannot disagree. Built once, by the
//! composition root (`cli.rs`); [`Core::reload`] replaces its app (the corpus and every
//! sentence) while it runs.

mod input;
mod messages;
mod presses;

pub use input::{Handled, Incoming, Input, Platform, PollOf, Pressed, Unlimited};

use std::sync::{Arc, PoisonError, RwLock};

use futures::future::BoxFuture;

use crate::app::{App, Defaults, Reply};
use crate::debate::{self, Debates};
use crate::effect::{Effect, Posted};
use crate::homework::{self, Homework, HomeworkSettings};
use crate::i18n::Lang;
use crate::quiz::{self, Quizzes};
use crate::settings::{ChatSettings, DebateSettings, QuizSettings};
use crate::store::{Recorded, Refusal, Store};
use crate::vocab::{Millis, Place, Player, Poll, Timer};

/// Why the core could not answer: an engine's storage failed. Logged where it happens; the
/// user is told (the UI's `store_error`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Quiz(#[from] quiz::Error),
    #[error(transparent)]
    Debate(#[from] debate::Error),
    #[error(transparent)]
    Homework(#[from] homework::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}

/// The app and the engines, shared by every handler. Every input is handled by the engines of
/// one app from start to end; a reload builds new ones over the same store, and the next input
/// gets them (what runs is in the store, so nothing is lost).
#[derive(Clone)]
pub struct Core {
    current: Arc<RwLock<Arc<Engines>>>,
    store: Store,
    settings: (QuizSettings, DebateSettings, HomeworkSettings),
}

/// The app and the engines over it.
struct Engines {
    app: Arc<App>,
    quizzes: Arc<Quizzes>,
    debates: Arc<Debates>,
    homework: Arc<Homework>,
}

impl Engines {
    fn new(
        app: Arc<App>,
        store: &Store,
        settings: (QuizSettings, DebateSettings, HomeworkSettings),
    ) -> Engines {
        let (quiz, debate, homework) = settings;
        let quizzes = Arc::new(Quizzes::new(Arc::clone(&app), store.clone(), quiz));
        Engines {
            homework: Arc::new(Homework::new(
                Arc::clone(&app),
                store.clone(),
                Arc::clone(&quizzes),
                homework,
            )),
            debates: Arc::new(Debates::new(Arc::clone(&app), store.clone(), debate)),
            quizzes,
            app,
        }
    }

    fn store(&self) -> &Store {
        self.quizzes.store()
    }
}

impl Core {
    /// The app and the engines over one store: the composition root builds it once for
    /// whichever adapter runs (tests build their own).
    pub fn new(
        app: Arc<App>,
        store: Store,
        quiz: QuizSettings,
        debate: DebateSettings,
        homework: HomeworkSettings,
    ) -> Core {
        let settings = (quiz, debate, homework);
        Core {
            current: Arc::new(RwLock::new(Arc::new(Engines::new(app, &store, settings)))),
            store,
            settings,
        }
    }

    fn engines(&self) -> Arc<Engines> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// From the next input on, answers with `app` (a corpus and sentences loaded and checked
    /// again: `responses/` edited, an article imported); what runs carries on. Answers the
    /// command menus to set, as at the start: the topics may have changed.
    pub fn reload(&self, app: App) -> Vec<Effect> {
        let engines = Arc::new(Engines::new(Arc::new(app), &self.store, self.settings));
        let menus = engines.menus();
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = engines;
        menus
    }

    /// The records, for what reads them beside the core: the metrics exporter's gauges.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The app answering now, for an adapter that draws what the core sent its own way (the
    /// terminal's prompts and its rendering of a quiz poll) and for the metrics' labels.
    pub fn app(&self) -> Arc<App> {
        Arc::clone(&self.engines().app)
    }

    /// Handles one input; answers the effects to carry out, in order. Never fails: a storage
    /// failure is logged here and the user told, as [`Handled::failed`] says.
    ///
    /// The future is boxed here: a caller awaiting the `async fn` itself would compile its
    /// whole state machine (the engines' included) again into its own crate, the adapter's and
    /// the binary's, each time either changes. Boxed, it is compiled once, in this crate.
    pub fn handle<'a>(
        &'a self,
        input: Input<'a>,
        platform: &'a dyn Platform,
    ) -> BoxFuture<'a, Handled> {
        let engines = self.engines();
        Box::pin(async move { engines.decide(input, platform).await })
    }
}

impl Engines {
    async fn decide(&self, input: Input<'_>, platform: &dyn Platform) -> Handled {
        match input {
            Input::Message(msg) => self.on_message(&msg, platform).await,
            Input::Press(press) => self.on_press(&press, platform).await,
            Input::InlineQuery {
                query,
                offset,
                language_code,
            } => Handled::effects(vec![Effect::AnswerInline(self.app.inline(
                query,
                offset,
                language_code,
            ))]),
            Input::PollAnswer {
                poll_id,
                from,
                shared_identity,
                option_ids,
                now,
            } => {
                self.on_poll_answer(poll_id, from, shared_identity, option_ids, now)
                    .await
            }
            Input::PollSent {
                poll,
                poll_id,
                message_id,
                now,
            } => {
                let sent = match poll {
                    PollOf::Question { quiz, index } => self
                        .quizzes
                        .poll_sent(quiz, index, poll_id, message_id, now)
                        .await
                        .map_err(Error::from),
                    PollOf::Vote { debate, round } => self
                        .debates
                        .poll_sent(debate, round, poll_id, message_id)
                        .await
                        .map_err(Error::from),
                };
                stored("a poll was sent", sent)
            }
            Input::PollRefused {
                poll,
                retry_after,
                now,
            } => {
                let refused = match (poll, retry_after) {
                    // Longer than the adapter waits by itself: the question moves back until
                    // Telegram takes it, and the quiz goes on then.
                    (PollOf::Question { quiz, index }, Some(seconds)) => Ok(vec![Effect::Wake {
                        at: now + i64::from(seconds) * 1000,
                        timer: Timer::Question { quiz, index },
                    }]),
                    (PollOf::Question { quiz, index }, None) => self
                        .quizzes
                        .poll_failed(quiz, index, now)
                        .await
                        .map_err(Error::from),
                    (PollOf::Vote { debate, round }, _) => self
                        .debates
                        .poll_failed(debate, round, now)
                        .await
                        .map_err(Error::from),
                };
                stored("a poll was refused", refused)
            }
            Input::Posted {
                posted: Posted::Card(assignment),
                message_id,
                now: _,
            } => stored(
                "a card was posted",
                self.homework
                    .posted(assignment, message_id)
                    .await
                    .map_err(Error::from),
            ),
            Input::ChatMoved { old, new, now } => {
                match self.store().migrate_chat(old, new, now).await {
                    Ok(moved) => tracing::info!(moved, "a group was upgraded to a supergroup"),
                    Err(e) => tracing::error!(error = %e, "could not move a group's records"),
                }
                Handled::default()
            }
            Input::Due { timer, now } => {
                let due = match timer {
                    Timer::Question { quiz, index } => self
                        .quizzes
                        .wake(quiz, index, now)
                        .await
                        .map_err(Error::from),
                    Timer::Debate { debate } => {
                        self.debates.wake(debate, now).await.map_err(Error::from)
                    }
                    Timer::Assignment { assignment } => self
                        .homework
                        .wake(assignment, now)
                        .await
                        .map_err(Error::from),
                };
                stored("a deadline", due)
            }
            Input::Started { now } => self.on_start(now).await,
            Input::Joined {
                chat,
                language_code,
                can_send_polls,
                bot_username,
            } => {
                // In the language of whoever added it: most likely the teacher.
                let lang = self.app.lang(language_code);
                let reply = self.app.introduction(lang, can_send_polls, bot_username);
                Handled::effects(vec![Effect::Send {
                    place: Place::from(chat),
                    reply,
                }])
            }
            Input::Failed {
                place,
                language_code,
                reply_to,
            } => {
                let lang = self.app.lang(language_code);
                let reply = Reply::plain(self.app.view(lang).ui.internal_error.clone());
                Handled::effects(vec![Effect::Answer {
                    place,
                    reply,
                    reply_to,
                    link: None,
                }])
            }
        }
    }

    /// The command menus: once per language, the default language's for everyone.
    fn menus(&self) -> Vec<Effect> {
        Lang::ALL
            .into_iter()
            .map(|lang| Effect::Menu {
                language: (lang != self.app.default_lang()).then(|| lang.code().to_string()),
                commands: self.app.menu(lang),
            })
            .collect()
    }

    /// The config's defaults, which a chat's unset settings read as.
    fn defaults(&self) -> Defaults {
        Defaults {
            quiz: self.quizzes.settings(),
            debate: self.debates.settings(),
        }
    }

    /// A chat's settings; when they cannot be read, the defaults (logged), so that what needs
    /// no storage keeps working while storage fails.
    async fn settings_or_defaults(&self, chat: i64) -> ChatSettings {
        self.store().chat_settings(chat).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot read a chat's settings; using the defaults");
            ChatSettings::default()
        })
    }

    /// The bot's start: its command menu, once per language (the default language's for
    /// everyone), then the quizzes, debates and homework that were running carry on.
    async fn on_start(&self, now: Millis) -> Handled {
        let mut effects = self.menus();
        match self.quizzes.resume(now).await {
            Ok(resumed) => effects.extend(resumed),
            Err(e) => tracing::error!(error = %e, "cannot resume the running quizzes"),
        }
        // Open votes get their deadline, closed ones their result.
        match self.debates.resume(now).await {
            Ok(resumed) => effects.extend(resumed),
            Err(e) => tracing::error!(error = %e, "cannot resume the open debates"),
        }
        // Deadlines and cards of homework (its attempts are quizzes, resumed above).
        match self.homework.resume(now).await {
            Ok(resumed) => effects.extend(resumed),
            Err(e) => tracing::error!(error = %e, "cannot resume the open homework"),
        }
        Handled::effects(effects)
    }

    /// A poll answer: an answer in a quiz, or a vote in a debate, whichever poll it is. A
    /// question of a quiz in a private chat, answered by its one player, moves on at once.
    /// An answer under a shared identity (a channel) is refused, whatever the poll: the bot's
    /// polls are not anonymous, as a quiz scores a person and a vote counts one.
    async fn on_poll_answer(
        &self,
        poll_id: &str,
        from: &Player,
        shared_identity: bool,
        option_ids: &[u8],
        now: Millis,
    ) -> Handled {
        if shared_identity {
            return Handled {
                recorded: Some((None, Recorded::Refused(Refusal::Anonymous))),
                ..Handled::default()
            };
        }
        let recorded = async {
            match self.quizzes.answer(poll_id, from, option_ids, now).await? {
                Recorded::UnknownPoll => Ok::<_, Error>(
                    match self.debates.vote(poll_id, from, option_ids, now).await? {
                        Recorded::UnknownPoll => (None, Recorded::UnknownPoll, Vec::new()),
                        recorded => (Some(Poll::Debate), recorded, Vec::new()),
                    },
                ),
                recorded => {
                    let next = match recorded {
                        Recorded::Counted => self.quizzes.answered(poll_id, now).await?,
                        _ => Vec::new(),
                    };
                    Ok((Some(Poll::Quiz), recorded, next))
                }
            }
        };
        match recorded.await {
            Ok((poll, recorded, effects)) => Handled {
                effects,
                recorded: Some((poll, recorded)),
                ..Handled::default()
            },
            Err(e) => {
                tracing::error!(error = %e, "a poll answer could not be stored");
                Handled {
                    failed: true,
                    ..Handled::default()
                }
            }
        }
    }
}

/// What an engine's step decided, or nothing when its storage failed (logged, with `when`).
fn stored(when: &str, decided: Result<Vec<Effect>, Error>) -> Handled {
    match decided {
        Ok(effects) => Handled::effects(effects),
        Err(e) => {
            tracing::error!(error = %e, when, "storage failed");
            Handled {
                failed: true,
                ..Handled::default()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{self, Builtin, Route};
    use crate::vocab::ChatKind;

    /// Where `text` goes, and the built-in command it is for this bot.
    fn routed(text: &str) -> (Route, Option<(Builtin, String)>) {
        let from = Player {
            id: 1,
            name: "A".into(),
            language_code: None,
        };
        let parsed = command::parse(text);
        let msg = Incoming {
            place: Place::from(-1),
            kind: ChatKind::Group,
            from: &from,
            text,
            command: parsed.as_ref(),
            bot_username: Some("debate_bot"),
            message_id: None,
            now: Millis(0),
            sent_at: Millis(0),
            shared_identity: false,
        };
        let builtin = msg.builtin().map(|(b, args)| (b, args.to_string()));
        (msg.route(), builtin)
    }

    #[test]
    fn a_builtin_for_this_bot_goes_to_its_part_anything_else_to_the_app() {
        assert_eq!(
            routed("/Stop@Debate_Bot"),
            (Route::Quiz, Some((Builtin::Stop, String::new())))
        );
        let debate = (Route::Debate, Some((Builtin::Debate, "close".into())));
        assert_eq!(routed("/debate  close"), debate);
        assert_eq!(routed("/settings").0, Route::Settings);
        assert_eq!(routed("/help").0, Route::App);
        for other in ["/quiz@other_bot", "/closed", "/nothing", "quiz", ""] {
            assert_eq!(routed(other), (Route::App, None), "{other}");
        }
    }
}
