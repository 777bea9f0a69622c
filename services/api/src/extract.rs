//! Extractor configuration: body, path and query errors become problems.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::{ready, Ready};
use revaer_messages::InvalidParam;

use crate::error::{payload_too_large, unsupported_media_type, ApiError};
use crate::request_id::RequestId;

/// JSON bodies above this size get `413`.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// JSON extractor settings with problem+json errors.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| json_error(err).into())
}

/// Path extractor settings with problem+json errors.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::bad_request("invalid_path", format!("invalid path parameter: {err}")).into()
    })
}

/// Query extractor settings with problem+json errors.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        let message = match &err {
            QueryPayloadError::Deserialize(inner) => inner.to_string(),
            other => other.to_string(),
        };
        ApiError::validation(vec![InvalidParam::new(
            "",
            format!("invalid query string: {message}"),
        )])
        .into()
    })
}

pub(crate) fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            payload_too_large()
        }
        JsonPayloadError::ContentType => unsupported_media_type(),
        JsonPayloadError::Deserialize(inner) if inner.is_data() => {
            // Unknown fields, wrong types, missing fields: the JSON was fine,
            // its content is not.
            ApiError::validation(vec![InvalidParam::new(
                "",
                strip_position(&inner.to_string()),
            )])
        }
        JsonPayloadError::Deserialize(inner) => ApiError::bad_request(
            "malformed_json",
            format!("malformed JSON: {}", strip_position(&inner.to_string())),
        ),
        JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => payload_too_large(),
        other => ApiError::bad_request(
            "invalid_body",
            format!("cannot read the request body: {other}"),
        ),
    }
}

fn strip_position(text: &str) -> String {
    match text.find(" at line ") {
        Some(index) => text[..index].to_string(),
        None => text.to_string(),
    }
}

/// The id of the current request, for handlers that pass it on to actors.
#[derive(Debug, Clone)]
pub struct ReqId(pub Option<String>);

impl FromRequest for ReqId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(ReqId(
            req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        )))
    }
}
