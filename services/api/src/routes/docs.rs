//! `/docs/openapi.json`: the document generated from the registered routes.

use actix_web::{get, web, HttpResponse};

use crate::openapi::OpenApiDoc;

/// The OpenAPI 3.1 document of this server.
#[utoipa::path(
    tag = "docs",
    path = "/docs/openapi.json",
    responses((status = 200, description = "OpenAPI document", content_type = "application/json", body = Object))
)]
#[get("/docs/openapi.json")]
pub async fn openapi_json(doc: web::Data<OpenApiDoc>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(doc.json.clone())
}
