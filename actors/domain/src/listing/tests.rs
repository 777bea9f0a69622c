//! Unit tests of list queries over a fake table.

use super::facets::contains_ignore_case;
use super::order::{compare_items, compare_names};
use super::*;
use chrono::TimeZone;
use std::cmp::Ordering;

#[derive(Debug, Clone)]
struct Item {
    id: TorrentId,
    name: String,
    state: TorrentState,
    progress: f64,
    added_at: DateTime<Utc>,
    category: Option<String>,
    tags: Vec<String>,
    facets: Facets,
}

impl Listable for Item {
    fn list_id(&self) -> &TorrentId {
        &self.id
    }
    fn list_name(&self) -> &str {
        &self.name
    }
    fn list_state(&self) -> TorrentState {
        self.state
    }
    fn list_progress(&self) -> f64 {
        self.progress
    }
    fn list_ratio(&self) -> f64 {
        self.progress * 2.0
    }
    fn list_added_at(&self) -> DateTime<Utc> {
        self.added_at
    }
    fn list_category(&self) -> Option<&str> {
        self.category.as_deref()
    }
    fn list_tags(&self) -> &[String] {
        &self.tags
    }
    fn list_facets(&self) -> &Facets {
        &self.facets
    }
}

fn item(n: u32, name: &str, added_second: i64) -> Item {
    Item {
        id: TorrentId::parse(&format!("{n:040x}")).unwrap_or_else(|_| unreachable!()),
        name: name.to_string(),
        state: if n % 2 == 0 {
            TorrentState::Paused
        } else {
            TorrentState::Seeding
        },
        progress: f64::from(n % 5) / 4.0,
        added_at: Utc
            .timestamp_opt(1_700_000_000 + added_second, 0)
            .single()
            .unwrap_or_default(),
        category: (n % 3 == 0).then(|| "tv".to_string()),
        tags: if n % 4 == 0 {
            vec!["hd".to_string()]
        } else {
            Vec::new()
        },
        facets: Facets::new(
            [if n % 2 == 0 {
                "udp://Tracker.Example:6969/announce"
            } else {
                "http://[::1]:80/a"
            }],
            [if n % 5 == 0 { "dir/a.MKV" } else { "b.nfo" }],
        ),
    }
}

fn summarize(item: &Item) -> TorrentSummary {
    TorrentSummary {
        id: item.id.clone(),
        name: item.name.clone(),
        state: item.state,
        progress: item.progress,
        size: 0,
        downloaded: 0,
        uploaded: 0,
        download_bps: 0,
        upload_bps: 0,
        ratio: item.list_ratio(),
        eta_seconds: None,
        category: item.category.clone(),
        tags: item.tags.clone(),
        save_path: String::new(),
        sequential: false,
        added_at: item.added_at,
        completed_at: None,
        error: None,
        wanted_size: 0,
        remaining: 0,
        content_path: String::new(),
        peers: 0,
        seeds: 0,
        limits: Default::default(),
        share_limits: Default::default(),
        seeding_secs: 0,
        active_secs: 0,
        last_activity_at: item.added_at,
        tracker: None,
        queue_position: None,
        force_start: false,
        first_last_piece_prio: false,
        super_seeding: false,
    }
}

fn table(count: u32) -> TorrentTable<Item> {
    let mut table = TorrentTable::new();
    for n in 1..=count {
        // Several items share an added_at so the id tie-breaker matters.
        let it = item(n, &format!("Name {:03}", (n * 7) % 100), i64::from(n / 3));
        table.insert(it.id.to_string(), it);
    }
    table
}

fn query(sort: SortKey, order: SortOrder, limit: usize) -> TorrentQuery {
    TorrentQuery {
        filter: TorrentFilter::default(),
        sort,
        order,
        limit,
        after: None,
    }
}

/// Pages through everything; returns ids in page order.
fn all_pages(table: &TorrentTable<Item>, mut q: TorrentQuery) -> Vec<TorrentId> {
    let mut out = Vec::new();
    loop {
        let page = table.page(&q, summarize);
        assert!(page.items.len() <= q.limit);
        out.extend(page.items.into_iter().map(|s| s.id));
        match page.next {
            Some(next) => q.after = Some(next),
            None => return out,
        }
    }
}

#[test]
fn every_order_pages_through_everything_once_in_order() {
    let table = table(103);
    for sort in SortKey::ALL {
        for order in [SortOrder::Asc, SortOrder::Desc] {
            let ids = all_pages(&table, query(sort, order, 10));
            let mut expected: Vec<&Item> = table.values().collect();
            expected.sort_by(|a, b| {
                let asc = compare_items(*a, *b, sort);
                if order == SortOrder::Desc {
                    asc.reverse()
                } else {
                    asc
                }
            });
            let expected: Vec<TorrentId> = expected.iter().map(|i| i.id.clone()).collect();
            assert_eq!(ids, expected, "{sort:?} {order:?}");
        }
    }
}

#[test]
fn inserts_between_pages_neither_repeat_nor_skip() {
    let mut table = table(40);
    for sort in [SortKey::AddedAt, SortKey::Name] {
        let mut q = query(sort, SortOrder::Asc, 7);
        let mut seen = Vec::new();
        let mut extra = 1000;
        loop {
            let page = table.page(&q, summarize);
            seen.extend(page.items.into_iter().map(|s| s.id));
            // New torrents land anywhere in the name order.
            for _ in 0..3 {
                extra += 1;
                let it = item(extra, &format!("Name {:03}", extra % 97), 100);
                table.insert(it.id.to_string(), it);
            }
            match page.next {
                Some(next) => q.after = Some(next),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), seen.len(), "no item twice ({sort:?})");
        for n in 1..=40u32 {
            let id = item(n, "", 0).id;
            assert!(seen.contains(&id), "item {n} not skipped ({sort:?})");
        }
    }
}

