//! One token bucket per API key, shaped by the key's own `burst`/`per_seconds`.
//!
//! Rule: the bucket is rebuilt (full) whenever the limits an authenticated
//! request carries differ from the ones it was built with. Why that is enough
//! for hot reload: the key cache is cleared on every settings revision, so
//! the next request after `PATCH /v1/keys/{id}` carries the new limits.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use governor::clock::Clock;
use governor::middleware::StateInformationMiddleware;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::auth::AuthenticatedKey;

type Bucket = DefaultDirectRateLimiter<StateInformationMiddleware>;

/// The outcome of charging one request to a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Bucket size (`X-RateLimit-Limit`).
    pub limit: u32,
    /// Requests left right now (`X-RateLimit-Remaining`).
    pub remaining: u32,
    /// Time until the bucket is full again (`X-RateLimit-Reset`).
    pub reset: Duration,
    /// `Some(wait)` when the request was refused (`Retry-After`).
    pub retry_after: Option<Duration>,
}

#[derive(Debug)]
struct Entry {
    burst: i32,
    per_seconds: i32,
    bucket: Arc<Bucket>,
}

/// The per-key buckets.
#[derive(Debug, Default)]
pub(crate) struct KeyBuckets {
    inner: Mutex<HashMap<String, Entry>>,
}

/// A bucket of `burst` tokens refilled evenly over `per_seconds`. Values the
/// API would refuse are clamped (at least one request per second's worth).
pub(crate) fn quota(burst: i32, per_seconds: i32) -> Quota {
    let burst =
        NonZeroU32::new(u32::try_from(burst).unwrap_or(1).max(1)).unwrap_or(NonZeroU32::MIN);
    let whole = Duration::from_secs(u64::try_from(per_seconds).unwrap_or(1).max(1));
    let period = (whole / burst.get()).max(Duration::from_nanos(1));
    Quota::with_period(period)
        .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
        .allow_burst(burst)
}

impl KeyBuckets {
    /// Charges one request to the key's bucket.
    pub(crate) fn charge(&self, key: &AuthenticatedKey) -> Decision {
        let bucket = self.bucket_for(key);
        // Why outside the lock: governor's buckets are lock-free, so
        // concurrent requests only share the short map lookup above.
        let quota = quota(key.burst, key.per_seconds);
        let limit = quota.burst_size().get();
        let interval = quota.replenish_interval();
        match bucket.check() {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Decision {
                    limit,
                    remaining,
                    // Why an upper bound: governor exposes whole tokens only,
                    // so a partly refilled token counts as missing (< 1 interval).
                    reset: interval * (limit.saturating_sub(remaining)),
                    retry_after: None,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(bucket.clock().now());
                Decision {
                    limit,
                    remaining: 0,
                    // Empty bucket: the next token comes after `wait`, the
                    // remaining `limit - 1` one interval apart.
                    reset: wait + interval * limit.saturating_sub(1),
                    retry_after: Some(wait),
                }
            }
        }
    }

    /// Drops a deleted key's bucket (it could never be charged again).
    pub(crate) fn forget(&self, key_id: &str) -> bool {
        self.lock().remove(key_id).is_some()
    }

    fn bucket_for(&self, key: &AuthenticatedKey) -> Arc<Bucket> {
        let mut map = self.lock();
        if let Some(entry) = map.get(&key.key_id) {
            if entry.burst == key.burst && entry.per_seconds == key.per_seconds {
                return Arc::clone(&entry.bucket);
            }
            tracing::info!(
                auth.key_id = %key.key_id,
                rate.burst = key.burst,
                rate.per_seconds = key.per_seconds,
                "rate limit of API key changed; bucket rebuilt"
            );
        }
        let bucket = Arc::new(
            RateLimiter::direct(quota(key.burst, key.per_seconds))
                .with_middleware::<StateInformationMiddleware>(),
        );
        map.insert(
            key.key_id.clone(),
            Entry {
                burst: key.burst,
                per_seconds: key.per_seconds,
                bucket: Arc::clone(&bucket),
            },
        );
        bucket
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Entry>> {
        match self.inner.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(id: &str, burst: i32, per_seconds: i32) -> AuthenticatedKey {
        AuthenticatedKey {
            key_id: id.into(),
            burst,
            per_seconds,
            generation: 0,
        }
    }

    #[test]
    fn a_forgotten_key_starts_over_with_a_full_bucket() {
        let buckets = KeyBuckets::default();
        let k = key("gone", 2, 60);
        buckets.charge(&k);
        buckets.charge(&k);
        assert!(buckets.charge(&k).retry_after.is_some());
        assert!(buckets.forget("gone"));
        assert!(!buckets.forget("gone"), "already gone");
        assert_eq!(buckets.charge(&k).remaining, 1);
    }

    #[test]
    fn burst_then_refusal_with_headers() {
        let buckets = KeyBuckets::default();
        let k = key("a", 3, 60);
        let decisions: Vec<Decision> = (0..4).map(|_| buckets.charge(&k)).collect();
        assert_eq!(
            decisions.iter().map(|d| d.remaining).collect::<Vec<_>>(),
            vec![2, 1, 0, 0]
        );
        assert!(decisions[..3]
            .iter()
            .all(|d| d.retry_after.is_none() && d.limit == 3));
        assert_eq!(decisions[0].reset, Duration::from_secs(20));
        assert_eq!(decisions[2].reset, Duration::from_secs(60));
        let refused = decisions[3];
        let wait = refused.retry_after.unwrap_or_default();
        assert!(
            wait > Duration::from_secs(19) && wait <= Duration::from_secs(20),
            "{wait:?}"
        );
        assert!(
            refused.reset > Duration::from_secs(59) && refused.reset <= Duration::from_secs(60)
        );
    }

    #[test]
    fn keys_are_independent_and_rebuilt_on_change() {
        let buckets = KeyBuckets::default();
        for _ in 0..2 {
            buckets.charge(&key("a", 2, 60));
        }
        assert!(buckets.charge(&key("a", 2, 60)).retry_after.is_some());
        assert!(buckets.charge(&key("b", 2, 60)).retry_after.is_none());
        let rebuilt = buckets.charge(&key("a", 5, 60));
        assert_eq!((rebuilt.limit, rebuilt.remaining), (5, 4));
    }

    #[test]
    fn out_of_range_limits_are_clamped() {
        let q = quota(0, -5);
        assert_eq!(q.burst_size().get(), 1);
        assert_eq!(q.replenish_interval(), Duration::from_secs(1));
        let q = quota(1_000_000, 1);
        assert_eq!(q.replenish_interval(), Duration::from_micros(1));
    }
}
