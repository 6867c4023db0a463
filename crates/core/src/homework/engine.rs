//! The homework engine: `/assign` (new homework, `list`, `close`), a student's deep link and
//! Start button, the card kept up to date, the deadline with its summary and the teacher's
//! report, `/report` for whichever ended last here (a quiz or homework), and the restart.
//! It decides; the adapter acts: every method returns [`Effect`]s.

use std::sync::Arc;

use rand::Rng;
use rand::distr::{Alphanumeric, SampleString};

use super::args::{self, Assign};
use super::{Error, HomeworkSettings, report};
use crate::app::{App, Button, Reply, View};
use crate::callback_data::{self, HOMEWORK_CODE_LEN};
use crate::command::{Builtin, HOMEWORK_LINK, HOMEWORK_REPORT_LINK};
use crate::effect::{Effect, Link, Posted};
use crate::i18n::{Lang, fill};
use crate::quiz::{QuizRequest, Quizzes, picture, questions};
use crate::render::{Doc, user_text};
use crate::settings::ChatSettings;
use crate::store::{AssignmentRow, NewAssignment, NewQuiz, Store};
use crate::vocab::{
    AssignmentId, ChatKind, Dealt, Members, Membership, Millis, Place, Player, Timer,
};

/// The length of the code in homework's links (and its Start button's data): 62^12 codes,
/// not to be guessed.
const CODE_LEN: usize = HOMEWORK_CODE_LEN;
/// The card is redrawn at most this often (a group takes 20 messages a minute, edits included).
const CARD_EVERY_MS: i64 = 30_000;

/// A request to the homework engine: `/assign` in a group, a deep link (`/start hw_...`,
/// `/start report_...`) in a private chat, or `/report`.
#[derive(Debug, Clone)]
pub struct HomeworkRequest<'a> {
    pub place: Place,
    pub kind: ChatKind,
    pub player: &'a Player,
    pub command: Builtin,
    pub args: &'a str,
    /// Whether the sender administers the chat; asked only when it matters (see
    /// [`Homework::needs_admin_check`]).
    pub is_admin: bool,
    /// This bot's username, for the deep links; `None` where there is none (the terminal).
    pub bot_username: Option<&'a str>,
    pub now: Millis,
}

/// Homework in every group.
pub struct Homework {
    app: Arc<App>,
    store: Store,
    quizzes: Arc<Quizzes>,
    settings: HomeworkSettings,
}

impl Homework {
    pub fn new(
        app: Arc<App>,
        store: Store,
        quizzes: Arc<Quizzes>,
        settings: HomeworkSettings,
    ) -> Self {
        Homework {
            app,
            store,
            quizzes,
            settings,
        }
    }

    fn lang_of(&self, row: &AssignmentRow) -> Lang {
        Lang::from_code(&row.lang).unwrap_or(self.app.default_lang())
    }

