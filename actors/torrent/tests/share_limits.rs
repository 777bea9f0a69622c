//! Share limits with real peers on 127.0.0.1: the engine downloads from a
//! libtorrent seeder, then seeds to a libtorrent leecher until its ratio
//! reaches the limit and pauses; with a seeding-time limit of zero and the
//! `remove` action it removes the finished torrent and keeps the data (or
//! deletes it with `remove_with_data`); with `super_seed` it keeps seeding
//! in super seeding mode. Super seeding set by a command survives a restart.

mod support;

use libtorrent_sys::testing::loopback_session;
use libtorrent_sys::AddOptions as LtAdd;
use revaer_messages::config::ShareLimitAction;
use revaer_messages::engine::{GetEngineStatus, GetTorrent, RestartEngine, TorrentCommand};
use revaer_messages::events::Event;
use revaer_messages::torrent::TorrentState;
use revaer_schema::testing::TestDatabase;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use support::{snapshot, wait_until, Engine, Seeder, TestResult};

const PAYLOAD: &[(&str, usize)] = &[("film.mkv", 3 * 1024 * 1024 + 11)];

#[actix_rt::test]
async fn seeding_pauses_once_the_ratio_limit_is_reached() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 41)?;
    let db = TestDatabase::migrated()?;
    let mut config = snapshot(&db, dir.path())?;
    config.engine_profile.share_ratio_limit = Some(0.5);
    config.engine_profile.share_limit_action = ShareLimitAction::Pause;
    let mut engine = Engine::start(&db, &config)?;

    let id = engine.download_from(&seeder).await?;
    // Complete, nothing uploaded yet: ratio 0, still seeding.
    let detail = engine.addr.send(GetTorrent { id: id.clone() }).await??;
    assert_ne!(detail.summary.state, TorrentState::Paused, "{detail:?}");

    // A leecher fetches from the engine only.
    let leech = loopback_session(libtorrent_sys::testing::LISTEN_TIMEOUT)?;
    let leech_dir = dir.path().join("leech");
    leech.add_torrent_file(
        &seeder.torrent,
        &LtAdd::with_save_path(leech_dir.to_string_lossy()),
    )?;
    let port = engine.addr.send(GetEngineStatus).await??.listen_port;
    leech.connect_peer(&seeder.id, IpAddr::V4(Ipv4Addr::LOCALHOST), port)?;

    engine
        .wait_for(|e| {
            matches!(e, Event::StateChanged { torrent, state: TorrentState::Paused } if *torrent == id)
                .then_some(())
        })
        .await?;
    let detail = engine.addr.send(GetTorrent { id: id.clone() }).await??;
    assert_eq!(detail.summary.state, TorrentState::Paused);
    assert!(
        detail.summary.ratio >= 0.5,
        "paused at ratio {}",
        detail.summary.ratio
    );
    // Paused means no more uploading.
    let uploaded = detail.summary.uploaded;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let later = engine.addr.send(GetTorrent { id: id.clone() }).await??;
    assert!(
        later.summary.uploaded <= uploaded + 256 * 1024,
        "still uploading after the pause: {uploaded} → {}",
        later.summary.uploaded
    );
    Ok(())
}

/// Downloads with a zero seeding time and `action`; returns whether the
/// removal said it deleted the data and whether the data is still there.
async fn removed_at_limit(
    action: ShareLimitAction,
    seed: u64,
) -> Result<(bool, bool), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, seed)?;
    let db = TestDatabase::migrated()?;
    let mut config = snapshot(&db, dir.path())?;
    config.engine_profile.share_time_limit_minutes = Some(0);
    config.engine_profile.share_limit_action = action;
    let mut engine = Engine::start(&db, &config)?;

    let id = engine.download_from(&seeder).await?;
    let deleted = engine
        .wait_for(|e| match e {
            Event::Removed {
                torrent,
                data_deleted,
            } if *torrent == id => Some(*data_deleted),
            _ => None,
        })
        .await?;
    assert!(
        revaer_schema::models::torrents::find(&mut db.connect()?, id.as_str())?.is_none(),
        "gone from the catalogue"
    );
    let file = engine.downloads.join("payload/film.mkv");
    // libtorrent deletes on its disk thread after the removal is announced.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while deleted && file.exists() && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok((deleted, file.exists()))
}

#[actix_rt::test]
async fn a_zero_seeding_time_with_remove_drops_the_torrent_and_keeps_its_data() -> TestResult {
    let (deleted, there) = removed_at_limit(ShareLimitAction::Remove, 42).await?;
    assert!(!deleted && there, "the data stays");
    Ok(())
}

#[actix_rt::test]
async fn remove_with_data_deletes_the_files_too() -> TestResult {
    let (deleted, there) = removed_at_limit(ShareLimitAction::RemoveWithData, 44).await?;
    assert!(deleted, "the removal says the data went");
    assert!(!there, "the data is gone");
    Ok(())
}

/// Polls the catalogue until its `super_seeding` column reads `want`.
async fn stored_super_seeding(
    db: &TestDatabase,
    id: &revaer_messages::torrent::TorrentId,
    want: bool,
) -> TestResult {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let row = revaer_schema::models::torrents::find(&mut db.connect()?, id.as_str())?;
        let stored = row.map(|r| r.entry.super_seeding);
        if stored == Some(want) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err(format!("catalogue super_seeding {stored:?}, want {want}").into());
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_rt::test]
async fn super_seed_action_keeps_seeding_in_super_seeding_mode() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 45)?;
    let db = TestDatabase::migrated()?;
    let mut config = snapshot(&db, dir.path())?;
    config.engine_profile.share_time_limit_minutes = Some(0);
    config.engine_profile.share_limit_action = ShareLimitAction::SuperSeed;
    let mut engine = Engine::start(&db, &config)?;

    let id = engine.download_from(&seeder).await?;
    // Still seeding (neither paused nor removed), now in super seeding mode.
    wait_until(&engine, &id, "super seeding at the limit", |s| {
        s.super_seeding && s.state == TorrentState::Seeding
    })
    .await?;
    stored_super_seeding(&db, &id, true).await?;
    Ok(())
}

#[actix_rt::test]
async fn super_seeding_is_a_command_kept_across_a_restart() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 46)?;
    let db = TestDatabase::migrated()?;
    let config = snapshot(&db, dir.path())?;
    let mut engine = Engine::start(&db, &config)?;

    let id = engine.download_from(&seeder).await?;
    let before = engine.addr.send(GetTorrent { id: id.clone() }).await??;
    assert!(!before.summary.super_seeding, "off unless asked for");
    engine
        .command(&id, TorrentCommand::SuperSeeding(true))
        .await?;
    wait_until(&engine, &id, "super seeding on", |s| s.super_seeding).await?;
    stored_super_seeding(&db, &id, true).await?;
    // No share limit here: after a restart only the catalogue can say so.
    engine.addr.send(RestartEngine).await??;
    engine.wait_ready(1).await?;
    let restored = wait_until(&engine, &id, "seeding after the restart", |s| {
        s.state == TorrentState::Seeding
    })
    .await?;
    assert!(restored.super_seeding, "{restored:?}");
    engine
        .command(&id, TorrentCommand::SuperSeeding(false))
        .await?;
    wait_until(&engine, &id, "super seeding off", |s| !s.super_seeding).await?;
    stored_super_seeding(&db, &id, false).await?;
    Ok(())
}
