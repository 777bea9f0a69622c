//! The run queue: jobs wait for a slot (at most `max_concurrent` run at
//! once) or for their backoff timer; a job is never queued twice.

use actix::{AsyncContext, Context};
use revaer_messages::torrent::TorrentId;
use std::time::Duration;

use super::FsOpsOrchestrator;

impl FsOpsOrchestrator {
    pub(super) fn schedule(
        &mut self,
        torrent: TorrentId,
        delay: Duration,
        ctx: &mut Context<Self>,
    ) {
        if let Some(timer) = self.timers.remove(&torrent) {
            ctx.cancel_future(timer);
        }
        if delay.is_zero() {
            self.enqueue(torrent, ctx);
            return;
        }
        let key = torrent.clone();
        let timer = ctx.run_later(delay, move |act, ctx| {
            act.timers.remove(&key);
            act.enqueue(key, ctx);
        });
        self.timers.insert(torrent, timer);
    }

    pub(super) fn enqueue(&mut self, torrent: TorrentId, ctx: &mut Context<Self>) {
        if let Some(timer) = self.timers.remove(&torrent) {
            ctx.cancel_future(timer);
        }
        if self.running.contains_key(&torrent) || self.queue.contains(&torrent) {
            return;
        }
        self.queue.push_back(torrent);
        self.pump(ctx);
    }

    /// Starts queued jobs while slots are free.
    pub(super) fn pump(&mut self, ctx: &mut Context<Self>) {
        while self.running.len() < self.options.max_concurrent.max(1) {
            let Some(torrent) = self.queue.pop_front() else {
                break;
            };
            self.running.insert(torrent.clone(), None);
            self.start_job(torrent, ctx);
        }
    }

    /// Jobs whose actor is gone without a report (it cannot happen by
    /// design; if it does, the store still knows where the job stands).
    pub(super) fn watchdog(&mut self, ctx: &mut Context<Self>) {
        let vanished: Vec<TorrentId> = self
            .running
            .iter()
            .filter(|(_, addr)| addr.as_ref().is_some_and(|a| !a.connected()))
            .map(|(t, _)| t.clone())
            .collect();
        for torrent in vanished {
            tracing::warn!(torrent.info_hash = %torrent, "fsops job vanished; restarting it");
            self.running.remove(&torrent);
            self.schedule(torrent, self.options.retry.base_delay, ctx);
        }
    }
}
