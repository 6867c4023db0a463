//! The Telegram interpreter of the core's [`Effect`]s: messages (and edits of the bot's own),
//! pictures, native quiz polls, a debate's motion and vote, stopPoll, documents, and wake-ups at
//! deadlines (a sleeping task each;
//! after a restart the engines' `resume` schedules them again from what is stored). Every
//! effect goes to its [`Place`]: the chat and, in a forum, the topic. What an effect leads to
//! (a sent poll's wake-up, a deadline's next question) is carried out in turn. Quiz and debate
//! messages take from the chat's budget but are never dropped.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use teloxide::RequestError;
use teloxide::payloads::{SendDocument, SendDocumentSetters};
use teloxide::prelude::*;
use teloxide::requests::MultipartRequest;
use teloxide::types::{InputFile, MessageId};

use super::outbox::{Audience, Outbox};
use super::polls::{self, SendPoll};
use super::send::{self, AnswerAs};
use crate::clock::{self, now_ms};
use crate::core::{Core, Input, PollOf, Unlimited};
use crate::effect::Effect;
use crate::vocab::{ChatKind, Place, PollSpec, VotePoll};

/// Why an effect's calls did not go through.
enum Failure {
    /// The group was upgraded to the supergroup with this id.
    Moved(i64),
    /// Anything else (logged where it happened).
    Failed,
}

/// Carries effects out on Telegram: the bot, the way out, and the core to report back to.
#[derive(Clone)]
pub struct Interpreter {
    pub bot: Bot,
    pub outbox: Arc<Outbox>,
    pub core: Core,
    /// Where replies wait their turn, per chat, off the dispatch.
    pub lanes: super::lanes::Lanes,
    /// Groups upgraded lately: Telegram reports the bot as joining each, and it is no join.
    pub upgrades: super::upgrades::Upgrades,
    /// Told each time a quiz poll or a debate's vote is stored as sent: an answer that came
    /// first, for a poll not known yet, is tried again then (see `handlers::record`).
    pub polls_stored: Arc<tokio::sync::Notify>,
    /// Each voter's poll answers, stored in the order Telegram sent them.
    pub(super) answers_in_order: Arc<super::answers::InOrder>,
}

impl Interpreter {
    /// Hands `input` to the core, for inputs no one is waiting on (a timer, a sent poll, a
    /// moved chat), and carries out what it decides.
    pub async fn tell(&self, input: Input<'_>) {
        let handled = self.core.handle(input, &Unlimited).await;
        self.carry_out(handled.effects).await;
    }

    /// Carries out `effects` in order, and what each leads to; answers whether every call
    /// went through (each failure is logged where it happened).
    pub fn carry_out(&self, effects: Vec<Effect>) -> Pin<Box<dyn Future<Output = bool> + Send>> {
        let this = self.clone();
        Box::pin(async move {
            let mut ok = true;
            for effect in effects {
                let (more, done) = this.one(effect).await;
                ok &= done;
                if !more.is_empty() {
                    ok &= this.carry_out(more).await;
                }
            }
            ok
        })
    }

    /// Carries out one effect; answers what it leads to. A call refused because the group was
    /// upgraded to a supergroup (400 with `parameters.migrate_to_chat_id`: the Bot API's
    /// ResponseParameters) moves the chat's records to the new id and is made once more there,
    /// so a quiz or debate running at the upgrade carries on in the new chat.
    async fn one(&self, effect: Effect) -> (Vec<Effect>, bool) {
        match self.attempt(effect.clone(), true).await {
            Ok(more) => (more, true),
            Err(Failure::Moved(new)) => {
                let mut effect = effect;
                if let Some(old) = effect.move_to(new) {
                    self.migrate(old, new).await;
                }
                match self.attempt(effect, false).await {
                    Ok(more) => (more, true),
                    Err(_) => (Vec::new(), false),
                }
            }
            Err(Failure::Failed) => (Vec::new(), false),
        }
    }

    /// The group `old` is now the supergroup `new`: move what is kept under `old`.
    pub async fn migrate(&self, old: i64, new: i64) {
        self.upgrades.record(new);
        let now = now_ms();
        self.tell(Input::ChatMoved { old, new, now }).await;
    }

