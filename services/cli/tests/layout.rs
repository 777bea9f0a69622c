//! `add --content-layout/--first-last-prio`, `first-last-prio on|off` and
//! `super-seed on|off` against a real server: the layout shows in the file
//! paths, the flags in the detail (`status`), and a bad value is a usage
//! error.

mod support;

use libtorrent_sys::testing::make_torrent;
use revaer_client::Client;
use revaer_domain::torrent::{TorrentId, TorrentSummary};
use std::time::{Duration, Instant};
use support::{expect, Server, TestResult};

const WAIT: Duration = Duration::from_secs(30);

fn first_last(summary: &TorrentSummary) -> bool {
    summary.first_last_piece_prio
}

fn super_seeding(summary: &TorrentSummary) -> bool {
    summary.super_seeding
}

/// Polls the detail until `flag` of its summary is `wanted`.
async fn wait_flag(
    client: &Client,
    id: &TorrentId,
    flag: fn(&TorrentSummary) -> bool,
    wanted: bool,
) -> TestResult {
    let deadline = Instant::now() + WAIT;
    while flag(&client.torrent(id).await?.summary) != wanted {
        if Instant::now() > deadline {
            return Err(format!("the flag never became {wanted}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[actix_rt::test]
async fn add_with_layout_and_first_last_then_toggle() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let client = server.client(Some(&key))?;
    let work = tempfile::tempdir()?;
    let files = [("movie.mkv", 40_000), ("extras/info.nfo", 300)];
    let torrent = make_torrent(work.path(), "pack", &files, &[], 41)?;
    let path = work.path().join("pack.torrent");
    std::fs::write(&path, torrent)?;
    let path = path.to_string_lossy().into_owned();
    let args = [
        "add",
        &path,
        "--content-layout",
        "no-subfolder",
        "--first-last-prio",
        "-o",
        "json",
    ];
    let run = expect(&server, &key, &args, 0).await?;
    let summary = serde_json::from_str::<TorrentSummary>(run.stdout.trim())?;
    assert!(summary.first_last_piece_prio);
    let id = summary.id;
    let detail = client.torrent(&id).await?;
    let paths: Vec<&str> = detail.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["extras/info.nfo", "movie.mkv"]);

    let prefix = &id.as_str()[..7];
    let run = expect(&server, &key, &["first-last-prio", "off", prefix], 0).await?;
    assert_eq!(
        run.stdout.trim(),
        format!("first/last piece priority off: {id}")
    );
    wait_flag(&client, &id, first_last, false).await?;
    let run = expect(
        &server,
        &key,
        &["first-last-prio", "on", prefix, "-o", "json"],
        0,
    )
    .await?;
    assert_eq!(run.stdout, "", "the action has no body");
    wait_flag(&client, &id, first_last, true).await?;
    expect(&server, &key, &["first-last-prio", "maybe", prefix], 2).await?;

    let run = expect(&server, &key, &["super-seed", "on", prefix], 0).await?;
    assert_eq!(run.stdout.trim(), format!("super seeding on: {id}"));
    wait_flag(&client, &id, super_seeding, true).await?;
    let run = expect(&server, &key, &["status", prefix], 0).await?;
    let shown = run.stdout.lines().find(|l| l.contains("super seeding"));
    assert!(shown.is_some_and(|l| l.ends_with("on")), "{}", run.stdout);
    expect(&server, &key, &["super-seed", "off", prefix], 0).await?;
    wait_flag(&client, &id, super_seeding, false).await?;
    expect(&server, &key, &["super-seed", "on"], 2).await?;
    expect(
        &server,
        &key,
        &["add", &path, "--content-layout", "flat"],
        2,
    )
    .await?;
    Ok(())
}
