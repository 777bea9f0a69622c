//! Rules each configuration section must satisfy, field by field, whether
//! the section came from a PATCH, the setup flow or the database. Every
//! broken rule is one `InvalidParam` with the field's JSON pointer.

use std::net::IpAddr;

use super::escape;
use crate::config::{AppProfile, EngineProfile, FsPolicy};
use crate::rules::text::{has_control, refuse_control};
use crate::InvalidParam;

/// Longest feature flag name, in characters.
const MAX_FEATURE_NAME: usize = 64;

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
    check_share_limits(&mut errors, engine);
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

/// Share limits: `null` (none) or a value in range.
fn check_share_limits(errors: &mut Vec<InvalidParam>, engine: &EngineProfile) {
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
