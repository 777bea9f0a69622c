//! `app/*`: versions, build information and preferences.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::json;

use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::{preferences, APP_VERSION, WEBAPI_VERSION};
use crate::routes::config::{actor_of, apply};
use crate::state::ApiState;

/// The WebAPI version: the highest whose version-gated behaviours are all
/// implemented (clients switch features on it).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/app/webapiVersion",
    responses((status = 200, description = "e.g. `2.11.0`", body = String, content_type = "text/plain"),
        (status = 403, description = "Not authenticated (`Forbidden`)", body = String, content_type = "text/plain")))]
pub async fn webapi_version() -> HttpResponse {
    response::text(StatusCode::OK, WEBAPI_VERSION)
}

/// The qBittorrent version this facade stands in for.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/app/version",
    responses((status = 200, description = "e.g. `v5.0.0`", body = String, content_type = "text/plain")))]
pub async fn version() -> HttpResponse {
    response::text(StatusCode::OK, APP_VERSION)
}

/// Build information (the keys qBittorrent reports).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/app/buildInfo",
    responses((status = 200, description = "Build information", body = Object)))]
pub async fn build_info() -> Result<HttpResponse, QbitError> {
    response::json(&json!({
        "qt": "",
        "libtorrent": "2.0",
        "boost": "",
        "openssl": "",
        "zlib": "",
        "bitness": usize::BITS,
        "platform": std::env::consts::OS,
        "revaer": env!("CARGO_PKG_VERSION"),
    }))
}

/// The default save path (the download root).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/app/defaultSavePath",
    responses((status = 200, description = "Absolute path", body = String, content_type = "text/plain")))]
pub async fn default_save_path(state: web::Data<ApiState>) -> HttpResponse {
    response::text(
        StatusCode::OK,
        state.snapshot().engine_profile.download_root.clone(),
    )
}

/// The preferences Revaer has (others with qBittorrent's defaults).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/app/preferences",
    responses((status = 200, description = "Preferences object", body = Object)))]
pub async fn get_preferences(state: web::Data<ApiState>) -> Result<HttpResponse, QbitError> {
    response::json(&preferences::read(&state.snapshot()))
}

/// Changes preferences (form field `json`): share limits and their action,
/// DHT/PeX/LSD, queueing, global rates, listen port, encryption, save path;
/// applied through the configuration patch.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/app/setPreferences",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`json`: a JSON object of preferences"),
    responses((status = 200, description = "Applied (empty body)", body = String, content_type = "text/plain"),
        (status = 400, description = "Malformed or unsupported value", body = String, content_type = "text/plain")))]
pub async fn set_preferences(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let raw = params.require("json")?;
    let prefs: serde_json::Map<String, serde_json::Value> = serde_json::from_str(raw)
        .map_err(|_| QbitError::bad_request("json must be a JSON object"))?;
    let patch = preferences::patch(&state.snapshot(), &prefs)?;
    apply(&state, actor_of(&req), patch).await?;
    Ok(response::done())
}
