//! `GET /v1/events`: the live event stream (server-sent events).
//!
//! Rules:
//! - every filter value is validated before subscribing; all problems are
//!   reported together as one 422 with a pointer per parameter (`/types`,
//!   `/torrent`, `/last_event_id`; the `Last-Event-ID` header is the same
//!   parameter and reports under `/last_event_id` too);
//! - the `Last-Event-ID` header wins over the `last_event_id` query value,
//!   because browsers' `EventSource` sends the header on reconnect while the
//!   URL (and its query) stays what the page first opened;
//! - replay, gaps and duplicates are the hub's business: this handler only
//!   subscribes and streams (see `crate::sse`);
//! - a stream is bound to its key: it ends when the key is deleted,
//!   disabled or given another rate limit (`crate::auth::revoked`).

use actix_web::http::header::{HeaderMap, CACHE_CONTROL, CONTENT_TYPE};
use actix_web::{get, web, HttpMessage, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use revaer_messages::hub::{EventFilter, Subscribe};
use revaer_messages::{InvalidParam, TorrentId};
use revaer_wire::EventsQuery;

use crate::auth::{self, AuthenticatedKey};
use crate::error::{ApiError, Problem};
use crate::sse;
use crate::state::ApiState;

/// The resume header sent by `EventSource` on reconnect.
const LAST_EVENT_ID: &str = "last-event-id";

fn parse_id(raw: &str, origin: &str, errors: &mut Vec<InvalidParam>) -> Option<u64> {
    match raw.trim().parse::<u64>() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.push(InvalidParam::new(
                "/last_event_id",
                format!("{origin} must be a non-negative integer event id"),
            ));
            None
        }
    }
}

