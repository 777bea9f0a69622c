//! Messages of the FsOps orchestrator (post-processing of finished torrents).
//!
//! They live here so the HTTP layer can hold a `Recipient<RetryFsops>`
//! without depending on the orchestrator's implementation.

use actix::Message;

pub use revaer_domain::fsops::FsopsCommandError;
use revaer_domain::torrent::TorrentId;

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
