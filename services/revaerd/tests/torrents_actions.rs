//! `POST /v1/torrents/{id}/action`, `DELETE /v1/torrents/{id}` and
//! `POST /v1/torrents/{id}/select` over real HTTP: each action's effect as
//! the engine reports it, data removal on disk, and validation pointers.

mod support;

use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;
use support::torrents::{id_of, magnet, make_torrent, TorrentServer, WAIT};
use support::{expect_problem, pointers, TestResult};

type Error = Box<dyn std::error::Error>;

/// Adds a torrent whose data already sits in the download root, so the
/// engine checks it and seeds at once; returns its id.
async fn add_complete(t: &TorrentServer, name: &str, seed: u64) -> Result<String, Error> {
    let files = [("a.mkv", 40_000), ("b/c.nfo", 300), ("d.txt", 5_000)];
    let torrent = make_torrent(&t.downloads(), name, &files, &[], seed)?;
    let id = id_of(&t.add_file(&torrent, &[]).await?)?;
    t.wait_detail(&id, "seeding after the check", |d| d["state"] == "seeding")
        .await?;
    Ok(id)
}

async fn act(t: &TorrentServer, id: &str, body: Value) -> Result<reqwest::Response, Error> {
    Ok(t.post(&format!("/v1/torrents/{id}/action"), &body).await?)
}

