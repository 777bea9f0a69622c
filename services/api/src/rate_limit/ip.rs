//! The per-IP bucket that throttles requests which cannot be authenticated
//! from memory: missing or malformed credentials, unknown keys, wrong
//! secrets, keys not yet verified since the last settings revision.
//!
//! Rules:
//! - such a request takes a token *before* the database lookup and argon2
//!   verification, so a brute-force client is throttled before it costs CPU
//!   (every failed authentication is one of these requests);
//! - the client is the TCP peer (forwarding headers are trivially forged);
//!   IPv6 peers are grouped by /64, the smallest block one host usually
//!   gets, so rotating addresses inside it does not refill the bucket;
//! - idle entries are pruned now and then, so the table stays bounded by
//!   the clients active within one refill period.

use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Prune idle entries after this many charges.
const PRUNE_EVERY: u64 = 1024;

/// The per-IP buckets.
#[derive(Debug)]
pub(crate) struct IpBuckets {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    charges: AtomicU64,
}

impl IpBuckets {
    /// Buckets of `burst` tokens refilled evenly over `per`.
    pub(crate) fn new(burst: u32, per: Duration) -> Self {
        let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
        let period = (per / burst.get()).max(Duration::from_nanos(1));
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst);
        Self {
            limiter: RateLimiter::keyed(quota),
            charges: AtomicU64::new(0),
        }
    }

    /// Takes a token for `peer`; `Err(wait)` when its bucket is empty.
    pub(crate) fn charge(&self, peer: Option<IpAddr>) -> Result<(), Duration> {
        if self.charges.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        let client = client_key(peer);
        self.limiter
            .check_key(&client)
            .map_err(|not_until| not_until.wait_time_from(self.limiter.clock().now()))
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
