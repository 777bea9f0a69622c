//! Prometheus metrics of the event hub.
//!
//! Rule: every label value is created at registration, so each series exists
//! (at 0) from startup and `rate()`/alerts work before the first increment.

use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry};
use revaer_messages::events::Event;

/// The hub's metrics, registered once and cloned into the actor.
#[derive(Debug, Clone)]
pub struct HubMetrics {
    events_published: IntCounterVec,
    subscribers: IntGauge,
    dropped_lagging: IntCounter,
    dropped_closed: IntCounter,
    replay_horizon: prometheus::Gauge,
}

impl HubMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let events_published = IntCounterVec::new(
            Opts::new(
                "revaer_events_published_total",
                "Domain events accepted by the event hub.",
            ),
            &["type"],
        )?;
        let subscribers = IntGauge::new(
            "revaer_sse_subscribers",
            "SSE subscribers attached to the event hub.",
        )?;
        let dropped = IntCounterVec::new(
            Opts::new(
                "revaer_sse_subscribers_dropped_total",
                "SSE subscribers dropped by the hub: `lagging` (queue full) or \
                 `closed` (client gone without unsubscribing).",
            ),
            &["reason"],
        )?;
        let replay_horizon = prometheus::Gauge::new(
            "revaer_events_replay_horizon_seconds",
            "How far back a reconnecting SSE client can resume with Last-Event-ID, \
             as of the last published event: the age of the newest event evicted \
             from the replay buffer (or of the hub, before the first eviction).",
        )?;
        registry.register(Box::new(replay_horizon.clone()))?;
        registry.register(Box::new(events_published.clone()))?;
        registry.register(Box::new(subscribers.clone()))?;
        registry.register(Box::new(dropped.clone()))?;
        for kind in Event::TYPES {
            events_published.with_label_values(&[kind]);
        }
        Ok(Self {
            events_published,
            subscribers,
            dropped_lagging: dropped.with_label_values(&["lagging"]),
            dropped_closed: dropped.with_label_values(&["closed"]),
            replay_horizon,
        })
    }

    pub(crate) fn published(&self, kind: &str) {
        self.events_published.with_label_values(&[kind]).inc();
    }

    pub(crate) fn set_subscribers(&self, count: usize) {
        self.subscribers
            .set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    pub(crate) fn set_replay_horizon(&self, horizon: chrono::Duration) {
        // Milliseconds keep sub-second precision without float conversions of i64 seconds.
        self.replay_horizon
            .set(horizon.num_milliseconds() as f64 / 1000.0);
    }

    pub(crate) fn dropped_lagging(&self) {
        self.dropped_lagging.inc();
    }

    pub(crate) fn dropped_closed(&self) {
        self.dropped_closed.inc();
    }
}
