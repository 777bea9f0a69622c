//! Start-up: rebuild the session from the catalogue and the resume files.
//!
//! Every catalogue entry comes back. With valid resume data it resumes where
//! it was; with missing or corrupt resume data it is re-added from its source
//! (the .torrent bytes or the magnet link) and libtorrent re-checks whatever
//! is on disk, so completed pieces are not downloaded again. Such a recovery
//! is announced as a warning event; nothing is dropped silently.

use actix::{ActorFutureExt, AsyncContext, Context, WrapFuture};
use libtorrent_sys::AddOptions;
use revaer_messages::events::Event;
use revaer_messages::health::HealthStatus;
use revaer_messages::torrent::{TorrentId, TorrentLimits, TorrentState};
use revaer_schema::models::torrents::{self, NewTorrent, TorrentRow};

use crate::actor::TorrentSession;
use crate::catalogue;
use crate::mapping::Tracked;
use crate::resume::ResumeStore;

type Loaded = Vec<(TorrentRow, Result<Option<Vec<u8>>, String>)>;

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
        ctx.wait(load.into_actor(self).map(|result, actor, _ctx| {
            match result {
                Ok(loaded) => {
                    let count = loaded.len();
                    for (row, resume) in loaded {
                        actor.attach(row, resume);
                    }
                    tracing::info!(
                        engine.torrents = count,
                        "engine restored from the catalogue"
                    );
                    actor.ready = true;
                }
                Err(err) => {
                    tracing::error!(error = %err, "cannot load the torrent catalogue");
                    actor.last_error = Some(format!("catalogue unavailable: {err}"));
                    actor.ready = true;
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
        let mut warning = None;
        let mut attached = false;
        match resume {
            Ok(Some(data)) => match session.add_resume_data(&data, &options) {
                Ok(_) => attached = true,
                Err(err) => {
                    warning = Some(format!(
                        "resume data of {id} is unusable ({err}); re-adding and re-checking"
                    ))
                }
            },
            Ok(None) => {
                warning = Some(format!(
                    "no resume data for {id}; re-adding and re-checking"
                ))
            }
            Err(err) => {
                warning = Some(format!(
                    "cannot read resume data of {id} ({err}); re-adding and re-checking"
                ))
            }
        }
        let mut error = None;
        if !attached {
            let added = match (&entry.torrent_file, &entry.magnet_uri) {
                (Some(bytes), _) => session.add_torrent_file(bytes, &options),
                (None, Some(uri)) => session.add_magnet(uri, &options),
                (None, None) => Err(libtorrent_sys::Error::InvalidArgument(
                    "catalogue entry has no source".into(),
                )),
            };
            if let Err(err) = added {
                error = Some(format!("cannot re-add from source: {err}"));
            }
        }
        if let Some(message) = &warning {
            tracing::warn!(torrent.info_hash = %id, "{message}");
            self.publish(
                Event::HealthChanged {
                    component: format!("{}.resume", crate::COMPONENT),
                    status: HealthStatus::Degraded,
                    detail: Some(message.clone()),
                },
                None,
            );
            let _ = self.resume.remove(id.as_str());
        }
        let state = if error.is_some() {
            TorrentState::Error
        } else {
            TorrentState::parse(&entry.state).unwrap_or(TorrentState::Queued)
        };
        let status = session.status(id.as_str()).ok();
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
                state,
                save_path: entry.save_path.clone(),
                user_paused: entry.paused,
                error,
                facets: crate::listing::facets(&session, id.as_str()),
                share_limits: row.share_limits(),
                last_activity: chrono::Utc::now(),
            },
        );
    }
}

/// libtorrent options for re-adding a catalogue entry.
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
    }
}

fn read_all(store: &ResumeStore, rows: Vec<TorrentRow>) -> Loaded {
    rows.into_iter()
        .map(|row| {
            let resume = store.read(&row.entry.id).map_err(|err| err.to_string());
            (row, resume)
        })
        .collect()
}
