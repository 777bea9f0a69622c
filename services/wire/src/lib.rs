//! Request and response bodies of the HTTP API, shared with the `revaer` CLI
//! so that both sides always agree on the wire format.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

use revaer_domain::config::Mode;
use revaer_domain::health::ComponentHealth;

mod add;
mod problem;
mod queue;
mod torrents;

pub use add::{AddTorrentRequest, ADD_FIELDS, MAGNET_DESCRIPTION};
pub use problem::{Problem, PROBLEM_JSON};
pub use queue::QueueRequest;
pub use torrents::{
    ActionRequest, DeleteParams, EventsQuery, FileSelection, GlobRule, ListParams, SelectRequest,
    TorrentList,
};

/// Reply of `POST /v1/setup/start`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SetupStartResponse {
    /// The one-time setup token. Shown only here; only its hash is stored.
    pub token: String,
    /// When the token stops being valid.
    pub expires_at: DateTime<Utc>,
}

/// Body of `POST /v1/setup/complete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupCompleteRequest {
    /// The token from `POST /v1/setup/start`.
    pub token: String,
    /// Display name of the instance.
    pub instance_name: String,
    /// Absolute path where downloads are stored.
    pub download_root: String,
    /// Absolute path of the media library.
    pub library_root: String,
    /// Absolute path for fast-resume files.
    pub resume_dir: String,
    /// Label of the first API key.
    pub api_key_label: String,
}

/// Reply of `POST /v1/setup/complete`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SetupCompleteResponse {
    /// The first API key as `KEY_ID:SECRET`. Shown only here.
    pub api_key: String,
    /// The key's public id.
    pub key_id: String,
    /// Settings revision after setup.
    pub revision: i64,
}

/// Token-bucket rate limit of an API key: up to `burst` requests, refilled
/// evenly over `per_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Bucket size (1 to 1,000,000).
    #[schema(minimum = 1, maximum = 1_000_000)]
    pub burst: i32,
    /// Seconds to refill the whole bucket (1 to 86,400).
    #[schema(minimum = 1, maximum = 86_400)]
    pub per_seconds: i32,
}

/// Body of `POST /v1/keys`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateKeyRequest {
    /// Human label (1 to 128 printable characters).
    #[schema(min_length = 1, max_length = 128)]
    pub label: String,
    /// Rate limit; defaults to 1200 requests per 60 s.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

/// Body of `PATCH /v1/keys/{key_id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateKeyRequest {
    /// New label (1 to 128 printable characters).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 128)]
    pub label: Option<String>,
    /// Enable or disable the key.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New rate limit.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
}

/// An API key as listed (never with its secret).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApiKeyInfo {
    /// Public id.
    pub key_id: String,
    /// Human label.
    pub label: String,
    /// Whether the key is accepted.
    pub enabled: bool,
    /// Its rate limit.
    pub rate_limit: RateLimit,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last authenticated use.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// Reply of `POST /v1/keys`: the key plus its secret, shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CreatedKey {
    /// The key.
    #[serde(flatten)]
    pub key: ApiKeyInfo,
    /// `KEY_ID:SECRET`, to send in `x-api-key`. Shown only here.
    pub api_key: String,
}

/// Reply of `PATCH /v1/config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ConfigPatchResponse {
    /// Settings revision in force after the patch.
    pub revision: i64,
    /// Sections the patch changed (empty when it changed nothing).
    pub changed: Vec<String>,
}

/// Reply of `GET /health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthResponse {
    /// `ok` or `unavailable`.
    pub status: String,
    /// `setup` or `active`.
    pub mode: Mode,
}

/// Reply of `GET /health/full`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FullHealthResponse {
    /// `ok`, `degraded` or `unavailable`.
    pub status: String,
    /// `setup` or `active`.
    pub mode: Mode,
    /// Server version.
    pub version: String,
    /// VCS revision the server was built from.
    pub build_revision: String,
    /// Seconds since the server started.
    pub uptime_seconds: u64,
    /// Settings revision in force.
    pub config_revision: i64,
    /// Health of each component.
    pub components: BTreeMap<String, ComponentHealth>,
    /// Names of degraded components.
    pub degraded: Vec<String>,
}

/// Body of `PUT /v1/categories/{name}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CategoryRequest {
    /// Default save path of torrents added with the category: absolute,
    /// inside the download root or `fs_policy.allow_paths` (`null` or
    /// absent: the download root).
    #[serde(default)]
    pub save_path: Option<String>,
}
