//! Super seeding over HTTP on both faces: the facade's `setSuperSeeding`
//! and `/v1`'s `super_seeding` action set the same engine flag, which
//! `torrents/info`, `sync/maindata` and the `/v1` detail report; bad values
//! are a plain-text 400 (facade) or a 422 with a pointer (`/v1`).

mod support;

use serde_json::{json, Value};
use support::torrents::{make_torrent, TorrentServer};
use support::{expect_problem, pointers, TestResult};

#[actix_rt::test]
async fn super_seeding_on_both_faces() -> TestResult {
    let t = TorrentServer::start().await?;
    let src = t.root.path().join("src");
    let torrent = make_torrent(&src, "pilot", &[("pilot.mkv", 200 * 1024)], &[], 17)?;
    let added = t.add_file(&torrent, &[]).await?;
    let hash = support::torrents::id_of(&added)?;
    let on = |i: &Value| i["super_seeding"] == true;
    let off = |i: &Value| i["super_seeding"] == false;
    t.qbit_wait(&hash, "off after add", off).await?;

    // Unknown hashes are skipped, as qBittorrent does.
    let unknown = "e".repeat(40);
    let hashes = format!("{hash}|{unknown}");
    let body = t
        .qbit_ok(
            "torrents/setSuperSeeding",
            &[("hashes", &hashes), ("value", "True")],
        )
        .await?;
    assert_eq!(body, "");
    t.qbit_wait(&hash, "on from the facade", on).await?;
    let detail = t.detail(&hash).await?;
    assert_eq!(detail["super_seeding"], true, "{detail}");
    let maindata = t.server.qbit_get("sync/maindata?rid=0", &t.qbit()).await?;
    let maindata = support::qbit::json(maindata).await?;
    assert_eq!(maindata["torrents"][&hash]["super_seeding"], true);

    let res = t
        .server
        .qbit_post(
            "torrents/setSuperSeeding",
            &t.qbit(),
            &[("hashes", &hash), ("value", "maybe")],
        )
        .await?;
    support::qbit::plain(res, 400).await?;

    let path = format!("/v1/torrents/{hash}/action");
    let res = t
        .post(&path, &json!({"action": "super_seeding", "value": false}))
        .await?;
    assert_eq!(res.status(), 204);
    t.qbit_wait(&hash, "off from /v1", off).await?;
    let res = t.post(&path, &json!({"action": "super_seeding"})).await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), ["/value"], "{problem}");

    // `value` left out means off, as qBittorrent.
    t.qbit_ok(
        "torrents/setSuperSeeding",
        &[("hashes", "all"), ("value", "true")],
    )
    .await?;
    t.qbit_wait(&hash, "on for all", on).await?;
    t.qbit_ok("torrents/setSuperSeeding", &[("hashes", &hash)])
        .await?;
    t.qbit_wait(&hash, "off without a value", off).await?;
    Ok(())
}
