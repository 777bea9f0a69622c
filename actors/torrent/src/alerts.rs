//! The alert pump: every tick it asks libtorrent for status updates, drains
//! alerts, and turns them into catalogue updates, resume files and domain
//! events. Progress events are coalesced per torrent (see `progress.rs`).

use chrono::Utc;
use libtorrent_sys::{Alert, AlertKind, TorrentStatus};
use revaer_messages::events::Event;
use revaer_messages::torrent::{TorrentId, TorrentState};
use revaer_schema::models::torrents::TorrentChanges;
use std::collections::HashMap;
use std::time::Instant;

use crate::actor::TorrentSession;
use crate::mapping::{self, domain_state};

impl TorrentSession {
    /// One tick of the pump.
    pub(crate) fn pump(&mut self) {
        self.tick_once();
        self.sync_view();
    }

    fn tick_once(&mut self) {
        let Some(session) = self.session.clone() else {
            return;
        };
        if let Err(err) = session.post_torrent_updates() {
            tracing::warn!(error = %err, "post_torrent_updates failed");
        }
        let alerts = match session.pop_alerts() {
            Ok(alerts) => alerts,
            Err(err) => {
                tracing::warn!(error = %err, "pop_alerts failed");
                return;
            }
        };
        self.options.metrics.alerts.inc_by(alerts.len() as u64);
        for alert in alerts {
            self.handle_alert(alert);
        }
        for progress in self.progress.due(Instant::now()) {
            self.publish(progress, None);
        }
        self.update_gauges();
        self.save_progressed();
    }

    fn handle_alert(&mut self, alert: Alert) {
        let id = alert.torrent_id.clone();
        match alert.kind {
            AlertKind::StateUpdate { statuses } => {
                for status in statuses {
                    self.apply_status(status);
                }
            }
            AlertKind::MetadataReceived => {
                if let Some(id) = id {
                    self.metadata_received(&id);
                }
            }
            AlertKind::TorrentFinished => {
                if let Some(id) = id {
                    self.finished(&id);
                }
            }
            AlertKind::SaveResumeData { data } => {
                if let Some(id) = id {
                    self.resume_arrived(id, data);
                }
            }
            AlertKind::SaveResumeDataFailed { error } => {
                if let Some(id) = id {
                    self.resume_refused(&id, &error);
                }
            }
            AlertKind::Other { what } if what == "alerts_dropped" => {
                // The queue is sized for this never to happen; if it does,
                // answers (e.g. resume data) may be missing.
                tracing::error!(message = %alert.message, "libtorrent dropped alerts");
            }
            AlertKind::TorrentError { error, file } | AlertKind::FileError { error, file } => {
                if let Some(id) = id {
                    self.torrent_error(&id, format!("{error} ({file})"));
                }
            }
            AlertKind::ListenSucceeded {
                address,
                port,
                socket,
            } => self.listen_succeeded(&address, port, &socket),
            AlertKind::ListenFailed {
                address,
                port,
                error,
                ..
            } => self.listen_failed(&address, port, &error),
            AlertKind::TrackerError { url, error } => {
                self.options.metrics.tracker_errors.inc();
                self.log_tracker_error(id.as_deref().unwrap_or_default(), url, error);
            }
            AlertKind::PerformanceWarning => {
                tracing::warn!(message = %alert.message, "libtorrent performance warning");
            }
            AlertKind::StorageMoved { path } => {
                if let Some(id) = id {
                    self.storage_moved(&id, path);
                }
            }
            AlertKind::StorageMovedFailed { path, error } => {
                if let Some(id) = id {
                    self.torrent_error(&id, format!("moving storage to {path} failed: {error}"));
                }
            }
            AlertKind::FastresumeRejected { error, file } => {
                if let Some(id) = id {
                    self.files_missing(&id, &error, &file);
                }
            }
            _ => {}
        }
    }

    /// A listen socket could not be opened: logged, and health says so.
    fn listen_failed(&mut self, address: &str, port: u16, error: &str) {
        tracing::error!(engine.address = %address, engine.port = port, error = %error, "engine cannot listen");
        self.listening = self
            .session
            .as_ref()
            .and_then(|s| s.is_listening().ok())
            .unwrap_or(false);
        self.last_error = Some(format!("listen on {address}:{port} failed: {error}"));
        self.report_health();
    }

