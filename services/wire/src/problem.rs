//! The problem document (RFC 9457) every error of the API is answered with.

use revaer_domain::InvalidParam;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// The problem document (RFC 9457) as served and documented.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// `urn:revaer:problem:<code>`; the code is stable.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status code.
    pub status: u16,
    /// Explanation specific to this occurrence.
    pub detail: String,
    /// The request path that failed.
    pub instance: String,
    /// The request id (also in the `x-request-id` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Per-field validation failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid_params: Option<Vec<InvalidParam>>,
    /// Seconds to wait before retrying (rate limiting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// The torrent the problem is about, e.g. the existing one on a
    /// duplicate add (`409 torrent_exists`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub torrent_id: Option<String>,
}

impl Problem {
    /// The stable code inside `type` (`torrent_exists` of
    /// `urn:revaer:problem:torrent_exists`).
    pub fn code(&self) -> &str {
        self.problem_type
            .strip_prefix("urn:revaer:problem:")
            .unwrap_or(&self.problem_type)
    }
}
