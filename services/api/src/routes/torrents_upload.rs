//! The multipart form of `POST /v1/torrents`: a `.torrent` upload plus
//! options.
//!
//! Rules: the file field is `torrent` (exactly one); options come either as
//! one JSON field `options` or as plain fields (`save_path`, `category`,
//! `tags`, `paused`, `sequential`, `top_of_queue`, `content_layout`,
//! `first_last_piece_prio`, `skip_checking`), never both; any other field is a `422`
//! pointing at it. Bounds, checked while the body streams, so nothing piles
//! up before it is refused: the whole body (any framing, chunked included)
//! is counted against the file limit plus [`FORM_OVERHEAD`] (`413`), the
//! file against the file limit and every other field against
//! [`FIELD_LIMIT`] (`413`), at most [`MAX_FIELDS`] fields (`413`), one file
//! (`422` as soon as a second one starts) and at most 64 tags (`422` as soon
//! as the 65th is split off).

use actix_multipart::{Field, Multipart};
use actix_web::error::PayloadError;
use actix_web::http::header::HeaderMap;
use actix_web::web;
use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use revaer_messages::engine::{AddOptions, TorrentSource};
use revaer_messages::InvalidParam;
use std::cell::Cell;
use std::rc::Rc;
use utoipa::ToSchema;

use crate::error::{payload_too_large, ApiError};
use crate::routes::torrents_add::{
    option_value_problems, parse_layout, refuse_declared_length, MAX_TAGS,
};

/// Room for the form's boundaries, headers and option fields: the whole
/// body may be at most the file limit plus this, counted as it streams.
const FORM_OVERHEAD: usize = 64 * 1024;
/// Largest option field.
const FIELD_LIMIT: usize = 16 * 1024;
/// Most form fields: the file, `options`, nine plain fields and one `tags`
/// field per tag (more is refused with `413` before it is read).
const MAX_FIELDS: usize = 11 + MAX_TAGS;

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
    /// `true` to put it at the head of the download queue.
    pub top_of_queue: Option<bool>,
    /// `original` (default), `subfolder` or `no_subfolder`.
    pub content_layout: Option<String>,
    /// `true` to fetch the first and last pieces of every file first.
    pub first_last_piece_prio: Option<bool>,
    /// `true` to take the data already in the save path as complete.
    pub skip_checking: Option<bool>,
}

/// The request body, failing with `Overflow` once more than `limit` bytes
/// came through, whatever the framing (a chunked body declares no length).
fn counted(
    payload: web::Payload,
    limit: usize,
    overflowed: Rc<Cell<bool>>,
) -> impl Stream<Item = Result<Bytes, PayloadError>> + 'static {
    let mut seen = 0usize;
    payload.map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > limit {
            overflowed.set(true);
            return Err(PayloadError::Overflow);
        }
        Ok(chunk)
    })
}

/// Turns a multipart error into the problem: `413` when the body passed its
/// limit, else `400`.
struct FormErrors {
    overflowed: Rc<Cell<bool>>,
}

impl FormErrors {
    fn problem(&self, err: impl std::fmt::Display) -> ApiError {
        if self.overflowed.get() {
            return payload_too_large();
        }
        ApiError::bad_request(
            "invalid_multipart",
            format!("cannot read the multipart body: {err}"),
        )
    }

    /// Reads one field, refusing it with `413` once it passes `limit`.
    ///
    /// Why the whole `limit` is reserved up front: a growing buffer is
    /// copied each time it doubles (old and new copy alive at once), while
    /// pages of a large allocation that are never written are never made
    /// resident. The field then costs its own size, once.
    async fn read_field(&self, field: &mut Field, limit: usize) -> Result<Vec<u8>, ApiError> {
        let mut data = Vec::with_capacity(limit);
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|err| self.problem(err))?;
            if data.len() + chunk.len() > limit {
                return Err(payload_too_large());
            }
            data.extend_from_slice(&chunk);
        }
        Ok(data)
    }
}

