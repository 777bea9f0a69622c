//! Commands and queries of the torrent engine (the `TorrentSession` actor).
//!
//! Replies carry domain types only; the engine maps libtorrent's own types and
//! failures to [`EngineError`], which the API maps to 4xx/5xx problems.

use actix::Message;

pub use revaer_domain::engine::*;
use revaer_domain::torrent::{PieceStates, TorrentDetail, TorrentId, TorrentSummary};

/// Add a torrent. Replies with its summary.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<TorrentSummary, EngineError>")]
pub struct AddTorrent {
    /// A magnet link or the bytes of a `.torrent` file (moved, not copied).
    pub source: TorrentSource,
    /// Save path, category, tags, priorities and limits, already checked by the caller.
    pub options: AddOptions,
    /// Causing request, for logs.
    pub request_id: Option<String>,
}

/// Apply a [`TorrentCommand`] to a torrent.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct ControlTorrent {
    /// The torrent to act on.
    pub id: TorrentId,
    /// What to do.
    pub command: TorrentCommand,
    /// Causing request, for logs.
    pub request_id: Option<String>,
}

/// Move torrents through the download queue, as one selection: they are
/// moved in the order of their current positions so the selection keeps
/// its own order (qBittorrent's rule). Torrents not in the queue (seeding)
/// stay. Refused with [`EngineError::QueueingDisabled`] when queueing is
/// off, and with [`EngineError::NotFound`] (nothing moved) when an id is
/// unknown.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct MoveInQueue {
    /// The torrents to move (duplicates count once).
    pub ids: Vec<TorrentId>,
    /// Where to.
    pub movement: QueueMove,
    /// Causing request, for logs.
    pub request_id: Option<String>,
}

/// Move a torrent's storage to another directory: FsOps does this in `move`
/// mode so the engine keeps seeding from the library, and the qBittorrent
/// facade's `setLocation`. Not a `/v1` action.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct MoveStorage {
    /// The torrent whose files moved.
    pub id: TorrentId,
    /// The new save path (absolute, inside the allowed roots).
    pub path: String,
    /// Causing request, for logs.
    pub request_id: Option<String>,
}

/// Dial a peer for a torrent directly (a local seed, tests, the qBittorrent
/// facade's `addPeers`). Not a `/v1` action: peers come from trackers, DHT,
/// PEX and magnet `x.pe` hints.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct ConnectPeer {
    /// The torrent.
    pub id: TorrentId,
    /// The peer's address.
    pub peer: std::net::SocketAddr,
}

/// Remove a torrent, optionally with its downloaded data.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct RemoveTorrent {
    /// The torrent to act on.
    pub id: TorrentId,
    /// Also delete the payload from disk.
    pub delete_data: bool,
    /// Causing request, for logs.
    pub request_id: Option<String>,
}

/// Full detail of one torrent.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<TorrentDetail, EngineError>")]
pub struct GetTorrent {
    /// The torrent to act on.
    pub id: TorrentId,
}

/// The state of every piece of one torrent.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<PieceStates, EngineError>")]
pub struct GetPieceStates {
    /// The torrent to read.
    pub id: TorrentId,
}

/// Ask the engine for its status.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<EngineStatus, EngineError>")]
pub struct GetEngineStatus;

/// Graceful stop: pause the session, save resume data for every torrent, then reply.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct ShutdownEngine;

/// Restart the libtorrent session: save resume data, stop, and let the
/// supervisor start a fresh session that reattaches every torrent from the
/// catalogue. Needed for settings libtorrent only reads at session creation
/// (peer exchange), and useful to recover a wedged session.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<(), EngineError>")]
pub struct RestartEngine;

/// The priority (0..=7) of every piece of a torrent as libtorrent holds it
/// (empty before metadata): what first/last piece priority changes. Not a
/// `/v1` route; tests and diagnostics read it.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<Vec<u8>, EngineError>")]
pub struct GetPiecePriorities {
    /// The torrent.
    pub id: TorrentId,
}
