//! The one way in and out: [`Core::handle`] takes every [`Input`] that reaches the bot (a
//! message, a button press, an inline query, a poll answer, a poll sent or refused, a chat
//! that moved, a timer, the bot's start, its joining a group) and answers the [`Effect`]s to
//! carry out. It routes each input to the app, the quiz engine or the debate engine, with the
//! chat's settings (`/settings`: its language, who may start, a quiz's pace and scoring), and
//! chooses every sentence, button and refusal a user sees. Both adapters (Telegram, the
//! terminal) go through here and nowhere else, so they cannot disagree. Built once, by the
//! composition root (`cli.rs`).

mod input;

pub use input::{Handled, Incoming, Input, Platform, PollOf, Pressed, Unlimited};

use std::sync::Arc;

use futures::future::BoxFuture;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::app::{App, Defaults, Press, Reply, Request};
use crate::command::{Builtin, Route};
use crate::debate::{self, DebateRequest, Debates};
use crate::effect::{Effect, Link};
use crate::i18n::{Lang, fill};
use crate::limits::Verdict;
use crate::quiz::{self, QuizRequest, Quizzes};
use crate::settings::{ChatSettings, DebateSettings, QuizSettings, SettingChange};
use crate::store::{Recorded, Store};
use crate::vocab::{ChatKind, Millis, Place, Player, Poll, Timer};

/// Why the core could not answer: an engine's storage failed. Logged where it happens; the
/// user is told (the UI's `store_error`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Quiz(#[from] quiz::Error),
    #[error(transparent)]
    Debate(#[from] debate::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
}

/// The app and the two engines, built once and shared by every handler.
#[derive(Clone)]
pub struct Core {
    app: Arc<App>,
    quizzes: Arc<Quizzes>,
    debates: Arc<Debates>,
}

