//! `revaer queue top|bottom|up|down ID...` and `add --top-of-queue` against
//! a real server with queueing on: peerless magnets stay in the download
//! queue, several ids move as one selection keeping their order, prefixes
//! resolve; with queueing off the command exits with the conflict code.

mod support;

use revaer_client::Client;
use revaer_domain::torrent::TorrentId;
use revaer_wire::ListParams;
use std::time::{Duration, Instant};
use support::{expect, Server, TestResult};

type Error = Box<dyn std::error::Error>;

/// A magnet for a made-up hash that is `n` (two hex digits) 20 times, so
/// its first characters are a unique prefix.
fn magnet(n: u8) -> (String, String) {
    let hash = format!("{n:02x}").repeat(20);
    (format!("magnet:?xt=urn:btih:{hash}&dn=queued-{n}"), hash)
}

/// Polls until `queue_position` puts the ids in `order` (0, 1, ...).
async fn wait_order(client: &Client, order: &[&str], what: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let list = client.list_all(&ListParams::default()).await?;
        let seen: Vec<Option<i32>> = order
            .iter()
            .map(|h| {
                list.items
                    .iter()
                    .find(|s| s.id.as_str() == *h)
                    .and_then(|s| s.queue_position)
            })
            .collect();
        let want: Vec<Option<i32>> = (0..).map(Some).take(order.len()).collect();
        if seen == want {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("{what}: positions {seen:?} for {order:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn set_max_active(client: &Client, max_active: i32) -> Result<(), Error> {
    let patch = serde_json::json!({"engine_profile": {"max_active": max_active}});
    client.patch_config(&patch).await?;
    Ok(())
}

#[actix_rt::test]
async fn queue_moves_selections_and_add_can_go_to_the_top() -> TestResult {
    let (server, key) = Server::start_active().await?;
    let client = server.client(Some(&key))?;
    set_max_active(&client, 1).await?;
    let mut ids = Vec::new();
    for n in [0xa1, 0xb2, 0xc3] {
        let (link, hash) = magnet(n);
        expect(&server, &key, &["add", &link], 0).await?;
        ids.push(hash);
    }
    let (a, b, c) = (ids[0].as_str(), ids[1].as_str(), ids[2].as_str());
    wait_order(&client, &[a, b, c], "as added").await?;

    let run = expect(&server, &key, &["queue", "top", &c[..8]], 0).await?;
    assert_eq!(run.stdout.trim(), format!("queue top: {c}"));
    wait_order(&client, &[c, a, b], "c to the top").await?;
    // Named in either order, a and c keep theirs.
    let run = expect(&server, &key, &["queue", "bottom", a, c, "-o", "json"], 0).await?;
    assert_eq!(run.stdout.trim(), "", "JSON mode prints nothing for a move");
    wait_order(&client, &[b, c, a], "c and a to the bottom").await?;
    expect(&server, &key, &["queue", "up", a], 0).await?;
    wait_order(&client, &[b, a, c], "a up").await?;
    expect(&server, &key, &["queue", "down", b], 0).await?;
    wait_order(&client, &[a, b, c], "b down").await?;

    // An unknown id moves nothing; a bad movement is a usage error.
    let unknown = "e".repeat(40);
    expect(&server, &key, &["queue", "top", c, &unknown], 5).await?;
    expect(&server, &key, &["queue", "sideways", a], 2).await?;
    expect(&server, &key, &["queue", "top"], 2).await?;
    wait_order(&client, &[a, b, c], "unchanged").await?;

    let (link, d) = magnet(0xd4);
    expect(&server, &key, &["add", &link, "--top-of-queue"], 0).await?;
    wait_order(&client, &[&d, a, b, c], "d added at the top").await?;

    set_max_active(&client, -1).await?;
    let run = expect(&server, &key, &["queue", "top", c], 6).await?;
    assert!(run.stderr.contains("queueing"), "{}", run.stderr);
    let id = TorrentId::parse(c)?;
    assert_eq!(client.torrent(&id).await?.summary.queue_position, Some(3));
    Ok(())
}
