//! Removal of a torrent: its job stops after the step in flight (never in
//! the middle of a file operation), then its staging area goes and, with
//! `delete_data`, the destination an unfinished job was filling. A finished
//! job's library copy and record stay.

use actix::{ActorFutureExt, AsyncContext, Context, Handler, WrapFuture};
use revaer_messages::fsops::{CancelFsops, JobStatus};
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::fs_jobs;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use super::FsOpsOrchestrator;
use crate::meta::{META_FILE, STAGING_DIR};
use crate::store::db;

impl Handler<CancelFsops> for FsOpsOrchestrator {
    type Result = ();

    fn handle(&mut self, msg: CancelFsops, ctx: &mut Self::Context) {
        let CancelFsops {
            torrent,
            delete_data,
        } = msg;
        if let Some(timer) = self.timers.remove(&torrent) {
            ctx.cancel_future(timer);
        }
        self.queue.retain(|queued| queued != &torrent);
        self.failing.remove(&torrent);
        self.removed.insert(torrent.clone(), delete_data);
        if self.running.contains_key(&torrent) {
            // Cleaned when its run reports back (or when its row loads).
            if let Some(cancel) = self.cancels.get(&torrent) {
                cancel.store(true, Ordering::SeqCst);
            }
        } else {
            self.clean_removed(torrent, ctx);
        }
        self.report(ctx);
    }
}

impl FsOpsOrchestrator {
    /// Removes what a removed torrent's job left, on a blocking thread.
    pub(super) fn clean_removed(&mut self, torrent: TorrentId, ctx: &mut Context<Self>) {
        let Some(delete_data) = self.removed.get(&torrent).copied() else {
            return;
        };
        let pool = self.options.pool.clone();
        let id = torrent.to_string();
        let clean = async move {
            let row = db(&pool, {
                let id = id.clone();
                move |c| fs_jobs::find(c, &id)
            })
            .await
            .map_err(|e| e.to_string())?;
            let Some(row) = row else {
                return Ok(());
            };
            if let Some(destination) = row.destination.clone().map(PathBuf::from) {
                let finished = row.status == JobStatus::Done;
                tokio::task::spawn_blocking(move || {
                    remove_leftovers(&destination, delete_data && !finished);
                })
                .await
                .map_err(|e| e.to_string())?;
            }
            db(&pool, move |c| fs_jobs::delete_unfinished(c, &id))
                .await
                .map_err(|e| e.to_string())?;
            Ok::<(), String>(())
        };
        ctx.spawn(clean.into_actor(self).map(move |cleaned, act, ctx| {
            act.failing.remove(&torrent);
            match cleaned {
                Ok(()) => tracing::info!(torrent.info_hash = %torrent, "fsops job of a removed torrent cancelled"),
                Err(err) => tracing::warn!(torrent.info_hash = %torrent, error = %err, "cannot clean up the fsops job of a removed torrent"),
            }
            act.report(ctx);
        }));
    }
}

/// The staging area always goes; the destination only when asked and only
/// if it is ours (it holds our `.revaer.meta`).
fn remove_leftovers(destination: &std::path::Path, whole: bool) {
    let target = if whole && destination.join(META_FILE).is_file() {
        destination.to_path_buf()
    } else {
        destination.join(STAGING_DIR)
    };
    match std::fs::remove_dir_all(&target) {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => {
            tracing::warn!(path = %target.display(), error = %err, "cannot remove fsops leftovers");
        }
    }
}
