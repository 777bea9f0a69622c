//! Manual queue order through both faces over HTTP, with queueing on (one
//! active slot): magnets with made-up hashes have no peers, so they stay in
//! the download queue. `topPrio`/`bottomPrio`/`increasePrio`/`decreasePrio`
//! move a selection keeping its order (qBittorrent's rule), `priority` in
//! `torrents/info` and `sync/maindata` follows, `/v1/torrents/queue` does
//! the same over the same engine message, `addToTopOfQueue` adds at the
//! head; with queueing off both faces answer `409`.

mod support;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use support::qbit::{json as qbit_json, plain};
use support::torrents::{magnet, TorrentServer, WAIT};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

async fn set_max_active(t: &TorrentServer, max_active: i32) -> TestResult {
    let patch = json!({"engine_profile": {"max_active": max_active}});
    let res = t.server.patch_json("/v1/config", &t.key, &patch).await?;
    assert_eq!(res.status(), 200, "max_active {max_active}");
    Ok(())
}

/// Adds a peerless magnet through the facade; returns its hash.
async fn add(t: &TorrentServer, n: u64, extra: &[(&str, &str)]) -> Result<String, Error> {
    let uri = magnet(n, &format!("queued-{n}"));
    let mut form = vec![("urls", uri.as_str())];
    form.extend_from_slice(extra);
    let res = t.server.qbit_post("torrents/add", &t.qbit(), &form).await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    Ok(format!("{n:040x}"))
}

