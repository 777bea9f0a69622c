//! Path checks of planning: the roots must be absolute, torrent paths
//! relative and free of `..`, and the folder name one plain segment, so no
//! plan can point outside the save path or the library.

use super::PlanError;
use std::path::{Component, Path};

pub(super) fn check_absolute(what: &'static str, value: &str) -> Result<(), PlanError> {
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
pub(super) fn check_component(what: &'static str, value: &str) -> Result<(), PlanError> {
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
pub(super) fn relative_parts(what: &'static str, value: &str) -> Result<Vec<String>, PlanError> {
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
pub(super) fn common_root(parts: &[Vec<String>]) -> Option<String> {
    let first = parts.first()?.first()?;
    parts
        .iter()
        .all(|p| p.len() >= 2 && p.first() == Some(first))
        .then(|| first.clone())
}

pub(super) fn file_stem(name: &str) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => name[..dot].to_string(),
        _ => name.to_string(),
    }
}
