//! Session-less parsing of magnet URIs and .torrent files.

use crate::error::{Error, Result};
use crate::ffi;
use crate::types::{FileMeta, MagnetInfo, TorrentMeta};

/// Any exception from these parsers means the input was bad.
fn malformed(e: cxx::Exception) -> Error {
    Error::Malformed(e.what().to_owned())
}

/// Parses a magnet URI (`xt=urn:btih:` and/or `urn:btmh:`).
pub fn parse_magnet(uri: &str) -> Result<MagnetInfo> {
    let m = ffi::parse_magnet(uri).map_err(malformed)?;
    Ok(MagnetInfo {
        id: m.id,
        name: m.name,
        trackers: m.trackers,
    })
}

/// Parses the bytes of a .torrent file. Pad files are not listed.
pub fn parse_torrent_file(bytes: &[u8]) -> Result<TorrentMeta> {
    let m = ffi::parse_torrent(bytes).map_err(malformed)?;
    Ok(TorrentMeta {
        id: m.id,
        name: m.name,
        comment: m.comment,
        total_size: m.total_size,
        piece_length: m.piece_length,
        num_pieces: m.num_pieces,
        has_v1: m.has_v1,
        has_v2: m.has_v2,
        files: m.files.into_iter().map(FileMeta::from).collect(),
        trackers: m.trackers,
    })
}

/// Builds a magnet link (info hashes, name, trackers) from .torrent bytes.
pub fn make_magnet(bytes: &[u8]) -> Result<String> {
    ffi::make_magnet(bytes).map_err(malformed)
}
