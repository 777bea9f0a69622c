//! Plain, Rust-owned data types of the safe API.
//!
//! These are deliberately separate from the `cxx` shared structs in
//! [`crate::ffi`]: they use real Rust enums and `Option`s, and can evolve
//! without touching the C++ side.

use crate::ffi;

/// Protocol encryption policy for incoming and outgoing peer connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncryptionPolicy {
    /// Prefer encryption but accept plaintext peers.
    #[default]
    Enabled,
    /// Only encrypted connections.
    Forced,
    /// Only plaintext connections.
    Disabled,
}

/// Transport protocols for peer connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PeerProtocol {
    /// TCP and uTP (libtorrent's default). Outgoing connections try uTP
    /// first, which is far slower than TCP on loopback and fast LANs.
    #[default]
    TcpAndUtp,
    /// Outgoing connections over TCP only; incoming ones over TCP or uTP.
    PreferTcp,
    /// TCP only.
    Tcp,
    /// uTP only.
    Utp,
}

/// Session-wide settings.
///
/// All fields except `enable_pex` can be changed on a live session with
/// [`crate::Session::apply_settings`]. PEX is a libtorrent plugin that can only
/// be installed when the session is constructed, so toggling it requires
/// creating a new session (torrents can be carried over via resume data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSettings {
    /// Comma-separated `ip:port` list, e.g. `"0.0.0.0:6881"` or
    /// `"127.0.0.1:0"` (port 0 = pick a free port; see `listen_port()`).
    pub listen_interfaces: String,
    pub enable_dht: bool,
    pub enable_lsd: bool,
    pub enable_upnp: bool,
    pub enable_natpmp: bool,
    /// Peer exchange. Construction-time only, see the type docs.
    pub enable_pex: bool,
    pub encryption: EncryptionPolicy,
    /// Which transports incoming and outgoing peer connections may use.
    pub peer_protocol: PeerProtocol,
    /// Queue limits; -1 = unlimited.
    pub active_downloads: i32,
    pub active_seeds: i32,
    pub active_limit: i32,
    /// Peer connections open at once, all torrents together (libtorrent's
    /// `connections_limit`; its default is 200). Must be positive.
    pub connections_limit: i32,
    /// Session-wide payload limits in bytes/s; 0 = unlimited. Peers on the
    /// local network/loopback are in libtorrent's local peer class and are not
    /// subject to these limits (per-torrent limits still apply).
    pub download_rate_limit: i32,
    pub upload_rate_limit: i32,
    /// HTTP user agent and peer-id client string; empty = libtorrent default.
    pub user_agent: String,
}

