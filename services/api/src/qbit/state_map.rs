//! Revaer's torrent states in qBittorrent 5's names, and its `filter`
//! groups of `torrents/info`.
//!
//! The `DL`/`UP` suffix says whether every wanted piece is there. A seed
//! is `uploading` while it sends data, `stalledUP` otherwise; a user's
//! pause is `stoppedDL`/`stoppedUP` (qBittorrent 5, WebAPI 2.11: `stopped`
//! replaced `paused`).

use revaer_messages::torrent::{TorrentState, TorrentSummary};

/// Every `filter` value `torrents/info` accepts.
pub const FILTERS: &[&str] = &[
    "all",
    "downloading",
    "seeding",
    "completed",
    "stopped",
    "paused",
    "running",
    "resumed",
    "active",
    "inactive",
    "stalled",
    "stalled_uploading",
    "stalled_downloading",
    "checking",
    "moving",
    "errored",
];

/// Whether every wanted piece of the torrent is there.
pub fn complete(summary: &TorrentSummary) -> bool {
    summary.progress >= 1.0
}

/// qBittorrent's state name.
pub fn qbit_state(summary: &TorrentSummary) -> &'static str {
    let done = complete(summary);
    let side = |dl: &'static str, up: &'static str| if done { up } else { dl };
    let forced = summary.force_start;
    match summary.state {
        TorrentState::CheckingResumeData => "checkingResumeData",
        TorrentState::MissingFiles => "missingFiles",
        TorrentState::Error => "error",
        TorrentState::Moving => "moving",
        TorrentState::Metadata if forced => "forcedMetaDL",
        TorrentState::Metadata => "metaDL",
        // Force start outranks stalled and uploading, as in qBittorrent.
        TorrentState::Downloading | TorrentState::Stalled if forced => "forcedDL",
        TorrentState::Seeding if forced => "forcedUP",
        TorrentState::Queued => side("queuedDL", "queuedUP"),
        TorrentState::Checking => side("checkingDL", "checkingUP"),
        TorrentState::Downloading => "downloading",
        TorrentState::Stalled => "stalledDL",
        TorrentState::Seeding if summary.upload_bps > 0 => "uploading",
        TorrentState::Seeding => "stalledUP",
        TorrentState::Paused => side("stoppedDL", "stoppedUP"),
    }
}

/// `error` and `missingFiles`: the torrent cannot go on by itself.
fn errored(summary: &TorrentSummary) -> bool {
    matches!(
        summary.state,
        TorrentState::Error | TorrentState::MissingFiles
    )
}

