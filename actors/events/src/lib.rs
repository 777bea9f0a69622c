//! The event hub: numbers every domain event, keeps the newest ones for
//! replay, and fans them out to SSE subscribers.
//!
//! Rules:
//! - ids are contiguous and strictly increasing for the life of the process
//!   (an actor restart keeps them); a client resumes with `Last-Event-ID`
//!   and gets exactly the events it missed, or a [`HubItem::Resync`] when
//!   that is no longer possible.
//! - publishing never waits on a subscriber: each has a bounded queue and is
//!   dropped when it is full, so one stalled client cannot stall the others.
//! - the HTTP layer stays a thin adapter that knows only the messages in
//!   `revaer_messages::hub`: send [`Subscribe`], frame each [`HubItem`], send
//!   [`Unsubscribe`] when the client goes away. The messages are re-exported
//!   here for the daemon wiring and the hub's own tests.

mod buffer;
mod hub;
mod metrics;

pub use hub::{EventHub, HubConfig};
pub use metrics::HubMetrics;
pub use revaer_messages::events::Publish;
pub use revaer_messages::hub::{
    EventFilter, HubItem, HubStats, HubStatsReply, Subscribe, Subscription, UnknownEventType,
    Unsubscribe,
};
