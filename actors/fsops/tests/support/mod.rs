//! FsOps test harness: a sandbox of real folders (allowed root, downloads,
//! library), payload writers, tree snapshots, and an orchestrator over a
//! fresh database with an event collector.

// `allow`, not `expect`: each test binary compiles this module and uses a
// different subset, so "unused" is true in some binaries and not others.
#![allow(dead_code)]

pub mod archives;

use actix::Addr;
use prometheus::Registry;
use revaer_fsops::plan::{make_plan, InputFile, JobInput, Plan, Step};
use revaer_fsops::{
    FileSystem, FsOpsOrchestrator, FsopsMetrics, FsopsOptions, GetActivity, RealFs, RetryPolicy,
    TestHooks, Work,
};
use revaer_messages::config::{ConfigSnapshot, FsPolicy, MoveMode};
use revaer_messages::events::{Event, Publish};
use revaer_messages::fsops::JobStatus;
use revaer_messages::health::HealthBoard;
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::fs_jobs;
use revaer_schema::testing::TestDatabase;
use revaer_testkit::{active_loopback_snapshot, collect, EventLog};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;
pub type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Upper bound of any wait.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// A torrent id made of one repeated byte.
pub fn torrent(n: u8) -> TorrentId {
    TorrentId::parse(&format!("{n:02x}").repeat(20)).unwrap_or_else(|_| unreachable!())
}

/// Folders of one test: `root` is the only allowed path; downloads and the
/// library live below it; `outside` is not allowed.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub downloads: PathBuf,
    pub library: PathBuf,
    pub outside: PathBuf,
}

impl Sandbox {
    pub fn new() -> AnyResult<Self> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("allowed");
        let downloads = root.join("downloads");
        let library = root.join("library");
        let outside = dir.path().join("outside");
        for d in [&downloads, &library, &outside] {
            std::fs::create_dir_all(d)?;
        }
        Ok(Self {
            dir,
            root,
            downloads,
            library,
            outside,
        })
    }

    /// A policy allowing only `root`, copying, nothing else.
    pub fn policy(&self) -> FsPolicy {
        FsPolicy {
            library_root: self.library.to_string_lossy().into_owned(),
            extract: false,
            flatten: false,
            move_mode: MoveMode::Copy,
            cleanup_keep: vec![],
            cleanup_drop: vec![],
            chmod_file: None,
            chmod_dir: None,
            owner: None,
            group: None,
            umask: None,
            allow_paths: vec![self.root.to_string_lossy().into_owned()],
            allow_special_modes: false,
            extract_max_ratio: 4,
            // No free-space margin: a small CI disk must not fail the
            // tests that are not about it.
            extract_min_free_bytes: 0,
        }
    }

    /// Writes a download file (relative to the downloads folder).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> AnyResult<PathBuf> {
        let path = self.downloads.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
        Ok(path)
    }

    /// The job input for files already written under the downloads folder.
    pub fn input(
        &self,
        id: &TorrentId,
        name: &str,
        category: Option<&str>,
        files: &[&str],
    ) -> AnyResult<JobInput> {
        let mut list = Vec::new();
        for rel in files {
            let size = std::fs::metadata(self.downloads.join(rel))?.len();
            list.push(InputFile {
                path: (*rel).to_string(),
                size: i64::try_from(size)?,
            });
        }
        Ok(JobInput {
            torrent: id.clone(),
            name: name.into(),
            category: category.map(str::to_string),
            save_path: self.downloads.to_string_lossy().into_owned(),
            files: list,
            request_id: None,
        })
    }
}

/// Deterministic bytes.
pub fn bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed | 1;
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// What a tree looks like: relative path -> (kind, size, content hash, mode).
pub fn tree(dir: &Path) -> AnyResult<BTreeMap<String, (char, u64, String, u32)>> {
    let mut out = BTreeMap::new();
    visit(dir, dir, &mut out)?;
    Ok(out)
}

fn visit(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, (char, u64, String, u32)>,
) -> AnyResult<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let rel = path.strip_prefix(root)?.to_string_lossy().into_owned();
        let meta = std::fs::symlink_metadata(&path)?;
        let mode = meta.permissions().mode() & 0o7777;
        if meta.is_dir() {
            out.insert(rel, ('d', 0, String::new(), mode));
            visit(root, &path, out)?;
        } else if meta.is_file() {
            let data = std::fs::read(&path)?;
            let hash = format!("{:x}", fxhash(&data));
            out.insert(rel, ('f', meta.len(), hash, mode));
        } else {
            out.insert(rel, ('l', 0, String::new(), mode));
        }
    }
    Ok(())
}

