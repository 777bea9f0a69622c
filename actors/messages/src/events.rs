//! The message that hands a domain event to the event hub.

use actix::Message;

pub use revaer_domain::events::*;

/// Hand an event to the hub. Fire-and-forget: publishers never wait on subscribers.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct Publish {
    /// What happened, as subscribers will see it.
    pub event: Event,
    /// Request that caused it, for log correlation.
    pub request_id: Option<String>,
}

impl Publish {
    /// An event without a causing request.
    pub fn new(event: Event) -> Self {
        Self {
            event,
            request_id: None,
        }
    }
}
