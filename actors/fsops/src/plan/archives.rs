//! Which torrent files are archives and how split archives group into
//! sets of volumes (`name.partN.rar`, `name.rar` + `name.rNN`), so the
//! extract step opens each set once from its first volume.

use super::{PlanError, PlanFile};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// Groups archive files into sets: single archives, `name.partN.rar` sets
/// and old-style `name.rar` + `name.r00`, `name.r01`, ... sets.
pub(super) fn archive_sets(files: &[PlanFile]) -> Result<Vec<ArchiveSet>, PlanError> {
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
