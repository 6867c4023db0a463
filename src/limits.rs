//! Telegram's flood limits, kept by design rather than discovered through 429s.
//!
//! Each chat has a budget of replies: `[limits] replies_per_chat_per_minute` in a group (20 by
//! default, Telegram's limit), about one a second in a private chat. A command beyond its chat's
//! budget is dropped, not queued for minutes: the first drop in a minute gets one short "slow
//! down" notice, later ones nothing. A quiz's polls and results are never dropped; they use the
//! budget when there is some, so commands wait their turn behind them. Budgets are per chat, so
//! a chatty group never delays another chat. (The overall pace of about 30 messages a second
//! (`messages_per_second`) is kept where messages are sent, in the Telegram adapter.)

use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::ChatKind;

/// What to do with a command's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the budget: answer.
    Send,
    /// Over the budget, first time this minute: send the slow-down notice instead.
    SlowDown,
    /// Over the budget: say nothing.
    Drop,
}

/// `[limits]` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// Replies a minute to one group.
    pub replies_per_chat_per_minute: u32,
    /// Replies a second to one private chat (a burst of three is allowed).
    pub private_replies_per_second: u32,
    /// Messages a second to all chats together (Telegram's overall limit, about 30).
    pub messages_per_second: u32,
    /// A `/quiz` or `/debate` that waited longer than this before the bot saw it (the bot was
    /// down) starts nothing: the class has likely gone home.
    pub stale_minutes: u32,
}

impl Default for LimitSettings {
    fn default() -> Self {
        LimitSettings {
            replies_per_chat_per_minute: 20,
            private_replies_per_second: 1,
            messages_per_second: 30,
            stale_minutes: 10,
        }
    }
}

/// The per-chat budgets.
#[derive(Debug)]
pub struct Limits {
    settings: LimitSettings,
    groups: DefaultKeyedRateLimiter<i64>,
    private: DefaultKeyedRateLimiter<i64>,
    notices: DefaultKeyedRateLimiter<i64>,
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl Limits {
    pub fn new(settings: LimitSettings) -> Self {
        let per_minute = at_least_one(settings.replies_per_chat_per_minute);
        let per_second = at_least_one(settings.private_replies_per_second);
        Limits {
            settings,
            groups: RateLimiter::keyed(Quota::per_minute(per_minute)),
            private: RateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(at_least_one(3 * per_second.get())),
            ),
            notices: RateLimiter::keyed(Quota::per_minute(at_least_one(1))),
        }
    }

    pub fn settings(&self) -> LimitSettings {
        self.settings
    }

    fn budget(&self, kind: ChatKind) -> &DefaultKeyedRateLimiter<i64> {
        match kind {
            ChatKind::Group => &self.groups,
            ChatKind::Private => &self.private,
        }
    }

    /// Takes one reply from the chat's budget for a command.
    pub fn command(&self, chat: i64, kind: ChatKind) -> Verdict {
        if self.budget(kind).check_key(&chat).is_ok() {
            Verdict::Send
        } else if self.notices.check_key(&chat).is_ok() {
            Verdict::SlowDown
        } else {
            Verdict::Drop
        }
    }

    /// Takes one reply from the budget for a quiz message, which goes out whatever is left.
    pub fn priority(&self, chat: i64, kind: ChatKind) {
        let _ = self.budget(kind).check_key(&chat);
    }

    /// Forgets chats whose budgets are full again, so memory stays bounded.
    pub fn tidy(&self) {
        self.groups.retain_recent();
        self.private.retain_recent();
        self.notices.retain_recent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_gets_its_budget_then_one_notice_then_silence() {
        let limits = Limits::new(LimitSettings::default());
        let verdicts: Vec<Verdict> = (0..25)
            .map(|_| limits.command(-100, ChatKind::Group))
            .collect();
        assert!(verdicts[..20].iter().all(|v| *v == Verdict::Send));
        assert_eq!(verdicts[20], Verdict::SlowDown);
        assert!(verdicts[21..].iter().all(|v| *v == Verdict::Drop));
    }

    #[test]
    fn chats_have_budgets_of_their_own() {
        let limits = Limits::new(LimitSettings::default());
        for _ in 0..30 {
            limits.command(-1, ChatKind::Group);
        }
        assert_eq!(limits.command(-2, ChatKind::Group), Verdict::Send);
        assert_eq!(limits.command(7, ChatKind::Private), Verdict::Send);
    }

    #[test]
    fn private_chats_allow_a_short_burst_then_about_one_a_second() {
        let limits = Limits::new(LimitSettings::default());
        let sent = (0..10)
            .filter(|_| limits.command(5, ChatKind::Private) == Verdict::Send)
            .count();
        assert_eq!(sent, 3);
    }

    #[test]
    fn quiz_messages_use_the_budget_but_are_never_refused() {
        let limits = Limits::new(LimitSettings::default());
        for _ in 0..19 {
            limits.priority(-3, ChatKind::Group);
        }
        assert_eq!(limits.command(-3, ChatKind::Group), Verdict::Send);
        assert_eq!(limits.command(-3, ChatKind::Group), Verdict::SlowDown);
    }
}
