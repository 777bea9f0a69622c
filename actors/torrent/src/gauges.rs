//! Gauges that are sampled rather than driven by alerts: connected peers,
//! DHT nodes, the peer port, and free space under the download root.
//!
//! Why a separate, slower timer: asking libtorrent for its DHT table and the
//! filesystem for free space ten times a second (the pump's rate) buys
//! nothing for a scrape every 15 s or more.

use nix::sys::statvfs::statvfs;
use std::path::Path;
use std::time::Duration;

use crate::actor::TorrentSession;

/// How often the sampled gauges are refreshed.
pub(crate) const HOST_GAUGES_EVERY: Duration = Duration::from_secs(1);

impl TorrentSession {
    pub(crate) fn update_host_gauges(&self) {
        let metrics = &self.options.metrics;
        let peers: i64 = self
            .torrents
            .values()
            .filter_map(|tracked| tracked.status.as_ref())
            .map(|status| i64::from(status.num_peers))
            .sum();
        metrics.peers.set(peers);
        let status = self.status();
        metrics.listening.set(i64::from(status.listening));
        metrics.dht_nodes.set(status.dht_nodes);
        metrics
            .dht_enabled
            .set(i64::from(self.config.engine_profile.dht));
        let free = free_bytes(Path::new(&self.config.engine_profile.download_root));
        metrics.download_root_free.set(free.unwrap_or(0));
    }
}

/// Bytes available to unprivileged users on the filesystem that holds
/// `path`, or would hold it: a download root not created yet (the engine
/// creates it on the first add) reports its nearest existing ancestor.
pub(crate) fn free_bytes(path: &Path) -> Option<i64> {
    let stats = path.ancestors().find_map(|dir| statvfs(dir).ok())?;
    let bytes = u128::from(stats.blocks_available()) * u128::from(stats.fragment_size());
    Some(i64::try_from(bytes).unwrap_or(i64::MAX))
}
