//! Tracker failures in the log: once at info, repeats at debug.
//!
//! Why: libtorrent reports a failing tracker on every retry and once per
//! listen socket, so an unreachable tracker would otherwise fill the log
//! with identical lines. The counter `revaer_engine_tracker_errors_total`
//! still counts every one.

use crate::actor::TorrentSession;

impl TorrentSession {
    /// Logs a tracker failure at info once, and its repeats (retries, one
    /// alert per listen socket) at debug until the error changes.
    pub(crate) fn log_tracker_error(&mut self, id: &str, url: String, error: String) {
        let repeat = self.tracker_errors.get(&(id.to_string(), url.clone())) == Some(&error);
        if repeat {
            tracing::debug!(torrent.info_hash = id, tracker.url = %url, error = %error, "tracker error (repeated)");
            return;
        }
        tracing::info!(torrent.info_hash = id, tracker.url = %url, error = %error, "tracker error");
        self.tracker_errors.insert((id.to_string(), url), error);
    }
}
