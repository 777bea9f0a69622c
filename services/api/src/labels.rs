//! Category and tag writes shared by `/v1` and the qBittorrent facade, so
//! both faces validate and store them the same way.
//!
//! Rules:
//! - names follow `revaer_domain::labels`; a category's save path follows
//!   the rule every save path follows (`rules::paths::contain`);
//! - every write is a settings revision; the reply waits until this server
//!   has seen it, so a client reading right after its write finds it;
//! - deleting a category or tag takes it off every torrent that has it
//!   (as qBittorrent does), through the engine's label commands;
//! - a torrent added with a category and no save path goes to the
//!   category's save path, when it has one.

use actix_web::web;
use revaer_domain::rules::paths;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{AddOptions, ControlTorrent, TorrentCommand};
use revaer_messages::labels::{category_name_problem, tag_problem, Category};
use revaer_messages::listing::TorrentFilter;
use revaer_messages::InvalidParam;
use revaer_schema::models::labels::{self, Written};

use crate::engine;
use crate::error::ApiError;
use crate::state::ApiState;

/// Every problem with a category (`/name`, `/save_path`). The save path
/// follows the rule of every save path (`rules::paths::contain`, which
/// resolves symlinks: call it off the async workers).
pub fn category_problems(category: &Category, config: &ConfigSnapshot) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    if let Some(problem) = category_name_problem(&category.name) {
        errors.push(InvalidParam::new("/name", problem));
    }
    if let Some(path) = &category.save_path {
        if let Err(err) = paths::contain(path, &config.save_roots()) {
            errors.push(InvalidParam::new("/save_path", err.to_string()));
        }
    }
    errors
}

/// Every problem with a list of tags (`/tags/{i}`).
pub fn tag_problems(tags: &[String]) -> Vec<InvalidParam> {
    tags.iter()
        .enumerate()
        .filter_map(|(i, tag)| tag_problem(tag).map(|p| InvalidParam::new(format!("/tags/{i}"), p)))
        .collect()
}

/// Validates and stores a category (created or replaced).
pub async fn put_category(
    state: &ApiState,
    actor: String,
    category: Category,
) -> Result<Written, ApiError> {
    let snapshot = state.snapshot();
    let (category, errors) = web::block(move || {
        let errors = category_problems(&category, &snapshot);
        (category, errors)
    })
    .await?;
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let name = category.name.clone();
    let (written, revision) = state
        .db(move |conn| Ok(labels::put_category(conn, &category, &actor)?))
        .await?;
    state.wait_for_revision(revision).await;
    tracing::info!(category.name = %name, created = written == Written::Created, "category stored");
    Ok(written)
}

/// Creates the categories that do not exist yet (names already checked).
pub async fn ensure_categories(
    state: &ApiState,
    actor: String,
    names: Vec<String>,
) -> Result<(), ApiError> {
    let snapshot = state.snapshot();
    if names.iter().all(|n| snapshot.category(n).is_some()) {
        return Ok(());
    }
    let revision = state
        .db(move |conn| Ok(labels::ensure_categories(conn, &names, &actor)?))
        .await?;
    state.wait_for_revision(revision).await;
    Ok(())
}

/// Deletes categories and takes them off their torrents; returns the
/// names that existed.
pub async fn delete_categories(
    state: &ApiState,
    actor: String,
    names: Vec<String>,
) -> Result<Vec<String>, ApiError> {
    let (deleted, revision) = state
        .db(move |conn| Ok(labels::delete_categories(conn, &names, &actor)?))
        .await?;
    state.wait_for_revision(revision).await;
    if !deleted.is_empty() {
        tracing::info!(categories = ?deleted, "categories deleted");
    }
    for name in &deleted {
        let filter = TorrentFilter {
            category: Some(name.clone()),
            ..TorrentFilter::default()
        };
        relabel_all(state, filter, || TorrentCommand::Category(None)).await?;
    }
    Ok(deleted)
}

/// Sends a label command to every torrent matching `filter` (none when
/// there is no engine: nothing can carry the label then).
async fn relabel_all(
    state: &ApiState,
    filter: TorrentFilter,
    command: impl Fn() -> TorrentCommand,
) -> Result<(), ApiError> {
    let Some(handles) = state.engine.as_ref() else {
        return Ok(());
    };
    for torrent in engine::list_all(handles, filter).await? {
        let control = ControlTorrent {
            id: torrent.id,
            command: command(),
            request_id: None,
        };
        match engine::call(&handles.control, control).await {
            // Removed meanwhile: nothing left to relabel.
            Ok(())
            | Err(ApiError {
                code: "torrent_not_found",
                ..
            }) => {}
            Err(err) => return Err(err),
        }
    }
    Ok(())
}

/// The save path an add gets from its category when it names none.
pub fn apply_category_path(options: &mut AddOptions, config: &ConfigSnapshot) {
    if options.save_path.is_none() {
        options.save_path = options
            .category
            .as_deref()
            .and_then(|name| config.category(name.trim()))
            .and_then(|category| category.save_path.clone());
    }
}

/// Validates and creates tags; returns the ones that were new.
pub async fn create_tags(
    state: &ApiState,
    actor: String,
    names: Vec<String>,
) -> Result<Vec<String>, ApiError> {
    let errors = tag_problems(&names);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let (created, revision) = state
        .db(move |conn| Ok(labels::create_tags(conn, &names, &actor)?))
        .await?;
    state.wait_for_revision(revision).await;
    Ok(created)
}

/// Deletes tags and takes them off their torrents; returns the names
/// that existed.
pub async fn delete_tags(
    state: &ApiState,
    actor: String,
    names: Vec<String>,
) -> Result<Vec<String>, ApiError> {
    let (deleted, revision) = state
        .db(move |conn| Ok(labels::delete_tags(conn, &names, &actor)?))
        .await?;
    state.wait_for_revision(revision).await;
    for tag in &deleted {
        let filter = TorrentFilter {
            tag: Some(tag.clone()),
            ..TorrentFilter::default()
        };
        relabel_all(state, filter, || {
            TorrentCommand::RemoveTags(vec![tag.clone()])
        })
        .await?;
    }
    Ok(deleted)
}
