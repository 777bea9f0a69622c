//! Turns repeated throttling into a health signal.
//!
//! Rule: the `api_rate_limit_guard` component turns degraded when at least
//! `threshold` requests were throttled within `window`, and turns ok again
//! once `quiet` has passed without any throttling. The recovery is checked
//! lazily, on the next request of any kind (the health probe included), so
//! no timer is needed and the board is never stale when it is read.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use revaer_messages::health::{ComponentHealth, HealthBoard};

/// The health component this module owns.
pub const COMPONENT: &str = "api_rate_limit_guard";

#[derive(Debug, Default)]
struct Recent {
    throttles: VecDeque<Instant>,
    last: Option<Instant>,
}

/// Counts recent throttles and reports on the health board.
#[derive(Debug)]
pub(crate) struct ThrottleWatch {
    threshold: usize,
    window: Duration,
    quiet: Duration,
    health: HealthBoard,
    // Why an atomic beside the mutex: every request asks "recovered yet?",
    // and almost always the answer is "nothing to recover from".
    degraded: AtomicBool,
    recent: Mutex<Recent>,
}

impl ThrottleWatch {
    /// Registers the component as ok.
    pub(crate) fn new(
        threshold: usize,
        window: Duration,
        quiet: Duration,
        health: HealthBoard,
    ) -> Self {
        health.set(COMPONENT, ComponentHealth::ok());
        Self {
            threshold: threshold.max(1),
            window,
            quiet,
            health,
            degraded: AtomicBool::new(false),
            recent: Mutex::new(Recent::default()),
        }
    }

    /// Records one throttled request.
    pub(crate) fn throttled(&self, now: Instant) {
        let mut recent = self.lock();
        recent.last = Some(now);
        recent.throttles.push_back(now);
        while recent
            .throttles
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) > self.window)
        {
            recent.throttles.pop_front();
        }
        // Why bounded: only "at least threshold" matters.
        while recent.throttles.len() > self.threshold {
            recent.throttles.pop_front();
        }
        if recent.throttles.len() >= self.threshold && !self.degraded.swap(true, Ordering::AcqRel) {
            let detail = format!(
                "{} or more requests throttled within {} s",
                self.threshold,
                self.window.as_secs()
            );
            tracing::warn!(health.component = COMPONENT, "{detail}");
            self.health
                .set(COMPONENT, ComponentHealth::degraded(detail));
        }
    }

    /// Clears the degraded state once `quiet` has passed since the last throttle.
    pub(crate) fn refresh(&self, now: Instant) {
        if !self.degraded.load(Ordering::Acquire) {
            return;
        }
        let mut recent = self.lock();
        let calm = recent
            .last
            .is_none_or(|last| now.saturating_duration_since(last) >= self.quiet);
        if calm && self.degraded.swap(false, Ordering::AcqRel) {
            recent.throttles.clear();
            tracing::info!(health.component = COMPONENT, "throttling subsided");
            self.health.set(COMPONENT, ComponentHealth::ok());
        }
    }

    fn lock(&self) -> MutexGuard<'_, Recent> {
        match self.recent.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }
}

#[cfg(test)]
mod tests;
