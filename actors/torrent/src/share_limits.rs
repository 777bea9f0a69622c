//! Share limits: stop seeding at an upload/download ratio, after a seeding
//! time, or after a time without any transfer, then pause or remove the
//! torrent (`engine_profile.share_*`, overridden per torrent).
//!
//! Rules (as qBittorrent, so its WebAPI facade can report the same):
//! - each limit of a torrent is its own value, none, or the global one
//!   (`revaer_domain::share_limits`);
//! - only complete torrents that are seeding and not paused are checked;
//! - the ratio is all-time upload over all-time download, except that a
//!   torrent which downloaded (almost) nothing here, e.g. one added with its
//!   data already on disk, divides by its completed size instead;
//! - inactive seeding time is the time since payload last moved (tracked
//!   since the engine started);
//! - the limit is enforced whenever it holds: resuming a torrent past its
//!   limit pauses it again, so raise the limit to keep seeding;
//! - the super seeding action skips a torrent that already super seeds;
//!   turned off while the limit still holds, it is turned on again, as a
//!   resumed torrent is paused again;
//! - the action goes through the same messages as the API (`ControlTorrent`
//!   pause or super seeding, `RemoveTorrent`), so the catalogue, resume
//!   data and events follow as for a user's command.

use actix::{AsyncContext, Context};
use chrono::{DateTime, Utc};
use libtorrent_sys::TorrentStatus;
use revaer_messages::config::{EngineProfile, ShareLimitAction};
use revaer_messages::engine::{ControlTorrent, RemoveTorrent, TorrentCommand};
use revaer_messages::share_limits::ShareLimits;

use crate::actor::TorrentSession;
use crate::mapping::Tracked;

/// Which limit a torrent reached.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reached {
    /// Its share ratio.
    Ratio(f64),
    /// Its seeding time, in seconds.
    SeedingTime(i64),
    /// Its time without transfer, in seconds.
    InactiveTime(i64),
}

impl std::fmt::Display for Reached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reached::Ratio(ratio) => write!(f, "ratio {ratio:.2}"),
            Reached::SeedingTime(secs) => write!(f, "seeding time {secs} s"),
            Reached::InactiveTime(secs) => write!(f, "inactive for {secs} s"),
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

/// Whether `status` is past one of the limits in force (`limits` under
/// `profile`), `seeding_secs` being its seeding time up to now and
/// `idle_secs` the time since payload last moved.
pub(crate) fn reached(
    status: &TorrentStatus,
    seeding_secs: i64,
    limits: &ShareLimits,
    profile: &EngineProfile,
    idle_secs: i64,
) -> Option<Reached> {
    if !status.is_seeding || status.paused {
        return None;
    }
    let (ratio_limit, seeding_minutes, inactive_minutes) = limits.effective(profile);
    if let Some(limit) = ratio_limit {
        let ratio = share_ratio(status);
        if ratio >= limit {
            return Some(Reached::Ratio(ratio));
        }
    }
    if let Some(minutes) = seeding_minutes {
        if seeding_secs as f64 >= minutes * 60.0 {
            return Some(Reached::SeedingTime(seeding_secs));
        }
    }
    if let Some(minutes) = inactive_minutes {
        if idle_secs as f64 >= minutes * 60.0 {
            return Some(Reached::InactiveTime(idle_secs));
        }
    }
    None
}

fn due(tracked: &Tracked, profile: &EngineProfile, now: DateTime<Utc>) -> Option<Reached> {
    let status = tracked.status.as_ref()?;
    let done = match profile.share_limit_action {
        ShareLimitAction::SuperSeed => status.super_seeding,
        _ => false,
    };
    if tracked.user_paused || done {
        return None;
    }
    let idle = (now - tracked.last_activity).num_seconds().max(0);
    let seeding_secs = tracked.seeding_secs();
    reached(status, seeding_secs, &tracked.share_limits, profile, idle)
}