    fn view(&self, lang: Lang) -> View<'_> {
        self.app.view(lang)
    }

    /// Whether answering this request needs to know if the sender administers the chat:
    /// new homework in a group where only admins start, closing homework, and `/report`
    /// (as the quiz engine says for a quiz's).
    pub async fn needs_admin_check(&self, request: &HomeworkRequest<'_>) -> Result<bool, Error> {
        if request.kind == ChatKind::Private {
            return Ok(false);
        }
        Ok(match request.command {
            Builtin::Assign => {
                let settings = self.store.chat_settings(request.place.chat).await?;
                let tz = &self.app.zone().tz;
                match args::parse(request.args, request.now, tz, self.max_questions()) {
                    Ok(Assign::New { .. }) => settings.start_needs_admin(request.kind),
                    Ok(Assign::Close(_)) => true,
                    Ok(Assign::List) | Err(_) => false,
                }
            }
            Builtin::Report => {
                self.quizzes
                    .needs_admin_check(
                        request.place,
                        request.kind,
                        request.player,
                        Builtin::Report,
                        request.args,
                    )
                    .await?
                    || self
                        .store
                        .last_closed_assignment(request.place)
                        .await?
                        .is_some_and(|a| a.teacher_id != request.player.id)
            }
            _ => false,
        })
    }

    fn max_questions(&self) -> usize {
        self.quizzes.settings().max_questions
    }

    /// Handles a homework request; answers nothing for a command that is not homework's.
    pub async fn handle(
        &self,
        request: &HomeworkRequest<'_>,
        members: &dyn Members,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        let settings = self.store.chat_settings(request.place.chat).await?;
        let lang = self
            .app
            .lang_in(&settings, request.player.language_code.as_deref());
        match request.command {
            Builtin::Assign => self.assign(request, lang, &settings, rng).await,
            // Telegram opens a deep link in the user's private chat; the same words typed in
            // a group open nothing (and say nothing of who has a private chat).
            Builtin::Start if request.kind != ChatKind::Private => Ok(Vec::new()),
            Builtin::Start => {
                let args = request.args.trim();
                if let Some(code) = args.strip_prefix(HOMEWORK_LINK) {
                    self.link(request, lang, code, members).await
                } else if let Some(code) = args.strip_prefix(HOMEWORK_REPORT_LINK) {
                    self.report_link(request, lang, code, members).await
                } else {
                    Ok(Vec::new())
                }
            }
            Builtin::Report => self.report(request, lang, rng).await,
            _ => Ok(Vec::new()),
        }
    }

    /// `/assign ...` in a group (in a private chat it says homework is set in a group).
    async fn assign(
        &self,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        settings: &ChatSettings,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        let ui = self.view(lang).ui;
        let place = request.place;
        if request.kind == ChatKind::Private {
            return Ok(vec![Effect::say(place, ui.hw_only_groups.clone())]);
        }
        let zone = &self.app.zone().name;
        let max = self.max_questions();
        let asked = match args::parse(request.args, request.now, &self.app.zone().tz, max) {
            Ok(asked) => asked,
            Err(args::Refused::Deadline) => {
                return Ok(vec![Effect::say(
                    place,
                    fill(&ui.hw_bad_deadline, &[("zone", zone)]),
                )]);
            }
            Err(args::Refused::Pace(refused)) => {
                return Ok(vec![Effect::say(place, refused.line(ui, max))]);
            }
            Err(args::Refused::Usage) => {
                return Ok(vec![Effect::say(
                    place,
                    fill(&ui.hw_usage, &[("zone", zone)]),
                )]);
            }
        };
        match asked {
            Assign::List => self.list(place, lang, request.now).await,
            Assign::Close(number) => self.close_asked(request, lang, number).await,
            Assign::New { pace, deadline } => {
                if !settings.may_start(request.kind, request.is_admin) {
                    return Ok(vec![Effect::say(place, ui.hw_only_admins.clone())]);
                }
                let Some(bot) = request.bot_username else {
                    return Ok(vec![Effect::say(place, ui.hw_no_link.clone())]);
                };
                let chosen = settings.quiz(self.quizzes.settings());
                let count = pace.questions.unwrap_or(chosen.questions.min(max));
                let seconds = pace.seconds.unwrap_or(chosen.question_seconds);
                let deadline = deadline
                    .unwrap_or(request.now + i64::from(self.settings.default_hours) * 3_600_000);
                let scope = self.app.scope(settings);
                let dealt = self.quizzes.deal(place, lang, count, scope, rng).await?;
                let code = Alphanumeric.sample_string(rng, CODE_LEN);
                let new = NewAssignment {
                    code: &code,
                    place,
                    teacher_id: request.player.id,
                    teacher_name: &request.player.name,
                    lang: lang.code(),
                    question_seconds: i64::from(seconds),
                    scoring: settings.scoring,
                    questions: &dealt,
                    bot_username: bot,
                    created_at: request.now,
                    deadline,
                };
                let row = self.store.create_assignment(&new).await?;
                Ok(vec![
                    Effect::Post {
                        place,
                        reply: self.card(&row, 0, request.now),
                        link: Some(self.take_link(&row, lang)),
                        then: Some(Posted::Card(row.id)),
                    },
                    Effect::Wake {
                        at: row.deadline,
                        timer: Timer::Assignment { assignment: row.id },
                    },
                ])
            }
        }
    }

    fn card(&self, row: &AssignmentRow, finished: i64, now: Millis) -> Reply {
        let view = self.view(self.lang_of(row));
        Reply {
            doc: report::card(&view, row, finished, now),
            buttons: Vec::new(),
        }
    }

    /// The card's button: Telegram's deep link that opens the bot's private chat and sends it
    /// `/start hw_<code>` (Bot API, "deep linking").
    fn take_link(&self, row: &AssignmentRow, lang: Lang) -> Link {
        Link {
            label: self.view(lang).ui.hw_button_take.clone(),
            url: format!(
                "https://t.me/{}?start={HOMEWORK_LINK}{}",
                row.bot_username, row.code
            ),
        }
    }

    /// `/assign list`: the open homework of the chat.
    async fn list(&self, place: Place, lang: Lang, now: Millis) -> Result<Vec<Effect>, Error> {
        let view = self.view(lang);
        let open = self.store.open_assignments(place.chat).await?;
        if open.is_empty() {
            return Ok(vec![Effect::say(place, view.ui.hw_list_none.clone())]);
        }
        let mut doc = Doc::new();
        doc.text(view.ui.hw_list_title.clone());
        for row in &open {
            let progress = self.store.progress(row.id).await?;
            doc.text(report::list_line(&view, row, progress, now));
        }
        Ok(vec![Effect::Send {
            place,
            reply: Reply {
                doc,
                buttons: Vec::new(),
            },
        }])
    }

    /// `/assign close [n]`: by who set it or an admin; without a number, the only one open.
    async fn close_asked(
        &self,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        number: Option<i64>,
    ) -> Result<Vec<Effect>, Error> {
        let ui = self.view(lang).ui;
        let place = request.place;
        let row = match number {
            Some(n) => self
                .store
                .assignment_numbered(place.chat, n)
                .await?
                .filter(|a| a.closed_at.is_none()),
            None => {
                let open = self.store.open_assignments(place.chat).await?;
                match open.len() {
                    0 => return Ok(vec![Effect::say(place, ui.hw_list_none.clone())]),
                    1 => open.into_iter().next(),
                    _ => {
                        let mut effects = vec![Effect::say(place, ui.hw_close_which.clone())];
                        effects.extend(self.list(place, lang, request.now).await?);
                        return Ok(effects);
                    }
                }
            }
        };
        let Some(row) = row else {
            let number = number.unwrap_or_default().to_string();
            return Ok(vec![Effect::say(
                place,
                fill(&ui.hw_close_unknown, &[("number", &number)]),
            )]);
        };
        if !crate::vocab::may_manage(
            request.kind,
            row.teacher_id,
            request.player.id,
            request.is_admin,
        ) {
            return Ok(vec![Effect::say(place, ui.hw_only_teacher_close.clone())]);
        }
        self.close(row.id, request.now).await
    }

    /// `/start hw_<code>` in a private chat: the student's way in. The homework and a Start
    /// button; or why not (not a member of its group, closed: with their result if any), or
    /// the result of their one attempt.
    async fn link(
        &self,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        code: &str,
        members: &dyn Members,
    ) -> Result<Vec<Effect>, Error> {
        let place = request.place;
        let row = match self.opened(request, lang, code).await? {
            Ok(row) => row,
            Err(said) => return Ok(said),
        };
        // The homework speaks its own language: its questions are in it.
        let lang = self.lang_of(&row);
        if let Some(said) = self.cannot_begin(&row, request, lang, members).await? {
            return Ok(said);
        }
        let view = self.view(lang);
        Ok(vec![Effect::Send {
            place,
            reply: Reply {
                doc: report::intro(&view, &row, request.now),
                buttons: vec![vec![Button {
                    label: view.ui.hw_button_start.clone(),
                    data: callback_data::encode(
                        &callback_data::Action::Homework {
                            code: row.code.clone(),
                        },
                        self.app.corpus(),
                    )
                    .expect("a code fits"),
                }]],
            },
        }])
    }

    /// A deep link to homework opened in a private chat: its sender now has a private chat
    /// with the bot; the homework its code names, or the line that says the link is none.
    async fn opened(
        &self,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        code: &str,
    ) -> Result<Result<AssignmentRow, Vec<Effect>>, Error> {
        self.store
            .mark_private_chat(request.player.id, request.now)
            .await?;
        Ok(match self.by_code(code).await? {
            Some(row) => Ok(row),
            None => {
                let ui = self.view(lang).ui;
                Err(vec![Effect::say(request.place, ui.hw_link_invalid.clone())])
            }
        })
    }

    /// The assignment a link's code names: only a code as this engine makes them is looked up.
    async fn by_code(&self, code: &str) -> Result<Option<AssignmentRow>, Error> {
        if code.len() != CODE_LEN || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(None);
        }
        Ok(self.store.assignment_by_code(code).await?)
    }

    /// Why `request`'s sender may not begin homework `row` now, said to them; `None` when they
    /// may: they have not begun it, it is open, and they are in its group (asked of the
    /// platform, last, as it costs a call).
    async fn cannot_begin(
        &self,
        row: &AssignmentRow,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        members: &dyn Members,
    ) -> Result<Option<Vec<Effect>>, Error> {
        let ui = self.view(lang).ui;
        let place = request.place;
        let attempt = self.store.attempt(row.id, request.player.id).await?;
        if row.closed_at.is_some() || request.now >= row.deadline {
            let closed = row.closed_at.unwrap_or(row.deadline);
            let mut text = fill(
                &ui.hw_closed,
                &[
                    ("date", &self.app.zone().local(closed)),
                    ("zone", &self.app.zone().name),
                ],
            );
            if let Some(attempt) = &attempt {
                let answers = self.store.answers(attempt.id).await?;
                let right = answers.iter().filter(|a| a.correct).count();
                text.push(' ');
                text.push_str(&fill(
                    &ui.hw_your_result,
                    &[
                        ("right", &right.to_string()),
                        ("total", &row.questions.len().to_string()),
                    ],
                ));
            }
            return Ok(Some(vec![Effect::say(place, text)]));
        }
        if let Some(attempt) = attempt {
            if attempt.finished_at.is_none() {
                return Ok(Some(vec![Effect::say(place, ui.hw_in_progress.clone())]));
            }
            // Their one attempt is over: its result again.
            let questions = self.store.questions(attempt.id).await?;
            let answers = self.store.answers(attempt.id).await?;
            let view = self.view(lang);
            let doc = crate::quiz::results::attempt(
                &view,
                &questions,
                &answers,
                row.scoring,
                row.number,
                false,
            );
            return Ok(Some(vec![Effect::Send {
                place,
                reply: Reply {
                    doc,
                    buttons: Vec::new(),
                },
            }]));
        }
        match members.membership(row.chat_id).await {
            Membership::Admin | Membership::Member => Ok(None),
            Membership::Outside => Ok(Some(vec![Effect::say(place, ui.hw_not_member.clone())])),
            Membership::Unknown => Ok(Some(vec![Effect::say(place, ui.hw_member_unknown.clone())])),
        }
    }

    /// The Start button under a homework's introduction, pressed in a private chat: the
    /// attempt begins (the introduction says so, the first question comes), or the presser
    /// is told why not, in place of the introduction.
    pub async fn press(
        &self,
        code: &str,
        player: &Player,
        chat: Option<(i64, ChatKind)>,
        members: &dyn Members,
        now: Millis,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        let lang = self.app.lang(player.language_code.as_deref());
        let ui = self.view(lang).ui;
        let stale = || {
            vec![Effect::AnswerPress {
                notice: Some(ui.button_stale.clone()),
            }]
        };
        // Only in the student's own private chat: a forged button elsewhere starts nothing.
        let Some((chat, ChatKind::Private)) = chat.filter(|&(c, _)| c == player.id) else {
            return Ok(stale());
        };
        let Some(row) = self.by_code(code).await? else {
            return Ok(stale());
        };
        let place = Place::chat(chat);
        let lang = self.lang_of(&row);
        let request = HomeworkRequest {
            place,
            kind: ChatKind::Private,
            player,
            command: Builtin::Start,
            args: "",
            is_admin: false,
            bot_username: None,
            now,
        };
        let answered = Effect::AnswerPress { notice: None };
        if let Some(said) = self.cannot_begin(&row, &request, lang, members).await? {
            return Ok(std::iter::once(answered).chain(said).collect());
        }
        let dealt: Vec<Dealt> = row
            .questions
            .iter()
            .map(|q| questions::reshuffle(q, rng))
            .collect();
        let attempt = NewQuiz {
            place,
            starter_id: player.id,
            starter_name: &player.name,
            lang: lang.code(),
            question_seconds: row.question_seconds,
            scoring: row.scoring,
            started_at: now,
            questions: &dealt,
            assignment: Some(row.id),
        };
        let ui = self.view(lang).ui;
        let Some(first) = self.quizzes.start_attempt(&attempt).await? else {
            // A quiz runs in this chat, or a second press raced the first.
            let said = match self.store.attempt(row.id, player.id).await? {
                Some(_) => ui.hw_in_progress.clone(),
                None => ui.hw_busy.clone(),
            };
            return Ok(vec![answered, Effect::say(place, said)]);
        };
        let started = Reply::plain(fill(
            &ui.hw_started,
            &[
                ("count", &row.questions.len().to_string()),
                ("seconds", &row.question_seconds.to_string()),
            ],
        ));
        let mut effects = vec![answered, Effect::EditPressed { reply: started }];
        effects.extend(first);
        Ok(effects)
    }

    /// The card was posted: keep its id, to redraw it.
    pub async fn posted(
        &self,
        assignment: AssignmentId,
        message_id: i64,
    ) -> Result<Vec<Effect>, Error> {
        self.store.set_card(assignment, message_id).await?;
        Ok(Vec::new())
    }

    /// A wake-up for homework: at its deadline it closes; before it, the card is redrawn if
    /// more have finished than it shows, at most every [`CARD_EVERY_MS`] (a later wake-up
    /// catches up what comes between).
    pub async fn wake(&self, assignment: AssignmentId, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.assignment(assignment).await? else {
            return Ok(Vec::new());
        };
        // A wake-up a moment early (the wall clock stepped) still closes it.
        if row.closed_at.is_none() && now + 1_000 >= row.deadline {
            return self.close(row.id, now.max(row.deadline)).await;
        }
        if row.closed_at.is_some() {
            return Ok(Vec::new());
        }
        let Some(message_id) = row.card_message_id else {
            return Ok(Vec::new());
        };
        let progress = self.store.progress(row.id).await?;
        if progress.finished == row.card_finished {
            return Ok(Vec::new());
        }
        if let Some(edited) = row.card_edited_at
            && now - edited < CARD_EVERY_MS
        {
            return Ok(vec![Effect::Wake {
                at: edited + CARD_EVERY_MS,
                timer: Timer::Assignment { assignment },
            }]);
        }
        self.store
            .card_drawn(row.id, progress.finished, now)
            .await?;
        let lang = self.lang_of(&row);
        Ok(vec![Effect::Edit {
            place: row.place(),
            message_id,
            reply: self.card(&row, progress.finished, now),
            link: Some(self.take_link(&row, lang)),
        }])
    }

    /// Closes homework now (its deadline, or `/assign close`): attempts still running end,
    /// each student told; the card says it closed; the group gets the summary; the teacher
    /// the report, in private when they have a private chat with the bot, else the summary
    /// says how to get it. Nothing when it was closed already.
    pub async fn close(&self, assignment: AssignmentId, now: Millis) -> Result<Vec<Effect>, Error> {
        if !self.store.close_assignment(assignment, now).await? {
            return Ok(Vec::new());
        }
        let mut effects = Vec::new();
        for attempt in self.store.attempts(assignment).await? {
            if attempt.finished_at.is_none() {
                effects.extend(self.quizzes.end_attempt(&attempt, now).await?);
            }
        }
        // The students' wake-ups for the card are moot now: the summary says it all.
        effects.retain(|e| !matches!(e, Effect::Wake { .. }));
        effects.extend(self.summary(assignment, now).await?);
        Ok(effects)
    }

    /// The closed homework's card, summary and report; marked as reported.
    async fn summary(&self, assignment: AssignmentId, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.assignment(assignment).await? else {
            return Ok(Vec::new());
        };
        if !self.store.mark_assignment_reported(row.id, now).await? {
            return Ok(Vec::new());
        }
        let lang = self.lang_of(&row);
        let view = self.view(lang);
        let ui = view.ui;
        let attempts = self.store.attempts(row.id).await?;
        let answers = self.store.assignment_answers(row.id).await?;
        let finished = attempts.iter().filter(|a| report::finished(a)).count() as i64;
        let mut effects = Vec::new();
        if let Some(message_id) = row.card_message_id {
            effects.push(Effect::Edit {
                place: row.place(),
                message_id,
                reply: self.card(&row, finished, now),
                link: Some(self.take_link(&row, lang)),
            });
        }
        let mut doc = report::summary(&view, &row, &attempts, &answers);
        let teacher = user_text(&row.teacher_name);
        let in_private = !attempts.is_empty()
            && row.teacher_id != crate::store::NOBODY
            && self.store.has_private_chat(row.teacher_id).await?;
        let mut link = None;
        if in_private {
            doc.blank()
                .text(fill(&ui.hw_summary_report_sent, &[("name", &teacher)]));
        } else if !attempts.is_empty() {
            doc.blank()
                .text(fill(&ui.hw_summary_report_start, &[("name", &teacher)]));
            link = Some(Link {
                label: ui.hw_button_report.clone(),
                url: format!(
                    "https://t.me/{}?start={HOMEWORK_REPORT_LINK}{}",
                    row.bot_username, row.code
                ),
            });
        }
        // The picture first (its caption the title alone), then the summary with its button.
        let chat = self.store.chat_settings(row.chat_id).await?;
        if !attempts.is_empty() && chat.quiz(self.quizzes.settings()).pictures {
            let title = fill(
                &ui.pic_homework_title,
                &[
                    ("title", &view.article_title()),
                    ("number", &row.number.to_string()),
                ],
            );
            let asked: Vec<&Dealt> = row.questions.iter().collect();
            let board = picture::board(
                &view,
                title.clone(),
                now,
                &asked,
                &answers,
                row.scoring,
                Some(attempts.len()),
            );
            effects.push(Effect::Photo {
                place: row.place(),
                scene: Box::new(picture::scene(&board)),
                caption: Reply::plain(title),
                otherwise: None,
            });
        }
        effects.push(Effect::Post {
            place: row.place(),
            reply: Reply {
                doc,
                buttons: Vec::new(),
            },
            link,
            then: None,
        });
        if in_private {
            effects.extend(
                self.document(&row, Place::chat(row.teacher_id), lang)
                    .await?,
            );
        }
        Ok(effects)
    }

    /// The report of homework as a CSV document to `place`; when there is nothing to report
    /// (nobody took it), one line saying so.
    async fn document(
        &self,
        row: &AssignmentRow,
        place: Place,
        lang: Lang,
    ) -> Result<Vec<Effect>, Error> {
        let ui = self.view(lang).ui;
        let attempts = self.store.attempts(row.id).await?;
        if attempts.is_empty() {
            return Ok(vec![Effect::say(place, ui.hw_report_none.clone())]);
        }
        let answers = self.store.assignment_answers(row.id).await?;
        let bytes = match report::csv(row, &attempts, &answers) {
            Ok(text) => text.into_bytes(),
            Err(e) => {
                tracing::error!(error = %e, "cannot write a homework's report");
                return Ok(vec![Effect::say(place, ui.store_error.clone())]);
            }
        };
        Ok(vec![Effect::Document {
            place,
            name: format!("homework-{}.csv", row.number),
            bytes,
            caption: fill(
                &ui.hw_report_caption,
                &[
                    ("number", &row.number.to_string()),
                    ("students", &attempts.len().to_string()),
                    ("count", &row.questions.len().to_string()),
                ],
            ),
        }])
    }

    /// `/start report_<code>` in a private chat: the report, for who set the homework or an
    /// admin of its group (asked of the platform); so far, if it is still open.
    async fn report_link(
        &self,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        code: &str,
        members: &dyn Members,
    ) -> Result<Vec<Effect>, Error> {
        let place = request.place;
        let ui = self.view(lang).ui;
        let row = match self.opened(request, lang, code).await? {
            Ok(row) => row,
            Err(said) => return Ok(said),
        };
        let allowed = row.teacher_id == request.player.id
            || members.membership(row.chat_id).await == Membership::Admin;
        if !allowed {
            return Ok(vec![Effect::say(place, ui.hw_report_not_yours.clone())]);
        }
        self.document(&row, place, lang).await
    }

    /// `/report` (and its words): with no words, in a chat where homework closed after its
    /// last quiz began, the homework's report, for who set it or an admin; anything else is
    /// the quiz engine's.
    async fn report(
        &self,
        request: &HomeworkRequest<'_>,
        lang: Lang,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        if request.args.trim().is_empty()
            && let Some(row) = self.store.last_closed_assignment(request.place).await?
        {
            let last_quiz = self.store.last_quiz(request.place).await?;
            if last_quiz.is_none_or(|q| q.started_at < row.closed_at.unwrap_or(row.deadline)) {
                if !crate::vocab::may_manage(
                    request.kind,
                    row.teacher_id,
                    request.player.id,
                    request.is_admin,
                ) {
                    let ui = self.view(lang).ui;
                    return Ok(vec![Effect::say(
                        request.place,
                        ui.quiz_only_starter_report.clone(),
                    )]);
                }
                return self.document(&row, request.place, lang).await;
            }
        }
        let quiz = QuizRequest {
            place: request.place,
            kind: request.kind,
            player: request.player,
            command: Builtin::Report,
            args: request.args,
            is_admin: request.is_admin,
            now: request.now,
        };
        Ok(self.quizzes.handle(&quiz, rng).await?)
    }

    /// After a restart: open homework gets its deadline again (one that passed closes now)
    /// and its card redrawn; closed homework whose summary was not posted gets it. The
    /// attempts themselves are quizzes: the quiz engine resumes them.
    pub async fn resume(&self, now: Millis) -> Result<Vec<Effect>, Error> {
        let mut effects = Vec::new();
        for row in self.store.unfinished_assignments().await? {
            if row.closed_at.is_some() {
                effects.extend(self.summary(row.id, now).await?);
            } else if now >= row.deadline {
                effects.extend(self.close(row.id, now).await?);
            } else {
                let timer = Timer::Assignment { assignment: row.id };
                effects.push(Effect::Wake {
                    at: row.deadline,
                    timer,
                });
                effects.push(Effect::Wake { at: now, timer });
            }
        }
        Ok(effects)
    }
}
