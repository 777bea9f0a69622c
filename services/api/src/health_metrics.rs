//! Gauges an operator alerts on first: which build runs
//! (`revaer_build_info`) and which components are healthy
//! (`revaer_component_healthy`).
//!
//! Why refreshed at scrape time: the health board is the truth and is read
//! under a lock in a microsecond; copying it into gauges whenever `/metrics`
//! is asked keeps the two from ever disagreeing.

use prometheus::{IntGaugeVec, Opts, Registry};
use revaer_messages::health::{ComponentHealth, HealthStatus};
use std::collections::BTreeMap;

/// VCS revision baked in at build time.
pub const BUILD_REVISION: &str = env!("REVAER_BUILD_REVISION");

/// `revaer_build_info` and `revaer_component_healthy`.
#[derive(Debug, Clone)]
pub struct HealthMetrics {
    component_healthy: IntGaugeVec,
}

impl HealthMetrics {
    /// Creates and registers the metrics; `revaer_build_info` is set once here.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let build_info = IntGaugeVec::new(
            Opts::new(
                "revaer_build_info",
                "Always 1; the labels name the running build",
            ),
            &["version", "revision"],
        )?;
        build_info
            .with_label_values(&[env!("CARGO_PKG_VERSION"), BUILD_REVISION])
            .set(1);
        let component_healthy = IntGaugeVec::new(
            Opts::new(
                "revaer_component_healthy",
                "1 when the component reports ok in /health/full, 0 when degraded",
            ),
            &["component"],
        )?;
        registry.register(Box::new(build_info))?;
        registry.register(Box::new(component_healthy.clone()))?;
        Ok(Self { component_healthy })
    }

    /// Copies the components' status into the gauges.
    pub fn refresh(&self, components: &BTreeMap<String, ComponentHealth>) {
        for (name, health) in components {
            self.component_healthy
                .with_label_values(&[name.as_str()])
                .set(i64::from(health.status == HealthStatus::Ok));
        }
    }
}
