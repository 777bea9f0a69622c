//! Removing a torrent over HTTP stops its post-processing: no job keeps
//! running or failing, `fsops` health is ok again, and what an unfinished
//! job placed in the library goes with `delete_data` (a finished copy stays).

mod support;

use serde_json::json;
use std::path::PathBuf;
use std::time::Duration;
use support::sse::SseReader;
use support::torrents::{id_of, Seeder, TorrentServer, WAIT};
use support::TestResult;

/// Makes `extra/library` the library (copy mode) with `allow_paths`.
async fn use_library(
    t: &TorrentServer,
    allow: &[PathBuf],
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let library = t.extra().join("library");
    std::fs::create_dir_all(&library)?;
    let allow: Vec<String> = allow
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let patch = json!({"fs_policy": {
        "library_root": library.to_string_lossy(),
        "move_mode": "copy",
        "allow_paths": allow,
    }});
    let res = t.server.patch_json("/v1/config", &t.key, &patch).await?;
    assert_eq!(res.status(), 200, "fs_policy accepted");
    Ok(library)
}

/// Waits until `fsops` is healthy and the torrent has no job left to retry
/// (404) or a finished one (409); returns that status.
async fn wait_settled(t: &TorrentServer, id: &str) -> Result<u16, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let healthy = t
            .server
            .metric("revaer_component_healthy{component=\"fsops\"}")
            .await?;
        let retry = t
            .post(&format!("/v1/torrents/{id}/fsops/retry"), &json!({}))
            .await?;
        let status = retry.status().as_u16();
        if healthy == 1.0 && (status == 404 || status == 409) {
            return Ok(status);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("fsops never settled: healthy {healthy}, retry {status}").into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[actix_rt::test]
async fn removing_a_torrent_with_a_failed_job_clears_the_job_and_health() -> TestResult {
    let t = TorrentServer::start().await?;
    // The library is outside the allow-list: the job fails for good.
    let library = use_library(&t, &[t.downloads()]).await?;
    let seed_dir = tempfile::tempdir()?;
    let seeder = Seeder::start(seed_dir.path(), &[("episode.mkv", 300_000)], 81)?;
    let id = id_of(&t.add_file(&seeder.torrent, &[]).await?)?;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let _ = t.connect_peer(&id, seeder.addr()).await;
        if t.detail(&id).await?["fsops"]["status"] == "failed" {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the job never failed".into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    // The job's row is written before FsOps reports its health.
    let deadline = tokio::time::Instant::now() + WAIT;
    while t
        .server
        .metric("revaer_component_healthy{component=\"fsops\"}")
        .await?
        != 0.0
    {
        if tokio::time::Instant::now() > deadline {
            return Err("a failed job did not degrade fsops".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let res = t
        .delete(&format!("/v1/torrents/{id}?delete_data=true"))
        .await?;
    assert_eq!(res.status(), 204);
    assert_eq!(wait_settled(&t, &id).await?, 404, "the job is gone");
    assert!(!library.join("payload").exists());
    Ok(())
}

#[actix_rt::test]
async fn removing_a_torrent_while_its_job_runs_stops_it() -> TestResult {
    let t = TorrentServer::start().await?;
    let library = use_library(&t, &[t.downloads(), t.extra()]).await?;
    let stream = t
        .server
        .client
        .get(t.server.url("/v1/events?types=fsops_started"))
        .header("x-api-key", &t.key)
        .send()
        .await?;
    let mut events = SseReader::new(stream);
    let seed_dir = tempfile::tempdir()?;
    let files = [("a.bin", 6_000_000), ("b.bin", 6_000_000)];
    let seeder = Seeder::start(seed_dir.path(), &files, 82)?;
    let id = id_of(&t.add_file(&seeder.torrent, &[]).await?)?;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let _ = t.connect_peer(&id, seeder.addr()).await;
        if let Ok(Some(_)) = events.event(Duration::from_millis(300)).await {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the job never started".into());
        }
    }

    // Removed the moment its job starts.
    let res = t
        .delete(&format!("/v1/torrents/{id}?delete_data=true"))
        .await?;
    assert_eq!(res.status(), 204);
    let settled = wait_settled(&t, &id).await?;
    eprintln!("job settled with retry status {settled}");
    let destination = library.join("payload");
    assert!(
        !destination.join(".revaer.staging").exists(),
        "no staging area left"
    );
    if settled == 404 {
        // Stopped before it finished: what it placed went with the data.
        assert!(!destination.exists(), "an unfinished copy is removed");
    } else {
        // It had finished: the library copy stays.
        assert!(destination.exists(), "a finished copy stays");
    }
    Ok(())
}
