//! Event filters: which events a subscriber (an SSE client, the CLI's
//! `tail`) wants, parsed from `types=` and `torrent=`.

use std::collections::BTreeSet;

use crate::events::Event;
use crate::torrent::TorrentId;

/// A subscriber's filter, usually built from the `types=` and `torrent=`
/// query parameters of the SSE endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Event type names to keep (see [`Event::TYPES`]); `None` keeps every type.
    /// An empty set keeps nothing, so map an empty `types=` to `None`.
    pub types: Option<BTreeSet<String>>,
    /// Keep only events about this torrent; `None` keeps every event.
    pub torrent: Option<TorrentId>,
}

/// A `types=` entry that is not an event type name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type `{0}`")]
pub struct UnknownEventType(pub String);

impl EventFilter {
    /// Everything passes.
    pub fn all() -> Self {
        Self::default()
    }

    /// Whether `event` passes the filter.
    pub fn matches(&self, event: &Event) -> bool {
        let type_ok = self
            .types
            .as_ref()
            .is_none_or(|types| types.contains(event.kind()));
        let torrent_ok = self
            .torrent
            .as_ref()
            .is_none_or(|wanted| event.torrent() == Some(wanted));
        type_ok && torrent_ok
    }

    /// Parses a comma-separated `types=` value, rejecting unknown names.
    /// Blank input (or only commas and spaces) means "every type" (`None`).
    pub fn parse_types(csv: &str) -> Result<Option<BTreeSet<String>>, UnknownEventType> {
        let mut types = BTreeSet::new();
        for name in csv
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            if !Event::TYPES.contains(&name) {
                return Err(UnknownEventType(name.to_owned()));
            }
            types.insert(name.to_owned());
        }
        Ok(if types.is_empty() { None } else { Some(types) })
    }
}

#[cfg(test)]
mod tests;
