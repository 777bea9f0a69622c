//! Error policy of the HTTP API.
//!
//! Every error leaves the server as RFC 9457 `application/problem+json`.
//! Handlers return [`ApiError`]: a status, a stable machine-readable code
//! (rendered into `type` as `urn:revaer:problem:<code>`), a short title and a
//! detail written for the client. Internal failures (database, engine) are
//! logged with their full text and answered with a generic detail: internal
//! error text never reaches a response body.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use revaer_messages::InvalidParam;
use std::fmt;

/// The problem document and its media type are wire types, shared with the CLI.
pub use revaer_wire::{Problem, PROBLEM_JSON};

/// An error answered to the client.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code, e.g. `validation_failed`.
    pub code: &'static str,
    /// Short summary.
    pub title: &'static str,
    /// Client-facing explanation.
    pub detail: String,
    /// Field errors for 422 responses.
    pub invalid_params: Option<Vec<InvalidParam>>,
    /// For 429 responses.
    pub retry_after: Option<u64>,
    /// The torrent concerned, rendered as the `torrent_id` extension
    /// (boxed: keeps `ApiError` small enough to return by value).
    pub torrent_id: Option<Box<str>>,
}

impl ApiError {
    /// A new error with no field details.
    pub fn new(
        status: StatusCode,
        code: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            code,
            title,
            detail: detail.into(),
            invalid_params: None,
            retry_after: None,
            torrent_id: None,
        }
    }

    /// Names the torrent the problem is about (`torrent_id` extension).
    pub fn with_torrent(mut self, id: impl Into<String>) -> Self {
        self.torrent_id = Some(id.into().into_boxed_str());
        self
    }

    /// 400: the request could not be understood.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, "Bad request", detail)
    }

    /// 401: missing or wrong credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
    }

    /// 403.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, "Forbidden", detail)
    }

    /// 404.
    pub fn not_found(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, "Not found", detail)
    }

    /// 409.
    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, "Conflict", detail)
    }

    /// 422 with per-field problems.
    pub fn validation(invalid_params: Vec<InvalidParam>) -> Self {
        let count = invalid_params.len();
        let mut err = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Validation failed",
            format!("{count} invalid parameter(s); see invalid_params"),
        );
        err.invalid_params = Some(invalid_params);
        err
    }

    /// The pointers of a `422`'s `invalid_params`, in order (empty for any
    /// other problem).
    pub fn pointers(&self) -> Vec<String> {
        self.invalid_params
            .iter()
            .flatten()
            .map(|p| p.pointer.clone())
            .collect()
    }

    /// 503: a dependency (database, engine) is unavailable.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "Service unavailable",
            detail,
        )
    }

    /// 500, after logging `cause` (which is never sent to the client).
    pub fn internal(cause: &dyn fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Internal server error",
            "the server failed to handle the request; see its log",
        )
    }

    /// Renders the problem document for a request.
    pub fn to_problem(&self, instance: &str, request_id: Option<&str>) -> Problem {
        Problem {
            problem_type: format!("urn:revaer:problem:{}", self.code),
            title: self.title.to_string(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            instance: instance.to_string(),
            request_id: request_id.map(str::to_string),
            invalid_params: self.invalid_params.clone(),
            retry_after: self.retry_after,
            torrent_id: self.torrent_id.as_deref().map(str::to_string),
        }
    }

    /// Builds the HTTP response for a request.
    pub fn to_response(&self, instance: &str, request_id: Option<&str>) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status);
        builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
        if let Some(seconds) = self.retry_after {
            builder.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        builder
            .body(serde_json::to_string(&self.to_problem(instance, request_id)).unwrap_or_default())
    }

    /// A generic problem for a bare status produced outside our handlers
    /// (actix's own 404/405, an unmapped extractor error).
    pub fn from_status(status: StatusCode) -> Self {
        match status {
            StatusCode::NOT_FOUND => {
                Self::not_found("route_not_found", "no route matches this path")
            }
            StatusCode::METHOD_NOT_ALLOWED => Self::new(
                status,
                "method_not_allowed",
                "Method not allowed",
                "this route does not accept the method",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => payload_too_large(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => unsupported_media_type(),
            s if s.is_server_error() => Self::new(
                s,
                "internal_error",
                "Internal server error",
                "the server failed to handle the request; see its log",
            ),
            s => Self::new(
                s,
                "request_failed",
                "Request failed",
                s.canonical_reason().unwrap_or("request failed"),
            ),
        }
    }
}

/// 413 for bodies above the configured limit.
pub fn payload_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Payload too large",
        "the request body exceeds the limit",
    )
}

/// 415 for a body that is not JSON.
pub fn unsupported_media_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        "Unsupported media type",
        "send the body as application/json",
    )
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    /// Without request context; the problem middleware re-renders it with
    /// `instance` and `request_id`.
    fn error_response(&self) -> HttpResponse {
        self.to_response("", None)
    }
}

impl From<revaer_schema::DbError> for ApiError {
    fn from(err: revaer_schema::DbError) -> Self {
        match err {
            revaer_schema::DbError::Pool(_) | revaer_schema::DbError::Connect(_) => {
                tracing::error!(error = %err, "database unavailable");
                ApiError::unavailable("the database is unavailable")
            }
            other => ApiError::internal(&other),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        ApiError::internal(&err)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        revaer_schema::DbError::from(err).into()
    }
}
