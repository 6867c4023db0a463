//! What a draft is named by, free of what the other articles under `responses/` use: the
//! folder's id, the start of its excerpt, question and motion ids, and its people's ids. The
//! loader refuses a clash of ids or topic commands across articles, and takes a person id two
//! articles share as one person only when the names agree; an import never makes either.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use debate_core::corpus::files::{DebatesFile, ExcerptsFile, PeopleFile, QuizFile, TopicsFile};
use serde::Deserialize;

use crate::Person;

/// What one part of `responses/` uses: topic commands and aliases, person ids with the name
/// each stands for, and excerpt, question and motion ids.
#[derive(Debug, Default, Clone)]
pub struct Used {
    pub commands: BTreeSet<String>,
    pub people: HashMap<String, String>,
    pub ids: HashSet<String>,
}

/// What the articles under `responses/` use, per part: the shared corpus (its own files and
/// its article folders) and each self-contained folder by its name. A draft takes none of it
/// but its own folder's (which `--force` replaces), so it loads beside them: the loader
/// refuses a clash of ids or commands, and a person id two parts share with different names.
#[derive(Debug, Default, Clone)]
pub struct Taken {
    parts: Vec<(Option<String>, Used)>,
}

impl Taken {
    /// Reads `responses`; a file that cannot be read or parsed adds nothing (the loader says
    /// what is wrong with it).
    pub fn of(responses: &Path) -> Taken {
        let mut shared = Used::default();
        shared.add(responses);
        let mut parts = Vec::new();
        let mut folders: Vec<PathBuf> = fs::read_dir(responses)
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        folders.sort();
        for folder in folders {
            if debate_core::corpus::is_self_contained(&folder) {
                let mut used = Used::default();
                used.add(&folder);
                let name = folder.file_name().map(|n| n.to_string_lossy().into_owned());
                parts.push((name, used));
            } else {
                shared.add(&folder);
            }
        }
        parts.push((None, shared));
        Taken { parts }
    }

    /// Everything taken, but by the folder named `id`.
    pub fn except(&self, id: &str) -> Used {
        let mut all = Used::default();
        for (_, used) in self
            .parts
            .iter()
            .filter(|(name, _)| name.as_deref() != Some(id))
        {
            all.commands.extend(used.commands.iter().cloned());
            all.ids.extend(used.ids.iter().cloned());
            for (person, name) in &used.people {
                all.people
                    .entry(person.clone())
                    .or_insert_with(|| name.clone());
            }
        }
        all
    }
}

impl Used {
    /// Adds what the files in `dir` use (those of them there are).
    fn add(&mut self, dir: &Path) {
        fn parsed<T: for<'de> Deserialize<'de>>(path: PathBuf) -> Option<T> {
            toml::from_str(&fs::read_to_string(path).ok()?).ok()
        }
        if let Some(topics) = parsed::<TopicsFile>(dir.join("topics.toml")) {
            for t in topics.topic {
                self.commands.insert(t.command);
                self.commands.extend(t.aliases);
            }
        }
        if let Some(people) = parsed::<PeopleFile>(dir.join("people.toml")) {
            for p in people.person {
                self.people.insert(p.id, p.name);
            }
        }
        if let Some(excerpts) = parsed::<ExcerptsFile>(dir.join("excerpts.toml")) {
            self.ids.extend(excerpts.excerpt.into_iter().map(|e| e.id));
        }
        if let Some(quiz) = parsed::<QuizFile>(dir.join("quiz.toml")) {
            self.ids.extend(quiz.question.into_iter().map(|q| q.id));
        }
        if let Some(debates) = parsed::<DebatesFile>(dir.join("debates.toml")) {
            self.ids.extend(debates.motion.into_iter().map(|m| m.id));
        }
    }
}

