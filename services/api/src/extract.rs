//! Extractor configuration: body, path and query errors become problems.

use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::{ready, LocalBoxFuture, Ready};
use revaer_messages::InvalidParam;
use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;

use crate::error::{payload_too_large, unsupported_media_type, ApiError};
use crate::request_id::RequestId;

/// JSON bodies above this size get `413`.
pub const JSON_LIMIT: usize = 1024 * 1024;

/// Whether a request body is declared as JSON the way the API accepts it:
/// `application/json`, with no charset or `charset=utf-8` (RFC 8259 makes
/// UTF-8 the only encoding of JSON). Other `+json` types name other
/// semantics (JSON Patch, merge patch) that the API does not implement, so
/// they are `415` rather than silently read as plain JSON.
pub fn is_plain_json(req: &HttpRequest) -> bool {
    match req.mime_type() {
        Ok(Some(mime)) => {
            mime.type_() == actix_web::mime::APPLICATION
                && mime.subtype() == actix_web::mime::JSON
                && mime.suffix().is_none()
                && mime
                    .get_param(actix_web::mime::CHARSET)
                    .is_none_or(|charset| charset.as_str().eq_ignore_ascii_case("utf-8"))
        }
        _ => false,
    }
}

/// JSON extractor settings with problem+json errors.
pub fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(JSON_LIMIT)
        .error_handler(|err, _req| json_error(err).into())
}

/// Path extractor settings with problem+json errors.
pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(|err: PathError, _req| {
        ApiError::bad_request("invalid_path", format!("invalid path parameter: {err}")).into()
    })
}

/// Query extractor settings with problem+json errors.
pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(|err: QueryPayloadError, _req| {
        let message = match &err {
            QueryPayloadError::Deserialize(inner) => inner.to_string(),
            other => other.to_string(),
        };
        ApiError::validation(vec![InvalidParam::new(
            "",
            format!("invalid query string: {message}"),
        )])
        .into()
    })
}

pub(crate) fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            payload_too_large()
        }
        JsonPayloadError::ContentType => unsupported_media_type(),
        JsonPayloadError::Deserialize(inner) if inner.is_data() => {
            // Unknown fields, wrong types, missing fields: the JSON was fine,
            // its content is not.
            ApiError::validation(vec![InvalidParam::new(
                "",
                strip_position(&inner.to_string()),
            )])
        }
        JsonPayloadError::Deserialize(inner) => ApiError::bad_request(
            "malformed_json",
            format!("malformed JSON: {}", strip_position(&inner.to_string())),
        ),
        JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => payload_too_large(),
        other => ApiError::bad_request(
            "invalid_body",
            format!("cannot read the request body: {other}"),
        ),
    }
}

fn strip_position(text: &str) -> String {
    match text.find(" at line ") {
        Some(index) => text[..index].to_string(),
        None => text.to_string(),
    }
}

/// A JSON body whose content errors point at the offending field.
///
/// Why not `web::Json<T>`: serde reports a wrong type or an unknown field
/// with a line and column only, so the `422` could not say *which* field.
/// The body is read as a JSON value first (malformed JSON, size and content
/// type are answered by [`json_config`] as for any JSON body), then turned
/// into `T` while tracking the path, which becomes the problem's pointer
/// (`/rate_limit/burst`).
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T> Json<T> {
    /// The body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        if !is_plain_json(req) {
            let mut err = unsupported_media_type();
            err.detail = "send the body as application/json (UTF-8)".into();
            return Box::pin(ready(Err(err.into())));
        }
        let value = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move {
            let web::Json(value) = value.await?;
            serde_path_to_error::deserialize(value)
                .map(Json)
                .map_err(|err| {
                    let pointer = json_pointer(err.path());
                    let message = strip_position(&err.into_inner().to_string());
                    ApiError::validation(vec![InvalidParam::new(pointer, message)]).into()
                })
        })
    }
}

/// An RFC 6901 JSON pointer for a serde path (`""` for the whole body).
fn json_pointer(path: &serde_path_to_error::Path) -> String {
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { variant } => {
                pointer.push('/');
                pointer.push_str(variant);
            }
            Segment::Unknown => {}
        }
    }
    pointer
}

/// The id of the current request, for handlers that pass it on to actors.
#[derive(Debug, Clone)]
pub struct ReqId(pub Option<String>);

impl FromRequest for ReqId {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(ReqId(
            req.extensions().get::<RequestId>().map(|id| id.0.clone()),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialised, to exercise error pointers")]
    struct Body {
        items: Vec<Item>,
        #[serde(rename = "a/b~c")]
        odd: Option<u8>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialised, to exercise error pointers")]
    struct Item {
        size: u32,
    }

    async fn pointer_of(body: &str) -> Result<String, Box<dyn std::error::Error>> {
        let (req, mut payload) = TestRequest::post()
            .insert_header(("content-type", "application/json"))
            .set_payload(body.to_string())
            .to_http_parts();
        let err = match Json::<Body>::from_request(&req, &mut payload).await {
            Ok(body) => return Err(format!("accepted {body:?}").into()),
            Err(err) => err,
        };
        let problem: &ApiError = err.as_error().ok_or("not an ApiError")?;
        assert_eq!(problem.status.as_u16(), 422);
        let params = problem.invalid_params.as_deref().unwrap_or_default();
        Ok(params.first().ok_or("no invalid_params")?.pointer.clone())
    }

    #[test]
    fn only_plain_utf8_json_is_json() {
        let accepts = |content_type: &str| {
            is_plain_json(
                &TestRequest::post()
                    .insert_header(("content-type", content_type))
                    .to_http_request(),
            )
        };
        for yes in [
            "application/json",
            "application/json; charset=utf-8",
            "APPLICATION/JSON; Charset=\"UTF-8\"",
        ] {
            assert!(accepts(yes), "{yes}");
        }
        for no in [
            "application/json; charset=latin1",
            "application/json-patch+json",
            "application/merge-patch+json",
            "text/json",
            "text/plain",
            "garbage",
        ] {
            assert!(!accepts(no), "{no}");
        }
        assert!(!is_plain_json(&TestRequest::post().to_http_request()));
    }

    #[actix_rt::test]
    async fn content_errors_point_at_the_field() -> Result<(), Box<dyn std::error::Error>> {
        assert_eq!(
            pointer_of(r#"{"items": [{"size": 1}, {"size": -1}]}"#).await?,
            "/items/1/size"
        );
        assert_eq!(
            pointer_of(r#"{"items": [], "a/b~c": "x"}"#).await?,
            "/a~1b~0c"
        );
        assert_eq!(
            pointer_of(r#"{"items": [{"size": 1, "colour": 2}]}"#).await?,
            "/items/0/colour"
        );
        assert_eq!(pointer_of(r#"{}"#).await?, "");
        Ok(())
    }
}
