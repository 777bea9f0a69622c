//! Step 1, extract: every planned archive set is unpacked with libarchive
//! (through compress-tools) into `.revaer.staging/extract/<set>/`.
//!
//! Rules:
//! - we write every member ourselves instead of letting libarchive write to
//!   disk, so each member is checked first: absolute names and `..` are
//!   refused, and so are symbolic links, hard links and device nodes (the
//!   binding does not expose a link's target, so a link cannot be proven to
//!   stay inside; refusing is the safe reading of "symlinks pointing
//!   outside are refused"). Since FsOps never creates a link, no path we
//!   write through can be redirected;
//! - a set is always extracted from scratch (its staging folder is emptied
//!   first), so re-running the step after a crash gives the same result;
//! - an unrecognised format or an unsupported compression method is
//!   reported as `Unsupported`, which marks the `fsops` health component
//!   degraded; a corrupt or truncated archive, or members that contradict
//!   each other (a file `d`, then `d/x`), are `Archive` errors: permanent,
//!   like everything extracting the same bytes again would repeat;
//! - what one job extracts is bounded (see [`budget`](super::budget)): bytes
//!   against the plan's budget, free space against the policy's margin;
//! - a failed step removes what it staged (`.revaer.staging/extract`, and
//!   `.revaer.staging` itself when that leaves it empty): nothing partial
//!   stays in the library, and a retry extracts from scratch anyway.

use compress_tools::{ArchiveContents, ArchiveIterator};
use std::fs::File;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::error::{StepError, StepResult};
use crate::plan::ArchiveSet;
use crate::steps::budget::Budget;
use crate::steps::{StepStatus, Work};
use crate::volumes::VolumeReader;

const S_IFMT: u32 = 0o170_000;
const S_IFDIR: u32 = 0o040_000;
const S_IFREG: u32 = 0o100_000;
const S_IFLNK: u32 = 0o120_000;

/// Staging folder of archive set `index`.
pub fn set_dir(staging: &Path, index: usize) -> PathBuf {
    staging.join("extract").join(index.to_string())
}

/// Runs the step.
pub fn run(work: &mut Work) -> StepResult<StepStatus> {
    if work.plan.archives.is_empty() {
        return Ok(StepStatus::Skipped);
    }
    let staging = work.store.staging();
    let result = extract_all(work, &staging);
    if result.is_err() {
        remove_staged(&staging);
    }
    result
}

/// Removes the extraction staging area after a failure (best effort: the
/// failure is what gets reported).
fn remove_staged(staging: &Path) {
    let extract = staging.join("extract");
    if let Err(err) = std::fs::remove_dir_all(&extract) {
        if err.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(path = %extract.display(), error = %err, "could not remove the staged extraction");
        }
    }
    // Only when empty: other steps keep their own things there.
    let _ = std::fs::remove_dir(staging);
}

fn extract_all(work: &mut Work, staging: &Path) -> StepResult<StepStatus> {
    // The staging area is inside the destination: same filesystem.
    let mut budget = Budget::new(&work.plan, &work.dest)?;
    for (index, set) in work.plan.archives.clone().iter().enumerate() {
        let volumes: Vec<PathBuf> = set
            .volumes
            .iter()
            .map(|v| Path::new(&work.plan.source_root).join(v))
            .collect();
        for volume in &volumes {
            work.allow.existing(volume, "archive")?;
        }
        let out = set_dir(staging, index);
        if out.exists() {
            std::fs::remove_dir_all(&out).map_err(|e| StepError::io("cannot clear", &out, e))?;
        }
        std::fs::create_dir_all(&out).map_err(|e| StepError::io("cannot create", &out, e))?;
        let members = extract_set(set, &volumes, &out, &mut budget)?;
        tracing::info!(
            torrent.info_hash = %work.plan.torrent,
            archive = %set.volumes.first().map(String::as_str).unwrap_or_default(),
            volumes = set.volumes.len(),
            members,
            "archive extracted"
        );
    }
    Ok(StepStatus::Done)
}

