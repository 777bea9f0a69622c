//! The allow-list: every path FsOps reads or writes must, once canonical,
//! lie under one of `fs_policy.allow_paths`.
//!
//! Rule: compare canonical paths only. `canonicalize` resolves every
//! symlink, so a symlink pointing out of the allowed roots is caught; for a
//! path that does not exist yet we canonicalise its deepest existing
//! ancestor and append the rest, which is made of plain names (the plan
//! refuses `..`). Checks run before a job touches anything and again at the
//! start of every step, so a symlink swapped in between runs is caught too.
//! The resolution of a path that does not exist yet is the domain's
//! (`revaer_domain::rules::paths::resolve`), shared with the save-path
//! check of the API and the engine.

use revaer_domain::rules::paths;
use std::path::{Path, PathBuf};

use crate::error::{StepError, StepResult};

/// Canonical allowed roots.
#[derive(Debug, Clone)]
pub struct AllowList {
    roots: Vec<PathBuf>,
}

impl AllowList {
    /// Canonicalises the configured roots. Roots that do not exist cannot
    /// contain anything and are skipped; none at all refuses everything.
    pub fn new(paths: &[String]) -> StepResult<Self> {
        let roots: Vec<PathBuf> = paths
            .iter()
            .filter(|p| Path::new(p).is_absolute())
            .filter_map(|p| std::fs::canonicalize(p).ok())
            .collect();
        if roots.is_empty() {
            return Err(StepError::Refused(format!(
                "fs_policy.allow_paths has no existing absolute directory ({paths:?})"
            )));
        }
        Ok(Self { roots })
    }

    /// Checks an existing path; returns its canonical form.
    pub fn existing(&self, path: &Path, what: &str) -> StepResult<PathBuf> {
        let canonical = std::fs::canonicalize(path)
            .map_err(|err| StepError::io(&format!("cannot resolve {what}"), path, err))?;
        self.contains(&canonical, path, what)?;
        Ok(canonical)
    }

    /// Checks a path that may not exist yet; returns where it would be
    /// (resolved as the engine resolves save paths:
    /// `revaer_domain::rules::paths::resolve`).
    pub fn target(&self, path: &Path, what: &str) -> StepResult<PathBuf> {
        let resolved = paths::resolve(path)
            .map_err(|err| StepError::Refused(format!("{what} {}: {err}", path.display())))?;
        self.contains(&resolved, path, what)?;
        Ok(resolved)
    }

    fn contains(&self, canonical: &Path, original: &Path, what: &str) -> StepResult<()> {
        if self.roots.iter().any(|root| canonical.starts_with(root)) {
            Ok(())
        } else if canonical == original {
            Err(StepError::Refused(format!(
                "{what} {} is outside fs_policy.allow_paths",
                original.display()
            )))
        } else {
            Err(StepError::Refused(format!(
                "{what} {} resolves to {}, outside fs_policy.allow_paths",
                original.display(),
                canonical.display()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_inside_and_refuses_outside_and_symlink_escape(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let allowed = dir.path().join("allowed");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(&allowed)?;
        std::fs::create_dir_all(&outside)?;
        std::fs::write(outside.join("secret"), b"x")?;
        std::os::unix::fs::symlink(&outside, allowed.join("link"))?;
        let list = AllowList::new(&[allowed.to_string_lossy().into_owned()])?;

        assert!(list.target(&allowed.join("new/dir"), "destination").is_ok());
        assert!(list.existing(&outside.join("secret"), "source").is_err());
        let escaped = list.existing(&allowed.join("link/secret"), "source");
        assert!(matches!(escaped, Err(StepError::Refused(m)) if m.contains("resolves to")));
        assert!(list
            .target(&allowed.join("link/new"), "destination")
            .is_err());
        assert!(AllowList::new(&["relative".into()]).is_err());
        Ok(())
    }
}
