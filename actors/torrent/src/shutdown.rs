//! The one save-and-stop path, shared by `ShutdownEngine` and
//! `RestartEngine`.
//!
//! Why it is built this way: resume data arrives as alerts, and the alert
//! pump is their only consumer. So stopping does not drain alerts on the
//! side; it asks libtorrent for resume data and lets the pump, now running
//! every `DRAIN_TICK`, hand each answer to the one resume writer, exactly as
//! during normal operation. When every torrent has answered (or the
//! deadline passed), the writer is flushed, and only then is the session
//! dropped and the callers answered.
//!
//! Only what changed is written: a torrent that already has a resume file
//! is asked with `only_if_modified`, and libtorrent answers "not modified"
//! for it without producing data. Requests are issued at most
//! `MAX_OUTSTANDING` at a time so the alert queue never overflows.

use actix::{
    ActorContext, ActorFutureExt, AsyncContext, Context, ResponseActFuture, SpawnHandle, WrapFuture,
};
use revaer_messages::engine::EngineError;
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

use crate::actor::TorrentSession;

/// Pump interval while stopping.
const DRAIN_TICK: Duration = Duration::from_millis(5);

/// How long a stop waits for queued catalogue changes.
const CATALOGUE_FLUSH: Duration = Duration::from_secs(5);

/// Resume requests in flight at once.
const MAX_OUTSTANDING: usize = 4096;

/// What a stop achieved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StopReport {
    /// Torrents whose resume data was handed to the writer.
    pub saved: usize,
    /// Torrents libtorrent reported unchanged since their last save.
    pub unchanged: usize,
    /// Torrents that did not answer before the deadline.
    pub missing: usize,
    /// The session is to be rebuilt (a restart not joined by a shutdown).
    pub restart: bool,
}

/// A stop in progress.
pub(crate) struct Stopping {
    /// Not asked yet: id and whether `only_if_modified` applies.
    queue: Vec<(String, bool)>,
    /// Asked, answer awaited.
    waiting: HashSet<String>,
    deadline: Instant,
    started: Instant,
    report: StopReport,
    /// Restart the session afterwards (the supervisor rebuilds it).
    restart: bool,
    callers: Vec<oneshot::Sender<StopReport>>,
    drain: Option<SpawnHandle>,
}

impl TorrentSession {
    /// Starts (or joins) the save-and-stop; resolves when the session is gone.
    pub(crate) fn save_and_stop(
        &mut self,
        restart: bool,
        ctx: &mut Context<Self>,
    ) -> oneshot::Receiver<StopReport> {
        let (tx, rx) = oneshot::channel();
        if let Some(stopping) = &mut self.stopping {
            // A shutdown joining a restart turns it into a shutdown.
            stopping.restart &= restart;
            stopping.callers.push(tx);
            return rx;
        }
        if self.session.is_none() {
            let _ = tx.send(StopReport::default());
            return rx;
        }
        self.ready = false;
        let waiting: HashSet<String> = self.pending_resume.keys().cloned().collect();
        let queue = self
            .torrents
            .values()
            .filter(|t| !waiting.contains(t.id.as_str()))
            // Held for missing files: its last good resume file stays.
            .filter(|t| !t.missing_files)
            .map(|t| (t.id.to_string(), t.resume.on_disk))
            .collect();
        let now = Instant::now();
        self.stopping = Some(Stopping {
            queue,
            waiting,
            deadline: now + self.options.shutdown_timeout,
            started: now,
            report: StopReport::default(),
            restart,
            callers: vec![tx],
            drain: None,
        });
        let drain = ctx.run_interval(DRAIN_TICK, |actor, ctx| actor.drain_step(ctx));
        if let Some(stopping) = &mut self.stopping {
            stopping.drain = Some(drain);
        }
        self.drain_step(ctx);
        rx
    }

