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

use std::sync::Arc;

use actix::Message;
use tokio::sync::mpsc;

use crate::events::EventEnvelope;
pub use revaer_domain::event_filter::{EventFilter, UnknownEventType};

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
