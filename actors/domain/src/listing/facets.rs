//! What filters look at: the rarely-changing facets of a torrent (tracker
//! hosts, file extensions) and the conjunctive filter itself.

use chrono::{DateTime, Utc};

use super::TorrentFilter;
use crate::torrent::{TorrentId, TorrentState};

/// Facts about a torrent that filters need and that change rarely (tracker
/// hosts, file extensions), computed once when they change.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Lowercase hosts of the tracker URLs, deduplicated.
    pub tracker_hosts: Vec<String>,
    /// Lowercase file extensions without the dot, deduplicated.
    pub extensions: Vec<String>,
    /// Where the content lies relative to the save path: the file of a
    /// one-file torrent (in a folder or not), else the top folder its files share (`None`
    /// before metadata, or when the files share no top folder).
    pub content_root: Option<String>,
}

impl Facets {
    /// Computes the facets from tracker URLs and file paths.
    pub fn new<'a>(
        tracker_urls: impl IntoIterator<Item = &'a str>,
        file_paths: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        let file_paths: Vec<&str> = file_paths.into_iter().collect();
        let content_root = content_root(&file_paths);
        let mut tracker_hosts: Vec<String> =
            tracker_urls.into_iter().filter_map(url_host).collect();
        tracker_hosts.sort();
        tracker_hosts.dedup();
        let mut extensions: Vec<String> =
            file_paths.iter().copied().filter_map(extension).collect();
        extensions.sort();
        extensions.dedup();
        Self {
            tracker_hosts,
            extensions,
            content_root,
        }
    }
}

/// The file of a single-file torrent, or the top folder every file shares.
fn content_root(paths: &[&str]) -> Option<String> {
    match paths {
        [] => None,
        // qBittorrent's content_path of a one-file torrent is the file,
        // also when a Subfolder layout put it in a folder.
        [only] => Some((*only).to_string()),
        [first, ..] => {
            let top = first.split(['/', '\\']).next()?;
            let prefix = format!("{top}/");
            let shared = paths
                .iter()
                .all(|p| p.starts_with(&prefix) || p.starts_with(&format!("{top}\\")));
            (shared && !top.is_empty()).then(|| top.to_string())
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
pub(super) fn contains_ignore_case(haystack: &str, needle_lower: &str) -> bool {
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
        self.ids
            .as_ref()
            .is_none_or(|ids| ids.contains(item.list_id()))
            && (self.states.is_empty() || self.states.contains(&item.list_state()))
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
