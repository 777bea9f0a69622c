//! Test support shared by the suites that move real data over loopback: this
//! crate's integration tests, the engine tests of `revaer-torrent` and the
//! server tests of `revaerd`. They all need the same pieces (a deterministic
//! payload, a .torrent made from it, a libtorrent session seeding it on
//! 127.0.0.1, file hashes to compare a download with its original), and three
//! hand-kept copies had started to drift.
//!
//! Built only with the `testing` cargo feature, which those crates enable on
//! their dev-dependency, so none of this reaches the engine or the daemon.
//! Every helper returns a [`Result`] rather than panicking: the workspace
//! lints deny `unwrap`/`expect` outside tests, and the caller knows best
//! whether a failure is an assertion (`unwrap`) or a test error (`?`).

use std::fs;
use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use crate::{create_torrent, AddOptions, Session, SessionSettings};

/// Comment written into every generated .torrent, so a stray file left by a
/// failed test is recognisable as test data.
pub const COMMENT: &str = "revaer test payload";

/// How long a fresh loopback session may take to open its listen socket
/// before the helpers give up (it normally takes milliseconds).
pub const LISTEN_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a new seeder may take to check its payload (generous: CI
/// machines are shared and slow).
pub const CHECK_TIMEOUT: Duration = Duration::from_secs(60);

/// How often [`wait_until`] re-checks its condition: short enough not to
/// slow the tests down, long enough not to spin a core on a 2-core machine.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// Why a test helper failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Writing or reading test data failed; names the file.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
    /// A libtorrent call made by the helper failed.
    #[error(transparent)]
    Libtorrent(#[from] crate::Error),
    /// A bounded wait ran out.
    #[error("timed out waiting for {what} (after {timeout:?})")]
    Timeout {
        /// What was awaited, in words.
        what: String,
        /// The bound that ran out.
        timeout: Duration,
    },
}

/// Shorthand for the helpers' results.
pub type Result<T, E = Error> = std::result::Result<T, E>;

fn io_error(path: &Path) -> impl FnOnce(io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `files` (relative path, size in bytes) under `root/name` and
/// returns `root/name`.
///
/// The content is xorshift64 output seeded by `seed`: deterministic, so a
/// test can regenerate or compare it; cheap, so tens of MiB cost nothing
/// next to the transfer; and free of repeats, so pieces do not hash alike and
/// a misplaced block shows up as corruption. One generator runs across all
/// files in order, so the same list and seed always give the same bytes.
pub fn write_payload(
    root: &Path,
    name: &str,
    files: &[(&str, usize)],
    seed: u64,
) -> Result<PathBuf> {
    let dir = root.join(name);
    // xorshift never leaves 0, and an odd seed keeps it away from it.
    let mut state = seed | 1;
    for (rel, size) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        let mut buf = Vec::with_capacity(*size + 8);
        while buf.len() < *size {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            buf.extend_from_slice(&state.to_le_bytes());
        }
        buf.truncate(*size);
        fs::write(&path, buf).map_err(io_error(&path))?;
    }
    Ok(dir)
}

/// Generates a payload `root/name` (see [`write_payload`]; it is kept, so it
/// can be seeded) and returns a .torrent for it with one tier per tracker and
/// libtorrent's choice of piece size.
pub fn make_torrent(
    root: &Path,
    name: &str,
    files: &[(&str, usize)],
    trackers: &[&str],
    seed: u64,
) -> Result<Vec<u8>> {
    let dir = write_payload(root, name, files, seed)?;
    let trackers: Vec<String> = trackers.iter().map(|t| (*t).to_owned()).collect();
    Ok(create_torrent(&dir, 0, &trackers, COMMENT)?)
}

/// SHA-256 of a file as lowercase hex: compares a downloaded file with its
/// original without holding both in memory, and prints readably when an
/// assertion on it fails.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = fs::File::open(path).map_err(io_error(path))?;
    let mut hasher = Sha256::new();
    io::copy(&mut file, &mut hasher).map_err(io_error(path))?;
    Ok(format!("{:x}", hasher.finalize()))
}

/// Polls `cond` every 50 ms until it returns `true`; [`Error::Timeout`]
/// once `timeout` has passed, or the first error `cond` returns.
///
/// Blocking on purpose: libtorrent sessions are polled, not awaited, and the
/// suites that use this run it off any async executor or accept the block.
pub fn wait_until(
    what: &str,
    timeout: Duration,
    mut cond: impl FnMut() -> Result<bool>,
) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while !cond()? {
        if Instant::now() >= deadline {
            return Err(Error::Timeout {
                what: what.to_owned(),
                timeout,
            });
        }
        std::thread::sleep(POLL_INTERVAL);
    }
    Ok(())
}

