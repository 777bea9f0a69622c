//! `POST /v1/torrents/{id}/action`: pause, resume, force start, remove,
//! recheck, reannounce, sequential, first/last piece priority, super
//! seeding, and per-torrent limits.
//!
//! Rules:
//! - `action` is one of `pause`, `resume`, `force_start` (run regardless
//!   of the queue), `unforce_start` (back under the queue, running),
//!   `remove`, `remove_data`, `recheck`, `reannounce`, `sequential`,
//!   `first_last_piece_prio` (the first and last pieces of every wanted
//!   file first), `super_seeding` (BEP 16, while seeding); a pause clears
//!   force start; `sequential`, `first_last_piece_prio` and
//!   `super_seeding` need a boolean `value`, the others take none;
//! - `limits` (`download_bps`, `upload_bps`; 0 = unlimited) may come with
//!   any action or alone; a field left out keeps its current value. Limits
//!   are applied before the action;
//! - the body is validated as a whole first (`422` pointers `/action`,
//!   `/value`, `/limits/...`); success is `204`: the engine has taken the
//!   command, and its effect shows in the detail and the event stream.

use actix_web::{post, web, HttpResponse};
use revaer_messages::engine::{ControlTorrent, GetTorrent, RemoveTorrent, TorrentCommand};
use revaer_messages::torrent::{TorrentId, TorrentLimits};
use revaer_messages::InvalidParam;
use revaer_wire::ActionRequest;
use serde_json::Value;

use crate::engine;
use crate::error::{ApiError, Problem};
use crate::extract::ReqId;
use crate::routes::torrents_add::check_limits;
use crate::state::{ApiState, EngineHandles};

/// Names accepted in `action`.
const ACTIONS: &[&str] = &[
    "pause",
    "resume",
    "force_start",
    "unforce_start",
    "remove",
    "remove_data",
    "recheck",
    "reannounce",
    "sequential",
    "first_last_piece_prio",
    "super_seeding",
];

/// The actions that take a boolean `value`.
const WITH_VALUE: &[&str] = &["sequential", "first_last_piece_prio", "super_seeding"];

/// `value` as the boolean `action` needs, or an entry in `errors`.
fn flag(request: &ActionRequest, action: &str, errors: &mut Vec<InvalidParam>) -> Option<bool> {
    match request.value {
        Some(Value::Bool(on)) => Some(on),
        _ => {
            errors.push(InvalidParam::new(
                "/value",
                format!("{action} needs a boolean value"),
            ));
            None
        }
    }
}

/// What the request asks for, validated.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// A command on the torrent.
    Command(TorrentCommand),
    /// Remove it (with its data when `true`).
    Remove(bool),
}

/// What to do: new limits first, then the step.
pub type Plan = (Option<TorrentLimits>, Option<Step>);

