//! The bot's own sentences, in Chinese and English, loaded from `responses/ui.<lang>.toml`.
//!
//! Each file must hold exactly the keys of [`UiText`] (a missing or unknown key is a load
//! problem naming the file), and a key's `{placeholders}` must be the same in every language.
//!
//! A word that follows a count takes its plural form from the template itself:
//! `{count} {count|player|players}` reads "1 player", "2 players" (the first form when the value
//! is 1, the second otherwise). A language without plurals simply does not use the form.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use crate::data::{Problem, read_toml};

/// A language the bot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// The code used in file names and Telegram's `language_code`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    /// The language for a Telegram `language_code` such as "en", "en-GB" or "zh-hans".
    pub fn from_code(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }
}

macro_rules! ui_text {
    ($($(#[$doc:meta])* $key:ident),* $(,)?) => {
        /// Every sentence the bot says, in one language. Field names are the keys of the file.
        #[derive(Debug, Clone)]
        pub struct UiText {
            $($(#[$doc])* pub $key: String,)*
        }

        /// Read as a table of strings, then taken key by key by a function that is not
        /// generic ([`take_keys`]): a missing or unknown key is an error, as with
        /// `#[serde(deny_unknown_fields)]`. (Derived, the visitor of a struct of ~200 fields
        /// was 7 % of the crate's LLVM IR, and so of its release build time.)
        impl<'de> Deserialize<'de> for UiText {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                const KEYS: &[&str] = &[$(stringify!($key)),*];
                let table = std::collections::BTreeMap::<String, String>::deserialize(d)?;
                let mut values = take_keys(table, KEYS)
                    .map_err(<D::Error as serde::de::Error>::custom)?
                    .into_iter();
                Ok(UiText { $($key: values.next().unwrap_or_default(),)* })
            }
        }

        impl UiText {
            /// Every key with its template, for checks across languages.
            pub fn entries(&self) -> Vec<(&'static str, &str)> {
                vec![$((stringify!($key), self.$key.as_str()),)*]
            }
        }
    };
}

/// The values of `keys` in `table`, in that order; an error names a key that is missing or
/// one that is not among `keys`.
fn take_keys(
    mut table: std::collections::BTreeMap<String, String>,
    keys: &[&str],
) -> Result<Vec<String>, String> {
    let mut values = Vec::with_capacity(keys.len());
    for key in keys {
        match table.remove(*key) {
            Some(value) => values.push(value),
            None => return Err(format!("missing field `{key}`")),
        }
    }
    match table.keys().next() {
        Some(unknown) => Err(format!("unknown field `{unknown}`")),
        None => Ok(values),
    }
}

ui_text! {
    /// /start: greeting; {title} is the article's title.
    start,
    /// /start: what to try first.
    start_try,
    /// /start in a private chat: the label of Telegram's "add to a group" link.
    button_add_to_group,
    /// The greeting posted when the bot is added to a group (after `start`): what to type
    /// first; how to reach it among other bots ({bot} is its username); a warning when the
    /// group does not let it send polls.
    intro_first,
    intro_privacy,
    intro_no_polls,
    /// `/start quiz` in a group (the "add to a group" link): the teacher's guide.
    guide_title,
    guide_quiz,
    guide_run,
    guide_results,
    guide_debate,
    guide_settings,
    /// Menu and /help descriptions of the built-in commands.
    cmd_start,
    cmd_help,
    cmd_quote,
    cmd_who,
    cmd_source,
    cmd_search,
    cmd_debate,
    cmd_quiz,
    cmd_next,
    cmd_stop,
    cmd_top,
    cmd_report,
    cmd_assign,
    cmd_forgetme,
    cmd_settings,
    /// /help: headings and footer.
    help_commands,
    help_topics,
    help_footer,
    /// An excerpt's attribution. {name}, {role}, {speech}.
    speaker_line,
    speaker_line_no_role,
    /// The attribution of someone the article describes but does not name, whose {role} is
    /// how the article describes them: {name} (already marked as not named), {role}, {speech}.
    speaker_line_unnamed,
    speech_direct,
    speech_reported,
    voice_article,
    /// The article's own words with words of others in quotation marks in them.
    voice_article_quoting,
    voice_unattributed,
    /// Words the article leaves open between {name}'s account and its own.
    voice_open,
    /// A person's role at an organisation: {role}, {org}.
    person_role,
    /// A role the article does not state, known from elsewhere: {role}.
    role_outside,
    /// Someone the article quotes without naming: {name}.
    name_unnamed,
    /// An English name with the original: {en}, {original}.
    name_both,
    /// The citation under an excerpt: {outlet}, {date}, {reporter}, {paragraph}.
    citation,
    /// Under the quote for readers of another language: {text}.
    translation,
    /// A topic reply's header: {title}, {position}, {count}.
    topic_header,
    quote_header,
    button_next,
    button_another,
    button_stale,
    /// /who without a name.
    who_title,
    who_entry_quoted,
    who_entry_mentioned,
    who_entry_silent,
    who_hint,
    /// /who NAME; who_excerpt_line has {speech} and {citation}.
    who_person_count,
    who_excerpt_line,
    who_mentioned_only,
    who_not_found,
    /// /source.
    source_outlet,
    source_published,
    source_byline,
    source_counts,
    source_footer,
    /// /search: usage, no result ({query}), a cut query ({limit}), a page's header ({query},
    /// {from}, {to}, {count}), paging buttons.
    search_usage,
    search_none,
    search_cut,
    search_try_topics,
    search_header,
    button_more,
    button_back,
    /// Inline results' titles: {speaker}, {topic}; who speaks when no person does.
    inline_title,
    inline_article,
    inline_unattributed,
    /// An inline result's speaker for words left open: {name}.
    inline_open,
    /// A sentence of the article that is no excerpt: the line under it, and its inline
    /// result's title; both have {paragraph}.
    sentence_line,
    inline_sentence,
    /// Anything else.
    unknown_command,
    console_banner,
    /// Quizzes: questions, explanations, refusals, results, leaderboard, the console's quiz.
    quiz_who_question,
    /// Reported speech asks whose view it is; a publication's report, who reported it.
    quiz_view_question,
    quiz_report_question,
    /// A direct quote in a question: {text}.
    quiz_quote_marks,
    /// A quote for a reader of another language: {translation}, then {original} under it.
    quiz_quote_translated,
    quiz_who_explanation,
    quiz_who_explanation_translated,
    /// A poll's description when its question had to cut the quote: the {quote} whole, and
    /// its {citation} (never who said it: that is the question).
    quiz_whole_quote,
    quiz_fact_explanation,
    quiz_bad_count,
    /// /quiz N Ns: seconds out of range ({min}, {max}); words it cannot read ({max}, {min_seconds},
    /// {max_seconds}).
    quiz_bad_seconds,
    quiz_usage,
    /// A group whose settings let only admins start quizzes and debates.
    quiz_only_admins_start,
    debate_only_admins_start,
    quiz_already_running,
    quiz_someone,
    quiz_intro,
    /// Under the intro of a quiz scored by points.
    quiz_intro_points,
    quiz_poll_failed,
    quiz_none_running,
    quiz_only_starter_next,
    quiz_only_starter_stop,
    quiz_only_starter_report,
    quiz_stopped,
    quiz_no_report,
    quiz_report_caption,
    /// /report all: the refusal, and the caption of the file ({count}: its rows).
    report_all_only_admins,
    report_all_caption,
    quiz_forgotten,
    quiz_forget_shared,
    quiz_results_title,
    quiz_results_nobody,
    quiz_seconds,
    quiz_results_everyone,
    quiz_results_line,
    /// Points on the podium ({points}) and everyone's line when a quiz scores by points.
    quiz_points,
    quiz_results_line_points,
    quiz_results_questions,
    quiz_results_question,
    quiz_results_hardest,
    top_empty,
    top_title,
    top_line,
    top_title_points,
    top_line_points,
    top_you,
    top_you_none,
    /// /top with arguments it does not know.
    top_usage,
    /// /top after a `/top reset` ({date} and {zone}: when the period began, in the bot's time
    /// zone), and /top week, /top month.
    top_title_since,
    top_title_since_points,
    top_title_week,
    top_title_week_points,
    top_title_month,
    top_title_month_points,
    /// Under /top week or /top month when the chat's period began within it ({date}, {zone}).
    top_period_from,
    top_empty_week,
    top_empty_month,
    top_empty_since,
    /// /top reset: the refusal, the question, its button, and what the question becomes once
    /// confirmed ({date}, {zone}).
    top_reset_only_admins,
    top_reset_ask,
    button_top_reset,
    top_reset_done,
    console_quiz_prompt,
    console_quiz_right,
    console_quiz_wrong,
    slow_down,
    store_error,
    /// A bug (a caught panic) kept the bot from answering.
    internal_error,
    /// A /quiz or /debate that reached the bot too late to start anything.
    stale_start,
    /// /debate: motions, sides, camps, sources, buttons.
    debate_none,
    debate_list_title,
    debate_list_line,
    debate_usage,
    debate_usage_count,
    debate_title,
    debate_for,
    debate_against,
    debate_camps,
    debate_camp_separator,
    /// A side no one quoted argues (only the article's own words are on it).
    debate_camp_nobody,
    /// Where the article's own narration leans, when the motion's data says it does.
    debate_narration_for,
    debate_narration_against,
    debate_sources_title,
    debate_side_for,
    debate_side_against,
    /// /debate's polls (before and after reading, which quotes convinced), a quote's short
    /// label, one debate per chat, moving on, the result.
    debate_vote_before,
    debate_vote_after,
    debate_convinced_question,
    debate_quote_label,
    /// Whose words a quote in the article's own voice is, in its label.
    debate_quote_article,
    debate_vote_undecided,
    debate_already_open,
    debate_none_open,
    debate_only_starter_close,
    debate_poll_failed,
    debate_result_title,
    debate_round_before,
    debate_round_after,
    debate_result_round,
    debate_result_round_none,
    debate_result_share,
    debate_result_share_separator,
    debate_result_swing,
    debate_result_no_swing,
    debate_result_wins_for,
    debate_result_wins_against,
    debate_result_swing_tied,
    debate_result_changed,
    debate_result_move,
    debate_result_move_separator,
    debate_result_unchanged,
    debate_result_convinced,
    debate_result_convinced_line,
    debate_result_convinced_none,
    console_debate_prompt,
    console_convinced_prompt,
    console_debate_voted,
    button_more_for,
    button_more_against,
    button_sources,
    button_back_to_debate,
    /// /settings: the title, one line per setting ({value}), what each value reads as, the
    /// note under them, refusals, buttons, and the heading of the settings at /help's foot.
    settings_title,
    settings_language,
    settings_seconds,
    settings_questions,
    settings_starters,
    settings_scoring,
    settings_minutes,
    settings_pictures,
    settings_language_zh,
    settings_language_en,
    settings_language_own,
    settings_seconds_value,
    settings_questions_value,
    settings_minutes_value,
    settings_minutes_day,
    settings_starters_everyone,
    settings_starters_admins,
    settings_scoring_right,
    settings_scoring_points,
    settings_pictures_on,
    settings_pictures_off,
    settings_note,
    settings_only_admins,
    settings_press_only_admins,
    settings_chosen,
    /// With more than one article loaded: which the chat works with (/settings), and
    /// /source's list of them.
    settings_article,
    settings_article_all,
    settings_article_value,
    source_list_title,
    source_list_line,
    source_scope_all,
    source_scope_one,
    help_settings,
    /// Homework (/assign): refusals and usage, the card in the group, the attempt in a
    /// private chat, the student's result, the summary at the deadline, the teacher's report.
    hw_only_groups,
    hw_usage,
    hw_bad_deadline,
    hw_no_link,
    hw_only_admins,
    hw_card_title,
    hw_card_pace,
    hw_card_due,
    hw_card_finished,
    hw_card_how,
    hw_card_closed,
    hw_button_take,
    hw_in_minutes,
    hw_in_hours,
    hw_in_days,
    hw_list_title,
    hw_list_line,
    hw_list_none,
    hw_close_which,
    hw_close_unknown,
    hw_only_teacher_close,
    hw_link_invalid,
    hw_not_member,
    hw_member_unknown,
    hw_intro,
    hw_button_start,
    hw_closed,
    hw_your_result,
    hw_in_progress,
    hw_busy,
    hw_started,
    hw_result_title,
    hw_result_points,
    hw_result_right,
    hw_result_wrong,
    hw_result_unanswered,
    hw_result_paragraphs,
    hw_result_foot,
    hw_result_late,
    hw_summary_title,
    hw_summary_nobody,
    hw_summary_average,
    hw_summary_average_points,
    hw_summary_top,
    hw_summary_hardest,
    hw_summary_report_sent,
    hw_summary_report_start,
    hw_button_report,
    hw_report_caption,
    hw_report_not_yours,
    hw_report_none,
    /// The results as a picture: its title for a quiz and for homework, the date and the
    /// players, the questions' heading, the hardest question's mark, those who do not fit.
    pic_quiz_title,
    pic_homework_title,
    pic_subtitle,
    pic_questions,
    pic_hardest,
    pic_votes,
    pic_swing,
    pic_more,
}

/// Replaces each `{key}` in `template` with its value, and each `{key|one|other}` with `one`
/// when the value of `key` is "1" and `other` otherwise. Values are text, not markup: escaping
/// happens when the message is rendered.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let inside = &after[..end];
                let mut parts = inside.split('|');
                let key = parts.next().unwrap_or_default();
                let forms: Vec<&str> = parts.collect();
                match (args.iter().find(|(k, _)| *k == key), forms.as_slice()) {
                    (Some((_, value)), []) => out.push_str(value),
                    (Some((_, value)), [one, other]) => {
                        out.push_str(if value.trim() == "1" { one } else { other })
                    }
                    _ => out.push_str(&rest[start..start + end + 2]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{placeholders}` a template uses (a plural form `{count|one|other}` uses `count`).
pub fn placeholders(template: &str) -> BTreeSet<&str> {
    braces(template)
        .map(|inside| inside.split('|').next().unwrap_or_default())
        .collect()
}

/// What stands between each `{` and the next `}`.
fn braces(template: &str) -> impl Iterator<Item = &str> {
    let mut rest = template;
    std::iter::from_fn(move || {
        let start = rest.find('{')?;
        let after = &rest[start + 1..];
        let end = after.find('}')?;
        rest = &after[end + 1..];
        Some(&after[..end])
    })
}

/// What is wrong with the plural forms of a template: each must be `{key|one|other}`, both
/// forms non-empty.
fn plural_problems(template: &str) -> Vec<String> {
    braces(template)
        .filter(|inside| inside.contains('|'))
        .filter(|inside| {
            let parts: Vec<&str> = inside.split('|').collect();
            parts.len() != 3 || parts.iter().any(|p| p.trim().is_empty())
        })
        .map(|inside| {
            format!(
                "plural form {{{inside}}} must be {{key|one|other}}, e.g. {{count|player|players}}"
            )
        })
        .collect()
}

/// The sentences in every language.
#[derive(Debug, Clone)]
pub struct Ui {
    zh: UiText,
    en: UiText,
}

impl Ui {
    pub fn get(&self, lang: Lang) -> &UiText {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }

    /// Loads `ui.zh.toml` and `ui.en.toml` from `dir` and checks they agree.
    pub fn load(dir: &Path) -> Result<Ui, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut texts = Vec::new();
        for lang in Lang::ALL {
            let path = dir.join(format!("ui.{}.toml", lang.code()));
            match read_toml::<UiText>(&path) {
                Ok(text) => texts.push((path, text)),
                Err(p) => problems.push(p),
            }
        }
        if let [(_, first), rest @ ..] = texts.as_slice() {
            for (path, other) in rest {
                for ((key, a), (_, b)) in first.entries().into_iter().zip(other.entries()) {
                    if placeholders(a) != placeholders(b) {
                        problems.push(Problem::new(
                            path,
                            Some(key.to_string()),
                            format!(
                                "uses placeholders {:?} but ui.{}.toml uses {:?}",
                                placeholders(b),
                                Lang::Zh.code(),
                                placeholders(a)
                            ),
                        ));
                    }
                }
            }
        }
        for (path, text) in &texts {
            for (key, template) in text.entries() {
                if template.trim().is_empty() {
                    problems.push(Problem::new(path, Some(key.to_string()), "is empty"));
                }
                for message in plural_problems(template) {
                    problems.push(Problem::new(path, Some(key.to_string()), message));
                }
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let mut texts = texts.into_iter().map(|(_, t)| t);
        match (texts.next(), texts.next()) {
            (Some(zh), Some(en)) => Ok(Ui { zh, en }),
            _ => unreachable!("both files loaded when there are no problems"),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_ui_file_with_a_key_missing_or_unknown_is_refused_by_name() {
        let good = [("a", "1"), ("b", "2")];
        let table = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        assert_eq!(
            take_keys(table(&good), &["b", "a"]),
            Ok(vec!["2".into(), "1".into()])
        );
        assert_eq!(
            take_keys(table(&good[..1]), &["a", "b"]),
            Err("missing field `b`".into())
        );
        assert_eq!(
            take_keys(table(&[("a", "1"), ("b", "2"), ("c", "3")]), &["a", "b"]),
            Err("unknown field `c`".into())
        );
        let text = "start = \"x\"\n";
        let error = toml::from_str::<UiText>(text).unwrap_err().to_string();
        assert!(error.contains("missing field `start_try`"), "{error}");
    }

    use super::*;

    #[test]
    fn language_codes() {
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_code("zh-hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("ZH"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("ru"), None);
        assert_eq!(Lang::from_code(""), None);
    }

    #[test]
    fn fill_replaces_known_keys_and_keeps_the_rest() {
        assert_eq!(
            fill("{a} and {b}", &[("a", "1"), ("b", "<2>")]),
            "1 and <2>"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
        assert_eq!(fill("¶{n}", &[("n", "5")]), "¶5");
    }

    #[test]
    fn plural_forms_follow_the_count() {
        let template = "{count} {count|player|players}, {n} {n|question|questions}";
        assert_eq!(
            fill(template, &[("count", "1"), ("n", "2")]),
            "1 player, 2 questions"
        );
        assert_eq!(
            fill(template, &[("count", "0"), ("n", "1")]),
            "0 players, 1 question"
        );
        assert_eq!(
            fill(template, &[("count", "11"), ("n", "21")]),
            "11 players, 21 questions"
        );
        // Unknown keys and malformed forms stay as written.
        assert_eq!(
            fill("{x|a|b} {count|a}", &[("count", "1")]),
            "{x|a|b} {count|a}"
        );
        assert_eq!(
            placeholders(template).into_iter().collect::<Vec<_>>(),
            ["count", "n"]
        );
        assert!(plural_problems(template).is_empty());
        assert_eq!(plural_problems("{count|player}").len(), 1);
        assert_eq!(plural_problems("{count|player|}").len(), 1);
        assert_eq!(plural_problems("{count|a|b|c}").len(), 1);
    }

    /// Every English sentence with a count reads right for 1 and for more: "1 player",
    /// "2 players", never "1 players".
    #[test]
    fn english_counts_read_right_for_one_and_many() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        let ui = Ui::load(&dir).unwrap_or_else(|p| panic!("{p:#?}"));
        let nouns = [
            "player", "question", "message", "excerpt", "record", "vote", "answer", "minute",
        ];
        for (key, template) in ui.get(Lang::En).entries() {
            let names: Vec<&str> = placeholders(template).into_iter().collect();
            for one in [true, false] {
                let args: Vec<(&str, &str)> = names
                    .iter()
                    .map(|&n| (n, if one { "1" } else { "2" }))
                    .collect();
                let text = fill(template, &args);
                // "1 players" or "2 player" as a whole word.
                let has_word = |word: &str| {
                    text.match_indices(word).any(|(at, _)| {
                        !text[at + word.len()..]
                            .chars()
                            .next()
                            .is_some_and(char::is_alphabetic)
                    })
                };
                for noun in nouns {
                    let wrong = if one {
                        format!("1 {noun}s")
                    } else {
                        format!("2 {noun}")
                    };
                    assert!(!has_word(&wrong), "{key}: {text}");
                }
            }
        }
        // For example, the results' title takes a form for each of its two counts.
        let en = ui.get(Lang::En);
        let one = fill(&en.quiz_results_title, &[("count", "1"), ("people", "1")]);
        assert!(
            one.contains("1 question") && one.contains("1 player"),
            "{one}"
        );
        let many = fill(&en.quiz_results_title, &[("count", "5"), ("people", "2")]);
        assert!(
            many.contains("5 questions") && many.contains("2 players"),
            "{many}"
        );
    }

    #[test]
    fn a_malformed_plural_form_names_the_file_and_key() {
        let dir = std::env::temp_dir().join(format!("ui-plural-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        std::fs::copy(shipped.join("ui.zh.toml"), dir.join("ui.zh.toml")).unwrap();
        let en = std::fs::read_to_string(shipped.join("ui.en.toml")).unwrap();
        assert!(en.contains("{people|player|players}"));
        let en = en.replace("{people|player|players}", "{people|players}");
        std::fs::write(dir.join("ui.en.toml"), en).unwrap();
        let problems = Ui::load(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        let message = problems[0].to_string();
        assert!(message.contains("ui.en.toml"), "{message}");
        assert!(message.contains("quiz_results_title"), "{message}");
        assert!(message.contains("{people|players}"), "{message}");
    }

    #[test]
    fn placeholders_are_found() {
        let p = placeholders("{name},{role} · {speech}");
        assert_eq!(
            p.into_iter().collect::<Vec<_>>(),
            ["name", "role", "speech"]
        );
    }

    /// The shipped files: both languages load, with the same keys and the same placeholders.
    #[test]
    fn shipped_ui_files_agree() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        let ui = Ui::load(&dir).unwrap_or_else(|p| panic!("{p:#?}"));
        let zh = ui.get(Lang::Zh).entries();
        let en = ui.get(Lang::En).entries();
        assert_eq!(zh.len(), en.len());
        for ((key, a), (_, b)) in zh.into_iter().zip(en) {
            assert_eq!(placeholders(a), placeholders(b), "key {key}");
        }
    }

    #[test]
    fn a_missing_key_names_the_file_and_key() {
        let dir = std::env::temp_dir().join(format!("ui-missing-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../responses");
        std::fs::copy(shipped.join("ui.zh.toml"), dir.join("ui.zh.toml")).unwrap();
        let en = std::fs::read_to_string(shipped.join("ui.en.toml")).unwrap();
        let without: String = en
            .lines()
            .filter(|l| !l.starts_with("who_hint"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(dir.join("ui.en.toml"), without).unwrap();
        let problems = Ui::load(&dir).unwrap_err();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(problems.len(), 1);
        let message = problems[0].to_string();
        assert!(message.contains("ui.en.toml"), "{message}");
        assert!(message.contains("who_hint"), "{message}");
    }
}
