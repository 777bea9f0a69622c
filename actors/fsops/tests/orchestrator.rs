//! The orchestrator and job actors over a real database: the whole
//! pipeline, events and metrics, crash and resume between every pair of
//! steps, idempotent re-runs, retries with backoff, retry on demand, health.

mod support;

use actix::Actor;
use diesel::RunQueryDsl;
use revaer_events::{EventHub, HubConfig, HubMetrics};
use revaer_fsops::plan::{JobInput, Step};
use revaer_fsops::{EnqueueJob, Meta, MetaStore, TestHooks, COMPONENT, STAGING_DIR};
use revaer_messages::config::{FsPolicy, MoveMode};
use revaer_messages::events::{Event, Publish};
use revaer_messages::fsops::JobStatus;
use revaer_messages::fsops::{FsopsCommandError, RetryFsops};
use revaer_messages::health::HealthStatus;
use revaer_messages::hub::HubStats;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::models::{fs_jobs, torrents};
use revaer_schema::testing::TestDatabase;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use support::archives;
use support::{
    bytes, payload, snapshot, torrent, tree, wait_final, AnyResult, Harness, Sandbox, TestResult,
    TIMEOUT,
};

/// A download with a bit of everything: nested torrent files, a zip and a
/// three-volume RAR v5 set (with an .nfo inside to be cleaned up).
fn rich_download(sandbox: &Sandbox) -> AnyResult<Vec<String>> {
    let mut files = vec![
        ("Rich/video.mkv".to_string(), bytes(1, 150_000)),
        ("Rich/extras/video.mkv".to_string(), bytes(2, 20_000)),
        ("Rich/extras/readme.txt".to_string(), b"read me".to_vec()),
        (
            "Rich/subs.zip".to_string(),
            archives::zip(&[
                ("subs/en.srt", b"1\n00:00 hello"),
                ("subs/de.srt", b"1\n00:00 hallo"),
            ])?,
        ),
    ];
    let rar_payload = [
        ("bonus/bonus.mkv", bytes(3, 90_000)),
        ("bonus/release.nfo", b"release info".to_vec()),
    ];
    let entries: Vec<(&str, &[u8])> = rar_payload
        .iter()
        .map(|(n, d)| (*n, d.as_slice()))
        .collect();
    for (i, volume) in archives::rar5(&entries, 3).into_iter().enumerate() {
        files.push((format!("Rich/bonus.part{}.rar", i + 1), volume));
    }
    for (rel, data) in &files {
        sandbox.write(rel, data)?;
    }
    Ok(files.into_iter().map(|(rel, _)| rel).collect())
}

fn rich_policy(sandbox: &Sandbox, mode: MoveMode) -> FsPolicy {
    let mut policy = sandbox.policy();
    policy.extract = true;
    policy.flatten = true;
    policy.move_mode = mode;
    policy.cleanup_drop = vec!["*.nfo".into(), "*.rar".into()];
    policy.chmod_file = Some("640".into());
    policy.chmod_dir = Some("750".into());
    policy
}

fn rich_input(sandbox: &Sandbox, files: &[String]) -> AnyResult<JobInput> {
    let refs: Vec<&str> = files.iter().map(String::as_str).collect();
    sandbox.input(&torrent(0xaa), "Rich", Some("movies"), &refs)
}

fn sha256_hex(path: &Path) -> AnyResult<String> {
    Ok(format!("{:x}", Sha256::digest(std::fs::read(path)?)))
}

/// The meta record agrees with the tree: every step done, every recorded
/// file present with its size and checksum unless cleanup removed it, and
/// no file is listed twice.
fn meta_is_consistent(dest: &Path) -> AnyResult<Meta> {
    let meta = MetaStore::read(dest)?.ok_or("no .revaer.meta")?;
    assert_eq!(meta.completed_steps, Step::ALL.to_vec());
    let mut seen = std::collections::BTreeSet::new();
    for record in &meta.files {
        assert!(
            seen.insert(record.path.clone()),
            "{} recorded twice",
            record.path
        );
        if meta.removed.contains(&record.path) {
            assert!(!dest.join(&record.path).exists());
            continue;
        }
        let path = dest.join(&record.path);
        assert_eq!(
            std::fs::metadata(&path)?.len(),
            record.size,
            "{}",
            record.path
        );
        assert_eq!(sha256_hex(&path)?, record.sha256, "{}", record.path);
    }
    assert!(!dest.join(STAGING_DIR).exists(), "staging area removed");
    Ok(meta)
}

