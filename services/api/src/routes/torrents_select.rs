//! `POST /v1/torrents/{id}/select`: file selection and priorities.
//!
//! Rules:
//! - `files` sets priorities by index, `rules` by glob pattern over the
//!   file paths (see `crate::glob`); at least one entry in total;
//! - rules apply in order (a later rule overrides an earlier one for the
//!   files both match), then `files` entries override rules;
//! - everything is validated before the engine applies anything: priority
//!   0 (skip) to 7, index within the torrent's files and not repeated, glob
//!   well-formed; all problems come back together with pointers such as
//!   `/files/0/index` or `/rules/1/glob`;
//! - at most [`MAX_RULES`] rules; a file index may be named once;
//! - files not named by any entry keep their priority. A torrent without
//!   metadata (a magnet still fetching it) has no files yet: `409`;
//! - the work is linear in the file count (the rules are compiled once into
//!   one set that matches each path in a single pass) and runs on the
//!   blocking pool, with the reply's serialisation, so a torrent with
//!   hundreds of thousands of files never holds up the HTTP workers.

use actix_web::http::header::ContentType;
use actix_web::{post, web, HttpResponse};
use revaer_messages::engine::{ControlTorrent, GetTorrent, TorrentCommand};
use revaer_messages::torrent::{TorrentDetail, TorrentFile};
use revaer_messages::InvalidParam;
use revaer_wire::SelectRequest;

use crate::engine;
use crate::error::{ApiError, Problem};
use crate::extract::ReqId;
use crate::glob::{Glob, GlobSet};
use crate::state::ApiState;
use revaer_domain::rules::MAX_FILE_PRIORITY;

/// Most rules in one request.
pub const MAX_RULES: usize = 64;

/// The priority as the engine wants it, or a problem at `pointer`.
fn priority(errors: &mut Vec<InvalidParam>, pointer: String, value: i64) -> u8 {
    match u8::try_from(value) {
        Ok(p) if p <= MAX_FILE_PRIORITY => p,
        _ => {
            errors.push(InvalidParam::new(pointer, "must be 0 (skip) to 7"));
            0
        }
    }
}

