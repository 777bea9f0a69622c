//! API-key authentication.
//!
//! Clients send `x-api-key: KEY_ID:SECRET` or `Authorization: Bearer
//! KEY_ID:SECRET`. A key is verified against its argon2id hash once; after
//! that the process remembers it (see [`cache`]): a remembered decision
//! answers without the database, and after a settings revision cleared the
//! decisions a remembered proof of the secret needs one database read but
//! no argon2. A disabled or deleted key stops working as soon as the
//! watcher delivers the change, and at once for requests that start after
//! `PATCH`/`DELETE /v1/keys/{id}` returned (those routes clear the cache on
//! commit).
//!
//! Authentication is two steps, [`from_cache`] (cheap) and [`verify`]
//! (database, and argon2 unless the secret is proven), so the access guard
//! can refuse argon2 work to an address that keeps failing before it costs
//! CPU, and charge only failures to that address.

pub mod cache;

use actix_web::http::header::{HeaderMap, AUTHORIZATION};
use revaer_schema::models::api_keys;
use sha2::{Digest, Sha256};
use std::time::{Duration, Instant};

pub use cache::KeyCache;
use cache::{CachedKey, Proof};

use crate::error::ApiError;
use crate::rate_limit::OverBudget;
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
    /// The key-cache generation the key was checked at: a stream opened
    /// with it re-checks the key once the cache has moved on.
    pub generation: u64,
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
    /// The hash this secret already passed argon2 against, if it did.
    proven: Option<String>,
    /// Set when the client's address is over its failed-authentication
    /// budget: argon2 then runs only in the key id's slot.
    over_budget: Option<OverBudget>,
}

impl Unverified {
    /// Whether deciding needs an argon2 verification (the expensive part
    /// that the per-address gate protects).
    pub fn needs_argon2(&self) -> bool {
        self.proven.is_none()
    }

    /// Marks the client as over its address budget (see
    /// [`crate::rate_limit::slots`]): [`verify`] then answers that budget's
    /// `429` for an unknown key id, or for a known one whose slot is taken,
    /// without any argon2 work.
    pub fn over_budget(&mut self, over: Option<OverBudget>) {
        self.over_budget = over;
    }
}

/// What the key cache says about a request, without database or argon2 work.
#[derive(Debug)]
pub enum CacheLookup {
    /// The cache knows this key and secret: the outcome (ok, or disabled).
    Decided(Result<AuthenticatedKey, ApiError>),
    /// Unknown key, undecided since the last revision, or another secret:
    /// only [`verify`] can tell.
    Verify(Unverified),
}

/// The cheap first step: parses the credentials (`Err` is the 401 for
/// missing or malformed ones) and answers from the cache when it can.
pub fn from_cache(state: &ApiState, headers: &HeaderMap) -> Result<CacheLookup, ApiError> {
    let (key_id, secret) = credentials(headers)?;
    Ok(lookup(state, key_id, secret))
}

/// [`from_cache`] for credentials that did not come in a header (the
/// qBittorrent facade's login form and Basic authentication).
pub fn lookup(state: &ApiState, key_id: String, secret: String) -> CacheLookup {
    let presented = digest(&secret);
    let (decided, generation) = state.keys.decision(&key_id);
    if let Some(cached) = decided.filter(|c| same(&c.digest, &presented)) {
        let key = AuthenticatedKey {
            key_id: key_id.clone(),
            burst: cached.burst,
            per_seconds: cached.per_seconds,
            generation,
        };
        if cached.touched.elapsed() >= TOUCH_INTERVAL {
            touch(state, &key_id);
        }
        return CacheLookup::Decided(check_enabled(key, cached.enabled));
    }
    let proven = state
        .keys
        .proof(&key_id)
        .filter(|proof| same(&proof.digest, &presented))
        .map(|proof| proof.secret_hash);
    CacheLookup::Verify(Unverified {
        key_id,
        secret,
        proven,
        over_budget: None,
    })
}

/// What the database says about presented credentials.
enum Found {
    Key(api_keys::ApiKeyRow),
    WrongSecret,
    NoKey,
    /// Over the address budget and no slot for this key id.
    Throttled,
}

