//! Translation from bridge types to domain types. Nothing outside this
//! module (and the actor that calls it) sees a libtorrent type.

use chrono::{DateTime, Utc};
use libtorrent_sys::{
    Error as LtError, FileStatus, TorrentState as LtState, TorrentStatus, TrackerStatus,
};
use revaer_messages::engine::{Argument, EngineError, TorrentCommand};
use revaer_messages::listing::Facets;
use revaer_messages::share_limits::ShareLimits;
use revaer_messages::torrent::{
    TorrentFile, TorrentId, TorrentLimits, TorrentState, TorrentSummary, TrackerInfo,
};
use std::path::Path;
use std::time::Instant;

/// What the engine remembers about a torrent besides libtorrent's status.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// Info hash.
    pub id: TorrentId,
    /// Display name.
    pub name: String,
    /// Category.
    pub category: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// When it was added.
    pub added_at: DateTime<Utc>,
    /// When it completed.
    pub completed_at: Option<DateTime<Utc>>,
    /// Per-torrent limits.
    pub limits: TorrentLimits,
    /// Last status from libtorrent.
    pub status: Option<TorrentStatus>,
    /// When `status` was read (see [`Tracked::seeding_secs`]).
    pub status_at: Instant,
    /// Last state published.
    pub state: TorrentState,
    /// Save path.
    pub save_path: String,
    /// Whether the user paused it (as opposed to the queue).
    pub user_paused: bool,
    /// Force-started: not auto-managed, so the queue leaves it running.
    pub force_start: bool,
    /// Queue position the catalogue holds (-1: not queued); a status with
    /// another one is written back, so restarts restore the order.
    pub queue_position: i32,
    /// First and last pieces of every wanted file at top priority.
    pub first_last_piece_prio: bool,
    /// Last error reported for it.
    pub error: Option<String>,
    /// libtorrent rejected its resume data (its files are gone or changed):
    /// held stopped, and its old resume file kept, until a resume or
    /// recheck (see `missing.rs`).
    pub missing_files: bool,
    /// Payload bytes downloaded this session that the process-wide
    /// download counter already includes (the next status adds only the
    /// difference, so a restored torrent's history is not counted twice).
    pub counted_in: i64,
    /// The same for uploaded payload bytes and the upload counter.
    pub counted_out: i64,
    /// Tracker hosts, file extensions and content root.
    pub facets: Facets,
    /// Per-torrent share limits.
    pub share_limits: ShareLimits,
    /// Last time payload moved (set on add and restore, then whenever the
    /// session's byte counters grow).
    pub last_activity: DateTime<Utc>,
    /// Where its resume data stands.
    pub resume: crate::saving::ResumeMark,
}

/// What the engine itself knows about a torrent that libtorrent's status
/// does not say.
#[derive(Debug, Clone, Copy, Default)]
pub struct Held<'a> {
    /// Paused by the user (not by the queue).
    pub user_paused: bool,
    /// Its resume data was rejected: files missing.
    pub missing_files: bool,
    /// Last error the engine recorded for it.
    pub error: Option<&'a str>,
}

impl Tracked {
    /// Keeps a status just read from libtorrent.
    pub fn set_status(&mut self, status: TorrentStatus) {
        self.status = Some(status);
        self.status_at = Instant::now();
    }

    /// Seconds since the status was read while `running`, else 0. Why:
    /// libtorrent reports a torrent when something about it changes, an
    /// idle seed only every ~30 s, while its seeding and active time run on.
    fn running_secs(&self, running: bool) -> i64 {
        match running {
            true => i64::try_from(self.status_at.elapsed().as_secs()).unwrap_or(i64::MAX),
            false => 0,
        }
    }

    /// Seeding time up to now (seconds).
    pub fn seeding_secs(&self) -> i64 {
        self.status.as_ref().map_or(0, |s| {
            let running = self.running_secs(s.is_seeding && !s.paused);
            s.seeding_secs.saturating_add(running)
        })
    }

    /// Time started (not paused) up to now (seconds).
    pub fn active_secs(&self) -> i64 {
        self.status.as_ref().map_or(0, |s| {
            s.active_duration
                .saturating_add(self.running_secs(!s.paused))
        })
    }

