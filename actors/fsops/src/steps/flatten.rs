//! Step 2, flatten: decides the final place of every file and moves the
//! extracted files there.
//!
//! Rules:
//! - the layout is computed once, saved in `.revaer.meta` *before* anything
//!   moves, and reused if the step runs again after a crash (recomputing it
//!   from a half-emptied staging area would give different names);
//! - order is deterministic: pinned torrent files first (move mode, they keep
//!   the torrent's layout so the engine can seed them), then other torrent
//!   files by source path, then extracted files by archive and member path;
//! - a name already taken (by a file, by a folder another file needs, or by
//!   one of FsOps' own names) becomes `stem (1).ext`, `stem (2).ext`, ...
//!   With `flatten` every unpinned file goes to the top of the destination;
//!   without it, extracted members land in the folder their archive sits in.

use std::collections::BTreeSet;
use std::path::Path;

use crate::error::{StepError, StepResult};
use crate::meta::{Origin, Placement, RESERVED};
use crate::steps::extract::set_dir;
use crate::steps::{StepStatus, Work};
use crate::walk::{walk, Kind};

/// Runs the step.
pub fn run(work: &mut Work) -> StepResult<StepStatus> {
    if work.store.meta.layout.is_none() {
        let layout = compute_layout(work)?;
        work.store.meta.layout = Some(layout);
        work.store.save()?;
    }
    let layout = work.store.meta.layout.clone().unwrap_or_default();
    let staging = work.store.staging();
    for placement in &layout {
        let Origin::Extracted { set, path } = &placement.origin else {
            continue;
        };
        let from = set_dir(&staging, *set).join(path);
        let to = work.dest.join(&placement.target);
        let staged = std::fs::symlink_metadata(&from).is_ok();
        if staged {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| StepError::io("cannot create", parent, e))?;
            }
            std::fs::rename(&from, &to).map_err(|e| StepError::io("cannot move", &from, e))?;
        } else if std::fs::symlink_metadata(&to).is_err() {
            return Err(StepError::io(
                "extracted file vanished",
                &from,
                std::io::Error::from(std::io::ErrorKind::NotFound),
            ));
        }
    }
    let extract = staging.join("extract");
    if extract.exists() {
        std::fs::remove_dir_all(&extract)
            .map_err(|e| StepError::io("cannot remove", &extract, e))?;
    }
    Ok(if work.plan.flatten {
        StepStatus::Done
    } else {
        StepStatus::Skipped
    })
}

fn compute_layout(work: &Work) -> StepResult<Vec<Placement>> {
    let plan = &work.plan;
    let pinned = plan.pins_torrent_files();
    let mut names = Names::default();
    let mut layout = Vec::new();
    // Pinned files cannot move, so they claim their names first.
    let (first, rest): (Vec<_>, Vec<_>) = plan.files.iter().partition(|_| pinned);
    for file in first {
        let blocked = ancestors(&file.target).any(|dir| names.blocks_folder(dir));
        if blocked || !names.free(&file.target) {
            return Err(StepError::Conflict(format!(
                "torrent file {} collides with a name FsOps reserves",
                file.source
            )));
        }
        names.take(&file.target);
        layout.push(Placement {
            origin: Origin::Torrent {
                source: file.source.clone(),
            },
            target: file.target.clone(),
            pinned: true,
        });
    }
    for file in rest {
        let wanted = if plan.flatten {
            base_name(&file.target).to_string()
        } else {
            file.target.clone()
        };
        layout.push(Placement {
            origin: Origin::Torrent {
                source: file.source.clone(),
            },
            target: names.claim(&wanted),
            pinned: false,
        });
    }
    let staging = work.store.staging();
    for (index, set) in plan.archives.iter().enumerate() {
        let dir = set_dir(&staging, index);
        if !dir.exists() {
            continue;
        }
        for entry in walk(&dir, &[])? {
            if entry.kind != Kind::File {
                continue;
            }
            let wanted = if plan.flatten {
                base_name(&entry.rel).to_string()
            } else if set.dir.is_empty() {
                entry.rel.clone()
            } else {
                format!("{}/{}", set.dir, entry.rel)
            };
            layout.push(Placement {
                origin: Origin::Extracted {
                    set: index,
                    path: entry.rel.clone(),
                },
                target: names.claim(&wanted),
                pinned: false,
            });
        }
    }
    Ok(layout)
}

fn base_name(path: &str) -> &str {
    Path::new(path)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(path)
}

/// Names taken in the destination: files and the folders they need.
#[derive(Debug, Default)]
struct Names {
    files: BTreeSet<String>,
    dirs: BTreeSet<String>,
}

impl Names {
    /// A file may take `path`: no file or needed folder has that name and
    /// it is not one of FsOps' own names.
    fn free(&self, path: &str) -> bool {
        !self.blocks_folder(path) && !self.dirs.contains(path)
    }

    /// Whether `dir` cannot be a folder: a file (or a reserved name) has it.
    fn blocks_folder(&self, dir: &str) -> bool {
        self.files.contains(dir) || (!dir.contains('/') && RESERVED.contains(&dir))
    }

    fn take(&mut self, path: &str) {
        for dir in ancestors(path) {
            self.dirs.insert(dir.to_string());
        }
        self.files.insert(path.to_string());
    }

    /// `wanted` if free, else the first free `stem (n).ext` beside it. A
    /// folder on the way that is already a file gets numbered the same way.
    fn claim(&mut self, wanted: &str) -> String {
        let mut path = wanted.to_string();
        loop {
            let clash = ancestors(&path)
                .find(|dir| self.blocks_folder(dir))
                .map(str::to_string);
            let Some(dir) = clash else {
                break;
            };
            let rest = path[dir.len()..].to_string();
            let mut n = 1;
            let mut renamed = numbered(&dir, n);
            while self.blocks_folder(&renamed) {
                n += 1;
                renamed = numbered(&dir, n);
            }
            path = format!("{renamed}{rest}");
        }
        let mut candidate = path.clone();
        let mut n = 1;
        while !self.free(&candidate) {
            candidate = numbered(&path, n);
            n += 1;
        }
        self.take(&candidate);
        candidate
    }
}

fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(i, _)| &path[..i])
}

/// `dir/name.ext` -> `dir/name (n).ext`
fn numbered(path: &str, n: usize) -> String {
    let (dir, name) = match path.rfind('/') {
        Some(slash) => (&path[..=slash], &path[slash + 1..]),
        None => ("", path),
    };
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{dir}{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{dir}{name} ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_get_numbered_names() {
        let mut names = Names::default();
        assert_eq!(names.claim("a.mkv"), "a.mkv");
        assert_eq!(names.claim("a.mkv"), "a (1).mkv");
        assert_eq!(names.claim("a.mkv"), "a (2).mkv");
        assert_eq!(names.claim("d/x"), "d/x");
        // A file cannot take the name of a folder another file needs ...
        assert_eq!(names.claim("d"), "d (1)");
        // ... nor can a file go below a file: the folder gets the number.
        assert_eq!(names.claim("a.mkv/y"), "a (3).mkv/y");
        assert_eq!(names.claim(".revaer.staging/z"), ".revaer (1).staging/z");
        assert_eq!(names.claim(".revaer.meta"), ".revaer (1).meta");
        assert_eq!(names.claim("README"), "README");
        assert_eq!(names.claim("README"), "README (1)");
    }
}
