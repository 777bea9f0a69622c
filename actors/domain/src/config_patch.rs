//! Partial updates of the configuration (`PATCH /v1/config`).
//!
//! A patch is a JSON object with optional `app_profile`, `engine_profile` and
//! `fs_policy` objects. Every field is checked on its own so that a client
//! gets one `invalid_params` entry per bad field (with a JSON pointer), not
//! just the first serde error. Type checks reuse the sections' serde
//! definitions, so the accepted shape can never drift from the stored shape.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::net::IpAddr;

use crate::config::{AppProfile, ConfigSnapshot, EngineProfile, FsPolicy};
use crate::rules::text::{has_control, refuse_control};
use crate::InvalidParam;

/// Longest feature flag name, in characters.
const MAX_FEATURE_NAME: usize = 64;

/// Fields the config API never changes, whatever `immutable_keys` says:
/// `mode` moves only through the setup flow, and `immutable_keys` itself is
/// the guard (an operator edits it in the database).
const READ_ONLY: &[&str] = &["app_profile.mode", "app_profile.immutable_keys"];

/// The sections a patch may touch.
const SECTIONS: &[&str] = &["app_profile", "engine_profile", "fs_policy"];

/// The sections of a snapshot after a successful patch.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchedConfig {
    /// Instance settings after the patch.
    pub app_profile: AppProfile,
    /// Engine settings after the patch.
    pub engine_profile: EngineProfile,
    /// FsOps policy after the patch.
    pub fs_policy: FsPolicy,
    /// Which sections the patch changed.
    pub changed: Vec<&'static str>,
}

/// Applies `patch` to `current`, returning the new sections or every problem found.
pub fn apply_patch(
    current: &ConfigSnapshot,
    patch: &Value,
) -> Result<PatchedConfig, Vec<InvalidParam>> {
    let Some(object) = patch.as_object() else {
        return Err(vec![InvalidParam::new(
            "",
            "expected a JSON object with config sections",
        )]);
    };
    let mut errors = Vec::new();
    for key in object.keys() {
        if !SECTIONS.contains(&key.as_str()) {
            errors.push(InvalidParam::new(
                format!("/{}", escape(key)),
                format!("unknown section; expected one of {}", SECTIONS.join(", ")),
            ));
        }
    }
    let immutable = &current.app_profile.immutable_keys;
    let app = patch_section(
        "app_profile",
        &current.app_profile,
        object.get("app_profile"),
        immutable,
        &mut errors,
    );
    let engine = patch_section(
        "engine_profile",
        &current.engine_profile,
        object.get("engine_profile"),
        immutable,
        &mut errors,
    );
    let fs = patch_section(
        "fs_policy",
        &current.fs_policy,
        object.get("fs_policy"),
        immutable,
        &mut errors,
    );
    if let Some(app) = &app {
        errors.extend(validate_app_profile(app));
    }
    if let Some(engine) = &engine {
        errors.extend(validate_engine_profile(engine));
    }
    if let Some(fs) = &fs {
        errors.extend(validate_fs_policy(fs));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut changed = Vec::new();
    let app_profile = pick(app, &current.app_profile, "app_profile", &mut changed);
    let engine_profile = pick(
        engine,
        &current.engine_profile,
        "engine_profile",
        &mut changed,
    );
    let fs_policy = pick(fs, &current.fs_policy, "fs_policy", &mut changed);
    Ok(PatchedConfig {
        app_profile,
        engine_profile,
        fs_policy,
        changed,
    })
}

fn pick<T: Clone + PartialEq>(
    patched: Option<T>,
    current: &T,
    name: &'static str,
    changed: &mut Vec<&'static str>,
) -> T {
    match patched {
        Some(value) if &value != current => {
            changed.push(name);
            value
        }
        _ => current.clone(),
    }
}

/// Merges one section's patch field by field; returns `None` when the section
/// was absent or any of its fields was rejected.
fn patch_section<T: Serialize + DeserializeOwned>(
    section: &str,
    current: &T,
    patch: Option<&Value>,
    immutable: &[String],
    errors: &mut Vec<InvalidParam>,
) -> Option<T> {
    let patch = patch?;
    let Some(fields) = patch.as_object() else {
        errors.push(InvalidParam::new(
            format!("/{section}"),
            "expected an object",
        ));
        return None;
    };
    let base = match serde_json::to_value(current) {
        Ok(Value::Object(map)) => map,
        _ => {
            errors.push(InvalidParam::new(
                format!("/{section}"),
                "section cannot be patched",
            ));
            return None;
        }
    };
    let before = errors.len();
    let mut merged: Map<String, Value> = base.clone();
    for (field, value) in fields {
        let pointer = format!("/{section}/{}", escape(field));
        let dotted = format!("{section}.{field}");
        let Some(existing) = base.get(field) else {
            errors.push(InvalidParam::new(pointer, "unknown field"));
            continue;
        };
        if existing == value {
            continue;
        }
        if READ_ONLY.contains(&dotted.as_str()) {
            errors.push(InvalidParam::new(pointer, "read-only field"));
            continue;
        }
        if immutable.iter().any(|key| key == &dotted) {
            errors.push(InvalidParam::new(
                pointer,
                "immutable field (listed in app_profile.immutable_keys)",
            ));
            continue;
        }
        let mut candidate = base.clone();
        candidate.insert(field.clone(), value.clone());
        if let Err(err) = serde_json::from_value::<T>(Value::Object(candidate)) {
            errors.push(InvalidParam::new(pointer, type_message(&err)));
            continue;
        }
        merged.insert(field.clone(), value.clone());
    }
    if errors.len() != before {
        return None;
    }
    match serde_json::from_value::<T>(Value::Object(merged)) {
        Ok(value) => Some(value),
        Err(err) => {
            errors.push(InvalidParam::new(format!("/{section}"), type_message(&err)));
            None
        }
    }
}

/// serde's messages end with "at line 1 column 9", which means nothing for a
/// value that was parsed from a tree; keep only the reason.
fn type_message(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.find(" at line ") {
        Some(index) => text[..index].to_string(),
        None => text,
    }
}

/// JSON pointer escaping (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Range and format checks for `app_profile`.
pub fn validate_app_profile(app: &AppProfile) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    check_name(
        &mut errors,
        "/app_profile/instance_name",
        &app.instance_name,
    );
    if app.bind_addr.parse::<IpAddr>().is_err() {
        errors.push(InvalidParam::new(
            "/app_profile/bind_addr",
            "must be an IPv4 or IPv6 address",
        ));
    }
    if !(1..=65535).contains(&app.http_port) {
        errors.push(InvalidParam::new(
            "/app_profile/http_port",
            "must be between 1 and 65535",
        ));
    }
    for (name, value) in &app.features {
        let pointer = format!("/app_profile/features/{}", escape(name));
        if name.is_empty() || name.chars().count() > MAX_FEATURE_NAME || has_control(name) {
            errors.push(InvalidParam::new(
                pointer,
                "feature flag names are 1 to 64 printable characters",
            ));
        } else if !value.is_boolean() {
            errors.push(InvalidParam::new(pointer, "feature flags are booleans"));
        }
    }
    errors
}