/// Whether a torrent passes a `filter` (unknown filters pass everything,
/// as in qBittorrent).
pub fn passes(filter: &str, summary: &TorrentSummary) -> bool {
    let state = qbit_state(summary);
    // qBittorrent counts a torrent with missing files as stopped.
    let stopped = matches!(
        summary.state,
        TorrentState::Paused | TorrentState::MissingFiles
    );
    let active = summary.download_bps > 0
        || summary.upload_bps > 0
        || matches!(state, "downloading" | "forcedDL");
    match filter {
        "downloading" => !complete(summary) && !errored(summary),
        "seeding" => complete(summary) && !stopped && !errored(summary),
        "completed" => complete(summary),
        "stopped" | "paused" => stopped,
        "running" | "resumed" => !stopped,
        "active" => active,
        "inactive" => !active,
        "stalled" => matches!(state, "stalledUP" | "stalledDL"),
        "stalled_uploading" => state == "stalledUP",
        "stalled_downloading" => state == "stalledDL",
        "checking" => state.starts_with("checking"),
        "moving" => state == "moving",
        "errored" => matches!(state, "error" | "missingFiles"),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use revaer_messages::TorrentId;

    fn summary(state: TorrentState, progress: f64, up: i64) -> TorrentSummary {
        let now = Utc::now();
        TorrentSummary {
            id: TorrentId::parse(&"a".repeat(40)).unwrap_or_else(|_| unreachable!()),
            name: "x".into(),
            state,
            progress,
            size: 10,
            downloaded: 0,
            uploaded: 0,
            download_bps: 0,
            upload_bps: up,
            ratio: 0.0,
            eta_seconds: None,
            category: None,
            tags: vec![],
            save_path: "/d".into(),
            sequential: false,
            added_at: now,
            completed_at: None,
            error: None,
            wanted_size: 10,
            remaining: 0,
            content_path: "/d".into(),
            peers: 0,
            seeds: 0,
            limits: Default::default(),
            share_limits: Default::default(),
            seeding_secs: 0,
            active_secs: 0,
            last_activity_at: now,
            tracker: None,
            queue_position: None,
            force_start: false,
            first_last_piece_prio: false,
            super_seeding: false,
        }
    }

    #[test]
    fn states_take_the_side_of_completion() {
        use TorrentState::*;
        let cases = [
            (Metadata, 0.0, 0, "metaDL"),
            (Queued, 0.5, 0, "queuedDL"),
            (Queued, 1.0, 0, "queuedUP"),
            (Checking, 0.2, 0, "checkingDL"),
            (Checking, 1.0, 0, "checkingUP"),
            (Downloading, 0.5, 0, "downloading"),
            (Stalled, 0.5, 0, "stalledDL"),
            (Seeding, 1.0, 5, "uploading"),
            (Seeding, 1.0, 0, "stalledUP"),
            (Paused, 0.5, 0, "stoppedDL"),
            (Paused, 1.0, 0, "stoppedUP"),
            (Moving, 1.0, 0, "moving"),
            (Error, 0.3, 0, "error"),
            (CheckingResumeData, 0.0, 0, "checkingResumeData"),
            (CheckingResumeData, 1.0, 0, "checkingResumeData"),
            (MissingFiles, 0.0, 0, "missingFiles"),
            (MissingFiles, 1.0, 0, "missingFiles"),
        ];
        for (state, progress, up, name) in cases {
            assert_eq!(qbit_state(&summary(state, progress, up)), name, "{state:?}");
        }
    }

    #[test]
    fn force_started_torrents_show_forced_states() {
        let forced = |state, progress, up| TorrentSummary {
            force_start: true,
            ..summary(state, progress, up)
        };
        assert_eq!(
            qbit_state(&forced(TorrentState::Downloading, 0.5, 0)),
            "forcedDL"
        );
        assert_eq!(
            qbit_state(&forced(TorrentState::Stalled, 0.5, 0)),
            "forcedDL"
        );
        assert_eq!(
            qbit_state(&forced(TorrentState::Seeding, 1.0, 3)),
            "forcedUP"
        );
        assert_eq!(
            qbit_state(&forced(TorrentState::Metadata, 0.0, 0)),
            "forcedMetaDL"
        );
        assert_eq!(
            qbit_state(&forced(TorrentState::Queued, 0.5, 0)),
            "queuedDL"
        );
        assert!(passes("active", &forced(TorrentState::Stalled, 0.5, 0)));
    }

    #[test]
    fn filters_group_states_as_qbittorrent_does() {
        let stopped_up = summary(TorrentState::Paused, 1.0, 0);
        assert!(passes("completed", &stopped_up));
        assert!(passes("stopped", &stopped_up) && passes("paused", &stopped_up));
        assert!(!passes("seeding", &stopped_up) && !passes("running", &stopped_up));
        let stopped_dl = summary(TorrentState::Paused, 0.5, 0);
        assert!(passes("downloading", &stopped_dl));
        let seeding = summary(TorrentState::Seeding, 1.0, 7);
        assert!(passes("seeding", &seeding) && passes("active", &seeding));
        assert!(!passes("inactive", &seeding));
        assert!(passes("stalled", &summary(TorrentState::Stalled, 0.1, 0)));
        assert!(passes("errored", &summary(TorrentState::Error, 0.1, 0)));
        let missing = summary(TorrentState::MissingFiles, 0.0, 0);
        assert!(passes("errored", &missing) && passes("stopped", &missing));
        assert!(!passes("downloading", &missing) && !passes("running", &missing));
        let loading = summary(TorrentState::CheckingResumeData, 0.0, 0);
        assert!(passes("checking", &loading) && passes("running", &loading));
        assert!(passes("nonsense", &seeding));
    }
}
