//! The change log behind `sync/maindata` deltas, fed by the event hub.
//!
//! Rules:
//! - every event about a torrent marks it changed at a new sequence number;
//!   `removed` records its removal; a config change (categories, tags,
//!   limits) is a sequence number too. A client whose last response was at
//!   sequence `s` needs exactly the torrents changed after `s`, so a poll
//!   costs the changes, not the catalogue;
//! - the log is only trusted from `floor` on: when the subscription starts,
//!   when the hub asks for a resync, or when the hub's event ids show a gap
//!   (an event that never reached the feed, however it was lost), events
//!   may have been missed, so `floor` moves past everything seen and older
//!   clients get a full update. A subscription the hub dropped for lagging
//!   resumes after the last id seen (the hub replays what was missed, or
//!   asks for a resync);
//! - removals are kept for [`REMOVED_LOG`] entries; older ones move the
//!   floor too;
//! - fields that change with time alone (seeding time, last activity) are
//!   refreshed whenever the torrent has any event, not every second.

use revaer_messages::events::Event;
use revaer_messages::hub::{EventFilter, HubItem, Subscribe, Subscription, Unsubscribe};
use revaer_messages::TorrentId;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::state::ApiState;

/// Removals remembered for deltas.
pub const REMOVED_LOG: usize = 100_000;
/// Wait before subscribing again after the hub did not answer.
const RESUBSCRIBE_AFTER: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
struct Log {
    seq: u64,
    floor: u64,
    changed: HashMap<TorrentId, u64>,
    removed: VecDeque<(u64, TorrentId)>,
}

/// What changed after a sequence number.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// The sequence number these changes run up to (the client's next one).
    pub upto: u64,
    /// Torrents with events after it (possibly removed since).
    pub changed: Vec<TorrentId>,
    /// Torrents removed after it.
    pub removed: Vec<TorrentId>,
}

/// The shared log and its subscription.
#[derive(Debug, Clone, Default)]
pub struct SyncFeed {
    log: Arc<Mutex<Log>>,
    started: Arc<AtomicBool>,
}

impl SyncFeed {
    fn lock(&self) -> MutexGuard<'_, Log> {
        match self.log.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// The current sequence number (take it before reading the state a
    /// response is built from).
    pub fn current(&self) -> u64 {
        self.lock().seq
    }

    /// Everything seen so far is unreliable (missed events): older clients
    /// get a full update.
    pub fn invalidate(&self) {
        let mut log = self.lock();
        log.seq += 1;
        log.floor = log.seq;
    }

    /// Records one event.
    pub fn record(&self, event: &Event) {
        let mut log = self.lock();
        match event {
            Event::Removed { torrent, .. } => {
                log.seq += 1;
                let seq = log.seq;
                log.changed.remove(torrent);
                log.removed.push_back((seq, torrent.clone()));
                while log.removed.len() > REMOVED_LOG {
                    if let Some((old, _)) = log.removed.pop_front() {
                        log.floor = log.floor.max(old + 1);
                    }
                }
            }
            Event::ConfigChanged { .. } => log.seq += 1,
            other => {
                if let Some(torrent) = other.torrent() {
                    log.seq += 1;
                    let seq = log.seq;
                    log.changed.insert(torrent.clone(), seq);
                }
            }
        }
    }

    /// What changed after `since`, or `None` when the log cannot tell (a
    /// full update is due).
    pub fn changes_since(&self, since: u64) -> Option<Changes> {
        let log = self.lock();
        if since < log.floor {
            return None;
        }
        let changed = log
            .changed
            .iter()
            .filter(|(_, seq)| **seq > since)
            .map(|(id, _)| id.clone())
            .collect();
        let removed = log
            .removed
            .iter()
            .filter(|(seq, _)| *seq > since)
            .map(|(_, id)| id.clone())
            .collect();
        Some(Changes {
            upto: log.seq,
            changed,
            removed,
        })
    }

    /// Subscribes to the hub on first use (once per process), before the
    /// first response is built, so that response's sequence number is
    /// covered by the log.
    pub async fn ensure_started(&self, state: &ApiState) {
        if self.started.swap(true, Ordering::SeqCst) {
            return;
        }
        let first = self.subscribe(state, None).await;
        let feed = self.clone();
        let state = state.clone();
        actix_web::rt::spawn(async move { feed.follow(state, first).await });
    }

    /// Attaches to the hub, resuming after `last_seen` when there is one;
    /// without one, everything before is unknown to the log.
    async fn subscribe(&self, state: &ApiState, last_seen: Option<u64>) -> Option<Subscription> {
        let subscribe = Subscribe {
            last_event_id: last_seen,
            filter: EventFilter::default(),
            internal: true,
        };
        let subscription = state.subscribe.send(subscribe).await.ok();
        if last_seen.is_none() {
            self.invalidate();
        }
        subscription
    }

