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

/// Creates `extra/library` and makes it the library (copy mode) with
/// `policy` merged into the `fs_policy` patch; returns the library path.
async fn use_library(
    t: &TorrentServer,
    policy: serde_json::Value,
) -> Result<std::path::PathBuf, Box<dyn std::error::Error>> {
    let library = t.extra().join("library");
    std::fs::create_dir_all(&library)?;
    let mut fs_policy = json!({
        "library_root": library.to_string_lossy(),
        "move_mode": "copy",
    });
    if let (Some(base), Some(extra)) = (fs_policy.as_object_mut(), policy.as_object()) {
        base.extend(extra.clone());
    }
    let res = t
        .server
        .patch_json("/v1/config", &t.key, &json!({ "fs_policy": fs_policy }))
        .await?;
    assert_eq!(res.status(), 200, "fs_policy accepted");
    Ok(library)
}

#[actix_rt::test]
async fn a_completed_download_lands_in_the_library() -> TestResult {
    let t = TorrentServer::start().await?;
    let library = use_library(
        &t,
        json!({
            "allow_paths": [t.downloads().to_string_lossy(), t.extra().to_string_lossy()],
            "chmod_file": "640",
            "chmod_dir": "750",
        }),
    )
    .await?;

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
            .any(|l| l.starts_with("revaer_fsops_jobs{status=\"done\"} 1")),
        "revaer_fsops_jobs gauge shows the finished job"
    );
    assert!(
        metrics.contains("revaer_fsops_steps_total{"),
        "step counters exported"
    );
    Ok(())
}

/// Waits until the torrent's post-processing job reaches `status`,
/// re-dialling the seeder meanwhile (the download must finish first).
async fn wait_fsops(
    t: &TorrentServer,
    id: &str,
    seeder: &Seeder,
    status: &str,
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let _ = t.connect_peer(id, seeder.addr()).await;
        let detail = t.detail(id).await?;
        if detail["fsops"]["status"] == status {
            return Ok(detail);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("fsops never reached {status}; last detail {detail}").into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[actix_rt::test]
async fn a_failed_job_is_retried_over_http_after_the_policy_is_fixed() -> TestResult {
    let t = TorrentServer::start().await?;
    // The library is outside the allow-list: the job fails without retrying
    // (a refusal needs the operator, not another attempt).
    let library = use_library(
        &t,
        json!({"allow_paths": [t.downloads().to_string_lossy()]}),
    )
    .await?;

    let seed_dir = tempfile::tempdir()?;
    let files = [("episode.mkv", 300_000)];
    let seeder = Seeder::start(seed_dir.path(), &files, 78)?;
    let id = id_of(&t.add_file(&seeder.torrent, &[]).await?)?;
    let retry = format!("/v1/torrents/{id}/fsops/retry");

    let failed = wait_fsops(&t, &id, &seeder, "failed").await?;
    assert!(
        failed["fsops"]["error"]
            .as_str()
            .is_some_and(|e| !e.is_empty()),
        "the failure says why: {failed}"
    );
    assert!(!library.join("payload").exists());

    // The operator widens the allow-list and retries: the job is planned
    // again under the new policy and finishes.
    let res = t
        .server
        .patch_json(
            "/v1/config",
            &t.key,
            &json!({"fs_policy": {"allow_paths": [
                t.downloads().to_string_lossy(), t.extra().to_string_lossy()
            ]}}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let res = t.post(&retry, &json!({})).await?;
    assert_eq!(res.status(), 202, "retry accepted");
    let done = wait_fsops(&t, &id, &seeder, "done").await?;
    assert_eq!(
        done["fsops"]["destination"],
        library.join("payload").to_string_lossy().as_ref()
    );
    assert!(
        std::fs::read(library.join("payload/episode.mkv"))?
            == std::fs::read(seeder.payload.join("episode.mkv"))?,
        "copied intact"
    );

    // Nothing left to retry.
    let res = t.post(&retry, &json!({})).await?;
    assert_eq!(res.status(), 409);
    let problem: serde_json::Value = res.json().await?;
    assert_eq!(problem["type"], "urn:revaer:problem:fsops_already_done");
    assert_eq!(problem["torrent_id"], id.as_str());

    // A torrent without a job, and an id that names no torrent.
    let unknown = "c".repeat(40);
    let res = t
        .post(&format!("/v1/torrents/{unknown}/fsops/retry"), &json!({}))
        .await?;
    assert_eq!(res.status(), 404);
    let problem: serde_json::Value = res.json().await?;
    assert_eq!(problem["type"], "urn:revaer:problem:fsops_job_not_found");
    let res = t.post("/v1/torrents/nope/fsops/retry", &json!({})).await?;
    assert_eq!(res.status(), 404);
    Ok(())
}
