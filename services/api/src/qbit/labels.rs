//! Categories and tags: `torrents/categories`, `createCategory`,
//! `editCategory`, `removeCategories`, `setCategory`, `torrents/tags`,
//! `createTags`, `deleteTags`, `addTags`, `removeTags`.
//!
//! The same stored objects as `/v1/categories` and `/v1/tags`, written by
//! the same functions. qBittorrent's answers: `400` for an empty or invalid
//! category name, `409` to create one that exists or edit one that does
//! not, `409` to set an unknown category (Sonarr creates its category
//! first). A category's `savePath` is `""` when it has none.

use actix_web::{web, HttpRequest, HttpResponse};
use revaer_messages::engine::TorrentCommand;
use revaer_messages::labels::{category_name_problem, split_tags, Category};
use serde_json::{json, Map, Value};

use crate::extract::ReqId;
use crate::labels;
use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::torrents_actions::for_each;
use crate::routes::config::actor_of;
use crate::state::ApiState;

/// The categories map as qBittorrent shows it.
pub fn categories_map(categories: &[Category]) -> Map<String, Value> {
    categories
        .iter()
        .map(|c| {
            let save_path = c.save_path.clone().unwrap_or_default();
            (
                c.name.clone(),
                json!({"name": c.name, "savePath": save_path}),
            )
        })
        .collect()
}

/// Every category: `{name: {name, savePath}}`.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/categories",
    responses((status = 200, description = "Object name → {name, savePath}", body = Object)))]
pub async fn categories(state: web::Data<ApiState>) -> Result<HttpResponse, QbitError> {
    response::json(&categories_map(&state.snapshot().categories))
}

fn category_param(params: &Params) -> Result<Category, QbitError> {
    let name = params
        .get("category")
        .unwrap_or_default()
        .trim()
        .to_string();
    if name.is_empty() {
        return Err(QbitError::bad_request("Category cannot be empty"));
    }
    if category_name_problem(&name).is_some() {
        return Err(QbitError::bad_request("Incorrect category name"));
    }
    let save_path = params.text("savePath").map(str::to_string);
    Ok(Category { name, save_path })
}

/// Creates a category (`409` when it exists).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/createCategory",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`category`, `savePath`"),
    responses((status = 200, description = "Created (empty body)", body = String, content_type = "text/plain"),
        (status = 400, description = "Empty or invalid name, or save path outside the allowed roots", body = String, content_type = "text/plain"),
        (status = 409, description = "Exists", body = String, content_type = "text/plain")))]
pub async fn create_category(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let category = category_param(&params)?;
    if state.snapshot().category(&category.name).is_some() {
        return Err(QbitError::conflict("Unable to create category"));
    }
    labels::put_category(&state, actor_of(&req), category).await?;
    Ok(response::done())
}

/// Changes a category's save path (`409` when it does not exist).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/editCategory",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`category`, `savePath`"),
    responses((status = 200, description = "Edited (empty body)", body = String, content_type = "text/plain"),
        (status = 409, description = "No such category", body = String, content_type = "text/plain")))]
pub async fn edit_category(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let category = category_param(&params)?;
    if state.snapshot().category(&category.name).is_none() {
        return Err(QbitError::conflict("Unable to edit category"));
    }
    labels::put_category(&state, actor_of(&req), category).await?;
    Ok(response::done())
}

/// Deletes categories (`categories`, one per line); their torrents lose them.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/removeCategories",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`categories`, one per line"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn remove_categories(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let names: Vec<String> = params
        .get("categories")
        .unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    if !names.is_empty() {
        labels::delete_categories(&state, actor_of(&req), names).await?;
    }
    Ok(response::done())
}

/// Sets (or, with an empty `category`, clears) torrents' category.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/setCategory",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `category`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain"),
        (status = 409, description = "No such category", body = String, content_type = "text/plain")))]
pub async fn set_category(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let name = params.require("category")?.trim().to_string();
    if !name.is_empty() && state.snapshot().category(&name).is_none() {
        return Err(QbitError::conflict("Incorrect category name"));
    }
    let category = Some(name).filter(|n| !n.is_empty());
    for_each(&state, &params, &request_id, |_| {
        Some(TorrentCommand::Category(category.clone()))
    })
    .await
}

/// Every tag.
#[utoipa::path(get, tag = "qbittorrent", path = "/api/v2/torrents/tags",
    responses((status = 200, description = "Array of tags", body = [String])))]
pub async fn tags(state: web::Data<ApiState>) -> Result<HttpResponse, QbitError> {
    response::json(&state.snapshot().tags)
}

fn tags_param(params: &Params) -> Vec<String> {
    params.get("tags").map(split_tags).unwrap_or_default()
}

/// Creates tags (`tags`, comma-separated).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/createTags",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`tags`, comma-separated"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn create_tags(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let tags = tags_param(&params);
    if !tags.is_empty() {
        labels::create_tags(&state, actor_of(&req), tags).await?;
    }
    Ok(response::done())
}

/// Deletes tags; their torrents lose them.
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/deleteTags",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`tags`, comma-separated"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn delete_tags(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    let tags = tags_param(&params);
    if !tags.is_empty() {
        labels::delete_tags(&state, actor_of(&req), tags).await?;
    }
    Ok(response::done())
}

/// Adds tags to torrents (new tags are created).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/addTags",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `tags`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn add_tags(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let tags = tags_param(&params);
    if tags.is_empty() {
        return Err(QbitError::bad_request("Tags cannot be empty"));
    }
    labels::create_tags(&state, actor_of(&req), tags.clone()).await?;
    for_each(&state, &params, &request_id, |_| {
        Some(TorrentCommand::AddTags(tags.clone()))
    })
    .await
}

/// Removes tags from torrents (all their tags when `tags` is empty).
#[utoipa::path(post, tag = "qbittorrent", path = "/api/v2/torrents/removeTags",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "`hashes`, `tags`"),
    responses((status = 200, description = "Done (empty body)", body = String, content_type = "text/plain")))]
pub async fn remove_tags(
    state: web::Data<ApiState>,
    params: Params,
    request_id: ReqId,
) -> Result<HttpResponse, QbitError> {
    let tags = tags_param(&params);
    for_each(&state, &params, &request_id, |t| {
        let gone = if tags.is_empty() {
            t.tags.clone()
        } else {
            tags.clone()
        };
        Some(TorrentCommand::RemoveTags(gone))
    })
    .await
}
