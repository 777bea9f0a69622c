//! API-key authentication.
//!
//! Clients send `x-api-key: KEY_ID:SECRET` or `Authorization: Bearer
//! KEY_ID:SECRET`. A key is verified against its argon2id hash once; after
//! that a SHA-256 digest of the secret is cached in memory so a request does
//! not pay argon2 again. The cache is cleared on every settings revision
//! (key changes bump the revision), so a disabled or deleted key stops
//! working as soon as the watcher delivers the change.
//!
//! Authentication is two steps, [`from_cache`] (cheap) and [`verify`]
//! (database and argon2), so the access guard can charge the client's IP
//! bucket in between and throttle brute force before it costs CPU.

use actix_web::http::header::{HeaderMap, AUTHORIZATION};
use revaer_schema::models::api_keys;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::error::ApiError;
use crate::secrets;
use crate::state::ApiState;

/// How often `last_used_at` is written for a busy key.
const TOUCH_INTERVAL: Duration = Duration::from_secs(60);

/// The key a request was authenticated with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedKey {
    /// Public id.
    pub key_id: String,
    /// Token bucket size.
    pub burst: i32,
    /// Refill period in seconds.
    pub per_seconds: i32,
}

#[derive(Debug, Clone)]
struct CachedKey {
    digest: [u8; 32],
    enabled: bool,
    burst: i32,
    per_seconds: i32,
    touched: Instant,
}

/// Verified keys by id.
#[derive(Debug, Clone, Default)]
pub struct KeyCache {
    inner: Arc<Mutex<HashMap<String, CachedKey>>>,
}

impl KeyCache {
    /// Forgets every verified key.
    pub fn clear(&self) {
        self.lock().clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, CachedKey>> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// Constant-time comparison, so timing does not reveal how much matched.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// Extracts `(key_id, secret)` from the headers.
pub fn credentials(headers: &HeaderMap) -> Result<(String, String), ApiError> {
    let raw = if let Some(value) = headers.get("x-api-key") {
        value
            .to_str()
            .map_err(|_| ApiError::unauthorized("the x-api-key header is not valid text"))?
            .trim()
            .to_string()
    } else if let Some(value) = headers.get(AUTHORIZATION) {
        let text = value
            .to_str()
            .map_err(|_| ApiError::unauthorized("the Authorization header is not valid text"))?;
        match text.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
                token.trim().to_string()
            }
            _ => {
                return Err(ApiError::unauthorized(
                    "use `Authorization: Bearer KEY_ID:SECRET` or `x-api-key`",
                ))
            }
        }
    } else {
        return Err(ApiError::unauthorized(
            "an API key is required (x-api-key: KEY_ID:SECRET)",
        ));
    };
    parse_key(&raw)
}

/// Splits `KEY_ID:SECRET` into its parts, refusing anything else.
pub fn parse_key(raw: &str) -> Result<(String, String), ApiError> {
    let Some((key_id, secret)) = raw.split_once(':') else {
        return Err(ApiError::unauthorized(
            "the API key must have the form KEY_ID:SECRET",
        ));
    };
    let well_formed =
        |s: &str| !s.is_empty() && s.len() <= 128 && s.bytes().all(|b| b.is_ascii_alphanumeric());
    if !well_formed(key_id) || !well_formed(secret) {
        return Err(ApiError::unauthorized("the API key is not valid"));
    }
    Ok((key_id.to_string(), secret.to_string()))
}

fn check_enabled(key: AuthenticatedKey, enabled: bool) -> Result<AuthenticatedKey, ApiError> {
    if enabled {
        Ok(key)
    } else {
        Err(ApiError::forbidden(
            "key_disabled",
            format!("API key {} is disabled", key.key_id),
        ))
    }
}

/// Presented credentials that the in-memory cache could not decide.
#[derive(Debug)]
pub struct Unverified {
    key_id: String,
    secret: String,
}

