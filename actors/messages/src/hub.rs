//! Messages of the event hub besides [`Publish`](crate::events::Publish):
//! attaching and detaching SSE subscribers, and reading its counters.
//!
//! Rules:
//! - they live here, not beside the actor, so the HTTP layer can hold a
//!   `Recipient<Subscribe>` without depending on the hub's implementation;
//! - a subscriber's filter is decided once, at subscribe time: an absent
//!   criterion matches everything, present criteria must all match, and a
//!   torrent filter matches only events about that torrent (so process-wide
//!   events such as `health_changed` and `config_changed` are excluded by it).

use std::collections::BTreeSet;
use std::sync::Arc;

use actix::Message;
use tokio::sync::mpsc;

use crate::events::{Event, EventEnvelope};
use crate::torrent::TorrentId;

/// Attach an SSE client, optionally resuming after `last_event_id`.
#[derive(Debug, Clone, Default, Message)]
#[rtype(result = "Subscription")]
pub struct Subscribe {
    /// The client's `Last-Event-ID`; `None` means live events only.
    pub last_event_id: Option<u64>,
    /// Which events the client wants.
    pub filter: EventFilter,
    /// An in-process consumer (FsOps), not an SSE client: served the same,
    /// but not counted in `revaer_sse_subscribers`.
    pub internal: bool,
}

/// A subscriber's end of the hub.
///
/// The receiver first yields the replay (or one [`HubItem::Resync`]), then
/// live events. It ends (`recv` returns `None`) when the hub drops the
/// subscriber for lagging; the client should then reconnect with the id of
/// the last event it received.
#[derive(Debug)]
pub struct Subscription {
    /// Items for this subscriber, in id order.
    pub receiver: mpsc::Receiver<HubItem>,
    /// Pass to [`Unsubscribe`] when the client goes away.
    pub subscriber_id: u64,
    /// The newest id at the moment of subscribing.
    pub latest_id: u64,
}

/// One item of a subscriber's stream.
#[derive(Debug, Clone, PartialEq)]
pub enum HubItem {
    /// A numbered event.
    Event(Arc<EventEnvelope>),
    /// The events after the client's id are gone (or its id is from before a
    /// restart): refetch state, then continue from `latest_id`.
    Resync {
        /// The newest id when the subscription started; live events follow it.
        latest_id: u64,
    },
}

/// Detach a subscriber (the SSE stream sends it when the client goes away).
/// Unknown ids are ignored, so sending it twice is harmless.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Message)]
#[rtype(result = "()")]
pub struct Unsubscribe {
    /// From [`Subscription::subscriber_id`].
    pub subscriber_id: u64,
}

/// Ask the hub for its counters (health checks, tests).
#[derive(Debug, Clone, Copy, Default, Message)]
#[rtype(result = "HubStatsReply")]
pub struct HubStats;

/// The hub's counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubStatsReply {
    /// The newest id issued (0 before the first event).
    pub latest_id: u64,
    /// Events held for replay.
    pub buffered: usize,
    /// Subscribers attached (including any whose client left since the last publish).
    pub subscribers: usize,
}

/// A subscriber's filter, usually built from the `types=` and `torrent=`
/// query parameters of the SSE endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Event type names to keep (see [`Event::TYPES`]); `None` keeps every type.
    /// An empty set keeps nothing, so map an empty `types=` to `None`.
    pub types: Option<BTreeSet<String>>,
    /// Keep only events about this torrent; `None` keeps every event.
    pub torrent: Option<TorrentId>,
}

/// A `types=` entry that is not an event type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type `{0}`")]
pub struct UnknownEventType(pub String);

impl EventFilter {
    /// Everything passes.
    pub fn all() -> Self {
        Self::default()
    }

    /// Whether `event` passes the filter.
    pub fn matches(&self, event: &Event) -> bool {
        let type_ok = self
            .types
            .as_ref()
            .is_none_or(|types| types.contains(event.kind()));
        let torrent_ok = self
            .torrent
            .as_ref()
            .is_none_or(|wanted| event.torrent() == Some(wanted));
        type_ok && torrent_ok
    }

    /// Parses a comma-separated `types=` value, rejecting unknown names.
    /// Blank input (or only commas and spaces) means "every type" (`None`).
    pub fn parse_types(csv: &str) -> Result<Option<BTreeSet<String>>, UnknownEventType> {
        let mut types = BTreeSet::new();
        for name in csv
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if !Event::TYPES.contains(&name) {
                return Err(UnknownEventType(name.to_owned()));
            }
            types.insert(name.to_owned());
        }
        Ok(if types.is_empty() { None } else { Some(types) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::health::HealthStatus;

    fn torrent(n: u8) -> Result<TorrentId, Box<dyn std::error::Error>> {
        Ok(TorrentId::parse(&format!("{n:040x}"))?)
    }

    fn completed(torrent: TorrentId) -> Event {
        Event::Completed {
            torrent,
            save_path: "/data".into(),
        }
    }

    #[test]
    fn empty_filter_matches_everything() -> Result<(), Box<dyn std::error::Error>> {
        let filter = EventFilter::all();
        assert!(filter.matches(&completed(torrent(1)?)));
        assert!(filter.matches(&Event::ConfigChanged { revision: 3 }));
        Ok(())
    }

    #[test]
    fn type_and_torrent_criteria_must_both_match() -> Result<(), Box<dyn std::error::Error>> {
        let filter = EventFilter {
            types: EventFilter::parse_types("completed, removed")?,
            torrent: Some(torrent(1)?),
        };
        assert!(filter.matches(&completed(torrent(1)?)));
        assert!(!filter.matches(&completed(torrent(2)?)));
        assert!(!filter.matches(&Event::TorrentAdded {
            torrent: torrent(1)?,
            name: "a".into()
        }));
        Ok(())
    }

    #[test]
    fn torrent_filter_excludes_process_wide_events() -> Result<(), Box<dyn std::error::Error>> {
        let filter = EventFilter {
            types: None,
            torrent: Some(torrent(1)?),
        };
        let health = Event::HealthChanged {
            component: "engine".into(),
            status: HealthStatus::Ok,
            detail: None,
        };
        assert!(!filter.matches(&health));
        assert!(!filter.matches(&Event::ConfigChanged { revision: 1 }));
        Ok(())
    }

    #[test]
    fn parse_types_rejects_unknown_and_treats_blank_as_all() {
        assert_eq!(EventFilter::parse_types(" , "), Ok(None));
        assert_eq!(
            EventFilter::parse_types("progress,bogus"),
            Err(UnknownEventType("bogus".into()))
        );
    }
}
