//! The actix-web application and server: middleware order and routes.
//!
//! Middleware, outermost first: request id → tracing span → metrics →
//! problem rendering → access policy (setup mode, API keys, per-IP bucket)
//! → per-key rate limit (needs the key the access policy found) → routes.

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::from_fn;
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::time::Duration;
use tracing_actix_web::TracingLogger;

use crate::error::ApiError;
use crate::openapi::OpenApiDoc;
use crate::state::ApiState;
use crate::telemetry::RevaerRootSpan;
use crate::{extract, guard, problem, rate_limit, request_id, routes, telemetry};

/// How long in-flight requests may take to finish at shutdown.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

async fn unknown_route(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    if crate::qbit::is_facade(req.path()) {
        return Ok(crate::qbit::not_found());
    }
    Err(ApiError::from_status(
        actix_web::http::StatusCode::NOT_FOUND,
    ))
}

/// Builds the application (used by the server and by in-process tests).
pub fn build_app(
    state: web::Data<ApiState>,
    doc: web::Data<OpenApiDoc>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .app_data(state)
        .app_data(doc)
        .app_data(extract::json_config())
        .app_data(extract::path_config())
        .app_data(extract::query_config())
        .configure(|cfg| {
            routes::configure(&mut utoipa_actix_web::service_config::ServiceConfig::new(
                cfg,
            ))
        })
        .configure(crate::qbit::configure)
        .default_service(web::to(unknown_route))
        .wrap(from_fn(rate_limit::limit))
        .wrap(from_fn(guard::enforce))
        .wrap(from_fn(problem::render))
        .wrap(from_fn(telemetry::measure))
        .wrap(TracingLogger::<RevaerRootSpan>::new())
        .wrap(from_fn(request_id::assign))
}

/// Starts serving on `listener`. Signals are left to the caller, which
/// orders the shutdown of the HTTP server and the actors.
pub fn serve(state: ApiState, listener: TcpListener, workers: usize) -> std::io::Result<Server> {
    let state = web::Data::new(state);
    let doc = web::Data::new(OpenApiDoc::generate());
    Ok(
        HttpServer::new(move || build_app(state.clone(), doc.clone()))
            .listen(listener)?
            .workers(workers.max(1))
            .shutdown_timeout(SHUTDOWN_GRACE.as_secs())
            // Why: a client closing its socket must end its SSE stream (and
            // detach it from the event hub) at once, not at the next write.
            // The price is that HTTP/1 half-closed requests are not answered.
            .h1_allow_half_closed(false)
            .disable_signals()
            .run(),
    )
}
