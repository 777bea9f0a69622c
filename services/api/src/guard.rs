//! Access policy, applied before routing:
//! - `/health`, `/health/full`, `/metrics`, `/docs/openapi.json` are always open;
//! - `/v1/setup/*` answers only in setup mode (409 afterwards);
//! - in setup mode everything else answers 409 `setup_required`;
//! - in active mode every other `/v1` route needs an API key. Only failed
//!   authentications (no or malformed credentials, unknown key, wrong
//!   secret) take a token from the client IP's bucket; a request that needs
//!   an argon2 verification is refused (429) while that bucket is empty, so
//!   brute force is throttled before it costs CPU, but a key that verifies
//!   is never charged there (see `crate::rate_limit::ip`);
//! - `/api/v2/*` (the qBittorrent facade) follows its own rules
//!   (`qbit::auth`): plain-text `403` for anything unauthenticated.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use revaer_messages::config::Mode;

use crate::auth;
use crate::error::ApiError;
use crate::state::ApiState;

const PUBLIC: &[&str] = &["/health", "/health/full", "/metrics", "/docs/openapi.json"];

fn is_setup_route(path: &str) -> bool {
    path == "/v1/setup" || path.starts_with("/v1/setup/")
}

/// Middleware enforcing the access policy. Refusals are answered here (with
/// the error attached, for the problem renderer) instead of being returned as
/// `Err`, so the request is never cloned or lost on the way out.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if crate::qbit::is_facade(req.path()) {
        match crate::qbit::auth::admit(&req).await {
            Ok(Some(key)) => {
                req.extensions_mut().insert(key);
            }
            Ok(None) => {}
            Err(refusal) => return Ok(req.into_response(refusal).map_into_right_body()),
        }
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    }
    match check(&req).await {
        Ok(Some(key)) => {
            req.extensions_mut().insert(key);
        }
        Ok(None) => {}
        Err(err) => return Ok(req.error_response(err).map_into_right_body()),
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Decides whether a request may proceed; returns the authenticated key for
/// protected routes.
async fn check(req: &ServiceRequest) -> Result<Option<auth::AuthenticatedKey>, ApiError> {
    let path = req.path();
    if PUBLIC.contains(&path) {
        return Ok(None);
    }
    let Some(state) = req.app_data::<web::Data<ApiState>>().cloned() else {
        return Err(ApiError::internal(&"api state missing"));
    };
    let mode = state.snapshot().app_profile.mode;
    if is_setup_route(path) {
        if mode == Mode::Active {
            return Err(ApiError::conflict(
                "setup_already_completed",
                "this instance has already been set up",
            ));
        }
        // Both setup routes run argon2 (hashing a new token, verifying a
        // presented one): charged to the client's IP bucket like a login, so
        // a flood of guesses can neither brute-force nor burn the CPU.
        state
            .rate_limits
            .charge_ip(req.peer_addr().map(|addr| addr.ip()))?;
        return Ok(None);
    }
    if mode == Mode::Setup {
        return Err(ApiError::conflict(
            "setup_required",
            "this instance is in setup mode; complete POST /v1/setup/start and POST /v1/setup/complete first",
        ));
    }
    if path == "/v1" || path.starts_with("/v1/") {
        let peer = req.peer_addr().map(|addr| addr.ip());
        return match auth::from_cache(&state, req.headers()) {
            Ok(auth::CacheLookup::Decided(outcome)) => outcome.map(Some),
            Ok(auth::CacheLookup::Verify(mut unverified)) => {
                if unverified.needs_argon2() {
                    unverified.over_budget(state.rate_limits.ip_over_budget(peer));
                }
                let outcome = auth::verify(&state, unverified).await;
                if outcome
                    .as_ref()
                    .is_err_and(|err| err.status == StatusCode::UNAUTHORIZED)
                {
                    // A failed authentication: it costs the address a token
                    // (the answer stays the 401).
                    state.rate_limits.charge_failure(peer);
                }
                outcome.map(Some)
            }
            Err(unauthorized) => {
                state.rate_limits.charge_ip(peer)?;
                Err(unauthorized)
            }
        };
    }
    Ok(None)
}