    /// Records one hub item, moving `cursor` to it.
    fn receive(&self, item: HubItem, cursor: &mut IdCursor) {
        match item {
            HubItem::Event(envelope) => {
                if !cursor.follows(envelope.id) {
                    tracing::debug!(
                        event.id = envelope.id,
                        "sync feed saw a gap in event ids; older clients get a full update"
                    );
                    self.invalidate();
                }
                self.record(&envelope.event);
            }
            HubItem::Resync { latest_id } => {
                self.invalidate();
                *cursor = IdCursor { last: latest_id };
            }
        }
    }

    /// Follows the hub until shutdown, resubscribing when dropped.
    async fn follow(self, state: ApiState, first: Option<Subscription>) {
        let mut drain = state.drain.clone();
        let mut next = first;
        let mut last_seen = None;
        loop {
            let Some(subscription) = next.take() else {
                tokio::time::sleep(RESUBSCRIBE_AFTER).await;
                next = self.subscribe(&state, last_seen).await;
                continue;
            };
            let mut cursor = IdCursor {
                last: last_seen.unwrap_or(subscription.latest_id),
            };
            let mut receiver = subscription.receiver;
            let stop = loop {
                tokio::select! {
                    item = receiver.recv() => match item {
                        Some(item) => self.receive(item, &mut cursor),
                        None => break false,
                    },
                    () = drain.started() => break true,
                }
            };
            last_seen = Some(cursor.last);
            state.unsubscribe.do_send(Unsubscribe {
                subscriber_id: subscription.subscriber_id,
            });
            if stop {
                return;
            }
            tracing::debug!("sync feed dropped by the event hub; resuming");
            next = self.subscribe(&state, last_seen).await;
        }
    }
}

/// The id of the last hub event the feed saw: the hub numbers every event
/// and the feed's filter matches all of them, so the next one must be
/// `last + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IdCursor {
    last: u64,
}

impl IdCursor {
    /// Moves to `id`; false when events were skipped (or ids went back).
    fn follows(&mut self, id: u64) -> bool {
        let next = id == self.last.saturating_add(1);
        self.last = id;
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8) -> TorrentId {
        TorrentId::parse(&format!("{n:040x}")).unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn changes_are_those_after_the_clients_sequence() {
        let feed = SyncFeed::default();
        feed.record(&Event::TorrentAdded {
            torrent: id(1),
            name: "a".into(),
        });
        let mark = feed.current();
        feed.record(&Event::TorrentUpdated { torrent: id(2) });
        feed.record(&Event::Removed {
            torrent: id(1),
            data_deleted: false,
        });
        let changes = feed.changes_since(mark).unwrap_or_default();
        assert_eq!(changes.changed, vec![id(2)]);
        assert_eq!(changes.removed, vec![id(1)]);
        let now = feed.current();
        assert_eq!(
            feed.changes_since(now),
            Some(Changes {
                upto: now,
                ..Changes::default()
            })
        );
    }

    fn envelope(event_id: u64, torrent: u8) -> HubItem {
        HubItem::Event(std::sync::Arc::new(
            revaer_messages::events::EventEnvelope {
                id: event_id,
                at: chrono::Utc::now(),
                request_id: None,
                event: Event::TorrentUpdated {
                    torrent: id(torrent),
                },
            },
        ))
    }

    #[test]
    fn a_gap_in_event_ids_asks_older_clients_for_a_full_update() {
        let feed = SyncFeed::default();
        let mut cursor = IdCursor { last: 10 };
        feed.receive(envelope(11, 1), &mut cursor);
        let mark = feed.current();
        feed.receive(envelope(12, 2), &mut cursor);
        assert_eq!(
            feed.changes_since(mark).map(|c| c.changed),
            Some(vec![id(2)]),
            "consecutive ids keep deltas"
        );
        let before_gap = feed.current();
        // Event 13 (about torrent 3) never arrived.
        feed.receive(envelope(14, 4), &mut cursor);
        assert_eq!(feed.changes_since(mark), None, "a gap forces a full update");
        assert_eq!(feed.changes_since(before_gap), None);
        let after = feed.current();
        feed.receive(envelope(15, 5), &mut cursor);
        assert_eq!(
            feed.changes_since(after).map(|c| c.changed),
            Some(vec![id(5)]),
            "deltas resume after the gap"
        );
        feed.receive(HubItem::Resync { latest_id: 40 }, &mut cursor);
        assert_eq!(
            feed.changes_since(after),
            None,
            "a resync forces a full update"
        );
        assert_eq!(cursor, IdCursor { last: 40 });
    }

    #[test]
    fn an_invalidated_log_asks_older_clients_for_a_full_update() {
        let feed = SyncFeed::default();
        let old = feed.current();
        feed.invalidate();
        assert_eq!(feed.changes_since(old), None);
        assert!(feed.changes_since(feed.current()).is_some());
    }
}
