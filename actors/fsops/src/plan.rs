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

use revaer_domain::rules::category::{Category, CategoryError};
use revaer_messages::config::{FsPolicy, MoveMode};
use revaer_messages::config_patch::{max_mode, parse_octal};
use revaer_messages::torrent::TorrentId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Component, Path};

/// Version of the plan layout, bumped when its meaning changes.
pub const PLAN_VERSION: u32 = 1;

pub use revaer_messages::fsops::{InputFile, JobInput, Step};

/// Archive formats FsOps extracts (all through libarchive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveKind {
    /// `.zip`
    Zip,
    /// `.rar` (v4 or v5; single or multi-volume)
    Rar,
    /// `.7z`
    SevenZip,
    /// `.tar`, `.tar.gz`/`.tgz`, `.tar.bz2`/`.tbz2`, `.tar.xz`/`.txz`
    Tar,
}

/// One archive to extract, possibly split over several volumes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveSet {
    /// Format.
    pub kind: ArchiveKind,
    /// Volumes in read order, as paths relative to the save path.
    pub volumes: Vec<String>,
    /// Folder (relative to the destination) the members land in when not
    /// flattening: the folder the archive sits in.
    pub dir: String,
}

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

/// Permissions resolved from the policy's octal strings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    /// Mode of files, before the umask.
    pub file_mode: Option<u32>,
    /// Mode of directories, before the umask.
    pub dir_mode: Option<u32>,
    /// Bits cleared from every mode FsOps sets.
    pub umask: Option<u32>,
    /// Owner (user name or uid).
    pub owner: Option<String>,
    /// Group (name or gid).
    pub group: Option<String>,
}

impl Permissions {
    /// Whether the permissions step has anything to do.
    pub fn is_empty(&self) -> bool {
        self.file_mode.is_none()
            && self.dir_mode.is_none()
            && self.umask.is_none()
            && self.owner.is_none()
            && self.group.is_none()
    }

    /// The mode files end up with, if FsOps sets one: the configured mode
    /// (0666 when only a umask is set) minus the umask.
    pub fn effective_file_mode(&self) -> Option<u32> {
        effective(self.file_mode, 0o666, self.umask)
    }

    /// The mode directories end up with (0777 minus the umask by default).
    pub fn effective_dir_mode(&self) -> Option<u32> {
        effective(self.dir_mode, 0o777, self.umask)
    }
}

fn effective(mode: Option<u32>, default: u32, umask: Option<u32>) -> Option<u32> {
    match (mode, umask) {
        (None, None) => None,
        (mode, umask) => Some(mode.unwrap_or(default) & !umask.unwrap_or(0)),
    }
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
    let mut destination = Path::new(&policy.library_root).to_path_buf();
    if let Some(raw) = input.category.as_deref().filter(|c| !c.trim().is_empty()) {
        let category = Category::parse(raw).map_err(|err| PlanError::BadCategory {
            value: raw.to_string(),
            reason: err,
        })?;
        destination.push(category.as_str());
    }
    let parent = destination.to_string_lossy().into_owned();
    destination.push(&dir_name);
    let destination = destination.to_string_lossy().into_owned();

    let skip = usize::from(torrent_root.is_some());
    let mut files: Vec<PlanFile> = input
        .files
        .iter()
        .zip(&parts)
        .map(|(file, parts)| PlanFile {
            source: parts.join("/"),
            target: parts[skip..].join("/"),
            size: file.size,
        })
        .collect();
    files.sort_by(|a, b| a.source.cmp(&b.source));

    let archives = if policy.extract {
        archive_sets(&files)?
    } else {
        Vec::new()
    };
    // Setuid, setgid and sticky bits only with the explicit opt-in (the
    // edge refuses them too; a plan is the last line before chmod).
    let special = max_mode(policy.allow_special_modes);
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
        permissions: Permissions {
            file_mode: mode("chmod_file", policy.chmod_file.as_deref(), special)?,
            dir_mode: mode("chmod_dir", policy.chmod_dir.as_deref(), special)?,
            umask: mode("umask", policy.umask.as_deref(), 0o777)?,
            owner: non_empty(policy.owner.as_deref()),
            group: non_empty(policy.group.as_deref()),
        },
        allow_paths: policy.allow_paths.clone(),
        limits: ExtractLimits {
            max_ratio: u64::try_from(policy.extract_max_ratio).unwrap_or(0),
            min_free_bytes: u64::try_from(policy.extract_min_free_bytes).unwrap_or(0),
        },
    })
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn mode(field: &'static str, value: Option<&str>, max: u32) -> Result<Option<u32>, PlanError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => parse_octal(text)
            .filter(|m| *m <= max)
            .map(Some)
            .ok_or_else(|| PlanError::BadMode {
                field,
                value: text.to_string(),
            }),
    }
}

