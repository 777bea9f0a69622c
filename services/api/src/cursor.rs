//! The opaque `cursor` of `GET /v1/torrents`.
//!
//! A cursor carries the sort order it was made for, the last item's sort
//! value and its id (see `revaer_messages::listing` for the paging rules).
//! It is hex-encoded so clients treat it as a token and it survives any URL
//! unescaped; its inner layout is versioned (`v1`) and may change. Times are
//! kept in nanoseconds and floats by their bits, so a cursor compares exactly
//! like the value it came from.

use chrono::DateTime;
use revaer_messages::listing::{ListCursor, SortKey, SortOrder, SortValue};
use revaer_messages::TorrentId;

const VERSION: &str = "v1";
const SEP: char = '\u{1f}';

/// Encodes a cursor for the response.
pub fn encode(cursor: &ListCursor) -> String {
    let value = match &cursor.value {
        SortValue::AddedAt(at) => at.timestamp_nanos_opt().unwrap_or(i64::MAX).to_string(),
        SortValue::Name(name) => name.clone(),
        SortValue::Progress(v) | SortValue::Ratio(v) => format!("{:016x}", v.to_bits()),
    };
    let text = [
        VERSION,
        cursor.order.as_str(),
        cursor.value.key().as_str(),
        cursor.id.as_str(),
        // Last, so a name may contain anything, even the separator.
        &value,
    ]
    .join(&SEP.to_string());
    hex::encode(text)
}

/// Decodes a cursor from a request; the message explains a refusal.
pub fn decode(raw: &str) -> Result<ListCursor, &'static str> {
    const BAD: &str = "not a cursor issued by this server; start without one";
    let bytes = hex::decode(raw).map_err(|_| BAD)?;
    let text = String::from_utf8(bytes).map_err(|_| BAD)?;
    let parts: Vec<&str> = text.splitn(5, SEP).collect();
    let [VERSION, order, key, id, value] = parts.as_slice() else {
        return Err(BAD);
    };
    let order = SortOrder::parse(order).ok_or(BAD)?;
    let key = SortKey::parse(key).ok_or(BAD)?;
    let float = || {
        u64::from_str_radix(value, 16)
            .map(f64::from_bits)
            .map_err(|_| BAD)
    };
    let value = match key {
        SortKey::AddedAt => SortValue::AddedAt(DateTime::from_timestamp_nanos(
            value.parse().map_err(|_| BAD)?,
        )),
        SortKey::Name => SortValue::Name((*value).to_string()),
        SortKey::Progress => SortValue::Progress(float()?),
        SortKey::Ratio => SortValue::Ratio(float()?),
    };
    let id = TorrentId::parse(id).map_err(|_| BAD)?;
    Ok(ListCursor { order, value, id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn round_trips_exactly() -> Result<(), Box<dyn std::error::Error>> {
        let id = TorrentId::parse(&"ab".repeat(20))?;
        for value in [
            SortValue::AddedAt(Utc::now()),
            SortValue::Name("Über\u{1f}name/with:odd".into()),
            SortValue::Progress(0.1 + 0.2),
            SortValue::Ratio(f64::MAX),
        ] {
            let cursor = ListCursor {
                order: SortOrder::Desc,
                value,
                id: id.clone(),
            };
            assert_eq!(decode(&encode(&cursor)), Ok(cursor));
        }
        Ok(())
    }

    #[test]
    fn garbage_is_refused() {
        for raw in [
            "",
            "zz",
            "abcd",
            &hex::encode("v2\u{1f}asc\u{1f}name\u{1f}y\u{1f}x"),
        ] {
            assert!(decode(raw).is_err(), "{raw}");
        }
    }
}