#[actix_rt::test]
async fn runs_a_job_with_events_metrics_and_health() -> TestResult {
    let sandbox = Sandbox::new()?;
    let files = rich_download(&sandbox)?;
    let db = TestDatabase::migrated()?;
    let policy = rich_policy(&sandbox, MoveMode::Copy);
    let mut harness = Harness::start(&db, &policy, |_| {})?;
    let id = torrent(0xaa);
    harness
        .addr
        .send(EnqueueJob {
            input: rich_input(&sandbox, &files)?,
        })
        .await??;
    let row = wait_final(&db, &id).await?;
    assert_eq!(row.status, JobStatus::Done, "{:?}", row.last_error);
    assert_eq!(row.attempt, 1);
    assert_eq!(row.completed(), Step::ALL.map(|s| s.as_str().to_string()));
    harness.idle().await?;

    let dest = sandbox.library.join("movies/Rich");
    let names: Vec<String> = payload(&dest)?.into_keys().collect();
    assert_eq!(
        names,
        [
            "bonus.mkv",
            "de.srt",
            "en.srt",
            "readme.txt",
            "subs.zip",
            "video (1).mkv",
            "video.mkv"
        ]
    );
    // Collisions are numbered in source-path order: extras/ sorts first.
    assert_eq!(std::fs::read(dest.join("video.mkv"))?, bytes(2, 20_000));
    assert_eq!(
        std::fs::read(dest.join("video (1).mkv"))?,
        bytes(1, 150_000)
    );
    assert_eq!(std::fs::read(dest.join("bonus.mkv"))?, bytes(3, 90_000));
    for (rel, (kind, _, _, mode)) in tree(&dest)? {
        let want = if kind == 'd' { 0o750 } else { 0o640 };
        if rel != ".revaer.meta" {
            assert_eq!(mode, want, "{rel}");
        }
    }
    meta_is_consistent(&dest)?;
    assert!(
        sandbox.downloads.join("Rich/video.mkv").exists(),
        "copy keeps the download"
    );

    let events = harness.drain();
    let fsops: Vec<String> = events
        .iter()
        .filter_map(|e| match e {
            Event::FsopsStarted { .. } => Some("started".to_string()),
            Event::FsopsStep { step, status, .. } => Some(format!("{step}:{status}")),
            Event::FsopsCompleted { destination, .. } => {
                assert_eq!(Path::new(destination), dest);
                Some("completed".to_string())
            }
            Event::FsopsFailed { .. } => Some("failed".to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(
        fsops,
        [
            "started",
            "extract:done",
            "flatten:done",
            "transfer:done",
            "permissions:done",
            "cleanup:done",
            "completed"
        ]
    );
    let steps = &harness.metrics.steps;
    for step in Step::ALL {
        assert_eq!(steps.with_label_values(&[step.as_str(), "done"]).get(), 1);
    }
    assert_eq!(harness.metrics.duration.get_sample_count(), 1);
    assert_eq!(harness.metrics.jobs.with_label_values(&["done"]).get(), 1);
    let text = prometheus::TextEncoder::new().encode_to_string(&harness.registry.gather())?;
    assert!(
        text.contains("revaer_fsops_steps_total{status=\"done\",step=\"transfer\"} 1"),
        "{text}"
    );
    assert!(text.contains("revaer_fsops_jobs{status=\"done\"} 1"));
    assert_eq!(
        harness.health.snapshot().get(COMPONENT).map(|h| h.status),
        Some(HealthStatus::Ok)
    );
    Ok(())
}

/// Where a run is cut short before it is resumed by a fresh orchestrator.
#[derive(Debug, Clone, Copy)]
enum Cut {
    /// The job row was written, nothing ran (killed right after planning).
    Recorded,
    After(Step),
    InTransfer(usize),
}

async fn interrupted_then_resumed(
    mode: MoveMode,
    cut: Cut,
) -> AnyResult<BTreeMap<String, (char, u64, String, u32)>> {
    let sandbox = Sandbox::new()?;
    let files = rich_download(&sandbox)?;
    let db = TestDatabase::migrated()?;
    let policy = rich_policy(&sandbox, mode);
    let id = torrent(0xaa);
    let hooks = match cut {
        Cut::Recorded => TestHooks::default(),
        Cut::After(step) => TestHooks {
            stop_after: Some(step),
            ..TestHooks::default()
        },
        Cut::InTransfer(n) => TestHooks {
            interrupt_transfer_after: Some(n),
            ..TestHooks::default()
        },
    };
    let input = rich_input(&sandbox, &files)?;
    if let Cut::Recorded = cut {
        let plan = revaer_fsops::plan::make_plan(&input, &policy)?;
        fs_jobs::insert_if_absent(
            &mut db.connect()?,
            &fs_jobs::NewFsJob {
                torrent_id: id.to_string(),
                status: JobStatus::Pending,
                input: serde_json::to_value(&input)?,
                plan: Some(serde_json::to_value(&plan)?),
                source_path: input.save_path.clone(),
                destination: Some(plan.destination.clone()),
                request_id: None,
                last_error: None,
                finished_at: None,
            },
        )?;
    } else {
        let first = Harness::start(&db, &policy, |o| o.hooks = hooks)?;
        first.addr.send(EnqueueJob { input }).await??;
        first.idle().await?;
        let row = fs_jobs::find(&mut db.connect()?, id.as_str())?.ok_or("row")?;
        let expected_done = match cut {
            Cut::After(step) => Step::ALL
                .iter()
                .position(|s| *s == step)
                .map_or(0, |i| i + 1),
            // A crash inside transfer, after some files moved: extract and
            // flatten are recorded, transfer is not.
            Cut::InTransfer(_) | Cut::Recorded => 2,
        };
        assert_eq!(row.completed().len(), expected_done, "{cut:?}: {row:?}");
        assert_eq!(
            row.status,
            JobStatus::Running,
            "a killed run leaves the job running"
        );
    }

    // "Restart": a new orchestrator over the same store and folders.
    let second = Harness::start(&db, &policy, |_| {})?;
    let row = wait_final(&db, &id).await?;
    assert_eq!(row.status, JobStatus::Done, "{cut:?}: {:?}", row.last_error);
    second.idle().await?;
    let dest = sandbox.library.join("movies/Rich");
    meta_is_consistent(&dest)?;
    if mode == MoveMode::Move {
        assert!(!sandbox.downloads.join("Rich/video.mkv").exists());
    }
    let mut snapshot = tree(&dest)?;
    snapshot.remove(".revaer.meta");
    Ok(snapshot)
}

#[actix_rt::test]
async fn a_job_killed_between_any_two_steps_resumes_to_the_same_tree() -> TestResult {
    for mode in [MoveMode::Move, MoveMode::Copy] {
        let reference = interrupted_then_resumed(mode, Cut::After(Step::Cleanup)).await?;
        assert!(reference.contains_key("bonus.mkv") && !reference.contains_key("release.nfo"));
        for cut in [
            Cut::Recorded,
            Cut::After(Step::Extract),
            Cut::After(Step::Flatten),
            Cut::InTransfer(1),
            Cut::After(Step::Transfer),
            Cut::After(Step::Permissions),
        ] {
            let resumed = interrupted_then_resumed(mode, cut).await?;
            assert_eq!(resumed, reference, "{mode:?} {cut:?}: same final tree");
        }
    }
    Ok(())
}

#[actix_rt::test]
async fn rerunning_a_finished_job_changes_nothing() -> TestResult {
    let sandbox = Sandbox::new()?;
    let files = rich_download(&sandbox)?;
    let db = TestDatabase::migrated()?;
    let policy = rich_policy(&sandbox, MoveMode::Hardlink);
    let id = torrent(0xaa);
    let harness = Harness::start(&db, &policy, |_| {})?;
    let input = rich_input(&sandbox, &files)?;
    harness
        .addr
        .send(EnqueueJob {
            input: input.clone(),
        })
        .await??;
    assert_eq!(wait_final(&db, &id).await?.status, JobStatus::Done);
    harness.idle().await?;
    let dest = sandbox.library.join("movies/Rich");
    let stamp = |dest: &Path| -> AnyResult<Vec<(String, u64, i64, i64)>> {
        use std::os::unix::fs::MetadataExt;
        let mut out = Vec::new();
        for rel in tree(dest)?.keys() {
            let m = std::fs::symlink_metadata(dest.join(rel))?;
            out.push((rel.clone(), m.ino(), m.mtime(), m.mtime_nsec()));
        }
        Ok(out)
    };
    let before = stamp(&dest)?;
    let meta_before = std::fs::read(dest.join(".revaer.meta"))?;

    // The same completion again is ignored ...
    harness.addr.send(EnqueueJob { input }).await??;
    harness.idle().await?;
    // ... and a job run again from the store (its row reset behind the
    // meta record's back) finds every step done.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!(
            "UPDATE fs_jobs SET status = 'running', completed_steps = '[]' WHERE torrent_id = '{id}'"
        )),
        &mut db.connect()?,
    )?;
    let again = Harness::start(&db, &policy, |_| {})?;
    assert_eq!(wait_final(&db, &id).await?.status, JobStatus::Done);
    again.idle().await?;
    assert_eq!(stamp(&dest)?, before, "no file touched");
    assert_eq!(
        std::fs::read(dest.join(".revaer.meta"))?,
        meta_before,
        "record untouched"
    );
    Ok(())
}