/// Builds the subscription from the query and headers, or the 422.
pub fn subscription_request(
    query: &EventsQuery,
    headers: &HeaderMap,
) -> Result<Subscribe, ApiError> {
    let mut errors = Vec::new();
    let mut filter = EventFilter::all();
    if let Some(types) = &query.types {
        match EventFilter::parse_types(types) {
            Ok(types) => filter.types = types,
            Err(err) => errors.push(InvalidParam::new(
                "/types",
                format!(
                    "{err}; known types: {}",
                    revaer_messages::Event::TYPES.join(", ")
                ),
            )),
        }
    }
    if let Some(torrent) = query.torrent.as_deref().map(str::trim) {
        if !torrent.is_empty() {
            match TorrentId::parse(torrent) {
                Ok(id) => filter.torrent = Some(id),
                Err(err) => errors.push(InvalidParam::new("/torrent", err.to_string())),
            }
        }
    }
    // Blank values mean "no id": that is how EventSource forgets one.
    let header = headers
        .get(LAST_EVENT_ID)
        .map(|value| value.to_str().unwrap_or("\u{fffd}"))
        .filter(|value| !value.trim().is_empty());
    let last_event_id = match header {
        Some(raw) => parse_id(raw, "the Last-Event-ID header", &mut errors),
        None => query
            .last_event_id
            .as_deref()
            .filter(|value| !value.trim().is_empty())
            .and_then(|raw| parse_id(raw, "last_event_id", &mut errors)),
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(Subscribe {
        last_event_id,
        filter,
        internal: false,
    })
}

/// Streams domain events as `text/event-stream`. Each frame has `id:` (a
/// monotonic event id), `event:` (the event type) and `data:` (the event as
/// JSON). Reconnect with `Last-Event-ID` to receive exactly the events
/// missed; when they are no longer buffered the stream starts with an
/// `event: resync` frame (refetch state, then continue). An idle stream
/// carries a `: keep-alive` comment every 15 s. A client that reads too
/// slowly is disconnected and should resume with `Last-Event-ID`.
#[utoipa::path(
    tag = "events",
    path = "/v1/events",
    security(("api_key" = [])),
    params(
        EventsQuery,
        ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event id (wins over `last_event_id`)")
    ),
    responses(
        (status = 200, description = "Event stream (server-sent events)", content_type = "text/event-stream", body = String),
        (status = 401, description = "Missing or wrong API key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid `types`, `torrent` or event id", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Rate limited", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Event hub unavailable", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/v1/events")]
pub async fn events(
    req: HttpRequest,
    state: web::Data<ApiState>,
    query: web::Query<EventsQuery>,
) -> Result<HttpResponse, ApiError> {
    let subscribe = subscription_request(&query, req.headers())?;
    let subscription = state.subscribe.send(subscribe).await.map_err(|err| {
        tracing::error!(error = %err, "event hub did not answer a subscription");
        ApiError::unavailable("the event hub is unavailable")
    })?;
    // Bound to the key that opened it (the guard put it there); a route
    // without one cannot exist behind the guard, but would never be revoked.
    let revoked: LocalBoxFuture<'static, ()> =
        match req.extensions().get::<AuthenticatedKey>().cloned() {
            Some(key) => Box::pin(auth::revoked(state.get_ref().clone(), key)),
            None => Box::pin(std::future::pending()),
        };
    let body = sse::body(
        subscription,
        state.unsubscribe.clone(),
        state.settings.sse_heartbeat,
        state.drain.clone(),
        revoked,
    );
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/event-stream"))
        .insert_header((CACHE_CONTROL, "no-cache"))
        // Why: nginx would otherwise buffer the stream and delay events.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn query(types: Option<&str>, torrent: Option<&str>, last: Option<&str>) -> EventsQuery {
        EventsQuery {
            types: types.map(str::to_string),
            torrent: torrent.map(str::to_string),
            last_event_id: last.map(str::to_string),
        }
    }

    fn with_header(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            HeaderName::from_static(LAST_EVENT_ID),
            HeaderValue::from_static(value),
        );
        headers
    }

    #[test]
    fn header_wins_over_query_and_blank_means_none() -> Result<(), ApiError> {
        let q = query(None, None, Some("5"));
        assert_eq!(
            subscription_request(&q, &with_header("9"))?.last_event_id,
            Some(9)
        );
        assert_eq!(
            subscription_request(&q, &HeaderMap::new())?.last_event_id,
            Some(5)
        );
        assert_eq!(
            subscription_request(&q, &with_header(" "))?.last_event_id,
            Some(5)
        );
        let blank = query(Some(""), Some(""), Some(""));
        let sub = subscription_request(&blank, &HeaderMap::new())?;
        assert_eq!((sub.last_event_id, sub.filter), (None, EventFilter::all()));
        Ok(())
    }

    #[test]
    fn every_bad_value_is_reported_with_its_pointer() {
        let q = query(Some("progress,nope"), Some("xyz"), Some("1"));
        let err = subscription_request(&q, &with_header("-3")).err();
        assert_eq!(
            err.as_ref().map(ApiError::pointers),
            Some(vec![
                "/types".into(),
                "/torrent".into(),
                "/last_event_id".into()
            ])
        );
        let q = query(None, None, Some("abc"));
        let err = subscription_request(&q, &HeaderMap::new()).err();
        assert_eq!(
            err.as_ref().map(ApiError::pointers),
            Some(vec!["/last_event_id".to_string()])
        );
    }

    #[test]
    fn filters_are_parsed_and_the_hash_lowercased() -> Result<(), ApiError> {
        let hash = "C12FE1C06BBA254A9DC9F519B335AA7C1367A88A";
        let q = query(Some("completed, removed"), Some(hash), None);
        let sub = subscription_request(&q, &HeaderMap::new())?;
        assert_eq!(
            sub.filter.torrent.as_ref().map(TorrentId::as_str),
            Some(hash.to_ascii_lowercase().as_str())
        );
        assert_eq!(sub.filter.types.map(|t| t.len()), Some(2));
        Ok(())
    }
}