impl Default for SessionSettings {
    /// A normal internet-facing client, using libtorrent's default queue sizes.
    fn default() -> Self {
        Self {
            listen_interfaces: "0.0.0.0:6881".to_owned(),
            enable_dht: true,
            enable_lsd: true,
            enable_upnp: true,
            enable_natpmp: true,
            enable_pex: true,
            encryption: EncryptionPolicy::Enabled,
            peer_protocol: PeerProtocol::TcpAndUtp,
            active_downloads: 3,
            active_seeds: 5,
            active_limit: 500,
            connections_limit: 200,
            download_rate_limit: 0,
            upload_rate_limit: 0,
            user_agent: concat!("Revaer/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl SessionSettings {
    /// An isolated session on 127.0.0.1 with a random port and no peer
    /// discovery (no DHT/LSD/UPnP/NAT-PMP/PEX); peers must be added with
    /// [`crate::Session::connect_peer`]. Intended for tests.
    pub fn loopback() -> Self {
        Self {
            listen_interfaces: "127.0.0.1:0".to_owned(),
            enable_dht: false,
            enable_lsd: false,
            enable_upnp: false,
            enable_natpmp: false,
            enable_pex: false,
            active_downloads: -1,
            active_seeds: -1,
            active_limit: -1,
            ..Self::default()
        }
    }

    pub(crate) fn to_ffi(&self) -> crate::Result<ffi::SessionConfig> {
        if self.download_rate_limit < 0 || self.upload_rate_limit < 0 {
            return Err(crate::Error::InvalidArgument(
                "rate limits must be >= 0 (0 = unlimited)".to_owned(),
            ));
        }
        if self.connections_limit < 1 {
            return Err(crate::Error::InvalidArgument(
                "connections_limit must be >= 1".to_owned(),
            ));
        }
        if self.listen_interfaces.trim().is_empty() {
            return Err(crate::Error::InvalidArgument(
                "listen_interfaces must not be empty".to_owned(),
            ));
        }
        Ok(ffi::SessionConfig {
            listen_interfaces: self.listen_interfaces.clone(),
            enable_dht: self.enable_dht,
            enable_lsd: self.enable_lsd,
            enable_upnp: self.enable_upnp,
            enable_natpmp: self.enable_natpmp,
            enable_pex: self.enable_pex,
            encryption: match self.encryption {
                EncryptionPolicy::Enabled => 0,
                EncryptionPolicy::Forced => 1,
                EncryptionPolicy::Disabled => 2,
            },
            peer_protocol: match self.peer_protocol {
                PeerProtocol::TcpAndUtp => 0,
                PeerProtocol::Tcp => 1,
                PeerProtocol::Utp => 2,
                PeerProtocol::PreferTcp => 3,
            },
            active_downloads: self.active_downloads,
            active_seeds: self.active_seeds,
            active_limit: self.active_limit,
            connections_limit: self.connections_limit,
            download_rate_limit: self.download_rate_limit,
            upload_rate_limit: self.upload_rate_limit,
            user_agent: self.user_agent.clone(),
        })
    }
}

/// Options for adding a torrent. They are authoritative for every kind of
/// add, including resume data, except that an empty `save_path` or empty
/// `file_priorities` keeps what the resume data says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddOptions {
    /// Directory the torrent's content lives in (required unless adding
    /// from resume data that records one).
    pub save_path: String,
    /// Add in paused state. A paused torrent is not auto-managed while
    /// paused (or the queue would resume it); `auto_managed` is restored by
    /// [`crate::Session::resume`].
    pub paused: bool,
    pub sequential: bool,
    /// Let libtorrent's queue start/stop the torrent (active_* limits).
    pub auto_managed: bool,
    /// One priority (0 = skip, 1..=7, 4 = default) per file as listed by
    /// [`crate::TorrentMeta::files`]; empty = all default.
    ///
    /// For magnets the file list (and libtorrent's pad-file-aware indices)
    /// is unknown until metadata arrives, so the priorities are applied when
    /// [`crate::Session::pop_alerts`] handles the `MetadataReceived` alert; a
    /// few blocks of skipped files may be fetched before that. A count that
    /// does not match the files is then ignored.
    pub file_priorities: Vec<u8>,
    /// Per-torrent limits in bytes/s; 0 = unlimited.
    pub download_limit: i32,
    pub upload_limit: i32,
    /// Maximum peer connections for this torrent; 0 = libtorrent default.
    pub max_connections: i32,
}

impl Default for AddOptions {
    fn default() -> Self {
        Self {
            save_path: String::new(),
            paused: false,
            sequential: false,
            auto_managed: true,
            file_priorities: Vec::new(),
            download_limit: 0,
            upload_limit: 0,
            max_connections: 0,
        }
    }
}

impl AddOptions {
    /// Default options with the given save path.
    pub fn with_save_path(path: impl Into<String>) -> Self {
        Self {
            save_path: path.into(),
            ..Self::default()
        }
    }

    pub(crate) fn to_ffi(&self) -> crate::Result<ffi::AddParams> {
        crate::session::validate_priorities(&self.file_priorities)?;
        if self.download_limit < 0 || self.upload_limit < 0 || self.max_connections < 0 {
            return Err(crate::Error::InvalidArgument(
                "limits must be >= 0 (0 = unlimited/default)".to_owned(),
            ));
        }
        Ok(ffi::AddParams {
            save_path: self.save_path.clone(),
            paused: self.paused,
            sequential: self.sequential,
            auto_managed: self.auto_managed,
            file_priorities: self.file_priorities.clone(),
            download_limit: self.download_limit,
            upload_limit: self.upload_limit,
            max_connections: self.max_connections,
        })
    }
}

/// What a magnet URI names, without contacting anyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MagnetInfo {
    /// Torrent id (see the crate docs).
    pub id: String,
    /// Display name (`dn=`), possibly empty.
    pub name: String,
    /// Trackers (`tr=`).
    pub trackers: Vec<String>,
}

/// One file of a torrent as the user sees it (pad files are hidden).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    /// Position in the visible file list; the index used by file priorities.
    pub index: usize,
    /// Path inside the torrent, including the torrent's root directory for
    /// multi-file torrents.
    pub path: String,
    pub size: i64,
}

