//! When each update reached the bot, for the update-to-reply latency
//! ([`crate::metrics::UPDATE_TO_REPLY_SECONDS`]). The dispatcher queues a chat's updates
//! behind its earlier ones before any handler sees them, so the moment is taken where updates
//! come in: [`Stamped`] wraps the update listener (polling or webhook) and notes the instant of
//! each update by its id; the handler tree's entry takes it back out as an [`Arrived`] for the
//! handlers. Only with metrics on; otherwise nothing is noted and [`Arrived`] is the moment the
//! tree took the update.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use futures::StreamExt;
use futures::stream::BoxStream;
use teloxide::stop::StopToken;
use teloxide::types::{AllowedUpdate, Update, UpdateKind};
use teloxide::update_listeners::{AsUpdateStream, UpdateListener};

/// Updates noted at most: should the tree never take some back (it takes every update it is
/// given), the notes are forgotten wholesale rather than grow.
const AT_MOST: usize = 10_000;

/// The instants noted, by update id.
#[derive(Debug, Default)]
pub struct Arrivals(Mutex<HashMap<u32, Instant>>);

impl Arrivals {
    fn note(&self, update: &Update) {
        // The dispatcher drops an update it cannot read before the tree sees it.
        if matches!(update.kind, UpdateKind::Error(_)) || !crate::metrics::enabled() {
            return;
        }
        let mut noted = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if noted.len() >= AT_MOST {
            noted.clear();
        }
        noted.insert(update.id.0, Instant::now());
    }

    /// When `update` reached the bot: as noted, or now.
    pub fn take(&self, update: &Update) -> Arrived {
        let noted = self
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&update.id.0);
        Arrived(noted.unwrap_or_else(Instant::now))
    }
}

/// When the update being handled reached the bot.
#[derive(Debug, Clone, Copy)]
pub struct Arrived(pub Instant);

/// An update listener that notes when each update came.
pub struct Stamped<L> {
    pub inner: L,
    pub arrivals: Arc<Arrivals>,
}

impl<'a, L> AsUpdateStream<'a> for Stamped<L>
where
    L: UpdateListener,
    L::Err: 'static,
{
    type StreamErr = L::Err;
    type Stream = BoxStream<'a, Result<Update, L::Err>>;

    fn as_stream(&'a mut self) -> Self::Stream {
        let arrivals = Arc::clone(&self.arrivals);
        self.inner
            .as_stream()
            .inspect(move |update| {
                if let Ok(update) = update {
                    arrivals.note(update);
                }
            })
            .boxed()
    }
}

impl<L> UpdateListener for Stamped<L>
where
    L: UpdateListener,
    L::Err: 'static,
{
    type Err = L::Err;

    fn stop_token(&mut self) -> StopToken {
        self.inner.stop_token()
    }

    fn hint_allowed_updates(&mut self, hint: &mut dyn Iterator<Item = AllowedUpdate>) {
        self.inner.hint_allowed_updates(hint);
    }
}