async fn wait_gone(path: &Path) -> TestResult {
    let deadline = tokio::time::Instant::now() + WAIT;
    while path.exists() {
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{} still exists", path.display()).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

#[actix_rt::test]
async fn each_action_takes_effect_in_the_engine() -> TestResult {
    let t = TorrentServer::start().await?;
    let id = add_complete(&t, "actions", 11).await?;

    assert_eq!(
        act(&t, &id, json!({"action": "pause"})).await?.status(),
        204
    );
    t.wait_detail(&id, "paused", |d| d["state"] == "paused")
        .await?;
    assert_eq!(
        act(&t, &id, json!({"action": "resume"})).await?.status(),
        204
    );
    t.wait_detail(&id, "seeding again", |d| d["state"] == "seeding")
        .await?;
    assert_eq!(
        act(&t, &id, json!({"action": "recheck"})).await?.status(),
        204
    );
    t.wait_detail(&id, "seeding after recheck", |d| {
        d["state"] == "seeding" && d["progress"] == 1.0
    })
    .await?;
    assert_eq!(
        act(&t, &id, json!({"action": "reannounce"}))
            .await?
            .status(),
        204
    );

    let res = act(&t, &id, json!({"action": "sequential", "value": true})).await?;
    assert_eq!(res.status(), 204);
    t.wait_detail(&id, "sequential on", |d| d["sequential"] == true)
        .await?;
    act(&t, &id, json!({"action": "sequential", "value": false})).await?;
    t.wait_detail(&id, "sequential off", |d| d["sequential"] == false)
        .await?;

    let res = act(
        &t,
        &id,
        json!({"limits": {"download_bps": 1000, "upload_bps": 2000}}),
    )
    .await?;
    assert_eq!(res.status(), 204);
    assert_eq!(
        t.detail(&id).await?["limits"],
        json!({"download_bps": 1000, "upload_bps": 2000})
    );
    // An absent field keeps its value; limits may accompany an action.
    let res = act(
        &t,
        &id,
        json!({"action": "pause", "limits": {"upload_bps": 3000}}),
    )
    .await?;
    assert_eq!(res.status(), 204);
    let detail = t
        .wait_detail(&id, "paused with limits", |d| d["state"] == "paused")
        .await?;
    assert_eq!(
        detail["limits"],
        json!({"download_bps": 1000, "upload_bps": 3000})
    );

    let payload = t.downloads().join("actions");
    assert_eq!(
        act(&t, &id, json!({"action": "remove"})).await?.status(),
        204
    );
    expect_problem(
        t.get(&format!("/v1/torrents/{id}")).await?,
        404,
        "torrent_not_found",
    )
    .await?;
    assert!(payload.join("a.mkv").exists(), "remove keeps the data");

    let id = add_complete(&t, "doomed", 12).await?;
    assert_eq!(
        act(&t, &id, json!({"action": "remove_data"}))
            .await?
            .status(),
        204
    );
    wait_gone(&t.downloads().join("doomed").join("a.mkv")).await?;
    expect_problem(
        act(&t, &id, json!({"action": "pause"})).await?,
        404,
        "torrent_not_found",
    )
    .await?;
    Ok(())
}

#[actix_rt::test]
async fn bad_actions_are_refused_with_pointers() -> TestResult {
    let t = TorrentServer::start().await?;
    let id = add_complete(&t, "strict", 21).await?;
    let cases = [
        (json!({"action": "explode"}), vec!["/action"]),
        (json!({}), vec!["/action"]),
        (json!({"action": "sequential"}), vec!["/value"]),
        (
            json!({"action": "sequential", "value": "yes"}),
            vec!["/value"],
        ),
        (json!({"action": "pause", "value": true}), vec!["/value"]),
        (
            json!({"limits": {"upload_bps": -5}}),
            vec!["/limits/upload_bps"],
        ),
    ];
    for (body, expected) in cases {
        let problem =
            expect_problem(act(&t, &id, body.clone()).await?, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), expected, "{body}");
    }
    let unknown_field = act(&t, &id, json!({"action": "pause", "force": true})).await?;
    expect_problem(unknown_field, 422, "validation_failed").await?;
    // Refused requests changed nothing.
    assert_eq!(t.detail(&id).await?["state"], "seeding");
    let missing = format!("{:040x}", 77);
    expect_problem(
        act(&t, &missing, json!({"action": "pause"})).await?,
        404,
        "torrent_not_found",
    )
    .await?;
    expect_problem(
        act(&t, "not-a-hash", json!({"action": "pause"})).await?,
        404,
        "torrent_not_found",
    )
    .await?;
    Ok(())
}

#[actix_rt::test]
async fn delete_removes_with_or_without_data() -> TestResult {
    let t = TorrentServer::start().await?;
    let keep = add_complete(&t, "keep", 31).await?;
    let drop = add_complete(&t, "drop", 32).await?;
    let res = t
        .delete(&format!("/v1/torrents/{keep}?delete_data=maybe"))
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/delete_data"]);

    assert_eq!(
        t.delete(&format!("/v1/torrents/{keep}")).await?.status(),
        204
    );
    assert!(t.downloads().join("keep/a.mkv").exists());
    assert_eq!(
        t.delete(&format!(
            "/v1/torrents/{}?delete_data=true",
            drop.to_uppercase()
        ))
        .await?
        .status(),
        204
    );
    wait_gone(&t.downloads().join("drop/a.mkv")).await?;
    expect_problem(
        t.delete(&format!("/v1/torrents/{keep}")).await?,
        404,
        "torrent_not_found",
    )
    .await?;
    expect_problem(
        t.delete("/v1/torrents/xyz").await?,
        404,
        "torrent_not_found",
    )
    .await?;
    let list: Value = t.get("/v1/torrents").await?.json().await?;
    assert_eq!(list["items"], json!([]));
    Ok(())
}

#[actix_rt::test]
async fn selection_is_validated_then_applied() -> TestResult {
    let t = TorrentServer::start().await?;
    let id = add_complete(&t, "pick", 41).await?;
    let path = format!("/v1/torrents/{id}/select");
    let cases = [
        (json!({}), vec!["/files"]),
        (
            json!({"files": [{"index": 3, "priority": 1}]}),
            vec!["/files/0/index"],
        ),
        (
            json!({"files": [{"index": -1, "priority": 1}]}),
            vec!["/files/0/index"],
        ),
        (
            json!({"files": [{"index": 0, "priority": 8}, {"index": 0, "priority": 1}]}),
            vec!["/files/0/priority", "/files/1/index"],
        ),
        (
            json!({"rules": [{"glob": "*.nfo", "priority": 0}, {"glob": "[a-", "priority": -1}]}),
            vec!["/rules/1/glob", "/rules/1/priority"],
        ),
    ];
    let before = t.detail(&id).await?["files"].clone();
    for (body, expected) in cases {
        let problem = expect_problem(t.post(&path, &body).await?, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), expected, "{body}");
    }
    assert_eq!(t.detail(&id).await?["files"], before, "nothing applied");

    let res = t
        .post(
            &path,
            &json!({"rules": [{"glob": "*", "priority": 2}, {"glob": "*/C.NFO", "priority": 0}],
                    "files": [{"index": 0, "priority": 7}]}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let detail: Value = res.json().await?;
    let by_path: Vec<(String, i64, bool)> = detail["files"]
        .as_array()
        .ok_or("files")?
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap_or_default().to_string(),
                f["priority"].as_i64().unwrap_or(-1),
                f["selected"].as_bool().unwrap_or(true),
            )
        })
        .collect();
    for (file, priority, selected) in &by_path {
        let expected = if file.ends_with("c.nfo") {
            0
        } else if file.ends_with("a.mkv") {
            7
        } else {
            2
        };
        assert_eq!((*priority, *selected), (expected, expected > 0), "{file}");
    }
    // What the engine reports agrees once libtorrent has applied it.
    let files = detail["files"].clone();
    t.wait_detail(&id, "priorities applied", |d| d["files"] == files)
        .await?;

    let res = t
        .post("/v1/torrents", &json!({"magnet": magnet(0xdead, "x")}))
        .await?;
    let pending = id_of(&res.json::<Value>().await?)?;
    let res = t
        .post(
            &format!("/v1/torrents/{pending}/select"),
            &json!({"files": [{"index": 0, "priority": 1}]}),
        )
        .await?;
    expect_problem(res, 409, "no_metadata").await?;
    let missing = format!("/v1/torrents/{:040x}/select", 99);
    expect_problem(
        t.post(&missing, &json!({"rules": [{"glob": "*", "priority": 1}]}))
            .await?,
        404,
        "torrent_not_found",
    )
    .await?;
    Ok(())
}
