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

use crate::config::{AppProfile, ConfigSnapshot, EngineProfile, FsPolicy};
use crate::InvalidParam;

mod validate;

pub use validate::{
    check_absolute, max_mode, parse_octal, validate_app_profile, validate_engine_profile,
    validate_fs_policy,
};

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

#[cfg(test)]
mod tests;
