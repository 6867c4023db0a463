//! The speakers found, each once: ids made from their names (pinyin for Chinese names, so
//! that the same person gets the same id in every article), and their role and organisation
//! only as the article words them.

use pinyin::ToPinyin;

use crate::lexicon::{DOUBLE_SURNAMES, UNNAMED_NOUNS, is_han, without_opener};
use crate::{Person, PersonKind};

/// The speakers of one article.
#[derive(Debug, Default)]
pub struct People {
    pub list: Vec<Person>,
}

impl People {
    /// The index of the speaker named `name` (as the article writes it; an unnamed speaker by
    /// their role alone, any 一位/一名 left out), added if new; a role and organisation fill in
    /// what an earlier mention left empty.
    pub fn add(&mut self, kind: PersonKind, name: &str, role: &str, org: &str) -> usize {
        let name = match kind {
            PersonKind::Unnamed => without_opener(name),
            _ => name,
        };
        if let Some(i) = self.list.iter().position(|p| p.name == name) {
            let person = &mut self.list[i];
            if person.role.is_empty() && !role.is_empty() {
                person.role = role.to_owned();
            }
            if person.org.is_empty() && !org.is_empty() {
                person.org = org.to_owned();
            }
            return i;
        }
        let base = match kind {
            PersonKind::Unnamed => unnamed_id(name),
            _ => slug(name),
        };
        let base = if base.trim_matches('-').is_empty() || base == "unnamed-" {
            format!("speaker-{}", self.list.len() + 1)
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while self.list.iter().any(|p| p.id == id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        self.list.push(Person {
            id,
            kind,
            name: name.to_owned(),
            name_en: (kind == PersonKind::Person && name.chars().all(is_han))
                .then(|| english_name(name)),
            role: role.to_owned(),
            org: org.to_owned(),
        });
        self.list.len() - 1
    }
}

/// The id an unnamed speaker's name (their role alone) is made from: the English words of the
/// noun that describes them ("应用产品经理" → "product-manager"), or "unnamed-" and the pinyin.
pub fn unnamed_id(name: &str) -> String {
    UNNAMED_NOUNS
        .iter()
        .find(|(noun, _)| name.ends_with(noun))
        .map_or_else(
            || format!("unnamed-{}", slug(name)),
            |(_, en)| (*en).to_owned(),
        )
}

/// An id of a-z, 0-9 and '-' (at most 40 characters): pinyin for Chinese characters, the
/// family name apart ("李彦宏" → "li-yanhong"), letters and digits kept, the rest a '-'.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    let surname = if DOUBLE_SURNAMES.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    let all_han = chars.iter().all(|&c| is_han(c));
    for (i, c) in chars.iter().enumerate() {
        if let Some(p) = c.to_pinyin() {
            // A Chinese name: a '-' after the family name; anything else: between syllables.
            let apart = if all_han {
                i == surname
            } else {
                !out.ends_with('-')
            };
            if apart && !out.is_empty() {
                out.push('-');
            }
            // ü is written v in ids, as pinyin input methods type it ("lin-lvqiang").
            out.push_str(&p.plain().replace('ü', "v"));
        } else if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_owned();
    let mut cut: String = out.chars().take(40).collect();
    while cut.ends_with('-') {
        cut.pop();
    }
    cut
}

/// "李彦宏" → "Li Yanhong": the family name first, as Chinese names are written in English.
fn english_name(name: &str) -> String {
    let surname = if DOUBLE_SURNAMES.iter().any(|s| name.starts_with(s)) {
        2
    } else {
        1
    };
    let syllables: Vec<String> = name
        .chars()
        .map(|c| {
            c.to_pinyin()
                .map_or(c.to_string(), |p| p.plain().to_owned())
        })
        .collect();
    let capital = |s: String| {
        let mut chars = s.chars();
        chars
            .next()
            .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
    };
    let family = capital(syllables[..surname.min(syllables.len())].concat());
    let given = capital(syllables[surname.min(syllables.len())..].concat());
    if given.is_empty() {
        family
    } else {
        format!("{family} {given}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_pinyin_and_unique() {
        assert_eq!(slug("李彦宏"), "li-yanhong");
        assert_eq!(slug("欧阳娜娜"), "ouyang-nana");
        assert_eq!(slug("The Information"), "the-information");
        assert_eq!(english_name("林吕强"), "Lin Lüqiang");
        assert_eq!(slug("林吕强"), "lin-lvqiang");
        let mut people = People::default();
        let a = people.add(PersonKind::Person, "李彦宏", "", "");
        let b = people.add(PersonKind::Person, "李彦宏", "董事长", "百度");
        assert_eq!(a, b);
        assert_eq!(people.list[0].org, "百度");
        let c = people.add(PersonKind::Unnamed, "一位分析师", "", "");
        assert_eq!(people.list[c].id, "analyst");
        assert_eq!(people.list[c].name, "分析师");
        // The same unnamed speaker, with or without the opener.
        assert_eq!(people.add(PersonKind::Unnamed, "分析师", "长期观察", ""), c);
        assert_eq!(people.list[c].role, "长期观察");
        let d = people.add(PersonKind::Unnamed, "某位高管", "", "");
        assert_eq!(
            (people.list[d].id.as_str(), people.list[d].name.as_str()),
            ("executive", "高管")
        );
        assert_eq!(without_opener("一位"), "一位");
        assert_eq!(without_opener("一名 工程师"), "工程师");
    }
}
