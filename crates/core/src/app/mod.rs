//! The bot's core: takes what a user sent (a message or a button press) and returns what to
//! answer, as data. It knows nothing of Telegram or the terminal; the adapters in
//! `crate::telegram` and `crate::console` translate in and out, so both behave the same.

mod debate;
mod search_replies;
mod settings;
mod views;

use std::path::Path;

use rand::Rng;
use rand::seq::IndexedRandom;

use crate::callback_data::{self, Action};
use crate::command::{Builtin, Command, CommandName};
use crate::corpus::{self, Corpus, Scope};
use crate::data::Problem;
use crate::i18n::{Lang, Ui, fill};
use crate::render::{Doc, Span, user_text};
use crate::search::SearchIndex;
use crate::settings::{ChatSettings, Zone};
use crate::vocab::ChatKind;
pub use debate::DebateChoice;
pub use search_replies::{INLINE_PAGE, InlineAnswer, InlineItem, QueryMemo, SEARCH_PAGE};
pub use settings::Defaults;
pub use views::View;

/// A message as the app answers it: what the core passes on of an [`Incoming`], its language
/// already chosen by the chat's settings.
///
/// [`Incoming`]: crate::core::Incoming
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub chat: ChatKind,
    /// The sender's Telegram `language_code`, if known.
    pub language_code: Option<&'a str>,
    pub text: &'a str,
    /// `text` read as a command (once, by whoever received it: [`crate::command::parse`]);
    /// `None` when it is not one.
    pub command: Option<&'a Command<'a>>,
    /// This bot's username, to tell `/cmd@thisbot` from `/cmd@otherbot`.
    pub bot_username: Option<&'a str>,
    /// The articles the chat works with (its settings): what `/search`, `/help`'s topics and
    /// `/source` take in.
    pub scope: Scope,
}

/// The payload of the bot's "add to a group" link (`https://t.me/<bot>?startgroup=quiz`):
/// Telegram sends `/start quiz` to the group it was added to.
pub const START_GROUP: &str = "quiz";

/// A button under a reply: a label and the callback data it sends back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Button {
    pub label: String,
    pub data: String,
}

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub doc: Doc,
    /// Rows of buttons; empty for none.
    pub buttons: Vec<Vec<Button>>,
}

impl Reply {
    fn text(doc: Doc) -> Self {
        Reply {
            doc,
            buttons: Vec::new(),
        }
    }

    /// One line of plain text (escaped when rendered), no buttons.
    pub fn plain(text: impl Into<String>) -> Self {
        Reply::text(one_line(&text.into()))
    }
}

/// The answer to a message, and what to call it in logs (never the user's words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub command: String,
    pub reply: Reply,
}

/// The answer to a button press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Press {
    /// Replace the message the button is under.
    Edit(Reply),
    /// Leave the message alone and show this short notice.
    Notice(String),
}

/// The answers: what a message or a button press is answered with, from the corpus, the
/// search index and the sentences, loaded once at start. It does no I/O; the engines and the
/// core (which routes to it) build on it.
#[derive(Debug)]
pub struct App {
    corpus: Corpus,
    ui: Ui,
    default_lang: Lang,
    /// Where times are read and shown; UTC until the config sets it.
    zone: Zone,
    search: SearchIndex,
    queries: QueryMemo,
}

impl App {
    pub fn new(corpus: Corpus, ui: Ui, default_lang: Lang) -> Self {
        let search = SearchIndex::from_corpus(&corpus);
        App {
            corpus,
            ui,
            default_lang,
            zone: Zone::default(),
            search,
            queries: QueryMemo::default(),
        }
    }

    /// Loads the corpus and the sentences from `dir`, with every problem found in either.
    pub fn load(dir: &Path, default_lang: Lang) -> Result<App, Vec<Problem>> {
        match (corpus::load(dir), Ui::load(dir)) {
            (Ok(corpus), Ok(ui)) => Ok(App::new(corpus, ui, default_lang)),
            (corpus, ui) => Err(corpus
                .err()
                .into_iter()
                .flatten()
                .chain(ui.err().into_iter().flatten())
                .collect()),
        }
    }

    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// Sets the time zone times are read and shown in (before the app is shared).
    pub fn set_zone(&mut self, zone: Zone) {
        self.zone = zone;
    }

    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// The language for a user: theirs if the bot speaks it, the configured default otherwise.
    pub fn lang(&self, language_code: Option<&str>) -> Lang {
        language_code
            .and_then(Lang::from_code)
            .unwrap_or(self.default_lang)
    }