/// What a message comes to, before the chat's budget is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
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
    /// The app and both engines over one store: the composition root builds it once for
    /// whichever adapter runs (tests build their own).
    pub fn new(app: Arc<App>, store: Store, quiz: QuizSettings, debate: DebateSettings) -> Core {
        Core {
            quizzes: Arc::new(Quizzes::new(Arc::clone(&app), store.clone(), quiz)),
            debates: Arc::new(Debates::new(Arc::clone(&app), store, debate)),
            app,
        }
    }

    /// The records, for what reads them beside the core: the metrics exporter's gauges.
    pub fn store(&self) -> &Store {
        self.quizzes.store()
    }

    /// The topic commands (`closed`, `open`, ...), for the metrics' labels.
    pub fn topic_commands(&self) -> impl Iterator<Item = &str> {
        self.app.corpus().topics.iter().map(|t| t.command.as_str())
    }

    /// The sentences in `lang`, for an adapter that draws what the core sent its own way (the
    /// terminal's prompts and its rendering of a quiz poll).
    pub fn ui(&self, lang: Lang) -> &crate::i18n::UiText {
        self.app.view(lang).ui
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
        Box::pin(self.decide(input, platform))
    }

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
                option_ids,
                now,
            } => self.on_poll_answer(poll_id, from, option_ids, now).await,
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
                    PollOf::Vote { debate } => self
                        .debates
                        .poll_sent(debate, poll_id, message_id)
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
                    (PollOf::Vote { debate }, _) => self
                        .debates
                        .poll_failed(debate, now)
                        .await
                        .map_err(Error::from),
                };
                stored("a poll was refused", refused)
            }
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
    /// everyone), then the quizzes and debates that were running carry on.
    async fn on_start(&self, now: Millis) -> Handled {
        let mut effects: Vec<Effect> = Lang::ALL
            .into_iter()
            .map(|lang| Effect::Menu {
                language: (lang != self.app.default_lang()).then(|| lang.code().to_string()),
                commands: self.app.menu(lang),
            })
            .collect();
        match self.quizzes.resume(now).await {
            Ok(resumed) => effects.extend(resumed),
            Err(e) => tracing::error!(error = %e, "cannot resume the running quizzes"),
        }
        // Open votes get their deadline, closed ones their result.
        match self.debates.resume(now).await {
            Ok(resumed) => effects.extend(resumed),
            Err(e) => tracing::error!(error = %e, "cannot resume the open debates"),
        }
        Handled::effects(effects)
    }

    /// A message: a reading command is answered (or found not to be for this bot) before it
    /// takes from the chat's budget; a quiz or debate command runs only within the budget.
    /// Over the budget, the first answer a minute is the slow-down notice, the rest nothing.
    async fn on_message(&self, msg: &Incoming<'_>, platform: &dyn Platform) -> Handled {
        let stale_minutes = platform.stale_minutes();
        let read = if msg.route() == Route::App {
            match self.message(msg, false, stale_minutes).await {
                Ok(Outcome::Ignored) => return Handled::default(),
                outcome => Some(outcome),
            }
        } else {
            None
        };
        let verdict = platform.budget();
        let outcome = match (verdict, read) {
            (Verdict::Drop, _) => {
                return Handled {
                    verdict: Some(verdict),
                    ..Handled::default()
                };
            }
            (Verdict::SlowDown, _) => {
                let lang = self.lang_of(msg).await;
                let notice = self.app.slow_down(lang, platform.replies_per_minute());
                Ok(Outcome::Answer {
                    command: "slow_down".into(),
                    reply: Reply::plain(notice),
                })
            }
            (Verdict::Send, Some(read)) => read,
            (Verdict::Send, None) => {
                let is_admin = match self.needs_admin(msg).await {
                    Ok(true) => platform.sender_is_admin().await,
                    Ok(false) => false,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot tell who may manage the chat's activity");
                        false
                    }
                };
                self.message(msg, is_admin, stale_minutes).await
            }
        };
        let reply_to = msg.message_id.filter(|_| msg.kind == ChatKind::Group);
        let (command, effects, failed) = match outcome {
            Ok(Outcome::Ignored) => return Handled::default(),
            Ok(Outcome::Answer { command, reply }) => {
                let link = self.add_to_group(msg, &command).await;
                let answer = Effect::Answer {
                    place: msg.place,
                    reply,
                    reply_to,
                    link,
                };
                (command, vec![answer], false)
            }
            Ok(Outcome::Effects { command, effects }) => (command, effects, false),
            Err(e) => {
                let command = msg
                    .command
                    .map(|c| c.name().to_string())
                    .unwrap_or_default();
                tracing::error!(error = %e, command = %command, "a stored command failed");
                let lang = self.lang_of(msg).await;
                let apology = Effect::Answer {
                    place: msg.place,
                    reply: Reply::plain(self.app.view(lang).ui.store_error.clone()),
                    reply_to,
                    link: None,
                };
                (command, vec![apology], true)
            }
        };
        Handled {
            effects,
            command,
            verdict: Some(verdict),
            recorded: None,
            failed,
        }
    }

    /// The language to speak to the sender of `msg` in: the chat's when its settings fix one,
    /// else theirs.
    async fn lang_of(&self, msg: &Incoming<'_>) -> Lang {
        let settings = self.settings_or_defaults(msg.place.chat).await;
        self.app
            .lang_in(&settings, msg.from.language_code.as_deref())
    }

    /// Under `/start` in a private chat: Telegram's link that adds the bot to a group of the
    /// user's choice and sends it `/start quiz` there (`https://t.me/<bot>?startgroup=quiz`,
    /// the Bot API's "deep linking").
    async fn add_to_group(&self, msg: &Incoming<'_>, command: &str) -> Option<Link> {
        if msg.kind != ChatKind::Private || command != Builtin::Start.name() {
            return None;
        }
        let username = msg.bot_username?;
        let lang = self.lang_of(msg).await;
        Some(Link {
            label: self.app.view(lang).ui.button_add_to_group.clone(),
            url: format!(
                "https://t.me/{username}?startgroup={}",
                crate::app::START_GROUP
            ),
        })
    }

    /// Whether answering `msg` needs to know if its sender administers the chat (asked of
    /// Telegram only then), in a group: `/stop`, `/report` or `/debate close` from someone
    /// other than the starter; `/settings`; a `/quiz` or `/debate` that would start one where
    /// only admins may.
    async fn needs_admin(&self, msg: &Incoming<'_>) -> Result<bool, Error> {
        let Some((command, args)) = msg.builtin() else {
            return Ok(false);
        };
        Ok(match command.route() {
            Route::Settings => msg.kind == ChatKind::Group,
            Route::Quiz => {
                self.quizzes
                    .needs_admin_check(msg.place, msg.kind, msg.from, command, args)
                    .await?
            }
            Route::Debate => {
                self.debates
                    .needs_admin_check(&debate(msg, args, false))
                    .await?
            }
            Route::App | Route::Forget => false,
        })
    }

    /// Answers a message. `stale_minutes`: a `/quiz` or `/debate` that waited longer starts
    /// nothing (see [`App::stale_start`]).
    async fn message(
        &self,
        msg: &Incoming<'_>,
        is_admin: bool,
        stale_minutes: u32,
    ) -> Result<Outcome, Error> {
        let mut rng = StdRng::from_rng(&mut rand::rng());
        let addressed = msg
            .builtin()
            .map(|(command, args)| (command.route(), command, args));
        let settings = self.settings_or_defaults(msg.place.chat).await;
        // The chat's language when its settings fix one, else the sender's.
        let lang = self
            .app
            .lang_in(&settings, msg.from.language_code.as_deref());
        let language_code = Some(lang.code());
        if let Some((part, command, args)) = addressed
            && part != Route::App
        {
            let waited = msg.now - msg.sent_at;
            if let Some(reply) =
                self.app
                    .stale_start(command, args, language_code, waited, stale_minutes)
            {
                return Ok(Outcome::Answer {
                    command: "stale".into(),
                    reply,
                });
            }
        }
        // What to call it in the logs is its name: never the user's words.
        Ok(match addressed {
            Some((Route::Forget, command, _)) => Outcome::Effects {
                command: command.name().into(),
                effects: vec![Effect::say(msg.place, self.forget(msg, lang).await?)],
            },
            Some((Route::Quiz, command, args)) => {
                let request = QuizRequest {
                    place: msg.place,
                    kind: msg.kind,
                    player: msg.from,
                    command,
                    args,
                    is_admin,
                    now: msg.now,
                };
                Outcome::Effects {
                    command: command.name().into(),
                    effects: self.quizzes.handle(&request, &mut rng).await?,
                }
            }
            Some((Route::Debate, command, args)) => Outcome::Effects {
                command: command.name().into(),
                effects: self
                    .debates
                    .handle(&debate(msg, args, is_admin), &mut rng)
                    .await?,
            },
            Some((Route::Settings, command, _)) => Outcome::Answer {
                command: command.name().into(),
                reply: if msg.kind == ChatKind::Group && !is_admin {
                    Reply::plain(self.app.view(lang).ui.settings_only_admins.clone())
                } else {
                    self.app.settings_reply(lang, &settings, self.defaults())
                },
            },
            Some((Route::App, ..)) | None => {
                let request = Request {
                    chat: msg.kind,
                    language_code,
                    text: msg.text,
                    command: msg.command,
                    bot_username: msg.bot_username,
                };
                match self.app.handle(&request, &mut rng) {
                    Some(mut handled) => {
                        if let Some((_, Builtin::Help, _)) = addressed {
                            let foot = self.app.settings_foot(lang, &settings, self.defaults());
                            handled.reply.doc.blank().append(foot);
                        }
                        Outcome::Answer {
                            command: handled.command,
                            reply: handled.reply,
                        }
                    }
                    None => Outcome::Ignored,
                }
            }
        })
    }

    /// `/forgetme`: the sender's quiz answers, debate votes and name go everywhere, and they
    /// are taken off what they started; answers how many answers and votes went. Someone
    /// writing under an identity many people share (an anonymous admin, a channel) cannot be
    /// told apart from the others, so nothing is forgotten and they are told why.
    async fn forget(&self, msg: &Incoming<'_>, lang: Lang) -> Result<String, Error> {
        let ui = self.app.view(lang).ui;
        if msg.shared_identity {
            return Ok(ui.quiz_forget_shared.clone());
        }
        let removed = self.store().forget(msg.from.id).await?;
        Ok(fill(&ui.quiz_forgotten, &[("count", &removed.to_string())]))
    }

    /// A button press: the press is answered (with a short notice, or none) and, when the
    /// button changes its message, the message is replaced, within the chat's budget (over
    /// it, the presser is told to slow down and the message stays).
    async fn on_press(&self, press: &Pressed<'_>, platform: &dyn Platform) -> Handled {
        let decided = self.press(press, platform).await;
        let effects = match decided {
            Press::Notice(text) => vec![Effect::AnswerPress { notice: Some(text) }],
            Press::Edit(reply) if platform.may_edit(&reply) => vec![
                Effect::AnswerPress { notice: None },
                Effect::EditPressed { reply },
            ],
            Press::Edit(_) => {
                let lang = self.app.lang(press.from.language_code.as_deref());
                let notice = self.app.slow_down(lang, platform.replies_per_minute());
                vec![Effect::AnswerPress {
                    notice: Some(notice),
                }]
            }
        };
        Handled::effects(effects)
    }

    /// What a press does. A settings button changes the chat's settings (an admin's press, in
    /// a group) and shows them anew; forged data or a member's press gets a notice and changes
    /// nothing. Every other button is the app's, decided without waiting for anything.
    async fn press(&self, press: &Pressed<'_>, platform: &dyn Platform) -> Press {
        let language_code = press.from.language_code.as_deref();
        let mut rng = StdRng::from_rng(&mut rand::rng());
        if !SettingChange::is_settings_data(press.data) {
            return self.app.press(press.data, language_code, &mut rng);
        }
        let ui = self.app.view(self.app.lang(language_code)).ui;
        let (Some((chat, kind)), Some((shown_in, change))) =
            (press.chat, SettingChange::decode(press.data))
        else {
            return Press::Notice(ui.button_stale.clone());
        };
        // Telegram is asked only for a settings button pressed in a group.
        if kind == ChatKind::Group && !platform.sender_is_admin().await {
            return Press::Notice(ui.settings_press_only_admins.clone());
        }
        match self
            .store()
            .change_chat_settings(chat, change, press.now)
            .await
        {
            // In the chat's language once it has one (a press of "English" shows it at once).
            Ok(settings) => Press::Edit(self.app.settings_reply(
                settings.lang(shown_in),
                &settings,
                self.defaults(),
            )),
            Err(e) => {
                tracing::error!(error = %e, "cannot store a chat's settings");
                Press::Notice(ui.store_error.clone())
            }
        }
    }

    /// A poll answer: an answer in a quiz, or a vote in a debate, whichever poll it is. A
    /// question of a quiz in a private chat, answered by its one player, moves on at once.
    async fn on_poll_answer(
        &self,
        poll_id: &str,
        from: &Player,
        option_ids: &[u8],
        now: Millis,
    ) -> Handled {
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

fn debate<'a>(msg: &Incoming<'a>, args: &'a str, is_admin: bool) -> DebateRequest<'a> {
    DebateRequest {
        place: msg.place,
        kind: msg.kind,
        player: msg.from,
        args,
        is_admin,
        now: msg.now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command;

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
