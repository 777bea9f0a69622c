//! Creating .torrent files from local data.

use std::path::Path;

use crate::error::{Error, Result};
use crate::ffi;

/// Smallest piece size libtorrent accepts.
const MIN_PIECE_SIZE: i32 = 16 * 1024;

/// Creates a .torrent for a file or directory and returns its bytes.
///
/// `piece_size` is 0 (let libtorrent choose) or a power of two of at least
/// 16 KiB. Each tracker gets its own tier, in order. The torrent is a hybrid
/// v1+v2 torrent (libtorrent 2.0's default), so it has a v1 info hash and its
/// id is that hash. To seed it, add it with `save_path` = the parent
/// directory of `path`.
///
/// This reads and hashes all data and can take a long time; run it off any
/// async executor thread.
pub fn create_torrent(
    path: &Path,
    piece_size: i32,
    trackers: &[String],
    comment: &str,
) -> Result<Vec<u8>> {
    if piece_size != 0 && (piece_size < MIN_PIECE_SIZE || piece_size.count_ones() != 1) {
        return Err(Error::InvalidArgument(format!(
            "piece size must be 0 or a power of two >= {MIN_PIECE_SIZE}, got {piece_size}"
        )));
    }
    let full = path
        .canonicalize()
        .map_err(|e| Error::Io(format!("{}: {e}", path.display())))?;
    let parent = full.parent().ok_or_else(|| {
        Error::InvalidArgument(format!("{} has no parent directory", full.display()))
    })?;
    let to_str = |p: &Path| {
        p.to_str()
            .map(str::to_owned)
            .ok_or_else(|| Error::InvalidArgument(format!("{} is not valid UTF-8", p.display())))
    };
    let full_str = to_str(&full)?;
    let parent_str = to_str(parent)?;
    Ok(ffi::create_torrent(
        &full_str,
        &parent_str,
        piece_size,
        trackers,
        comment,
    )?)
}
