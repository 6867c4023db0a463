//! The Telegram interpreter of the core's [`Effect`]s: messages, native quiz polls, a debate's
//! motion and vote, stopPoll, documents, and wake-ups at deadlines (a sleeping task each;
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

use super::outbox::Outbox;
use super::polls::{self, SendPoll};
use super::send::{self, Lean};
use crate::app::Reply;
use crate::clock::{self, now_ms};
use crate::core::{self, Core};
use crate::debate::VotePoll;
use crate::effect::{Effect, Place, Timer};
use crate::quiz::PollSpec;

/// Carries effects out on Telegram: the bot, the way out, and the core to report back to.
#[derive(Clone)]
pub struct Interpreter {
    pub bot: Bot,
    pub outbox: Arc<Outbox>,
    pub core: Core,
    /// Where replies wait their turn, per chat, off the dispatch.
    pub lanes: super::lanes::Lanes,
    /// Groups upgraded lately: Telegram reports the bot as joining each, and it is no join.
    pub upgrades: super::introduce::Upgrades,
    /// Told each time a quiz poll or a debate's vote is stored as sent: an answer that came
    /// first, for a poll not known yet, is tried again then (see `handlers::record`).
    pub polls_stored: Arc<tokio::sync::Notify>,
}

impl Interpreter {
    /// Carries out `effects` in order, and what each leads to.
    pub fn carry_out(&self, effects: Vec<Effect>) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let this = self.clone();
        Box::pin(async move {
            for effect in effects {
                let more = this.one(effect).await;
                if !more.is_empty() {
                    this.carry_out(more).await;
                }
            }
        })
    }

    /// Carries out one effect; answers what it leads to. A call refused because the group was
    /// upgraded to a supergroup (400 with `parameters.migrate_to_chat_id`: the Bot API's
    /// ResponseParameters) moves the chat's records to the new id and is made once more there,
    /// so a quiz or debate running at the upgrade carries on in the new chat.
    async fn one(&self, effect: Effect) -> Vec<Effect> {
        let old = effect.place();
        match self.attempt(effect.clone(), true).await {
            Ok(more) => more,
            Err(new) => {
                if let Some(old) = old {
                    self.migrate(old.chat, new).await;
                }
                self.attempt(effect.moved_to(new), false)
                    .await
                    .unwrap_or_default()
            }
        }
    }

    /// The group `old` is now the supergroup `new`: move what is kept under `old`.
    pub async fn migrate(&self, old: i64, new: i64) {
        self.upgrades.record(new);
        let store = self.core.quizzes.store();
        match store.migrate_chat(old, new, now_ms()).await {
            Ok(moved) => tracing::info!(moved, "a group was upgraded to a supergroup"),
            Err(e) => tracing::error!(error = %e, "could not move a group's records"),
        }
    }

    /// Makes one effect's calls; answers what it leads to, or `Err(new chat)` when Telegram
    /// says the group moved there (only when `may_move`; else that is a failure like others).
    async fn attempt(&self, effect: Effect, may_move: bool) -> Result<Vec<Effect>, i64> {
        let (bot, outbox) = (&self.bot, &self.outbox);
        let moved = |e: &anyhow::Error| match e.downcast_ref::<RequestError>() {
            Some(RequestError::MigrateToChatId(to)) if may_move => Some(to.0),
            _ => None,
        };
        let followed = match effect {
            Effect::Send { place, reply } => {
                outbox.limits.reserve(place.chat, place.kind()).await;
                let sent = send::send(bot, outbox, place, &reply, None).await;
                if let Err(e) = sent.map_err(anyhow::Error::from) {
                    if let Some(to) = moved(&e) {
                        return Err(to);
                    }
                    tracing::warn!(error = %e, "could not send a quiz or debate message");
                }
                return Ok(Vec::new());
            }
            Effect::QuizPoll {
                place,
                quiz,
                index,
                poll,
            } => {
                let quizzes = &self.core.quizzes;
                match self.quiz_poll(place, &poll).await {
                    Ok((poll_id, message_id)) => {
                        let stored = quizzes
                            .poll_sent(quiz, index, &poll_id, message_id, now_ms())
                            .await;
                        self.polls_stored.notify_waiters();
                        stored.map_err(core::Error::from)
                    }
                    Err(e) => {
                        if let Some(to) = moved(&e) {
                            return Err(to);
                        }
                        if let Some(RequestError::RetryAfter(after)) = e.downcast_ref() {
                            // Longer than the outbox waits by itself: the question moves back
                            // until Telegram takes it, the quiz goes on then.
                            tracing::warn!(
                                retry_after_s = after.seconds(),
                                "a quiz poll must wait; it is sent when Telegram allows"
                            );
                            let at = now_ms() + i64::from(after.seconds()) * 1000;
                            return Ok(vec![Effect::Wake {
                                at,
                                timer: Timer::Question { quiz, index },
                            }]);
                        }
                        tracing::warn!(error = %e, "could not send a quiz poll");
                        quizzes
                            .poll_failed(quiz, index, now_ms())
                            .await
                            .map_err(core::Error::from)
                    }
                }
            }
            Effect::OpenVote {
                place,
                debate,
                motion,
                poll,
            } => {
                let debates = &self.core.debates;
                match self.open_vote(place, &motion, &poll).await {
                    Ok((poll_id, message_id)) => {
                        let stored = debates.poll_sent(debate, &poll_id, message_id).await;
                        self.polls_stored.notify_waiters();
                        stored.map_err(core::Error::from)
                    }
                    Err(e) => {
                        if let Some(to) = moved(&e) {
                            return Err(to);
                        }
                        tracing::warn!(error = %e, "could not post a debate's vote");
                        debates
                            .poll_failed(debate, now_ms())
                            .await
                            .map_err(core::Error::from)
                    }
                }
            }
            Effect::StopPoll { place, message_id } => {
                let stopped = send::stop_poll(bot, outbox, place, message_id).await;
                if let Err(e) = stopped.map_err(anyhow::Error::from) {
                    if let Some(to) = moved(&e) {
                        return Err(to);
                    }
                    tracing::debug!(error = %e, "stopPoll failed (the poll may be closed already)");
                }
                return Ok(Vec::new());
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
                    Lean::<_, serde::de::IgnoredAny>::new(payload),
                );
                let sent = outbox
                    .deliver("sendDocument", || request.clone().send())
                    .await;
                if let Err(e) = sent.map_err(anyhow::Error::from) {
                    if let Some(to) = moved(&e) {
                        return Err(to);
                    }
                    tracing::warn!(error = %e, "could not send the quiz report");
                }
                return Ok(Vec::new());
            }
            Effect::Wake { at, timer } => {
                let this = self.clone();
                clock::spawn_at(at, async move {
                    let effects = this.wake(timer).await;
                    this.carry_out(effects).await;
                });
                return Ok(Vec::new());
            }
        };
        Ok(followed.unwrap_or_else(|e| {
            tracing::error!(error = %e, "storage failed after a poll was sent or refused");
            Vec::new()
        }))
    }

    /// A timer is due: ask its engine what now.
    async fn wake(&self, timer: Timer) -> Vec<Effect> {
        self.core.wake(timer, now_ms()).await.unwrap_or_else(|e| {
            tracing::error!(error = %e, ?timer, "storage failed at a deadline");
            Vec::new()
        })
    }

    /// Sends a native quiz poll; answers its poll id and message id.
    async fn quiz_poll(&self, place: Place, poll: &PollSpec) -> anyhow::Result<(String, i64)> {
        self.outbox.limits.reserve(place.chat, place.kind()).await;
        polls::send_poll(&self.bot, &self.outbox, SendPoll::quiz(place, poll)).await
    }

    /// Posts a debate's motion and, replying to it, the vote; answers the poll's id and
    /// message id.
    async fn open_vote(
        &self,
        place: Place,
        motion: &Reply,
        poll: &VotePoll,
    ) -> anyhow::Result<(String, i64)> {
        let (bot, outbox) = (&self.bot, &self.outbox);
        outbox.limits.reserve(place.chat, place.kind()).await;
        let sent = send::send_message(bot, outbox, place, motion, None).await?;
        outbox.limits.reserve(place.chat, place.kind()).await;
        let vote = SendPoll::vote(place, poll, MessageId(sent.message_id));
        polls::send_poll(bot, outbox, vote).await
    }
}
