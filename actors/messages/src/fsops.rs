//! Messages of the FsOps orchestrator and its job actors (post-processing of
//! finished torrents).
//!
//! They live here so the HTTP layer can hold a `Recipient<RetryFsops>`
//! without depending on the orchestrator's implementation.

use actix::Message;

pub use revaer_domain::fsops::{FsopsCommandError, InputFile, JobInput, JobStatus, RunEnd, Step};
use revaer_domain::torrent::{FsopsState, TorrentId};

/// Retry a failed (or backing-off) post-processing job now, with a fresh
/// attempt budget. A job that never got past planning is planned again under
/// the current `fs_policy`; one that completed steps resumes its stored plan.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), FsopsCommandError>")]
pub struct RetryFsops {
    /// Which torrent's job.
    pub torrent: TorrentId,
    /// Causing request, carried into the job's events.
    pub request_id: Option<String>,
}

/// A torrent was removed: stop its job (after the step in flight), remove
/// its staging area and, with `delete_data`, what an unfinished job placed
/// in the library. A finished job's library copy stays.
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct CancelFsops {
    /// The removed torrent.
    pub torrent: TorrentId,
    /// Whether the torrent was removed with its data.
    pub delete_data: bool,
}

/// A torrent finished downloading (the typed alternative to the hub's
/// `completed` event).
#[derive(Debug, Clone, Message)]
#[rtype(result = "()")]
pub struct TorrentCompleted {
    /// The torrent.
    pub torrent: TorrentId,
    /// Where it was saved.
    pub save_path: String,
    /// Causing request, when known.
    pub request_id: Option<String>,
}

/// Create (and run) the job of a torrent whose files are already known.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), FsopsCommandError>")]
pub struct EnqueueJob {
    /// The finished torrent.
    pub input: JobInput,
}

/// Ask what the orchestrator is busy with (tests, health).
#[derive(Debug, Clone, Copy, Message)]
#[rtype(result = "FsopsActivity")]
pub struct GetActivity;

/// What the orchestrator is busy with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FsopsActivity {
    /// Whether the store was read since start.
    pub loaded: bool,
    /// Jobs running (or starting).
    pub running: usize,
    /// Jobs waiting for a slot.
    pub queued: usize,
    /// Jobs waiting for their backoff.
    pub scheduled: usize,
    /// Jobs failed or backing off.
    pub failing: usize,
}

/// A job's run ended (already recorded in the store).
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub struct JobEnded {
    /// The torrent whose job ran.
    pub torrent: TorrentId,
    /// How the run ended (already recorded in `fs_jobs`).
    pub end: RunEnd,
}

/// Where a torrent's post-processing stands (`None`: no job yet). The torrent
/// detail asks this of the orchestrator, the owner of `fs_jobs`.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<Option<FsopsState>, FsopsCommandError>")]
pub struct GetFsopsState {
    /// Which torrent's job.
    pub torrent: TorrentId,
}