#[actix_rt::test]
async fn transient_failures_retry_with_backoff_then_stay_failed_until_retried() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("Gone/present.txt", b"here")?;
    let db = TestDatabase::migrated()?;
    let policy = sandbox.policy();
    let id = torrent(0x21);
    let mut harness = Harness::start(&db, &policy, |_| {})?;
    let mut input = sandbox.input(&id, "Gone", None, &["Gone/present.txt"])?;
    input.files.push(revaer_fsops::plan::InputFile {
        path: "Gone/missing.txt".into(),
        size: 4,
    });
    harness.addr.send(EnqueueJob { input }).await??;
    let row = wait_final(&db, &id).await?;
    assert_eq!(row.status, JobStatus::Failed);
    assert_eq!(row.attempt, 3, "max_attempts runs");
    assert_eq!(row.current_step.as_deref(), Some("transfer"));
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|e| e.contains("missing.txt")),
        "{row:?}"
    );
    harness.idle().await?;
    let mut starts = 0;
    let failed = harness
        .wait_for(|e| match e {
            Event::FsopsStarted { .. } => {
                starts += 1;
                None
            }
            Event::FsopsFailed { step, error, .. } => Some((step.clone(), error.clone())),
            _ => None,
        })
        .await?;
    assert_eq!(failed.0, "transfer");
    assert_eq!(
        starts, 3,
        "one start per attempt, one failure event at the end"
    );
    assert!(
        !harness
            .drain()
            .iter()
            .any(|e| matches!(e, Event::FsopsFailed { .. })),
        "fsops_failed only once, when giving up"
    );
    assert_eq!(
        harness
            .metrics
            .steps
            .with_label_values(&["transfer", "failed"])
            .get(),
        3
    );
    let health = harness.health.snapshot();
    let fsops = health.get(COMPONENT).ok_or("no fsops health")?;
    assert_eq!(fsops.status, HealthStatus::Degraded);
    assert!(
        fsops
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("failing")),
        "{fsops:?}"
    );

    // Fix the cause, retry on demand: it resumes (extract and flatten were
    // done) and recovers, and health clears.
    sandbox.write("Gone/missing.txt", b"back")?;
    harness
        .addr
        .send(RetryFsops {
            torrent: id.clone(),
            request_id: Some("req-42".into()),
        })
        .await??;
    harness.idle().await?;
    let row = fs_jobs::find(&mut db.connect()?, id.as_str())?.ok_or("row")?;
    assert_eq!(row.status, JobStatus::Done, "{row:?}");
    assert_eq!(row.attempt, 1, "a retry on demand starts a fresh budget");
    assert_eq!(
        harness.health.snapshot().get(COMPONENT).map(|h| h.status),
        Some(HealthStatus::Ok)
    );
    let again = harness
        .addr
        .send(RetryFsops {
            torrent: id.clone(),
            request_id: None,
        })
        .await?;
    assert!(matches!(again, Err(FsopsCommandError::AlreadyDone(_))));
    let unknown = harness
        .addr
        .send(RetryFsops {
            torrent: torrent(0x99),
            request_id: None,
        })
        .await?;
    assert!(matches!(unknown, Err(FsopsCommandError::NotFound(_))));
    Ok(())
}

