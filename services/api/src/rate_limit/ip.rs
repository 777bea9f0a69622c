//! The per-IP bucket that throttles failed authentication.
//!
//! Rules:
//! - only a *failed* authentication takes a token: missing or malformed
//!   credentials, an unknown key, a wrong secret. A request whose key
//!   verifies never does, so a client failing from the same address (a
//!   NAT, a reverse proxy) cannot drain the bucket for the valid keys
//!   behind it;
//! - a request that needs an argon2 verification is let through only while
//!   its address has a token left ([`IpBuckets::check`], which takes
//!   nothing), so a brute-force client is throttled before it costs CPU;
//!   a secret this process has already verified needs no argon2 and skips
//!   that gate (see `crate::auth`);
//! - the client is the TCP peer (forwarding headers are trivially forged);
//!   IPv6 peers are grouped by /64, the smallest block one host usually
//!   gets, so rotating addresses inside it does not refill the bucket;
//! - idle entries (full buckets) are pruned now and then, so the table
//!   stays bounded by the clients that failed within one refill period.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Prune full buckets after this many charges.
const PRUNE_EVERY: u64 = 1024;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The per-IP buckets.
#[derive(Debug)]
pub(crate) struct IpBuckets {
    burst: f64,
    /// Time to earn one token.
    per_token: Duration,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    charges: AtomicU64,
}

impl IpBuckets {
    /// Buckets of `burst` tokens refilled evenly over `per`.
    pub(crate) fn new(burst: u32, per: Duration) -> Self {
        let burst = burst.max(1);
        Self {
            burst: f64::from(burst),
            per_token: (per / burst).max(Duration::from_nanos(1)),
            buckets: Mutex::new(HashMap::new()),
            charges: AtomicU64::new(0),
        }
    }

    /// `Err(wait)` when `peer` has no token left; takes nothing.
    pub(crate) fn check(&self, peer: Option<IpAddr>) -> Result<(), Duration> {
        let now = Instant::now();
        let client = client_key(peer);
        match self.lock().get(&client) {
            Some(bucket) => self.wait(self.refilled(*bucket, now)),
            None => Ok(()),
        }
    }

    /// Takes a token for `peer`; `Err(wait)` when its bucket is empty.
    pub(crate) fn charge(&self, peer: Option<IpAddr>) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.lock();
        if self.charges.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            buckets.retain(|_, bucket| self.refilled(*bucket, now).tokens < self.burst);
            buckets.shrink_to_fit();
        }
        let client = client_key(peer);
        let bucket = buckets.get(&client).map_or(
            Bucket {
                tokens: self.burst,
                at: now,
            },
            |bucket| self.refilled(*bucket, now),
        );
        self.wait(bucket)?;
        buckets.insert(
            client,
            Bucket {
                tokens: bucket.tokens - 1.0,
                at: now,
            },
        );
        Ok(())
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> Bucket {
        let earned =
            now.saturating_duration_since(bucket.at).as_secs_f64() / self.per_token.as_secs_f64();
        Bucket {
            tokens: (bucket.tokens + earned).min(self.burst),
            at: now,
        }
    }

    /// `Ok` with a whole token available, else the time until there is one.
    fn wait(&self, bucket: Bucket) -> Result<(), Duration> {
        if bucket.tokens >= 1.0 {
            Ok(())
        } else {
            Err(self.per_token.mul_f64(1.0 - bucket.tokens))
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<IpAddr, Bucket>> {
        match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

/// The bucket a peer address belongs to. Unknown peers (not a TCP socket)
/// share one bucket.
pub(crate) fn client_key(peer: Option<IpAddr>) -> IpAddr {
    match peer {
        None => IpAddr::V6(Ipv6Addr::UNSPECIFIED),
        Some(IpAddr::V4(v4)) => IpAddr::V4(v4),
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let bits = u128::from(v6) & !((1u128 << 64) - 1);
                IpAddr::V6(Ipv6Addr::from(bits))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn each_client_has_its_own_bucket() -> TestResult {
        let buckets = IpBuckets::new(2, Duration::from_secs(60));
        let a = Some("192.0.2.1".parse()?);
        let b = Some("192.0.2.2".parse()?);
        assert!(buckets.charge(a).is_ok());
        assert!(buckets.charge(a).is_ok());
        let wait = buckets.charge(a).err().ok_or("third charge passed")?;
        assert!(wait > Duration::from_secs(29) && wait <= Duration::from_secs(30));
        assert!(buckets.charge(b).is_ok());
        Ok(())
    }

    #[test]
    fn checking_takes_nothing() -> TestResult {
        let buckets = IpBuckets::new(1, Duration::from_secs(60));
        let a = Some("192.0.2.1".parse()?);
        for _ in 0..5 {
            assert!(buckets.check(a).is_ok());
        }
        assert!(buckets.charge(a).is_ok());
        assert!(buckets.check(a).is_err(), "empty after one charge");
        assert!(buckets.charge(a).is_err());
        Ok(())
    }

    #[test]
    fn tokens_come_back_over_time() -> TestResult {
        // One token a second: a stalled test thread cannot refill the
        // bucket between the two charges and the check.
        let buckets = IpBuckets::new(2, Duration::from_secs(2));
        let a = Some("192.0.2.1".parse()?);
        assert!(buckets.charge(a).is_ok() && buckets.charge(a).is_ok());
        assert!(buckets.check(a).is_err());
        std::thread::sleep(Duration::from_millis(1_100));
        assert!(buckets.check(a).is_ok());
        Ok(())
    }

    #[test]
    fn ipv6_is_grouped_by_64_and_mapped_v4_is_v4() -> TestResult {
        assert_eq!(
            client_key(Some("2001:db8:1:2:aaaa::1".parse()?)),
            "2001:db8:1:2::".parse::<IpAddr>()?
        );
        assert_eq!(
            client_key(Some("::ffff:192.0.2.7".parse()?)),
            "192.0.2.7".parse::<IpAddr>()?
        );
        assert_eq!(client_key(None), "::".parse::<IpAddr>()?);
        Ok(())
    }
}