    /// The engine's own facts for `domain_state`.
    pub fn held(&self) -> Held<'_> {
        Held {
            user_paused: self.user_paused,
            missing_files: self.missing_files,
            error: self.error.as_deref(),
        }
    }
}

/// The user-facing state of a torrent. Moving and missing files outrank an
/// error, as in qBittorrent; a paused torrent is paused (or queued) even
/// while libtorrent still says it is loading resume data, which it does
/// for as long as a torrent added paused has never run.
pub fn domain_state(status: &TorrentStatus, held: Held<'_>) -> TorrentState {
    if status.moving_storage {
        return TorrentState::Moving;
    }
    if held.missing_files {
        return TorrentState::MissingFiles;
    }
    if !status.error.is_empty() || held.error.is_some_and(|e| !e.is_empty()) {
        return TorrentState::Error;
    }
    let user_paused = held.user_paused;
    if status.paused {
        return if user_paused || !status.auto_managed {
            TorrentState::Paused
        } else {
            TorrentState::Queued
        };
    }
    match status.state {
        LtState::CheckingFiles => TorrentState::Checking,
        LtState::CheckingResumeData => TorrentState::CheckingResumeData,
        LtState::DownloadingMetadata => TorrentState::Metadata,
        LtState::Downloading if status.download_rate == 0 && status.num_peers == 0 => {
            TorrentState::Stalled
        }
        LtState::Downloading => TorrentState::Downloading,
        LtState::Finished | LtState::Seeding => TorrentState::Seeding,
        LtState::Unknown => TorrentState::Queued,
    }
}

/// Builds the summary from what is tracked and the latest status.
pub fn summary(tracked: &Tracked) -> TorrentSummary {
    let status = tracked.status.as_ref();
    let downloaded = status.map_or(0, |s| s.all_time_download);
    let uploaded = status.map_or(0, |s| s.all_time_upload);
    let download_bps = status.map_or(0, |s| s.download_rate);
    let wanted_left = status.map_or(0, |s| (s.total_wanted - s.total_wanted_done).max(0));
    let eta_seconds = (download_bps > 0 && wanted_left > 0).then(|| wanted_left / download_bps);
    let save_path = status.map_or_else(|| tracked.save_path.clone(), |s| s.save_path.clone());
    let content_path = match &tracked.facets.content_root {
        Some(root) => Path::new(&save_path)
            .join(root)
            .to_string_lossy()
            .into_owned(),
        None => save_path.clone(),
    };
    TorrentSummary {
        id: tracked.id.clone(),
        name: tracked.name.clone(),
        state: tracked.state,
        progress: status.map_or(0.0, |s| f64::from(s.progress).clamp(0.0, 1.0)),
        size: status.map_or(0, |s| s.total_wanted.max(s.total_size)),
        downloaded,
        uploaded,
        download_bps,
        upload_bps: status.map_or(0, |s| s.upload_rate),
        ratio: if downloaded > 0 {
            uploaded as f64 / downloaded as f64
        } else {
            0.0
        },
        eta_seconds,
        category: tracked.category.clone(),
        tags: tracked.tags.clone(),
        save_path,
        sequential: status.is_some_and(|s| s.sequential),
        super_seeding: status.is_some_and(|s| s.super_seeding),
        added_at: tracked.added_at,
        completed_at: tracked.completed_at,
        error: tracked
            .error
            .clone()
            .or_else(|| status.map(|s| s.error.clone()).filter(|e| !e.is_empty())),
        wanted_size: status.map_or(0, |s| s.total_wanted),
        remaining: wanted_left,
        content_path,
        peers: status.map_or(0, |s| i64::from(s.num_peers)),
        seeds: status.map_or(0, |s| i64::from(s.num_seeds)),
        limits: tracked.limits,
        share_limits: tracked.share_limits,
        seeding_secs: tracked.seeding_secs(),
        active_secs: tracked.active_secs(),
        last_activity_at: tracked.last_activity,
        tracker: status
            .map(|s| s.current_tracker.clone())
            .filter(|t| !t.is_empty()),
        queue_position: status.map(|s| s.queue_position).filter(|p| *p >= 0),
        force_start: tracked.force_start && !tracked.user_paused,
        first_last_piece_prio: tracked.first_last_piece_prio,
    }
}

