//! Errors of FsOps, with the one distinction the orchestrator acts on:
//! whether retrying can help.
//!
//! Policy: a refusal (allow-list, traversal, foreign destination), an
//! unsupported, corrupt or self-contradicting archive (extracting the same
//! bytes again gives the same error), an exceeded extraction limit and an
//! invalid plan are *permanent*: the job fails at once and stays failed
//! until retried on demand. Everything else (I/O, the database, the engine)
//! is *transient* and retried with backoff. Messages
//! are short and name the path involved; they end up in `fs_jobs.last_error`,
//! in `fsops_failed` events and in logs, never in an HTTP body verbatim.

use std::path::Path;

use revaer_schema::DbError;

use crate::plan::PlanError;

/// Why a step (or the checks before it) failed.
#[derive(Debug, thiserror::Error)]
pub enum StepError {
    /// A path is outside `fs_policy.allow_paths`, escapes through a symlink
    /// or `..`, or an archive member would land outside the destination.
    #[error("refused: {0}")]
    Refused(String),
    /// The archive format, a compression method or a decoder is not
    /// available in the linked libarchive.
    #[error("unsupported archive: {0}")]
    Unsupported(String),
    /// Something that is not ours is in the way (a foreign destination, a
    /// file that differs from what we would put there).
    #[error("conflict: {0}")]
    Conflict(String),
    /// The plan cannot be executed as stored.
    #[error("invalid plan: {0}")]
    Plan(#[from] PlanError),
    /// A filesystem operation failed.
    #[error("{context}: {source}")]
    Io {
        /// What was being done, with the path.
        context: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The archive cannot be extracted as it is: corrupt or truncated, or
    /// its members contradict each other (a file `d`, then `d/x`).
    #[error("cannot extract {archive}: {detail}")]
    Archive {
        /// The first volume.
        archive: String,
        /// libarchive's message.
        detail: String,
    },
    /// An extraction limit of the policy was reached (the job's budget of
    /// extracted bytes, or the free-space margin of the target).
    #[error("extraction limit: {0}")]
    Limit(String),
    /// The engine refused or did not answer (move mode).
    #[error("engine: {0}")]
    Engine(String),
    /// The job store failed.
    #[error("database: {0}")]
    Db(#[from] DbError),
    /// A blocking task panicked or was cancelled.
    #[error("worker task failed: {0}")]
    Task(String),
    /// Test hook: the run stops here as if the process had been killed.
    #[error("interrupted by test hook")]
    Interrupted,
}

impl StepError {
    /// Wraps an I/O error with what was being done to which path.
    pub fn io(what: &str, path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            context: format!("{what} {}", path.display()),
            source,
        }
    }

    /// Whether retrying the same plan cannot succeed without a change by
    /// the operator.
    pub fn is_permanent(&self) -> bool {
        matches!(
            self,
            Self::Refused(_)
                | Self::Unsupported(_)
                | Self::Conflict(_)
                | Self::Plan(_)
                | Self::Archive { .. }
                | Self::Limit(_)
        )
    }

    /// Whether the failure means archive support is missing (the health
    /// board says so specifically).
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Self::Unsupported(_))
    }
}

/// Shorthand for step results.
pub type StepResult<T> = Result<T, StepError>;
