//! Debates on Telegram: `/debate` or a vote goes to the engine; what it decides is carried out
//! by [`super::effects`].

use rand::SeedableRng;
use rand::rngs::StdRng;
use teloxide::prelude::*;
use teloxide::types::MaybeAnonymousUser;

use super::effects::Interpreter;
use super::users::{is_admin, player};
use crate::app::ChatKind;
use crate::clock::now_ms;
use crate::debate::{DebateRequest, Debates};
use crate::effect::Place;
use crate::store::Recorded;

/// Handles `/debate ...` in `msg`, asked at `place`.
pub async fn on_command(
    run: &Interpreter,
    msg: &Message,
    place: Place,
    kind: ChatKind,
) -> anyhow::Result<()> {
    let (Some(text), Some(user)) = (msg.text(), msg.from.as_ref()) else {
        return Ok(());
    };
    let Some(command) = crate::command::parse(text) else {
        return Ok(());
    };
    let debates = &run.engines.debates;
    let player = player(user);
    let mut request = DebateRequest {
        place,
        kind,
        player: &player,
        args: command.args,
        is_admin: false,
        now: now_ms(),
    };
    if debates.needs_admin_check(&request).await? {
        request.is_admin = is_admin(&run.bot, msg).await;
    }
    let mut rng = StdRng::from_rng(&mut rand::rng());
    let effects = debates.handle(&request, &mut rng).await?;
    run.carry_out(effects).await;
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
