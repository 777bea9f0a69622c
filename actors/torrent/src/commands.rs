//! Command and query handlers. Every input is validated here, before
//! libtorrent sees it, and every failure is a typed `EngineError`.

use actix::{ActorFutureExt, Handler, ResponseActFuture, WrapFuture};
use chrono::Utc;
use libtorrent_sys::{AddOptions as LtAddOptions, Error as LtError};
use revaer_messages::engine::{
    AddTorrent, ControlTorrent, EngineError, GetTorrent, RemoveTorrent, RestartEngine,
    ShutdownEngine, TorrentCommand, TorrentSource,
};
use revaer_messages::events::Event;
use revaer_messages::torrent::{TorrentDetail, TorrentId, TorrentState, TorrentSummary};
use revaer_schema::models::torrents::{NewTorrent, TorrentChanges};
use serde_json::Value;
use std::path::{Component, Path};

use crate::actor::TorrentSession;
use crate::mapping::{self, engine_error, summary, Tracked};

/// Highest file priority libtorrent accepts.
const MAX_PRIORITY: u8 = 7;

fn clamp_limit(value: Option<i64>) -> Result<i32, EngineError> {
    match value {
        None => Ok(0),
        Some(v) if v < 0 => Err(EngineError::InvalidArgument(
            "rate limits must be 0 (unlimited) or positive".into(),
        )),
        Some(v) => Ok(i32::try_from(v).unwrap_or(i32::MAX)),
    }
}

/// True when `path` is absolute, has no `..`, and lies under one of `roots`.
fn inside(path: &str, roots: &[&str]) -> bool {
    let candidate = Path::new(path);
    if !candidate.is_absolute()
        || candidate
            .components()
            .any(|c| matches!(c, Component::ParentDir))
    {
        return false;
    }
    roots
        .iter()
        .any(|root| !root.is_empty() && candidate.starts_with(Path::new(root)))
}

/// A torrent's file priorities with `(index, priority)` pairs applied;
/// every pair is checked first (no metadata yet, index or priority out of
/// range), so a bad one changes nothing.
fn merged_priorities(
    id: &TorrentId,
    mut priorities: Vec<u8>,
    pairs: &[(u32, u8)],
) -> Result<Vec<u8>, EngineError> {
    if priorities.is_empty() {
        return Err(EngineError::NoMetadata(id.clone()));
    }
    let count = u32::try_from(priorities.len()).unwrap_or(u32::MAX);
    for (index, priority) in pairs {
        if *index >= count {
            return Err(EngineError::InvalidFileIndex {
                index: *index,
                count,
            });
        }
        if *priority > MAX_PRIORITY {
            return Err(EngineError::InvalidArgument(format!(
                "file priority {priority} is out of range 0..=7"
            )));
        }
    }
    for (index, priority) in pairs {
        if let Some(slot) = priorities.get_mut(*index as usize) {
            *slot = *priority;
        }
    }
    Ok(priorities)
}

impl TorrentSession {
    pub(crate) fn tracked(&self, id: &TorrentId) -> Result<&Tracked, EngineError> {
        self.torrents
            .get(id.as_str())
            .ok_or_else(|| EngineError::NotFound(id.clone()))
    }