/// Range and format checks for `engine_profile`.
pub fn validate_engine_profile(engine: &EngineProfile) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    if !(0..=65535).contains(&engine.listen_port) {
        errors.push(InvalidParam::new(
            "/engine_profile/listen_port",
            "must be between 0 and 65535",
        ));
    }
    if engine.listen_interface.parse::<IpAddr>().is_err() {
        errors.push(InvalidParam::new(
            "/engine_profile/listen_interface",
            "must be an IPv4 or IPv6 address",
        ));
    }
    if engine.max_active != -1 && !(1..=100_000).contains(&engine.max_active) {
        errors.push(InvalidParam::new(
            "/engine_profile/max_active",
            "must be -1 (unlimited) or between 1 and 100000",
        ));
    }
    if !(2..=65_535).contains(&engine.max_connections) {
        errors.push(InvalidParam::new(
            "/engine_profile/max_connections",
            "must be between 2 and 65535",
        ));
    }
    for (pointer, value) in [
        ("/engine_profile/max_download_bps", engine.max_download_bps),
        ("/engine_profile/max_upload_bps", engine.max_upload_bps),
    ] {
        if !(0..=i64::from(i32::MAX)).contains(&value) {
            errors.push(InvalidParam::new(
                pointer,
                "must be between 0 (unlimited) and 2147483647",
            ));
        }
    }
    check_absolute(
        &mut errors,
        "/engine_profile/resume_dir",
        &engine.resume_dir,
    );
    check_absolute(
        &mut errors,
        "/engine_profile/download_root",
        &engine.download_root,
    );
    if engine
        .share_ratio_limit
        .is_some_and(|r| !r.is_finite() || !(0.0..=10_000.0).contains(&r))
    {
        errors.push(InvalidParam::new(
            "/engine_profile/share_ratio_limit",
            "must be null (no limit) or between 0 and 10000",
        ));
    }
    for (pointer, minutes) in [
        (
            "/engine_profile/share_time_limit_minutes",
            engine.share_time_limit_minutes,
        ),
        (
            "/engine_profile/share_inactive_limit_minutes",
            engine.share_inactive_limit_minutes,
        ),
    ] {
        if minutes.is_some_and(|m| !(0..=5_256_000).contains(&m)) {
            errors.push(InvalidParam::new(
                pointer,
                "must be null (no limit) or between 0 and 5256000 (ten years)",
            ));
        }
    }
    if engine.tracker_user_agent.len() > 256
        || engine.tracker_user_agent.chars().any(char::is_control)
    {
        errors.push(InvalidParam::new(
            "/engine_profile/tracker_user_agent",
            "at most 256 printable characters",
        ));
    }
    errors
}

