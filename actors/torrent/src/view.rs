//! The read model: list and detail queries are answered from a snapshot the
//! engine keeps up to date, so they never wait behind libtorrent work on the
//! engine's thread.
//!
//! Rules:
//! - the engine is the only writer: every insertion, change and removal of
//!   a tracked torrent goes through `TrackedTable`, which remembers the id;
//!   `TorrentSession::sync_view` copies those rows into the snapshot at the
//!   end of every pump tick and before a command answers (so an add, a
//!   control or a removal is visible to the next query);
//! - summaries, limits, peer and seed counts come from the snapshot (at most
//!   one tick old); a torrent's files and trackers (per-file progress,
//!   tracker messages) are read from libtorrent per detail call, from the
//!   reader's thread (the session is thread-safe), not the engine's.

use actix::{Actor, Handler, SyncContext};
use libtorrent_sys::Session;
use revaer_messages::engine::{EngineError, GetPieceStates, GetTorrent};
use revaer_messages::listing::{ListQuery, TorrentPage, TorrentTable};
use revaer_messages::torrent::{PieceStates, TorrentDetail, TorrentId};
use std::collections::HashSet;
use std::sync::{Arc, PoisonError, RwLock};

use crate::mapping::{self, summary, Tracked};

/// The engine's tracked torrents, remembering which ones changed.
#[derive(Debug, Default)]
pub(crate) struct TrackedTable {
    table: TorrentTable<Tracked>,
    changed: HashSet<String>,
    cleared: bool,
}

impl std::ops::Deref for TrackedTable {
    type Target = TorrentTable<Tracked>;
    fn deref(&self) -> &Self::Target {
        &self.table
    }
}

impl TrackedTable {
    pub(crate) fn insert(&mut self, key: String, value: Tracked) -> Option<Tracked> {
        self.changed.insert(key.clone());
        self.table.insert(key, value)
    }

    pub(crate) fn remove(&mut self, key: &str) -> Option<Tracked> {
        self.changed.insert(key.to_string());
        self.table.remove(key)
    }

    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut Tracked> {
        let entry = self.table.get_mut(key)?;
        self.changed.insert(key.to_string());
        Some(entry)
    }

    pub(crate) fn clear(&mut self) {
        self.table.clear();
        self.changed.clear();
        self.cleared = true;
    }
}

/// What queries read: the snapshot, the session for files and trackers, and
/// whether the engine serves commands at all.
struct Snapshot {
    table: TorrentTable<Tracked>,
    session: Option<Arc<Session>>,
    available: Result<(), EngineError>,
}

/// The snapshot shared by the engine (writer) and its readers.
#[derive(Clone)]
pub struct EngineView {
    inner: Arc<RwLock<Snapshot>>,
}

impl std::fmt::Debug for EngineView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EngineView").finish_non_exhaustive()
    }
}

impl Default for EngineView {
    fn default() -> Self {
        Self {
            inner: Arc::new(RwLock::new(Snapshot {
                table: TorrentTable::new(),
                session: None,
                available: Err(EngineError::Unavailable("the engine is starting".into())),
            })),
        }
    }
}

impl EngineView {
    /// Copies the changed rows of `tracked` and the engine's availability.
    pub(crate) fn sync(
        &self,
        tracked: &mut TrackedTable,
        session: Option<&Arc<Session>>,
        available: Result<(), EngineError>,
    ) {
        let mut snapshot = self.inner.write().unwrap_or_else(PoisonError::into_inner);
        if std::mem::take(&mut tracked.cleared) {
            snapshot.table.clear();
        }
        for id in tracked.changed.drain() {
            match tracked.table.get(&id) {
                Some(row) => snapshot.table.insert(id, row.clone()),
                None => snapshot.table.remove(&id),
            };
        }
        snapshot.session = session.cloned();
        snapshot.available = available;
    }

    /// A page of summaries.
    pub fn list(&self, query: &ListQuery) -> Result<TorrentPage, EngineError> {
        let snapshot = self.inner.read().unwrap_or_else(PoisonError::into_inner);
        snapshot.available.clone()?;
        Ok(snapshot.table.page(&query.0, summary))
    }

    /// A known torrent's row and the session to read more from.
    fn lookup(&self, id: &TorrentId) -> Result<(Tracked, Arc<Session>), EngineError> {
        let (tracked, session) = {
            let snapshot = self.inner.read().unwrap_or_else(PoisonError::into_inner);
            snapshot.available.clone()?;
            let tracked = snapshot
                .table
                .get(id.as_str())
                .cloned()
                .ok_or_else(|| EngineError::NotFound(id.clone()))?;
            (tracked, snapshot.session.clone())
        };
        let session =
            session.ok_or_else(|| EngineError::Unavailable("the engine is starting".into()))?;
        Ok((tracked, session))
    }

    /// One torrent's piece states, read from libtorrent.
    pub fn pieces(&self, id: &TorrentId) -> Result<PieceStates, EngineError> {
        let (_, session) = self.lookup(id)?;
        let states = session
            .piece_states(id.as_str())
            .map_err(|err| mapping::engine_error(err, id))?;
        Ok(PieceStates { states })
    }

    /// One torrent's detail (files and trackers read from libtorrent).
    pub fn detail(&self, id: &TorrentId) -> Result<TorrentDetail, EngineError> {
        let (tracked, session) = self.lookup(id)?;
        let files = session
            .files(id.as_str())
            .map_err(|err| mapping::engine_error(err, id))?;
        let trackers = session
            .trackers(id.as_str())
            .map_err(|err| mapping::engine_error(err, id))?;
        Ok(TorrentDetail {
            summary: summary(&tracked),
            files: files.iter().map(mapping::file).collect(),
            trackers: trackers.iter().map(mapping::tracker).collect(),
            fsops: None,
        })
    }
}

/// Answers list and detail queries from an `EngineView` on threads of its
/// own: start it with `SyncArbiter::start(n, ...)` and send it `ListQuery`
/// and `GetTorrent`.
#[derive(Debug)]
pub struct TorrentReader {
    view: EngineView,
}

impl TorrentReader {
    /// A reader of `view` (from `EngineOptions::view`).
    pub fn new(view: EngineView) -> Self {
        Self { view }
    }
}

impl Actor for TorrentReader {
    type Context = SyncContext<Self>;
}

impl Handler<ListQuery> for TorrentReader {
    type Result = Result<TorrentPage, EngineError>;

    fn handle(&mut self, msg: ListQuery, _ctx: &mut Self::Context) -> Self::Result {
        self.view.list(&msg)
    }
}

impl Handler<GetTorrent> for TorrentReader {
    type Result = Result<TorrentDetail, EngineError>;

    fn handle(&mut self, msg: GetTorrent, _ctx: &mut Self::Context) -> Self::Result {
        self.view.detail(&msg.id)
    }
}

impl Handler<GetPieceStates> for TorrentReader {
    type Result = Result<PieceStates, EngineError>;

    fn handle(&mut self, msg: GetPieceStates, _ctx: &mut Self::Context) -> Self::Result {
        self.view.pieces(&msg.id)
    }
}
