//! `app/preferences` and `app/setPreferences`: the part of qBittorrent's
//! preferences Revaer has, read from and written to the configuration.
//!
//! Rules:
//! - reading maps the snapshot; fields Revaer does not have are reported
//!   with qBittorrent's defaults so clients find every key they parse;
//! - writing turns the known keys into one `PATCH /v1/config` document, so
//!   the same validation, lock, history and hot reload apply; unknown keys
//!   are ignored (as qBittorrent does), a value of the wrong type is a
//!   `400`, and so is a `max_ratio_act` qBittorrent does not have;
//! - `max_ratio_act`: 0 pause (qBittorrent 5: stop), 1 remove (data kept),
//!   2 super seeding, 3 remove with its files. Sonarr refuses a client
//!   that removes torrents at their limits, so the value is reported
//!   faithfully.

use revaer_messages::config::{ConfigSnapshot, EncryptionPolicy, EngineProfile, ShareLimitAction};
use serde_json::{json, Map, Value};

use crate::qbit::response::QbitError;

/// The preferences object.
pub fn read(snapshot: &ConfigSnapshot) -> Value {
    let engine = &snapshot.engine_profile;
    let queueing = engine.max_active != -1;
    let ratio = engine.share_ratio_limit;
    let minutes = engine.share_time_limit_minutes;
    json!({
        "save_path": engine.download_root,
        "temp_path_enabled": false,
        "temp_path": "",
        "create_subfolder_enabled": true,
        "torrent_content_layout": "Original",
        "start_paused_enabled": false,
        "add_stopped_enabled": false,
        "auto_tmm_enabled": false,
        "max_ratio_enabled": ratio.is_some(),
        "max_ratio": ratio.unwrap_or(-1.0),
        "max_seeding_time_enabled": minutes.is_some(),
        "max_seeding_time": minutes.map_or(-1, i64::from),
        "max_inactive_seeding_time_enabled": engine.share_inactive_limit_minutes.is_some(),
        "max_inactive_seeding_time": engine.share_inactive_limit_minutes.map_or(-1, i64::from),
        "max_ratio_act": match engine.share_limit_action {
            ShareLimitAction::Pause => 0,
            ShareLimitAction::Remove => 1,
            ShareLimitAction::SuperSeed => 2,
            ShareLimitAction::RemoveWithData => 3,
        },
        "queueing_enabled": queueing,
        "max_active_downloads": engine.max_active,
        "max_active_uploads": engine.max_active,
        "max_active_torrents": engine.max_active,
        "dht": engine.dht,
        "pex": engine.pex,
        "lsd": engine.lsd,
        "encryption": match engine.encryption {
            EncryptionPolicy::Enabled => 0,
            EncryptionPolicy::Forced => 1,
            EncryptionPolicy::Disabled => 2,
        },
        "listen_port": engine.listen_port,
        "max_connec": engine.max_connections,
        "dl_limit": engine.max_download_bps,
        "up_limit": engine.max_upload_bps,
        "web_ui_address": snapshot.app_profile.bind_addr,
        "web_ui_port": snapshot.app_profile.http_port,
    })
}

fn boolean(prefs: &Map<String, Value>, key: &str) -> Result<Option<bool>, QbitError> {
    prefs
        .get(key)
        .map(|v| {
            v.as_bool()
                .ok_or_else(|| QbitError::bad_request(format!("{key} must be a boolean")))
        })
        .transpose()
}

fn number(prefs: &Map<String, Value>, key: &str) -> Result<Option<f64>, QbitError> {
    prefs
        .get(key)
        .map(|v| {
            v.as_f64()
                .ok_or_else(|| QbitError::bad_request(format!("{key} must be a number")))
        })
        .transpose()
}

/// A limit switched by `<name>_enabled` with its value in `<name>`: the
/// new setting, or `None` when neither key is present.
fn switched(
    prefs: &Map<String, Value>,
    enabled_key: &str,
    value_key: &str,
    current: Option<f64>,
) -> Result<Option<Value>, QbitError> {
    let enabled = boolean(prefs, enabled_key)?;
    let value = number(prefs, value_key)?.filter(|v| *v >= 0.0);
    Ok(match (enabled, value) {
        (Some(false), _) => Some(Value::Null),
        (Some(true), Some(v)) => Some(json!(v)),
        (Some(true), None) => Some(json!(current.unwrap_or(0.0))),
        (None, Some(v)) if current.is_some() => Some(json!(v)),
        (None, _) => None,
    })
}

