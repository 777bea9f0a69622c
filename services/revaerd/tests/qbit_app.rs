//! qBittorrent facade `app/*` over HTTP: versions, build info, preferences
//! read from the configuration and written through the config patch.

mod support;

use serde_json::Value;
use support::qbit::{json, plain, Auth};
use support::{TestResult, TestServer};

#[actix_rt::test]
async fn build_info_and_default_save_path() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let auth = Auth::Bearer(key);
    let info = json(server.qbit_get("app/buildInfo", &auth).await?).await?;
    for field in ["qt", "libtorrent", "boost", "openssl", "bitness"] {
        assert!(info.get(field).is_some(), "{field} in {info}");
    }
    let res = server.qbit_get("app/defaultSavePath", &auth).await?;
    assert_eq!(plain(res, 200).await?, "/srv/revaer-test/downloads");
    Ok(())
}

#[actix_rt::test]
async fn preferences_mirror_the_configuration_both_ways() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let auth = Auth::Bearer(key.clone());
    let prefs = json(server.qbit_get("app/preferences", &auth).await?).await?;
    assert_eq!(prefs["save_path"], "/srv/revaer-test/downloads");
    assert_eq!(prefs["max_ratio_enabled"], false);
    assert_eq!(prefs["max_ratio_act"], 0);
    assert_eq!(prefs["queueing_enabled"], true);
    assert_eq!(prefs["dht"], false, "the test database has DHT off");

    let body = r#"{"max_ratio_enabled": true, "max_ratio": 1.5, "max_seeding_time_enabled": true,
        "max_seeding_time": 90, "max_ratio_act": 1, "up_limit": 50000}"#;
    let res = server
        .qbit_post("app/setPreferences", &auth, &[("json", body)])
        .await?;
    assert_eq!(plain(res, 200).await?, "");
    let config: Value = server.get("/v1/config", &key).await?.json().await?;
    let engine = &config["engine_profile"];
    assert_eq!(engine["share_ratio_limit"], 1.5);
    assert_eq!(engine["share_time_limit_minutes"], 90);
    assert_eq!(engine["share_limit_action"], "remove");
    assert_eq!(engine["max_upload_bps"], 50000);
    let prefs = json(server.qbit_get("app/preferences", &auth).await?).await?;
    assert_eq!(
        (
            prefs["max_ratio_enabled"].clone(),
            prefs["max_ratio_act"].clone()
        ),
        (Value::Bool(true), Value::from(1))
    );

    // 3: remove with the files, 2: super seeding, each stored through the
    // real configuration and read back.
    for (act, stored) in [(3, "remove_with_data"), (2, "super_seed")] {
        let body = format!(r#"{{"max_ratio_act": {act}}}"#);
        let res = server
            .qbit_post("app/setPreferences", &auth, &[("json", &body)])
            .await?;
        assert_eq!(plain(res, 200).await?, "");
        let config: Value = server.get("/v1/config", &key).await?.json().await?;
        assert_eq!(config["engine_profile"]["share_limit_action"], stored);
        let prefs = json(server.qbit_get("app/preferences", &auth).await?).await?;
        assert_eq!(prefs["max_ratio_act"], act);
    }

    // qBittorrent has no action 4.
    for bad in [r#"{"max_ratio_act": 4}"#, r#"{"dht": "on"}"#, "not json"] {
        let res = server
            .qbit_post("app/setPreferences", &auth, &[("json", bad)])
            .await?;
        plain(res, 400).await?;
    }
    let res = server
        .qbit_post(
            "app/setPreferences",
            &auth,
            &[("json", r#"{"max_ratio_enabled": true, "max_ratio": 99999}"#)],
        )
        .await?;
    let message = plain(res, 400).await?;
    assert!(message.contains("share_ratio_limit"), "{message}");
    Ok(())
}
