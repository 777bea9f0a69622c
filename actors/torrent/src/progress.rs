//! Progress coalescing: at most one `progress` event per torrent per
//! interval (1 s by default), and the latest value is never lost.
//!
//! Why per torrent and not one batched event per tick: the public SSE schema
//! stays one `progress` event per torrent (filterable with `torrent=`), and
//! a client sees the same payload as before, only less often.
//!
//! Rules:
//! - the first update of a torrent, and every update that comes with a state
//!   change, is sent at once (a client always sees the figures of the state
//!   it is told about);
//! - an update inside the interval is kept as pending, replacing an older
//!   pending one; the pump sends pending updates whose interval has passed,
//!   so the last figures of a torrent that stopped changing still arrive;
//! - an update the hub could not take (mailbox full) goes back to pending.

use revaer_messages::events::Event;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Slot {
    last_sent: Instant,
    pending: Option<Event>,
}

/// Per-torrent last-sent times and pending updates.
#[derive(Debug)]
pub(crate) struct ProgressCoalescer {
    interval: Duration,
    slots: HashMap<String, Slot>,
}

impl ProgressCoalescer {
    pub(crate) fn new(interval: Duration) -> Self {
        Self {
            interval,
            slots: HashMap::new(),
        }
    }

    /// Offers a fresh update; returns it when it should be sent now.
    pub(crate) fn offer(
        &mut self,
        id: &str,
        event: Event,
        now: Instant,
        state_changed: bool,
    ) -> Option<Event> {
        match self.slots.get_mut(id) {
            Some(slot) if !state_changed && now.duration_since(slot.last_sent) < self.interval => {
                slot.pending = Some(event);
                None
            }
            Some(slot) => {
                slot.last_sent = now;
                slot.pending = None;
                Some(event)
            }
            None => {
                self.slots.insert(
                    id.to_string(),
                    Slot {
                        last_sent: now,
                        pending: None,
                    },
                );
                Some(event)
            }
        }
    }

    /// Pending updates whose interval has passed, marked as sent.
    pub(crate) fn due(&mut self, now: Instant) -> Vec<Event> {
        let interval = self.interval;
        self.slots
            .values_mut()
            .filter(|slot| slot.pending.is_some() && now.duration_since(slot.last_sent) >= interval)
            .filter_map(|slot| {
                slot.last_sent = now;
                slot.pending.take()
            })
            .collect()
    }

    /// An update the hub refused: sent again with a later tick, unless a
    /// newer one is already pending.
    pub(crate) fn requeue(&mut self, id: &str, event: Event) {
        if let Some(slot) = self.slots.get_mut(id) {
            slot.pending.get_or_insert(event);
        }
    }

    pub(crate) fn forget(&mut self, id: &str) {
        self.slots.remove(id);
    }

    pub(crate) fn clear(&mut self) {
        self.slots.clear();
    }
}

#[cfg(test)]
mod tests;
