//! The drafted folder on disk, `responses/<id>/`: article.txt exactly as given, source.toml,
//! excerpts.toml (with each draft's `cue`, `confidence` and `review` mark), and the article's
//! own people.toml, topics.toml, quiz.toml (who-said questions) and debates.toml. A folder
//! with its own people.toml is self-contained: `debate-bot check responses/<id>` validates it
//! alone, and the bot loads it beside the shared corpus once no draft is left to review. Every
//! file is written in the loader's own shapes (`debate_core::corpus::files`), so a field an
//! editor added by hand survives a review, and a key the loader refuses is refused here too.

use std::fs;
use std::path::{Path, PathBuf};

use debate_core::corpus::files::{
    CutEntry, DebatesFile, ExcerptEntry, ExcerptsFile, MotionEntry, PeopleFile, PersonEntry,
    PersonKindEntry, QuestionEntry, QuizFile, RoleSource, SourceFile, Speech, TopicEntry,
    TopicsFile,
};
use debate_core::corpus::paragraphs;
use serde::{Deserialize, Serialize};

use crate::ids::{Taken, Used};
use crate::{Draft, Excerpt, Kind, Motion, Person, PersonKind, Question, Topic, quiz};

const EXCERPTS_HEADER: &str = "\
# Drafts made by `debate-bot import`, in article order. Each `text` is verbatim from paragraph
# `paragraph` (non-empty lines of article.txt, the title being ¶1).
#   speaker = a person id from people.toml, where the article attributes the words;
#   speech  = \"direct\" (in quotation marks), \"reported\", or \"unattributed\" (no speaker);
#   neither = the article's own narration.
#   cut     = \"start\", \"end\" or \"both\": where `text` starts or ends inside its sentence (the bot
#             shows \"…\" there); written from the paragraph, so a span cut in review gets it right.
#   cue        the words the attribution was found by, as the article writes them (… = words left out);
#   confidence the import's confidence in the attribution, 0-1;
#   review     true: not certain; `debate-bot review` walks through these, and the loader refuses
#              the folder while any is left.
";

const PEOPLE_HEADER: &str = "\
# The speakers `debate-bot import` found. `role` and `org` are the article's own words (the
# loader checks them); kind = \"person\" (named), \"unnamed\" (described only), \"report\" (a
# publication cited). `name_en` is a transliteration (pinyin) where one was made.
";

/// A row of excerpts.toml for a draft.
pub fn excerpt_row(e: &Excerpt, people: &[Person]) -> ExcerptEntry {
    ExcerptEntry {
        id: e.id.clone(),
        paragraph: e.paragraph,
        speaker: e.speaker.map(|s| people[s].id.clone()),
        speech: match e.kind {
            Kind::Direct => Some(Speech::Direct),
            Kind::Reported => Some(Speech::Reported),
            Kind::Unattributed => Some(Speech::Unattributed),
            Kind::Narration => None,
        },
        open_after: None,
        text: e.text.clone(),
        cut: None,
        en: None,
        cue: e.cue.clone(),
        confidence: Some((f64::from(e.confidence) * 100.0).round() / 100.0),
        review: e.review,
    }
}

/// A draft from a row of excerpts.toml (speaker ids looked up in `people`).
pub fn excerpt_from_row(row: &ExcerptEntry, people: &[Person]) -> Excerpt {
    Excerpt {
        id: row.id.clone(),
        paragraph: row.paragraph,
        text: row.text.clone(),
        kind: match row.speech {
            Some(Speech::Direct) => Kind::Direct,
            Some(Speech::Reported) => Kind::Reported,
            Some(Speech::Unattributed) => Kind::Unattributed,
            None => Kind::Narration,
        },
        speaker: row
            .speaker
            .as_ref()
            .and_then(|id| people.iter().position(|p| &p.id == id)),
        cue: row.cue.clone(),
        confidence: row.confidence.unwrap_or(1.0) as f32,
        review: row.review,
    }
}

