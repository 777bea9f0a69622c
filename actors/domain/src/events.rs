//! Domain events published to the event hub and streamed over SSE.
//!
//! The serde tag (`type`) of an [`Event`] is also the SSE `event:` name, so
//! clients can filter with `types=torrent_added,completed`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::health::HealthStatus;
use crate::torrent::{TorrentFile, TorrentId, TorrentState};

/// Something that happened, as the outside world should hear of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A torrent entered the engine.
    TorrentAdded { torrent: TorrentId, name: String },
    /// A magnet's metadata arrived.
    MetadataReceived { torrent: TorrentId, name: String },
    /// The file list of a torrent is known.
    FilesDiscovered {
        torrent: TorrentId,
        files: Vec<TorrentFile>,
    },
    /// Transfer progress: at most one per torrent per second; the latest
    /// figures always follow (at once with a state change, otherwise within
    /// a second of the last update).
    Progress {
        torrent: TorrentId,
        progress: f64,
        downloaded: i64,
        uploaded: i64,
        download_bps: i64,
        upload_bps: i64,
    },
    /// The torrent moved to another state.
    StateChanged {
        torrent: TorrentId,
        state: TorrentState,
    },
    /// Every wanted piece is downloaded.
    Completed {
        torrent: TorrentId,
        save_path: String,
    },
    /// A torrent's settings or labels changed (category, tags, name,
    /// limits, share limits, priorities, sequential, queue position).
    TorrentUpdated { torrent: TorrentId },
    /// The torrent left the engine.
    Removed {
        torrent: TorrentId,
        data_deleted: bool,
    },
    /// The engine reported an error for the torrent.
    TorrentError { torrent: TorrentId, message: String },
    /// A component's health changed.
    HealthChanged {
        component: String,
        status: HealthStatus,
        detail: Option<String>,
    },
    /// A new settings revision was applied.
    ConfigChanged { revision: i64 },
    /// Post-processing began.
    FsopsStarted {
        torrent: TorrentId,
        destination: String,
    },
    /// A post-processing step finished or failed.
    FsopsStep {
        torrent: TorrentId,
        step: String,
        status: String,
    },
    /// Post-processing finished.
    FsopsCompleted {
        torrent: TorrentId,
        destination: String,
    },
    /// Post-processing failed.
    FsopsFailed {
        torrent: TorrentId,
        step: String,
        error: String,
    },
}

impl Event {
    /// Every event type name, for validating `types=` filters.
    pub const TYPES: [&'static str; 15] = [
        "torrent_added",
        "metadata_received",
        "files_discovered",
        "progress",
        "state_changed",
        "completed",
        "torrent_updated",
        "removed",
        "torrent_error",
        "health_changed",
        "config_changed",
        "fsops_started",
        "fsops_step",
        "fsops_completed",
        "fsops_failed",
    ];

    /// The event's type name (SSE `event:` field).
    pub fn kind(&self) -> &'static str {
        match self {
            Event::TorrentAdded { .. } => "torrent_added",
            Event::MetadataReceived { .. } => "metadata_received",
            Event::FilesDiscovered { .. } => "files_discovered",
            Event::Progress { .. } => "progress",
            Event::StateChanged { .. } => "state_changed",
            Event::Completed { .. } => "completed",
            Event::TorrentUpdated { .. } => "torrent_updated",
            Event::Removed { .. } => "removed",
            Event::TorrentError { .. } => "torrent_error",
            Event::HealthChanged { .. } => "health_changed",
            Event::ConfigChanged { .. } => "config_changed",
            Event::FsopsStarted { .. } => "fsops_started",
            Event::FsopsStep { .. } => "fsops_step",
            Event::FsopsCompleted { .. } => "fsops_completed",
            Event::FsopsFailed { .. } => "fsops_failed",
        }
    }

    /// The torrent the event concerns, if any (for `torrent=` filters).
    pub fn torrent(&self) -> Option<&TorrentId> {
        match self {
            Event::TorrentAdded { torrent, .. }
            | Event::MetadataReceived { torrent, .. }
            | Event::FilesDiscovered { torrent, .. }
            | Event::Progress { torrent, .. }
            | Event::StateChanged { torrent, .. }
            | Event::Completed { torrent, .. }
            | Event::TorrentUpdated { torrent }
            | Event::Removed { torrent, .. }
            | Event::TorrentError { torrent, .. }
            | Event::FsopsStarted { torrent, .. }
            | Event::FsopsStep { torrent, .. }
            | Event::FsopsCompleted { torrent, .. }
            | Event::FsopsFailed { torrent, .. } => Some(torrent),
            Event::HealthChanged { .. } | Event::ConfigChanged { .. } => None,
        }
    }
}

/// An event as stored in the hub's replay buffer: numbered and timestamped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventEnvelope {
    /// Monotonic id, the SSE `id:` field.
    pub id: u64,
    /// When the hub accepted the event.
    pub at: DateTime<Utc>,
    /// Request that caused it, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The event itself.
    #[serde(flatten)]
    pub event: Event,
}
