//! Starting a job: load its row, plan it now if a retry cleared its plan,
//! and start its `FsOpsJob` actor.

use actix::{Actor, ActorFutureExt, AsyncContext, Context, WrapFuture};
use revaer_messages::config::FsPolicy;
use revaer_messages::events::Event;
use revaer_messages::fsops::JobStatus;
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::fs_jobs::{self, FsJobRow};
use revaer_schema::{DbError, PgPool};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use super::{Failing, FsOpsOrchestrator};
use crate::job::{FsOpsJob, JobSpec};
use crate::plan::{make_plan, JobInput, Plan, Step};
use crate::store::db;

/// What loading a job's row found.
enum Startable {
    /// Ready to run.
    Ready(Box<JobSpec>),
    /// Gone, done or failed meanwhile: nothing to run.
    Gone,
    /// The stored plan or input cannot be used; the job fails for good.
    Unplannable(String),
}

impl FsOpsOrchestrator {
    /// Loads the job's row (planning it now if a retry cleared its plan) and
    /// starts its actor.
    pub(super) fn start_job(&mut self, torrent: TorrentId, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        let policy = self.options.config.fs_policy.clone();
        let load = load_job(pool, policy, torrent.clone());
        ctx.spawn(
            load.into_actor(self)
                .map(move |loaded, act, ctx| act.job_loaded(torrent, loaded, ctx)),
        );
    }

    /// Starts the job's actor, or settles a job that cannot run.
    fn job_loaded(
        &mut self,
        torrent: TorrentId,
        loaded: Result<Startable, DbError>,
        ctx: &mut Context<Self>,
    ) {
        match loaded {
            Ok(Startable::Ready(_)) if self.removed.contains_key(&torrent) => {
                self.running.remove(&torrent);
                self.clean_removed(torrent, ctx);
                self.pump(ctx);
                return;
            }
            Ok(Startable::Ready(spec)) => {
                self.cancels.insert(torrent.clone(), spec.cancel.clone());
                let parent = ctx.address().recipient();
                let job = FsOpsJob::new(*spec, self.deps.clone(), parent).start();
                self.running.insert(torrent, Some(job));
                return;
            }
            Ok(Startable::Gone) => {}
            Ok(Startable::Unplannable(error)) => self.fail_unplannable(torrent.clone(), error, ctx),
            Err(err) => {
                tracing::warn!(torrent.info_hash = %torrent, error = %err, "cannot start fsops job");
                self.running.remove(&torrent);
                self.schedule(torrent, self.options.retry.base_delay, ctx);
                return;
            }
        }
        self.running.remove(&torrent);
        self.pump(ctx);
    }

    /// Records a job whose stored plan or input is unusable as failed.
    fn fail_unplannable(&mut self, torrent: TorrentId, error: String, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        let id = torrent.to_string();
        let text = error.clone();
        let key = torrent.clone();
        ctx.spawn(
            async move { db(&pool, move |c| fs_jobs::mark_failed(c, &id, None, &text)).await }
                .into_actor(self)
                .map(move |written, act, ctx| {
                    // Not fatal: the row stays `pending`/`running`, so the
                    // job is tried again at the next start and fails the
                    // same way; meanwhile health and the event say why.
                    if let Err(err) = written {
                        tracing::error!(torrent.info_hash = %key, error = %err, "cannot record a failed fsops job");
                    }
                    act.report(ctx)
                }),
        );
        self.publish(Event::FsopsFailed {
            torrent: torrent.clone(),
            step: "plan".into(),
            error: error.clone(),
        });
        self.failing.insert(
            torrent,
            Failing {
                error,
                unsupported: false,
            },
        );
    }
}

/// Reads the job's row and turns it into something to run.
async fn load_job(
    pool: PgPool,
    policy: FsPolicy,
    torrent: TorrentId,
) -> Result<Startable, DbError> {
    let id = torrent.to_string();
    let Some(row) = db(&pool, move |c| fs_jobs::find(c, &id)).await? else {
        return Ok(Startable::Gone);
    };
    if matches!(row.status, JobStatus::Done | JobStatus::Failed) {
        return Ok(Startable::Gone);
    }
    let completed: Vec<Step> = row
        .completed()
        .iter()
        .filter_map(|s| Step::parse(s))
        .collect();
    let plan = match row.plan.clone().map(serde_json::from_value::<Plan>) {
        Some(Ok(plan)) => plan,
        Some(Err(err)) => {
            return Ok(Startable::Unplannable(format!(
                "stored plan is unreadable: {err}"
            )))
        }
        None => match replan(&pool, &row, &policy).await? {
            Ok(plan) => plan,
            Err(error) => return Ok(Startable::Unplannable(error)),
        },
    };
    Ok(Startable::Ready(Box::new(JobSpec {
        plan,
        completed,
        request_id: row.request_id,
        cancel: Arc::new(AtomicBool::new(false)),
    })))
}

/// Plans a job whose plan a retry cleared, under the current policy, and
/// stores the plan. The inner error says why it cannot be planned.
async fn replan(
    pool: &PgPool,
    row: &FsJobRow,
    policy: &FsPolicy,
) -> Result<Result<Plan, String>, DbError> {
    let input: JobInput = match serde_json::from_value(row.input.clone()) {
        Ok(input) => input,
        Err(err) => return Ok(Err(format!("stored input is unreadable: {err}"))),
    };
    let plan = match make_plan(&input, policy) {
        Ok(plan) => plan,
        Err(err) => return Ok(Err(format!("planning failed: {err}"))),
    };
    let json = serde_json::to_value(&plan).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let id = row.torrent_id.clone();
    let destination = plan.destination.clone();
    db(pool, move |c| {
        fs_jobs::set_plan(c, &id, &json, &destination)
    })
    .await?;
    Ok(Ok(plan))
}
