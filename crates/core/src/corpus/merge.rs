//! Several articles in one corpus: the shared corpus (the article folders that use
//! `responses/people.toml`, `topics.toml` and `debates.toml`) and each self-contained folder
//! (`debate-bot import` writes one, with its own people, topic, quiz and debate), each loaded
//! and checked on its own, then put together here with every index moved to its place.
//!
//! What must stay unique across them is checked: article, excerpt, question and motion ids,
//! topic commands and aliases. A person id two folders both use is one person only when both
//! give the same name (李彦宏 quoted by two articles): kept once, with the first folder's role
//! and organisation and every alias; two different names under one id are refused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Corpus, Voice};
use crate::data::Problem;
use crate::vocab::ArticleId;

/// Puts `parts` (each with the folder it was loaded from) into one corpus, the first part's
/// articles first; every clash is a problem naming both folders.
pub fn merge(parts: Vec<(PathBuf, Corpus)>) -> Result<Corpus, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut merged = Parts::default();
    for (folder, part) in parts {
        merged.add(&folder, part, &mut problems);
    }
    for article in &merged.articles {
        if ArticleId::new(&article.id).is_none() {
            problems.push(Problem::new(
                Path::new(&article.id),
                None,
                "an article folder's name must be 1-48 characters of a-z, 0-9 and '-' (chats choose the article by it)",
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Corpus::new(
        merged.articles,
        merged.excerpts,
        merged.people,
        merged.topics,
        merged.questions,
        merged.motions,
    ))
}

/// The corpus being put together, and where each unique name came from.
#[derive(Default)]
struct Parts {
    articles: Vec<super::Article>,
    excerpts: Vec<super::Excerpt>,
    people: Vec<super::Person>,
    topics: Vec<super::Topic>,
    questions: Vec<super::FactQuestion>,
    motions: Vec<super::Motion>,
    /// Each unique name ("excerpt x", "topic /x"), with the folder it came from.
    seen: HashMap<String, PathBuf>,
}

impl Parts {
    /// Whether `name` is new; a problem naming both folders when it is not.
    fn claim(&mut self, folder: &Path, name: String, problems: &mut Vec<Problem>) -> bool {
        if let Some(first) = self.seen.get(&name) {
            problems.push(Problem::new(
                folder,
                Some(name),
                format!("also in {}", first.display()),
            ));
            return false;
        }
        self.seen.insert(name, folder.to_path_buf());
        true
    }

    fn add(&mut self, folder: &Path, part: Corpus, problems: &mut Vec<Problem>) {
        let (article_at, excerpt_at, topic_at) =
            (self.articles.len(), self.excerpts.len(), self.topics.len());
        // Each person of the part: one already here under the same id and name, or a new one.
        let mut person_at = Vec::with_capacity(part.people.len());
        for person in part.people {
            match self.people.iter().position(|p| p.id == person.id) {
                Some(same) if self.people[same].name.original == person.name.original => {
                    for alias in person.aliases {
                        if !self.people[same].aliases.contains(&alias) {
                            self.people[same].aliases.push(alias);
                        }
                    }
                    person_at.push(same);
                }
                Some(same) => {
                    problems.push(Problem::new(
                        folder,
                        Some(format!("person \"{}\"", person.id)),
                        format!(
                            "names {} here and {} elsewhere; give one of them another id",
                            person.name.original, self.people[same].name.original
                        ),
                    ));
                    person_at.push(same);
                }
                None => {
                    person_at.push(self.people.len());
                    self.people.push(person);
                }
            }
        }
        for article in part.articles {
            if self.claim(folder, format!("article \"{}\"", article.id), problems) {
                self.articles.push(article);
            }
        }
        for mut excerpt in part.excerpts {
            self.claim(folder, format!("excerpt \"{}\"", excerpt.id), problems);
            excerpt.article += article_at;
            excerpt.voice = match excerpt.voice {
                Voice::Direct(p) => Voice::Direct(person_at[p]),
                Voice::Reported(p) => Voice::Reported(person_at[p]),
                Voice::Open(p) => Voice::Open(person_at[p]),
                voice @ (Voice::Article | Voice::Unattributed) => voice,
            };
            for topic in &mut excerpt.topics {
                *topic += topic_at;
            }
            self.excerpts.push(excerpt);
        }
        for mut topic in part.topics {
            for command in std::iter::once(&topic.command).chain(&topic.aliases) {
                self.claim(folder, format!("topic /{command}"), problems);
            }
            for excerpt in &mut topic.excerpts {
                *excerpt += excerpt_at;
            }
            self.topics.push(topic);
        }
        for mut question in part.questions {
            self.claim(folder, format!("question \"{}\"", question.id), problems);
            question.article += article_at;
            self.questions.push(question);
        }
        for mut motion in part.motions {
            self.claim(folder, format!("motion \"{}\"", motion.id), problems);
            for side in &mut motion.sides {
                for excerpt in side {
                    *excerpt += excerpt_at;
                }
            }
            self.motions.push(motion);
        }
    }
}
