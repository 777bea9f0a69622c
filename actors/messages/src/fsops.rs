//! Messages of the FsOps orchestrator (post-processing of finished torrents).
//!
//! They live here so the HTTP layer can hold a `Recipient<RetryFsops>`
//! without depending on the orchestrator's implementation.

use actix::Message;

use crate::torrent::TorrentId;

/// Why an FsOps command was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FsopsCommandError {
    /// No post-processing job exists for that torrent.
    #[error("no post-processing job for torrent {0}")]
    NotFound(TorrentId),
    /// The job is done; there is nothing to retry.
    #[error("the post-processing job of torrent {0} is already done")]
    AlreadyDone(TorrentId),
    /// The orchestrator could not read or write its state.
    #[error("post-processing unavailable: {0}")]
    Unavailable(String),
}

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
