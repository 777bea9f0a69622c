//! One run of a job: the async driver around the blocking steps.
//!
//! Rules:
//! - the order of writes for a step is: do the work, tell the engine (move
//!   mode), record it in `.revaer.meta`, record it in `fs_jobs`, then publish
//!   the event and count it. A crash anywhere in between re-runs at most
//!   that one (idempotent) step;
//! - in move mode the torrent is paused before its files move and resumed
//!   once the engine has the new save path; if the transfer fails it stays
//!   paused (its files may be split between two places) until a later run
//!   succeeds;
//! - the run ends by writing its outcome (done, retry at, failed) to the
//!   store itself (see `outcome`), so what the orchestrator hears is durable
//!   unless that write failed, which is logged and leaves the row `running`
//!   for the next start to run again;
//! - a run is the span `fsops.job` (`torrent.id`, `request_id`), each step
//!   the span `fsops.step` inside it, entered on the blocking threads too,
//!   so every log line of a job says which torrent and step it is about.

mod outcome;

use actix::Recipient;
use revaer_messages::config::MoveMode;
use revaer_messages::events::{Event, Publish};
use revaer_schema::models::fs_jobs;
use revaer_schema::PgPool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::engine_link::{EngineCall, EngineLink};
use crate::error::{StepError, StepResult};
use crate::fs::FileSystem;
use crate::metrics::FsopsMetrics;
use crate::plan::{Plan, Step};
use crate::steps::{TestHooks, Work};
use crate::store::db;
use outcome::{finish, Ended};

/// Retries with exponential backoff: `base`, `2·base`, `4·base`, ... capped
/// at `max_delay`, for at most `max_attempts` runs in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Runs in all before a job stays failed.
    pub max_attempts: i32,
    /// Delay before the first retry.
    pub base_delay: Duration,
    /// Upper bound of any delay.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_secs(5),
            max_delay: Duration::from_secs(15 * 60),
        }
    }
}

impl RetryPolicy {
    /// Delay after failed run number `attempt` (1-based).
    pub fn delay(&self, attempt: i32) -> Duration {
        let exponent = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        self.base_delay
            .saturating_mul(2u32.saturating_pow(exponent))
            .min(self.max_delay)
    }
}

/// What every job run needs, shared by all of them.
pub struct JobDeps {
    /// The job store.
    pub pool: PgPool,
    /// The EXDEV seam.
    pub fs: Arc<dyn FileSystem>,
    /// Where events go.
    pub events: Option<Recipient<Publish>>,
    /// The engine, told about moves.
    pub engine: Option<EngineLink>,
    /// Metrics.
    pub metrics: FsopsMetrics,
    /// Crash simulation (tests).
    pub hooks: TestHooks,
    /// Backoff.
    pub retry: RetryPolicy,
}

pub use revaer_messages::fsops::RunEnd;

/// Runs the steps of `plan` not yet completed and records the outcome.
/// `db_completed` is what `fs_jobs` says is done (`.revaer.meta` may know
/// better; it wins).
#[tracing::instrument(
    name = "fsops.job",
    skip_all,
    fields(
        torrent.id = %plan.torrent,
        request_id = request_id.as_deref().map(tracing::field::display)
    )
)]
pub async fn run(
    plan: Plan,
    db_completed: Vec<Step>,
    request_id: Option<String>,
    cancel: Arc<AtomicBool>,
    deps: Arc<JobDeps>,
) -> RunEnd {
    let started = Instant::now();
    let torrent = plan.torrent.clone();
    let id = torrent.to_string();
    let first = Step::ALL
        .into_iter()
        .find(|s| !db_completed.contains(s))
        .map(Step::as_str);
    let attempt = match db(&deps.pool, move |c| fs_jobs::mark_running(c, &id, first)).await {
        Ok(row) => row.attempt,
        Err(err) => {
            // Nothing ran; the job is still pending or running in the store.
            return RunEnd::Retry {
                delay: deps.retry.delay(1),
                error: format!("database: {err}"),
            };
        }
    };
    let publisher = Publisher {
        events: deps.events.clone(),
        request_id: request_id.clone(),
    };
    publisher.send(Event::FsopsStarted {
        torrent: torrent.clone(),
        destination: plan.destination.clone(),
    });
    tracing::info!(
        fsops.attempt = attempt,
        fsops.destination = %plan.destination,
        "post-processing run started"
    );
    let destination = plan.destination.clone();
    let (result, failed_step) = steps(plan, &deps, &publisher, &cancel).await;
    let ended = Ended {
        failed_step,
        attempt,
        started,
        torrent,
        destination,
    };
    finish(result, ended, &deps, &publisher).await
}

