//! The orchestrator's message handlers.

use actix::{ActorFutureExt, Handler, ResponseActFuture, WrapFuture};
use revaer_messages::fsops::{
    EnqueueJob, FsopsActivity, FsopsCommandError, GetActivity, GetFsopsState, JobEnded, JobStatus,
    RetryFsops, RunEnd, TorrentCompleted,
};
use revaer_messages::torrent::FsopsState;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::models::fs_jobs;

use super::{Failing, FsOpsOrchestrator};
use crate::store::db;

impl Handler<ConfigChanged> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: ConfigChanged, _ctx: &mut Self::Context) {
        if msg.snapshot.revision >= self.options.config.revision {
            self.options.config = msg.snapshot;
        }
    }
}

impl Handler<TorrentCompleted> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: TorrentCompleted, ctx: &mut Self::Context) {
        self.intake(msg, ctx);
    }
}

impl Handler<EnqueueJob> for FsOpsOrchestrator {
    type Result = ResponseActFuture<Self, Result<(), FsopsCommandError>>;

    fn handle(&mut self, msg: EnqueueJob, _ctx: &mut Self::Context) -> Self::Result {
        Box::pin(self.create_future(msg.input))
    }
}

impl Handler<JobEnded> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: JobEnded, ctx: &mut Self::Context) {
        let JobEnded { torrent, end } = msg;
        self.running.remove(&torrent);
        self.cancels.remove(&torrent);
        if self.removed.contains_key(&torrent) {
            self.failing.remove(&torrent);
            self.clean_removed(torrent, ctx);
            self.report(ctx);
            self.pump(ctx);
            return;
        }
        match end {
            RunEnd::Done => {
                self.failing.remove(&torrent);
            }
            RunEnd::Interrupted => {}
            RunEnd::Retry { delay, error } => {
                self.failing.insert(
                    torrent.clone(),
                    Failing {
                        error,
                        unsupported: false,
                    },
                );
                self.schedule(torrent, delay, ctx);
            }
            RunEnd::Failed { error, unsupported } => {
                self.failing.insert(torrent, Failing { error, unsupported });
            }
        }
        self.report(ctx);
        self.pump(ctx);
    }
}

impl Handler<RetryFsops> for FsOpsOrchestrator {
    type Result = ResponseActFuture<Self, Result<(), FsopsCommandError>>;

    fn handle(&mut self, msg: RetryFsops, _ctx: &mut Self::Context) -> Self::Result {
        let pool = self.options.pool.clone();
        let torrent = msg.torrent.clone();
        let request_id = msg.request_id.clone();
        let busy = self.running.contains_key(&torrent);
        let id = torrent.to_string();
        let reset = async move {
            let row = db(&pool, {
                let id = id.clone();
                move |c| fs_jobs::find(c, &id)
            })
            .await
            .map_err(|e| FsopsCommandError::Unavailable(e.to_string()))?
            .ok_or_else(|| FsopsCommandError::NotFound(msg.torrent.clone()))?;
            if row.status == JobStatus::Done {
                return Err(FsopsCommandError::AlreadyDone(msg.torrent.clone()));
            }
            if busy {
                return Ok(false);
            }
            // Nothing ran yet: plan again under the current policy.
            let replan = row.completed().is_empty();
            db(&pool, move |c| fs_jobs::reset_for_retry(c, &id, replan))
                .await
                .map_err(|e| FsopsCommandError::Unavailable(e.to_string()))?;
            Ok(true)
        };
        Box::pin(reset.into_actor(self).map(move |reset, act, ctx| {
            if reset? {
                tracing::info!(
                    torrent.info_hash = %torrent,
                    request_id = request_id.as_deref().unwrap_or_default(),
                    "fsops job retried on demand"
                );
                act.failing.remove(&torrent);
                act.enqueue(torrent, ctx);
                act.report(ctx);
            }
            Ok(())
        }))
    }
}

impl Handler<GetActivity> for FsOpsOrchestrator {
    type Result = actix::MessageResult<GetActivity>;

    fn handle(&mut self, _msg: GetActivity, _ctx: &mut Self::Context) -> Self::Result {
        actix::MessageResult(FsopsActivity {
            loaded: self.loaded,
            running: self.running.len(),
            queued: self.queue.len(),
            scheduled: self.timers.len(),
            failing: self.failing.len(),
        })
    }
}

impl Handler<GetFsopsState> for FsOpsOrchestrator {
    type Result = ResponseActFuture<Self, Result<Option<FsopsState>, FsopsCommandError>>;

    fn handle(&mut self, msg: GetFsopsState, _ctx: &mut Self::Context) -> Self::Result {
        let pool = self.options.pool.clone();
        let id = msg.torrent.to_string();
        let read = async move {
            let row = db(&pool, move |c| fs_jobs::find(c, &id))
                .await
                .map_err(|e| FsopsCommandError::Unavailable(e.to_string()))?;
            Ok(row.map(|job| FsopsState {
                status: job.status,
                destination: job.destination,
                error: job.last_error,
            }))
        };
        Box::pin(read.into_actor(self))
    }
}
