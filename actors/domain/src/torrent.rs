//! Torrent domain types shared by the engine actor, the API and the CLI.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::ToSchema;

use crate::fsops::JobStatus;
use crate::share_limits::ShareLimits;

/// A torrent's identity: its v1 info hash (or the truncated v2 hash for a
/// v2-only torrent) as 40 lowercase hex characters.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String, example = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a")]
pub struct TorrentId(String);

/// Returned when a string is not a 40-character hex info hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("torrent id must be a 40-character hex info hash")]
pub struct InvalidTorrentId;

impl TorrentId {
    /// Parses and normalises (lowercases) an info hash.
    pub fn parse(value: &str) -> Result<Self, InvalidTorrentId> {
        if value.len() == 40 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Self(value.to_ascii_lowercase()))
        } else {
            Err(InvalidTorrentId)
        }
    }

    /// The lowercase hex form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for TorrentId {
    type Error = InvalidTorrentId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TorrentId> for String {
    fn from(id: TorrentId) -> Self {
        id.0
    }
}

impl fmt::Display for TorrentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The user-facing torrent state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TorrentState {
    /// Waiting for metadata from peers (magnet).
    Metadata,
    /// Waiting for a slot in the active queue.
    Queued,
    /// Verifying pieces on disk.
    Checking,
    /// Loading its saved resume data at start (before any other state).
    CheckingResumeData,
    /// Downloading with data flowing.
    Downloading,
    /// Downloading but nothing arrives.
    Stalled,
    /// Complete and uploading.
    Seeding,
    /// Paused by the user.
    Paused,
    /// Storage being moved (post-processing).
    Moving,
    /// Stopped by an error.
    Error,
    /// Its data was not where its resume data said (moved or deleted while
    /// the daemon was stopped): stopped instead of downloading everything
    /// again. A resume or recheck verifies what is on disk and goes on.
    MissingFiles,
}

impl TorrentState {
    /// Every state, for validation messages and filters.
    pub const ALL: [TorrentState; 11] = [
        Self::Metadata,
        Self::Queued,
        Self::Checking,
        Self::CheckingResumeData,
        Self::Downloading,
        Self::Stalled,
        Self::Seeding,
        Self::Paused,
        Self::Moving,
        Self::Error,
        Self::MissingFiles,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Metadata => "metadata",
            Self::Queued => "queued",
            Self::Checking => "checking",
            Self::CheckingResumeData => "checking_resume_data",
            Self::Downloading => "downloading",
            Self::Stalled => "stalled",
            Self::Seeding => "seeding",
            Self::Paused => "paused",
            Self::Moving => "moving",
            Self::Error => "error",
            Self::MissingFiles => "missing_files",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == value)
    }
}

/// Per-torrent transfer limits in bytes per second (0 or absent = unlimited).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TorrentLimits {
    /// Download limit, bytes per second.
    #[serde(default)]
    pub download_bps: Option<i64>,
    /// Upload limit, bytes per second.
    #[serde(default)]
    pub upload_bps: Option<i64>,
}

