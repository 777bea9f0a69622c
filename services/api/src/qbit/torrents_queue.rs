//! Queue order: `topPrio`, `bottomPrio`, `increasePrio`, `decreasePrio`
//! over the torrents `hashes` names (`|`-separated or `all`).
//!
//! Rules, as qBittorrent's WebUI: `hashes` is required (`400`); with
//! queueing off (`max_active` -1, qBittorrent's `queueing_enabled` false)
//! the answer is `409 Torrent queueing must be enabled`; otherwise the
//! torrents move as one selection through `/v1`'s engine message (they keep
//! their own order; seeding torrents stay), unknown hashes are skipped and
//! the answer is `200` with an empty body. `priority` in `torrents/info`
//! and `sync/maindata` shows the new order.

use actix_web::{web, HttpResponse};
use revaer_messages::engine::{MoveInQueue, QueueMove};

use crate::engine;
use crate::extract::ReqId;
use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_actions::named;
use crate::qbit::torrents_read::handles;
use crate::state::ApiState;

/// qBittorrent's answer when queueing is off.
pub const QUEUEING_OFF: &str = "Torrent queueing must be enabled";

/// Moves the named torrents; a torrent removed between the lookup and the
/// move makes the engine refuse the whole selection, so it is looked up
/// once more.
async fn move_named(
    state: &ApiState,
    params: &Params,
    request_id: &ReqId,
    movement: QueueMove,
) -> Result<HttpResponse, QbitError> {
    params.hashes()?;
    if state.snapshot().engine_profile.max_active == -1 {
        return Err(QbitError::conflict(QUEUEING_OFF));
    }
    let handles = handles(state)?;
    for attempt in 0..2 {
        let ids: Vec<_> = named(state, params)
            .await?
            .into_iter()
            .map(|t| t.id)
            .collect();
        if ids.is_empty() {
            break;
        }
        let msg = MoveInQueue {
            ids,
            movement,
            request_id: request_id.0.clone(),
        };
        match engine::call(&handles.queue, msg).await {
            Ok(()) => break,
            Err(err) if err.status.as_u16() == 404 && attempt == 0 => {}
            Err(err) if err.status.as_u16() == 404 => break,
            Err(err) if err.code == "queueing_disabled" => {
                return Err(QbitError::conflict(QUEUEING_OFF))
            }
            Err(err) => return Err(err.into()),
        }
    }
    Ok(response::done())
}

macro_rules! queue_route {
    ($name:ident, $path:literal, $doc:literal, $movement:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, tag = "qbittorrent", path = $path,
            request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`"),
            responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain"),
                (status = 400, description = "`hashes` missing", body = String, content_type = "text/plain"),
                (status = 409, description = "Queueing is off: `Torrent queueing must be enabled`", body = String, content_type = "text/plain")))]
        pub async fn $name(
            state: web::Data<ApiState>,
            params: Params,
            request_id: ReqId,
        ) -> Result<HttpResponse, QbitError> {
            move_named(&state, &params, &request_id, $movement).await
        }
    };
}

queue_route!(
    top_prio,
    "/api/v2/torrents/topPrio",
    "Moves torrents to the head of the queue, keeping their order.",
    QueueMove::Top
);
queue_route!(
    bottom_prio,
    "/api/v2/torrents/bottomPrio",
    "Moves torrents to the end of the queue, keeping their order.",
    QueueMove::Bottom
);
queue_route!(
    increase_prio,
    "/api/v2/torrents/increasePrio",
    "Moves torrents one place towards the head of the queue.",
    QueueMove::Up
);
queue_route!(
    decrease_prio,
    "/api/v2/torrents/decreasePrio",
    "Moves torrents one place towards the end of the queue.",
    QueueMove::Down
);
