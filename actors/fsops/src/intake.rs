//! Turning a finished torrent into a job row.
//!
//! Rules: the torrent's files come from the engine (`GetTorrent`: names,
//! category, wanted files as libtorrent stores them); when the engine cannot
//! answer, from the catalogue row and a walk of the download. The plan is
//! made right away under the policy in force, so later policy changes only
//! affect later jobs. One job per torrent: a second completion of the same
//! torrent finds the existing row and changes nothing.

use actix::Recipient;
use chrono::Utc;
use revaer_messages::config::FsPolicy;
use revaer_messages::engine::GetTorrent;
use revaer_messages::fsops::JobStatus;
use revaer_messages::torrent::TorrentId;
use revaer_schema::models::{fs_jobs, torrents};
use revaer_schema::{DbError, PgPool};
use std::path::Path;

use crate::plan::{make_plan, InputFile, JobInput, PlanError};
use crate::store::db;
use crate::walk::{walk, Kind};

/// Why a completion could not become a job.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// Neither the engine nor the catalogue knows the torrent.
    #[error("torrent {0} is unknown to the engine and the catalogue")]
    Unknown(TorrentId),
    /// The download cannot be listed.
    #[error("cannot list the download of {torrent}: {detail}")]
    Unreadable {
        /// The torrent.
        torrent: TorrentId,
        /// What the engine or the store said.
        detail: String,
    },
    /// The store failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Builds the job input for a completed torrent.
pub async fn resolve(
    engine: Option<&Recipient<GetTorrent>>,
    pool: &PgPool,
    torrent: TorrentId,
    save_path: String,
    request_id: Option<String>,
) -> Result<JobInput, IntakeError> {
    if let Some(engine) = engine {
        if let Ok(Ok(detail)) = engine
            .send(GetTorrent {
                id: torrent.clone(),
            })
            .await
        {
            let files: Vec<InputFile> = detail
                .files
                .iter()
                .filter(|f| f.selected)
                .map(|f| InputFile {
                    path: f.path.clone(),
                    size: f.size,
                })
                .collect();
            if !files.is_empty() {
                return Ok(JobInput {
                    torrent,
                    name: detail.summary.name,
                    category: detail.summary.category,
                    save_path,
                    files,
                    request_id,
                });
            }
        }
    }
    let id = torrent.to_string();
    let row = db(pool, move |c| torrents::find(c, &id))
        .await?
        .ok_or_else(|| IntakeError::Unknown(torrent.clone()))?
        .entry;
    let name = row.name.clone();
    let root = save_path.clone();
    let listed = tokio::task::spawn_blocking(move || scan(Path::new(&root), &name))
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r);
    let files = listed.map_err(|detail| IntakeError::Unreadable {
        torrent: torrent.clone(),
        detail,
    })?;
    Ok(JobInput {
        torrent,
        name: row.name,
        category: row.category,
        save_path,
        files,
        request_id,
    })
}

/// Lists `root/name` as the engine would: one file, or every file below the
/// folder with the folder's name as first segment.
fn scan(root: &Path, name: &str) -> Result<Vec<InputFile>, String> {
    let top = root.join(name);
    let meta = std::fs::symlink_metadata(&top).map_err(|e| format!("{}: {e}", top.display()))?;
    if meta.is_file() {
        return Ok(vec![InputFile {
            path: name.to_string(),
            size: i64::try_from(meta.len()).unwrap_or(i64::MAX),
        }]);
    }
    let entries = walk(&top, &[]).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    for entry in entries.into_iter().filter(|e| e.kind == Kind::File) {
        let size = std::fs::metadata(&entry.path).map(|m| m.len()).unwrap_or(0);
        files.push(InputFile {
            path: format!("{name}/{}", entry.rel),
            size: i64::try_from(size).unwrap_or(i64::MAX),
        });
    }
    Ok(files)
}

/// The result of recording a job.
#[derive(Debug)]
pub enum Created {
    /// A new job, ready to run.
    Pending,
    /// A new job whose planning failed; it is stored as failed.
    PlanFailed(PlanError),
    /// The torrent already has a job (in this status).
    Exists(JobStatus),
}

/// Plans and stores the job of `input`.
pub async fn create(pool: &PgPool, input: JobInput, policy: &FsPolicy) -> Result<Created, DbError> {
    let planned = make_plan(&input, policy);
    let input_json = serde_json::to_value(&input)
        .map_err(|e| DbError::Corrupt(format!("cannot encode job input: {e}")))?;
    let (plan, destination, error) = match &planned {
        Ok(plan) => (
            Some(
                serde_json::to_value(plan)
                    .map_err(|e| DbError::Corrupt(format!("cannot encode plan: {e}")))?,
            ),
            Some(plan.destination.clone()),
            None,
        ),
        Err(err) => (None, None, Some(format!("planning failed: {err}"))),
    };
    let job = fs_jobs::NewFsJob {
        torrent_id: input.torrent.to_string(),
        status: if error.is_some() {
            JobStatus::Failed
        } else {
            JobStatus::Pending
        },
        input: input_json,
        plan,
        source_path: input.save_path.clone(),
        destination,
        request_id: input.request_id.clone(),
        finished_at: error.as_ref().map(|_| Utc::now()),
        last_error: error,
    };
    let (row, created) = db(pool, move |c| fs_jobs::insert_if_absent(c, &job)).await?;
    Ok(match (created, planned) {
        (false, _) => Created::Exists(row.status),
        (true, Ok(_)) => Created::Pending,
        (true, Err(err)) => Created::PlanFailed(err),
    })
}
