//! The quiz engine: a state machine over the stored quiz, driven by events (a command, a poll
//! sent, an answer, a wake-up at a deadline) that each carry the time. It decides; the adapter
//! acts: every method returns [`Effect`]s (messages to send, polls to send, polls to stop,
//! wake-ups to schedule). No clock, no sleeping, no Telegram here: tests run a 30-second
//! question in microseconds, and a restart is "load what is stored, carry on" ([`Quizzes::resume`]).

use std::sync::Arc;

use rand::Rng;

use super::{Error, pace, picture, questions, results};
use crate::app::{App, Button, Reply};
use crate::command::{Builtin, ReportArgs, TopArgs, TopPeriod};
use crate::corpus::Scope;
use crate::effect::Effect;
use crate::i18n::{Lang, fill};
use crate::render::user_text;
use crate::settings::{ChatSettings, QuizSettings};
use crate::store::{Answer, NewQuiz, QuizRow, Recorded, Refusal, Store};
use crate::vocab;
use crate::vocab::{
    ChatKind, Dealt, GRACE_MS, Millis, Place, Player, PollSpec, QuizId, Scoring, Timer,
};

/// A request to the quiz engine.
#[derive(Debug, Clone)]
pub struct QuizRequest<'a> {
    /// Where it was asked: the chat, and the forum topic if any.
    pub place: Place,
    pub kind: ChatKind,
    pub player: &'a Player,
    /// The command, one of [`crate::command::Route::Quiz`]'s (routed here by `core::Core`),
    /// and its arguments.
    pub command: Builtin,
    pub args: &'a str,
    /// Whether the sender administers the chat; asked only when it matters (see
    /// [`Quizzes::needs_admin_check`]).
    pub is_admin: bool,
    pub now: Millis,
}

/// A stopPoll for a question whose poll is still open at `now`: closing it early tells
/// everyone the question is over.
fn stop_if_open(
    row: &QuizRow,
    question: Option<&crate::store::QuestionRow>,
    now: Millis,
) -> Option<Effect> {
    let question = question?;
    let message_id = question.message_id?;
    (now < question.deadline?).then_some(Effect::StopPoll {
        place: row.place(),
        message_id,
    })
}

/// Who may stop a quiz or download its report: its starter, a chat administrator, or anyone
/// in a private chat (their own quiz).
fn may_manage(request: &QuizRequest<'_>, quiz: &QuizRow) -> bool {
    vocab::may_manage(
        request.kind,
        quiz.starter_id,
        request.player.id,
        request.is_admin,
    )
}

/// The wake-up at which question `index` of `quiz` is over: its poll closed at `deadline`,
/// and the answers on their way have had the grace to arrive.
fn question_over(quiz: QuizId, index: i64, deadline: Millis) -> Effect {
    Effect::Wake {
        at: deadline + GRACE_MS,
        timer: Timer::Question { quiz, index },
    }
}

/// /top week and /top month: the answers of the last 7 and 30 days.
const WEEK_MS: i64 = 7 * 24 * 3_600_000;
const MONTH_MS: i64 = 30 * 24 * 3_600_000;

/// Running quizzes for every chat.
pub struct Quizzes {
    app: Arc<App>,
    store: Store,
    settings: QuizSettings,
}

