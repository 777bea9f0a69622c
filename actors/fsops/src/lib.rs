//! FsOps: post-processing of finished torrents into the media library.
//!
//! When a torrent completes, the orchestrator (`FsOpsOrchestrator`) records
//! one job per torrent in `fs_jobs` with a plan made from the torrent's
//! files and the `fs_policy` in force, and runs it as an `FsOpsJob` actor:
//! extract → flatten → transfer → permissions → cleanup. Every path is
//! checked against `fs_policy.allow_paths` first; every step is idempotent
//! and recorded in `.revaer.meta` inside the destination, so a crash at any
//! point resumes without losing or duplicating files. See `STATE.md`.
//!
//! Rules: filesystem and database work runs on blocking threads, never on
//! an actor's arbiter; actors talk to the rest of Revaer through typed
//! messages from `revaer-messages` only.

mod allow;
mod checksum;
mod engine_link;
mod error;
mod fs;
mod intake;
mod job;
mod meta;
mod metrics;
mod orchestrator;
pub mod plan;
mod runner;
mod steps;
mod store;
mod volumes;
mod walk;

pub use allow::AllowList;
pub use engine_link::{EngineCall, EngineLink};
pub use error::StepError;
pub use fs::{cross_device_error, is_cross_device, FileSystem, RealFs};
pub use job::{FsOpsJob, JobEnded, JobSpec};
pub use meta::{FileRecord, Meta, MetaStore, Origin, Placement, META_FILE, STAGING_DIR};
pub use metrics::FsopsMetrics;
pub use orchestrator::{FsOpsOrchestrator, FsopsOptions};
pub use revaer_messages::fsops::{EnqueueJob, FsopsActivity, GetActivity, TorrentCompleted};
pub use runner::{JobDeps, RetryPolicy, RunEnd};
pub use steps::{StepStatus, TestHooks, Work};
pub use volumes::VolumeReader;

/// Name of this component on the health board.
pub const COMPONENT: &str = "fsops";
