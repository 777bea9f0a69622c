//! List queries (`ListQuery`) answered from the engine's snapshot (`view.rs`): the
//! filtering, ordering and cursor rules live with the message in
//! `revaer_messages::listing`; this module only tells the table what a
//! tracked torrent looks like and keeps the facets the filters need.

use actix::Handler;
use chrono::{DateTime, Utc};
use libtorrent_sys::Session;
use revaer_messages::engine::EngineError;
use revaer_messages::listing::{Facets, ListQuery, Listable, TorrentPage};
use revaer_messages::torrent::{TorrentId, TorrentState};

use crate::actor::TorrentSession;
use crate::mapping::Tracked;

impl Listable for Tracked {
    fn list_id(&self) -> &TorrentId {
        &self.id
    }
    fn list_name(&self) -> &str {
        &self.name
    }
    fn list_state(&self) -> TorrentState {
        self.state
    }
    fn list_progress(&self) -> f64 {
        self.status
            .as_ref()
            .map_or(0.0, |s| f64::from(s.progress).clamp(0.0, 1.0))
    }
    fn list_ratio(&self) -> f64 {
        self.status.as_ref().map_or(0.0, |s| s.ratio())
    }
    fn list_added_at(&self) -> DateTime<Utc> {
        self.added_at
    }
    fn list_category(&self) -> Option<&str> {
        self.category.as_deref()
    }
    fn list_tags(&self) -> &[String] {
        &self.tags
    }
    fn list_facets(&self) -> &Facets {
        &self.facets
    }
}

/// Tracker hosts and file extensions of a torrent in the session (files
/// are empty until a magnet's metadata arrives; refreshed then).
pub(crate) fn facets(session: &Session, id: &str) -> Facets {
    let trackers = session.trackers(id).unwrap_or_default();
    let files = session.files(id).unwrap_or_default();
    Facets::new(
        trackers.iter().map(|t| t.url.as_str()),
        files.iter().map(|f| f.path.as_str()),
    )
}

impl Handler<ListQuery> for TorrentSession {
    type Result = Result<TorrentPage, EngineError>;

    fn handle(&mut self, msg: ListQuery, _ctx: &mut Self::Context) -> Self::Result {
        self.sync_view();
        self.options.view.list(&msg)
    }
}
