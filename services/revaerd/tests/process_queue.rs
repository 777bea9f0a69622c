//! A manual queue order survives a restart of the real `revaerd` binary:
//! with queueing on, three peerless magnets are reordered over `/v1`, the
//! daemon is stopped (SIGTERM) and started again on the same database, and
//! both faces show the same order (the catalogue keeps each position and
//! start-up re-adds the torrents in that order; without it they would come
//! back in the order they were added).

mod support;

use revaer_schema::testing::TestDatabase;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::daemon::Daemon;
use support::torrents::{magnet, setup_with_roots};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

const WAIT: Duration = Duration::from_secs(60);

struct Api {
    client: reqwest::Client,
    key: String,
}

impl Api {
    async fn post(&self, daemon: &Daemon, path: &str, body: &Value) -> Result<u16, Error> {
        let res = self
            .client
            .post(format!("{}{path}", daemon.base))
            .header("x-api-key", &self.key)
            .json(body)
            .send()
            .await?;
        Ok(res.status().as_u16())
    }

    /// Polls until `/v1`'s `queue_position` and the facade's `priority`
    /// put the hashes in `order` (0.. and 1..).
    async fn wait_order(&self, daemon: &Daemon, order: &[&str], what: &str) -> TestResult {
        let deadline = Instant::now() + WAIT;
        loop {
            let (v1, qbit) = (
                self.v1(daemon, order).await?,
                self.qbit(daemon, order).await?,
            );
            let want_v1: Vec<Option<i64>> = (0..).map(Some).take(order.len()).collect();
            let want_qbit: Vec<Option<i64>> = (1..).map(Some).take(order.len()).collect();
            if v1 == want_v1 && qbit == want_qbit {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("{what}: /v1 {v1:?}, facade {qbit:?} for {order:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn v1(&self, daemon: &Daemon, order: &[&str]) -> Result<Vec<Option<i64>>, Error> {
        let res = self
            .client
            .get(format!("{}/v1/torrents?limit=500", daemon.base))
            .header("x-api-key", &self.key)
            .send()
            .await?;
        // Right after a restart the engine may still be restoring.
        let list: Value = if res.status() == 200 {
            res.json().await?
        } else {
            json!({})
        };
        Ok(field(
            list["items"].as_array(),
            "id",
            "queue_position",
            order,
        ))
    }

    async fn qbit(&self, daemon: &Daemon, order: &[&str]) -> Result<Vec<Option<i64>>, Error> {
        let res = self
            .client
            .get(format!("{}/api/v2/torrents/info", daemon.base))
            .bearer_auth(&self.key)
            .send()
            .await?;
        let info: Value = if res.status() == 200 {
            res.json().await?
        } else {
            json!([])
        };
        Ok(field(info.as_array(), "hash", "priority", order))
    }
}

/// `value` of the item whose `key` is each of `order`.
fn field(items: Option<&Vec<Value>>, key: &str, value: &str, order: &[&str]) -> Vec<Option<i64>> {
    let items = items.map(Vec::as_slice).unwrap_or_default();
    order
        .iter()
        .map(|h| {
            items
                .iter()
                .find(|i| i[key] == *h)
                .and_then(|i| i[value].as_i64())
        })
        .collect()
}

#[actix_rt::test]
async fn the_queue_order_survives_a_daemon_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::loopback()?;
    let mut first = Daemon::spawn(db.url())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let key = setup_with_roots(&client, &first.base, dir.path()).await?;
    first.engine_listening(&client).await?;
    let api = Api { client, key };
    let res = api
        .client
        .patch(format!("{}/v1/config", first.base))
        .header("x-api-key", &api.key)
        .json(&json!({"engine_profile": {"max_active": 1}}))
        .send()
        .await?;
    assert_eq!(res.status(), 200, "max_active");

    let mut hashes = Vec::new();
    for n in [0xa1_u64, 0xb2, 0xc3] {
        let body = json!({"magnet": magnet(n, &format!("queued-{n}"))});
        assert_eq!(api.post(&first, "/v1/torrents", &body).await?, 201);
        hashes.push(format!("{n:040x}"));
    }
    let (a, b, c) = (hashes[0].as_str(), hashes[1].as_str(), hashes[2].as_str());
    api.wait_order(&first, &[a, b, c], "as added").await?;
    let top = json!({"ids": [c], "move": "top"});
    assert_eq!(api.post(&first, "/v1/torrents/queue", &top).await?, 204);
    let down = json!({"ids": [a], "move": "down"});
    assert_eq!(api.post(&first, "/v1/torrents/queue", &down).await?, 204);
    api.wait_order(&first, &[c, b, a], "c top, a down").await?;

    first.signal("TERM")?;
    assert!(
        first.wait_exit(Duration::from_secs(30))?.success(),
        "graceful exit"
    );
    let second = Daemon::spawn(db.url())?;
    api.wait_order(&second, &[c, b, a], "after the restart")
        .await?;
    Ok(())
}
