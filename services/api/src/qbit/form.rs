//! Request parameters of the qBittorrent facade.
//!
//! Rules (what qBittorrent's clients send):
//! - parameters come from the query string and from the body, either
//!   `application/x-www-form-urlencoded` or `multipart/form-data` (clients
//!   switch to multipart when a value passes 1,024 bytes or a file is
//!   attached); a multipart part with a file name is an upload;
//! - booleans are `true`/`false` in any letter case (`True` from .NET
//!   clients), or `1`/`0`; anything else is a `400`;
//! - `hashes` is `|`-separated info hashes or `all`;
//! - bodies are read as a stream and refused with `413` once they pass
//!   their limit (a file: `ApiSettings::torrent_file_limit`; a text value
//!   or a urlencoded body: [`TEXT_LIMIT`]).

use actix_multipart::{Field, Multipart};
use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest};
use bytes::BytesMut;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use revaer_messages::TorrentId;
use std::str::FromStr;

use crate::qbit::response::QbitError;
use crate::state::{ApiState, DEFAULT_TORRENT_FILE_LIMIT};

/// Largest urlencoded body or multipart text value.
pub const TEXT_LIMIT: usize = 2 * 1024 * 1024;
/// Most files in one multipart body.
pub const MAX_FILES: usize = 100;

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The form field (`torrents`).
    pub field: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Which torrents a request names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hashes {
    /// `all`.
    All,
    /// These (lowercased; malformed ones are dropped, as they name nothing).
    Some(Vec<TorrentId>),
}

/// The query and body parameters of a request, plus uploads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(String, String)>,
    /// Uploaded files, in order.
    pub files: Vec<Upload>,
}