fn whole(value: Value) -> Value {
    match value.as_f64() {
        Some(v) => json!(v.round() as i64),
        None => value,
    }
}

/// The config patch for a `setPreferences` object.
pub fn patch(snapshot: &ConfigSnapshot, prefs: &Map<String, Value>) -> Result<Value, QbitError> {
    let engine = &snapshot.engine_profile;
    let mut out = Map::new();
    share_limits(prefs, engine, &mut out)?;
    for key in ["dht", "pex", "lsd"] {
        if let Some(on) = boolean(prefs, key)? {
            out.insert(key.into(), json!(on));
        }
    }
    queueing(prefs, engine, &mut out)?;
    for (key, field) in [
        ("dl_limit", "max_download_bps"),
        ("up_limit", "max_upload_bps"),
    ] {
        if let Some(limit) = number(prefs, key)? {
            out.insert(field.into(), json!((limit as i64).max(0)));
        }
    }
    if let Some(max) = number(prefs, "max_connec")? {
        // qBittorrent's -1 (no limit) becomes the largest limit we take;
        // anything else is checked by the config patch (2..=65535).
        let max = if max < 0.0 { 65_535 } else { max as i64 };
        out.insert("max_connections".into(), json!(max));
    }
    if let Some(port) = number(prefs, "listen_port")? {
        out.insert("listen_port".into(), json!(port as i64));
    }
    if let Some(mode) = number(prefs, "encryption")? {
        let policy = match mode as i64 {
            0 => "enabled",
            1 => "forced",
            2 => "disabled",
            _ => return Err(QbitError::bad_request("encryption must be 0, 1 or 2")),
        };
        out.insert("encryption".into(), json!(policy));
    }
    if let Some(path) = prefs.get("save_path") {
        out.insert("download_root".into(), path.clone());
    }
    Ok(json!({ "engine_profile": out }))
}

/// The share limits (ratio, seeding time, inactive time) and what happens
/// when one is reached.
fn share_limits(
    prefs: &Map<String, Value>,
    engine: &EngineProfile,
    out: &mut Map<String, Value>,
) -> Result<(), QbitError> {
    if let Some(v) = switched(
        prefs,
        "max_ratio_enabled",
        "max_ratio",
        engine.share_ratio_limit,
    )? {
        out.insert("share_ratio_limit".into(), v);
    }
    let minutes = engine.share_time_limit_minutes.map(f64::from);
    if let Some(v) = switched(
        prefs,
        "max_seeding_time_enabled",
        "max_seeding_time",
        minutes,
    )? {
        out.insert("share_time_limit_minutes".into(), whole(v));
    }
    let inactive = engine.share_inactive_limit_minutes.map(f64::from);
    if let Some(v) = switched(
        prefs,
        "max_inactive_seeding_time_enabled",
        "max_inactive_seeding_time",
        inactive,
    )? {
        out.insert("share_inactive_limit_minutes".into(), whole(v));
    }
    if let Some(act) = number(prefs, "max_ratio_act")? {
        let action = match act as i64 {
            0 => "pause",
            1 => "remove",
            2 => "super_seed",
            3 => "remove_with_data",
            _ => {
                return Err(QbitError::bad_request(
                    "max_ratio_act: 0 (stop), 1 (remove), 2 (super seeding) or 3 (remove with its files)",
                ))
            }
        };
        out.insert("share_limit_action".into(), json!(action));
    }
    Ok(())
}

