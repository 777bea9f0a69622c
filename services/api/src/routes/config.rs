//! `GET /v1/config` and `PATCH /v1/config`.

use actix_web::{get, patch, web, HttpMessage, HttpRequest, HttpResponse};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::config_patch::apply_patch;
use revaer_schema::models::config;
use revaer_wire::ConfigPatchResponse;

use crate::auth::AuthenticatedKey;
use crate::error::{ApiError, Problem};
use crate::state::ApiState;

/// Names who made a change, for the settings history.
pub fn actor_of(req: &HttpRequest) -> String {
    req.extensions().get::<AuthenticatedKey>().map_or_else(
        || "api".to_string(),
        |key| format!("api_key:{}", key.key_id),
    )
}

/// The configuration in force, with its revision. Contains no secrets.
#[utoipa::path(
    tag = "config",
    path = "/v1/config",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "Current configuration", body = ConfigSnapshot),
        (status = 401, description = "Missing or wrong API key", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/v1/config")]
pub async fn get_config(state: web::Data<ApiState>) -> HttpResponse {
    HttpResponse::Ok().json(state.snapshot().as_ref())
}

/// Applies a partial update per section. Every invalid field is reported in
/// `invalid_params` with a JSON pointer; nothing is written unless the whole
/// patch is valid. The running components pick the change up through the
/// config watcher; the response is sent once this server has seen it.
#[utoipa::path(
    tag = "config",
    path = "/v1/config",
    security(("api_key" = [])),
    request_body(content = Object, description = "Partial configuration: {app_profile?, engine_profile?, fs_policy?}"),
    responses(
        (status = 200, description = "Patch applied", body = ConfigPatchResponse),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid or immutable fields", body = Problem, content_type = "application/problem+json")
    )
)]
#[patch("/v1/config")]
pub async fn patch_config(
    req: HttpRequest,
    state: web::Data<ApiState>,
    body: crate::extract::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    let reply = apply(&state, actor_of(&req), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(reply))
}

/// Applies a configuration patch (validated as a whole, written under the
/// config lock) and waits until this server has seen the new revision.
/// Shared by `PATCH /v1/config` and the qBittorrent facade's
/// `app/setPreferences`.
pub async fn apply(
    state: &ApiState,
    actor: String,
    patch: serde_json::Value,
) -> Result<ConfigPatchResponse, ApiError> {
    let (revision, changed) = state
        .db(move |conn| {
            let mut changed = Vec::new();
            let revision = config::update_with::<ApiError>(conn, &actor, |current| {
                let patched = apply_patch(current, &patch).map_err(ApiError::validation)?;
                if patched.changed.is_empty() {
                    return Ok(None);
                }
                changed = patched.changed.iter().map(|s| s.to_string()).collect();
                Ok(Some((
                    patched.app_profile,
                    patched.engine_profile,
                    patched.fs_policy,
                )))
            })?;
            Ok((revision, changed))
        })
        .await?;
    state.wait_for_revision(revision).await;
    if !changed.is_empty() {
        tracing::info!(config.revision = revision, config.sections = %changed.join(","), "configuration patched");
    }
    Ok(ConfigPatchResponse { revision, changed })
}
