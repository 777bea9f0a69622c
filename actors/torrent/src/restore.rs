//! Start-up: rebuild the session from the catalogue and the resume files.
//!
//! Every catalogue entry comes back. With valid resume data it resumes where
//! it was; with missing or corrupt resume data it is re-added from its source
//! (the .torrent bytes or the magnet link) and libtorrent re-checks whatever
//! is on disk, so completed pieces are not downloaded again. Such a recovery
//! is announced as a warning event; nothing is dropped silently.

use actix::{ActorFutureExt, AsyncContext, Context, WrapFuture};
use libtorrent_sys::{AddOptions, Restored, Session};
use revaer_messages::engine::ContentLayout;
use revaer_messages::events::Event;
use revaer_messages::health::HealthStatus;
use revaer_messages::torrent::{TorrentId, TorrentLimits, TorrentState};
use revaer_schema::models::torrents::{self, NewTorrent, TorrentRow};
use std::time::Duration;

use crate::actor::TorrentSession;
use crate::catalogue;
use crate::mapping::Tracked;
use crate::resume::ResumeStore;
use crate::saving::ResumeMark;

type Loaded = Vec<(TorrentRow, Result<Option<Vec<u8>>, String>)>;

/// First and longest pause between attempts to load the catalogue.
const RETRY_FIRST: Duration = Duration::from_millis(500);
const RETRY_MAX: Duration = Duration::from_secs(30);

/// Exponential backoff: 0.5 s, 1 s, 2 s, ... up to 30 s.
fn retry_delay(attempts: u32) -> Duration {
    RETRY_FIRST
        .saturating_mul(1u32 << attempts.min(10))
        .min(RETRY_MAX)
}

impl TorrentSession {
    pub(crate) fn restore(&mut self, ctx: &mut Context<Self>) {
        let pool = self.options.pool.clone();
        let store = self.resume.clone();
        let load = async move {
            let rows = catalogue::blocking(pool, torrents::list).await?;
            let loaded = tokio::task::spawn_blocking(move || read_all(&store, rows))
                .await
                .map_err(|err| revaer_messages::engine::EngineError::Internal(err.to_string()))?;
            Ok::<Loaded, revaer_messages::engine::EngineError>(loaded)
        };
        // `wait`: no command is handled before the catalogue is back.
        ctx.wait(load.into_actor(self).map(|result, actor, ctx| {
            match result {
                Ok(loaded) => {
                    let count = loaded.len();
                    for (row, resume) in in_queue_order(loaded) {
                        actor.attach(row, resume);
                    }
                    tracing::info!(
                        engine.torrents = count,
                        "engine restored from the catalogue"
                    );
                    actor.restore_attempts = 0;
                    if actor
                        .last_error
                        .as_deref()
                        .is_some_and(|e| e.starts_with("catalogue"))
                    {
                        actor.last_error = None;
                    }
                    actor.ready = true;
                    // Queries read the snapshot: it says ready as soon as we are.
                    actor.sync_view();
                }
                Err(err) => {
                    // Never ready with an empty table: that would hide every
                    // torrent and let duplicates in. Degraded, and try again.
                    let delay = retry_delay(actor.restore_attempts);
                    actor.restore_attempts = actor.restore_attempts.saturating_add(1);
                    tracing::error!(error = %err, retry_in_ms = delay.as_millis() as u64, "cannot load the torrent catalogue");
                    actor.last_error = Some(format!("catalogue unavailable: {err}"));
                    ctx.run_later(delay, |actor, ctx| {
                        if actor.session.is_some() && !actor.ready && actor.stopping.is_none() {
                            actor.restore(ctx);
                        }
                    });
                }
            }
            actor.report_health();
        }));
    }

    fn attach(&mut self, row: TorrentRow, resume: Result<Option<Vec<u8>>, String>) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let entry = &row.entry;
        let Ok(id) = TorrentId::parse(&entry.id) else {
            tracing::error!(torrent.info_hash = %entry.id, "catalogue entry has an invalid id; skipped");
            return;
        };
        let options = add_options(entry);
        let (restored, warning) = restore_from_resume(&session, entry, &options, &id, resume);
        let error = if restored.is_none() {
            re_add(&session, entry, &options)
        } else {
            None
        };
        if let Some(message) = &warning {
            self.warn_restore(message);
            self.writer.remove(id.to_string());
        }
        if let Some(r) = &restored {
            if row.completed_at.is_none() && self.without_peer_source(r.peers, r.trackers) {
                self.warn_restore(&format!(
                    "{id} was restored without any peer source (no trackers, no saved or hinted peers, DHT and LSD off); it cannot make progress until a peer connects to it"
                ));
            }
        }
        let force_start = error.is_none() && reapply_force_start(&session, &row, &id);
        let state = if error.is_some() {
            TorrentState::Error
        } else {
            TorrentState::parse(&entry.state).unwrap_or(TorrentState::Queued)
        };
        let status = session.status(id.as_str()).ok();
        let resume = ResumeMark {
            on_disk: restored.is_some(),
            done_at_request: status.as_ref().map_or(0, |s| s.total_done),
            requested_at: None,
        };
        self.torrents.insert(
            id.to_string(),
            Tracked {
                id: id.clone(),
                name: entry.name.clone(),
                category: entry.category.clone(),
                tags: entry.tag_list(),
                added_at: row.added_at,
                completed_at: row.completed_at,
                limits: TorrentLimits {
                    download_bps: (entry.download_limit > 0).then_some(entry.download_limit),
                    upload_bps: (entry.upload_limit > 0).then_some(entry.upload_limit),
                },
                counted_in: status.as_ref().map_or(0, |s| s.total_payload_download),
                counted_out: status.as_ref().map_or(0, |s| s.total_payload_upload),
                status,
                status_at: std::time::Instant::now(),
                state,
                save_path: entry.save_path.clone(),
                user_paused: entry.paused,
                force_start,
                queue_position: row.queue_position,
                first_last_piece_prio: entry.first_last_piece_prio,
                error,
                missing_files: false,
                facets: crate::listing::facets(&session, id.as_str()),
                share_limits: row.share_limits(),
                last_activity: chrono::Utc::now(),
                resume,
            },
        );
    }

    /// True when nothing can bring a peer to a torrent that starts with
    /// `peers` known peers and `trackers` trackers.
    fn without_peer_source(&self, peers: u32, trackers: u32) -> bool {
        let profile = &self.config.engine_profile;
        peers == 0 && trackers == 0 && !profile.dht && !profile.lsd
    }

    /// A restore problem: logged and published as a `health_changed` warning.
    fn warn_restore(&mut self, message: &str) {
        tracing::warn!("{message}");
        self.publish(
            Event::HealthChanged {
                component: format!("{}.resume", crate::COMPONENT),
                status: HealthStatus::Degraded,
                detail: Some(message.to_string()),
            },
            None,
        );
    }
}

