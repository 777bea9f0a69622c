//! The events an actor under test published, with bounded waits.

use revaer_messages::events::{Event, Publish};
use tokio::sync::mpsc;

use crate::{TestResult, TIMEOUT};

/// The receiving end of a [`Collector<Publish>`](crate::Collector).
pub struct EventLog(pub mpsc::UnboundedReceiver<Publish>);

impl EventLog {
    /// Every event received so far, without waiting.
    pub fn drain(&mut self) -> Vec<Event> {
        let mut out = Vec::new();
        while let Ok(msg) = self.0.try_recv() {
            out.push(msg.event);
        }
        out
    }

    /// Waits (at most [`TIMEOUT`]) for the first event `pick` accepts and
    /// returns what it picked; earlier events are consumed.
    pub async fn wait_for<T>(
        &mut self,
        mut pick: impl FnMut(&Event) -> Option<T>,
    ) -> TestResult<T> {
        let deadline = tokio::time::Instant::now() + TIMEOUT;
        loop {
            let msg = tokio::time::timeout_at(deadline, self.0.recv())
                .await
                .map_err(|_| "no matching event in time")?
                .ok_or("event channel closed")?;
            if let Some(found) = pick(&msg.event) {
                return Ok(found);
            }
        }
    }
}
