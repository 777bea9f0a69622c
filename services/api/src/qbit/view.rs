//! A torrent as qBittorrent's WebAPI shows it: the objects of
//! `torrents/info` and `torrents/properties` (and the torrents of
//! `sync/maindata`), built from Revaer's summary.
//!
//! Units and encodings are qBittorrent's: times in Unix seconds (`-1` or
//! `0` when unknown, as it does), rates in bytes/s, `eta` `8640000` when
//! unknown, `ratio_limit`/`seeding_time_limit` `-2` global and `-1` none,
//! `max_*` the limit in force (`-1` none), seeding times in seconds but
//! their limits in minutes, tags joined by `", "`, rate limits `-1`
//! when unlimited.

use chrono::{DateTime, Utc};
use revaer_messages::config::EngineProfile;
use revaer_messages::torrent::TorrentSummary;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::qbit::state_map::{complete, qbit_state};

/// qBittorrent's "unknown" ETA (100 days).
pub const ETA_UNKNOWN: i64 = 8_640_000;

fn unix(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn rate_limit(limit: Option<i64>) -> i64 {
    limit.filter(|l| *l > 0).unwrap_or(-1)
}

/// `magnet:?xt=urn:btih:<hash>&dn=<name>` (plus the current tracker).
pub fn magnet_uri(summary: &TorrentSummary) -> String {
    let mut pairs = vec![("dn", summary.name.as_str())];
    if let Some(tracker) = summary.tracker.as_deref() {
        pairs.push(("tr", tracker));
    }
    let tail = serde_urlencoded::to_string(pairs).unwrap_or_default();
    format!("magnet:?xt=urn:btih:{}&{tail}", summary.id)
}

/// One element of `torrents/info`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TorrentInfo {
    hash: String,
    infohash_v1: String,
    infohash_v2: String,
    name: String,
    magnet_uri: String,
    size: i64,
    total_size: i64,
    progress: f64,
    dlspeed: i64,
    upspeed: i64,
    priority: i32,
    num_seeds: i64,
    num_complete: i64,
    num_leechs: i64,
    num_incomplete: i64,
    state: &'static str,
    eta: i64,
    seq_dl: bool,
    f_l_piece_prio: bool,
    category: String,
    tags: String,
    super_seeding: bool,
    force_start: bool,
    save_path: String,
    download_path: String,
    content_path: String,
    root_path: String,
    added_on: i64,
    completion_on: i64,
    tracker: String,
    trackers_count: i64,
    dl_limit: i64,
    up_limit: i64,
    downloaded: i64,
    uploaded: i64,
    downloaded_session: i64,
    uploaded_session: i64,
    amount_left: i64,
    completed: i64,
    max_ratio: f64,
    max_seeding_time: i64,
    max_inactive_seeding_time: i64,
    ratio: f64,
    ratio_limit: f64,
    seeding_time_limit: i64,
    inactive_seeding_time_limit: i64,
    seen_complete: i64,
    auto_tmm: bool,
    time_active: i64,
    seeding_time: i64,
    last_activity: i64,
    availability: f64,
    reannounce: i64,
    popularity: f64,
    #[serde(rename = "isPrivate")]
    is_private: bool,
}

fn minutes(limit: Option<f64>) -> i64 {
    limit.map_or(-1, |m| m.round() as i64)
}

