//! Request spans and HTTP metrics.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};
use std::time::Instant;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

use crate::request_id::RequestId;
use crate::state::ApiState;

/// Target of the access log lines (filter with `RUST_LOG=revaer::access=off`).
pub const ACCESS_LOG_TARGET: &str = "revaer::access";

/// HTTP request counters and latency, by route pattern (not raw path, to
/// keep label cardinality bounded) and status.
#[derive(Debug, Clone)]
pub struct HttpMetrics {
    requests: IntCounterVec,
    duration: HistogramVec,
}

impl HttpMetrics {
    /// Creates and registers the metrics.
    pub fn register(registry: &Registry) -> Result<Self, prometheus::Error> {
        let requests = IntCounterVec::new(
            Opts::new(
                "revaer_http_requests_total",
                "HTTP requests by method, route and status",
            ),
            &["method", "route", "status"],
        )?;
        let duration = HistogramVec::new(
            HistogramOpts::new(
                "revaer_http_request_duration_seconds",
                "HTTP request latency by method and route",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["method", "route"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(duration.clone()))?;
        Ok(Self { requests, duration })
    }
}

/// Middleware: count and time every request; log refused credentials (with
/// the client address, for fail2ban or CrowdSec) and, when enabled, one
/// access line per request.
pub async fn measure(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let state = req.app_data::<web::Data<ApiState>>().cloned();
    let method = method_label(req.method());
    let res = next.call(req).await?;
    let Some(state) = state else {
        return Ok(res);
    };
    let route = res
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let status = res.status();
    let elapsed = started.elapsed();
    let status_label = status.as_u16().to_string();
    let metrics = &state.http_metrics;
    metrics
        .requests
        .with_label_values(&[method, route.as_str(), status_label.as_str()])
        .inc();
    metrics
        .duration
        .with_label_values(&[method, route.as_str()])
        .observe(elapsed.as_secs_f64());
    let client = res.request().peer_addr().map(|addr| addr.ip());
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        tracing::warn!(
            client.address = client.map(tracing::field::display),
            http.route = %route,
            http.status_code = status.as_u16(),
            "authentication failed"
        );
    }
    if state.settings.access_log {
        tracing::info!(
            target: ACCESS_LOG_TARGET,
            duration_ms = elapsed.as_secs_f64() * 1000.0,
            client.address = client.map(tracing::field::display),
            http.route = %route,
            http.status_code = status.as_u16(),
            "request"
        );
    }
    Ok(res)
}

/// The `method` label: a standard method's name, `other` for anything else.
///
/// Why: the method is client input, and `curl -X FOO` would otherwise mint a
/// new series per invented method (unbounded label cardinality).
pub fn method_label(method: &Method) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE",
    ];
    KNOWN
        .into_iter()
        .find(|known| *known == method.as_str())
        .unwrap_or("other")
}

/// Root span of every request, carrying our request id.
pub struct RevaerRootSpan;

impl RootSpanBuilder for RevaerRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        tracing::info_span!(
            "http_request",
            http.method = %request.method(),
            http.target = %request.path(),
            request_id = %request_id,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(
        span: Span,
        outcome: &Result<ServiceResponse<B>, actix_web::Error>,
    ) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}
