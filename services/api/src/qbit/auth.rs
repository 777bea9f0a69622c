//! Authentication of the qBittorrent facade.
//!
//! A request is authenticated by, in order: a live `SID` session cookie
//! (from `auth/login`), `Authorization: Bearer KEY_ID:SECRET` or
//! `x-api-key`, or preemptive `Authorization: Basic` whose password is the
//! API key (any user name). Anything else is `403 Forbidden` with a plain
//! body, qBittorrent's answer that makes its clients log in (and that
//! Sonarr's detection reads as "WebAPI v2 present"): never `401`.
//!
//! Like `/v1`, every failed authentication (no or bad credentials, a wrong
//! key, a failed login) takes a token from the client address's bucket, and
//! argon2 work is done only while that bucket has a token, so guessing is
//! throttled before it costs CPU; a login refused for that answers
//! qBittorrent's ban text.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::ServiceRequest;
use actix_web::http::header::{HeaderMap, AUTHORIZATION};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use revaer_messages::config::Mode;
use revaer_schema::models::api_keys;
use std::net::IpAddr;
use std::time::Instant;

use crate::auth::{self, AuthenticatedKey, CacheLookup};
use crate::qbit::form::Params;
use crate::qbit::response::{self, QbitError};
use crate::qbit::session::SessionCheck;
use crate::qbit::{enabled, LOGIN_PATH};
use crate::secrets;
use crate::state::ApiState;

/// Name of the session cookie.
pub const SID: &str = "SID";
/// qBittorrent's text for a refused login from a throttled address.
pub const BANNED: &str =
    "Your IP address has been banned after too many failed authentication attempts.";

fn forbidden() -> HttpResponse {
    response::text(StatusCode::FORBIDDEN, "Forbidden")
}

/// The API key a request presents in its headers: `Some(Err)` when the
/// headers carry credentials that cannot be a key.
fn presented_key(headers: &HeaderMap) -> Option<Result<(String, String), ()>> {
    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    if let Some(basic) = authorization.and_then(|v| {
        let (scheme, token) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("basic").then_some(token.trim())
    }) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(basic)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let password = decoded
            .as_deref()
            .and_then(|d| d.split_once(':'))
            .map(|(_, p)| p.to_string());
        return Some(
            password
                .ok_or(())
                .and_then(|p| auth::parse_key(&p).map_err(|_| ())),
        );
    }
    if headers.contains_key("x-api-key") || authorization.is_some() {
        return Some(auth::credentials(headers).map_err(|_| ()));
    }
    None
}

/// The key behind a session cookie, re-confirmed against the database when
/// the key cache moved on since it was last confirmed.
async fn session_key(state: &ApiState, sid: &str) -> Option<AuthenticatedKey> {
    let generation = state.keys.generation();
    let sessions = &state.qbit.sessions;
    match sessions.check(sid, generation, Instant::now()) {
        SessionCheck::Valid(key) => Some(key),
        SessionCheck::Invalid => None,
        SessionCheck::Reconfirm(key) => {
            let key_id = key.key_id.clone();
            let row = state
                .db(move |conn| Ok(api_keys::find(conn, &key_id)?))
                .await
                .ok()
                .flatten()
                .filter(|row| row.enabled);
            match row {
                Some(row) => {
                    let key = AuthenticatedKey {
                        key_id: row.key_id,
                        burst: row.rate_burst,
                        per_seconds: row.rate_per_seconds,
                        generation,
                    };
                    sessions.confirm(sid, key.clone());
                    Some(key)
                }
                None => {
                    sessions.end(sid);
                    None
                }
            }
        }
    }
}

/// Checks a key as `/v1` does: argon2 work only while the address's bucket
/// has a token, and a failed authentication costs the address one.
async fn check_key(
    state: &ApiState,
    peer: Option<IpAddr>,
    key_id: String,
    secret: String,
) -> Result<AuthenticatedKey, QbitError> {
    match auth::lookup(state, key_id, secret) {
        CacheLookup::Decided(outcome) => outcome.map_err(|_| QbitError::forbidden()),
        CacheLookup::Verify(mut unverified) => {
            if unverified.needs_argon2() {
                unverified.over_budget(state.rate_limits.ip_over_budget(peer));
            }
            let outcome = auth::verify(state, unverified).await;
            if outcome
                .as_ref()
                .is_err_and(|err| err.status == StatusCode::UNAUTHORIZED)
            {
                state.rate_limits.charge_failure(peer);
            }
            outcome.map_err(|err| {
                if err.status == StatusCode::TOO_MANY_REQUESTS {
                    QbitError::new(StatusCode::FORBIDDEN, BANNED)
                } else {
                    QbitError::forbidden()
                }
            })
        }
    }
}

