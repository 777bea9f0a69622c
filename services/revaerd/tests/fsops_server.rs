//! Post-processing through the running server: a torrent added over HTTP
//! downloads on loopback, and its payload lands in the library as the
//! filesystem policy says, visible in the torrent detail, as SSE events and
//! as Prometheus metrics.

mod support;

use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;
use support::sse::SseReader;
use support::torrents::{id_of, Seeder, TorrentServer, WAIT};
use support::TestResult;

#[actix_rt::test]
async fn a_completed_download_lands_in_the_library() -> TestResult {
    let t = TorrentServer::start().await?;
    let library = t.extra().join("library");
    std::fs::create_dir_all(&library)?;
    let res = t
        .server
        .patch_json(
            "/v1/config",
            &t.key,
            &json!({"fs_policy": {
                "library_root": library.to_string_lossy(),
                "allow_paths": [t.downloads().to_string_lossy(), t.extra().to_string_lossy()],
                "move_mode": "copy",
                "chmod_file": "640",
                "chmod_dir": "750",
            }}),
        )
        .await?;
    assert_eq!(res.status(), 200, "fs_policy accepted");

    let stream = t
        .server
        .client
        .get(
            t.server
                .url("/v1/events?types=fsops_started,fsops_step,fsops_completed,fsops_failed"),
        )
        .header("x-api-key", &t.key)
        .send()
        .await?;
    assert_eq!(stream.status(), 200);
    let mut events = SseReader::new(stream);

    let seed_dir = tempfile::tempdir()?;
    let files = [("video.mkv", 400_000), ("sub.srt", 7_000)];
    let seeder = Seeder::start(seed_dir.path(), &files, 77)?;
    let summary = t
        .add_file(&seeder.torrent, &[("category", "films")])
        .await?;
    let id = id_of(&summary)?;

    let deadline = tokio::time::Instant::now() + WAIT;
    let detail = loop {
        let _ = t.connect_peer(&id, seeder.addr()).await;
        let detail = t.detail(&id).await?;
        if detail["fsops"]["status"] == "done" || detail["fsops"]["status"] == "failed" {
            break detail;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("post-processing did not finish; last detail {detail}").into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert_eq!(detail["fsops"]["status"], "done", "{detail}");
    let destination = library.join("films").join("payload");
    assert_eq!(
        detail["fsops"]["destination"],
        destination.to_string_lossy().as_ref()
    );
    for (rel, _) in &files {
        let copied = destination.join(rel);
        assert!(
            std::fs::read(&copied)? == std::fs::read(seeder.payload.join(rel))?,
            "{rel} copied intact"
        );
        let mode = std::fs::metadata(&copied)?.permissions().mode() & 0o777;
        assert_eq!(mode, 0o640, "{rel} has the policy's file mode");
    }
    assert!(
        destination.join(".revaer.meta").exists(),
        "the job left its record"
    );
    // Copy mode leaves the download in place, so the torrent keeps seeding.
    assert!(t.downloads().join("payload/video.mkv").exists());

    let mut seen = Vec::new();
    while !seen.iter().any(|e: &String| e == "fsops_completed") {
        let frame = events
            .event(Duration::from_secs(20))
            .await?
            .ok_or("event stream ended")?;
        if let Some(name) = frame.event {
            seen.push(name);
        }
    }
    assert_eq!(
        seen.first().map(String::as_str),
        Some("fsops_started"),
        "{seen:?}"
    );
    assert!(seen.iter().any(|e| e == "fsops_step"), "{seen:?}");

    let metrics = t
        .server
        .client
        .get(t.server.url("/metrics"))
        .send()
        .await?
        .text()
        .await?;
    assert!(
        metrics
            .lines()
            .any(|l| l.starts_with("fsops_jobs{status=\"done\"} 1")),
        "fsops_jobs gauge shows the finished job"
    );
    assert!(
        metrics.contains("fsops_steps_total{"),
        "step counters exported"
    );
    Ok(())
}