/// The expensive step: looks the key up and verifies the secret against its
/// argon2id hash (unless it passed against that very hash before), then
/// remembers the outcome. `Err` with status 401 is a failed authentication.
pub async fn verify(
    state: &ApiState,
    unverified: Unverified,
) -> Result<AuthenticatedKey, ApiError> {
    let Unverified {
        key_id,
        secret,
        proven,
        over_budget,
    } = unverified;
    let presented = digest(&secret);
    // Read before the lookup: a clear after this point (a revocation
    // committing) keeps this outcome out of the cache.
    let generation = state.keys.generation();
    let lookup_id = key_id.clone();
    let slots = over_budget.map(|_| state.rate_limits.clone());
    let found = state
        .db(move |conn| {
            Ok(match api_keys::find(conn, &lookup_id)? {
                Some(row) if proven.as_deref() == Some(row.secret_hash.as_str()) => Found::Key(row),
                Some(_) if slots.as_ref().is_some_and(|s| !s.take_key_slot(&lookup_id)) => {
                    Found::Throttled
                }
                Some(row) if secrets::verify(&secret, &row.secret_hash) => Found::Key(row),
                Some(_) => Found::WrongSecret,
                None if slots.is_some() => Found::Throttled,
                // As slow as a wrong secret, so timing does not tell
                // unknown ids from known ones.
                None => {
                    secrets::verify_nothing(&secret);
                    Found::NoKey
                }
            })
        })
        .await?;
    let row = match (found, over_budget) {
        (Found::Key(row), _) => row,
        (Found::Throttled, Some(over)) => return Err(state.rate_limits.refuse(over)),
        (found, _) => {
            if matches!(found, Found::NoKey) {
                // Deleted: a proof of its secret is worth nothing now.
                state.keys.forget(&key_id);
            }
            // The refusal itself is logged at WARN with the client address
            // by telemetry.
            tracing::debug!(auth.key_id = %key_id, "rejected API key");
            return Err(ApiError::unauthorized("the API key is not valid"));
        }
    };
    state.keys.prove(
        &key_id,
        Proof {
            digest: presented,
            secret_hash: row.secret_hash.clone(),
        },
    );
    let cached = state.keys.decide(
        generation,
        &key_id,
        CachedKey {
            digest: presented,
            enabled: row.enabled,
            burst: row.rate_burst,
            per_seconds: row.rate_per_seconds,
            touched: Instant::now(),
        },
    );
    if row.enabled && cached {
        touch(state, &key_id);
    }
    check_enabled(
        AuthenticatedKey {
            key_id,
            burst: row.rate_burst,
            per_seconds: row.rate_per_seconds,
            generation,
        },
        row.enabled,
    )
}

/// Completes once `key` no longer authorises what was opened with it: the
/// key was deleted, disabled or given another rate limit (an event stream
/// then ends; its client reconnects and is authenticated and charged
/// afresh). Checked whenever the key cache moves to a new generation, which
/// every settings revision and every key change causes, so a revocation
/// reaches open streams as promptly as it reaches new requests. A failed
/// check (database unavailable) also completes it: fail closed.
pub async fn revoked(state: ApiState, key: AuthenticatedKey) {
    let mut generations = state.keys.watch();
    let mut checked = key.generation;
    loop {
        let current = *generations.borrow_and_update();
        if current == checked {
            if generations.changed().await.is_err() {
                // The cache is gone with the server: nothing left to revoke.
                std::future::pending::<()>().await;
            }
            continue;
        }
        checked = current;
        let id = key.key_id.clone();
        let row = state.db(move |conn| Ok(api_keys::find(conn, &id)?)).await;
        let holds = matches!(&row, Ok(Some(row)) if row.enabled
            && row.rate_burst == key.burst
            && row.rate_per_seconds == key.per_seconds);
        if !holds {
            tracing::info!(auth.key_id = %key.key_id, "key changed or revoked; ending its stream");
            return;
        }
    }
}

/// Records `last_used_at` in the background; a failure only costs the timestamp.
fn touch(state: &ApiState, key_id: &str) {
    state.keys.touched(key_id);
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