/// A compact view of one torrent, used in lists and events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TorrentSummary {
    /// Info hash.
    pub id: TorrentId,
    /// Display name (the info hash until metadata arrives).
    pub name: String,
    /// Current state.
    pub state: TorrentState,
    /// Fraction complete of the wanted data, 0.0 to 1.0.
    pub progress: f64,
    /// Total size of the torrent in bytes (0 until metadata arrives).
    pub size: i64,
    /// Bytes downloaded (all time).
    pub downloaded: i64,
    /// Bytes uploaded (all time).
    pub uploaded: i64,
    /// Current payload download rate.
    pub download_bps: i64,
    /// Current payload upload rate.
    pub upload_bps: i64,
    /// Uploaded divided by downloaded (0 when nothing was downloaded).
    pub ratio: f64,
    /// Estimated seconds to completion, when downloading.
    pub eta_seconds: Option<i64>,
    /// Category, if any.
    pub category: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Where the payload is stored.
    pub save_path: String,
    /// Sequential download enabled.
    pub sequential: bool,
    /// When the torrent was added.
    pub added_at: DateTime<Utc>,
    /// When it finished downloading.
    pub completed_at: Option<DateTime<Utc>>,
    /// Last error message, if the state is `error`.
    pub error: Option<String>,
    /// Bytes of the files chosen for download (the size minus skipped files).
    pub wanted_size: i64,
    /// Bytes of the chosen files still missing.
    pub remaining: i64,
    /// Where the content is: the file of a single-file torrent or its top
    /// folder, under the save path (follows the data after a move); the save
    /// path itself before metadata.
    pub content_path: String,
    /// Connected peers.
    pub peers: i64,
    /// Connected seeds.
    pub seeds: i64,
    /// Per-torrent rate limits.
    pub limits: TorrentLimits,
    /// Per-torrent share limits (each `global`, `none` or a value).
    pub share_limits: ShareLimits,
    /// Seconds spent seeding, all time.
    pub seeding_secs: i64,
    /// Seconds spent active (downloading or seeding), all time.
    pub active_secs: i64,
    /// Last time payload was sent or received (since the engine started:
    /// when it restarts, the clock restarts with it).
    pub last_activity_at: DateTime<Utc>,
    /// The tracker last announced to, if any.
    pub tracker: Option<String>,
    /// Position in the download queue (`null` when not queued).
    pub queue_position: Option<i32>,
    /// Force-started: runs regardless of the queue (cleared by a pause).
    #[serde(default)]
    pub force_start: bool,
    /// The first and last pieces of every wanted file are fetched first.
    #[serde(default)]
    pub first_last_piece_prio: bool,
    /// Super seeding (BEP 16): as a seed, each peer is offered one piece at
    /// a time, the next once an earlier one reached another peer.
    #[serde(default)]
    pub super_seeding: bool,
}

/// One file of a torrent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TorrentFile {
    /// Index within the torrent.
    pub index: u32,
    /// Path relative to the save path.
    pub path: String,
    /// Size in bytes.
    pub size: i64,
    /// Fraction downloaded, 0.0 to 1.0.
    pub progress: f64,
    /// Priority 0 (skip) to 7 (highest).
    pub priority: u8,
    /// Whether the file is wanted (priority above 0).
    pub selected: bool,
    /// Indexes of the first and last piece holding its bytes.
    #[serde(default)]
    #[schema(value_type = [u32], example = json!([0, 12]))]
    pub piece_range: [u32; 2],
}

/// The state of every piece of a torrent, in piece order (qBittorrent's
/// `pieceStates`): `0` missing, `1` being downloaded, `2` verified. Empty
/// until metadata arrives.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PieceStates {
    /// One entry a piece.
    #[schema(example = json!([2, 2, 1, 0]))]
    pub states: Vec<u8>,
}

/// One tracker of a torrent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackerInfo {
    /// Announce URL.
    pub url: String,
    /// Tier.
    pub tier: i32,
    /// `working`, `updating`, `not_contacted` or `error`.
    pub status: String,
    /// Last message from the tracker.
    pub message: Option<String>,
}

/// State of the post-processing job of a torrent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FsopsState {
    /// `pending`, `running`, `done` or `failed`.
    pub status: JobStatus,
    /// Where the payload is placed.
    pub destination: Option<String>,
    /// Last error, when failed.
    pub error: Option<String>,
}

/// The full view of one torrent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TorrentDetail {
    /// Summary fields.
    #[serde(flatten)]
    pub summary: TorrentSummary,
    /// Files (empty before metadata).
    pub files: Vec<TorrentFile>,
    /// Trackers with status.
    pub trackers: Vec<TrackerInfo>,
    /// Post-processing state, once the torrent completed.
    pub fsops: Option<FsopsState>,
}
