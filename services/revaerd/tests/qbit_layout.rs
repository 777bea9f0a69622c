//! Content layout, first/last piece priority and skip checking over HTTP,
//! on both faces, with real downloads from a loopback seeder: where the
//! data lands and what `content_path` says (Sonarr imports from it), the
//! `f_l_piece_prio` flag next to the piece priorities libtorrent holds,
//! seeding at once with `skip_checking`, and `/v1`'s 422 for bad values.

mod support;

use libtorrent_sys::make_magnet;
use libtorrent_sys::testing::sha256_file;
use revaer_messages::engine::GetPiecePriorities;
use revaer_messages::TorrentId;
use serde_json::{json, Value};
use std::time::Duration;
use support::torrents::{make_torrent, Seeder, TorrentServer, WAIT};
use support::{expect_problem, pointers, TestResult};

type Error = Box<dyn std::error::Error>;

const FILES: &[(&str, usize)] = &[("a.mkv", 300 * 1024 + 7), ("sub/b.srt", 200 * 1024 + 3)];

fn complete(info: &Value) -> bool {
    info["progress"].as_f64().is_some_and(|p| p >= 1.0)
}

fn downloads(t: &TorrentServer) -> std::path::PathBuf {
    t.root.path().join("downloads")
}

/// Adds through the facade's `torrents/add` and expects `Ok.`.
async fn qbit_add(t: &TorrentServer, fields: &[(&str, &str)], files: &[Vec<u8>]) -> TestResult {
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), fields, files)
        .await?;
    assert_eq!(support::qbit::plain(res, 200).await?, "Ok.");
    Ok(())
}

#[actix_rt::test]
async fn subfolder_and_no_subfolder_after_real_downloads() -> TestResult {
    let t = TorrentServer::start().await?;
    // A single file with Subfolder, from its .torrent.
    let single = Seeder::start_file(&t.root.path().join("s1"), "Show.S02E03.mkv", 400 * 1024, 31)?;
    qbit_add(
        &t,
        &[("contentLayout", "Subfolder")],
        std::slice::from_ref(&single.torrent),
    )
    .await?;
    t.connect_peer(&single.id, single.addr()).await?;
    let info = t.qbit_wait(&single.id, "single complete", complete).await?;
    let folder = downloads(&t).join("Show.S02E03");
    let file = folder.join("Show.S02E03.mkv");
    // A one-file torrent's content_path is the file, as qBittorrent's.
    assert_eq!(info["content_path"], file.to_string_lossy().as_ref());
    assert_eq!(sha256_file(&file)?, sha256_file(&single.payload)?);

    // Several files with NoSubfolder, from a magnet: applied when the
    // metadata arrives.
    let multi = Seeder::start(&t.root.path().join("s2"), FILES, 32)?;
    let magnet = make_magnet(&multi.torrent)?;
    qbit_add(
        &t,
        &[("urls", &magnet), ("contentLayout", "NoSubfolder")],
        &[],
    )
    .await?;
    t.connect_peer(&multi.id, multi.addr()).await?;
    let info = t.qbit_wait(&multi.id, "multi complete", complete).await?;
    assert_eq!(info["content_path"], info["save_path"], "{info}");
    for (rel, _) in FILES {
        let got = sha256_file(&downloads(&t).join(rel))?;
        assert_eq!(got, sha256_file(&multi.payload.join(rel))?, "{rel}");
    }
    let detail = t.detail(&multi.id).await?;
    let paths: Vec<&str> = detail["files"]
        .as_array()
        .ok_or("files")?
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(paths, ["a.mkv", "sub/b.srt"], "/v1 files");
    Ok(())
}

async fn piece_priorities(t: &TorrentServer, id: &str) -> Result<Vec<u8>, Error> {
    let id = TorrentId::parse(id)?;
    Ok(t.server
        .running
        .engine
        .send(GetPiecePriorities { id })
        .await??)
}

