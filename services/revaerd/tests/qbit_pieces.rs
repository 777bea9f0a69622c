//! Piece states and file piece ranges, in both faces: qBittorrent's
//! `torrents/pieceStates` and `files[].piece_range`, `/v1`'s
//! `/v1/torrents/{id}/pieces` and `files[].piece_range`, read from
//! libtorrent for a torrent with its data (every piece verified) and one
//! without (none).

mod support;

use serde_json::{json, Value};
use support::qbit::{json, plain};
use support::torrents::{make_torrent, TorrentServer};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

const FILES: [(&str, usize); 2] = [("a.mkv", 40_000), ("b/c.nfo", 300)];

/// Adds `torrent` through the facade and waits for `state`.
async fn added(
    t: &TorrentServer,
    torrent: Vec<u8>,
    fields: &[(&str, &str)],
    state: &str,
) -> Result<String, Error> {
    let hash = libtorrent_sys::parse_torrent_file(&torrent)?.id;
    let res = t
        .server
        .qbit_multipart("torrents/add", &t.qbit(), fields, &[torrent])
        .await?;
    assert_eq!(plain(res, 200).await?, "Ok.");
    t.qbit_wait(&hash, state, |v| v["state"] == state).await?;
    Ok(hash)
}

async fn piece_states(t: &TorrentServer, hash: &str) -> Result<(Value, Value), Error> {
    let qbit = json(
        t.server
            .qbit_get(&format!("torrents/pieceStates?hash={hash}"), &t.qbit())
            .await?,
    )
    .await?;
    let res = t.get(&format!("/v1/torrents/{hash}/pieces")).await?;
    assert_eq!(res.status(), 200);
    let v1: Value = res.json().await?;
    Ok((qbit, v1["states"].clone()))
}

#[actix_rt::test]
async fn piece_states_and_ranges_come_from_the_engine() -> TestResult {
    let t = TorrentServer::start().await?;
    let with_data = make_torrent(&t.downloads(), "Have", &FILES, &[], 5)?;
    let meta = libtorrent_sys::parse_torrent_file(&with_data)?;
    let pieces = usize::try_from(meta.num_pieces)?;
    let piece = usize::try_from(meta.piece_length)?;
    assert!(pieces >= 2, "the payload spans several pieces");
    let hash = added(&t, with_data, &[], "stalledUP").await?;

    let (qbit, v1) = piece_states(&t, &hash).await?;
    assert_eq!(qbit, json!(vec![2; pieces]), "every piece verified");
    assert_eq!(v1, qbit, "both faces agree");

    // The first file starts at piece 0; the second starts on a piece of its
    // own (libtorrent pads files of hybrid torrents to piece boundaries).
    let files = json(
        t.server
            .qbit_get(&format!("torrents/files?hash={hash}"), &t.qbit())
            .await?,
    )
    .await?;
    let range = |files: &Value, suffix: &str| {
        files
            .as_array()
            .and_then(|all| {
                all.iter().find(|f| {
                    // qBittorrent calls the path `name`; /v1 says `path`.
                    let path = f["name"].as_str().or(f["path"].as_str());
                    path.is_some_and(|n| n.ends_with(suffix))
                })
            })
            .map(|f| f["piece_range"].clone())
    };
    let last_of_a = (FILES[0].1 - 1) / piece;
    assert_eq!(range(&files, "a.mkv"), Some(json!([0, last_of_a])));
    assert_eq!(
        range(&files, "c.nfo"),
        Some(json!([pieces - 1, pieces - 1]))
    );
    let detail = t.detail(&hash).await?;
    assert_eq!(
        range(&detail["files"], "a.mkv"),
        Some(json!([0, last_of_a]))
    );

    // Without its data: checked, nothing there.
    let elsewhere = tempfile::tempdir()?;
    let without = make_torrent(elsewhere.path(), "Want", &FILES, &[], 6)?;
    let target = t.extra().to_string_lossy().into_owned();
    let missing = added(
        &t,
        without,
        &[("savepath", &target), ("stopped", "true")],
        "stoppedDL",
    )
    .await?;
    let (qbit, v1) = piece_states(&t, &missing).await?;
    let count = qbit.as_array().map_or(0, Vec::len);
    assert!(count >= 2, "one state a piece: {qbit}");
    assert_eq!(qbit, json!(vec![0; count]));
    assert_eq!(v1, qbit);

    // Unknown hashes: 404 in both faces.
    let unknown = "d".repeat(40);
    let res = t
        .server
        .qbit_get(&format!("torrents/pieceStates?hash={unknown}"), &t.qbit())
        .await?;
    assert_eq!(plain(res, 404).await?, "Torrent hash was not found");
    let res = t.get(&format!("/v1/torrents/{unknown}/pieces")).await?;
    assert_eq!(res.status(), 404);
    Ok(())
}
