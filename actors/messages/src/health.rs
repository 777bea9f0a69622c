//! Component health as reported by `/health/full`.
//!
//! Each long-lived component owns one entry on a shared board and updates it
//! when its condition changes; the HTTP layer only reads it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
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

/// The shared board of component health, cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct HealthBoard {
    inner: Arc<RwLock<BTreeMap<String, ComponentHealth>>>,
}

impl HealthBoard {
    /// Records a component's health; returns true when its status changed.
    pub fn set(&self, component: &str, health: ComponentHealth) -> bool {
        let mut map = match self.inner.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let changed = map.get(component).map(|old| old.status) != Some(health.status);
        map.insert(component.to_string(), health);
        changed
    }

    /// A copy of every component's health.
    pub fn snapshot(&self) -> BTreeMap<String, ComponentHealth> {
        match self.inner.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}
