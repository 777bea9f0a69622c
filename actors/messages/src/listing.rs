//! The list query message; filters, sort and cursor logic are domain rules
//! (`revaer_domain::listing`), answered where the data lives (the engine).

use actix::Message;

use crate::engine::EngineError;
pub use revaer_domain::listing::*;

/// Ask the engine for one page of torrents.
#[derive(Debug, Clone, Message)]
#[rtype(result = "Result<TorrentPage, EngineError>")]
pub struct ListQuery(pub TorrentQuery);
