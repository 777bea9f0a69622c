//! The OpenAPI document, generated from the very route registrations the
//! server uses (utoipa-actix-web collects each `service(...)`), so the served
//! document cannot list a route the server lacks or miss one it has.

use actix_web::App;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, ResponseBuilder, Type};
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

/// A `problem+json` response with `description`.
fn problem_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            crate::error::PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// Documents what the middleware and extractors answer for every operation,
/// so generated clients know every status they can get:
/// - key-authenticated operations (every `/v1` route except setup): the
///   `X-RateLimit-*` headers on success, `401` for a missing or wrong key and
///   `429` when throttled;
/// - the setup routes: `429` (they are charged to the client's address);
/// - operations with a body: `400` (malformed), `413` (too large) and `415`
///   (wrong content type).
///
/// Why a pass over the finished document: these come from middleware and
/// shared extractor configuration, so no handler annotation mentions them.
fn document_common_problems(doc: &mut utoipa::openapi::OpenApi) {
    let integer = |description: &str| {
        HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::Integer))
            .description(Some(description))
            .build()
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        if crate::qbit::is_facade(path) {
            document_facade_refusals(path, item);
            continue;
        }
        let v1 = path.starts_with("/v1/");
        let keyed = v1 && !path.starts_with("/v1/setup/");
        let operations: [&mut Option<Operation>; 5] = [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            let has_body = operation.request_body.is_some();
            let responses = &mut operation.responses.responses;
            if keyed {
                for (status, response) in responses.iter_mut() {
                    if let (true, RefOr::T(response)) = (status.starts_with('2'), response) {
                        response.headers.insert(
                            "X-RateLimit-Limit".into(),
                            integer("Size of the key's token bucket"),
                        );
                        response.headers.insert(
                            "X-RateLimit-Remaining".into(),
                            integer("Requests left in the bucket"),
                        );
                        response.headers.insert(
                            "X-RateLimit-Reset".into(),
                            integer("Seconds until the bucket is full again"),
                        );
                    }
                }
                responses
                    .entry("401".into())
                    .or_insert_with(|| RefOr::T(problem_response("Missing or wrong API key")));
            }
            if v1 {
                responses.entry("429".into()).or_insert_with(|| {
                    let mut response = problem_response(
                        "Rate limited (per API key, or per client address for failed authentication and setup)",
                    );
                    response
                        .headers
                        .insert("Retry-After".into(), integer("Seconds to wait before retrying"));
                    RefOr::T(response)
                });
            }
            if has_body {
                for (status, description) in [
                    ("400", "Malformed body"),
                    ("413", "Body too large"),
                    ("415", "Unsupported content type"),
                ] {
                    responses
                        .entry(status.into())
                        .or_insert_with(|| RefOr::T(problem_response(description)));
                }
            }
        }
    }
}

/// A plain-text response with `description` (the qBittorrent facade).
fn text_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "text/plain",
            ContentBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                .build(),
        )
        .build()
}

/// The facade's middleware answers: `403` (plain `Forbidden`) for every
/// unauthenticated request but the login, `400` for a malformed parameter
/// and `413` for a body past its limit.
fn document_facade_refusals(path: &str, item: &mut utoipa::openapi::PathItem) {
    let operations: [&mut Option<Operation>; 2] = [&mut item.get, &mut item.post];
    for operation in operations.into_iter().flatten() {
        let responses = &mut operation.responses.responses;
        if path != crate::qbit::LOGIN_PATH {
            responses
                .entry("403".into())
                .or_insert_with(|| RefOr::T(text_response("Not authenticated (`Forbidden`)")));
        }
        for (status, description) in [
            ("400", "Missing or malformed parameter"),
            ("413", "Body too large"),
        ] {
            responses
                .entry(status.into())
                .or_insert_with(|| RefOr::T(text_response(description)));
        }
    }
}