pub fn person_row(p: &Person) -> PersonEntry {
    PersonEntry {
        id: p.id.clone(),
        kind: match p.kind {
            PersonKind::Person => PersonKindEntry::Person,
            PersonKind::Unnamed => PersonKindEntry::Unnamed,
            PersonKind::Report => PersonKindEntry::Report,
        },
        name: p.name.clone(),
        name_en: p.name_en.clone(),
        role: p.role.clone(),
        role_en: None,
        role_source: RoleSource::Article,
        org: p.org.clone(),
        org_en: None,
        aliases: Vec::new(),
    }
}

pub fn person_from_row(row: &PersonEntry) -> Person {
    Person {
        id: row.id.clone(),
        kind: match row.kind {
            PersonKindEntry::Person => PersonKind::Person,
            PersonKindEntry::Unnamed => PersonKind::Unnamed,
            PersonKindEntry::Report => PersonKind::Report,
        },
        name: row.name.clone(),
        name_en: row.name_en.clone(),
        role: row.role.clone(),
        org: row.org.clone(),
    }
}

/// Writes the file whole or not at all: to a temporary file beside it, then renamed over it,
/// so a bot starting or reloading (SIGHUP) while a review writes never reads half a file, and
/// a full disk leaves the previous file as it was.
fn write(path: &Path, header: &str, body: &str) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: cannot write: {e}", path.display());
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".new");
    let temporary = PathBuf::from(temporary);
    fs::write(&temporary, format!("{header}\n{body}"))
        .and_then(|()| fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = fs::remove_file(&temporary);
            fail(e)
        })
}

fn to_toml<T: Serialize>(value: &T) -> String {
    toml::to_string(value).expect("the drafts' shapes always serialise")
}

/// Writes the draft as `responses/<id>/`; refuses an existing folder unless `force` (and never
/// replaces an article of the shared corpus). The folder written.
pub fn create(
    responses: &Path,
    draft: &Draft,
    article: &[u8],
    force: bool,
) -> Result<PathBuf, String> {
    let folder = responses.join(&draft.id);
    if folder.exists() {
        if !force {
            return Err(format!(
                "{}: already exists; give --force to replace it, or --id for another name",
                folder.display()
            ));
        }
        if folder.join("article.txt").exists() && !debate_core::corpus::is_self_contained(&folder) {
            return Err(format!(
                "{}: is an article of the shared corpus, not an imported one; it is not replaced, \
                 even with --force",
                folder.display()
            ));
        }
    }
    fs::create_dir_all(&folder).map_err(|e| format!("{}: cannot create: {e}", folder.display()))?;
    fs::write(folder.join("article.txt"), article).map_err(|e| {
        format!(
            "{}: cannot write: {e}",
            folder.join("article.txt").display()
        )
    })?;
    let s = &draft.source;
    write(
        &folder.join("source.toml"),
        "# The article's metadata, from the command line or the article's own lines.",
        &to_toml(&SourceFile {
            title: s.title.clone(),
            title_en: None,
            outlet: s.outlet.clone(),
            outlet_en: None,
            published: s.published.clone(),
            reporter: s.reporter.clone(),
            reporter_en: None,
            editor: s.editor.clone(),
            editor_en: None,
            language: s.language.clone(),
        }),
    )?;
    let mut rows: Vec<ExcerptEntry> = draft
        .excerpts
        .iter()
        .map(|e| excerpt_row(e, &draft.people))
        .collect();
    set_cuts(&mut rows, &paragraphs(&String::from_utf8_lossy(article)));
    write_excerpts(&folder, &rows)?;
    let people: Vec<PersonEntry> = draft.people.iter().map(person_row).collect();
    write_people(&folder, &people)?;
    let topic = topic_row(&draft.topic, rows.iter().map(|r| r.id.clone()).collect());
    write_topics(&folder, &TopicsFile { topic: vec![topic] })?;
    write_quiz(&folder, &draft.questions)?;
    write_debates(&folder, &draft.motion)?;
    Ok(folder)
}