    /// Validates an add, puts the torrent into the session and tracks it;
    /// returns the catalogue row to insert.
    fn prepare_add(&mut self, msg: &AddTorrent) -> Result<NewTorrent, EngineError> {
        let session = self.session()?;
        let options = &msg.options;
        let (raw_id, name, file_count, source_kind, magnet_uri, torrent_file) = match &msg.source {
            TorrentSource::Magnet(uri) => {
                let info = libtorrent_sys::parse_magnet(uri)
                    .map_err(|e| EngineError::InvalidMagnet(e.to_string()))?;
                (info.id, info.name, None, "magnet", Some(uri.clone()), None)
            }
            TorrentSource::File(bytes) => {
                let meta = libtorrent_sys::parse_torrent_file(bytes)
                    .map_err(|e| EngineError::InvalidTorrent(e.to_string()))?;
                (
                    meta.id,
                    meta.name,
                    Some(meta.files.len()),
                    "file",
                    None,
                    Some(bytes.clone()),
                )
            }
        };
        let id = TorrentId::parse(&raw_id)
            .map_err(|e| EngineError::Internal(format!("libtorrent id {raw_id}: {e}")))?;
        if self.torrents.contains_key(id.as_str()) {
            return Err(EngineError::Duplicate(id));
        }
        let profile = &self.config.engine_profile;
        let save_path = options
            .save_path
            .clone()
            .unwrap_or_else(|| profile.download_root.clone());
        let mut roots: Vec<&str> = self
            .config
            .fs_policy
            .allow_paths
            .iter()
            .map(String::as_str)
            .collect();
        roots.push(profile.download_root.as_str());
        if !inside(&save_path, &roots) {
            return Err(EngineError::InvalidArgument(format!(
                "save_path {save_path:?} must be an absolute path inside the download root or fs_policy.allow_paths"
            )));
        }
        let priorities = options.files.clone().unwrap_or_default();
        if let Some(bad) = priorities.iter().find(|p| **p > MAX_PRIORITY) {
            return Err(EngineError::InvalidArgument(format!(
                "file priority {bad} is out of range 0..=7"
            )));
        }
        if let Some(count) = file_count {
            if priorities.len() > count {
                return Err(EngineError::InvalidFileIndex {
                    index: u32::try_from(priorities.len() - 1).unwrap_or(u32::MAX),
                    count: u32::try_from(count).unwrap_or(u32::MAX),
                });
            }
        }
        let limits = options.limits.unwrap_or_default();
        let sequential = options.sequential.unwrap_or(profile.sequential_default);
        let lt_options = LtAddOptions {
            save_path: save_path.clone(),
            paused: options.paused,
            sequential,
            auto_managed: !options.paused,
            file_priorities: priorities.clone(),
            download_limit: clamp_limit(limits.download_bps)?,
            upload_limit: clamp_limit(limits.upload_bps)?,
            max_connections: 0,
        };
        let added = match &msg.source {
            TorrentSource::Magnet(uri) => session.add_magnet(uri, &lt_options),
            TorrentSource::File(bytes) => session.add_torrent_file(bytes, &lt_options),
        };
        added.map_err(|err| match err {
            LtError::Duplicate(_) => EngineError::Duplicate(id.clone()),
            LtError::Malformed(m) if source_kind == "magnet" => EngineError::InvalidMagnet(m),
            LtError::Malformed(m) => EngineError::InvalidTorrent(m),
            other => engine_error(other, &id),
        })?;
        let name = if name.is_empty() {
            id.to_string()
        } else {
            name
        };
        let category = options
            .category
            .clone()
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let status = session.status(id.as_str()).ok();
        let state = status
            .as_ref()
            .map(|s| mapping::domain_state(s, options.paused, None))
            .unwrap_or(if options.paused {
                TorrentState::Paused
            } else {
                TorrentState::Queued
            });
        self.torrents.insert(
            id.to_string(),
            Tracked {
                id: id.clone(),
                name: name.clone(),
                category: category.clone(),
                tags: options.tags.clone(),
                added_at: Utc::now(),
                completed_at: None,
                limits,
                status,
                state,
                save_path: save_path.clone(),
                user_paused: options.paused,
                error: None,
                counted_in: 0,
                counted_out: 0,
                facets: crate::listing::facets(&session, id.as_str()),
                share_limits: Default::default(),
                last_activity: Utc::now(),
                resume: crate::saving::ResumeMark::default(),
            },
        );
        Ok(NewTorrent {
            id: id.to_string(),
            name,
            source_kind: source_kind.to_string(),
            magnet_uri,
            torrent_file,
            save_path,
            category,
            tags: Value::from(options.tags.clone()),
            file_priorities: Value::from(priorities),
            sequential,
            download_limit: limits.download_bps.unwrap_or(0),
            upload_limit: limits.upload_bps.unwrap_or(0),
            paused: options.paused,
            state: state.as_str().to_string(),
            total_size: 0,
        })
    }

