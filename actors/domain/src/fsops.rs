//! Post-processing (FsOps) vocabulary shared by the orchestrator, the API and the CLI.

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
