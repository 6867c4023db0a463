//! The one way in: [`Core`] takes what reached the bot (a message, a button press, a poll
//! answer, a timer) and routes it to the app, the quiz engine or the debate engine, with the
//! chat's settings (`/settings`: its language, who may start, a quiz's pace and scoring);
//! what they decide comes back as an [`Outcome`] or as [`Effect`]s for the adapter's one
//! interpreter. Both adapters (Telegram, the terminal) go through here, so a command is routed
//! in one place. Built once, in `main.rs`.

use std::sync::Arc;

use rand::Rng;

use crate::app::{App, Defaults, Press, Reply, Request};
use crate::command::{Builtin, Command, Part};
use crate::debate::{self, DebateRequest, DebateSettings, Debates};
use crate::effect::{Effect, Place, Timer};
use crate::quiz::{self, QuizRequest, QuizSettings, Quizzes};
use crate::settings::{Change, ChatSettings};
use crate::store::{Recorded, Store};
use crate::vocab::{ChatKind, Millis, Player};

/// Why the core could not answer: an engine's storage failed. The adapter logs it and
/// apologises (the UI's `store_error`).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Quiz(#[from] quiz::Error),
    #[error(transparent)]
    Debate(#[from] debate::Error),
}

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
    /// `text` read as a command, by the adapter, once ([`crate::command::parse`]); `None` when
    /// it is not one.
    pub command: Option<&'a Command<'a>>,
    /// This bot's username, to tell `/cmd@thisbot` from `/cmd@otherbot`.
    pub bot_username: Option<&'a str>,
    /// When it arrived, and when it was sent: a start that waited too long while the bot was
    /// down starts nothing.
    pub now: Millis,
    pub sent_at: Millis,
    /// Sent under an identity many people share (an admin writing anonymously as the group, a
    /// channel): such a sender cannot be told apart from the others, so it cannot be forgotten.
    pub shared_identity: bool,
}

/// A button press as the core sees it.
#[derive(Debug, Clone, Copy)]
pub struct Pressed<'a> {
    /// The chat of the message the button is under, and its kind; `None` for a message sent
    /// through inline mode, whose chat the bot is not told.
    pub chat: Option<(i64, ChatKind)>,
    pub from: &'a Player,
    pub data: &'a str,
    pub now: Millis,
}

impl<'a> Incoming<'a> {
    /// The built-in command this message is, with its arguments, when it is one for this bot.
    pub fn builtin(&self) -> Option<(Builtin, &'a str)> {
        let command = self.command.filter(|c| c.is_for(self.bot_username))?;
        Some((command.builtin()?, command.args))
    }

    /// Which part of the bot answers this message: a built-in command's own (see
    /// [`Builtin::part`]); the app for anything else (text, topic commands, unknown commands,
    /// other bots' commands).
    pub fn route(&self) -> Part {
        self.builtin()
            .map_or(Part::App, |(builtin, _)| builtin.part())
    }
}

