//! Telegram's flood limits, kept by design rather than discovered through 429s.
//!
//! Each group gets at most `[limits] replies_per_chat_per_minute` messages (20, Telegram's
//! limit) in any 60-second window, counted as Telegram counts: a sliding window of what was
//! sent, not a token bucket (which lets a minute hold its burst and the refill). A private chat
//! gets about one a second (a burst of three). A command beyond its chat's budget is dropped,
//! not queued for minutes: the first drop in a minute gets one short "slow down" notice (the
//! window keeps a slot for it), later ones nothing. Quiz and debate messages are never dropped:
//! they count, wait for room when the minute is full, and commands yield to them. Edits count
//! too but never wait. Budgets are per chat, so a chatty group never delays another chat.
//! (The overall pace of about 30 messages a second (`messages_per_second`) is kept where
//! messages are sent, in the Telegram adapter.)

use std::collections::{HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::vocab::ChatKind;

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

/// How far back a group's budget looks: Telegram counts messages to a group in any minute.
const WINDOW: Duration = Duration::from_secs(60);

/// A group's messages in the last [`WINDOW`], oldest first, and how many quiz or debate
/// messages are waiting for room.
#[derive(Debug, Default)]
struct Window {
    sent: VecDeque<Instant>,
    waiting: usize,
}

impl Window {
    /// Forgets what left the window by `now`.
    fn slide(&mut self, now: Instant) {
        while self
            .sent
            .front()
            .is_some_and(|&at| now.duration_since(at) >= WINDOW)
        {
            self.sent.pop_front();
        }
    }
}

/// A quiz or debate message waiting for room in a group's window; no longer counted once
/// dropped, whether it got its slot or was cancelled.
struct Waiting<'a> {
    limits: &'a Limits,
    chat: i64,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Some(window) = self.limits.groups().get_mut(&self.chat) {
            window.waiting = window.waiting.saturating_sub(1);
        }
    }
}

/// The per-chat budgets.
#[derive(Debug)]
pub struct Limits {
    settings: LimitSettings,
    /// Groups: a sliding window, as Telegram counts (a token bucket would let a minute hold
    /// its burst plus what refills during it: 20 + 20).
    groups: Mutex<HashMap<i64, Window>>,
    private: DefaultKeyedRateLimiter<i64>,
    notices: DefaultKeyedRateLimiter<i64>,
}

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).expect("at least one")
}

impl Limits {
    pub fn new(settings: LimitSettings) -> Self {
        let per_second = at_least_one(settings.private_replies_per_second);
        Limits {
            settings,
            groups: Mutex::new(HashMap::new()),
            private: RateLimiter::keyed(
                Quota::per_second(per_second).allow_burst(at_least_one(3 * per_second.get())),
            ),
            notices: RateLimiter::keyed(Quota::per_minute(at_least_one(1))),
        }
    }

    pub fn settings(&self) -> LimitSettings {
        self.settings
    }

    fn per_minute(&self) -> usize {
        self.settings.replies_per_chat_per_minute.max(1) as usize
    }