impl Quizzes {
    pub fn new(app: Arc<App>, store: Store, settings: QuizSettings) -> Self {
        Quizzes {
            app,
            store,
            settings,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The config's quiz settings, which a chat's own override.
    pub fn settings(&self) -> QuizSettings {
        self.settings
    }

    fn lang_of(&self, row: &QuizRow) -> Lang {
        Lang::ALL
            .into_iter()
            .find(|l| l.code() == row.lang)
            .unwrap_or(self.app.default_lang())
    }

    /// Whether answering this request needs to know if the sender is a chat administrator:
    /// `/stop` or `/report` in a group from someone other than the quiz's starter, a `/quiz`
    /// that would start one in a group whose settings let only admins start, and a group's
    /// `/top reset` and `/report all`.
    pub async fn needs_admin_check(
        &self,
        place: Place,
        kind: ChatKind,
        player: &Player,
        command: Builtin,
        args: &str,
    ) -> Result<bool, Error> {
        if kind == ChatKind::Private {
            return Ok(false);
        }
        let quiz = match command {
            Builtin::Quiz => {
                let settings = self.store.chat_settings(place.chat).await?;
                return Ok(settings.start_needs_admin(kind)
                    && pace::parse(args, self.settings.max_questions).is_ok());
            }
            // A group's leaderboard period and its whole record are its admins'.
            Builtin::Top => return Ok(TopArgs::read(args) == TopArgs::Reset),
            Builtin::Report if ReportArgs::read(args) == ReportArgs::All => return Ok(true),
            Builtin::Stop => self.store.running_quiz(place).await?,
            Builtin::Report => self.store.last_quiz(place).await?,
            // Anyone may move their own quiz on and see the leaderboard.
            _ => return Ok(false),
        };
        Ok(quiz.is_some_and(|q| q.starter_id != player.id))
    }

    /// Handles a quiz command; any other is not the engine's and gets nothing.
    pub async fn handle(
        &self,
        request: &QuizRequest<'_>,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        let settings = self.store.chat_settings(request.place.chat).await?;
        let lang = self
            .app
            .lang_in(&settings, request.player.language_code.as_deref());
        match request.command {
            Builtin::Quiz => {
                self.start(request, lang, &settings, request.args, rng)
                    .await
            }
            Builtin::Next => self.next(request, lang).await,
            Builtin::Stop => self.stop(request, lang).await,
            Builtin::Top => match TopArgs::read(request.args) {
                TopArgs::Period(period) => self.top(request, lang, &settings, period).await,
                TopArgs::Reset => Ok(vec![self.ask_reset(request, lang)]),
                TopArgs::Unknown => Ok(vec![Effect::say(
                    request.place,
                    self.app.view(lang).ui.top_usage.clone(),
                )]),
            },
            Builtin::Report => match ReportArgs::read(request.args) {
                ReportArgs::Last => self.report(request, lang).await,
                ReportArgs::All => self.report_all(request, lang).await,
            },
            // Not a quiz command: the core routes only `Route::Quiz`'s here.
            _ => Ok(Vec::new()),
        }
    }

    async fn start(
        &self,
        request: &QuizRequest<'_>,
        lang: Lang,
        settings: &ChatSettings,
        args: &str,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Effect>, Error> {
        let ui = self.app.view(lang).ui;
        let chat = request.place;
        let max = self.settings.max_questions;
        let asked = match pace::parse(args, max) {
            Ok(asked) => asked,
            Err(refused) => return Ok(vec![Effect::say(chat, refused.line(ui, max))]),
        };
        if !settings.may_start(request.kind, request.is_admin) {
            return Ok(vec![Effect::say(chat, ui.quiz_only_admins_start.clone())]);
        }
        let chosen = settings.quiz(self.settings);
        let count = asked.questions.unwrap_or(chosen.questions.min(max));
        let seconds = asked.seconds.unwrap_or(chosen.question_seconds);
        let scoring = settings.scoring;
        if let Some(running) = self.store.running_quiz(chat).await? {
            return Ok(vec![self.already_running(chat, lang, &running)]);
        }
        let dealt = self
            .deal(chat, lang, count, self.app.scope(settings), rng)
            .await?;
        let new = NewQuiz {
            place: chat,
            starter_id: request.player.id,
            starter_name: &request.player.name,
            lang: lang.code(),
            question_seconds: i64::from(seconds),
            scoring,
            started_at: request.now,
            questions: &dealt,
            assignment: None,
        };
        let Some(quiz) = self.store.create_quiz(&new).await? else {
            // Another /quiz won the race for this chat.
            let running = self.store.running_quiz(chat).await?;
            return Ok(running
                .map(|r| self.already_running(chat, lang, &r))
                .into_iter()
                .collect());
        };
        let mut intro = Reply::plain(fill(
            &ui.quiz_intro,
            &[
                ("count", &dealt.len().to_string()),
                ("seconds", &seconds.to_string()),
                ("name", &user_text(&request.player.name)),
            ],
        ));
        if scoring == Scoring::Points {
            intro.doc.text(ui.quiz_intro_points.clone());
        }
        Ok(vec![
            Effect::Send {
                place: chat,
                reply: intro,
            },
            self.poll_out(chat, quiz, 0, &dealt[0], dealt.len(), i64::from(seconds)),
        ])
    }

    /// `count` questions of the articles in `scope` for `place` in `lang`, those it has seen
    /// least first (see [`questions::select`]), each dealt: for a quiz, or for homework set
    /// there.
    pub async fn deal(
        &self,
        place: Place,
        lang: Lang,
        count: usize,
        scope: Scope,
        rng: &mut (impl Rng + Send),
    ) -> Result<Vec<Dealt>, Error> {
        let pool = questions::pool(self.app.corpus(), scope);
        let seen = self.store.seen_questions(place).await?;
        let view = self.app.view(lang);
        Ok(questions::select(&pool, &seen, count, rng)
            .into_iter()
            .map(|source| questions::deal(&view, source, rng))
            .collect())
    }

    /// Begins a student's attempt at homework (`new.assignment` set, in their private chat):
    /// stores it and sends its first question. `None` when a quiz runs in that chat already,
    /// or the student has an attempt of their own (the database holds one each).
    pub async fn start_attempt(&self, new: &NewQuiz<'_>) -> Result<Option<Vec<Effect>>, Error> {
        let Some(first) = new.questions.first() else {
            return Ok(None);
        };
        let Some(quiz) = self.store.create_quiz(new).await? else {
            return Ok(None);
        };
        Ok(Some(vec![self.poll_out(
            new.place,
            quiz,
            0,
            first,
            new.questions.len(),
            new.question_seconds,
        )]))
    }

    /// Ends a running attempt at homework whose deadline came: its open poll is stopped, the
    /// attempt is marked cut short, and the student gets their result, told that the
    /// deadline came first.
    pub async fn end_attempt(&self, row: &QuizRow, now: Millis) -> Result<Vec<Effect>, Error> {
        if !self.store.advance(row.id, row.current, now, true).await? {
            return Ok(Vec::new());
        }
        self.store.cut_short(row.id).await?;
        let questions = self.store.questions(row.id).await?;
        let mut outs: Vec<Effect> = stop_if_open(row, questions.get(row.current as usize), now)
            .into_iter()
            .collect();
        outs.extend(self.attempt_results(row, true, now).await?);
        Ok(outs)
    }

    fn already_running(&self, chat: Place, lang: Lang, running: &QuizRow) -> Effect {
        let ui = self.app.view(lang).ui;
        let name = if running.starter_name.is_empty() {
            ui.quiz_someone.clone()
        } else {
            user_text(&running.starter_name)
        };
        Effect::say(chat, fill(&ui.quiz_already_running, &[("name", &name)]))
    }

    fn poll_out(
        &self,
        place: Place,
        quiz: QuizId,
        index: usize,
        dealt: &Dealt,
        total: usize,
        seconds: i64,
    ) -> Effect {
        Effect::QuizPoll {
            place,
            quiz,
            index: index as i64,
            poll: PollSpec {
                question: format!("{}/{} · {}", index + 1, total, dealt.question),
                options: dealt.options.clone(),
                correct: dealt.correct,
                explanation: dealt.explanation.clone(),
                description: dealt.description.clone(),
                open_seconds: seconds as u32,
                shuffle_options: false,
            },
        }
    }

    /// The adapter sent question `index` as poll `poll_id` at `now`: store it and say when
    /// to wake up.
    pub async fn poll_sent(
        &self,
        quiz: QuizId,
        index: i64,
        poll_id: &str,
        message_id: i64,
        now: Millis,
    ) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.quiz(quiz).await? else {
            return Ok(Vec::new());
        };
        let deadline = now + row.question_seconds * 1000;
        self.store
            .mark_sent(quiz, index, poll_id, message_id, now, deadline)
            .await?;
        Ok(vec![question_over(quiz, index, deadline)])
    }

    /// The poll for question `index` could not be sent: end the quiz with the results so far.
    pub async fn poll_failed(
        &self,
        quiz: QuizId,
        index: i64,
        now: Millis,
    ) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.quiz(quiz).await? else {
            return Ok(Vec::new());
        };
        if !self.store.advance(quiz, index, now, true).await? {
            return Ok(Vec::new());
        }
        let lang = self.lang_of(&row);
        let mut outs = vec![Effect::say(
            row.place(),
            self.app.view(lang).ui.quiz_poll_failed.clone(),
        )];
        outs.extend(self.results(&row, now).await?);
        Ok(outs)
    }

    /// A poll answer. Option ids are de-duplicated (some clients send one twice); a quiz
    /// poll allows one option, so the first counts.
    pub async fn answer(
        &self,
        poll_id: &str,
        player: &Player,
        option_ids: &[u8],
        now: Millis,
    ) -> Result<Recorded, Error> {
        let mut options = option_ids.to_vec();
        options.dedup();
        let Some(&option) = options.first() else {
            // A retracted vote: quiz polls can't be retracted, so nothing to record; but it
            // may be a retraction in another kind of poll (a debate's vote).
            return Ok(if self.store.is_quiz_poll(poll_id).await? {
                Recorded::Refused(Refusal::Invalid)
            } else {
                Recorded::UnknownPoll
            });
        };
        let answer = Answer {
            poll_id: poll_id.to_string(),
            user_id: player.id,
            name: player.name.clone(),
            option: i64::from(option),
            at: now,
        };
        Ok(self.store.record_answer(answer).await?)
    }

    /// After an answer to poll `poll_id` counted: a quiz in a private chat has one player, so
    /// its question is over once they answer, and the next comes at once (or the results).
    pub async fn answered(&self, poll_id: &str, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some((quiz, index)) = self.store.question_of_poll(poll_id).await? else {
            return Ok(Vec::new());
        };
        let Some(row) = self.store.quiz(quiz).await? else {
            return Ok(Vec::new());
        };
        if row.place().kind() != ChatKind::Private
            || row.finished_at.is_some()
            || row.current != index
        {
            return Ok(Vec::new());
        }
        self.advance(&row, now).await
    }

    /// A wake-up for question `index`: if the quiz is still there and its time is up, move on;
    /// if its poll was never sent (Telegram said to wait), send it.
    pub async fn wake(&self, quiz: QuizId, index: i64, now: Millis) -> Result<Vec<Effect>, Error> {
        let Some(row) = self.store.quiz(quiz).await? else {
            return Ok(Vec::new());
        };
        if row.finished_at.is_some() || row.current != index {
            return Ok(Vec::new());
        }
        let questions = self.store.questions(quiz).await?;
        let Some(question) = questions.get(index as usize) else {
            return Ok(Vec::new());
        };
        match question.deadline {
            Some(deadline) if now < deadline + GRACE_MS => {
                Ok(vec![question_over(quiz, index, deadline)])
            }
            Some(_) => self.advance(&row, now).await,
            // Its poll was never sent: Telegram asked to wait (a long retry_after) and the
            // adapter woke the quiz when it may send again. The question moves back, it does
            // not end the quiz: send it now, with its full time.
            None => Ok(vec![self.poll_out(
                row.place(),
                quiz,
                index as usize,
                &question.dealt,
                questions.len(),
                row.question_seconds,
            )]),
        }
    }

    /// Moves a quiz past its current question: the next poll, or the results.
    async fn advance(&self, row: &QuizRow, now: Millis) -> Result<Vec<Effect>, Error> {
        let questions = self.store.questions(row.id).await?;
        let last = row.current + 1 >= questions.len() as i64;
        if !self.store.advance(row.id, row.current, now, last).await? {
            return Ok(Vec::new());
        }
        let mut outs: Vec<Effect> = stop_if_open(row, questions.get(row.current as usize), now)
            .into_iter()
            .collect();
        if last {
            outs.extend(self.results(row, now).await?);
        } else {
            let next = (row.current + 1) as usize;
            outs.push(self.poll_out(
                row.place(),
                row.id,
                next,
                &questions[next].dealt,
                questions.len(),
                row.question_seconds,
            ));
        }
        Ok(outs)
    }

    async fn next(&self, request: &QuizRequest<'_>, lang: Lang) -> Result<Vec<Effect>, Error> {
        let ui = self.app.view(lang).ui;
        let Some(row) = self.store.running_quiz(request.place).await? else {
            return Ok(vec![Effect::say(
                request.place,
                ui.quiz_none_running.clone(),
            )]);
        };
        if row.starter_id != request.player.id {
            return Ok(vec![Effect::say(
                request.place,
                ui.quiz_only_starter_next.clone(),
            )]);
        }
        let questions = self.store.questions(row.id).await?;
        if questions
            .get(row.current as usize)
            .is_none_or(|q| q.sent_at.is_none())
        {
            // The poll is still on its way; /next would skip a question nobody saw.
            return Ok(Vec::new());
        }
        self.advance(&row, request.now).await
    }

    async fn stop(&self, request: &QuizRequest<'_>, lang: Lang) -> Result<Vec<Effect>, Error> {
        let ui = self.app.view(lang).ui;
        let Some(row) = self.store.running_quiz(request.place).await? else {
            return Ok(vec![Effect::say(
                request.place,
                ui.quiz_none_running.clone(),
            )]);
        };
        if !may_manage(request, &row) {
            return Ok(vec![Effect::say(
                request.place,
                ui.quiz_only_starter_stop.clone(),
            )]);
        }
        if !self
            .store
            .advance(row.id, row.current, request.now, true)
            .await?
        {
            return Ok(Vec::new());
        }
        let questions = self.store.questions(row.id).await?;
        let mut outs: Vec<Effect> =
            stop_if_open(&row, questions.get(row.current as usize), request.now)
                .into_iter()
                .collect();
        outs.push(Effect::say(request.place, ui.quiz_stopped.clone()));
        outs.extend(self.results(&row, request.now).await?);
        Ok(outs)
    }

    /// What a quiz ends with: the class's results; for an attempt at homework, the student's
    /// own, and a wake-up for the homework's card, one more having finished.
    async fn results(&self, row: &QuizRow, now: Millis) -> Result<Vec<Effect>, Error> {
        if row.assignment_id.is_some() {
            return self.attempt_results(row, false, now).await;
        }
        self.class_results(row, now).await
    }

    /// A student's result of their attempt at homework (`late`: the deadline ended it), each
    /// question with where the article answers it; and the wake-up that redraws the
    /// homework's card in its group.
    async fn attempt_results(
        &self,
        row: &QuizRow,
        late: bool,
        now: Millis,
    ) -> Result<Vec<Effect>, Error> {
        let Some(assignment) = row.assignment_id else {
            return Ok(Vec::new());
        };
        let Some(number) = self.store.assignment(assignment).await?.map(|a| a.number) else {
            return Ok(Vec::new());
        };
        let questions = self.store.questions(row.id).await?;
        let answers = self.store.answers(row.id).await?;
        let view = self.app.view(self.lang_of(row));
        let doc = results::attempt(&view, &questions, &answers, row.scoring, number, late);
        Ok(vec![
            Effect::Send {
                place: row.place(),
                reply: Reply {
                    doc,
                    buttons: Vec::new(),
                },
            },
            Effect::Wake {
                at: now,
                timer: Timer::Assignment { assignment },
            },
        ])
    }

    /// The results of a quiz the class took together: the picture (see [`picture`]) with the
    /// text results as its caption where they fit, else the picture and the text message; the
    /// text message alone when the picture cannot be made (logged).
    async fn class_results(&self, row: &QuizRow, now: Millis) -> Result<Vec<Effect>, Error> {
        let questions = self.store.questions(row.id).await?;
        let answers = self.store.answers(row.id).await?;
        let view = self.app.view(self.lang_of(row));
        let doc = results::quiz_results(&view, &questions, &answers, row.scoring);
        let pictures = self
            .store
            .chat_settings(row.chat_id)
            .await?
            .quiz(self.settings)
            .pictures;
        if !pictures {
            return Ok(vec![Effect::Send {
                place: row.place(),
                reply: Reply {
                    doc,
                    buttons: Vec::new(),
                },
            }]);
        }
        let asked: Vec<&Dealt> = questions
            .iter()
            .filter(|q| q.sent_at.is_some())
            .map(|q| &q.dealt)
            .collect();
        let title = fill(&view.ui.pic_quiz_title, &[("title", &view.article_title())]);
        let board = picture::board(&view, title, now, &asked, &answers, row.scoring, None);
        Ok(picture::with_text(row.place(), &board, doc))
    }

    /// /top, /top week, /top month: the leaderboard of the whole chat, whichever topic asks,
    /// over the answers given in the period and since the chat's last `/top reset`, ranked as
    /// the chat scores now.
    async fn top(
        &self,
        request: &QuizRequest<'_>,
        lang: Lang,
        settings: &ChatSettings,
        period: TopPeriod,
    ) -> Result<Vec<Effect>, Error> {
        let window = match period {
            TopPeriod::AllTime => None,
            TopPeriod::Week => Some(request.now - WEEK_MS),
            TopPeriod::Month => Some(request.now - MONTH_MS),
        };
        // The reset counts when it falls within the window: it is then where counting starts.
        let reset = settings
            .top_since
            .filter(|&since| window.is_none_or(|start| since > start));
        let answers = self
            .store
            .chat_answers(request.place.chat, reset.or(window))
            .await?;
        let view = self.app.view(lang);
        let doc = results::leaderboard(
            &view,
            &answers,
            settings.scoring,
            request.player.id,
            period,
            reset,
        );
        Ok(vec![Effect::Send {
            place: request.place,
            reply: Reply {
                doc,
                buttons: Vec::new(),
            },
        }])
    }

    /// /top reset: a group's admin (anyone, in a private chat) is asked to confirm with a
    /// button; the press starts the new period (`core::Core`'s, with the settings' buttons).
    fn ask_reset(&self, request: &QuizRequest<'_>, lang: Lang) -> Effect {
        let ui = self.app.view(lang).ui;
        if request.kind == ChatKind::Group && !request.is_admin {
            return Effect::say(request.place, ui.top_reset_only_admins.clone());
        }
        let mut reply = Reply::plain(ui.top_reset_ask.clone());
        reply.buttons = vec![vec![Button {
            label: ui.button_top_reset.clone(),
            data: crate::callback_data::encode(
                &crate::callback_data::Action::TopReset { lang },
                self.app.corpus(),
            )
            .expect("a few bytes fit"),
        }]];
        Effect::Send {
            place: request.place,
            reply,
        }
    }

    /// /report all: the chat's whole record as one CSV, for a group's admins (anyone, in a
    /// private chat: their own quizzes and homework).
    async fn report_all(
        &self,
        request: &QuizRequest<'_>,
        lang: Lang,
    ) -> Result<Vec<Effect>, Error> {
        let ui = self.app.view(lang).ui;
        if request.kind == ChatKind::Group && !request.is_admin {
            return Ok(vec![Effect::say(
                request.place,
                ui.report_all_only_admins.clone(),
            )]);
        }
        let record = self.store.chat_record(request.place.chat).await?;
        let (bytes, rows) = match results::record_csv(&record, self.app.zone()) {
            Ok((_, 0)) => return Ok(vec![Effect::say(request.place, ui.quiz_no_report.clone())]),
            Ok((text, rows)) => (text.into_bytes(), rows),
            Err(e) => {
                tracing::error!(error = %e, "cannot write a chat's record");
                return Ok(vec![Effect::say(request.place, ui.store_error.clone())]);
            }
        };
        Ok(vec![Effect::Document {
            place: request.place,
            name: format!("report-all-{}.csv", self.app.zone().date(request.now)),
            bytes,
            caption: fill(&ui.report_all_caption, &[("count", &rows.to_string())]),
        }])
    }

    async fn report(&self, request: &QuizRequest<'_>, lang: Lang) -> Result<Vec<Effect>, Error> {
        let ui = self.app.view(lang).ui;
        let Some(row) = self.store.last_quiz(request.place).await? else {
            return Ok(vec![Effect::say(request.place, ui.quiz_no_report.clone())]);
        };
        if !may_manage(request, &row) {
            return Ok(vec![Effect::say(
                request.place,
                ui.quiz_only_starter_report.clone(),
            )]);
        }
        let questions = self.store.questions(row.id).await?;
        let answers = self.store.answers(row.id).await?;
        let bytes = match results::csv(&questions, &answers, row.scoring) {
            Ok(text) => text.into_bytes(),
            Err(e) => {
                // No empty file: the teacher is told, as when storage fails, to try again.
                tracing::error!(error = %e, "cannot write a quiz's report");
                return Ok(vec![Effect::say(request.place, ui.store_error.clone())]);
            }
        };
        Ok(vec![Effect::Document {
            place: request.place,
            name: format!("quiz-{}.csv", row.id),
            bytes,
            caption: fill(
                &ui.quiz_report_caption,
                &[(
                    "count",
                    &questions
                        .iter()
                        .filter(|q| q.sent_at.is_some())
                        .count()
                        .to_string(),
                )],
            ),
        }])
    }

    /// After a restart: every running quiz carries on. A question whose poll was never sent
    /// is sent; one whose time is not up gets its wake-up; one whose time passed moves on.
    pub async fn resume(&self, now: Millis) -> Result<Vec<Effect>, Error> {
        let mut outs = Vec::new();
        for row in self.store.running_quizzes().await? {
            let questions = self.store.questions(row.id).await?;
            let Some(current) = questions.get(row.current as usize) else {
                continue;
            };
            match current.deadline {
                None => outs.push(self.poll_out(
                    row.place(),
                    row.id,
                    row.current as usize,
                    &current.dealt,
                    questions.len(),
                    row.question_seconds,
                )),
                Some(deadline) if now < deadline + GRACE_MS => {
                    outs.push(question_over(row.id, row.current, deadline))
                }
                Some(_) => outs.extend(self.advance(&row, now).await?),
            }
        }
        Ok(outs)
    }
}
