//! How the torrent engine's replies become HTTP problems.
//!
//! Policy: input the engine refuses is the client's fault (`422` with a
//! pointer to the field when the request makes it clear which one); a
//! duplicate add is `409 torrent_exists` naming the existing torrent in the
//! `torrent_id` extension; an unknown torrent is `404 torrent_not_found`;
//! an operation that needs metadata the torrent lacks is `409 no_metadata`;
//! a queue move while queueing is off is `409 queueing_disabled`;
//! an engine that is starting, restarting or gone is `503`; anything else is
//! a logged `500` whose text never reaches the client.

use actix::{MailboxError, Message, Recipient};
use revaer_messages::engine::{Argument, EngineError};
use revaer_messages::listing::{
    ListQuery, SortKey, SortOrder, TorrentFilter, TorrentQuery, MAX_LIMIT,
};
use revaer_messages::torrent::TorrentSummary;
use revaer_messages::{InvalidParam, TorrentId};

use crate::error::ApiError;
use crate::state::EngineHandles;

/// The request field an engine refusal is about.
fn argument_pointer(argument: Argument) -> &'static str {
    match argument {
        Argument::SavePath => "/save_path",
        Argument::Category => "/category",
        Argument::FilePriorities => "/files",
        Argument::Limits => "/limits",
        Argument::Name | Argument::Other => "",
    }
}

/// Maps an engine refusal to a problem.
pub fn problem(err: EngineError) -> ApiError {
    match err {
        EngineError::InvalidMagnet(message) => {
            ApiError::validation(vec![InvalidParam::new("/magnet", message)])
        }
        EngineError::InvalidTorrent(message) => {
            ApiError::validation(vec![InvalidParam::new("/torrent", message)])
        }
        EngineError::InvalidFileIndex { index, count } => {
            ApiError::validation(vec![InvalidParam::new(
                format!("/files/{index}"),
                format!("file index {index} is out of range (the torrent has {count} files)"),
            )])
        }
        EngineError::InvalidArgument { argument, message } => {
            ApiError::validation(vec![InvalidParam::new(argument_pointer(argument), message)])
        }
        EngineError::Duplicate(id) => {
            ApiError::conflict("torrent_exists", format!("torrent {id} already exists"))
                .with_torrent(id.as_str())
        }
        EngineError::NotFound(id) => not_found(&id),
        EngineError::NoMetadata(id) => ApiError::conflict(
            "no_metadata",
            format!("torrent {id} has no metadata yet; retry once its files are known"),
        )
        .with_torrent(id.as_str()),
        EngineError::QueueingDisabled => ApiError::conflict(
            "queueing_disabled",
            "torrent queueing is off (engine_profile.max_active is -1); there is no queue order to change",
        ),
        EngineError::Unavailable(reason) => {
            tracing::warn!(reason = %reason, "engine unavailable");
            ApiError::unavailable("the torrent engine is unavailable; retry shortly")
        }
        EngineError::Internal(cause) => ApiError::internal(&cause),
    }
}

/// `404` for an unknown (or malformed) torrent id.
pub fn not_found(id: &dyn std::fmt::Display) -> ApiError {
    ApiError::not_found("torrent_not_found", format!("no torrent with id {id}"))
}

/// `503` when the engine's mailbox is closed or full.
pub fn mailbox(err: MailboxError) -> ApiError {
    tracing::error!(error = %err, "torrent engine did not answer");
    ApiError::unavailable("the torrent engine is unavailable; retry shortly")
}

/// Sends `msg` and maps both failure layers to problems.
pub async fn call<M, T>(recipient: &Recipient<M>, msg: M) -> Result<T, ApiError>
where
    M: Message<Result = Result<T, EngineError>> + Send + 'static,
    T: Send + 'static,
{
    recipient.send(msg).await.map_err(mailbox)?.map_err(problem)
}

/// Every torrent matching `filter`, in the order they were added (read a
/// page of [`MAX_LIMIT`] at a time, so the engine is never blocked long).
pub async fn list_all(
    handles: &EngineHandles,
    filter: TorrentFilter,
) -> Result<Vec<TorrentSummary>, ApiError> {
    let mut query = TorrentQuery {
        filter,
        sort: SortKey::AddedAt,
        order: SortOrder::Asc,
        limit: MAX_LIMIT,
        after: None,
    };
    let mut all = Vec::new();
    loop {
        let page = call(&handles.list, ListQuery(query.clone())).await?;
        all.extend(page.items);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(all),
        }
    }
}

/// Parses a path id: a malformed id names no torrent, so it is a `404`
/// like any unknown one (uppercase hex is accepted and lowercased).
pub fn parse_id(raw: &str) -> Result<TorrentId, ApiError> {
    TorrentId::parse(raw).map_err(|_| not_found(&raw))
}

#[cfg(test)]
mod tests;
