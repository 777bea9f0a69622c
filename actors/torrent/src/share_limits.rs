//! Share limits: stop seeding at an upload/download ratio or after a seeding
//! time (`engine_profile.share_*`), then pause or remove the torrent.
//!
//! Rules (as qBittorrent, so its WebAPI facade can report the same):
//! - only complete torrents that are seeding and not paused are checked;
//! - the ratio is all-time upload over all-time download, except that a
//!   torrent which downloaded (almost) nothing here, e.g. one added with its
//!   data already on disk, divides by its completed size instead;
//! - the limit is enforced whenever it holds: resuming a torrent past its
//!   limit pauses it again, so raise the limit to keep seeding;
//! - the action goes through the same messages as the API (`ControlTorrent`
//!   pause, `RemoveTorrent` keeping the data), so the catalogue, resume data
//!   and events follow as for a user's command.

use actix::{AsyncContext, Context};
use libtorrent_sys::TorrentStatus;
use revaer_messages::config::{EngineProfile, ShareLimitAction};
use revaer_messages::engine::{ControlTorrent, RemoveTorrent, TorrentCommand};

use crate::actor::TorrentSession;

/// Which limit a torrent reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reached {
    /// Its share ratio.
    Ratio(f64),
    /// Its seeding time, in seconds.
    SeedingTime(i64),
}

impl std::fmt::Display for Reached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reached::Ratio(ratio) => write!(f, "ratio {ratio:.2}"),
            Reached::SeedingTime(secs) => write!(f, "seeding time {secs} s"),
        }
    }
}

/// The ratio the limit compares (see the module rules).
pub(crate) fn share_ratio(status: &TorrentStatus) -> f64 {
    let upload = status.all_time_upload.max(0) as f64;
    let download = if status.all_time_download < status.total_done / 100 {
        status.total_done
    } else {
        status.all_time_download
    };
    match (download, upload > 0.0) {
        (d, _) if d > 0 => upload / d as f64,
        (_, true) => f64::INFINITY,
        (_, false) => 0.0,
    }
}

/// Whether `status` is past a limit of `profile`.
pub(crate) fn reached(status: &TorrentStatus, profile: &EngineProfile) -> Option<Reached> {
    if !status.is_seeding || status.paused {
        return None;
    }
    if let Some(limit) = profile.share_ratio_limit {
        let ratio = share_ratio(status);
        if ratio >= limit {
            return Some(Reached::Ratio(ratio));
        }
    }
    if let Some(minutes) = profile.share_time_limit_minutes {
        if status.seeding_secs >= i64::from(minutes) * 60 {
            return Some(Reached::SeedingTime(status.seeding_secs));
        }
    }
    None
}

impl TorrentSession {
    /// Applies the share-limit action to every torrent past a limit.
    pub(crate) fn enforce_share_limits(&mut self, ctx: &mut Context<Self>) {
        let profile = &self.config.engine_profile;
        if profile.share_ratio_limit.is_none() && profile.share_time_limit_minutes.is_none() {
            return;
        }
        let action = profile.share_limit_action;
        let due: Vec<_> = self
            .torrents
            .values()
            .filter(|t| !t.user_paused)
            .filter_map(|t| Some((t.id.clone(), reached(t.status.as_ref()?, profile)?)))
            .collect();
        for (id, why) in due {
            tracing::info!(torrent.info_hash = %id, reached = %why, action = action.as_str(), "share limit reached");
            // Why mark it now: the command is handled after this tick, and
            // the next tick must not send it again (the pause handler sets
            // the same flag; a removed torrent is gone either way).
            if let Some(tracked) = self.torrents.get_mut(id.as_str()) {
                tracked.user_paused = true;
            }
            match action {
                ShareLimitAction::Pause => ctx.address().do_send(ControlTorrent {
                    id,
                    command: TorrentCommand::Pause,
                    request_id: None,
                }),
                ShareLimitAction::Remove => ctx.address().do_send(RemoveTorrent {
                    id,
                    delete_data: false,
                    request_id: None,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeding(download: i64, upload: i64, done: i64, seeding_secs: i64) -> TorrentStatus {
        TorrentStatus {
            is_seeding: true,
            all_time_download: download,
            all_time_upload: upload,
            total_done: done,
            seeding_secs,
            ..TorrentStatus::default()
        }
    }

    fn profile(ratio: Option<f64>, minutes: Option<i32>) -> EngineProfile {
        EngineProfile {
            share_ratio_limit: ratio,
            share_time_limit_minutes: minutes,
            ..EngineProfile::default()
        }
    }

    #[test]
    fn ratio_divides_by_download_or_by_size_for_preloaded_data() {
        assert_eq!(share_ratio(&seeding(100, 250, 100, 0)), 2.5);
        // Added with its data on disk: nothing downloaded, size counts.
        assert_eq!(share_ratio(&seeding(0, 50, 200, 0)), 0.25);
        assert_eq!(share_ratio(&seeding(0, 10, 0, 0)), f64::INFINITY);
        assert_eq!(share_ratio(&seeding(0, 0, 0, 0)), 0.0);
    }

    #[test]
    fn limits_apply_only_to_running_seeds() {
        let by_ratio = profile(Some(1.0), None);
        assert_eq!(
            reached(&seeding(100, 100, 100, 0), &by_ratio),
            Some(Reached::Ratio(1.0))
        );
        assert_eq!(reached(&seeding(100, 99, 100, 0), &by_ratio), None);
        let paused = TorrentStatus {
            paused: true,
            ..seeding(100, 500, 100, 0)
        };
        assert_eq!(reached(&paused, &by_ratio), None);
        let downloading = TorrentStatus {
            is_seeding: false,
            ..seeding(100, 500, 100, 0)
        };
        assert_eq!(reached(&downloading, &by_ratio), None);

        let by_time = profile(None, Some(2));
        assert_eq!(reached(&seeding(1, 0, 1, 119), &by_time), None);
        assert_eq!(
            reached(&seeding(1, 0, 1, 120), &by_time),
            Some(Reached::SeedingTime(120))
        );
        assert_eq!(
            reached(&seeding(1, 1000, 1, 10_000), &profile(None, None)),
            None
        );
    }
}
