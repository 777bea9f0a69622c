//! Categories and tags: the named sets torrents are labelled from.
//!
//! Rules (qBittorrent's, so its WebAPI clients find what they expect):
//! - a category name is 1 to 128 printable characters, does not start or
//!   end with `/` and has no empty segment (`a//b`); `/` separates
//!   subcategories (`tv/hd`);
//! - a tag is 1 to 128 printable characters, not blank, without `,` (lists
//!   of tags are comma-separated on the wire);
//! - a category may name a save path: the default save path of torrents
//!   added with it (none: the download root). Where it may point is an
//!   allow-list question the API answers, like any save path.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Longest category or tag, in characters.
pub const MAX_LABEL: usize = 128;

/// A named category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Category {
    /// The name (`/` separates subcategories).
    pub name: String,
    /// Default save path of torrents added with this category (`null`: the
    /// download root).
    pub save_path: Option<String>,
}

fn printable(label: &str) -> bool {
    !label.trim().is_empty()
        && label.chars().count() <= MAX_LABEL
        && !label.chars().any(char::is_control)
}

/// Why `name` is not a valid category name, if it is not.
pub fn category_name_problem(name: &str) -> Option<String> {
    if !printable(name) {
        return Some(format!("must be 1 to {MAX_LABEL} printable characters"));
    }
    if name.starts_with('/') || name.ends_with('/') || name.contains("//") {
        return Some("must not start or end with `/` nor contain `//`".into());
    }
    None
}

/// Why `tag` is not a valid tag, if it is not.
pub fn tag_problem(tag: &str) -> Option<String> {
    if !printable(tag) {
        return Some(format!("must be 1 to {MAX_LABEL} printable characters"));
    }
    if tag.contains(',') {
        return Some("must not contain `,`".into());
    }
    None
}

/// Splits a comma-separated list of tags (the wire form), trimming each
/// and dropping empty entries.
pub fn split_tags(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|tag| !tag.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_follow_qbittorrent() {
        for good in ["tv", "tv/hd", "Films 2024", "a/b/c"] {
            assert_eq!(category_name_problem(good), None, "{good}");
        }
        for bad in [
            "",
            "  ",
            "/tv",
            "tv/",
            "tv//hd",
            "a\u{7}b",
            &"x".repeat(129),
        ] {
            assert!(category_name_problem(bad).is_some(), "{bad:?}");
        }
    }

    #[test]
    fn tags_have_no_commas_and_lists_split_on_them() {
        assert_eq!(tag_problem("hd"), None);
        assert!(tag_problem("a,b").is_some());
        assert!(tag_problem(" ").is_some());
        assert_eq!(split_tags(" a, b ,,c "), vec!["a", "b", "c"]);
        assert!(split_tags("").is_empty());
    }
}
