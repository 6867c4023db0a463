//! Turning core replies into Bot API calls: HTML text, inline keyboards, edits in place.

use teloxide::payloads::{EditMessageTextSetters, SendMessageSetters};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters,
};
use teloxide::{ApiError, RequestError};

use crate::app::Reply;

fn keyboard(reply: &Reply) -> Option<InlineKeyboardMarkup> {
    if reply.buttons.is_empty() {
        return None;
    }
    Some(InlineKeyboardMarkup::new(reply.buttons.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
            .collect::<Vec<_>>()
    })))
}

/// Sends `reply` to `chat`, as an answer to `reply_to` when given.
pub async fn send(
    bot: &Bot,
    chat: ChatId,
    reply: &Reply,
    reply_to: Option<MessageId>,
) -> ResponseResult<()> {
    let mut request = bot
        .send_message(chat, reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(id) = reply_to {
        request = request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
    }
    if let Some(markup) = keyboard(reply) {
        request = request.reply_markup(markup);
    }
    request.await?;
    Ok(())
}

/// Replaces the text and buttons of a message the bot sent.
pub async fn edit(
    bot: &Bot,
    chat: ChatId,
    message: MessageId,
    reply: &Reply,
) -> ResponseResult<()> {
    let mut request = bot
        .edit_message_text(chat, message, reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(markup) = keyboard(reply) {
        request = request.reply_markup(markup);
    }
    match request.await {
        // Pressing a button twice quickly asks for the same text: nothing to do.
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// Replaces the text and buttons of a message sent through inline mode.
pub async fn edit_inline(bot: &Bot, inline_message_id: &str, reply: &Reply) -> ResponseResult<()> {
    let mut request = bot
        .edit_message_text_inline(inline_message_id, reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(markup) = keyboard(reply) {
        request = request.reply_markup(markup);
    }
    match request.await {
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        other => other.map(|_| ()),
    }
}
