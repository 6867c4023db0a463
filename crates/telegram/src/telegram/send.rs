//! Turning core replies into Bot API calls (HTML text, inline keyboards, edits in place), made
//! through the [`Outbox`] (pacing and retries), and reading back only what the bot needs of
//! Telegram's answers.

use std::marker::PhantomData;
use std::time::Duration;

use serde::de::{DeserializeOwned, IgnoredAny};
use serde::{Deserialize, Serialize};
use teloxide::payloads::{
    EditMessageText, EditMessageTextInline, EditMessageTextInlineSetters, EditMessageTextSetters,
    SendMessage, SendMessageSetters, SendPhoto, SendPhotoSetters, StopPoll,
};
use teloxide::prelude::*;
use teloxide::requests::{JsonRequest, MultipartPayload, MultipartRequest, Payload};
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode, ReplyParameters,
    ThreadId,
};
use teloxide::{ApiError, RequestError};

use url::Url;

use super::outbox::{Audience, Outbox};
use crate::app::Reply;
use crate::vocab::Place;

/// What the bot reads of a message it sent: its id and, for a poll, the poll's id.
///
/// teloxide would read Telegram's answer as a whole `Message`: dozens of optional fields and
/// untagged enums tried kind by kind, for every reply the bot sends, when it needs at most these
/// two. Fields not named here are skipped unread.
#[derive(Clone, Debug, Deserialize)]
pub struct Sent {
    pub message_id: i32,
    #[serde(default)]
    pub poll: Option<SentPoll>,
}

/// The part of a sent poll the bot reads: its id, which its answers will carry.
#[derive(Clone, Debug, Deserialize)]
pub struct SentPoll {
    pub id: String,
}

/// One of teloxide's payloads, sent as it is (the same method, the same JSON or form), whose
/// answer is read only as `O`: a [`Sent`], a struct of the few fields wanted, or nothing at all
/// ([`IgnoredAny`]). Besides the CPU, this spares the build: every Telegram type teloxide reads
/// an answer as is compiled into this crate for serde's buffer of untagged enums.
#[derive(Clone, Serialize)]
#[serde(transparent)]
pub struct AnswerAs<P, O> {
    payload: P,
    #[serde(skip)]
    answer: PhantomData<fn() -> O>,
}

impl<P, O> AnswerAs<P, O> {
    pub fn new(payload: P) -> Self {
        AnswerAs {
            payload,
            answer: PhantomData,
        }
    }
}

impl<P: Payload, O> Payload for AnswerAs<P, O> {
    type Output = O;
    const NAME: &'static str = P::NAME;

    fn timeout_hint(&self) -> Option<Duration> {
        self.payload.timeout_hint()
    }
}

impl<P: MultipartPayload, O> MultipartPayload for AnswerAs<P, O> {
    fn copy_files(&self, into: &mut dyn FnMut(InputFile)) {
        self.payload.copy_files(into)
    }

    fn move_files(&mut self, into: &mut dyn FnMut(InputFile)) {
        self.payload.move_files(into)
    }
}

/// Makes the call `payload`, a message for `audience`, through the outbox (paced, retried),
/// reading its answer as `O`.
pub async fn call<P, O>(
    bot: &Bot,
    outbox: &Outbox,
    what: &str,
    audience: Audience,
    payload: P,
) -> ResponseResult<O>
where
    P: Payload + Serialize + Clone + Send + Sync + 'static,
    O: DeserializeOwned + Clone + Send + 'static,
{
    let request = JsonRequest::new(bot.clone(), AnswerAs::new(payload));
    outbox
        .deliver(what, audience, || request.clone().send())
        .await
}

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

/// The topic to name in a send to `place`, if any.
pub fn thread(place: Place) -> Option<ThreadId> {
    place.thread.map(|t| ThreadId(MessageId(t)))
}

/// Closes a poll the bot sent (stopPoll). A private chat's poll is closed in a spare turn:
/// its one voter has answered (or their attempt ended), nobody waits for it to close, and it
/// closes by itself at its open_period.
pub async fn stop_poll(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    message_id: i64,
) -> ResponseResult<()> {
    let payload = StopPoll::new(ChatId(place.chat), MessageId(message_id as i32));
    let audience = match Audience::of(place.chat) {
        Audience::Person => Audience::Spare,
        audience => audience,
    };
    call::<_, IgnoredAny>(bot, outbox, "stopPoll", audience, payload)
        .await
        .map(|_| ())
}

/// Sends `reply` to `place` (its chat and topic), as an answer to `reply_to` when given.
pub async fn send(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
) -> ResponseResult<()> {
    send_message(bot, outbox, place, reply, reply_to)
        .await
        .map(|_| ())
}

/// [`send`], answering the message sent.
pub async fn send_message(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
) -> ResponseResult<Sent> {
    send_with_markup(bot, outbox, place, reply, reply_to, keyboard(reply)).await
}

/// A link of the core's as Telegram's button: a label and the URL it opens, when it is one.
pub fn link_button(link: crate::effect::Link) -> Option<(String, Url)> {
    let url = link.url.parse().ok()?;
    Some((link.label, url))
}

