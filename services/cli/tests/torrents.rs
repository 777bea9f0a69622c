//! `revaer add`, `ls`, `status`, `pause`, `resume`, `rm` and prefix ids
//! against a real server: the CLI's JSON is the API's JSON, its tables show
//! what the API holds, and every exit code follows the contract.

mod support;

use libtorrent_sys::testing::make_torrent;
use revaer_domain::torrent::{TorrentDetail, TorrentId, TorrentState};
use revaer_wire::{ListParams, TorrentList};
use std::time::{Duration, Instant};
use support::{expect, Server, TestResult, WAIT};

fn magnet(hash: &str, name: &str) -> String {
    format!("magnet:?xt=urn:btih:{hash}&dn={name}")
}

/// Polls the detail until `done` holds.
async fn wait_state(
    server: &Server,
    key: &str,
    id: &TorrentId,
    done: impl Fn(&TorrentDetail) -> bool,
) -> Result<TorrentDetail, Box<dyn std::error::Error>> {
    let client = server.client(Some(key))?;
    let deadline = Instant::now() + WAIT;
    loop {
        let detail = client.torrent(id).await?;
        if done(&detail) {
            return Ok(detail);
        }
        if Instant::now() > deadline {
            return Err(format!("timed out; last state {:?}", detail.summary.state).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn add_list_status_pause_resume_and_remove() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let client = server.client(Some(&key))?;
    let work = tempfile::tempdir()?;
    let torrent = make_torrent(
        work.path(),
        "show",
        &[("ep1.mkv", 40_000), ("ep1.nfo", 100)],
        &[],
        7,
    )?;
    let file = work.path().join("show.torrent");
    std::fs::write(&file, &torrent)?;
    let file = file.to_string_lossy().into_owned();
    let hash = "c0ffee".repeat(6) + "c0ff";
    let link = magnet(&hash, "film");

    let run = expect(
        &server,
        &key,
        &[
            "add",
            &link,
            &file,
            "--category",
            "tv",
            "--tag",
            "a",
            "--tag",
            "b",
            "--paused",
        ],
        0,
    )
    .await?;
    let added: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(added.len(), 2, "{}", run.stdout);
    assert!(
        added[0].starts_with(&format!("added {hash}")),
        "{}",
        run.stdout
    );
    assert!(added[1].contains("show"), "{}", run.stdout);

    // ls -o json is exactly the API's list type and content.
    let run = expect(&server, &key, &["ls", "-o", "json"], 0).await?;
    let listed: TorrentList = serde_json::from_str(&run.stdout)?;
    assert_eq!(listed, client.list(&ListParams::default()).await?);
    assert_eq!(listed.items.len(), 2);
    let file_id = listed
        .items
        .iter()
        .find(|t| t.name == "show")
        .map(|t| t.id.clone())
        .ok_or("the uploaded torrent is listed")?;
    assert!(listed
        .items
        .iter()
        .all(|t| t.category.as_deref() == Some("tv")));
    assert!(listed.items.iter().all(|t| t.tags == ["a", "b"]));

    // The table shows both, aligned, with their states.
    let run = expect(&server, &key, &["ls"], 0).await?;
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(
        lines[0].contains("NAME") && lines[0].contains("STATE"),
        "{}",
        run.stdout
    );
    assert_eq!(lines.len(), 3, "{}", run.stdout);
    assert!(run.stdout.contains(&hash[..8]) && run.stdout.contains("show"));
    assert!(run.stdout.contains("paused"), "{}", run.stdout);
    let merged = expect(
        &server,
        &key,
        &["ls", "--all", "--limit", "1", "-o", "json"],
        0,
    )
    .await?;
    let merged: TorrentList = serde_json::from_str(&merged.stdout)?;
    assert_eq!((merged.items.len(), merged.next_cursor), (2, None));

    // status by prefix: the detail, as a table and as the API's JSON.
    let prefix = &file_id.as_str()[..8];
    let run = expect(&server, &key, &["status", prefix], 0).await?;
    assert!(run.stdout.starts_with("show\n"), "{}", run.stdout);
    assert!(run.stdout.contains("Files (2):") && run.stdout.contains("ep1.nfo"));
    let run = expect(&server, &key, &["status", prefix, "-o", "json"], 0).await?;
    let detail: TorrentDetail = serde_json::from_str(&run.stdout)?;
    assert_eq!(detail.summary.id, file_id);
    assert_eq!(detail.files.len(), 2);

    expect(&server, &key, &["resume", prefix], 0).await?;
    wait_state(&server, &key, &file_id, |d| {
        d.summary.state != TorrentState::Paused
    })
    .await?;
    let run = expect(&server, &key, &["pause", file_id.as_str()], 0).await?;
    assert_eq!(run.stdout.trim(), format!("pause: {file_id}"));
    wait_state(&server, &key, &file_id, |d| {
        d.summary.state == TorrentState::Paused
    })
    .await?;

    let run = expect(&server, &key, &["rm", &hash, prefix], 0).await?;
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    let run = expect(&server, &key, &["ls", "-o", "json"], 0).await?;
    assert!(serde_json::from_str::<TorrentList>(&run.stdout)?
        .items
        .is_empty());
    let run = expect(&server, &key, &["status", file_id.as_str()], 5).await?;
    assert!(run.stderr.contains("request id:"), "{}", run.stderr);
    Ok(())
}

#[actix_rt::test]
async fn prefixes_resolve_when_unique_and_list_candidates_when_not() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let one = "abcdef1".to_string() + &"1".repeat(33);
    let two = "abcdef2".to_string() + &"2".repeat(33);
    expect(
        &server,
        &key,
        &["add", &magnet(&one, "one"), &magnet(&two, "two")],
        0,
    )
    .await?;

    let run = expect(&server, &key, &["status", "ABCDEF1", "-o", "json"], 0).await?;
    let detail: TorrentDetail = serde_json::from_str(&run.stdout)?;
    assert_eq!(detail.summary.id.as_str(), one);

    let run = expect(&server, &key, &["status", "abcdef"], 2).await?;
    assert!(run.stderr.contains("ambiguous"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&one) && run.stderr.contains(&two),
        "{}",
        run.stderr
    );
    let run = expect(&server, &key, &["pause", "abc"], 2).await?;
    assert!(run.stderr.contains("at least 6"), "{}", run.stderr);
    let run = expect(&server, &key, &["status", "0123456789"], 5).await?;
    assert!(run.stderr.contains("no torrent id starts with 0123456789"));
    // Several ids: each is tried, the first failure's code wins.
    let run = expect(&server, &key, &["pause", &one[..7], "fedcba9876"], 5).await?;
    assert_eq!(run.stdout.trim(), format!("pause: {one}"));
    Ok(())
}

#[actix_rt::test]
async fn exit_codes_follow_the_contract() -> TestResult {
    let (mut server, key) = Server::start_active().await?;
    let hash = "d".repeat(40);
    expect(&server, &key, &["add", &magnet(&hash, "x")], 0).await?;

    // 6: conflict, naming the torrent already there.
    let run = expect(&server, &key, &["add", &magnet(&hash, "x")], 6).await?;
    assert!(
        run.stderr.contains(&format!("torrent: {hash}")),
        "{}",
        run.stderr
    );
    // 5: unknown id.
    expect(&server, &key, &["status", &"e".repeat(40)], 5).await?;
    // 2: validation (with its pointer), bad arguments, unknown command.
    let run = expect(&server, &key, &["ls", "--state", "sleeping"], 2).await?;
    assert!(run.stderr.contains("/state"), "{}", run.stderr);
    let run = expect(
        &server,
        &key,
        &["ls", "--state", "sleeping", "-o", "json"],
        2,
    )
    .await?;
    let problem: revaer_wire::Problem = serde_json::from_str(&run.stdout)?;
    assert_eq!((problem.status, problem.code()), (422, "validation_failed"));
    expect(&server, &key, &["add", "/nonexistent/x.torrent"], 2).await?;
    expect(&server, &key, &["frobnicate"], 2).await?;
    expect(&server, &key, &["limit", &hash, "--down", "fast"], 2).await?;
    // 4: a wrong key.
    let (key_id, _) = key.split_once(':').ok_or("key")?;
    let wrong = format!("{key_id}:not-the-secret");
    let run = expect(&server, &wrong, &["ls"], 4).await?;
    assert!(!run.all().contains("not-the-secret"));
    // 3: the server is down.
    server.stop().await?;
    let run = expect(&server, &key, &["ls"], 3).await?;
    assert!(run.stderr.contains("cannot reach"), "{}", run.stderr);
    Ok(())
}
