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

use chrono::{DateTime, Utc};
use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use crate::torrent::{TorrentId, TorrentState, TorrentSummary};

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

/// Facts about a torrent that filters need and that change rarely (tracker
/// hosts, file extensions), computed once when they change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Lowercase hosts of the tracker URLs, deduplicated.
    pub tracker_hosts: Vec<String>,
    /// Lowercase file extensions without the dot, deduplicated.
    pub extensions: Vec<String>,
}

impl Facets {
    /// Computes the facets from tracker URLs and file paths.
    pub fn new<'a>(
        tracker_urls: impl IntoIterator<Item = &'a str>,
        file_paths: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let mut tracker_hosts: Vec<String> =
            tracker_urls.into_iter().filter_map(url_host).collect();
        tracker_hosts.sort();
        tracker_hosts.dedup();
        let mut extensions: Vec<String> = file_paths.into_iter().filter_map(extension).collect();
        extensions.sort();
        extensions.dedup();
        Self {
            tracker_hosts,
            extensions,
        }
    }
}

/// The lowercase host of a URL such as `udp://tracker.example:6969/announce`.
pub fn url_host(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host_port.split(':').next().unwrap_or_default()
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The lowercase extension of a file path (`a/b/Movie.MKV` → `mkv`); none
/// for names without a dot or dotfiles such as `.hidden`.
pub fn extension(path: &str) -> Option<String> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
}

/// What the table needs to know about an entry.
pub trait Listable {
    /// Info hash.
    fn list_id(&self) -> &TorrentId;
    /// Display name.
    fn list_name(&self) -> &str;
    /// Current state.
    fn list_state(&self) -> TorrentState;
    /// Fraction complete.
    fn list_progress(&self) -> f64;
    /// Upload/download ratio.
    fn list_ratio(&self) -> f64;
    /// When added; must never change while the entry is in a table.
    fn list_added_at(&self) -> DateTime<Utc>;
    /// Category.
    fn list_category(&self) -> Option<&str>;
    /// Tags.
    fn list_tags(&self) -> &[String];
    /// Tracker hosts and file extensions.
    fn list_facets(&self) -> &Facets;
}

/// Case-insensitive substring test that allocates only for non-ASCII text.
fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
    if needle_lower.is_empty() {
        return true;
    }
    if haystack.is_ascii() && needle_lower.is_ascii() {
        let (h, n) = (haystack.as_bytes(), needle_lower.as_bytes());
        return h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    haystack.to_lowercase().contains(needle_lower)
}

impl TorrentFilter {
    /// True when `item` passes every filter.
    pub fn matches<T: Listable>(&self, item: &T) -> bool {
        (self.states.is_empty() || self.states.contains(&item.list_state()))
            && self
                .category
                .as_deref()
                .is_none_or(|c| item.list_category() == Some(c))
            && self
                .tag
                .as_deref()
                .is_none_or(|t| item.list_tags().iter().any(|x| x == t))
            && self
                .tracker
                .as_deref()
                .is_none_or(|h| item.list_facets().tracker_hosts.iter().any(|x| x == h))
            && self
                .extension
                .as_deref()
                .is_none_or(|e| item.list_facets().extensions.iter().any(|x| x == e))
            && self
                .name
                .as_deref()
                .is_none_or(|n| contains_ignore_case(item.list_name(), n))
    }

    /// True when no filter is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Names compare case-insensitively, then byte-wise so the order is total.
fn compare_names(a: &str, b: &str) -> Ordering {
    let folded = a
        .chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase));
    folded.then_with(|| a.cmp(b))
}

fn compare_to_value<T: Listable>(item: &T, value: &SortValue) -> Ordering {
    match value {
        SortValue::AddedAt(v) => item.list_added_at().cmp(v),
        SortValue::Name(v) => compare_names(item.list_name(), v),
        SortValue::Progress(v) => item.list_progress().total_cmp(v),
        SortValue::Ratio(v) => item.list_ratio().total_cmp(v),
    }
}

fn compare_items<T: Listable>(a: &T, b: &T, key: SortKey) -> Ordering {
    let by_value = match key {
        SortKey::AddedAt => a.list_added_at().cmp(&b.list_added_at()),
        SortKey::Name => compare_names(a.list_name(), b.list_name()),
        SortKey::Progress => a.list_progress().total_cmp(&b.list_progress()),
        SortKey::Ratio => a.list_ratio().total_cmp(&b.list_ratio()),
    };
    by_value.then_with(|| a.list_id().cmp(b.list_id()))
}

/// The sort value of an item.
pub fn sort_value<T: Listable>(item: &T, key: SortKey) -> SortValue {
    match key {
        SortKey::AddedAt => SortValue::AddedAt(item.list_added_at()),
        SortKey::Name => SortValue::Name(item.list_name().to_string()),
        SortKey::Progress => SortValue::Progress(item.list_progress()),
        SortKey::Ratio => SortValue::Ratio(item.list_ratio()),
    }
}

/// True when `item` comes strictly after `cursor` in the cursor's order.
fn after<T: Listable>(item: &T, cursor: &ListCursor) -> bool {
    let ascending =
        compare_to_value(item, &cursor.value).then_with(|| item.list_id().cmp(&cursor.id));
    match cursor.order {
        SortOrder::Asc => ascending == Ordering::Greater,
        SortOrder::Desc => ascending == Ordering::Less,
    }
}

