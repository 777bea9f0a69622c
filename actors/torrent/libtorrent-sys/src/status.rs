//! Snapshots of a running torrent as the engine reports them: its state,
//! transfer status, files, trackers and peers, copied out of the `cxx`
//! structs into Rust-owned types.

use crate::ffi;

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
    /// Super seeding (BEP 16) is on.
    pub super_seeding: bool,
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
            super_seeding: s.super_seeding,
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
    /// Index of the piece holding the file's first byte.
    pub first_piece: i32,
    /// Index of the piece holding its last byte.
    pub last_piece: i32,
}

impl From<ffi::FileEntryFfi> for FileStatus {
    fn from(f: ffi::FileEntryFfi) -> Self {
        Self {
            index: f.index as usize,
            path: f.path,
            size: f.size,
            downloaded: f.downloaded,
            priority: f.priority,
            first_piece: f.first_piece,
            last_piece: f.last_piece,
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
