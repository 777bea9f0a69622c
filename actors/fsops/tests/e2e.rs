//! End to end with the real engine on loopback: a torrent downloaded from a
//! libtorrent seeder lands in the library through the hub's `completed`
//! event, with the configured permissions, and with `move` the engine keeps
//! seeding it from the library (a fresh peer downloads it from there).

mod support;

use actix::Actor;
use libtorrent_sys::{create_torrent, AddOptions, Session, SessionSettings};
use prometheus::Registry;
use revaer_events::{EventHub, HubConfig, HubMetrics};
use revaer_fsops::plan::Step;
use revaer_fsops::{FsOpsOrchestrator, FsopsMetrics, FsopsOptions, MetaStore};
use revaer_messages::config::MoveMode;
use revaer_messages::engine::{
    AddOptions as EngineAdd, AddTorrent, ConnectPeer, GetEngineStatus, GetTorrent, TorrentSource,
};
use revaer_messages::fsops::JobStatus;
use revaer_messages::health::HealthBoard;
use revaer_messages::torrent::TorrentState;
use revaer_schema::testing::TestDatabase;
use revaer_torrent::{EngineMetrics, EngineOptions, TorrentSession};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use support::{bytes, snapshot, wait_final, Sandbox, TestResult};

const PAYLOAD: &[(&str, usize)] = &[
    ("a.bin", 3 * 1024 * 1024 + 17),
    ("sub/b.bin", 1024 * 1024 + 5),
    ("sub/deeper/c.txt", 4321),
];

#[actix_rt::test]
async fn a_loopback_download_lands_in_the_library_and_keeps_seeding() -> TestResult {
    let sandbox = Sandbox::new()?;
    // The seeder's copy lives outside the allowed root: FsOps never sees it.
    let seed_dir = sandbox.outside.join("seed");
    for (i, (rel, size)) in PAYLOAD.iter().enumerate() {
        let path = seed_dir.join("payload").join(rel);
        std::fs::create_dir_all(path.parent().ok_or("parent")?)?;
        std::fs::write(path, bytes(i as u64 + 100, *size))?;
    }
    let torrent = create_torrent(&seed_dir.join("payload"), 0, &[], "revaer fsops test")?;
    let seeder = Session::new(&SessionSettings::loopback())?;
    seeder.add_torrent_file(
        &torrent,
        &AddOptions::with_save_path(seed_dir.to_string_lossy()),
    )?;
    let seeder_port = seeder.listen_port()?;

    let db = TestDatabase::migrated()?;
    let mut policy = sandbox.policy();
    policy.move_mode = MoveMode::Move;
    policy.chmod_file = Some("640".into());
    policy.chmod_dir = Some("750".into());
    let mut config = snapshot(&db, &policy)?;
    let engine_profile = &mut config.engine_profile;
    engine_profile.listen_interface = "127.0.0.1".into();
    engine_profile.listen_port = 0;
    engine_profile.dht = false;
    engine_profile.lsd = false;
    engine_profile.pex = false;
    engine_profile.max_active = -1;
    engine_profile.download_root = sandbox.downloads.to_string_lossy().into_owned();
    engine_profile.resume_dir = sandbox.root.join("resume").to_string_lossy().into_owned();
    let config = Arc::new(config);

    let registry = Registry::new();
    let hub = EventHub::new(HubConfig::default(), HubMetrics::register(&registry)?).start();
    let health = HealthBoard::default();
    let pool = revaer_schema::pool::build_pool(db.url(), 4)?;
    let mut engine_options = EngineOptions::new(
        pool.clone(),
        config.clone(),
        health.clone(),
        EngineMetrics::register(&registry)?,
    );
    engine_options.events = Some(hub.clone().recipient());
    engine_options.port_mapping = false;
    let engine = actix::Supervisor::start(move |_| TorrentSession::new(engine_options));

    let mut fsops_options = FsopsOptions::new(
        pool,
        config.clone(),
        health.clone(),
        FsopsMetrics::register(&registry)?,
    );
    fsops_options.connect(&hub, &engine);
    let _fsops = actix::Supervisor::start(move |_| FsOpsOrchestrator::new(fsops_options));
    tokio::time::sleep(Duration::from_millis(300)).await;

    let summary = engine
        .send(AddTorrent {
            source: TorrentSource::File(torrent.clone()),
            options: EngineAdd::default(),
            request_id: None,
        })
        .await??;
    let id = summary.id.clone();
    let seeder_addr = std::net::SocketAddr::from(([127, 0, 0, 1], seeder_port));
    // Dial the seeder until the job is done (a first dial can race the
    // seeder's own start-up).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let row = loop {
        let _ = engine
            .send(ConnectPeer {
                id: id.clone(),
                peer: seeder_addr,
            })
            .await;
        if let Some(row) = revaer_schema::models::fs_jobs::find(&mut db.connect()?, id.as_str())?
            .filter(|r| r.status == JobStatus::Done || r.status == JobStatus::Failed)
        {
            break row;
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the download was not post-processed in time".into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let row = if row.status == JobStatus::Done {
        row
    } else {
        wait_final(&db, &id).await?
    };
    assert_eq!(row.status, JobStatus::Done, "{:?}", row.last_error);

    // In the library, with the policy's modes; gone from the downloads.
    let dest = sandbox.library.join("payload");
    for (i, (rel, size)) in PAYLOAD.iter().enumerate() {
        let file = dest.join(rel);
        assert_eq!(std::fs::read(&file)?, bytes(i as u64 + 100, *size), "{rel}");
        assert_eq!(
            std::fs::metadata(&file)?.permissions().mode() & 0o7777,
            0o640,
            "{rel}"
        );
        assert!(
            !sandbox.downloads.join("payload").join(rel).exists(),
            "{rel} moved"
        );
    }
    for dir in [dest.clone(), dest.join("sub"), dest.join("sub/deeper")] {
        assert_eq!(
            std::fs::metadata(&dir)?.permissions().mode() & 0o7777,
            0o750
        );
    }
    let meta = MetaStore::read(&dest)?.ok_or("meta")?;
    assert_eq!(meta.completed_steps, Step::ALL.to_vec());

    // The engine follows: save path is the library, the torrent seeds.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let detail = engine.send(GetTorrent { id: id.clone() }).await??;
        let here = Path::new(&detail.summary.save_path) == sandbox.library;
        if here && detail.summary.state == TorrentState::Seeding {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!(
                "engine did not settle: {} {:?} {:?}",
                detail.summary.save_path, detail.summary.state, detail.summary.error
            )
            .into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Proof it seeds from the library: the original seeder leaves, a fresh
    // peer downloads everything from the engine alone.
    drop(seeder);
    let engine_port = engine.send(GetEngineStatus).await??.listen_port;
    let leech_dir = sandbox.outside.join("leech");
    std::fs::create_dir_all(&leech_dir)?;
    let leecher = Session::new(&SessionSettings::loopback())?;
    let leech_id = leecher.add_torrent_file(
        &torrent,
        &AddOptions::with_save_path(leech_dir.to_string_lossy()),
    )?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let _ = leecher.connect_peer(&leech_id, [127, 0, 0, 1].into(), engine_port);
        let status = leecher.status(&leech_id)?;
        if status.is_seeding || status.progress >= 1.0 {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the leecher got {} from the library", status.progress).into());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    for (i, (rel, size)) in PAYLOAD.iter().enumerate() {
        assert_eq!(
            std::fs::read(leech_dir.join("payload").join(rel))?,
            bytes(i as u64 + 100, *size),
            "{rel} as served from the library"
        );
    }
    Ok(())
}
