//! The corpus: the articles, their verbatim excerpts, the people they quote, and the topics
//! that group excerpts into bot commands. Loaded once from `responses/` by [`load`] and
//! read-only afterwards; everything the bot quotes comes from here.

pub mod files;
mod load;
mod merge;
mod questions_and_motions;
mod sentences;

use std::collections::HashMap;

pub use load::{is_self_contained, load, load_folder, paragraphs};
pub use sentences::{cut_of, split as split_sentences};

use crate::i18n::Lang;
use crate::vocab::Side;

/// A string in the article's language with an optional English version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub original: String,
    pub en: Option<String>,
}

impl Text {
    /// The English version for English readers, where there is one; the original otherwise.
    pub fn get(&self, lang: Lang) -> &str {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => en,
            _ => &self.original,
        }
    }
}

/// One article: its metadata and its paragraphs (the non-empty lines of article.txt).
#[derive(Debug, Clone)]
pub struct Article {
    /// The folder name under responses/.
    pub id: String,
    /// A self-contained article (`debate-bot import`'s): its quiz.toml holds its who-said
    /// questions, drafted and reviewed, so the bot asks none of its own about it.
    pub own_quiz: bool,
    pub title: Text,
    pub outlet: Text,
    pub published: String,
    pub reporter: Text,
    pub editor: Text,
    pub language: String,
    pub paragraphs: Vec<String>,
}

impl Article {
    /// The publication date alone (the part of `published` before any time).
    pub fn date(&self) -> &str {
        self.published.split_whitespace().next().unwrap_or_default()
    }
}

/// Who a person is to the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKind {
    /// A named person.
    Named,
    /// Someone the article quotes without naming.
    Unnamed,
    /// A publication whose report the article cites.
    Report,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub kind: PersonKind,
    pub name: Text,
    pub role: Text,
    pub org: Text,
    /// The role (and org) is not stated in the article but known from elsewhere; the bot says so.
    pub role_outside: bool,
    pub aliases: Vec<String>,
}

/// Whose words an excerpt is, exactly as the article says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// The article's own words.
    Article,
    /// The person's words, in quotation marks (index into [`Corpus::people`]).
    Direct(usize),
    /// What the article reports the person said.
    Reported(usize),
    /// Words the article quotes without saying whose.
    Unattributed,
    /// Words that run on from the person's attributed words with no attribution of their own:
    /// the article leaves open whether they are still the person's or its own (index into
    /// [`Corpus::people`]). They are attributed to no one.
    Open(usize),
}

impl Voice {
    /// The person the article attributes the words to, if it does.
    pub fn speaker(self) -> Option<usize> {
        match self {
            Voice::Direct(p) | Voice::Reported(p) => Some(p),
            Voice::Article | Voice::Unattributed | Voice::Open(_) => None,
        }
    }
}

/// Which ends of its sentence an excerpt leaves out. A cut end is shown as "…", so no one takes
/// part of a sentence for the whole of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cut {
    /// The sentence begins before the excerpt does.
    pub start: bool,
    /// The sentence goes on after the excerpt ends.
    pub end: bool,
}

#[derive(Debug, Clone)]
pub struct Excerpt {
    pub id: String,
    /// Index into [`Corpus::articles`].
    pub article: usize,
    /// 1-based paragraph number (¶N).
    pub paragraph: usize,
    pub voice: Voice,
    /// The verbatim words, with an English translation written for the project.
    pub text: Text,
    /// Where the words start or end inside their sentence.
    pub cut: Cut,
    /// Indices into [`Corpus::topics`], in topic order.
    pub topics: Vec<usize>,
}

/// The mark shown where an excerpt leaves out part of its sentence.
pub const ELLIPSIS: &str = "…";

impl Excerpt {
    /// The verbatim words as shown: with "…" where they start or end inside their sentence.
    pub fn shown(&self) -> String {
        let mark = |cut: bool| if cut { ELLIPSIS } else { "" };
        format!(
            "{}{}{}",
            mark(self.cut.start),
            self.text.original,
            mark(self.cut.end)
        )
    }
}

