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

pub mod address;
pub mod app;
pub mod auth;
pub mod fetch;
pub mod form;
pub mod labels;
pub mod preferences;
pub mod response;
pub mod session;
pub mod state_map;
pub mod sync;
pub mod torrents_actions;
pub mod torrents_add;
pub mod torrents_limits;
pub mod torrents_queue;
pub mod torrents_read;
pub mod torrents_storage;
pub mod transfer;
pub mod view;

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
    /// `sync/maindata` change feed and client views.
    pub sync: sync::SyncState,
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
    configure_torrents(cfg);
    configure_labels(cfg);
    cfg.service(read("/api/v2/sync/maindata", sync::maindata))
        .service(read("/api/v2/transfer/info", transfer::info))
        .service(read(
            "/api/v2/transfer/downloadLimit",
            transfer::download_limit,
        ))
        .service(read("/api/v2/transfer/uploadLimit", transfer::upload_limit))
        .service(write(
            "/api/v2/transfer/setDownloadLimit",
            transfer::set_download_limit,
        ))
        .service(write(
            "/api/v2/transfer/setUploadLimit",
            transfer::set_upload_limit,
        ));
}

fn configure_torrents(cfg: &mut web::ServiceConfig) {
    use torrents_actions as act;
    use torrents_queue as queue;
    cfg.service(read("/api/v2/torrents/info", torrents_read::info))
        .service(read(
            "/api/v2/torrents/properties",
            torrents_read::properties,
        ))
        .service(read("/api/v2/torrents/files", torrents_read::files))
        .service(read(
            "/api/v2/torrents/pieceStates",
            torrents_read::piece_states,
        ))
        .service(read("/api/v2/torrents/trackers", torrents_read::trackers))
        .service(write("/api/v2/torrents/add", torrents_add::add))
        .service(write("/api/v2/torrents/delete", act::delete))
        .service(write("/api/v2/torrents/stop", act::stop))
        .service(write("/api/v2/torrents/pause", act::stop))
        .service(write("/api/v2/torrents/start", act::start))
        .service(write("/api/v2/torrents/resume", act::start))
        .service(write("/api/v2/torrents/recheck", act::recheck))
        .service(write("/api/v2/torrents/reannounce", act::reannounce))
        .service(write(
            "/api/v2/torrents/setForceStart",
            act::set_force_start,
        ))
        .service(write("/api/v2/torrents/topPrio", queue::top_prio))
        .service(write("/api/v2/torrents/bottomPrio", queue::bottom_prio))
        .service(write("/api/v2/torrents/increasePrio", queue::increase_prio))
        .service(write("/api/v2/torrents/decreasePrio", queue::decrease_prio))
        .service(write(
            "/api/v2/torrents/setShareLimits",
            torrents_limits::set_share_limits,
        ))
        .service(write(
            "/api/v2/torrents/setUploadLimit",
            torrents_limits::set_upload_limit,
        ))
        .service(write(
            "/api/v2/torrents/setDownloadLimit",
            torrents_limits::set_download_limit,
        ))
        .service(read(
            "/api/v2/torrents/uploadLimit",
            torrents_limits::upload_limit,
        ))
        .service(read(
            "/api/v2/torrents/downloadLimit",
            torrents_limits::download_limit,
        ))
        .service(write(
            "/api/v2/torrents/setLocation",
            torrents_storage::set_location,
        ))
        .service(write(
            "/api/v2/torrents/addPeers",
            torrents_storage::add_peers,
        ))
        .service(write("/api/v2/torrents/rename", act::rename))
        .service(write("/api/v2/torrents/filePrio", act::file_prio))
        .service(write(
            "/api/v2/torrents/toggleSequentialDownload",
            act::toggle_sequential,
        ))
        .service(write("/api/v2/torrents/setAutoManagement", act::accepted))
        .service(write(
            "/api/v2/torrents/setSuperSeeding",
            act::set_super_seeding,
        ))
        .service(write(
            "/api/v2/torrents/toggleFirstLastPiecePrio",
            act::toggle_first_last_piece_prio,
        ));
}

fn configure_labels(cfg: &mut web::ServiceConfig) {
    cfg.service(read("/api/v2/torrents/categories", labels::categories))
        .service(write(
            "/api/v2/torrents/createCategory",
            labels::create_category,
        ))
        .service(write(
            "/api/v2/torrents/editCategory",
            labels::edit_category,
        ))
        .service(write(
            "/api/v2/torrents/removeCategories",
            labels::remove_categories,
        ))
        .service(write("/api/v2/torrents/setCategory", labels::set_category))
        .service(read("/api/v2/torrents/tags", labels::tags))
        .service(write("/api/v2/torrents/createTags", labels::create_tags))
        .service(write("/api/v2/torrents/deleteTags", labels::delete_tags))
        .service(write("/api/v2/torrents/addTags", labels::add_tags))
        .service(write("/api/v2/torrents/removeTags", labels::remove_tags));
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
        torrents_read::piece_states,
        torrents_read::info,
        torrents_read::properties,
        torrents_read::files,
        torrents_read::trackers,
        torrents_add::add,
        torrents_actions::delete,
        torrents_actions::stop,
        torrents_actions::start,
        torrents_actions::recheck,
        torrents_actions::reannounce,
        torrents_actions::set_force_start,
        torrents_queue::top_prio,
        torrents_queue::bottom_prio,
        torrents_queue::increase_prio,
        torrents_queue::decrease_prio,
        torrents_limits::set_share_limits,
        torrents_limits::set_upload_limit,
        torrents_limits::set_download_limit,
        torrents_limits::upload_limit,
        torrents_limits::download_limit,
        torrents_storage::set_location,
        torrents_storage::add_peers,
        torrents_actions::rename,
        torrents_actions::file_prio,
        torrents_actions::toggle_sequential,
        torrents_actions::toggle_first_last_piece_prio,
        torrents_actions::set_super_seeding,
        torrents_actions::accepted,
        labels::categories,
        labels::create_category,
        labels::edit_category,
        labels::remove_categories,
        labels::set_category,
        labels::tags,
        labels::create_tags,
        labels::delete_tags,
        labels::add_tags,
        labels::remove_tags,
        sync::maindata,
        transfer::info,
        transfer::download_limit,
        transfer::upload_limit,
        transfer::set_download_limit,
        transfer::set_upload_limit,
    ),
    tags((name = "qbittorrent", description = "qBittorrent WebAPI v2 facade: plain-text bodies and \
        qBittorrent's status codes; every unauthenticated request gets 403. Authenticate with \
        `auth/login` (password = API key) and the SID cookie, `Authorization: Bearer KEY_ID:SECRET`, \
        or Basic with the API key as password."))
)]
pub struct QbitDoc;
