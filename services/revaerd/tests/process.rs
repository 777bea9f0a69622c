//! The real `revaerd` binary: boot from nothing but DATABASE_URL, graceful
//! SIGTERM, and `kill -9` in the middle of a download followed by a restart
//! that fetches again at most a couple of seconds of transfer.

mod support;

use diesel::prelude::*;
use libtorrent_sys::{create_torrent, AddOptions, Session, SessionSettings};
use std::time::{Duration, Instant};
use support::daemon::{free_port, seeder_idle, Daemon};
use support::TestResult;

/// Large enough that 40 % takes several seconds at `RATE`, so a save
/// interval of many seconds would show as re-fetched bytes.
const PAYLOAD_BYTES: usize = 48 * 1024 * 1024;
/// Per-torrent download limit, bytes/s.
const RATE: usize = 4 * 1024 * 1024;

#[actix_rt::test]
async fn boots_in_setup_mode_and_stops_cleanly_on_sigterm() -> TestResult {
    let db = revaer_schema::testing::TestDatabase::loopback()?;
    // An unparsable filter: the daemon says so and logs at the default level.
    let mut daemon = Daemon::spawn_logging(db.url(), "revaer=[")?;
    let client = reqwest::Client::new();
    let health: serde_json::Value = client
        .get(format!("{}/health", daemon.base))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(health["mode"], "setup");
    daemon.signal("TERM")?;
    let status = daemon.wait_exit(Duration::from_secs(30))?;
    assert!(status.success(), "graceful exit, got {status:?}");

    let log = daemon.log_after_exit();
    assert!(
        log.contains("RUST_LOG is not a valid filter"),
        "bad filter reported:\n{log}"
    );
    assert!(
        log.contains("engine state saved"),
        "info level in use:\n{log}"
    );
    // stderr is a pipe here, as under systemd or docker: no colour codes.
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escapes in a piped log:\n{log}"
    );
    Ok(())
}

/// A seeder in this process: its session, the torrent's id, the .torrent
/// bytes and the payload bytes.
type Seeded = (Session, String, Vec<u8>, Vec<u8>);

/// Seeds one generated payload from this process.
fn seeder(root: &std::path::Path) -> Result<Seeded, Box<dyn std::error::Error>> {
    let payload = root.join("payload");
    std::fs::create_dir_all(&payload)?;
    let mut state: u64 = 0x1234_5678;
    let mut bytes = vec![0u8; PAYLOAD_BYTES];
    for chunk in bytes.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    std::fs::write(payload.join("movie.mkv"), &bytes)?;
    let torrent = create_torrent(&payload, 0, &[], "kill test")?;
    let session = Session::new(&SessionSettings::loopback())?;
    let id = session.add_torrent_file(
        &torrent,
        &AddOptions::with_save_path(root.to_string_lossy()),
    )?;
    Ok((session, id, torrent, bytes))
}

