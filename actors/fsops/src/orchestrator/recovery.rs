//! Recovery at start: every job the store has that is not done is picked up
//! again (`running` ones were interrupted by a crash, `pending` ones wait for
//! their backoff, `failed` ones keep `fsops` degraded until retried).

use actix::{ActorFutureExt, AsyncContext, Context, WrapFuture};
use revaer_messages::fsops::JobStatus;
use revaer_messages::health::ComponentHealth;
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::fs_jobs::{self, FsJobRow};

use super::{Failing, FsOpsOrchestrator, RESUBSCRIBE_DELAY};
use crate::store::db;
use crate::COMPONENT;

impl FsOpsOrchestrator {
    /// Reads unfinished jobs and schedules them.
    pub(super) fn load(&mut self, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        ctx.spawn(
            async move { db(&pool, fs_jobs::unfinished).await }
                .into_actor(self)
                .map(|loaded, act, ctx| {
                    match loaded {
                        Ok(rows) => {
                            for row in rows {
                                act.adopt(row, ctx);
                            }
                            act.loaded = true;
                        }
                        Err(err) => {
                            tracing::error!(error = %err, "cannot load fsops jobs; retrying");
                            act.options.health.set(
                                COMPONENT,
                                ComponentHealth::degraded(format!("cannot read jobs: {err}")),
                            );
                            ctx.run_later(RESUBSCRIBE_DELAY * 5, |act, ctx| act.load(ctx));
                            return;
                        }
                    }
                    act.report(ctx);
                }),
        );
    }

    /// Schedules one unfinished job found in the store.
    pub(super) fn adopt(&mut self, row: FsJobRow, ctx: &mut Context<Self>) {
        let Ok(torrent) = TorrentId::parse(&row.torrent_id) else {
            return;
        };
        match row.status {
            JobStatus::Failed => {
                self.failing.insert(
                    torrent,
                    Failing {
                        error: row.last_error.unwrap_or_default(),
                        unsupported: false,
                    },
                );
            }
            _ => {
                if let Some(error) = row.last_error.filter(|_| row.status == JobStatus::Pending) {
                    self.failing.insert(
                        torrent.clone(),
                        Failing {
                            error,
                            unsupported: false,
                        },
                    );
                }
                let delay = row
                    .next_attempt_at
                    .and_then(|at| (at - chrono::Utc::now()).to_std().ok())
                    .unwrap_or_default();
                self.schedule(torrent, delay, ctx);
            }
        }
    }
}
