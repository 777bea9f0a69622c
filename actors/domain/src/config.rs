//! The runtime configuration, as one immutable snapshot per settings revision.
//!
//! The snapshot is loaded from PostgreSQL by the config watcher and handed to
//! subscribers behind an `Arc`; nobody mutates it in place.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::labels::Category;

/// Whether the instance still waits for its first-run setup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Locked: only health, metrics, docs and setup routes answer.
    Setup,
    /// Normal operation.
    Active,
}

impl Mode {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Setup => "setup",
            Mode::Active => "active",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "setup" => Some(Mode::Setup),
            "active" => Some(Mode::Active),
            _ => None,
        }
    }
}

/// Peer connection encryption policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EncryptionPolicy {
    /// Offer encryption, accept plaintext peers.
    Enabled,
    /// Refuse plaintext peers.
    Forced,
    /// Never encrypt.
    Disabled,
}

impl EncryptionPolicy {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EncryptionPolicy::Enabled => "enabled",
            EncryptionPolicy::Forced => "forced",
            EncryptionPolicy::Disabled => "disabled",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "enabled" => Some(Self::Enabled),
            "forced" => Some(Self::Forced),
            "disabled" => Some(Self::Disabled),
            _ => None,
        }
    }
}

/// Transport protocols used for peer connections (qBittorrent's "peer
/// connection protocol").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeerProtocol {
    /// The default: outgoing connections over TCP, incoming ones over TCP
    /// or uTP. Why: libtorrent dials uTP first when both are on, and uTP
    /// never opens up on loopback or a fast LAN (a local peer delivered
    /// 19-24 MB/s over uTP and 380-400 MB/s over TCP, docs/benchmarks.md),
    /// while peers that can only reach us over uTP are still accepted.
    PreferTcp,
    /// TCP and uTP both ways. libtorrent tries uTP first for outgoing
    /// connections; uTP yields to other traffic, which suits a shared home
    /// uplink, but it is much slower than TCP on loopback and fast LANs.
    TcpAndUtp,
    /// TCP only, both ways.
    Tcp,
    /// uTP only, both ways.
    Utp,
}

impl PeerProtocol {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PeerProtocol::PreferTcp => "prefer_tcp",
            PeerProtocol::TcpAndUtp => "tcp_and_utp",
            PeerProtocol::Tcp => "tcp",
            PeerProtocol::Utp => "utp",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "prefer_tcp" => Some(Self::PreferTcp),
            "tcp_and_utp" => Some(Self::TcpAndUtp),
            "tcp" => Some(Self::Tcp),
            "utp" => Some(Self::Utp),
            _ => None,
        }
    }
}

/// What happens to a torrent that reached a share limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShareLimitAction {
    /// Stop seeding (the torrent stays, paused).
    Pause,
    /// Remove the torrent, keeping its data.
    Remove,
    /// Remove the torrent and delete its data where it is now (after an
    /// FsOps `move` that is the library copy: meant for hardlink or copy
    /// set-ups, where the library keeps its own).
    RemoveWithData,
    /// Keep seeding in super seeding mode (BEP 16), which spreads each
    /// piece once instead of serving whatever peers ask for.
    SuperSeed,
}

impl ShareLimitAction {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareLimitAction::Pause => "pause",
            ShareLimitAction::Remove => "remove",
            ShareLimitAction::RemoveWithData => "remove_with_data",
            ShareLimitAction::SuperSeed => "super_seed",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "pause" => Some(Self::Pause),
            "remove" => Some(Self::Remove),
            "remove_with_data" => Some(Self::RemoveWithData),
            "super_seed" => Some(Self::SuperSeed),
            _ => None,
        }
    }
}

/// How FsOps places a finished payload into the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MoveMode {
    /// Move (the engine follows the files and keeps seeding from the library).
    Move,
    /// Copy, leaving the download where it is.
    Copy,
    /// Hard-link, falling back to copy across filesystems.
    Hardlink,
}

impl MoveMode {
    /// The database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            MoveMode::Move => "move",
            MoveMode::Copy => "copy",
            MoveMode::Hardlink => "hardlink",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "move" => Some(Self::Move),
            "copy" => Some(Self::Copy),
            "hardlink" => Some(Self::Hardlink),
            _ => None,
        }
    }
}

/// Instance-wide settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppProfile {
    /// Display name of this instance.
    pub instance_name: String,
    /// `setup` until first-run setup completes, then `active`. Read-only over the API.
    pub mode: Mode,
    /// Address the HTTP server binds to.
    pub bind_addr: String,
    /// TCP port of the HTTP server.
    pub http_port: i32,
    /// Whether anonymous usage telemetry is allowed (nothing is sent today).
    pub telemetry: bool,
    /// Feature flags by name.
    pub features: serde_json::Map<String, serde_json::Value>,
    /// Dotted field names (`app_profile.http_port`) that the API refuses to change.
    pub immutable_keys: Vec<String>,
}

