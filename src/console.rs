//! The terminal adapter: the same core as on Telegram, as one private chat, with no token and
//! no network. Replies are printed as plain text; a reply's buttons are listed as `#1`, `#2`,
//! ... and typing `#1` presses the first one. A quiz shows each question with numbered
//! options and the time left; typing a number answers it, the right answer and its source
//! follow, and the next question comes at once (one player) or when the time is up.
//! `/debate` shows the first vote's options by number, then both sides' quotes; typing a
//! number votes (again to change it). `/debate close` moves on: the second vote, then "which
//! quotes convinced you?" (numbers separated by spaces) once it is cast; `/debate close` again
//! shows the result. A link button is listed too; pressing
//! one of this bot's deep links (`t.me/<bot>?start=...`) sends `/start ...` in the private
//! chat, as Telegram does; any other link is printed.
//!
//! A picture (a quiz's results) is written to a PNG file in the temporary folder, its path
//! printed above its caption.
//!
//! With `--homework`, the terminal is also a teacher's group: `/assign` and its words go to
//! that group (homework is set in a group), whose card's link the student opens with its
//! button, and takes the homework here as in a private chat.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

use crate::app::{Button, Reply};
use crate::clock::now_ms;
use crate::command;
use crate::core::{Core, Handled, Incoming, Input, PollOf, Pressed, Unlimited};
use crate::effect::{Effect, Link};
use crate::i18n::{Lang, UiText, fill};
use crate::store::Recorded;
use crate::vocab::{ChatKind, GRACE_MS, Millis, Place, Player, PollSpec, Timer, VotePoll};

/// The console's one chat.
const CHAT: Place = Place {
    chat: 1,
    thread: None,
};

/// The group the console pretends with `--homework`, where `/assign` goes.
const GROUP: Place = Place {
    chat: -1,
    thread: None,
};

/// The bot's name in the links it makes for the pretended group.
const BOT_USERNAME: &str = "debate_bot";

/// A button under the last reply: one to press, or a link to open.
#[derive(Debug, Clone)]
enum Shown {
    Press(Button),
    Link(Link),
}

/// A quiz question waiting for an answer.
struct OpenPoll {
    poll_id: String,
    poll: PollSpec,
}

/// A debate's poll waiting for an answer.
struct OpenVote {
    poll_id: String,
    /// The console's number for it, as the engine knows it.
    message_id: i64,
    poll: VotePoll,
}

struct Console<'a> {
    core: &'a Core,
    /// The app the terminal's own prompts are drawn from (the console never reloads it).
    app: std::sync::Arc<crate::app::App>,
    lang: Lang,
    player: Player,
    out: &'a mut dyn Write,
    buttons: Vec<Shown>,
    /// `--homework`: `/assign` goes to the pretended group.
    homework: bool,
    poll: Option<OpenPoll>,
    /// The debate's open polls, in the order put; numbers typed answer the first.
    votes: Vec<OpenVote>,
    /// The engines' wake-ups: (when, what).
    wakes: Vec<(Millis, Timer)>,
    /// Pictures written so far, to number their files.
    pictures: u32,
    polls_sent: i64,
}

/// Reads lines from `input` until EOF, answering each on `out`. Not generic, so that it is
/// compiled once, here, not again in the binary.
pub async fn run(
    core: &Core,
    lang: Lang,
    homework: bool,
    input: &mut (dyn AsyncBufRead + Unpin + Send),
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let name = std::env::var("USER")
        .ok()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "console".into());
    let mut console = Console {
        core,
        app: core.app(),
        lang,
        player: Player {
            id: 1,
            name,
            language_code: Some(lang.code().to_string()),
        },
        out,
        buttons: Vec::new(),
        homework,
        poll: None,
        votes: Vec::new(),
        wakes: Vec::new(),
        pictures: 0,
        polls_sent: 0,
    };
    let banner = console.ui().console_banner.clone();
    writeln!(console.out, "{banner}")?;
    if homework {
        // The teacher sets homework in the pretended group; its card's button opens it here.
        console.line("/assign").await?;
    }
    let prompt = std::io::stdin().is_terminal();
    let mut lines = input.lines();
    loop {
        if prompt {
            write!(console.out, "> ")?;
            console.out.flush()?;
        }
        let next = console.wakes.iter().map(|&(at, _)| at).min();
        let line = tokio::select! {
            line = lines.next_line() => line?,
            () = sleep_until(next) => {
                console.wake_up().await?;
                continue;
            }
        };
        let Some(line) = line else {
            // Input ended: what is due within moments (a closed vote's result) still comes.
            while let Some(at) = console.wakes.iter().map(|&(at, _)| at).min()
                && at <= now_ms() + GRACE_MS
            {
                sleep_until(Some(at)).await;
                console.wake_up().await?;
            }
            break;
        };
        console.line(line.trim()).await?;
    }
    Ok(())
}

