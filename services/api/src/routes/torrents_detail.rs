//! `GET /v1/torrents/{id}` and `DELETE /v1/torrents/{id}`.
//!
//! Rule: ids are 40-character hex info hashes (uppercase is accepted and
//! lowercased); a malformed id names no torrent, so it is a `404` like an
//! unknown one.

use actix_web::{delete, get, web, HttpResponse};
use revaer_messages::engine::{GetTorrent, RemoveTorrent};
use revaer_messages::torrent::FsopsState;
use revaer_messages::torrent::TorrentDetail;
use revaer_messages::InvalidParam;
use revaer_schema::models::fs_jobs;
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
    let mut detail = engine::call(&state.engine()?.get, GetTorrent { id: id.clone() }).await?;
    // Post-processing state lives in `fs_jobs`, owned by the FsOps actors.
    let job = state
        .db(move |conn| Ok(fs_jobs::find(conn, id.as_str())?))
        .await?;
    detail.fsops = job.map(|job| FsopsState {
        status: job.status,
        destination: job.destination,
        error: job.last_error,
    });
    Ok(HttpResponse::Ok().json(detail))
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
        id,
        delete_data,
        request_id: request_id.0,
    };
    engine::call(&state.engine()?.remove, remove).await?;
    Ok(HttpResponse::NoContent().finish())
}
