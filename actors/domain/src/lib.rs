//! Revaer's domain: ids, states, configuration and its validation rules,
//! list queries and cursors, events and health as the outside world sees
//! them, the engine's vocabulary.
//!
//! Rule: nothing here knows about actors, HTTP, SQL or libtorrent, so the
//! schema crate, every actor, the API and the CLI can all use it. Serde
//! names are part of the public contract and must not change casually.

pub mod config;
pub mod config_patch;
pub mod engine;
pub mod event_filter;
pub mod events;
pub mod fsops;
pub mod health;
pub mod labels;
pub mod listing;
pub mod rules;
pub mod share_limits;
pub mod torrent;

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
