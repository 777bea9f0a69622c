//! Bodies and query parameters of the `/v1/torrents` routes other than the
//! add (see `add`). The server validates them (all problems at once, with
//! pointers); the types only describe the wire format.

use revaer_domain::torrent::{TorrentLimits, TorrentSummary};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// An action request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// `pause`, `resume`, `force_start`, `unforce_start`, `remove`,
    /// `remove_data`, `recheck`, `reannounce`, `sequential`,
    /// `first_last_piece_prio` or `super_seeding` (optional when `limits`
    /// is given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// For `sequential`, `first_last_piece_prio` and `super_seeding`:
    /// `true` or `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<bool>)]
    pub value: Option<Value>,
    /// New per-torrent limits in bytes per second; absent fields unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<TorrentLimits>,
}

impl ActionRequest {
    /// A bare action such as `pause`.
    pub fn named(action: &str) -> Self {
        Self {
            action: Some(action.to_string()),
            ..Self::default()
        }
    }
}

/// A priority for one file by index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FileSelection {
    /// File index (see the torrent's `files`).
    pub index: i64,
    /// 0 (skip) to 7 (highest).
    pub priority: i64,
}

/// A priority for every file whose path matches a glob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GlobRule {
    /// Pattern over the path inside the torrent, case-insensitive: `*`, `?`,
    /// `[a-z]`, `[!x]`, `\` escapes; `*` also crosses `/`.
    pub glob: String,
    /// 0 (skip) to 7 (highest).
    pub priority: i64,
}

/// File selection request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelectRequest {
    /// Priorities by index (override rules).
    #[serde(default)]
    pub files: Vec<FileSelection>,
    /// Priorities by glob, applied in order.
    #[serde(default)]
    pub rules: Vec<GlobRule>,
}

/// Query parameters of `GET /v1/torrents`. Values stay text so that the
/// server can point at a malformed one instead of failing the whole query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 500 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Only these states (comma-separated), e.g. `downloading,seeding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Only this category (exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Only torrents with this tag (exact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Only torrents with a tracker on this host (case-insensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracker: Option<String>,
    /// Only torrents with a file of this extension (`mkv` or `.mkv`, case-insensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// Only names containing this text (case-insensitive).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `added_at` (default), `name`, `progress` or `ratio`; `-name` sorts descending.
    #[param(pattern = "^-?(added_at|name|progress|ratio)$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    #[param(pattern = "^(asc|desc)$")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<String>,
}

/// One page of torrents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TorrentList {
    /// Summaries in the requested order.
    pub items: Vec<TorrentSummary>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// Query of `DELETE /v1/torrents/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// `true` to delete the downloaded data too (default `false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delete_data: Option<String>,
}

/// Query parameters of `GET /v1/events`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// Comma-separated event types to receive, e.g.
    /// `torrent_added,completed` (blank: every type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub types: Option<String>,
    /// Only events about this torrent (40-character hex info hash). Excludes
    /// process-wide events such as `config_changed` and `health_changed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub torrent: Option<String>,
    /// Resume after this event id (the `Last-Event-ID` header wins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_event_id: Option<String>,
}
