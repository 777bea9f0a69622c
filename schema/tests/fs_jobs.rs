//! The fs_jobs store: one job per torrent and its status transitions.

use revaer_domain::fsops::JobStatus;
use revaer_schema::models::fs_jobs::{self, NewFsJob};
use revaer_schema::testing::TestDatabase;
use serde_json::json;

fn job(id: &str) -> NewFsJob {
    NewFsJob {
        torrent_id: id.into(),
        status: JobStatus::Pending,
        input: json!({"name": "x"}),
        plan: Some(json!({"destination": "/lib/x"})),
        source_path: "/dl".into(),
        destination: Some("/lib/x".into()),
        request_id: Some("req-1".into()),
        last_error: None,
        finished_at: None,
    }
}

#[test]
fn one_job_per_torrent_and_its_transitions() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    let id = "ab".repeat(20);
    let (row, created) = fs_jobs::insert_if_absent(&mut conn, &job(&id))?;
    assert!(created);
    assert_eq!((row.status.as_str(), row.attempt), ("pending", 0));
    let (again, created) = fs_jobs::insert_if_absent(&mut conn, &job(&id))?;
    assert!(!created, "a second completion finds the job");
    assert_eq!(again.created_at, row.created_at);

    let running = fs_jobs::mark_running(&mut conn, &id, Some("extract"))?;
    assert_eq!((running.status.as_str(), running.attempt), ("running", 1));
    let first_start = running.started_at.ok_or("started_at")?;
    fs_jobs::record_step(&mut conn, &id, &["extract".into()], Some("flatten"))?;
    let at = chrono::Utc::now() + chrono::Duration::seconds(30);
    fs_jobs::mark_retrying(&mut conn, &id, Some("flatten"), "disk full", at)?;
    let retrying = fs_jobs::find(&mut conn, &id)?.ok_or("row")?;
    assert_eq!(retrying.status, JobStatus::Pending);
    assert_eq!(retrying.completed(), ["extract"]);
    assert!(retrying.next_attempt_at.is_some());
    let second = fs_jobs::mark_running(&mut conn, &id, Some("flatten"))?;
    assert_eq!(second.attempt, 2);
    assert_eq!(second.started_at, Some(first_start), "first start is kept");
    assert_eq!(second.next_attempt_at, None);

    fs_jobs::mark_failed(&mut conn, &id, Some("flatten"), "gave up")?;
    let failed = fs_jobs::find(&mut conn, &id)?.ok_or("row")?;
    assert_eq!(
        (failed.status.as_str(), failed.last_error.as_deref()),
        ("failed", Some("gave up"))
    );
    assert!(failed.finished_at.is_some());

    let reset = fs_jobs::reset_for_retry(&mut conn, &id, false)?.ok_or("row")?;
    assert_eq!((reset.status.as_str(), reset.attempt), ("pending", 0));
    assert!(reset.plan.is_some(), "plan kept when steps ran");
    let replanned = fs_jobs::reset_for_retry(&mut conn, &id, true)?.ok_or("row")?;
    assert!(
        replanned.plan.is_none(),
        "plan cleared for a fresh planning"
    );
    fs_jobs::set_plan(&mut conn, &id, &json!({"destination": "/lib/y"}), "/lib/y")?;

    let other = "cd".repeat(20);
    fs_jobs::insert_if_absent(&mut conn, &job(&other))?;
    fs_jobs::mark_done(&mut conn, &other)?;
    let unfinished: Vec<String> = fs_jobs::unfinished(&mut conn)?
        .into_iter()
        .map(|r| r.torrent_id)
        .collect();
    assert_eq!(unfinished, std::slice::from_ref(&id));
    let mut counts = fs_jobs::count_by_status(&mut conn)?;
    counts.sort();
    assert_eq!(
        counts,
        [("done".to_string(), 1), ("pending".to_string(), 1)]
    );
    assert!(fs_jobs::reset_for_retry(&mut conn, &"ef".repeat(20), false)?.is_none());
    Ok(())
}

#[test]
fn fs_jobs_rejects_bad_rows() -> Result<(), Box<dyn std::error::Error>> {
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    assert!(fs_jobs::insert_if_absent(&mut conn, &job("not-a-hash")).is_err());
    // A status outside the CHECK constraint cannot even be written through
    // the typed model; the constraint still guards raw writes.
    let raw = diesel::sql_query(format!(
        "INSERT INTO fs_jobs (torrent_id, status, input, source_path) VALUES ('{}', 'weird', '{{}}', '/dl')",
        "ab".repeat(20)
    ));
    assert!(diesel::RunQueryDsl::execute(raw, &mut conn).is_err());
    Ok(())
}
