//! The total order of a list: the sort value, then the info hash as the
//! tie-breaker; and where a cursor stands in it.

use std::cmp::Ordering;

use super::{ListCursor, Listable, SortKey, SortOrder, SortValue};

/// Names compare case-insensitively, then byte-wise so the order is total.
pub(super) fn compare_names(a: &str, b: &str) -> Ordering {
    let folded = a
        .chars()
        .flat_map(char::to_lowercase)
        .cmp(b.chars().flat_map(char::to_lowercase));
    folded.then_with(|| a.cmp(b))
}

pub(super) fn compare_to_value<T: Listable>(item: &T, value: &SortValue) -> Ordering {
    match value {
        SortValue::AddedAt(v) => item.list_added_at().cmp(v),
        SortValue::Name(v) => compare_names(item.list_name(), v),
        SortValue::Progress(v) => item.list_progress().total_cmp(v),
        SortValue::Ratio(v) => item.list_ratio().total_cmp(v),
    }
}

pub(super) fn compare_items<T: Listable>(a: &T, b: &T, key: SortKey) -> Ordering {
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
pub(super) fn after<T: Listable>(item: &T, cursor: &ListCursor) -> bool {
    let ascending =
        compare_to_value(item, &cursor.value).then_with(|| item.list_id().cmp(&cursor.id));
    match cursor.order {
        SortOrder::Asc => ascending == Ordering::Greater,
        SortOrder::Desc => ascending == Ordering::Less,
    }
}
