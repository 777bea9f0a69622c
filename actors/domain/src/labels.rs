//! Categories and tags: the named sets torrents are labelled from.
//!
//! Rules:
//! - a category name follows the category rule every component applies
//!   (`rules::category`: one plain folder name, since a category becomes a
//!   library folder), and is stored exactly as given (no surrounding
//!   whitespace); qBittorrent's subcategories (`tv/hd`) are therefore not
//!   offered;
//! - a tag is 1 to 128 printable characters, not blank, without `,` (lists
//!   of tags are comma-separated on the wire);
//! - a category may name a save path: the default save path of torrents
//!   added with it (none: the download root). Where it may point is an
//!   allow-list question the API answers, like any save path.

use serde::{Deserialize, Serialize};

use crate::rules::category::Category as CategoryRule;
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
    match CategoryRule::parse(name) {
        Err(err) => Some(err.to_string()),
        Ok(parsed) if parsed.as_str() != name => {
            Some("must not start or end with whitespace".into())
        }
        Ok(_) => None,
    }
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
    fn category_names_are_plain_folder_names() {
        for good in ["tv", "Films 2024", "tv-sonarr"] {
            assert_eq!(category_name_problem(good), None, "{good}");
        }
        let long = "x".repeat(129);
        for bad in [
            "", "  ", "/tv", "tv/hd", "a\\b", ".hidden", " tv", "a\u{7}b", &long,
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
