//! `/v1/tags`: named tags (shared with the qBittorrent facade's
//! `torrents/tags`).
//!
//! Rules: `PUT` creates a tag (`201`, or `200` when it existed); a tag is 1
//! to 128 printable characters without `,` (`422` pointer `/name`);
//! `DELETE` of an unknown tag is `404 tag_not_found`.

use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use revaer_messages::InvalidParam;

use crate::error::{ApiError, Problem};
use crate::labels;
use crate::routes::config::actor_of;
use crate::state::ApiState;

/// Every tag, sorted.
#[utoipa::path(
    tag = "categories",
    path = "/v1/tags",
    security(("api_key" = [])),
    responses((status = 200, description = "All tags", body = [String]))
)]
#[get("/v1/tags")]
pub async fn list_tags(state: web::Data<ApiState>) -> HttpResponse {
    HttpResponse::Ok().json(&state.snapshot().tags)
}

/// Creates a tag.
#[utoipa::path(
    tag = "categories",
    path = "/v1/tags/{name}",
    security(("api_key" = [])),
    params(("name" = String, Path, description = "Tag")),
    responses(
        (status = 200, description = "Existed already", body = String),
        (status = 201, description = "Created", body = String),
        (status = 422, description = "Invalid tag", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/v1/tags/{name}")]
pub async fn put_tag(
    req: HttpRequest,
    state: web::Data<ApiState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let created = labels::create_tags(&state, actor_of(&req), vec![name.clone()])
        .await
        .map_err(|mut err| {
            // The list helper points into `/tags/0`; here the tag is the path.
            if let Some(params) = err.invalid_params.as_mut() {
                params
                    .iter_mut()
                    .for_each(|p| *p = InvalidParam::new("/name", p.message.clone()));
            }
            err
        })?;
    Ok(if created.is_empty() {
        HttpResponse::Ok().json(name)
    } else {
        HttpResponse::Created().json(name)
    })
}

/// Deletes a tag; torrents carrying it lose it.
#[utoipa::path(
    tag = "categories",
    path = "/v1/tags/{name}",
    security(("api_key" = [])),
    params(("name" = String, Path, description = "Tag")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such tag", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/v1/tags/{name}")]
pub async fn delete_tag(
    req: HttpRequest,
    state: web::Data<ApiState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let deleted = labels::delete_tags(&state, actor_of(&req), vec![name.clone()]).await?;
    if deleted.is_empty() {
        return Err(ApiError::not_found(
            "tag_not_found",
            format!("no tag named {name:?}"),
        ));
    }
    Ok(HttpResponse::NoContent().finish())
}
