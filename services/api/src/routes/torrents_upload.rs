//! The multipart form of `POST /v1/torrents`: a `.torrent` upload plus
//! options.
//!
//! Rules: the file field is `torrent` (exactly one); options come either as
//! one JSON field `options` or as plain fields (`save_path`, `category`,
//! `tags`, `paused`, `sequential`), never both; any other field is a `422`
//! pointing at it. The file is read chunk by chunk and refused with `413`
//! the moment it passes the limit, so an oversize upload is never buffered.

use actix_multipart::{Field, Multipart};
use actix_web::http::header::HeaderMap;
use actix_web::web;
use bytes::BytesMut;
use futures_util::StreamExt;
use revaer_messages::engine::{AddOptions, TorrentSource};
use revaer_messages::InvalidParam;
use utoipa::ToSchema;

use crate::error::{payload_too_large, ApiError};
use crate::routes::torrents_add::refuse_declared_length;

/// Room for the form's boundaries, headers and option fields.
const FORM_OVERHEAD: usize = 64 * 1024;
/// Largest option field.
const FIELD_LIMIT: usize = 16 * 1024;

/// The multipart form (documentation of the fields).
#[derive(Debug, ToSchema)]
pub struct UploadForm {
    /// The .torrent file (at most 10 MiB by default).
    #[schema(value_type = String, format = Binary)]
    pub torrent: Vec<u8>,
    /// JSON object with the options of the JSON add (without `magnet`).
    pub options: Option<String>,
    /// Absolute save path inside the allowed roots.
    pub save_path: Option<String>,
    /// Category label.
    pub category: Option<String>,
    /// Comma-separated tags; the field may repeat.
    pub tags: Option<String>,
    /// `true` to add paused.
    pub paused: Option<bool>,
    /// `true`/`false` for sequential download.
    pub sequential: Option<bool>,
}

fn bad_form(err: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(
        "invalid_multipart",
        format!("cannot read the multipart body: {err}"),
    )
}

/// Reads one field, refusing it with `413` once it passes `limit`.
async fn read_field(field: &mut Field, limit: usize) -> Result<BytesMut, ApiError> {
    let mut data = BytesMut::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(bad_form)?;
        if data.len() + chunk.len() > limit {
            return Err(payload_too_large());
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

fn text(pointer: &str, data: &[u8], errors: &mut Vec<InvalidParam>) -> Option<String> {
    match std::str::from_utf8(data) {
        Ok(text) => Some(text.to_string()),
        Err(_) => {
            errors.push(InvalidParam::new(pointer, "must be UTF-8 text"));
            None
        }
    }
}

fn boolean(pointer: &str, data: &[u8], errors: &mut Vec<InvalidParam>) -> Option<bool> {
    match text(pointer, data, errors)?.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => {
            errors.push(InvalidParam::new(pointer, "must be true or false"));
            None
        }
    }
}

/// Parses the form into the torrent bytes and options.
pub async fn read(
    headers: &HeaderMap,
    payload: web::Payload,
    file_limit: usize,
) -> Result<(TorrentSource, AddOptions), ApiError> {
    refuse_declared_length(headers, file_limit.saturating_add(FORM_OVERHEAD))?;
    let mut form = Multipart::new(headers, payload);
    let mut torrent: Option<Vec<u8>> = None;
    let mut json_options: Option<AddOptions> = None;
    let mut plain = AddOptions::default();
    let mut plain_used = false;
    let mut errors = Vec::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad_form)?;
        let name = field.name().unwrap_or_default().to_string();
        let pointer = format!("/{name}");
        if name == "torrent" {
            let data = read_field(&mut field, file_limit).await?;
            if torrent.replace(data.to_vec()).is_some() {
                errors.push(InvalidParam::new(
                    "/torrent",
                    "send exactly one torrent file",
                ));
            }
            continue;
        }
        let data = read_field(&mut field, FIELD_LIMIT).await?;
        match name.as_str() {
            "options" => match serde_json::from_slice::<AddOptions>(&data) {
                Ok(options) => json_options = Some(options),
                Err(err) => errors.push(InvalidParam::new(
                    "/options",
                    format!("must be a JSON object of add options: {err}"),
                )),
            },
            "save_path" => plain.save_path = text(&pointer, &data, &mut errors),
            "category" => plain.category = text(&pointer, &data, &mut errors),
            "tags" => {
                let tags = text(&pointer, &data, &mut errors).unwrap_or_default();
                plain.tags.extend(
                    tags.split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(str::to_string),
                );
            }
            "paused" => plain.paused = boolean(&pointer, &data, &mut errors).unwrap_or(false),
            "sequential" => plain.sequential = boolean(&pointer, &data, &mut errors),
            _ => {
                errors.push(InvalidParam::new(pointer, "unknown form field"));
                continue;
            }
        }
        plain_used |= name != "options";
    }
    if torrent.is_none() {
        errors.push(InvalidParam::new(
            "/torrent",
            "the .torrent file field `torrent` is required",
        ));
    }
    if json_options.is_some() && plain_used {
        errors.push(InvalidParam::new(
            "/options",
            "send options either as the JSON field `options` or as plain fields, not both",
        ));
    }
    match torrent {
        Some(bytes) if errors.is_empty() => {
            Ok((TorrentSource::File(bytes), json_options.unwrap_or(plain)))
        }
        _ => Err(ApiError::validation(errors)),
    }
}
