//! qBittorrent facade `torrents/addPeers`: a torrent with no tracker gets
//! its data only from the loopback seeder named in `peers`; malformed
//! peers answer `400`, unknown hashes are skipped.

mod support;

use serde_json::json;
use support::qbit::{json, plain};
use support::torrents::{Seeder, TorrentServer, WAIT};
use support::TestResult;

#[actix_rt::test]
async fn added_peers_are_dialled_and_malformed_ones_refused() -> TestResult {
    let t = TorrentServer::start().await?;
    let seed_dir = tempfile::tempdir()?;
    let seeder = Seeder::start(seed_dir.path(), &[("episode.mkv", 300_000)], 91)?;
    let hash = seeder.id.clone();
    let res = t
        .server
        .qbit_multipart(
            "torrents/add",
            &t.qbit(),
            &[],
            std::slice::from_ref(&seeder.torrent),
        )
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");

    for peers in ["", "nonsense", "127.0.0.1", "host:80|1.2.3.4:0"] {
        let res = t
            .server
            .qbit_post(
                "torrents/addPeers",
                &t.qbit(),
                &[("hashes", &hash), ("peers", peers)],
            )
            .await?;
        plain(res, 400).await?;
    }
    let unknown = "0".repeat(40);
    let peer = seeder.addr().to_string();
    let res = t
        .server
        .qbit_post(
            "torrents/addPeers",
            &t.qbit(),
            &[("hashes", &unknown), ("peers", &peer)],
        )
        .await?;
    assert_eq!(json(res).await?, json!({}), "unknown hashes are skipped");

    let both = format!("{peer}|not-a-peer");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let res = t
            .server
            .qbit_post(
                "torrents/addPeers",
                &t.qbit(),
                &[("hashes", &hash), ("peers", &both)],
            )
            .await?;
        let outcome = json(res).await?;
        assert_eq!(outcome, json!({ hash.as_str(): {"added": 1, "failed": 0} }));
        let info = t.qbit_torrent(&hash).await?;
        if info["progress"] == 1.0 {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("no data from the added peer; last {info}").into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    Ok(())
}
