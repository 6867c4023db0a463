//! `debate-bot review responses/<id>`: a walk through every draft marked `review = true`, each
//! shown in its paragraph with the cue it was found by; one key settles it (accept, change the
//! speaker, mark as narration, cut the span, drop). The folder is written back after every
//! answer, so quitting loses nothing, and the walk ends with the folder's check. Input and
//! output are any reader and writer, so a test drives it with a script.

use std::io::{BufRead, Write};
use std::path::Path;

use debate_core::corpus::files::{PersonEntry, PersonKindEntry, RoleSource, Speech};

use crate::folder::Folder;
use crate::lexicon::{UNNAMED_OPENERS, without_opener};
use crate::people::{slug, unnamed_id};

/// How a review ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Drafts settled in this walk.
    pub settled: usize,
    /// Drafts still marked for review (the walk was left early).
    pub left: usize,
    /// The check's problems, one line each; empty when the folder loads.
    pub problems: Vec<String>,
}

const KEYS: &str = "[a]ccept  [s]peaker  [n]arration  [c]ut  [d]rop  [q]uit";

fn line(input: &mut impl BufRead) -> Option<String> {
    let mut s = String::new();
    match input.read_line(&mut s) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(s.trim().to_owned()),
    }
}

fn io(e: std::io::Error) -> String {
    format!("cannot write to the terminal: {e}")
}

/// Walks through the drafts of `path` that need a look.
pub fn run(path: &Path, input: &mut impl BufRead, out: &mut impl Write) -> Result<Outcome, String> {
    let mut folder = Folder::open(path)?;
    let total = folder.excerpts.len();
    let todo = folder.excerpts.iter().filter(|e| e.review).count();
    writeln!(
        out,
        "{}: {todo} of {total} drafts need a look.",
        path.display()
    )
    .map_err(io)?;
    if let Some(why) = &folder.no_motion {
        writeln!(out, "{why}").map_err(io)?;
    }
    let mut settled = 0;
    let mut seen = 0;
    let mut i = 0;
    'walk: while i < folder.excerpts.len() {
        if !folder.excerpts[i].review {
            i += 1;
            continue;
        }
        seen += 1;
        loop {
            show(out, &folder, i, seen, todo).map_err(io)?;
            write!(out, "{KEYS} > ").map_err(io)?;
            out.flush().map_err(io)?;
            let Some(answer) = line(input) else {
                writeln!(out).map_err(io)?;
                break 'walk;
            };
            match answer.chars().next().map(|c| c.to_ascii_lowercase()) {
                Some('a') => {
                    folder.excerpts[i].review = false;
                }
                Some('n') => {
                    let e = &mut folder.excerpts[i];
                    e.speaker = None;
                    e.speech = None;
                    e.review = false;
                }
                Some('d') => {
                    folder.excerpts.remove(i);
                    settled += 1;
                    folder.save()?;
                    continue 'walk;
                }
                Some('s') => {
                    if !choose_speaker(&mut folder, i, input, out)? {
                        continue;
                    }
                }
                Some('c') => {
                    cut(&mut folder, i, input, out)?;
                    folder.save()?;
                    continue;
                }
                Some('q') => break 'walk,
                _ => {
                    writeln!(out, "Type one of the letters in brackets.").map_err(io)?;
                    continue;
                }
            }
            settled += 1;
            folder.save()?;
            i += 1;
            continue 'walk;
        }
    }
    folder.save()?;
    let left = folder.excerpts.iter().filter(|e| e.review).count();
    if left > 0 {
        writeln!(
            out,
            "{left} drafts still need a look: run the review again to go on."
        )
        .map_err(io)?;
    }
    let problems = check(path, out).map_err(io)?;
    Ok(Outcome {
        settled,
        left,
        problems,
    })
}

