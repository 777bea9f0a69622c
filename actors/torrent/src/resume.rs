//! Fast-resume files: `<resume_dir>/<info hash>.fastresume`, written
//! atomically (temporary file, fsync, rename, fsync of the directory) so a
//! crash leaves either the old file or the new one, never half of one.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Reads and writes resume files in one directory.
#[derive(Debug, Clone)]
pub struct ResumeStore {
    dir: PathBuf,
}

impl ResumeStore {
    /// A store rooted at `dir` (created on first write).
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    /// The file of one torrent.
    pub fn path(&self, id: &str) -> PathBuf {
        self.dir.join(format!("{id}.fastresume"))
    }

    /// Writes atomically.
    pub fn write(&self, id: &str, data: &[u8]) -> io::Result<()> {
        fs::create_dir_all(&self.dir)?;
        let target = self.path(id);
        let temp = self.dir.join(format!("{id}.fastresume.tmp"));
        {
            let mut file = File::create(&temp)?;
            file.write_all(data)?;
            file.sync_all()?;
        }
        fs::rename(&temp, &target)?;
        sync_dir(&self.dir)
    }

    /// Reads a torrent's resume data; `None` when there is none.
    pub fn read(&self, id: &str) -> io::Result<Option<Vec<u8>>> {
        match fs::read(self.path(id)) {
            Ok(data) => Ok(Some(data)),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Deletes a torrent's resume data (absent is fine).
    pub fn remove(&self, id: &str) -> io::Result<()> {
        match fs::remove_file(self.path(id)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_reads_replaces_and_removes() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let store = ResumeStore::new(dir.path().join("resume"));
        let id = "a".repeat(40);
        assert_eq!(store.read(&id)?, None);
        store.write(&id, b"first")?;
        store.write(&id, b"second")?;
        assert_eq!(store.read(&id)?, Some(b"second".to_vec()));
        assert!(!dir
            .path()
            .join("resume")
            .join(format!("{id}.fastresume.tmp"))
            .exists());
        store.remove(&id)?;
        store.remove(&id)?;
        assert_eq!(store.read(&id)?, None);
        Ok(())
    }
}
