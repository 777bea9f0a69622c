//! `revaer status --follow` and `add --wait` over a real download on
//! loopback: the progress follows `/v1/events` and the command exits 0 when
//! the torrent completes.

mod support;

use libtorrent_sys::testing::Seeder;
use revaer_domain::torrent::{TorrentDetail, TorrentId};
use revaer_messages::engine::ConnectPeer;
use std::time::Duration;
use support::tail::Running;
use support::{command, expect, Server, TestResult, WAIT};

/// Dials the seeder now and then until the follower exits: a dial may race
/// the resume, and without trackers a refused dial is not retried.
async fn dial_until_exit(
    server: &Server,
    id: &TorrentId,
    seeder: &Seeder,
    follower: &mut Running,
) -> Result<i32, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(code) = follower.exited()? {
            return Ok(code);
        }
        let dial = ConnectPeer {
            id: id.clone(),
            peer: seeder.addr(),
        };
        let _ = server.running()?.engine.send(dial).await;
        if tokio::time::Instant::now() > deadline {
            return Err(format!("no completion; stderr: {}", follower.stderr_so_far()).into());
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[actix_rt::test]
async fn status_follow_exits_0_when_a_loopback_download_completes() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let seed_dir = tempfile::tempdir()?;
    let seeder = Seeder::start(
        seed_dir.path(),
        &[("big.bin", 3_000_000), ("small.txt", 1_000)],
        11,
    )?;
    let file = seed_dir.path().join("payload.torrent");
    std::fs::write(&file, &seeder.torrent)?;
    let run = expect(
        &server,
        &key,
        &["add", "--paused", &file.to_string_lossy()],
        0,
    )
    .await?;
    let id = TorrentId::parse(&seeder.id)?;
    assert!(run.stdout.contains(id.as_str()), "{}", run.stdout);

    let mut follow = command(&[
        "--url",
        &server.url(),
        "status",
        &id.as_str()[..10],
        "--follow",
    ]);
    follow.env("REVAER_API_KEY", &key);
    let mut follower = Running::spawn(follow)?;
    server.wait_for_subscribers(1).await?;
    expect(&server, &key, &["resume", id.as_str()], 0).await?;
    let code = dial_until_exit(&server, &id, &seeder, &mut follower).await?;
    let (_, out) = follower.wait_exit().await?;
    assert_eq!(
        code,
        0,
        "stdout {out:?}; stderr {}",
        follower.stderr_so_far()
    );
    assert_eq!(out, vec![format!("completed: {id}  payload")]);

    let detail: TorrentDetail = serde_json::from_str(
        &expect(&server, &key, &["status", id.as_str(), "-o", "json"], 0)
            .await?
            .stdout,
    )?;
    assert_eq!(detail.summary.progress, 1.0);
    let got = std::fs::read(server.downloads().join("payload/big.bin"))?;
    assert!(
        got == std::fs::read(seeder.payload.join("big.bin"))?,
        "downloaded intact"
    );

    // Following a complete torrent ends at once, with its detail in JSON.
    let run = expect(
        &server,
        &key,
        &["status", id.as_str(), "--follow", "-o", "json"],
        0,
    )
    .await?;
    let done: TorrentDetail = serde_json::from_str(run.stdout.trim())?;
    assert!(done.summary.completed_at.is_some());
    Ok(())
}

#[actix_rt::test]
async fn add_wait_follows_the_added_torrent_to_completion() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let seed_dir = tempfile::tempdir()?;
    let seeder = Seeder::start(seed_dir.path(), &[("a.bin", 1_500_000)], 5)?;
    let file = seed_dir.path().join("payload.torrent");
    std::fs::write(&file, &seeder.torrent)?;
    let id = TorrentId::parse(&seeder.id)?;

    let mut add = command(&[
        "--url",
        &server.url(),
        "add",
        &file.to_string_lossy(),
        "--wait",
    ]);
    add.env("REVAER_API_KEY", &key);
    let mut waiter = Running::spawn(add)?;
    assert_eq!(waiter.line().await?, format!("added {id}  payload"));
    let code = dial_until_exit(&server, &id, &seeder, &mut waiter).await?;
    let (_, out) = waiter.wait_exit().await?;
    assert_eq!((code, out), (0, vec![format!("completed: {id}  payload")]));
    Ok(())
}