/// One draft: where it stands, its paragraph with the words marked, what the import found.
fn show(
    out: &mut impl Write,
    folder: &Folder,
    i: usize,
    seen: usize,
    todo: usize,
) -> std::io::Result<()> {
    let e = &folder.excerpts[i];
    let paragraph = folder
        .paragraphs
        .get(e.paragraph - 1)
        .map_or("", String::as_str);
    let marked = match paragraph.find(&e.text) {
        Some(at) => format!(
            "{}【{}】{}",
            &paragraph[..at],
            &e.text,
            &paragraph[at + e.text.len()..]
        ),
        None => paragraph.to_owned(),
    };
    let speaker = e
        .speaker
        .as_ref()
        .and_then(|id| folder.people.iter().find(|p| &p.id == id))
        .map_or("no speaker".to_owned(), |p| p.name.clone());
    let kind = match e.speech {
        Some(Speech::Direct) => "direct",
        Some(Speech::Reported) => "reported",
        Some(Speech::Unattributed) => "unattributed",
        None => "narration",
    };
    writeln!(out)?;
    writeln!(
        out,
        "[{seen}/{todo}] ¶{} {} · {kind} · {speaker}",
        e.paragraph, e.id
    )?;
    writeln!(out, "  {marked}")?;
    writeln!(
        out,
        "  cue: {} · confidence {}",
        e.cue.as_deref().unwrap_or("none"),
        e.confidence.map_or("-".to_owned(), |c| format!("{c:.2}"))
    )
}