/// Parsed metadata of a .torrent file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TorrentMeta {
    pub id: String,
    pub name: String,
    pub comment: String,
    /// Sum of the (non-pad) file sizes in bytes.
    pub total_size: i64,
    pub piece_length: i32,
    pub num_pieces: i32,
    /// Has a v1 (SHA-1) info hash.
    pub has_v1: bool,
    /// Has a v2 (SHA-256) info hash.
    pub has_v2: bool,
    pub files: Vec<FileMeta>,
    pub trackers: Vec<String>,
}

/// libtorrent's torrent state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TorrentState {
    CheckingFiles,
    DownloadingMetadata,
    Downloading,
    Finished,
    Seeding,
    CheckingResumeData,
    #[default]
    Unknown,
}

impl TorrentState {
    /// Maps `lt::torrent_status::state_t`.
    pub(crate) fn from_raw(raw: u8) -> Self {
        match raw {
            1 => Self::CheckingFiles,
            2 => Self::DownloadingMetadata,
            3 => Self::Downloading,
            4 => Self::Finished,
            5 => Self::Seeding,
            7 => Self::CheckingResumeData,
            _ => Self::Unknown,
        }
    }
}

/// Snapshot of one torrent. Byte counts are in bytes, rates in bytes/s,
/// times in seconds (timestamps as Unix time, 0 = never).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TorrentStatus {
    pub id: String,
    pub name: String,
    pub state: TorrentState,
    pub paused: bool,
    pub auto_managed: bool,
    pub sequential: bool,
    pub has_metadata: bool,
    /// All wanted pieces are downloaded (seeding or partial download done).
    pub is_finished: bool,
    pub is_seeding: bool,
    pub moving_storage: bool,
    /// Something changed since resume data was last saved.
    pub need_save_resume: bool,
    /// 0.0..=1.0 of the wanted data.
    pub progress: f32,
    /// Payload rates. They read 0 for transfers shorter than about a second
    /// because libtorrent averages them over time.
    pub download_rate: i64,
    pub upload_rate: i64,
    /// Bytes of the torrent we have.
    pub total_done: i64,
    /// Bytes we want (excluding files with priority 0).
    pub total_wanted: i64,
    pub total_wanted_done: i64,
    /// Payload size of the torrent (without pad files); 0 before metadata.
    pub total_size: i64,
    /// Across sessions (persisted in resume data); ratio = up / down.
    pub all_time_download: i64,
    pub all_time_upload: i64,
    /// Seconds spent seeding, across sessions (persisted in resume data).
    pub seeding_secs: i64,
    /// This session only.
    pub total_payload_download: i64,
    pub total_payload_upload: i64,
    /// Connected peers / seeds.
    pub num_peers: i32,
    pub num_seeds: i32,
    /// Known peers / seeds in the peer list (connected or not).
    pub list_peers: i32,
    pub list_seeds: i32,
    /// Swarm size from the tracker; -1 = unknown.
    pub num_complete: i32,
    pub num_incomplete: i32,
    pub save_path: String,
    /// Empty if the torrent has no error.
    pub error: String,
    pub current_tracker: String,
    pub added_time: i64,
    pub completed_time: i64,
    pub active_duration: i64,
    pub seeding_duration: i64,
    pub finished_duration: i64,
    /// -1 when not queued (e.g. seeding or not auto-managed).
    pub queue_position: i32,
}

impl TorrentStatus {
    /// Upload/download ratio over all time; 0 when nothing was downloaded.
    pub fn ratio(&self) -> f64 {
        if self.all_time_download > 0 {
            self.all_time_upload as f64 / self.all_time_download as f64
        } else {
            0.0
        }
    }
}