/// libtorrent options for re-adding a catalogue entry.
/// Adds the torrent back from its resume data; with none (or unusable
/// data) says why it must be re-added from its source and re-checked.
fn restore_from_resume(
    session: &Session,
    entry: &NewTorrent,
    options: &AddOptions,
    id: &TorrentId,
    resume: Result<Option<Vec<u8>>, String>,
) -> (Option<Restored>, Option<String>) {
    match resume {
        // The source's peer hints and trackers are merged in: a magnet
        // whose only peer source is its x.pe hint would otherwise
        // restore with no way to find a peer.
        Ok(Some(data)) => match session.restore(&data, entry.magnet_uri.as_deref(), options) {
            Ok(restored) => (Some(restored), None),
            Err(err) => (
                None,
                Some(format!(
                    "resume data of {id} is unusable ({err}); re-adding and re-checking"
                )),
            ),
        },
        Ok(None) => (
            None,
            Some(format!(
                "no resume data for {id}; re-adding and re-checking"
            )),
        ),
        Err(err) => (
            None,
            Some(format!(
                "cannot read resume data of {id} ({err}); re-adding and re-checking"
            )),
        ),
    }
}

/// Adds the torrent again from its `.torrent` file or magnet; says why
/// when that fails.
fn re_add(session: &Session, entry: &NewTorrent, options: &AddOptions) -> Option<String> {
    let added = match (&entry.torrent_file, &entry.magnet_uri) {
        (Some(bytes), _) => session.add_torrent_file(bytes, options),
        (None, Some(uri)) => session.add_magnet(uri, options),
        (None, None) => Err(libtorrent_sys::Error::InvalidArgument(
            "catalogue entry has no source".into(),
        )),
    };
    added
        .err()
        .map(|err| format!("cannot re-add from source: {err}"))
}

/// Force-starts a restored torrent again when the catalogue says so (a
/// paused one never is: a pause clears force start). True when it is.
fn reapply_force_start(session: &Session, row: &TorrentRow, id: &TorrentId) -> bool {
    if !row.force_start || row.entry.paused {
        return false;
    }
    match session.set_force_start(id.as_str(), true) {
        Ok(()) => true,
        Err(err) => {
            tracing::warn!(torrent.info_hash = %id, error = %err, "cannot force-start a restored torrent");
            false
        }
    }
}

pub(crate) fn add_options(entry: &NewTorrent) -> AddOptions {
    let clamp = |v: i64| i32::try_from(v.max(0)).unwrap_or(i32::MAX);
    AddOptions {
        save_path: entry.save_path.clone(),
        paused: entry.paused,
        sequential: entry.sequential,
        auto_managed: !entry.paused,
        file_priorities: entry.priorities(),
        download_limit: clamp(entry.download_limit),
        upload_limit: clamp(entry.upload_limit),
        max_connections: 0,
        // Only a fresh add or metadata yet to come applies it: resume data
        // with metadata brings the renamed paths (see the bridge).
        content_layout: crate::adding::lt_layout(
            ContentLayout::parse(&entry.content_layout).unwrap_or_default(),
        ),
        first_last_piece: entry.first_last_piece_prio,
        super_seeding: entry.super_seeding,
        seed_mode: false,
    }
}

/// The catalogue in the order torrents go back into the session: libtorrent
/// appends each unfinished torrent to its download queue, so re-adding the
/// queued ones by their saved position (ties and the unqueued ones keep the
/// catalogue's order, oldest first) restores the queue as it was.
fn in_queue_order(mut loaded: Loaded) -> Loaded {
    loaded.sort_by_key(|(row, _)| match row.queue_position {
        p if p >= 0 => (0, p),
        _ => (1, 0),
    });
    loaded
}

fn read_all(store: &ResumeStore, rows: Vec<TorrentRow>) -> Loaded {
    match store.remove_stale_temps() {
        Ok(0) => {}
        Ok(n) => tracing::info!(files = n, "removed temporary resume files left by a crash"),
        Err(err) => tracing::warn!(error = %err, "cannot sweep temporary resume files"),
    }
    rows.into_iter()
        .map(|row| {
            let resume = store.read(&row.entry.id).map_err(|err| err.to_string());
            (row, resume)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn restore_retries_back_off_to_a_ceiling() {
        assert_eq!(retry_delay(0), Duration::from_millis(500));
        assert_eq!(retry_delay(1), Duration::from_secs(1));
        assert_eq!(retry_delay(3), Duration::from_secs(4));
        assert_eq!(retry_delay(9), RETRY_MAX);
        assert_eq!(retry_delay(u32::MAX), RETRY_MAX);
    }
}
