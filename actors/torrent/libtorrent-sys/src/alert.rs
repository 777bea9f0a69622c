//! Owned alerts.
//!
//! libtorrent's alert objects die at the next `pop_alerts()`, so the shim
//! copies each one into a flat [`ffi::AlertFfi`]; here that is turned into a
//! typed [`AlertKind`].

use crate::ffi;
use crate::status::{TorrentState, TorrentStatus};

/// One libtorrent alert, fully owned.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Id of the torrent the alert concerns, if any.
    pub torrent_id: Option<String>,
    /// libtorrent's human-readable description.
    pub message: String,
    pub kind: AlertKind,
}

/// What happened, with the data relevant to it.
#[derive(Debug, Clone, PartialEq)]
pub enum AlertKind {
    /// A torrent was added (or adding failed, then `error` is set).
    AddTorrent {
        error: Option<String>,
    },
    MetadataReceived,
    MetadataFailed {
        error: String,
    },
    StateChanged {
        old: TorrentState,
        new: TorrentState,
    },
    TorrentFinished,
    TorrentPaused,
    TorrentResumed,
    /// Initial or forced file check completed.
    TorrentChecked,
    TorrentRemoved,
    /// Files were deleted after `remove(id, true)`.
    TorrentDeleted,
    TorrentDeleteFailed {
        error: String,
    },
    TorrentError {
        error: String,
        file: String,
    },
    FileError {
        error: String,
        file: String,
    },
    /// Resume data did not match the files on disk; a full check follows.
    FastresumeRejected {
        error: String,
        file: String,
    },
    /// Answer to `save_resume_data(id)`: bytes for `add_resume_data`.
    SaveResumeData {
        data: Vec<u8>,
    },
    SaveResumeDataFailed {
        error: String,
    },
    TrackerError {
        url: String,
        error: String,
    },
    /// Reported once per socket type (TCP and uTP) per listen address.
    ListenSucceeded {
        address: String,
        port: u16,
        socket: String,
    },
    ListenFailed {
        address: String,
        port: u16,
        socket: String,
        error: String,
    },
    PerformanceWarning,
    /// Answer to `post_torrent_updates()`: torrents changed since last time.
    StateUpdate {
        statuses: Vec<TorrentStatus>,
    },
    StorageMoved {
        path: String,
    },
    StorageMovedFailed {
        path: String,
        error: String,
    },
    HashFailed {
        piece: i32,
    },
    /// Any other alert enabled by the alert mask; `what` is its type name.
    Other {
        what: String,
    },
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() {
        None
    } else {
        Some(s)
    }
}

impl From<ffi::AlertFfi> for Alert {
    fn from(a: ffi::AlertFfi) -> Self {
        use ffi::AlertKind as K;
        let kind = match a.kind {
            K::AddTorrent => AlertKind::AddTorrent {
                error: non_empty(a.error),
            },
            K::MetadataReceived => AlertKind::MetadataReceived,
            K::MetadataFailed => AlertKind::MetadataFailed { error: a.error },
            K::StateChanged => AlertKind::StateChanged {
                old: TorrentState::from_raw(a.old_state),
                new: TorrentState::from_raw(a.new_state),
            },
            K::TorrentFinished => AlertKind::TorrentFinished,
            K::TorrentPaused => AlertKind::TorrentPaused,
            K::TorrentResumed => AlertKind::TorrentResumed,
            K::TorrentChecked => AlertKind::TorrentChecked,
            K::TorrentRemoved => AlertKind::TorrentRemoved,
            K::TorrentDeleted => AlertKind::TorrentDeleted,
            K::TorrentDeleteFailed => AlertKind::TorrentDeleteFailed { error: a.error },
            K::TorrentError => AlertKind::TorrentError {
                error: a.error,
                file: a.path,
            },
            K::FileError => AlertKind::FileError {
                error: a.error,
                file: a.path,
            },
            K::FastresumeRejected => AlertKind::FastresumeRejected {
                error: a.error,
                file: a.path,
            },
            K::SaveResumeData => AlertKind::SaveResumeData { data: a.data },
            K::SaveResumeDataFailed => AlertKind::SaveResumeDataFailed { error: a.error },
            K::TrackerError => AlertKind::TrackerError {
                url: a.url,
                error: a.error,
            },
            K::ListenSucceeded => AlertKind::ListenSucceeded {
                address: a.address,
                port: a.port,
                socket: a.socket,
            },
            K::ListenFailed => AlertKind::ListenFailed {
                address: a.address,
                port: a.port,
                socket: a.socket,
                error: a.error,
            },
            K::PerformanceWarning => AlertKind::PerformanceWarning,
            K::StateUpdate => AlertKind::StateUpdate {
                statuses: a.statuses.into_iter().map(TorrentStatus::from).collect(),
            },
            K::StorageMoved => AlertKind::StorageMoved { path: a.path },
            K::StorageMovedFailed => AlertKind::StorageMovedFailed {
                path: a.path,
                error: a.error,
            },
            K::HashFailed => AlertKind::HashFailed { piece: a.piece },
            // K::Other and any kind added to the C++ side but not mapped yet.
            _ => AlertKind::Other { what: a.what },
        };
        Alert {
            torrent_id: non_empty(a.torrent_id),
            message: a.message,
            kind,
        }
    }
}