/// qBittorrent's queueing switch and limit as our `max_active` (-1: no
/// queueing); turning queueing on keeps the current limit, else 8.
fn queueing(
    prefs: &Map<String, Value>,
    engine: &EngineProfile,
    out: &mut Map<String, Value>,
) -> Result<(), QbitError> {
    let active = number(prefs, "max_active_torrents")?.map(|n| n as i64);
    match boolean(prefs, "queueing_enabled")? {
        Some(false) => {
            out.insert("max_active".into(), json!(-1));
        }
        Some(true) => {
            let current = Some(i64::from(engine.max_active)).filter(|n| *n > 0);
            out.insert("max_active".into(), json!(active.or(current).unwrap_or(8)));
        }
        None if engine.max_active != -1 => {
            if let Some(n) = active {
                out.insert("max_active".into(), json!(n));
            }
        }
        None => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(engine: EngineProfile) -> Result<ConfigSnapshot, serde_json::Error> {
        let mut value = json!({
            "revision": 1,
            "app_profile": {"instance_name": "t", "mode": "active", "bind_addr": "127.0.0.1",
                "http_port": 7070, "telemetry": false, "features": {}, "immutable_keys": []},
            "fs_policy": {"library_root": "/l", "extract": false, "flatten": false,
                "move_mode": "copy", "cleanup_keep": [], "cleanup_drop": [], "chmod_file": null,
                "chmod_dir": null, "owner": null, "group": null, "umask": null, "allow_paths": [],
                "allow_special_modes": false, "extract_max_ratio": 4, "extract_min_free_bytes": 0},
        });
        value["engine_profile"] = serde_json::to_value(engine)?;
        serde_json::from_value(value)
    }

    fn prefs(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn limits_and_actions_are_reported_as_qbittorrent_does() -> Result<(), serde_json::Error> {
        let engine = EngineProfile {
            share_ratio_limit: Some(2.0),
            share_limit_action: ShareLimitAction::Remove,
            max_active: -1,
            ..EngineProfile::default()
        };
        let read = read(&snapshot(engine)?);
        assert_eq!(read["max_ratio_enabled"], true);
        assert_eq!(read["max_ratio"], 2.0);
        assert_eq!(read["max_seeding_time_enabled"], false);
        assert_eq!(read["max_seeding_time"], -1);
        assert_eq!(read["max_ratio_act"], 1);
        assert_eq!(read["queueing_enabled"], false);
        assert_eq!(read["max_connec"], 500);
        Ok(())
    }

    #[test]
    fn known_keys_become_one_config_patch() -> Result<(), Box<dyn std::error::Error>> {
        let snap = snapshot(EngineProfile::default())?;
        let patch = patch(
            &snap,
            &prefs(json!({
                "max_ratio_enabled": true, "max_ratio": 1.5,
                "max_seeding_time_enabled": false, "max_ratio_act": 0,
                "dht": false, "queueing_enabled": false, "dl_limit": -1,
                "web_ui_port": 1, "unknown": "ignored"
            })),
        )
        .map_err(|e| e.message)?;
        assert_eq!(
            patch,
            json!({"engine_profile": {
                "share_ratio_limit": 1.5, "share_time_limit_minutes": null,
                "share_limit_action": "pause", "dht": false, "max_active": -1,
                "max_download_bps": 0
            }})
        );
        assert!(super::patch(&snap, &prefs(json!({"max_ratio_act": 4}))).is_err());
        let super_seed =
            super::patch(&snap, &prefs(json!({"max_ratio_act": 2}))).map_err(|e| e.message)?;
        assert_eq!(
            super_seed,
            json!({"engine_profile": {"share_limit_action": "super_seed"}})
        );
        let delete =
            super::patch(&snap, &prefs(json!({"max_ratio_act": 3}))).map_err(|e| e.message)?;
        assert_eq!(
            delete,
            json!({"engine_profile": {"share_limit_action": "remove_with_data"}})
        );
        let engine = EngineProfile {
            share_limit_action: ShareLimitAction::RemoveWithData,
            ..EngineProfile::default()
        };
        assert_eq!(read(&snapshot(engine)?)["max_ratio_act"], 3);
        for (sent, stored) in [(json!(1200), 1200), (json!(-1), 65_535)] {
            let connections = super::patch(&snap, &prefs(json!({ "max_connec": sent })))
                .map_err(|e| e.message)?;
            assert_eq!(
                connections,
                json!({"engine_profile": {"max_connections": stored}})
            );
        }
        assert!(super::patch(&snap, &prefs(json!({"dht": "yes"}))).is_err());
        let only_value =
            super::patch(&snap, &prefs(json!({"max_ratio": 3}))).map_err(|e| e.message)?;
        assert_eq!(
            only_value,
            json!({"engine_profile": {}}),
            "a value alone needs the limit on"
        );
        Ok(())
    }
}
