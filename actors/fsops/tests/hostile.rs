//! Hostile archives (security hardening, items 10 and 11): an archive bomb
//! stops at the job's extraction budget, extraction keeps a free-space
//! margin on the target filesystem, a deterministic archive error fails the
//! job at once instead of being retried, and a failed extraction leaves no
//! staging tree in the library.

mod support;

use revaer_fsops::plan::{make_plan, Step};
use revaer_fsops::{EnqueueJob, RealFs, StepError, TestHooks, Work, STAGING_DIR};
use revaer_messages::config::FsPolicy;
use revaer_schema::testing::TestDatabase;
use std::sync::Arc;
use support::archives;
use support::{torrent, wait_final, AnyResult, Harness, Sandbox, TestResult};

/// A zip of `size` zero bytes: a few KiB that expand `size` times over.
fn bomb(size: usize) -> AnyResult<Vec<u8>> {
    archives::zip(&[("zeros.bin", vec![0u8; size].as_slice())])
}

/// Runs only the extract step of a torrent made of the one archive `name`.
fn extract_only(
    sandbox: &Sandbox,
    name: &str,
    data: &[u8],
    policy: &FsPolicy,
) -> AnyResult<(Work, Result<(), StepError>)> {
    let rel = format!("B/{name}");
    sandbox.write(&rel, data)?;
    let input = sandbox.input(&torrent(0x10), "B", None, &[&rel])?;
    let plan = make_plan(&input, policy)?;
    let mut work = Work::prepare(&plan, Arc::new(RealFs), TestHooks::default())?;
    let result = work.execute(Step::Extract).map(|_| ());
    Ok((work, result))
}

fn extract_policy(sandbox: &Sandbox) -> FsPolicy {
    let mut policy = sandbox.policy();
    policy.extract = true;
    policy
}

#[test]
fn item10_an_archive_bomb_stops_at_the_extraction_budget() -> TestResult {
    let sandbox = Sandbox::new()?;
    let data = bomb(16 << 20)?;
    let (work, result) = extract_only(&sandbox, "bomb.zip", &data, &extract_policy(&sandbox))?;
    let err = result.err().ok_or("a 16 MiB bomb was extracted in full")?;
    assert!(err.is_permanent(), "{err}");
    assert!(err.to_string().contains("extract"), "{err}");
    assert!(
        !work.dest.join(STAGING_DIR).exists(),
        "the partial staging tree was left behind"
    );

    // With no ratio limit (and so no budget), it extracts.
    let sandbox = Sandbox::new()?;
    let mut policy = extract_policy(&sandbox);
    policy.extract_max_ratio = 0;
    let (work, result) = extract_only(&sandbox, "bomb.zip", &data, &policy)?;
    result?;
    let staged = work.dest.join(STAGING_DIR).join("extract/0/zeros.bin");
    assert_eq!(std::fs::metadata(staged)?.len(), 16 << 20);
    Ok(())
}

#[test]
fn item10_extraction_keeps_the_free_space_margin() -> TestResult {
    let sandbox = Sandbox::new()?;
    let mut policy = extract_policy(&sandbox);
    // More than any disk has: nothing may be extracted.
    policy.extract_min_free_bytes = 1 << 50;
    let data = archives::zip(&[("a.txt", b"small")])?;
    let (work, result) = extract_only(&sandbox, "a.zip", &data, &policy)?;
    let err = result
        .err()
        .ok_or("extracted below the free-space margin")?;
    assert!(err.is_permanent(), "{err}");
    assert!(err.to_string().contains("free"), "{err}");
    assert!(!work.dest.join(STAGING_DIR).exists());
    Ok(())
}

#[test]
fn item11_a_member_under_a_file_is_a_permanent_archive_error() -> TestResult {
    let sandbox = Sandbox::new()?;
    let data = archives::zip(&[("d", b"file"), ("d/x", b"under the file")])?;
    let (work, result) = extract_only(&sandbox, "clash.zip", &data, &extract_policy(&sandbox))?;
    let err = result.err().ok_or("d then d/x was extracted")?;
    assert!(err.is_permanent(), "{err}");
    assert!(!work.dest.join(STAGING_DIR).exists());
    Ok(())
}

#[actix_rt::test]
async fn item11_a_failed_extraction_fails_the_job_once_and_cleans_up() -> TestResult {
    for (n, (name, data)) in [
        (
            "clash.zip",
            archives::zip(&[("d", b"file".as_slice()), ("d/x", b"y")])?,
        ),
        ("bomb.zip", bomb(8 << 20)?),
    ]
    .into_iter()
    .enumerate()
    {
        let sandbox = Sandbox::new()?;
        let rel = format!("J/{name}");
        sandbox.write(&rel, &data)?;
        let db = TestDatabase::migrated()?;
        let id = torrent(0x50 + n as u8);
        let harness = Harness::start(&db, &extract_policy(&sandbox), |_| {})?;
        harness
            .addr
            .send(EnqueueJob {
                input: sandbox.input(&id, "J", None, &[&rel])?,
            })
            .await??;
        let row = wait_final(&db, &id).await?;
        assert_eq!(
            (
                row.status.as_str(),
                row.attempt,
                row.current_step.as_deref()
            ),
            ("failed", 1, Some("extract")),
            "{name}: failed at once, not retried: {row:?}"
        );
        let dest = sandbox.library.join("J");
        assert!(
            !dest.join(STAGING_DIR).exists(),
            "{name}: staging left in the library"
        );
    }
    Ok(())
}
