//! Force start through both faces over HTTP, with one active slot: the
//! second torrent waits in the queue (`queuedDL`) until `setForceStart`
//! runs it (`forcedDL`, `force_start: true`) next to the first; `false`
//! hands it back to the queue; `/v1`'s `force_start` action does the same
//! and a pause clears it.

mod support;

use serde_json::{json, Value};
use support::torrents::{make_torrent, TorrentServer};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

/// Adds a torrent whose data is nowhere the engine looks: it stays
/// incomplete and needs a download slot. Returns its hash.
async fn add_incomplete(t: &TorrentServer, name: &str) -> Result<String, Error> {
    let src = t.root.path().join("src");
    let torrent = make_torrent(&src, name, &[("a.bin", 64 * 1024)], &[], name.len() as u64)?;
    let hash = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), &[], &[torrent])
        .await?;
    assert_eq!(support::qbit::plain(res, 200).await?, "Ok.");
    Ok(hash)
}

fn running(info: &Value) -> bool {
    matches!(info["state"].as_str(), Some("stalledDL" | "downloading"))
        && info["force_start"] == false
}

fn queued(info: &Value) -> bool {
    info["state"] == "queuedDL" && info["force_start"] == false
}

fn forced(info: &Value) -> bool {
    info["state"] == "forcedDL" && info["force_start"] == true
}

#[actix_rt::test]
async fn set_force_start_runs_a_queued_torrent_and_false_queues_it_again() -> TestResult {
    let t = TorrentServer::start().await?;
    let res = t
        .server
        .patch_json(
            "/v1/config",
            &t.key,
            &json!({"engine_profile": {"max_active": 1}}),
        )
        .await?;
    assert_eq!(res.status(), 200, "max_active");
    let first = add_incomplete(&t, "first").await?;
    t.qbit_wait(&first, "the first running", running).await?;
    let second = add_incomplete(&t, "second").await?;
    t.qbit_wait(&second, "the second queued", queued).await?;

    let unknown = "e".repeat(40);
    let both = format!("{second}|{unknown}");
    let body = t
        .qbit_ok(
            "torrents/setForceStart",
            &[("hashes", &both), ("value", "True")],
        )
        .await?;
    assert_eq!(body, "");
    t.qbit_wait(&second, "the second forcedDL", forced).await?;
    t.qbit_wait(&first, "the first still running", running)
        .await?;
    let detail = t.detail(&second).await?;
    assert_eq!(detail["force_start"], true, "/v1 detail: {detail}");
    let filtered = t.qbit_info("?filter=active").await?;
    assert!(filtered.iter().any(|i| i["hash"] == second.as_str()));

    t.qbit_ok(
        "torrents/setForceStart",
        &[("hashes", &second), ("value", "false")],
    )
    .await?;
    t.qbit_wait(&second, "the second queued again", queued)
        .await?;
    t.qbit_wait(&first, "the first running", running).await?;

    let action = |name: &str| json!({"action": name});
    let res = t
        .post(
            &format!("/v1/torrents/{second}/action"),
            &action("force_start"),
        )
        .await?;
    assert_eq!(res.status(), 204, "/v1 force_start");
    t.qbit_wait(&second, "forced by /v1", forced).await?;
    t.qbit_ok("torrents/stop", &[("hashes", &second)]).await?;
    t.qbit_wait(&second, "stopped, force start cleared", |i| {
        i["state"] == "stoppedDL" && i["force_start"] == false
    })
    .await?;
    let res = t
        .post(
            &format!("/v1/torrents/{second}/action"),
            &action("unforce_start"),
        )
        .await?;
    assert_eq!(res.status(), 204, "/v1 unforce_start");
    t.qbit_wait(&second, "back in the queue", queued).await?;
    Ok(())
}