/// Range and format checks for `fs_policy`.
pub fn validate_fs_policy(fs: &FsPolicy) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    check_absolute(&mut errors, "/fs_policy/library_root", &fs.library_root);
    let mode_max = max_mode(fs.allow_special_modes);
    for (pointer, value, max) in [
        ("/fs_policy/chmod_file", &fs.chmod_file, mode_max),
        ("/fs_policy/chmod_dir", &fs.chmod_dir, mode_max),
        ("/fs_policy/umask", &fs.umask, 0o777),
    ] {
        if let Some(text) = value {
            if parse_octal(text).is_none_or(|mode| mode > max) {
                let special = if max == 0o777 && pointer != "/fs_policy/umask" {
                    " (setuid, setgid and sticky bits need fs_policy.allow_special_modes)"
                } else {
                    ""
                };
                errors.push(InvalidParam::new(
                    pointer,
                    format!("must be an octal mode up to {max:o}, e.g. \"644\"{special}"),
                ));
            }
        }
    }
    if !(0..=1000).contains(&fs.extract_max_ratio) {
        errors.push(InvalidParam::new(
            "/fs_policy/extract_max_ratio",
            "must be between 0 (no limit) and 1000",
        ));
    }
    if !(0..=MAX_FREE_MARGIN).contains(&fs.extract_min_free_bytes) {
        errors.push(InvalidParam::new(
            "/fs_policy/extract_min_free_bytes",
            "must be between 0 (no margin) and 2^50 bytes",
        ));
    }
    for (pointer, value) in [
        ("/fs_policy/owner", &fs.owner),
        ("/fs_policy/group", &fs.group),
    ] {
        if let Some(text) = value {
            if text.is_empty()
                || text.len() > 64
                || text
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == ':')
            {
                errors.push(InvalidParam::new(
                    pointer,
                    "must be a user/group name or numeric id",
                ));
            }
        }
    }
    for (index, path) in fs.allow_paths.iter().enumerate() {
        check_absolute(
            &mut errors,
            &format!("/fs_policy/allow_paths/{index}"),
            path,
        );
    }
    for (name, globs) in [
        ("cleanup_keep", &fs.cleanup_keep),
        ("cleanup_drop", &fs.cleanup_drop),
    ] {
        for (index, glob) in globs.iter().enumerate() {
            let pointer = format!("/fs_policy/{name}/{index}");
            if glob.trim().is_empty() {
                errors.push(InvalidParam::new(pointer, "glob must not be empty"));
            } else {
                refuse_control(&mut errors, &pointer, glob);
            }
        }
    }
    errors
}

/// Largest `chmod_file`/`chmod_dir` mode: the permission bits only, unless
/// special bits (setuid 4000, setgid 2000, sticky 1000) are opted into.
pub fn max_mode(allow_special_modes: bool) -> u32 {
    if allow_special_modes {
        0o7777
    } else {
        0o777
    }
}

/// Largest `extract_min_free_bytes` (1 PiB), far above any disk.
const MAX_FREE_MARGIN: i64 = 1 << 50;

/// Parses an octal permission string such as `"0644"` or `"755"`.
pub fn parse_octal(text: &str) -> Option<u32> {
    if text.is_empty() || text.len() > 4 {
        return None;
    }
    u32::from_str_radix(text, 8).ok()
}

fn check_name(errors: &mut Vec<InvalidParam>, pointer: &str, value: &str) {
    if value.trim().is_empty() || value.chars().count() > 128 || value.chars().any(char::is_control)
    {
        errors.push(InvalidParam::new(
            pointer,
            "must be 1 to 128 printable characters",
        ));
    }
}

