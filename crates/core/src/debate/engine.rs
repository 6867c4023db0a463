//! The debate engine: a state machine over the stored debate, driven by events (a command,
//! a poll sent, an answer, a wake-up) that each carry the time. It decides; the adapter acts
//! on the [`Effect`]s it returns. A debate goes through three steps:
//! 1. *first vote*: the motion's vote "before reading" ([`Round::Before`]), then both sides'
//!    quotes, for the debate's minutes;
//! 2. *second vote*: at its deadline or on `/debate close`, the first vote is stopped and two
//!    polls are put: the vote "after reading" ([`Round::After`]) and "which quote convinced
//!    you?" ([`Round::Convinced`]), for the same minutes;
//! 3. *closed*: at that deadline or on `/debate close`, both are stopped, and `GRACE_MS`
//!    later (answers cast before the close may still be on their way) the result is posted
//!    once and the debate is *reported*.
//!
//! Nothing is posted between the steps. After a restart, [`Debates::resume`] picks every
//! unreported debate up where it was.

use std::sync::Arc;

use rand::Rng;

use super::{Error, picture, result};
use crate::app::{App, DebateChoice, Reply};
use crate::command::DebateArgs;
use crate::corpus::{Scope, in_scope};
use crate::effect::Effect;
use crate::i18n::{Lang, fill};
use crate::settings::DebateSettings;
use crate::store::{DebateRow, NewDebate, Recorded, Refusal, Store};
use crate::vocab;
use crate::vocab::{ChatKind, DebateId, GRACE_MS, Millis, Place, Player, Round, Side, Timer};

/// A `/debate` command.
#[derive(Debug, Clone)]
pub struct DebateRequest<'a> {
    /// Where it was asked: the chat, and the forum topic if any.
    pub place: Place,
    pub kind: ChatKind,
    pub player: &'a Player,
    /// What follows `/debate`.
    pub args: &'a str,
    /// Whether the sender administers the chat; asked only when it matters (see
    /// [`Debates::needs_admin_check`]).
    pub is_admin: bool,
    pub now: Millis,
}

impl DebateRequest<'_> {
    fn is_close(&self) -> bool {
        DebateArgs::read(self.args) == DebateArgs::Close
    }
}

/// The debates of every chat.
pub struct Debates {
    app: Arc<App>,
    store: Store,
    settings: DebateSettings,
}

impl Debates {
    pub fn new(app: Arc<App>, store: Store, settings: DebateSettings) -> Self {
        Debates {
            app,
            store,
            settings,
        }
    }

    /// The config's debate settings, which a chat's own override.
    pub fn settings(&self) -> DebateSettings {
        self.settings
    }

    fn lang_of(&self, row: &DebateRow) -> Lang {
        Lang::from_code(&row.lang).unwrap_or(self.app.default_lang())
    }

    /// Whether answering needs to know if the sender administers the chat: `/debate close`
    /// in a group from someone other than the open debate's starter, and a `/debate` that
    /// would start one in a group whose settings let only admins start.
    pub async fn needs_admin_check(&self, request: &DebateRequest<'_>) -> Result<bool, Error> {
        if request.kind == ChatKind::Private {
            return Ok(false);
        }
        if !request.is_close() {
            let settings = self.store.chat_settings(request.place.chat).await?;
            let lang = self.app.default_lang();
            let starts = !matches!(
                self.app.debate(lang, request.args, None),
                DebateChoice::Show(_)
            );
            return Ok(starts && settings.start_needs_admin(request.kind));
        }
        let open = self.store.open_debate(request.place).await?;
        Ok(open.is_some_and(|d| d.starter_id != request.player.id))
    }

    /// Handles `/debate ARGS`.
    pub async fn handle(
        &self,
        request: &DebateRequest<'_>,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        let settings = self.store.chat_settings(request.place.chat).await?;
        let lang = self
            .app
            .lang_in(&settings, request.player.language_code.as_deref());
        if request.is_close() {
            return self.close(request, lang).await;
        }
        let choice = self
            .app
            .debate(lang, request.args, self.app.scope(&settings));
        if !matches!(choice, DebateChoice::Show(_))
            && !settings.may_start(request.kind, request.is_admin)
        {
            let refusal = self.app.view(lang).ui.debate_only_admins_start.clone();
            return Ok(vec![Effect::say(request.place, refusal)]);
        }
        let minutes = settings.debate_minutes(self.settings);
        match choice {
            DebateChoice::Show(reply) => Ok(vec![Effect::Send {
                place: request.place,
                reply,
            }]),
            DebateChoice::Start(motion) => self.start(request, lang, motion, minutes).await,
            DebateChoice::Any => {
                let scope = self.app.scope(&settings);
                match self.least_debated(request.place, scope, rng).await? {
                    Some(motion) => self.start(request, lang, motion, minutes).await,
                    None => {
                        let none = self.app.view(lang).ui.debate_none.clone();
                        Ok(vec![Effect::say(request.place, none)])
                    }
                }
            }
        }
    }

