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
mod tests {
    use super::*;
    use revaer_messages::torrent::{InvalidTorrentId, TorrentId};

    fn update(id: &str, progress: f64) -> Result<Event, InvalidTorrentId> {
        Ok(Event::Progress {
            torrent: TorrentId::parse(&format!("{id:0>40}"))?,
            progress,
            downloaded: 0,
            uploaded: 0,
            download_bps: 0,
            upload_bps: 0,
        })
    }

    fn fraction(event: &Event) -> f64 {
        match event {
            Event::Progress { progress, .. } => *progress,
            _ => f64::NAN,
        }
    }

    #[test]
    fn many_torrents_updated_every_tick_send_one_update_each_per_interval(
    ) -> Result<(), InvalidTorrentId> {
        let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
        let start = Instant::now();
        let mut sent = 0;
        // 500 torrents, 10 ticks a second for 3 seconds.
        for tick in 0..30u32 {
            let now = start + Duration::from_millis(100) * tick;
            for torrent in 0..500 {
                let id = format!("{torrent:040x}");
                sent += usize::from(
                    coalescer
                        .offer(&id, update(&id, f64::from(tick) / 30.0)?, now, false)
                        .is_some(),
                );
            }
            sent += coalescer.due(now).len();
        }
        // t = 0, 1 s and 2 s: three updates per torrent, not thirty.
        assert_eq!(sent, 500 * 3);
        Ok(())
    }

    #[test]
    fn the_last_update_arrives_after_the_torrent_stops_changing() -> Result<(), InvalidTorrentId> {
        let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
        let start = Instant::now();
        assert!(coalescer
            .offer("a", update("a", 0.1)?, start, false)
            .is_some());
        let later = start + Duration::from_millis(300);
        assert!(coalescer
            .offer("a", update("a", 0.5)?, later, false)
            .is_none());
        assert!(coalescer.due(later).is_empty());
        let sent = coalescer.due(start + Duration::from_secs(1));
        assert_eq!(sent.iter().map(fraction).collect::<Vec<_>>(), vec![0.5]);
        assert!(coalescer.due(start + Duration::from_secs(5)).is_empty());
        Ok(())
    }

    #[test]
    fn a_state_change_sends_at_once() -> Result<(), InvalidTorrentId> {
        let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
        let start = Instant::now();
        coalescer.offer("a", update("a", 0.1)?, start, false);
        let later = start + Duration::from_millis(100);
        let sent = coalescer.offer("a", update("a", 1.0)?, later, true);
        assert_eq!(sent.as_ref().map(fraction), Some(1.0));
        assert!(coalescer.due(start + Duration::from_secs(2)).is_empty());
        Ok(())
    }

    #[test]
    fn a_refused_update_is_sent_again_but_never_over_a_newer_one() -> Result<(), InvalidTorrentId> {
        let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
        let start = Instant::now();
        let first = coalescer.offer("a", update("a", 0.2)?, start, false);
        assert!(first.is_some());
        if let Some(first) = first {
            coalescer.requeue("a", first);
        }
        let sent = coalescer.due(start + Duration::from_secs(1));
        assert_eq!(sent.iter().map(fraction).collect::<Vec<_>>(), vec![0.2]);
        coalescer.offer(
            "a",
            update("a", 0.9)?,
            start + Duration::from_millis(1500),
            false,
        );
        coalescer.requeue("a", update("a", 0.3)?);
        let sent = coalescer.due(start + Duration::from_secs(2));
        assert_eq!(sent.iter().map(fraction).collect::<Vec<_>>(), vec![0.9]);
        Ok(())
    }
}
