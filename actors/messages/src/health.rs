//! Component health as reported by `/health/full`.
//!
//! Each long-lived component owns one entry on a shared board and updates it
//! when its condition changes; the HTTP layer only reads it. Once the board
//! is told where events go ([`HealthBoard::announce_to`]), every change of a
//! component's status is published as a `health_changed` event, whichever
//! component made it: no component has to remember to announce itself.

use actix::Recipient;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};

use crate::events::{Event, Publish};
pub use revaer_domain::health::{ComponentHealth, HealthStatus};

/// The shared board of component health, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct HealthBoard {
    inner: Arc<RwLock<BTreeMap<String, ComponentHealth>>>,
    announce: Arc<OnceLock<Recipient<Publish>>>,
}

impl HealthBoard {
    /// Publishes every later status change to `events` (the event hub). Set
    /// once, at boot; a second call is ignored.
    pub fn announce_to(&self, events: Recipient<Publish>) {
        let _ = self.announce.set(events);
    }

    /// Records a component's health; returns true when its status changed
    /// or it is new (a change of an existing entry is announced, see
    /// [`HealthBoard::announce_to`]).
    pub fn set(&self, component: &str, health: ComponentHealth) -> bool {
        let status = health.status;
        let detail = health.detail.clone();
        let previous = {
            let mut map = match self.inner.write() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            map.insert(component.to_string(), health)
                .map(|old| old.status)
        };
        let changed = previous != Some(status);
        // A component's first report is its registration, not a change.
        if changed && previous.is_some() {
            if let Some(events) = self.announce.get() {
                // Why do_send: callers hold no lock here, and a full hub
                // mailbox must not block a component reporting its health.
                events.do_send(Publish::new(Event::HealthChanged {
                    component: component.to_string(),
                    status,
                    detail,
                }));
            }
        }
        changed
    }

    /// A copy of every component's health.
    pub fn snapshot(&self) -> BTreeMap<String, ComponentHealth> {
        match self.inner.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