fn check_absolute(what: &'static str, value: &str) -> Result<(), PlanError> {
    let path = Path::new(value);
    let bad = |reason| PlanError::BadPath {
        what,
        value: value.to_string(),
        reason,
    };
    if !path.is_absolute() {
        return Err(bad("must be absolute"));
    }
    if path.components().any(|c| c == Component::ParentDir) || value.contains('\0') {
        return Err(bad("must not contain '..'"));
    }
    Ok(())
}

/// A single path segment: no separator, not `.`/`..`, not hidden FsOps names.
fn check_component(what: &'static str, value: &str) -> Result<(), PlanError> {
    let bad = |reason| PlanError::BadPath {
        what,
        value: value.to_string(),
        reason,
    };
    if value.is_empty() || value == "." || value == ".." {
        return Err(bad("must be a plain name"));
    }
    if value.contains('/') || value.contains('\0') {
        return Err(bad("must not contain '/'"));
    }
    Ok(())
}

/// Splits a torrent-relative path into plain segments, refusing anything
/// that could climb out (`..`, absolute paths).
fn relative_parts(what: &'static str, value: &str) -> Result<Vec<String>, PlanError> {
    let bad = |reason| PlanError::BadPath {
        what,
        value: value.to_string(),
        reason,
    };
    if value.contains('\0') {
        return Err(bad("contains NUL"));
    }
    let mut parts = Vec::new();
    for component in Path::new(value).components() {
        match component {
            Component::Normal(part) => parts.push(part.to_string_lossy().into_owned()),
            Component::CurDir => {}
            Component::ParentDir => return Err(bad("must not contain '..'")),
            Component::RootDir | Component::Prefix(_) => return Err(bad("must be relative")),
        }
    }
    if parts.is_empty() {
        return Err(bad("is empty"));
    }
    Ok(parts)
}

/// The shared first segment when every file lies below it.
fn common_root(parts: &[Vec<String>]) -> Option<String> {
    let first = parts.first()?.first()?;
    parts
        .iter()
        .all(|p| p.len() >= 2 && p.first() == Some(first))
        .then(|| first.clone())
}

fn file_stem(name: &str) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name[..dot].to_string(),
        _ => name.to_string(),
    }
}