#[actix_rt::test]
async fn a_refusal_fails_at_once_and_a_retry_uses_the_new_policy() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("R/r.txt", b"r")?;
    let db = TestDatabase::migrated()?;
    let mut policy = sandbox.policy();
    policy.library_root = sandbox.outside.to_string_lossy().into_owned();
    let id = torrent(0x31);
    let mut harness = Harness::start(&db, &policy, |_| {})?;
    harness
        .addr
        .send(EnqueueJob {
            input: sandbox.input(&id, "R", None, &["R/r.txt"])?,
        })
        .await??;
    let row = wait_final(&db, &id).await?;
    assert_eq!(
        (row.status.as_str(), row.attempt),
        ("failed", 1),
        "no retry for a refusal"
    );
    let (step, error) = harness
        .wait_for(|e| match e {
            Event::FsopsFailed { step, error, .. } => Some((step.clone(), error.clone())),
            _ => None,
        })
        .await?;
    assert_eq!(step, "checks");
    assert!(error.contains("outside fs_policy.allow_paths"), "{error}");
    assert!(std::fs::read_dir(&sandbox.outside)?.next().is_none());

    // The operator fixes the policy; the retry plans again under it.
    let fixed = sandbox.policy();
    harness
        .addr
        .send(ConfigChanged {
            snapshot: Arc::new({
                let mut s = snapshot(&db, &fixed)?;
                s.revision += 1;
                s
            }),
        })
        .await?;
    harness
        .addr
        .send(RetryFsops {
            torrent: id.clone(),
            request_id: None,
        })
        .await??;
    harness.idle().await?;
    let row = fs_jobs::find(&mut db.connect()?, id.as_str())?.ok_or("row")?;
    assert_eq!(row.status, JobStatus::Done, "{row:?}");
    assert!(sandbox.library.join("R/r.txt").exists());
    Ok(())
}

