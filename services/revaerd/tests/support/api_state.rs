//! A hand-built `ApiState` for in-process apps (`actix_web::test`) that need
//! what the real server never has: no engine, a stopped hub, a chosen peer
//! address.

use actix::Actor;
use revaer_api::auth::KeyCache;
use revaer_api::health_metrics::HealthMetrics;
use revaer_api::telemetry::HttpMetrics;
use revaer_api::{ApiSettings, ApiState, ConfigView, RateLimits};
use revaer_events::{EventHub, HubConfig, HubMetrics};
use revaer_messages::health::HealthBoard;
use revaer_schema::testing::TestDatabase;
use std::sync::Arc;
use std::time::Instant;

/// A state over `db` with the configuration it holds now (nothing delivers
/// later revisions), default settings, its own metrics registry and a
/// running event hub, and neither engine nor FsOps (their routes answer
/// `503`). Tests replace the fields they are about.
pub fn hand_built(db: &TestDatabase) -> Result<ApiState, Box<dyn std::error::Error>> {
    let pool = revaer_schema::pool::build_pool(db.url(), 2)?;
    let snapshot = revaer_schema::models::config::load_snapshot(&mut db.connect()?)?;
    let registry = prometheus::Registry::new();
    let (_view, config) = ConfigView::new(Arc::new(snapshot), KeyCache::default());
    let health = HealthBoard::default();
    let settings = ApiSettings::default();
    let hub = EventHub::new(HubConfig::default(), HubMetrics::register(&registry)?).start();
    Ok(ApiState {
        pool,
        config,
        http_metrics: HttpMetrics::register(&registry)?,
        health_metrics: HealthMetrics::register(&registry)?,
        rate_limits: RateLimits::new(&settings.rate_limit, &registry, health.clone())?,
        subscribe: hub.clone().recipient(),
        unsubscribe: hub.recipient(),
        engine: None,
        fsops: None,
        drain: revaer_api::Drain::never(),
        vital: Vec::new(),
        health,
        registry,
        keys: KeyCache::default(),
        settings,
        started_at: Instant::now(),
        qbit: revaer_api::qbit::QbitState::default(),
    })
}
