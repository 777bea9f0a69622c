//! A sorted, non-following directory walk.
//!
//! Rule: never follow symlinks (`symlink_metadata` only), and return entries
//! in byte order so every step that derives names from a walk is
//! deterministic across runs and machines.

use std::path::{Path, PathBuf};

use crate::error::{StepError, StepResult};

/// What an entry is, without following links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A symlink or anything else.
    Other,
}

/// One entry below the walked root.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to the root, `/`-separated.
    pub rel: String,
    /// Full path.
    pub path: PathBuf,
    /// Its kind.
    pub kind: Kind,
}

/// Every entry below `root` (not `root` itself), parents before children.
/// Top-level names in `skip` are left out with everything below them.
pub fn walk(root: &Path, skip: &[&str]) -> StepResult<Vec<Entry>> {
    let mut out = Vec::new();
    visit(root, "", skip, &mut out)?;
    Ok(out)
}

fn visit(dir: &Path, prefix: &str, skip: &[&str], out: &mut Vec<Entry>) -> StepResult<()> {
    let reader = std::fs::read_dir(dir).map_err(|e| StepError::io("cannot list", dir, e))?;
    let mut names = Vec::new();
    for entry in reader {
        let entry = entry.map_err(|e| StepError::io("cannot list", dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    for name in names {
        if prefix.is_empty() && skip.contains(&name.as_str()) {
            continue;
        }
        let path = dir.join(&name);
        let rel = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let meta =
            std::fs::symlink_metadata(&path).map_err(|e| StepError::io("cannot stat", &path, e))?;
        let kind = if meta.is_dir() {
            Kind::Dir
        } else if meta.is_file() {
            Kind::File
        } else {
            Kind::Other
        };
        out.push(Entry {
            rel: rel.clone(),
            path: path.clone(),
            kind,
        });
        if kind == Kind::Dir {
            visit(&path, &rel, skip, out)?;
        }
    }
    Ok(())
}
