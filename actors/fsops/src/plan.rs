//! The plan of a job: a pure function of the torrent's files, its category
//! and the `fs_policy` snapshot in force when the job was created.
//!
//! Rules:
//! - nothing here touches the filesystem; the allow-list check (which needs
//!   `canonicalize`) runs before the first step, see `allow`;
//! - the destination is `library_root/<category>/<dir>`, the category
//!   segment omitted when the torrent has none, `<dir>` being the torrent's
//!   root folder (multi-file) or the file name without extension
//!   (single-file). That choice keeps the torrent's own layout under the
//!   destination, so with `move` the engine can seed from the library after
//!   `move_storage(engine_save_path)`;
//! - the plan carries the policy it was made under; a resumed job never
//!   consults a newer policy.

mod archives;
mod paths;
mod permissions;

pub use archives::{ArchiveKind, ArchiveSet};
pub use permissions::Permissions;

use archives::archive_sets;
use paths::{check_absolute, check_component, common_root, file_stem, relative_parts};
use revaer_domain::rules::category::{Category, CategoryError};
use revaer_messages::config::{FsPolicy, MoveMode};
use revaer_messages::torrent::TorrentId;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Version of the plan layout, bumped when its meaning changes.
pub const PLAN_VERSION: u32 = 1;

pub use revaer_messages::fsops::{InputFile, JobInput, Step};

/// One torrent file and where it goes by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanFile {
    /// Path relative to the save path.
    pub source: String,
    /// Path relative to the destination before flattening.
    pub target: String,
    /// Size in bytes.
    pub size: i64,
}

/// Everything a job will do, fixed when the job is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// [`PLAN_VERSION`].
    pub version: u32,
    /// The torrent.
    pub torrent: TorrentId,
    /// The save path the torrent was downloaded to.
    pub source_root: String,
    /// The torrent's root folder (multi-file torrents).
    pub torrent_root: Option<String>,
    /// The destination folder in the library.
    pub destination: String,
    /// With `move`: the save path to give the engine so it seeds from the library.
    pub engine_save_path: Option<String>,
    /// The torrent's files.
    pub files: Vec<PlanFile>,
    /// Archives to extract (empty unless `extract` is on).
    pub archives: Vec<ArchiveSet>,
    /// How files are placed.
    pub move_mode: MoveMode,
    /// Whether to flatten.
    pub flatten: bool,
    /// Cleanup globs: files to keep (empty = keep all not dropped).
    pub cleanup_keep: Vec<String>,
    /// Cleanup globs: files to delete.
    pub cleanup_drop: Vec<String>,
    /// Resolved permissions.
    pub permissions: Permissions,
    /// Allowed roots at planning time.
    pub allow_paths: Vec<String>,
    /// Bounds of the extract step (plans stored before they existed get
    /// the shipped defaults).
    #[serde(default)]
    pub limits: ExtractLimits,
}

/// How much a job may extract, fixed with the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtractLimits {
    /// At most this many times the torrent's size in extracted bytes (0:
    /// no limit).
    pub max_ratio: u64,
    /// Free space the target filesystem must keep, in bytes.
    pub min_free_bytes: u64,
}

impl Default for ExtractLimits {
    fn default() -> Self {
        Self {
            max_ratio: FsPolicy::DEFAULT_EXTRACT_MAX_RATIO.unsigned_abs().into(),
            min_free_bytes: FsPolicy::DEFAULT_EXTRACT_MIN_FREE_BYTES.unsigned_abs(),
        }
    }
}

impl Plan {
    /// The most a job may extract: `max_ratio` times the torrent's size.
    pub fn extract_budget(&self) -> Option<u64> {
        let size: u64 = self
            .files
            .iter()
            .map(|f| u64::try_from(f.size).unwrap_or(0))
            .sum();
        (self.limits.max_ratio > 0).then(|| size.saturating_mul(self.limits.max_ratio))
    }

    /// Whether torrent files must keep their layout: with `move` the engine
    /// keeps seeding them from the destination, so they are never renamed
    /// by flattening nor deleted by cleanup.
    pub fn pins_torrent_files(&self) -> bool {
        self.move_mode == MoveMode::Move
    }
}

