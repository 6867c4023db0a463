//! The quiz on Telegram: a quiz command or a poll answer goes to the engine; what it decides
//! is carried out by [`super::effects`].

use rand::SeedableRng;
use rand::rngs::StdRng;
use teloxide::prelude::*;
use teloxide::types::{MaybeAnonymousUser, Me};

use super::effects::Interpreter;
use super::users::{is_admin, is_shared_identity, player};
use crate::app::ChatKind;
use crate::clock::now_ms;
use crate::effect::Place;
use crate::quiz::{QuizRequest, Quizzes};
use crate::store::Recorded;

/// Handles a quiz command in `msg`, asked at `place`.
pub async fn on_command(
    run: &Interpreter,
    msg: &Message,
    me: &Me,
    place: Place,
    kind: ChatKind,
) -> anyhow::Result<()> {
    let (Some(text), Some(user)) = (msg.text(), msg.from.as_ref()) else {
        return Ok(());
    };
    let quizzes = &run.engines.quizzes;
    let player = player(user);
    if is_shared_identity(msg) && Quizzes::is_forgetme(text, me.user.username.as_deref()) {
        run.carry_out(quizzes.forget_shared(place, &player)).await;
        return Ok(());
    }
    let is_admin = if quizzes
        .needs_admin_check(place, kind, &player, text)
        .await?
    {
        is_admin(&run.bot, msg).await
    } else {
        false
    };
    let request = QuizRequest {
        place,
        kind,
        player: &player,
        text,
        bot_username: me.user.username.as_deref(),
        is_admin,
        now: now_ms(),
    };
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let effects = quizzes.handle(&request, &mut rng).await?;
    run.carry_out(effects).await;
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
