//! Torrent list queries: filters, sort order, keyset cursor, and the table
//! that answers them where the data lives (the engine's memory).
//!
//! Rules:
//! - the order is total: the sort value, then the torrent id as tie-breaker,
//!   both reversed for `desc`; a cursor is the (value, id) of the last item
//!   returned and the next page starts strictly after it. So paging never
//!   returns an item twice nor skips one whose sort value does not change
//!   while the client pages, however many torrents are added or removed
//!   meanwhile (`added_at` and `name` after metadata never change; `progress`
//!   and `ratio` move as torrents transfer, so such items may move across
//!   the cursor);
//! - the default order (`added_at` ascending) is answered from an ordered
//!   index in O(log n + page) so a large catalogue stays cheap to page; the
//!   other orders scan the table and select the page in O(n);
//! - filters are conjunctive; every one compares with borrowed data, nothing
//!   is allocated per torrent.

mod facets;
mod order;
mod table;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};

use crate::torrent::{TorrentId, TorrentState, TorrentSummary};
pub use facets::{extension, url_host, Facets, Listable};
pub use order::sort_value;
pub use table::TorrentTable;

/// Page size when the client names none.
pub const DEFAULT_LIMIT: usize = 50;
/// Largest page a client may ask for.
pub const MAX_LIMIT: usize = 500;

/// Sortable fields of a torrent list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// When the torrent was added (the default).
    #[default]
    AddedAt,
    /// Display name, case-insensitively.
    Name,
    /// Fraction complete.
    Progress,
    /// Upload/download ratio.
    Ratio,
}

impl SortKey {
    /// Every key, for validation messages.
    pub const ALL: [SortKey; 4] = [Self::AddedAt, Self::Name, Self::Progress, Self::Ratio];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AddedAt => "added_at",
            Self::Name => "name",
            Self::Progress => "progress",
            Self::Ratio => "ratio",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|key| key.as_str() == value)
    }
}

/// Direction of a sort.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    /// Smallest first (the default).
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

impl SortOrder {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Asc => "asc",
            Self::Desc => "desc",
        }
    }

    /// Parses the wire spelling.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "asc" => Some(Self::Asc),
            "desc" => Some(Self::Desc),
            _ => None,
        }
    }
}

/// The sort value of the last item of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    /// `added_at`.
    AddedAt(DateTime<Utc>),
    /// `name`.
    Name(String),
    /// `progress`.
    Progress(f64),
    /// `ratio`.
    Ratio(f64),
}

impl SortValue {
    /// Which key this value belongs to.
    pub fn key(&self) -> SortKey {
        match self {
            Self::AddedAt(_) => SortKey::AddedAt,
            Self::Name(_) => SortKey::Name,
            Self::Progress(_) => SortKey::Progress,
            Self::Ratio(_) => SortKey::Ratio,
        }
    }
}

/// Where the next page starts (exclusive). The API encodes it opaquely.
#[derive(Debug, Clone, PartialEq)]
pub struct ListCursor {
    /// Direction the cursor was made for.
    pub order: SortOrder,
    /// Sort value of the last item returned.
    pub value: SortValue,
    /// Id of the last item returned (tie-breaker).
    pub id: TorrentId,
}

/// Conjunctive filters of a list query; `None`/empty means "any".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TorrentFilter {
    /// Any of these states.
    pub states: Vec<TorrentState>,
    /// Exactly this category.
    pub category: Option<String>,
    /// Has this tag.
    pub tag: Option<String>,
    /// Has a tracker on this host (lowercase).
    pub tracker: Option<String>,
    /// Has a file with this extension (lowercase, no dot).
    pub extension: Option<String>,
    /// Name contains this, case-insensitively.
    pub name: Option<String>,
    /// One of these torrents (the qBittorrent facade's `hashes`); looked
    /// up directly, so a small set stays cheap in a large table.
    pub ids: Option<BTreeSet<TorrentId>>,
}

/// One page of torrents, in the requested order.
#[derive(Debug, Clone, PartialEq)]
pub struct TorrentQuery {
    /// Filters.
    pub filter: TorrentFilter,
    /// Sort key.
    pub sort: SortKey,
    /// Sort direction.
    pub order: SortOrder,
    /// Page size, 1..=[`MAX_LIMIT`].
    pub limit: usize,
    /// Continue after this item.
    pub after: Option<ListCursor>,
}

/// The answer to a [`TorrentQuery`].
#[derive(Debug, Clone, PartialEq)]
pub struct TorrentPage {
    /// Summaries in order.
    pub items: Vec<TorrentSummary>,
    /// Set when more items follow.
    pub next: Option<ListCursor>,
}

#[cfg(test)]
mod tests;
