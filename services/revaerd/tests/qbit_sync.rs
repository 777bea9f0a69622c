//! qBittorrent facade `sync/maindata` and `transfer/*` over HTTP: a full
//! update, then deltas with only what changed (torrents added, changed
//! fields, removed; categories and tags added and removed), a full update
//! again for an unknown `rid`; global rates and limits.

mod support;

use serde_json::Value;
use std::time::Duration;
use support::qbit::{json, plain};
use support::torrents::{magnet, make_torrent, TorrentServer, WAIT};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

async fn maindata(t: &TorrentServer, rid: u64) -> Result<Value, Error> {
    json(
        t.server
            .qbit_get(&format!("sync/maindata?rid={rid}"), &t.qbit())
            .await?,
    )
    .await
}

/// Polls until a delta satisfies `done`; returns it (the last rid is in it).
async fn poll_until(
    t: &TorrentServer,
    rid: &mut u64,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Result<Value, Error> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let delta = maindata(t, *rid).await?;
        assert_ne!(
            delta["full_update"], true,
            "{what}: a known rid gets a delta: {delta}"
        );
        *rid = delta["rid"].as_u64().ok_or("rid")?;
        if done(&delta) {
            return Ok(delta);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}; last {delta}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn maindata_sends_a_full_update_then_only_changes() -> TestResult {
    let t = TorrentServer::start().await?;
    let full = maindata(&t, 0).await?;
    assert_eq!(full["full_update"], true);
    assert_eq!(full["torrents"], serde_json::json!({}));
    for key in [
        "dl_info_speed",
        "up_info_speed",
        "dl_info_data",
        "up_info_data",
        "connection_status",
        "dht_nodes",
        "free_space_on_disk",
    ] {
        assert!(full["server_state"].get(key).is_some(), "{key} in {full}");
    }
    assert_eq!(full["server_state"]["connection_status"], "connected");
    let mut rid = full["rid"].as_u64().ok_or("rid")?;

    let res = t
        .server
        .qbit_post(
            "torrents/add",
            &t.qbit(),
            &[("urls", &magnet(5, "Delta")), ("paused", "true")],
        )
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    let hash = format!("{:040x}", 5);
    let added = poll_until(&t, &mut rid, "the new torrent", |d| {
        d["torrents"].get(&hash).is_some()
    })
    .await?;
    let object = &added["torrents"][&hash];
    assert_eq!(object["name"], "Delta");
    assert!(
        object.get("state").is_some() && object.get("hash").is_none(),
        "whole object, keyed by hash: {object}"
    );
    poll_until(&t, &mut rid, "a quiet delta", |d| {
        d.get("torrents").is_none()
    })
    .await?;

    t.qbit_ok("torrents/createCategory", &[("category", "tv")])
        .await?;
    t.qbit_ok(
        "torrents/setCategory",
        &[("hashes", &hash), ("category", "tv")],
    )
    .await?;
    t.qbit_ok("torrents/createTags", &[("tags", "hd")]).await?;
    let changed = poll_until(&t, &mut rid, "category and tag", |d| {
        d["torrents"][&hash]["category"] == "tv" && d["tags"] == serde_json::json!(["hd"])
    })
    .await?;
    assert_eq!(
        changed["categories"]["tv"],
        serde_json::json!({"name": "tv", "savePath": ""})
    );
    assert!(
        changed["torrents"][&hash].get("name").is_none(),
        "unchanged fields are not sent: {changed}"
    );

    t.qbit_ok("torrents/removeCategories", &[("categories", "tv")])
        .await?;
    t.qbit_ok("torrents/deleteTags", &[("tags", "hd")]).await?;
    let removed = poll_until(&t, &mut rid, "label removals", |d| {
        d["categories_removed"] == serde_json::json!(["tv"])
            && d["tags_removed"] == serde_json::json!(["hd"])
    })
    .await?;
    assert!(removed.get("full_update").is_none());

    t.qbit_ok("torrents/delete", &[("hashes", &hash)]).await?;
    poll_until(&t, &mut rid, "the removal", |d| {
        d["torrents_removed"] == serde_json::json!([hash])
    })
    .await?;

    let again = maindata(&t, rid + 1000).await?;
    assert_eq!(
        again["full_update"], true,
        "an unknown rid gets a full update"
    );
    Ok(())
}

#[actix_rt::test]
async fn transfer_info_and_global_limits() -> TestResult {
    let t = TorrentServer::start().await?;
    let info = json(t.server.qbit_get("transfer/info", &t.qbit()).await?).await?;
    for key in [
        "dl_info_speed",
        "dl_info_data",
        "up_info_speed",
        "up_info_data",
        "dl_rate_limit",
        "up_rate_limit",
        "dht_nodes",
        "connection_status",
    ] {
        assert!(info.get(key).is_some(), "{key} in {info}");
    }
    t.qbit_ok("transfer/setDownloadLimit", &[("limit", "1048576")])
        .await?;
    t.qbit_ok("transfer/setUploadLimit", &[("limit", "-1")])
        .await?;
    let res = t
        .server
        .qbit_get("transfer/downloadLimit", &t.qbit())
        .await?;
    assert_eq!(plain(res, 200).await?, "1048576");
    let res = t.server.qbit_get("transfer/uploadLimit", &t.qbit()).await?;
    assert_eq!(plain(res, 200).await?, "0");
    let config: Value = t.get("/v1/config").await?.json().await?;
    assert_eq!(config["engine_profile"]["max_download_bps"], 1_048_576);
    let res = t
        .server
        .qbit_post("transfer/setDownloadLimit", &t.qbit(), &[("limit", "lots")])
        .await?;
    plain(res, 400).await?;
    Ok(())
}

#[actix_rt::test]
async fn an_idle_seeds_seeding_time_reaches_deltas_with_the_sweep() -> TestResult {
    let t = TorrentServer::start_with(|o| o.api.maindata_sweep = Duration::from_secs(1)).await?;
    // Seeding at once (data on disk, no check) and nobody to talk to: no
    // event would carry its seeding time for ~30 s.
    let torrent = make_torrent(&t.downloads(), "idle", &[("idle.mkv", 64 * 1024)], &[], 7)?;
    let hash = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    t.add_file(&torrent, &[("skip_checking", "true")]).await?;
    t.wait_detail(&hash, "seeding", |d| d["state"] == "seeding")
        .await?;
    // Past the events of the add (their seeding time is 0 or 1).
    tokio::time::sleep(Duration::from_secs(3)).await;
    let full = maindata(&t, 0).await?;
    let first = full["torrents"][&hash]["seeding_time"]
        .as_i64()
        .ok_or("seeding_time")?;
    let mut rid = full["rid"].as_u64().ok_or("rid")?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(12);
    loop {
        let delta = maindata(&t, rid).await?;
        rid = delta["rid"].as_u64().ok_or("rid")?;
        let seeding_time = delta["torrents"][&hash]["seeding_time"].as_i64();
        if seeding_time.is_some_and(|s| s > first) {
            // Only what changed: the state did not.
            assert!(delta["torrents"][&hash].get("state").is_none(), "{delta}");
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("seeding time stuck at {first}: {delta}").into());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}