/// Asks for the speaker: a number from the people found, or a new name. Whether one was set.
fn choose_speaker(
    folder: &mut Folder,
    i: usize,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<bool, String> {
    for (n, p) in folder.people.iter().enumerate() {
        writeln!(out, "  {}) {}", n + 1, p.name).map_err(io)?;
    }
    write!(
        out,
        "Speaker: a number, or a new name as the article writes it > "
    )
    .map_err(io)?;
    out.flush().map_err(io)?;
    let Some(answer) = line(input).filter(|a| !a.is_empty()) else {
        return Ok(false);
    };
    let id = match answer.parse::<usize>() {
        Ok(n) if (1..=folder.people.len()).contains(&n) => folder.people[n - 1].id.clone(),
        Ok(_) => {
            writeln!(out, "No such number.").map_err(io)?;
            return Ok(false);
        }
        Err(_) => {
            // "一位家长" (or "an analyst") is someone the article does not name: their name is
            // the role alone ("家长"), as the loader requires.
            let (unnamed, name) = unnamed_name(&answer);
            if unnamed && name.is_empty() {
                writeln!(
                    out,
                    "Type the role after {answer}, as the article writes it."
                )
                .map_err(io)?;
                return Ok(false);
            }
            if let Some(p) = folder.people.iter().find(|p| p.name == name) {
                p.id.clone()
            } else {
                let base = match slug(&name) {
                    s if s.is_empty() => format!("speaker-{}", folder.people.len() + 1),
                    _ if unnamed => unnamed_id(&name),
                    s => s,
                };
                // An id already an excerpt's or a person's elsewhere is made unique below.
                let mut id = base.clone();
                let mut n = 2;
                while folder.people.iter().any(|p| p.id == id)
                    || folder.taken.people.get(&id).is_some_and(|n| *n != name)
                {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                folder.people.push(PersonEntry {
                    id: id.clone(),
                    kind: if unnamed {
                        PersonKindEntry::Unnamed
                    } else {
                        PersonKindEntry::Person
                    },
                    name,
                    name_en: None,
                    role: String::new(),
                    role_en: None,
                    role_source: RoleSource::Article,
                    org: String::new(),
                    org_en: None,
                    aliases: Vec::new(),
                });
                id
            }
        }
    };
    let e = &mut folder.excerpts[i];
    let paragraph = folder
        .paragraphs
        .get(e.paragraph - 1)
        .map_or("", String::as_str);
    // Words in quotation marks are the speaker's own; anything else is reported.
    let quoted = paragraph
        .find(&e.text)
        .is_some_and(|at| paragraph[..at].ends_with(['“', '「', '『', '"']));
    e.speech = Some(if quoted {
        Speech::Direct
    } else {
        Speech::Reported
    });
    e.speaker = Some(id);
    e.open_after = None;
    e.review = false;
    Ok(true)
}

/// Whether a typed name is an unnamed person's, and the name to store: "一位家长" → "家长",
/// "an analyst" → "Analyst" (an English article before a lower-case role: "An Wei" is a name).
fn unnamed_name(answer: &str) -> (bool, String) {
    let answer = answer.trim();
    if UNNAMED_OPENERS
        .iter()
        .chain(&["某"])
        .any(|o| answer.starts_with(o))
    {
        let name = without_opener(answer);
        let name = if UNNAMED_OPENERS.contains(&name) || name == "某" {
            ""
        } else {
            name
        };
        return (true, name.to_owned());
    }
    for article in ["a ", "an ", "A ", "An "] {
        if let Some(role) = answer.strip_prefix(article).map(str::trim_start)
            && role.chars().next().is_some_and(char::is_lowercase)
        {
            let mut chars = role.chars();
            let name = chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            return (true, name);
        }
    }
    (false, answer.to_owned())
}

/// Asks for the words to keep: verbatim words of the span.
fn cut(
    folder: &mut Folder,
    i: usize,
    input: &mut impl BufRead,
    out: &mut impl Write,
) -> Result<(), String> {
    write!(
        out,
        "Keep which words? Type or paste them exactly (empty: keep all) > "
    )
    .map_err(io)?;
    out.flush().map_err(io)?;
    let Some(words) = line(input).filter(|w| !w.is_empty()) else {
        return Ok(());
    };
    let e = &mut folder.excerpts[i];
    if e.text.contains(&words) {
        e.text = words;
    } else {
        writeln!(out, "Those words are not in the draft's text; nothing cut.").map_err(io)?;
    }
    Ok(())
}

/// The folder's check, as `debate-bot check` runs it: what loaded, or every problem. The
/// problems, one line each.
pub fn check(path: &Path, out: &mut impl Write) -> std::io::Result<Vec<String>> {
    match debate_core::corpus::load_folder(path) {
        Ok(corpus) => {
            let who = corpus
                .excerpts
                .iter()
                .filter(|e| e.voice.speaker().is_some())
                .count();
            writeln!(out, "check: {} loads", path.display())?;
            for article in &corpus.articles {
                writeln!(
                    out,
                    "  article {}: {} ({}, {}), {} paragraphs",
                    article.id,
                    article.title.original,
                    article.outlet.original,
                    article.published,
                    article.paragraphs.len()
                )?;
            }
            writeln!(
                out,
                "  excerpts: {} ({who} attributed), people: {}, topics: {}, quiz questions: {}, debate motions: {}",
                corpus.excerpts.len(),
                corpus.people.len(),
                corpus
                    .topics
                    .iter()
                    .map(|t| format!("/{}", t.command))
                    .collect::<Vec<_>>()
                    .join(" "),
                corpus.questions.len(),
                corpus.motions.len()
            )?;
            // Then beside the other articles, as the bot loads them: ids, commands and people
            // must not clash.
            let responses = path.parent().unwrap_or(Path::new("."));
            if let Err(problems) = debate_core::corpus::load(responses) {
                let what = format!("{} with it", responses.display());
                return show_problems(out, &what, &problems);
            }
            writeln!(out, "ok")?;
            Ok(Vec::new())
        }
        Err(problems) => show_problems(out, &path.display().to_string(), &problems),
    }
}

/// "check: WHAT has N problem(s):" and a line for each; the lines.
fn show_problems(
    out: &mut impl Write,
    what: &str,
    problems: &[debate_core::data::Problem],
) -> std::io::Result<Vec<String>> {
    writeln!(out, "check: {what} has {} problem(s):", problems.len())?;
    let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
    for l in &lines {
        writeln!(out, "  {l}")?;
    }
    Ok(lines)
}
