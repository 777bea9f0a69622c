//! The end of a run: write its outcome (done, retry at, failed) to
//! `fs_jobs`, then count it and tell the world.
//!
//! If writing a failed or retrying outcome fails, the row stays `running`:
//! the error is logged, the orchestrator still hears the outcome (and
//! schedules the retry in memory), and at the next start recovery finds
//! the `running` row and runs the job again. Steps are idempotent and
//! `.revaer.meta` records the completed ones, so that rerun redoes at most
//! the failed step.

use chrono::Utc;
use revaer_messages::events::Event;
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::fs_jobs;
use std::sync::Arc;
use std::time::Instant;

use super::{JobDeps, Publisher, RunEnd};
use crate::error::{StepError, StepResult};
use crate::plan::Step;
use crate::store::db;

/// Facts about a run that ended.
pub(super) struct Ended {
    pub(super) failed_step: Option<Step>,
    pub(super) attempt: i32,
    pub(super) started: Instant,
    pub(super) torrent: TorrentId,
    pub(super) destination: String,
}

/// Writes the outcome and tells the world.
pub(super) async fn finish(
    result: StepResult<()>,
    ended: Ended,
    deps: &Arc<JobDeps>,
    publisher: &Publisher,
) -> RunEnd {
    match result {
        Ok(()) => finish_done(ended, deps, publisher).await,
        Err(StepError::Interrupted) => RunEnd::Interrupted,
        Err(err) => finish_failed(&err, ended, deps, publisher).await,
    }
}

async fn finish_done(ended: Ended, deps: &Arc<JobDeps>, publisher: &Publisher) -> RunEnd {
    let id = ended.torrent.to_string();
    match db(&deps.pool, move |c| fs_jobs::mark_done(c, &id)).await {
        Ok(()) => {
            deps.metrics
                .duration
                .observe(ended.started.elapsed().as_secs_f64());
            publisher.send(Event::FsopsCompleted {
                torrent: ended.torrent,
                destination: ended.destination,
            });
            tracing::info!("post-processing done");
            RunEnd::Done
        }
        // The row stays `running`: the retry (or the next start) runs the
        // job again and finds every step done.
        Err(err) => RunEnd::Retry {
            delay: deps.retry.delay(ended.attempt),
            error: format!("database: {err}"),
        },
    }
}

async fn finish_failed(
    err: &StepError,
    ended: Ended,
    deps: &Arc<JobDeps>,
    publisher: &Publisher,
) -> RunEnd {
    let failed_step = ended.failed_step;
    let step_name = failed_step.map_or("checks", Step::as_str);
    let message = err.to_string();
    if let Some(step) = failed_step {
        deps.metrics
            .steps
            .with_label_values(&[step.as_str(), "failed"])
            .inc();
        publisher.send(Event::FsopsStep {
            torrent: ended.torrent.clone(),
            step: step.as_str().to_string(),
            status: "failed".into(),
        });
    }
    tracing::warn!(
        fsops.step = %step_name,
        fsops.attempt = ended.attempt,
        fsops.permanent = err.is_permanent(),
        error = %message,
        "post-processing step failed"
    );
    let id = ended.torrent.to_string();
    let step_db = failed_step.map(Step::as_str);
    let text = message.clone();
    if err.is_permanent() || ended.attempt >= deps.retry.max_attempts {
        let written = db(&deps.pool, move |c| {
            fs_jobs::mark_failed(c, &id, step_db, &text)
        })
        .await;
        if let Err(db_err) = written {
            log_unrecorded(&ended.torrent, "failed", step_name, &db_err);
        }
        deps.metrics
            .duration
            .observe(ended.started.elapsed().as_secs_f64());
        publisher.send(Event::FsopsFailed {
            torrent: ended.torrent,
            step: step_name.to_string(),
            error: message.clone(),
        });
        RunEnd::Failed {
            error: message,
            unsupported: err.is_unsupported(),
        }
    } else {
        let delay = deps.retry.delay(ended.attempt);
        let at = Utc::now()
            + chrono::Duration::from_std(delay).unwrap_or_else(|_| chrono::Duration::zero());
        let written = db(&deps.pool, move |c| {
            fs_jobs::mark_retrying(c, &id, step_db, &text, at)
        })
        .await;
        if let Err(db_err) = written {
            log_unrecorded(&ended.torrent, "retrying", step_name, &db_err);
        }
        RunEnd::Retry {
            delay,
            error: message,
        }
    }
}

/// A failed or retrying outcome that did not reach `fs_jobs` (see the
/// module docs for what happens next).
fn log_unrecorded(torrent: &TorrentId, outcome: &str, step: &str, err: &impl std::fmt::Display) {
    tracing::error!(
        torrent.id = %torrent,
        fsops.outcome = %outcome,
        fsops.step = %step,
        error = %err,
        "cannot record the fsops outcome; the job stays running and runs again at the next start"
    );
}
