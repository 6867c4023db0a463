//! The quiz on Telegram: routes quiz commands and poll answers to the engine, and carries out
//! what it decides — native quiz polls (sendPoll), early closes (stopPoll), messages, the CSV
//! document, and wake-ups at deadlines (a sleeping task each; after a restart the engine's
//! `resume` schedules them again from what is stored).

use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use teloxide::payloads::{SendDocumentSetters, SendPollSetters};
use teloxide::prelude::*;
use teloxide::types::{InputFile, InputPollOption, MaybeAnonymousUser, Me, PollType};

use super::send::{self, Outbox};
use super::users::{is_admin, player};
use crate::app::ChatKind;
use crate::clock::{self, now_ms};
use crate::quiz::{Out, QuizRequest, Quizzes};
use crate::store::Recorded;

/// Handles a quiz command in `msg`.
pub async fn on_command(
    bot: &Bot,
    outbox: &Arc<Outbox>,
    msg: &Message,
    me: &Me,
    quizzes: &Arc<Quizzes>,
    kind: ChatKind,
) -> anyhow::Result<()> {
    let (Some(text), Some(user)) = (msg.text(), msg.from.as_ref()) else {
        return Ok(());
    };
    let player = player(user);
    let chat = msg.chat.id.0;
    let is_admin = if quizzes.needs_admin_check(chat, kind, &player, text).await? {
        is_admin(bot, msg).await
    } else {
        false
    };
    let request = QuizRequest {
        chat,
        kind,
        player: &player,
        text,
        bot_username: me.user.username.as_deref(),
        is_admin,
        now: now_ms(),
    };
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let outs = quizzes.handle(&request, &mut rng).await?;
    carry_out(bot.clone(), Arc::clone(quizzes), Arc::clone(outbox), outs).await;
    Ok(())
}

/// A poll answer that arrived at `now`, if it is an answer in a quiz.
pub async fn on_answer(
    answer: &teloxide::types::PollAnswer,
    quizzes: &Quizzes,
    now: i64,
) -> anyhow::Result<Recorded> {
    let MaybeAnonymousUser::User(user) = &answer.voter else {
        return Ok(Recorded::Refused);
    };
    quizzes
        .answer(&answer.poll_id.0, &player(user), &answer.option_ids, now)
        .await
}

/// Carries out what the engine decided, and what that leads to (a sent poll's wake-up).
/// Quiz messages take from the chat's budget but are never dropped.
pub fn carry_out(
    bot: Bot,
    quizzes: Arc<Quizzes>,
    outbox: Arc<Outbox>,
    outs: Vec<Out>,
) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(async move {
        for out in outs {
            let more = match out {
                Out::Message { chat, reply } => {
                    send::send_priority(&bot, &outbox, chat, &reply).await;
                    Vec::new()
                }
                Out::Poll {
                    chat,
                    quiz,
                    index,
                    poll,
                } => {
                    outbox.limits.priority(chat, send::kind_of(chat));
                    let options = poll.options.iter().map(|o| InputPollOption::new(o.clone()));
                    let request = bot
                        .send_poll(ChatId(chat), poll.question.clone(), options)
                        .type_(PollType::Quiz)
                        .is_anonymous(false)
                        .correct_option_id(poll.correct as u8)
                        .explanation(poll.explanation.clone())
                        .open_period(poll.open_seconds as u16);
                    let sent = outbox.deliver("sendPoll", || request.clone().send()).await;
                    let result = match sent
                        .as_ref()
                        .ok()
                        .and_then(|m| m.poll().map(|p| (p.id.0.clone(), m.id.0)))
                    {
                        Some((poll_id, message_id)) => {
                            quizzes
                                .poll_sent(quiz, index, &poll_id, i64::from(message_id), now_ms())
                                .await
                        }
                        None => {
                            if let Err(e) = &sent {
                                tracing::warn!(error = %e, "could not send a quiz poll");
                            }
                            quizzes.poll_failed(quiz, index, now_ms()).await
                        }
                    };
                    result.unwrap_or_else(|e| {
                        tracing::error!(error = %e, "quiz storage failed");
                        Vec::new()
                    })
                }
                Out::StopPoll { chat, message_id } => {
                    send::stop_poll(&bot, &outbox, chat, message_id).await;
                    Vec::new()
                }
                Out::Wake { quiz, index, at } => {
                    let (bot, quizzes, outbox) =
                        (bot.clone(), Arc::clone(&quizzes), Arc::clone(&outbox));
                    clock::spawn_at(at, async move {
                        match quizzes.wake(quiz, index, now_ms()).await {
                            Ok(outs) => carry_out(bot, Arc::clone(&quizzes), outbox, outs).await,
                            Err(e) => {
                                tracing::error!(error = %e, "quiz storage failed at a deadline")
                            }
                        }
                    });
                    Vec::new()
                }
                Out::Document {
                    chat,
                    name,
                    bytes,
                    caption,
                } => {
                    outbox.limits.priority(chat, send::kind_of(chat));
                    let file = InputFile::memory(bytes).file_name(name);
                    let request = bot.send_document(ChatId(chat), file).caption(caption);
                    if let Err(e) = outbox
                        .deliver("sendDocument", || request.clone().send())
                        .await
                    {
                        tracing::warn!(error = %e, "could not send the quiz report");
                    }
                    Vec::new()
                }
            };
            if !more.is_empty() {
                carry_out(bot.clone(), Arc::clone(&quizzes), Arc::clone(&outbox), more).await;
            }
        }
    })
}
