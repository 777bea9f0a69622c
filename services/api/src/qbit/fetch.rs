//! Fetching the `.torrent` files that `torrents/add` names by `http(s)` URL.
//!
//! Rules (a server that downloads whatever a client names is a request
//! forgery tool unless it is fenced in):
//! - only when `app_profile.features.fetch_torrent_urls` is on (default on,
//!   as qBittorrent); only `http` and `https`;
//! - the target must be a public address: loopback, private, link-local,
//!   shared, multicast and unspecified addresses are refused unless
//!   `app_profile.features.fetch_torrent_urls_private` is on (default off);
//! - each host is resolved once and the connection is pinned to the
//!   address that was checked, so a second DNS answer cannot point the
//!   request elsewhere (DNS rebinding); no proxy from the environment;
//! - redirects are followed here, at most [`MAX_REDIRECTS`], each target
//!   checked like the first;
//! - the body may be at most the upload limit for `.torrent` files
//!   (`ApiSettings::torrent_file_limit`), the whole fetch at most
//!   [`FETCH_TIMEOUT`];
//! - the bytes are not trusted: they go through the same add path as an
//!   uploaded file, which refuses anything that is not a torrent.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use reqwest::header::LOCATION;
use reqwest::{redirect, Response, Url};
use revaer_messages::config::ConfigSnapshot;

use crate::qbit::address::is_public;

/// The feature flag that allows fetching (default on).
pub const FEATURE: &str = "fetch_torrent_urls";
/// The feature flag that allows non-public targets (default off).
pub const FEATURE_PRIVATE: &str = "fetch_torrent_urls_private";
/// Upper bound of one fetch, redirects included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(30);
/// Most redirects followed.
pub const MAX_REDIRECTS: usize = 3;

/// What a fetch may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchPolicy {
    /// Fetching is on.
    pub enabled: bool,
    /// Non-public addresses may be fetched.
    pub allow_private: bool,
    /// Most bytes in a body.
    pub size_limit: usize,
}

fn feature(snapshot: &ConfigSnapshot, name: &str, default: bool) -> bool {
    snapshot
        .app_profile
        .features
        .get(name)
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(default)
}

impl FetchPolicy {
    /// The policy the configuration asks for.
    pub fn from_config(snapshot: &ConfigSnapshot, size_limit: usize) -> Self {
        Self {
            enabled: feature(snapshot, FEATURE, true),
            allow_private: feature(snapshot, FEATURE_PRIVATE, false),
            size_limit,
        }
    }
}

/// Why a URL gave no bytes.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("fetching torrent URLs is turned off")]
    Disabled,
    #[error("not a valid http(s) URL")]
    BadUrl,
    #[error("the host did not resolve")]
    Unresolved,
    #[error("the target {0} is not a public address")]
    Forbidden(IpAddr),
    #[error("more than {MAX_REDIRECTS} redirects")]
    TooManyRedirects,
    #[error("the server answered {0}")]
    Status(u16),
    #[error("the body is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the fetch took longer than {FETCH_TIMEOUT:?}")]
    Timeout,
    #[error("transport error")]
    Transport(#[source] reqwest::Error),
}

/// True for the URLs this module fetches (the rest of `urls` are magnets).
pub fn is_http(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// The bytes at `url`, within the policy.
pub async fn fetch(url: &str, policy: FetchPolicy) -> Result<Vec<u8>, FetchError> {
    if !policy.enabled {
        return Err(FetchError::Disabled);
    }
    tokio::time::timeout(FETCH_TIMEOUT, follow(url, policy))
        .await
        .map_err(|_| FetchError::Timeout)?
}

async fn follow(url: &str, policy: FetchPolicy) -> Result<Vec<u8>, FetchError> {
    let mut url = Url::parse(url).map_err(|_| FetchError::BadUrl)?;
    for _ in 0..=MAX_REDIRECTS {
        let response = get_pinned(&url, policy).await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or(FetchError::Status(status.as_u16()))?;
            url = url.join(location).map_err(|_| FetchError::BadUrl)?;
            continue;
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        return read_limited(response, policy.size_limit).await;
    }
    Err(FetchError::TooManyRedirects)
}

/// The URL's host as an IP literal, if it is one.
fn literal(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Resolves the URL's host once; the first address is the one used.
async fn resolve(url: &Url) -> Result<SocketAddr, FetchError> {
    let port = url.port_or_known_default().ok_or(FetchError::BadUrl)?;
    let host = url.host_str().ok_or(FetchError::BadUrl)?;
    if let Some(ip) = literal(host) {
        return Ok(SocketAddr::new(ip, port));
    }
    tokio::net::lookup_host((host, port))
        .await
        .map_err(|_| FetchError::Unresolved)?
        .next()
        .ok_or(FetchError::Unresolved)
}

/// One request, without following redirects, connected to the checked
/// address only.
async fn get_pinned(url: &Url, policy: FetchPolicy) -> Result<Response, FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::BadUrl);
    }
    let address = resolve(url).await?;
    if !policy.allow_private && !is_public(address.ip()) {
        return Err(FetchError::Forbidden(address.ip()));
    }
    let mut builder = reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .no_proxy();
    if let Some(domain) = url.host_str().filter(|h| literal(h).is_none()) {
        builder = builder.resolve(domain, address);
    }
    let client = builder.build().map_err(FetchError::Transport)?;
    client
        .get(url.clone())
        .send()
        .await
        .map_err(FetchError::Transport)
}

async fn read_limited(mut response: Response, limit: usize) -> Result<Vec<u8>, FetchError> {
    let most = u64::try_from(limit).unwrap_or(u64::MAX);
    if response
        .content_length()
        .is_some_and(|declared| declared > most)
    {
        return Err(FetchError::TooLarge(limit));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(FetchError::Transport)? {
        if body.len() + chunk.len() > limit {
            return Err(FetchError::TooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_fetched() {
        assert!(is_http("http://example.org/a.torrent"));
        assert!(is_http("HTTPS://example.org/a.torrent"));
        assert!(!is_http("magnet:?xt=urn:btih:00"));
        assert!(!is_http("ftp://example.org/a.torrent"));
        assert!(!is_http("http"));
    }

    #[actix_rt::test]
    async fn refusals_happen_before_any_connection() {
        let policy = FetchPolicy {
            enabled: true,
            allow_private: false,
            size_limit: 1024,
        };
        let refused = fetch("http://127.0.0.1:9/x.torrent", policy).await;
        assert!(
            matches!(refused, Err(FetchError::Forbidden(_))),
            "{refused:?}"
        );
        let refused = fetch("http://[::1]:9/x.torrent", policy).await;
        assert!(
            matches!(refused, Err(FetchError::Forbidden(_))),
            "{refused:?}"
        );
        let refused = fetch("file:///etc/passwd", policy).await;
        assert!(matches!(refused, Err(FetchError::BadUrl)), "{refused:?}");
        let off = FetchPolicy {
            enabled: false,
            ..policy
        };
        let refused = fetch("http://example.org/x.torrent", off).await;
        assert!(matches!(refused, Err(FetchError::Disabled)), "{refused:?}");
    }
}
