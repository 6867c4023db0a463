//! How a chat's settings look: the `/settings` message (a line per setting, then a row of
//! buttons per setting, the current choice ticked) and the same lines at the foot of /help.
//! What may be chosen is [`crate::settings`]'s; the buttons' data, [`crate::callback_data`]'s.

use super::{App, Button, Reply};
use crate::callback_data::{self, Action};
use crate::corpus::{Corpus, Scope};
use crate::i18n::{Lang, UiText, fill};
use crate::render::{Doc, Span};
use crate::settings::{
    ChatSettings, DebateSettings, QuizSettings, Scoring, SettingChange, Starters,
};
use crate::vocab::ArticleId;

/// The config's defaults, which a chat's unset settings read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Defaults {
    pub quiz: QuizSettings,
    pub debate: DebateSettings,
}

/// How a value of a setting reads (on its button, and after its line's name); an article
/// reads as its number in `/source`'s list.
fn label(ui: &UiText, corpus: &Corpus, change: SettingChange) -> String {
    match change {
        SettingChange::Article(None) => ui.settings_article_all.clone(),
        SettingChange::Article(Some(id)) => corpus
            .article_by_id(id.as_str())
            .map_or_else(|| "?".to_string(), |a| (a + 1).to_string()),
        SettingChange::Language(Some(Lang::Zh)) => ui.settings_language_zh.clone(),
        SettingChange::Language(Some(Lang::En)) => ui.settings_language_en.clone(),
        SettingChange::Language(None) => ui.settings_language_own.clone(),
        SettingChange::Seconds(s) => {
            fill(&ui.settings_seconds_value, &[("seconds", &s.to_string())])
        }
        SettingChange::Questions(q) => {
            fill(&ui.settings_questions_value, &[("count", &q.to_string())])
        }
        SettingChange::Starters(Starters::Everyone) => ui.settings_starters_everyone.clone(),
        SettingChange::Starters(Starters::Admins) => ui.settings_starters_admins.clone(),
        SettingChange::Scoring(Scoring::Right) => ui.settings_scoring_right.clone(),
        SettingChange::Scoring(Scoring::Points) => ui.settings_scoring_points.clone(),
        SettingChange::Minutes(1440) => ui.settings_minutes_day.clone(),
        SettingChange::Minutes(m) => {
            fill(&ui.settings_minutes_value, &[("minutes", &m.to_string())])
        }
        SettingChange::Pictures(true) => ui.settings_pictures_on.clone(),
        SettingChange::Pictures(false) => ui.settings_pictures_off.clone(),
    }
}

impl App {
    /// A line per setting, each with the value in force (the config's where the chat set none).
    pub fn settings_lines(&self, lang: Lang, settings: &ChatSettings, defaults: Defaults) -> Doc {
        let ui = self.view(lang).ui;
        let quiz = settings.quiz(defaults.quiz);
        let values = [
            (
                &ui.settings_language,
                SettingChange::Language(settings.language),
            ),
            (
                &ui.settings_seconds,
                SettingChange::Seconds(quiz.question_seconds),
            ),
            (
                &ui.settings_questions,
                SettingChange::Questions(quiz.questions),
            ),
            (
                &ui.settings_starters,
                SettingChange::Starters(settings.starters),
            ),
            (
                &ui.settings_scoring,
                SettingChange::Scoring(settings.scoring),
            ),
            (
                &ui.settings_minutes,
                SettingChange::Minutes(settings.debate_minutes(defaults.debate)),
            ),
            (
                &ui.settings_pictures,
                SettingChange::Pictures(quiz.pictures),
            ),
        ];
        let mut doc = Doc::new();
        for (line, value) in values {
            doc.text(fill(line, &[("value", &label(ui, &self.corpus, value))]));
        }
        // With more than one article, which this chat works with: its number and title.
        if self.corpus.articles.len() > 1 {
            let value = match self.scope(settings) {
                None => ui.settings_article_all.clone(),
                Some(a) => fill(
                    &ui.settings_article_value,
                    &[
                        ("number", &(a + 1).to_string()),
                        ("title", self.corpus.articles[a].title.get(lang)),
                    ],
                ),
            };
            doc.text(fill(&ui.settings_article, &[("value", &value)]));
        }
        doc
    }

    /// The articles a chat works with, as its settings say: one, or all (also when the one
    /// chosen is no longer loaded).
    pub fn scope(&self, settings: &ChatSettings) -> Scope {
        settings
            .article
            .and_then(|id| self.corpus.article_by_id(id.as_str()))
    }

    /// `/settings`: the chat's settings with a row of buttons for each, in `lang`.
    pub fn settings_reply(&self, lang: Lang, settings: &ChatSettings, defaults: Defaults) -> Reply {
        let ui = self.view(lang).ui;
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(ui.settings_title.clone())]);
        doc.append(self.settings_lines(lang, settings, defaults));
        doc.blank().text(ui.settings_note.clone());
        let articles: Vec<ArticleId> = self
            .corpus
            .articles
            .iter()
            .filter_map(|a| ArticleId::new(&a.id))
            .collect();
        let buttons = SettingChange::rows(&articles)
            .into_iter()
            .map(|row| {
                row.into_iter()
                    .map(|change| {
                        let text = label(ui, &self.corpus, change);
                        let current = change.is_current(settings, defaults.quiz, defaults.debate);
                        Button {
                            label: if current {
                                fill(&ui.settings_chosen, &[("label", &text)])
                            } else {
                                text
                            },
                            data: callback_data::encode(
                                &Action::Setting { lang, change },
                                &self.corpus,
                            )
                            .expect("a setting's data fits: at most 20 bytes"),
                        }
                    })
                    .collect()
            })
            .collect();
        Reply { doc, buttons }
    }

    /// The foot of /help: the chat's settings under a heading.
    pub fn settings_foot(&self, lang: Lang, settings: &ChatSettings, defaults: Defaults) -> Doc {
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(self.view(lang).ui.help_settings.clone())]);
        doc.append(self.settings_lines(lang, settings, defaults));
        doc
    }
}