    /// A motion the chat has been asked to vote on least often (at random among those), so
    /// that `/debate` goes through every motion before any comes back.
    /// Only the motions of the articles in `scope` are put; `None` when there is none.
    async fn least_debated(
        &self,
        place: Place,
        scope: Scope,
        rng: &mut (impl Rng + Send),
    ) -> Result<Option<usize>, Error> {
        let times = self.store.debated_motions(place).await?;
        let corpus = self.app.corpus();
        let count = |m: usize| times.get(&corpus.motions[m].id).copied().unwrap_or(0);
        let motions: Vec<usize> = (0..corpus.motions.len())
            .filter(|&m| in_scope(scope, corpus.motion_article(m)))
            .collect();
        let fewest = motions.iter().map(|&m| count(m)).min().unwrap_or(0);
        let candidates: Vec<usize> = motions
            .into_iter()
            .filter(|&m| count(m) == fewest)
            .collect();
        Ok((!candidates.is_empty()).then(|| candidates[rng.random_range(0..candidates.len())]))
    }

    async fn start(
        &self,
        request: &DebateRequest<'_>,
        lang: Lang,
        motion: usize,
        minutes: u32,
    ) -> Result<Vec<Effect>, Error> {
        let chat = request.place;
        if let Some(open) = self.store.open_debate(chat).await? {
            return Ok(vec![self.already_open(chat, lang, &open)]);
        }
        let new = NewDebate {
            place: chat,
            motion_id: &self.app.corpus().motions[motion].id,
            starter_id: request.player.id,
            lang: lang.code(),
            started_at: request.now,
            deadline: request.now + i64::from(minutes) * 60_000,
        };
        let Some(debate) = self.store.create_debate(&new).await? else {
            // Another /debate won the race for this chat.
            let open = self.store.open_debate(chat).await?;
            return Ok(open
                .map(|o| self.already_open(chat, lang, &o))
                .into_iter()
                .collect());
        };
        Ok(vec![self.poll(
            chat,
            debate,
            lang,
            motion,
            Round::Before,
            minutes,
        )])
    }

    /// The debate's poll of `round`, open for `minutes` more.
    fn poll(
        &self,
        place: Place,
        debate: DebateId,
        lang: Lang,
        motion: usize,
        round: Round,
        minutes: u32,
    ) -> Effect {
        Effect::DebatePoll {
            place,
            debate,
            round,
            poll: self.app.debate_poll(lang, motion, round, minutes),
        }
    }

    fn already_open(&self, chat: Place, lang: Lang, open: &DebateRow) -> Effect {
        let ui = self.app.view(lang).ui;
        let motion = self
            .app
            .motion_by_id(&open.motion_id)
            .map(|m| self.app.corpus().motions[m].motion.get(lang))
            .unwrap_or_default();
        Effect::say(chat, fill(&ui.debate_already_open, &[("motion", motion)]))
    }

