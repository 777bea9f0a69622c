//! What the composition root gives the orchestrator.

use actix::dev::ToEnvelope;
use actix::{Actor, Addr, Handler, Recipient};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{ControlTorrent, GetTorrent, MoveStorage};
use revaer_messages::events::Publish;
use revaer_messages::health::HealthBoard;
use revaer_messages::hub::Subscribe;
use revaer_schema::PgPool;
use std::sync::Arc;

use crate::engine_link::EngineLink;
use crate::fs::{FileSystem, RealFs};
use crate::metrics::FsopsMetrics;
use crate::runner::RetryPolicy;
use crate::steps::TestHooks;

/// Everything the orchestrator needs from the composition root.
#[derive(Clone)]
pub struct FsopsOptions {
    /// The job store (and the catalogue, for torrents the engine forgot).
    pub pool: PgPool,
    /// Configuration at start; later revisions arrive as `ConfigChanged`.
    pub config: Arc<ConfigSnapshot>,
    /// Health board.
    pub health: HealthBoard,
    /// Metrics.
    pub metrics: FsopsMetrics,
    /// Where FsOps events go.
    pub events: Option<Recipient<Publish>>,
    /// The hub to hear `completed` events from.
    pub hub: Option<Recipient<Subscribe>>,
    /// The engine, told to move storage in move mode.
    pub engine: Option<EngineLink>,
    /// The engine, asked for a finished torrent's files.
    pub engine_query: Option<Recipient<GetTorrent>>,
    /// The EXDEV seam (tests substitute it).
    pub fs: Arc<dyn FileSystem>,
    /// Jobs running at once.
    pub max_concurrent: usize,
    /// Backoff of failed runs.
    pub retry: RetryPolicy,
    /// Crash simulation (tests only).
    pub hooks: TestHooks,
}

impl FsopsOptions {
    /// Production defaults.
    pub fn new(
        pool: PgPool,
        config: Arc<ConfigSnapshot>,
        health: HealthBoard,
        metrics: FsopsMetrics,
    ) -> Self {
        Self {
            pool,
            config,
            health,
            metrics,
            events: None,
            hub: None,
            engine: None,
            engine_query: None,
            fs: Arc::new(RealFs),
            max_concurrent: 2,
            retry: RetryPolicy::default(),
            hooks: TestHooks::default(),
        }
    }

    /// Connects the orchestrator to the event hub (it publishes its events
    /// there and hears `completed` from it) and to the torrent engine (file
    /// lists, pause/move/resume for `move` mode).
    pub fn connect<H, E>(&mut self, hub: &Addr<H>, engine: &Addr<E>)
    where
        H: Actor + Handler<Publish> + Handler<Subscribe>,
        H::Context: ToEnvelope<H, Publish> + ToEnvelope<H, Subscribe>,
        E: Actor + Handler<ControlTorrent> + Handler<MoveStorage> + Handler<GetTorrent>,
        E::Context:
            ToEnvelope<E, ControlTorrent> + ToEnvelope<E, MoveStorage> + ToEnvelope<E, GetTorrent>,
    {
        self.events = Some(hub.clone().recipient());
        self.hub = Some(hub.clone().recipient());
        self.engine = Some(EngineLink::of(engine));
        self.engine_query = Some(engine.clone().recipient());
    }
}