/// A cheap content fingerprint (FNV-1a) for tree comparisons.
fn fxhash(data: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for byte in data {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The files of a tree only, without FsOps' own record.
pub fn payload(dir: &Path) -> AnyResult<BTreeMap<String, (u64, String)>> {
    Ok(tree(dir)?
        .into_iter()
        .filter(|(rel, (kind, ..))| *kind == 'f' && rel != ".revaer.meta")
        .map(|(rel, (_, size, hash, _))| (rel, (size, hash)))
        .collect())
}

/// Runs `steps` of a plan directly (no actor, no database), as one job run would.
pub fn run_steps(plan: &Plan, fs: Arc<dyn FileSystem>, steps: &[Step]) -> AnyResult<Work> {
    let mut work = Work::prepare(plan, fs, TestHooks::default())?;
    for step in steps {
        work.recheck()?;
        work.execute(*step)?;
        work.store.complete(*step)?;
    }
    Ok(work)
}

/// Plans `input` under `policy` and runs every step directly.
pub fn run_all(input: &JobInput, policy: &FsPolicy) -> AnyResult<Work> {
    let plan = make_plan(input, policy)?;
    run_steps(&plan, Arc::new(RealFs), &Step::ALL)
}

// ------------------------------------------------------------ orchestrator

/// An orchestrator over a database, with its events and health.
pub struct Harness {
    pub addr: Addr<FsOpsOrchestrator>,
    pub events: EventLog,
    pub health: HealthBoard,
    pub metrics: FsopsMetrics,
    pub registry: Registry,
}

/// A snapshot of the migrated database's config with `policy` in force
/// (active mode, loopback engine).
pub fn snapshot(db: &TestDatabase, policy: &FsPolicy) -> AnyResult<ConfigSnapshot> {
    let mut snapshot = active_loopback_snapshot(db)?;
    snapshot.fs_policy = policy.clone();
    Ok(snapshot)
}

/// Fast retries for tests.
pub fn quick_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_millis(400),
    }
}

impl Harness {
    pub fn start(
        db: &TestDatabase,
        policy: &FsPolicy,
        customise: impl FnOnce(&mut FsopsOptions),
    ) -> AnyResult<Self> {
        let registry = Registry::new();
        let metrics = FsopsMetrics::register(&registry)?;
        let health = HealthBoard::default();
        let pool = revaer_schema::pool::build_pool(db.url(), 4)?;
        let (collector, events) = collect::<Publish>();
        health.announce_to(collector.clone().recipient());
        let mut options = FsopsOptions::new(
            pool,
            Arc::new(snapshot(db, policy)?),
            health.clone(),
            metrics.clone(),
        );
        options.events = Some(collector.recipient());
        options.retry = quick_retry();
        customise(&mut options);
        let addr = actix::Supervisor::start(move |_| FsOpsOrchestrator::new(options));
        Ok(Self {
            addr,
            events: EventLog(events),
            health,
            metrics,
            registry,
        })
    }

    /// Waits until the store was read and nothing runs, waits or is queued.
    pub async fn idle(&self) -> TestResult {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let activity = self.addr.send(GetActivity).await?;
            if activity.loaded
                && activity.running == 0
                && activity.queued == 0
                && activity.scheduled == 0
            {
                return Ok(());
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("orchestrator still busy: {activity:?}").into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Every event received so far.
    pub fn drain(&mut self) -> Vec<Event> {
        self.events.drain()
    }

    /// Waits for the first event matching `pick`.
    pub async fn wait_for<T>(&mut self, pick: impl FnMut(&Event) -> Option<T>) -> AnyResult<T> {
        self.events.wait_for(pick).await
    }
}

/// Polls the job row until `done` or `failed`.
pub async fn wait_final(db: &TestDatabase, id: &TorrentId) -> AnyResult<fs_jobs::FsJobRow> {
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    loop {
        let row = fs_jobs::find(&mut db.connect()?, id.as_str())?;
        if let Some(row) =
            row.filter(|r| r.status == JobStatus::Done || r.status == JobStatus::Failed)
        {
            return Ok(row);
        }
        if tokio::time::Instant::now() > deadline {
            return Err("job did not finish in time".into());
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
