//! Rate limiting (governor token buckets).
//!
//! Rules:
//! - every authenticated request is charged to its API key's bucket, shaped
//!   by the key's `burst`/`per_seconds` (see [`keys`]); an SSE connection is
//!   one request, charged once at connect;
//! - failed authentications are charged to their client IP's bucket, and a
//!   request that needs argon2 work is refused while that bucket is empty
//!   (see [`ip`]), except for one verification per existing key id every
//!   few seconds (see [`slots`]); a key that verifies is never charged there;
//! - public routes (`/health*`, `/metrics`, `/docs`) and setup mode carry no
//!   key and are not limited per key;
//! - every authenticated response carries `X-RateLimit-Limit` (burst),
//!   `X-RateLimit-Remaining` and `X-RateLimit-Reset` (seconds until the
//!   bucket is full); a refusal is a `429 rate_limited` problem with
//!   `Retry-After`, counted in `revaer_api_rate_limit_throttled_total{scope}` and
//!   watched for health (see [`watch`]).
//!
//! The state is built once per process and shared by every worker (it sits
//! in `ApiState`, which actix shares through `web::Data`).

mod ip;
mod keys;
pub mod slots;
pub mod watch;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpMessage};
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};
use revaer_messages::health::HealthBoard;

use crate::auth::AuthenticatedKey;
use crate::error::ApiError;
use crate::state::ApiState;

/// Requests an IP may make without authenticating from memory, per [`IP_PER`].
/// Why 60 per minute: a person or a script re-entering a key never needs
/// more, and a brute force is held to one argon2 verification per second.
pub const IP_BURST: u32 = 60;
/// Refill period of the per-IP bucket.
pub const IP_PER: Duration = Duration::from_secs(60);
/// Throttled requests within [`DEGRADE_WINDOW`] that mark the
/// `api_rate_limit_guard` component degraded. Why 20: a client that backs
/// off on `Retry-After` never gets there; a runaway or hostile one does in
/// seconds.
pub const DEGRADE_AFTER: usize = 20;
/// Window over which throttles are counted for health.
pub const DEGRADE_WINDOW: Duration = Duration::from_secs(60);
/// Time without throttling after which the component is ok again.
pub const QUIET_WINDOW: Duration = Duration::from_secs(60);

/// Tunables of the limiter (tests shorten them; production uses the defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Per-IP bucket size.
    pub ip_burst: u32,
    /// Per-IP refill period.
    pub ip_per: Duration,
    /// Throttles within `degrade_window` that degrade health.
    pub degrade_after: usize,
    /// Window for `degrade_after`.
    pub degrade_window: Duration,
    /// Quiet time that restores health.
    pub quiet_window: Duration,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            ip_burst: IP_BURST,
            ip_per: IP_PER,
            degrade_after: DEGRADE_AFTER,
            degrade_window: DEGRADE_WINDOW,
            quiet_window: QUIET_WINDOW,
        }
    }
}

#[derive(Debug)]
struct Inner {
    keys: keys::KeyBuckets,
    ips: ip::IpBuckets,
    slots: slots::KeySlots,
    watch: watch::ThrottleWatch,
    throttled_key: IntCounter,
    throttled_ip: IntCounter,
}

/// A client whose failed-authentication bucket is empty, and how long until
/// it has a token again.
#[derive(Debug, Clone, Copy)]
pub struct OverBudget {
    peer: Option<IpAddr>,
    wait: Duration,
}

/// The limiter state, cheap to clone (one shared instance per process).
#[derive(Debug, Clone)]
pub struct RateLimits {
    inner: Arc<Inner>,
}

