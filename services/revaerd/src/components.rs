//! The long-lived actors, started in dependency order: event hub → config
//! watcher → torrent engine (on its own arbiter) → FsOps. Each later one is
//! wired to the earlier ones and subscribed to configuration changes.

use actix::{Addr, Supervisor, SyncArbiter};
use prometheus::Registry;
use revaer_config::{ConfigWatcher, WatcherMetrics, WatcherSettings};
use revaer_events::{EventHub, HubConfig, HubMetrics};
use revaer_fsops::{FsOpsOrchestrator, FsopsMetrics, FsopsOptions};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::health::HealthBoard;
use revaer_messages::watch::SubscribeConfig;
use revaer_schema::PgPool;
use revaer_torrent::{EngineMetrics, EngineOptions, TorrentReader, TorrentSession};
use std::sync::Arc;

use crate::boot::{BootError, Options};

/// The started actors.
pub struct Components {
    /// Event fan-out with replay.
    pub hub: Addr<EventHub>,
    /// Configuration watcher.
    pub watcher: Addr<ConfigWatcher>,
    /// Torrent engine.
    pub engine: Addr<TorrentSession>,
    /// The engine's own thread.
    pub engine_arbiter: actix::Arbiter,
    /// Answers list and detail queries from the engine's snapshot, on two
    /// threads of its own, so they never queue behind libtorrent work.
    pub reader: Addr<TorrentReader>,
    /// Post-processing.
    pub fsops: Addr<FsOpsOrchestrator>,
}

/// Starts the actors in order and wires them together.
pub async fn start(
    options: &Options,
    pool: &PgPool,
    snapshot: &ConfigSnapshot,
    registry: &Registry,
    health: &HealthBoard,
) -> Result<Components, BootError> {
    let hub = start_hub(options, registry)?;
    // From here on every change of a component's status is an event.
    health.announce_to(hub.clone().recipient());

    let watcher_metrics = WatcherMetrics::register(registry)?;
    let watcher_settings =
        WatcherSettings::new(options.database_url.clone()).with_timing(options.watcher_timing);
    let watcher_health = health.clone();
    let hub_recipient = hub.clone().recipient();
    let watcher = Supervisor::start(move |_| {
        ConfigWatcher::new(watcher_settings, watcher_health, watcher_metrics)
            .with_events(hub_recipient)
    });

    // The engine gets its own arbiter: libtorrent calls are quick but
    // synchronous, and must never hold up the HTTP workers or other actors.
    let mut engine_options = EngineOptions::new(
        pool.clone(),
        Arc::new(snapshot.clone()),
        health.clone(),
        EngineMetrics::register(registry)?,
    );
    engine_options.events = Some(hub.clone().recipient());
    let view = engine_options.view.clone();
    let reader = SyncArbiter::start(2, move || TorrentReader::new(view.clone()));
    let engine_arbiter = actix::Arbiter::new();
    let engine = Supervisor::start_in_arbiter(&engine_arbiter.handle(), move |_| {
        TorrentSession::new(engine_options)
    });
    watcher
        .send(SubscribeConfig(engine.clone().recipient()))
        .await?;

    // FsOps post-processes finished torrents into the library: it hears
    // `completed` from the hub, asks the engine for the files, tells it where
    // moved payloads went, and resumes unfinished jobs from `fs_jobs`.
    let mut fsops_options = FsopsOptions::new(
        pool.clone(),
        Arc::new(snapshot.clone()),
        health.clone(),
        FsopsMetrics::register(registry)?,
    );
    fsops_options.connect(&hub, &engine);
    let fsops = Supervisor::start(move |_| FsOpsOrchestrator::new(fsops_options));
    watcher
        .send(SubscribeConfig(fsops.clone().recipient()))
        .await?;

    Ok(Components {
        hub,
        watcher,
        engine,
        engine_arbiter,
        reader,
        fsops,
    })
}

/// The event hub. Ids continue above anything a previous process handed
/// out, so a client resuming with an old Last-Event-ID gets a resync, never
/// unrelated events.
fn start_hub(options: &Options, registry: &Registry) -> Result<Addr<EventHub>, BootError> {
    let hub_metrics = HubMetrics::register(registry)?;
    let hub_config = HubConfig {
        buffer_size: options.event_buffer,
        subscriber_queue: options.event_queue,
    };
    let first_id = u64::try_from(chrono::Utc::now().timestamp_micros()).unwrap_or(0);
    Ok(Supervisor::start(move |_| {
        EventHub::new(hub_config, hub_metrics).starting_after(first_id)
    }))
}
