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
//! - the HTTP layer stays a thin adapter: send [`Subscribe`], turn each
//!   [`HubItem`] into text with [`sse::frame`], send [`Unsubscribe`] when the
//!   client goes away.

mod buffer;
mod filter;
mod hub;
mod messages;
mod metrics;
pub mod sse;

pub use filter::{EventFilter, UnknownEventType};
pub use hub::{EventHub, HubConfig};
pub use messages::{HubItem, HubStats, HubStatsReply, Subscribe, Subscription, Unsubscribe};
pub use metrics::HubMetrics;
pub use revaer_messages::events::Publish;