/// Groups archive files into sets: single archives, `name.partN.rar` sets
/// and old-style `name.rar` + `name.r00`, `name.r01`, ... sets.
fn archive_sets(files: &[PlanFile]) -> Result<Vec<ArchiveSet>, PlanError> {
    let mut sets = Vec::new();
    // (dir, base) -> numbered volumes
    let mut new_style: BTreeMap<(String, String), BTreeMap<u32, String>> = BTreeMap::new();
    let mut old_style: BTreeMap<(String, String), BTreeMap<u32, String>> = BTreeMap::new();
    for file in files {
        let (dir, name) = split_dir(&file.target);
        let lower = name.to_ascii_lowercase();
        let single = |kind| ArchiveSet {
            kind,
            volumes: vec![file.source.clone()],
            dir: dir.clone(),
        };
        if let Some(stem) = lower.strip_suffix(".rar") {
            match part_number(stem) {
                Some((base, n)) => {
                    new_style
                        .entry((dir.clone(), base.to_string()))
                        .or_default()
                        .insert(n, file.source.clone());
                }
                None => {
                    // Old style: the .rar is volume 0, .r00 is volume 1, ...
                    old_style
                        .entry((dir.clone(), stem.to_string()))
                        .or_default()
                        .insert(0, file.source.clone());
                }
            }
        } else if let Some((stem, n)) = old_volume(&lower) {
            old_style
                .entry((dir.clone(), stem.to_string()))
                .or_default()
                .insert(n + 1, file.source.clone());
        } else if lower.ends_with(".zip") {
            sets.push(single(ArchiveKind::Zip));
        } else if lower.ends_with(".7z") {
            sets.push(single(ArchiveKind::SevenZip));
        } else if [
            ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tbz", ".tar.xz", ".txz",
        ]
        .iter()
        .any(|ext| lower.ends_with(ext))
        {
            sets.push(single(ArchiveKind::Tar));
        }
    }
    for ((dir, _), volumes) in new_style {
        sets.push(rar_set(dir, volumes, 1)?);
    }
    for ((dir, _), volumes) in old_style {
        // `.rNN` files without their `.rar` are not an archive we can open.
        if volumes.contains_key(&0) {
            sets.push(rar_set(dir, volumes, 0)?);
        }
    }
    sets.sort_by(|a, b| a.volumes.cmp(&b.volumes));
    Ok(sets)
}

fn rar_set(
    dir: String,
    volumes: BTreeMap<u32, String>,
    first: u32,
) -> Result<ArchiveSet, PlanError> {
    let first_name = volumes.values().next().cloned().unwrap_or_default();
    for (expected, number) in (first..).zip(volumes.keys()) {
        if *number != expected {
            return Err(PlanError::MissingVolume {
                first: first_name,
                missing: expected,
            });
        }
    }
    Ok(ArchiveSet {
        kind: ArchiveKind::Rar,
        volumes: volumes.into_values().collect(),
        dir,
    })
}

/// `movie.part01` -> (`movie`, 1)
fn part_number(stem: &str) -> Option<(&str, u32)> {
    let dot = stem.rfind(".part")?;
    let digits = &stem[dot + 5..];
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((&stem[..dot], digits.parse().ok()?))
}

/// `movie.r07` -> (`movie`, 7)
fn old_volume(lower: &str) -> Option<(&str, u32)> {
    let dot = lower.rfind('.')?;
    let ext = &lower[dot + 1..];
    let digits = ext.strip_prefix('r')?;
    if digits.len() != 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((&lower[..dot], digits.parse().ok()?))
}