/// The start of every id the draft makes ("{prefix}-p5-1", "{prefix}-motion",
/// "said-{prefix}-p5-1"): the folder's id cut to 30 characters (an id is at most 48), numbered
/// where ids of another article already start so.
pub(crate) fn free_prefix(id: &str, taken: &HashSet<String>) -> String {
    let cut = |n: usize| {
        id.chars()
            .take(n)
            .collect::<String>()
            .trim_end_matches('-')
            .to_owned()
    };
    let clashes = |prefix: &str| {
        let (own, question) = (format!("{prefix}-"), format!("said-{prefix}-"));
        taken
            .iter()
            .any(|t| t.starts_with(&own) || t.starts_with(&question))
    };
    let base = cut(30);
    if !clashes(&base) {
        return base;
    }
    let short = cut(26);
    (2..)
        .map(|n| format!("{short}-{n}"))
        .find(|p| !clashes(p))
        .expect("some number is free")
}

/// Gives a new id ("li-yanhong-2") to each speaker whose id another article uses for someone
/// of another name (two names of the same pinyin, two different "analyst"s): the loader takes
/// a shared id as one person only when the names agree.
pub(crate) fn free_person_ids(people: &mut [Person], taken: &HashMap<String, String>) {
    for i in 0..people.len() {
        let clashes = |id: &str, people: &[Person]| {
            taken.get(id).is_some_and(|name| *name != people[i].name)
                || people.iter().enumerate().any(|(j, p)| j != i && p.id == id)
        };
        if !clashes(&people[i].id, people) {
            continue;
        }
        let base = people[i].id.clone();
        let id = (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|id| !clashes(id, people) && !taken.contains_key(id))
            .expect("some number is free");
        people[i].id = id;
    }
}

/// An id for the folder from the date and the title: "2024-07-12-kai-yuan-yu-bi-yuan".
pub(crate) fn default_id(published: &str, title: &str) -> String {
    let date: String = published
        .chars()
        .filter(|c| c.is_ascii_digit())
        .take(8)
        .collect();
    let words: String = crate::people::slug(title).chars().take(24).collect();
    let id = format!("{date}-{}", words.trim_end_matches('-'));
    match id.trim_matches('-') {
        // A title of no letter or digit, with no date: a name still.
        "" => "article".to_owned(),
        id => id.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::PersonKind;

    #[test]
    fn an_id_start_another_article_uses_is_numbered() {
        let id = "classroom-ai-report-for-week-number-two";
        assert_eq!(
            free_prefix(id, &HashSet::new()),
            "classroom-ai-report-for-week-n"
        );
        let taken: HashSet<String> = ["classroom-ai-report-for-week-n-p3-1".to_owned()].into();
        assert_eq!(free_prefix(id, &taken), "classroom-ai-report-for-we-2");
        // A question's id ("said-" and the excerpt's) counts too.
        let taken: HashSet<String> = ["said-classroom-ai-report-for-week-n-p3-1".to_owned()].into();
        assert_eq!(free_prefix(id, &taken), "classroom-ai-report-for-we-2");
    }

    #[test]
    fn a_person_id_another_article_gives_someone_else_is_numbered() {
        let person = |id: &str, name: &str| Person {
            id: id.into(),
            kind: PersonKind::Person,
            name: name.into(),
            name_en: None,
            role: String::new(),
            org: String::new(),
        };
        let mut people = vec![person("li-yanhong", "李燕红"), person("zhao-ming", "赵明")];
        let taken: HashMap<String, String> = [
            ("li-yanhong".to_owned(), "李彦宏".to_owned()),
            ("li-yanhong-2".to_owned(), "李艳红".to_owned()),
            ("zhao-ming".to_owned(), "赵明".to_owned()),
        ]
        .into();
        free_person_ids(&mut people, &taken);
        // The same name keeps the id (one person); another name takes the first free number.
        assert_eq!(people[0].id, "li-yanhong-3");
        assert_eq!(people[1].id, "zhao-ming");
    }
}
