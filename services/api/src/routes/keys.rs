//! API key management: `/v1/keys`.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use revaer_messages::InvalidParam;
use revaer_schema::models::api_keys::{self, ApiKeyChanges, ApiKeyRow, KeyWrite, NewApiKey};
use revaer_wire::{ApiKeyInfo, CreateKeyRequest, CreatedKey, RateLimit, UpdateKeyRequest};

use crate::error::{ApiError, Problem};
use crate::routes::config::actor_of;
use crate::routes::setup::{DEFAULT_BURST, DEFAULT_PER_SECONDS};
use crate::secrets;
use crate::state::ApiState;

fn info(row: &ApiKeyRow) -> ApiKeyInfo {
    ApiKeyInfo {
        key_id: row.key_id.clone(),
        label: row.label.clone(),
        enabled: row.enabled,
        rate_limit: RateLimit {
            burst: row.rate_burst,
            per_seconds: row.rate_per_seconds,
        },
        created_at: row.created_at,
        last_used_at: row.last_used_at,
    }
}

fn check_label(errors: &mut Vec<InvalidParam>, label: &str) {
    if label.trim().is_empty() || label.chars().count() > 128 || label.chars().any(char::is_control)
    {
        errors.push(InvalidParam::new(
            "/label",
            "must be 1 to 128 printable characters",
        ));
    }
}

fn check_rate(errors: &mut Vec<InvalidParam>, rate: &RateLimit) {
    if !(1..=1_000_000).contains(&rate.burst) {
        errors.push(InvalidParam::new(
            "/rate_limit/burst",
            "must be between 1 and 1000000",
        ));
    }
    if !(1..=86_400).contains(&rate.per_seconds) {
        errors.push(InvalidParam::new(
            "/rate_limit/per_seconds",
            "must be between 1 and 86400",
        ));
    }
}

fn check_key_id(key_id: &str) -> Result<(), ApiError> {
    if key_id.is_empty() || key_id.len() > 64 || !key_id.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        return Err(ApiError::not_found(
            "key_not_found",
            "no API key with that id",
        ));
    }
    Ok(())
}

/// Creates a key; its secret is in the reply and nowhere else.
#[utoipa::path(
    tag = "keys",
    path = "/v1/keys",
    security(("api_key" = [])),
    request_body = CreateKeyRequest,
    responses(
        (status = 201, description = "Key created; `api_key` is shown once", body = CreatedKey),
        (status = 422, description = "Invalid label or rate limit", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/keys")]
pub async fn create_key(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: crate::extract::Json<CreateKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let rate = body.rate_limit.unwrap_or(RateLimit {
        burst: DEFAULT_BURST,
        per_seconds: DEFAULT_PER_SECONDS,
    });
    let mut errors = Vec::new();
    check_label(&mut errors, &body.label);
    check_rate(&mut errors, &rate);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let key_id = secrets::new_key_id()?;
    let secret = secrets::new_secret()?;
    let actor = actor_of(&req);
    let hashed = secret.clone();
    let id = key_id.clone();
    let (row, revision) = state
        .db(move |conn| {
            let secret_hash = secrets::hash(&hashed)?;
            let new = NewApiKey {
                key_id: &id,
                secret_hash: &secret_hash,
                label: body.label.trim(),
                rate_burst: rate.burst,
                rate_per_seconds: rate.per_seconds,
            };
            Ok(api_keys::create(conn, &new, &actor)?)
        })
        .await?;
    state.wait_for_revision(revision).await;
    tracing::info!(auth.key_id = %key_id, "API key created");
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/keys/{key_id}")))
        .json(CreatedKey {
            key: info(&row),
            api_key: format!("{key_id}:{secret}"),
        }))
}

/// Lists keys (never their secrets).
#[utoipa::path(
    tag = "keys",
    path = "/v1/keys",
    security(("api_key" = [])),
    responses((status = 200, description = "All keys", body = [ApiKeyInfo]))
)]
#[get("/v1/keys")]
pub async fn list_keys(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let rows = state.db(|conn| Ok(api_keys::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(rows.iter().map(info).collect::<Vec<_>>()))
}

/// Enables/disables a key or changes its label or rate limit. The last
/// enabled key cannot be disabled, so the instance never locks itself out.
#[utoipa::path(
    tag = "keys",
    path = "/v1/keys/{key_id}",
    security(("api_key" = [])),
    params(("key_id" = String, Path, description = "Key id")),
    request_body = UpdateKeyRequest,
    responses(
        (status = 200, description = "Updated key", body = ApiKeyInfo),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would disable the last enabled key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/v1/keys/{key_id}")]
pub async fn update_key(
    req: HttpRequest,
    state: web::Data<ApiState>,
    path: web::Path<String>,
    body: crate::extract::Json<UpdateKeyRequest>,
) -> Result<HttpResponse, ApiError> {
    let key_id = path.into_inner();
    check_key_id(&key_id)?;
    let body = body.into_inner();
    let mut errors = Vec::new();
    if let Some(label) = &body.label {
        check_label(&mut errors, label);
    }
    if let Some(rate) = &body.rate_limit {
        check_rate(&mut errors, rate);
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let actor = actor_of(&req);
    let id = key_id.clone();
    let updated = state
        .db(move |conn| {
            let changes = ApiKeyChanges {
                label: body.label.map(|l| l.trim().to_string()),
                enabled: body.enabled,
                rate_burst: body.rate_limit.map(|r| r.burst),
                rate_per_seconds: body.rate_limit.map(|r| r.per_seconds),
            };
            Ok(api_keys::update(conn, &id, &changes, &actor)?)
        })
        .await?;
    let (row, revision) = written(updated, &key_id)?;
    // At once, not only when the watcher delivers the revision: the
    // change holds for every request that starts after this one returns.
    state.keys.clear();
    state.wait_for_revision(revision).await;
    Ok(HttpResponse::Ok().json(info(&row)))
}

/// Deletes a key. The last enabled key cannot be deleted.
#[utoipa::path(
    tag = "keys",
    path = "/v1/keys/{key_id}",
    security(("api_key" = [])),
    params(("key_id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Would delete the last enabled key", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/v1/keys/{key_id}")]
pub async fn delete_key(
    req: HttpRequest,
    state: web::Data<ApiState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let key_id = path.into_inner();
    check_key_id(&key_id)?;
    let actor = actor_of(&req);
    let id = key_id.clone();
    let deleted = state
        .db(move |conn| Ok(api_keys::delete(conn, &id, &actor)?))
        .await?;
    let revision = written(deleted, &key_id)?;
    state.keys.forget(&key_id);
    state.keys.clear();
    state.rate_limits.forget_key(&key_id);
    state.wait_for_revision(revision).await;
    tracing::info!(auth.key_id = %key_id, "API key deleted");
    Ok(HttpResponse::NoContent().finish())
}

/// The committed result, or the problem for a key that does not exist or
/// would be the last enabled one.
fn written<T>(write: KeyWrite<T>, key_id: &str) -> Result<T, ApiError> {
    match write {
        KeyWrite::Done(value) => Ok(value),
        KeyWrite::NotFound => Err(ApiError::not_found(
            "key_not_found",
            format!("no API key with id {key_id}"),
        )),
        KeyWrite::LastEnabled => Err(ApiError::conflict(
            "last_enabled_key",
            "this is the last enabled API key; create another one first so the instance stays reachable",
        )),
    }
}
