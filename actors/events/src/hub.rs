//! The `EventHub` actor: numbering, replay buffer and non-blocking fan-out.
//!
//! Rules:
//! - a subscriber is registered and its replay queued in one handler, and the
//!   actor handles one message at a time, so between replay and live events
//!   there is neither a gap nor a duplicate;
//! - fan-out uses `try_send` only: a subscriber whose queue is full is
//!   dropped (its stream ends and the client resumes with `Last-Event-ID`),
//!   never awaited;
//! - an actor restart keeps the id counter and the buffer (ids stay
//!   monotonic) and drops the subscribers, which resume losslessly.

use std::collections::BTreeMap;

use actix::{Actor, Context, Handler, MessageResult, Supervised};
use revaer_messages::events::Publish;
use revaer_messages::hub::{
    EventFilter, HubItem, HubStats, HubStatsReply, Subscribe, Subscription, Unsubscribe,
};
use tokio::sync::mpsc::{self, error::TrySendError};

use crate::buffer::{Replay, ReplayBuffer};
use crate::metrics::HubMetrics;

/// Events the hub's mailbox holds before `try_send` publishers are refused.
pub const MAILBOX_CAPACITY: usize = 16_384;

/// Sizes of the hub's queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HubConfig {
    /// Events kept for `Last-Event-ID` replay (default 10 000).
    pub buffer_size: usize,
    /// Live events a subscriber may have unread before it is dropped as
    /// lagging (default 1024; values below 1 are treated as 1).
    pub subscriber_queue: usize,
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            buffer_size: 10_000,
            subscriber_queue: 1024,
        }
    }
}

/// A subscriber as the hub sees it.
#[derive(Debug)]
struct Subscriber {
    filter: EventFilter,
    sender: mpsc::Sender<HubItem>,
    internal: bool,
}

/// The SSE fan-out hub. Start it with `Supervisor::start` or `.start()`;
/// publishers should use `try_send(Publish)` (bounded by `MAILBOX_CAPACITY`)
/// or `do_send` for rare events, so they never wait.
#[derive(Debug)]
pub struct EventHub {
    subscriber_queue: usize,
    // Why these live in plain fields: actix's supervisor reuses this value on
    // restart and only `restarting` may reset state, which it does not do
    // for the buffer or the counters.
    buffer: ReplayBuffer,
    subscribers: BTreeMap<u64, Subscriber>,
    next_subscriber_id: u64,
    metrics: HubMetrics,
}

impl EventHub {
    /// A hub whose first event gets id 1.
    pub fn new(config: HubConfig, metrics: HubMetrics) -> Self {
        Self {
            subscriber_queue: config.subscriber_queue.max(1),
            buffer: ReplayBuffer::new(config.buffer_size, 0),
            subscribers: BTreeMap::new(),
            next_subscriber_id: 1,
            metrics,
        }
    }

    /// Makes the first event get id `last_id + 1` instead of 1.
    ///
    /// Why: ids otherwise restart at 1 with the process, and a client whose
    /// `Last-Event-ID` is below the new newest id would be "resumed" with
    /// unrelated events. Seeding from something that only grows (a persisted
    /// high-water mark, or wall-clock milliseconds) turns that case into a
    /// resync. A builder step: call it before starting the actor.
    pub fn starting_after(mut self, last_id: u64) -> Self {
        self.buffer = ReplayBuffer::new(self.buffer.capacity(), last_id);
        self
    }

    /// Numbers and stores the event, then offers it to every matching subscriber.
    pub(crate) fn publish(&mut self, msg: Publish) {
        let envelope = self.buffer.push(msg.event, msg.request_id);
        self.metrics.published(envelope.event.kind());
        self.metrics
            .set_replay_horizon(self.buffer.horizon(envelope.at));
        let metrics = &self.metrics;
        let before = self.subscribers.len();
        self.subscribers.retain(|&subscriber_id, subscriber| {
            if !subscriber.filter.matches(&envelope.event) {
                // Why check anyway: a filtered-out subscriber whose client
                // left would otherwise linger until a matching event.
                if subscriber.sender.is_closed() {
                    metrics.dropped_closed();
                    tracing::debug!(subscriber.id = subscriber_id, "sse subscriber gone");
                    return false;
                }
                return true;
            }
            match subscriber.sender.try_send(HubItem::Event(envelope.clone())) {
                Ok(()) => true,
                Err(TrySendError::Full(_)) => {
                    metrics.dropped_lagging();
                    tracing::info!(
                        subscriber.id = subscriber_id,
                        event.id = envelope.id,
                        "dropping lagging sse subscriber; it will resume with Last-Event-ID"
                    );
                    false
                }
                Err(TrySendError::Closed(_)) => {
                    metrics.dropped_closed();
                    tracing::debug!(subscriber.id = subscriber_id, "sse subscriber gone");
                    false
                }
            }
        });
        if self.subscribers.len() != before {
            self.count_clients();
        }
    }

    /// Registers a subscriber with its replay already queued.
    pub(crate) fn subscribe(&mut self, msg: Subscribe) -> Subscription {
        let latest_id = self.buffer.latest_id();
        let backlog: Vec<HubItem> = match msg.last_event_id {
            None => Vec::new(),
            Some(last_id) => match self.buffer.since(last_id, &msg.filter) {
                Replay::Events(events) => events.into_iter().map(HubItem::Event).collect(),
                Replay::Resync => vec![HubItem::Resync { latest_id }],
            },
        };
        let subscriber_id = self.next_subscriber_id;
        self.next_subscriber_id += 1;
        tracing::debug!(
            subscriber.id = subscriber_id,
            last_event_id = msg.last_event_id,
            replayed = backlog.len(),
            latest_id,
            "sse subscriber attached"
        );

        // Why this capacity: the replay must never count as lagging, so the
        // live allowance comes on top of it.
        let (sender, receiver) = mpsc::channel(backlog.len() + self.subscriber_queue);
        // Cannot fail (fresh channel, room for all, receiver held here); if it
        // ever did, not registering ends the stream and the client resumes.
        let queued = backlog
            .into_iter()
            .all(|item| sender.try_send(item).is_ok());
        if queued {
            self.subscribers.insert(
                subscriber_id,
                Subscriber {
                    filter: msg.filter,
                    sender,
                    internal: msg.internal,
                },
            );
            self.count_clients();
        } else {
            tracing::error!(subscriber.id = subscriber_id, "could not queue sse replay");
        }
        Subscription {
            receiver,
            subscriber_id,
            latest_id,
        }
    }