    fn groups(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Window>> {
        self.groups.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Takes one reply from the chat's budget for a command. In a group, a command gets a
    /// slot while the minute has room beyond the last one, which is kept for the one
    /// "slow down" notice; quiz and debate messages waiting for room go first.
    pub fn command(&self, chat: i64, kind: ChatKind) -> Verdict {
        let now = Instant::now();
        if kind == ChatKind::Private {
            return if self.private.check_key(&chat).is_ok() {
                Verdict::Send
            } else if self.notices.check_key(&chat).is_ok() {
                Verdict::SlowDown
            } else {
                Verdict::Drop
            };
        }
        let limit = self.per_minute();
        let mut groups = self.groups();
        let window = groups.entry(chat).or_default();
        window.slide(now);
        let used = window.sent.len() + window.waiting;
        if used + 1 < limit {
            window.sent.push_back(now);
            Verdict::Send
        } else if used < limit && self.notices.check_key(&chat).is_ok() {
            window.sent.push_back(now);
            Verdict::SlowDown
        } else {
            Verdict::Drop
        }
    }

    /// Takes one message from the chat's budget for a quiz or debate message, or an edit:
    /// never refused, so in a group whose minute is full it waits until a message leaves
    /// the window (never more than the limit in any minute).
    pub async fn reserve(&self, chat: i64, kind: ChatKind) {
        if kind == ChatKind::Private {
            let _ = self.private.check_key(&chat);
            return;
        }
        // Counted as waiting until it has its slot, or is dropped (cancelled) meanwhile.
        let mut waiting: Option<Waiting<'_>> = None;
        loop {
            let wait = {
                let now = Instant::now();
                let limit = self.per_minute();
                let mut groups = self.groups();
                let window = groups.entry(chat).or_default();
                window.slide(now);
                if window.sent.len() < limit {
                    window.sent.push_back(now);
                    None
                } else {
                    if waiting.is_none() {
                        window.waiting += 1;
                    }
                    let oldest = *window.sent.front().expect("a full window is not empty");
                    Some((oldest + WINDOW).saturating_duration_since(now))
                }
            };
            let Some(wait) = wait else {
                return;
            };
            waiting.get_or_insert(Waiting { limits: self, chat });
            tokio::time::sleep(wait).await;
        }
    }

    /// Whether an edit fits the chat's budget now; if so it is counted. Edits never wait: a
    /// press that would have to is answered without one.
    pub fn edit(&self, chat: i64, kind: ChatKind) -> bool {
        if kind == ChatKind::Private {
            return self.private.check_key(&chat).is_ok();
        }
        let now = Instant::now();
        let limit = self.per_minute();
        let mut groups = self.groups();
        let window = groups.entry(chat).or_default();
        window.slide(now);
        if window.sent.len() + window.waiting < limit {
            window.sent.push_back(now);
            true
        } else {
            false
        }
    }

    /// Messages sent to `chat` in the last minute (a group's; 0 for a private chat).
    pub fn sent_last_minute(&self, chat: i64) -> usize {
        let mut groups = self.groups();
        groups.get_mut(&chat).map_or(0, |w| {
            w.slide(Instant::now());
            w.sent.len()
        })
    }

    /// Forgets chats whose budgets are full again, so memory stays bounded.
    pub fn tidy(&self) {
        let now = Instant::now();
        self.groups().retain(|_, w| {
            w.slide(now);
            !w.sent.is_empty() || w.waiting > 0
        });
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
        // 19 replies and the notice: 20 messages, the group's minute.
        assert!(verdicts[..19].iter().all(|v| *v == Verdict::Send));
        assert_eq!(verdicts[19], Verdict::SlowDown);
        assert!(verdicts[20..].iter().all(|v| *v == Verdict::Drop));
    }

    #[tokio::test(start_paused = true)]
    async fn sixty_commands_in_ten_seconds_never_put_more_than_twenty_in_any_minute() {
        // 60 /quote from 20 people within 10 s, then the same again for two more minutes: a
        // token bucket let 24 into the first minute (its burst plus the refill).
        let limits = Limits::new(LimitSettings::default());
        let start = Instant::now();
        let mut sent: Vec<Duration> = Vec::new();
        for round in 0..3u64 {
            for i in 0..60u64 {
                let at = start + Duration::from_secs(round * 60) + Duration::from_millis(i * 166);
                tokio::time::advance(at.saturating_duration_since(Instant::now())).await;
                if limits.command(-7, ChatKind::Group) != Verdict::Drop {
                    sent.push(Instant::now() - start);
                }
            }
        }
        // Every 60-second window, starting at any message: at most 20.
        for (i, &from) in sent.iter().enumerate() {
            let within = sent[i..]
                .iter()
                .take_while(|&&t| t < from + Duration::from_secs(60))
                .count();
            assert!(
                within <= 20,
                "{within} messages in the minute from {from:?}"
            );
        }
        // And the budget comes back each minute: 19 replies, and the notice when the last one
        // is a minute old.
        for minute in 0..3u64 {
            let from = Duration::from_secs(minute * 60);
            let count = sent
                .iter()
                .filter(|&&t| t >= from && t < from + Duration::from_secs(60))
                .count();
            assert!((19..=20).contains(&count), "minute {minute}: {sent:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn quiz_messages_wait_for_room_and_commands_yield_to_them() {
        let limits = std::sync::Arc::new(Limits::new(LimitSettings::default()));
        for _ in 0..20 {
            limits.reserve(-3, ChatKind::Group).await;
        }
        assert_eq!(limits.sent_last_minute(-3), 20);
        // The 21st quiz message waits until the first leaves the window, a minute on.
        let waiting = {
            let limits = std::sync::Arc::clone(&limits);
            tokio::spawn(async move {
                let started = Instant::now();
                limits.reserve(-3, ChatKind::Group).await;
                started.elapsed()
            })
        };
        tokio::task::yield_now().await;
        // Meanwhile a command is dropped (its notice would break the limit too).
        assert_eq!(limits.command(-3, ChatKind::Group), Verdict::Drop);
        let waited = waiting.await.unwrap();
        assert!(waited >= Duration::from_secs(59), "{waited:?}");
        // The first twenty have left the window; the one that waited is in it.
        assert_eq!(limits.sent_last_minute(-3), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiz_message_cancelled_while_waiting_no_longer_holds_commands_back() {
        let limits = std::sync::Arc::new(Limits::new(LimitSettings::default()));
        for _ in 0..20 {
            limits.reserve(-4, ChatKind::Group).await;
        }
        let waiting = {
            let limits = std::sync::Arc::clone(&limits);
            tokio::spawn(async move { limits.reserve(-4, ChatKind::Group).await })
        };
        tokio::task::yield_now().await;
        waiting.abort();
        let _ = waiting.await;
        // A minute on the window is empty: a command goes through, as if nobody waited.
        tokio::time::advance(Duration::from_secs(61)).await;
        let sent = (0..19)
            .filter(|_| limits.command(-4, ChatKind::Group) == Verdict::Send)
            .count();
        assert_eq!(sent, 19);
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
}
