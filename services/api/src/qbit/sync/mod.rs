//! `sync/maindata`: the whole state once (`full_update`), then only what
//! changed since the client's last response (`rid`), as qBittorrent's web
//! UI and dashboards poll it.
//!
//! A delta carries the changed fields of changed torrents, new torrents
//! whole, `torrents_removed`, changed or new categories and
//! `categories_removed`, new tags and `tags_removed`, and the changed
//! fields of `server_state`; keys with nothing to say are left out. Which
//! torrents changed comes from the event hub ([`feed`]), so an idle poll
//! asks the engine for nothing but its status (see [`views`] for what is
//! remembered per client). Seeding and active time run on without events,
//! so every `maindata_sweep` (10 s by default) a client's delta also
//! re-reads the running torrents and sends what changed in them: time
//! fields of an idle seed lag by at most that, at the cost of one listing
//! of the running torrents per client per sweep.

pub mod feed;
pub mod views;

use actix_web::{web, HttpMessage, HttpRequest, HttpResponse};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{EngineStatus, GetEngineStatus};
use revaer_messages::listing::TorrentFilter;
use revaer_messages::torrent::{TorrentState, TorrentSummary};
use revaer_messages::TorrentId;
use serde_json::{json, Map, Value};
use std::collections::HashSet;
use std::time::Instant;

use crate::auth::AuthenticatedKey;
use crate::engine;
use crate::qbit::auth::SID;
use crate::qbit::form::Params;
use crate::qbit::labels::categories_map;
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_read::{handles, summaries};
use crate::qbit::view::info_map;
use crate::state::ApiState;

pub use feed::SyncFeed;
use views::{changed_fields, fingerprint, map_delta, ClientView, Views};

/// The facade's sync state: the change feed and the client views.
#[derive(Debug, Clone, Default)]
pub struct SyncState {
    /// What changed, from the event hub.
    pub feed: SyncFeed,
    /// What each client last received.
    pub views: Views,
}

/// The engine's status (transfer totals, DHT, listening).
pub async fn engine_status(state: &ApiState) -> Result<EngineStatus, QbitError> {
    Ok(engine::call(&handles(state)?.status, GetEngineStatus).await?)
}

/// `server_state` (also the body of `transfer/info`, less a few keys).
pub fn server_state(status: &EngineStatus, config: &ConfigSnapshot) -> Map<String, Value> {
    let engine = &config.engine_profile;
    let value = json!({
        "dl_info_speed": status.download_bps,
        "dl_info_data": status.session_downloaded,
        "up_info_speed": status.upload_bps,
        "up_info_data": status.session_uploaded,
        "dl_rate_limit": engine.max_download_bps,
        "up_rate_limit": engine.max_upload_bps,
        "dht_nodes": status.dht_nodes,
        "connection_status": if status.listening { "connected" } else { "disconnected" },
        "free_space_on_disk": status.free_bytes.unwrap_or(0),
        "queueing": engine.max_active != -1,
        "use_alt_speed_limits": false,
        "refresh_interval": 1500,
    });
    value.as_object().cloned().unwrap_or_default()
}

/// The torrent object of `sync/maindata` (keyed by hash, so without it).
fn torrent_object(summary: &TorrentSummary, config: &ConfigSnapshot) -> Map<String, Value> {
    let mut object = info_map(summary, &config.engine_profile);
    object.remove("hash");
    object
}

/// Who is asking: the login session, else the API key.
fn client_of(req: &HttpRequest) -> String {
    if let Some(cookie) = req.cookie(SID) {
        return format!("sid:{}", cookie.value());
    }
    req.extensions().get::<AuthenticatedKey>().map_or_else(
        || "anonymous".to_string(),
        |key| format!("key:{}", key.key_id),
    )
}

/// The full state and the view it leaves.
async fn full(
    state: &ApiState,
    sync: &SyncState,
    status: &EngineStatus,
) -> Result<(Map<String, Value>, ClientView), QbitError> {
    let seq = sync.feed.current();
    let config = state.snapshot();
    let all = summaries(state, TorrentFilter::default()).await?;
    let mut view = ClientView {
        seq,
        categories: categories_map(&config.categories),
        tags: config.tags.clone(),
        server_state: server_state(status, &config),
        swept: Some(Instant::now()),
        ..ClientView::default()
    };
    let mut torrents = Map::new();
    for summary in &all {
        let object = torrent_object(summary, &config);
        view.torrents
            .insert(summary.id.to_string(), fingerprint(&object));
        torrents.insert(summary.id.to_string(), Value::Object(object));
    }
    let mut body = Map::new();
    body.insert("full_update".into(), Value::Bool(true));
    body.insert("torrents".into(), Value::Object(torrents));
    body.insert("categories".into(), Value::Object(view.categories.clone()));
    body.insert("tags".into(), json!(view.tags));
    body.insert(
        "server_state".into(),
        Value::Object(view.server_state.clone()),
    );
    body.insert("trackers".into(), json!({}));
    Ok((body, view))
}

/// States in which a torrent's seeding or active time runs.
const RUNNING: [TorrentState; 6] = [
    TorrentState::Metadata,
    TorrentState::Checking,
    TorrentState::CheckingResumeData,
    TorrentState::Downloading,
    TorrentState::Stalled,
    TorrentState::Seeding,
];

