//! Graceful stop: resume data for every torrent, written before exit.

use libtorrent_sys::{AlertKind, Session};
use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::resume::ResumeStore;

/// Requests resume data for `ids`, waits (up to `timeout`) for the alerts
/// and writes each file atomically. Returns how many were saved. Runs on a
/// blocking thread; other alerts drained meanwhile are irrelevant at exit.
pub fn save_all(
    session: &Session,
    store: &ResumeStore,
    ids: &[String],
    timeout: Duration,
) -> usize {
    let mut waiting: HashSet<String> = HashSet::new();
    for id in ids {
        if session.save_resume_data(id).is_ok() {
            waiting.insert(id.clone());
        }
    }
    let deadline = Instant::now() + timeout;
    let mut saved = 0;
    while !waiting.is_empty() && Instant::now() < deadline {
        let _ = session.wait_for_alert(Duration::from_millis(200));
        let Ok(alerts) = session.pop_alerts() else {
            break;
        };
        for alert in alerts {
            let Some(id) = alert.torrent_id else { continue };
            match alert.kind {
                AlertKind::SaveResumeData { data } if waiting.remove(&id) => {
                    match store.write(&id, &data) {
                        Ok(()) => saved += 1,
                        Err(err) => {
                            tracing::error!(torrent.info_hash = %id, error = %err, "cannot write resume data")
                        }
                    }
                }
                AlertKind::SaveResumeDataFailed { error } if waiting.remove(&id) => {
                    tracing::debug!(torrent.info_hash = %id, error = %error, "resume data not saved at shutdown");
                }
                _ => {}
            }
        }
    }
    if !waiting.is_empty() {
        tracing::warn!(
            engine.missing = waiting.len(),
            "shutdown timed out waiting for resume data"
        );
    }
    saved
}