/// Extracts one set into `out` within `budget`; returns the number of files
/// written.
pub fn extract_set(
    set: &ArchiveSet,
    volumes: &[PathBuf],
    out: &Path,
    budget: &mut Budget,
) -> StepResult<usize> {
    let name = set.volumes.first().cloned().unwrap_or_default();
    let reader = VolumeReader::open(volumes).map_err(|e| StepError::Io {
        context: format!("cannot open archive {name}"),
        source: e,
    })?;
    let mut iter = ArchiveIterator::from_read(reader).map_err(|e| archive_error(&name, e))?;
    let mut current: Option<(File, PathBuf)> = None;
    let mut files = 0usize;
    for item in &mut iter {
        match item {
            ArchiveContents::StartOfEntry(member, stat) => {
                let Some(rel) = member_path(&name, &member)? else {
                    continue;
                };
                let target = out.join(&rel);
                let clash = |path: &Path, e| member_error(&name, &member, path, e);
                match stat.st_mode & S_IFMT {
                    S_IFDIR => std::fs::create_dir_all(&target).map_err(|e| clash(&target, e))?,
                    S_IFREG => {
                        if let Some(parent) = target.parent() {
                            std::fs::create_dir_all(parent).map_err(|e| clash(parent, e))?;
                        }
                        let file = File::create(&target).map_err(|e| clash(&target, e))?;
                        current = Some((file, target));
                        files += 1;
                    }
                    S_IFLNK => {
                        return Err(StepError::Refused(format!(
                            "archive {name}: member {member:?} is a symbolic link; links are not extracted"
                        )))
                    }
                    other => {
                        return Err(StepError::Refused(format!(
                            "archive {name}: member {member:?} is not a regular file or directory (mode {other:o})"
                        )))
                    }
                }
            }
            ArchiveContents::DataChunk(chunk) => {
                budget.spend(chunk.len() as u64, &name)?;
                if let Some((file, path)) = current.as_mut() {
                    file.write_all(&chunk)
                        .map_err(|e| StepError::io("cannot write", path, e))?;
                }
            }
            ArchiveContents::EndOfEntry => {
                if let Some((file, path)) = current.take() {
                    file.sync_all()
                        .map_err(|e| StepError::io("cannot flush", &path, e))?;
                }
            }
            ArchiveContents::Err(err) => return Err(archive_error(&name, err)),
        }
    }
    iter.close().map_err(|e| archive_error(&name, e))?;
    Ok(files)
}

/// Creating a member's file or folder failed: when the archive itself is in
/// the way (a member where an earlier one left a file, or the reverse) it is
/// an archive error, the same on every attempt; anything else is I/O.
fn member_error(archive: &str, member: &str, path: &Path, err: std::io::Error) -> StepError {
    use std::io::ErrorKind::{AlreadyExists, IsADirectory, NotADirectory};
    if matches!(err.kind(), AlreadyExists | NotADirectory | IsADirectory) {
        StepError::Archive {
            archive: archive.to_string(),
            detail: format!("member {member:?} clashes with an earlier member ({err})"),
        }
    } else {
        StepError::io("cannot create", path, err)
    }
}

/// The member's path relative to the extraction folder; `None` for names
/// that denote the folder itself (`./`). Refuses anything that could land
/// outside it.
fn member_path(archive: &str, member: &str) -> StepResult<Option<PathBuf>> {
    let refuse = |why: &str| {
        StepError::Refused(format!(
            "archive {archive}: member {member:?} {why}; it would escape the destination"
        ))
    };
    let mut rel = PathBuf::new();
    for component in Path::new(member).components() {
        match component {
            Component::Normal(part) => rel.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(refuse("contains '..'")),
            Component::RootDir | Component::Prefix(_) => return Err(refuse("is absolute")),
        }
    }
    Ok((!rel.as_os_str().is_empty()).then_some(rel))
}

/// Sorts libarchive's complaints: a format or method it cannot handle is
/// "unsupported" (a capability problem), anything else is a bad archive.
fn archive_error(archive: &str, err: compress_tools::Error) -> StepError {
    let detail = err.to_string();
    let lower = detail.to_ascii_lowercase();
    let unsupported = matches!(err, compress_tools::Error::UnsupportedZipCompression(_))
        || lower.contains("unrecognized archive format")
        || lower.contains("unsupported")
        || lower.contains("not supported")
        || lower.contains("no decompressor")
        || lower.contains("is not compiled");
    if unsupported {
        StepError::Unsupported(format!("{archive}: {detail}"))
    } else if let compress_tools::Error::Utf(_) = err {
        StepError::Unsupported(format!("{archive}: a member name is not UTF-8"))
    } else {
        StepError::Archive {
            archive: archive.to_string(),
            detail,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::member_path;
    use crate::StepError;

    #[test]
    fn member_paths_are_confined() {
        for member in ["../x", "d/../../x", "/etc/passwd"] {
            let refused = member_path("a", member);
            assert!(
                matches!(&refused, Err(StepError::Refused(why)) if why.contains("escape")),
                "{member}: {refused:?}"
            );
        }
        assert!(matches!(member_path("a", "./"), Ok(None)));
        assert!(
            matches!(member_path("a", "./d/f"), Ok(Some(p)) if p == std::path::Path::new("d/f"))
        );
    }
}