impl From<ffi::TorrentStatusFfi> for TorrentStatus {
    fn from(s: ffi::TorrentStatusFfi) -> Self {
        Self {
            id: s.id,
            name: s.name,
            state: TorrentState::from_raw(s.state),
            paused: s.paused,
            auto_managed: s.auto_managed,
            sequential: s.sequential,
            has_metadata: s.has_metadata,
            is_finished: s.is_finished,
            is_seeding: s.is_seeding,
            moving_storage: s.moving_storage,
            need_save_resume: s.need_save_resume,
            progress: s.progress,
            download_rate: s.download_rate,
            upload_rate: s.upload_rate,
            total_done: s.total_done,
            total_wanted: s.total_wanted,
            total_wanted_done: s.total_wanted_done,
            total_size: s.total_size,
            all_time_download: s.all_time_download,
            all_time_upload: s.all_time_upload,
            seeding_secs: s.seeding_secs,
            total_payload_download: s.total_payload_download,
            total_payload_upload: s.total_payload_upload,
            num_peers: s.num_peers,
            num_seeds: s.num_seeds,
            list_peers: s.list_peers,
            list_seeds: s.list_seeds,
            num_complete: s.num_complete,
            num_incomplete: s.num_incomplete,
            save_path: s.save_path,
            error: s.error,
            current_tracker: s.current_tracker,
            added_time: s.added_time,
            completed_time: s.completed_time,
            active_duration: s.active_duration,
            seeding_duration: s.seeding_duration,
            finished_duration: s.finished_duration,
            queue_position: s.queue_position,
        }
    }
}

/// One (non-pad) file of a torrent in the session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileStatus {
    /// Position in the visible file list; the index used by file priorities.
    pub index: usize,
    pub path: String,
    pub size: i64,
    /// Bytes of this file downloaded and verified.
    pub downloaded: i64,
    /// 0 = skip, 1..=7, 4 = default.
    pub priority: u8,
}

impl From<ffi::FileEntryFfi> for FileStatus {
    fn from(f: ffi::FileEntryFfi) -> Self {
        Self {
            index: f.index as usize,
            path: f.path,
            size: f.size,
            downloaded: f.downloaded,
            priority: f.priority,
        }
    }
}

impl From<ffi::FileEntryFfi> for FileMeta {
    fn from(f: ffi::FileEntryFfi) -> Self {
        Self {
            index: f.index as usize,
            path: f.path,
            size: f.size,
        }
    }
}

/// One tracker of a torrent, summarised over its announce endpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerStatus {
    pub url: String,
    pub tier: u8,
    /// The tracker answered successfully at least once.
    pub verified: bool,
    /// An announce is in progress.
    pub updating: bool,
    /// Consecutive failures.
    pub fails: i32,
    /// Last message from the tracker (e.g. a warning), possibly empty.
    pub message: String,
    /// Last error, empty if none.
    pub error: String,
}

impl From<ffi::TrackerFfi> for TrackerStatus {
    fn from(t: ffi::TrackerFfi) -> Self {
        Self {
            url: t.url,
            tier: t.tier,
            verified: t.verified,
            updating: t.updating,
            fails: t.fails,
            message: t.message,
            error: t.error,
        }
    }
}

/// One connected peer.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerStatus {
    pub ip: String,
    pub port: u16,
    pub client: String,
    /// 0.0..=1.0 of the torrent the peer has.
    pub progress: f32,
    /// Payload rates in bytes/s.
    pub down_rate: i64,
    pub up_rate: i64,
    /// Payload bytes exchanged with this peer.
    pub total_down: i64,
    pub total_up: i64,
    pub is_seed: bool,
    /// Connected over uTP rather than TCP.
    pub utp: bool,
}

impl From<ffi::PeerFfi> for PeerStatus {
    fn from(p: ffi::PeerFfi) -> Self {
        Self {
            ip: p.ip,
            port: p.port,
            client: p.client,
            progress: p.progress,
            down_rate: p.down_rate,
            up_rate: p.up_rate,
            total_down: p.total_down,
            total_up: p.total_up,
            is_seed: p.is_seed,
            utp: p.utp,
        }
    }
}