impl RateLimits {
    /// Builds the buckets, registers `revaer_api_rate_limit_throttled_total` and the
    /// `api_rate_limit_guard` health component.
    pub fn new(
        settings: &RateLimitSettings,
        registry: &Registry,
        health: HealthBoard,
    ) -> Result<Self, prometheus::Error> {
        let throttled = IntCounterVec::new(
            Opts::new(
                "revaer_api_rate_limit_throttled_total",
                "Requests refused with 429, by bucket: `key` (per API key) or `ip` \
                 (unauthenticated requests per client address).",
            ),
            &["scope"],
        )?;
        registry.register(Box::new(throttled.clone()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                keys: keys::KeyBuckets::default(),
                ips: ip::IpBuckets::new(settings.ip_burst, settings.ip_per),
                slots: slots::KeySlots::new(slots::SLOT_EVERY),
                watch: watch::ThrottleWatch::new(
                    settings.degrade_after,
                    settings.degrade_window,
                    settings.quiet_window,
                    health,
                ),
                throttled_key: throttled.with_label_values(&["key"]),
                throttled_ip: throttled.with_label_values(&["ip"]),
            }),
        })
    }

    /// Charges a failed authentication (or a setup request) to its
    /// client's IP bucket; `Err` is the 429 to answer.
    pub fn charge_ip(&self, peer: Option<IpAddr>) -> Result<(), ApiError> {
        self.inner
            .ips
            .charge(peer)
            .map_err(|wait| self.ip_throttled(peer, wait))
    }

    /// A request that needs an argon2 verification goes ahead while its
    /// client's IP bucket has a token left (only a failure takes one).
    /// Charges a failed authentication that has already been answered
    /// (its 401 stands, so an empty bucket is not counted as a 429).
    pub fn charge_failure(&self, peer: Option<IpAddr>) {
        let _ = self.inner.ips.charge(peer);
    }

    /// `Some` when `peer`'s bucket is empty: the request may only be
    /// verified in a key id's slot ([`Self::take_key_slot`]), else refused
    /// with [`Self::refuse`]. Takes nothing and counts nothing.
    pub fn ip_over_budget(&self, peer: Option<IpAddr>) -> Option<OverBudget> {
        self.inner
            .ips
            .check(peer)
            .err()
            .map(|wait| OverBudget { peer, wait })
    }

    /// Takes the verification slot of `key_id` (an existing key) for a
    /// client that is over budget; `false` when it was used too recently.
    pub fn take_key_slot(&self, key_id: &str) -> bool {
        self.inner.slots.take(key_id).is_ok()
    }

    /// The 429 for a client over its failed-authentication budget, counted.
    pub fn refuse(&self, over: OverBudget) -> ApiError {
        self.ip_throttled(over.peer, over.wait)
    }

    fn ip_throttled(&self, peer: Option<IpAddr>, wait: Duration) -> ApiError {
        self.inner.throttled_ip.inc();
        self.inner.watch.throttled(Instant::now());
        // Why debug: under a flood this fires per request; the counter
        // and the health component carry the signal.
        tracing::debug!(
            client.ip = %ip::client_key(peer),
            retry_after_ms = wait.as_millis() as u64,
            "failed authentications throttled"
        );
        too_many(wait, "too many failed authentications from this address")
    }

    /// Forgets the bucket of a deleted API key, so deleted keys do not pile
    /// up in memory until the next restart.
    pub fn forget_key(&self, key_id: &str) {
        self.inner.keys.forget(key_id);
        self.inner.slots.forget(key_id);
    }

    fn charge_key(&self, key: &AuthenticatedKey) -> (keys::Decision, Option<ApiError>) {
        let decision = self.inner.keys.charge(key);
        let refusal = decision.retry_after.map(|wait| {
            self.inner.throttled_key.inc();
            self.inner.watch.throttled(Instant::now());
            tracing::debug!(auth.key_id = %key.key_id, retry_after_ms = wait.as_millis() as u64, "API key throttled");
            too_many(
                wait,
                format!(
                    "API key {} is limited to {} requests per {} s",
                    key.key_id, key.burst, key.per_seconds
                ),
            )
        });
        (decision, refusal)
    }
}

/// The 429 problem; `Retry-After` is rounded up to whole seconds.
fn too_many(wait: Duration, detail: impl Into<String>) -> ApiError {
    let mut err = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        "Too many requests",
        detail,
    );
    err.retry_after = Some(ceil_secs(wait).max(1));
    err
}

fn ceil_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

fn set_headers(headers: &mut HeaderMap, decision: &keys::Decision) {
    for (name, value) in [
        ("x-ratelimit-limit", u64::from(decision.limit)),
        ("x-ratelimit-remaining", u64::from(decision.remaining)),
        ("x-ratelimit-reset", ceil_secs(decision.reset)),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

/// Middleware, inside the access guard: charges the authenticated key (if
/// any), answers 429 when its bucket is empty, and adds the rate-limit
/// headers. Also lets the health watch recover on any request.
pub async fn limit(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<ApiState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let limits = &state.rate_limits;
    limits.inner.watch.refresh(Instant::now());
    let key = req.extensions().get::<AuthenticatedKey>().cloned();
    let Some(key) = key else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_left_body);
    };
    let (decision, refusal) = limits.charge_key(&key);
    if let Some(err) = refusal {
        let mut res = req.error_response(err);
        set_headers(res.headers_mut(), &decision);
        return Ok(res.map_into_right_body());
    }
    let mut res = next.call(req).await?;
    set_headers(res.headers_mut(), &decision);
    Ok(res.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_rounds_up_to_at_least_one_second() {
        assert_eq!(too_many(Duration::from_millis(1), "x").retry_after, Some(1));
        assert_eq!(
            too_many(Duration::from_millis(19_001), "x").retry_after,
            Some(20)
        );
        assert_eq!(too_many(Duration::ZERO, "x").retry_after, Some(1));
        assert_eq!(ceil_secs(Duration::from_secs(3)), 3);
    }
}
