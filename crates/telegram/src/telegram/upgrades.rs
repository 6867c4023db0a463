//! Groups upgraded to supergroups lately. Telegram reports the bot as joining the supergroup
//! a group was upgraded to (tdlib/telegram-bot-api #266): the greeting (`introduce.rs`) asks
//! here whether a "join" is really an upgrade, which the interpreter records (`effects.rs`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a group counts as just upgraded.
const UPGRADE_REMEMBERED: Duration = Duration::from_secs(60);

/// Supergroups that groups were upgraded to lately, by id.
#[derive(Clone, Default)]
pub struct Upgrades {
    lately: Arc<Mutex<HashMap<i64, Instant>>>,
}

impl Upgrades {
    /// A group was upgraded to the supergroup `new`.
    pub fn record(&self, new: i64) {
        let mut lately = self.lately.lock().unwrap_or_else(|e| e.into_inner());
        lately.retain(|_, at| at.elapsed() < UPGRADE_REMEMBERED);
        lately.insert(new, Instant::now());
    }

    /// Whether `chat` is a supergroup some group was upgraded to lately.
    pub fn lately(&self, chat: i64) -> bool {
        let lately = self.lately.lock().unwrap_or_else(|e| e.into_inner());
        lately
            .get(&chat)
            .is_some_and(|at| at.elapsed() < UPGRADE_REMEMBERED)
    }
}