/// Runs until the engine has received `until` payload bytes in total over
/// all runs (`before` from earlier runs), dialling it from the seeder.
async fn download_until(
    daemon: &Daemon,
    seeder: &Session,
    id: &str,
    port: u16,
    before: f64,
    until: f64,
) -> Result<f64, Box<dyn std::error::Error>> {
    let client = reqwest::Client::new();
    daemon.engine_listening(&client).await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let _ = seeder.connect_peer(id, std::net::IpAddr::from([127, 0, 0, 1]), port);
        let got = daemon
            .metric(&client, "revaer_engine_payload_received_bytes_total")
            .await?;
        if before + got >= until {
            return Ok(got);
        }
        assert!(Instant::now() < deadline, "stuck at {} bytes", before + got);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[actix_rt::test]
async fn kill_9_at_40_percent_does_not_fetch_the_download_again() -> TestResult {
    // What is asserted is the durability property: progress-triggered
    // resume saves keep a SIGKILL from costing what was downloaded. A
    // regression (no such saves) re-fetches 19-25 MB of the 48 MiB every
    // time; a working engine 1-4 MB on a quiet machine and up to 12.4 MB
    // with both cores saturated by builds. The aim (at most ~2 s of
    // transfer or 5 %) is a speed figure: this test prints it, and
    // docs/benchmarks.md records it from a quiet run, as the house rules
    // want for timing targets on shared machines. One run over the bound
    // earns a second, fresh run; two over it fail.
    let bound = PAYLOAD_BYTES as f64 / 3.0;
    let first = kill_at_40_percent().await?;
    if first.extra <= bound {
        return Ok(());
    }
    eprintln!("over the bound once; measuring again on a fresh database and peer");
    let second = kill_at_40_percent().await?;
    assert!(
        second.extra <= bound,
        "{} then {} bytes fetched again, bound {bound} (aim {})",
        first.extra,
        second.extra,
        second.aim
    );
    Ok(())
}

/// What one kill run re-fetched, and the aim it is held to (bytes).
struct Refetch {
    extra: f64,
    aim: f64,
}

/// Downloads a rate-limited torrent in three daemon runs (clean stop at
/// 2 %, SIGKILL at 40 %, finish) and measures the bytes fetched twice.
async fn kill_at_40_percent() -> Result<Refetch, Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let seed_root = dir.path().join("seed");
    let (seeder, id, torrent, bytes) = seeder(&seed_root)?;

    // The catalogue says which torrents must exist; put one there with a
    // per-torrent limit so the download takes several seconds.
    let db = revaer_schema::testing::TestDatabase::loopback()?;
    let engine_port = free_port()?;
    let downloads = dir.path().join("downloads");
    {
        let mut conn = db.connect()?;
        diesel::sql_query(format!(
            "UPDATE engine_profile SET listen_port = {engine_port}, download_root = '{}', resume_dir = '{}'",
            downloads.display(),
            dir.path().join("resume").display()
        ))
        .execute(&mut conn)?;
        // An installed daemon: in setup mode the engine would wait.
        diesel::sql_query("UPDATE app_profile SET mode = 'active'").execute(&mut conn)?;
        revaer_schema::models::torrents::insert(
            &mut conn,
            &revaer_schema::models::torrents::NewTorrent {
                id: id.clone(),
                name: "payload".into(),
                source_kind: "file".into(),
                magnet_uri: None,
                torrent_file: Some(torrent.clone()),
                save_path: downloads.to_string_lossy().into_owned(),
                category: None,
                tags: serde_json::json!([]),
                file_priorities: serde_json::json!([]),
                sequential: false,
                download_limit: RATE as i64,
                upload_limit: 0,
                paused: false,
                state: "queued".into(),
                total_size: 0,
                content_layout: "original".into(),
                first_last_piece_prio: false,
                super_seeding: false,
            },
        )?;
    }
    let client = reqwest::Client::new();
    let payload = PAYLOAD_BYTES as f64;

    // Run 1 starts the download and stops cleanly: from here on the torrent
    // has resume data, as any torrent running for a while has.
    let mut first = Daemon::spawn(db.url())?;
    let got1 = download_until(&first, &seeder, &id, engine_port, 0.0, payload * 0.02).await?;
    first.signal("TERM")?;
    first.wait_exit(Duration::from_secs(30))?;
    seeder_idle(&seeder, &id).await?;

    // Run 2 continues and is killed at about 40 %.
    let mut second = Daemon::spawn(db.url())?;
    let got2 = download_until(&second, &seeder, &id, engine_port, got1, payload * 0.4).await?;
    second.signal("KILL")?;
    second.wait_exit(Duration::from_secs(10))?;
    seeder_idle(&seeder, &id).await?;

    // Run 3 finishes.
    let third = Daemon::spawn(db.url())?;
    third.engine_listening(&client).await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let _ = seeder.connect_peer(&id, std::net::IpAddr::from([127, 0, 0, 1]), engine_port);
        let seeding = third
            .metric(&client, "revaer_engine_torrents{state=\"seeding\"}")
            .await?;
        if seeding >= 1.0 {
            break;
        }
        assert!(Instant::now() < deadline, "third run never completed");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let file = std::fs::read(downloads.join("payload/movie.mkv"))?;
    assert!(file == bytes, "downloaded file matches the original");
    // The counter is refreshed every pump tick.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let got3 = third
        .metric(&client, "revaer_engine_payload_received_bytes_total")
        .await?;

    // Every payload byte the engine received beyond one copy was fetched
    // twice. (Counted by the engine, not the seeder: the seeder also counts
    // what sat in loopback socket buffers when the engine died, megabytes
    // the engine never fetched. got1 and got2 are read just before their
    // signals, so they may miss one poll's worth, about 0.2 MB.) The aim:
    // at most two seconds of transfer or 5 % of the payload, whichever is
    // larger.
    let extra = got1 + got2 + got3 - payload;
    let aim = (2.0 * RATE as f64).max(0.05 * payload);
    let sent = seeder.status(&id)?.all_time_upload as f64 - payload;
    eprintln!(
        "kill -9 at 40 %: {extra} bytes fetched again ({:.2} s at the limit; aim {aim}); the seeder sent {sent} extra",
        extra / RATE as f64
    );
    Ok(Refetch { extra, aim })
}
