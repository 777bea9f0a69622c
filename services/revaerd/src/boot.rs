//! Startup order, the composition root of Revaer:
//! database (create, migrate, first snapshot) → metrics and health →
//! event hub → config watcher → torrent engine → FsOps → HTTP view of the config →
//! HTTP server.
//! Shutdown runs the other way (see `shutdown`).

use actix::{Actor, Addr};
use actix_web::dev::ServerHandle;
use prometheus::Registry;
use revaer_api::auth::KeyCache;
use revaer_api::health_metrics::HealthMetrics;
use revaer_api::telemetry::HttpMetrics;
use revaer_api::{
    ApiSettings, ApiState, ConfigView, Drain, DrainTrigger, EngineHandles, FsopsHandles,
    RateLimits, VitalActor,
};
use revaer_config::{ConfigWatcher, ListenTiming};
use revaer_events::{EventHub, HubConfig};
use revaer_fsops::FsOpsOrchestrator;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::health::HealthBoard;
use revaer_messages::watch::SubscribeConfig;
use revaer_schema::models::config;
use revaer_schema::{migrate, pool, DbError, PgPool};
use revaer_torrent::TorrentSession;

use crate::components;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Instant;

/// Connections in the shared pool (the LISTEN connection is separate).
const POOL_SIZE: u32 = 16;

/// How the server is started (from flags in production, from tests directly).
#[derive(Debug, Clone)]
pub struct Options {
    /// PostgreSQL URL.
    pub database_url: String,
    /// Overrides the stored bind address and port.
    pub bind: Option<SocketAddr>,
    /// HTTP worker threads.
    pub workers: usize,
    /// Config watcher timing (tests shorten it).
    pub watcher_timing: ListenTiming,
    /// HTTP tunables.
    pub api: ApiSettings,
    /// Event replay buffer size.
    pub event_buffer: usize,
    /// Live events an SSE subscriber may have unread before it is dropped.
    pub event_queue: usize,
}

