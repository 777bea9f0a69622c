//! FsOps jobs: one row per torrent, the durable half of a post-processing
//! job (the other half is the `.revaer.meta` file in its destination).
//!
//! Rule: every status change goes through one function here, and each one
//! touches `updated_at`, so the row always says when it last moved.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use revaer_domain::fsops::JobStatus;
use serde_json::Value;

use crate::schema::fs_jobs;
use crate::DbError;

/// A job row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = fs_jobs)]
pub struct FsJobRow {
    /// Info hash of the torrent, 40 lowercase hex.
    pub torrent_id: String,
    /// Where the job stands.
    #[diesel(deserialize_as = String)]
    pub status: JobStatus,
    /// The step running, or the one that failed last.
    pub current_step: Option<String>,
    /// Steps finished so far, in order (JSON array of step names).
    pub completed_steps: Value,
    /// Runs started so far (reset by a retry on demand).
    pub attempt: i32,
    /// Why the last run failed.
    pub last_error: Option<String>,
    /// What the job was asked to do (JSON).
    pub input: Value,
    /// The plan (JSON), absent when planning failed.
    pub plan: Option<Value>,
    /// Where the payload was downloaded to.
    pub source_path: String,
    /// Where the payload goes, once planned.
    pub destination: Option<String>,
    /// Request that caused the job, when known.
    pub request_id: Option<String>,
    /// When a failed run will be retried.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// When the job was created.
    pub created_at: DateTime<Utc>,
    /// When its first run started.
    pub started_at: Option<DateTime<Utc>>,
    /// When it reached `done` or `failed`.
    pub finished_at: Option<DateTime<Utc>>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl FsJobRow {
    /// Completed step names (ignores non-string entries).
    pub fn completed(&self) -> Vec<String> {
        super::string_list(&self.completed_steps)
    }
}

/// A new job.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = fs_jobs)]
pub struct NewFsJob {
    /// Torrent id.
    pub torrent_id: String,
    /// Initial status (`pending`, or `failed` when planning failed).
    #[diesel(serialize_as = String)]
    pub status: JobStatus,
    /// Input (JSON object).
    pub input: Value,
    /// Plan (JSON object) if planning succeeded.
    pub plan: Option<Value>,
    /// Download location.
    pub source_path: String,
    /// Destination, if planned.
    pub destination: Option<String>,
    /// Causing request.
    pub request_id: Option<String>,
    /// Planning error, if any.
    pub last_error: Option<String>,
    /// Set when created already failed.
    pub finished_at: Option<DateTime<Utc>>,
}

/// Inserts a job unless one exists for the torrent; returns the row that is
/// in the table afterwards and whether it was created now.
pub fn insert_if_absent(
    conn: &mut PgConnection,
    job: &NewFsJob,
) -> Result<(FsJobRow, bool), DbError> {
    let inserted = diesel::insert_into(fs_jobs::table)
        .values(job.clone())
        .on_conflict_do_nothing()
        .returning(FsJobRow::as_returning())
        .get_result(conn)
        .optional()?;
    match inserted {
        Some(row) => Ok((row, true)),
        None => find(conn, &job.torrent_id)?
            .map(|row| (row, false))
            .ok_or_else(|| DbError::Corrupt(format!("fs job {} vanished", job.torrent_id))),
    }
}

/// One job.
pub fn find(conn: &mut PgConnection, torrent_id: &str) -> Result<Option<FsJobRow>, DbError> {
    Ok(fs_jobs::table
        .find(torrent_id)
        .select(FsJobRow::as_select())
        .first(conn)
        .optional()?)
}

/// Jobs that are not `done`, oldest first (resumed at start).
pub fn unfinished(conn: &mut PgConnection) -> Result<Vec<FsJobRow>, DbError> {
    Ok(fs_jobs::table
        .filter(fs_jobs::status.ne(JobStatus::Done.as_str()))
        .order((fs_jobs::created_at.asc(), fs_jobs::torrent_id.asc()))
        .select(FsJobRow::as_select())
        .load(conn)?)
}

/// Torrents the catalogue records as completed but that have no job, as
/// `(id, save_path)`, oldest completion first: completions the orchestrator
/// never turned into a job (a crash between the engine's write and the job's,
/// or events missed while it was detached from the hub).
pub fn completions_without_job(conn: &mut PgConnection) -> Result<Vec<(String, String)>, DbError> {
    use crate::schema::torrents;
    let has_job = fs_jobs::table.filter(fs_jobs::torrent_id.eq(torrents::id));
    Ok(torrents::table
        .filter(torrents::completed_at.is_not_null())
        .filter(diesel::dsl::not(diesel::dsl::exists(has_job)))
        .order((torrents::completed_at.asc(), torrents::id.asc()))
        .select((torrents::id, torrents::save_path))
        .load(conn)?)
}

/// Number of jobs per status (for the `fsops_jobs{status}` gauge).
pub fn count_by_status(conn: &mut PgConnection) -> Result<Vec<(String, i64)>, DbError> {
    Ok(fs_jobs::table
        .group_by(fs_jobs::status)
        .select((fs_jobs::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// A run starts: status `running`, one more attempt, the step it starts at.
pub fn mark_running(
    conn: &mut PgConnection,
    torrent_id: &str,
    step: Option<&str>,
) -> Result<FsJobRow, DbError> {
    Ok(diesel::update(fs_jobs::table.find(torrent_id))
        .set((
            fs_jobs::status.eq(JobStatus::Running.as_str()),
            fs_jobs::attempt.eq(fs_jobs::attempt + 1),
            fs_jobs::current_step.eq(step),
            fs_jobs::next_attempt_at.eq(None::<DateTime<Utc>>),
            fs_jobs::started_at.eq(diesel::dsl::sql::<
                diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
            >("COALESCE(started_at, now())")),
            fs_jobs::updated_at.eq(diesel::dsl::now),
        ))
        .returning(FsJobRow::as_returning())
        .get_result(conn)?)
}

/// A step finished: records the completed prefix and the next step.
pub fn record_step(
    conn: &mut PgConnection,
    torrent_id: &str,
    completed: &[String],
    next: Option<&str>,
) -> Result<(), DbError> {
    diesel::update(fs_jobs::table.find(torrent_id))
        .set((
            fs_jobs::completed_steps.eq(Value::from(completed.to_vec())),
            fs_jobs::current_step.eq(next),
            fs_jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the job of a removed torrent unless it is done (a finished
/// library copy, and its record, stay). Returns whether a row went.
pub fn delete_unfinished(conn: &mut PgConnection, torrent_id: &str) -> Result<bool, DbError> {
    let deleted = diesel::delete(
        fs_jobs::table
            .find(torrent_id)
            .filter(fs_jobs::status.ne(JobStatus::Done.as_str())),
    )
    .execute(conn)?;
    Ok(deleted > 0)
}

/// The job finished every step.
pub fn mark_done(conn: &mut PgConnection, torrent_id: &str) -> Result<(), DbError> {
    diesel::update(fs_jobs::table.find(torrent_id))
        .set((
            fs_jobs::status.eq(JobStatus::Done.as_str()),
            fs_jobs::current_step.eq(None::<String>),
            fs_jobs::last_error.eq(None::<String>),
            fs_jobs::next_attempt_at.eq(None::<DateTime<Utc>>),
            fs_jobs::finished_at.eq(diesel::dsl::now),
            fs_jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A run failed and will be retried at `next_attempt_at`.
pub fn mark_retrying(
    conn: &mut PgConnection,
    torrent_id: &str,
    step: Option<&str>,
    error: &str,
    next_attempt_at: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(fs_jobs::table.find(torrent_id))
        .set((
            fs_jobs::status.eq(JobStatus::Pending.as_str()),
            fs_jobs::current_step.eq(step),
            fs_jobs::last_error.eq(error),
            fs_jobs::next_attempt_at.eq(next_attempt_at),
            fs_jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A run failed for good (no retries left, or retrying cannot help).
pub fn mark_failed(
    conn: &mut PgConnection,
    torrent_id: &str,
    step: Option<&str>,
    error: &str,
) -> Result<(), DbError> {
    diesel::update(fs_jobs::table.find(torrent_id))
        .set((
            fs_jobs::status.eq(JobStatus::Failed.as_str()),
            fs_jobs::current_step.eq(step),
            fs_jobs::last_error.eq(error),
            fs_jobs::next_attempt_at.eq(None::<DateTime<Utc>>),
            fs_jobs::finished_at.eq(diesel::dsl::now),
            fs_jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Retry on demand: back to `pending` with a fresh attempt budget. With
/// `replan` the stored plan is cleared so the job is planned again, under
/// the policy in force, when it starts (only sensible while no step ran).
pub fn reset_for_retry(
    conn: &mut PgConnection,
    torrent_id: &str,
    replan: bool,
) -> Result<Option<FsJobRow>, DbError> {
    let target = fs_jobs::table.find(torrent_id);
    let common = (
        fs_jobs::status.eq(JobStatus::Pending.as_str()),
        fs_jobs::attempt.eq(0),
        fs_jobs::next_attempt_at.eq(None::<DateTime<Utc>>),
        fs_jobs::finished_at.eq(None::<DateTime<Utc>>),
        fs_jobs::updated_at.eq(diesel::dsl::now),
    );
    let row = if replan {
        diesel::update(target)
            .set((common, fs_jobs::plan.eq(None::<Value>)))
            .returning(FsJobRow::as_returning())
            .get_result(conn)
            .optional()?
    } else {
        diesel::update(target)
            .set(common)
            .returning(FsJobRow::as_returning())
            .get_result(conn)
            .optional()?
    };
    Ok(row)
}

/// Stores the plan of a job planned at start (after a retry with replan).
pub fn set_plan(
    conn: &mut PgConnection,
    torrent_id: &str,
    plan: &Value,
    destination: &str,
) -> Result<(), DbError> {
    diesel::update(fs_jobs::table.find(torrent_id))
        .set((
            fs_jobs::plan.eq(plan),
            fs_jobs::destination.eq(destination),
            fs_jobs::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}
