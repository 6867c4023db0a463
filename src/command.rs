//! Parsing what a user typed into a command: `/name`, `/name@bot`, and the words after it.
//! Telegram sends commands as plain message text; this is the one place that reads it.

/// Commands the bot always has. Topic commands come from the corpus and may not reuse these.
pub const BUILTIN_COMMANDS: &[&str] = &[
    "start", "help", "search", "quote", "who", "source", "debate", "quiz", "next", "stop", "top",
    "report", "forgetme", "settings",
];

/// Telegram's rule for command names: 1-32 characters of a-z, 0-9 and _.
pub fn is_valid_command_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// A command as typed: `/Name@SomeBot  args...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// The name, lower-cased (Telegram clients may send `/Closed`).
    pub name: String,
    /// The bot named after `@`, if any.
    pub mention: Option<&'a str>,
    /// Everything after the name, trimmed.
    pub args: &'a str,
}

impl Command<'_> {
    /// Whether this command is meant for the bot called `username`: it names no bot, or names
    /// this one (usernames compare case-insensitively, as Telegram treats them).
    pub fn is_for(&self, username: Option<&str>) -> bool {
        match (self.mention, username) {
            (None, _) => true,
            (Some(mention), Some(me)) => mention.eq_ignore_ascii_case(me),
            (Some(_), None) => false,
        }
    }
}

/// Parses a message text as a command, or `None` if it is not one (no leading `/`, or a lone
/// `/`). The name may hold any characters; an unknown name is the caller's business.
pub fn parse(text: &str) -> Option<Command<'_>> {
    let rest = text.strip_prefix('/')?;
    let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let (head, args) = rest.split_at(end);
    let (name, mention) = match head.split_once('@') {
        Some((name, mention)) => (name, Some(mention)),
        None => (head, None),
    };
    if name.is_empty() {
        return None;
    }
    Some(Command {
        name: name.to_lowercase(),
        mention,
        args: args.trim(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_command() {
        let c = parse("/closed").unwrap();
        assert_eq!((c.name.as_str(), c.mention, c.args), ("closed", None, ""));
    }

    #[test]
    fn command_with_mention_and_args() {
        let c = parse("/who@Debate_Bot   李彦宏 \n").unwrap();
        assert_eq!(c.name, "who");
        assert_eq!(c.mention, Some("Debate_Bot"));
        assert_eq!(c.args, "李彦宏");
        assert!(c.is_for(Some("debate_bot")));
        assert!(!c.is_for(Some("other_bot")));
        assert!(!c.is_for(None));
    }

    #[test]
    fn upper_case_names_are_folded() {
        assert_eq!(parse("/CLOSED").unwrap().name, "closed");
    }

    #[test]
    fn not_commands() {
        assert_eq!(parse("closed"), None);
        assert_eq!(parse("/"), None);
        assert_eq!(parse("/@bot"), None);
        assert_eq!(parse(" /closed"), None);
        assert_eq!(parse(""), None);
    }

    #[test]
    fn odd_unicode_does_not_panic() {
        let c = parse("/闭源\u{200f}@бот аргумент").unwrap();
        assert_eq!(c.name, "闭源\u{200f}");
        assert_eq!(c.mention, Some("бот"));
        assert!(!is_valid_command_name(&c.name));
    }

    #[test]
    fn command_name_rule() {
        assert!(is_valid_command_name("closed"));
        assert!(is_valid_command_name("a_1"));
        assert!(is_valid_command_name(&"a".repeat(32)));
        assert!(!is_valid_command_name(&"a".repeat(33)));
        assert!(!is_valid_command_name(""));
        assert!(!is_valid_command_name("Closed"));
        assert!(!is_valid_command_name("close-d"));
    }
}