    /// Called for every resume answer the pump sees while stopping.
    pub(crate) fn stop_answered(&mut self, id: &str, saved: bool) {
        let Some(stopping) = &mut self.stopping else {
            return;
        };
        if stopping.waiting.remove(id) {
            if saved {
                stopping.report.saved += 1;
            } else {
                stopping.report.unchanged += 1;
            }
        }
    }

    fn drain_step(&mut self, ctx: &mut Context<Self>) {
        if self.stopping.as_ref().is_some_and(|s| s.drain.is_none()) {
            return; // finishing: the writer is being flushed
        }
        self.pump();
        let Some(session) = self.session.clone() else {
            return;
        };
        let Some(stopping) = &mut self.stopping else {
            return;
        };
        while stopping.waiting.len() < MAX_OUTSTANDING {
            let Some((id, only_if_modified)) = stopping.queue.pop() else {
                break;
            };
            let asked = if only_if_modified {
                session.save_resume_data_if_modified(&id)
            } else {
                session.save_resume_data(&id)
            };
            if asked.is_ok() {
                self.pending_resume.insert(id.clone(), Instant::now());
                stopping.waiting.insert(id);
            }
        }
        let finished = stopping.waiting.is_empty() && stopping.queue.is_empty();
        if finished || Instant::now() >= stopping.deadline {
            self.finish_stop(ctx);
        }
    }

    fn finish_stop(&mut self, ctx: &mut Context<Self>) {
        let Some(stopping) = &mut self.stopping else {
            return;
        };
        if let Some(drain) = stopping.drain.take() {
            ctx.cancel_future(drain);
        }
        stopping.report.missing = stopping.waiting.len() + stopping.queue.len();
        if stopping.report.missing > 0 {
            tracing::warn!(
                engine.missing = stopping.report.missing,
                "stop timed out waiting for resume data"
            );
        }
        // Everything the pump handed over must be on disk before the
        // session goes and before a restart reads the files back.
        let (resume, catalogue) = (self.writer.flush(), self.ledger.flush());
        let flushed = async move {
            resume.await;
            // Bounded: with the database away the ledger retries forever,
            // and a stop must still end (the queued changes are then lost;
            // the resume files hold the progress).
            if tokio::time::timeout(CATALOGUE_FLUSH, catalogue)
                .await
                .is_err()
            {
                tracing::error!("catalogue changes not written before the stop");
            }
        };
        ctx.wait(flushed.into_actor(self).map(|(), actor, ctx| {
            let Some(mut stopping) = actor.stopping.take() else {
                return;
            };
            actor.session = None;
            // The snapshot holds the session too (for detail queries): it
            // must let go for the session to really stop.
            actor.sync_view();
            stopping.report.restart = stopping.restart;
            tracing::info!(
                engine.resume_saved = stopping.report.saved,
                engine.resume_unchanged = stopping.report.unchanged,
                engine.resume_missing = stopping.report.missing,
                engine.torrents = actor.torrents.len(),
                duration_ms = stopping.started.elapsed().as_millis() as u64,
                restart = stopping.restart,
                "engine state saved; session stopped"
            );
            if stopping.callers.is_empty() && stopping.restart {
                ctx.stop();
            }
            // Each caller's reply future stops the actor for a restart (see
            // `stop_reply`): stopping here would cancel those futures unanswered.
            for caller in stopping.callers {
                let _ = caller.send(stopping.report);
            }
        }));
    }
}

impl TorrentSession {
    /// The reply of a stop to its caller; after a restart's save it stops
    /// the actor, and the supervisor rebuilds the session.
    pub(crate) fn stop_reply(
        &self,
        rx: oneshot::Receiver<StopReport>,
    ) -> ResponseActFuture<Self, Result<(), EngineError>> {
        Box::pin(rx.into_actor(self).map(|report, _actor, ctx| {
            let report = report
                .map_err(|_| EngineError::Internal("the engine stopped while saving".into()))?;
            if report.restart {
                ctx.stop();
            }
            match report.missing {
                0 => Ok(()),
                missing => Err(EngineError::Internal(format!(
                    "resume data of {missing} torrents was not saved in time"
                ))),
            }
        }))
    }
}