impl TorrentSession {
    /// Applies the share-limit action to every torrent past a limit.
    pub(crate) fn enforce_share_limits(&mut self, ctx: &mut Context<Self>) {
        let profile = &self.config.engine_profile;
        let action = profile.share_limit_action;
        let now = Utc::now();
        let due: Vec<_> = self
            .torrents
            .values()
            .filter_map(|t| Some((t.id.clone(), due(t, profile, now)?)))
            .collect();
        for (id, why) in due {
            tracing::info!(torrent.info_hash = %id, reached = %why, action = action.as_str(), "share limit reached");
            // Why mark it now: the command is handled after this tick, and
            // the next tick must not send it again (the pause handler sets
            // the same flag, the next status poll the super seeding one; a
            // removed torrent is gone either way).
            if let Some(tracked) = self.torrents.get_mut(id.as_str()) {
                match (action, tracked.status.as_mut()) {
                    (ShareLimitAction::SuperSeed, Some(status)) => status.super_seeding = true,
                    _ => tracked.user_paused = true,
                }
            }
            match action {
                ShareLimitAction::Pause => ctx.address().do_send(ControlTorrent {
                    id,
                    command: TorrentCommand::Pause,
                    request_id: None,
                }),
                ShareLimitAction::SuperSeed => ctx.address().do_send(ControlTorrent {
                    id,
                    command: TorrentCommand::SuperSeeding(true),
                    request_id: None,
                }),
                ShareLimitAction::Remove | ShareLimitAction::RemoveWithData => {
                    ctx.address().do_send(RemoveTorrent {
                        id,
                        delete_data: action == ShareLimitAction::RemoveWithData,
                        request_id: None,
                    })
                }
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

    fn global(status: &TorrentStatus, profile: &EngineProfile) -> Option<Reached> {
        reached(
            status,
            status.seeding_secs,
            &ShareLimits::default(),
            profile,
            0,
        )
    }

    #[test]
    fn limits_apply_only_to_running_seeds() {
        let by_ratio = profile(Some(1.0), None);
        assert_eq!(
            global(&seeding(100, 100, 100, 0), &by_ratio),
            Some(Reached::Ratio(1.0))
        );
        assert_eq!(global(&seeding(100, 99, 100, 0), &by_ratio), None);
        let paused = TorrentStatus {
            paused: true,
            ..seeding(100, 500, 100, 0)
        };
        assert_eq!(global(&paused, &by_ratio), None);
        let downloading = TorrentStatus {
            is_seeding: false,
            ..seeding(100, 500, 100, 0)
        };
        assert_eq!(global(&downloading, &by_ratio), None);

        let by_time = profile(None, Some(2));
        assert_eq!(global(&seeding(1, 0, 1, 119), &by_time), None);
        assert_eq!(
            global(&seeding(1, 0, 1, 120), &by_time),
            Some(Reached::SeedingTime(120))
        );
        assert_eq!(
            global(&seeding(1, 1000, 1, 10_000), &profile(None, None)),
            None
        );
    }

    #[test]
    fn a_torrent_overrides_or_drops_the_global_limits() {
        use revaer_messages::share_limits::{LimitMode, ShareLimit};
        let by_ratio = profile(Some(1.0), None);
        let none = ShareLimits {
            ratio: ShareLimit::Mode(LimitMode::None),
            ..ShareLimits::default()
        };
        assert_eq!(
            reached(&seeding(100, 500, 100, 0), 0, &none, &by_ratio, 0),
            None
        );
        let own = ShareLimits {
            ratio: ShareLimit::Value(3.0),
            ..ShareLimits::default()
        };
        assert_eq!(
            reached(&seeding(100, 200, 100, 0), 0, &own, &by_ratio, 0),
            None
        );
        assert_eq!(
            reached(&seeding(100, 300, 100, 0), 0, &own, &profile(None, None), 0),
            Some(Reached::Ratio(3.0))
        );
        let idle = ShareLimits {
            inactive_minutes: ShareLimit::Value(1.0),
            ..ShareLimits::default()
        };
        let quiet = profile(None, None);
        assert_eq!(reached(&seeding(1, 0, 1, 0), 0, &idle, &quiet, 59), None);
        assert_eq!(
            reached(&seeding(1, 0, 1, 0), 0, &idle, &quiet, 60),
            Some(Reached::InactiveTime(60))
        );
    }
}
