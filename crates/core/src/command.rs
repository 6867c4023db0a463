//! Parsing what a user typed into a command: `/name`, `/name@bot`, and the words after it, the
//! name read once into a [`Builtin`] or left as a name the corpus may know (a topic command).
//! Telegram sends commands as plain message text; this is the one place that reads it, and
//! [`builtins!`]'s table below is the one list of the built-in commands.

/// Which part of the bot answers a built-in command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The app: answers from the corpus, needing no storage.
    App,
    /// The quiz engine.
    Quiz,
    /// The debate engine.
    Debate,
    /// The chat's settings (`/settings`), for its admins (anyone, in a private chat).
    Settings,
    /// The sender's own records everywhere (`/forgetme`): the core, over the store.
    Forget,
    /// The homework engine: `/assign`, homework's deep links (`/start hw_...`), and `/report`
    /// (which chooses between the last quiz's report and the last homework's).
    Homework,
}

/// Writes the [`Builtin`] enum, its [`Builtin::ALL`], [`Builtin::name`], [`Builtin::part`] and
/// [`BUILTIN_COMMANDS`] from one table, so they cannot disagree.
macro_rules! builtins {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $part:ident;)+) => {
        /// A command the bot always has. Topic commands come from the corpus and may not reuse
        /// these names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Builtin {
            $($(#[$doc])* $variant,)+
        }

        impl Builtin {
            /// Every built-in command, in the order of the menu and /help.
            pub const ALL: &'static [Builtin] = &[$(Builtin::$variant,)+];

            /// The name typed after `/`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Builtin::$variant => $name,)+
                }
            }

            /// Which part of the bot answers it.
            pub fn route(self) -> Route {
                match self {
                    $(Builtin::$variant => Route::$part,)+
                }
            }
        }

        /// The names of the built-in commands, in the order of [`Builtin::ALL`].
        pub const BUILTIN_COMMANDS: &[&str] = &[$($name,)+];
    };
}

builtins! {
    /// The welcome; `/start quiz` in a group is the teacher's guide.
    Start = "start", App;
    Help = "help", App;
    Search = "search", App;
    Quote = "quote", App;
    Who = "who", App;
    Source = "source", App;
    Debate = "debate", Debate;
    Quiz = "quiz", Quiz;
    Next = "next", Quiz;
    Stop = "stop", Quiz;
    Top = "top", Quiz;
    Report = "report", Homework;
    /// Homework: a quiz each student takes alone, in private, by a deadline.
    Assign = "assign", Homework;
    /// Forget the sender's answers and scores.
    Forgetme = "forgetme", Forget;
    Settings = "settings", Settings;
}

/// The deep link's payload (`/start <payload>`, from `t.me/<bot>?start=<payload>`) of a
/// student's link to homework: `hw_<code>`.
pub const HOMEWORK_LINK: &str = "hw_";
/// The deep link's payload of a teacher's link to homework's report: `report_<code>`.
pub const HOMEWORK_REPORT_LINK: &str = "report_";

/// What follows `/debate`: the list of motions, closing the open vote, or a motion to put
/// (its number, or nothing for one at random; anything else gets the usage).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DebateArgs<'a> {
    List,
    Close,
    Motion(&'a str),
}

impl<'a> DebateArgs<'a> {
    pub fn read(args: &'a str) -> DebateArgs<'a> {
        let args = args.trim();
        if args.eq_ignore_ascii_case("list") {
            DebateArgs::List
        } else if args.eq_ignore_ascii_case("close") {
            DebateArgs::Close
        } else {
            DebateArgs::Motion(args)
        }
    }
}

/// What follows `/top`: the leaderboard over a period, or starting a new period (`reset`);
/// anything else gets the usage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopArgs {
    Period(TopPeriod),
    Reset,
    Unknown,
}

/// Which answers a leaderboard adds up: all of them (since the chat's last `/top reset`), or
/// those of the last 7 or 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopPeriod {
    AllTime,
    Week,
    Month,
}

impl TopArgs {
    pub fn read(args: &str) -> TopArgs {
        let args = args.trim();
        let is = |word: &str| args.eq_ignore_ascii_case(word);
        if args.is_empty() {
            TopArgs::Period(TopPeriod::AllTime)
        } else if is("week") {
            TopArgs::Period(TopPeriod::Week)
        } else if is("month") {
            TopArgs::Period(TopPeriod::Month)
        } else if is("reset") {
            TopArgs::Reset
        } else {
            TopArgs::Unknown
        }
    }
}

