//! Construction options and the mapping from `engine_profile` to session settings.

use actix::Recipient;
use libtorrent_sys::{
    EncryptionPolicy as LtEncryption, PeerProtocol as LtPeerProtocol, SessionSettings,
};
use revaer_messages::config::{ConfigSnapshot, EncryptionPolicy, EngineProfile, PeerProtocol};
use revaer_messages::events::Publish;
use revaer_messages::health::HealthBoard;
use revaer_schema::PgPool;
use std::sync::Arc;
use std::time::Duration;

use crate::metrics::EngineMetrics;
use crate::view::EngineView;

/// Everything the engine needs from the composition root.
#[derive(Clone)]
pub struct EngineOptions {
    /// Catalogue database.
    pub pool: PgPool,
    /// Configuration at start (later revisions arrive as `ConfigChanged`).
    pub config: Arc<ConfigSnapshot>,
    /// Where domain events go.
    pub events: Option<Recipient<Publish>>,
    /// Health board.
    pub health: HealthBoard,
    /// Metrics.
    pub metrics: EngineMetrics,
    /// Port mapping on the router (off for loopback tests).
    pub port_mapping: bool,
    /// Alert pump interval.
    pub tick: Duration,
    /// Minimum time between two `progress` events of one torrent (see `progress.rs`).
    pub progress_interval: Duration,
    /// How often changed torrents get their resume data saved.
    pub resume_interval: Duration,
    /// How long shutdown waits for resume data.
    pub shutdown_timeout: Duration,
    /// The snapshot list and detail queries read (see `view.rs`); give a
    /// clone to a `TorrentReader`.
    pub view: EngineView,
}

impl EngineOptions {
    /// Production defaults.
    pub fn new(
        pool: PgPool,
        config: Arc<ConfigSnapshot>,
        health: HealthBoard,
        metrics: EngineMetrics,
    ) -> Self {
        Self {
            pool,
            config,
            events: None,
            health,
            metrics,
            port_mapping: true,
            tick: Duration::from_millis(100),
            progress_interval: Duration::from_secs(1),
            resume_interval: Duration::from_secs(30),
            shutdown_timeout: Duration::from_secs(10),
            view: EngineView::default(),
        }
    }
}

/// Maps the engine profile to libtorrent settings.
pub fn session_settings(profile: &EngineProfile, port_mapping: bool) -> SessionSettings {
    let interface = if profile.listen_interface.contains(':') {
        format!("[{}]", profile.listen_interface)
    } else {
        profile.listen_interface.clone()
    };
    let loopback =
        profile.listen_interface.starts_with("127.") || profile.listen_interface == "::1";
    let clamp = |v: i64| i32::try_from(v.max(0)).unwrap_or(i32::MAX);
    SessionSettings {
        listen_interfaces: format!("{interface}:{}", profile.listen_port),
        enable_dht: profile.dht,
        enable_lsd: profile.lsd,
        enable_upnp: port_mapping && !loopback,
        enable_natpmp: port_mapping && !loopback,
        enable_pex: profile.pex,
        encryption: match profile.encryption {
            EncryptionPolicy::Enabled => LtEncryption::Enabled,
            EncryptionPolicy::Forced => LtEncryption::Forced,
            EncryptionPolicy::Disabled => LtEncryption::Disabled,
        },
        peer_protocol: match profile.peer_protocol {
            PeerProtocol::PreferTcp => LtPeerProtocol::PreferTcp,
            PeerProtocol::TcpAndUtp => LtPeerProtocol::TcpAndUtp,
            PeerProtocol::Tcp => LtPeerProtocol::Tcp,
            PeerProtocol::Utp => LtPeerProtocol::Utp,
        },
        active_downloads: profile.max_active,
        active_seeds: profile.max_active,
        active_limit: profile.max_active,
        connections_limit: profile.max_connections,
        download_rate_limit: clamp(profile.max_download_bps),
        upload_rate_limit: clamp(profile.max_upload_bps),
        user_agent: profile.tracker_user_agent.clone(),
    }
}

#[cfg(test)]
mod tests;
