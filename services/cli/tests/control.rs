//! The commands that change a torrent (`select`, `limit`, `sequential`,
//! `recheck`, `reannounce`, `fsops retry`), `add --files`, and the retry of
//! a rate-limited request after its `Retry-After`.

mod support;

use libtorrent_sys::testing::make_torrent;
use revaer_domain::torrent::{TorrentDetail, TorrentLimits};
use std::time::{Duration, Instant};
use support::{expect, Server, TestResult};

fn detail(stdout: &str) -> Result<TorrentDetail, serde_json::Error> {
    serde_json::from_str(stdout.trim())
}

#[actix_rt::test]
async fn select_limit_sequential_recheck_reannounce_and_fsops_retry() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let client = server.client(Some(&key))?;
    let work = tempfile::tempdir()?;
    let files = [
        ("a/movie.mkv", 30_000),
        ("a/info.nfo", 200),
        ("a/sub.srt", 300),
    ];
    let torrent = make_torrent(work.path(), "pack", &files, &[], 3)?;
    let path = work.path().join("pack.torrent");
    std::fs::write(&path, torrent)?;
    let path = path.to_string_lossy().into_owned();

    // add --files: only the listed indices are wanted, from the start.
    let run = expect(
        &server,
        &key,
        &["add", &path, "--files", "0,2", "--paused", "-o", "json"],
        0,
    )
    .await?;
    let id = serde_json::from_str::<revaer_domain::torrent::TorrentSummary>(run.stdout.trim())?.id;
    let added = client.torrent(&id).await?;
    let wanted: Vec<bool> = added.files.iter().map(|f| f.selected).collect();
    assert_eq!(wanted, vec![true, false, true], "{:?}", added.files);
    let prefix = &id.as_str()[..7];

    // select: globs then indices; the reply is the detail with the new priorities.
    let run = expect(
        &server,
        &key,
        &[
            "select",
            prefix,
            "--include",
            "*",
            "--exclude",
            "*.SRT",
            "--priority",
            "0=7",
            "-o",
            "json",
        ],
        0,
    )
    .await?;
    let selected = detail(&run.stdout)?;
    let priorities: Vec<u8> = selected.files.iter().map(|f| f.priority).collect();
    assert_eq!(priorities, vec![7, 4, 0]);
    let table = expect(&server, &key, &["select", prefix, "--exclude", "*.nfo"], 0).await?;
    assert!(
        table.stdout.contains("Files (3):") && table.stdout.contains("skip"),
        "{}",
        table.stdout
    );
    let bad = expect(&server, &key, &["select", prefix, "--priority", "9=1"], 2).await?;
    assert!(bad.stderr.contains("/files/0/index"), "{}", bad.stderr);
    expect(&server, &key, &["select", prefix], 2).await?;

    // limit: set one side, the other keeps its value; without flags it shows them.
    expect(
        &server,
        &key,
        &["limit", prefix, "--down", "2M", "--up", "64K"],
        0,
    )
    .await?;
    let run = expect(
        &server,
        &key,
        &["limit", prefix, "--up", "0", "-o", "json"],
        0,
    )
    .await?;
    let limits: TorrentLimits = serde_json::from_str(run.stdout.trim())?;
    assert_eq!(limits.download_bps, Some(2 * 1024 * 1024));
    assert!(matches!(limits.upload_bps, Some(0) | None), "{limits:?}");
    let shown = expect(&server, &key, &["limit", prefix], 0).await?;
    assert!(
        shown.stdout.contains("down 2.0 MiB/s, up unlimited"),
        "{}",
        shown.stdout
    );

    expect(&server, &key, &["sequential", prefix, "on"], 0).await?;
    let deadline = Instant::now() + support::WAIT;
    while !client.torrent(&id).await?.summary.sequential {
        assert!(Instant::now() < deadline, "sequential never showed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    expect(&server, &key, &["sequential", prefix, "maybe"], 2).await?;
    let run = expect(&server, &key, &["recheck", prefix], 0).await?;
    assert_eq!(run.stdout.trim(), format!("recheck: {id}"));
    expect(&server, &key, &["reannounce", prefix], 0).await?;
    // Never completed, so no post-processing job: the API's 404.
    let run = expect(&server, &key, &["fsops", "retry", prefix], 5).await?;
    assert!(run.stderr.contains("post-processing job"), "{}", run.stderr);
    Ok(())
}

#[actix_rt::test]
async fn a_rate_limited_request_is_sent_again_after_retry_after() -> TestResult {
    let (server, admin) = Server::start_active().await?;
    let run = expect(
        &server,
        &admin,
        &["keys", "add", "slow", "--burst", "1", "--per-seconds", "6"],
        0,
    )
    .await?;
    let slow = run.stdout.trim().to_string();
    expect(&server, &slow, &["ls"], 0).await?;
    let started = Instant::now();
    // The bucket is empty (one token per 6 s, so a slow machine cannot
    // refill it between the two commands): the server answers 429 with
    // Retry-After, the CLI waits that long and succeeds on a later attempt.
    expect(&server, &slow, &["ls", "-o", "json"], 0).await?;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    Ok(())
}
