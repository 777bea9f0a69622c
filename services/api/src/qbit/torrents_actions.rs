//! Lifecycle and settings of torrents named by `hashes` (`|`-separated or
//! `all`): delete, stop/start (and the older pause/resume), recheck,
//! reannounce, force start, name, file priorities (limits:
//! `torrents_limits`; location and peers: `torrents_storage`; queue order:
//! `torrents_queue`).
//!
//! Rules: each becomes the engine command `/v1` sends for the same intent;
//! hashes the engine does not know are skipped, as qBittorrent does; the
//! answer is `200` with an empty body. `setForceStart true` runs torrents
//! regardless of the queue, `false` starts them back under it;
//! `toggleFirstLastPiecePrio` flips each torrent's first/last piece
//! priority (`/v1`: `first_last_piece_prio` / `no_first_last_piece_prio`);
//! `setSuperSeeding` `value` turns super seeding on or off (`/v1`:
//! `super_seeding`); `setAutoManagement` is accepted and changes nothing.

use actix_web::{web, HttpResponse};
use revaer_messages::engine::{ControlTorrent, RemoveTorrent, TorrentCommand};
use revaer_messages::listing::TorrentFilter;
use revaer_messages::torrent::TorrentSummary;
use revaer_messages::TorrentId;

use crate::engine;
use crate::extract::ReqId;
use crate::qbit::form::{Hashes, Params};
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_read::{handles, summaries, summary, UNKNOWN_HASH};
use crate::qbit::view;
use crate::state::ApiState;

/// The summaries of the torrents `hashes` names (unknown ones left out).
pub async fn named(state: &ApiState, params: &Params) -> Result<Vec<TorrentSummary>, QbitError> {
    let filter = match params.hashes()? {
        Hashes::All => TorrentFilter::default(),
        Hashes::Some(ids) if ids.is_empty() => return Ok(Vec::new()),
        Hashes::Some(ids) => TorrentFilter {
            ids: Some(ids.into_iter().collect()),
            ..TorrentFilter::default()
        },
    };
    summaries(state, filter).await
}

/// Sends `command(torrent)` to each named torrent; one removed meanwhile
/// is skipped.
pub async fn for_each(
    state: &ApiState,
    params: &Params,
    request_id: &ReqId,
    command: impl Fn(&TorrentSummary) -> Option<TorrentCommand>,
) -> Result<HttpResponse, QbitError> {
    let handles = handles(state)?;
    for torrent in named(state, params).await? {
        let Some(command) = command(&torrent) else {
            continue;
        };
        let control = ControlTorrent {
            id: torrent.id.clone(),
            command,
            request_id: request_id.0.clone(),
        };
        match engine::call(&handles.control, control).await {
            Ok(()) => {}
            Err(err) if err.status.as_u16() == 404 => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(response::done())
}

macro_rules! command_route {
    ($name:ident, $path:literal, $doc:literal, $command:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, tag = "qbittorrent", path = $path,
            request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`"),
            responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
        pub async fn $name(
            state: web::Data<ApiState>,
            params: Params,
            request_id: ReqId,
        ) -> Result<HttpResponse, QbitError> {
            for_each(&state, &params, &request_id, |_| Some($command)).await
        }
    };
}

command_route!(
    stop,
    "/api/v2/torrents/stop",
    "Stops torrents (`pause` before WebAPI 2.11).",
    TorrentCommand::Pause
);
command_route!(
    start,
    "/api/v2/torrents/start",
    "Starts torrents (`resume` before WebAPI 2.11).",
    TorrentCommand::Resume
);
command_route!(
    recheck,
    "/api/v2/torrents/recheck",
    "Re-verifies torrents' data.",
    TorrentCommand::Recheck
);
command_route!(
    reannounce,
    "/api/v2/torrents/reannounce",
    "Announces torrents to their trackers now.",
    TorrentCommand::Reannounce
);

/// Deletes torrents, with their files when `deleteFiles` is true.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/delete",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `deleteFiles` (default false)"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn delete(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let delete_data = params.flag("deleteFiles")?.unwrap_or(false);
    let handles = handles(&state)?;
    for torrent in named(&state, &params).await? {
        let remove = RemoveTorrent {
            id: torrent.id,
            delete_data,
            request_id: request_id.0.clone(),
        };
        match engine::call(&handles.remove, remove).await {
            Ok(()) => {}
            Err(err) if err.status.as_u16() == 404 => {}
            Err(err) => return Err(err.into()),
        }
    }
    Ok(response::done())
}

/// `value=true` starts torrents regardless of the queue; `false` starts them
/// back under the queue (as qBittorrent: both resume a stopped torrent).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setForceStart",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `value`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn set_force_start(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let on = params.flag("value")?.unwrap_or(false);
    for_each(&state, &params, &request_id, |_| {
        Some(TorrentCommand::ForceStart(on))
    })
    .await
}

/// Renames a torrent (its display name).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/rename",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hash`, `name`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain"),
        (status = 404, description = "Unknown hash", body = String, content_type = "text/plain"),
        (status = 409, description = "Empty name", body = String, content_type = "text/plain")))]
pub async fn rename(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let id = params.hash()?;
    let name = params
        .text("name")
        .ok_or_else(|| QbitError::conflict("Incorrect torrent name"))?;
    if name.chars().count() > 1024 || name.chars().any(char::is_control) {
        return Err(QbitError::conflict("Incorrect torrent name"));
    }
    control_one(
        &state,
        id,
        TorrentCommand::Rename(name.to_string()),
        &request_id,
    )
    .await
}

async fn control_one(
    state: &ApiState,
    id: TorrentId,
    command: TorrentCommand,
    request_id: &ReqId,
) -> Result<HttpResponse, QbitError> {
    summary(state, &id).await?;
    let control = ControlTorrent {
        id,
        command,
        request_id: request_id.0.clone(),
    };
    match engine::call(&handles(state)?.control, control).await {
        Ok(()) => Ok(response::done()),
        Err(err) if err.status.as_u16() == 404 => Err(QbitError::not_found(UNKNOWN_HASH)),
        Err(err) if err.code == "no_metadata" => Err(QbitError::conflict(
            "Torrent's metadata has not yet downloaded",
        )),
        Err(err) => Err(err.into()),
    }
}

/// File priorities: `id` (`|`-separated file indices), `priority` 0, 1, 6 or 7.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/filePrio",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hash`, `id`, `priority`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain"),
        (status = 400, description = "Bad priority or file id", body = String, content_type = "text/plain"),
        (status = 404, description = "Unknown hash", body = String, content_type = "text/plain"),
        (status = 409, description = "No metadata yet, or a file id out of range", body = String, content_type = "text/plain")))]
