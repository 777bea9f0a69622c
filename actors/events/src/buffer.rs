//! The replay buffer: numbers events and keeps the newest `capacity` of them,
//! with superseded progress compacted away.
//!
//! Rules:
//! - ids are assigned here and nowhere else, contiguous and strictly
//!   increasing;
//! - a `progress` event is a snapshot of one torrent, so a newer `progress`
//!   for the same torrent replaces the older one in the buffer (a resuming
//!   client gets the torrent's latest figures, not every intermediate one).
//!   Every other event is kept until it is evicted. Why: with 1,000 active
//!   torrents progress alone is ~1,000 events/s, which would push every
//!   state change out of a 10,000-event buffer within seconds; compacted,
//!   progress takes at most one slot per torrent and the buffer covers
//!   minutes to hours of the events a client cannot reconstruct;
//! - a client may resume from `last_id` when no event after `last_id` was
//!   evicted (superseded progress does not count: its replacement is there),
//!   so "is every event after n still here?" is a single comparison with the
//!   newest evicted id.

use std::collections::{BTreeMap, HashMap};
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
    /// Id of the buffered `progress` event of each torrent that has one.
    progress: HashMap<TorrentId, u64>,
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

    /// Numbers, timestamps and stores an event, dropping the torrent's older
    /// progress event and evicting the oldest events when full.
    pub(crate) fn push(&mut self, event: Event, request_id: Option<String>) -> Arc<EventEnvelope> {
        self.latest_id += 1;
        let id = self.latest_id;
        if let Event::Progress { torrent, .. } = &event {
            if let Some(older) = self.progress.insert(torrent.clone(), id) {
                self.events.remove(&older);
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
mod tests {
    use super::*;

    fn filled(capacity: usize, count: u64) -> ReplayBuffer {
        let mut buffer = ReplayBuffer::new(capacity, 0);
        for revision in 1..=count {
            buffer.push(
                Event::ConfigChanged {
                    revision: revision as i64,
                },
                None,
            );
        }
        buffer
    }

    fn ids(replay: Replay) -> Option<Vec<u64>> {
        match replay {
            Replay::Events(events) => Some(events.iter().map(|e| e.id).collect()),
            Replay::Resync => None,
        }
    }

    #[test]
    fn evicts_oldest_and_keeps_ids_contiguous() {
        let buffer = filled(5, 12);
        assert_eq!(buffer.latest_id(), 12);
        assert_eq!(buffer.len(), 5);
        assert_eq!(
            ids(buffer.since(7, &EventFilter::all())),
            Some(vec![8, 9, 10, 11, 12])
        );
    }

    #[test]
    fn boundaries_of_resumable_ids() {
        let buffer = filled(5, 12);
        assert_eq!(
            ids(buffer.since(6, &EventFilter::all())),
            None,
            "event 7 was evicted"
        );
        assert_eq!(ids(buffer.since(12, &EventFilter::all())), Some(vec![]));
        assert_eq!(
            ids(buffer.since(13, &EventFilter::all())),
            None,
            "id from the future"
        );
    }

    #[test]
    fn fresh_buffer_resumes_from_zero() {
        let buffer = filled(5, 3);
        assert_eq!(
            ids(buffer.since(0, &EventFilter::all())),
            Some(vec![1, 2, 3])
        );
        assert_eq!(
            ids(filled(5, 0).since(0, &EventFilter::all())),
            Some(vec![])
        );
    }

    #[test]
    fn zero_capacity_numbers_events_but_replays_nothing() {
        let buffer = filled(0, 4);
        assert_eq!(buffer.len(), 0);
        assert_eq!(ids(buffer.since(4, &EventFilter::all())), Some(vec![]));
        assert_eq!(ids(buffer.since(3, &EventFilter::all())), None);
    }

    #[test]
    fn seeded_buffer_continues_after_the_seed() {
        let mut buffer = ReplayBuffer::new(5, 100);
        let envelope = buffer.push(Event::ConfigChanged { revision: 1 }, Some("req-1".into()));
        assert_eq!(envelope.id, 101);
        assert_eq!(envelope.request_id.as_deref(), Some("req-1"));
        assert_eq!(ids(buffer.since(100, &EventFilter::all())), Some(vec![101]));
        assert_eq!(ids(buffer.since(99, &EventFilter::all())), None);
    }

    fn progress(torrent: &TorrentId, progress: f64) -> Event {
        Event::Progress {
            torrent: torrent.clone(),
            progress,
            downloaded: 0,
            uploaded: 0,
            download_bps: 0,
            upload_bps: 0,
        }
    }

    fn torrent(n: u8) -> TorrentId {
        match TorrentId::parse(&format!("{n:02x}").repeat(20)) {
            Ok(id) => id,
            Err(err) => panic!("test id: {err}"),
        }
    }

    #[test]
    fn newer_progress_replaces_older_progress_of_the_same_torrent() {
        let (a, b) = (torrent(1), torrent(2));
        let mut buffer = ReplayBuffer::new(100, 0);
        buffer.push(progress(&a, 0.1), None); // 1, superseded by 4
        buffer.push(progress(&b, 0.1), None); // 2
        buffer.push(Event::ConfigChanged { revision: 1 }, None); // 3
        buffer.push(progress(&a, 0.2), None); // 4
        assert_eq!(buffer.len(), 3);
        assert_eq!(
            ids(buffer.since(0, &EventFilter::all())),
            Some(vec![2, 3, 4]),
            "a client that saw nothing gets each torrent's latest progress"
        );
        assert_eq!(
            ids(buffer.since(1, &EventFilter::all())),
            Some(vec![2, 3, 4])
        );
        assert_eq!(ids(buffer.since(3, &EventFilter::all())), Some(vec![4]));
    }

    #[test]
    fn progress_of_many_torrents_does_not_push_out_other_events() {
        let mut buffer = ReplayBuffer::new(50, 0);
        buffer.push(Event::ConfigChanged { revision: 1 }, None);
        // 40 torrents report progress 100 times each: 4,000 events.
        for round in 0..100 {
            for n in 0..40 {
                buffer.push(progress(&torrent(n), f64::from(round) / 100.0), None);
            }
        }
        assert_eq!(buffer.len(), 41);
        assert_eq!(buffer.evicted_through, 0, "nothing was evicted");
        let Some(replayed) = ids(buffer.since(0, &EventFilter::all())) else {
            panic!("a client from the start must still resume");
        };
        assert_eq!(
            replayed.first(),
            Some(&1),
            "the config change is still there"
        );
        assert_eq!(replayed.len(), 41);
    }

    #[test]
    fn evicting_a_progress_event_forgets_it_and_sets_the_horizon() {
        let (a, b) = (torrent(1), torrent(2));
        let mut buffer = ReplayBuffer::new(2, 0);
        let first = buffer.push(progress(&a, 0.1), None).at; // 1, evicted by 3
        buffer.push(progress(&b, 0.1), None); // 2
        buffer.push(Event::ConfigChanged { revision: 1 }, None); // 3
        assert_eq!(ids(buffer.since(0, &EventFilter::all())), None);
        assert_eq!(ids(buffer.since(1, &EventFilter::all())), Some(vec![2, 3]));
        assert_eq!(buffer.evicted_through, 1);
        assert_eq!(
            buffer.horizon(first),
            chrono::Duration::zero(),
            "the horizon is measured from the evicted event 1"
        );
        // a's entry is gone: its next progress evicts nothing of its own.
        buffer.push(progress(&a, 0.2), None); // 4, evicts 2
        assert_eq!(ids(buffer.since(2, &EventFilter::all())), Some(vec![3, 4]));
        assert_eq!(ids(buffer.since(1, &EventFilter::all())), None);
    }
}
