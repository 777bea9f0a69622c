//! FsOps job failures over a real database: transient failures retry with
//! backoff and then stay failed until retried on demand, a policy refusal
//! fails at once (a retry uses the policy of its time), and missing archive
//! support degrades health specifically.

mod support;

use revaer_fsops::{EnqueueJob, COMPONENT};
use revaer_messages::events::Event;
use revaer_messages::fsops::JobStatus;
use revaer_messages::fsops::{FsopsCommandError, RetryFsops};
use revaer_messages::health::HealthStatus;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::models::fs_jobs;
use revaer_schema::testing::TestDatabase;
use std::sync::Arc;
use support::{snapshot, torrent, wait_final, Harness, Sandbox, TestResult};

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
