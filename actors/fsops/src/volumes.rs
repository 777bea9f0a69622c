//! Several archive volumes read as one stream.
//!
//! libarchive reads a multi-volume RAR (v4 `.rar`/`.r00`/… or v4/v5
//! `.partN.rar`) as the plain concatenation of its volumes: that is exactly
//! what its own `archive_read_open_filenames` does, switching files under
//! the format reader. compress-tools only takes one `Read + Seek`, so this
//! type provides the concatenation; with one volume it is just the file.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

/// The volumes of one archive, in order, as one seekable stream.
#[derive(Debug)]
pub struct VolumeReader {
    files: Vec<File>,
    /// Start offset of each volume in the joined stream.
    starts: Vec<u64>,
    total: u64,
    pos: u64,
}

impl VolumeReader {
    /// Opens every volume.
    pub fn open(paths: &[impl AsRef<Path>]) -> io::Result<Self> {
        let mut files = Vec::with_capacity(paths.len());
        let mut starts = Vec::with_capacity(paths.len());
        let mut total = 0u64;
        for path in paths {
            let file = File::open(path.as_ref())?;
            starts.push(total);
            total += file.metadata()?.len();
            files.push(file);
        }
        Ok(Self {
            files,
            starts,
            total,
            pos: 0,
        })
    }

    /// Index of the volume holding offset `pos` (`pos < total`).
    fn volume_at(&self, pos: u64) -> usize {
        match self.starts.binary_search(&pos) {
            Ok(mut index) => {
                // Skip empty volumes that start at the same offset.
                while index + 1 < self.starts.len() && self.starts[index + 1] == pos {
                    index += 1;
                }
                index
            }
            Err(index) => index.saturating_sub(1),
        }
    }
}

impl Read for VolumeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() || self.pos >= self.total {
            return Ok(0);
        }
        let index = self.volume_at(self.pos);
        let start = self.starts[index];
        let end = self.starts.get(index + 1).copied().unwrap_or(self.total);
        let file = &mut self.files[index];
        file.seek(SeekFrom::Start(self.pos - start))?;
        let room = usize::try_from(end - self.pos).unwrap_or(usize::MAX);
        let want = buf.len().min(room);
        let n = file.read(&mut buf[..want])?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl Seek for VolumeReader {
    fn seek(&mut self, target: SeekFrom) -> io::Result<u64> {
        let next = match target {
            SeekFrom::Start(offset) => i128::from(offset),
            SeekFrom::Current(delta) => i128::from(self.pos) + i128::from(delta),
            SeekFrom::End(delta) => i128::from(self.total) + i128::from(delta),
        };
        let next = u64::try_from(next).map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "seek before the first volume")
        })?;
        self.pos = next;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_seeks_across_volumes() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let names = ["a", "b", "c", "d"];
        let contents: [&[u8]; 4] = [b"hello ", b"", b"multi ", b"volume"];
        for (name, bytes) in names.iter().zip(contents) {
            std::fs::write(dir.path().join(name), bytes)?;
        }
        let paths: Vec<_> = names.iter().map(|n| dir.path().join(n)).collect();
        let mut reader = VolumeReader::open(&paths)?;
        let mut all = String::new();
        reader.read_to_string(&mut all)?;
        assert_eq!(all, "hello multi volume");
        reader.seek(SeekFrom::Start(4))?;
        let mut buf = [0u8; 5];
        reader.read_exact(&mut buf)?;
        assert_eq!(&buf, b"o mul");
        assert_eq!(reader.seek(SeekFrom::End(-3))?, 15);
        let mut tail = String::new();
        reader.read_to_string(&mut tail)?;
        assert_eq!(tail, "ume");
        Ok(())
    }
}