/// The access decision for a facade request, before routing: the key it is
/// authenticated with (`None` for the login route), or the response.
pub async fn admit(req: &ServiceRequest) -> Result<Option<AuthenticatedKey>, HttpResponse> {
    let Some(state) = req.app_data::<web::Data<ApiState>>().cloned() else {
        return Err(response::text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        ));
    };
    let snapshot = state.snapshot();
    if !enabled(&snapshot) {
        return Err(response::text(StatusCode::NOT_FOUND, "Not Found"));
    }
    if req.path() == LOGIN_PATH {
        return Ok(None);
    }
    if snapshot.app_profile.mode == Mode::Setup {
        return Err(forbidden());
    }
    if let Some(cookie) = req.cookie(SID) {
        if let Some(key) = session_key(&state, cookie.value()).await {
            return Ok(Some(key));
        }
    }
    let peer = req.peer_addr().map(|addr| addr.ip());
    match presented_key(req.headers()) {
        Some(Ok((key_id, secret))) => check_key(&state, peer, key_id, secret)
            .await
            .map(Some)
            .map_err(|_| forbidden()),
        _ => {
            // Unauthenticated: charged like any failed authentication; the
            // answer is 403 either way, so an empty bucket is not counted
            // as a throttled request.
            state.rate_limits.charge_failure(peer);
            Err(forbidden())
        }
    }
}

/// `POST /api/v2/auth/login`: `username` (any) and `password` (the API key
/// `KEY_ID:SECRET`). `Ok.` with a `SID` cookie, or `Fails.`.
#[utoipa::path(
    post,
    tag = "qbittorrent",
    path = "/api/v2/auth/login",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "`username` (any) and `password` (an API key, KEY_ID:SECRET)"),
    responses(
        (status = 200, description = "`Ok.` with a `SID` cookie (HttpOnly, SameSite=Strict), or `Fails.`", body = String, content_type = "text/plain"),
        (status = 403, description = "Too many failed attempts from this address", body = String, content_type = "text/plain")
    )
)]
pub async fn login(
    req: HttpRequest,
    state: web::Data<ApiState>,
    params: Params,
) -> Result<HttpResponse, QbitError> {
    if let Some(cookie) = req.cookie(SID) {
        if session_key(&state, cookie.value()).await.is_some() {
            return Ok(response::ok());
        }
    }
    let peer = req.peer_addr().map(|addr| addr.ip());
    let password = params.get("password").unwrap_or_default().trim();
    let fails = || response::text(StatusCode::OK, "Fails.");
    let key = match auth::parse_key(password) {
        Err(_) => {
            // Cannot be a key: charged here, as no verification will be.
            if state.rate_limits.charge_ip(peer).is_err() {
                return Err(QbitError::new(StatusCode::FORBIDDEN, BANNED));
            }
            return Ok(fails());
        }
        Ok((key_id, secret)) => match check_key(&state, peer, key_id, secret).await {
            Ok(key) => key,
            Err(err) if err.message == BANNED => return Err(err),
            Err(_) => {
                tracing::info!(client.ip = ?peer, "qBittorrent facade login refused");
                return Ok(fails());
            }
        },
    };
    let sid = secrets::new_secret().map_err(QbitError::from)?;
    tracing::info!(auth.key_id = %key.key_id, "qBittorrent facade login");
    state.qbit.sessions.start(&sid, key, Instant::now());
    let cookie = Cookie::build(SID, sid)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .finish();
    let mut res = response::ok();
    res.add_cookie(&cookie)
        .map_err(|err| QbitError::from(crate::error::ApiError::internal(&err)))?;
    Ok(res)
}

/// `POST /api/v2/auth/logout`: ends the session of the `SID` cookie.
#[utoipa::path(
    post,
    tag = "qbittorrent",
    path = "/api/v2/auth/logout",
    responses((status = 200, description = "Logged out (empty body)", body = String, content_type = "text/plain"))
)]
pub async fn logout(req: HttpRequest, state: web::Data<ApiState>) -> HttpResponse {
    if let Some(cookie) = req.cookie(SID) {
        state.qbit.sessions.end(cookie.value());
    }
    response::done()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn with(name: &'static str, value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(value) {
            headers.insert(
                actix_web::http::header::HeaderName::from_static(name),
                value,
            );
        }
        headers
    }

    #[test]
    fn every_header_form_yields_the_key() {
        let basic = base64::engine::general_purpose::STANDARD.encode("sonarr:abc:def");
        assert_eq!(
            presented_key(&with("authorization", &format!("Basic {basic}"))),
            Some(Ok(("abc".into(), "def".into())))
        );
        assert_eq!(
            presented_key(&with("authorization", "Bearer abc:def")),
            Some(Ok(("abc".into(), "def".into())))
        );
        assert_eq!(
            presented_key(&with("x-api-key", "abc:def")),
            Some(Ok(("abc".into(), "def".into())))
        );
        let wrong = base64::engine::general_purpose::STANDARD.encode("admin:adminadmin");
        assert_eq!(
            presented_key(&with("authorization", &format!("Basic {wrong}"))),
            Some(Err(()))
        );
        assert_eq!(
            presented_key(&with("authorization", "Basic !!")),
            Some(Err(()))
        );
        assert_eq!(presented_key(&HeaderMap::new()), None);
    }
}
