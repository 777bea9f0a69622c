//! Input rules that more than one component enforces: the API refuses bad
//! input at the edge with a pointer, the engine and FsOps check again
//! before acting (they can be reached by other paths, and a rule checked
//! twice by two copies drifts). One function per rule, here.

pub mod category;
pub mod magnet;
pub mod paths;
pub mod text;

/// Highest file priority (libtorrent's "top priority"); 0 skips the file.
/// The bridge has its own copy (`libtorrent_sys::MAX_PRIORITY`) because it
/// does not depend on the domain; the engine's tests check they agree.
pub const MAX_FILE_PRIORITY: u8 = 7;
