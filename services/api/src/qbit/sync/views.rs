//! What each client last received from `sync/maindata`, so the next
//! response can carry only what changed.
//!
//! Rules:
//! - a client is its login session, or its API key when it authenticates
//!   per request; its view is kept only for its last response (`rid`), as
//!   qBittorrent does; any other `rid` gets a full update;
//! - `rid`s come from one process-wide counter, so two clients sharing a
//!   key never mistake each other's responses for their own;
//! - a torrent is remembered as one hash per field (not its values), so a
//!   view of 10,000 torrents costs a few MB; a changed field is sent whole;
//! - at most [`MAX_VIEWS`] clients are remembered (least recently served
//!   forgotten first: they get a full update next time);
//! - `swept` is when the client last had every running torrent re-read
//!   (see `sync/mod.rs`).

use serde_json::{Map, Value};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Clients remembered at once.
pub const MAX_VIEWS: usize = 64;

/// Field hashes of one object, by field name.
pub type Fingerprint = HashMap<String, u64>;

/// What one client last received.
#[derive(Debug, Clone, Default)]
pub struct ClientView {
    /// The `rid` of that response.
    pub rid: u64,
    /// The feed's sequence number the response was built at.
    pub seq: u64,
    /// Torrents by hash.
    pub torrents: HashMap<String, Fingerprint>,
    /// Categories as sent.
    pub categories: Map<String, Value>,
    /// Tags as sent.
    pub tags: Vec<String>,
    /// Server state as sent.
    pub server_state: Map<String, Value>,
    /// When it was last kept (a tick of [`Views`]), for forgetting.
    pub used: u64,
    /// When its running torrents were last all re-read (`None`: never).
    pub swept: Option<Instant>,
}

fn field_hash(value: &Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.to_string().hash(&mut hasher);
    hasher.finish()
}

/// The fingerprint of an object.
pub fn fingerprint(object: &Map<String, Value>) -> Fingerprint {
    object
        .iter()
        .map(|(key, value)| (key.clone(), field_hash(value)))
        .collect()
}

/// The fields of `object` that differ from `before`.
pub fn changed_fields(object: &Map<String, Value>, before: &Fingerprint) -> Map<String, Value> {
    object
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(&field_hash(value)))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The entries of `now` that are new or differ from `before`, and the keys
/// of `before` that are gone.
pub fn map_delta(
    now: &Map<String, Value>,
    before: &Map<String, Value>,
) -> (Map<String, Value>, Vec<String>) {
    let changed = now
        .iter()
        .filter(|(key, value)| before.get(*key) != Some(*value))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect();
    let gone = before
        .keys()
        .filter(|key| !now.contains_key(*key))
        .cloned()
        .collect();
    (changed, gone)
}

/// The views of every client, and the `rid` counter.
#[derive(Debug, Clone, Default)]
pub struct Views {
    views: Arc<Mutex<HashMap<String, ClientView>>>,
    rids: Arc<AtomicU64>,
    uses: Arc<AtomicU64>,
}

impl Views {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, ClientView>> {
        match self.views.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// A fresh `rid`.
    pub fn next_rid(&self) -> u64 {
        self.rids.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Takes the client's view when its last response was `rid`.
    pub fn take(&self, client: &str, rid: u64) -> Option<ClientView> {
        let mut views = self.lock();
        match views.get(client) {
            Some(view) if rid != 0 && view.rid == rid => views.remove(client),
            _ => None,
        }
    }

    /// Keeps a client's view (forgetting the least recently served one when full).
    pub fn put(&self, client: String, mut view: ClientView) {
        view.used = self.uses.fetch_add(1, Ordering::Relaxed);
        let mut views = self.lock();
        if views.len() >= MAX_VIEWS && !views.contains_key(&client) {
            let oldest = views
                .iter()
                .min_by_key(|(_, v)| v.used)
                .map(|(k, _)| k.clone());
            if let Some(key) = oldest {
                views.remove(&key);
            }
        }
        views.insert(client, view);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn only_changed_fields_are_sent() {
        let before = fingerprint(&object(
            json!({"progress": 0.5, "state": "downloading", "name": "x"}),
        ));
        let now = object(json!({"progress": 0.75, "state": "downloading", "name": "x"}));
        assert_eq!(
            changed_fields(&now, &before),
            object(json!({"progress": 0.75}))
        );
        let (changed, gone) = map_delta(
            &object(json!({"a": 1, "b": 3})),
            &object(json!({"a": 1, "b": 2, "c": 4})),
        );
        assert_eq!(
            (changed, gone),
            (object(json!({"b": 3})), vec!["c".to_string()])
        );
    }

    #[test]
    fn a_view_answers_only_its_own_rid_and_the_oldest_goes_first() {
        let views = Views::default();
        let rid = views.next_rid();
        views.put(
            "a".into(),
            ClientView {
                rid,
                ..ClientView::default()
            },
        );
        assert!(views.take("a", rid + 1).is_none());
        assert!(views.take("a", 0).is_none(), "rid 0 asks for a full update");
        assert!(views.take("a", rid).is_some());
        assert!(views.take("a", rid).is_none(), "taken");
        for n in 0..=MAX_VIEWS {
            views.put(
                format!("c{n}"),
                ClientView {
                    rid: 1,
                    ..ClientView::default()
                },
            );
        }
        assert!(
            views.take("c0", 1).is_none(),
            "the least recently served was forgotten"
        );
        assert!(views.take(&format!("c{MAX_VIEWS}"), 1).is_some());
    }
}
