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
//! - `save_path` must be absolute, free of `..` and control characters, and
//!   inside the download root or one of `fs_policy.allow_paths`, also once
//!   symlinks are resolved (`revaer_domain::rules::paths::contain`, which
//!   the engine applies again); the category must be one plain folder name
//!   (`revaer_domain::rules::category`);
//! - the body types live in `revaer_wire` (shared with the CLI);
//! - success is `201` with the summary and `Location: /v1/torrents/{id}`; a
//!   torrent already present is `409 torrent_exists` with its id in
//!   `torrent_id`.

use actix_web::http::header::{self, HeaderMap};
use actix_web::{post, web, HttpRequest, HttpResponse};
use bytes::BytesMut;
use futures_util::StreamExt;
use revaer_domain::rules::category::Category;
use revaer_domain::rules::{self, paths, MAX_FILE_PRIORITY};
use revaer_messages::config::ConfigSnapshot;
use revaer_messages::engine::{AddOptions, AddTorrent, ContentLayout, TorrentSource};
use revaer_messages::torrent::{TorrentLimits, TorrentSummary};
use revaer_messages::InvalidParam;
use revaer_wire::AddTorrentRequest;
use serde_json::Value;

use crate::engine;
use crate::error::{payload_too_large, unsupported_media_type, ApiError, Problem};
use crate::extract::{is_plain_json, json_error, ReqId};
use crate::routes::torrents_upload::{self, UploadForm};
use crate::state::ApiState;

/// Longest accepted magnet link, in bytes.
pub const MAGNET_LIMIT: usize = 8 * 1024;
/// Largest accepted JSON body of an add (the magnet plus options).
pub const ADD_JSON_LIMIT: usize = 64 * 1024;
/// Most tags on one torrent.
pub(crate) const MAX_TAGS: usize = 64;
/// Longest tag, in characters.
const MAX_LABEL: usize = 128;

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

/// Every problem with the options, pointing at their fields. Blocking: the
/// save path is resolved on the filesystem (symlinks followed).
pub fn validate_options(options: &AddOptions, config: &ConfigSnapshot) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    if let Some(path) = &options.save_path {
        if let Err(err) = paths::contain(path, &config.save_roots()) {
            errors.push(InvalidParam::new("/save_path", err.to_string()));
        }
    }
    if let Some(category) = &options.category {
        if let Err(err) = Category::parse(category) {
            errors.push(InvalidParam::new("/category", err.to_string()));
        }
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
        if *priority > MAX_FILE_PRIORITY {
            errors.push(InvalidParam::new(
                format!("/files/{i}"),
                format!("priority must be 0 to {MAX_FILE_PRIORITY}"),
            ));
        }
    }
    if let Some(limits) = &options.limits {
        check_limits(&mut errors, limits, "/limits");
    }
    errors
}

/// What `content_layout` may be.
const LAYOUT_VALUES: &str = "original, subfolder or no_subfolder";

/// The content layout a text names, or an entry in `errors` at `pointer`.
pub fn parse_layout(
    text: &str,
    pointer: &str,
    errors: &mut Vec<InvalidParam>,
) -> Option<ContentLayout> {
    let layout = ContentLayout::parse(text.trim());
    if layout.is_none() {
        errors.push(InvalidParam::new(
            pointer,
            format!("must be {LAYOUT_VALUES}"),
        ));
    }
    layout
}

/// Problems serde would report without saying where: the options are a
/// flattened part of the body, so a wrong value in one of these fields
/// would only point at the whole body. `prefix` is where the options sit.
pub fn option_value_problems(body: &Value, prefix: &str) -> Vec<InvalidParam> {
    let mut errors = Vec::new();
    match body.get("content_layout") {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) => {
            parse_layout(text, &format!("{prefix}/content_layout"), &mut errors);
        }
        Some(_) => errors.push(InvalidParam::new(
            format!("{prefix}/content_layout"),
            format!("must be {LAYOUT_VALUES}"),
        )),
    }
    for name in ["first_last_piece_prio", "skip_checking", "paused"] {
        if body.get(name).is_some_and(|v| !v.is_boolean()) {
            errors.push(InvalidParam::new(
                format!("{prefix}/{name}"),
                "must be true or false",
            ));
        }
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
    let parsed = serde_json::from_slice::<AddTorrentRequest>(&body);
    if parsed.as_ref().is_err_and(serde_json::Error::is_data) {
        let value: Value = serde_json::from_slice(&body).unwrap_or_default();
        let problems = option_value_problems(&value, "");
        if !problems.is_empty() {
            return Err(ApiError::validation(problems));
        }
    }
    let AddTorrentRequest {
        magnet, options, ..
    } = parsed.map_err(|err| json_error(actix_web::error::JsonPayloadError::Deserialize(err)))?;
    if magnet.len() > MAGNET_LIMIT {
        let mut err = payload_too_large();
        err.detail = format!("the magnet link is longer than {MAGNET_LIMIT} bytes");
        return Err(err);
    }
    let magnet = rules::magnet::normalize(&magnet)
        .map_err(|err| ApiError::validation(vec![InvalidParam::new("/magnet", err.to_string())]))?;
    Ok((TorrentSource::Magnet(magnet), options))
}

/// Adds a torrent. Send either `application/json` ([`AddTorrentRequest`])
/// or `multipart/form-data` ([`UploadForm`]): the `.torrent` in the file
/// field `torrent`, options either as one JSON field `options` (same fields
/// as the JSON body, without `magnet`) or as the plain fields `save_path`,
/// `category`, `tags` (comma-separated, may repeat), `paused`,
/// `sequential`, `first_last_piece_prio`, `skip_checking` (`true`/`false`)
/// and `content_layout`; not both.
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
        "application/json" if is_plain_json(&req) => magnet_source(payload, req.headers()).await?,
        "multipart/form-data" => {
            let limit = state.settings.torrent_file_limit;
            torrents_upload::read(req.headers(), payload, limit).await?
        }
        _ => {
            let mut err = unsupported_media_type();
            err.detail =
                "send application/json in UTF-8 (magnet) or multipart/form-data (.torrent)".into();
            return Err(err);
        }
    };
    let snapshot = state.snapshot();
    let mut options = options;
    crate::labels::apply_category_path(&mut options, &snapshot);
    let (options, errors) = web::block(move || {
        let errors = validate_options(&options, &snapshot);
        (options, errors)
    })
    .await?;
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