fn too_large() -> QbitError {
    QbitError::new(StatusCode::PAYLOAD_TOO_LARGE, "Payload too large")
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn decode_pairs(text: &str) -> Result<Vec<(String, String)>, QbitError> {
    serde_urlencoded::from_str(text).map_err(|_| QbitError::bad_request("Malformed parameters"))
}

async fn read_stream<S, E>(mut stream: S, limit: usize) -> Result<BytesMut, QbitError>
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>> + Unpin,
{
    let mut data = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| QbitError::bad_request("Cannot read the request body"))?;
        if data.len() + chunk.len() > limit {
            return Err(too_large());
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

async fn read_field(field: &mut Field, limit: usize) -> Result<BytesMut, QbitError> {
    let mut data = BytesMut::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| QbitError::bad_request("Malformed multipart body"))?;
        if data.len() + chunk.len() > limit {
            return Err(too_large());
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data)
}

impl Params {
    /// Parameters from a query string only.
    pub fn from_query(query: &str) -> Result<Self, QbitError> {
        Ok(Self {
            pairs: decode_pairs(query)?,
            files: Vec::new(),
        })
    }

    /// Reads the query string and the body.
    pub async fn read(
        req: &HttpRequest,
        payload: web::Payload,
        file_limit: usize,
    ) -> Result<Self, QbitError> {
        let mut params = Self::from_query(req.query_string())?;
        match media_type(req.headers()).as_str() {
            "application/x-www-form-urlencoded" => {
                let body = read_stream(payload, TEXT_LIMIT).await?;
                let text = std::str::from_utf8(&body)
                    .map_err(|_| QbitError::bad_request("The body is not UTF-8"))?;
                params.pairs.extend(decode_pairs(text)?);
            }
            "multipart/form-data" => {
                params
                    .read_multipart(req.headers(), payload, file_limit)
                    .await?
            }
            _ => {}
        }
        Ok(params)
    }

    async fn read_multipart(
        &mut self,
        headers: &HeaderMap,
        payload: web::Payload,
        file_limit: usize,
    ) -> Result<(), QbitError> {
        let mut form = Multipart::new(headers, payload);
        while let Some(field) = form.next().await {
            let mut field =
                field.map_err(|_| QbitError::bad_request("Malformed multipart body"))?;
            let name = field.name().unwrap_or_default().to_string();
            let is_file = field
                .content_disposition()
                .and_then(|d| d.get_filename())
                .is_some();
            if is_file {
                if self.files.len() >= MAX_FILES {
                    return Err(too_large());
                }
                let bytes = read_field(&mut field, file_limit).await?.to_vec();
                self.files.push(Upload { field: name, bytes });
            } else {
                let data = read_field(&mut field, TEXT_LIMIT).await?;
                let text = String::from_utf8(data.to_vec())
                    .map_err(|_| QbitError::bad_request(format!("{name} is not UTF-8 text")))?;
                self.pairs.push((name, text));
            }
        }
        Ok(())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first non-blank value of `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }

    /// The value of a required parameter.
    pub fn require(&self, name: &str) -> Result<&str, QbitError> {
        self.get(name).ok_or_else(|| QbitError::missing(name))
    }

    /// A boolean, case-insensitively (`None` when absent or blank).
    pub fn flag(&self, name: &str) -> Result<Option<bool>, QbitError> {
        match self.text(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => Ok(Some(false)),
            Some(_) => Err(QbitError::bad_request(format!(
                "{name} must be true or false"
            ))),
        }
    }

    /// A number (`None` when absent or blank).
    pub fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, QbitError> {
        self.text(name)
            .map(|v| {
                v.parse::<T>()
                    .map_err(|_| QbitError::bad_request(format!("{name} must be a number")))
            })
            .transpose()
    }

    /// `hashes`: `all` or `|`-separated info hashes (required).
    pub fn hashes(&self) -> Result<Hashes, QbitError> {
        let raw = self.require("hashes")?.trim();
        if raw.eq_ignore_ascii_case("all") {
            return Ok(Hashes::All);
        }
        Ok(Hashes::Some(
            raw.split('|')
                .filter_map(|h| TorrentId::parse(h.trim()).ok())
                .collect(),
        ))
    }

    /// `hash`: one info hash (required); a malformed one names no torrent.
    pub fn hash(&self) -> Result<TorrentId, QbitError> {
        let raw = self.require("hash")?;
        TorrentId::parse(raw.trim()).map_err(|_| QbitError::not_found("Not Found"))
    }
}

impl FromRequest for Params {
    type Error = QbitError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let payload = web::Payload::from_request(&req, payload).into_inner();
        let file_limit = req
            .app_data::<web::Data<ApiState>>()
            .map_or(DEFAULT_TORRENT_FILE_LIMIT, |s| {
                s.settings.torrent_file_limit
            });
        Box::pin(async move {
            let payload =
                payload.map_err(|_| QbitError::bad_request("Cannot read the request body"))?;
            Self::read(&req, payload, file_limit).await
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_case_insensitive_and_strict() -> Result<(), QbitError> {
        let params = Params::from_query("a=True&b=FALSE&c=1&d=yes&e=")?;
        assert_eq!(params.flag("a")?, Some(true));
        assert_eq!(params.flag("b")?, Some(false));
        assert_eq!(params.flag("c")?, Some(true));
        assert!(params.flag("d").is_err());
        assert_eq!(params.flag("e")?, None);
        assert_eq!(params.flag("absent")?, None);
        Ok(())
    }

    #[test]
    fn hashes_are_all_or_a_pipe_list() -> Result<(), QbitError> {
        let a = "A".repeat(40);
        let params = Params::from_query(&format!("hashes={a}%7Cbad%7C{}", "b".repeat(40)))?;
        let Hashes::Some(ids) = params.hashes()? else {
            return Err(QbitError::bad_request("expected a list"));
        };
        assert_eq!(ids.len(), 2);
        assert_eq!(ids[0].as_str(), "a".repeat(40));
        assert_eq!(Params::from_query("hashes=ALL")?.hashes()?, Hashes::All);
        assert!(Params::from_query("")?.hashes().is_err());
        assert_eq!(Params::from_query("n=5")?.number::<i64>("n")?, Some(5));
        assert!(Params::from_query("n=x")?.number::<i64>("n").is_err());
        Ok(())
    }
}
