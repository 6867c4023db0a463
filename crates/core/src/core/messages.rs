//! Messages: a reading command answered before the chat's budget is asked, a quiz, debate,
//! settings or `/forgetme` command within it; who must be an admin, stale starts, the
//! slow-down notice, the apology for a storage failure, and `/start`'s link.

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Engines, Error, Handled, Incoming, Platform};
use crate::app::{Reply, Request};
use crate::command::{Builtin, Route};
use crate::debate::DebateRequest;
use crate::effect::{Effect, Link};
use crate::homework::HomeworkRequest;
use crate::i18n::{Lang, fill};
use crate::limits::Verdict;
use crate::quiz::QuizRequest;
use crate::vocab::{ChatKind, Members};

/// What a message comes to, before the chat's budget is asked.
#[derive(Debug, Clone, PartialEq)]
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

impl Engines {
    /// A message: a reading command is answered (or found not to be for this bot) before it
    /// takes from the chat's budget; a quiz or debate command runs only within the budget.
    /// Over the budget, the first answer a minute is the slow-down notice, the rest nothing.
    pub(super) async fn on_message(&self, msg: &Incoming<'_>, platform: &dyn Platform) -> Handled {
        let stale_minutes = platform.stale_minutes();
        let read = if msg.route() == Route::App {
            match self.message(msg, false, stale_minutes, platform).await {
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
                self.message(msg, is_admin, stale_minutes, platform).await
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
    /// other than the starter; `/assign close`; `/settings`, `/top reset` and `/report all`; a
    /// `/quiz`, `/debate` or `/assign` that would start one where only admins may.
    async fn needs_admin(&self, msg: &Incoming<'_>) -> Result<bool, Error> {
        let Some((command, args)) = msg.builtin() else {
            return Ok(false);
        };
        Ok(match command.route_with(args) {
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
            Route::Homework => {
                self.homework
                    .needs_admin_check(&homework(msg, command, args, false))
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
        members: &dyn Members,
    ) -> Result<Outcome, Error> {
        let mut rng = StdRng::from_rng(&mut rand::rng());
        let addressed = msg
            .builtin()
            .map(|(command, args)| (command.route_with(args), command, args));
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
            Some((Route::Homework, command, args)) => Outcome::Effects {
                command: command.name().into(),
                effects: self
                    .homework
                    .handle(&homework(msg, command, args, is_admin), members, &mut rng)
                    .await?,
            },
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
                    scope: self.app.scope(&settings),
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
}

fn homework<'a>(
    msg: &Incoming<'a>,
    command: Builtin,
    args: &'a str,
    is_admin: bool,
) -> HomeworkRequest<'a> {
    HomeworkRequest {
        place: msg.place,
        kind: msg.kind,
        player: msg.from,
        command,
        args,
        is_admin,
        bot_username: msg.bot_username,
        now: msg.now,
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
