//! Actors the server cannot work without. actix's supervisor restarts an
//! actor that stops, but not one whose thread died in a panic: its mailbox
//! closes and every request to it fails while the process keeps running.
//! Readiness (`/health`) therefore checks that each vital actor's mailbox is
//! still open, so a process supervisor or load balancer sees the failure
//! (release builds also abort on panic; see `Cargo.toml`).

use actix::{Actor, Addr};
use std::sync::Arc;

/// One actor whose death makes the server unready.
#[derive(Clone)]
pub struct VitalActor {
    /// Its component name on `/health/full`.
    pub name: &'static str,
    alive: Arc<dyn Fn() -> bool + Send + Sync>,
}

impl VitalActor {
    /// Alive while `addr`'s mailbox is open.
    pub fn of<A: Actor>(name: &'static str, addr: &Addr<A>) -> Self {
        let addr = addr.clone();
        Self::new(name, move || addr.connected())
    }

    /// Alive while `alive` says so.
    pub fn new(name: &'static str, alive: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        Self {
            name,
            alive: Arc::new(alive),
        }
    }

    /// Whether it is alive now.
    pub fn alive(&self) -> bool {
        (self.alive)()
    }
}
