//! `/health`, `/health/full` and `/metrics`.

use actix_web::http::StatusCode;
use actix_web::{get, web, HttpResponse};
use prometheus::{Encoder, TextEncoder};
use revaer_messages::health::{ComponentHealth, HealthStatus};
use revaer_wire::{FullHealthResponse, HealthResponse};
use std::collections::BTreeMap;

use crate::error::ApiError;
use crate::health_metrics::BUILD_REVISION;
use crate::problem::OwnBody;
use crate::state::ApiState;

async fn database_ok(state: &ApiState) -> bool {
    state
        .db(|conn| Ok(revaer_schema::pool::ping(conn)?))
        .await
        .is_ok()
}

/// Vital actors (engine, config watcher) whose mailbox has closed.
fn dead_actors(state: &ApiState) -> Vec<&'static str> {
    state
        .vital
        .iter()
        .filter(|actor| !actor.alive())
        .map(|actor| actor.name)
        .collect()
}

/// Every component's health, the database's included (pinged now), and a
/// dead vital actor as degraded; `true` when the server is ready (the
/// database answers and every vital actor lives).
async fn components(state: &ApiState) -> (bool, BTreeMap<String, ComponentHealth>) {
    let database = database_ok(state).await;
    let dead = dead_actors(state);
    let ready = database && dead.is_empty();
    let mut components = state.health.snapshot();
    components.insert(
        "database".into(),
        if database {
            ComponentHealth::ok()
        } else {
            ComponentHealth::degraded("database does not answer")
        },
    );
    for name in dead {
        components.insert(
            name.into(),
            ComponentHealth::degraded("the actor has stopped; restart the process"),
        );
    }
    (ready, components)
}

/// A health report; a `503` keeps its report body (see `problem::OwnBody`).
fn report(ok: bool, body: impl serde::Serialize) -> HttpResponse {
    let mut response = HttpResponse::build(if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    })
    .json(body);
    response.extensions_mut().insert(OwnBody);
    response
}

/// Readiness: 200 when the database answers and every vital actor (the
/// engine, the config watcher) is alive, 503 otherwise.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthResponse),
        (status = 503, description = "Database unavailable or a vital actor stopped", body = HealthResponse)
    )
)]
#[get("/health")]
pub async fn health(state: web::Data<ApiState>) -> HttpResponse {
    let ok = database_ok(&state).await && dead_actors(&state).is_empty();
    let body = HealthResponse {
        status: if ok { "ok" } else { "unavailable" }.to_string(),
        mode: state.snapshot().app_profile.mode,
    };
    report(ok, body)
}

/// Detailed health with every component.
#[utoipa::path(
    tag = "health",
    path = "/health/full",
    responses(
        (status = 200, description = "Health report (status ok or degraded)", body = FullHealthResponse),
        (status = 503, description = "Database unavailable or a vital actor stopped", body = FullHealthResponse)
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
    report(ok, body)
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
