//! Component health as reported by `/health/full` and `health_changed` events.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Condition of one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// Working as intended.
    Ok,
    /// Working partially or recovering.
    Degraded,
}

/// What a component reports about itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComponentHealth {
    /// Ok or degraded.
    pub status: HealthStatus,
    /// Why it is degraded, or a short status line.
    pub detail: Option<String>,
    /// Component-specific facts (listening port, torrent count, ...).
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub facts: serde_json::Map<String, serde_json::Value>,
}

impl ComponentHealth {
    /// A healthy component without details.
    pub fn ok() -> Self {
        Self {
            status: HealthStatus::Ok,
            detail: None,
            facts: serde_json::Map::new(),
        }
    }

    /// A degraded component with a reason.
    pub fn degraded(detail: impl Into<String>) -> Self {
        Self {
            status: HealthStatus::Degraded,
            detail: Some(detail.into()),
            facts: serde_json::Map::new(),
        }
    }
}