/// The `torrents/info` object of a torrent under the global limits of
/// `profile`.
pub fn info(summary: &TorrentSummary, profile: &EngineProfile) -> TorrentInfo {
    let (ratio_in_force, seeding_in_force, inactive_in_force) =
        summary.share_limits.effective(profile);
    let done = complete(summary);
    let eta = match summary.eta_seconds {
        Some(seconds) if !done => seconds,
        _ => ETA_UNKNOWN,
    };
    let limits = &summary.share_limits;
    TorrentInfo {
        hash: summary.id.to_string(),
        infohash_v1: summary.id.to_string(),
        infohash_v2: String::new(),
        name: summary.name.clone(),
        magnet_uri: magnet_uri(summary),
        size: summary.wanted_size,
        total_size: summary.size,
        progress: summary.progress,
        dlspeed: summary.download_bps,
        upspeed: summary.upload_bps,
        priority: summary.queue_position.map_or(0, |p| p + 1),
        num_seeds: summary.seeds,
        num_complete: summary.seeds,
        num_leechs: (summary.peers - summary.seeds).max(0),
        num_incomplete: (summary.peers - summary.seeds).max(0),
        state: qbit_state(summary),
        eta,
        seq_dl: summary.sequential,
        f_l_piece_prio: summary.first_last_piece_prio,
        category: summary.category.clone().unwrap_or_default(),
        tags: summary.tags.join(", "),
        super_seeding: summary.super_seeding,
        force_start: summary.force_start,
        save_path: summary.save_path.clone(),
        download_path: String::new(),
        content_path: summary.content_path.clone(),
        root_path: summary.content_path.clone(),
        added_on: unix(summary.added_at),
        completion_on: summary.completed_at.map_or(-1, unix),
        tracker: summary.tracker.clone().unwrap_or_default(),
        trackers_count: i64::from(summary.tracker.is_some()),
        dl_limit: rate_limit(summary.limits.download_bps),
        up_limit: rate_limit(summary.limits.upload_bps),
        downloaded: summary.downloaded,
        uploaded: summary.uploaded,
        downloaded_session: summary.downloaded,
        uploaded_session: summary.uploaded,
        amount_left: summary.remaining,
        completed: (summary.wanted_size - summary.remaining).max(0),
        max_ratio: ratio_in_force.unwrap_or(-1.0),
        max_seeding_time: minutes(seeding_in_force),
        max_inactive_seeding_time: minutes(inactive_in_force),
        ratio: summary.ratio,
        ratio_limit: limits.ratio.to_qbit(),
        seeding_time_limit: limits.seeding_minutes.to_qbit().round() as i64,
        inactive_seeding_time_limit: limits.inactive_minutes.to_qbit().round() as i64,
        seen_complete: if done {
            unix(summary.last_activity_at)
        } else {
            0
        },
        auto_tmm: false,
        time_active: summary.active_secs,
        seeding_time: summary.seeding_secs,
        last_activity: unix(summary.last_activity_at),
        availability: -1.0,
        reannounce: 0,
        popularity: 0.0,
        is_private: false,
    }
}

/// The info object as a JSON map (for sorting by any field and for
/// computing deltas).
pub fn info_map(summary: &TorrentSummary, profile: &EngineProfile) -> Map<String, Value> {
    match serde_json::to_value(info(summary, profile)) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

/// The `torrents/properties` object of a torrent.
pub fn properties(summary: &TorrentSummary, profile: &EngineProfile) -> Value {
    let info = info(summary, profile);
    let average = |bytes: i64| {
        if summary.active_secs > 0 {
            bytes / summary.active_secs
        } else {
            0
        }
    };
    serde_json::json!({
        "hash": info.hash,
        "infohash_v1": info.infohash_v1,
        "infohash_v2": info.infohash_v2,
        "name": info.name,
        "save_path": info.save_path,
        "download_path": "",
        "creation_date": -1,
        "piece_size": -1,
        "pieces_have": -1,
        "pieces_num": -1,
        "comment": "",
        "created_by": "",
        "total_wasted": 0,
        "total_uploaded": info.uploaded,
        "total_uploaded_session": info.uploaded_session,
        "total_downloaded": info.downloaded,
        "total_downloaded_session": info.downloaded_session,
        "up_limit": info.up_limit,
        "dl_limit": info.dl_limit,
        "time_elapsed": info.time_active,
        "seeding_time": info.seeding_time,
        "nb_connections": summary.peers,
        "nb_connections_limit": -1,
        "share_ratio": info.ratio,
        "addition_date": info.added_on,
        "completion_date": info.completion_on,
        "dl_speed": info.dlspeed,
        "dl_speed_avg": average(info.downloaded),
        "up_speed": info.upspeed,
        "up_speed_avg": average(info.uploaded),
        "eta": info.eta,
        "last_seen": info.seen_complete,
        "peers": info.num_leechs,
        "peers_total": info.num_incomplete,
        "seeds": info.num_seeds,
        "seeds_total": info.num_complete,
        "reannounce": 0,
        "total_size": info.total_size,
        "isPrivate": false,
        "popularity": 0.0,
    })
}

/// A Revaer file priority (0..=7, 4 default) as qBittorrent shows it
/// (0 skip, 1 normal, 6 high, 7 maximum).
pub fn file_priority(priority: u8) -> u8 {
    match priority {
        0 => 0,
        1..=5 => 1,
        6 => 6,
        _ => 7,
    }
}

/// A qBittorrent file priority as Revaer's (normal is 4), or `None` for a
/// value qBittorrent does not accept.
pub fn engine_priority(priority: i64) -> Option<u8> {
    match priority {
        0 => Some(0),
        1 => Some(4),
        6 => Some(6),
        7 => Some(7),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_round_trip_through_qbittorrent_levels() {
        for (qbit, ours) in [(0, 0), (1, 4), (6, 6), (7, 7)] {
            assert_eq!(engine_priority(qbit), Some(ours));
            assert_eq!(i64::from(file_priority(ours)), qbit);
        }
        assert_eq!(engine_priority(2), None);
        assert_eq!(file_priority(2), 1);
    }
}
