//! Body of `POST /v1/torrents/queue`: a manual move through the download
//! queue for a selection of torrents.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Moves torrents through the download queue. The selection keeps its own
/// order (the torrents move in the order of their current positions);
/// torrents that are not queued (seeding) stay where they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QueueRequest {
    /// Info hashes (40 hex characters) of the torrents to move; at least one.
    pub ids: Vec<String>,
    /// `top`, `bottom`, `up` (one place towards the head) or `down`.
    #[serde(rename = "move")]
    #[schema(pattern = "^(top|bottom|up|down)$")]
    pub movement: String,
}
