//! Server-sent-events framing of hub items, so the HTTP handler only writes
//! strings.
//!
//! Rule: one [`HubItem`] is one frame ending in a blank line; `data:` is a
//! single line of compact JSON (serde_json escapes newlines inside strings),
//! and the `event:` name is the event's serde `type`.

use std::time::Duration;

use crate::messages::HubItem;

/// How often the SSE endpoint should write [`HEARTBEAT_FRAME`] when idle.
/// Why 15 s: well under the 30–60 s idle timeouts of common reverse proxies.
pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);

/// A comment frame: ignored by `EventSource`, but keeps proxies from closing
/// an idle connection.
pub const HEARTBEAT_FRAME: &str = ": keep-alive\n\n";

/// The SSE `event:` name of a [`HubItem::Resync`].
pub const RESYNC_EVENT: &str = "resync";

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

/// The heartbeat frame, for symmetry with [`frame`].
pub fn heartbeat() -> &'static str {
    HEARTBEAT_FRAME
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
        assert_eq!(heartbeat(), ": keep-alive\n\n");
        assert_eq!(HEARTBEAT_INTERVAL, Duration::from_secs(15));
    }
}