/// Validates the request into its steps (limits first), or the `422`.
pub fn steps(request: &ActionRequest) -> Result<Plan, ApiError> {
    let mut errors = Vec::new();
    if let Some(limits) = &request.limits {
        check_limits(&mut errors, limits, "/limits");
    }
    let wants_value = request
        .action
        .as_deref()
        .is_some_and(|a| WITH_VALUE.contains(&a.trim()));
    let step = match request.action.as_deref().map(str::trim) {
        None if request.limits.is_none() => {
            errors.push(InvalidParam::new(
                "/action",
                format!(
                    "required unless limits are given; one of {}",
                    ACTIONS.join(", ")
                ),
            ));
            None
        }
        None => None,
        Some("pause") => Some(Step::Command(TorrentCommand::Pause)),
        Some("resume") => Some(Step::Command(TorrentCommand::Resume)),
        Some("force_start") => Some(Step::Command(TorrentCommand::ForceStart(true))),
        Some("unforce_start") => Some(Step::Command(TorrentCommand::ForceStart(false))),
        Some("recheck") => Some(Step::Command(TorrentCommand::Recheck)),
        Some("reannounce") => Some(Step::Command(TorrentCommand::Reannounce)),
        Some("remove") => Some(Step::Remove(false)),
        Some("remove_data") => Some(Step::Remove(true)),
        Some(name @ "sequential") => {
            flag(request, name, &mut errors).map(|on| Step::Command(TorrentCommand::Sequential(on)))
        }
        Some(name @ "first_last_piece_prio") => flag(request, name, &mut errors)
            .map(|on| Step::Command(TorrentCommand::FirstLastPiecePrio(on))),
        Some(name @ "super_seeding") => flag(request, name, &mut errors)
            .map(|on| Step::Command(TorrentCommand::SuperSeeding(on))),
        Some(other) => {
            errors.push(InvalidParam::new(
                "/action",
                format!(
                    "`{other}` is not an action; use one of {}",
                    ACTIONS.join(", ")
                ),
            ));
            None
        }
    };
    if request.value.is_some() && !wants_value {
        errors.push(InvalidParam::new(
            "/value",
            format!("only {} take a value", WITH_VALUE.join(" and ")),
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok((request.limits, step))
}

/// New limits with absent fields taken from the current ones.
async fn merged_limits(
    handles: &EngineHandles,
    id: &TorrentId,
    wanted: TorrentLimits,
) -> Result<TorrentLimits, ApiError> {
    if wanted.download_bps.is_some() && wanted.upload_bps.is_some() {
        return Ok(wanted);
    }
    let current = engine::call(&handles.get, GetTorrent { id: id.clone() })
        .await?
        .summary
        .limits;
    Ok(TorrentLimits {
        download_bps: wanted.download_bps.or(current.download_bps),
        upload_bps: wanted.upload_bps.or(current.upload_bps),
    })
}

/// Applies an action and/or limits to a torrent.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/{id}/action",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Info hash (40 hex characters)")),
    request_body = ActionRequest,
    responses(
        (status = 204, description = "Taken by the engine"),
        (status = 404, description = "No such torrent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown action, missing value or bad limits", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/torrents/{id}/action")]
pub async fn torrent_action(
    state: web::Data<ApiState>,
    path: web::Path<String>,
    body: crate::extract::Json<ActionRequest>,
    request_id: ReqId,
) -> Result<HttpResponse, ApiError> {
    let id = engine::parse_id(&path)?;
    let (limits, step) = steps(&body)?;
    let handles = state.engine()?;
    let control = |command| ControlTorrent {
        id: id.clone(),
        command,
        request_id: request_id.0.clone(),
    };
    if let Some(limits) = limits {
        let limits = merged_limits(handles, &id, limits).await?;
        engine::call(&handles.control, control(TorrentCommand::Limits(limits))).await?;
    }
    match step {
        Some(Step::Command(command)) => engine::call(&handles.control, control(command)).await?,
        Some(Step::Remove(delete_data)) => {
            let remove = RemoveTorrent {
                id: id.clone(),
                delete_data,
                request_id: request_id.0.clone(),
            };
            engine::call(&handles.remove, remove).await?
        }
        None => {}
    }
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<Result<Plan, ApiError>, serde_json::Error> {
        Ok(steps(&serde_json::from_value(body)?))
    }

    fn pointers(result: Result<Plan, ApiError>) -> Vec<String> {
        result.err().map(|e| e.pointers()).unwrap_or_default()
    }

    #[test]
    fn actions_values_and_limits() -> Result<(), Box<dyn std::error::Error>> {
        let (_, step) =
            parse(json!({"action": "sequential", "value": true}))?.map_err(|e| e.detail)?;
        assert_eq!(step, Some(Step::Command(TorrentCommand::Sequential(true))));
        let (limits, step) =
            parse(json!({"limits": {"download_bps": 5}}))?.map_err(|e| e.detail)?;
        assert_eq!((limits.and_then(|l| l.download_bps), step), (Some(5), None));
        assert_eq!(
            parse(json!({"action": "remove_data"}))?
                .ok()
                .and_then(|s| s.1),
            Some(Step::Remove(true))
        );
        assert_eq!(
            pointers(parse(json!({"action": "explode"}))?),
            vec!["/action"]
        );
        assert_eq!(pointers(parse(json!({}))?), vec!["/action"]);
        for (name, on) in [("force_start", true), ("unforce_start", false)] {
            let (_, step) = parse(json!({"action": name}))?.map_err(|e| e.detail)?;
            assert_eq!(step, Some(Step::Command(TorrentCommand::ForceStart(on))));
        }
        assert_eq!(
            pointers(parse(json!({"action": "force_start", "value": true}))?),
            vec!["/value"]
        );
        assert_eq!(
            pointers(parse(json!({"action": "sequential", "value": "yes"}))?),
            vec!["/value"]
        );
        for on in [true, false] {
            let body = json!({"action": "first_last_piece_prio", "value": on});
            let (_, step) = parse(body)?.map_err(|e| e.detail)?;
            let wanted = TorrentCommand::FirstLastPiecePrio(on);
            assert_eq!(step, Some(Step::Command(wanted)));
        }
        assert_eq!(
            pointers(parse(json!({"action": "first_last_piece_prio"}))?),
            vec!["/value"]
        );
        assert_eq!(
            pointers(parse(json!({"action": "pause", "value": true}))?),
            vec!["/value"]
        );
        assert_eq!(
            pointers(parse(
                json!({"action": "pause", "limits": {"upload_bps": -1}})
            )?),
            vec!["/limits/upload_bps"]
        );
        Ok(())
    }
}
