//! Step 3, transfer: puts every torrent file at its place in the
//! destination, by `move`, `copy` or `hardlink`.
//!
//! Rules:
//! - a file appears under its final name only complete: copies go to the
//!   staging area, are verified (read back, SHA-256) and renamed into place;
//! - `move` across filesystems (`EXDEV`) becomes copy + verify + remove the
//!   source; `hardlink` across filesystems becomes copy + verify;
//! - every file is checked against what is already there, so the step can
//!   run again after a crash at any point: a moved file is found at its
//!   target, a finished copy is recognised by its checksum, a link by its
//!   inode, and nothing is done twice;
//! - with `move`, source folders emptied by the move are removed (never the
//!   save path itself); telling the engine is the caller's part (async).

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use revaer_messages::config::MoveMode;

use crate::checksum::{copy_verified, hash_file};
use crate::error::{StepError, StepResult};
use crate::fs::is_cross_device;
use crate::meta::{FileRecord, Origin};
use crate::steps::{StepStatus, Work};

/// Runs the step.
pub fn run(work: &mut Work) -> StepResult<StepStatus> {
    let layout = work.store.meta.layout.clone().ok_or_else(|| {
        StepError::Conflict("no layout recorded; the flatten step did not run".into())
    })?;
    let tmp_dir = work.store.staging().join("tmp");
    std::fs::create_dir_all(&tmp_dir).map_err(|e| StepError::io("cannot create", &tmp_dir, e))?;
    let mode = work.plan.move_mode;
    let mut records = Vec::new();
    for (index, placement) in layout.iter().enumerate() {
        let Origin::Torrent { source } = &placement.origin else {
            continue;
        };
        if work.hooks.interrupt_transfer_after == Some(records.len()) {
            return Err(StepError::Interrupted);
        }
        let src = Path::new(&work.plan.source_root).join(source);
        let dst = work.dest.join(&placement.target);
        if let Some(parent) = dst.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| StepError::io("cannot create", parent, e))?;
        }
        let tmp = tmp_dir.join(format!("{index}.part"));
        let record = place(work, mode, &src, &tmp, &dst)?;
        records.push(FileRecord {
            path: placement.target.clone(),
            size: record.0,
            sha256: record.1,
            method: record.2.to_string(),
        });
    }
    if mode == MoveMode::Move {
        remove_emptied_sources(work);
    }
    work.store.meta.files = records;
    Ok(StepStatus::Done)
}

/// Places one file; returns size, hash and the method used.
fn place(
    work: &Work,
    mode: MoveMode,
    src: &Path,
    tmp: &Path,
    dst: &Path,
) -> StepResult<(u64, String, &'static str)> {
    let src_meta = std::fs::symlink_metadata(src).ok();
    let dst_meta = std::fs::symlink_metadata(dst).ok();
    if let Some(meta) = &src_meta {
        if !meta.is_file() {
            return Err(StepError::Refused(format!(
                "source {} is not a regular file",
                src.display()
            )));
        }
        work.allow.existing(src, "source")?;
    }
    match (src_meta, dst_meta) {
        (None, None) => Err(StepError::io(
            "source file is missing",
            src,
            std::io::Error::from(std::io::ErrorKind::NotFound),
        )),
        // Moved by an earlier run.
        (None, Some(_)) => {
            let (size, hash) = hash_file(dst)?;
            Ok((size, hash, "rename"))
        }
        (Some(s), Some(d)) => already_there(mode, src, dst, &s, &d),
        (Some(_), None) => fresh(work, mode, src, tmp, dst),
    }
}

fn fresh(
    work: &Work,
    mode: MoveMode,
    src: &Path,
    tmp: &Path,
    dst: &Path,
) -> StepResult<(u64, String, &'static str)> {
    // Size and hash of the placed file, with how it got there.
    let hashed = |how| hash_file(dst).map(|(size, hash)| (size, hash, how));
    match mode {
        MoveMode::Move => match work.fs.rename(src, dst) {
            Ok(()) => hashed("rename"),
            Err(err) if is_cross_device(&err) => {
                let (size, hash) = copy_verified(src, tmp, dst)?;
                std::fs::remove_file(src).map_err(|e| StepError::io("cannot remove", src, e))?;
                Ok((size, hash, "copy_fallback"))
            }
            Err(err) => Err(StepError::io("cannot move", src, err)),
        },
        MoveMode::Copy => {
            let (size, hash) = copy_verified(src, tmp, dst)?;
            Ok((size, hash, "copy"))
        }
        MoveMode::Hardlink => match work.fs.hard_link(src, dst) {
            Ok(()) => hashed("hardlink"),
            Err(err) if is_cross_device(&err) => {
                let (size, hash) = copy_verified(src, tmp, dst)?;
                Ok((size, hash, "copy_fallback"))
            }
            Err(err) => Err(StepError::io("cannot link", src, err)),
        },
    }
}

/// Both the source and the target exist: an earlier run got this far.
fn already_there(
    mode: MoveMode,
    src: &Path,
    dst: &Path,
    src_meta: &std::fs::Metadata,
    dst_meta: &std::fs::Metadata,
) -> StepResult<(u64, String, &'static str)> {
    let same_inode = src_meta.dev() == dst_meta.dev() && src_meta.ino() == dst_meta.ino();
    if same_inode {
        // A hard link made earlier (or, for move, a crash after link-like states).
        let (size, hash) = hash_file(dst)?;
        if mode == MoveMode::Move {
            std::fs::remove_file(src).map_err(|e| StepError::io("cannot remove", src, e))?;
        }
        return Ok((size, hash, "hardlink"));
    }
    let (src_size, src_hash) = hash_file(src)?;
    let (dst_size, dst_hash) = hash_file(dst)?;
    if src_size == dst_size && src_hash == dst_hash {
        // A verified copy is in place (copy, or a move/link fallback).
        let method = match mode {
            MoveMode::Move => {
                std::fs::remove_file(src).map_err(|e| StepError::io("cannot remove", src, e))?;
                "copy_fallback"
            }
            MoveMode::Copy => "copy",
            MoveMode::Hardlink => "copy_fallback",
        };
        return Ok((dst_size, dst_hash, method));
    }
    if dst_meta.is_file() {
        // Our target names are only ever created complete, so a different
        // file there is someone else's: do not overwrite it.
        return Err(StepError::Conflict(format!(
            "{} already exists with different content",
            dst.display()
        )));
    }
    Err(StepError::Conflict(format!(
        "{} already exists and is not a file",
        dst.display()
    )))
}

/// After a move, removes folders of the torrent that are now empty, deepest
/// first, stopping at the save path. Failures only leave empty folders.
fn remove_emptied_sources(work: &Work) {
    let root = PathBuf::from(&work.plan.source_root);
    let mut dirs: Vec<PathBuf> = work
        .plan
        .files
        .iter()
        .flat_map(|file| {
            Path::new(&file.source)
                .ancestors()
                .skip(1)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| root.join(p))
                .collect::<Vec<_>>()
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs.iter().rev() {
        // remove_dir only removes empty folders, which is exactly the intent.
        let _ = std::fs::remove_dir(dir);
    }
}
