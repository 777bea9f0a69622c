//! `torrents/info`, `properties`, `files`, `pieceStates` and `trackers`: reads answered
//! from the engine's list and detail queries.
//!
//! Rules: `info` filters like qBittorrent (`filter`, `category` and `tag`
//! where an empty value means "none", `hashes`), sorts by any field of its
//! objects (`sort`, `reverse`), then applies `offset` (negative counts from
//! the end) and `limit` (`0` or less: no limit). A hash the engine does not
//! know is a `404` for the per-torrent reads (Sonarr polls `properties`
//! after an add to see the torrent loaded).

use actix_web::{web, HttpResponse};
use revaer_messages::engine::{GetPieceStates, GetTorrent};
use revaer_messages::listing::TorrentFilter;
use revaer_messages::torrent::{TorrentDetail, TorrentSummary};
use revaer_messages::TorrentId;
use serde_json::{json, Map, Value};
use std::cmp::Ordering;

use crate::engine;
use crate::qbit::form::{Hashes, Params};
use crate::qbit::response::{self, QbitError};
use crate::qbit::{state_map, view};
use crate::state::{ApiState, EngineHandles};

/// The engine's handles, or the `503` qBittorrent clients retry on.
pub fn handles(state: &ApiState) -> Result<&EngineHandles, QbitError> {
    Ok(state.engine()?)
}

/// Message for a hash the engine does not know.
pub const UNKNOWN_HASH: &str = "Torrent hash was not found";

/// The summaries matching what the engine can filter itself.
pub async fn summaries(
    state: &ApiState,
    filter: TorrentFilter,
) -> Result<Vec<TorrentSummary>, QbitError> {
    Ok(engine::list_all(handles(state)?, filter).await?)
}

/// The summary of one torrent, or `404`.
pub async fn summary(state: &ApiState, id: &TorrentId) -> Result<TorrentSummary, QbitError> {
    let filter = TorrentFilter {
        ids: Some([id.clone()].into_iter().collect()),
        ..TorrentFilter::default()
    };
    summaries(state, filter)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| QbitError::not_found(UNKNOWN_HASH))
}

/// The detail of one torrent, or `404`.
pub async fn detail(state: &ApiState, id: &TorrentId) -> Result<TorrentDetail, QbitError> {
    let get = GetTorrent { id: id.clone() };
    engine::call(&handles(state)?.get, get)
        .await
        .map_err(unknown_hash)
}

/// An engine error for a per-torrent read: qBittorrent's `404` text for an
/// unknown hash, the usual mapping otherwise.
fn unknown_hash(err: crate::error::ApiError) -> QbitError {
    match err.status.as_u16() {
        404 => QbitError::not_found(UNKNOWN_HASH),
        _ => QbitError::from(err),
    }
}

/// The engine-side part of the `info` filters.
fn engine_filter(params: &Params) -> Result<TorrentFilter, QbitError> {
    let mut filter = TorrentFilter::default();
    if let Some(category) = params.get("category").filter(|c| !c.is_empty()) {
        filter.category = Some(category.to_string());
    }
    if let Some(tag) = params.get("tag").filter(|t| !t.is_empty()) {
        filter.tag = Some(tag.to_string());
    }
    if params.get("hashes").is_some() {
        if let Hashes::Some(ids) = params.hashes()? {
            filter.ids = Some(ids.into_iter().collect());
        }
    }
    Ok(filter)
}

/// Orders JSON values as qBittorrent's sort does: numbers by value, text
/// case-insensitively, booleans false first.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.total_cmp(&y)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x
            .to_lowercase()
            .cmp(&y.to_lowercase())
            .then_with(|| x.cmp(y)),
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        _ => Ordering::Equal,
    }
}

/// Sorts, reverses and pages the objects.
fn arrange(
    mut items: Vec<Map<String, Value>>,
    params: &Params,
) -> Result<Vec<Map<String, Value>>, QbitError> {
    if let Some(key) = params.text("sort") {
        items.sort_by(|a, b| compare(a.get(key), b.get(key)));
    }
    if params.flag("reverse")?.unwrap_or(false) {
        items.reverse();
    }
    let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
    let offset = params.number::<i64>("offset")?.unwrap_or(0);
    let start = if offset < 0 {
        (len + offset).max(0)
    } else {
        offset.min(len)
    };
    let limit = params
        .number::<i64>("limit")?
        .filter(|l| *l > 0)
        .unwrap_or(len);
    Ok(items
        .into_iter()
        .skip(usize::try_from(start).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .collect())
}

/// Torrents, filtered, sorted and paged.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/info",
    params(
        ("filter" = Option<String>, Query, description = "all, downloading, seeding, completed, stopped (paused), running (resumed), active, inactive, stalled, stalled_uploading, stalled_downloading, checking, moving, errored"),
        ("category" = Option<String>, Query, description = "Exact category; empty: without category"),
        ("tag" = Option<String>, Query, description = "Exact tag; empty: without tags"),
        ("sort" = Option<String>, Query, description = "Any field of the objects"),
        ("reverse" = Option<bool>, Query, description = "Descending"),
        ("limit" = Option<i64>, Query, description = "Most objects"),
        ("offset" = Option<i64>, Query, description = "Skip this many (negative: from the end)"),
        ("hashes" = Option<String>, Query, description = "`|`-separated info hashes")
    ),
    responses((status = 200, description = "Array of torrent objects (hash, name, size, progress, eta, state, category, tags, save_path, content_path, ratio, limits, times, rates, ...)", body = [Object])))]
