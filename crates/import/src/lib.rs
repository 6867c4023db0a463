//! Reading an article's text into drafts for debate-bot's corpus: the quotations and reported
//! statements with their speakers and cues, the people, a who-said quiz, a topic and, where the
//! article sets two named voices against each other, a debate motion. Rules and dictionaries
//! only (quotation marks, reporting verbs, a segmenter's part-of-speech tags), in process and
//! offline. [`read`] is pure: text in (with what the other articles use, [`ids::Taken`]),
//! drafts out; [`folder`] writes and reads the drafted folder, and [`review`] walks a person
//! through the drafts that need a look.

mod bounds;
pub mod folder;
pub mod ids;
pub mod input;
mod lexicon;
mod metadata;
mod names;
mod people;
mod quiz;
mod quotes;
mod read;
pub mod review;
mod script;

use std::sync::OnceLock;

pub use input::{InputProblem, MAX_BYTES};
pub use read::read;

/// What the command line says about the article; each value missing here is read from the
/// article's text where it states it.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub date: Option<String>,
    pub reporter: Option<String>,
    pub editor: Option<String>,
    /// The folder name under responses/ (and the prefix of every excerpt id).
    pub id: Option<String>,
}

/// The article's metadata, as source.toml holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub title: String,
    pub outlet: String,
    pub published: String,
    pub reporter: String,
    pub editor: String,
    pub language: String,
}

/// What an excerpt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The speaker's words in quotation marks.
    Direct,
    /// What the article reports the speaker said.
    Reported,
    /// Quoted words the article gives no speaker for.
    Unattributed,
    /// The article's own voice.
    Narration,
}

/// One drafted excerpt.
#[derive(Debug, Clone, PartialEq)]
pub struct Excerpt {
    pub id: String,
    /// 1-based, the title being ¶1.
    pub paragraph: usize,
    /// Verbatim from the paragraph.
    pub text: String,
    pub kind: Kind,
    /// Index into [`Draft::people`].
    pub speaker: Option<usize>,
    /// The words the attribution was found by, as the article writes them ("李彦宏表示").
    pub cue: Option<String>,
    pub confidence: f32,
    /// The attribution is not certain: a person should look.
    pub review: bool,
}

/// Who a speaker is to the article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKind {
    Person,
    Unnamed,
    Report,
}

/// A speaker found in the article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub kind: PersonKind,
    /// As the article names them; an unnamed speaker by their role alone ("分析师" for the
    /// article's "一位长期观察大模型落地案例的分析师", whose description before 的 is the role).
    pub name: String,
    /// A transliteration for English readers, where one is made (pinyin for Chinese names).
    pub name_en: Option<String>,
    /// The article's words only; empty where it gives none.
    pub role: String,
    pub org: String,
}

/// A who-said question, in quiz.toml's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub paragraph: usize,
    pub evidence: String,
    pub question: String,
    pub question_en: String,
    pub options: Vec<String>,
    pub options_en: Vec<String>,
    pub answer: usize,
    /// The excerpt it asks about.
    pub excerpt: String,
}

/// A debate motion, in debates.toml's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Motion {
    pub id: String,
    pub motion: String,
    pub motion_en: String,
    pub for_: Vec<String>,
    pub against: Vec<String>,
}

/// The topic command the article gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub command: String,
    pub title: String,
    pub about: String,
}

/// Everything drafted from one article.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    pub source: Source,
    pub excerpts: Vec<Excerpt>,
    pub people: Vec<Person>,
    pub questions: Vec<Question>,
    pub topic: Topic,
    /// The motion, or why there is none.
    pub motion: Result<Motion, String>,
    /// Things the importer should know ("no quotation found").
    pub notes: Vec<String>,
}

/// Why an article cannot be drafted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Input(InputProblem),
    /// A value the text does not state and the command line did not give.
    Missing(&'static str, &'static str),
    /// An `--id` the bot could not take as an article's folder name.
    Id(String),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Input(p) => p.fmt(f),
            Refusal::Missing(what, option) => write!(
                f,
                "the article does not state its {what}; give it with {option}"
            ),
            Refusal::Id(id) => write!(
                f,
                "--id {id:?}: an article's id is 1-48 characters of a-z, 0-9 and '-' (it names \
                 its folder, and chats choose the article by it)"
            ),
        }
    }
}

/// The segmenter, its dictionary loaded once per process (about 0.2 s).
pub(crate) fn jieba() -> &'static jieba_rs::Jieba {
    static JIEBA: OnceLock<jieba_rs::Jieba> = OnceLock::new();
    JIEBA.get_or_init(jieba_rs::Jieba::new)
}

/// What `debate-bot import` says it drafted, and what to do next.
pub fn summary(draft: &Draft, folder: &std::path::Path) -> String {
    use std::fmt::Write;
    let speech = draft
        .excerpts
        .iter()
        .filter(|e| e.kind != Kind::Narration)
        .count();
    let review = draft.excerpts.iter().filter(|e| e.review).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: drafted {} excerpts ({speech} quotations or reported statements, {} narration), \
         {} speakers, {} who-said questions, topic /{}",
        folder.display(),
        draft.excerpts.len(),
        draft.excerpts.len() - speech,
        draft.people.len(),
        draft.questions.len(),
        draft.topic.command
    );
    match &draft.motion {
        Ok(m) => {
            let _ = writeln!(out, "  debate motion: {}", m.motion);
        }
        Err(why) => {
            let _ = writeln!(out, "  {why}");
        }
    }
    for note in &draft.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    let _ = writeln!(
        out,
        "  {review} drafts need a look: debate-bot review {}",
        folder.display()
    );
    out
}