    pub(crate) fn unsubscribe(&mut self, subscriber_id: u64) {
        if self.subscribers.remove(&subscriber_id).is_some() {
            tracing::debug!(subscriber.id = subscriber_id, "sse subscriber detached");
            self.count_clients();
        }
    }

    /// Sets the subscriber gauge to the SSE clients only: in-process
    /// consumers are always attached and would make an idle server look busy.
    fn count_clients(&self) {
        let clients = self.subscribers.values().filter(|s| !s.internal).count();
        self.metrics.set_subscribers(clients);
    }

    pub(crate) fn stats(&self) -> HubStatsReply {
        HubStatsReply {
            latest_id: self.buffer.latest_id(),
            buffered: self.buffer.len(),
            subscribers: self.subscribers.len(),
        }
    }
}

impl Actor for EventHub {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        // Publishers that use `try_send` are refused past this many queued
        // events (actix's default of 16 would refuse a burst of one tick).
        ctx.set_mailbox_capacity(MAILBOX_CAPACITY);
        tracing::info!(latest_id = self.buffer.latest_id(), "event hub started");
    }
}

impl Supervised for EventHub {
    /// Keeps the id counter, the buffer and the subscriber-id counter, so ids
    /// stay monotonic and `Last-Event-ID` replay still works. Drops every
    /// subscriber: their streams end and clients resume from their last id,
    /// without loss, against a hub that holds no state from before the failure
    /// other than the numbered events themselves.
    fn restarting(&mut self, _ctx: &mut Self::Context) {
        let dropped = self.subscribers.len();
        self.subscribers.clear();
        self.metrics.set_subscribers(0);
        tracing::warn!(
            latest_id = self.buffer.latest_id(),
            subscribers.dropped = dropped,
            "event hub restarting; subscribers will resume with Last-Event-ID"
        );
    }
}

impl Handler<Publish> for EventHub {
    type Result = ();

    fn handle(&mut self, msg: Publish, _ctx: &mut Self::Context) {
        self.publish(msg);
    }
}

impl Handler<Subscribe> for EventHub {
    type Result = MessageResult<Subscribe>;

    fn handle(&mut self, msg: Subscribe, _ctx: &mut Self::Context) -> Self::Result {
        MessageResult(self.subscribe(msg))
    }
}

impl Handler<Unsubscribe> for EventHub {
    type Result = ();

    fn handle(&mut self, msg: Unsubscribe, _ctx: &mut Self::Context) {
        self.unsubscribe(msg.subscriber_id);
    }
}

impl Handler<HubStats> for EventHub {
    type Result = MessageResult<HubStats>;

    fn handle(&mut self, _msg: HubStats, _ctx: &mut Self::Context) -> Self::Result {
        MessageResult(self.stats())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use revaer_messages::events::Event;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn hub() -> Result<EventHub, prometheus::Error> {
        let metrics = HubMetrics::register(&prometheus::Registry::new())?;
        Ok(EventHub::new(
            HubConfig {
                buffer_size: 5,
                subscriber_queue: 4,
            },
            metrics,
        ))
    }

    fn config_changed(revision: i64) -> Publish {
        Publish::new(Event::ConfigChanged { revision })
    }

    #[actix_rt::test]
    async fn restart_keeps_ids_and_buffer_and_drops_subscribers() -> TestResult {
        let mut hub = hub()?;
        for revision in 1..=3 {
            hub.publish(config_changed(revision));
        }
        let mut subscription = hub.subscribe(Subscribe::default());

        hub.restarting(&mut Context::new());

        assert_eq!(
            hub.stats(),
            HubStatsReply {
                latest_id: 3,
                buffered: 3,
                subscribers: 0
            }
        );
        assert_eq!(
            subscription.receiver.recv().await,
            None,
            "stream ends on restart"
        );
        hub.publish(config_changed(4));
        let resumed = hub.subscribe(Subscribe {
            last_event_id: Some(2),
            ..Subscribe::default()
        });
        assert_eq!(resumed.receiver.len(), 2, "events 3 and 4 are replayed");
        assert!(resumed.subscriber_id > subscription.subscriber_id);
        Ok(())
    }

    #[test]
    fn starting_after_seeds_the_first_id() -> Result<(), prometheus::Error> {
        let mut hub = hub()?.starting_after(1_000);
        hub.publish(config_changed(1));
        assert_eq!(hub.stats().latest_id, 1_001);
        Ok(())
    }

    #[test]
    fn zero_subscriber_queue_is_treated_as_one() -> Result<(), prometheus::Error> {
        let metrics = HubMetrics::register(&prometheus::Registry::new())?;
        let mut hub = EventHub::new(
            HubConfig {
                buffer_size: 5,
                subscriber_queue: 0,
            },
            metrics,
        );
        let subscription = hub.subscribe(Subscribe::default());
        hub.publish(config_changed(1));
        assert_eq!(subscription.receiver.len(), 1);
        assert_eq!(hub.stats().subscribers, 1);
        Ok(())
    }
}
