//! Plain, Rust-owned data types of the safe API: session settings, add
//! options and torrent metadata (the status snapshots live in `status`).
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
    /// How the files are laid out under the save path. Applied at add when
    /// the metadata is known, else when it arrives; resume data that has
    /// metadata brings its own (renamed) paths and ignores it.
    pub content_layout: ContentLayout,
    /// The first and last pieces (1% of the file, at least one piece) of
    /// every wanted file at top priority; kept across file priority changes
    /// and applied when a magnet's metadata arrives.
    pub first_last_piece: bool,
    /// Take the data already on disk as complete, without checking it
    /// (libtorrent's seed mode; needs metadata, ignored for magnets).
    pub seed_mode: bool,
    /// Super seeding (BEP 16): as a seed, offer each peer one piece at a
    /// time, a new one only when an earlier one reached another peer.
    pub super_seeding: bool,
}

/// Where a torrent's files go under its save path (qBittorrent's content
/// layout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContentLayout {
    /// As the torrent names them.
    #[default]
    Original,
    /// In one folder: files sharing no top folder (a single-file torrent)
    /// go into a folder named after the first file without its extension.
    Subfolder,
    /// Without the top folder all files share (a multi-file torrent's
    /// files go straight into the save path).
    NoSubfolder,
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
            content_layout: ContentLayout::Original,
            first_last_piece: false,
            seed_mode: false,
            super_seeding: false,
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
            content_layout: match self.content_layout {
                ContentLayout::Original => 0,
                ContentLayout::Subfolder => 1,
                ContentLayout::NoSubfolder => 2,
            },
            first_last_piece: self.first_last_piece,
            seed_mode: self.seed_mode,
            super_seeding: self.super_seeding,
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

impl From<ffi::FileEntryFfi> for FileMeta {
    fn from(f: ffi::FileEntryFfi) -> Self {
        Self {
            index: f.index as usize,
            path: f.path,
            size: f.size,
        }
    }
}