fn split_dir(path: &str) -> (String, String) {
    match path.rfind('/') {
        Some(slash) => (path[..slash].to_string(), path[slash + 1..].to_string()),
        None => (String::new(), path.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(mode: MoveMode) -> FsPolicy {
        FsPolicy {
            library_root: "/lib".into(),
            extract: true,
            flatten: false,
            move_mode: mode,
            cleanup_keep: vec![],
            cleanup_drop: vec![],
            chmod_file: Some("640".into()),
            chmod_dir: None,
            owner: None,
            group: None,
            umask: Some("027".into()),
            allow_paths: vec!["/".into()],
            allow_special_modes: false,
            extract_max_ratio: 4,
            extract_min_free_bytes: 0,
        }
    }

    fn input(
        files: &[&str],
        category: Option<&str>,
    ) -> Result<JobInput, Box<dyn std::error::Error>> {
        Ok(JobInput {
            torrent: TorrentId::parse(&"ab".repeat(20))?,
            name: "Show".into(),
            category: category.map(str::to_string),
            save_path: "/dl".into(),
            files: files
                .iter()
                .map(|p| InputFile {
                    path: (*p).to_string(),
                    size: 1,
                })
                .collect(),
            request_id: None,
        })
    }

    #[test]
    fn multi_file_keeps_root_under_category() -> Result<(), Box<dyn std::error::Error>> {
        let plan = make_plan(
            &input(&["Show/a.mkv", "Show/sub/b.srt"], Some("tv"))?,
            &policy(MoveMode::Move),
        )?;
        assert_eq!(plan.destination, "/lib/tv/Show");
        assert_eq!(plan.engine_save_path.as_deref(), Some("/lib/tv"));
        assert_eq!(plan.torrent_root.as_deref(), Some("Show"));
        let targets: Vec<_> = plan.files.iter().map(|f| f.target.as_str()).collect();
        assert_eq!(targets, ["a.mkv", "sub/b.srt"]);
        assert_eq!(plan.permissions.effective_file_mode(), Some(0o640));
        assert_eq!(plan.permissions.effective_dir_mode(), Some(0o750));
        Ok(())
    }

    #[test]
    fn single_file_gets_a_folder_named_after_its_stem() -> Result<(), Box<dyn std::error::Error>> {
        let plan = make_plan(&input(&["movie.mkv"], None)?, &policy(MoveMode::Move))?;
        assert_eq!(plan.destination, "/lib/movie");
        assert_eq!(plan.engine_save_path.as_deref(), Some("/lib/movie"));
        assert_eq!(plan.files[0].target, "movie.mkv");
        Ok(())
    }

    #[test]
    fn groups_rar_volumes_and_refuses_gaps() -> Result<(), Box<dyn std::error::Error>> {
        let plan = make_plan(
            &input(
                &[
                    "R/x.part1.rar",
                    "R/x.part2.rar",
                    "R/old.rar",
                    "R/old.r00",
                    "R/old.r01",
                    "R/lone.r00",
                    "R/d/a.zip",
                    "R/b.tar.gz",
                    "R/c.7z",
                ],
                None,
            )?,
            &policy(MoveMode::Copy),
        )?;
        let volumes: Vec<_> = plan.archives.iter().map(|a| a.volumes.clone()).collect();
        assert_eq!(
            volumes,
            vec![
                vec!["R/b.tar.gz".to_string()],
                vec!["R/c.7z".to_string()],
                vec!["R/d/a.zip".to_string()],
                vec![
                    "R/old.rar".to_string(),
                    "R/old.r00".to_string(),
                    "R/old.r01".to_string()
                ],
                vec!["R/x.part1.rar".to_string(), "R/x.part2.rar".to_string()],
            ]
        );
        assert_eq!(plan.archives[2].dir, "d");
        let gap = make_plan(
            &input(&["R/x.part1.rar", "R/x.part3.rar"], None)?,
            &policy(MoveMode::Copy),
        );
        assert!(matches!(
            gap,
            Err(PlanError::MissingVolume { missing: 2, .. })
        ));
        Ok(())
    }

    #[test]
    fn refuses_traversal_and_bad_names() -> Result<(), Box<dyn std::error::Error>> {
        let p = policy(MoveMode::Copy);
        for files in [&["../etc/passwd"][..], &["/etc/passwd"][..]] {
            let refused = make_plan(&input(files, None)?, &p);
            assert!(
                matches!(refused, Err(PlanError::BadPath { .. })),
                "{files:?}: {refused:?}"
            );
        }
        for category in ["../x", "a/b", "..", ".hidden"] {
            assert!(
                matches!(
                    make_plan(&input(&["a.mkv"], Some(category))?, &p),
                    Err(PlanError::BadCategory { .. })
                ),
                "{category}"
            );
        }
        let mut bad_mode = p.clone();
        bad_mode.chmod_dir = Some("9".into());
        assert!(matches!(
            make_plan(&input(&["a.mkv"], None)?, &bad_mode),
            Err(PlanError::BadMode { .. })
        ));
        // Setuid/setgid/sticky only with the opt-in.
        let mut setuid = p.clone();
        setuid.chmod_file = Some("4755".into());
        assert!(matches!(
            make_plan(&input(&["a.mkv"], None)?, &setuid),
            Err(PlanError::BadMode {
                field: "chmod_file",
                ..
            })
        ));
        setuid.allow_special_modes = true;
        let plan = make_plan(&input(&["a.mkv"], None)?, &setuid)?;
        assert_eq!(plan.permissions.file_mode, Some(0o4755));
        Ok(())
    }
}
