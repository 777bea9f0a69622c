//! Engine test harness: a real TorrentSession actor over a fresh database,
//! a real libtorrent seeder on loopback (from `libtorrent_sys::testing`),
//! and an event collector.

// `allow`, not `expect`: each test binary compiles this module and uses a
// different subset, so "unused" is true in some binaries and not others.
#![allow(dead_code)]

use actix::Addr;
use prometheus::Registry;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{
    AddOptions as EngineAdd, AddTorrent, ConnectPeer, ControlTorrent, EngineError, TorrentCommand,
    TorrentSource,
};
use revaer_messages::events::{Event, Publish};
use revaer_messages::health::HealthBoard;
use revaer_messages::torrent::{TorrentId, TorrentSummary};
use revaer_schema::testing::TestDatabase;
use revaer_testkit::{collect, EventLog};
use revaer_torrent::{EngineMetrics, EngineOptions, TorrentSession};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// The payload generator, hashing and the loopback seeder are shared with
/// the libtorrent-sys and server tests.
// `allow`, not `expect`: used by some test binaries and not others.
#[allow(unused_imports)]
pub use libtorrent_sys::testing::{sha256_file, Seeder};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Upper bound of any wait in these tests.
pub const TIMEOUT: Duration = Duration::from_secs(90);

/// The engine under test and what it needs.
pub struct Engine {
    pub addr: Addr<TorrentSession>,
    pub events: EventLog,
    pub metrics: EngineMetrics,
    pub health: HealthBoard,
    pub downloads: PathBuf,
    pub resume_dir: PathBuf,
}

/// Loopback engine settings over a migrated test database, in active mode
/// (in setup mode the engine waits; see tests/setup_mode.rs).
pub fn snapshot(
    db: &TestDatabase,
    root: &Path,
) -> Result<ConfigSnapshot, Box<dyn std::error::Error>> {
    let mut snapshot = revaer_testkit::active_loopback_snapshot(db)?;
    let engine = &mut snapshot.engine_profile;
    engine.max_active = -1;
    engine.download_root = root.join("downloads").to_string_lossy().into_owned();
    engine.resume_dir = root.join("resume").to_string_lossy().into_owned();
    snapshot.fs_policy.allow_paths = vec![root.to_string_lossy().into_owned()];
    Ok(snapshot)
}

impl Engine {
    pub fn start(
        db: &TestDatabase,
        snapshot: &ConfigSnapshot,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        Self::start_with(db, snapshot, |_| {})
    }

    /// Like `start`, with `tune` applied to the engine options last.
    pub fn start_with(
        db: &TestDatabase,
        snapshot: &ConfigSnapshot,
        tune: impl FnOnce(&mut EngineOptions),
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let registry = Registry::new();
        let metrics = EngineMetrics::register(&registry)?;
        let health = HealthBoard::default();
        let pool = revaer_schema::pool::build_pool(db.url(), 4)?;
        let (collector, events) = collect::<Publish>();
        health.announce_to(collector.clone().recipient());
        let mut options = EngineOptions::new(
            pool,
            Arc::new(snapshot.clone()),
            health.clone(),
            metrics.clone(),
        );
        options.events = Some(collector.recipient());
        options.port_mapping = false;
        options.resume_interval = Duration::from_millis(500);
        tune(&mut options);
        let addr = actix::Supervisor::start(move |_| TorrentSession::new(options));
        Ok(Self {
            addr,
            events: EventLog(events),
            metrics,
            health,
            downloads: PathBuf::from(&snapshot.engine_profile.download_root),
            resume_dir: PathBuf::from(&snapshot.engine_profile.resume_dir),
        })
    }

    /// The first page (up to 500) of torrents, or why there is none.
    pub async fn listed(
        &self,
    ) -> Result<Result<Vec<TorrentSummary>, EngineError>, actix::MailboxError> {
        let query = revaer_messages::listing::TorrentQuery {
            filter: Default::default(),
            sort: Default::default(),
            order: Default::default(),
            limit: revaer_messages::listing::MAX_LIMIT,
            after: None,
        };
        let page = self
            .addr
            .send(revaer_messages::listing::ListQuery(query))
            .await?;
        Ok(page.map(|p| p.items))
    }