/// Domain view of a file.
pub fn file(entry: &FileStatus) -> TorrentFile {
    let progress = if entry.size > 0 {
        entry.downloaded as f64 / entry.size as f64
    } else {
        1.0
    };
    TorrentFile {
        index: u32::try_from(entry.index).unwrap_or(u32::MAX),
        path: entry.path.clone(),
        size: entry.size,
        progress: progress.clamp(0.0, 1.0),
        priority: entry.priority,
        selected: entry.priority > 0,
        piece_range: [
            u32::try_from(entry.first_piece).unwrap_or(0),
            u32::try_from(entry.last_piece).unwrap_or(0),
        ],
    }
}

/// Domain view of a tracker.
pub fn tracker(entry: &TrackerStatus) -> TrackerInfo {
    let status = if !entry.error.is_empty() || entry.fails > 0 {
        "error"
    } else if entry.updating {
        "updating"
    } else if entry.verified {
        "working"
    } else {
        "not_contacted"
    };
    let message = if entry.error.is_empty() {
        entry.message.clone()
    } else {
        entry.error.clone()
    };
    TrackerInfo {
        url: entry.url.clone(),
        tier: i32::from(entry.tier),
        status: status.to_string(),
        message: Some(message).filter(|m| !m.is_empty()),
    }
}

/// Maps a bridge error for a known torrent id.
pub fn engine_error(err: LtError, id: &TorrentId) -> EngineError {
    match err {
        LtError::UnknownTorrent(_) => EngineError::NotFound(id.clone()),
        LtError::Duplicate(_) => EngineError::Duplicate(id.clone()),
        LtError::InvalidArgument(message) => EngineError::invalid(Argument::Other, message),
        other => EngineError::Internal(other.to_string()),
    }
}

/// The command's name for logs (its payload stays out of them).
pub fn command_name(command: &TorrentCommand) -> &'static str {
    match command {
        TorrentCommand::Pause => "pause",
        TorrentCommand::Resume => "resume",
        TorrentCommand::ForceStart(true) => "force_start",
        TorrentCommand::ForceStart(false) => "unforce_start",
        TorrentCommand::FirstLastPiecePrio(true) => "first_last_piece_prio",
        TorrentCommand::FirstLastPiecePrio(false) => "no_first_last_piece_prio",
        TorrentCommand::Recheck => "recheck",
        TorrentCommand::Reannounce => "reannounce",
        TorrentCommand::Sequential(_) => "sequential",
        TorrentCommand::SuperSeeding(true) => "super_seeding",
        TorrentCommand::SuperSeeding(false) => "no_super_seeding",
        TorrentCommand::Limits(_) => "limits",
        TorrentCommand::FilePriorities(_) => "file_priorities",
        TorrentCommand::Category(_) => "category",
        TorrentCommand::AddTags(_) => "add_tags",
        TorrentCommand::RemoveTags(_) => "remove_tags",
        TorrentCommand::Rename(_) => "rename",
        TorrentCommand::ShareLimits(_) => "share_limits",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: LtState, error: &str, paused: bool) -> TorrentStatus {
        TorrentStatus {
            state,
            error: error.to_string(),
            paused,
            ..TorrentStatus::default()
        }
    }

    #[test]
    fn missing_files_outrank_errors_and_pauses_outrank_loading() {
        let held = Held::default();
        let loading = status(LtState::CheckingResumeData, "", false);
        assert_eq!(
            domain_state(&loading, held),
            TorrentState::CheckingResumeData
        );
        let added_paused = status(LtState::CheckingResumeData, "", true);
        let user = Held {
            user_paused: true,
            ..Held::default()
        };
        assert_eq!(domain_state(&added_paused, user), TorrentState::Paused);
        let checking = status(LtState::CheckingFiles, "", false);
        assert_eq!(domain_state(&checking, held), TorrentState::Checking);
        let missing = Held {
            missing_files: true,
            error: Some("files missing: No such file or directory"),
            ..Held::default()
        };
        let failed = status(LtState::CheckingFiles, "disk", true);
        assert_eq!(domain_state(&failed, missing), TorrentState::MissingFiles);
        assert_eq!(domain_state(&failed, held), TorrentState::Error);
    }
}
