//! Missing files: what the engine does when libtorrent rejects a torrent's
//! resume data at start, because its files were moved, deleted or changed
//! while the daemon was stopped (or their disk is not mounted).
//!
//! libtorrent's own answer is a full recheck that finds nothing and then
//! downloads everything again into the old place: a self-hoster whose media
//! disk failed to mount would see the library fetched again from zero. As
//! qBittorrent does, the engine instead holds such a torrent stopped in
//! `missing_files` and keeps its last good resume file (no resume data is
//! saved for it meanwhile), so a later start with the files back loads as
//! if nothing happened. A resume or a recheck from the user verifies what is
//! on disk now and goes on from there.
//!
//! The hold is applied when the rejection reaches the pump (one tick after
//! libtorrent posts it); until then libtorrent may have started its
//! recheck, which is harmless, as the hold stops it.

use revaer_messages::events::Event;
use revaer_messages::torrent::TorrentState;
use revaer_schema::models::torrents::TorrentChanges;

use crate::actor::TorrentSession;

impl TorrentSession {
    /// The pump saw libtorrent reject `id`'s resume data.
    pub(crate) fn files_missing(&mut self, id: &str, error: &str, file: &str) {
        let Some(session) = self.session.clone() else {
            return;
        };
        let Some(tracked) = self.torrents.get_mut(id) else {
            return;
        };
        tracing::warn!(
            torrent.info_hash = %id, error = %error, file = %file,
            "resume data rejected (files missing or changed): torrent held stopped until resumed or rechecked"
        );
        tracked.missing_files = true;
        if let Err(err) = session.pause(id) {
            tracing::warn!(torrent.info_hash = %id, error = %err, "cannot hold a torrent with missing files");
        }
        let torrent = tracked.id.clone();
        let changed = tracked.state != TorrentState::MissingFiles;
        tracked.state = TorrentState::MissingFiles;
        let message = if file.is_empty() {
            format!("files missing: {error}")
        } else {
            format!("files missing: {error} ({file})")
        };
        // Shown as the torrent's error until it is released.
        tracked.error = Some(message.clone());
        if changed {
            self.publish(
                Event::StateChanged {
                    torrent: torrent.clone(),
                    state: TorrentState::MissingFiles,
                },
                None,
            );
            self.persist(
                torrent.clone(),
                TorrentChanges {
                    state: Some(TorrentState::MissingFiles.as_str().to_string()),
                    ..TorrentChanges::default()
                },
            );
        }
        self.publish(Event::TorrentError { torrent, message }, None);
    }

    /// Whether `id` is held for missing files (its resume data must not be
    /// replaced by the empty state libtorrent now has).
    pub(crate) fn holds_missing_files(&self, id: &str) -> bool {
        self.torrents.get(id).is_some_and(|t| t.missing_files)
    }

    /// Before a resume or recheck: a torrent held for missing files is
    /// released and libtorrent verifies what is on disk now. Returns
    /// whether it was held.
    pub(crate) fn release_missing_files(
        &mut self,
        id: &str,
    ) -> Result<bool, libtorrent_sys::Error> {
        if !self.holds_missing_files(id) {
            return Ok(false);
        }
        if let Some(session) = &self.session {
            session.force_recheck(id)?;
        }
        if let Some(tracked) = self.torrents.get_mut(id) {
            tracked.missing_files = false;
            tracked.error = None;
            tracing::info!(torrent.info_hash = %id, "torrent with missing files released: rechecking what is on disk");
        }
        Ok(true)
    }
}
