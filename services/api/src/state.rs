//! Shared state of the HTTP layer (one clone per worker).

use actix::dev::ToEnvelope;
use actix::{Actor, Addr, Handler, Recipient};
use prometheus::Registry;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{
    AddTorrent, ConnectPeer, ControlTorrent, GetEngineStatus, GetPieceStates, GetTorrent,
    MoveInQueue, MoveStorage, RemoveTorrent,
};
use revaer_messages::fsops::{CancelFsops, GetFsopsState, RetryFsops};
use revaer_messages::health::HealthBoard;
use revaer_messages::hub::{Subscribe, Unsubscribe};
use revaer_messages::listing::ListQuery;
use revaer_schema::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

use crate::auth::KeyCache;
use crate::drain::Drain;
use crate::error::ApiError;
use crate::health_metrics::HealthMetrics;
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::sse::HEARTBEAT_INTERVAL;
use crate::telemetry::HttpMetrics;

/// Default of [`ApiSettings::torrent_file_limit`]: 10 MiB.
pub const DEFAULT_TORRENT_FILE_LIMIT: usize = 10 * 1024 * 1024;

/// The torrent engine's mailboxes, one per message the API sends. Holding
/// recipients (not the actor's address) keeps this crate free of the engine
/// implementation.
#[derive(Clone)]
pub struct EngineHandles {
    /// Add a torrent.
    pub add: Recipient<AddTorrent>,
    /// Pause, resume, limits, priorities, ...
    pub control: Recipient<ControlTorrent>,
    /// Remove a torrent.
    pub remove: Recipient<RemoveTorrent>,
    /// One torrent's detail.
    pub get: Recipient<GetTorrent>,
    /// One torrent's piece states.
    pub pieces: Recipient<GetPieceStates>,
    /// A filtered, ordered page of summaries.
    pub list: Recipient<ListQuery>,
    /// Engine status.
    pub status: Recipient<GetEngineStatus>,
    /// Move a torrent's storage (the facade's `setLocation`).
    pub move_storage: Recipient<MoveStorage>,
    /// Dial a peer (the facade's `addPeers`).
    pub connect_peer: Recipient<ConnectPeer>,
    /// Move torrents through the download queue.
    pub queue: Recipient<MoveInQueue>,
}

impl EngineHandles {
    /// Every handle of one engine actor.
    pub fn of<A>(addr: &Addr<A>) -> Self
    where
        A: Actor
            + Handler<AddTorrent>
            + Handler<ControlTorrent>
            + Handler<RemoveTorrent>
            + Handler<GetTorrent>
            + Handler<GetPieceStates>
            + Handler<ListQuery>
            + Handler<GetEngineStatus>
            + Handler<MoveStorage>
            + Handler<ConnectPeer>
            + Handler<MoveInQueue>,
        A::Context: ToEnvelope<A, AddTorrent>
            + ToEnvelope<A, ControlTorrent>
            + ToEnvelope<A, RemoveTorrent>
            + ToEnvelope<A, GetTorrent>
            + ToEnvelope<A, GetPieceStates>
            + ToEnvelope<A, ListQuery>
            + ToEnvelope<A, GetEngineStatus>
            + ToEnvelope<A, MoveStorage>
            + ToEnvelope<A, ConnectPeer>
            + ToEnvelope<A, MoveInQueue>,
    {
        Self {
            add: addr.clone().recipient(),
            control: addr.clone().recipient(),
            remove: addr.clone().recipient(),
            get: addr.clone().recipient(),
            pieces: addr.clone().recipient(),
            list: addr.clone().recipient(),
            status: addr.clone().recipient(),
            move_storage: addr.clone().recipient(),
            connect_peer: addr.clone().recipient(),
            queue: addr.clone().recipient(),
        }
    }
}

/// The messages the API sends to the FsOps orchestrator.
#[derive(Clone)]
pub struct FsopsHandles {
    /// Retry a torrent's job.
    pub retry: Recipient<RetryFsops>,
    /// Read a torrent's job state (for the torrent detail).
    pub state: Recipient<GetFsopsState>,
    /// Stop a removed torrent's job and clean what it left.
    pub cancel: Recipient<CancelFsops>,
}

impl FsopsHandles {
    /// Handles to one orchestrator.
    pub fn new<A>(fsops: &Addr<A>) -> Self
    where
        A: Actor + Handler<RetryFsops> + Handler<GetFsopsState> + Handler<CancelFsops>,
        A::Context:
            ToEnvelope<A, RetryFsops> + ToEnvelope<A, GetFsopsState> + ToEnvelope<A, CancelFsops>,
    {
        Self {
            retry: fsops.clone().recipient(),
            state: fsops.clone().recipient(),
            cancel: fsops.clone().recipient(),
        }
    }
}

