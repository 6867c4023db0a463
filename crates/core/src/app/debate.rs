//! `/debate`: a motion from the data with the best quote of each side, speaker and citation
//! under each, and buttons to walk through more of either side or list every cited paragraph.
//! The votes on it (polls, stored answers, the result) are [`crate::debate`]'s; it asks here
//! which motion a `/debate` names and what the motion, its camps, its quotes and its polls
//! look like.

use super::{App, Button, Reply};
use crate::callback_data::{self, Action};
use crate::command::DebateArgs;
use crate::corpus::{Scope, in_scope};
use crate::i18n::{Lang, fill};
use crate::render::{Doc, Span, cut, utf16_len};
use crate::vocab::{Round, Side, VotePoll};

// A poll's question and options are counted in UTF-16 code units, which is never fewer than
// characters, so a text that fits here fits however Telegram counts.
use crate::bot_api::{POLL_OPTION_LIMIT, POLL_OPTIONS_LIMIT, POLL_QUESTION_LIMIT};

/// What `/debate ARGS` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DebateChoice {
    /// Put motion N (0-based) to the chat.
    Start(usize),
    /// Put a motion to the chat, whichever the caller picks (`/debate` alone).
    Any,
    /// Just answer: the list of motions, or how to use the command.
    Show(Reply),
}

