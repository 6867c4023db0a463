//! The shapes of the files under responses/, exactly as written; `load` turns them into the
//! validated [`Corpus`](super::Corpus). Unknown keys are refused so a typo cannot pass silently.
//! `debate-bot import` and `review` write the same shapes (an absent value and an empty default
//! are left out), so what they write and what the loader reads cannot drift apart.

use serde::{Deserialize, Serialize};

/// `responses/<article>/source.toml`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceFile {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    pub outlet: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlet_en: Option<String>,
    pub published: String,
    pub reporter: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reporter_en: Option<String>,
    pub editor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editor_en: Option<String>,
    pub language: String,
}

/// `responses/<article>/excerpts.toml`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcerptsFile {
    #[serde(default)]
    pub excerpt: Vec<ExcerptEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExcerptEntry {
    pub id: String,
    pub paragraph: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech: Option<Speech>,
    /// A person whose attributed words these follow with no attribution of their own: the
    /// article leaves open whether they are still that person's (and says so).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_after: Option<String>,
    pub text: String,
    /// Where the text starts or ends inside its sentence; the bot shows "…" there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut: Option<CutEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
    /// How `debate-bot import` found the attribution ("李彦宏表示", "据林吕强介绍"): kept for
    /// whoever reviews the draft; the bot does not show it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// The import's confidence in the attribution, 0-1; kept for the review, not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// A draft still to review: the loader refuses it until `debate-bot review` (or an editor)
    /// has settled it and removed the mark or set it to false.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub review: bool,
}

/// The ends of its sentence an excerpt leaves out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CutEntry {
    Start,
    End,
    Both,
}

impl CutEntry {
    /// The entry that declares `cut`: none for a whole sentence.
    pub fn of(cut: super::Cut) -> Option<CutEntry> {
        match (cut.start, cut.end) {
            (true, true) => Some(CutEntry::Both),
            (true, false) => Some(CutEntry::Start),
            (false, true) => Some(CutEntry::End),
            (false, false) => None,
        }
    }

    /// The cut an entry (or none) declares.
    pub fn cut(entry: Option<CutEntry>) -> super::Cut {
        super::Cut {
            start: matches!(entry, Some(CutEntry::Start | CutEntry::Both)),
            end: matches!(entry, Some(CutEntry::End | CutEntry::Both)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Speech {
    Direct,
    Reported,
    Unattributed,
}

/// `responses/people.toml`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeopleFile {
    #[serde(default)]
    pub person: Vec<PersonEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonEntry {
    pub id: String,
    pub kind: PersonKindEntry,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub role: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_en: Option<String>,
    /// Where `role` and `org` come from: the article (checked verbatim) or elsewhere.
    #[serde(default, skip_serializing_if = "RoleSource::is_article")]
    pub role_source: RoleSource,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub org: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub org_en: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PersonKindEntry {
    Person,
    Unnamed,
    Report,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RoleSource {
    #[default]
    Article,
    Outside,
}

impl RoleSource {
    fn is_article(&self) -> bool {
        *self == RoleSource::Article
    }
}

/// `responses/topics.toml`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicsFile {
    #[serde(default)]
    pub topic: Vec<TopicEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicEntry {
    pub command: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub title: String,
    pub title_en: String,
    pub about: String,
    pub about_en: String,
    #[serde(default)]
    pub excerpts: Vec<String>,
}

/// `responses/<article>/quiz.toml` (optional)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuizFile {
    #[serde(default)]
    pub question: Vec<QuestionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionEntry {
    pub id: String,
    pub paragraph: usize,
    pub evidence: String,
    pub question: String,
    pub question_en: String,
    pub options: Vec<String>,
    pub options_en: Vec<String>,
    pub answer: usize,
}

/// `responses/debates.toml` (optional)
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DebatesFile {
    #[serde(default)]
    pub motion: Vec<MotionEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MotionEntry {
    pub id: String,
    pub motion: String,
    pub motion_en: String,
    /// The side the article's own narration leans to, where it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub narration: Option<SideEntry>,
    #[serde(rename = "for", default)]
    pub for_: Vec<String>,
    #[serde(default)]
    pub against: Vec<String>,
}

/// A side as `debates.toml` may name it: for or against (a narration is never undecided);
/// read into a [`crate::vocab::Side`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SideEntry {
    For,
    Against,
}
