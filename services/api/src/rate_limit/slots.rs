//! Verification slots per key id, for clients whose address is over its
//! failed-authentication budget.
//!
//! Why: the address bucket is shared by everyone behind one address (a NAT,
//! a reverse proxy). When nothing is remembered about a key (after a
//! restart), its first request needs an argon2 verification, and without a
//! slot a client failing at that address more than once a second would keep
//! it at `429` for as long as it kept failing. While its address is over
//! budget, a request may still have its secret verified once per
//! [`SLOT_EVERY`] per key id. A slot exists only for a key id that is in the
//! database, so spraying made-up ids earns nothing; a client that knows an
//! id (64 random bits: it cannot guess one) gets one try at its 256-bit
//! secret per slot, which costs neither CPU nor safety.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often one key id may be verified for an over-budget address.
pub const SLOT_EVERY: Duration = Duration::from_secs(10);

/// The time each key id last used its slot.
#[derive(Debug)]
pub(crate) struct KeySlots {
    every: Duration,
    last: Mutex<HashMap<String, Instant>>,
}

impl KeySlots {
    pub(crate) fn new(every: Duration) -> Self {
        Self {
            every,
            last: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `key_id`'s slot; `Err(wait)` while it was used within the period.
    pub(crate) fn take(&self, key_id: &str) -> Result<(), Duration> {
        let now = Instant::now();
        let mut last = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = last.get(key_id) {
            let since = now.saturating_duration_since(*at);
            if since < self.every {
                return Err(self.every - since);
            }
        }
        last.insert(key_id.to_string(), now);
        Ok(())
    }

    /// Drops a deleted key's entry (the table stays bounded by the keys).
    pub(crate) fn forget(&self, key_id: &str) {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_slot_per_key_id_per_period() {
        let slots = KeySlots::new(Duration::from_secs(60));
        assert!(slots.take("a").is_ok());
        let wait = slots.take("a").err();
        assert!(
            wait.is_some_and(|w| w > Duration::from_secs(50)),
            "{wait:?}"
        );
        assert!(slots.take("b").is_ok(), "other ids have their own slot");
        slots.forget("a");
        assert!(slots.take("a").is_ok(), "a forgotten id starts afresh");
    }

    #[test]
    fn the_slot_comes_back_after_the_period() {
        let slots = KeySlots::new(Duration::from_millis(1));
        assert!(slots.take("a").is_ok());
        std::thread::sleep(Duration::from_millis(5));
        assert!(slots.take("a").is_ok());
    }
}
