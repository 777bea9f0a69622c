//! `POST /v1/torrents`: add a torrent by magnet link (JSON) or by uploading
//! a `.torrent` file (multipart, see `torrents_upload`).
//!
//! Rules:
//! - bodies are read as a stream and refused with `413` as soon as they are
//!   known to be too big: a `Content-Length` over the limit before reading
//!   anything, otherwise the moment the running count passes it. Limits: a
//!   magnet link of at most [`MAGNET_LIMIT`] bytes (in a JSON body of at most
//!   [`ADD_JSON_LIMIT`]), a `.torrent` of at most
//!   `ApiSettings::torrent_file_limit` (10 MiB by default);
//! - every option is validated here first and all problems are reported
//!   together (`422` with pointers); the engine re-checks what only it can
//!   (the magnet or torrent itself, duplicates);
//! - `save_path` must be absolute, free of `..`, and inside the download
//!   root or one of `fs_policy.allow_paths`;
//! - the body types live in `revaer_wire` (shared with the CLI);
//! - success is `201` with the summary and `Location: /v1/torrents/{id}`; a
//!   torrent already present is `409 torrent_exists` with its id in
//!   `torrent_id`.

use actix_web::http::header::{self, HeaderMap};
use actix_web::{post, web, HttpRequest, HttpResponse};
use bytes::BytesMut;
use futures_util::StreamExt;
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{AddOptions, AddTorrent, TorrentSource};
use revaer_messages::torrent::{TorrentLimits, TorrentSummary};
use revaer_messages::InvalidParam;
use revaer_wire::AddTorrentRequest;
use std::path::{Component, Path};

use crate::engine;
use crate::error::{payload_too_large, unsupported_media_type, ApiError, Problem};
use crate::extract::{json_error, ReqId};
use crate::routes::torrents_upload::{self, UploadForm};
use crate::state::ApiState;

/// Longest accepted magnet link, in bytes.
pub const MAGNET_LIMIT: usize = 8 * 1024;
/// Largest accepted JSON body of an add (the magnet plus options).
pub const ADD_JSON_LIMIT: usize = 64 * 1024;
/// Most tags on one torrent.
const MAX_TAGS: usize = 64;
/// Longest category or tag, in characters.
const MAX_LABEL: usize = 128;

/// True when `path` is absolute, has no `..`, and lies under one of `roots`
/// (the same rule the engine applies).
pub(crate) fn inside(path: &str, roots: &[&str]) -> bool {
    let candidate = Path::new(path);
    candidate.is_absolute()
        && !candidate
            .components()
            .any(|c| matches!(c, Component::ParentDir))
        && roots
            .iter()
            .any(|root| !root.is_empty() && candidate.starts_with(Path::new(root)))
}

fn check_label(errors: &mut Vec<InvalidParam>, pointer: String, label: &str) {
    if label.trim().is_empty()
        || label.chars().count() > MAX_LABEL
        || label.chars().any(char::is_control)
    {
        errors.push(InvalidParam::new(
            pointer,
            format!("must be 1 to {MAX_LABEL} printable characters"),
        ));
    }
}

/// Every problem with the options, pointing at their fields.
pub fn validate_options(options: &AddOptions, config: &ConfigSnapshot) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    if let Some(path) = &options.save_path {
        let mut roots: Vec<&str> = config
            .fs_policy
            .allow_paths
            .iter()
            .map(String::as_str)
            .collect();
        roots.push(config.engine_profile.download_root.as_str());
        if !inside(path, &roots) {
            errors.push(InvalidParam::new(
                "/save_path",
                "must be an absolute path without `..` inside the download root or fs_policy.allow_paths",
            ));
        }
    }
    if let Some(category) = &options.category {
        check_label(&mut errors, "/category".into(), category);
    }
    if options.tags.len() > MAX_TAGS {
        errors.push(InvalidParam::new(
            "/tags",
            format!("at most {MAX_TAGS} tags"),
        ));
    }
    for (i, tag) in options.tags.iter().enumerate() {
        check_label(&mut errors, format!("/tags/{i}"), tag);
    }
    for (i, priority) in options.files.iter().flatten().enumerate() {
        if *priority > 7 {
            errors.push(InvalidParam::new(
                format!("/files/{i}"),
                "priority must be 0 to 7",
            ));
        }
    }
    if let Some(limits) = &options.limits {
        check_limits(&mut errors, limits, "/limits");
    }
    errors
}