#[actix_rt::test]
async fn missing_archive_support_degrades_health_specifically() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("Z/broken.7z", b"not really 7z")?;
    let db = TestDatabase::migrated()?;
    let mut policy = sandbox.policy();
    policy.extract = true;
    let id = torrent(0x41);
    let harness = Harness::start(&db, &policy, |_| {})?;
    harness
        .addr
        .send(EnqueueJob {
            input: sandbox.input(&id, "Z", None, &["Z/broken.7z"])?,
        })
        .await??;
    let row = wait_final(&db, &id).await?;
    assert_eq!((row.status.as_str(), row.attempt), ("failed", 1));
    assert!(
        row.last_error
            .as_deref()
            .is_some_and(|e| e.starts_with("unsupported archive")),
        "{row:?}"
    );
    harness.idle().await?;
    let health = harness.health.snapshot();
    let fsops = health.get(COMPONENT).ok_or("health")?;
    assert_eq!(fsops.status, HealthStatus::Degraded);
    assert!(
        fsops
            .detail
            .as_deref()
            .is_some_and(|d| d.contains("archive support missing")),
        "{fsops:?}"
    );
    Ok(())
}

#[actix_rt::test]
async fn completions_from_the_hub_become_jobs_under_the_policy_of_their_time() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("First/a.txt", b"a")?;
    sandbox.write("First/sub/b.txt", b"b")?;
    sandbox.write("Second/c.txt", b"c")?;
    sandbox.write("Second/sub/d.txt", b"d")?;
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    for (n, name) in [(1u8, "First"), (2, "Second")] {
        torrents::insert(
            &mut conn,
            &torrents::NewTorrent {
                id: torrent(n).to_string(),
                name: name.into(),
                source_kind: "magnet".into(),
                magnet_uri: Some(format!("magnet:?xt=urn:btih:{}", torrent(n))),
                torrent_file: None,
                save_path: sandbox.downloads.to_string_lossy().into_owned(),
                category: Some("misc".into()),
                tags: serde_json::json!([]),
                file_priorities: serde_json::json!([]),
                sequential: false,
                download_limit: 0,
                upload_limit: 0,
                paused: false,
                state: "seeding".into(),
                total_size: 2,
                content_layout: "original".into(),
                first_last_piece_prio: false,
                super_seeding: false,
            },
        )?;
    }
    let registry = prometheus::Registry::new();
    let hub = EventHub::new(HubConfig::default(), HubMetrics::register(&registry)?).start();
    let policy = sandbox.policy();
    let hub_for_options = hub.clone();
    let harness = Harness::start(&db, &policy, move |o| {
        o.hub = Some(hub_for_options.clone().recipient());
        o.events = Some(hub_for_options.recipient());
    })?;
    harness.idle().await?;
    // Publish only once the orchestrator's subscription is attached.
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while hub.send(HubStats).await?.subscribers == 0 {
        if tokio::time::Instant::now() > deadline {
            return Err("the orchestrator never subscribed to the hub".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let completed = |n: u8| {
        Publish::new(Event::Completed {
            torrent: torrent(n),
            save_path: sandbox.downloads.to_string_lossy().into_owned(),
        })
    };
    hub.send(completed(1)).await?;
    assert_eq!(wait_final(&db, &torrent(1)).await?.status, JobStatus::Done);

    // A new revision turns flattening on: only later jobs see it.
    let mut flat = policy.clone();
    flat.flatten = true;
    let mut snap = snapshot(&db, &flat)?;
    snap.revision += 1;
    harness
        .addr
        .send(ConfigChanged {
            snapshot: Arc::new(snap),
        })
        .await?;
    hub.send(completed(2)).await?;
    assert_eq!(wait_final(&db, &torrent(2)).await?.status, JobStatus::Done);
    // The first completion again changes nothing.
    hub.send(completed(1)).await?;
    harness.idle().await?;

    let first: Vec<String> = payload(&sandbox.library.join("misc/First"))?
        .into_keys()
        .collect();
    let second: Vec<String> = payload(&sandbox.library.join("misc/Second"))?
        .into_keys()
        .collect();
    assert_eq!(first, ["a.txt", "sub/b.txt"]);
    assert_eq!(second, ["c.txt", "d.txt"]);
    Ok(())
}

#[actix_rt::test]
async fn completions_recorded_without_a_job_are_post_processed_at_start() -> TestResult {
    // The catalogue says a torrent completed, but no job was ever created
    // (the process died between the two writes, or the hub's events were
    // missed): the orchestrator finds it when it starts.
    let sandbox = Sandbox::new()?;
    sandbox.write("Missed/a.txt", b"missed")?;
    sandbox.write("Unfinished/b.txt", b"partial")?;
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    let downloads = sandbox.downloads.to_string_lossy().into_owned();
    for (n, name, completed) in [(7u8, "Missed", "now()"), (8, "Unfinished", "NULL")] {
        diesel::sql_query(format!(
            "INSERT INTO torrents (id, name, source_kind, magnet_uri, save_path, state, completed_at) \
             VALUES ('{id}', '{name}', 'magnet', 'magnet:?xt=urn:btih:{id}', $1, 'seeding', {completed})",
            id = torrent(n),
        ))
        .bind::<diesel::sql_types::Text, _>(&downloads)
        .execute(&mut conn)?;
    }

    let harness = Harness::start(&db, &sandbox.policy(), |_| {})?;
    assert_eq!(wait_final(&db, &torrent(7)).await?.status, JobStatus::Done);
    harness.idle().await?;
    let landed: Vec<String> = payload(&sandbox.library.join("Missed"))?
        .into_keys()
        .collect();
    assert_eq!(landed, ["a.txt"]);
    assert!(
        fs_jobs::find(&mut conn, torrent(8).as_str())?.is_none(),
        "an unfinished torrent gets no job"
    );

    // A second start (the job exists now) creates nothing new.
    drop(harness);
    let again = Harness::start(&db, &sandbox.policy(), |_| {})?;
    again.idle().await?;
    assert_eq!(
        fs_jobs::count_by_status(&mut conn)?,
        [("done".to_string(), 1)]
    );
    Ok(())
}
