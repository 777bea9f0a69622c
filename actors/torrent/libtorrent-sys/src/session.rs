//! Safe wrapper around one libtorrent session.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use cxx::UniquePtr;

use crate::alert::Alert;
use crate::error::{Error, Result};
use crate::ffi;
use crate::status::{FileStatus, PeerStatus, TorrentStatus, TrackerStatus};
use crate::types::{AddOptions, SessionSettings};

/// A torrent added back from resume data (see [`Session::restore`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Its id.
    pub id: String,
    /// Peers it knows at start (saved in the resume data or hinted by its source).
    pub peers: u32,
    /// Trackers it knows at start.
    pub trackers: u32,
}

pub use queue::QueueMove;

/// Highest libtorrent download priority (0 = don't download, 4 = default).
pub const MAX_PRIORITY: u8 = 7;

/// A running libtorrent session.
///
/// All methods take `&self` and the type is `Send + Sync`, so a session can be
/// shared between threads (e.g. an `Arc<Session>` used by an actor and an
/// alert pump). Most calls are synchronous round trips to libtorrent's
/// network thread and may block briefly; dropping the session shuts
/// libtorrent down and blocks until it has stopped.
///
/// Torrents are addressed by id: the v1 info hash as 40 lowercase hex digits,
/// or for v2-only torrents the first 20 bytes of the v2 hash. Ids are matched
/// case-insensitively; any id not in the session yields
/// [`Error::UnknownTorrent`].
pub struct Session {
    inner: UniquePtr<ffi::Session>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session").finish_non_exhaustive()
    }
}

/// Checks priorities are in libtorrent's range 0..=7.
pub(crate) fn validate_priorities(prios: &[u8]) -> Result<()> {
    match prios.iter().position(|&p| p > MAX_PRIORITY) {
        Some(i) => Err(Error::InvalidArgument(format!(
            "file priority {} at index {i} is out of range 0..={MAX_PRIORITY}",
            prios[i]
        ))),
        None => Ok(()),
    }
}

fn non_negative(what: &str, value: i32) -> Result<()> {
    if value < 0 {
        Err(Error::InvalidArgument(format!(
            "{what} must be >= 0, got {value}"
        )))
    } else {
        Ok(())
    }
}

fn path_str(path: &Path) -> Result<&str> {
    path.to_str().ok_or_else(|| {
        Error::InvalidArgument(format!("path {} is not valid UTF-8", path.display()))
    })
}

