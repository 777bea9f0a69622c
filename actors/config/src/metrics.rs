//! Prometheus metrics of the config watcher.

use prometheus::{Histogram, HistogramOpts, IntCounter, IntGauge, Registry};

/// Watch latency, failures and the revision in force.
#[derive(Debug, Clone)]
pub struct WatcherMetrics {
    /// Seconds from the revision bump in the database to delivery to subscribers.
    pub latency: Histogram,
    /// Connection, LISTEN or reload failures.
    pub failures: IntCounter,
    /// Successful (re)connections.
    pub connects: IntCounter,
    /// The revision last delivered.
    pub revision: IntGauge,
}

impl WatcherMetrics {
    /// Creates the metrics and registers them.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let latency = Histogram::with_opts(
            HistogramOpts::new(
                "revaer_config_watch_latency_seconds",
                "Time from a settings change in PostgreSQL to its delivery to subscribers",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
        )?;
        let failures = IntCounter::new(
            "revaer_config_watch_failures_total",
            "Config watcher connection or reload failures",
        )?;
        let connects = IntCounter::new(
            "revaer_config_watch_connects_total",
            "Config watcher (re)connections",
        )?;
        let revision = IntGauge::new(
            "revaer_config_revision",
            "Settings revision currently in force",
        )?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(failures.clone()))?;
        registry.register(Box::new(connects.clone()))?;
        registry.register(Box::new(revision.clone()))?;
        Ok(Self {
            latency,
            failures,
            connects,
            revision,
        })
    }
}
