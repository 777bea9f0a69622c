//! The opaque `cursor` of `GET /v1/torrents`.
//!
//! A cursor carries the sort order it was made for, a fingerprint of the
//! filters of the first page, the last item's sort value and its id (see
//! `revaer_messages::listing` for the paging rules). It is hex-encoded so
//! clients treat it as a token and it survives any URL unescaped; its inner
//! layout is versioned (`v2`) and may change. Times are kept in nanoseconds
//! and floats by their bits, so a cursor compares exactly like the value it
//! came from.
//!
//! Why the filter fingerprint: a cursor sent with other filters would page
//! through a different list from a position in the first one, silently
//! skipping items; it is refused instead.

use chrono::DateTime;
use revaer_messages::listing::{ListCursor, SortKey, SortOrder, SortValue, TorrentFilter};
use revaer_messages::TorrentId;

const VERSION: &str = "v2";
const SEP: char = '\u{1f}';

/// A stable 64-bit fingerprint of normalised filters (FNV-1a: the same in
/// every process and release, unlike std's randomly seeded hasher). The
/// order of `states` does not matter.
pub fn fingerprint(filter: &TorrentFilter) -> u64 {
    let mut states: Vec<&str> = filter.states.iter().map(|s| s.as_str()).collect();
    states.sort_unstable();
    states.dedup();
    let fields = [
        Some(states.join(",")),
        filter.category.clone(),
        filter.tag.clone(),
        filter.tracker.clone(),
        filter.extension.clone(),
        filter.name.clone(),
        filter.ids.as_ref().map(|ids| {
            ids.iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join(",")
        }),
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |byte: u8| {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    };
    for field in &fields {
        // Presence marker and separator, so `None` ≠ `Some("")` and
        // ("ab", "c") ≠ ("a", "bc").
        match field {
            None => feed(0),
            Some(text) => {
                feed(1);
                text.bytes().for_each(&mut feed);
            }
        }
        feed(0xff);
    }
    hash
}

/// Encodes a cursor for the response; `filters` is the [`fingerprint`] of
/// the filters of the request.
pub fn encode(cursor: &ListCursor, filters: u64) -> String {
    let value = match &cursor.value {
        SortValue::AddedAt(at) => at.timestamp_nanos_opt().unwrap_or(i64::MAX).to_string(),
        SortValue::Name(name) => name.clone(),
        SortValue::Progress(v) | SortValue::Ratio(v) => format!("{:016x}", v.to_bits()),
    };
    let filters = format!("{filters:016x}");
    let text = [
        VERSION,
        cursor.order.as_str(),
        &filters,
        cursor.value.key().as_str(),
        cursor.id.as_str(),
        // Last, so a name may contain anything, even the separator.
        &value,
    ]
    .join(&SEP.to_string());
    hex::encode(text)
}

/// Decodes a cursor from a request into the cursor and the fingerprint of
/// the filters it was issued for; the message explains a refusal.
pub fn decode(raw: &str) -> Result<(ListCursor, u64), &'static str> {
    const BAD: &str = "not a cursor issued by this server; start without one";
    let bytes = hex::decode(raw).map_err(|_| BAD)?;
    let text = String::from_utf8(bytes).map_err(|_| BAD)?;
    let parts: Vec<&str> = text.splitn(6, SEP).collect();
    let [VERSION, order, filters, key, id, value] = parts.as_slice() else {
        return Err(BAD);
    };
    let filters = u64::from_str_radix(filters, 16).map_err(|_| BAD)?;
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
    Ok((ListCursor { order, value, id }, filters))
}

#[cfg(test)]
mod tests;
