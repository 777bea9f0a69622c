//! A real download over loopback through a torrent added over HTTP, with
//! a file deselected through `POST /v1/torrents/{id}/select` beforehand.
//! The seeder is a libtorrent session on 127.0.0.1; the engine is told to
//! dial it directly (no tracker, DHT or LSD).

mod support;

use serde_json::json;
use std::time::Duration;
use support::torrents::{id_of, Seeder, TorrentServer, WAIT};
use support::TestResult;

#[actix_rt::test]
async fn an_api_added_torrent_downloads_its_selected_files_over_loopback() -> TestResult {
    let t = TorrentServer::start().await?;
    let seed_dir = tempfile::tempdir()?;
    let files = [
        ("video.mkv", 300_000),
        ("extra/info.nfo", 20_000),
        ("sub.srt", 5_000),
    ];
    let seeder = Seeder::start(seed_dir.path(), &files, 42)?;
    let summary = t
        .add_file(
            &seeder.torrent,
            &[("paused", "true"), ("category", "films")],
        )
        .await?;
    let id = id_of(&summary)?;

    let detail = t.detail(&id).await?;
    let paths: Vec<String> = detail["files"]
        .as_array()
        .ok_or("files")?
        .iter()
        .filter_map(|f| f["path"].as_str().map(str::to_string))
        .collect();
    let nfo = paths
        .iter()
        .position(|p| p.ends_with("info.nfo"))
        .ok_or("nfo file listed")?;
    let res = t
        .post(
            &format!("/v1/torrents/{id}/select"),
            &json!({"rules": [{"glob": "*.NFO", "priority": 0}]}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let selected: serde_json::Value = res.json().await?;
    assert_eq!(selected["files"][nfo]["priority"], 0);
    assert_eq!(selected["files"][nfo]["selected"], false);
    t.wait_detail(&id, "nfo deselected", |d| d["files"][nfo]["priority"] == 0)
        .await?;

    let res = t
        .post(
            &format!("/v1/torrents/{id}/action"),
            &json!({"action": "resume"}),
        )
        .await?;
    assert_eq!(res.status(), 204);
    // Dial the seeder now and then until done: the first dial may race the
    // resume, and a refused dial is not retried by itself without trackers.
    let deadline = tokio::time::Instant::now() + WAIT;
    let done = loop {
        let _ = t.connect_peer(&id, seeder.addr()).await;
        let detail = t.detail(&id).await?;
        if detail["state"] == "seeding" && detail["progress"] == 1.0 {
            break detail;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("no completion; last detail {detail}").into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(done["completed_at"].is_string(), "completed_at set: {done}");
    assert_eq!(done["files"][nfo]["progress"], 0.0);
    let downloads = t.downloads().join("payload");
    for (rel, _) in files.iter().filter(|(rel, _)| !rel.ends_with(".nfo")) {
        let got = std::fs::read(downloads.join(rel))?;
        let want = std::fs::read(seeder.payload.join(rel))?;
        assert!(got == want, "{rel} downloaded intact");
    }
    let nfo_path = downloads.join("extra/info.nfo");
    let nfo_data = std::fs::read(&nfo_path).unwrap_or_default();
    assert!(
        nfo_data != std::fs::read(seeder.payload.join("extra/info.nfo"))?,
        "the deselected file was not downloaded"
    );
    Ok(())
}
