//! Shared helpers for the integration tests: temp dirs, the test payload,
//! loopback sessions, a seeder and bounded alert waits. Payload generation,
//! hashing, the loopback session and the seeder itself come from
//! `libtorrent_sys::testing` (shared with the engine and server tests); this
//! module adds what only these tests use and panics instead of returning
//! errors.
// `allow`, not `expect`: each test binary compiles this module and uses a
// different subset, so "unused" is true in some binaries and not others.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use libtorrent_sys::{parse_torrent_file, testing, Alert, AlertKind, Session, TorrentMeta};

/// Upper bound for any single wait in the tests.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!(
            "revaer-lt-{tag}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Creates (if needed) and returns a subdirectory.
    pub fn sub(&self, name: &str) -> PathBuf {
        let p = self.0.join(name);
        fs::create_dir_all(&p).unwrap();
        p
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Files of the test payload (relative path, size): ~24 MiB with odd sizes
/// so pieces straddle file boundaries and libtorrent adds pad files.
pub const PAYLOAD: &[(&str, usize)] = &[
    ("a.bin", 9 * 1024 * 1024 + 1234),
    ("sub/b.bin", 7 * 1024 * 1024 + 99),
    ("sub/deeper/c.dat", 5 * 1024 * 1024 - 17),
    ("d.txt", 3 * 1024 * 1024 + 5),
];

pub fn payload_size() -> i64 {
    PAYLOAD.iter().map(|(_, s)| *s as i64).sum()
}

pub fn sha256_file(path: &Path) -> String {
    testing::sha256_file(path).unwrap_or_else(|e| panic!("{e}"))
}

/// A loopback-only session that is already listening.
pub fn loopback_session() -> Session {
    testing::loopback_session(testing::LISTEN_TIMEOUT).unwrap_or_else(|e| panic!("{e}"))
}

/// Polls `cond` every 50 ms until it holds; panics after `timeout`.
pub fn wait_until(what: &str, timeout: Duration, mut cond: impl FnMut() -> bool) {
    testing::wait_until(what, timeout, || Ok(cond())).unwrap_or_else(|e| panic!("{e}"));
}

/// Keeps every alert popped from one session so waits can look back.
pub struct AlertLog<'a> {
    session: &'a Session,
    pub seen: Vec<Alert>,
}

impl<'a> AlertLog<'a> {
    pub fn new(session: &'a Session) -> Self {
        Self {
            session,
            seen: Vec::new(),
        }
    }

    fn pump(&mut self, max_wait: Duration) {
        self.session.wait_for_alert(max_wait).unwrap();
        self.seen.extend(self.session.pop_alerts().unwrap());
    }

    /// First alert (already seen or new) matching `pred`; panics with the
    /// alert history after `TIMEOUT`.
    pub fn wait(&mut self, what: &str, pred: impl Fn(&Alert) -> bool) -> Alert {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(a) = self.seen.iter().find(|a| pred(a)) {
                return a.clone();
            }
            if Instant::now() >= deadline {
                let kinds: Vec<String> = self.seen.iter().map(|a| a.message.clone()).collect();
                panic!("timed out waiting for {what}; alerts seen: {kinds:#?}");
            }
            self.pump(Duration::from_millis(100));
        }
    }

    /// Waits for `kind` (compared by variant) concerning torrent `id`.
    pub fn wait_for(&mut self, id: &str, what: &str, pred: impl Fn(&AlertKind) -> bool) -> Alert {
        self.wait(what, |a| {
            a.torrent_id.as_deref() == Some(id) && pred(&a.kind)
        })
    }

    /// Pops whatever is pending without waiting.
    pub fn drain(&mut self) {
        self.pump(Duration::from_millis(0));
    }
}

/// A seeding setup: payload on disk, its .torrent and a session seeding it.
pub struct Seeder {
    pub dir: TempDir,
    pub payload_root: PathBuf,
    pub torrent: Vec<u8>,
    pub meta: TorrentMeta,
    pub session: Session,
    pub id: String,
}

impl Seeder {
    /// The shared loopback seeder over `PAYLOAD`, in its own temp dir, with
    /// its metadata parsed and its files checked.
    pub fn start(tag: &str, seed: u64) -> Self {
        let dir = TempDir::new(tag);
        let payload_root = dir.sub("seed");
        let seeder = testing::Seeder::start(&payload_root, PAYLOAD, seed).unwrap();
        let meta = parse_torrent_file(&seeder.torrent).unwrap();
        assert_eq!(seeder.id, meta.id);
        seeder.wait_seeding(TIMEOUT).unwrap();
        let testing::Seeder {
            session,
            torrent,
            id,
            ..
        } = seeder;
        Self {
            dir,
            payload_root,
            torrent,
            meta,
            session,
            id,
        }
    }

    pub fn port(&self) -> u16 {
        self.session.listen_port().unwrap()
    }

    /// Asserts that every file of the torrent under `save_path` has the
    /// same content as the seeder's copy, except the listed paths.
    pub fn assert_same_files(&self, save_path: &Path, except: &[&str]) {
        for f in &self.meta.files {
            if except.contains(&f.path.as_str()) {
                continue;
            }
            assert_eq!(
                sha256_file(&save_path.join(&f.path)),
                sha256_file(&self.payload_root.join(&f.path)),
                "content of {} differs",
                f.path
            );
        }
    }
}
