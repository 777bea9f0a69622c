//! Access policy, applied before routing:
//! - `/health`, `/health/full`, `/metrics`, `/docs/openapi.json` are always open;
//! - `/v1/setup/*` answers only in setup mode (409 afterwards);
//! - in setup mode everything else answers 409 `setup_required`;
//! - in active mode every other `/v1` route needs an API key.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
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

/// Middleware enforcing the access policy.
pub async fn enforce(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let path = req.path().to_string();
    if PUBLIC.contains(&path.as_str()) {
        return next.call(req).await;
    }
    let Some(state) = req.app_data::<web::Data<ApiState>>().cloned() else {
        return Err(ApiError::internal(&"api state missing").into());
    };
    let mode = state.snapshot().app_profile.mode;
    if is_setup_route(&path) {
        if mode == Mode::Active {
            return Err(ApiError::conflict("setup_already_completed", "this instance has already been set up").into());
        }
        return next.call(req).await;
    }
    if mode == Mode::Setup {
        return Err(ApiError::conflict(
            "setup_required",
            "this instance is in setup mode; complete POST /v1/setup/start and POST /v1/setup/complete first",
        )
        .into());
    }
    if path == "/v1" || path.starts_with("/v1/") {
        let key = auth::authenticate(&state, req.headers()).await?;
        req.extensions_mut().insert(key);
    }
    next.call(req).await
}
