//! `/health`, `/health/full` and `/metrics`.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use prometheus::{Encoder, TextEncoder};
use revaer_messages::health::{ComponentHealth, HealthStatus};
use revaer_wire::{FullHealthResponse, HealthResponse};
use std::collections::BTreeMap;

use crate::error::ApiError;
use crate::health_metrics::BUILD_REVISION;
use crate::state::ApiState;

async fn database_ok(state: &ApiState) -> bool {
    state
        .db(|conn| Ok(revaer_schema::pool::ping(conn)?))
        .await
        .is_ok()
}

/// Every component's health, the database's included (pinged now).
async fn components(state: &ApiState) -> (bool, BTreeMap<String, ComponentHealth>) {
    let ok = database_ok(state).await;
    let mut components = state.health.snapshot();
    components.insert(
        "database".into(),
        if ok {
            ComponentHealth::ok()
        } else {
            ComponentHealth::degraded("database does not answer")
        },
    );
    (ok, components)
}

/// Readiness: 200 when the database answers, 503 otherwise.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthResponse),
        (status = 503, description = "Database unavailable", body = HealthResponse)
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<ApiState>) -> HttpResponse {
    let ok = database_ok(&state).await;
    let body = HealthResponse {
        status: if ok { "ok" } else { "unavailable" }.to_string(),
        mode: state.snapshot().app_profile.mode,
    };
    HttpResponse::build(if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    })
    .json(body)
}

/// Detailed health with every component.
#[utoipa::path(
    tag = "health",
    path = "/health/full",
    responses(
        (status = 200, description = "Health report (status ok or degraded)", body = FullHealthResponse),
        (status = 503, description = "Database unavailable", body = FullHealthResponse)
    )
)]
#[get("/health/full")]
pub async fn health_full(state: web::Data<ApiState>) -> HttpResponse {
    let (ok, components) = components(&state).await;
    let degraded: Vec<String> = components
        .iter()
        .filter(|(_, h)| h.status == HealthStatus::Degraded)
        .map(|(name, _)| name.clone())
        .collect();
    let snapshot = state.snapshot();
    let status = if !ok {
        "unavailable"
    } else if degraded.is_empty() {
        "ok"
    } else {
        "degraded"
    };
    let body = FullHealthResponse {
        status: status.to_string(),
        mode: snapshot.app_profile.mode,
        version: env!("CARGO_PKG_VERSION").to_string(),
        build_revision: BUILD_REVISION.to_string(),
        uptime_seconds: state.started_at.elapsed().as_secs(),
        config_revision: snapshot.revision,
        components,
        degraded,
    };
    HttpResponse::build(if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    })
    .json(body)
}

/// Prometheus text exposition.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain", body = String))
)]
#[get("/metrics")]
pub async fn metrics(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let (_, components) = components(&state).await;
    state.health_metrics.refresh(&components);
    let mut buffer = Vec::new();
    TextEncoder::new()
        .encode(&state.registry.gather(), &mut buffer)
        .map_err(|err| ApiError::internal(&err))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(buffer))
}
