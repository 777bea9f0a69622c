//! How completions become jobs: `completed` events from the hub (resuming
//! by event id), the typed [`TorrentCompleted`] message, and reconciliation
//! with the catalogue for completions recorded without a job (after a crash
//! or a gap in the event stream), so no completion is ever lost.

use actix::{ActorFutureExt, AsyncContext, Context, StreamHandler, WrapFuture};
use revaer_messages::events::Event;
use revaer_messages::fsops::{FsopsCommandError, JobInput, TorrentCompleted};
use revaer_messages::hub::{EventFilter, HubItem, Subscribe};
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::fs_jobs;
use std::collections::BTreeSet;
use tokio_stream::wrappers::ReceiverStream;

use super::{Failing, FsOpsOrchestrator, RESUBSCRIBE_DELAY};
use crate::intake::{self, Created};
use crate::store::db;

impl FsOpsOrchestrator {
    pub(super) fn subscribe(&mut self, ctx: &mut Context<Self>) {
        let Some(hub) = self.options.hub.clone() else {
            self.reconcile(ctx);
            return;
        };
        let request = Subscribe {
            last_event_id: self.last_event_id,
            filter: EventFilter {
                types: Some(BTreeSet::from(["completed".to_string()])),
                torrent: None,
            },
            internal: true,
        };
        ctx.spawn(async move { hub.send(request).await }.into_actor(self).map(
            |reply, act, ctx| match reply {
                Ok(subscription) => {
                    ctx.add_stream(ReceiverStream::new(subscription.receiver));
                    // From here on completions arrive as events; anything
                    // that completed before (or while we were detached) is
                    // found in the catalogue.
                    act.reconcile(ctx);
                }
                Err(err) => {
                    tracing::warn!(error = %err, "event hub unreachable; fsops subscribes again");
                    ctx.run_later(RESUBSCRIBE_DELAY, |act, ctx| act.subscribe(ctx));
                }
            },
        ));
    }

    /// Turns every completion recorded in the catalogue without a job into
    /// one, so a crash or a gap in the event stream never loses
    /// post-processing. A completion that also arrives as an event finds the
    /// job already there and changes nothing.
    pub(super) fn reconcile(&mut self, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        ctx.spawn(
            async move { db(&pool, fs_jobs::completions_without_job).await }
                .into_actor(self)
                .map(|found, act, ctx| match found {
                    Ok(rows) => act.missed_completions(rows, ctx),
                    Err(err) => {
                        tracing::error!(error = %err, "cannot look for missed completions; retrying");
                        ctx.run_later(RESUBSCRIBE_DELAY * 5, |act, ctx| act.reconcile(ctx));
                    }
                }),
        );
    }

    /// Starts a job for each `(torrent id, save path)` the catalogue records
    /// as completed without one.
    fn missed_completions(&mut self, rows: Vec<(String, String)>, ctx: &mut Context<Self>) {
        for (id, save_path) in rows {
            let Ok(torrent) = TorrentId::parse(&id) else {
                continue;
            };
            tracing::warn!(
                torrent.info_hash = %torrent,
                "completed torrent has no post-processing job; starting one"
            );
            let completed = TorrentCompleted {
                torrent,
                save_path,
                request_id: None,
            };
            self.intake(completed, ctx);
        }
    }

    /// Turns a completion into a job.
    pub(super) fn intake(&mut self, msg: TorrentCompleted, ctx: &mut Context<Self>) {
        // Completed again: the torrent exists again (re-added).
        self.removed.remove(&msg.torrent);
        let engine = self.options.engine_query.clone();
        let pool = self.options.pool.clone();
        let torrent = msg.torrent.clone();
        ctx.spawn(
            async move {
                intake::resolve(engine.as_ref(), &pool, msg.torrent, msg.save_path, msg.request_id)
                    .await
            }
            .into_actor(self)
            .map(move |resolved, act, ctx| match resolved {
                Ok(input) => act.create(input, ctx),
                Err(err) => {
                    tracing::error!(torrent.info_hash = %torrent, error = %err, "cannot post-process a finished torrent");
                }
            }),
        );
    }

    pub(super) fn create(&mut self, input: JobInput, ctx: &mut Context<Self>) {
        let fut = self.create_future(input);
        ctx.spawn(fut.map(|_, _, _| ()));
    }

    pub(super) fn create_future(
        &mut self,
        input: JobInput,
    ) -> impl actix::ActorFuture<Self, Output = Result<(), FsopsCommandError>> {
        let pool = self.options.pool.clone();
        let policy = self.options.config.fs_policy.clone();
        let torrent = input.torrent.clone();
        async move { intake::create(&pool, input, &policy).await }
            .into_actor(self)
            .map(move |created, act, ctx| match created {
                // Removed while its job was being created: clean, don't run.
                Ok(_) if act.removed.contains_key(&torrent) => {
                    act.clean_removed(torrent, ctx);
                    Ok(())
                }
                Ok(Created::Pending) => {
                    act.enqueue(torrent, ctx);
                    act.report(ctx);
                    Ok(())
                }
                Ok(Created::PlanFailed(err)) => {
                    let error = format!("planning failed: {err}");
                    act.publish(Event::FsopsFailed {
                        torrent: torrent.clone(),
                        step: "plan".into(),
                        error: error.clone(),
                    });
                    act.failing.insert(
                        torrent,
                        Failing {
                            error,
                            unsupported: false,
                        },
                    );
                    act.report(ctx);
                    Ok(())
                }
                Ok(Created::Exists(status)) => {
                    tracing::debug!(torrent.info_hash = %torrent, fsops.status = %status, "fsops job exists; completion ignored");
                    Ok(())
                }
                Err(err) => Err(FsopsCommandError::Unavailable(err.to_string())),
            })
    }
}

impl StreamHandler<HubItem> for FsOpsOrchestrator {
    fn handle(&mut self, item: HubItem, ctx: &mut Self::Context) {
        match item {
            HubItem::Event(envelope) => {
                self.last_event_id = Some(envelope.id);
                if let Event::Completed { torrent, save_path } = &envelope.event {
                    self.intake(
                        TorrentCompleted {
                            torrent: torrent.clone(),
                            save_path: save_path.clone(),
                            request_id: envelope.request_id.clone(),
                        },
                        ctx,
                    );
                }
            }
            HubItem::Resync { latest_id } => {
                // Completions between our last id and now are gone from the
                // hub; the catalogue still has them.
                tracing::warn!(
                    hub.latest_id = latest_id,
                    "fsops missed events while detached from the hub; reconciling with the catalogue"
                );
                self.last_event_id = Some(latest_id);
                self.reconcile(ctx);
            }
        }
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        // The hub dropped us (lagging or restarted): come back where we left.
        ctx.run_later(RESUBSCRIBE_DELAY, |act, ctx| act.subscribe(ctx));
    }
}
