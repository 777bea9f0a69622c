//! `revaer categories`, `revaer tags`, `force-start` and `unforce-start`
//! against a real server: JSON output is the API's body, tables show what
//! the API holds, and refusals exit with the contract's codes.

mod support;

use libtorrent_sys::testing::make_torrent;
use revaer_client::Client;
use revaer_domain::torrent::{TorrentId, TorrentSummary};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{expect, Server, TestResult, WAIT};

fn parsed(stdout: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(stdout.trim())
}

#[actix_rt::test]
async fn categories_are_set_listed_refused_and_removed() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let run = expect(&server, &key, &["categories", "ls", "-o", "json"], 0).await?;
    assert_eq!(parsed(&run.stdout)?, json!([]));

    let tv = server.downloads().join("tv").to_string_lossy().into_owned();
    let run = expect(
        &server,
        &key,
        &["categories", "set", "tv", "--save-path", &tv],
        0,
    )
    .await?;
    assert_eq!(run.stdout.trim(), format!("category tv: save path {tv}"));
    let run = expect(
        &server,
        &key,
        &["categories", "set", "films", "-o", "json"],
        0,
    )
    .await?;
    assert_eq!(
        run.stdout.trim(),
        r#"{"name":"films","save_path":null}"#,
        "exactly the API's body"
    );

    let run = expect(&server, &key, &["categories", "ls", "-o", "json"], 0).await?;
    let listed = json!([
        {"name": "films", "save_path": null},
        {"name": "tv", "save_path": tv},
    ]);
    assert_eq!(parsed(&run.stdout)?, listed);
    let table = expect(&server, &key, &["categories", "ls"], 0).await?;
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(
        lines[0].contains("NAME") && lines[0].contains("SAVE PATH"),
        "{}",
        table.stdout
    );
    assert!(
        lines[1].contains("films") && lines[1].contains("(download root)"),
        "{}",
        table.stdout
    );
    assert!(
        lines[2].contains("tv") && lines[2].contains(&tv),
        "{}",
        table.stdout
    );

    // Refusals: the server's pointers on stderr, exit 2 (validation).
    let bad = expect(
        &server,
        &key,
        &["categories", "set", "x", "--save-path", "/etc"],
        2,
    )
    .await?;
    assert!(bad.stderr.contains("/save_path"), "{}", bad.stderr);
    let bad = expect(&server, &key, &["categories", "set", "tv/hd"], 2).await?;
    assert!(bad.stderr.contains("/name"), "{}", bad.stderr);
    let bad = expect(&server, &key, &["categories", "set", "x", "-o", "json"], 0).await?;
    assert_eq!(parsed(&bad.stdout)?["name"], "x");
    // `..` cannot travel in a URL path: the CLI refuses it before sending.
    let bad = expect(&server, &key, &["categories", "set", ".."], 2).await?;
    assert!(bad.stderr.contains("cannot be sent"), "{}", bad.stderr);

    let run = expect(&server, &key, &["categories", "rm", "films"], 0).await?;
    assert_eq!(run.stdout.trim(), "category films deleted");
    let gone = expect(&server, &key, &["categories", "rm", "films"], 5).await?;
    assert!(gone.stderr.contains("no category named"), "{}", gone.stderr);
    let run = expect(&server, &key, &["categories", "rm", "x", "-o", "json"], 0).await?;
    assert_eq!(run.stdout, "", "a delete has no body");
    let names: Vec<String> = server
        .client(Some(&key))?
        .categories()
        .await?
        .into_iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(names, vec!["tv"]);
    Ok(())
}

#[actix_rt::test]
async fn tags_are_added_listed_refused_and_removed() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let run = expect(&server, &key, &["tags", "add", "hd"], 0).await?;
    assert_eq!(run.stdout.trim(), "tag hd added");
    expect(&server, &key, &["tags", "add", "hd"], 0).await?;
    let run = expect(&server, &key, &["tags", "add", "4k", "-o", "json"], 0).await?;
    assert_eq!(run.stdout.trim(), r#""4k""#);
    let bad = expect(&server, &key, &["tags", "add", "a,b"], 2).await?;
    assert!(bad.stderr.contains("/name"), "{}", bad.stderr);

    let run = expect(&server, &key, &["tags", "ls", "-o", "json"], 0).await?;
    assert_eq!(parsed(&run.stdout)?, json!(["4k", "hd"]));
    let table = expect(&server, &key, &["tags", "ls"], 0).await?;
    let rows: Vec<&str> = table.stdout.lines().map(str::trim).collect();
    assert_eq!(rows, vec!["TAG", "4k", "hd"]);

    let run = expect(&server, &key, &["tags", "rm", "hd"], 0).await?;
    assert_eq!(run.stdout.trim(), "tag hd deleted");
    let gone = expect(&server, &key, &["tags", "rm", "hd"], 5).await?;
    assert!(gone.stderr.contains("no tag named"), "{}", gone.stderr);
    Ok(())
}

/// Polls the detail until its `force_start` is `wanted`.
async fn wait_force_start(client: &Client, id: &TorrentId, wanted: bool) -> TestResult {
    let deadline = Instant::now() + WAIT;
    while client.torrent(id).await?.summary.force_start != wanted {
        if Instant::now() > deadline {
            return Err(format!("force_start never became {wanted}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(())
}

#[actix_rt::test]
async fn force_start_and_unforce_start() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let client = server.client(Some(&key))?;
    let work = tempfile::tempdir()?;
    let torrent = make_torrent(work.path(), "forced", &[("a.bin", 40_000)], &[], 11)?;
    let path = work.path().join("forced.torrent");
    std::fs::write(&path, torrent)?;
    let path = path.to_string_lossy().into_owned();
    let run = expect(&server, &key, &["add", &path, "-o", "json"], 0).await?;
    let id = serde_json::from_str::<TorrentSummary>(run.stdout.trim())?.id;
    let prefix = &id.as_str()[..7];

    let run = expect(&server, &key, &["force-start", prefix], 0).await?;
    assert_eq!(run.stdout.trim(), format!("force_start: {id}"));
    wait_force_start(&client, &id, true).await?;
    let run = expect(&server, &key, &["unforce-start", prefix, "-o", "json"], 0).await?;
    assert_eq!(run.stdout, "", "the action has no body");
    wait_force_start(&client, &id, false).await?;

    // Several ids: each is tried; the first failure's code wins.
    let run = expect(&server, &key, &["force-start", prefix, "ffffff"], 5).await?;
    assert_eq!(run.stdout.trim(), format!("force_start: {id}"));
    wait_force_start(&client, &id, true).await?;
    Ok(())
}