/// What follows `/report`: `all` (the chat's every quiz and homework attempt), or anything
/// else (the last quiz).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportArgs {
    Last,
    All,
}

impl ReportArgs {
    pub fn read(args: &str) -> ReportArgs {
        if args.trim().eq_ignore_ascii_case("all") {
            ReportArgs::All
        } else {
            ReportArgs::Last
        }
    }
}

impl Builtin {
    /// Whether `/command args` would start a quiz or a debate: what a chat may keep to its
    /// admins, and what a long wait while the bot was down cancels.
    pub fn starts(self, args: &str) -> bool {
        match self {
            Builtin::Quiz => true,
            Builtin::Debate => matches!(DebateArgs::read(args), DebateArgs::Motion(_)),
            Builtin::Assign => {
                let first = args.split_whitespace().next().unwrap_or_default();
                !first.eq_ignore_ascii_case("list") && !first.eq_ignore_ascii_case("close")
            }
            _ => false,
        }
    }

    /// Which part of the bot answers `/command args`: the command's own (see
    /// [`Builtin::route`]), but a `/start` whose payload is one of homework's deep links
    /// (`hw_...`, `report_...`) is homework's.
    pub fn route_with(self, args: &str) -> Route {
        let payload = args.trim();
        match self {
            Builtin::Start
                if payload.starts_with(HOMEWORK_LINK)
                    || payload.starts_with(HOMEWORK_REPORT_LINK) =>
            {
                Route::Homework
            }
            _ => self.route(),
        }
    }

    /// The built-in command called `name` (lower-case), if any.
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| b.name() == name)
    }
}

/// Telegram's rule for command names: 1-32 characters of a-z, 0-9 and _.
pub fn is_valid_command_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// What a command's name is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CommandName {
    Builtin(Builtin),
    /// Any other name, lower-cased: a topic command if the corpus knows it, else unknown (or
    /// another bot's). It may hold any characters.
    Other(String),
}

/// A command as typed: `/Name@SomeBot  args...`, parsed once per message and passed down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command<'a> {
    /// The name (lower-cased: Telegram clients may send `/Closed`), read.
    pub kind: CommandName,
    /// The bot named after `@`, if any.
    pub mention: Option<&'a str>,
    /// Everything after the name, trimmed.
    pub args: &'a str,
}

impl Command<'_> {
    /// The name, lower-cased.
    pub fn name(&self) -> &str {
        match &self.kind {
            CommandName::Builtin(builtin) => builtin.name(),
            CommandName::Other(name) => name,
        }
    }

    /// The built-in command this is, if it is one.
    pub fn builtin(&self) -> Option<Builtin> {
        match self.kind {
            CommandName::Builtin(builtin) => Some(builtin),
            CommandName::Other(_) => None,
        }
    }

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
    let name = name.to_lowercase();
    let kind = match Builtin::from_name(&name) {
        Some(builtin) => CommandName::Builtin(builtin),
        None => CommandName::Other(name),
    };
    Some(Command {
        kind,
        mention,
        args: args.trim(),
    })
}

#[cfg(test)]
mod tests {

    /// `/debate` reads its arguments one way everywhere: what starts a debate (a motion, a
    /// number, nothing) and what does not (`list`, `close`, any case, any spaces).
    #[test]
    fn debate_arguments_and_what_starts_something() {
        assert_eq!(DebateArgs::read(" List "), DebateArgs::List);
        assert_eq!(DebateArgs::read("CLOSE"), DebateArgs::Close);
        assert_eq!(DebateArgs::read(" 2 "), DebateArgs::Motion("2"));
        assert_eq!(DebateArgs::read(""), DebateArgs::Motion(""));
        assert!(Builtin::Debate.starts("2"));
        assert!(Builtin::Debate.starts(""));
        assert!(!Builtin::Debate.starts("close"));
        assert!(!Builtin::Debate.starts("list"));
        assert!(Builtin::Quiz.starts("10 20s"));
        assert!(!Builtin::Top.starts(""));
    }

