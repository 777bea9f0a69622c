//! Commands that change what the engine remembers about a torrent rather
//! than libtorrent's state: category, tags, display name and share limits.
//! They update the tracked entry (so lists and details show them at once)
//! and the catalogue row; the caller announces `torrent_updated`.

use revaer_messages::engine::TorrentCommand;
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::torrents::TorrentChanges;
use serde_json::Value;

use crate::actor::TorrentSession;
use crate::mapping::Tracked;

/// Applies a label command to `tracked`; returns the catalogue changes.
pub(crate) fn apply(tracked: &mut Tracked, command: TorrentCommand) -> TorrentChanges {
    match command {
        TorrentCommand::Category(category) => {
            let category = category
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty());
            tracked.category = category.clone();
            TorrentChanges {
                category: Some(category),
                ..TorrentChanges::default()
            }
        }
        TorrentCommand::AddTags(tags) => {
            for tag in tags {
                if !tracked.tags.contains(&tag) {
                    tracked.tags.push(tag);
                }
            }
            tags_changed(tracked)
        }
        TorrentCommand::RemoveTags(tags) => {
            tracked.tags.retain(|tag| !tags.contains(tag));
            tags_changed(tracked)
        }
        TorrentCommand::Rename(name) => {
            tracked.name = name.clone();
            TorrentChanges {
                name: Some(name),
                ..TorrentChanges::default()
            }
        }
        TorrentCommand::ShareLimits(limits) => {
            tracked.share_limits = limits;
            TorrentChanges::share_limits(&limits)
        }
        _ => TorrentChanges::default(),
    }
}

fn tags_changed(tracked: &Tracked) -> TorrentChanges {
    TorrentChanges {
        tags: Some(Value::from(tracked.tags.clone())),
        ..TorrentChanges::default()
    }
}

impl TorrentSession {
    /// Applies a label command to a tracked torrent, merging its catalogue
    /// changes into `changes`.
    pub(crate) fn relabel(
        &mut self,
        id: &TorrentId,
        command: TorrentCommand,
        changes: &mut TorrentChanges,
    ) {
        if let Some(tracked) = self.torrents.get_mut(id.as_str()) {
            *changes = apply(tracked, command);
        }
    }
}
