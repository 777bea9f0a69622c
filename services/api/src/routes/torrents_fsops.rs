//! `POST /v1/torrents/{id}/fsops/retry`: run a torrent's post-processing
//! job again now.
//!
//! Rules: a job that failed (or is waiting to retry after an error) starts
//! again with a fresh attempt budget; one that never got past planning is
//! planned again under the current `fs_policy`, one that completed steps
//! resumes its stored plan. A job that is running is left alone (`202`
//! either way: the job's progress shows in the detail and the event stream).
//! No job is `404 fsops_job_not_found`; a finished job is
//! `409 fsops_already_done`.

use actix_web::{post, web, HttpResponse};
use revaer_messages::fsops::{FsopsCommandError, RetryFsops};

use crate::engine;
use crate::error::{ApiError, Problem};
use crate::extract::ReqId;
use crate::state::ApiState;

/// Maps an orchestrator refusal to a problem.
pub fn problem(err: FsopsCommandError) -> ApiError {
    match err {
        FsopsCommandError::NotFound(id) => ApiError::not_found(
            "fsops_job_not_found",
            format!("torrent {id} has no post-processing job (it has not completed yet, or was removed)"),
        )
        .with_torrent(id.as_str()),
        FsopsCommandError::AlreadyDone(id) => ApiError::conflict(
            "fsops_already_done",
            format!("the post-processing job of torrent {id} is already done"),
        )
        .with_torrent(id.as_str()),
        FsopsCommandError::Unavailable(reason) => {
            tracing::warn!(reason = %reason, "post-processing unavailable");
            ApiError::unavailable("post-processing is unavailable; retry shortly")
        }
    }
}

/// Retries a torrent's post-processing (FsOps) job now.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/{id}/fsops/retry",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Info hash (40 hex characters)")),
    responses(
        (status = 202, description = "The job is queued again (or already running)"),
        (status = 404, description = "No such torrent or no post-processing job", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is already done", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Post-processing unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/torrents/{id}/fsops/retry")]
pub async fn retry_fsops(
    state: web::Data<ApiState>,
    path: web::Path<String>,
    request_id: ReqId,
) -> Result<HttpResponse, ApiError> {
    let id = engine::parse_id(&path)?;
    let fsops = state
        .fsops
        .as_ref()
        .ok_or_else(|| ApiError::unavailable("post-processing is not running"))?;
    fsops
        .retry
        .send(RetryFsops {
            torrent: id,
            request_id: request_id.0,
        })
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "fsops orchestrator did not answer");
            ApiError::unavailable("post-processing is unavailable; retry shortly")
        })?
        .map_err(problem)?;
    Ok(HttpResponse::Accepted().finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use revaer_messages::TorrentId;

    #[test]
    fn refusals_map_to_statuses() -> Result<(), Box<dyn std::error::Error>> {
        let id = TorrentId::parse(&"b".repeat(40))?;
        let status = |err| problem(err).to_problem("/x", None).status;
        assert_eq!(status(FsopsCommandError::NotFound(id.clone())), 404);
        assert_eq!(status(FsopsCommandError::AlreadyDone(id)), 409);
        assert_eq!(status(FsopsCommandError::Unavailable("db".into())), 503);
        Ok(())
    }
}