/// Polls `torrents/info` until the hashes have priorities 1, 2, ... in the
/// order given.
async fn wait_priorities(t: &TorrentServer, order: &[&str], what: &str) -> TestResult {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let info = t.qbit_info("").await?;
        let priority: HashMap<&str, i64> = info
            .iter()
            .filter_map(|i| Some((i["hash"].as_str()?, i["priority"].as_i64()?)))
            .collect();
        let seen: Vec<Option<i64>> = order.iter().map(|h| priority.get(h).copied()).collect();
        let want: Vec<Option<i64>> = (1..).map(Some).take(order.len()).collect();
        if seen == want {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{what}: priorities {seen:?} for {order:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `/v1` listing's `queue_position` of each hash.
async fn v1_positions(t: &TorrentServer, order: &[&str]) -> Result<Vec<Option<i64>>, Error> {
    let res = t.get("/v1/torrents?limit=500").await?;
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await?;
    let items = list["items"].as_array().ok_or("items")?;
    Ok(order
        .iter()
        .map(|h| {
            items
                .iter()
                .find(|i| i["id"] == *h)
                .and_then(|i| i["queue_position"].as_i64())
        })
        .collect())
}

async fn maindata(t: &TorrentServer, rid: u64) -> Result<Value, Error> {
    let res = t
        .server
        .qbit_get(&format!("sync/maindata?rid={rid}"), &t.qbit())
        .await?;
    qbit_json(res).await
}

/// Follows `sync/maindata` deltas from `rid` until the priorities they
/// carry (on top of `known`) put the hashes in `order`.
async fn sync_until(
    t: &TorrentServer,
    rid: &mut u64,
    known: &mut HashMap<String, i64>,
    order: &[&str],
) -> TestResult {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let delta = maindata(t, *rid).await?;
        *rid = delta["rid"].as_u64().ok_or("rid")?;
        for (hash, fields) in delta["torrents"].as_object().into_iter().flatten() {
            if let Some(p) = fields["priority"].as_i64() {
                known.insert(hash.clone(), p);
            }
        }
        let seen: Vec<Option<i64>> = order.iter().map(|h| known.get(*h).copied()).collect();
        if seen
            .iter()
            .enumerate()
            .all(|(i, p)| *p == Some(i as i64 + 1))
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("sync priorities {seen:?} for {order:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn prio(t: &TorrentServer, endpoint: &str, hashes: &str) -> TestResult {
    let body = t
        .qbit_ok(&format!("torrents/{endpoint}"), &[("hashes", hashes)])
        .await?;
    assert_eq!(body, "", "{endpoint}");
    Ok(())
}

#[actix_rt::test]
async fn queue_priorities_move_selections_through_both_faces() -> TestResult {
    let t = TorrentServer::start().await?;
    set_max_active(&t, 1).await?;
    let a = add(&t, 0xa1, &[]).await?;
    let b = add(&t, 0xb2, &[]).await?;
    let c = add(&t, 0xc3, &[]).await?;
    let (a, b, c) = (a.as_str(), b.as_str(), c.as_str());
    wait_priorities(&t, &[a, b, c], "as added").await?;
    let full = maindata(&t, 0).await?;
    let mut rid = full["rid"].as_u64().ok_or("rid")?;
    let mut known: HashMap<String, i64> = HashMap::new();
    for (hash, fields) in full["torrents"].as_object().into_iter().flatten() {
        known.insert(hash.clone(), fields["priority"].as_i64().ok_or("priority")?);
    }

    prio(&t, "topPrio", c).await?;
    wait_priorities(&t, &[c, a, b], "c to the top").await?;
    sync_until(&t, &mut rid, &mut known, &[c, a, b]).await?;
    // The selection keeps its own order however it is named; an unknown
    // hash is skipped.
    let unknown = "e".repeat(40);
    prio(&t, "bottomPrio", &format!("{a}|{unknown}|{c}")).await?;
    wait_priorities(&t, &[b, c, a], "c and a to the bottom").await?;
    sync_until(&t, &mut rid, &mut known, &[b, c, a]).await?;
    prio(&t, "increasePrio", &format!("{a}|{c}")).await?;
    wait_priorities(&t, &[c, a, b], "c and a up").await?;
    prio(&t, "decreasePrio", &format!("{a}|{c}")).await?;
    wait_priorities(&t, &[b, c, a], "c and a down").await?;
    prio(&t, "topPrio", "all").await?;
    wait_priorities(&t, &[b, c, a], "everything to the top keeps the order").await?;

    // /v1: the same message, the same rule.
    let res = t
        .post("/v1/torrents/queue", &json!({"ids": [a, b], "move": "top"}))
        .await?;
    assert_eq!(res.status(), 204, "/v1 queue top");
    wait_priorities(&t, &[b, a, c], "/v1 a and b to the top").await?;
    assert_eq!(
        v1_positions(&t, &[b, a, c]).await?,
        [Some(0), Some(1), Some(2)]
    );
    sync_until(&t, &mut rid, &mut known, &[b, a, c]).await?;
    let res = t
        .post("/v1/torrents/queue", &json!({"ids": [b], "move": "down"}))
        .await?;
    assert_eq!(res.status(), 204, "/v1 queue down");
    wait_priorities(&t, &[a, b, c], "/v1 b down").await?;

    // /v1 refusals: nothing moves.
    let res = t
        .post(
            "/v1/torrents/queue",
            &json!({"ids": [a, unknown], "move": "bottom"}),
        )
        .await?;
    support::expect_problem(res, 404, "torrent_not_found").await?;
    let res = t
        .post(
            "/v1/torrents/queue",
            &json!({"ids": ["xyz"], "move": "sideways"}),
        )
        .await?;
    let problem = support::expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(support::pointers(&problem), ["/ids/0", "/move"]);
    wait_priorities(&t, &[a, b, c], "unchanged after refusals").await?;

    // addToTopOfQueue puts a new torrent at the head.
    let d = add(&t, 0xd4, &[("addToTopOfQueue", "true")]).await?;
    wait_priorities(&t, &[&d, a, b, c], "d added at the top").await?;
    Ok(())
}

#[actix_rt::test]
async fn with_queueing_off_both_faces_answer_409() -> TestResult {
    let t = TorrentServer::start().await?;
    set_max_active(&t, -1).await?;
    let a = add(&t, 0xa1, &[]).await?;
    let b = add(&t, 0xb2, &[]).await?;
    for endpoint in ["topPrio", "bottomPrio", "increasePrio", "decreasePrio"] {
        let path = format!("torrents/{endpoint}");
        let res = t
            .server
            .qbit_post(&path, &t.qbit(), &[("hashes", &b)])
            .await?;
        assert_eq!(plain(res, 409).await?, "Torrent queueing must be enabled");
        let res = t.server.qbit_post(&path, &t.qbit(), &[]).await?;
        assert_eq!(res.status(), 400, "{endpoint} without hashes");
    }
    let res = t
        .post("/v1/torrents/queue", &json!({"ids": [b], "move": "top"}))
        .await?;
    support::expect_problem(res, 409, "queueing_disabled").await?;
    // Positions are still shown (libtorrent keeps them), and did not change.
    wait_priorities(&t, &[&a, &b], "unchanged").await?;
    Ok(())
}
