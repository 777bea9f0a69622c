//! The client itself: connection settings, sending with request ids and
//! `429` retries, and decoding answers into typed values or [`ClientError`].

use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, RequestBuilder, Response, StatusCode, Url};
use revaer_wire::Problem;
use serde::de::DeserializeOwned;
use std::fmt;
use std::time::Duration;

use crate::error::{retry_delay, root_cause, ApiFailure, ClientError};

/// How often a rate-limited (`429`) request is sent again before giving up.
pub const MAX_RATE_LIMIT_RETRIES: u32 = 3;

/// The header that names a request in the server's log.
const REQUEST_ID: &str = "x-request-id";

/// An API key (`KEY_ID:SECRET`). Its `Debug` never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, trimmed of surrounding whitespace (as read from a file).
    pub fn new(key: &str) -> Result<Self, ClientError> {
        let key = key.trim();
        match key.split_once(':') {
            Some((id, secret)) if !id.is_empty() && !secret.is_empty() => Ok(Self(key.to_string())),
            _ => Err(ClientError::Config(
                "the API key must look like KEY_ID:SECRET".into(),
            )),
        }
    }

    /// The public half (`KEY_ID`), safe to show.
    pub fn key_id(&self) -> &str {
        self.0.split_once(':').map_or("", |(id, _)| id)
    }

    fn header(&self) -> Result<HeaderValue, ClientError> {
        let mut value = HeaderValue::from_str(&self.0).map_err(|_| {
            ClientError::Config("the API key contains characters a header cannot carry".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({}:<redacted>)", self.key_id())
    }
}

/// How to reach the server.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Base URL, e.g. `http://127.0.0.1:7070`.
    pub base_url: String,
    /// The key for `/v1` routes (setup and health need none).
    pub api_key: Option<ApiKey>,
    /// Upper bound of one request (event streams: of connecting, and of
    /// silence, which the server's 15 s keep-alives prevent).
    pub timeout: Duration,
}

/// A typed client; cheap to clone.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) http: reqwest::Client,
    pub(crate) streams: reqwest::Client,
    pub(crate) base: Url,
    key: Option<HeaderValue>,
}

/// Silence on an event stream longer than this means the connection is
/// dead: the server sends a keep-alive every 15 s.
const STREAM_SILENCE: Duration = Duration::from_secs(45);

impl Client {
    /// A client for `options`.
    pub fn new(options: ClientOptions) -> Result<Self, ClientError> {
        let base = Url::parse(options.base_url.trim_end_matches('/'))
            .map_err(|err| ClientError::Config(format!("invalid --url: {err}")))?;
        if !matches!(base.scheme(), "http" | "https") {
            return Err(ClientError::Config(
                "--url must be http:// or https://".into(),
            ));
        }
        if base.password().is_some() || !base.username().is_empty() {
            return Err(ClientError::Config(
                "put credentials in the API key, not in --url".into(),
            ));
        }
        let agent = concat!("revaer-cli/", env!("CARGO_PKG_VERSION"));
        let build = |builder: reqwest::ClientBuilder| {
            builder
                .user_agent(agent)
                .connect_timeout(options.timeout)
                .build()
                .map_err(|err| ClientError::Config(format!("cannot set up HTTP: {err}")))
        };
        let http = build(reqwest::Client::builder().timeout(options.timeout))?;
        let streams =
            build(reqwest::Client::builder().read_timeout(options.timeout.max(STREAM_SILENCE)))?;
        let key = options.api_key.as_ref().map(ApiKey::header).transpose()?;
        Ok(Self {
            http,
            streams,
            base,
            key,
        })
    }

    /// The base URL as given (for messages).
    pub fn base_url(&self) -> &str {
        self.base.as_str().trim_end_matches('/')
    }

    /// `base` + `path` (`path` starts with `/`); a base with a path (a
    /// reverse proxy's prefix) keeps it.
    pub(crate) fn url(&self, path: &str) -> Result<Url, ClientError> {
        Url::parse(&format!("{}{path}", self.base_url()))
            .map_err(|err| ClientError::Config(format!("invalid path {path}: {err}")))
    }

    /// The headers of every request: a fresh request id, and the key.
    pub(crate) fn headers(&self, request_id: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(request_id) {
            headers.insert(REQUEST_ID, value);
        }
        if let Some(key) = &self.key {
            headers.insert("x-api-key", key.clone());
        }
        headers
    }

