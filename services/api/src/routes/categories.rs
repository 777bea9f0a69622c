//! `/v1/categories`: named categories (shared with the qBittorrent facade's
//! `torrents/categories`).
//!
//! Rules: `PUT` creates (`201`) or replaces (`200`) a category, its save
//! path checked against the allow-list (`422` pointers `/name`,
//! `/save_path`); `DELETE` of an unknown name is `404 category_not_found`.

use actix_web::{delete, get, put, web, HttpRequest, HttpResponse};
use revaer_messages::labels::Category;
use revaer_schema::models::labels::Written;
use revaer_wire::CategoryRequest;

use crate::error::{ApiError, Problem};
use crate::labels;
use crate::routes::config::actor_of;
use crate::state::ApiState;

/// Every category, by name.
#[utoipa::path(
    tag = "categories",
    path = "/v1/categories",
    security(("api_key" = [])),
    responses((status = 200, description = "All categories", body = [Category]))
)]
#[get("/v1/categories")]
pub async fn list_categories(state: web::Data<ApiState>) -> HttpResponse {
    HttpResponse::Ok().json(&state.snapshot().categories)
}

/// Creates or replaces a category.
#[utoipa::path(
    tag = "categories",
    path = "/v1/categories/{name}",
    security(("api_key" = [])),
    params(("name" = String, Path, description = "Category name (`/` separates subcategories; send it percent-encoded)")),
    request_body = CategoryRequest,
    responses(
        (status = 200, description = "Replaced", body = Category),
        (status = 201, description = "Created", body = Category),
        (status = 422, description = "Invalid name or save path", body = Problem, content_type = "application/problem+json")
    )
)]
#[put("/v1/categories/{name}")]
pub async fn put_category(
    req: HttpRequest,
    state: web::Data<ApiState>,
    path: web::Path<String>,
    body: crate::extract::Json<CategoryRequest>,
) -> Result<HttpResponse, ApiError> {
    let category = Category {
        name: path.into_inner(),
        save_path: body.into_inner().save_path,
    };
    let written = labels::put_category(&state, actor_of(&req), category.clone()).await?;
    Ok(match written {
        Written::Created => HttpResponse::Created().json(category),
        Written::Replaced => HttpResponse::Ok().json(category),
    })
}

/// Deletes a category; torrents labelled with it lose the label.
#[utoipa::path(
    tag = "categories",
    path = "/v1/categories/{name}",
    security(("api_key" = [])),
    params(("name" = String, Path, description = "Category name")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such category", body = Problem, content_type = "application/problem+json")
    )
)]
#[delete("/v1/categories/{name}")]
pub async fn delete_category(
    req: HttpRequest,
    state: web::Data<ApiState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let name = path.into_inner();
    let deleted = labels::delete_categories(&state, actor_of(&req), vec![name.clone()]).await?;
    if deleted.is_empty() {
        return Err(ApiError::not_found(
            "category_not_found",
            format!("no category named {name:?}"),
        ));
    }
    Ok(HttpResponse::NoContent().finish())
}
