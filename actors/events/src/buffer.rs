//! The replay buffer: numbers events and keeps the newest `capacity` of them;
//! when it is full, superseded progress goes before anything else.
//!
//! Rules:
//! - ids are assigned here and nowhere else, contiguous and strictly
//!   increasing;
//! - while there is room every event is kept, so a resuming client gets
//!   exactly what it missed;
//! - when the buffer is full, the oldest *superseded* `progress` event (one
//!   whose torrent has a newer `progress` in the buffer) is dropped first; a
//!   progress event is a snapshot, so the client still gets the torrent's
//!   latest figures. Only when there is none is the oldest event evicted.
//!   Why: with 1,000 active torrents progress alone is ~1,000 events/s, which
//!   would push every state change out of a 10,000-event buffer within
//!   seconds; this way progress takes at most one slot per torrent under
//!   pressure and the buffer covers minutes to hours of the other events;
//! - a client may resume from `last_id` when no event after `last_id` was
//!   evicted (dropped superseded progress does not count: its replacement is
//!   there), so "is every event after n still here?" is a single comparison
//!   with the newest evicted id.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use revaer_messages::events::{Event, EventEnvelope};
use revaer_messages::hub::EventFilter;
use revaer_messages::TorrentId;

/// What a resuming subscriber gets.
#[derive(Debug, PartialEq)]
pub(crate) enum Replay {
    /// Every event after the client's id is still buffered (or superseded by
    /// a newer progress event that is); these are the ones that pass its
    /// filter, oldest first.
    Events(Vec<Arc<EventEnvelope>>),
    /// An event after the client's id was evicted, or its id is newer than
    /// any id issued (the process restarted): it must refetch.
    Resync,
}

/// The newest envelopes by id, the id counter and the eviction mark.
#[derive(Debug)]
pub(crate) struct ReplayBuffer {
    events: BTreeMap<u64, Arc<EventEnvelope>>,
    /// Id of the newest buffered `progress` event of each torrent that has one.
    progress: HashMap<TorrentId, u64>,
    /// Ids of buffered `progress` events that a newer one of the same
    /// torrent supersedes, oldest first. Each is still buffered: they leave
    /// only through this queue, and eviction by age waits until it is empty.
    superseded: VecDeque<u64>,
    capacity: usize,
    latest_id: u64,
    /// The newest id that can no longer be replayed (evicted, or issued
    /// before this buffer existed); resuming needs `last_id >= evicted_through`.
    evicted_through: u64,
    /// When the event `evicted_through` was published; before the first
    /// eviction, when the buffer was made (everything since can be replayed).
    evicted_at: DateTime<Utc>,
}

impl ReplayBuffer {
    /// An empty buffer whose first event will get id `latest_id + 1`.
    pub(crate) fn new(capacity: usize, latest_id: u64) -> Self {
        Self {
            events: BTreeMap::new(),
            progress: HashMap::new(),
            superseded: VecDeque::new(),
            capacity,
            latest_id,
            evicted_through: latest_id,
            evicted_at: Utc::now(),
        }
    }

    /// The id of the newest event, 0 (or the seed) before any event.
    pub(crate) fn latest_id(&self) -> u64 {
        self.latest_id
    }

    /// How many events it may hold.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many events are held for replay.
    pub(crate) fn len(&self) -> usize {
        self.events.len()
    }

    /// How far back a reconnecting client can resume: the time between the
    /// newest evicted event (or the buffer's creation, before any eviction)
    /// and `now`.
    pub(crate) fn horizon(&self, now: DateTime<Utc>) -> chrono::Duration {
        now - self.evicted_at
    }

    /// Numbers, timestamps and stores an event; when full, drops the oldest
    /// superseded progress event, or else evicts the oldest event.
    pub(crate) fn push(&mut self, event: Event, request_id: Option<String>) -> Arc<EventEnvelope> {
        self.latest_id += 1;
        let id = self.latest_id;
        if let Event::Progress { torrent, .. } = &event {
            if let Some(older) = self.progress.insert(torrent.clone(), id) {
                self.superseded.push_back(older);
            }
        }
        let envelope = Arc::new(EventEnvelope {
            id,
            at: Utc::now(),
            request_id,
            event,
        });
        self.events.insert(id, Arc::clone(&envelope));
        while self.events.len() > self.capacity {
            if let Some(older) = self.superseded.pop_front() {
                self.events.remove(&older);
                continue;
            }
            let Some((evicted_id, evicted)) = self.events.pop_first() else {
                break;
            };
            if let Event::Progress { torrent, .. } = &evicted.event {
                if self.progress.get(torrent) == Some(&evicted_id) {
                    self.progress.remove(torrent);
                }
            }
            self.evicted_through = evicted_id;
            self.evicted_at = evicted.at;
        }
        envelope
    }

    /// The events after `last_id` that pass `filter`, if none are missing.
    pub(crate) fn since(&self, last_id: u64, filter: &EventFilter) -> Replay {
        if last_id > self.latest_id || last_id < self.evicted_through {
            return Replay::Resync;
        }
        Replay::Events(
            self.events
                .range(last_id + 1..)
                .map(|(_, envelope)| envelope)
                .filter(|envelope| filter.matches(&envelope.event))
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests;