    /// `/top` and `/report` read their arguments one way: any case, any spaces.
    #[test]
    fn top_and_report_arguments() {
        assert_eq!(TopArgs::read(""), TopArgs::Period(TopPeriod::AllTime));
        assert_eq!(TopArgs::read(" Week "), TopArgs::Period(TopPeriod::Week));
        assert_eq!(TopArgs::read("MONTH"), TopArgs::Period(TopPeriod::Month));
        assert_eq!(TopArgs::read("reset"), TopArgs::Reset);
        for other in ["weeks", "7", "week month", "all", "reset now"] {
            assert_eq!(TopArgs::read(other), TopArgs::Unknown, "{other}");
        }
        assert_eq!(ReportArgs::read(" ALL "), ReportArgs::All);
        assert_eq!(ReportArgs::read(""), ReportArgs::Last);
        assert_eq!(ReportArgs::read("everything"), ReportArgs::Last);
    }
    use super::*;

    #[test]
    fn plain_command() {
        let c = parse("/closed").unwrap();
        assert_eq!((c.name(), c.mention, c.args), ("closed", None, ""));
        assert_eq!(c.kind, CommandName::Other("closed".into()));
        assert_eq!(c.builtin(), None);
    }

    #[test]
    fn command_with_mention_and_args() {
        let c = parse("/who@Debate_Bot   李彦宏 \n").unwrap();
        assert_eq!(c.name(), "who");
        assert_eq!(c.kind, CommandName::Builtin(Builtin::Who));
        assert_eq!(c.mention, Some("Debate_Bot"));
        assert_eq!(c.args, "李彦宏");
        assert!(c.is_for(Some("debate_bot")));
        assert!(!c.is_for(Some("other_bot")));
        assert!(!c.is_for(None));
    }

    #[test]
    fn upper_case_names_are_folded() {
        assert_eq!(parse("/CLOSED").unwrap().name(), "closed");
        assert_eq!(parse("/Stop").unwrap().builtin(), Some(Builtin::Stop));
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
        assert_eq!(c.name(), "闭源\u{200f}");
        assert_eq!(c.mention, Some("бот"));
        assert!(!is_valid_command_name(c.name()));
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

    #[test]
    fn every_builtin_name_round_trips() {
        for &builtin in Builtin::ALL {
            assert_eq!(Builtin::from_name(builtin.name()), Some(builtin));
            let text = format!("/{}@bot x", builtin.name());
            let c = parse(&text).unwrap();
            assert_eq!(
                (c.builtin(), c.name(), c.args),
                (Some(builtin), builtin.name(), "x")
            );
        }
        let names: Vec<&str> = Builtin::ALL.iter().map(|b| b.name()).collect();
        assert_eq!(names, BUILTIN_COMMANDS);
    }

    #[test]
    fn builtin_names_are_valid_telegram_commands_without_duplicates() {
        let mut names = std::collections::HashSet::new();
        for name in BUILTIN_COMMANDS {
            assert!(is_valid_command_name(name), "/{name}");
            assert!(names.insert(name), "/{name} twice");
        }
        // Telegram's menu takes at most 100 commands; topics need room too.
        assert!(names.len() < 100);
    }

    #[test]
    fn the_parts_are_the_bots() {
        let part = |part| {
            let names = Builtin::ALL.iter().filter(|b| b.route() == part);
            names.map(|b| b.name()).collect::<Vec<_>>()
        };
        assert_eq!(
            part(Route::App),
            ["start", "help", "search", "quote", "who", "source"]
        );
        assert_eq!(part(Route::Quiz), ["quiz", "next", "stop", "top"]);
        assert_eq!(part(Route::Homework), ["report", "assign"]);
        assert_eq!(part(Route::Forget), ["forgetme"]);
        assert_eq!(part(Route::Debate), ["debate"]);
        assert_eq!(part(Route::Settings), ["settings"]);
    }

    #[test]
    fn homework_links_are_homeworks_and_any_other_start_the_apps() {
        assert_eq!(
            Builtin::Start.route_with("hw_AbC123xyz890"),
            Route::Homework
        );
        assert_eq!(
            Builtin::Start.route_with(" report_AbC123xyz890"),
            Route::Homework
        );
        for other in ["", "quiz", "hw", "xhw_1"] {
            assert_eq!(Builtin::Start.route_with(other), Route::App, "{other}");
        }
        assert_eq!(Builtin::Quiz.route_with("hw_1"), Route::Quiz);
        assert!(Builtin::Assign.starts("10 2d"));
        assert!(Builtin::Assign.starts(""));
        assert!(!Builtin::Assign.starts("list"));
        assert!(!Builtin::Assign.starts("Close 2"));
    }
}
