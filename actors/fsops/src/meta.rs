//! `.revaer.meta`: the job's record inside its destination.
//!
//! Rules:
//! - it is the authority on what was done to the destination: a step counts
//!   as completed once the meta file says so, and it is written (atomically:
//!   temporary file, fsync, rename) *before* the database is told. A crash in
//!   between leaves the database one step behind, which only costs a no-op;
//! - a destination with content but without our meta file, or with the meta
//!   file of another torrent, is never touched;
//! - the staging area (`.revaer.staging`) sits inside the destination so that
//!   moving staged files into place is a same-filesystem rename.

use chrono::{DateTime, Utc};
use revaer_messages::torrent::TorrentId;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{StepError, StepResult};
use crate::plan::{Plan, Step};

/// Name of the record file in a destination.
pub const META_FILE: &str = ".revaer.meta";
/// Staging area for extraction and copies, inside the destination.
pub const STAGING_DIR: &str = ".revaer.staging";
/// Temporary name of the record while it is rewritten.
const META_TMP: &str = ".revaer.meta.tmp";
/// Names a payload file may never take at the top of a destination.
pub const RESERVED: [&str; 3] = [META_FILE, STAGING_DIR, META_TMP];

/// Where a file in the destination comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Origin {
    /// A torrent file (path relative to the save path).
    Torrent {
        /// Source path relative to the save path.
        source: String,
    },
    /// A member of archive set `set` (path relative to its staging folder).
    Extracted {
        /// Index into the plan's archive sets.
        set: usize,
        /// Member path.
        path: String,
    },
}

/// The final place of one file, decided by the flatten step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    /// Where it comes from.
    pub origin: Origin,
    /// Path relative to the destination.
    pub target: String,
    /// Kept in the torrent's layout (move mode: the engine seeds it).
    pub pinned: bool,
}

/// A transferred file as verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// Path relative to the destination.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, hex.
    pub sha256: String,
    /// `rename`, `copy`, `hardlink`, or `copy` after a cross-device fallback
    /// (`copy_fallback`).
    pub method: String,
}

/// The record file's content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// Format version.
    pub version: u32,
    /// The torrent.
    pub torrent: TorrentId,
    /// The plan being executed.
    pub plan: Plan,
    /// Steps finished, in order.
    pub completed_steps: Vec<Step>,
    /// Final placement of every file (set by flatten, before anything moves).
    pub layout: Option<Vec<Placement>>,
    /// Transferred files with their checksums.
    pub files: Vec<FileRecord>,
    /// Files deleted by cleanup (relative paths).
    pub removed: Vec<String>,
    /// Last write.
    pub updated_at: DateTime<Utc>,
}

impl Meta {
    /// A fresh record for `plan`.
    pub fn new(plan: Plan) -> Self {
        Self {
            version: 1,
            torrent: plan.torrent.clone(),
            plan,
            completed_steps: Vec::new(),
            layout: None,
            files: Vec::new(),
            removed: Vec::new(),
            updated_at: Utc::now(),
        }
    }

    /// Whether `step` is recorded as done.
    pub fn is_done(&self, step: Step) -> bool {
        self.completed_steps.contains(&step)
    }
}

/// The record of one destination, loaded and saved as a whole.
#[derive(Debug)]
pub struct MetaStore {
    dir: PathBuf,
    /// The current content.
    pub meta: Meta,
}

impl MetaStore {
    /// Opens the destination for `plan`: creates it when missing, refuses it
    /// when it holds something that is not ours, and loads our record when
    /// there is one (a resumed job). A stored record with completed steps
    /// wins over `plan`, so a job resumes exactly as it started.
    pub fn open(dir: &Path, plan: &Plan) -> StepResult<Self> {
        std::fs::create_dir_all(dir).map_err(|e| StepError::io("cannot create", dir, e))?;
        let path = dir.join(META_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                let meta: Meta = serde_json::from_slice(&bytes).map_err(|e| {
                    StepError::Conflict(format!("{} is unreadable: {e}", path.display()))
                })?;
                if meta.torrent != plan.torrent {
                    return Err(StepError::Conflict(format!(
                        "{} belongs to torrent {}",
                        dir.display(),
                        meta.torrent
                    )));
                }
                // A record with progress is kept as it is (not even
                // rewritten: re-running a finished job changes nothing).
                if !meta.completed_steps.is_empty() {
                    return Ok(Self {
                        dir: dir.to_path_buf(),
                        meta,
                    });
                }
                let store = Self {
                    dir: dir.to_path_buf(),
                    meta: Meta::new(plan.clone()),
                };
                store.save()?;
                Ok(store)
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                let foreign = std::fs::read_dir(dir)
                    .map_err(|e| StepError::io("cannot list", dir, e))?
                    .filter_map(Result::ok)
                    .any(|entry| !RESERVED.contains(&entry.file_name().to_string_lossy().as_ref()));
                if foreign {
                    return Err(StepError::Conflict(format!(
                        "destination {} already exists and is not managed by Revaer",
                        dir.display()
                    )));
                }
                let store = Self {
                    dir: dir.to_path_buf(),
                    meta: Meta::new(plan.clone()),
                };
                store.save()?;
                Ok(store)
            }
            Err(err) => Err(StepError::io("cannot read", &path, err)),
        }
    }

    /// Reads the record of `dir`, if any (tests, idempotence checks).
    pub fn read(dir: &Path) -> StepResult<Option<Meta>> {
        let path = dir.join(META_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| StepError::Conflict(format!("{} is unreadable: {e}", path.display()))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(StepError::io("cannot read", &path, err)),
        }
    }

    /// The destination.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The staging area.
    pub fn staging(&self) -> PathBuf {
        self.dir.join(STAGING_DIR)
    }

    /// Writes the record atomically.
    pub fn save(&self) -> StepResult<()> {
        let mut meta = self.meta.clone();
        meta.updated_at = Utc::now();
        let bytes = serde_json::to_vec_pretty(&meta)
            .map_err(|e| StepError::Conflict(format!("cannot encode the meta record: {e}")))?;
        let tmp = self.dir.join(META_TMP);
        let mut file =
            std::fs::File::create(&tmp).map_err(|e| StepError::io("cannot create", &tmp, e))?;
        file.write_all(&bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| StepError::io("cannot write", &tmp, e))?;
        drop(file);
        let path = self.dir.join(META_FILE);
        std::fs::rename(&tmp, &path).map_err(|e| StepError::io("cannot replace", &path, e))
    }

    /// Records `step` as completed and saves.
    pub fn complete(&mut self, step: Step) -> StepResult<()> {
        if !self.meta.is_done(step) {
            self.meta.completed_steps.push(step);
        }
        self.save()
    }
}
