//! Shared vocabulary of Revaer: domain types, domain events and the typed
//! actor messages that every actor and the transport layer exchange.
//!
//! Rule: nothing here knows about HTTP, SQL or libtorrent. The API crate and
//! the CLI serialise these types directly, so their serde names are part of
//! the public contract and must not change casually.

pub mod api;
pub mod config;
pub mod config_patch;
pub mod engine;
pub mod events;
pub mod fsops;
pub mod health;
pub mod hub;
pub mod listing;
pub mod torrent;
pub mod watch;

pub use config::{
    AppProfile, ConfigSnapshot, EncryptionPolicy, EngineProfile, FsPolicy, Mode, MoveMode,
};
pub use events::{Event, EventEnvelope};
pub use torrent::{TorrentId, TorrentState};

/// A validation failure pinned to a JSON pointer into the request document,
/// e.g. `/app_profile/http_port`. The API renders a list of these as the
/// RFC 9457 `invalid_params` extension.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct InvalidParam {
    /// JSON pointer to the offending value.
    pub pointer: String,
    /// Human-readable reason.
    pub message: String,
}

impl InvalidParam {
    /// Builds an invalid parameter entry.
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}
