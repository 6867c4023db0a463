//! The dispatcher's handler tree: messages and button presses go to the core; every other
//! kind of update (edited messages, channel posts, ...) is ignored by the default handler.

use std::sync::Arc;
use std::time::Instant;

use teloxide::dispatching::UpdateHandler;
use teloxide::payloads::{AnswerCallbackQuerySetters, AnswerInlineQuerySetters};
use teloxide::prelude::*;
use teloxide::types::{
    InlineQueryResult, InlineQueryResultArticle, InputMessageContent, InputMessageContentText, Me,
    ParseMode,
};

use super::{quiz, send};
use crate::app::{App, ChatKind, Press, Request};
use crate::quiz::Quizzes;

pub fn schema() -> UpdateHandler<teloxide::RequestError> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_callback_query().endpoint(on_callback))
        .branch(Update::filter_inline_query().endpoint(on_inline_query))
        .branch(Update::filter_poll_answer().endpoint(on_poll_answer))
}

async fn on_message(
    bot: Bot,
    msg: Message,
    me: Me,
    app: Arc<App>,
    quizzes: Arc<Quizzes>,
) -> ResponseResult<()> {
    let started = Instant::now();
    let Some(text) = msg.text() else {
        return Ok(());
    };
    let chat = if msg.chat.is_private() {
        ChatKind::Private
    } else if msg.chat.is_group() || msg.chat.is_supergroup() {
        ChatKind::Group
    } else {
        return Ok(());
    };
    if Quizzes::is_quiz_command(text, me.user.username.as_deref()) {
        let result = quiz::on_command(&bot, &msg, &me, &quizzes, chat).await;
        if let Err(e) = &result {
            tracing::error!(error = %e, "quiz command failed");
            let lang = app.lang(msg.from.as_ref().and_then(|u| u.language_code.as_deref()));
            let apology = quiz::apology(&app.view(lang).ui.store_error);
            send::send(&bot, msg.chat.id, &apology, None).await?;
        }
        let command = crate::command::parse(text)
            .map(|c| c.name)
            .unwrap_or_default();
        tracing::info!(
            chat = chat.as_str(),
            command = %command,
            ms = started.elapsed().as_secs_f64() * 1000.0,
            ok = result.is_ok(),
            "message handled"
        );
        return Ok(());
    }
    let request = Request {
        chat,
        language_code: msg.from.as_ref().and_then(|u| u.language_code.as_deref()),
        text,
        bot_username: me.user.username.as_deref(),
    };
    let Some(handled) = app.handle(&request, &mut rand::rng()) else {
        return Ok(());
    };
    let reply_to = (chat == ChatKind::Group).then_some(msg.id);
    let result = send::send(&bot, msg.chat.id, &handled.reply, reply_to).await;
    tracing::info!(
        chat = chat.as_str(),
        command = %handled.command,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = result.is_ok(),
        "message handled"
    );
    result
}

async fn on_callback(bot: Bot, q: CallbackQuery, app: Arc<App>) -> ResponseResult<()> {
    let started = Instant::now();
    let data = q.data.as_deref().unwrap_or_default();
    let press = app.press(data, q.from.language_code.as_deref(), &mut rand::rng());
    let result = match &press {
        Press::Notice(text) => bot
            .answer_callback_query(q.id.clone())
            .text(text.clone())
            .await
            .map(|_| ()),
        Press::Edit(reply) => {
            bot.answer_callback_query(q.id.clone()).await?;
            if let Some(message) = q.regular_message() {
                send::edit(&bot, message.chat.id, message.id, reply).await
            } else if let Some(id) = &q.inline_message_id {
                send::edit_inline(&bot, id, reply).await
            } else {
                Ok(())
            }
        }
    };
    tracing::info!(
        button = if matches!(press, Press::Edit(_)) {
            "ok"
        } else {
            "stale"
        },
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = result.is_ok(),
        "button handled"
    );
    result
}

async fn on_inline_query(bot: Bot, q: InlineQuery, app: Arc<App>) -> ResponseResult<()> {
    let started = Instant::now();
    let answer = app.inline(&q.query, &q.offset, q.from.language_code.as_deref());
    let count = answer.items.len();
    let results: Vec<InlineQueryResult> = answer
        .items
        .into_iter()
        .map(|item| {
            let content =
                InputMessageContentText::new(item.message.to_html()).parse_mode(ParseMode::Html);
            InlineQueryResultArticle::new(item.id, item.title, InputMessageContent::Text(content))
                .description(item.description)
                .into()
        })
        .collect();
    let result = bot
        .answer_inline_query(q.id, results)
        .next_offset(answer.next_offset)
        .cache_time(answer.cache_seconds)
        .is_personal(answer.is_personal)
        .await
        .map(|_| ());
    tracing::info!(
        results = count,
        ms = started.elapsed().as_secs_f64() * 1000.0,
        ok = result.is_ok(),
        "inline query handled"
    );
    result
}

async fn on_poll_answer(answer: PollAnswer, quizzes: Arc<Quizzes>) -> ResponseResult<()> {
    let started = Instant::now();
    let result = quiz::on_answer(&answer, &quizzes).await;
    match &result {
        Ok(recorded) => tracing::info!(
            recorded = ?recorded,
            ms = started.elapsed().as_secs_f64() * 1000.0,
            "poll answer handled"
        ),
        Err(e) => tracing::error!(error = %e, "a poll answer could not be stored"),
    }
    Ok(())
}