pub async fn file_prio(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let id = params.hash()?;
    let priority = params
        .number::<i64>("priority")?
        .ok_or_else(|| QbitError::missing("priority"))?;
    let priority = view::engine_priority(priority)
        .ok_or_else(|| QbitError::bad_request("Priority is not valid"))?;
    let mut pairs = Vec::new();
    for raw in params.require("id")?.split('|') {
        let index = raw
            .trim()
            .parse::<u32>()
            .map_err(|_| QbitError::bad_request("File IDs must be integers"))?;
        pairs.push((index, priority));
    }
    control_one(
        &state,
        id,
        TorrentCommand::FilePriorities(pairs),
        &request_id,
    )
    .await
    .map_err(|err| match err.message.contains("out of range") {
        true => QbitError::conflict("File IDs out of range"),
        false => err,
    })
}

/// Toggles sequential download.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/toggleSequentialDownload",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn toggle_sequential(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    for_each(&state, &params, &request_id, |t| {
        Some(TorrentCommand::Sequential(!t.sequential))
    })
    .await
}

/// Flips each torrent's first/last piece priority (the first and last
/// pieces of every wanted file fetched first).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/toggleFirstLastPiecePrio",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn toggle_first_last_piece_prio(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    for_each(&state, &params, &request_id, |t| {
        Some(TorrentCommand::FirstLastPiecePrio(!t.first_last_piece_prio))
    })
    .await
}

/// Super seeding (BEP 16) on or off (`value`, absent means off, as
/// qBittorrent); libtorrent acts on it while a torrent seeds.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setSuperSeeding",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `value`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain"),
        (status = 400, description = "`value` is not a boolean", body = String, content_type = "text/plain")))]
pub async fn set_super_seeding(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let on = params.flag("value")?.unwrap_or(false);
    for_each(&state, &params, &request_id, |t| {
        (t.super_seeding != on).then_some(TorrentCommand::SuperSeeding(on))
    })
    .await
}

/// Accepted for compatibility (automatic torrent management): nothing
/// changes.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setAutoManagement",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `enable`"),
    responses((status = 200, description = "Accepted (empty body)", body = String, content_type = "text/plain")))]
pub async fn accepted(params: Params) -> Result<HttpResponse, QbitError> {
    params.hashes()?;
    Ok(response::done())
}