    /// Makes one effect's calls; answers what it leads to, or why not: Telegram says the group
    /// moved (only when `may_move`; else that is a failure like others), or a call failed
    /// (logged here).
    async fn attempt(&self, effect: Effect, may_move: bool) -> Result<Vec<Effect>, Failure> {
        let (bot, outbox) = (&self.bot, &self.outbox);
        let moved = |e: &anyhow::Error| match e.downcast_ref::<RequestError>() {
            Some(RequestError::MigrateToChatId(to)) if may_move => Some(Failure::Moved(to.0)),
            _ => None,
        };
        let failed = |e: anyhow::Error, what: &str| {
            Err(moved(&e).unwrap_or_else(|| {
                tracing::warn!(error = %e, "could not {what}");
                Failure::Failed
            }))
        };
        match effect {
            Effect::Send { place, reply } => {
                outbox.limits.reserve(place.chat, place.kind()).await;
                match send::send(bot, outbox, place, &reply, None).await {
                    Ok(()) => Ok(Vec::new()),
                    Err(e) => failed(e.into(), "send a quiz or debate message"),
                }
            }
            Effect::Answer {
                place,
                reply,
                reply_to,
                link,
            } => {
                let reply_to = reply_to.map(|id| MessageId(id as i32));
                let link = link.and_then(send::link_button);
                match send::send_with_link(bot, outbox, place, &reply, reply_to, link).await {
                    Ok(_) => Ok(Vec::new()),
                    Err(e) => failed(e.into(), "answer a message"),
                }
            }
            Effect::Post {
                place,
                reply,
                link,
                then,
            } => {
                outbox.limits.reserve(place.chat, place.kind()).await;
                let link = link.and_then(send::link_button);
                match send::send_with_link(bot, outbox, place, &reply, None, link).await {
                    Ok(sent) => match then {
                        Some(posted) => {
                            let input = Input::Posted {
                                posted,
                                message_id: i64::from(sent.message_id),
                                now: now_ms(),
                            };
                            Ok(self.core.handle(input, &Unlimited).await.effects)
                        }
                        None => Ok(Vec::new()),
                    },
                    Err(e) => failed(e.into(), "post a message"),
                }
            }
            Effect::Edit {
                place,
                message_id,
                reply,
                link,
            } => {
                outbox.limits.reserve(place.chat, place.kind()).await;
                let link = link.and_then(send::link_button);
                let message = MessageId(message_id as i32);
                let chat = ChatId(place.chat);
                match send::edit_with_link(bot, outbox, chat, message, &reply, link).await {
                    Ok(()) => Ok(Vec::new()),
                    Err(e) => failed(e.into(), "edit a message"),
                }
            }
            Effect::QuizPoll {
                place,
                quiz,
                index,
                poll,
            } => {
                let of = PollOf::Question { quiz, index };
                match self.quiz_poll(place, &poll).await {
                    Ok((poll_id, message_id)) => Ok(self.poll_sent(of, &poll_id, message_id).await),
                    Err(e) => match moved(&e) {
                        Some(moved) => Err(moved),
                        None => {
                            let retry_after = match e.downcast_ref() {
                                Some(RequestError::RetryAfter(after)) => {
                                    tracing::warn!(
                                        retry_after_s = after.seconds(),
                                        "a quiz poll must wait; it is sent when Telegram allows"
                                    );
                                    Some(after.seconds())
                                }
                                _ => {
                                    tracing::warn!(error = %e, "could not send a quiz poll");
                                    None
                                }
                            };
                            Ok(self.poll_refused(of, retry_after).await)
                        }
                    },
                }
            }
            Effect::DebatePoll {
                place,
                debate,
                round,
                poll,
            } => {
                let of = PollOf::Vote { debate, round };
                match self.debate_poll(place, &poll).await {
                    Ok((poll_id, message_id)) => Ok(self.poll_sent(of, &poll_id, message_id).await),
                    Err(e) => match moved(&e) {
                        Some(moved) => Err(moved),
                        None => {
                            tracing::warn!(error = %e, "could not post a debate's vote");
                            Ok(self.poll_refused(of, None).await)
                        }
                    },
                }
            }
            // A private chat's poll is closed aside, never holding up what comes next (the next
            // question): it waits for a spare turn of the overall pace (`send::stop_poll`).
            Effect::StopPoll { place, message_id } if place.kind() == ChatKind::Private => {
                let (bot, outbox) = (bot.clone(), Arc::clone(outbox));
                super::lanes::spawn("stopPoll", async move {
                    if let Err(e) = send::stop_poll(&bot, &outbox, place, message_id).await {
                        tracing::debug!(error = %e, "a private poll was not stopped (closed already, or no spare turn)");
                    }
                });
                Ok(Vec::new())
            }
            Effect::StopPoll { place, message_id } => {
                let stopped = send::stop_poll(bot, outbox, place, message_id).await;
                match stopped.map_err(anyhow::Error::from) {
                    Ok(()) => Ok(Vec::new()),
                    Err(e) => match moved(&e) {
                        Some(moved) => Err(moved),
                        None => {
                            tracing::debug!(error = %e, "stopPoll failed (the poll may be closed already)");
                            Ok(Vec::new())
                        }
                    },
                }
            }
            Effect::Document {
                place,
                name,
                bytes,
                caption,
            } => {
                outbox.limits.reserve(place.chat, place.kind()).await;
                let file = InputFile::memory(bytes).file_name(name);
                let mut payload = SendDocument::new(ChatId(place.chat), file).caption(caption);
                if let Some(thread) = send::thread(place) {
                    payload = payload.message_thread_id(thread);
                }
                let request = MultipartRequest::new(
                    bot.clone(),
                    AnswerAs::<_, serde::de::IgnoredAny>::new(payload),
                );
                let sent = outbox
                    .deliver("sendDocument", Audience::of(place.chat), || {
                        request.clone().send()
                    })
                    .await;
                match sent {
                    Ok(_) => Ok(Vec::new()),
                    Err(e) => failed(e.into(), "send the quiz report"),
                }
            }
            Effect::Photo {
                place,
                scene,
                caption,
                otherwise,
            } => {
                // Drawn on the runtime's blocking threads: the bot's one thread goes on
                // answering other chats meanwhile.
                let drawn = tokio::task::spawn_blocking(move || debate_picture::png(&scene)).await;
                let sent = match drawn {
                    Ok(Ok(png)) => {
                        outbox.limits.reserve(place.chat, place.kind()).await;
                        send::send_photo(bot, outbox, place, png, &caption)
                            .await
                            .map_err(anyhow::Error::from)
                    }
                    Ok(Err(e)) => Err(anyhow::Error::from(e)),
                    Err(e) => Err(anyhow::Error::from(e)),
                };
                match sent {
                    Ok(()) => Ok(Vec::new()),
                    Err(e) => match (moved(&e), otherwise) {
                        (Some(moved), _) => Err(moved),
                        // What the picture carried goes as text.
                        (None, Some(reply)) => {
                            tracing::warn!(error = %e, "no picture; sending its text instead");
                            outbox.limits.reserve(place.chat, place.kind()).await;
                            match send::send(bot, outbox, place, &reply, None).await {
                                Ok(()) => Ok(Vec::new()),
                                Err(e) => failed(e.into(), "send a picture's text"),
                            }
                        }
                        (None, None) => {
                            tracing::warn!(error = %e, "could not draw or send a picture");
                            Err(Failure::Failed)
                        }
                    },
                }
            }
            Effect::Menu { language, commands } => {
                super::menu::register(bot, language.as_deref(), commands).await;
                Ok(Vec::new())
            }
            Effect::Wake { at, timer } => {
                let this = self.clone();
                clock::spawn_at(at, async move {
                    this.tell(Input::Due {
                        timer,
                        now: now_ms(),
                    })
                    .await;
                });
                Ok(Vec::new())
            }
            // Answers to a press or an inline query are carried out by their handlers, which
            // know what they answer.
            Effect::AnswerPress { .. } | Effect::EditPressed { .. } | Effect::AnswerInline(_) => {
                tracing::error!("an answer to a press or a query came with no press or query");
                Ok(Vec::new())
            }
        }
    }

