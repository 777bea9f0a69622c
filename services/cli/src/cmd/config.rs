//! `revaer config get|set|patch`.
//!
//! `set` values are JSON when they parse as JSON (`5`, `true`, `null`,
//! `["/a"]`) and strings otherwise (`/srv/x`), so the common cases need no
//! quoting; `null` clears a nullable field. The server validates the whole
//! patch and names every bad field (exit 2 with its pointer).

use revaer_client::Client;
use serde_json::{Map, Value};
use std::io::Read;

use crate::args::ConfigCommand;
use crate::exit::CliError;
use crate::output::{line, Out};

/// Runs a config command.
pub async fn run(client: &Client, command: ConfigCommand, out: Out) -> Result<(), CliError> {
    match command {
        ConfigCommand::Get { path } => get(client, path.as_deref(), out).await,
        ConfigCommand::Set { assignments } => {
            let patch = patch_of(&assignments)?;
            apply(client, &patch, out).await
        }
        ConfigCommand::Patch { file } => {
            let patch = read_patch(&file)?;
            apply(client, &patch, out).await
        }
    }
}

async fn get(client: &Client, path: Option<&str>, out: Out) -> Result<(), CliError> {
    let snapshot = client.config().await?;
    let Some(path) = path else {
        if !out.human() {
            return out.json(&snapshot);
        }
        let value = to_value(&snapshot)?;
        print_fields("", &value);
        return Ok(());
    };
    let value = to_value(&snapshot)?;
    let selected = select(&value, path)?;
    match (out.human(), selected) {
        (false, selected) => out.json(selected),
        (true, Value::Object(_)) => {
            print_fields(path, selected);
            Ok(())
        }
        (true, Value::String(text)) => {
            line(text);
            Ok(())
        }
        (true, other) => {
            line(&other.to_string());
            Ok(())
        }
    }
}

fn to_value(snapshot: &impl serde::Serialize) -> Result<Value, CliError> {
    serde_json::to_value(snapshot)
        .map_err(|err| CliError::Runtime(format!("cannot encode the configuration: {err}")))
}

/// The value at `SECTION` or `SECTION.FIELD`.
fn select<'v>(value: &'v Value, path: &str) -> Result<&'v Value, CliError> {
    let mut current = value;
    for part in path.split('.') {
        current = match current.get(part) {
            Some(next) => next,
            None => {
                let known: Vec<&str> = current
                    .as_object()
                    .map(|o| o.keys().map(String::as_str).collect())
                    .unwrap_or_default();
                return Err(CliError::Usage(format!(
                    "no `{part}` in the configuration at `{path}`; known here: {}",
                    known.join(", ")
                )));
            }
        };
    }
    Ok(current)
}

/// `prefix.field = value` lines, nested objects flattened.
fn print_fields(prefix: &str, value: &Value) {
    match value.as_object() {
        Some(fields) => {
            for (name, field) in fields {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                match field {
                    Value::Object(_) => print_fields(&path, field),
                    other => {
                        line(&format!("{path} = {other}"));
                    }
                }
            }
        }
        None => {
            line(&format!("{prefix} = {value}"));
        }
    }
}

/// `{section: {field: value}}` from `SECTION.FIELD=VALUE` assignments.
fn patch_of(assignments: &[String]) -> Result<Value, CliError> {
    let mut patch = Map::new();
    for assignment in assignments {
        let usage = || {
            CliError::Usage(format!(
                "`{assignment}` is not SECTION.FIELD=VALUE (e.g. engine_profile.max_active=5)"
            ))
        };
        let (path, raw) = assignment.split_once('=').ok_or_else(usage)?;
        let (section, field) = path.trim().split_once('.').ok_or_else(usage)?;
        if section.is_empty() || field.is_empty() || field.contains('.') {
            return Err(usage());
        }
        let value = serde_json::from_str(raw).unwrap_or_else(|_| Value::String(raw.to_string()));
        let entry = patch
            .entry(section.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(fields) = entry {
            fields.insert(field.to_string(), value);
        }
    }
    Ok(Value::Object(patch))
}

fn read_patch(file: &str) -> Result<Value, CliError> {
    let mut text = String::new();
    let read = if file == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|err| CliError::Usage(format!("cannot read {file}: {err}")))?;
    serde_json::from_str(&text).map_err(|err| CliError::Usage(format!("{file} is not JSON: {err}")))
}

async fn apply(client: &Client, patch: &Value, out: Out) -> Result<(), CliError> {
    let done = client.patch_config(patch).await?;
    if !out.human() {
        return out.json(&done);
    }
    if done.changed.is_empty() {
        line(&format!(
            "nothing changed (settings revision {})",
            done.revision
        ));
    } else {
        line(&format!(
            "settings revision {}; changed: {}",
            done.revision,
            done.changed.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_become_a_sectioned_patch() -> Result<(), CliError> {
        let patch = patch_of(&[
            "engine_profile.max_active=5".into(),
            "engine_profile.download_root=/srv/dl".into(),
            "engine_profile.share_ratio_limit=null".into(),
            "fs_policy.allow_paths=[\"/a\"]".into(),
        ])?;
        assert_eq!(
            patch,
            serde_json::json!({
                "engine_profile": {"max_active": 5, "download_root": "/srv/dl", "share_ratio_limit": null},
                "fs_policy": {"allow_paths": ["/a"]}
            })
        );
        for bad in [
            "max_active=5",
            "engine_profile.max_active",
            "a.b.c=1",
            ".x=1",
        ] {
            assert!(patch_of(&[bad.into()]).is_err(), "{bad}");
        }
        Ok(())
    }
}
