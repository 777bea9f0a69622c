//! The `tail --resume-file`: the id of the last event shown, so the next
//! `tail` continues exactly after it.
//!
//! Rule: the file is replaced atomically (written beside it, synced, then
//! renamed over it), so a crash or Ctrl-C at any moment leaves either the
//! old id or the new one, never a torn file.

use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use crate::exit::CliError;

/// The resume file at `path`.
#[derive(Debug, Clone)]
pub struct ResumeFile {
    path: PathBuf,
}

impl ResumeFile {
    /// A resume file at `path` (it need not exist yet).
    pub fn new(path: PathBuf) -> Self {
        Self { path }
    }

    /// The stored id, `None` when the file does not exist or is empty.
    pub fn load(&self) -> Result<Option<u64>, CliError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(err) if err.kind() == ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(CliError::Runtime(format!(
                    "cannot read {}: {err}",
                    self.path.display()
                )))
            }
        };
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        text.parse().map(Some).map_err(|_| {
            CliError::Usage(format!(
                "{} does not hold an event id (found {text:?})",
                self.path.display()
            ))
        })
    }

    /// Stores `id` atomically.
    pub fn store(&self, id: u64) -> Result<(), CliError> {
        let fail = |err: std::io::Error| {
            CliError::Runtime(format!("cannot write {}: {err}", self.path.display()))
        };
        let temp = temp_path(&self.path);
        let mut file = fs::File::create(&temp).map_err(fail)?;
        file.write_all(format!("{id}\n").as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        drop(file);
        fs::rename(&temp, &self.path).map_err(fail)
    }
}

/// `dir/.name.tmp-<pid>`: beside the target, so the rename stays on one
/// filesystem (and is atomic).
fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "resume".into());
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_garbage_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = std::env::temp_dir().join(format!("revaer-resume-{}", std::process::id()));
        fs::create_dir_all(&dir)?;
        let file = ResumeFile::new(dir.join("last-id"));
        assert_eq!(file.load()?, None);
        file.store(42)?;
        file.store(43)?;
        assert_eq!(file.load()?, Some(43));
        assert_eq!(fs::read_dir(&dir)?.count(), 1, "no temporary file left");
        fs::write(dir.join("last-id"), "not a number")?;
        assert!(matches!(file.load(), Err(CliError::Usage(_))));
        fs::remove_dir_all(&dir)?;
        Ok(())
    }
}
