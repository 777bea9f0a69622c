//! The crate's error type.
//!
//! Expected failures (unknown id, duplicate add, bad input) get their own
//! variants so callers can map them to e.g. HTTP 404/409/400 without string
//! matching; anything libtorrent throws surfaces as [`Error::Libtorrent`].

/// Errors returned by every fallible call in this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// No torrent with this id is in the session.
    #[error("unknown torrent {0}")]
    UnknownTorrent(String),
    /// The torrent (by id) is already in the session.
    #[error("torrent {0} is already in the session")]
    Duplicate(String),
    /// A caller-supplied argument was rejected before reaching libtorrent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// A magnet URI, .torrent file or resume data blob could not be parsed.
    #[error("malformed input: {0}")]
    Malformed(String),
    /// A local filesystem operation failed (e.g. resolving a path to share).
    #[error("I/O error: {0}")]
    Io(String),
    /// libtorrent reported an error or threw an exception.
    #[error("libtorrent: {0}")]
    Libtorrent(String),
}

impl From<cxx::Exception> for Error {
    fn from(e: cxx::Exception) -> Self {
        Error::Libtorrent(e.what().to_owned())
    }
}

/// Shorthand used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
