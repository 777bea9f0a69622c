//! Share and rate limits of torrents named by `hashes`: `setShareLimits`,
//! `setUploadLimit`, `setDownloadLimit`, `uploadLimit`, `downloadLimit`.
//!
//! Share limits are qBittorrent's encoding (`-2` global, `-1` none, a ratio
//! or minutes); rate limits are bytes/s, `0` or less meaning none (shown as
//! `-1`). Setting one rate keeps the other.

use actix_web::{web, HttpResponse};
use revaer_messages::engine::TorrentCommand;
use revaer_messages::share_limits::{ShareLimit, ShareLimits};
use revaer_messages::torrent::TorrentLimits;
use serde_json::{Map, Value};

use crate::extract::ReqId;
use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_actions::{for_each, named};
use crate::state::ApiState;

fn share_limit(params: &Params, name: &str) -> Result<ShareLimit, QbitError> {
    Ok(params
        .number::<f64>(name)?
        .map(ShareLimit::from_qbit)
        .unwrap_or_default())
}

/// Sets share limits: `ratioLimit`, `seedingTimeLimit` and
/// `inactiveSeedingTimeLimit` (minutes), each `-2` global, `-1` none or a
/// value.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setShareLimits",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `ratioLimit`, `seedingTimeLimit`, `inactiveSeedingTimeLimit`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn set_share_limits(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let limits = ShareLimits {
        ratio: share_limit(&params, "ratioLimit")?,
        seeding_minutes: share_limit(&params, "seedingTimeLimit")?,
        inactive_minutes: share_limit(&params, "inactiveSeedingTimeLimit")?,
    };
    if let Some((name, problem)) = limits.problems().into_iter().next() {
        return Err(QbitError::bad_request(format!("{name}: {problem}")));
    }
    for_each(&state, &params, &request_id, |_| {
        Some(TorrentCommand::ShareLimits(limits))
    })
    .await
}

async fn set_rate(
    state: &ApiState,
    params: &Params,
    request_id: &ReqId,
    upload: bool,
) -> Result<HttpResponse, QbitError> {
    let limit = params
        .number::<i64>("limit")?
        .ok_or_else(|| QbitError::missing("limit"))?;
    let value = Some(limit.max(0));
    for_each(state, params, request_id, |t| {
        let mut limits = t.limits;
        if upload {
            limits.upload_bps = value;
        } else {
            limits.download_bps = value;
        }
        Some(TorrentCommand::Limits(limits))
    })
    .await
}

/// Per-torrent upload limit in bytes/s (`limit`; 0 or less: none).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setUploadLimit",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `limit`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn set_upload_limit(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    set_rate(&state, &params, &request_id, true).await
}

/// Per-torrent download limit in bytes/s (`limit`; 0 or less: none).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setDownloadLimit",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `limit`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn set_download_limit(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    set_rate(&state, &params, &request_id, false).await
}

async fn rate_map(
    state: &ApiState,
    params: &Params,
    pick: fn(&TorrentLimits) -> Option<i64>,
) -> Result<HttpResponse, QbitError> {
    let map: Map<String, Value> = named(state, params)
        .await?
        .iter()
        .map(|t| {
            (
                t.id.to_string(),
                Value::from(pick(&t.limits).filter(|l| *l > 0).unwrap_or(-1)),
            )
        })
        .collect();
    response::json(&map)
}

/// Per-torrent upload limits by hash (`-1`: none).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/uploadLimit",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`"),
    responses((status = 200, description = "Object hash → bytes/s", body = Object)))]
pub async fn upload_limit(
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    rate_map(&state, &params, |l| l.upload_bps).await
}

/// Per-torrent download limits by hash (`-1`: none).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/downloadLimit",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`"),
    responses((status = 200, description = "Object hash → bytes/s", body = Object)))]
pub async fn download_limit(
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    rate_map(&state, &params, |l| l.download_bps).await
}
