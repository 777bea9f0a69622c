//! Prometheus metrics of FsOps.

use prometheus::{Histogram, HistogramOpts, IntCounterVec, IntGaugeVec, Opts, Registry};
use revaer_messages::fsops::JobStatus;

/// Step outcomes, job durations and jobs per status.
#[derive(Debug, Clone)]
pub struct FsopsMetrics {
    /// `revaer_fsops_steps_total{step,status}`: steps finished (`done`, `skipped`, `failed`).
    pub steps: IntCounterVec,
    /// `revaer_fsops_job_duration_seconds`: wall time of runs that ended a job (done or failed for good).
    pub duration: Histogram,
    /// `revaer_fsops_jobs{status}`: jobs in the store per status.
    pub jobs: IntGaugeVec,
}

impl FsopsMetrics {
    /// Creates the metrics and registers them.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let metrics = Self::unregistered()?;
        registry.register(Box::new(metrics.steps.clone()))?;
        registry.register(Box::new(metrics.duration.clone()))?;
        registry.register(Box::new(metrics.jobs.clone()))?;
        Ok(metrics)
    }

    /// Creates the metrics without registering them (tests).
    pub fn unregistered() -> Result<Self, prometheus::Error> {
        let steps = IntCounterVec::new(
            Opts::new(
                "revaer_fsops_steps_total",
                "FsOps steps finished, by step and outcome",
            ),
            &["step", "status"],
        )?;
        let duration = Histogram::with_opts(
            HistogramOpts::new(
                "revaer_fsops_job_duration_seconds",
                "Wall time of the FsOps run that finished a job",
            )
            .buckets(vec![
                0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
            ]),
        )?;
        let jobs = IntGaugeVec::new(
            Opts::new("revaer_fsops_jobs", "FsOps jobs by status"),
            &["status"],
        )?;
        for status in JobStatus::ALL.map(JobStatus::as_str) {
            jobs.with_label_values(&[status]).set(0);
        }
        Ok(Self {
            steps,
            duration,
            jobs,
        })
    }
}