    /// Applies a fresh status: state changes, progress events, byte counters.
    pub(crate) fn apply_status(&mut self, status: TorrentStatus) {
        let Some(tracked) = self.torrents.get_mut(&status.id) else {
            return;
        };
        let new_state = domain_state(&status, tracked.held());
        let delta_in = (status.total_payload_download - tracked.counted_in).max(0);
        let delta_out = (status.total_payload_upload - tracked.counted_out).max(0);
        tracked.counted_in = status.total_payload_download;
        tracked.counted_out = status.total_payload_upload;
        if delta_in > 0 || delta_out > 0 {
            tracked.last_activity = Utc::now();
        }
        self.options
            .metrics
            .bytes_in
            .inc_by(delta_in.unsigned_abs());
        self.options
            .metrics
            .bytes_out
            .inc_by(delta_out.unsigned_abs());
        if tracked.name.is_empty()
            || (tracked.name == tracked.id.as_str() && !status.name.is_empty())
        {
            tracked.name = status.name.clone();
        }
        let id = tracked.id.clone();
        let changed_state = new_state != tracked.state;
        tracked.state = new_state;
        tracked.save_path = status.save_path.clone();
        let progress = Event::Progress {
            torrent: id.clone(),
            progress: f64::from(status.progress).clamp(0.0, 1.0),
            downloaded: status.all_time_download,
            uploaded: status.all_time_upload,
            download_bps: status.download_rate,
            upload_bps: status.upload_rate,
        };
        let mut persist = changed_state.then(|| TorrentChanges {
            state: Some(new_state.as_str().to_string()),
            progress: Some(f64::from(status.progress)),
            total_size: Some(status.total_size),
            ..TorrentChanges::default()
        });
        if status.queue_position != tracked.queue_position {
            // Any move shifts others too; each one's status says so.
            tracked.queue_position = status.queue_position;
            persist
                .get_or_insert_with(TorrentChanges::default)
                .queue_position = Some(status.queue_position);
        }
        tracked.set_status(status);
        if changed_state {
            self.publish(
                Event::StateChanged {
                    torrent: id.clone(),
                    state: new_state,
                },
                None,
            );
        }
        if let Some(progress) =
            self.progress
                .offer(id.as_str(), progress, Instant::now(), changed_state)
        {
            self.publish(progress, None);
        }
        if let Some(changes) = persist {
            self.persist(id, changes);
        }
    }

    fn metadata_received(&mut self, id: &str) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let Some(tracked) = self.torrents.get_mut(id) else {
            return;
        };
        if let Ok(status) = session.status(id) {
            tracked.name = status.name.clone();
            tracked.set_status(status);
        }
        tracked.facets = crate::listing::facets(&session, id);
        let torrent = tracked.id.clone();
        let name = tracked.name.clone();
        let total = tracked.status.as_ref().map_or(0, |s| s.total_size);
        self.publish(
            Event::MetadataReceived {
                torrent: torrent.clone(),
                name: name.clone(),
            },
            None,
        );
        if let Ok(files) = session.files(id) {
            let files = files.iter().map(mapping::file).collect();
            self.publish(
                Event::FilesDiscovered {
                    torrent: torrent.clone(),
                    files,
                },
                None,
            );
        }
        self.persist(
            torrent,
            TorrentChanges {
                name: Some(name),
                total_size: Some(total),
                ..TorrentChanges::default()
            },
        );
        self.request_resume(id);
    }

    fn finished(&mut self, id: &str) {
        let Some(tracked) = self.torrents.get_mut(id) else {
            return;
        };
        if let Some(session) = &self.session {
            if let Ok(status) = session.status(id) {
                tracked.set_status(status);
            }
        }
        // Also posted after a recheck of a complete torrent: announce once.
        if tracked.completed_at.is_some() {
            return;
        }
        let now = Utc::now();
        tracked.completed_at = Some(now);
        let torrent = tracked.id.clone();
        let save_path = tracked
            .status
            .as_ref()
            .map_or_else(|| tracked.save_path.clone(), |s| s.save_path.clone());
        tracing::info!(torrent.info_hash = %torrent, "torrent completed");
        self.persist(
            torrent.clone(),
            TorrentChanges {
                completed_at: Some(Some(now)),
                progress: Some(1.0),
                ..TorrentChanges::default()
            },
        );
        self.publish(Event::Completed { torrent, save_path }, None);
        self.request_resume(id);
    }

    fn torrent_error(&mut self, id: &str, message: String) {
        let Some(tracked) = self.torrents.get_mut(id) else {
            return;
        };
        tracing::warn!(torrent.info_hash = %id, error = %message, "torrent error");
        tracked.error = Some(message.clone());
        let torrent = tracked.id.clone();
        if tracked.state != TorrentState::Error {
            tracked.state = TorrentState::Error;
            self.publish(
                Event::StateChanged {
                    torrent: torrent.clone(),
                    state: TorrentState::Error,
                },
                None,
            );
        }
        self.publish(Event::TorrentError { torrent, message }, None);
    }

    fn storage_moved(&mut self, id: &str, path: String) {
        let Some(tracked) = self.torrents.get_mut(id) else {
            return;
        };
        tracked.save_path = path.clone();
        let torrent = tracked.id.clone();
        self.persist(
            torrent,
            TorrentChanges {
                save_path: Some(path),
                ..TorrentChanges::default()
            },
        );
        self.request_resume(id);
    }

    /// Queues catalogue changes on the ordered writer (see `ledger.rs`);
    /// the engine never waits on them.
    pub(crate) fn persist(&self, id: TorrentId, changes: TorrentChanges) {
        if !crate::ledger::is_empty(&changes) {
            self.ledger.update(id.to_string(), changes);
        }
    }

    fn update_gauges(&self) {
        let mut by_state: HashMap<&'static str, i64> = HashMap::new();
        let (mut down, mut up) = (0, 0);
        for tracked in self.torrents.values() {
            *by_state.entry(tracked.state.as_str()).or_default() += 1;
            if let Some(status) = &tracked.status {
                down += status.download_rate;
                up += status.upload_rate;
            }
        }
        for state in TorrentState::ALL {
            let count = by_state.get(state.as_str()).copied().unwrap_or(0);
            self.options
                .metrics
                .torrents
                .with_label_values(&[state.as_str()])
                .set(count);
        }
        self.options.metrics.download_bps.set(down);
        self.options.metrics.upload_bps.set(up);
    }
}
