//! Reads responses/ and validates it. Every problem is collected, not just the first, and each
//! names the file, the entry and what is wrong, so whoever edits the data can fix it in one go.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::files::{
    CutEntry, DebatesFile, ExcerptEntry, ExcerptsFile, PeopleFile, PersonKindEntry, QuizFile,
    RoleSource, SourceFile, Speech, TopicsFile,
};
use super::questions_and_motions::{motions, question};
use super::sentences::cut_of;
use super::{
    Article, Corpus, Excerpt, FactQuestion, Person, PersonKind, Text, Topic, Voice, Waiting,
    is_valid_id,
};
use crate::command::{BUILTIN_COMMANDS, is_valid_command_name};
use crate::data::{Problem, read_toml};

/// Loads and validates everything under `dir`: the article folders with people.toml,
/// topics.toml and debates.toml beside them (the shared corpus), and each folder that holds
/// its own people.toml, a self-contained article (as `debate-bot import` writes one), loaded
/// on its own by [`load_folder`]; then puts them together ([`super::merge`]). Every problem
/// of every part is reported. A self-contained folder with drafts still to review is left
/// out and listed in [`Corpus::waiting`]: an import not yet reviewed never stops the bot.
pub fn load(dir: &Path) -> Result<Corpus, Vec<Problem>> {
    let mut found = Vec::new();
    let (own, shared): (Vec<PathBuf>, Vec<PathBuf>) = article_folders(dir, &mut found)
        .into_iter()
        .partition(|folder| is_self_contained(folder));
    let mut parts = Vec::new();
    let mut problems = Vec::new();
    let mut waiting = Vec::new();
    // Imported articles alone need no shared corpus (no people.toml beside them).
    if shared.is_empty() && !own.is_empty() {
        problems.extend(found);
    } else {
        match load_from(dir, shared, found) {
            Ok(corpus) => parts.push((dir.to_path_buf(), corpus)),
            Err(found) => problems.extend(found),
        }
    }
    for folder in own {
        let drafts = drafts_to_review(&folder);
        if drafts > 0 {
            waiting.push(Waiting { folder, drafts });
            continue;
        }
        match load_folder(&folder) {
            Ok(corpus) => parts.push((folder, corpus)),
            Err(found) => problems.extend(found),
        }
    }
    if parts.is_empty() && problems.is_empty() {
        problems.push(Problem::new(
            dir,
            None,
            "no article to serve: every article folder has drafts still to review (debate-bot review)",
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut corpus = super::merge::merge(parts)?;
    corpus.waiting = waiting;
    Ok(corpus)
}

/// An article's paragraphs: the non-empty lines of its article.txt, trimmed; the title is the
/// first (¶1). Every paragraph number in responses/ counts so.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many excerpts of a self-contained folder are drafts still to review; none when its
/// excerpts.toml cannot be read (loading the folder then says why).
fn drafts_to_review(folder: &Path) -> usize {
    read_toml::<ExcerptsFile>(&folder.join("excerpts.toml"))
        .map_or(0, |file| file.excerpt.iter().filter(|e| e.review).count())
}

/// Loads and validates one self-contained article folder: article.txt, source.toml,
/// excerpts.toml and quiz.toml beside its own people.toml, topics.toml and debates.toml. Its
/// quiz.toml holds its who-said questions as drafted and reviewed ([`Article::own_quiz`]).
pub fn load_folder(folder: &Path) -> Result<Corpus, Vec<Problem>> {
    let mut corpus = load_from(folder, vec![folder.to_path_buf()], Vec::new())?;
    for article in &mut corpus.articles {
        article.own_quiz = true;
    }
    Ok(corpus)
}

/// Whether `folder` is an article with its own people (and topics): see [`load_folder`].
pub fn is_self_contained(folder: &Path) -> bool {
    folder.join("people.toml").is_file()
}

/// Loads the article `folders` with the people, topics and debates of `dir`.
fn load_from(
    dir: &Path,
    folders: Vec<PathBuf>,
    mut problems: Vec<Problem>,
) -> Result<Corpus, Vec<Problem>> {
    let people_path = dir.join("people.toml");
    let people = match read_toml::<PeopleFile>(&people_path) {
        Ok(file) => people(&people_path, file, &mut problems),
        Err(p) => {
            problems.push(p);
            Vec::new()
        }
    };
    let person_index: HashMap<&str, usize> = people
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();

    let mut articles = Vec::new();
    let mut excerpts: Vec<Excerpt> = Vec::new();
    let mut excerpt_files: Vec<PathBuf> = Vec::new();
    let mut questions: Vec<FactQuestion> = Vec::new();
    for folder in folders {
        let Some((article, entries)) = article(&folder, &mut problems) else {
            continue;
        };
        let index = articles.len();
        let file = folder.join("excerpts.toml");
        for entry in entries {
            if let Some(excerpt) =
                excerpt(&file, &article, index, entry, &person_index, &mut problems)
            {
                if let Some(first) = excerpts.iter().position(|e| e.id == excerpt.id) {
                    problems.push(Problem::new(
                        &file,
                        Some(format!("excerpt \"{}\"", excerpt.id)),
                        format!("duplicate id (also in {})", excerpt_files[first].display()),
                    ));
                    continue;
                }
                excerpts.push(excerpt);
                excerpt_files.push(file.clone());
            }
        }
        let quiz_path = folder.join("quiz.toml");
        if quiz_path.exists() {
            match read_toml::<QuizFile>(&quiz_path) {
                Ok(file) => {
                    for entry in file.question {
                        if let Some(q) = question(&quiz_path, &article, index, entry, &mut problems)
                        {
                            if questions.iter().any(|other| other.id == q.id) {
                                problems.push(Problem::new(
                                    &quiz_path,
                                    Some(format!("question \"{}\"", q.id)),
                                    "duplicate id",
                                ));
                            } else {
                                questions.push(q);
                            }
                        }
                    }
                }
                Err(p) => problems.push(p),
            }
        }
        articles.push(article);
    }
    if !articles.is_empty() {
        roles_in_articles(&people_path, &people, &articles, &mut problems);
        open_voices(&articles, &excerpts, &excerpt_files, &people, &mut problems);
    }
    if articles.is_empty() && problems.is_empty() {
        problems.push(Problem::new(
            dir,
            None,
            "no article folder (one with article.txt, source.toml and excerpts.toml)",
        ));
    }

    let topics_path = dir.join("topics.toml");
    let topics = match read_toml::<TopicsFile>(&topics_path) {
        Ok(file) => Some(topics(&topics_path, file, &mut excerpts, &mut problems)),
        Err(p) => {
            problems.push(p);
            None
        }
    };
    if topics.is_some() {
        for (excerpt, file) in excerpts.iter().zip(&excerpt_files) {
            if excerpt.topics.is_empty() {
                problems.push(Problem::new(
                    file,
                    Some(format!("excerpt \"{}\"", excerpt.id)),
                    format!(
                        "is in no topic; list it under a topic in {}",
                        topics_path.display()
                    ),
                ));
            }
        }
    }
    let topics = topics.unwrap_or_default();

    let debates_path = dir.join("debates.toml");
    let motions = if debates_path.exists() {
        match read_toml::<DebatesFile>(&debates_path) {
            Ok(file) => motions(&debates_path, file, &excerpts, &mut problems),
            Err(p) => {
                problems.push(p);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };

    if problems.is_empty() {
        Ok(Corpus::new(
            articles, excerpts, people, topics, questions, motions,
        ))
    } else {
        Err(problems)
    }
}

/// The article folders under `dir`, sorted by name.
fn article_folders(dir: &Path, problems: &mut Vec<Problem>) -> Vec<PathBuf> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(Problem::new(
                dir,
                None,
                format!("cannot read the corpus folder: {e}"),
            ));
            return Vec::new();
        }
    };
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

fn article(folder: &Path, problems: &mut Vec<Problem>) -> Option<(Article, Vec<ExcerptEntry>)> {
    let id = folder.file_name()?.to_string_lossy().into_owned();
    let text_path = folder.join("article.txt");
    let text = match std::fs::read_to_string(&text_path) {
        Ok(text) => Some(text),
        Err(e) => {
            problems.push(Problem::new(&text_path, None, format!("cannot read: {e}")));
            None
        }
    };
    let source_path = folder.join("source.toml");
    let source = read_toml::<SourceFile>(&source_path)
        .map_err(|p| problems.push(p))
        .ok();
    let excerpts_path = folder.join("excerpts.toml");
    let excerpts = read_toml::<ExcerptsFile>(&excerpts_path)
        .map_err(|p| problems.push(p))
        .ok();
    let (text, source, excerpts) = (text?, source?, excerpts?);

    let paragraphs = paragraphs(&text);
    if !paragraphs.iter().any(|p| p.contains(&source.title)) {
        problems.push(Problem::new(
            &source_path,
            Some("title".into()),
            "does not appear in article.txt",
        ));
    }
    for (key, value) in [
        ("outlet", &source.outlet),
        ("published", &source.published),
        ("reporter", &source.reporter),
        ("language", &source.language),
    ] {
        if value.trim().is_empty() {
            problems.push(Problem::new(&source_path, Some(key.into()), "is empty"));
        }
    }
    if excerpts.excerpt.is_empty() {
        problems.push(Problem::new(
            &excerpts_path,
            None,
            "has no [[excerpt]] entries",
        ));
    }
    let article = Article {
        id,
        own_quiz: false,
        title: Text {
            original: source.title,
            en: source.title_en,
        },
        outlet: Text {
            original: source.outlet,
            en: source.outlet_en,
        },
        published: source.published,
        reporter: Text {
            original: source.reporter,
            en: source.reporter_en,
        },
        editor: Text {
            original: source.editor,
            en: source.editor_en,
        },
        language: source.language,
        paragraphs,
    };
    Some((article, excerpts.excerpt))
}

fn excerpt(
    file: &Path,
    article: &Article,
    article_index: usize,
    entry: ExcerptEntry,
    person_index: &HashMap<&str, usize>,
    problems: &mut Vec<Problem>,
) -> Option<Excerpt> {
    let name = Some(format!("excerpt \"{}\"", entry.id));
    let before = problems.len();
    let mut problem = |message: String| problems.push(Problem::new(file, name.clone(), message));

    if !is_valid_id(&entry.id) {
        problem("id must be 1-48 characters of a-z, 0-9 and '-'".into());
    }
    let text = entry.text.as_str();
    if text.trim().is_empty() {
        problem("text is empty".into());
    } else if text.trim() != text {
        problem("text starts or ends with spaces; copy the words exactly".into());
    } else if entry.paragraph == 0 || entry.paragraph > article.paragraphs.len() {
        problem(format!(
            "paragraph {} does not exist (article.txt has ¶1-¶{})",
            entry.paragraph,
            article.paragraphs.len()
        ));
    } else if !article.paragraphs[entry.paragraph - 1].contains(text) {
        let found: Vec<String> = article
            .paragraphs
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains(text))
            .map(|(i, _)| format!("¶{}", i + 1))
            .collect();
        if found.is_empty() {
            problem(format!(
                "text is not verbatim in article.txt (checked against ¶{})",
                entry.paragraph
            ));
        } else {
            problem(format!(
                "text is not in ¶{} but in {}",
                entry.paragraph,
                found.join(", ")
            ));
        }
    }
    let cut = CutEntry::cut(entry.cut);
    // The words were found in their paragraph: say where they leave out part of their sentence.
    let found = (entry.paragraph >= 1)
        .then(|| article.paragraphs.get(entry.paragraph - 1))
        .flatten()
        .and_then(|p| Some((p, p.find(text).filter(|_| !text.trim().is_empty())?)));
    if let Some((paragraph, at)) = found {
        let real = cut_of(paragraph, at, text.len());
        // Only the article's own voice (or one it leaves open) must say where it is cut: a
        // speaker's words are framed by the attribution the bot shows with them.
        let narration = entry.speaker.is_none() && entry.speech.is_none();
        for (side, declared, real, key) in [
            ("starts", cut.start, real.start, "start"),
            ("ends", cut.end, real.end, "end"),
        ] {
            if declared && !real {
                problem(format!(
                    "cut says the {key} is cut, but the text {side} with its sentence; leave \
                     the {key} out of cut"
                ));
            } else if real && !declared && narration {
                problem(format!(
                    "text {side} inside its sentence; copy the whole sentence (a qualifier or a \
                     framing like \"据…显示:\" belongs with it) or say cut = \"{key}\" (or \
                     \"both\") so the bot shows \"…\" there"
                ));
            }
        }
    }
    if entry.en.as_deref().is_some_and(|en| en.trim().is_empty()) {
        problem("en is empty; leave it out or write the translation".into());
    }
    if entry.confidence.is_some_and(|c| !(0.0..=1.0).contains(&c)) {
        problem("confidence must be between 0 and 1".into());
    }
    if entry.cue.as_deref().is_some_and(|c| c.trim().is_empty()) {
        problem("cue is empty; leave it out or copy the words the attribution was found by".into());
    }
    let speaker = match &entry.speaker {
        None => None,
        Some(id) => match person_index.get(id.as_str()) {
            Some(&i) => Some(i),
            None => {
                problem(format!("unknown speaker \"{id}\" (not in people.toml)"));
                None
            }
        },
    };
    let open_after = match &entry.open_after {
        None => None,
        Some(id) => match person_index.get(id.as_str()) {
            Some(&i) => Some(i),
            None => {
                problem(format!("unknown open_after \"{id}\" (not in people.toml)"));
                None
            }
        },
    };
    if entry.open_after.is_some() && (entry.speaker.is_some() || entry.speech.is_some()) {
        problem(
            "open_after is for words the article attributes to no one; leave out speaker and \
             speech"
                .into(),
        );
    }
    let voice = match (entry.speech, &entry.speaker) {
        (None, None) => Some(open_after.map_or(Voice::Article, Voice::Open)),
        (Some(Speech::Unattributed), None) => Some(Voice::Unattributed),
        (Some(Speech::Direct), Some(_)) => speaker.map(Voice::Direct),
        (Some(Speech::Reported), Some(_)) => speaker.map(Voice::Reported),
        (None, Some(_)) => {
            problem("has a speaker but no speech; say speech = \"direct\" or \"reported\"".into());
            None
        }
        (Some(Speech::Unattributed), Some(_)) => {
            problem("speech = \"unattributed\" cannot have a speaker".into());
            None
        }
        (Some(_), None) => {
            problem("speech = \"direct\" or \"reported\" needs a speaker".into());
            None
        }
    };

    // A draft still to review is refused, but still known: the topics and motions naming it
    // are not told it is unknown as well.
    let refused = problems.len() > before;
    if entry.review {
        problems.push(Problem::new(
            file,
            name,
            "is a draft still to review (review = true): run `debate-bot review` on its folder, \
             or settle it and remove the mark",
        ));
    }
    if refused {
        return None;
    }
    Some(Excerpt {
        id: entry.id,
        article: article_index,
        paragraph: entry.paragraph,
        voice: voice?,
        text: Text {
            original: entry.text,
            en: entry.en,
        },
        cut,
        topics: Vec::new(),
    })
}

fn people(file: &Path, people: PeopleFile, problems: &mut Vec<Problem>) -> Vec<Person> {
    let mut seen_ids = HashSet::new();
    let mut keys: HashMap<String, String> = HashMap::new();
    let mut out = Vec::new();
    for entry in people.person {
        let name = Some(format!("person \"{}\"", entry.id));
        if !is_valid_id(&entry.id) {
            problems.push(Problem::new(
                file,
                name.clone(),
                "id must be 1-48 characters of a-z, 0-9 and '-'",
            ));
        }
        if !seen_ids.insert(entry.id.clone()) {
            problems.push(Problem::new(file, name.clone(), "duplicate id"));
            continue;
        }
        if entry.name.trim().is_empty() {
            problems.push(Problem::new(file, name.clone(), "name is empty"));
        }
        // The bot marks an unnamed person "(未具名)" after the name: "一位分析师(未具名)" would
        // say it twice.
        if matches!(entry.kind, PersonKindEntry::Unnamed)
            && (["一位", "一名", "某"]
                .iter()
                .any(|article| entry.name.starts_with(article))
                || entry
                    .name_en
                    .as_deref()
                    .is_some_and(|en| en.starts_with("A ") || en.starts_with("An ")))
        {
            problems.push(Problem::new(
                file,
                name.clone(),
                "an unnamed person's name is their role alone (\"分析师\", \"Analyst\"; not \
                 \"一位分析师\", \"An analyst\"): the bot marks them as not named",
            ));
        }
        let person = Person {
            id: entry.id,
            kind: match entry.kind {
                PersonKindEntry::Person => PersonKind::Named,
                PersonKindEntry::Unnamed => PersonKind::Unnamed,
                PersonKindEntry::Report => PersonKind::Report,
            },
            name: Text {
                original: entry.name,
                en: entry.name_en,
            },
            role: Text {
                original: entry.role,
                en: entry.role_en,
            },
            org: Text {
                original: entry.org,
                en: entry.org_en,
            },
            role_outside: entry.role_source == RoleSource::Outside,
            aliases: entry.aliases,
        };
        for key in person.keys().collect::<HashSet<_>>() {
            if key.is_empty() {
                problems.push(Problem::new(file, name.clone(), "an alias is empty"));
            } else if let Some(other) = keys.get(&key) {
                problems.push(Problem::new(
                    file,
                    name.clone(),
                    format!("name or alias \"{key}\" also belongs to \"{other}\""),
                ));
            } else {
                keys.insert(key, person.id.clone());
            }
        }
        out.push(person);
    }
    out
}

/// Words left open between a person and the article must run on from that person's
/// attributed words: later in the same paragraph, or in the next one.
fn open_voices(
    articles: &[Article],
    excerpts: &[Excerpt],
    files: &[PathBuf],
    people: &[Person],
    problems: &mut Vec<Problem>,
) {
    let offset = |e: &Excerpt| {
        articles[e.article].paragraphs[e.paragraph - 1]
            .find(e.text.original.as_str())
            .unwrap_or(0)
    };
    for (excerpt, file) in excerpts.iter().zip(files) {
        let Voice::Open(person) = excerpt.voice else {
            continue;
        };
        let follows = excerpts.iter().any(|e| {
            e.article == excerpt.article
                && e.voice.speaker() == Some(person)
                && (e.paragraph + 1 == excerpt.paragraph
                    || (e.paragraph == excerpt.paragraph && offset(e) < offset(excerpt)))
        });
        if !follows {
            problems.push(Problem::new(
                file,
                Some(format!("excerpt \"{}\"", excerpt.id)),
                format!(
                    "open_after \"{}\" needs an excerpt of theirs just before it (earlier in \
                     ¶{}, or in ¶{}): the words must run on from theirs",
                    people[person].id,
                    excerpt.paragraph,
                    excerpt.paragraph.saturating_sub(1)
                ),
            ));
        }
    }
}

/// A role or org not marked `role_source = "outside"` must be the article's own words.
fn roles_in_articles(
    file: &Path,
    people: &[Person],
    articles: &[Article],
    problems: &mut Vec<Problem>,
) {
    for person in people.iter().filter(|p| !p.role_outside) {
        for (key, value) in [
            ("role", &person.role.original),
            ("org", &person.org.original),
        ] {
            let stated = value.is_empty()
                || articles
                    .iter()
                    .flat_map(|a| &a.paragraphs)
                    .any(|p| p.contains(value.as_str()));
            if !stated {
                problems.push(Problem::new(
                    file,
                    Some(format!("person \"{}\"", person.id)),
                    format!(
                        "{key} \"{value}\" is not in any article; copy the article's words or \
                         say role_source = \"outside\""
                    ),
                ));
            }
        }
    }
}

fn topics(
    file: &Path,
    topics: TopicsFile,
    excerpts: &mut [Excerpt],
    problems: &mut Vec<Problem>,
) -> Vec<Topic> {
    let excerpt_index: HashMap<String, usize> = excerpts
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect();
    let mut commands: HashMap<String, String> = BUILTIN_COMMANDS
        .iter()
        .map(|c| (c.to_string(), "a built-in command".to_string()))
        .collect();
    if topics.topic.is_empty() {
        problems.push(Problem::new(file, None, "has no [[topic]] entries"));
    }
    let mut out = Vec::new();
    for entry in topics.topic {
        let name = Some(format!("topic \"{}\"", entry.command));
        for command in std::iter::once(&entry.command).chain(&entry.aliases) {
            if !is_valid_command_name(command) {
                problems.push(Problem::new(
                    file,
                    name.clone(),
                    format!("command \"{command}\" is invalid: Telegram allows 1-32 characters of a-z, 0-9 and _"),
                ));
            } else if let Some(owner) = commands.get(command) {
                problems.push(Problem::new(
                    file,
                    name.clone(),
                    format!("command \"{command}\" is already {owner}"),
                ));
            } else {
                commands.insert(command.clone(), format!("topic \"{}\"", entry.command));
            }
        }
        for (key, value) in [
            ("title", &entry.title),
            ("title_en", &entry.title_en),
            ("about", &entry.about),
            ("about_en", &entry.about_en),
        ] {
            if value.trim().is_empty() {
                problems.push(Problem::new(file, name.clone(), format!("{key} is empty")));
            } else if value.chars().count() > 256 {
                problems.push(Problem::new(
                    file,
                    name.clone(),
                    format!(
                        "{key} is longer than 256 characters (Telegram's limit for a menu entry)"
                    ),
                ));
            }
        }
        if entry.excerpts.is_empty() {
            problems.push(Problem::new(file, name.clone(), "has no excerpts"));
        }
        let topic_index = out.len();
        let mut members = Vec::new();
        for id in &entry.excerpts {
            match excerpt_index.get(id) {
                None => problems.push(Problem::new(
                    file,
                    name.clone(),
                    format!("unknown excerpt \"{id}\""),
                )),
                Some(&i) if members.contains(&i) => problems.push(Problem::new(
                    file,
                    name.clone(),
                    format!("excerpt \"{id}\" is listed twice"),
                )),
                Some(&i) => {
                    members.push(i);
                    excerpts[i].topics.push(topic_index);
                }
            }
        }
        out.push(Topic {
            command: entry.command,
            aliases: entry.aliases,
            title: Text {
                original: entry.title,
                en: Some(entry.title_en),
            },
            about: Text {
                original: entry.about,
                en: Some(entry.about_en),
            },
            excerpts: members,
        });
    }
    out
}