/// Where `text` starts or ends inside its sentence of `paragraph`, as the loader reckons it
/// (the words' first place in the paragraph): start, end, both, or none.
pub fn cut_mark(paragraph: &str, text: &str) -> Option<CutEntry> {
    if text.trim().is_empty() {
        return None;
    }
    let at = paragraph.find(text)?;
    CutEntry::of(debate_core::corpus::cut_of(paragraph, at, text.len()))
}

/// Sets every row's `cut` from its paragraph (1-based, the title ¶1): a span the review cut,
/// or one the reading took from inside its sentence, says so; a whole sentence says nothing.
pub fn set_cuts(rows: &mut [ExcerptEntry], paragraphs: &[String]) {
    for row in rows {
        row.cut = row
            .paragraph
            .checked_sub(1)
            .and_then(|p| paragraphs.get(p))
            .and_then(|p| cut_mark(p, &row.text));
    }
}

/// Writes excerpts.toml as `rows` say (their `cut` set by [`set_cuts`] first).
pub fn write_excerpts(folder: &Path, rows: &[ExcerptEntry]) -> Result<(), String> {
    write(
        &folder.join("excerpts.toml"),
        EXCERPTS_HEADER,
        &to_toml(&ExcerptsFile {
            excerpt: rows.to_vec(),
        }),
    )
}

pub fn write_people(folder: &Path, rows: &[PersonEntry]) -> Result<(), String> {
    write(
        &folder.join("people.toml"),
        PEOPLE_HEADER,
        &to_toml(&PeopleFile {
            person: rows.to_vec(),
        }),
    )
}

pub fn write_topics(folder: &Path, topics: &TopicsFile) -> Result<(), String> {
    write(
        &folder.join("topics.toml"),
        "# The article's topic command (a name no other topic or built-in command has), with\n\
         # every excerpt; `title_en`/`about_en` repeat the original until someone translates them.",
        &to_toml(topics),
    )
}

pub fn write_quiz(folder: &Path, questions: &[Question]) -> Result<(), String> {
    let rows = questions
        .iter()
        .map(|q| QuestionEntry {
            id: q.id.clone(),
            paragraph: q.paragraph,
            evidence: q.evidence.clone(),
            question: q.question.clone(),
            question_en: q.question_en.clone(),
            options: q.options.clone(),
            options_en: q.options_en.clone(),
            answer: q.answer,
        })
        .collect();
    write(
        &folder.join("quiz.toml"),
        "# Who-said questions drafted from the excerpts whose speaker the article settles (a cue\n\
         # names them; none left for review). `evidence` is verbatim: the cue and the words. The\n\
         # options are the article's other speakers. `debate-bot review` writes this file anew.",
        &to_toml(&QuizFile { question: rows }),
    )
}

pub fn write_debates(folder: &Path, motion: &Result<Motion, String>) -> Result<(), String> {
    match motion {
        Ok(m) => write(
            &folder.join("debates.toml"),
            "# A draft motion: two named speakers the article sets against each other.",
            &to_toml(&DebatesFile {
                motion: vec![MotionEntry {
                    id: m.id.clone(),
                    motion: m.motion.clone(),
                    motion_en: m.motion_en.clone(),
                    narration: None,
                    for_: m.for_.clone(),
                    against: m.against.clone(),
                }],
            }),
        ),
        Err(why) => write(&folder.join("debates.toml"), &format!("# {why}."), ""),
    }
}

/// The drafts of a folder, read back.
pub struct Folder {
    pub path: PathBuf,
    pub paragraphs: Vec<String>,
    pub excerpts: Vec<ExcerptEntry>,
    pub people: Vec<PersonEntry>,
    pub topics: TopicsFile,
    /// The first line of debates.toml when it holds no motion: why there is none.
    pub no_motion: Option<String>,
    /// What the other articles under responses/ use: a speaker added in review takes no
    /// person id of theirs for someone else, and the motion made anew no id of theirs.
    pub taken: Used,
}