    /// Sends the request `build` makes (once per attempt: a multipart body
    /// cannot be replayed), retrying `429` after `Retry-After`. Returns the
    /// successful response with the request id used, or the failure.
    pub(crate) async fn send(
        &self,
        build: impl Fn(&reqwest::Client) -> RequestBuilder,
    ) -> Result<(Response, String), ClientError> {
        let mut retries = 0;
        loop {
            let request_id = uuid::Uuid::new_v4().to_string();
            let response = build(&self.http)
                .headers(self.headers(&request_id))
                .send()
                .await
                .map_err(|err| self.unreachable(&err, &request_id))?;
            let status = response.status();
            if status == StatusCode::TOO_MANY_REQUESTS && retries < MAX_RATE_LIMIT_RETRIES {
                let wait = retry_delay(
                    response
                        .headers()
                        .get(RETRY_AFTER)
                        .and_then(|v| v.to_str().ok()),
                );
                retries += 1;
                tokio::time::sleep(wait).await;
                continue;
            }
            if status.is_success() {
                return Ok((response, request_id));
            }
            return Err(failure(response, request_id, retries).await);
        }
    }

    pub(crate) fn unreachable(&self, err: &reqwest::Error, request_id: &str) -> ClientError {
        ClientError::Unreachable {
            url: self.base_url().to_string(),
            reason: root_cause(err),
            request_id: request_id.to_string(),
            timed_out: err.is_timeout(),
        }
    }

    /// A JSON answer as `T`.
    pub(crate) async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl serde::Serialize + ?Sized)>,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        let (response, request_id) = self
            .send(|http| {
                let request = http.request(method.clone(), url.clone());
                match body {
                    Some(body) => request.json(body),
                    None => request,
                }
            })
            .await?;
        decode(response, request_id).await
    }

    /// A request whose success has no body (`202`/`204`).
    pub(crate) async fn empty(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl serde::Serialize + ?Sized)>,
    ) -> Result<(), ClientError> {
        let url = self.url(path)?;
        self.send(|http| {
            let request = http.request(method.clone(), url.clone());
            match body {
                Some(body) => request.json(body),
                None => request,
            }
        })
        .await?;
        Ok(())
    }
}

/// Reads a successful answer as `T`.
pub(crate) async fn decode<T: DeserializeOwned>(
    response: Response,
    request_id: String,
) -> Result<T, ClientError> {
    let request_id = answered_id(&response).unwrap_or(request_id);
    let bytes = response
        .bytes()
        .await
        .map_err(|err| ClientError::Protocol {
            reason: format!("reading the answer: {}", root_cause(&err)),
            request_id: Some(request_id.clone()),
        })?;
    serde_json::from_slice(&bytes).map_err(|err| ClientError::Protocol {
        reason: format!("the answer does not match the API's type: {err}"),
        request_id: Some(request_id),
    })
}

fn answered_id(response: &Response) -> Option<String> {
    response
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Turns an error answer into [`ClientError::Api`], with its problem
/// document when the body is one.
pub(crate) async fn failure(response: Response, request_id: String, retries: u32) -> ClientError {
    let status = response.status().as_u16();
    let request_id = answered_id(&response).unwrap_or(request_id);
    let problem = match response.bytes().await {
        Ok(bytes) => serde_json::from_slice::<Problem>(&bytes).ok(),
        Err(_) => None,
    };
    ClientError::Api(Box::new(ApiFailure {
        status,
        problem,
        request_id,
        retries,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_show_their_secret() -> Result<(), ClientError> {
        let key = ApiKey::new(" abc123:s3cr3t-value\n")?;
        assert_eq!(key.key_id(), "abc123");
        let shown = format!("{key:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(ApiKey::new("no-colon").is_err());
        assert!(ApiKey::new(":secret").is_err());
        let client = Client::new(ClientOptions {
            base_url: "http://127.0.0.1:1".into(),
            api_key: Some(key),
            timeout: Duration::from_secs(1),
        })?;
        assert!(!format!("{client:?}").contains("s3cr3t"));
        Ok(())
    }

    #[test]
    fn urls_must_be_http_without_credentials() {
        let options = |url: &str| ClientOptions {
            base_url: url.into(),
            api_key: None,
            timeout: Duration::from_secs(1),
        };
        assert!(Client::new(options("ftp://x")).is_err());
        assert!(Client::new(options("http://u:p@127.0.0.1")).is_err());
        assert!(Client::new(options("not a url")).is_err());
        assert!(Client::new(options("https://revaer.example/")).is_ok());
    }
}