/// What the key cache says about a request, without database or argon2 work.
#[derive(Debug)]
pub enum CacheLookup {
    /// The cache knows this key and secret: the outcome (ok, or disabled).
    Decided(Result<AuthenticatedKey, ApiError>),
    /// Unknown key, uncached since the last revision, or another secret:
    /// only [`verify`] can tell.
    Verify(Unverified),
}

/// The cheap first step: parses the credentials (`Err` is the 401 for
/// missing or malformed ones) and answers from the cache when it can.
///
/// Why split from [`verify`]: the caller charges the client's IP bucket
/// between the two, so only the expensive path is throttled per address.
pub fn from_cache(state: &ApiState, headers: &HeaderMap) -> Result<CacheLookup, ApiError> {
    let (key_id, secret) = credentials(headers)?;
    Ok(lookup(state, key_id, secret))
}

/// [`from_cache`] for credentials that did not come in a header (the
/// qBittorrent facade's login form and Basic authentication).
pub fn lookup(state: &ApiState, key_id: String, secret: String) -> CacheLookup {
    let presented = digest(&secret);
    let cached = state.keys.lock().get(&key_id).cloned();
    if let Some(cached) = cached {
        if same(&cached.digest, &presented) {
            let key = AuthenticatedKey {
                key_id: key_id.clone(),
                burst: cached.burst,
                per_seconds: cached.per_seconds,
            };
            if cached.touched.elapsed() >= TOUCH_INTERVAL {
                touch(state, &key_id);
            }
            return CacheLookup::Decided(check_enabled(key, cached.enabled));
        }
    }
    CacheLookup::Verify(Unverified { key_id, secret })
}

/// The expensive step: looks the key up and verifies the secret against its
/// argon2id hash, then caches the outcome.
pub async fn verify(
    state: &ApiState,
    unverified: Unverified,
) -> Result<AuthenticatedKey, ApiError> {
    let Unverified { key_id, secret } = unverified;
    let presented = digest(&secret);
    let lookup_id = key_id.clone();
    let row = state
        .db(move |conn| {
            let row = api_keys::find(conn, &lookup_id)?;
            Ok(row.filter(|row| secrets::verify(&secret, &row.secret_hash)))
        })
        .await?;
    let Some(row) = row else {
        tracing::info!(auth.key_id = %key_id, "rejected API key");
        return Err(ApiError::unauthorized("the API key is not valid"));
    };
    state.keys.lock().insert(
        key_id.clone(),
        CachedKey {
            digest: presented,
            enabled: row.enabled,
            burst: row.rate_burst,
            per_seconds: row.rate_per_seconds,
            touched: Instant::now(),
        },
    );
    if row.enabled {
        touch(state, &key_id);
    }
    check_enabled(
        AuthenticatedKey {
            key_id,
            burst: row.rate_burst,
            per_seconds: row.rate_per_seconds,
        },
        row.enabled,
    )
}

/// Records `last_used_at` in the background; a failure only costs the timestamp.
fn touch(state: &ApiState, key_id: &str) {
    if let Some(entry) = state.keys.lock().get_mut(key_id) {
        entry.touched = Instant::now();
    }
    let state = state.clone();
    let key_id = key_id.to_string();
    actix_web::rt::spawn(async move {
        if let Err(err) = state
            .db(move |conn| Ok(api_keys::touch(conn, &key_id)?))
            .await
        {
            tracing::debug!(error = %err, "could not record key use");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn headers(name: &'static str, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            map.insert(
                actix_web::http::header::HeaderName::from_static(name),
                value,
            );
        }
        map
    }

    #[test]
    fn parses_both_header_forms_and_rejects_garbage() {
        assert!(
            matches!(credentials(&headers("x-api-key", "abc:def")), Ok((k, s)) if k == "abc" && s == "def")
        );
        assert!(
            matches!(credentials(&headers("authorization", "Bearer abc:def")), Ok((k, _)) if k == "abc")
        );
        assert!(credentials(&headers("authorization", "Basic abc:def")).is_err());
        assert!(credentials(&headers("x-api-key", "nocolon")).is_err());
        assert!(credentials(&headers("x-api-key", "a b:c")).is_err());
        assert!(credentials(&HeaderMap::new()).is_err());
    }
}
