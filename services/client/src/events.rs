//! Following `GET /v1/events` for as long as the caller wants, across
//! dropped connections and server restarts.
//!
//! Rules:
//! - frames are parsed by `reqwest-eventsource`; its own retry is off,
//!   because reconnecting here must add jitter, send our `Last-Event-ID`,
//!   and give up at once on answers that retrying cannot fix (`401`, `422`);
//! - a lost connection, a `5xx` or a `429` is retried after an exponential
//!   backoff with jitter (a `429` waits at least its `Retry-After`); the
//!   backoff resets once a connection opens;
//! - every reconnect sends the id of the last event delivered, so the server
//!   replays exactly what was missed; an id at or below that one is never
//!   delivered twice;
//! - a `resync` frame (the server no longer has the missed events, e.g. it
//!   restarted) is delivered as [`Followed::Resync`], and its id becomes the
//!   one to resume from.

use futures_util::StreamExt;
use reqwest::header::{HeaderValue, RETRY_AFTER};
use reqwest::StatusCode;
use reqwest_eventsource::{retry::Never, Error as SseError, Event, EventSource};
use revaer_domain::EventEnvelope;
use revaer_wire::EventsQuery;
use std::time::Duration;

use crate::error::{retry_delay, root_cause, ClientError};
use crate::http::{failure, Client};

/// The SSE `event:` name of a resync frame.
const RESYNC: &str = "resync";

/// Reconnect delays: `initial` doubled per failed attempt up to `max`, each
/// scaled by a random factor in [0.5, 1) so that many clients cut off
/// together do not come back together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// Delay before the first reconnect.
    pub initial: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            initial: Duration::from_millis(250),
            max: Duration::from_secs(10),
        }
    }
}

impl Backoff {
    /// The delay before reconnect number `attempt` (0-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        let full = self
            .initial
            .saturating_mul(2u32.saturating_pow(attempt.min(20)))
            .min(self.max);
        full.mul_f64(0.5 + fastrand::f64() * 0.5)
    }
}

/// One event as it arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamedEvent {
    /// The SSE id (the hub's monotonic event id).
    pub id: u64,
    /// The SSE event name (the event's `type`).
    pub kind: String,
    /// The `data:` line exactly as served (JSON of the envelope).
    pub data: String,
    /// The envelope, when this client knows the event type (a newer server
    /// may send types it does not).
    pub envelope: Option<EventEnvelope>,
}

/// What [`EventFollower::next`] yields.
#[derive(Debug, Clone, PartialEq)]
pub enum Followed {
    /// A connection opened: the server has subscribed us.
    Opened,
    /// An event not delivered before.
    Event(Box<StreamedEvent>),
    /// The server could not replay what was missed; refetch state.
    Resync {
        /// The newest id at the server; the stream continues after it.
        latest_id: u64,
        /// The `data:` line as served.
        data: String,
    },
    /// The connection is gone; the next call reconnects after `after`.
    Retrying {
        /// The wait before reconnecting.
        after: Duration,
        /// Why the connection was lost.
        reason: String,
    },
}

/// A long-lived subscription to `/v1/events`.
pub struct EventFollower {
    client: Client,
    query: EventsQuery,
    last_id: Option<u64>,
    backoff: Backoff,
    attempt: u32,
    wait: Option<Duration>,
    source: Option<EventSource>,
}

impl EventFollower {
    /// Follows events matching `query`, after `last_id` when given.
    pub fn new(client: &Client, query: EventsQuery, last_id: Option<u64>) -> Self {
        Self {
            client: client.clone(),
            query,
            last_id,
            backoff: Backoff::default(),
            attempt: 0,
            wait: None,
            source: None,
        }
    }

    /// Uses other reconnect delays.
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The id of the last event (or resync) delivered.
    pub fn last_id(&self) -> Option<u64> {
        self.last_id
    }

