//! `transfer/*`: global rates and limits. Limits are bytes/s (0: none) and
//! are written through the configuration patch, like `setPreferences`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::sync::{engine_status, server_state};
use crate::routes::config::{actor_of, apply};
use crate::state::ApiState;

/// Global transfer information.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/transfer/info",
    responses((status = 200, description = "{dl_info_speed, dl_info_data, up_info_speed, up_info_data, dl_rate_limit, up_rate_limit, dht_nodes, connection_status}", body = Object)))]
pub async fn info(state: web::Data<ApiState>) -> Result<HttpResponse, QbitError> {
    let status = engine_status(&state).await?;
    let mut info = server_state(&status, &state.snapshot());
    for key in [
        "free_space_on_disk",
        "queueing",
        "use_alt_speed_limits",
        "refresh_interval",
    ] {
        info.remove(key);
    }
    response::json(&info)
}

/// The global download limit in bytes/s (0: none).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/transfer/downloadLimit",
    responses((status = 200, description = "Bytes/s", body = String, content_type = "text/plain")))]
pub async fn download_limit(state: web::Data<ApiState>) -> HttpResponse {
    let limit = state.snapshot().engine_profile.max_download_bps;
    response::text(StatusCode::OK, limit.to_string())
}

/// The global upload limit in bytes/s (0: none).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/transfer/uploadLimit",
    responses((status = 200, description = "Bytes/s", body = String, content_type = "text/plain")))]
pub async fn upload_limit(state: web::Data<ApiState>) -> HttpResponse {
    let limit = state.snapshot().engine_profile.max_upload_bps;
    response::text(StatusCode::OK, limit.to_string())
}

async fn set_limit(
    req: &HttpRequest,
    state: &ApiState,
    params: &Params,
    field: &str,
) -> Result<HttpResponse, QbitError> {
    let limit = params
        .number::<i64>("limit")?
        .ok_or_else(|| QbitError::missing("limit"))?;
    let patch = json!({"engine_profile": {field: limit.max(0)}});
    apply(state, actor_of(req), patch).await?;
    Ok(response::done())
}

/// Sets the global download limit (`limit`, bytes/s; 0 or less: none).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/transfer/setDownloadLimit",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`limit`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn set_download_limit(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    set_limit(&req, &state, &params, "max_download_bps").await
}

/// Sets the global upload limit (`limit`, bytes/s; 0 or less: none).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/transfer/setUploadLimit",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`limit`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn set_upload_limit(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    set_limit(&req, &state, &params, "max_upload_bps").await
}