fn read_toml<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.message()))
}

impl Folder {
    pub fn open(path: &Path) -> Result<Folder, String> {
        let article = path.join("article.txt");
        if article.is_file() && !debate_core::corpus::is_self_contained(path) {
            return Err(format!(
                "{}: is an article of the shared corpus, not an imported one; edit its files \
                 by hand and run `debate-bot check`",
                path.display()
            ));
        }
        let text = fs::read_to_string(&article)
            .map_err(|e| format!("{}: cannot read: {e}", article.display()))?;
        let debates = fs::read_to_string(path.join("debates.toml")).unwrap_or_default();
        Ok(Folder {
            path: path.to_path_buf(),
            paragraphs: paragraphs(&text),
            excerpts: read_toml::<ExcerptsFile>(&path.join("excerpts.toml"))?.excerpt,
            people: read_toml::<PeopleFile>(&path.join("people.toml"))?.person,
            topics: read_toml(&path.join("topics.toml"))?,
            no_motion: (!debates.contains("[[motion]]")).then(|| {
                debates
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("# ")
                    .to_owned()
            }),
            taken: path
                .parent()
                .zip(path.file_name())
                .map(|(responses, name)| Taken::of(responses).except(&name.to_string_lossy()))
                .unwrap_or_default(),
        })
    }

    /// The article's language and script, from its title.
    fn style(&self) -> quiz::Style {
        let title = self.paragraphs.first().cloned().unwrap_or_default();
        let english = title.chars().filter(|c| c.is_ascii_alphabetic()).count()
            > title.chars().filter(|&c| crate::lexicon::is_han(c)).count() * 2;
        quiz::Style::of(&crate::Source {
            title,
            outlet: String::new(),
            published: String::new(),
            reporter: String::new(),
            editor: String::new(),
            language: if english { "en" } else { "zh" }.into(),
        })
    }

    /// Writes excerpts, people and topics back, and the quiz and motion anew from them.
    pub fn save(&mut self) -> Result<(), String> {
        let ids: Vec<String> = self.excerpts.iter().map(|e| e.id.clone()).collect();
        for topic in &mut self.topics.topic {
            topic.excerpts.retain(|id| ids.contains(id));
            for id in &ids {
                if !topic.excerpts.contains(id) {
                    topic.excerpts.push(id.clone());
                }
            }
        }
        // People no excerpt names any more are dropped.
        self.people.retain(|p| {
            self.excerpts.iter().any(|e| {
                e.speaker.as_deref() == Some(&p.id) || e.open_after.as_deref() == Some(&p.id)
            })
        });
        set_cuts(&mut self.excerpts, &self.paragraphs);
        write_excerpts(&self.path, &self.excerpts)?;
        write_people(&self.path, &self.people)?;
        write_topics(&self.path, &self.topics)?;
        let people: Vec<Person> = self.people.iter().map(person_from_row).collect();
        let excerpts: Vec<Excerpt> = self
            .excerpts
            .iter()
            .map(|r| excerpt_from_row(r, &people))
            .collect();
        let style = self.style();
        write_quiz(
            &self.path,
            &quiz::questions(&excerpts, &people, &self.paragraphs, style),
        )?;
        // The start of the ids the import made, as it made it.
        let id = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let prefix = crate::ids::free_prefix(&id, &self.taken.ids);
        let motion = quiz::motion(&excerpts, &people, &prefix, style);
        self.no_motion = motion.as_ref().err().cloned();
        write_debates(&self.path, &motion)
    }
}

/// topics.toml's row for the article's topic; the English title and line repeat the original
/// until someone translates them.
pub fn topic_row(topic: &Topic, ids: Vec<String>) -> TopicEntry {
    TopicEntry {
        command: topic.command.clone(),
        aliases: Vec::new(),
        title: topic.title.clone(),
        title_en: topic.title.clone(),
        about: topic.about.clone(),
        about_en: topic.about.clone(),
        excerpts: ids,
    }
}
