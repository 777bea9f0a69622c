//! Responses of the qBittorrent facade: plain-text bodies and qBittorrent's
//! status codes, because its clients compare the text (`Ok.`, `Fails.`) and
//! branch on the status (`403` log in again, `404` unknown hash, `409`
//! conflict), never on problem documents.
//!
//! Internal failures are logged by the layer that met them (the shared
//! `ApiError` policy) and answered with the status and a generic text.

use actix_web::http::header::ContentType;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

use crate::error::ApiError;

/// `200 Ok.`
pub fn ok() -> HttpResponse {
    text(StatusCode::OK, "Ok.")
}

/// `200` with an empty body (most qBittorrent actions).
pub fn done() -> HttpResponse {
    text(StatusCode::OK, "")
}

/// A plain-text response.
pub fn text(status: StatusCode, body: impl Into<String>) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(ContentType::plaintext())
        .body(body.into())
}

/// A JSON response.
pub fn json<T: Serialize>(value: &T) -> Result<HttpResponse, QbitError> {
    let body =
        serde_json::to_vec(value).map_err(|err| QbitError::from(ApiError::internal(&err)))?;
    Ok(HttpResponse::Ok()
        .insert_header(ContentType::json())
        .body(body))
}

/// An error answered as plain text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QbitError {
    /// HTTP status.
    pub status: StatusCode,
    /// Plain-text body.
    pub message: String,
}

impl QbitError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
        }
    }

    /// `400` for a missing or malformed parameter.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    /// `403 Forbidden` (not authenticated).
    pub fn forbidden() -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden")
    }

    /// `404` for an unknown torrent or route.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    /// `409` (unknown category, queueing off, ...).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, message)
    }

    /// A required parameter is absent.
    pub fn missing(name: &str) -> Self {
        Self::bad_request(format!("Missing required parameter: {name}"))
    }
}

impl fmt::Display for QbitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.message)
    }
}

impl ResponseError for QbitError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        text(self.status, self.message.clone())
    }
}

/// The shared error policy's outcome, in qBittorrent's terms: a validation
/// failure is a `400` naming the fields; other statuses are kept with the
/// client-facing detail (never internal text, which `ApiError` withholds).
impl From<ApiError> for QbitError {
    fn from(err: ApiError) -> Self {
        if err.status == StatusCode::UNPROCESSABLE_ENTITY {
            let reasons: Vec<String> = err
                .invalid_params
                .unwrap_or_default()
                .into_iter()
                .map(|p| format!("{}: {}", p.pointer.trim_start_matches('/'), p.message))
                .collect();
            return Self::bad_request(reasons.join("; "));
        }
        Self::new(err.status, err.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use revaer_messages::InvalidParam;

    #[test]
    fn shared_errors_become_plain_text() {
        let invalid = ApiError::validation(vec![InvalidParam::new("/save_path", "outside")]);
        assert_eq!(
            QbitError::from(invalid),
            QbitError::bad_request("save_path: outside")
        );
        let gone = QbitError::from(ApiError::not_found("torrent_not_found", "no torrent"));
        assert_eq!(gone.status, StatusCode::NOT_FOUND);
        let internal = QbitError::from(ApiError::internal(&"secret text"));
        assert_eq!(internal.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!internal.message.contains("secret"));
    }
}