/// Paths stored in the configuration must be absolute and free of `..`, so
/// that every later allow-list check compares like with like.
pub fn check_absolute(errors: &mut Vec<InvalidParam>, pointer: &str, value: &str) {
    if let Err(err) = crate::rules::paths::check_lexical(value) {
        errors.push(InvalidParam::new(pointer, err.to_string()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, MoveMode};
    use serde_json::json;

    fn snapshot() -> ConfigSnapshot {
        ConfigSnapshot {
            revision: 3,
            app_profile: AppProfile {
                instance_name: "revaer".into(),
                mode: Mode::Active,
                bind_addr: "127.0.0.1".into(),
                http_port: 7070,
                telemetry: false,
                features: Map::new(),
                immutable_keys: vec![
                    "app_profile.bind_addr".into(),
                    "app_profile.http_port".into(),
                ],
            },
            engine_profile: EngineProfile {
                download_root: "/srv/downloads".into(),
                tracker_user_agent: "Revaer".into(),
                ..EngineProfile::default()
            },
            fs_policy: FsPolicy {
                library_root: "/srv/library".into(),
                extract: true,
                flatten: false,
                move_mode: MoveMode::Hardlink,
                cleanup_keep: vec![],
                cleanup_drop: vec!["*.nfo".into()],
                chmod_file: Some("644".into()),
                chmod_dir: Some("755".into()),
                owner: None,
                group: None,
                umask: Some("022".into()),
                allow_paths: vec!["/srv".into()],
                allow_special_modes: false,
                extract_max_ratio: 4,
                extract_min_free_bytes: 1 << 30,
            },
            categories: Vec::new(),
            tags: Vec::new(),
        }
    }

    fn pointers(result: Result<PatchedConfig, Vec<InvalidParam>>) -> Vec<String> {
        match result {
            Ok(_) => vec![],
            Err(errors) => errors.into_iter().map(|e| e.pointer).collect(),
        }
    }

    #[test]
    fn applies_valid_fields_and_reports_changed_sections() {
        let patched = apply_patch(
            &snapshot(),
            &json!({"engine_profile": {"max_download_bps": 1000, "dht": false}}),
        );
        let Ok(patched) = patched else {
            panic!("patch rejected: {patched:?}")
        };
        assert_eq!(patched.engine_profile.max_download_bps, 1000);
        assert!(!patched.engine_profile.dht);
        assert_eq!(patched.changed, vec!["engine_profile"]);
        assert_eq!(patched.app_profile, snapshot().app_profile);
    }

    #[test]
    fn immutable_and_read_only_fields_are_refused_with_pointers() {
        let result = apply_patch(
            &snapshot(),
            &json!({"app_profile": {"http_port": 8080, "mode": "setup"}}),
        );
        assert_eq!(
            pointers(result),
            vec!["/app_profile/http_port", "/app_profile/mode"]
        );
    }

    #[test]
    fn unchanged_immutable_value_is_accepted() {
        let result = apply_patch(&snapshot(), &json!({"app_profile": {"http_port": 7070}}));
        assert!(matches!(result, Ok(ref p) if p.changed.is_empty()));
    }

    #[test]
    fn every_bad_field_is_reported() {
        let result = apply_patch(
            &snapshot(),
            &json!({
                "engine_profile": {"listen_port": "x", "max_active": 0, "bogus": 1},
                "fs_policy": {"chmod_file": "999", "allow_paths": ["relative"]},
                "nope": {}
            }),
        );
        let mut found = pointers(result);
        found.sort();
        assert_eq!(
            found,
            vec![
                "/engine_profile/bogus",
                "/engine_profile/listen_port",
                "/fs_policy/allow_paths/0",
                "/fs_policy/chmod_file",
                "/nope",
            ]
        );
    }

    #[test]
    fn range_checks_run_after_types_pass() {
        let result = apply_patch(
            &snapshot(),
            &json!({"engine_profile": {"max_active": 0}, "fs_policy": {"chmod_file": "999", "allow_paths": ["relative"]}}),
        );
        let mut found = pointers(result);
        found.sort();
        assert_eq!(
            found,
            vec![
                "/engine_profile/max_active",
                "/fs_policy/allow_paths/0",
                "/fs_policy/chmod_file"
            ]
        );
    }

    #[test]
    fn non_object_patch_is_refused() {
        assert_eq!(pointers(apply_patch(&snapshot(), &json!([1]))), vec![""]);
        assert_eq!(
            pointers(apply_patch(&snapshot(), &json!({"fs_policy": 3}))),
            vec!["/fs_policy"]
        );
    }
}
