//! When resume data is saved during normal operation.
//!
//! Why not only on a timer: a SIGKILL loses every piece finished since the
//! last save, and libtorrent then downloads those pieces again. The aim is
//! to lose at most about two seconds of transfer or 5 % of the payload,
//! whichever is larger. So besides the slow timer (any change libtorrent
//! flags, e.g. uploads or priorities), a downloading torrent is saved as
//! soon as it has finished more than `progress_threshold` bytes since its
//! last save: the larger of half a second of its current rate and 2.5 % of
//! what it wants. Checked every tick, that loses about half a second to a
//! second of transfer, or half the 5 %, leaving margin for a loaded machine
//! (measured on one with a load average of 9 on 2 cores: 1.6–2.1 s with a
//! one-second threshold, hence half a second).
//!
//! The cost stays bounded at thousands of active torrents: a torrent is
//! asked at most once per `MIN_SAVE_GAP` and never while an answer is
//! pending, slow torrents are saved by the 2.5 % rule (a 1 GB torrent at
//! 100 kB/s every four minutes), and the one writer coalesces and batches
//! what arrives.

use std::time::{Duration, Instant};

use libtorrent_sys::TorrentStatus;

use crate::actor::TorrentSession;

/// A torrent is not asked for resume data more often than this.
const MIN_SAVE_GAP: Duration = Duration::from_millis(500);

/// Progress of the payload (parts per thousand) that triggers a save.
const PROGRESS_PERMILLE: i64 = 25;

/// Where a torrent's resume data stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ResumeMark {
    /// A resume file exists for it, so an unchanged torrent need not be
    /// written again at stop.
    pub on_disk: bool,
    /// Bytes done when resume data was last requested.
    pub done_at_request: i64,
    /// When resume data was last requested.
    pub requested_at: Option<Instant>,
}

/// Bytes of progress after which a torrent's resume data is saved.
pub(crate) fn progress_threshold(status: &TorrentStatus) -> i64 {
    let share = status.total_wanted.max(0) / 1000 * PROGRESS_PERMILLE;
    share.max(status.download_rate.max(0) / 2).max(1)
}

/// Whether a torrent has progressed enough since its last save.
pub(crate) fn progressed(mark: &ResumeMark, status: &TorrentStatus, now: Instant) -> bool {
    if mark
        .requested_at
        .is_some_and(|at| now.duration_since(at) < MIN_SAVE_GAP)
    {
        return false;
    }
    status.total_done - mark.done_at_request >= progress_threshold(status)
}

impl TorrentSession {
    /// Asks libtorrent for a torrent's resume data (arrives as an alert,
    /// handled by the pump, written by the writer).
    pub(crate) fn request_resume(&mut self, id: &str) {
        self.ask_resume(id, true);
    }

    fn ask_resume(&mut self, id: &str, flush: bool) {
        let Some(session) = &self.session else { return };
        if self.pending_resume.contains_key(id) {
            return; // the answer on its way will be as recent
        }
        if self.holds_missing_files(id) {
            return; // keep the last good resume file (see `missing.rs`)
        }
        let asked = if flush {
            session.save_resume_data(id)
        } else {
            session.save_resume_data_unflushed(id)
        };
        match asked {
            Ok(()) => {
                let now = Instant::now();
                self.pending_resume.insert(id.to_string(), now);
                if let Some(tracked) = self.torrents.get_mut(id) {
                    tracked.resume.requested_at = Some(now);
                    if let Some(status) = &tracked.status {
                        tracked.resume.done_at_request = status.total_done;
                    }
                }
            }
            Err(err) => {
                tracing::debug!(torrent.info_hash = %id, error = %err, "cannot request resume data")
            }
        }
    }

    /// Every tick: saves torrents that progressed past their threshold.
    pub(crate) fn save_progressed(&mut self) {
        if !self.ready {
            return;
        }
        let now = Instant::now();
        let due: Vec<String> = self
            .torrents
            .values()
            .filter(|t| !self.pending_resume.contains_key(t.id.as_str()))
            .filter(|t| {
                t.status
                    .as_ref()
                    .is_some_and(|s| progressed(&t.resume, s, now))
            })
            .map(|t| t.id.to_string())
            .collect();
        for id in due {
            self.ask_resume(&id, false);
        }
    }

    /// Timer: saves resume data of torrents libtorrent marks as changed.
    pub(crate) fn save_changed_resume_data(&mut self) {
        // Also refresh the health facts (torrent count, DHT nodes) on this slow timer.
        self.report_health();
        if !self.ready {
            return;
        }
        let changed: Vec<String> = self
            .torrents
            .values()
            .filter(|t| t.status.as_ref().is_some_and(|s| s.need_save_resume))
            .map(|t| t.id.to_string())
            .collect();
        for id in changed {
            self.request_resume(&id);
        }
    }

    /// The pump got a torrent's resume data: hand it to the writer.
    pub(crate) fn resume_arrived(&mut self, id: String, data: Vec<u8>) {
        self.pending_resume.remove(&id);
        self.stop_answered(&id, true);
        let Some(tracked) = self.torrents.get_mut(&id) else {
            return; // removed meanwhile: never resurrect its file
        };
        tracked.resume.on_disk = true;
        self.writer.write(id, data);
    }

    /// The pump got a refusal (e.g. "not modified"): nothing to write.
    pub(crate) fn resume_refused(&mut self, id: &str, error: &str) {
        self.pending_resume.remove(id);
        self.stop_answered(id, false);
        // "not modified" is the normal answer for an idle torrent at stop.
        tracing::debug!(torrent.info_hash = %id, error = %error, "resume data not saved");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn downloading(done: i64, wanted: i64, rate: i64) -> TorrentStatus {
        TorrentStatus {
            total_done: done,
            total_wanted: wanted,
            download_rate: rate,
            ..TorrentStatus::default()
        }
    }

    #[test]
    fn the_threshold_is_half_a_second_of_transfer_or_a_fortieth_of_the_payload() {
        const MIB: i64 = 1024 * 1024;
        // 192 MiB at 16 MB/s: half a second of transfer is the larger.
        assert_eq!(
            progress_threshold(&downloading(0, 192 * MIB, 16_000_000)),
            8_000_000
        );
        // A slow download: 2.5 % of the payload.
        let slow = progress_threshold(&downloading(0, 1000 * MIB, 100_000));
        assert_eq!(slow, 1000 * MIB / 1000 * 25);
        // Nothing wanted and no rate: any progress counts.
        assert_eq!(progress_threshold(&downloading(0, 0, 0)), 1);
    }

    #[test]
    fn a_torrent_is_due_after_enough_progress_and_not_twice_a_second() {
        let now = Instant::now();
        let status = downloading(40_000_000, 100_000_000, 10_000_000);
        let fresh = ResumeMark::default();
        assert!(progressed(&fresh, &status, now));
        let recent = ResumeMark {
            on_disk: true,
            done_at_request: 0,
            requested_at: Some(now),
        };
        assert!(
            !progressed(&recent, &status, now),
            "at most two saves per second"
        );
        let later = now + MIN_SAVE_GAP;
        assert!(progressed(&recent, &status, later));
        let close = ResumeMark {
            done_at_request: 37_000_000,
            ..recent
        };
        assert!(
            !progressed(&close, &status, later),
            "3 MB is below half a second at 10 MB/s"
        );
    }
}