    /// Waits until the engine serves commands with `count` torrents.
    pub async fn wait_ready(&self, count: usize) -> TestResult {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let listed = self.listed().await?;
            if listed.as_ref().is_ok_and(|l| l.len() == count) {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("engine not ready with {count} torrents: {listed:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn add(
        &self,
        source: TorrentSource,
        options: EngineAdd,
    ) -> Result<TorrentSummary, Box<dyn std::error::Error>> {
        Ok(self
            .addr
            .send(AddTorrent {
                source,
                options,
                request_id: None,
            })
            .await??)
    }

    pub async fn command(&self, id: &TorrentId, command: TorrentCommand) -> TestResult {
        self.addr
            .send(ControlTorrent {
                id: id.clone(),
                command,
                request_id: None,
            })
            .await??;
        Ok(())
    }

    /// Dials a peer for a torrent (not an API action).
    pub async fn connect(&self, id: &TorrentId, peer: std::net::SocketAddr) -> TestResult {
        self.addr
            .send(ConnectPeer {
                id: id.clone(),
                peer,
            })
            .await??;
        Ok(())
    }

    /// Waits for the first event matching `pick`.
    pub async fn wait_for<T>(
        &mut self,
        pick: impl FnMut(&Event) -> Option<T>,
    ) -> Result<T, Box<dyn std::error::Error>> {
        self.events.wait_for(pick).await
    }

    /// Waits for completion, re-dialling the peer every few seconds: after a
    /// restart the seeder may still hold the previous engine's connection
    /// from the same address and refuse the first attempt.
    pub async fn wait_completed_from(
        &mut self,
        id: &TorrentId,
        peer: std::net::SocketAddr,
    ) -> TestResult {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let _ = self.connect(id, peer).await;
            let until = (tokio::time::Instant::now() + Duration::from_secs(3)).min(deadline);
            loop {
                match tokio::time::timeout_at(until, self.events.0.recv()).await {
                    Ok(Some(Publish {
                        event: Event::Completed { torrent, .. },
                        ..
                    })) if torrent == *id => return Ok(()),
                    Ok(Some(_)) => continue,
                    Ok(None) => return Err("event channel closed".into()),
                    Err(_) => break,
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err("torrent did not complete in time".into());
            }
        }
    }

    /// Adds the seeder's .torrent with default options and downloads it
    /// from the seeder to completion; returns the torrent's id.
    pub async fn download_from(
        &mut self,
        seeder: &Seeder,
    ) -> Result<TorrentId, Box<dyn std::error::Error>> {
        let summary = self
            .add(
                TorrentSource::File(seeder.torrent.clone()),
                EngineAdd::default(),
            )
            .await?;
        self.wait_completed_from(&summary.id, seeder.addr()).await?;
        Ok(summary.id)
    }

    pub async fn wait_completed(&mut self, id: &TorrentId) -> TestResult {
        self.wait_for(|e| {
            matches!(e, Event::Completed { torrent, .. } if torrent == id).then_some(())
        })
        .await
    }
}

/// The summary of `id`, polled until `done` holds.
pub async fn wait_until(
    engine: &Engine,
    id: &TorrentId,
    what: &str,
    done: impl Fn(&TorrentSummary) -> bool,
) -> Result<TorrentSummary, Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let listed = engine.listed().await?.unwrap_or_default();
        let found = listed.into_iter().find(|s| s.id == *id);
        if let Some(summary) = found.as_ref().filter(|s| done(s)) {
            return Ok(summary.clone());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}; last {found:?}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An engine with one active slot, so a second download waits in the queue.
pub async fn one_slot_engine(
    db: &TestDatabase,
    dir: &Path,
) -> Result<Engine, Box<dyn std::error::Error>> {
    let mut config = snapshot(db, dir)?;
    config.engine_profile.max_active = 1;
    let engine = Engine::start(db, &config)?;
    engine.wait_ready(0).await?;
    Ok(engine)
}

/// Adds a 64 KiB torrent nobody seeds, so it stays a download; the piece
/// size differs per name so each gets its own info hash.
pub async fn add_incomplete(
    engine: &Engine,
    src: &Path,
    name: &str,
    options: EngineAdd,
) -> Result<TorrentId, Box<dyn std::error::Error>> {
    let torrent = libtorrent_sys::testing::make_torrent(
        src,
        name,
        &[("a.bin", 64 * 1024)],
        &[],
        name.len() as u64,
    )?;
    Ok(engine.add(TorrentSource::File(torrent), options).await?.id)
}