    fn control(&mut self, id: &TorrentId, command: TorrentCommand) -> Result<(), EngineError> {
        let session = self.session()?;
        self.tracked(id)?;
        let key = id.as_str();
        let lt = |result: Result<(), LtError>| result.map_err(|err| engine_error(err, id));
        let mut changes = TorrentChanges::default();
        let announce = command.updates_settings();
        match command {
            TorrentCommand::Pause => {
                lt(session.pause(key))?;
                changes.paused = Some(true);
                if let Some(t) = self.torrents.get_mut(key) {
                    t.user_paused = true;
                }
                self.request_resume(key);
            }
            TorrentCommand::Resume => {
                lt(session.resume(key))?;
                changes.paused = Some(false);
                if let Some(t) = self.torrents.get_mut(key) {
                    t.user_paused = false;
                    t.error = None;
                }
            }
            TorrentCommand::Recheck => lt(session.force_recheck(key))?,
            TorrentCommand::Reannounce => lt(session.force_reannounce(key))?,
            TorrentCommand::Sequential(on) => {
                lt(session.set_sequential(key, on))?;
                changes.sequential = Some(on);
            }
            TorrentCommand::Limits(limits) => {
                lt(session.set_limits(
                    key,
                    clamp_limit(limits.download_bps)?,
                    clamp_limit(limits.upload_bps)?,
                ))?;
                changes.download_limit = Some(limits.download_bps.unwrap_or(0));
                changes.upload_limit = Some(limits.upload_bps.unwrap_or(0));
                if let Some(t) = self.torrents.get_mut(key) {
                    t.limits = limits;
                }
            }
            TorrentCommand::FilePriorities(pairs) => {
                let files = session.files(key).map_err(|err| engine_error(err, id))?;
                let current: Vec<u8> = files.iter().map(|f| f.priority).collect();
                let priorities = merged_priorities(id, current, &pairs)?;
                lt(session.set_file_priorities(key, &priorities))?;
                changes.file_priorities = Some(Value::from(priorities));
            }
            label @ (TorrentCommand::Category(_)
            | TorrentCommand::AddTags(_)
            | TorrentCommand::RemoveTags(_)
            | TorrentCommand::Rename(_)
            | TorrentCommand::ShareLimits(_)) => self.relabel(id, label, &mut changes),
        }
        self.persist(id.clone(), changes);
        if announce {
            self.publish(
                Event::TorrentUpdated {
                    torrent: id.clone(),
                },
                None,
            );
        }
        Ok(())
    }

    fn detail(&self, id: &TorrentId) -> Result<TorrentDetail, EngineError> {
        let session = self.session()?;
        let tracked = self.tracked(id)?;
        let mut tracked = tracked.clone();
        if let Ok(status) = session.status(id.as_str()) {
            // The state stays the one last published (from state_update
            // alerts, at most one tick old), so detail, list and events agree.
            tracked.status = Some(status);
        }
        let files = session
            .files(id.as_str())
            .map_err(|err| engine_error(err, id))?;
        let trackers = session
            .trackers(id.as_str())
            .map_err(|err| engine_error(err, id))?;
        Ok(TorrentDetail {
            summary: summary(&tracked),
            files: files.iter().map(mapping::file).collect(),
            trackers: trackers.iter().map(mapping::tracker).collect(),
            fsops: None,
        })
    }
}

impl actix::Handler<AddTorrent> for TorrentSession {
    type Result = ResponseActFuture<Self, Result<TorrentSummary, EngineError>>;

    #[tracing::instrument(name = "engine.add", skip_all, fields(
        request_id = msg.request_id.as_deref().unwrap_or_default(),
        torrent.id = tracing::field::Empty,
    ))]
    fn handle(&mut self, msg: AddTorrent, _ctx: &mut Self::Context) -> Self::Result {
        let span = tracing::Span::current();
        let row = match self.prepare_add(&msg) {
            Ok(row) => row,
            Err(err) => {
                tracing::info!(error = %err, "add refused");
                return Box::pin(actix::fut::ready(Err(err)));
            }
        };
        let id = row.id.clone();
        span.record("torrent.id", id.as_str());
        let request_id = msg.request_id.clone();
        Box::pin(
            self.ledger
                .insert(row)
                .into_actor(self)
                .map(move |inserted, actor, _ctx| {
                    // The reply is built later, on the actor; keep the request's span.
                    let _span = span.enter();
                    let Some(tracked) = actor.torrents.get(&id).cloned() else {
                        return Err(EngineError::Internal(
                            "torrent vanished while being added".into(),
                        ));
                    };
                    if let Err(err) = inserted {
                        // Nothing half-added: undo the session add.
                        if let Some(session) = &actor.session {
                            let _ = session.remove(&id, false);
                        }
                        actor.torrents.remove(&id);
                        return Err(err);
                    }
                    tracing::info!("torrent added");
                    // A first resume file at once: a crash or stop right after
                    // the add then needs no recheck, and a stop later only
                    // writes it again if it changed.
                    actor.request_resume(&id);
                    actor.publish(
                        Event::TorrentAdded {
                            torrent: tracked.id.clone(),
                            name: tracked.name.clone(),
                        },
                        request_id,
                    );
                    Ok(summary(&tracked))
                }),
        )
    }
}

