//! The torrent engine: the `TorrentSession` actor, sole owner of the
//! libtorrent session (through our `libtorrent-sys` bridge).
//!
//! Rules: replies and events carry domain types from `revaer-messages`,
//! never bridge types; the catalogue (PostgreSQL) says which torrents must
//! exist, fast-resume files say how far they got; database and file work
//! runs on blocking threads, never on the actor's arbiter.
//! See `STATE.md` for the lifecycle.

mod actor;
mod adding;
mod alerts;
mod catalogue;
mod commands;
mod gauges;
mod internal;
mod labels;
mod ledger;
mod listen;
mod listing;
mod mapping;
mod metrics;
mod missing;
mod options;
mod pieces;
mod progress;
mod queue;
mod restore;
mod resume;
mod saving;
mod share_limits;
mod shutdown;
mod trackers;
mod view;
mod writer;

pub use actor::TorrentSession;
pub use metrics::EngineMetrics;
pub use options::EngineOptions;
pub use resume::ResumeStore;
pub use view::{EngineView, TorrentReader};

/// Name of this component on the health board.
pub const COMPONENT: &str = "engine";