/// Splits comma-separated tags into `tags`; `Err` as soon as there are more
/// than [`MAX_TAGS`] (before the rest of the text becomes strings).
fn add_tags(tags: &mut Vec<String>, text: &str) -> Result<(), ApiError> {
    for tag in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if tags.len() == MAX_TAGS {
            return Err(ApiError::validation(vec![InvalidParam::new(
                "/tags",
                format!("at most {MAX_TAGS} tags"),
            )]));
        }
        tags.push(tag.to_string());
    }
    Ok(())
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
    let body_limit = file_limit.saturating_add(FORM_OVERHEAD);
    refuse_declared_length(headers, body_limit)?;
    let overflowed = Rc::new(Cell::new(false));
    let errors_of = FormErrors {
        overflowed: overflowed.clone(),
    };
    let mut form = Multipart::new(headers, counted(payload, body_limit, overflowed));
    let mut torrent: Option<Vec<u8>> = None;
    let mut options = FormOptions::default();
    let mut errors = Vec::new();
    let mut fields = 0usize;
    while let Some(field) = form.next().await {
        let mut field = field.map_err(|err| errors_of.problem(err))?;
        fields += 1;
        if fields > MAX_FIELDS {
            let mut err = payload_too_large();
            err.detail = format!("the form has more than {MAX_FIELDS} fields");
            return Err(err);
        }
        let name = field.name().unwrap_or_default().to_string();
        if name == "torrent" {
            if torrent.is_some() {
                // Refused before a second file is read.
                return Err(ApiError::validation(vec![InvalidParam::new(
                    "/torrent",
                    "send exactly one torrent file",
                )]));
            }
            torrent = Some(errors_of.read_field(&mut field, file_limit).await?);
            continue;
        }
        let data = errors_of.read_field(&mut field, FIELD_LIMIT).await?;
        options.take(&name, &data, &mut errors)?;
    }
    if torrent.is_none() {
        errors.push(InvalidParam::new(
            "/torrent",
            "the .torrent file field `torrent` is required",
        ));
    }
    let options = options.finish(&mut errors);
    match torrent {
        Some(bytes) if errors.is_empty() => Ok((TorrentSource::File(bytes), options)),
        _ => Err(ApiError::validation(errors)),
    }
}

/// The add options of an upload form: either one JSON field `options` or
/// plain fields (`save_path`, `category`, `tags`, `paused`, `sequential`,
/// `top_of_queue`, `content_layout`, `first_last_piece_prio`, `skip_checking`).
#[derive(Default)]
struct FormOptions {
    json: Option<AddOptions>,
    plain: AddOptions,
    plain_used: bool,
}

impl FormOptions {
    /// Reads one non-file field; bad values and unknown names become
    /// entries in `errors`.
    fn take(
        &mut self,
        name: &str,
        data: &[u8],
        errors: &mut Vec<InvalidParam>,
    ) -> Result<(), ApiError> {
        let pointer = format!("/{name}");
        let plain = &mut self.plain;
        match name {
            "options" => match serde_json::from_slice::<AddOptions>(data) {
                Ok(options) => self.json = Some(options),
                Err(err) => {
                    let value = serde_json::from_slice(data).unwrap_or_default();
                    let problems = option_value_problems(&value, "/options");
                    if problems.is_empty() {
                        errors.push(InvalidParam::new(
                            "/options",
                            format!("must be a JSON object of add options: {err}"),
                        ));
                    }
                    errors.extend(problems);
                }
            },
            "save_path" => plain.save_path = text(&pointer, data, errors),
            "category" => plain.category = text(&pointer, data, errors),
            "tags" => {
                let tags = text(&pointer, data, errors).unwrap_or_default();
                add_tags(&mut plain.tags, &tags)?;
            }
            "paused" => plain.paused = boolean(&pointer, data, errors).unwrap_or(false),
            "sequential" => plain.sequential = boolean(&pointer, data, errors),
            "top_of_queue" => {
                plain.top_of_queue = boolean(&pointer, data, errors).unwrap_or(false);
            }
            "content_layout" => {
                let text = text(&pointer, data, errors).unwrap_or_default();
                plain.content_layout = parse_layout(&text, &pointer, errors);
            }
            "first_last_piece_prio" => {
                plain.first_last_piece_prio = boolean(&pointer, data, errors).unwrap_or(false);
            }
            "skip_checking" => {
                plain.skip_checking = boolean(&pointer, data, errors).unwrap_or(false);
            }
            _ => {
                errors.push(InvalidParam::new(pointer, "unknown form field"));
                return Ok(());
            }
        }
        self.plain_used |= name != "options";
        Ok(())
    }

    /// The options sent; both kinds at once is an entry in `errors`.
    fn finish(self, errors: &mut Vec<InvalidParam>) -> AddOptions {
        if self.json.is_some() && self.plain_used {
            errors.push(InvalidParam::new(
                "/options",
                "send options either as the JSON field `options` or as plain fields, not both",
            ));
        }
        self.json.unwrap_or(self.plain)
    }
}
