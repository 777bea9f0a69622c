//! Command and query handlers (adding lives in `adding.rs`). Every input
//! is validated before libtorrent sees it, and every failure is a typed
//! `EngineError`.

use actix::{ActorFutureExt, Handler, ResponseActFuture, WrapFuture};
use libtorrent_sys::{Error as LtError, Session};
use revaer_domain::rules::MAX_FILE_PRIORITY;
use revaer_messages::engine::{
    AddTorrent, Argument, ControlTorrent, EngineError, GetPieceStates, GetTorrent, RemoveTorrent,
    RestartEngine, ShutdownEngine, TorrentCommand,
};
use revaer_messages::events::Event;
use revaer_messages::torrent::{PieceStates, TorrentDetail, TorrentId, TorrentSummary};
use revaer_schema::models::torrents::TorrentChanges;
use serde_json::Value;

use crate::actor::TorrentSession;
use crate::adding::clamp_limit;
use crate::mapping::{self, engine_error, summary, Tracked};

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
        if *priority > MAX_FILE_PRIORITY {
            return Err(EngineError::invalid(
                Argument::FilePriorities,
                format!("file priority {priority} is out of range 0..={MAX_FILE_PRIORITY}"),
            ));
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
                self.mark_paused(key, true, false, &mut changes);
                self.request_resume(key);
            }
            TorrentCommand::Resume => {
                self.release_missing_files(key)
                    .map_err(|err| engine_error(err, id))?;
                // Under the queue, as qBittorrent: auto-managed again even
                // when it was added paused or force-started before a pause.
                lt(session.set_force_start(key, false))?;
                self.mark_paused(key, false, false, &mut changes);
            }
            TorrentCommand::ForceStart(on) => {
                self.release_missing_files(key)
                    .map_err(|err| engine_error(err, id))?;
                lt(session.set_force_start(key, on))?;
                self.mark_paused(key, false, on, &mut changes);
            }
            TorrentCommand::FirstLastPiecePrio(on) => {
                lt(session.set_first_last_piece(key, on))?;
                changes.first_last_piece_prio = Some(on);
                if let Some(t) = self.torrents.get_mut(key) {
                    t.first_last_piece_prio = on;
                }
            }
            TorrentCommand::Recheck => self
                .recheck(&session, key)
                .map_err(|err| engine_error(err, id))?,
            TorrentCommand::Reannounce => lt(session.force_reannounce(key))?,
            TorrentCommand::Sequential(on) => {
                lt(session.set_sequential(key, on))?;
                changes.sequential = Some(on);
            }
            TorrentCommand::SuperSeeding(on) => {
                lt(session.set_super_seeding(key, on))?;
                changes.super_seeding = Some(on);
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
}

impl TorrentSession {
    /// A recheck; one of a torrent held for missing files also lets it run
    /// again afterwards unless the user had paused it.
    fn recheck(&mut self, session: &Session, key: &str) -> Result<(), LtError> {
        if !self.release_missing_files(key)? {
            return session.force_recheck(key);
        }
        if self.torrents.get(key).is_some_and(|t| !t.user_paused) {
            session.resume(key)?;
        }
        Ok(())
    }

    /// Records a pause (which clears force start, as in qBittorrent) or a
    /// resume, force-started or not, in memory and in `changes`.
    fn mark_paused(&mut self, key: &str, paused: bool, force: bool, changes: &mut TorrentChanges) {
        changes.paused = Some(paused);
        changes.force_start = Some(force);
        if let Some(t) = self.torrents.get_mut(key) {
            t.user_paused = paused;
            t.force_start = force;
            if !paused {
                t.error = None;
            }
        }
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
        let AddTorrent {
            source,
            options,
            request_id,
        } = msg;
        let row = match self.prepare_add(source, &options) {
            Ok(row) => row,
            Err(err) => {
                tracing::info!(error = %err, "add refused");
                return Box::pin(actix::fut::ready(Err(err)));
            }
        };
        let id = row.id.clone();
        span.record("torrent.id", id.as_str());
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
                        actor.sync_view();
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
                    actor.sync_view();
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
        self.sync_view();
        tracing::info!(
            command = mapping::command_name(&msg.command),
            ok = outcome.is_ok(),
            "torrent command"
        );
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
            actor.progress.forget(id.as_str());
            actor.pending_resume.remove(id.as_str());
            actor.writer.remove(id.to_string());
            tracing::info!("torrent removed");
            actor.publish(Event::Removed { torrent: id, data_deleted: msg.delete_data }, msg.request_id);
            actor.sync_view();
            Ok(())
        }))
    }
}

impl Handler<GetTorrent> for TorrentSession {
    type Result = Result<TorrentDetail, EngineError>;

    fn handle(&mut self, msg: GetTorrent, _ctx: &mut Self::Context) -> Self::Result {
        self.sync_view();
        self.options.view.detail(&msg.id)
    }
}

impl Handler<GetPieceStates> for TorrentSession {
    type Result = Result<PieceStates, EngineError>;

    fn handle(&mut self, msg: GetPieceStates, _ctx: &mut Self::Context) -> Self::Result {
        self.sync_view();
        self.options.view.pieces(&msg.id)
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
        // The supervisor's restart that follows is routine, not a failure.
        self.restart_requested = true;
        let stopped = self.save_and_stop(true, ctx);
        self.stop_reply(stopped)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_domain_and_the_bridge_agree_on_the_highest_priority() {
        assert_eq!(
            revaer_domain::rules::MAX_FILE_PRIORITY,
            libtorrent_sys::MAX_PRIORITY
        );
    }
}