/// Limits must be 0 (unlimited) or positive.
pub fn check_limits(errors: &mut Vec<InvalidParam>, limits: &TorrentLimits, prefix: &str) {
    for (name, value) in [
        ("download_bps", limits.download_bps),
        ("upload_bps", limits.upload_bps),
    ] {
        if value.is_some_and(|v| v < 0) {
            errors.push(InvalidParam::new(
                format!("{prefix}/{name}"),
                "must be 0 (unlimited) or a positive number of bytes per second",
            ));
        }
    }
}

/// `413` at once when the declared length already exceeds `limit`.
pub fn refuse_declared_length(headers: &HeaderMap, limit: usize) -> Result<(), ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(length) if length > limit as u64 => Err(payload_too_large()),
        _ => Ok(()),
    }
}

/// Reads a whole body, refusing it with `413` once it passes `limit`.
async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<BytesMut, ApiError> {
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|err| {
            ApiError::bad_request(
                "invalid_body",
                format!("cannot read the request body: {err}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(payload_too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

async fn magnet_source(
    payload: web::Payload,
    headers: &HeaderMap,
) -> Result<(TorrentSource, AddOptions), ApiError> {
    refuse_declared_length(headers, ADD_JSON_LIMIT)?;
    let body = read_limited(payload, ADD_JSON_LIMIT).await?;
    let AddTorrentRequest {
        magnet, options, ..
    } = serde_json::from_slice(&body)
        .map_err(|err| json_error(actix_web::error::JsonPayloadError::Deserialize(err)))?;
    if magnet.len() > MAGNET_LIMIT {
        let mut err = payload_too_large();
        err.detail = format!("the magnet link is longer than {MAGNET_LIMIT} bytes");
        return Err(err);
    }
    if !magnet
        .trim_start()
        .to_ascii_lowercase()
        .starts_with("magnet:?")
    {
        return Err(ApiError::validation(vec![InvalidParam::new(
            "/magnet",
            "must be a magnet link (magnet:?xt=urn:btih:...)",
        )]));
    }
    Ok((TorrentSource::Magnet(magnet.trim().to_string()), options))
}

/// Adds a torrent. Send either `application/json` ([`AddTorrentRequest`])
/// or `multipart/form-data` ([`UploadForm`]): the `.torrent` in the file
/// field `torrent`, options either as one JSON field `options` (same fields
/// as the JSON body, without `magnet`) or as the plain fields `save_path`,
/// `category`, `tags` (comma-separated, may repeat), `paused` and
/// `sequential` (`true`/`false`); not both.
#[utoipa::path(
    tag = "torrents",
    path = "/v1/torrents",
    security(("api_key" = [])),
    request_body(content(
        (AddTorrentRequest = "application/json"),
        (UploadForm = "multipart/form-data")
    )),
    responses(
        (status = 201, description = "Added; `Location` names the new torrent", body = TorrentSummary,
            headers(("Location" = String, description = "/v1/torrents/{id}"))),
        (status = 400, description = "Malformed JSON or multipart body", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already present (`torrent_id` names it)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Magnet link, .torrent or body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor multipart", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid magnet, torrent or options (see `invalid_params`)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Engine unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/v1/torrents")]
pub async fn add_torrent(
    req: HttpRequest,
    state: web::Data<ApiState>,
    payload: web::Payload,
    request_id: ReqId,
) -> Result<HttpResponse, ApiError> {
    let handles = state.engine()?;
    let (source, options) = match media_type(req.headers()).as_str() {
        "application/json" => magnet_source(payload, req.headers()).await?,
        "multipart/form-data" => {
            let limit = state.settings.torrent_file_limit;
            torrents_upload::read(req.headers(), payload, limit).await?
        }
        _ => {
            let mut err = unsupported_media_type();
            err.detail = "send application/json (magnet) or multipart/form-data (.torrent)".into();
            return Err(err);
        }
    };
    let mut options = options;
    crate::labels::apply_category_path(&mut options, &state.snapshot());
    let errors = validate_options(&options, &state.snapshot());
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let summary = engine::call(
        &handles.add,
        AddTorrent {
            source,
            options,
            request_id: request_id.0,
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/torrents/{}", summary.id)))
        .json(summary))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_paths_must_stay_inside_the_roots() {
        let roots = ["/srv/dl", "/media/extra"];
        assert!(inside("/srv/dl/movies", &roots));
        assert!(inside("/media/extra", &roots));
        assert!(!inside("/srv/dl/../etc", &roots));
        assert!(!inside("/srv/dlx", &roots));
        assert!(!inside("relative/path", &roots));
        assert!(!inside("/srv/dl", &[""]));
    }
}