/// A session on 127.0.0.1 (DHT, LSD, UPnP, NAT-PMP and PEX off, so nothing
/// leaves the machine) whose listen socket is open. Listening starts
/// asynchronously, and a port of 0 would make any peer dial fail.
pub fn loopback_session(timeout: Duration) -> Result<Session> {
    listening_session(&SessionSettings::loopback(), timeout)
}

/// A session with `settings`, once it listens (tests pass loopback settings
/// with one field changed).
pub fn listening_session(settings: &SessionSettings, timeout: Duration) -> Result<Session> {
    let session = Session::new(settings)?;
    wait_until("session listening", timeout, || {
        Ok(session.listen_port()? != 0)
    })?;
    Ok(session)
}

/// A libtorrent session on 127.0.0.1 seeding one generated payload: the
/// remote peer of every transfer test.
#[derive(Debug)]
pub struct Seeder {
    /// The seeding session; dropping it stops seeding.
    pub session: Session,
    /// The .torrent being seeded.
    pub torrent: Vec<u8>,
    /// The payload: the directory `root/payload`, or the file of
    /// [`Seeder::start_file`].
    pub payload: PathBuf,
    /// The torrent's id.
    pub id: String,
    /// The port the session listens on.
    pub port: u16,
}

impl Seeder {
    /// Writes `files` under `root/payload` (see [`write_payload`]), makes a
    /// .torrent of it and seeds it from a listening loopback session.
    ///
    /// Returns once the files are checked and the torrent seeds. Why wait:
    /// a peer that dials a seeder still checking its files is turned away,
    /// and libtorrent then waits a minute before dialling again, which on a
    /// busy CI machine turns into a timed-out test.
    pub fn start(root: &Path, files: &[(&str, usize)], seed: u64) -> Result<Self> {
        let payload = write_payload(root, "payload", files, seed)?;
        let torrent = create_torrent(&payload, 0, &[], COMMENT)?;
        Self::seed(root, payload, torrent)
    }

    /// Like [`Seeder::start`] for a single-file torrent: writes one file
    /// `root/file_name` of `size` bytes and seeds it.
    pub fn start_file(root: &Path, file_name: &str, size: usize, seed: u64) -> Result<Self> {
        write_payload(root, "", &[(file_name, size)], seed)?;
        let payload = root.join(file_name);
        let torrent = create_torrent(&payload, 0, &[], COMMENT)?;
        Self::seed(root, payload, torrent)
    }

    fn seed(root: &Path, payload: PathBuf, torrent: Vec<u8>) -> Result<Self> {
        let session = loopback_session(LISTEN_TIMEOUT)?;
        let id = session.add_torrent_file(
            &torrent,
            &AddOptions::with_save_path(root.to_string_lossy()),
        )?;
        let port = session.listen_port()?;
        let seeder = Self {
            session,
            torrent,
            payload,
            id,
            port,
        };
        seeder.wait_seeding(CHECK_TIMEOUT)?;
        Ok(seeder)
    }

    /// Where peers reach the seeder.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// Waits until libtorrent has checked the payload and seeds it.
    pub fn wait_seeding(&self, timeout: Duration) -> Result<()> {
        wait_until("seeder to check files", timeout, || {
            Ok(self.session.status(&self.id)?.is_seeding)
        })
    }
}

/// A v1 .torrent with `count` one-byte files named
/// `<name>/d<i / 1000>/f<i>.<ext>` (`ext` cycling through `mkv`, `nfo`,
/// `srt`, `txt`), bencoded directly instead of hashed from files on disk, so
/// torrents with hundreds of thousands of files cost milliseconds. The
/// piece hashes are made up: the torrent parses and adds like any other,
/// but its data can never verify (add it paused, or never seed it).
pub fn many_files_torrent(name: &str, count: usize) -> Vec<u8> {
    const PIECE: usize = 16 * 1024;
    const EXTS: [&str; 4] = ["mkv", "nfo", "srt", "txt"];
    fn text(out: &mut Vec<u8>, value: &str) {
        out.extend_from_slice(format!("{}:{value}", value.len()).as_bytes());
    }
    let mut out = b"d4:infod5:filesl".to_vec();
    for i in 0..count {
        out.extend_from_slice(b"d6:lengthi1e4:pathl");
        text(&mut out, &format!("d{}", i / 1000));
        text(&mut out, &format!("f{i}.{}", EXTS[i % EXTS.len()]));
        out.extend_from_slice(b"ee");
    }
    out.extend_from_slice(b"e4:name");
    text(&mut out, name);
    out.extend_from_slice(format!("12:piece lengthi{PIECE}e6:pieces").as_bytes());
    let pieces = count.div_ceil(PIECE).max(1);
    out.extend_from_slice(format!("{}:", pieces * 20).as_bytes());
    out.extend((0..pieces * 20).map(|i| (i % 251) as u8));
    out.extend_from_slice(b"ee");
    out
}
