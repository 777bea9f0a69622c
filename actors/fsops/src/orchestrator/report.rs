//! Health and the per-status gauge: `fsops` is degraded exactly while some
//! job is failed or backing off.

use actix::{AsyncContext, Context, WrapFuture};
use revaer_messages::fsops::JobStatus;
use revaer_messages::health::ComponentHealth;
use revaer_schema::models::fs_jobs;
use std::collections::BTreeMap;

use super::FsOpsOrchestrator;
use crate::store::db;
use crate::COMPONENT;

/// Why a job is not healthy.
#[derive(Debug, Clone)]
pub(super) struct Failing {
    pub(super) error: String,
    pub(super) unsupported: bool,
}

impl FsOpsOrchestrator {
    /// Updates the health board and the per-status gauge.
    pub(super) fn report(&mut self, ctx: &mut Context<Self>) {
        let health = if self.failing.is_empty() {
            ComponentHealth::ok()
        } else {
            let unsupported = self.failing.iter().find(|(_, f)| f.unsupported);
            let detail = match unsupported {
                Some((torrent, f)) => format!("archive support missing ({torrent}): {}", f.error),
                None => {
                    let (torrent, f) = self
                        .failing
                        .iter()
                        .next()
                        .map(|(t, f)| (t.to_string(), f.error.clone()))
                        .unwrap_or_default();
                    format!(
                        "{} post-processing job(s) failing; {torrent}: {f}",
                        self.failing.len()
                    )
                }
            };
            let mut health = ComponentHealth::degraded(detail);
            health.facts.insert(
                "failing".into(),
                serde_json::Value::from(self.failing.len()),
            );
            health
        };
        // A change of status is announced by the board itself.
        self.options.health.set(COMPONENT, health);
        let pool = self.options.pool.clone();
        let gauge = self.options.metrics.jobs.clone();
        ctx.spawn(
            async move {
                if let Ok(counts) = db(&pool, fs_jobs::count_by_status).await {
                    let counts: BTreeMap<String, i64> = counts.into_iter().collect();
                    // Every status gets a series, zero included.
                    for status in JobStatus::ALL {
                        let status = status.as_str();
                        gauge
                            .with_label_values(&[status])
                            .set(counts.get(status).copied().unwrap_or(0));
                    }
                }
            }
            .into_actor(self),
        );
    }
}
