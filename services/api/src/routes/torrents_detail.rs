//! `GET /v1/torrents/{id}`, `GET /v1/torrents/{id}/pieces` and
//! `DELETE /v1/torrents/{id}`.
//!
//! Rule: ids are 40-character hex info hashes (uppercase is accepted and
//! lowercased); a malformed id names no torrent, so it is a `404` like an
//! unknown one.

use actix_web::{delete, get, web, HttpResponse};
use revaer_messages::engine::{GetPieceStates, GetTorrent, RemoveTorrent};
use revaer_messages::fsops::CancelFsops;
use revaer_messages::fsops::GetFsopsState;
use revaer_messages::torrent::{FsopsState, PieceStates, TorrentDetail, TorrentId};
use revaer_messages::InvalidParam;
use revaer_wire::DeleteParams;

use crate::engine;
use crate::error::{ApiError, Problem};
use crate::extract::ReqId;
use crate::state::ApiState;

/// Everything about one torrent: summary fields, files, trackers, peers,
/// limits and the post-processing (FsOps) state (`null` until it starts).
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/{id}",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Info hash (40 hex characters)")),
    responses(
        (status = 200, description = "The torrent", body = TorrentDetail),
        (status = 404, description = "No such torrent", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/v1/torrents/{id}")]
pub async fn get_torrent(
    state: web::Data<ApiState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = engine::parse_id(&path)?;
    let engine = state.engine()?;
    // The engine and the FsOps orchestrator are asked at once; each owns its half.
    let (detail, fsops) = futures_util::join!(
        engine::call(&engine.get, GetTorrent { id: id.clone() }),
        fsops_state(&state, id)
    );
    let mut detail = detail?;
    detail.fsops = fsops;
    Ok(HttpResponse::Ok().json(detail))
}

/// The state of every piece, in order: `0` missing, `1` being downloaded,
/// `2` verified (empty until metadata arrives). Files list the pieces they
/// span in `piece_range`.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/{id}/pieces",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Info hash (40 hex characters)")),
    responses(
        (status = 200, description = "Piece states", body = PieceStates),
        (status = 404, description = "No such torrent", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/v1/torrents/{id}/pieces")]
pub async fn get_pieces(
    state: web::Data<ApiState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = engine::parse_id(&path)?;
    let pieces = engine::call(&state.engine()?.pieces, GetPieceStates { id }).await?;
    Ok(HttpResponse::Ok().json(pieces))
}

/// The torrent's post-processing state from the orchestrator. Without an
/// orchestrator, or when it cannot answer, the detail shows none rather than
/// failing: the torrent itself is still worth showing.
async fn fsops_state(state: &ApiState, torrent: TorrentId) -> Option<FsopsState> {
    let fsops = state.fsops.as_ref()?;
    match fsops.state.send(GetFsopsState { torrent }).await {
        Ok(Ok(job)) => job,
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "cannot read the fsops job state");
            None
        }
        Err(err) => {
            tracing::warn!(error = %err, "fsops orchestrator did not answer");
            None
        }
    }
}

/// Parses a boolean query flag (`true`/`false`, `1`/`0`).
pub fn flag(raw: Option<&str>, pointer: &str) -> Result<bool, ApiError> {
    match raw.map(str::trim) {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(_) => Err(ApiError::validation(vec![InvalidParam::new(
            pointer,
            "must be true or false",
        )])),
    }
}

/// Removes a torrent, with its data when `delete_data=true`.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/{id}",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Info hash (40 hex characters)"), DeleteParams),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "No such torrent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `delete_data`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/v1/torrents/{id}")]
pub async fn delete_torrent(
    state: web::Data<ApiState>,
    path: web::Path<String>,
    params: web::Query<DeleteParams>,
    request_id: ReqId,
) -> Result<HttpResponse, ApiError> {
    let id = engine::parse_id(&path)?;
    let delete_data = flag(params.delete_data.as_deref(), "/delete_data")?;
    let remove = RemoveTorrent {
        id: id.clone(),
        delete_data,
        request_id: request_id.0,
    };
    engine::call(&state.engine()?.remove, remove).await?;
    // Gone from the engine: its post-processing stops and cleans up (a
    // finished library copy stays).
    if let Some(fsops) = &state.fsops {
        fsops.cancel.do_send(CancelFsops {
            torrent: id,
            delete_data,
        });
    }
    Ok(HttpResponse::NoContent().finish())
}