/// A sentence of an article, so that search finds every line of it, not only the excerpts.
/// See [`split_sentences`] for where sentences end.
#[derive(Debug, Clone)]
pub struct Sentence {
    /// Index into [`Corpus::articles`].
    pub article: usize,
    /// 1-based paragraph number (¶N).
    pub paragraph: usize,
    /// The words, verbatim, without surrounding spaces.
    pub text: String,
    /// The excerpt that holds all of it (but perhaps its final 。): in search the excerpt
    /// stands for it.
    pub within: Option<usize>,
    /// The excerpts (indices into [`Corpus::excerpts`]) that hold some of it.
    pub overlaps: Vec<usize>,
}

/// A quiz question about a fact the article states, with the verbatim words that prove it.
#[derive(Debug, Clone)]
pub struct FactQuestion {
    pub id: String,
    /// Index into [`Corpus::articles`].
    pub article: usize,
    pub paragraph: usize,
    /// Verbatim words of the paragraph that give the answer.
    pub evidence: String,
    pub question: Text,
    /// The options, the right one at `answer`; every option has an English version.
    pub options: Vec<Text>,
    pub answer: usize,
}

/// A motion for /debate: the question and, for each side, excerpts that argue it, best first.
#[derive(Debug, Clone)]
pub struct Motion {
    pub id: String,
    pub motion: Text,
    /// Indices into [`Corpus::excerpts`], at each side's [`Side::index`]: `sides[0]` for,
    /// `sides[1]` against.
    pub sides: [Vec<usize>; 2],
    /// The side (for or against) the article's own narration leans to, where it does.
    pub narration: Option<Side>,
}

#[derive(Debug, Clone)]
pub struct Topic {
    pub command: String,
    pub aliases: Vec<String>,
    pub title: Text,
    pub about: Text,
    /// Indices into [`Corpus::excerpts`], best first.
    pub excerpts: Vec<usize>,
}

/// Everything under responses/, validated.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub articles: Vec<Article>,
    pub excerpts: Vec<Excerpt>,
    pub people: Vec<Person>,
    pub topics: Vec<Topic>,
    pub questions: Vec<FactQuestion>,
    pub motions: Vec<Motion>,
    /// Every sentence of every article, in article order.
    pub sentences: Vec<Sentence>,
    topic_by_command: HashMap<String, usize>,
    person_by_key: HashMap<String, usize>,
    /// Per article, the people it quotes or names (see [`Corpus::people_of`]).
    people_by_article: Vec<Vec<usize>>,
    /// Imported article folders left out because drafts in them are still to review.
    pub waiting: Vec<Waiting>,
}

/// An imported article folder not loaded yet: `drafts` of its excerpts are still marked
/// `review = true`. `debate-bot review` on it makes it live at the next start or SIGHUP;
/// until then the other articles are served as if it were not there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    pub folder: std::path::PathBuf,
    pub drafts: usize,
}

/// Which articles a chat works with (`/settings`): one, by its index in [`Corpus::articles`],
/// or, `None`, every article loaded.
pub type Scope = Option<usize>;

/// Whether `scope` takes in `article`.
pub fn in_scope(scope: Scope, article: usize) -> bool {
    scope.is_none_or(|a| a == article)
}