/// Torrent engine settings, applied to the live session on change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EngineProfile {
    /// Peer listen port (0 lets the OS choose).
    pub listen_port: i32,
    /// Interface the engine listens on.
    pub listen_interface: String,
    /// Distributed hash table.
    pub dht: bool,
    /// Peer exchange (takes effect on the next engine restart).
    pub pex: bool,
    /// Local service discovery.
    pub lsd: bool,
    /// Peer encryption policy.
    pub encryption: EncryptionPolicy,
    /// Transport protocols for peer connections.
    pub peer_protocol: PeerProtocol,
    /// Maximum number of active torrents (-1 = unlimited).
    pub max_active: i32,
    /// Peer connections open at once, all torrents together (2-65535;
    /// qBittorrent's default of 500; libtorrent's own 200 strands torrents
    /// once more than 200 are active, each waiting for its first peer).
    #[serde(default = "EngineProfile::default_max_connections")]
    pub max_connections: i32,
    /// Global download limit in bytes per second (0 = unlimited).
    pub max_download_bps: i64,
    /// Global upload limit in bytes per second (0 = unlimited).
    pub max_upload_bps: i64,
    /// Whether new torrents download sequentially unless told otherwise.
    pub sequential_default: bool,
    /// Directory for fast-resume files.
    pub resume_dir: String,
    /// Default save path of new torrents.
    pub download_root: String,
    /// User agent announced to trackers.
    pub tracker_user_agent: String,
    /// Stop seeding at this upload/download ratio (`null`: no limit).
    pub share_ratio_limit: Option<f64>,
    /// Stop seeding after this many minutes of seeding (`null`: no limit).
    pub share_time_limit_minutes: Option<i32>,
    /// Stop seeding after this many minutes without any transfer
    /// (`null`: no limit).
    #[serde(default)]
    pub share_inactive_limit_minutes: Option<i32>,
    /// What reaching a share limit does.
    pub share_limit_action: ShareLimitAction,
}

impl EngineProfile {
    /// The shipped `max_connections`.
    pub fn default_max_connections() -> i32 {
        500
    }
}

impl Default for EngineProfile {
    /// The shipped defaults: what a fresh database holds (the migrations'
    /// column defaults; `schema/tests/migrations.rs` checks they agree).
    fn default() -> Self {
        Self {
            listen_port: 6881,
            listen_interface: "0.0.0.0".into(),
            dht: true,
            pex: true,
            lsd: false,
            encryption: EncryptionPolicy::Enabled,
            peer_protocol: PeerProtocol::PreferTcp,
            max_active: 8,
            max_connections: Self::default_max_connections(),
            max_download_bps: 0,
            max_upload_bps: 0,
            sequential_default: false,
            resume_dir: "/var/lib/revaer/resume".into(),
            download_root: "/var/lib/revaer/downloads".into(),
            tracker_user_agent: "Revaer/0.1".into(),
            share_ratio_limit: None,
            share_time_limit_minutes: None,
            share_inactive_limit_minutes: None,
            share_limit_action: ShareLimitAction::Pause,
        }
    }
}

/// Post-processing (FsOps) policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FsPolicy {
    /// Root of the media library.
    pub library_root: String,
    /// Extract archives found in a finished payload.
    pub extract: bool,
    /// Flatten nested folders into the destination.
    pub flatten: bool,
    /// Move, copy or hard-link into the library.
    pub move_mode: MoveMode,
    /// Globs of files to keep during cleanup (empty keeps everything not dropped).
    pub cleanup_keep: Vec<String>,
    /// Globs of files to delete during cleanup.
    pub cleanup_drop: Vec<String>,
    /// Octal mode for files, e.g. `"644"`.
    pub chmod_file: Option<String>,
    /// Octal mode for directories, e.g. `"755"`.
    pub chmod_dir: Option<String>,
    /// Owner user name or uid.
    pub owner: Option<String>,
    /// Owner group name or gid.
    pub group: Option<String>,
    /// Octal umask applied to created files, e.g. `"022"`.
    pub umask: Option<String>,
    /// Every FsOps source and destination must lie under one of these.
    pub allow_paths: Vec<String>,
    /// Whether `chmod_file`/`chmod_dir` may carry setuid, setgid or sticky
    /// bits (refused by default: any key could otherwise plant a setuid
    /// file when revaerd runs as root).
    pub allow_special_modes: bool,
    /// A job may extract at most this many times the torrent's size
    /// (0: no limit); an archive bomb fails the job instead of the disk.
    pub extract_max_ratio: i32,
    /// Extraction fails the job rather than leave the target filesystem
    /// with less free space than this, in bytes (0: no margin).
    pub extract_min_free_bytes: i64,
}

impl FsPolicy {
    /// Default of [`FsPolicy::extract_max_ratio`].
    pub const DEFAULT_EXTRACT_MAX_RATIO: i32 = 4;
    /// Default of [`FsPolicy::extract_min_free_bytes`]: 1 GiB.
    pub const DEFAULT_EXTRACT_MIN_FREE_BYTES: i64 = 1 << 30;
}

/// The whole runtime configuration at one settings revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConfigSnapshot {
    /// Monotonic settings revision this snapshot was read at.
    pub revision: i64,
    /// Instance settings.
    pub app_profile: AppProfile,
    /// Engine settings.
    pub engine_profile: EngineProfile,
    /// Post-processing policy.
    pub fs_policy: FsPolicy,
    /// Named categories, by name.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// Named tags, sorted.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl ConfigSnapshot {
    /// The category named `name`, if it exists.
    pub fn category(&self, name: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.name == name)
    }
}

impl ConfigSnapshot {
    /// Where torrents may be saved: the download root and every
    /// `fs_policy.allow_paths` entry (see `rules::paths::contain`).
    pub fn save_roots(&self) -> Vec<&str> {
        self.fs_policy
            .allow_paths
            .iter()
            .map(String::as_str)
            .chain([self.engine_profile.download_root.as_str()])
            .collect()
    }
}