/// Entries by info hash, plus an ordered index on `(added_at, id)`.
///
/// Reads go through `Deref` to the map; every insertion and removal goes
/// through this type so the index never drifts. `added_at` of an entry must
/// not change while it is in the table (it never does: it is set once).
#[derive(Debug, Clone)]
pub struct TorrentTable<T> {
    entries: HashMap<String, T>,
    by_added: BTreeSet<(DateTime<Utc>, TorrentId)>,
}

impl<T> Default for TorrentTable<T> {
    fn default() -> Self {
        Self {
            entries: HashMap::new(),
            by_added: BTreeSet::new(),
        }
    }
}

impl<T> std::ops::Deref for TorrentTable<T> {
    type Target = HashMap<String, T>;
    fn deref(&self) -> &Self::Target {
        &self.entries
    }
}

impl<T: Listable> TorrentTable<T> {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts or replaces the entry under `key`.
    pub fn insert(&mut self, key: String, value: T) -> Option<T> {
        let index_key = (value.list_added_at(), value.list_id().clone());
        let old = self.entries.insert(key, value);
        if let Some(old) = &old {
            self.by_added
                .remove(&(old.list_added_at(), old.list_id().clone()));
        }
        self.by_added.insert(index_key);
        old
    }

    /// Removes the entry under `key`.
    pub fn remove(&mut self, key: &str) -> Option<T> {
        let old = self.entries.remove(key)?;
        self.by_added
            .remove(&(old.list_added_at(), old.list_id().clone()));
        Some(old)
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.by_added.clear();
    }

    /// Mutable access to one entry (its `added_at` must not be changed).
    pub fn get_mut(&mut self, key: &str) -> Option<&mut T> {
        self.entries.get_mut(key)
    }

    /// Mutable access to every entry (their `added_at` must not be changed).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.entries.values_mut()
    }

    /// Answers a list query; `summarize` builds the reply for the page only.
    pub fn page(
        &self,
        query: &TorrentQuery,
        summarize: impl Fn(&T) -> TorrentSummary,
    ) -> TorrentPage {
        let limit = query.limit.clamp(1, MAX_LIMIT);
        // A cursor made for another order cannot be continued; the API
        // refuses that case, so here it simply starts over.
        let cursor = query
            .after
            .as_ref()
            .filter(|c| c.order == query.order && c.value.key() == query.sort);
        let mut picked = if query.sort == SortKey::AddedAt {
            self.walk_added(&query.filter, query.order, cursor, limit + 1)
        } else {
            self.scan(query, cursor, limit + 1)
        };
        let more = picked.len() > limit;
        picked.truncate(limit);
        let next = match (more, picked.last()) {
            (true, Some(last)) => Some(ListCursor {
                order: query.order,
                value: sort_value(*last, query.sort),
                id: last.list_id().clone(),
            }),
            _ => None,
        };
        TorrentPage {
            items: picked.into_iter().map(summarize).collect(),
            next,
        }
    }

    /// The ordered index from the cursor on, filtered, up to `take` items.
    fn walk_added(
        &self,
        filter: &TorrentFilter,
        order: SortOrder,
        cursor: Option<&ListCursor>,
        take: usize,
    ) -> Vec<&T> {
        let start = cursor.and_then(|c| match &c.value {
            SortValue::AddedAt(at) => Some((*at, c.id.clone())),
            _ => None,
        });
        let keys: Box<dyn Iterator<Item = &(DateTime<Utc>, TorrentId)>> = match (order, start) {
            (SortOrder::Asc, None) => Box::new(self.by_added.iter()),
            (SortOrder::Desc, None) => Box::new(self.by_added.iter().rev()),
            (SortOrder::Asc, Some(from)) => Box::new(
                self.by_added
                    .range((Bound::Excluded(from), Bound::Unbounded)),
            ),
            (SortOrder::Desc, Some(from)) => Box::new(
                self.by_added
                    .range((Bound::Unbounded, Bound::Excluded(from)))
                    .rev(),
            ),
        };
        keys.filter_map(|(_, id)| self.entries.get(id.as_str()))
            .filter(|item| filter.matches(*item))
            .take(take)
            .collect()
    }

    /// Every matching item after the cursor; the first `take` in order.
    fn scan(&self, query: &TorrentQuery, cursor: Option<&ListCursor>, take: usize) -> Vec<&T> {
        let mut candidates: Vec<&T> = self
            .entries
            .values()
            .filter(|item| query.filter.matches(*item))
            .filter(|item| cursor.is_none_or(|c| after(*item, c)))
            .collect();
        let order = |a: &&T, b: &&T| {
            let asc = compare_items(*a, *b, query.sort);
            match query.order {
                SortOrder::Asc => asc,
                SortOrder::Desc => asc.reverse(),
            }
        };
        if candidates.len() > take {
            candidates.select_nth_unstable_by(take - 1, order);
            candidates.truncate(take);
        }
        candidates.sort_unstable_by(order);
        candidates
    }
}

#[cfg(test)]
#[path = "listing_tests.rs"]
mod tests;
