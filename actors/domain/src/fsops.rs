//! Post-processing (FsOps) vocabulary shared by the orchestrator, the API
//! and the CLI: the pipeline steps, what a job is given, how a run ends, the
//! job's status as `fs_jobs` stores it, and why a command is refused.

use serde::{Deserialize, Serialize};
use std::time::Duration;
use utoipa::ToSchema;

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

/// A pipeline step. The order of [`Step::ALL`] is the execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Unpack archives into a staging area inside the destination.
    Extract,
    /// Decide every file's final name (flattening when asked) and put
    /// extracted files there.
    Flatten,
    /// Move, copy or hard-link the torrent's files into the destination.
    Transfer,
    /// chmod, chown and umask.
    Permissions,
    /// Apply keep/drop globs, remove the staging area.
    Cleanup,
}

impl Step {
    /// Every step in execution order.
    pub const ALL: [Step; 5] = [
        Step::Extract,
        Step::Flatten,
        Step::Transfer,
        Step::Permissions,
        Step::Cleanup,
    ];

    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Extract => "extract",
            Step::Flatten => "flatten",
            Step::Transfer => "transfer",
            Step::Permissions => "permissions",
            Step::Cleanup => "cleanup",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|step| step.as_str() == value)
    }
}

/// One file of the finished torrent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFile {
    /// Path relative to the save path, including the torrent's root folder
    /// for multi-file torrents (as the engine reports it).
    pub path: String,
    /// Size in bytes.
    pub size: i64,
}

/// What a job is asked to do: the finished torrent as the engine saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInput {
    /// The torrent.
    pub torrent: TorrentId,
    /// Its display name.
    pub name: String,
    /// Its category, if any.
    pub category: Option<String>,
    /// Where it was downloaded to.
    pub save_path: String,
    /// Its wanted files.
    pub files: Vec<InputFile>,
    /// Request that caused the job, when known (completion has none).
    pub request_id: Option<String>,
}

/// How a run ended; already written to the store.
#[derive(Debug)]
pub enum RunEnd {
    /// Every step is done.
    Done,
    /// A test hook stopped the run as a crash would (the job stays `running`).
    Interrupted,
    /// The run failed and will be retried after `delay`.
    Retry {
        /// Backoff before the next run.
        delay: Duration,
        /// Why it failed.
        error: String,
    },
    /// The job failed for good (until retried on demand).
    Failed {
        /// The error of the last attempt.
        error: String,
        /// Archive support is missing.
        unsupported: bool,
    },
}

/// Where a job stands, as `fs_jobs.status` stores it (the table's CHECK
/// constraint allows exactly these spellings).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Created or waiting for its backoff.
    Pending,
    /// A run is in progress (or was, when the process died).
    Running,
    /// Every step is done; never run again.
    Done,
    /// Failed for good until retried on demand.
    Failed,
}

impl JobStatus {
    /// Every status, in lifecycle order.
    pub const ALL: [JobStatus; 4] = [
        JobStatus::Pending,
        JobStatus::Running,
        JobStatus::Done,
        JobStatus::Failed,
    ];

    /// The database and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Pending => "pending",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses the database spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

impl std::fmt::Display for JobStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored status that is none of [`JobStatus`]'s spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown job status `{0}`")]
pub struct UnknownJobStatus(pub String);

/// Reading `fs_jobs.status` (diesel's `deserialize_as = String`).
impl TryFrom<String> for JobStatus {
    type Error = UnknownJobStatus;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or(UnknownJobStatus(value))
    }
}

/// Writing `fs_jobs.status` (diesel's `serialize_as = String`).
impl From<JobStatus> for String {
    fn from(status: JobStatus) -> Self {
        status.as_str().to_owned()
    }
}