    pub fn default_lang(&self) -> Lang {
        self.default_lang
    }

    /// The language to speak, in a chat with `settings`, to someone whose Telegram language is
    /// `language_code`: the chat's when its settings fix one, else theirs.
    pub fn lang_in(&self, settings: &ChatSettings, language_code: Option<&str>) -> Lang {
        settings.lang(self.lang(language_code))
    }

    /// The notice for a chat over its budget: at most `per_minute` answers a minute.
    pub fn slow_down(&self, lang: Lang, per_minute: u32) -> String {
        fill(
            &self.view(lang).ui.slow_down,
            &[("count", &per_minute.to_string())],
        )
    }

    pub fn view(&self, lang: Lang) -> View<'_> {
        View {
            corpus: &self.corpus,
            ui: self.ui.get(lang),
            lang,
            zone: &self.zone,
        }
    }

    /// What the bot posts when added to a group; see [`View::introduction`].
    pub fn introduction(&self, lang: Lang, can_send_polls: bool, bot: Option<&str>) -> Reply {
        Reply::text(self.view(lang).introduction(can_send_polls, bot))
    }

    /// Every command and its description in `lang`, for the Telegram menu.
    pub fn menu(&self, lang: Lang) -> Vec<(String, String)> {
        self.view(lang).menu()
    }

    /// Answers a message, or `None` when it is not for this bot: plain chatter in a group, or
    /// a command addressed to another bot.
    pub fn handle(&self, request: &Request, rng: &mut impl Rng) -> Option<Handled> {
        let lang = self.lang(request.language_code);
        let view = self.view(lang);
        let Some(command) = request.command else {
            // In a private chat, anything that is not a command is a search.
            return match request.chat {
                ChatKind::Group => None,
                ChatKind::Private => Some(Handled {
                    command: "text".into(),
                    reply: self.search(lang, request.text, request.scope),
                }),
            };
        };
        if !command.is_for(request.bot_username) {
            return None;
        }
        let reply = match command.kind {
            // `/start quiz` is what Telegram sends a group when a teacher adds the bot through
            // its "add to a group" link (`?startgroup=quiz`).
            CommandName::Builtin(Builtin::Start)
                if request.chat == ChatKind::Group && command.args.trim() == START_GROUP =>
            {
                Reply::text(view.teacher_guide())
            }
            CommandName::Builtin(Builtin::Start) => Reply::text(view.start()),
            CommandName::Builtin(Builtin::Help) => Reply::text(view.help(request.scope)),
            CommandName::Builtin(Builtin::Quote) => {
                let excerpt = rng.random_range(0..self.corpus.excerpts.len());
                self.quote(lang, excerpt)
            }
            CommandName::Builtin(Builtin::Who) if command.args.is_empty() => {
                Reply::text(view.people())
            }
            CommandName::Builtin(Builtin::Who) => Reply::text(self.who(lang, command.args)),
            CommandName::Builtin(Builtin::Source) => Reply::text(view.source(request.scope)),
            CommandName::Builtin(Builtin::Search) => self.search(lang, command.args, request.scope),
            // The other built-ins are the engines' and the settings' (routed there by
            // `core::Core`, never here); anything else may be a topic command.
            CommandName::Builtin(_) | CommandName::Other(_) => {
                match self.corpus.topic_by_command(command.name()) {
                    Some(topic) => {
                        return Some(Handled {
                            command: self.corpus.topics[topic].command.clone(),
                            reply: self.topic(lang, topic, 0),
                        });
                    }
                    None if request.chat == ChatKind::Group && command.mention.is_none() => {
                        // Probably another bot's command; stay quiet.
                        return None;
                    }
                    None => {
                        return Some(Handled {
                            command: "unknown".into(),
                            reply: Reply::text(one_line(&crate::i18n::fill(
                                &view.ui.unknown_command,
                                &[("command", &user_text(command.name()))],
                            ))),
                        });
                    }
                }
            }
        };
        Some(Handled {
            command: command.name().to_string(),
            reply,
        })
    }

    /// The answer to a `/quiz` or `/debate` (a start, not `/debate list` or `close`) that
    /// reached the bot `waited_ms` after it was sent, when that is more than `stale_minutes`:
    /// the bot was down, the class has likely gone home, so nothing starts and the chat is
    /// told to send it again. `None` for anything else, which is answered as usual.
    pub fn stale_start(
        &self,
        command: Builtin,
        args: &str,
        language_code: Option<&str>,
        waited_ms: i64,
        stale_minutes: u32,
    ) -> Option<Reply> {
        if waited_ms <= i64::from(stale_minutes) * 60_000 {
            return None;
        }
        let starts = command.starts(args);
        if !starts {
            return None;
        }
        let ui = self.view(self.lang(language_code)).ui;
        let minutes = (waited_ms / 60_000).to_string();
        Some(Reply::plain(crate::i18n::fill(
            &ui.stale_start,
            &[("command", command.name()), ("minutes", &minutes)],
        )))
    }

    /// Answers a press of one of the app's buttons, its data already read back (by the core,
    /// which answers data it cannot read, and a setting's button, itself). A search whose
    /// query is no longer kept gets a notice.
    pub fn press(
        &self,
        action: Action,
        language_code: Option<&str>,
        scope: Scope,
        rng: &mut impl Rng,
    ) -> Press {
        let stale = || Press::Notice(self.ui.get(self.lang(language_code)).button_stale.clone());
        match action {
            Action::Topic { lang, topic, index } => Press::Edit(self.topic(lang, topic, index)),
            Action::Another { lang, current } => {
                let others: Vec<usize> = (0..self.corpus.excerpts.len())
                    .filter(|&e| e != current)
                    .collect();
                let next = others.choose(rng).copied().unwrap_or(current);
                Press::Edit(self.quote(lang, next))
            }
            Action::Debate {
                lang,
                motion,
                at,
                sources,
            } => Press::Edit(if sources {
                self.debate_sources(lang, motion, at)
            } else {
                self.debate_page(lang, motion, at)
            }),
            Action::Search { lang, page, query } => match self.recall(&query) {
                Some(query) => Press::Edit(self.search_page(lang, &query, page, scope)),
                None => stale(),
            },
            // The core's and homework's: never handed here.
            Action::Setting { .. } | Action::TopReset { .. } | Action::Homework { .. } => stale(),
        }
    }

    /// Excerpt `index` of a topic, with a header "title · k/n" and a Next button that wraps.
    fn topic(&self, lang: Lang, topic: usize, index: usize) -> Reply {
        let view = self.view(lang);
        let t = &self.corpus.topics[topic];
        let count = t.excerpts.len();
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(crate::i18n::fill(
            &view.ui.topic_header,
            &[
                ("title", t.title.get(lang)),
                ("position", &(index + 1).to_string()),
                ("count", &count.to_string()),
            ],
        ))]);
        doc.append(view.excerpt(&self.corpus.excerpts[t.excerpts[index]]));
        let buttons = if count > 1 {
            let next = Action::Topic {
                lang,
                topic,
                index: (index + 1) % count,
            };
            vec![vec![Button {
                label: view.ui.button_next.clone(),
                data: callback_data::encode(&next, &self.corpus)
                    .expect("topic data fits: commands are at most 32 bytes"),
            }]]
        } else {
            Vec::new()
        };
        Reply { doc, buttons }
    }

    /// A random excerpt, with a button for another.
    fn quote(&self, lang: Lang, excerpt: usize) -> Reply {
        let view = self.view(lang);
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(view.ui.quote_header.clone())]);
        doc.append(view.excerpt(&self.corpus.excerpts[excerpt]));
        let another = Action::Another {
            lang,
            current: excerpt,
        };
        Reply {
            doc,
            buttons: vec![vec![Button {
                label: view.ui.button_another.clone(),
                data: callback_data::encode(&another, &self.corpus)
                    .expect("quote data fits: ids are at most 48 bytes"),
            }]],
        }
    }

    /// /who NAME: that person's excerpts, or a hint when the name is unknown.
    fn who(&self, lang: Lang, name: &str) -> Doc {
        let view = self.view(lang);
        match self.corpus.find_person(name) {
            Some(person) => view.person(person),
            None => one_line(&crate::i18n::fill(
                &view.ui.who_not_found,
                &[("query", &user_text(name))],
            )),
        }
    }
}

fn one_line(text: &str) -> Doc {
    let mut doc = Doc::new();
    doc.text(text);
    doc
}

#[cfg(test)]
mod tests;