/// How names are compared: case, spaces and the middle dot in foreign names don't count.
pub fn name_key(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '·' | '・' | '.' | '-' | '_'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl Corpus {
    fn new(
        articles: Vec<Article>,
        excerpts: Vec<Excerpt>,
        people: Vec<Person>,
        topics: Vec<Topic>,
        questions: Vec<FactQuestion>,
        motions: Vec<Motion>,
    ) -> Self {
        let mut topic_by_command = HashMap::new();
        for (i, topic) in topics.iter().enumerate() {
            for command in std::iter::once(&topic.command).chain(&topic.aliases) {
                topic_by_command.insert(command.clone(), i);
            }
        }
        let mut person_by_key = HashMap::new();
        for (i, person) in people.iter().enumerate() {
            for key in person.keys() {
                person_by_key.insert(key, i);
            }
        }
        let sentences = sentences::sentences(&articles, &excerpts);
        let mut corpus = Corpus {
            sentences,
            articles,
            excerpts,
            people,
            topics,
            questions,
            motions,
            topic_by_command,
            person_by_key,
            people_by_article: Vec::new(),
            waiting: Vec::new(),
        };
        let mut speakers = vec![std::collections::BTreeSet::new(); corpus.articles.len()];
        for e in &corpus.excerpts {
            if let Some(p) = e.voice.speaker() {
                speakers[e.article].insert(p);
            }
        }
        corpus.people_by_article = speakers
            .iter()
            .enumerate()
            .map(|(a, quoted)| {
                (0..corpus.people.len())
                    .filter(|&p| quoted.contains(&p) || !corpus.mentions(a, p).is_empty())
                    .collect()
            })
            .collect();
        corpus
    }

    /// The topic a command (or one of its aliases) shows.
    pub fn topic_by_command(&self, command: &str) -> Option<usize> {
        self.topic_by_command.get(command).copied()
    }

    /// The person a name, id or alias stands for, in any script or case.
    pub fn find_person(&self, name: &str) -> Option<usize> {
        self.person_by_key.get(&name_key(name)).copied()
    }

    /// How early an excerpt comes in the topics that list it: its best position in any topic,
    /// ties broken by topic order. Excerpts that lead a topic come first.
    pub fn priority(&self, excerpt: usize) -> u32 {
        let topics = self.topics.len().max(1);
        self.excerpts[excerpt]
            .topics
            .iter()
            .filter_map(|&t| {
                let position = self.topics[t].excerpts.iter().position(|&e| e == excerpt)?;
                Some(position * topics + t)
            })
            .min()
            .map_or(u32::MAX, |p| p as u32)
    }

    /// The article with this id (its folder's name), if loaded.
    pub fn article_by_id(&self, id: &str) -> Option<usize> {
        self.articles.iter().position(|a| a.id == id)
    }

    /// The article a motion is about: its quotes'.
    pub fn motion_article(&self, motion: usize) -> usize {
        self.motions[motion].sides[0]
            .first()
            .map_or(0, |&e| self.excerpts[e].article)
    }

    /// Whether a topic lists anything of the articles in `scope`.
    pub fn topic_in(&self, topic: usize, scope: Scope) -> bool {
        self.topics[topic]
            .excerpts
            .iter()
            .any(|&e| in_scope(scope, self.excerpts[e].article))
    }

    /// The people `article` quotes or names: those who may stand beside each other as the
    /// options of a who-said question about it.
    pub fn people_of(&self, article: usize) -> &[usize] {
        self.people_by_article
            .get(article)
            .map_or(&[], Vec::as_slice)
    }

    /// The excerpts whose speaker is `person`, in article order.
    pub fn excerpts_by(&self, person: usize) -> impl Iterator<Item = usize> + '_ {
        self.excerpts
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.voice.speaker() == Some(person))
            .map(|(i, _)| i)
    }

    /// Paragraphs of `article` that name `person`: where someone quoted nowhere is mentioned.
    pub fn mentions(&self, article: usize, person: usize) -> Vec<usize> {
        let name = &self.people[person].name.original;
        self.articles[article]
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains(name.as_str()))
            .map(|(i, _)| i + 1)
            .collect()
    }
}

impl Person {
    /// Every normalised key this person is found by: id, names and aliases.
    fn keys(&self) -> impl Iterator<Item = String> + '_ {
        [&self.id, &self.name.original]
            .into_iter()
            .chain(self.name.en.as_ref())
            .chain(&self.aliases)
            .map(|s| name_key(s))
    }
}

/// Ids are ASCII so they fit in callback data: 1-48 characters of a-z, 0-9 and '-'.
fn is_valid_id(id: &str) -> bool {
    (1..=48).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