    /// The next thing that happened; `Err` only for failures that
    /// reconnecting cannot fix (bad key, bad filter, not an event stream).
    pub async fn next(&mut self) -> Result<Followed, ClientError> {
        loop {
            if let Some(wait) = self.wait.take() {
                tokio::time::sleep(wait).await;
            }
            let source = match &mut self.source {
                Some(source) => source,
                None => self.source.insert(self.connect()?),
            };
            let outcome = match source.next().await {
                Some(Ok(Event::Open)) => {
                    self.attempt = 0;
                    return Ok(Followed::Opened);
                }
                Some(Ok(Event::Message(frame))) => {
                    match self.accept(&frame.id, frame.event, frame.data) {
                        Some(followed) => return Ok(followed),
                        None => continue,
                    }
                }
                Some(Err(err)) => self.failed(err).await?,
                None => self.lost("the stream ended".into(), None),
            };
            return Ok(outcome);
        }
    }

    fn connect(&self) -> Result<EventSource, ClientError> {
        let url = self.client.url("/v1/events")?;
        let request_id = uuid::Uuid::new_v4().to_string();
        let mut request = self
            .client
            .streams
            .get(url)
            .query(&self.query)
            .headers(self.client.headers(&request_id));
        if let Some(id) = self.last_id {
            request = request.header("last-event-id", HeaderValue::from(id));
        }
        let mut source = EventSource::new(request).map_err(|err| ClientError::Protocol {
            reason: err.to_string(),
            request_id: Some(request_id),
        })?;
        source.set_retry_policy(Box::new(Never));
        Ok(source)
    }

    /// Delivers a frame unless it was delivered before.
    fn accept(&mut self, id: &str, kind: String, data: String) -> Option<Followed> {
        let id = id.trim().parse::<u64>().ok();
        if kind == RESYNC {
            let latest_id = id.or_else(|| {
                serde_json::from_str::<serde_json::Value>(&data)
                    .ok()?
                    .get("latest_id")?
                    .as_u64()
            })?;
            self.last_id = Some(latest_id);
            return Some(Followed::Resync { latest_id, data });
        }
        let id = id?;
        if self.last_id.is_some_and(|last| id <= last) {
            return None;
        }
        self.last_id = Some(id);
        Some(Followed::Event(Box::new(StreamedEvent {
            id,
            kind,
            envelope: serde_json::from_str(&data).ok(),
            data,
        })))
    }

    /// Retries what a reconnect can fix; anything else is the caller's.
    async fn failed(&mut self, err: SseError) -> Result<Followed, ClientError> {
        match err {
            SseError::InvalidStatusCode(status, response)
                if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() =>
            {
                let floor = (status == StatusCode::TOO_MANY_REQUESTS).then(|| {
                    retry_delay(
                        response
                            .headers()
                            .get(RETRY_AFTER)
                            .and_then(|v| v.to_str().ok()),
                    )
                });
                Ok(self.lost(format!("the server answered {status}"), floor))
            }
            SseError::InvalidStatusCode(_, response) => {
                self.source = None;
                Err(failure(response, String::new(), 0).await)
            }
            SseError::InvalidContentType(value, _) => {
                self.source = None;
                Err(ClientError::Protocol {
                    reason: format!("/v1/events answered with content type {value:?}"),
                    request_id: None,
                })
            }
            SseError::Transport(err) => Ok(self.lost(root_cause(&err), None)),
            SseError::StreamEnded => Ok(self.lost("the server closed the stream".into(), None)),
            other => Ok(self.lost(other.to_string(), None)),
        }
    }

    fn lost(&mut self, reason: String, floor: Option<Duration>) -> Followed {
        self.source = None;
        let after = self
            .backoff
            .delay(self.attempt)
            .max(floor.unwrap_or_default());
        self.attempt = self.attempt.saturating_add(1);
        self.wait = Some(after);
        Followed::Retrying { after, reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_cap_with_jitter() {
        let backoff = Backoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(1),
        };
        for attempt in 0..30 {
            let full = Duration::from_millis(100)
                .saturating_mul(2u32.saturating_pow(attempt.min(20)))
                .min(Duration::from_secs(1));
            let delay = backoff.delay(attempt);
            assert!(delay >= full / 2 && delay <= full, "{attempt}: {delay:?}");
        }
    }
}