impl App {
    /// `/debate` (any motion: the caller picks), `/debate N`, `/debate list` (the motions of
    /// the articles in `scope`, by their numbers among all); anything else gets the usage.
    pub fn debate(&self, lang: Lang, args: &str, scope: Scope) -> DebateChoice {
        let view = self.view(lang);
        let motions = &self.corpus.motions;
        let text = |t: String| {
            let mut doc = Doc::new();
            doc.text(t);
            DebateChoice::Show(Reply {
                doc,
                buttons: Vec::new(),
            })
        };
        if motions.is_empty() {
            return text(view.ui.debate_none.clone());
        }
        let args = match DebateArgs::read(args) {
            DebateArgs::Motion(args) => args,
            // `/debate close` is the engine's; here it names no motion.
            DebateArgs::Close => return text(view.ui.debate_usage.clone()),
            DebateArgs::List => {
                let mut doc = Doc::new();
                doc.line(vec![Span::Bold(view.ui.debate_list_title.clone())]);
                for (i, motion) in motions.iter().enumerate() {
                    if !in_scope(scope, self.corpus.motion_article(i)) {
                        continue;
                    }
                    doc.text(fill(
                        &view.ui.debate_list_line,
                        &[
                            ("number", &(i + 1).to_string()),
                            ("motion", motion.motion.get(lang)),
                        ],
                    ));
                }
                doc.blank().text(view.ui.debate_usage.clone());
                return DebateChoice::Show(Reply {
                    doc,
                    buttons: Vec::new(),
                });
            }
        };
        if args.is_empty() {
            return DebateChoice::Any;
        }
        match args
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=motions.len()).contains(n))
        {
            Some(n) => DebateChoice::Start(n - 1),
            None if args.chars().all(|c| c.is_ascii_digit()) => text(fill(
                &view.ui.debate_usage_count,
                &[("count", &motions.len().to_string())],
            )),
            None => text(view.ui.debate_usage.clone()),
        }
    }

    /// The motion with this id, if the data still has it.
    pub fn motion_by_id(&self, id: &str) -> Option<usize> {
        self.corpus.motions.iter().position(|m| m.id == id)
    }

    /// What a side is called in the vote and its result.
    pub fn side_label(&self, lang: Lang, side: Side) -> &str {
        let ui = self.view(lang).ui;
        match side {
            Side::For => &ui.debate_side_for,
            Side::Against => &ui.debate_side_against,
            Side::Undecided => &ui.debate_vote_undecided,
        }
    }

    /// The excerpt with this id, if the data still has it.
    pub fn excerpt_by_id(&self, id: &str) -> Option<usize> {
        self.corpus.excerpts.iter().position(|e| e.id == id)
    }

    /// The quotes a motion shows, for then against, best first: the options of its convinced
    /// poll (at most [`POLL_OPTIONS_LIMIT`], which the loader holds every motion to).
    pub fn convinced_quotes(&self, motion: usize) -> Vec<usize> {
        let [for_side, against] = &self.corpus.motions[motion].sides;
        for_side
            .iter()
            .chain(against)
            .copied()
            .take(POLL_OPTIONS_LIMIT)
            .collect()
    }

    /// A quote's short label in the convinced poll and the result: its side, whose words
    /// (the article's own, where no one's) and its paragraph.
    pub fn quote_label(&self, lang: Lang, motion: usize, excerpt: usize) -> String {
        let view = self.view(lang);
        let ui = view.ui;
        let side = if self.corpus.motions[motion].sides[0].contains(&excerpt) {
            Side::For
        } else {
            Side::Against
        };
        let e = &self.corpus.excerpts[excerpt];
        let speaker = match e.voice.speaker() {
            Some(p) => view.person_name(&self.corpus.people[p]),
            None => ui.debate_quote_article.clone(),
        };
        fill(
            &ui.debate_quote_label,
            &[
                ("side", self.side_label(lang, side)),
                ("speaker", &speaker),
                ("paragraph", &e.paragraph.to_string()),
            ],
        )
    }

    /// A debate's poll of `round` on `motion`, open for `minutes`. A vote's options are the
    /// [`Side::ALL`]; the convinced poll's, the motion's quotes by [`App::quote_label`] (a
    /// label twice gets its number). The question fits [`POLL_QUESTION_LIMIT`]: a motion too
    /// long for it is shortened with "…"; the rest of the question is always whole.
    pub fn debate_poll(&self, lang: Lang, motion: usize, round: Round, minutes: u32) -> VotePoll {
        let ui = self.view(lang).ui;
        let minutes = minutes.to_string();
        let template = match round {
            Round::Before => &ui.debate_vote_before,
            Round::After => &ui.debate_vote_after,
            Round::Convinced => &ui.debate_convinced_question,
        };
        let question = |motion: &str| fill(template, &[("motion", motion), ("minutes", &minutes)]);
        let room = POLL_QUESTION_LIMIT.saturating_sub(utf16_len(&question("")));
        let question = question(&cut(self.corpus.motions[motion].motion.get(lang), room));
        let (options, multiple) = match round {
            Round::Before | Round::After => (
                Side::ALL
                    .map(|side| self.side_label(lang, side).to_string())
                    .to_vec(),
                false,
            ),
            Round::Convinced => {
                let bases: Vec<String> = self
                    .convinced_quotes(motion)
                    .into_iter()
                    .map(|e| self.quote_label(lang, motion, e))
                    .collect();
                let labels = bases
                    .iter()
                    .enumerate()
                    .map(|(i, label)| {
                        let same = bases[..i].iter().filter(|b| *b == label).count();
                        let label = match same {
                            0 => label.clone(),
                            n => format!("{label} ({})", n + 1),
                        };
                        cut(&label, POLL_OPTION_LIMIT)
                    })
                    .collect();
                (labels, true)
            }
        };
        VotePoll {
            question,
            options,
            multiple,
            hide_results_until_closes: true,
        }
    }

    /// Motion `motion` showing excerpt `at[0]` of its "for" side and `at[1]` of "against".
    pub fn debate_page(&self, lang: Lang, motion: usize, at: [usize; 2]) -> Reply {
        let view = self.view(lang);
        let ui = view.ui;
        let m = &self.corpus.motions[motion];
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(fill(
            &ui.debate_title,
            &[
                ("number", &(motion + 1).to_string()),
                ("count", &self.corpus.motions.len().to_string()),
                ("motion", m.motion.get(lang)),
            ],
        ))]);
        for (side, label) in [&ui.debate_for, &ui.debate_against].into_iter().enumerate() {
            let excerpts = &m.sides[side];
            let position = at[side] % excerpts.len();
            doc.blank().line(vec![Span::Bold(fill(
                label,
                &[
                    ("position", &(position + 1).to_string()),
                    ("count", &excerpts.len().to_string()),
                ],
            ))]);
            doc.append(view.excerpt(&self.corpus.excerpts[excerpts[position]]));
        }
        doc.blank();
        for line in self.camps(lang, motion) {
            doc.text(line);
        }
        let button = |label: &str, action: Action| Button {
            label: label.to_string(),
            data: callback_data::encode(&action, &self.corpus)
                .expect("debate data fits: ids are at most 48 bytes"),
        };
        let mut more = Vec::new();
        for (side, label) in [&ui.button_more_for, &ui.button_more_against]
            .into_iter()
            .enumerate()
        {
            if m.sides[side].len() > 1 {
                let mut next = at;
                next[side] = (at[side] + 1) % m.sides[side].len();
                more.push(button(
                    label,
                    Action::Debate {
                        lang,
                        motion,
                        at: next,
                        sources: false,
                    },
                ));
            }
        }
        let sources = vec![button(
            &ui.button_sources,
            Action::Debate {
                lang,
                motion,
                at,
                sources: true,
            },
        )];
        let buttons = if more.is_empty() {
            vec![sources]
        } else {
            vec![more, sources]
        };
        Reply { doc, buttons }
    }

    /// Every paragraph a motion cites, side by side, with a button back to the debate.
    pub(super) fn debate_sources(&self, lang: Lang, motion: usize, at: [usize; 2]) -> Reply {
        let view = self.view(lang);
        let ui = view.ui;
        let m = &self.corpus.motions[motion];
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(fill(
            &ui.debate_sources_title,
            &[("motion", m.motion.get(lang))],
        ))]);
        for (side, label) in [&ui.debate_side_for, &ui.debate_side_against]
            .into_iter()
            .enumerate()
        {
            doc.blank().line(vec![Span::Bold(label.clone())]);
            for &e in &m.sides[side] {
                let excerpt = &self.corpus.excerpts[e];
                doc.text(format!("• {}", view.citation(excerpt)));
                doc.text(format!("  {}", view.attribution(excerpt)));
            }
        }
        let back = Button {
            label: ui.button_back_to_debate.clone(),
            data: callback_data::encode(
                &Action::Debate {
                    lang,
                    motion,
                    at,
                    sources: false,
                },
                &self.corpus,
            )
            .expect("debate data fits: ids are at most 48 bytes"),
        };
        Reply {
            doc,
            buttons: vec![vec![back]],
        }
    }

    /// Who in the article argues a side: the people whose words are on it, by name, in
    /// order. The article's own voice is no camp member (see [`App::camps`]); an empty list
    /// means no one quoted argues the side (nobody ever argues for being undecided).
    pub fn camp(&self, lang: Lang, motion: usize, side: Side) -> Vec<String> {
        let view = self.view(lang);
        let mut names: Vec<String> = Vec::new();
        let excerpts = self.corpus.motions[motion].sides.get(side.index());
        for &e in excerpts.into_iter().flatten() {
            if let Some(p) = self.corpus.excerpts[e].voice.speaker() {
                let name = view.person_name(&self.corpus.people[p]);
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// The camps line ("文中站队 —— 正方:李彦宏;反方:罗璇"), then, when the motion's data
    /// says so, which side the article's own narration leans to.
    pub fn camps(&self, lang: Lang, motion: usize) -> Vec<String> {
        let ui = self.view(lang).ui;
        let side = |side: Side| {
            let names = self.camp(lang, motion, side);
            if names.is_empty() {
                ui.debate_camp_nobody.clone()
            } else {
                names.join(&ui.debate_camp_separator)
            }
        };
        let mut lines = vec![fill(
            &ui.debate_camps,
            &[("for", &side(Side::For)), ("against", &side(Side::Against))],
        )];
        match self.corpus.motions[motion].narration {
            Some(Side::For) => lines.push(ui.debate_narration_for.clone()),
            Some(Side::Against) => lines.push(ui.debate_narration_against.clone()),
            Some(Side::Undecided) | None => {}
        }
        lines
    }
}
