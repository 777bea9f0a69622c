//! Ending long-lived responses when the server stops.
//!
//! Why: actix-web's graceful stop waits for every open connection, up to its
//! shutdown timeout. An event stream never ends by itself, so one connected
//! dashboard would hold every shutdown (and every `systemctl restart`) for
//! the whole grace period. The composition root fires the trigger first;
//! streams then end, their clients reconnect with `Last-Event-ID` once the
//! server is back, and the drain only waits for real requests.

use std::sync::Arc;
use tokio::sync::watch;

/// Fires [`Drain`] once, when shutdown starts.
#[derive(Debug)]
pub struct DrainTrigger(watch::Sender<bool>);

impl DrainTrigger {
    /// Tells every stream holding a [`Drain`] to end.
    pub fn start(&self) {
        self.0.send_replace(true);
    }
}

/// Held by long-lived responses; [`Drain::started`] completes at shutdown.
#[derive(Debug, Clone)]
pub struct Drain {
    receiver: watch::Receiver<bool>,
    // Keeps the channel open for a drain nobody can fire (hand-built states
    // in tests), so `started` waits forever instead of firing at once.
    _never: Option<Arc<watch::Sender<bool>>>,
}

impl Drain {
    /// A trigger and the drain it fires.
    pub fn new() -> (DrainTrigger, Drain) {
        let (sender, receiver) = watch::channel(false);
        (
            DrainTrigger(sender),
            Drain {
                receiver,
                _never: None,
            },
        )
    }

    /// A drain that never fires.
    pub fn never() -> Drain {
        let (sender, receiver) = watch::channel(false);
        Drain {
            receiver,
            _never: Some(Arc::new(sender)),
        }
    }

    /// Completes once shutdown has started (at once if it already has). A
    /// trigger dropped without firing means the process is going away by
    /// other means; that counts as a start too.
    pub async fn started(&mut self) {
        let _ = self.receiver.wait_for(|started| *started).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn fires_once_started_and_never_otherwise() {
        let (trigger, mut drain) = Drain::new();
        let mut late = drain.clone();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), drain.started())
                .await
                .is_err(),
            "not before the trigger"
        );
        trigger.start();
        drain.started().await;
        // A clone taken before the trigger sees it too, and again.
        late.started().await;
        late.started().await;

        let mut never = Drain::never();
        assert!(
            tokio::time::timeout(Duration::from_millis(50), never.started())
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn a_dropped_trigger_counts_as_started() {
        let (trigger, mut drain) = Drain::new();
        drop(trigger);
        drain.started().await;
    }
}
