//! The seam for the filesystem operations that can fail with `EXDEV`.
//!
//! `rename` and `link` do not work across filesystems; the transfer step
//! falls back to copying. Production uses [`RealFs`]; tests substitute an
//! implementation that reports `EXDEV` (where no second mount is available)
//! so the fallback is exercised on any machine. Copying itself is not part of
//! the seam: it is the fallback, and always runs for real.

use std::io;
use std::path::Path;

/// Operations that may fail with "cross-device link".
pub trait FileSystem: Send + Sync + 'static {
    /// `rename(2)`.
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        std::fs::rename(from, to)
    }

    /// `link(2)`.
    fn hard_link(&self, original: &Path, link: &Path) -> io::Result<()> {
        std::fs::hard_link(original, link)
    }
}

/// The real filesystem.
#[derive(Debug, Clone, Copy, Default)]
pub struct RealFs;

impl FileSystem for RealFs {}

/// Whether an error means "source and target are on different filesystems".
pub fn is_cross_device(err: &io::Error) -> bool {
    err.raw_os_error() == Some(nix::errno::Errno::EXDEV as i32)
}

/// The error a cross-device `rename`/`link` reports (for test seams).
pub fn cross_device_error() -> io::Error {
    io::Error::from_raw_os_error(nix::errno::Errno::EXDEV as i32)
}
