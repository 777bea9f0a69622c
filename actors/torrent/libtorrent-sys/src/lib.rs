//! Revaer's bridge to libtorrent-rasterbar 2.0 (the system library, found via
//! pkg-config), built with `cxx`.
//!
//! Layers:
//! - `cpp/` (shim.h, session.cpp, torrent.cpp, layout.{h,cpp}, alerts.cpp,
//!   metainfo.cpp, convert.{h,cpp}):
//!   a small C++ class owning an `lt::session`. It copies
//!   everything (alerts, statuses, file lists) into plain structs before
//!   returning, because libtorrent objects such as alerts do not outlive the
//!   next `pop_alerts()`.
//! - [`ffi`]: the raw `#[cxx::bridge]`. Public for completeness; use the safe
//!   API instead.
//! - The safe API: [`Session`], the data types in this crate root, the
//!   session-less helpers [`parse_magnet`], [`parse_torrent_file`],
//!   [`make_magnet`], [`create_torrent`], and [`Error`]. Everything returned is
//!   Rust-owned.
//!
//! Torrent ids are the v1 info hash as 40 lowercase hex digits; v2-only
//! torrents use the first 20 bytes of their SHA-256 info hash (libtorrent's
//! and qBittorrent's convention).
//!
//! With the `testing` feature, the `testing` module holds the payload and
//! loopback seeder helpers that the test suites of this crate, the engine and
//! the server share.

mod alert;
mod bridge;
mod create;
mod error;
mod metainfo;
mod session;
mod status;
#[cfg(feature = "testing")]
pub mod testing;
mod types;

/// The raw `cxx` bridge (see the crate docs).
pub use bridge::ffi;

pub use alert::{Alert, AlertKind};
pub use create::create_torrent;
pub use error::{Error, Result};
pub use metainfo::{make_magnet, parse_magnet, parse_torrent_file};
pub use session::{QueueMove, Restored, Session, MAX_PRIORITY};
pub use status::{FileStatus, PeerStatus, TorrentState, TorrentStatus, TrackerStatus};
pub use types::{
    AddOptions, ContentLayout, EncryptionPolicy, FileMeta, MagnetInfo, PeerProtocol,
    SessionSettings, TorrentMeta,
};