/// Runs the pending steps; on failure also says which step failed.
async fn steps(
    plan: Plan,
    deps: &Arc<JobDeps>,
    publisher: &Publisher,
    cancel: &AtomicBool,
) -> (StepResult<()>, Option<Step>) {
    let fs = deps.fs.clone();
    let hooks = deps.hooks.clone();
    let mut work = match blocking(move || Work::prepare(&plan, fs, hooks)).await {
        Ok(Ok(work)) => work,
        Ok(Err(err)) | Err(err) => return (Err(err), None),
    };
    for step in Step::ALL {
        if work.store.meta.is_done(step) {
            continue;
        }
        // The torrent was removed: the step in flight finished, no other starts.
        if cancel.load(Ordering::SeqCst) {
            return (Err(StepError::Interrupted), None);
        }
        work = match run_step(work, step, deps, publisher).await {
            Ok(work) => work,
            Err(err) => return (Err(err), Some(step)),
        };
        if deps.hooks.stop_after == Some(step) {
            return (Err(StepError::Interrupted), None);
        }
    }
    (Ok(()), None)
}

/// One step, in the order the module docs give: the work (with the engine
/// pausing and following the files in move mode), `.revaer.meta`,
/// `fs_jobs`, then the metric and the event.
#[tracing::instrument(name = "fsops.step", skip_all, fields(fsops.step = %step.as_str()))]
async fn run_step(
    mut work: Work,
    step: Step,
    deps: &Arc<JobDeps>,
    publisher: &Publisher,
) -> StepResult<Work> {
    let moving = step == Step::Transfer && work.plan.move_mode == MoveMode::Move;
    if moving {
        engine(deps, &work.plan, EngineCall::Pause).await?;
    }
    let (back, result) = blocking(move || {
        let result = work.recheck().and_then(|()| work.execute(step));
        (work, result)
    })
    .await?;
    work = back;
    let status = result?;
    if moving {
        if let Some(path) = work.plan.engine_save_path.clone() {
            engine(deps, &work.plan, EngineCall::MoveTo(path)).await?;
        }
        engine(deps, &work.plan, EngineCall::Resume).await?;
    }
    let (back, saved) = blocking(move || {
        let saved = work.store.complete(step);
        (work, saved)
    })
    .await?;
    work = back;
    saved?;
    record_step(deps, &work).await?;
    deps.metrics
        .steps
        .with_label_values(&[step.as_str(), status.as_str()])
        .inc();
    publisher.send(Event::FsopsStep {
        torrent: work.plan.torrent.clone(),
        step: step.as_str().to_string(),
        status: status.as_str().to_string(),
    });
    tracing::info!(
        fsops.status = %status.as_str(),
        "post-processing step finished"
    );
    Ok(work)
}

/// Copies the steps `.revaer.meta` has completed, and the next one, to
/// `fs_jobs`.
async fn record_step(deps: &JobDeps, work: &Work) -> StepResult<()> {
    let completed: Vec<String> = work
        .store
        .meta
        .completed_steps
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    let next = Step::ALL
        .into_iter()
        .find(|s| !work.store.meta.is_done(*s))
        .map(Step::as_str);
    let id = work.plan.torrent.to_string();
    db(&deps.pool, move |c| {
        fs_jobs::record_step(c, &id, &completed, next)
    })
    .await?;
    Ok(())
}

/// Tells the engine (when there is one) about a move-mode transfer.
async fn engine(deps: &JobDeps, plan: &Plan, call: EngineCall) -> StepResult<()> {
    match &deps.engine {
        Some(engine) => engine.call(&plan.torrent, call).await,
        None => Ok(()),
    }
}

async fn blocking<T, F>(task: F) -> StepResult<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    // Blocking threads do not inherit the caller's span; carry it over so
    // the steps' own log lines name the job and step too.
    let span = tracing::Span::current();
    tokio::task::spawn_blocking(move || span.in_scope(task))
        .await
        .map_err(|err| StepError::Task(err.to_string()))
}

/// Publishes with the job's request id.
struct Publisher {
    events: Option<Recipient<Publish>>,
    request_id: Option<String>,
}

impl Publisher {
    fn send(&self, event: Event) {
        if let Some(events) = &self.events {
            events.do_send(Publish {
                event,
                request_id: self.request_id.clone(),
            });
        }
    }
}
