//! Login sessions of the qBittorrent facade (`auth/login` → `SID` cookie).
//!
//! Rules:
//! - a session stands for the API key that logged in; it ends on logout,
//!   after [`IDLE_TIMEOUT`] without use, or as soon as its key is disabled
//!   or deleted (checked against the database whenever the key cache moved
//!   to a new generation, which every key change causes);
//! - session ids are 256 random bits; only their SHA-256 digest is kept, so
//!   a memory dump does not hand out live cookies;
//! - at most [`MAX_SESSIONS`] live at once: when full, expired ones are
//!   dropped first, then the least recently used.

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::auth::AuthenticatedKey;

/// A session unused this long is gone (qBittorrent's default timeout).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(3600);
/// Most sessions kept at once.
pub const MAX_SESSIONS: usize = 10_000;

#[derive(Debug, Clone)]
struct Session {
    key: AuthenticatedKey,
    last_used: Instant,
    /// Key-cache generation at which the key was last known valid.
    generation: u64,
}

/// What a session cookie is worth right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionCheck {
    /// Valid, and the key was confirmed at the current revision.
    Valid(AuthenticatedKey),
    /// Valid until the key cache moved on: confirm the key, then call
    /// [`SessionStore::confirm`] (or [`SessionStore::end`]).
    Reconfirm(AuthenticatedKey),
    /// Unknown or expired.
    Invalid,
}

/// The live sessions, shared by every worker.
#[derive(Debug, Clone, Default)]
pub struct SessionStore {
    inner: Arc<Mutex<HashMap<[u8; 32], Session>>>,
}

fn digest(sid: &str) -> [u8; 32] {
    Sha256::digest(sid.as_bytes()).into()
}

impl SessionStore {
    fn lock(&self) -> MutexGuard<'_, HashMap<[u8; 32], Session>> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Starts a session for `key`; `sid` is the new cookie value.
    pub fn start(&self, sid: &str, key: AuthenticatedKey, now: Instant) {
        let mut sessions = self.lock();
        if sessions.len() >= MAX_SESSIONS {
            sessions.retain(|_, s| now.duration_since(s.last_used) < IDLE_TIMEOUT);
        }
        if sessions.len() >= MAX_SESSIONS {
            let oldest = sessions
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(id, _)| *id);
            if let Some(id) = oldest {
                sessions.remove(&id);
            }
        }
        let generation = key.generation;
        sessions.insert(
            digest(sid),
            Session {
                key,
                last_used: now,
                generation,
            },
        );
    }

    /// Looks a cookie up at key-cache generation `generation`, refreshing
    /// its idle timer when it is valid.
    pub fn check(&self, sid: &str, generation: u64, now: Instant) -> SessionCheck {
        let mut sessions = self.lock();
        let id = digest(sid);
        let Some(session) = sessions.get_mut(&id) else {
            return SessionCheck::Invalid;
        };
        if now.duration_since(session.last_used) >= IDLE_TIMEOUT {
            sessions.remove(&id);
            return SessionCheck::Invalid;
        }
        session.last_used = now;
        if session.generation >= generation {
            SessionCheck::Valid(session.key.clone())
        } else {
            SessionCheck::Reconfirm(session.key.clone())
        }
    }

    /// Records that the session's key is still valid (at `key.generation`,
    /// with its current rate limit).
    pub fn confirm(&self, sid: &str, key: AuthenticatedKey) {
        if let Some(session) = self.lock().get_mut(&digest(sid)) {
            session.generation = session.generation.max(key.generation);
            session.key = key;
        }
    }

    /// Ends a session (logout, or its key is gone).
    pub fn end(&self, sid: &str) {
        self.lock().remove(&digest(sid));
    }

    /// Live sessions (expired ones may still be counted until touched).
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// True when no session is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, generation: u64) -> AuthenticatedKey {
        AuthenticatedKey {
            key_id: id.into(),
            burst: 10,
            per_seconds: 60,
            generation,
        }
    }

    #[test]
    fn sessions_expire_when_idle_and_reconfirm_when_the_cache_moves() {
        let store = SessionStore::default();
        let t0 = Instant::now();
        store.start("sid-a", key("a", 5), t0);
        assert_eq!(
            store.check("sid-a", 5, t0),
            SessionCheck::Valid(key("a", 5))
        );
        assert_eq!(store.check("sid-b", 5, t0), SessionCheck::Invalid);
        assert_eq!(
            store.check("sid-a", 6, t0),
            SessionCheck::Reconfirm(key("a", 5))
        );
        store.confirm("sid-a", key("a", 6));
        assert_eq!(
            store.check("sid-a", 6, t0),
            SessionCheck::Valid(key("a", 6))
        );

        let later = t0 + IDLE_TIMEOUT - Duration::from_secs(1);
        assert_eq!(
            store.check("sid-a", 6, later),
            SessionCheck::Valid(key("a", 6))
        );
        let idle = later + IDLE_TIMEOUT;
        assert_eq!(store.check("sid-a", 6, idle), SessionCheck::Invalid);
        assert!(store.is_empty());
    }

    #[test]
    fn logout_ends_a_session() {
        let store = SessionStore::default();
        let now = Instant::now();
        store.start("sid", key("a", 1), now);
        store.end("sid");
        assert_eq!(store.check("sid", 1, now), SessionCheck::Invalid);
    }
}
