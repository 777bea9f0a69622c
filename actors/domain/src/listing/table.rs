//! The table that answers list queries where the data lives: entries by
//! info hash plus an ordered index on `(added_at, id)`.

use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use super::order::{after, compare_items};
use super::{
    sort_value, ListCursor, Listable, SortKey, SortOrder, SortValue, TorrentFilter, TorrentPage,
    TorrentQuery, MAX_LIMIT,
};
use crate::torrent::{TorrentId, TorrentSummary};

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
        let mut picked = if query.sort == SortKey::AddedAt && query.filter.ids.is_none() {
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
        let source: Box<dyn Iterator<Item = &T>> = match &query.filter.ids {
            Some(ids) => Box::new(ids.iter().filter_map(|id| self.entries.get(id.as_str()))),
            None => Box::new(self.entries.values()),
        };
        let mut candidates: Vec<&T> = source
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
