//! Debates on Telegram: routes `/debate` and votes to the engine, and carries out what it
//! decides — the motion message with its buttons, the vote as a regular non-anonymous poll
//! replying to it (sendPoll), closing it (stopPoll), the result, and wake-ups (a sleeping task
//! each; after a restart the engine's `resume` schedules them again from what is stored).

use std::sync::Arc;

use rand::SeedableRng;
use rand::rngs::StdRng;
use teloxide::payloads::SendPollSetters;
use teloxide::prelude::*;
use teloxide::types::{InputPollOption, MaybeAnonymousUser, PollType, ReplyParameters};

use super::send::{self, Outbox};
use super::users::{is_admin, player};
use crate::app::ChatKind;
use crate::clock::{self, now_ms};
use crate::debate::{DebateRequest, Debates, Out};
use crate::store::Recorded;

/// Handles `/debate ...` in `msg`.
pub async fn on_command(
    bot: &Bot,
    outbox: &Arc<Outbox>,
    msg: &Message,
    debates: &Arc<Debates>,
    kind: ChatKind,
) -> anyhow::Result<()> {
    let (Some(text), Some(user)) = (msg.text(), msg.from.as_ref()) else {
        return Ok(());
    };
    let Some(command) = crate::command::parse(text) else {
        return Ok(());
    };
    let player = player(user);
    let mut request = DebateRequest {
        chat: msg.chat.id.0,
        kind,
        player: &player,
        args: command.args,
        is_admin: false,
        now: now_ms(),
    };
    if debates.needs_admin_check(&request).await? {
        request.is_admin = is_admin(bot, msg).await;
    }
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let outs = debates.handle(&request, &mut rng).await?;
    carry_out(bot.clone(), Arc::clone(debates), Arc::clone(outbox), outs).await;
    Ok(())
}

/// A poll answer that arrived at `now`, if it is a vote in a debate.
pub async fn on_vote(
    answer: &teloxide::types::PollAnswer,
    debates: &Debates,
    now: i64,
) -> anyhow::Result<Recorded> {
    let MaybeAnonymousUser::User(user) = &answer.voter else {
        return Ok(Recorded::Refused);
    };
    debates
        .vote(&answer.poll_id.0, &player(user), &answer.option_ids, now)
        .await
}

/// Carries out what the engine decided, and what that leads to. Debate messages take from
/// the chat's budget but are never dropped.
pub fn carry_out(
    bot: Bot,
    debates: Arc<Debates>,
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
                Out::Open {
                    chat,
                    debate,
                    motion,
                    poll,
                } => {
                    let result = match open(&bot, &outbox, chat, &motion, &poll).await {
                        Ok((poll_id, message_id)) => {
                            debates.poll_sent(debate, &poll_id, message_id).await
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "could not post a debate's vote");
                            debates.poll_failed(debate, now_ms()).await
                        }
                    };
                    result.unwrap_or_else(|e| {
                        tracing::error!(error = %e, "debate storage failed");
                        Vec::new()
                    })
                }
                Out::StopPoll { chat, message_id } => {
                    send::stop_poll(&bot, &outbox, chat, message_id).await;
                    Vec::new()
                }
                Out::Wake { debate, at } => {
                    let (bot, debates, outbox) =
                        (bot.clone(), Arc::clone(&debates), Arc::clone(&outbox));
                    clock::spawn_at(at, async move {
                        match debates.wake(debate, now_ms()).await {
                            Ok(outs) => carry_out(bot, Arc::clone(&debates), outbox, outs).await,
                            Err(e) => {
                                tracing::error!(error = %e, "debate storage failed at a deadline")
                            }
                        }
                    });
                    Vec::new()
                }
            };
            if !more.is_empty() {
                carry_out(bot.clone(), Arc::clone(&debates), Arc::clone(&outbox), more).await;
            }
        }
    })
}

/// Posts the motion and, replying to it, the vote; answers the poll's id and message id.
async fn open(
    bot: &Bot,
    outbox: &Outbox,
    chat: i64,
    motion: &crate::app::Reply,
    poll: &crate::debate::VotePoll,
) -> anyhow::Result<(String, i64)> {
    outbox.limits.priority(chat, send::kind_of(chat));
    let sent = send::send_message(bot, outbox, ChatId(chat), motion, None).await?;
    outbox.limits.priority(chat, send::kind_of(chat));
    let options = poll.options.iter().map(|o| InputPollOption::new(o.clone()));
    let request = bot
        .send_poll(ChatId(chat), poll.question.clone(), options)
        .type_(PollType::Regular)
        .is_anonymous(false)
        .allows_multiple_answers(false)
        .reply_parameters(ReplyParameters::new(sent.id).allow_sending_without_reply());
    let message = outbox
        .deliver("sendPoll", || request.clone().send())
        .await?;
    let poll_id = message
        .poll()
        .map(|p| p.id.0.clone())
        .ok_or_else(|| anyhow::anyhow!("sendPoll answered a message without a poll"))?;
    Ok((poll_id, i64::from(message.id.0)))
}