async fn sleep_until(at: Option<Millis>) {
    match at {
        Some(at) => tokio::time::sleep(Duration::from_millis((at - now_ms()).max(0) as u64)).await,
        None => std::future::pending().await,
    }
}

impl Console<'_> {
    fn ui(&self) -> &UiText {
        self.app.view(self.lang).ui
    }

    /// Hands `input` to the core: the terminal is one private chat, with nothing to ask and
    /// no budget to keep.
    async fn tell(&self, input: Input<'_>) -> Handled {
        self.core.handle(input, &Unlimited).await
    }

    /// Carries out every wake-up that is due.
    async fn wake_up(&mut self) -> anyhow::Result<()> {
        let now = now_ms();
        let (due, later) = self.wakes.iter().partition(|&&(at, _)| at <= now);
        self.wakes = later;
        for (_, timer) in due {
            let handled = self.tell(Input::Due { timer, now }).await;
            self.carry_out(handled.effects).await?;
        }
        Ok(())
    }

    async fn line(&mut self, line: &str) -> anyhow::Result<()> {
        if line.is_empty() {
            return Ok(());
        }
        if let Some(number) = line.strip_prefix('#') {
            return self.press(number).await;
        }
        if let Ok(choice) = line.parse::<usize>()
            && self.poll.is_some()
        {
            return self.answer(choice).await;
        }
        let choices: Option<Vec<usize>> = line.split_whitespace().map(|w| w.parse().ok()).collect();
        if let Some(choices) = choices
            && !self.votes.is_empty()
        {
            return self.cast(&choices).await;
        }
        self.say(line).await
    }

    /// Sends `line` as a message: to the pretended group for `/assign` with `--homework`, else
    /// in the private chat.
    async fn say(&mut self, line: &str) -> anyhow::Result<()> {
        let command = command::parse(line);
        let in_group = self.homework
            && command
                .as_ref()
                .is_some_and(|c| c.name() == command::Builtin::Assign.name());
        let (place, kind, bot_username) = if in_group {
            (GROUP, ChatKind::Group, Some(BOT_USERNAME))
        } else {
            (CHAT, ChatKind::Private, None)
        };
        let incoming = Incoming {
            place,
            kind,
            from: &self.player,
            text: line,
            command: command.as_ref(),
            bot_username,
            message_id: None,
            now: now_ms(),
            sent_at: now_ms(),
            shared_identity: false,
        };
        let handled = self.tell(Input::Message(incoming)).await;
        self.carry_out(handled.effects).await
    }

    async fn press(&mut self, number: &str) -> anyhow::Result<()> {
        let pressed = number
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| self.buttons.get(n))
            .cloned();
        let button = match pressed {
            Some(Shown::Press(button)) => button,
            Some(Shown::Link(link)) => return self.open(&link).await,
            None => {
                let stale = self.ui().button_stale.clone();
                writeln!(self.out, "{stale}\n")?;
                return Ok(());
            }
        };
        let pressed = Pressed {
            chat: Some((CHAT.chat, ChatKind::Private)),
            from: &self.player,
            data: &button.data,
            now: now_ms(),
        };
        let handled = self.tell(Input::Press(pressed)).await;
        self.carry_out(handled.effects).await
    }

    /// Opens a link button: this bot's deep link sends `/start PAYLOAD` in the private chat,
    /// as Telegram does; any other link is printed for the reader to open.
    async fn open(&mut self, link: &Link) -> anyhow::Result<()> {
        let prefix = format!("https://t.me/{BOT_USERNAME}?start=");
        match link.url.strip_prefix(&prefix) {
            Some(payload) => self.say(&format!("/start {payload}")).await,
            None => {
                writeln!(self.out, "{}\n", link.url)?;
                Ok(())
            }
        }
    }

    /// Answers the open question with option `choice` (1-based), shows whether it was
    /// right with the explanation, and moves on.
    async fn answer(&mut self, choice: usize) -> anyhow::Result<()> {
        let Some(open) = &self.poll else {
            return Ok(());
        };
        let options = open.poll.options.len();
        let Some(option) = choice.checked_sub(1).filter(|&o| o < options) else {
            writeln!(
                self.out,
                "{}\n",
                fill(&self.ui().console_quiz_prompt, &[("seconds", "…")])
            )?;
            return Ok(());
        };
        let open = self.poll.take().expect("checked above");
        let answer = Input::PollAnswer {
            poll_id: &open.poll_id,
            from: &self.player,
            shared_identity: false,
            option_ids: &[option as u8],
            now: now_ms(),
        };
        // One player: the core moves on as soon as they have answered.
        let handled = self.tell(answer).await;
        let verdict = if option == open.poll.correct {
            self.ui().console_quiz_right.clone()
        } else {
            fill(
                &self.ui().console_quiz_wrong,
                &[("option", &open.poll.options[open.poll.correct])],
            )
        };
        writeln!(self.out, "{verdict}\n{}\n", open.poll.explanation)?;
        self.carry_out(handled.effects).await
    }

    /// The console's interpreter of the core's effects: shows messages, a quiz question
    /// becomes the open poll, a debate's vote the open vote; wake-ups wait in `wakes`.
    async fn carry_out(&mut self, effects: Vec<Effect>) -> anyhow::Result<()> {
        let mut queue = std::collections::VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Send { reply, .. } | Effect::EditPressed { reply } => {
                    self.show(&reply, None)?
                }
                Effect::Answer { reply, link, .. } | Effect::Edit { reply, link, .. } => {
                    self.show(&reply, link)?
                }
                Effect::Post {
                    reply, link, then, ..
                } => {
                    self.show(&reply, link)?;
                    if let Some(posted) = then {
                        self.polls_sent += 1;
                        let input = Input::Posted {
                            posted,
                            message_id: self.polls_sent,
                            now: now_ms(),
                        };
                        queue.extend(self.tell(input).await.effects);
                    }
                }
                Effect::AnswerPress { notice } => {
                    if let Some(notice) = notice {
                        writeln!(self.out, "{notice}\n")?;
                    }
                }
                // No inline mode and no command menu in a terminal.
                Effect::AnswerInline(_) | Effect::Menu { .. } => {}
                Effect::QuizPoll {
                    quiz, index, poll, ..
                } => {
                    if let Some(open) = self.poll.take() {
                        // The time ran out on the previous question.
                        let answer = &open.poll.options[open.poll.correct];
                        writeln!(
                            self.out,
                            "{}\n{}\n",
                            fill(&self.ui().console_quiz_wrong, &[("option", answer)]),
                            open.poll.explanation
                        )?;
                    }
                    writeln!(self.out, "{}", poll.question)?;
                    if !poll.description.is_empty() {
                        writeln!(self.out, "{}", poll.description)?;
                    }
                    for (i, option) in poll.options.iter().enumerate() {
                        writeln!(self.out, "  {}. {option}", i + 1)?;
                    }
                    let seconds = poll.open_seconds.to_string();
                    writeln!(
                        self.out,
                        "{}\n",
                        fill(&self.ui().console_quiz_prompt, &[("seconds", &seconds)])
                    )?;
                    self.out.flush()?;
                    self.polls_sent += 1;
                    let poll_id = format!("console-{quiz}-{index}-{}", self.polls_sent);
                    let sent = Input::PollSent {
                        poll: PollOf::Question { quiz, index },
                        poll_id: &poll_id,
                        message_id: self.polls_sent,
                        now: now_ms(),
                    };
                    let more = self.tell(sent).await.effects;
                    self.poll = Some(OpenPoll { poll_id, poll });
                    queue.extend(more);
                }
                Effect::DebatePoll {
                    debate,
                    round,
                    poll,
                    ..
                } => {
                    self.polls_sent += 1;
                    let poll_id = format!("console-debate-{debate}-{}", self.polls_sent);
                    let vote = OpenVote {
                        poll_id,
                        message_id: self.polls_sent,
                        poll,
                    };
                    // A second poll waits until the first is answered (see `cast`).
                    if self.votes.is_empty() {
                        self.show_vote(&vote)?;
                    }
                    let sent = Input::PollSent {
                        poll: PollOf::Vote { debate, round },
                        poll_id: &vote.poll_id,
                        message_id: vote.message_id,
                        now: now_ms(),
                    };
                    let more = self.tell(sent).await.effects;
                    self.votes.push(vote);
                    queue.extend(more);
                }
                Effect::Wake { at, timer } => self.wakes.push((at, timer)),
                Effect::StopPoll { message_id, .. } => {
                    // Which it closes: the console numbers every poll it shows.
                    let before = self.votes.len();
                    self.votes.retain(|v| v.message_id != message_id);
                    if self.votes.len() == before {
                        self.poll = None;
                    }
                }
                Effect::Photo {
                    scene,
                    caption,
                    otherwise,
                    ..
                } => {
                    self.pictures += 1;
                    let dir = std::env::temp_dir().join("debate-bot-console");
                    let name = format!("results-{}-{}.png", std::process::id(), self.pictures);
                    let path = dir.join(name);
                    let written = debate_picture::png(&scene)
                        .map_err(std::io::Error::other)
                        .and_then(|png| {
                            std::fs::create_dir_all(&dir)?;
                            std::fs::write(&path, png)
                        });
                    match (written, otherwise) {
                        (Ok(()), _) => {
                            writeln!(self.out, "🖼 {}", path.display())?;
                            self.show(&caption, None)?;
                        }
                        // No picture: its text, as Telegram's adapter sends it then.
                        (Err(e), Some(text)) => {
                            tracing::warn!(error = %e, "no picture");
                            self.show(&text, None)?;
                        }
                        (Err(e), None) => {
                            writeln!(self.out, "🖼 (cannot write {}: {e})", path.display())?
                        }
                    }
                }
                Effect::Document {
                    name,
                    bytes,
                    caption,
                    ..
                } => {
                    writeln!(
                        self.out,
                        "{caption} ({name})\n{}",
                        String::from_utf8_lossy(&bytes)
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Shows a debate's poll: its question, its options by number, what to type.
    fn show_vote(&mut self, vote: &OpenVote) -> anyhow::Result<()> {
        writeln!(self.out, "{}", vote.poll.question)?;
        for (i, option) in vote.poll.options.iter().enumerate() {
            writeln!(self.out, "  {}. {option}", i + 1)?;
        }
        let prompt = self.prompt(vote).to_string();
        writeln!(self.out, "{prompt}\n")?;
        self.out.flush()?;
        Ok(())
    }

    fn prompt(&self, vote: &OpenVote) -> &str {
        let ui = self.ui();
        if vote.poll.multiple {
            &ui.console_convinced_prompt
        } else {
            &ui.console_debate_prompt
        }
    }

    /// Answers the first open poll of the debate with options `choices` (1-based): one for a
    /// vote, any for the convinced poll. A vote cast, the next poll waiting is shown.
    async fn cast(&mut self, choices: &[usize]) -> anyhow::Result<()> {
        let Some(vote) = self.votes.first() else {
            return Ok(());
        };
        let options: Option<Vec<u8>> = choices
            .iter()
            .map(|c| {
                c.checked_sub(1)
                    .filter(|&o| o < vote.poll.options.len())
                    .and_then(|o| u8::try_from(o).ok())
            })
            .collect();
        let Some(options) = options.filter(|o| vote.poll.multiple || o.len() == 1) else {
            let prompt = self.prompt(vote).to_string();
            writeln!(self.out, "{prompt}\n")?;
            return Ok(());
        };
        let vote_cast = Input::PollAnswer {
            poll_id: &vote.poll_id,
            from: &self.player,
            shared_identity: false,
            option_ids: &options,
            now: now_ms(),
        };
        let chosen: Vec<&str> = options
            .iter()
            .map(|&o| vote.poll.options[usize::from(o)].as_str())
            .collect();
        let chosen = chosen.join(", ");
        let handled = self.tell(vote_cast).await;
        if !matches!(handled.recorded, Some((_, Recorded::Counted))) {
            self.votes.clear();
            let text = self.ui().debate_none_open.clone();
            writeln!(self.out, "{text}\n")?;
            return Ok(());
        }
        let text = fill(&self.ui().console_debate_voted, &[("option", &chosen)]);
        writeln!(self.out, "{text}\n")?;
        // The vote after reading cast, the convinced poll is next; numbers answer it from now on.
        if !self.votes[0].poll.multiple && self.votes.len() > 1 {
            self.votes.rotate_left(1);
            let next = self.votes.remove(0);
            self.show_vote(&next)?;
            self.votes.insert(0, next);
        }
        Ok(())
    }

    fn show(&mut self, reply: &Reply, link: Option<Link>) -> std::io::Result<()> {
        self.buttons = reply
            .buttons
            .iter()
            .flatten()
            .cloned()
            .map(Shown::Press)
            .chain(link.map(Shown::Link))
            .collect();
        writeln!(self.out, "{}", reply.doc.to_plain())?;
        let labels: Vec<String> = self
            .buttons
            .iter()
            .enumerate()
            .map(|(i, shown)| match shown {
                Shown::Press(b) => format!("[#{} {}]", i + 1, b.label),
                Shown::Link(l) => format!("[#{} {} ↗]", i + 1, l.label),
            })
            .collect();
        if !labels.is_empty() {
            writeln!(self.out, "{}", labels.join("  "))?;
        }
        writeln!(self.out)?;
        self.out.flush()
    }
}