/// Whose poll a poll answer was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Poll {
    Quiz,
    Debate,
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
    /// The app and both engines over one store: the composition root, `main.rs`, builds it
    /// once for whichever adapter runs (tests build their own).
    pub fn new(app: Arc<App>, store: Store, quiz: QuizSettings, debate: DebateSettings) -> Core {
        Core {
            quizzes: Arc::new(Quizzes::new(Arc::clone(&app), store.clone(), quiz)),
            debates: Arc::new(Debates::new(Arc::clone(&app), store, debate)),
            app,
        }
    }
    /// The config's defaults, which a chat's unset settings read as.
    pub fn defaults(&self) -> Defaults {
        Defaults {
            quiz: self.quizzes.settings(),
            debate: self.debates.settings(),
        }
    }

    /// The language to post in, in `chat`, for someone whose Telegram language is
    /// `language_code`: the chat's when its settings fix one, else theirs.
    pub async fn lang(&self, chat: i64, language_code: Option<&str>) -> crate::i18n::Lang {
        let own = self.app.lang(language_code);
        self.settings_or_defaults(chat).await.lang(own)
    }

    /// A chat's settings; when they cannot be read, the defaults (logged), so that what needs
    /// no storage keeps working while storage fails.
    async fn settings_or_defaults(&self, chat: i64) -> ChatSettings {
        self.quizzes
            .store()
            .chat_settings(chat)
            .await
            .unwrap_or_else(|e| {
                tracing::error!(error = %e, "cannot read a chat's settings; using the defaults");
                ChatSettings::default()
            })
    }

    /// Whether answering `msg` needs to know if its sender administers the chat (asked of
    /// Telegram only then), in a group: `/stop`, `/report` or `/debate close` from someone
    /// other than the starter; `/settings`; a `/quiz` or `/debate` that would start one where
    /// only admins may.
    pub async fn needs_admin(&self, msg: &Incoming<'_>) -> Result<bool, Error> {
        let Some((command, args)) = msg.builtin() else {
            return Ok(false);
        };
        Ok(match command.part() {
            Part::Settings => msg.kind == ChatKind::Group,
            Part::Quiz => {
                self.quizzes
                    .needs_admin_check(msg.place, msg.kind, msg.from, command, args)
                    .await?
            }
            Part::Debate => {
                self.debates
                    .needs_admin_check(&debate(msg, args, false))
                    .await?
            }
            Part::App => false,
        })
    }

    /// Answers a message. `stale_minutes`: a `/quiz` or `/debate` that waited longer starts
    /// nothing (see [`App::stale_start`]).
    pub async fn message(
        &self,
        msg: &Incoming<'_>,
        is_admin: bool,
        stale_minutes: u32,
        rng: &mut (impl Rng + Send),
    ) -> Result<Outcome, Error> {
        let addressed = msg
            .builtin()
            .map(|(command, args)| (command.part(), command, args));
        let settings = self.settings_or_defaults(msg.place.chat).await;
        // The chat's language when its settings fix one, else the sender's.
        let lang = settings.lang(self.app.lang(msg.from.language_code.as_deref()));
        let language_code = Some(lang.code());
        if let Some((part, command, args)) = addressed
            && part != Part::App
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
            Some((Part::Quiz, Builtin::Forgetme, _)) if msg.shared_identity => Outcome::Effects {
                command: Builtin::Forgetme.name().into(),
                effects: self.quizzes.forget_shared(msg.place, msg.from).await?,
            },
            Some((Part::Quiz, command, args)) => {
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
                    effects: self.quizzes.handle(&request, rng).await?,
                }
            }
            Some((Part::Debate, command, args)) => Outcome::Effects {
                command: command.name().into(),
                effects: self
                    .debates
                    .handle(&debate(msg, args, is_admin), rng)
                    .await?,
            },
            Some((Part::Settings, command, _)) => Outcome::Answer {
                command: command.name().into(),
                reply: if msg.kind == ChatKind::Group && !is_admin {
                    Reply::plain(self.app.view(lang).ui.settings_only_admins.clone())
                } else {
                    self.app.settings_reply(lang, &settings, self.defaults())
                },
            },
            Some((Part::App, ..)) | None => {
                let request = Request {
                    chat: msg.kind,
                    language_code,
                    text: msg.text,
                    command: msg.command,
                    bot_username: msg.bot_username,
                };
                match self.app.handle(&request, rng) {
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

    /// Answers a press that needs neither Telegram nor storage (every button but the
    /// settings'), at once; `None` for a settings button: see [`Core::press`].
    pub fn press_now(
        &self,
        data: &str,
        language_code: Option<&str>,
        rng: &mut impl Rng,
    ) -> Option<Press> {
        (!Change::is_settings_data(data)).then(|| self.app.press(data, language_code, rng))
    }

    /// Whether answering a press needs to know if the presser administers the chat: a
    /// settings button in a group.
    pub fn press_needs_admin(press: &Pressed<'_>) -> bool {
        matches!(press.chat, Some((_, ChatKind::Group))) && Change::is_settings_data(press.data)
    }

    /// Answers a button press. A settings button changes the chat's settings (an admin's
    /// press, in a group) and shows them anew; forged data or a member's press gets a notice
    /// and changes nothing. Every other button is the app's.
    pub async fn press(
        &self,
        press: &Pressed<'_>,
        is_admin: bool,
        rng: &mut (impl Rng + Send),
    ) -> Press {
        let language_code = press.from.language_code.as_deref();
        if !Change::is_settings_data(press.data) {
            return self.app.press(press.data, language_code, rng);
        }
        let ui = self.app.view(self.app.lang(language_code)).ui;
        let (Some((chat, kind)), Some((shown_in, change))) =
            (press.chat, Change::decode(press.data))
        else {
            return Press::Notice(ui.button_stale.clone());
        };
        if kind == ChatKind::Group && !is_admin {
            return Press::Notice(ui.settings_press_only_admins.clone());
        }
        let store = self.quizzes.store();
        match store.change_chat_settings(chat, change, press.now).await {
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

    /// A poll answer: an answer in a quiz, or a vote in a debate, whichever poll it is; with
    /// whose poll it was, when it is known.
    pub async fn poll_answer(
        &self,
        poll_id: &str,
        from: &Player,
        option_ids: &[u8],
        now: Millis,
    ) -> Result<(Option<Poll>, Recorded), Error> {
        match self.quizzes.answer(poll_id, from, option_ids, now).await? {
            Recorded::UnknownPoll => Ok(
                match self.debates.vote(poll_id, from, option_ids, now).await? {
                    Recorded::UnknownPoll => (None, Recorded::UnknownPoll),
                    recorded => (Some(Poll::Debate), recorded),
                },
            ),
            recorded => Ok((Some(Poll::Quiz), recorded)),
        }
    }

    /// A timer is due.
    pub async fn wake(&self, timer: Timer, now: Millis) -> Result<Vec<Effect>, Error> {
        Ok(match timer {
            Timer::Question { quiz, index } => self.quizzes.wake(quiz, index, now).await?,
            Timer::Debate { debate } => self.debates.wake(debate, now).await?,
        })
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
    fn routed(text: &str) -> (Part, Option<(Builtin, String)>) {
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
            (Part::Quiz, Some((Builtin::Stop, String::new())))
        );
        let debate = (Part::Debate, Some((Builtin::Debate, "close".into())));
        assert_eq!(routed("/debate  close"), debate);
        assert_eq!(routed("/settings").0, Part::Settings);
        assert_eq!(routed("/help").0, Part::App);
        for other in ["/quiz@other_bot", "/closed", "/nothing", "quiz", ""] {
            assert_eq!(routed(other), (Part::App, None), "{other}");
        }
    }
}