pub async fn info(state: web::Data<ApiState>, params: Params) -> Result<HttpResponse, QbitError> {
    let filter = engine_filter(&params)?;
    let snapshot = state.snapshot();
    let wanted_state = params.text("filter").unwrap_or("all").to_string();
    let no_category = params.get("category") == Some("");
    let no_tag = params.get("tag") == Some("");
    let items: Vec<Map<String, Value>> = summaries(&state, filter)
        .await?
        .iter()
        .filter(|s| state_map::passes(&wanted_state, s))
        .filter(|s| !no_category || s.category.is_none())
        .filter(|s| !no_tag || s.tags.is_empty())
        .map(|s| view::info_map(s, &snapshot.engine_profile))
        .collect();
    response::json(&arrange(items, &params)?)
}

/// General properties of one torrent (`404` for an unknown hash).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/properties",
    params(("hash" = String, Query, description = "Info hash")),
    responses((status = 200, description = "Properties object", body = Object),
        (status = 404, description = "Unknown hash", body = String, content_type = "text/plain")))]
pub async fn properties(
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let summary = summary(&state, &params.hash()?).await?;
    response::json(&view::properties(
        &summary,
        &state.snapshot().engine_profile,
    ))
}

/// Files of one torrent (empty until metadata arrives).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/files",
    params(("hash" = String, Query, description = "Info hash")),
    responses((status = 200, description = "Array of files (index, name, size, progress, priority 0/1/6/7, is_seed, piece_range, availability)", body = [Object]),
        (status = 404, description = "Unknown hash", body = String, content_type = "text/plain")))]
pub async fn files(state: web::Data<ApiState>, params: Params) -> Result<HttpResponse, QbitError> {
    let detail = detail(&state, &params.hash()?).await?;
    let files: Vec<Value> = detail
        .files
        .iter()
        .map(|f| {
            json!({
                "index": f.index,
                "name": f.path,
                "size": f.size,
                "progress": f.progress,
                "priority": view::file_priority(f.priority),
                "is_seed": f.progress >= 1.0,
                "piece_range": f.piece_range,
                "availability": -1,
            })
        })
        .collect();
    response::json(&files)
}

/// Piece states of one torrent: `0` missing, `1` downloading, `2` have
/// (`[]` until metadata arrives).
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/pieceStates",
    params(("hash" = String, Query, description = "Info hash")),
    responses((status = 200, description = "Array of piece states (0, 1, 2)", body = [u8]),
        (status = 404, description = "Unknown hash", body = String, content_type = "text/plain")))]
pub async fn piece_states(
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let get = GetPieceStates { id: params.hash()? };
    let pieces = engine::call(&handles(&state)?.pieces, get)
        .await
        .map_err(unknown_hash)?;
    response::json(&pieces.states)
}

fn tracker_status(status: &str) -> u8 {
    match status {
        "working" => 2,
        "updating" => 3,
        "error" => 4,
        _ => 1,
    }
}

/// Trackers of one torrent, after qBittorrent's DHT, PeX and LSD rows.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/trackers",
    params(("hash" = String, Query, description = "Info hash")),
    responses((status = 200, description = "Array of trackers (url, status 0-4, tier, msg, ...)", body = [Object]),
        (status = 404, description = "Unknown hash", body = String, content_type = "text/plain")))]
pub async fn trackers(
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let detail = detail(&state, &params.hash()?).await?;
    let engine = &state.snapshot().engine_profile;
    let pseudo = |url: &str, on: bool| {
        json!({"url": url, "status": if on { 2 } else { 0 }, "tier": -1, "num_peers": 0,
            "num_seeds": 0, "num_leeches": 0, "num_downloaded": 0, "msg": ""})
    };
    let mut rows = vec![
        pseudo("** [DHT] **", engine.dht),
        pseudo("** [PeX] **", engine.pex),
        pseudo("** [LSD] **", engine.lsd),
    ];
    rows.extend(detail.trackers.iter().map(|t| {
        json!({
            "url": t.url,
            "status": tracker_status(&t.status),
            "tier": t.tier,
            "num_peers": -1,
            "num_seeds": -1,
            "num_leeches": -1,
            "num_downloaded": -1,
            "msg": t.message.clone().unwrap_or_default(),
        })
    }));
    response::json(&rows)
}
