//! The `FsOpsJob` actor: one per torrent while its post-processing runs.
//!
//! It owns exactly one run (see `runner`): started by the orchestrator, it
//! drives the remaining steps and reports how the run ended, then stops.
//! The orchestrator is its supervisor: it restarts the job after a failure
//! (with backoff), after a crash of the process (from `fs_jobs` at start),
//! or when the actor vanished without reporting (watchdog).

use actix::{Actor, ActorContext, ActorFutureExt, AsyncContext, Context, Recipient, WrapFuture};
use revaer_messages::torrent::TorrentId;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::plan::{Plan, Step};
use crate::runner::{self, JobDeps};
pub use revaer_messages::fsops::JobEnded;

/// What a job run is given.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// The plan stored for the job.
    pub plan: Plan,
    /// Steps `fs_jobs` records as completed.
    pub completed: Vec<Step>,
    /// Causing request.
    pub request_id: Option<String>,
    /// Set when the torrent is removed: no further step starts.
    pub cancel: Arc<AtomicBool>,
}

/// Runs one job once.
pub struct FsOpsJob {
    torrent: TorrentId,
    spec: Option<JobSpec>,
    deps: Arc<JobDeps>,
    parent: Recipient<JobEnded>,
}

impl FsOpsJob {
    /// A job actor for `spec`, reporting to `parent`.
    pub fn new(spec: JobSpec, deps: Arc<JobDeps>, parent: Recipient<JobEnded>) -> Self {
        Self {
            torrent: spec.plan.torrent.clone(),
            spec: Some(spec),
            deps,
            parent,
        }
    }
}

impl Actor for FsOpsJob {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let Some(spec) = self.spec.take() else {
            ctx.stop();
            return;
        };
        let deps = self.deps.clone();
        let run = runner::run(
            spec.plan,
            spec.completed,
            spec.request_id,
            spec.cancel,
            deps,
        );
        ctx.spawn(run.into_actor(self).map(|end, act, ctx| {
            act.parent.do_send(JobEnded {
                torrent: act.torrent.clone(),
                end,
            });
            ctx.stop();
        }));
    }
}