/// Polls until the first and last piece have priority `edge`.
async fn wait_edges(t: &TorrentServer, id: &str, edge: u8) -> Result<(), Error> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let prios = piece_priorities(t, id).await?;
        if prios.len() > 2 && prios.first() == Some(&edge) && prios.last() == Some(&edge) {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("piece priorities {prios:?}, wanted edges {edge}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn first_last_piece_priority_on_both_faces() -> TestResult {
    let t = TorrentServer::start().await?;
    let src = t.root.path().join("src");
    let files = [("movie.mkv", 600 * 1024)];
    let torrent = make_torrent(&src, "movie", &files, &[], 33)?;
    let hash = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    qbit_add(&t, &[("firstLastPiecePrio", "true")], &[torrent]).await?;
    let on = |i: &Value| i["f_l_piece_prio"] == true;
    let off = |i: &Value| i["f_l_piece_prio"] == false;
    t.qbit_wait(&hash, "flag on at add", on).await?;
    wait_edges(&t, &hash, 7).await?;

    let unknown = "e".repeat(40);
    let body = t
        .qbit_ok(
            "torrents/toggleFirstLastPiecePrio",
            &[("hashes", &format!("{hash}|{unknown}"))],
        )
        .await?;
    assert_eq!(body, "");
    t.qbit_wait(&hash, "flag toggled off", off).await?;
    wait_edges(&t, &hash, 4).await?;
    let detail = t.detail(&hash).await?;
    assert_eq!(detail["first_last_piece_prio"], false, "{detail}");

    let action = json!({"action": "first_last_piece_prio", "value": true});
    let res = t
        .post(&format!("/v1/torrents/{hash}/action"), &action)
        .await?;
    assert_eq!(res.status(), 204);
    wait_edges(&t, &hash, 7).await?;
    t.qbit_wait(&hash, "flag on from /v1", on).await?;
    let maindata = t.server.qbit_get("sync/maindata?rid=0", &t.qbit()).await?;
    let maindata = support::qbit::json(maindata).await?;
    assert_eq!(maindata["torrents"][&hash]["f_l_piece_prio"], true);
    Ok(())
}

#[actix_rt::test]
async fn skip_checking_seeds_data_already_on_disk() -> TestResult {
    let t = TorrentServer::start().await?;
    // The payload sits where the torrent will be saved, with one file
    // overwritten: a check would find it incomplete.
    let torrent = make_torrent(&downloads(&t), "ready", FILES, &[], 34)?;
    let (rel, size) = FILES[0];
    std::fs::write(downloads(&t).join("ready").join(rel), vec![0u8; size])?;
    let hash = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    let added = t.add_file(&torrent, &[("skip_checking", "true")]).await?;
    assert!(
        added["progress"].as_f64().is_some_and(|p| p >= 1.0),
        "{added}"
    );
    let seeding = |d: &Value| d["state"] == "seeding" && complete(d);
    t.wait_detail(&hash, "seeding", seeding).await?;
    let info = t.qbit_torrent(&hash).await?;
    assert_eq!(info["progress"], 1.0, "{info}");
    Ok(())
}

#[actix_rt::test]
async fn bad_values_are_422_with_pointers() -> TestResult {
    let t = TorrentServer::start().await?;
    let magnet = support::torrents::magnet(7, "x");
    for (field, value) in [
        ("content_layout", json!("sideways")),
        ("content_layout", json!(3)),
        ("first_last_piece_prio", json!("yes")),
        ("skip_checking", json!(1)),
    ] {
        let body = json!({"magnet": magnet, field: value});
        let res = t.post("/v1/torrents", &body).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), [format!("/{field}")], "{problem}");
    }
    let torrent = make_torrent(&t.root.path().join("src"), "bad", FILES, &[], 35)?;
    for (field, value) in [
        ("content_layout", "Subfolder"),
        ("first_last_piece_prio", "maybe"),
        ("skip_checking", "yes"),
    ] {
        let res = t.upload(&torrent, &[(field, value)]).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), [format!("/{field}")], "{problem}");
    }
    let options = r#"{"content_layout": "flat"}"#;
    let res = t.upload(&torrent, &[("options", options)]).await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), ["/options/content_layout"], "{problem}");

    let added = t
        .add_file(&torrent, &[("content_layout", "no_subfolder")])
        .await?;
    let id = added["id"].as_str().ok_or("id")?;
    let action = json!({"action": "first_last_piece_prio"});
    let res = t
        .post(&format!("/v1/torrents/{id}/action"), &action)
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), ["/value"], "{problem}");
    Ok(())
}