/// The reply's buttons, and under them, when given, a button of Telegram's own: a link that
/// opens `url`.
fn keyboard_with_link(reply: &Reply, link: Option<(String, Url)>) -> Option<InlineKeyboardMarkup> {
    let Some((label, url)) = link else {
        return keyboard(reply);
    };
    let link = vec![InlineKeyboardButton::url(label, url)];
    Some(match keyboard(reply) {
        Some(markup) => markup.append_row(link),
        None => InlineKeyboardMarkup::new([link]),
    })
}

/// [`send_message`] with a link button under the reply's, when given.
pub async fn send_with_link(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
    link: Option<(String, Url)>,
) -> ResponseResult<Sent> {
    let markup = keyboard_with_link(reply, link);
    send_with_markup(bot, outbox, place, reply, reply_to, markup).await
}

async fn send_with_markup(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    reply: &Reply,
    reply_to: Option<MessageId>,
    markup: Option<InlineKeyboardMarkup>,
) -> ResponseResult<Sent> {
    // Fault injection for tests/faults.rs; compiled out unless fail's `failpoints` feature is on.
    fail::fail_point!("send-message");
    let mut request =
        SendMessage::new(ChatId(place.chat), reply.doc.to_html()).parse_mode(ParseMode::Html);
    if let Some(thread) = thread(place) {
        request = request.message_thread_id(thread);
    }
    if let Some(id) = reply_to {
        request = request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
    }
    if let Some(markup) = markup {
        request = request.reply_markup(markup);
    }
    call(
        bot,
        outbox,
        "sendMessage",
        Audience::of(place.chat),
        request,
    )
    .await
}

/// Sends a PNG picture to `place` with an HTML caption (sendPhoto, the file uploaded as
/// multipart).
pub async fn send_photo(
    bot: &Bot,
    outbox: &Outbox,
    place: Place,
    png: Vec<u8>,
    caption: &Reply,
) -> ResponseResult<()> {
    let file = InputFile::memory(png).file_name("results.png");
    let mut payload = SendPhoto::new(ChatId(place.chat), file)
        .caption(caption.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(thread) = thread(place) {
        payload = payload.message_thread_id(thread);
    }
    let request = MultipartRequest::new(bot.clone(), AnswerAs::<_, IgnoredAny>::new(payload));
    outbox
        .deliver("sendPhoto", Audience::of(place.chat), || {
            request.clone().send()
        })
        .await
        .map(|_| ())
}

/// The key under which [`Outbox`] remembers what a message shows.
pub fn edit_key(chat: ChatId, message: MessageId) -> String {
    format!("{}:{}", chat.0, message.0)
}

/// The key for a message sent through inline mode.
pub fn inline_key(inline_message_id: &str) -> String {
    format!("inline:{inline_message_id}")
}

/// Whether `message` (as a callback query carries it: its current text and buttons) already
/// shows `reply`.
pub fn message_shows(message: &Message, reply: &Reply) -> bool {
    let text = message.text().unwrap_or_default();
    text.trim() == reply.doc.to_visible().trim()
        && message.reply_markup() == keyboard(reply).as_ref()
}

/// Replaces the text and buttons of a message the bot sent.
pub async fn edit(
    bot: &Bot,
    outbox: &Outbox,
    chat: ChatId,
    message: MessageId,
    reply: &Reply,
) -> ResponseResult<()> {
    edit_with_link(bot, outbox, chat, message, reply, None).await
}

/// [`edit`], with a link button under the reply's when given (an edit without a markup
/// takes the message's buttons away: the link must be sent again to stay).
pub async fn edit_with_link(
    bot: &Bot,
    outbox: &Outbox,
    chat: ChatId,
    message: MessageId,
    reply: &Reply,
    link: Option<(String, Url)>,
) -> ResponseResult<()> {
    let mut request =
        EditMessageText::new(chat, message, reply.doc.to_html()).parse_mode(ParseMode::Html);
    if let Some(markup) = keyboard_with_link(reply, link) {
        request = request.reply_markup(markup);
    }
    not_modified_is_fine(
        call::<_, IgnoredAny>(
            bot,
            outbox,
            "editMessageText",
            Audience::of(chat.0),
            request,
        )
        .await
        .map(|_| ()),
    )
}

/// Replaces the text and buttons of a message sent through inline mode.
pub async fn edit_inline(
    bot: &Bot,
    outbox: &Outbox,
    inline_message_id: &str,
    reply: &Reply,
) -> ResponseResult<()> {
    let mut request = EditMessageTextInline::new(inline_message_id, reply.doc.to_html())
        .parse_mode(ParseMode::Html);
    if let Some(markup) = keyboard(reply) {
        request = request.reply_markup(markup);
    }
    not_modified_is_fine(
        call::<_, IgnoredAny>(bot, outbox, "editMessageText", Audience::Group, request)
            .await
            .map(|_| ()),
    )
}

/// Pressing a button twice quickly asks for the same text: nothing to do.
fn not_modified_is_fine(result: ResponseResult<()>) -> ResponseResult<()> {
    match result {
        Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        other => other,
    }
}