/// Tunables of the HTTP layer.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// How long a setup token stays valid.
    pub setup_token_ttl: Duration,
    /// How long a write waits for the watcher to deliver its revision before
    /// answering anyway (the write is committed either way).
    pub config_wait: Duration,
    /// How long an SSE stream may stay silent before a heartbeat comment.
    pub sse_heartbeat: Duration,
    /// Per-IP bucket and health thresholds of the rate limiter.
    pub rate_limit: RateLimitSettings,
    /// Largest accepted `.torrent` upload in bytes (bigger ones get `413`
    /// as soon as the excess is seen, before the rest is read).
    pub torrent_file_limit: usize,
    /// Log one line per request (target `revaer::access`).
    pub access_log: bool,
    /// How often a `sync/maindata` client's deltas also re-read the running
    /// torrents, whose seeding and active time change without any event.
    pub maindata_sweep: Duration,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            setup_token_ttl: Duration::from_secs(15 * 60),
            config_wait: Duration::from_secs(5),
            sse_heartbeat: HEARTBEAT_INTERVAL,
            rate_limit: RateLimitSettings::default(),
            torrent_file_limit: DEFAULT_TORRENT_FILE_LIMIT,
            access_log: false,
            maindata_sweep: Duration::from_secs(10),
        }
    }
}

/// Everything handlers need.
#[derive(Clone)]
pub struct ApiState {
    /// Database pool (used only through `revaer-schema` functions on blocking threads).
    pub pool: PgPool,
    /// The configuration as delivered by the watcher.
    pub config: watch::Receiver<Arc<ConfigSnapshot>>,
    /// Component health.
    pub health: HealthBoard,
    /// The process's metrics registry.
    pub registry: Registry,
    /// HTTP metrics.
    pub http_metrics: HttpMetrics,
    /// Build and component-health gauges.
    pub health_metrics: HealthMetrics,
    /// Verified API keys.
    pub keys: KeyCache,
    /// Token buckets per API key and per client IP (one shared instance).
    pub rate_limits: RateLimits,
    /// Attaches SSE clients to the event hub.
    pub subscribe: Recipient<Subscribe>,
    /// Detaches them when their connection goes away.
    pub unsubscribe: Recipient<Unsubscribe>,
    /// The torrent engine; `None` (e.g. in hand-built test states) makes
    /// the torrent routes answer `503`.
    pub engine: Option<EngineHandles>,
    /// The post-processing orchestrator; `None` makes the retry route
    /// answer `503` and torrent details show no FsOps state.
    pub fsops: Option<FsopsHandles>,
    /// Fires at shutdown; ends event streams so they do not hold it up.
    pub drain: Drain,
    /// Actors whose death makes `/health` fail (see `vital.rs`).
    pub vital: Vec<crate::vital::VitalActor>,
    /// Tunables.
    pub settings: ApiSettings,
    /// Process start, for uptime.
    pub started_at: Instant,
    /// The qBittorrent facade's sessions and sync state.
    pub qbit: crate::qbit::QbitState,
}

impl ApiState {
    /// The configuration in force.
    pub fn snapshot(&self) -> Arc<ConfigSnapshot> {
        self.config.borrow().clone()
    }

    /// Waits until the watcher has delivered `revision` (read-your-writes for
    /// the client that made the change).
    pub async fn wait_for_revision(&self, revision: i64) -> Arc<ConfigSnapshot> {
        let mut rx = self.config.clone();
        let waited = tokio::time::timeout(
            self.settings.config_wait,
            rx.wait_for(|s| s.revision >= revision),
        )
        .await;
        if !matches!(waited, Ok(Ok(_))) {
            tracing::warn!(
                config.revision = revision,
                "watcher has not delivered the new revision yet"
            );
        }
        self.snapshot()
    }

    /// The engine's handles, or `503` when there is no engine.
    pub fn engine(&self) -> Result<&EngineHandles, ApiError> {
        self.engine
            .as_ref()
            .ok_or_else(|| ApiError::unavailable("the torrent engine is not running"))
    }

    /// Runs blocking database work on actix's blocking pool.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut diesel::PgConnection) -> Result<T, ApiError> + Send + 'static,
    {
        revaer_schema::pool::blocking(&self.pool, work).await
    }
}
