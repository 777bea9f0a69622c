//! The OpenAPI document, generated from the very route registrations the
//! server uses (utoipa-actix-web collects each `service(...)`), so the served
//! document cannot list a route the server lacks or miss one it has.

use actix_web::App;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use crate::error::Problem;
use crate::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Revaer API",
        description = "Self-hosted torrent orchestration. Errors are RFC 9457 problem+json documents.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, revaer_messages::InvalidParam)),
    modifiers(&Security)
)]
struct BaseDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::new("x-api-key"))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("KEY_ID:SECRET")
                    .build(),
            ),
        );
    }
}

/// The generated document, kept rendered for `/docs/openapi.json`.
#[derive(Clone)]
pub struct OpenApiDoc {
    /// The document.
    pub doc: utoipa::openapi::OpenApi,
    /// Its JSON text.
    pub json: String,
}

impl OpenApiDoc {
    /// Generates the document from the route registrations.
    pub fn generate() -> Self {
        let (_, mut doc) = App::new()
            .into_utoipa_app()
            .openapi(BaseDoc::openapi())
            .configure(routes::configure)
            .split_for_parts();
        doc.info.version = env!("CARGO_PKG_VERSION").to_string();
        let json = doc.to_pretty_json().unwrap_or_else(|_| "{}".to_string());
        Self { doc, json }
    }
}
