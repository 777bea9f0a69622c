//! Step 5, cleanup: applies the keep/drop globs and removes the staging area.
//!
//! Rules:
//! - a file is deleted when it matches a `cleanup_drop` glob, or when
//!   `cleanup_keep` is not empty and it matches none of its globs (drop wins
//!   over keep: `*.mkv` kept and `*sample*` dropped removes the sample);
//! - globs match the path relative to the destination, and `*` also matches
//!   `/`, so `*.nfo` finds `.nfo` files at any depth;
//! - pinned files (move mode: the engine seeds them) and FsOps' own files
//!   are never deleted; folders left empty are removed.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::{StepError, StepResult};
use crate::meta::{Origin, RESERVED};
use crate::steps::{StepStatus, Work};
use crate::walk::{walk, Kind};

/// Runs the step.
pub fn run(work: &mut Work) -> StepResult<StepStatus> {
    let keep = globs("cleanup_keep", &work.plan.cleanup_keep)?;
    let drop = globs("cleanup_drop", &work.plan.cleanup_drop)?;
    let active = !work.plan.cleanup_keep.is_empty() || !work.plan.cleanup_drop.is_empty();
    let pinned: Vec<String> = work
        .store
        .meta
        .layout
        .iter()
        .flatten()
        .filter(|p| p.pinned && matches!(p.origin, Origin::Torrent { .. }))
        .map(|p| p.target.clone())
        .collect();
    let mut removed = Vec::new();
    if active {
        let entries = walk(&work.dest, &RESERVED)?;
        for entry in entries.iter().filter(|e| e.kind != Kind::Dir) {
            if pinned.contains(&entry.rel) {
                continue;
            }
            let dropped = drop.is_match(&entry.rel);
            let kept = work.plan.cleanup_keep.is_empty() || keep.is_match(&entry.rel);
            if dropped || !kept {
                std::fs::remove_file(&entry.path)
                    .map_err(|e| StepError::io("cannot remove", &entry.path, e))?;
                removed.push(entry.rel.clone());
            }
        }
        // Deepest first, so parents empty out before they are tried.
        for entry in entries.iter().rev().filter(|e| e.kind == Kind::Dir) {
            // Fails on folders that still hold kept files, which stay.
            let _ = std::fs::remove_dir(&entry.path);
        }
    }
    let staging = work.store.staging();
    if staging.exists() {
        std::fs::remove_dir_all(&staging)
            .map_err(|e| StepError::io("cannot remove", &staging, e))?;
    }
    work.store.meta.removed.extend(removed);
    Ok(if active {
        StepStatus::Done
    } else {
        StepStatus::Skipped
    })
}

fn globs(field: &str, patterns: &[String]) -> StepResult<GlobSet> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| {
            StepError::Refused(format!(
                "fs_policy.{field} glob {pattern:?} is invalid: {e}"
            ))
        })?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| StepError::Refused(format!("fs_policy.{field} globs are invalid: {e}")))
}
