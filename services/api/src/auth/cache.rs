//! What this process remembers about API keys between requests.
//!
//! Two memories with different lifetimes:
//! - *decisions* (key id → digest of the secret, enabled, rate limit): a
//!   request with a remembered secret is decided without the database.
//!   They are forgotten on every settings revision (key changes bump it)
//!   and by the key routes on commit, so revocations hold at once;
//! - *proofs* (key id → digest of a secret that passed argon2, and the
//!   hash it passed against): they survive those clears, because a key's
//!   secret never changes. A request presenting a proven secret needs one
//!   database read to be decided again, no argon2, and so no throttling
//!   per address (see `crate::rate_limit::ip`).
//!
//! Rule against the revocation race: every clear starts a new
//! *generation*, and a verification stores its decision only if the
//! generation it read before its database lookup is still current; a
//! clear that lands between the lookup and the store is never undone.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::watch;

/// A remembered decision.
#[derive(Debug, Clone)]
pub(super) struct CachedKey {
    pub digest: [u8; 32],
    pub enabled: bool,
    pub burst: i32,
    pub per_seconds: i32,
    pub touched: Instant,
}

/// A secret that passed argon2 against `secret_hash`.
#[derive(Debug, Clone)]
pub(super) struct Proof {
    pub digest: [u8; 32],
    pub secret_hash: String,
}

#[derive(Debug, Default)]
struct Entries {
    /// Bumped by every [`KeyCache::clear`].
    generation: u64,
    decided: HashMap<String, CachedKey>,
    proven: HashMap<String, Proof>,
}

/// Verified keys by id (one shared instance per process).
#[derive(Debug, Clone)]
pub struct KeyCache {
    inner: Arc<Mutex<Entries>>,
    /// Announces every new generation to long-lived responses (event
    /// streams), which then check that their key still holds.
    generations: Arc<watch::Sender<u64>>,
}

impl Default for KeyCache {
    fn default() -> Self {
        Self {
            inner: Arc::default(),
            generations: Arc::new(watch::channel(0).0),
        }
    }
}

impl KeyCache {
    /// Forgets every decision and starts a new generation.
    pub fn clear(&self) {
        let generation = {
            let mut entries = self.lock();
            entries.generation += 1;
            entries.decided.clear();
            entries.generation
        };
        self.generations.send_replace(generation);
    }

    /// Follows the generation: changes whenever the cache is cleared.
    pub fn watch(&self) -> watch::Receiver<u64> {
        self.generations.subscribe()
    }

    /// Forgets everything about a deleted key, its proof included.
    pub fn forget(&self, key_id: &str) {
        let mut entries = self.lock();
        entries.decided.remove(key_id);
        entries.proven.remove(key_id);
    }

    /// The current generation (read it before a database lookup whose
    /// outcome will be stored).
    pub fn generation(&self) -> u64 {
        self.lock().generation
    }

    /// Stores a decision unless the cache was cleared since `generation`;
    /// returns whether it did.
    pub(super) fn decide(&self, generation: u64, key_id: &str, key: CachedKey) -> bool {
        let mut entries = self.lock();
        let current = entries.generation == generation;
        if current {
            entries.decided.insert(key_id.to_string(), key);
        }
        current
    }

    /// Remembers that a secret passed argon2 (whatever the generation: a
    /// proof decides nothing by itself).
    pub(super) fn prove(&self, key_id: &str, proof: Proof) {
        self.lock().proven.insert(key_id.to_string(), proof);
    }

    /// The decision for a key, with the generation it belongs to.
    pub(super) fn decision(&self, key_id: &str) -> (Option<CachedKey>, u64) {
        let entries = self.lock();
        (entries.decided.get(key_id).cloned(), entries.generation)
    }

    /// The proof for a key, if any.
    pub(super) fn proof(&self, key_id: &str) -> Option<Proof> {
        self.lock().proven.get(key_id).cloned()
    }

    pub(super) fn touched(&self, key_id: &str) {
        if let Some(entry) = self.lock().decided.get_mut(key_id) {
            entry.touched = Instant::now();
        }
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cached() -> CachedKey {
        CachedKey {
            digest: [1; 32],
            enabled: true,
            burst: 1,
            per_seconds: 1,
            touched: Instant::now(),
        }
    }

    #[test]
    fn a_decision_read_before_a_clear_is_not_stored() {
        let cache = KeyCache::default();
        let before = cache.generation();
        cache.clear();
        assert!(!cache.decide(before, "k", cached()));
        assert!(cache.decision("k").0.is_none(), "stale decision kept");
        let now = cache.generation();
        assert!(cache.decide(now, "k", cached()));
        assert!(cache.decision("k").0.is_some());
        cache.clear();
        assert!(cache.decision("k").0.is_none());
    }

    #[test]
    fn proofs_survive_clears_but_not_deletion() {
        let cache = KeyCache::default();
        let proof = Proof {
            digest: [2; 32],
            secret_hash: "$argon2id$x".into(),
        };
        cache.prove("k", proof);
        cache.clear();
        assert!(cache.proof("k").is_some());
        cache.forget("k");
        assert!(cache.proof("k").is_none());
    }
}
