//! First-run setup: `POST /v1/setup/start` (loopback only) and
//! `POST /v1/setup/complete`.

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpRequest, HttpResponse};
use chrono::Duration;
use revaer_messages::config_patch::check_absolute;
use revaer_messages::InvalidParam;
use revaer_schema::models::api_keys::NewApiKey;
use revaer_schema::models::setup::{self, SetupChoices, SetupError};
use revaer_wire::{SetupCompleteRequest, SetupCompleteResponse, SetupStartResponse};
use std::net::IpAddr;

use crate::error::{ApiError, Problem};
use crate::secrets;
use crate::state::ApiState;

/// Default rate limit of keys created without one.
pub const DEFAULT_BURST: i32 = 1200;
/// Default refill period of keys created without one.
pub const DEFAULT_PER_SECONDS: i32 = 60;

fn is_loopback(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_loopback(),
        IpAddr::V6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Issues a one-time setup token. Only clients on the same machine may ask:
/// the peer address of the TCP connection decides (forwarding headers are
/// deliberately ignored, they are trivially forged).
#[utoipa::path(
    tag = "setup",
    path = "/v1/setup/start",
    responses(
        (status = 201, description = "Token issued (shown once)", body = SetupStartResponse),
        (status = 403, description = "Client is not on loopback", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already set up", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/setup/start")]
pub async fn start(req: HttpRequest, state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let peer = req.peer_addr().map(|addr| addr.ip());
    let Some(peer) = peer.filter(|ip| is_loopback(*ip)) else {
        return Err(ApiError::forbidden(
            "setup_not_loopback",
            "setup tokens are issued only to clients on the server's loopback interface",
        ));
    };
    let token = secrets::new_setup_token()?;
    let ttl = Duration::from_std(state.settings.setup_token_ttl).unwrap_or(Duration::minutes(15));
    let hashed_token = token.clone();
    let issued_by = peer.to_string();
    let row = state
        .db(move |conn| {
            let hash = secrets::hash(&hashed_token)?;
            Ok(setup::issue_token(conn, &hash, ttl, &issued_by)?)
        })
        .await?;
    tracing::info!(setup.expires_at = %row.expires_at, peer = %peer, "setup token issued");
    Ok(HttpResponse::Created().json(SetupStartResponse {
        token,
        expires_at: row.expires_at,
    }))
}

fn validate(body: &SetupCompleteRequest) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    for (pointer, value) in [
        ("/instance_name", &body.instance_name),
        ("/api_key_label", &body.api_key_label),
    ] {
        if value.trim().is_empty()
            || value.chars().count() > 128
            || value.chars().any(char::is_control)
        {
            errors.push(InvalidParam::new(
                pointer,
                "must be 1 to 128 printable characters",
            ));
        }
    }
    check_absolute(&mut errors, "/download_root", &body.download_root);
    check_absolute(&mut errors, "/library_root", &body.library_root);
    check_absolute(&mut errors, "/resume_dir", &body.resume_dir);
    if body.token.trim().is_empty() {
        errors.push(InvalidParam::new("/token", "must not be empty"));
    }
    errors
}

/// Completes setup with the one-time token: stores the initial settings,
/// creates the first API key (returned once) and activates the instance,
/// all in one transaction.
#[utoipa::path(
    tag = "setup",
    path = "/v1/setup/complete",
    request_body = SetupCompleteRequest,
    responses(
        (status = 201, description = "Instance activated; API key shown once", body = SetupCompleteResponse),
        (status = 401, description = "Wrong token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Token already used or instance already set up", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Token expired", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid settings", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/setup/complete")]
pub async fn complete(
    state: web::Data<ApiState>,
    body: crate::extract::Json<SetupCompleteRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let errors = validate(&body);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let key_id = secrets::new_key_id()?;
    let secret = secrets::new_secret()?;
    let outcome_key_id = key_id.clone();
    let hashed_secret = secret.clone();
    let revision = state
        .db(move |conn| {
            let secret_hash = secrets::hash(&hashed_secret)?;
            let choices = SetupChoices {
                instance_name: body.instance_name.trim(),
                download_root: &body.download_root,
                library_root: &body.library_root,
                resume_dir: &body.resume_dir,
                api_key: NewApiKey {
                    key_id: &outcome_key_id,
                    secret_hash: &secret_hash,
                    label: body.api_key_label.trim(),
                    rate_burst: DEFAULT_BURST,
                    rate_per_seconds: DEFAULT_PER_SECONDS,
                },
            };
            setup::complete(conn, &choices, |hash| secrets::verify(&body.token, hash))
                .map_err(setup_error)
        })
        .await?;
    state.wait_for_revision(revision).await;
    tracing::info!(auth.key_id = %key_id, config.revision = revision, "setup completed");
    Ok(HttpResponse::Created().json(SetupCompleteResponse {
        api_key: format!("{key_id}:{secret}"),
        key_id,
        revision,
    }))
}

fn setup_error(err: SetupError) -> ApiError {
    match err {
        SetupError::AlreadyActive => ApiError::conflict(
            "setup_already_completed",
            "this instance has already been set up",
        ),
        SetupError::InvalidToken => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "setup_token_invalid",
            "Invalid setup token",
            "the setup token is not valid; request one with POST /v1/setup/start",
        ),
        SetupError::TokenConsumed => ApiError::conflict(
            "setup_token_consumed",
            "the setup token has already been used",
        ),
        SetupError::TokenExpired => ApiError::new(
            StatusCode::GONE,
            "setup_token_expired",
            "Setup token expired",
            "the setup token has expired; request a new one with POST /v1/setup/start",
        ),
        SetupError::Db(db) => db.into(),
    }
}