/// Why no plan could be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The torrent has no wanted file.
    #[error("the torrent has no files to process")]
    NoFiles,
    /// A path from the torrent or the policy is not usable.
    #[error("{what} {value:?} is not usable: {reason}")]
    BadPath {
        /// Which value.
        what: &'static str,
        /// The value.
        value: String,
        /// The rule the value breaks.
        reason: &'static str,
    },
    /// The torrent's category is not one plain folder name (see
    /// `revaer_domain::rules::category`).
    #[error("category {value:?} is not usable: {reason}")]
    BadCategory {
        /// The category.
        value: String,
        /// Why.
        reason: CategoryError,
    },
    /// An octal mode in the policy does not parse.
    #[error("fs_policy.{field} {value:?} is not an octal mode")]
    BadMode {
        /// Field name.
        field: &'static str,
        /// The value.
        value: String,
    },
    /// A split archive misses a volume.
    #[error("archive {first} misses volume {missing}")]
    MissingVolume {
        /// First volume.
        first: String,
        /// Number of the first missing volume.
        missing: u32,
    },
}

/// Makes the plan for `input` under `policy`.
pub fn make_plan(input: &JobInput, policy: &FsPolicy) -> Result<Plan, PlanError> {
    check_absolute("fs_policy.library_root", &policy.library_root)?;
    check_absolute("save path", &input.save_path)?;
    if input.files.is_empty() {
        return Err(PlanError::NoFiles);
    }
    let mut parts = Vec::with_capacity(input.files.len());
    for file in &input.files {
        parts.push(relative_parts("torrent file path", &file.path)?);
    }
    let torrent_root = common_root(&parts);
    let dir_name = match (&torrent_root, parts.as_slice()) {
        (Some(root), _) => root.clone(),
        (None, [single]) if single.len() == 1 => file_stem(&single[0]),
        _ => input.name.clone(),
    };
    check_component("torrent name", &dir_name)?;
    let parent = category_folder(&policy.library_root, input.category.as_deref())?;
    let destination = Path::new(&parent)
        .join(&dir_name)
        .to_string_lossy()
        .into_owned();
    let files = plan_files(input, &parts, torrent_root.is_some());
    let archives = if policy.extract {
        archive_sets(&files)?
    } else {
        Vec::new()
    };
    // A multi-file torrent's root folder is the destination's last segment,
    // so the engine seeds from its parent; a single file from the folder
    // named after it.
    let engine_save_path = (policy.move_mode == MoveMode::Move).then(|| {
        if torrent_root.is_some() {
            parent
        } else {
            destination.clone()
        }
    });
    Ok(Plan {
        version: PLAN_VERSION,
        torrent: input.torrent.clone(),
        source_root: input.save_path.clone(),
        torrent_root,
        destination,
        engine_save_path,
        files,
        archives,
        move_mode: policy.move_mode,
        flatten: policy.flatten,
        cleanup_keep: policy.cleanup_keep.clone(),
        cleanup_drop: policy.cleanup_drop.clone(),
        permissions: Permissions::from_policy(policy)?,
        allow_paths: policy.allow_paths.clone(),
        limits: ExtractLimits {
            max_ratio: u64::try_from(policy.extract_max_ratio).unwrap_or(0),
            min_free_bytes: u64::try_from(policy.extract_min_free_bytes).unwrap_or(0),
        },
    })
}

/// `library_root/<category>`, or the library root itself when the torrent
/// has no category (a blank one counts as none).
fn category_folder(library_root: &str, category: Option<&str>) -> Result<String, PlanError> {
    let mut folder = Path::new(library_root).to_path_buf();
    if let Some(raw) = category.filter(|c| !c.trim().is_empty()) {
        let category = Category::parse(raw).map_err(|err| PlanError::BadCategory {
            value: raw.to_string(),
            reason: err,
        })?;
        folder.push(category.as_str());
    }
    Ok(folder.to_string_lossy().into_owned())
}

/// The torrent's files sorted by source path; the target drops the
/// torrent's root folder (`skip_root`), which the destination already names.
fn plan_files(input: &JobInput, parts: &[Vec<String>], skip_root: bool) -> Vec<PlanFile> {
    let skip = usize::from(skip_root);
    let mut files: Vec<PlanFile> = input
        .files
        .iter()
        .zip(parts)
        .map(|(file, parts)| PlanFile {
            source: parts.join("/"),
            target: parts[skip..].join("/"),
            size: file.size,
        })
        .collect();
    files.sort_by(|a, b| a.source.cmp(&b.source));
    files
}

#[cfg(test)]
mod tests;
