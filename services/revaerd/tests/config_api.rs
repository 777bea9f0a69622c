//! `GET/PATCH /v1/config`: validation, immutable keys, revisions and
//! delivery through the watcher.

mod support;

use serde_json::{json, Value};
use support::{expect_problem, pointers, TestResult, TestServer};

#[actix_rt::test]
async fn a_patch_is_applied_and_seen_through_the_watcher() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let before: Value = server.get("/v1/config", &key).await?.json().await?;
    let revision = before["revision"].as_i64().ok_or("revision")?;

    let res = server
        .patch_json("/v1/config", &key, &json!({"engine_profile": {"max_download_bps": 5000, "dht": false, "peer_protocol": "tcp", "max_connections": 1200}, "fs_policy": {"extract": true}}))
        .await?;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await?;
    assert_eq!(body["revision"], revision + 1, "two sections, one revision");
    assert_eq!(body["changed"], json!(["engine_profile", "fs_policy"]));

    let after: Value = server.get("/v1/config", &key).await?.json().await?;
    assert_eq!(after["revision"], revision + 1);
    assert_eq!(after["engine_profile"]["max_download_bps"], 5000);
    assert_eq!(after["engine_profile"]["dht"], false);
    assert_eq!(after["engine_profile"]["peer_protocol"], "tcp");
    assert_eq!(after["engine_profile"]["max_connections"], 1200);
    assert_eq!(after["fs_policy"]["extract"], true);

    // A patch that changes nothing keeps the revision.
    let body: Value = server
        .patch_json("/v1/config", &key, &json!({"fs_policy": {"extract": true}}))
        .await?
        .json()
        .await?;
    assert_eq!(body["revision"], revision + 1);
    assert_eq!(body["changed"], json!([]));

    // The history names the key that made the change.
    let mut conn = server.db.connect()?;
    let history = revaer_schema::models::revision::history_since(&mut conn, revision)?;
    let (key_id, _) = key.split_once(':').ok_or("key")?;
    assert!(
        history
            .iter()
            .all(|row| row.actor == format!("api_key:{key_id}")),
        "{history:?}"
    );

    // And the change was published as an event by the watcher.
    let stats = server.running.hub.send(revaer_events::HubStats).await?;
    assert!(stats.buffered >= 1, "config_changed event published");
    Ok(())
}

#[actix_rt::test]
async fn immutable_and_invalid_fields_are_refused_with_pointers() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let initial: Value = server.get("/v1/config", &key).await?.json().await?;
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"app_profile": {"http_port": 8080, "bind_addr": "0.0.0.0"}}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec!["/app_profile/bind_addr", "/app_profile/http_port"]
    );

    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({
                "engine_profile": {"listen_port": 70000, "encryption": "sometimes", "peer_protocol": "pigeon", "unknown": 1},
                "fs_policy": {"move_mode": "teleport", "umask": "999"},
                "app_profile": {"mode": "setup"}
            }),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec![
            "/app_profile/mode",
            "/engine_profile/encryption",
            "/engine_profile/peer_protocol",
            "/engine_profile/unknown",
            "/fs_policy/move_mode",
        ]
    );

    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"engine_profile": {"listen_port": 70000, "max_connections": 1}, "fs_policy": {"umask": "999"}}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec![
            "/engine_profile/listen_port",
            "/engine_profile/max_connections",
            "/fs_policy/umask"
        ]
    );

    // Nothing was written by the refused patches.
    let config: Value = server.get("/v1/config", &key).await?.json().await?;
    assert_eq!(config["revision"], initial["revision"]);
    Ok(())
}

#[actix_rt::test]
async fn share_limits_are_set_validated_and_cleared() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"engine_profile": {"share_ratio_limit": 2.5, "share_time_limit_minutes": 1440, "share_limit_action": "remove"}}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let config: Value = server.get("/v1/config", &key).await?.json().await?;
    assert_eq!(config["engine_profile"]["share_ratio_limit"], 2.5);
    assert_eq!(config["engine_profile"]["share_time_limit_minutes"], 1440);
    assert_eq!(config["engine_profile"]["share_limit_action"], "remove");

    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"engine_profile": {"share_limit_action": "delete"}}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec!["/engine_profile/share_limit_action"]
    );
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"engine_profile": {"share_ratio_limit": -1, "share_time_limit_minutes": -5}}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec![
            "/engine_profile/share_ratio_limit",
            "/engine_profile/share_time_limit_minutes",
        ]
    );

    // null removes a limit (and is stored as such, not skipped).
    let res = server
        .patch_json(
            "/v1/config",
            &key,
            &json!({"engine_profile": {"share_ratio_limit": null}}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let config: Value = server.get("/v1/config", &key).await?.json().await?;
    assert_eq!(config["engine_profile"]["share_ratio_limit"], Value::Null);
    assert_eq!(config["engine_profile"]["share_time_limit_minutes"], 1440);
    Ok(())
}
