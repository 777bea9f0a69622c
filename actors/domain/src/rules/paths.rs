//! Where torrents may be saved: the save-path containment rule.
//!
//! Rule, applied by the API before an add and by the engine before adding
//! or moving storage: a save path is absolute, free of `..` and of control
//! characters, lies lexically under one of the allowed roots (the download
//! root and `fs_policy.allow_paths`) *and* still does once symlinks are
//! resolved. A path that does not exist yet is resolved through its
//! deepest existing ancestor (canonicalised, every symlink followed) plus
//! the remaining plain names, so a symlink inside a root that points
//! outside it is caught before anything is written through it. FsOps
//! resolves its destinations with the same [`resolve`].

use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};

use crate::rules::text::has_control;

/// Why a path is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Relative, empty, or with a `..` segment.
    #[error("must be an absolute path without '..'")]
    NotAbsolute,
    /// Contains a control character.
    #[error("must not contain control characters")]
    Control,
    /// Lexically outside every allowed root.
    #[error("must lie inside the download root or fs_policy.allow_paths")]
    Outside,
    /// Inside a root by name, outside once symlinks are resolved.
    #[error("resolves to {0}, outside the download root and fs_policy.allow_paths")]
    Escapes(String),
    /// Resolving failed (no existing ancestor, permission denied, ...).
    #[error("cannot be resolved: {0}")]
    Unresolvable(String),
}

/// The lexical half of the rule: absolute, no `..`, no control characters.
pub fn check_lexical(path: &str) -> Result<(), PathError> {
    if has_control(path) {
        return Err(PathError::Control);
    }
    let candidate = Path::new(path);
    let climbs = candidate
        .components()
        .any(|c| matches!(c, Component::ParentDir));
    if path.is_empty() || !candidate.is_absolute() || climbs {
        return Err(PathError::NotAbsolute);
    }
    Ok(())
}

/// Where `path` is, or would be once created: its deepest existing
/// ancestor canonicalised, plus the rest of its (plain) names.
pub fn resolve(path: &Path) -> Result<PathBuf, PathError> {
    let mut existing = path.to_path_buf();
    let mut rest: Vec<OsString> = Vec::new();
    while std::fs::symlink_metadata(&existing).is_err() {
        match (existing.file_name(), existing.parent()) {
            (Some(name), Some(parent)) => {
                rest.push(name.to_os_string());
                existing = parent.to_path_buf();
            }
            _ => {
                return Err(PathError::Unresolvable(format!(
                    "{} has no existing ancestor",
                    path.display()
                )))
            }
        }
    }
    let mut resolved = std::fs::canonicalize(&existing)
        .map_err(|err| PathError::Unresolvable(format!("{}: {err}", existing.display())))?;
    for name in rest.iter().rev() {
        if !matches!(
            Path::new(name).components().next(),
            Some(Component::Normal(_))
        ) {
            return Err(PathError::Unresolvable(format!(
                "{} contains a non-plain segment",
                path.display()
            )));
        }
        resolved.push(name);
    }
    Ok(resolved)
}

/// The whole rule for a save path: returns `path` resolved when it lies
/// inside one of `roots` both by name and once symlinks are resolved.
/// Empty or unresolvable roots contain nothing.
pub fn contain(path: &str, roots: &[&str]) -> Result<PathBuf, PathError> {
    check_lexical(path)?;
    let candidate = Path::new(path);
    let usable: Vec<&str> = roots
        .iter()
        .copied()
        .filter(|root| check_lexical(root).is_ok())
        .collect();
    if !usable
        .iter()
        .any(|root| candidate.starts_with(Path::new(root)))
    {
        return Err(PathError::Outside);
    }
    let resolved = resolve(candidate)?;
    let inside = usable
        .iter()
        .filter_map(|root| resolve(Path::new(root)).ok())
        .any(|root| resolved.starts_with(root));
    if inside {
        Ok(resolved)
    } else {
        Err(PathError::Escapes(resolved.display().to_string()))
    }
}

#[cfg(test)]
mod tests;