    /// A poll was sent: the core stores it; answers that waited for it are tried again.
    async fn poll_sent(&self, poll: PollOf, poll_id: &str, message_id: i64) -> Vec<Effect> {
        let now = now_ms();
        let input = Input::PollSent {
            poll,
            poll_id,
            message_id,
            now,
        };
        let handled = self.core.handle(input, &Unlimited).await;
        self.polls_stored.notify_waiters();
        handled.effects
    }

    /// A poll could not be sent: the core decides what now.
    async fn poll_refused(&self, poll: PollOf, retry_after: Option<u32>) -> Vec<Effect> {
        let now = now_ms();
        let input = Input::PollRefused {
            poll,
            retry_after,
            now,
        };
        self.core.handle(input, &Unlimited).await.effects
    }

    /// Sends a native quiz poll; answers its poll id and message id.
    async fn quiz_poll(&self, place: Place, poll: &PollSpec) -> anyhow::Result<(String, i64)> {
        self.outbox.limits.reserve(place.chat, place.kind()).await;
        polls::send_poll(&self.bot, &self.outbox, SendPoll::quiz(place, poll)).await
    }

    /// Posts one of a debate's polls; answers its poll id and message id.
    async fn debate_poll(&self, place: Place, poll: &VotePoll) -> anyhow::Result<(String, i64)> {
        self.outbox.limits.reserve(place.chat, place.kind()).await;
        polls::send_poll(&self.bot, &self.outbox, SendPoll::vote(place, poll)).await
    }
}