#[test]
fn filters_combine() {
    let table = table(60);
    let mut q = query(SortKey::AddedAt, SortOrder::Asc, 500);
    q.filter.states = vec![TorrentState::Paused];
    q.filter.category = Some("tv".into());
    let page = table.page(&q, summarize);
    assert!(!page.items.is_empty());
    assert!(page
        .items
        .iter()
        .all(|s| s.state == TorrentState::Paused && s.category.as_deref() == Some("tv")));
    assert_eq!(page.items.len(), 10, "even multiples of 3 up to 60");

    let mut q = query(SortKey::Name, SortOrder::Asc, 500);
    q.filter.tracker = Some("tracker.example".into());
    q.filter.extension = Some("mkv".into());
    q.filter.tag = Some("hd".into());
    let page = table.page(&q, summarize);
    // n divisible by 2, 5 and 4: 20, 40, 60.
    assert_eq!(page.items.len(), 3);

    let mut q = query(SortKey::AddedAt, SortOrder::Desc, 500);
    q.filter.name = Some("name 00".into());
    q.filter.tracker = Some("::1".into());
    let page = table.page(&q, summarize);
    assert!(page.items.iter().all(|s| s.name.starts_with("Name 00")));
    assert!(!page.items.is_empty());
}

#[test]
fn removal_keeps_the_index_consistent() {
    let mut table = table(10);
    let gone = item(4, "", 0).id;
    assert!(table.remove(gone.as_str()).is_some());
    assert!(table.remove(gone.as_str()).is_none());
    let replaced = item(5, "Renamed", 50);
    table.insert(replaced.id.to_string(), replaced.clone());
    let ids = all_pages(&table, query(SortKey::AddedAt, SortOrder::Asc, 3));
    assert_eq!(ids.len(), 9);
    assert_eq!(
        ids.last(),
        Some(&replaced.id),
        "re-inserted with a later added_at"
    );
    table.clear();
    assert!(table
        .page(&query(SortKey::AddedAt, SortOrder::Asc, 3), summarize)
        .items
        .is_empty());
}

#[test]
fn facets_and_hosts() {
    assert_eq!(
        url_host("udp://user@Tracker.Example:6969/announce?x=1"),
        Some("tracker.example".into())
    );
    assert_eq!(
        url_host("http://[2001:db8::1]:80/a"),
        Some("2001:db8::1".into())
    );
    assert_eq!(url_host("not a url"), None);
    assert_eq!(extension("Show/S01E01.MKV"), Some("mkv".into()));
    assert_eq!(extension(".hidden"), None);
    assert_eq!(extension("README"), None);
    let facets = Facets::new(
        ["http://a/x", "udp://a:1", "bogus"],
        ["x.txt", "y.TXT", "z"],
    );
    assert_eq!(facets.tracker_hosts, vec!["a".to_string()]);
    assert_eq!(facets.extensions, vec!["txt".to_string()]);
}

#[test]
fn name_matching_ignores_case_also_beyond_ascii() {
    assert!(contains_ignore_case("Ubuntu 24.04 ISO", "iso"));
    assert!(contains_ignore_case("ÄRGER im Büro", "ärger"));
    assert!(!contains_ignore_case("abc", "abcd"));
    assert_eq!(compare_names("abc", "ABD"), Ordering::Less);
    assert_ne!(compare_names("abc", "ABC"), Ordering::Equal);
}

#[test]
fn an_id_set_is_answered_by_lookup_in_every_order() {
    let table = table(50);
    let wanted: std::collections::BTreeSet<TorrentId> = [3u32, 7, 8, 49, 99]
        .iter()
        .filter_map(|n| TorrentId::parse(&format!("{n:040x}")).ok())
        .collect();
    for sort in [SortKey::AddedAt, SortKey::Name] {
        let mut q = query(sort, SortOrder::Desc, 2);
        q.filter.ids = Some(wanted.clone());
        let ids = all_pages(&table, q);
        assert_eq!(ids.len(), 4, "the unknown id is ignored ({sort:?})");
        assert!(ids.iter().all(|id| wanted.contains(id)));
    }
    let mut q = query(SortKey::AddedAt, SortOrder::Asc, 10);
    q.filter.ids = Some(wanted);
    q.filter.states = vec![TorrentState::Seeding];
    assert_eq!(all_pages(&table, q).len(), 3, "other filters still apply");
}

#[test]
fn the_content_root_is_the_single_file_or_the_shared_folder() {
    let root = |paths: &[&str]| Facets::new([], paths.iter().copied()).content_root;
    assert_eq!(root(&[]), None);
    assert_eq!(root(&["movie.mkv"]), Some("movie.mkv".into()));
    assert_eq!(
        root(&["Show/e1.mkv", "Show/sub/e1.srt"]),
        Some("Show".into())
    );
    // One file in a folder (a Subfolder layout): the file, as qBittorrent's
    // content_path of any one-file torrent.
    assert_eq!(root(&["Show/e1.mkv"]), Some("Show/e1.mkv".into()));
    assert_eq!(root(&["a/x", "b/y"]), None, "no shared top folder");
    assert_eq!(root(&["Showx/e1", "Show/e2"]), None);
}
