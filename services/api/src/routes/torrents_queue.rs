//! `POST /v1/torrents/queue`: manual order of the download queue.
//!
//! Rules:
//! - `ids` names at least one torrent (40-character hex info hashes;
//!   `422` pointer `/ids` or `/ids/{i}`), `move` is `top`, `bottom`, `up`
//!   or `down` (`422` pointer `/move`); all problems come back together;
//! - the selection moves as one, keeping its own order (the torrents move
//!   in the order of their current positions, as qBittorrent); torrents
//!   that are not queued (seeding) stay where they are;
//! - an id the engine does not know is `404` and nothing moves; with
//!   queueing off (`engine_profile.max_active` -1) it is `409
//!   queueing_disabled`; success is `204`, and the new positions show in
//!   the summaries' `queue_position` at once.

use actix_web::{post, web, HttpResponse};
use revaer_messages::engine::{MoveInQueue, QueueMove};
use revaer_messages::{InvalidParam, TorrentId};
use revaer_wire::QueueRequest;

use crate::engine;
use crate::error::{ApiError, Problem};
use crate::extract::ReqId;
use crate::state::ApiState;

/// The torrents and the movement, or the `422`.
pub fn plan(request: &QueueRequest) -> Result<(Vec<TorrentId>, QueueMove), ApiError> {
    let mut errors = Vec::new();
    if request.ids.is_empty() {
        errors.push(InvalidParam::new("/ids", "name at least one torrent"));
    }
    let mut ids = Vec::with_capacity(request.ids.len());
    for (index, raw) in request.ids.iter().enumerate() {
        match TorrentId::parse(raw) {
            Ok(id) => ids.push(id),
            Err(_) => errors.push(InvalidParam::new(
                format!("/ids/{index}"),
                "not an info hash (40 hex characters)",
            )),
        }
    }
    let movement = QueueMove::parse(request.movement.trim());
    if movement.is_none() {
        let names: Vec<&str> = QueueMove::ALL.iter().map(|m| m.as_str()).collect();
        errors.push(InvalidParam::new(
            "/move",
            format!("one of {}", names.join(", ")),
        ));
    }
    match movement {
        Some(movement) if errors.is_empty() => Ok((ids, movement)),
        _ => Err(ApiError::validation(errors)),
    }
}

/// Moves torrents through the download queue.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/queue",
    security(("api_key" = [])),
    request_body = QueueRequest,
    responses(
        (status = 204, description = "Moved; `queue_position` in the summaries shows the new order"),
        (status = 404, description = "An id names no torrent (nothing moved)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Queueing is off (`engine_profile.max_active` is -1)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids, a malformed id or an unknown movement", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/torrents/queue")]
pub async fn move_in_queue(
    state: web::Data<ApiState>,
    body: crate::extract::Json<QueueRequest>,
    request_id: ReqId,
) -> Result<HttpResponse, ApiError> {
    let (ids, movement) = plan(&body)?;
    let handles = state.engine()?;
    let msg = MoveInQueue {
        ids,
        movement,
        request_id: request_id.0.clone(),
    };
    engine::call(&handles.queue, msg).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pointers(ids: &[&str], movement: &str) -> Vec<String> {
        let request = QueueRequest {
            ids: ids.iter().map(|s| s.to_string()).collect(),
            movement: movement.into(),
        };
        plan(&request)
            .err()
            .map(|e| e.pointers())
            .unwrap_or_default()
    }

    #[test]
    fn ids_and_the_movement_are_checked_together() -> Result<(), Box<dyn std::error::Error>> {
        let hash = "A".repeat(40);
        let request = QueueRequest {
            ids: vec![hash.clone()],
            movement: "down".into(),
        };
        let (ids, movement) = plan(&request).map_err(|e| e.detail)?;
        assert_eq!(
            (ids[0].as_str(), movement),
            (hash.to_lowercase().as_str(), QueueMove::Down)
        );
        assert!(pointers(&[&hash], "top").is_empty());
        assert_eq!(pointers(&[], "top"), ["/ids"]);
        assert_eq!(pointers(&[&hash, "xyz"], "sideways"), ["/ids/1", "/move"]);
        assert_eq!(pointers(&[&hash], "Top"), ["/move"]);
        Ok(())
    }
}