    /// The adapter posted the debate's poll of `round` as poll `poll_id` in message
    /// `message_id`: store it; after the first vote come both sides' quotes, and the wake-up
    /// at its deadline.
    pub async fn poll_sent(
        &self,
        debate: DebateId,
        round: Round,
        poll_id: &str,
        message_id: i64,
    ) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.debate(debate).await? else {
            return Ok(Vec::new());
        };
        let motion = self.app.motion_by_id(&row.motion_id);
        let options: Vec<&str> = match (round, motion) {
            (Round::Convinced, Some(motion)) => self
                .app
                .convinced_quotes(motion)
                .into_iter()
                .map(|e| self.app.corpus().excerpts[e].id.as_str())
                .collect(),
            _ => Vec::new(),
        };
        self.store
            .debate_poll_sent(debate, round, poll_id, message_id, &options)
            .await?;
        let stop = || {
            Ok(vec![Effect::StopPoll {
                place: row.place(),
                message_id,
            }])
        };
        // Its step over while the poll was on its way: stop it, or it would stay open for good.
        if row.closed_at.is_some() || (round == Round::Before && row.second_at.is_some()) {
            return stop();
        }
        match (round, motion) {
            (Round::Before, Some(motion)) => Ok(vec![
                Effect::Send {
                    place: row.place(),
                    reply: self.app.debate_page(self.lang_of(&row), motion, [0, 0]),
                },
                Effect::Wake {
                    at: row.deadline,
                    timer: Timer::Debate { debate },
                },
            ]),
            _ => Ok(Vec::new()),
        }
    }

    /// The debate's poll of `round` could not be posted. Without its first vote the debate is
    /// off, with an apology; without the second, it closes on the first; without the convinced
    /// poll, it goes on without it.
    pub async fn poll_failed(
        &self,
        debate: DebateId,
        round: Round,
        now: Millis,
    ) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.debate(debate).await? else {
            return Ok(Vec::new());
        };
        match round {
            Round::Before => {
                self.store.close_debate(debate, now).await?;
                if !self.store.report_debate(debate, now).await? {
                    return Ok(Vec::new());
                }
                let ui = self.app.view(self.lang_of(&row)).ui;
                Ok(vec![Effect::say(
                    row.place(),
                    ui.debate_poll_failed.clone(),
                )])
            }
            Round::After => self.close_now(&row, now).await,
            Round::Convinced => Ok(Vec::new()),
        }
    }

    /// An answer to one of a debate's polls. A vote's side is the first of `option_ids` (a
    /// poll with one answer sends one) and replaces the voter's earlier choice; the convinced
    /// poll's options replace the earlier ones; none retracts the answer.
    pub async fn vote(
        &self,
        poll_id: &str,
        player: &Player,
        option_ids: &[u8],
        now: Millis,
    ) -> Result<Recorded, Error> {
        // A poll no debate put (a quiz poll whose id is not stored yet, whose answer is tried
        // again in a moment) is not refused here.
        let Some(poll) = self.store.debate_poll(poll_id).await? else {
            return Ok(Recorded::UnknownPoll);
        };
        let bits = match poll.round {
            Round::Before | Round::After => match option_ids.first() {
                None => None,
                Some(&o) => match Side::of_option(o) {
                    Some(side) => Some(1u64 << side.index()),
                    None => return Ok(Recorded::Refused(Refusal::Invalid)),
                },
            },
            Round::Convinced => {
                if option_ids
                    .iter()
                    .any(|&o| usize::from(o) >= poll.options.len())
                {
                    return Ok(Recorded::Refused(Refusal::Invalid));
                }
                let bits = option_ids.iter().fold(0u64, |b, &o| b | 1 << o);
                (bits != 0).then_some(bits)
            }
        };
        Ok(self
            .store
            .record_debate_answer(poll_id, player.id, bits, now)
            .await?)
    }

    /// `/debate close`: the starter, an admin, or anyone in a private chat moves the debate on:
    /// from the first vote to the second, from the second to the result.
    async fn close(&self, request: &DebateRequest<'_>, lang: Lang) -> Result<Vec<Effect>, Error> {
        let ui = self.app.view(lang).ui;
        let Some(row) = self.store.open_debate(request.place).await? else {
            return Ok(vec![Effect::say(
                request.place,
                ui.debate_none_open.clone(),
            )]);
        };
        if !vocab::may_manage(
            request.kind,
            row.starter_id,
            request.player.id,
            request.is_admin,
        ) {
            return Ok(vec![Effect::say(
                request.place,
                ui.debate_only_starter_close.clone(),
            )]);
        }
        match row.second_at {
            None => self.open_second(&row, request.now).await,
            // The first vote's time ran out and the second opened no earlier than this close
            // was sent (the deadline's wake-up was handled first): it was meant for the first
            // vote, which is closed, and does not also end the second, which nobody has seen.
            Some(opened) if opened >= row.deadline && request.now <= opened => Ok(Vec::new()),
            Some(_) => self.close_now(&row, request.now).await,
        }
    }

    /// Stops the first vote and puts the second and the convinced poll, for as long as the
    /// first was open.
    async fn open_second(&self, row: &DebateRow, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(motion) = self.app.motion_by_id(&row.motion_id) else {
            // The motion left the data while the debate ran: nothing to ask again.
            return self.close_now(row, now).await;
        };
        let span = (row.deadline - row.started_at).max(60_000);
        let deadline = now + span;
        if !self.store.open_second_vote(row.id, now, deadline).await? {
            return Ok(Vec::new());
        }
        let mut outs = self.stop_polls(row, Round::Before).await?;
        let minutes = (span as u64).div_ceil(60_000) as u32;
        let lang = self.lang_of(row);
        for round in [Round::After, Round::Convinced] {
            outs.push(self.poll(row.place(), row.id, lang, motion, round, minutes));
        }
        outs.push(Effect::Wake {
            at: deadline,
            timer: Timer::Debate { debate: row.id },
        });
        Ok(outs)
    }

    /// Stops the debate's polls of `round` and after (those posted).
    async fn stop_polls(&self, row: &DebateRow, from: Round) -> Result<Vec<Effect>, Error> {
        Ok(self
            .store
            .debate_polls(row.id)
            .await?
            .into_iter()
            .filter(|p| p.round.index() >= from.index())
            .map(|p| Effect::StopPoll {
                place: row.place(),
                message_id: p.message_id,
            })
            .collect())
    }

    /// Ends the debate's voting at `now`: stop its open polls, post the result after the grace.
    async fn close_now(&self, row: &DebateRow, now: Millis) -> Result<Vec<Effect>, Error> {
        if !self.store.close_debate(row.id, now).await? {
            return Ok(Vec::new());
        }
        let open = match row.second_at {
            None => Round::Before,
            Some(_) => Round::After,
        };
        let mut outs = self.stop_polls(row, open).await?;
        outs.push(Effect::Wake {
            at: now + GRACE_MS,
            timer: Timer::Debate { debate: row.id },
        });
        Ok(outs)
    }

    /// A wake-up: move on at a vote's deadline; post the result once the grace has passed.
    pub async fn wake(&self, debate: DebateId, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.debate(debate).await? else {
            return Ok(Vec::new());
        };
        if row.reported_at.is_some() {
            return Ok(Vec::new());
        }
        let later = |at: Millis| {
            Ok(vec![Effect::Wake {
                at,
                timer: Timer::Debate { debate },
            }])
        };
        let Some(closed_at) = row.closed_at else {
            return match row.second_deadline {
                None if now < row.deadline => later(row.deadline),
                None => self.open_second(&row, now).await,
                Some(deadline) if now < deadline => later(deadline),
                Some(_) => self.close_now(&row, now).await,
            };
        };
        if now < closed_at + GRACE_MS {
            return later(closed_at + GRACE_MS);
        }
        if !self.store.report_debate(debate, now).await? {
            return Ok(Vec::new());
        }
        let Some(motion) = self.app.motion_by_id(&row.motion_id) else {
            // The motion left the data while the debate ran: nothing to report against.
            return Ok(Vec::new());
        };
        let answers = self.store.debate_answers(debate).await?;
        let polls = self.store.debate_polls(debate).await?;
        let quotes: Vec<Option<usize>> = polls
            .iter()
            .find(|p| p.round == Round::Convinced)
            .map(|p| {
                p.options
                    .iter()
                    .map(|id| self.app.excerpt_by_id(id))
                    .collect()
            })
            .unwrap_or_default();
        let outcome = result::Outcome::of(&answers, quotes.len());
        let lang = self.lang_of(&row);
        let doc = result::render(&self.app, lang, motion, &outcome, &quotes);
        let chat = self.store.chat_settings(row.chat_id).await?;
        if !chat.pictures.unwrap_or(self.settings.pictures) {
            return Ok(vec![Effect::Send {
                place: row.place(),
                reply: Reply {
                    doc,
                    buttons: Vec::new(),
                },
            }]);
        }
        // The votes as a picture too, the result's text as the caption where it fits.
        let title = self.app.corpus().motions[motion]
            .motion
            .get(lang)
            .to_string();
        let board = picture::VoteBoard::new(&self.app, lang, &title, now, &outcome);
        let scene = picture::scene(&board);
        Ok(crate::picture::with_text(row.place(), scene, &title, doc))
    }

    /// After a restart: every debate whose result is not posted carries on. A first vote never
    /// posted is posted now; a second vote's polls never posted are posted now; each step gets
    /// its wake-up at its deadline (or moves on, if that passed); a closed debate posts its
    /// result.
    pub async fn resume(&self, now: Millis) -> Result<Vec<Effect>, Error> {
        let mut outs = Vec::new();
        for row in self.store.unreported_debates().await? {
            let posted: Vec<Round> = self
                .store
                .debate_polls(row.id)
                .await?
                .iter()
                .map(|p| p.round)
                .collect();
            let motion = self.app.motion_by_id(&row.motion_id);
            let lang = self.lang_of(&row);
            let left = |deadline: Millis| ((deadline - now) as u64).div_ceil(60_000) as u32;
            match (row.closed_at, row.second_deadline, motion) {
                (None, None, _) if !posted.contains(&Round::Before) => {
                    match motion {
                        Some(motion) if now < row.deadline => {
                            // The poll says how long is left, not the full time.
                            outs.push(self.poll(
                                row.place(),
                                row.id,
                                lang,
                                motion,
                                Round::Before,
                                left(row.deadline),
                            ))
                        }
                        _ => {
                            // Gone from the data, or too late to ask: call it off quietly.
                            self.store.close_debate(row.id, now).await?;
                            self.store.report_debate(row.id, now).await?;
                        }
                    }
                    continue;
                }
                (None, Some(deadline), Some(motion)) if now < deadline => {
                    for round in [Round::After, Round::Convinced] {
                        if !posted.contains(&round) {
                            outs.push(self.poll(
                                row.place(),
                                row.id,
                                lang,
                                motion,
                                round,
                                left(deadline),
                            ));
                        }
                    }
                }
                _ => {}
            }
            outs.extend(self.wake(row.id, now).await?);
        }
        Ok(outs)
    }
}
