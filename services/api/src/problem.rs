//! Last line of the error policy: whatever produced an error response (a
//! handler, an extractor, the router's own 404/405, a middleware), the client
//! receives a problem document with `instance` and `request_id` filled in.
//! The one exception is a JSON body a handler chose to send with an error
//! status: `/health` and `/health/full` answer `503` with their report,
//! which monitors read.
//! Headers the inner layers set (rate-limit headers, `Allow`, ...) survive
//! the re-rendering; only the body and its content type are replaced.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderMap, HeaderName};
use actix_web::middleware::Next;
use actix_web::HttpMessage;

use crate::error::{ApiError, PROBLEM_JSON};
use crate::request_id::RequestId;

/// Marks an error response whose body is its documented answer (the health
/// reports: a `503` from `/health` is still a health report), so it is not
/// replaced by a problem document.
#[derive(Debug, Clone, Copy)]
pub struct OwnBody;

/// Middleware: render every error as problem+json.
pub async fn render(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let path = req.path().to_string();
    if crate::qbit::is_facade(&path) {
        // The facade answers in qBittorrent's plain-text convention.
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    let request_id = req.extensions().get::<RequestId>().map(|id| id.0.clone());
    // Inner layers answer refusals as responses; an `Err` here is rare and
    // still renders as a problem (without `instance`) through `ResponseError`.
    // The request must not be cloned before routing (actix needs it unique).
    let res = next.call(req).await?;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res.map_into_left_body());
    }
    if res.response().extensions().get::<OwnBody>().is_some() {
        return Ok(res.map_into_left_body());
    }
    let api = match res.response().error() {
        Some(err) => api_error_of(err),
        None => {
            let content_type = res
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if content_type.starts_with(PROBLEM_JSON)
                || content_type.starts_with("application/json")
            {
                return Ok(res.map_into_left_body());
            }
            ApiError::from_status(status)
        }
    };
    let mut response = api.to_response(&path, request_id.as_deref());
    carry_headers(res.headers(), response.headers_mut());
    Ok(res.into_response(response).map_into_right_body())
}

/// Copies headers of the replaced response that the problem response does
/// not set itself, except those describing the replaced body.
fn carry_headers(from: &HeaderMap, to: &mut HeaderMap) {
    let own: Vec<HeaderName> = to.keys().cloned().collect();
    for (name, value) in from.iter() {
        let describes_body = name == header::CONTENT_TYPE || name == header::CONTENT_LENGTH;
        if !describes_body && !own.contains(name) {
            to.append(name.clone(), value.clone());
        }
    }
}

fn api_error_of(err: &actix_web::Error) -> ApiError {
    match err.as_error::<ApiError>() {
        Some(api) => api.clone(),
        None => {
            let status = err.as_response_error().status_code();
            if status.is_server_error() {
                tracing::error!(error = %err, "unhandled error");
            }
            ApiError::from_status(status)
        }
    }
}

#[cfg(test)]
mod tests;
