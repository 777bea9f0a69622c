//! Shared state of the HTTP layer (one clone per worker).

use actix::Recipient;
use prometheus::Registry;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::health::HealthBoard;
use revaer_messages::hub::{Subscribe, Unsubscribe};
use revaer_schema::PgPool;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;

use crate::auth::KeyCache;
use crate::error::ApiError;
use crate::rate_limit::{RateLimitSettings, RateLimits};
use crate::sse::HEARTBEAT_INTERVAL;
use crate::telemetry::HttpMetrics;

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
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            setup_token_ttl: Duration::from_secs(15 * 60),
            config_wait: Duration::from_secs(5),
            sse_heartbeat: HEARTBEAT_INTERVAL,
            rate_limit: RateLimitSettings::default(),
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
    /// Verified API keys.
    pub keys: KeyCache,
    /// Token buckets per API key and per client IP (one shared instance).
    pub rate_limits: RateLimits,
    /// Attaches SSE clients to the event hub.
    pub subscribe: Recipient<Subscribe>,
    /// Detaches them when their connection goes away.
    pub unsubscribe: Recipient<Unsubscribe>,
    /// Tunables.
    pub settings: ApiSettings,
    /// Process start, for uptime.
    pub started_at: Instant,
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

    /// Runs blocking database work on actix's blocking pool.
    pub async fn db<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut revaer_schema::PooledConn) -> Result<T, ApiError> + Send + 'static,
    {
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(revaer_schema::DbError::from)?;
            work(&mut conn)
        })
        .await?
    }
}
