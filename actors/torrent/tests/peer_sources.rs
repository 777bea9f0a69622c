//! Restored torrents keep their peer sources: a trackerless magnet whose
//! only peer source is its `x.pe` hint finds that peer again after a stop
//! and restart, and a torrent restored with no peer source at all is
//! announced as a warning instead of stalling silently.

mod support;

use revaer_messages::engine::{AddOptions, ShutdownEngine, TorrentCommand, TorrentSource};
use revaer_messages::events::Event;
use revaer_messages::health::HealthStatus;
use revaer_messages::torrent::{TorrentId, TorrentLimits};
use revaer_schema::testing::TestDatabase;
use std::time::{Duration, Instant};
use support::{sha256_file, snapshot, Engine, Seeder, TestResult};

const PAYLOAD: &[(&str, usize)] = &[("movie.mkv", 16 * 1024 * 1024 + 11)];

async fn progress(engine: &Engine, id: &TorrentId) -> f64 {
    engine
        .addr
        .send(revaer_messages::engine::GetTorrent { id: id.clone() })
        .await
        .ok()
        .and_then(|r| r.ok())
        .map_or(0.0, |d| d.summary.progress)
}

fn no_source_warning(event: &Event) -> Option<String> {
    match event {
        Event::HealthChanged {
            status: HealthStatus::Degraded,
            detail: Some(detail),
            ..
        } if detail.contains("without any peer source") => Some(detail.clone()),
        _ => None,
    }
}

#[actix_rt::test]
async fn a_trackerless_x_pe_magnet_reconnects_to_its_hinted_peer_after_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 41)?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;
    let magnet = format!(
        "{}&x.pe={}",
        libtorrent_sys::make_magnet(&seeder.torrent)?,
        seeder.addr()
    );
    assert!(!magnet.contains("tr="), "no tracker: {magnet}");

    let first = Engine::start(&db, &config)?;
    let options = AddOptions {
        limits: Some(TorrentLimits {
            download_bps: Some(2 * 1024 * 1024),
            upload_bps: None,
        }),
        ..AddOptions::default()
    };
    let id = first.add(TorrentSource::Magnet(magnet), options).await?.id;
    // No ConnectPeer here: the x.pe hint is the only way to the seeder.
    let deadline = Instant::now() + support::TIMEOUT;
    while progress(&first, &id).await < 0.2 {
        assert!(
            Instant::now() < deadline,
            "the first engine never got going"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    first.addr.send(ShutdownEngine).await??;
    drop(first);
    // The seeder must have dropped the old connection before it accepts a
    // new one from the same address.
    let deadline = Instant::now() + Duration::from_secs(30);
    while seeder.session.status(&seeder.id)?.num_peers > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut second = Engine::start(&db, &config)?;
    second.wait_ready(1).await?;
    second
        .command(&id, TorrentCommand::Limits(TorrentLimits::default()))
        .await?;
    let mut warned = None;
    second
        .wait_for(|e| {
            if warned.is_none() {
                warned = no_source_warning(e);
            }
            matches!(e, Event::Completed { torrent, .. } if *torrent == id).then_some(())
        })
        .await?;
    assert_eq!(warned, None, "the hinted peer is a peer source");
    assert_eq!(
        sha256_file(&seeder.payload.join("movie.mkv"))?,
        sha256_file(&second.downloads.join("payload").join("movie.mkv"))?
    );
    Ok(())
}

#[actix_rt::test]
async fn a_torrent_restored_without_any_peer_source_is_a_warning() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;
    let torrent = libtorrent_sys::testing::make_torrent(
        &dir.path().join("sources"),
        "lonely",
        &[("a.bin", 100_000)],
        &[],
        5,
    )?;
    let first = Engine::start(&db, &config)?;
    let id = first
        .add(TorrentSource::File(torrent), AddOptions::default())
        .await?
        .id;
    first.addr.send(ShutdownEngine).await??;
    drop(first);

    let mut second = Engine::start(&db, &config)?;
    let detail = second.wait_for(no_source_warning).await?;
    assert!(detail.contains(id.as_str()), "names the torrent: {detail}");
    Ok(())
}
