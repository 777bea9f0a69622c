//! qBittorrent facade lifecycle and settings endpoints over HTTP: each
//! changes what `/v1` shows, unknown hashes are skipped, a queue priority
//! leaves a seeding torrent where it is (see qbit_queue.rs for the queue).

mod support;

use serde_json::Value;
use std::time::Duration;
use support::qbit::{json, plain};
use support::torrents::{make_torrent, TorrentServer, WAIT};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

/// A torrent whose data is already in the download root (it checks, then
/// seeds); returns its hash once it seeds.
async fn seeding(t: &TorrentServer, name: &str) -> Result<String, Error> {
    let files = [("a.mkv", 40_000), ("b/c.nfo", 300)];
    let torrent = make_torrent(&t.downloads(), name, &files, &[], 3)?;
    let hash = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), &[], &[torrent])
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    t.qbit_wait(&hash, "seeding", |v| {
        v["state"] == "stalledUP" || v["state"] == "uploading"
    })
    .await?;
    Ok(hash)
}

#[actix_rt::test]
async fn stop_start_limits_and_rename_show_in_both_faces() -> TestResult {
    let t = TorrentServer::start().await?;
    let hash = seeding(&t, "Life").await?;
    let unknown = "e".repeat(40);
    assert_eq!(
        t.qbit_ok("torrents/stop", &[("hashes", &format!("{hash}|{unknown}"))])
            .await?,
        ""
    );
    t.qbit_wait(&hash, "stoppedUP", |v| v["state"] == "stoppedUP")
        .await?;
    assert_eq!(
        t.qbit_ok("torrents/resume", &[("hashes", "all")]).await?,
        ""
    );
    t.qbit_wait(&hash, "seeding again", |v| {
        v["state"] == "stalledUP" || v["state"] == "uploading"
    })
    .await?;
    assert_eq!(
        t.qbit_ok("torrents/pause", &[("hashes", &hash)]).await?,
        "",
        "the pre-2.11 name"
    );
    t.qbit_wait(&hash, "stoppedUP", |v| v["state"] == "stoppedUP")
        .await?;
    t.qbit_ok("torrents/start", &[("hashes", &hash)]).await?;

    t.qbit_ok(
        "torrents/setShareLimits",
        &[
            ("hashes", &hash),
            ("ratioLimit", "2.5"),
            ("seedingTimeLimit", "-1"),
            ("inactiveSeedingTimeLimit", "30"),
        ],
    )
    .await?;
    t.qbit_ok(
        "torrents/setUploadLimit",
        &[("hashes", &hash), ("limit", "65536")],
    )
    .await?;
    t.qbit_ok("torrents/rename", &[("hash", &hash), ("name", "Renamed")])
        .await?;
    let info = t.qbit_torrent(&hash).await?;
    assert_eq!(
        (
            info["ratio_limit"].clone(),
            info["seeding_time_limit"].clone()
        ),
        (Value::from(2.5), Value::from(-1))
    );
    assert_eq!(info["inactive_seeding_time_limit"], 30);
    assert_eq!(info["max_ratio"], 2.5);
    assert_eq!(info["max_seeding_time"], -1);
    assert_eq!(
        (info["up_limit"].clone(), info["dl_limit"].clone()),
        (Value::from(65536), Value::from(-1))
    );
    assert_eq!(info["name"], "Renamed");
    let limits = json(
        t.server
            .qbit_post("torrents/uploadLimit", &t.qbit(), &[("hashes", &hash)])
            .await?,
    )
    .await?;
    assert_eq!(limits[&hash], 65536);
    let detail = t.detail(&hash).await?;
    assert_eq!(
        detail["share_limits"],
        serde_json::json!({"ratio": 2.5, "seeding_minutes": "none", "inactive_minutes": 30.0})
    );
    assert_eq!(detail["limits"]["upload_bps"], 65536);
    assert_eq!(detail["name"], "Renamed");

    let res = t
        .server
        .qbit_post(
            "torrents/setShareLimits",
            &t.qbit(),
            &[
                ("hashes", &hash),
                ("ratioLimit", "-7.5"),
                ("seedingTimeLimit", "99999999"),
            ],
        )
        .await?;
    plain(res, 400).await?;
    // Seeding, it has no place in the download queue: topPrio (queueing is
    // on by default) moves nothing and `priority` stays 0, as qBittorrent.
    assert_eq!(
        t.qbit_ok("torrents/topPrio", &[("hashes", &hash)]).await?,
        ""
    );
    assert_eq!(t.qbit_torrent(&hash).await?["priority"], 0);
    let res = t
        .server
        .qbit_post(
            "torrents/rename",
            &t.qbit(),
            &[("hash", &hash), ("name", "")],
        )
        .await?;
    plain(res, 409).await?;
    let res = t
        .server
        .qbit_post(
            "torrents/rename",
            &t.qbit(),
            &[("hash", &unknown), ("name", "x")],
        )
        .await?;
    plain(res, 404).await?;
    Ok(())
}

#[actix_rt::test]
async fn file_priorities_location_and_delete_with_files() -> TestResult {
    let t = TorrentServer::start().await?;
    let hash = seeding(&t, "Files").await?;
    t.qbit_ok(
        "torrents/filePrio",
        &[("hash", &hash), ("id", "1"), ("priority", "0")],
    )
    .await?;
    let files = json(
        t.server
            .qbit_get(&format!("torrents/files?hash={hash}"), &t.qbit())
            .await?,
    )
    .await?;
    assert_eq!(files[1]["priority"], 0);
    assert_eq!(files[0]["priority"], 1);
    let res = t
        .server
        .qbit_post(
            "torrents/filePrio",
            &t.qbit(),
            &[("hash", &hash), ("id", "0"), ("priority", "3")],
        )
        .await?;
    plain(res, 400).await?;
    let res = t
        .server
        .qbit_post(
            "torrents/filePrio",
            &t.qbit(),
            &[("hash", &hash), ("id", "9"), ("priority", "1")],
        )
        .await?;
    plain(res, 409).await?;

    for location in ["/etc", "relative/dir", ""] {
        let res = t
            .server
            .qbit_post(
                "torrents/setLocation",
                &t.qbit(),
                &[("hashes", &hash), ("location", location)],
            )
            .await?;
        plain(res, 400).await?;
    }
    let extra = t.extra();
    let moved = t
        .qbit_ok(
            "torrents/setLocation",
            &[("hashes", &hash), ("location", &extra.to_string_lossy())],
        )
        .await?;
    assert_eq!(moved, "");
    let data = extra.join("Files");
    let info = t
        .qbit_wait(&hash, "the data to move", |info| {
            info["save_path"] == extra.to_string_lossy().as_ref()
                && info["content_path"] == data.to_string_lossy().as_ref()
        })
        .await?;
    assert_ne!(info["state"], "moving", "the move finished: {info}");
    let deadline = tokio::time::Instant::now() + WAIT;
    while !data.exists() || t.downloads().join("Files").exists() {
        if tokio::time::Instant::now() > deadline {
            return Err("the files did not move to the new location".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    t.qbit_ok(
        "torrents/delete",
        &[("hashes", &hash), ("deleteFiles", "True")],
    )
    .await?;
    assert!(t.qbit_info(&format!("?hashes={hash}")).await?.is_empty());
    let deadline = tokio::time::Instant::now() + WAIT;
    while data.exists() {
        if tokio::time::Instant::now() > deadline {
            return Err("data still on disk".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}
