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