fn normalize_id(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// Turns the shim's add outcome into the torrent id or a typed error.
fn add_result(o: ffi::AddOutcome) -> Result<String> {
    match o.code {
        0 => Ok(o.id),
        1 => Err(Error::Duplicate(o.id)),
        2 => Err(Error::Malformed(o.message)),
        3 => Err(Error::InvalidArgument(o.message)),
        _ => Err(Error::Libtorrent(o.message)),
    }
}

impl Session {
    /// Starts a session. Listening happens asynchronously: watch for
    /// [`crate::AlertKind::ListenSucceeded`] or poll [`Session::listen_port`].
    pub fn new(settings: &SessionSettings) -> Result<Self> {
        let inner = ffi::new_session(&settings.to_ffi()?)?;
        if inner.is_null() {
            return Err(Error::Libtorrent("session construction failed".to_owned()));
        }
        Ok(Self { inner })
    }

    fn raw(&self) -> Result<&ffi::Session> {
        self.inner
            .as_ref()
            .ok_or_else(|| Error::Libtorrent("session is not initialised".to_owned()))
    }

    /// Runs a per-torrent shim call that returns `false` for unknown ids.
    fn with_torrent(
        &self,
        id: &str,
        call: impl FnOnce(&ffi::Session, &str) -> std::result::Result<bool, cxx::Exception>,
    ) -> Result<()> {
        let id = normalize_id(id);
        if call(self.raw()?, &id)? {
            Ok(())
        } else {
            Err(Error::UnknownTorrent(id))
        }
    }

    /// Applies settings to the running session. `enable_pex` is ignored here:
    /// PEX is a plugin fixed at construction, so changing it needs a new
    /// session.
    pub fn apply_settings(&self, settings: &SessionSettings) -> Result<()> {
        Ok(self.raw()?.apply_settings(&settings.to_ffi()?)?)
    }

    /// The port actually bound (useful with port 0); 0 if not listening yet.
    pub fn listen_port(&self) -> Result<u16> {
        Ok(self.raw()?.listen_port()?)
    }

    /// Whether at least one listen socket is open.
    pub fn is_listening(&self) -> Result<bool> {
        Ok(self.raw()?.is_listening()?)
    }

    /// Nodes in the DHT routing table; 0 when DHT is disabled.
    ///
    /// The count comes from libtorrent's session counters, which arrive
    /// asynchronously: each call requests a refresh that is absorbed by the
    /// next [`Session::pop_alerts`], and returns the latest known value. Call
    /// it periodically (e.g. once per alert-pump tick).
    pub fn dht_nodes(&self) -> Result<i64> {
        Ok(self.raw()?.dht_nodes()?)
    }

    // ----- adding -------------------------------------------------------

    /// Adds a torrent by magnet URI; metadata is fetched from peers.
    /// Returns the torrent id.
    pub fn add_magnet(&self, uri: &str, opts: &AddOptions) -> Result<String> {
        require_save_path(opts)?;
        add_result(self.raw()?.add_magnet(uri, &opts.to_ffi()?)?)
    }

    /// Adds a torrent from the bytes of a .torrent file. Returns its id.
    pub fn add_torrent_file(&self, bytes: &[u8], opts: &AddOptions) -> Result<String> {
        require_save_path(opts)?;
        add_result(self.raw()?.add_torrent_file(bytes, &opts.to_ffi()?)?)
    }

    /// Re-adds a torrent from resume data (the bytes of a
    /// [`crate::AlertKind::SaveResumeData`] alert). A non-empty
    /// `opts.save_path` / `opts.file_priorities` overrides the stored ones;
    /// the other options always apply. Returns its id.
    pub fn add_resume_data(&self, bytes: &[u8], opts: &AddOptions) -> Result<String> {
        add_result(self.raw()?.add_resume_data(bytes, "", &opts.to_ffi()?)?)
    }

    /// Like [`Session::add_resume_data`], and also merges in the peers
    /// (`x.pe`), trackers and web seeds of the torrent's source magnet, so a
    /// torrent whose only peer source was a hint in its magnet finds that
    /// peer again. Reports what peer sources the torrent starts with.
    pub fn restore(
        &self,
        bytes: &[u8],
        source_magnet: Option<&str>,
        opts: &AddOptions,
    ) -> Result<Restored> {
        let outcome =
            self.raw()?
                .add_resume_data(bytes, source_magnet.unwrap_or(""), &opts.to_ffi()?)?;
        let (peers, trackers) = (outcome.peers, outcome.trackers);
        Ok(Restored {
            id: add_result(outcome)?,
            peers,
            trackers,
        })
    }

    // ----- per-torrent commands ---------------------------------------

    /// Removes a torrent, optionally deleting its downloaded files
    /// (completion is reported by `TorrentDeleted`/`TorrentDeleteFailed`).
    pub fn remove(&self, id: &str, delete_files: bool) -> Result<()> {
        self.with_torrent(id, |s, id| s.remove(id, delete_files))
    }

    /// Pauses a torrent. Its auto-managed flag is cleared (otherwise the queue
    /// would resume it) and restored by [`Session::resume`].
    pub fn pause(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.pause(id))
    }

    /// Resumes a torrent, restoring auto-management cleared by `pause`.
    pub fn resume(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.resume(id))
    }

    /// Force-starts a torrent (`on`: running outside the queue, its
    /// auto-managed flag cleared) or hands it back to the queue (`!on`:
    /// auto-managed again, as a plain resume). Either way it is resumed.
    pub fn set_force_start(&self, id: &str, on: bool) -> Result<()> {
        self.with_torrent(id, |s, id| s.set_force_start(id, on))
    }

    /// Re-hashes all data on disk.
    pub fn force_recheck(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.force_recheck(id))
    }

    /// Announces to all trackers now.
    pub fn force_reannounce(&self, id: &str) -> Result<()> {
        self.with_torrent(id, |s, id| s.force_reannounce(id))
    }

    /// Toggles in-order piece picking.
    pub fn set_sequential(&self, id: &str, sequential: bool) -> Result<()> {
        self.with_torrent(id, |s, id| s.set_sequential(id, sequential))
    }

    /// Toggles super seeding (BEP 16; only a seed acts on it).
    pub fn set_super_seeding(&self, id: &str, on: bool) -> Result<()> {
        self.with_torrent(id, |s, id| s.set_super_seeding(id, on))
    }

    /// Sets one priority (0..=7) per file as listed by [`Session::files`].
    /// Before metadata is known the count cannot be checked; the priorities
    /// are kept and applied when `pop_alerts` sees `MetadataReceived` (see
    /// [`AddOptions::file_priorities`]). libtorrent applies priorities via its
    /// disk thread; this waits (at most 5 s) until it has, so the next
    /// [`Session::files`] reads them back.
    pub fn set_file_priorities(&self, id: &str, priorities: &[u8]) -> Result<()> {
        validate_priorities(priorities)?;
        let id = normalize_id(id);
        let raw = self.raw()?;
        let mut count = 0i32;
        if !raw.num_files(&id, &mut count)? {
            return Err(Error::UnknownTorrent(id));
        }
        if count >= 0 && usize::try_from(count).ok() != Some(priorities.len()) {
            return Err(Error::InvalidArgument(format!(
                "expected {count} file priorities, got {}",
                priorities.len()
            )));
        }
        self.with_torrent(&id, |s, id| s.set_file_priorities(id, priorities))
    }

    /// Per-torrent rate limits in bytes/s; 0 = unlimited.
    pub fn set_limits(&self, id: &str, download: i32, upload: i32) -> Result<()> {
        non_negative("download limit", download)?;
        non_negative("upload limit", upload)?;
        self.with_torrent(id, |s, id| s.set_limits(id, download, upload))
    }

    /// Maximum peer connections for a torrent; 0 = libtorrent default.
    pub fn set_max_connections(&self, id: &str, max: i32) -> Result<()> {
        non_negative("max connections", max)?;
        self.with_torrent(id, |s, id| s.set_max_connections(id, max))
    }

    /// Moves the torrent's files to `path` (asynchronous; completion is
    /// reported by `StorageMoved`/`StorageMovedFailed`).
    pub fn move_storage(&self, id: &str, path: &Path) -> Result<()> {
        let path = path_str(path)?;
        if path.is_empty() {
            return Err(Error::InvalidArgument("empty target path".to_owned()));
        }
        self.with_torrent(id, |s, id| s.move_storage(id, path))
    }

    /// Connects the torrent to a specific peer.
    pub fn connect_peer(&self, id: &str, ip: IpAddr, port: u16) -> Result<()> {
        if port == 0 {
            return Err(Error::InvalidArgument("peer port must not be 0".to_owned()));
        }
        let ip = ip.to_string();
        self.with_torrent(id, |s, id| s.connect_peer(id, &ip, port))
    }

    /// Requests a `StateUpdate` alert listing torrents changed since the
    /// previous request.
    pub fn post_torrent_updates(&self) -> Result<()> {
        Ok(self.raw()?.post_torrent_updates()?)
    }

    // ----- queries ---------------------------------------------------------

    /// Current status of one torrent.
    pub fn status(&self, id: &str) -> Result<TorrentStatus> {
        let mut out = ffi::TorrentStatusFfi::default();
        self.with_torrent(id, |s, id| s.status(id, &mut out))?;
        Ok(out.into())
    }

    /// Status of every torrent in the session.
    pub fn statuses(&self) -> Result<Vec<TorrentStatus>> {
        Ok(self
            .raw()?
            .statuses()?
            .into_iter()
            .map(TorrentStatus::from)
            .collect())
    }

    /// Files with progress and priority; empty until metadata is known.
    pub fn files(&self, id: &str) -> Result<Vec<FileStatus>> {
        let mut out = Vec::new();
        self.with_torrent(id, |s, id| s.files(id, &mut out))?;
        Ok(out.into_iter().map(FileStatus::from).collect())
    }

    /// One state a piece (0 missing, 1 being downloaded, 2 have); empty
    /// until metadata is known.
    pub fn piece_states(&self, id: &str) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.with_torrent(id, |s, id| s.piece_states(id, &mut out))?;
        Ok(out)
    }

    /// Trackers of a torrent.
    pub fn trackers(&self, id: &str) -> Result<Vec<TrackerStatus>> {
        let mut out = Vec::new();
        self.with_torrent(id, |s, id| s.trackers(id, &mut out))?;
        Ok(out.into_iter().map(TrackerStatus::from).collect())
    }

    /// Currently connected peers of a torrent.
    pub fn peers(&self, id: &str) -> Result<Vec<PeerStatus>> {
        let mut out = Vec::new();
        self.with_torrent(id, |s, id| s.peers(id, &mut out))?;
        Ok(out.into_iter().map(PeerStatus::from).collect())
    }

    /// Magnet link for a torrent in the session.
    pub fn magnet_uri(&self, id: &str) -> Result<String> {
        let mut out = String::new();
        self.with_torrent(id, |s, id| s.magnet_uri(id, &mut out))?;
        Ok(out)
    }

    /// Ids of all torrents in the session.
    pub fn torrent_ids(&self) -> Result<Vec<String>> {
        Ok(self.raw()?.torrent_ids()?)
    }

    // ----- alerts ----------------------------------------------------------

    /// Takes all pending alerts. Call regularly: libtorrent drops alerts
    /// when its queue is full.
    pub fn pop_alerts(&self) -> Result<Vec<Alert>> {
        Ok(self
            .raw()?
            .pop_alerts()?
            .into_iter()
            .map(Alert::from)
            .collect())
    }

    /// Blocks up to `timeout` until an alert is pending; returns whether one
    /// is. Does not consume it.
    pub fn wait_for_alert(&self, timeout: Duration) -> Result<bool> {
        let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        Ok(self.raw()?.wait_for_alert(ms)?)
    }
}

fn require_save_path(opts: &AddOptions) -> Result<()> {
    if opts.save_path.trim().is_empty() {
        Err(Error::InvalidArgument("save_path is required".to_owned()))
    } else {
        Ok(())
    }
}

mod pieces;
mod queue;
mod resume;
#[cfg(test)]
mod tests;