impl Handler<ControlTorrent> for TorrentSession {
    type Result = Result<(), EngineError>;

    #[tracing::instrument(name = "engine.control", skip_all, fields(
        request_id = msg.request_id.as_deref().unwrap_or_default(),
        torrent.id = %msg.id,
    ))]
    fn handle(&mut self, msg: ControlTorrent, _ctx: &mut Self::Context) -> Self::Result {
        let outcome = self.control(&msg.id, msg.command.clone());
        tracing::info!(command = ?msg.command, ok = outcome.is_ok(), "torrent command");
        outcome
    }
}

impl Handler<RemoveTorrent> for TorrentSession {
    type Result = ResponseActFuture<Self, Result<(), EngineError>>;

    /// The catalogue row goes first: if it cannot be deleted the torrent
    /// stays as it was (and its data with it), instead of coming back at
    /// the next start without its files.
    #[tracing::instrument(name = "engine.remove", skip_all, fields(
        request_id = msg.request_id.as_deref().unwrap_or_default(),
        torrent.id = %msg.id,
        delete_data = msg.delete_data,
    ))]
    fn handle(&mut self, msg: RemoveTorrent, _ctx: &mut Self::Context) -> Self::Result {
        if let Err(err) = self.session().and_then(|_| self.tracked(&msg.id).map(drop)) {
            return Box::pin(actix::fut::ready(Err(err)));
        }
        let span = tracing::Span::current();
        let deleted = self.ledger.delete(msg.id.to_string());
        Box::pin(deleted.into_actor(self).map(move |deleted, actor, _ctx| {
            let _span = span.enter();
            deleted?;
            let id = msg.id;
            // Gone from the catalogue: from here on it must go everywhere.
            if let Some(session) = &actor.session {
                if let Err(err) = session.remove(id.as_str(), msg.delete_data) {
                    tracing::warn!(torrent.info_hash = %id, error = %err, "removed from the catalogue but not from the session");
                }
            }
            actor.torrents.remove(id.as_str());
            actor.last_progress.remove(id.as_str());
            actor.pending_resume.remove(id.as_str());
            actor.writer.remove(id.to_string());
            tracing::info!("torrent removed");
            actor.publish(Event::Removed { torrent: id, data_deleted: msg.delete_data }, msg.request_id);
            Ok(())
        }))
    }
}

impl Handler<GetTorrent> for TorrentSession {
    type Result = Result<TorrentDetail, EngineError>;

    fn handle(&mut self, msg: GetTorrent, _ctx: &mut Self::Context) -> Self::Result {
        self.detail(&msg.id)
    }
}

impl Handler<ShutdownEngine> for TorrentSession {
    type Result = ResponseActFuture<Self, Result<(), EngineError>>;

    /// Saves resume data of every changed torrent, then drops the session
    /// (see `shutdown.rs`). New commands are refused from here on.
    fn handle(&mut self, _msg: ShutdownEngine, ctx: &mut Self::Context) -> Self::Result {
        let stopped = self.save_and_stop(false, ctx);
        self.stop_reply(stopped)
    }
}

impl Handler<RestartEngine> for TorrentSession {
    type Result = ResponseActFuture<Self, Result<(), EngineError>>;

    /// Saves resume data like a shutdown, then stops; the supervisor's
    /// restart rebuilds the session from the catalogue and the files just
    /// written.
    fn handle(&mut self, _msg: RestartEngine, ctx: &mut Self::Context) -> Self::Result {
        if self.session.is_none() {
            return Box::pin(actix::fut::ready(Err(EngineError::Unavailable(
                "the engine is starting".into(),
            ))));
        }
        tracing::info!("engine restart requested");
        let stopped = self.save_and_stop(true, ctx);
        self.stop_reply(stopped)
    }
}
