//! How corpus things look in a message: an excerpt with its attribution and citation, the
//! people, the article, the help. Pure functions from data to [`Doc`]; no Telegram here.

use crate::bot_api::MENU_LIMIT;
use crate::command::Builtin;
use crate::corpus::{Corpus, Excerpt, Person, PersonKind, Scope, Sentence, Text, Voice};
use crate::i18n::{Lang, UiText, fill};
use crate::render::{Doc, Span, cut};

/// How much of a title /source's list of articles shows, in UTF-16 units.
const LIST_TITLE: usize = 40;
use crate::settings::Zone;

/// What a page of the bot needs to speak: the data, the sentences, the reader's language.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub corpus: &'a Corpus,
    pub ui: &'a UiText,
    pub lang: Lang,
    /// Where times are shown.
    pub zone: &'a Zone,
}

impl View<'_> {
    /// A name for this reader: "Robin Li (李彦宏)" in English, "李彦宏" in Chinese.
    pub fn both(&self, text: &Text) -> String {
        match (&text.en, self.lang) {
            (Some(en), Lang::En) if *en != text.original => fill(
                &self.ui.name_both,
                &[("en", en), ("original", &text.original)],
            ),
            _ => text.original.clone(),
        }
    }

    /// A person's name for this reader, marked "(未具名)" when the article does not name them.
    pub fn person_name(&self, person: &Person) -> String {
        let name = self.both(&person.name);
        match person.kind {
            PersonKind::Unnamed => fill(&self.ui.name_unnamed, &[("name", &name)]),
            PersonKind::Named | PersonKind::Report => name,
        }
    }

    /// "co-founder, chairman and CEO, Baidu", or whichever half exists; marked as not from
    /// the article when the article does not state it.
    pub fn role(&self, person: &Person) -> String {
        let role = person.role.get(self.lang);
        let org = person.org.get(self.lang);
        let role = match (role.is_empty(), org.is_empty()) {
            (false, false) => fill(&self.ui.person_role, &[("role", role), ("org", org)]),
            (false, true) => role.to_string(),
            (true, false) => org.to_string(),
            (true, true) => return String::new(),
        };
        if person.role_outside {
            fill(&self.ui.role_outside, &[("role", &role)])
        } else {
            role
        }
    }

    pub fn speech(&self, voice: Voice) -> &str {
        match voice {
            Voice::Direct(_) => &self.ui.speech_direct,
            _ => &self.ui.speech_reported,
        }
    }

    /// The excerpt as a quote, its translation for English readers, who said it, and where.
    pub fn excerpt(&self, excerpt: &Excerpt) -> Doc {
        let mut doc = Doc::new();
        doc.quote(vec![Span::Plain(excerpt.shown())]);
        if let (Lang::En, Some(en)) = (self.lang, &excerpt.text.en) {
            doc.line(vec![Span::Italic(fill(
                &self.ui.translation,
                &[("text", en)],
            ))]);
        }
        doc.text(self.attribution(excerpt));
        doc.text(self.citation(excerpt));
        doc
    }

    /// A sentence of the article that is no excerpt: its words as the article prints them,
    /// "原文 ¶N" and the citation. It names no speaker, even when it reports someone's words:
    /// only excerpts carry an attribution.
    pub fn sentence(&self, sentence: &Sentence) -> Doc {
        let paragraph = sentence.paragraph.to_string();
        let mut doc = Doc::new();
        doc.quote(vec![Span::Plain(sentence.text.clone())]);
        doc.text(fill(&self.ui.sentence_line, &[("paragraph", &paragraph)]));
        doc.text(self.cite(sentence.article, sentence.paragraph));
        doc
    }

    /// Who speaks, for a title, when the article names no speaker: the article itself, an
    /// unnamed quote, or words it leaves open between a speaker and itself.
    pub fn voice_label(&self, voice: Voice) -> String {
        match voice {
            Voice::Unattributed => self.ui.inline_unattributed.clone(),
            Voice::Open(p) => fill(
                &self.ui.inline_open,
                &[("name", &self.person_name(&self.corpus.people[p]))],
            ),
            Voice::Article | Voice::Direct(_) | Voice::Reported(_) => {
                self.ui.inline_article.clone()
            }
        }
    }

    /// "—— 李彦宏,百度联合创始人… · 原话"; or that the words are the article's own (saying so
    /// when words in quotation marks stand in them, so no one takes those for the article's);
    /// or that the article does not say whether they are still the speaker before them's.
    pub fn attribution(&self, excerpt: &Excerpt) -> String {
        let voice = excerpt.voice;
        match voice {
            Voice::Article if excerpt.text.original.contains('“') => {
                self.ui.voice_article_quoting.clone()
            }
            Voice::Article => self.ui.voice_article.clone(),
            Voice::Unattributed => self.ui.voice_unattributed.clone(),
            Voice::Open(p) => fill(
                &self.ui.voice_open,
                &[("name", &self.person_name(&self.corpus.people[p]))],
            ),
            Voice::Direct(p) | Voice::Reported(p) => {
                let person = &self.corpus.people[p];
                let name = self.person_name(person);
                let role = self.role(person);
                let speech = self.speech(voice);
                let line = match (role.is_empty(), person.kind) {
                    (true, _) => &self.ui.speaker_line_no_role,
                    // The article describes an unnamed person by what they do: "参与到…项目的
                    // 应用产品经理", never a bare verb phrase after the name.
                    (false, PersonKind::Unnamed) => &self.ui.speaker_line_unnamed,
                    (false, PersonKind::Named | PersonKind::Report) => &self.ui.speaker_line,
                };
                fill(
                    line,
                    &[("name", &name), ("role", &role), ("speech", speech)],
                )
            }
        }
    }

    /// "出处:电厂,2024-07-12,记者 张勇毅,¶5".
    pub fn citation(&self, excerpt: &Excerpt) -> String {
        self.cite(excerpt.article, excerpt.paragraph)
    }

    /// The article's title, in this reader's language: what a quiz or homework is about.
    pub fn article_title(&self) -> String {
        self.corpus
            .articles
            .first()
            .map(|a| a.title.get(self.lang).to_string())
            .unwrap_or_default()
    }

    /// The citation of paragraph `paragraph` of article `article`.
    pub fn cite(&self, article: usize, paragraph: usize) -> String {
        let article = &self.corpus.articles[article];
        fill(
            &self.ui.citation,
            &[
                ("outlet", &self.both(&article.outlet)),
                ("date", article.date()),
                ("reporter", &self.both(&article.reporter)),
                ("paragraph", &paragraph.to_string()),
            ],
        )
    }

    /// /who: everyone the articles quote or mention, with how often they are quoted.
    pub fn people(&self) -> Doc {
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(self.ui.who_title.clone())]);
        for (i, person) in self.corpus.people.iter().enumerate() {
            let count = self.corpus.excerpts_by(i).count();
            let name = self.person_name(person);
            let role = self.role(person);
            let mentions = self.mention_list(i);
            let line = if count > 0 {
                fill(
                    &self.ui.who_entry_quoted,
                    &[
                        ("name", &name),
                        ("role", &role),
                        ("count", &count.to_string()),
                    ],
                )
            } else if !mentions.is_empty() {
                fill(
                    &self.ui.who_entry_mentioned,
                    &[("name", &name), ("role", &role), ("paragraphs", &mentions)],
                )
            } else {
                fill(
                    &self.ui.who_entry_silent,
                    &[("name", &name), ("role", &role)],
                )
            };
            doc.text(format!("• {line}"));
        }
        doc.blank().text(self.ui.who_hint.clone());
        doc
    }

    /// The paragraphs that name a person, as "8" or "8, 12".
    fn mention_list(&self, person: usize) -> String {
        (0..self.corpus.articles.len())
            .flat_map(|a| self.corpus.mentions(a, person))
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// /who NAME: the person, then each of their excerpts with its citation.
    pub fn person(&self, p: usize) -> Doc {
        let person = &self.corpus.people[p];
        let name = self.person_name(person);
        let mut doc = Doc::new();
        let role = self.role(person);
        let mut header = vec![Span::Bold(name.clone())];
        if !role.is_empty() {
            header.push(Span::Plain(format!(" · {role}")));
        }
        doc.line(header);
        let excerpts: Vec<usize> = self.corpus.excerpts_by(p).collect();
        if excerpts.is_empty() {
            let mentions = self.mention_list(p);
            doc.text(fill(
                &self.ui.who_mentioned_only,
                &[("name", &name), ("paragraphs", &mentions)],
            ));
            return doc;
        }
        doc.text(fill(
            &self.ui.who_person_count,
            &[("count", &excerpts.len().to_string())],
        ));
        for e in excerpts {
            let excerpt = &self.corpus.excerpts[e];
            doc.quote(vec![Span::Plain(excerpt.text.original.clone())]);
            if let (Lang::En, Some(en)) = (self.lang, &excerpt.text.en) {
                doc.line(vec![Span::Italic(fill(
                    &self.ui.translation,
                    &[("text", en)],
                ))]);
            }
            doc.text(fill(
                &self.ui.who_excerpt_line,
                &[
                    ("speech", self.speech(excerpt.voice)),
                    ("citation", &self.citation(excerpt)),
                ],
            ));
        }
        doc
    }

    /// /source: the article's metadata and what the corpus holds of it. With more than one
    /// article loaded: a numbered list of them, then the metadata of the one the chat works
    /// with (`scope`), if one, and which that is.
    pub fn source(&self, scope: Scope) -> Doc {
        let articles = &self.corpus.articles;
        if articles.len() <= 1 {
            return self.source_of(0..articles.len());
        }
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(fill(
            &self.ui.source_list_title,
            &[("count", &articles.len().to_string())],
        ))]);
        for (a, article) in articles.iter().enumerate() {
            let excerpts = self.corpus.excerpts.iter().filter(|e| e.article == a);
            doc.text(fill(
                &self.ui.source_list_line,
                &[
                    ("number", &(a + 1).to_string()),
                    ("title", &cut(article.title.get(self.lang), LIST_TITLE)),
                    ("outlet", article.outlet.get(self.lang)),
                    ("date", article.date()),
                    ("excerpts", &excerpts.count().to_string()),
                ],
            ));
        }
        doc.blank();
        match scope {
            None => {
                doc.text(self.ui.source_scope_all.clone());
            }
            Some(a) => {
                doc.text(fill(
                    &self.ui.source_scope_one,
                    &[("number", &(a + 1).to_string())],
                ));
                doc.blank().append(self.source_of(a..a + 1));
            }
        }
        doc
    }

    /// The metadata of `articles` and what the corpus holds of each.
    fn source_of(&self, articles: std::ops::Range<usize>) -> Doc {
        let mut doc = Doc::new();
        for a in articles.clone() {
            let article = &self.corpus.articles[a];
            if a > articles.start {
                doc.blank();
            }
            doc.line(vec![Span::Bold(self.both(&article.title))]);
            doc.text(fill(
                &self.ui.source_outlet,
                &[("outlet", &self.both(&article.outlet))],
            ));
            doc.text(fill(
                &self.ui.source_published,
                &[("published", &article.published)],
            ));
            doc.text(fill(
                &self.ui.source_byline,
                &[
                    ("reporter", &self.both(&article.reporter)),
                    ("editor", &self.both(&article.editor)),
                ],
            ));
            let excerpts: Vec<&Excerpt> = self
                .corpus
                .excerpts
                .iter()
                .filter(|e| e.article == a)
                .collect();
            let mut speakers: Vec<usize> =
                excerpts.iter().filter_map(|e| e.voice.speaker()).collect();
            speakers.sort_unstable();
            speakers.dedup();
            let mut topics: Vec<usize> = excerpts
                .iter()
                .flat_map(|e| e.topics.iter().copied())
                .collect();
            topics.sort_unstable();
            topics.dedup();
            doc.text(fill(
                &self.ui.source_counts,
                &[
                    ("paragraphs", &article.paragraphs.len().to_string()),
                    ("excerpts", &excerpts.len().to_string()),
                    ("people", &speakers.len().to_string()),
                    ("topics", &topics.len().to_string()),
                ],
            ));
        }
        doc.blank().text(self.ui.source_footer.clone());
        doc
    }

    /// The menu description of a built-in command.
    fn builtin_about(&self, command: Builtin) -> &str {
        let ui = self.ui;
        match command {
            Builtin::Start => &ui.cmd_start,
            Builtin::Help => &ui.cmd_help,
            Builtin::Quote => &ui.cmd_quote,
            Builtin::Who => &ui.cmd_who,
            Builtin::Source => &ui.cmd_source,
            Builtin::Search => &ui.cmd_search,
            Builtin::Debate => &ui.cmd_debate,
            Builtin::Quiz => &ui.cmd_quiz,
            Builtin::Next => &ui.cmd_next,
            Builtin::Stop => &ui.cmd_stop,
            Builtin::Top => &ui.cmd_top,
            Builtin::Report => &ui.cmd_report,
            Builtin::Assign => &ui.cmd_assign,
            Builtin::Forgetme => &ui.cmd_forgetme,
            Builtin::Settings => &ui.cmd_settings,
        }
    }

    /// Every command with its description: built-ins first, then the topics, as many as
    /// Telegram's command menu holds ([`MENU_LIMIT`]; every topic works typed all the same).
    pub fn menu(&self) -> Vec<(String, String)> {
        self.builtins()
            .chain(self.topics(None))
            .take(MENU_LIMIT)
            .collect()
    }

    fn builtins(&self) -> impl Iterator<Item = (String, String)> + '_ {
        Builtin::ALL
            .iter()
            .map(|&c| (c.name().to_string(), self.builtin_about(c).to_string()))
    }

    /// The topics of the articles in `scope`, with their descriptions.
    fn topics(&self, scope: Scope) -> impl Iterator<Item = (String, String)> + '_ {
        (0..self.corpus.topics.len())
            .filter(move |&t| self.corpus.topic_in(t, scope))
            .map(|t| {
                let topic = &self.corpus.topics[t];
                (
                    topic.command.clone(),
                    topic.about.get(self.lang).to_string(),
                )
            })
    }

    /// /help: the commands, then the topics of the articles the chat works with (`scope`),
    /// each with its description.
    pub fn help(&self, scope: Scope) -> Doc {
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(self.ui.help_commands.clone())]);
        for (command, about) in self.builtins() {
            doc.text(format!("/{command} — {about}"));
        }
        doc.blank()
            .line(vec![Span::Bold(self.ui.help_topics.clone())]);
        for (command, about) in self.topics(scope) {
            doc.text(format!("/{command} — {about}"));
        }
        doc.blank().text(self.ui.help_footer.clone());
        doc
    }

    /// /start: a greeting naming the article, and what to try.
    pub fn start(&self) -> Doc {
        let mut doc = Doc::new();
        for article in &self.corpus.articles {
            doc.text(fill(&self.ui.start, &[("title", &article.title.original)]));
        }
        doc.text(self.ui.start_try.clone());
        doc
    }

    /// Posted when the bot is added to a group: the greeting, what to type first, how to
    /// reach the bot among other bots (`bot` is its username), and a warning when the group
    /// does not let it send polls.
    pub fn introduction(&self, can_send_polls: bool, bot: Option<&str>) -> Doc {
        let mut doc = Doc::new();
        for article in &self.corpus.articles {
            doc.text(fill(&self.ui.start, &[("title", &article.title.original)]));
        }
        doc.text(self.ui.intro_first.clone());
        if let Some(bot) = bot {
            doc.text(fill(&self.ui.intro_privacy, &[("bot", bot)]));
        }
        if !can_send_polls {
            doc.blank()
                .line(vec![Span::Bold(self.ui.intro_no_polls.clone())]);
        }
        doc
    }

    /// `/start quiz` in a group: the commands a class needs.
    pub fn teacher_guide(&self) -> Doc {
        let mut doc = Doc::new();
        doc.line(vec![Span::Bold(self.ui.guide_title.clone())]);
        for line in [
            &self.ui.guide_quiz,
            &self.ui.guide_run,
            &self.ui.guide_results,
            &self.ui.guide_debate,
            &self.ui.guide_settings,
        ] {
            doc.text(line.clone());
        }
        doc
    }
}