/// Links from a creating operation's `201` to the operations that act on
/// what it created (OpenAPI 3 `links`): clients, and stateful fuzzers such
/// as schemathesis, can follow add → detail → select/action → delete.
struct CreationLinks {
    /// The creating operation.
    path: &'static str,
    method: &'static str,
    /// The path parameter the targets take, and where its value is.
    parameter: &'static str,
    value: &'static str,
    /// The operations on what was created, as `(path, method)`.
    targets: &'static [(&'static str, &'static str)],
}

const LINKS: &[CreationLinks] = &[
    CreationLinks {
        path: "/v1/torrents",
        method: "post",
        parameter: "id",
        value: "$response.body#/id",
        targets: &[
            ("/v1/torrents/{id}", "get"),
            ("/v1/torrents/{id}/select", "post"),
            ("/v1/torrents/{id}/action", "post"),
            ("/v1/torrents/{id}/fsops/retry", "post"),
            ("/v1/torrents/{id}", "delete"),
        ],
    },
    CreationLinks {
        path: "/v1/keys",
        method: "post",
        parameter: "key_id",
        value: "$response.body#/key_id",
        targets: &[
            ("/v1/keys/{key_id}", "patch"),
            ("/v1/keys/{key_id}", "delete"),
        ],
    },
];

/// Adds [`LINKS`] to the `201` responses of the rendered document (named
/// after the target operations' ids; a target missing from the document is
/// skipped).
///
/// Why on the JSON and not on utoipa's types: utoipa 5 serialises its
/// `Link` with snake_case field names (`operation_id`), which no OpenAPI
/// tool reads.
fn document_links(doc: &mut serde_json::Value) {
    for CreationLinks {
        path,
        method,
        parameter,
        value,
        targets,
    } in LINKS
    {
        let mut links = serde_json::Map::new();
        for (target_path, target_method) in *targets {
            let id = doc["paths"][target_path][target_method]["operationId"].clone();
            if let Some(id) = id.as_str() {
                links.insert(
                    id.to_string(),
                    serde_json::json!({"operationId": id, "parameters": {*parameter: value}}),
                );
            }
        }
        if let Some(created) = doc["paths"][path][method]["responses"]
            .get_mut("201")
            .and_then(serde_json::Value::as_object_mut)
        {
            created.insert("links".into(), serde_json::Value::Object(links));
        }
    }
}

/// The generated document, kept rendered for `/docs/openapi.json`.
#[derive(Clone)]
pub struct OpenApiDoc {
    /// The document (without the response links, which only the JSON has).
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
        doc.merge(crate::qbit::QbitDoc::openapi());
        doc.info.version = env!("CARGO_PKG_VERSION").to_string();
        document_common_problems(&mut doc);
        let json = serde_json::to_value(&doc)
            .map(|mut value| {
                document_links(&mut value);
                value
            })
            .and_then(|value| serde_json::to_string_pretty(&value))
            .unwrap_or_else(|_| "{}".to_string());
        Self { doc, json }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creations_link_to_the_operations_on_what_they_created() -> Result<(), serde_json::Error> {
        let doc: serde_json::Value = serde_json::from_str(&OpenApiDoc::generate().json)?;
        let ids: Vec<String> = doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.values())
            .filter_map(|item| item.as_object())
            .flat_map(|ops| ops.values())
            .filter_map(|op| op["operationId"].as_str().map(str::to_string))
            .collect();
        let links = &doc["paths"]["/v1/torrents"]["post"]["responses"]["201"]["links"];
        let names: Vec<&String> = links
            .as_object()
            .map(|l| l.keys().collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 5, "{links}");
        for (name, link) in links.as_object().into_iter().flatten() {
            assert!(ids.contains(name), "{name} is an operation");
            assert_eq!(link["operationId"], name.as_str());
            assert_eq!(link["parameters"]["id"], "$response.body#/id");
        }
        let key_links = &doc["paths"]["/v1/keys"]["post"]["responses"]["201"]["links"];
        assert_eq!(
            key_links.as_object().map(|l| l.len()),
            Some(2),
            "{key_links}"
        );
        Ok(())
    }
}
