//! Engine vocabulary: why an engine command fails, where a torrent comes
//! from, the options of a new torrent, the changes one can make to a torrent
//! and the engine's health facts. The messages that carry them live in
//! `revaer-messages`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::share_limits::ShareLimits;
use crate::torrent::{TorrentId, TorrentLimits};

/// Why an engine command failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The magnet URI could not be parsed.
    #[error("invalid magnet link: {0}")]
    InvalidMagnet(String),
    /// The .torrent file could not be parsed.
    #[error("invalid torrent file: {0}")]
    InvalidTorrent(String),
    /// The torrent is already in the engine.
    #[error("torrent {0} already exists")]
    Duplicate(TorrentId),
    /// No torrent with that id.
    #[error("torrent {0} not found")]
    NotFound(TorrentId),
    /// A file index is outside the torrent's file list.
    #[error("file index {index} out of range (torrent has {count} files)")]
    InvalidFileIndex { index: u32, count: u32 },
    /// An option the engine refuses; `argument` says which, so callers can
    /// point at it without reading the message.
    #[error("invalid argument: {message}")]
    InvalidArgument {
        /// The refused option.
        argument: Argument,
        /// Why, for people.
        message: String,
    },
    /// The operation needs metadata the torrent does not have yet.
    #[error("torrent {0} has no metadata yet")]
    NoMetadata(TorrentId),
    /// A manual queue move while queueing is off (`max_active` is -1):
    /// there is no queue to move in.
    #[error("torrent queueing is disabled (engine_profile.max_active is -1)")]
    QueueingDisabled,
    /// The engine is not running or is restarting.
    #[error("engine unavailable: {0}")]
    Unavailable(String),
    /// libtorrent or storage failed unexpectedly.
    #[error("engine failure: {0}")]
    Internal(String),
}

/// The option an [`EngineError::InvalidArgument`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Argument {
    /// `save_path` (or a storage move's target).
    SavePath,
    /// `category`.
    Category,
    /// Per-file priorities.
    FilePriorities,
    /// Rate limits.
    Limits,
    /// The torrent's own name (from its metadata or the magnet's `dn`).
    Name,
    /// Something libtorrent refused without saying which option.
    Other,
}

impl EngineError {
    /// An [`EngineError::InvalidArgument`] about `argument`.
    pub fn invalid(argument: Argument, message: impl Into<String>) -> Self {
        Self::InvalidArgument {
            argument,
            message: message.into(),
        }
    }
}

/// Where a new torrent comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TorrentSource {
    /// A magnet URI.
    Magnet(String),
    /// The bytes of a .torrent file.
    File(Vec<u8>),
}

/// Options for a new torrent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddOptions {
    /// Absolute save path inside the download root or `fs_policy.allow_paths`
    /// (default: the download root).
    #[serde(default)]
    pub save_path: Option<String>,
    /// Category label.
    #[serde(default)]
    pub category: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Add paused.
    #[serde(default)]
    pub paused: bool,
    /// Sequential download (default: `engine_profile.sequential_default`).
    #[serde(default)]
    pub sequential: Option<bool>,
    /// Initial per-file priorities by index, 0 (skip) to 7 (highest).
    #[serde(default)]
    pub files: Option<Vec<u8>>,
    /// Per-torrent rate limits, bytes per second (0 = unlimited).
    #[serde(default)]
    pub limits: Option<TorrentLimits>,
    /// Put it at the head of the download queue instead of the end.
    #[serde(default)]
    pub top_of_queue: bool,
    /// Where the files go under the save path (default `original`).
    #[serde(default)]
    pub content_layout: Option<ContentLayout>,
    /// Download the first and last pieces of every wanted file first.
    #[serde(default)]
    pub first_last_piece_prio: bool,
    /// Take the data already in the save path as complete without checking
    /// it (a `.torrent` only; a magnet has no pieces to trust yet).
    #[serde(default)]
    pub skip_checking: bool,
}

/// A move through the download queue (position 0 is the head; seeding
/// torrents are not in it and never move).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueMove {
    /// To the head of the queue.
    Top,
    /// To the end of the queue.
    Bottom,
    /// One place towards the head.
    Up,
    /// One place towards the end.
    Down,
}