impl Options {
    /// Production defaults for `database_url`.
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: None,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            watcher_timing: ListenTiming::default(),
            api: ApiSettings::default(),
            event_buffer: HubConfig::default().buffer_size,
            event_queue: HubConfig::default().subscriber_queue,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum BootError {
    /// The database is unreachable or migrations failed.
    #[error(transparent)]
    Database(#[from] DbError),
    /// Metrics could not be registered.
    #[error("metrics registration failed: {0}")]
    Metrics(#[from] prometheus::Error),
    /// The HTTP address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A blocking startup task panicked or was cancelled.
    #[error("startup task failed: {0}")]
    Task(String),
    /// An actor did not answer during startup.
    #[error("actor unavailable during startup: {0}")]
    Actor(#[from] actix::MailboxError),
}

/// The running server and its actors.
pub struct Running {
    /// The bound HTTP address.
    pub addr: SocketAddr,
    /// Handle to stop the HTTP server.
    pub http: ServerHandle,
    /// The HTTP server future's task.
    pub server_task: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The event hub.
    pub hub: Addr<EventHub>,
    /// The config watcher.
    pub watcher: Addr<ConfigWatcher>,
    /// Component health.
    pub health: HealthBoard,
    /// The shared pool.
    pub pool: PgPool,
    /// The torrent engine (on its own arbiter thread).
    pub engine: Addr<TorrentSession>,
    /// The FsOps orchestrator (post-processing).
    pub fsops: Addr<FsOpsOrchestrator>,
    /// Ends open event streams when shutdown starts.
    pub drain: DrainTrigger,
    /// The engine's thread; stopped and joined when `Running` is dropped.
    engine_arbiter: Option<actix::Arbiter>,
}

impl Drop for Running {
    /// Stops the engine's arbiter and waits for its thread, which drops the
    /// actor and with it the libtorrent session (its destructor joins
    /// libtorrent's own threads).
    ///
    /// Why: otherwise the session outlives `main` (or a test), and the C++
    /// static destructors that run at process exit race libtorrent's threads
    /// that are still running: a rare SIGSEGV after everything has passed.
    fn drop(&mut self) {
        if let Some(arbiter) = self.engine_arbiter.take() {
            arbiter.stop();
            if arbiter.join().is_err() {
                tracing::error!("the engine thread panicked while stopping");
            }
        }
    }
}

/// Creates the database if needed and applies migrations.
pub fn prepare_database(database_url: &str) -> Result<(PgPool, ConfigSnapshot), DbError> {
    pool::ensure_database(database_url)?;
    let mut conn = pool::connect(database_url)?;
    migrate::run_pending(&mut conn)?;
    let snapshot = config::load_snapshot(&mut conn)?;
    let pool = pool::build_pool(database_url, POOL_SIZE)?;
    Ok((pool, snapshot))
}

/// Starts everything inside the current actix system.
pub async fn start(options: Options) -> Result<Running, BootError> {
    let started_at = Instant::now();
    let (pool, snapshot) = open_database(&options.database_url).await?;
    let registry = Registry::new();
    registry.register(Box::new(
        prometheus::process_collector::ProcessCollector::for_self(),
    ))?;
    let health = HealthBoard::default();
    let actors = components::start(&options, &pool, &snapshot, &registry, &health).await?;

    let keys = KeyCache::default();
    let (view, config_rx) = ConfigView::new(Arc::new(snapshot.clone()), keys.clone());
    let view = view.start();
    actors
        .watcher
        .send(SubscribeConfig(view.recipient()))
        .await?;

    let (listener, addr, bind) = bind_listener(&options, &snapshot)?;
    let (drain_trigger, drain) = Drain::new();
    let state = ApiState {
        pool: pool.clone(),
        config: config_rx,
        health: health.clone(),
        http_metrics: HttpMetrics::register(&registry)?,
        health_metrics: HealthMetrics::register(&registry)?,
        rate_limits: RateLimits::new(&options.api.rate_limit, &registry, health.clone())?,
        subscribe: actors.hub.clone().recipient(),
        unsubscribe: actors.hub.clone().recipient(),
        engine: Some(EngineHandles {
            list: actors.reader.clone().recipient(),
            get: actors.reader.clone().recipient(),
            pieces: actors.reader.clone().recipient(),
            ..EngineHandles::of(&actors.engine)
        }),
        fsops: Some(FsopsHandles::new(&actors.fsops)),
        drain,
        // A panic on the engine's thread or in the watcher leaves a process
        // that answers 503 forever: readiness must say so.
        vital: vec![
            VitalActor::of("engine", &actors.engine),
            VitalActor::of("config_watcher", &actors.watcher),
        ],
        registry,
        keys,
        settings: options.api.clone(),
        started_at,
        qbit: revaer_api::qbit::QbitState::default(),
    };
    let server = revaer_api::serve(state, listener, options.workers)
        .map_err(|source| BootError::Bind { addr: bind, source })?;
    let http = server.handle();
    let server_task = actix_rt::spawn(server);
    tracing::info!(http.addr = %addr, "HTTP server listening");
    Ok(Running {
        addr,
        http,
        server_task,
        hub: actors.hub,
        watcher: actors.watcher,
        health,
        pool,
        engine: actors.engine,
        fsops: actors.fsops,
        drain: drain_trigger,
        engine_arbiter: Some(actors.engine_arbiter),
    })
}

/// Creates and migrates the database on a blocking thread; returns the pool
/// and the configuration in force.
async fn open_database(database_url: &str) -> Result<(PgPool, ConfigSnapshot), BootError> {
    let url = database_url.to_owned();
    let (pool, snapshot) = tokio::task::spawn_blocking(move || prepare_database(&url))
        .await
        .map_err(|err| BootError::Task(err.to_string()))??;
    tracing::info!(
        config.revision = snapshot.revision,
        mode = snapshot.app_profile.mode.as_str(),
        "database ready"
    );
    Ok((pool, snapshot))
}

/// Binds the HTTP listener: `--bind` when given, else the stored address.
/// Returns the listener, its actual address and the address as asked.
fn bind_listener(
    options: &Options,
    snapshot: &ConfigSnapshot,
) -> Result<(TcpListener, SocketAddr, String), BootError> {
    let bind = options
        .bind
        .map(|addr| addr.to_string())
        .unwrap_or_else(|| {
            let app = &snapshot.app_profile;
            if app.bind_addr.contains(':') {
                format!("[{}]:{}", app.bind_addr, app.http_port)
            } else {
                format!("{}:{}", app.bind_addr, app.http_port)
            }
        });
    let listener = TcpListener::bind(&bind).map_err(|source| BootError::Bind {
        addr: bind.clone(),
        source,
    })?;
    let addr = listener.local_addr().map_err(|source| BootError::Bind {
        addr: bind.clone(),
        source,
    })?;
    Ok((listener, addr, bind))
}
