//! The debate engine: a state machine over the stored debate, driven by events (a command,
//! the poll sent, a vote, a wake-up) that each carry the time. It decides; the adapter acts on
//! the [`Effect`]s it returns. A debate is *open* (votes count) until `/debate close` or its
//! deadline, then *closed*: the poll is stopped, and `GRACE_MS` later (votes cast before the
//! close may still be on their way) the result is posted once and the debate is *reported*.
//! After a restart, [`Debates::resume`] picks every unreported debate up where it was.

use std::sync::Arc;

use rand::Rng;

use super::{Error, picture, result};
use crate::app::{App, DebateChoice, Reply};
use crate::command::DebateArgs;
use crate::effect::Effect;
use crate::i18n::{Lang, fill};
use crate::settings::DebateSettings;
use crate::store::{DebateRow, NewDebate, Recorded, Refusal, Store};
use crate::vocab;
use crate::vocab::{ChatKind, DebateId, GRACE_MS, Millis, Place, Player, Side, Timer, VotePoll};

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
            let starts = !matches!(self.app.debate(lang, request.args), DebateChoice::Show(_));
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
        let choice = self.app.debate(lang, request.args);
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
                let motion = self.least_debated(request.place, rng).await?;
                self.start(request, lang, motion, minutes).await
            }
        }
    }

    /// A motion the chat has been asked to vote on least often (at random among those), so
    /// that `/debate` goes through every motion before any comes back.
    async fn least_debated(
        &self,
        place: Place,
        rng: &mut (impl Rng + Send),
    ) -> Result<usize, Error> {
        let times = self.store.debated_motions(place).await?;
        let motions = &self.app.corpus().motions;
        let count = |m: &crate::corpus::Motion| times.get(&m.id).copied().unwrap_or(0);
        let fewest = motions.iter().map(count).min().unwrap_or(0);
        let candidates: Vec<usize> = (0..motions.len())
            .filter(|&m| count(&motions[m]) == fewest)
            .collect();
        Ok(candidates[rng.random_range(0..candidates.len())])
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
        Ok(vec![self.open_out(chat, debate, lang, motion, minutes)])
    }

    /// The motion and its vote, open for `minutes` more.
    fn open_out(
        &self,
        place: Place,
        debate: DebateId,
        lang: Lang,
        motion: usize,
        minutes: u32,
    ) -> Effect {
        let (question, options) = self.app.debate_poll(lang, motion, minutes);
        Effect::OpenVote {
            place,
            debate,
            motion: self.app.debate_page(lang, motion, [0, 0]),
            poll: VotePoll {
                question,
                options,
                hide_results_until_closes: true,
            },
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

    /// The adapter posted the vote as poll `poll_id` in message `message_id`: store it and
    /// say when to close it.
    pub async fn poll_sent(
        &self,
        debate: DebateId,
        poll_id: &str,
        message_id: i64,
    ) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.debate(debate).await? else {
            return Ok(Vec::new());
        };
        self.store
            .debate_poll_sent(debate, poll_id, message_id)
            .await?;
        if row.closed_at.is_some() {
            // Closed while the poll was on its way: stop it, or it would stay open for good.
            return Ok(vec![Effect::StopPoll {
                place: row.place(),
                message_id,
            }]);
        }
        Ok(vec![Effect::Wake {
            at: row.deadline,
            timer: Timer::Debate { debate },
        }])
    }

    /// The motion or its poll could not be posted: the debate is off, with an apology.
    pub async fn poll_failed(&self, debate: DebateId, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.debate(debate).await? else {
            return Ok(Vec::new());
        };
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

    /// A vote: the side of the first of `option_ids` (a regular poll with one answer sends
    /// one) replaces the voter's earlier choice; none retracts it.
    pub async fn vote(
        &self,
        poll_id: &str,
        player: &Player,
        option_ids: &[u8],
        now: Millis,
    ) -> Result<Recorded, Error> {
        let side = match option_ids.first().map(|&o| Side::of_option(o)) {
            Some(Some(side)) => Some(side),
            // No option of a vote; but the poll may be no debate's at all (a quiz poll whose
            // id is not stored yet, whose answer is tried again in a moment).
            Some(None) => {
                return Ok(if self.store.is_debate_poll(poll_id).await? {
                    Recorded::Refused(Refusal::Invalid)
                } else {
                    Recorded::UnknownPoll
                });
            }
            None => None,
        };
        Ok(self
            .store
            .record_vote(poll_id, player.id, side, now)
            .await?)
    }

    /// `/debate close`: the starter, an admin, or anyone in a private chat closes the vote.
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
        self.close_now(&row, request.now).await
    }

    /// Closes an open debate at `now`: stop its poll, post the result after the grace.
    async fn close_now(&self, row: &DebateRow, now: Millis) -> Result<Vec<Effect>, Error> {
        if !self.store.close_debate(row.id, now).await? {
            return Ok(Vec::new());
        }
        let mut outs: Vec<Effect> = row
            .message_id
            .map(|message_id| Effect::StopPoll {
                place: row.place(),
                message_id,
            })
            .into_iter()
            .collect();
        outs.push(Effect::Wake {
            at: now + GRACE_MS,
            timer: Timer::Debate { debate: row.id },
        });
        Ok(outs)
    }

    /// A wake-up: close the vote at its deadline; post the result once the grace has passed.
    pub async fn wake(&self, debate: DebateId, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.debate(debate).await? else {
            return Ok(Vec::new());
        };
        if row.reported_at.is_some() {
            return Ok(Vec::new());
        }
        let Some(closed_at) = row.closed_at else {
            if now < row.deadline {
                return Ok(vec![Effect::Wake {
                    at: row.deadline,
                    timer: Timer::Debate { debate },
                }]);
            }
            return self.close_now(&row, now).await;
        };
        if now < closed_at + GRACE_MS {
            return Ok(vec![Effect::Wake {
                at: closed_at + GRACE_MS,
                timer: Timer::Debate { debate },
            }]);
        }
        if !self.store.report_debate(debate, now).await? {
            return Ok(Vec::new());
        }
        let Some(motion) = self.app.motion_by_id(&row.motion_id) else {
            // The motion left the data while the debate ran: nothing to report against.
            return Ok(Vec::new());
        };
        let tally = self.store.tally(debate).await?;
        let lang = self.lang_of(&row);
        let doc = result::render(&self.app, lang, motion, tally);
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
        // The vote as a picture too, its result text as the caption where it fits.
        let view = self.app.view(lang);
        let total: u64 = tally.iter().sum();
        let sides = Side::ALL
            .into_iter()
            .map(|side| {
                let votes = tally[side.index()];
                picture::SideBar {
                    label: self.app.side_label(lang, side).to_string(),
                    votes,
                    share: result::percent(votes, total),
                }
            })
            .collect();
        let title = self.app.corpus().motions[motion]
            .motion
            .get(lang)
            .to_string();
        let board = picture::VoteBoard::new(&view, &title, now, sides);
        let scene = picture::scene(&board);
        Ok(crate::picture::with_text(row.place(), scene, &title, doc))
    }

    /// After a restart: every debate whose result is not posted carries on. A vote never
    /// posted is posted now; an open one gets its wake-up at the deadline (or closes, if
    /// that passed); a closed one posts its result.
    pub async fn resume(&self, now: Millis) -> Result<Vec<Effect>, Error> {
        let mut outs = Vec::new();
        for row in self.store.unreported_debates().await? {
            if row.poll_id.is_none() && row.closed_at.is_none() {
                match self.app.motion_by_id(&row.motion_id) {
                    Some(motion) if now < row.deadline => {
                        // The poll says how long is left, not the full time.
                        let minutes = ((row.deadline - now) as u64).div_ceil(60_000) as u32;
                        let lang = self.lang_of(&row);
                        outs.push(self.open_out(row.place(), row.id, lang, motion, minutes))
                    }
                    _ => {
                        // Gone from the data, or too late to ask: call it off quietly.
                        self.store.close_debate(row.id, now).await?;
                        self.store.report_debate(row.id, now).await?;
                    }
                }
                continue;
            }
            outs.extend(self.wake(row.id, now).await?);
        }
        Ok(outs)
    }
}