impl QueueMove {
    /// Every movement, in wire spelling order.
    pub const ALL: [Self; 4] = [Self::Top, Self::Bottom, Self::Up, Self::Down];

    /// The wire spelling (`top`, `bottom`, `up`, `down`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Top => "top",
            Self::Bottom => "bottom",
            Self::Up => "up",
            Self::Down => "down",
        }
    }

    /// The movement spelled `name` (exactly as on the wire), if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == name)
    }
}

/// Where a torrent's files go under its save path (qBittorrent's content
/// layout), applied when its metadata is known.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContentLayout {
    /// As the torrent names them.
    #[default]
    Original,
    /// In one folder: a torrent whose files share no top folder (a
    /// single file) gets one named after its first file without extension.
    Subfolder,
    /// Without the top folder: a multi-file torrent's files go straight
    /// into the save path.
    NoSubfolder,
}

impl ContentLayout {
    /// Every value as spelled on the wire and in the catalogue.
    pub const ALL: [Self; 3] = [Self::Original, Self::Subfolder, Self::NoSubfolder];

    /// The wire and catalogue spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::Subfolder => "subfolder",
            Self::NoSubfolder => "no_subfolder",
        }
    }

    /// Parses the wire spelling; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == text)
    }
}

/// A change to one torrent.
#[derive(Debug, Clone, PartialEq)]
pub enum TorrentCommand {
    /// Stop transferring (kept in the session).
    Pause,
    /// Continue transferring.
    Resume,
    /// Force start (`true`: run regardless of the queue) or hand back to
    /// the queue (`false`, a plain resume). Either way it runs.
    ForceStart(bool),
    /// Re-verify every piece on disk.
    Recheck,
    /// Announce to every tracker now.
    Reannounce,
    /// Toggle sequential download.
    Sequential(bool),
    /// Set per-torrent rate limits.
    Limits(TorrentLimits),
    /// Set file priorities: `(index, priority)` pairs, other files unchanged.
    FilePriorities(Vec<(u32, u8)>),
    /// Set (`Some`) or clear the category.
    Category(Option<String>),
    /// Add tags (those already present stay once).
    AddTags(Vec<String>),
    /// Remove tags (absent ones are ignored).
    RemoveTags(Vec<String>),
    /// Change the display name.
    Rename(String),
    /// Set the per-torrent share limits.
    ShareLimits(ShareLimits),
    /// First and last pieces of every wanted file at top priority (`true`)
    /// or back to their files' priority (`false`).
    FirstLastPiecePrio(bool),
    /// Super seeding (BEP 16) on or off; libtorrent acts on it only while
    /// the torrent seeds.
    SuperSeeding(bool),
}

impl TorrentCommand {
    /// Whether the command changes the torrent's settings or labels
    /// (announced as `torrent_updated`) rather than its transfer state
    /// (announced by the state and progress events that follow).
    pub fn updates_settings(&self) -> bool {
        matches!(
            self,
            Self::Sequential(_)
                | Self::ForceStart(_)
                | Self::Limits(_)
                | Self::FilePriorities(_)
                | Self::Category(_)
                | Self::AddTags(_)
                | Self::RemoveTags(_)
                | Self::Rename(_)
                | Self::ShareLimits(_)
                | Self::FirstLastPiecePrio(_)
                | Self::SuperSeeding(_)
        )
    }
}

/// Engine health facts for `/health/full`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EngineStatus {
    /// The session accepted a listen socket.
    pub listening: bool,
    /// Port the engine listens on.
    pub listen_port: u16,
    /// Torrents in the session.
    pub torrents: usize,
    /// DHT routing table size, when DHT is enabled.
    pub dht_nodes: i64,
    /// Last session-level error.
    pub last_error: Option<String>,
    /// Payload download rate of every torrent together, bytes/s.
    #[serde(default)]
    pub download_bps: i64,
    /// Payload upload rate of every torrent together, bytes/s.
    #[serde(default)]
    pub upload_bps: i64,
    /// Payload bytes received since the engine started.
    #[serde(default)]
    pub session_downloaded: i64,
    /// Payload bytes sent since the engine started.
    #[serde(default)]
    pub session_uploaded: i64,
    /// Bytes free on the filesystem of the download root.
    #[serde(default)]
    pub free_bytes: Option<i64>,
}
