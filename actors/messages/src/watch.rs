//! Messages of the configuration watcher.

use actix::{Message, Recipient};
use std::sync::Arc;

use crate::config::ConfigSnapshot;

/// A new settings revision is in force. Sent to every subscriber, in order of
/// revision; a subscriber never sees a revision lower than one it already saw.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct ConfigChanged {
    /// The complete configuration at the new revision.
    pub snapshot: Arc<ConfigSnapshot>,
}

/// Subscribe to [`ConfigChanged`]. The reply is the current snapshot (if one
/// was loaded yet), so a subscriber starts from a known state.
#[derive(Debug, Message)]
#[rtype(result = "Option<Arc<ConfigSnapshot>>")]
pub struct SubscribeConfig(pub Recipient<ConfigChanged>);
