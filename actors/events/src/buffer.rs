//! The replay buffer: numbers events and keeps the newest `capacity` of them.
//!
//! Rule: ids are assigned here and nowhere else, contiguous and strictly
//! increasing, so the buffer always holds exactly the range
//! `oldest_id..=latest_id` and "is every event after n still here?" is a
//! single comparison.

use std::collections::VecDeque;
use std::sync::Arc;

use chrono::Utc;
use revaer_messages::events::{Event, EventEnvelope};
use revaer_messages::hub::EventFilter;

/// What a resuming subscriber gets.
#[derive(Debug, PartialEq)]
pub(crate) enum Replay {
    /// Every event after the client's id is still buffered; these are the
    /// ones that pass its filter, oldest first.
    Events(Vec<Arc<EventEnvelope>>),
    /// The client's id is older than the buffer (events were evicted) or
    /// newer than any id issued (the process restarted): it must refetch.
    Resync,
}

/// Ring buffer of the newest envelopes plus the id counter.
#[derive(Debug)]
pub(crate) struct ReplayBuffer {
    events: VecDeque<Arc<EventEnvelope>>,
    capacity: usize,
    latest_id: u64,
}

impl ReplayBuffer {
    /// An empty buffer whose first event will get id `latest_id + 1`.
    pub(crate) fn new(capacity: usize, latest_id: u64) -> Self {
        // Why cap the pre-allocation: a huge configured size should cost
        // memory only as events actually arrive.
        Self {
            events: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            latest_id,
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

    /// Numbers, timestamps and stores an event, evicting the oldest when full.
    pub(crate) fn push(&mut self, event: Event, request_id: Option<String>) -> Arc<EventEnvelope> {
        self.latest_id += 1;
        let envelope = Arc::new(EventEnvelope {
            id: self.latest_id,
            at: Utc::now(),
            request_id,
            event,
        });
        self.events.push_back(Arc::clone(&envelope));
        while self.events.len() > self.capacity {
            self.events.pop_front();
        }
        envelope
    }

    /// The events after `last_id` that pass `filter`, if none are missing.
    pub(crate) fn since(&self, last_id: u64, filter: &EventFilter) -> Replay {
        if last_id > self.latest_id {
            return Replay::Resync;
        }
        // The buffer holds oldest_id..=latest_id; with nothing buffered
        // oldest_id is latest_id + 1, so only last_id == latest_id resumes.
        let oldest_id = self.latest_id + 1 - self.events.len() as u64;
        if last_id + 1 < oldest_id {
            return Replay::Resync;
        }
        let skip = (last_id + 1 - oldest_id) as usize;
        Replay::Events(
            self.events
                .iter()
                .skip(skip)
                .filter(|envelope| filter.matches(&envelope.event))
                .cloned()
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests;