/// The `(index, priority)` pairs to apply, or the `422`. Linear in the
/// number of files and entries.
pub fn plan(request: &SelectRequest, files: &[TorrentFile]) -> Result<Vec<(u32, u8)>, ApiError> {
    let mut errors = Vec::new();
    if request.files.is_empty() && request.rules.is_empty() {
        errors.push(InvalidParam::new(
            "/files",
            "name at least one file or rule",
        ));
    }
    if request.rules.len() > MAX_RULES {
        return Err(ApiError::validation(vec![InvalidParam::new(
            "/rules",
            format!("at most {MAX_RULES} rules"),
        )]));
    }
    let mut globs = Vec::new();
    let mut levels = Vec::new();
    for (i, rule) in request.rules.iter().enumerate() {
        levels.push(priority(
            &mut errors,
            format!("/rules/{i}/priority"),
            rule.priority,
        ));
        match Glob::parse(&rule.glob) {
            Ok(glob) => globs.push(glob),
            Err(message) => errors.push(InvalidParam::new(format!("/rules/{i}/glob"), message)),
        }
    }
    let by_index = indices(request, files.len(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let set = GlobSet::new(&globs)
        .map_err(|message| ApiError::validation(vec![InvalidParam::new("/rules", message)]))?;
    let mut chosen: Vec<Option<u8>> = vec![None; files.len()];
    if !globs.is_empty() {
        let mut scratch = String::new();
        for (position, file) in files.iter().enumerate() {
            if let Some(rule) = set.last_match(&file.path, &mut scratch) {
                chosen[position] = levels.get(rule).copied();
            }
        }
    }
    for (index, level) in by_index {
        if let Some(slot) = chosen.get_mut(index as usize) {
            *slot = Some(level);
        }
    }
    Ok(files
        .iter()
        .zip(chosen)
        .filter_map(|(file, level)| Some((file.index, level?)))
        .collect())
}

/// The `files` entries as `(index, priority)`, each index checked against
/// the file count and named once (a bitmap, not a search per entry).
fn indices(
    request: &SelectRequest,
    count: usize,
    errors: &mut Vec<InvalidParam>,
) -> Vec<(u32, u8)> {
    let mut seen = vec![false; count];
    let mut by_index = Vec::with_capacity(request.files.len().min(count));
    for (i, entry) in request.files.iter().enumerate() {
        let level = priority(errors, format!("/files/{i}/priority"), entry.priority);
        match usize::try_from(entry.index)
            .ok()
            .filter(|index| *index < count)
        {
            Some(index) => {
                if std::mem::replace(&mut seen[index], true) {
                    errors.push(InvalidParam::new(
                        format!("/files/{i}/index"),
                        "named twice",
                    ));
                }
                by_index.push((index as u32, level));
            }
            None => errors.push(InvalidParam::new(
                format!("/files/{i}/index"),
                format!(
                    "out of range: the torrent has {count} files (0 to {})",
                    count.saturating_sub(1)
                ),
            )),
        }
    }
    by_index
}

/// The detail with the new priorities in place. Why not ask the engine
/// again: libtorrent applies priorities on its disk thread, so a read right
/// after the command may still show the previous ones for a moment.
fn applied(mut detail: TorrentDetail, pairs: &[(u32, u8)]) -> TorrentDetail {
    // Files are listed by index; look each one up by position, not by a
    // search (that was quadratic in the file count).
    let mut position = vec![usize::MAX; detail.files.len()];
    for (at, file) in detail.files.iter().enumerate() {
        if let Some(slot) = position.get_mut(file.index as usize) {
            *slot = at;
        }
    }
    for (index, priority) in pairs {
        let at = position.get(*index as usize).copied().unwrap_or(usize::MAX);
        if let Some(file) = detail.files.get_mut(at) {
            file.priority = *priority;
            file.selected = *priority > 0;
        }
    }
    detail
}

/// Selects files and sets their priorities. The reply is the torrent's
/// detail with the priorities as applied (libtorrent takes them on its disk
/// thread, so a `GET` in the next instant may still show the old ones).
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents/{id}/select",
    security(("api_key" = [])),
    params(("id" = String, Path, description = "Info hash (40 hex characters)")),
    request_body = SelectRequest,
    responses(
        (status = 200, description = "Applied; the torrent with its files and their new priorities", body = TorrentDetail),
        (status = 404, description = "No such torrent", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "No metadata (no files) yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid index, priority or glob (see `invalid_params`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/torrents/{id}/select")]
pub async fn select_files(
    state: web::Data<ApiState>,
    path: web::Path<String>,
    body: crate::extract::Json<SelectRequest>,
    request_id: ReqId,
) -> Result<HttpResponse, ApiError> {
    let id = engine::parse_id(&path)?;
    let handles = state.engine()?;
    let detail = engine::call(&handles.get, GetTorrent { id: id.clone() }).await?;
    if detail.files.is_empty() {
        return Err(engine::problem(
            revaer_messages::engine::EngineError::NoMetadata(id),
        ));
    }
    let request = body.into_inner();
    // CPU work (globs over every path) off the async workers.
    let (pairs, detail) =
        web::block(move || plan(&request, &detail.files).map(|pairs| (pairs, detail))).await??;
    if !pairs.is_empty() {
        let command = ControlTorrent {
            id,
            command: TorrentCommand::FilePriorities(pairs.clone()),
            request_id: request_id.0,
        };
        engine::call(&handles.control, command).await?;
    }
    // The reply lists every file: serialised off the async workers too.
    let body = web::block(move || serde_json::to_vec(&applied(detail, &pairs)))
        .await?
        .map_err(|err| ApiError::internal(&err))?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use revaer_wire::{FileSelection, GlobRule};

    fn file(index: u32, path: &str) -> TorrentFile {
        TorrentFile {
            index,
            path: path.into(),
            size: 1,
            progress: 0.0,
            priority: 4,
            selected: true,
            piece_range: [0, 0],
        }
    }

    #[test]
    fn rules_then_indices() -> Result<(), ApiError> {
        let files = [file(0, "a/x.mkv"), file(1, "a/x.nfo"), file(2, "a/y.nfo")];
        let request = SelectRequest {
            files: vec![FileSelection {
                index: 2,
                priority: 7,
            }],
            rules: vec![
                GlobRule {
                    glob: "*".into(),
                    priority: 1,
                },
                GlobRule {
                    glob: "*.NFO".into(),
                    priority: 0,
                },
            ],
        };
        assert_eq!(plan(&request, &files)?, vec![(0, 1), (1, 0), (2, 7)]);
        Ok(())
    }

    #[test]
    fn validation_points_at_each_bad_entry() {
        let files = [file(0, "x")];
        let request = SelectRequest {
            files: vec![
                FileSelection {
                    index: 5,
                    priority: 1,
                },
                FileSelection {
                    index: 0,
                    priority: 9,
                },
                FileSelection {
                    index: 0,
                    priority: 1,
                },
            ],
            rules: vec![GlobRule {
                glob: "[".into(),
                priority: 8,
            }],
        };
        let pointers: Vec<String> = plan(&request, &files)
            .err()
            .and_then(|e| e.invalid_params)
            .unwrap_or_default()
            .into_iter()
            .map(|p| p.pointer)
            .collect();
        assert_eq!(
            pointers,
            vec![
                "/rules/0/priority",
                "/rules/0/glob",
                "/files/0/index",
                "/files/1/priority",
                "/files/2/index"
            ]
        );
        assert!(plan(&SelectRequest::default(), &files).is_err());
    }
}
