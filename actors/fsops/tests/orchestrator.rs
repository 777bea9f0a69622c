//! The orchestrator and job actors over a real database: the whole
//! pipeline, events and metrics, crash and resume between every pair of
//! steps, idempotent re-runs (failures and retries: `retries.rs`;
//! completions becoming jobs: `completions.rs`).

mod support;

use revaer_fsops::plan::{JobInput, Step};
use revaer_fsops::{EnqueueJob, Meta, MetaStore, TestHooks, COMPONENT, STAGING_DIR};
use revaer_messages::config::{FsPolicy, MoveMode};
use revaer_messages::events::Event;
use revaer_messages::fsops::JobStatus;
use revaer_messages::health::HealthStatus;
use revaer_schema::models::fs_jobs;
use revaer_schema::testing::TestDatabase;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;
use support::archives;
use support::{bytes, payload, torrent, tree, wait_final, AnyResult, Harness, Sandbox, TestResult};

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
