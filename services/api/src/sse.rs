//! Server-sent events: framing hub items and turning a hub subscription into
//! a response body.
//!
//! Rules:
//! - one [`HubItem`] is one frame ending in a blank line; `data:` is a single
//!   line of compact JSON (serde_json escapes newlines inside strings), the
//!   `id:` is the hub's id and the `event:` name is the event's serde `type`;
//! - the body ends when the hub drops the subscriber (its bounded queue
//!   overflowed, or the hub restarted): the client resumes with
//!   `Last-Event-ID`;
//! - the body also ends when the server starts shutting down ([`Drain`]), so
//!   an open stream never holds up the drain of real requests, and when the
//!   key it was opened with is revoked or changed (`crate::auth::revoked`);
//! - whenever the body is dropped (the client went away, the server stops)
//!   the hub is told with `Unsubscribe`, so it never keeps a dead subscriber.

use std::convert::Infallible;
use std::time::Duration;

use actix::Recipient;
use bytes::Bytes;
use futures_util::future::LocalBoxFuture;
use futures_util::Stream;
use revaer_messages::hub::{HubItem, Subscription, Unsubscribe};
use tokio::sync::mpsc;
use tokio::time::{Interval, MissedTickBehavior};

use crate::drain::Drain;

/// How often an idle stream writes [`HEARTBEAT_FRAME`] by default.
/// Why 15 s: well under the 30–60 s idle timeouts of common reverse proxies.
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);

/// A comment frame: ignored by `EventSource`, but keeps proxies from closing
/// an idle connection (and surfaces a vanished client as a write error).
pub const HEARTBEAT_FRAME: &str = ": keep-alive\n\n";

/// The SSE `event:` name of a [`HubItem::Resync`].
pub const RESYNC_EVENT: &str = "resync";

/// Shortest heartbeat period accepted (tokio intervals cannot be zero).
const MIN_HEARTBEAT: Duration = Duration::from_millis(10);

/// Renders one item as an SSE frame.
///
/// A resync frame also carries `id: <latest_id>`. Why: `EventSource` then
/// sends that id on its next reconnect, so a client that refetched its state
/// resumes from there instead of being told to resync again.
pub fn frame(item: &HubItem) -> Result<String, serde_json::Error> {
    match item {
        HubItem::Event(envelope) => Ok(format!(
            "id: {}\nevent: {}\ndata: {}\n\n",
            envelope.id,
            envelope.event.kind(),
            serde_json::to_string(envelope.as_ref())?
        )),
        HubItem::Resync { latest_id } => Ok(format!(
            "id: {latest_id}\nevent: {RESYNC_EVENT}\ndata: {}\n\n",
            serde_json::json!({ "latest_id": latest_id })
        )),
    }
}

/// Sends `Unsubscribe` when dropped, i.e. when actix drops the response body.
struct DetachOnDrop {
    subscriber_id: u64,
    unsubscribe: Recipient<Unsubscribe>,
}

impl Drop for DetachOnDrop {
    fn drop(&mut self) {
        // Why do_send: Drop cannot wait, and a full or closed hub mailbox only
        // delays the cleanup (the hub also prunes closed receivers itself).
        self.unsubscribe.do_send(Unsubscribe {
            subscriber_id: self.subscriber_id,
        });
    }
}

/// What the body stream owns between polls.
struct Feed {
    receiver: mpsc::Receiver<HubItem>,
    heartbeat: Interval,
    drain: Drain,
    revoked: LocalBoxFuture<'static, ()>,
    _detach: DetachOnDrop,
}

/// The response body for a subscription: frames as items arrive, a
/// heartbeat after every `heartbeat` without one, and the end of the body
/// when the hub drops the subscriber, shutdown starts or `revoked`
/// completes.
pub fn body(
    subscription: Subscription,
    unsubscribe: Recipient<Unsubscribe>,
    heartbeat: Duration,
    drain: Drain,
    revoked: LocalBoxFuture<'static, ()>,
) -> impl Stream<Item = Result<Bytes, Infallible>> + 'static {
    let period = heartbeat.max(MIN_HEARTBEAT);
    let mut ticker = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let feed = Feed {
        receiver: subscription.receiver,
        heartbeat: ticker,
        drain,
        revoked,
        _detach: DetachOnDrop {
            subscriber_id: subscription.subscriber_id,
            unsubscribe,
        },
    };
    futures_util::stream::unfold(feed, |mut feed| async move {
        loop {
            tokio::select! {
                // Why biased: shutdown wins over a busy queue (events keep
                // coming while the engine saves its state), and queued events
                // go out before a due heartbeat.
                biased;
                _ = feed.drain.started() => return None,
                () = &mut feed.revoked => return None,
                item = feed.receiver.recv() => {
                    // None: the hub dropped this subscriber; end the body.
                    let item = item?;
                    feed.heartbeat.reset();
                    match frame(&item) {
                        Ok(text) => return Some((Ok(Bytes::from(text)), feed)),
                        // Cannot happen for our own types; skipping one frame
                        // beats a reconnect loop on the same event.
                        Err(err) => tracing::error!(error = %err, "could not render an sse frame"),
                    }
                }
                _ = feed.heartbeat.tick() => {
                    return Some((Ok(Bytes::from_static(HEARTBEAT_FRAME.as_bytes())), feed));
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::{TimeZone, Utc};
    use revaer_messages::events::{Event, EventEnvelope};
    use revaer_messages::TorrentId;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn event_frame_has_id_type_and_envelope_json() -> TestResult {
        let envelope = EventEnvelope {
            id: 42,
            at: Utc
                .with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
                .single()
                .ok_or("bad date")?,
            request_id: Some("req-7".into()),
            event: Event::TorrentError {
                torrent: TorrentId::parse("c12fe1c06bba254a9dc9f519b335aa7c1367a88a")?,
                message: "disk full\nretrying".into(),
            },
        };
        let text = frame(&HubItem::Event(Arc::new(envelope.clone())))?;
        assert_eq!(
            text,
            "id: 42\nevent: torrent_error\ndata: {\"id\":42,\"at\":\"2024-05-01T12:00:00Z\",\
             \"request_id\":\"req-7\",\"type\":\"torrent_error\",\
             \"torrent\":\"c12fe1c06bba254a9dc9f519b335aa7c1367a88a\",\
             \"message\":\"disk full\\nretrying\"}\n\n"
        );
        let data = text
            .lines()
            .nth(2)
            .and_then(|l| l.strip_prefix("data: "))
            .ok_or("no data")?;
        assert_eq!(serde_json::from_str::<EventEnvelope>(data)?, envelope);
        Ok(())
    }

    #[test]
    fn resync_frame_carries_latest_id() -> TestResult {
        assert_eq!(
            frame(&HubItem::Resync { latest_id: 9 })?,
            "id: 9\nevent: resync\ndata: {\"latest_id\":9}\n\n"
        );
        Ok(())
    }

    #[test]
    fn heartbeat_is_a_comment() {
        assert_eq!(HEARTBEAT_FRAME, ": keep-alive\n\n");
        assert_eq!(HEARTBEAT_INTERVAL, Duration::from_secs(15));
    }
}
