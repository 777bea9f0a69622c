//! qBittorrent WebAPI v2 facade (`/api/v2/...`), so Sonarr, Radarr,
//! Prowlarr, autobrr and other qBittorrent clients use Revaer unchanged.
//!
//! Rules:
//! - a facade over the same actor messages and shared functions as `/v1`
//!   (add validation, config patch, category writes): it translates names,
//!   units and states, it implements no behaviour of its own;
//! - qBittorrent's conventions, because its clients parse them: plain-text
//!   bodies (`Ok.`, `Fails.`), its status codes, `403` for every request
//!   that is not authenticated (never `401`), form-encoded or multipart
//!   parameters with case-insensitive booleans (see [`auth`], [`form`]);
//! - `app_profile.features.qbittorrent_api: false` turns the facade off:
//!   every `/api/v2` path is then a `404`, which clients read as "no
//!   qBittorrent here".

pub mod app;
pub mod auth;
pub mod form;
pub mod preferences;
pub mod response;
pub mod session;

use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, Handler, HttpResponse, Responder};
use revaer_messages::config::ConfigSnapshot;
use utoipa::OpenApi;

pub use session::SessionStore;

/// Prefix of every facade route.
pub const PREFIX: &str = "/api/v2/";
/// The login route (the only one open without authentication).
pub const LOGIN_PATH: &str = "/api/v2/auth/login";
/// The feature flag in `app_profile.features`.
pub const FEATURE: &str = "qbittorrent_api";
/// `app/webapiVersion`: the highest WebAPI version whose version-gated
/// behaviours (clients switch on it) are all implemented.
pub const WEBAPI_VERSION: &str = "2.11.0";
/// `app/version`: the qBittorrent release of that WebAPI version.
pub const APP_VERSION: &str = "v5.0.0";

/// State of the facade shared by every worker.
#[derive(Debug, Clone, Default)]
pub struct QbitState {
    /// Login sessions.
    pub sessions: SessionStore,
}

/// True for facade paths.
pub fn is_facade(path: &str) -> bool {
    path.starts_with(PREFIX) || path == "/api/v2"
}

/// Whether the facade is on (`app_profile.features.qbittorrent_api`,
/// default on).
pub fn enabled(snapshot: &ConfigSnapshot) -> bool {
    snapshot
        .app_profile
        .features
        .get(FEATURE)
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(true)
}

/// `404 Not Found` in qBittorrent's form, for unknown facade paths.
pub fn not_found() -> HttpResponse {
    response::text(StatusCode::NOT_FOUND, "Not Found")
}

/// Reads are served for `GET` and `POST` (older clients post everything).
fn read<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: Handler<Args> + Clone,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path)
        .route(web::get().to(handler.clone()))
        .route(web::post().to(handler))
}

/// Writes are `POST` only.
fn write<F, Args>(path: &str, handler: F) -> actix_web::Resource
where
    F: Handler<Args>,
    Args: FromRequest + 'static,
    F::Output: Responder + 'static,
{
    web::resource(path).route(web::post().to(handler))
}

/// Registers every facade route.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(write("/api/v2/auth/login", auth::login))
        .service(write("/api/v2/auth/logout", auth::logout))
        .service(read("/api/v2/app/webapiVersion", app::webapi_version))
        .service(read("/api/v2/app/version", app::version))
        .service(read("/api/v2/app/buildInfo", app::build_info))
        .service(read("/api/v2/app/defaultSavePath", app::default_save_path))
        .service(read("/api/v2/app/preferences", app::get_preferences))
        .service(write("/api/v2/app/setPreferences", app::set_preferences));
}

/// The facade's part of the OpenAPI document (tag `qbittorrent`).
#[derive(OpenApi)]
#[openapi(
    paths(
        auth::login,
        auth::logout,
        app::webapi_version,
        app::version,
        app::build_info,
        app::default_save_path,
        app::get_preferences,
        app::set_preferences,
    ),
    tags((name = "qbittorrent", description = "qBittorrent WebAPI v2 facade: plain-text bodies and \
        qBittorrent's status codes; every unauthenticated request gets 403. Authenticate with \
        `auth/login` (password = API key) and the SID cookie, `Authorization: Bearer KEY_ID:SECRET`, \
        or Basic with the API key as password."))
)]
pub struct QbitDoc;
