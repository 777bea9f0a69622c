//! The typed actor messages every actor and the transport layer exchange,
//! and the shared health board.
//!
//! Rule: a message type is declared here, next to nothing else, so the API
//! can hold a `Recipient<M>` without depending on the actor that answers it.
//! The vocabulary the messages carry is `revaer-domain`, re-exported under
//! the same module names so `revaer_messages::torrent::TorrentId` and
//! `revaer_domain::torrent::TorrentId` are one type.

pub mod engine;
pub mod events;
pub mod fsops;
pub mod health;
pub mod hub;
pub mod listing;
pub mod watch;

pub use revaer_domain::{
    config, config_patch, labels, share_limits, torrent, AppProfile, ConfigSnapshot,
    EncryptionPolicy, EngineProfile, Event, EventEnvelope, FsPolicy, InvalidParam, Mode, MoveMode,
    TorrentId, TorrentState,
};