/// The summaries a delta looks at: the changed torrents, and on a sweep
/// the running ones too.
async fn delta_summaries(
    state: &ApiState,
    changed: Vec<TorrentId>,
    sweep: bool,
) -> Result<Vec<TorrentSummary>, QbitError> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    if sweep {
        let running = TorrentFilter {
            states: RUNNING.to_vec(),
            ..TorrentFilter::default()
        };
        found = summaries(state, running).await?;
        seen.extend(found.iter().map(|s| s.id.clone()));
    }
    let rest: std::collections::BTreeSet<TorrentId> = changed
        .into_iter()
        .filter(|id| !seen.contains(id))
        .collect();
    if !rest.is_empty() {
        let filter = TorrentFilter {
            ids: Some(rest),
            ..TorrentFilter::default()
        };
        found.extend(summaries(state, filter).await?);
    }
    Ok(found)
}

/// The torrents part of a delta; updates `view`.
async fn torrents_delta(
    state: &ApiState,
    view: &mut ClientView,
    changes: feed::Changes,
    body: &mut Map<String, Value>,
) -> Result<(), QbitError> {
    let config = state.snapshot();
    let mut removed: Vec<String> = Vec::new();
    for id in &changes.removed {
        if view.torrents.remove(id.as_str()).is_some() {
            removed.push(id.to_string());
        }
    }
    let asked: HashSet<String> = changes.changed.iter().map(|id| id.to_string()).collect();
    let now = Instant::now();
    let sweep = view
        .swept
        .is_none_or(|at| now.duration_since(at) >= state.settings.maindata_sweep);
    if sweep {
        view.swept = Some(now);
    }
    let found = delta_summaries(state, changes.changed, sweep).await?;
    let mut torrents = Map::new();
    for summary in &found {
        let key = summary.id.to_string();
        let object = torrent_object(summary, &config);
        let sent = match view.torrents.get(&key) {
            Some(before) => changed_fields(&object, before),
            None => object.clone(),
        };
        view.torrents.insert(key.clone(), fingerprint(&object));
        if !sent.is_empty() {
            torrents.insert(key, Value::Object(sent));
        }
    }
    let present: HashSet<&str> = found.iter().map(|s| s.id.as_str()).collect();
    for gone in asked.iter().filter(|id| !present.contains(id.as_str())) {
        if view.torrents.remove(gone).is_some() && !removed.contains(gone) {
            removed.push(gone.clone());
        }
    }
    if !torrents.is_empty() {
        body.insert("torrents".into(), Value::Object(torrents));
    }
    if !removed.is_empty() {
        body.insert("torrents_removed".into(), json!(removed));
    }
    Ok(())
}

/// The labels and server state part of a delta; updates `view`.
fn labels_delta(
    config: &ConfigSnapshot,
    status: &EngineStatus,
    view: &mut ClientView,
    body: &mut Map<String, Value>,
) {
    let categories = categories_map(&config.categories);
    let (changed, gone) = map_delta(&categories, &view.categories);
    if !changed.is_empty() {
        body.insert("categories".into(), Value::Object(changed));
    }
    if !gone.is_empty() {
        body.insert("categories_removed".into(), json!(gone));
    }
    view.categories = categories;
    let added: Vec<&String> = config
        .tags
        .iter()
        .filter(|t| !view.tags.contains(t))
        .collect();
    let dropped: Vec<&String> = view
        .tags
        .iter()
        .filter(|t| !config.tags.contains(t))
        .collect();
    if !added.is_empty() {
        body.insert("tags".into(), json!(added));
    }
    if !dropped.is_empty() {
        body.insert("tags_removed".into(), json!(dropped));
    }
    view.tags = config.tags.clone();
    let server = server_state(status, config);
    let (changed, _) = map_delta(&server, &view.server_state);
    if !changed.is_empty() {
        body.insert("server_state".into(), Value::Object(changed));
    }
    view.server_state = server;
}

/// Main data: a full update (`rid` 0 or unknown) or the changes since the
/// response numbered `rid`.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/sync/maindata",
    params(("rid" = Option<u64>, Query, description = "`rid` of the previous response (0 or absent: full update)")),
    responses((status = 200, description = "{rid, full_update?, torrents, torrents_removed, categories, categories_removed, tags, tags_removed, server_state}", body = Object)))]
pub async fn maindata(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let sync = &state.qbit.sync;
    sync.feed.ensure_started(&state).await;
    let rid = params.number::<u64>("rid")?.unwrap_or(0);
    let client = client_of(&req);
    let status = engine_status(&state).await?;
    let previous = sync.views.take(&client, rid);
    let changes = previous
        .as_ref()
        .and_then(|view| sync.feed.changes_since(view.seq));
    let (mut body, mut view) = match (previous, changes) {
        (Some(mut view), Some(changes)) => {
            view.seq = changes.upto;
            let mut body = Map::new();
            torrents_delta(&state, &mut view, changes, &mut body).await?;
            labels_delta(&state.snapshot(), &status, &mut view, &mut body);
            (body, view)
        }
        _ => full(&state, sync, &status).await?,
    };
    view.rid = sync.views.next_rid();
    body.insert("rid".into(), json!(view.rid));
    sync.views.put(client, view);
    response::json(&body)
}
