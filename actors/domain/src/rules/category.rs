//! Torrent categories.
//!
//! A category becomes one folder of the library (`library_root/<category>/`),
//! so it must be a plain, visible folder name. Rule, applied by the API, the
//! engine and FsOps alike: surrounding whitespace is trimmed; what is left
//! is 1 to [`MAX_CATEGORY`] characters, with no `/` or `\`, no control
//! character, not `.` or `..`, and no leading `.` (hidden folders, and our
//! own `.revaer.*` files, are not categories).

use std::fmt;

/// Longest category, in characters.
pub const MAX_CATEGORY: usize = 128;

/// A category that passed the rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Category(String);

/// Why a category is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CategoryError {
    /// Empty or only whitespace.
    #[error("must not be empty")]
    Empty,
    /// Longer than [`MAX_CATEGORY`].
    #[error("must be at most 128 characters")]
    TooLong,
    /// Contains a control character.
    #[error("must not contain control characters")]
    Control,
    /// Contains `/` or `\`.
    #[error("must not contain '/' or '\\' (a category is one folder name)")]
    Separator,
    /// Starts with `.` (this includes `.` and `..`).
    #[error("must not start with '.' (no '.', '..' or hidden folders)")]
    Dot,
}

impl Category {
    /// Checks `raw` against the rule; the category is the trimmed value.
    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(CategoryError::Empty);
        }
        if value.chars().count() > MAX_CATEGORY {
            return Err(CategoryError::TooLong);
        }
        if value.chars().any(char::is_control) {
            return Err(CategoryError::Control);
        }
        if value.contains(['/', '\\']) {
            return Err(CategoryError::Separator);
        }
        if value.starts_with('.') {
            return Err(CategoryError::Dot);
        }
        Ok(Self(value.to_string()))
    }

    /// The category.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The category as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_folder_names_pass_trimmed() {
        for (raw, expected) in [("tv", "tv"), ("  Movies 4K ", "Movies 4K"), ("a.b", "a.b")] {
            assert_eq!(
                Category::parse(raw).map(Category::into_string),
                Ok(expected.into())
            );
        }
        assert!(Category::parse(&"x".repeat(MAX_CATEGORY)).is_ok());
    }

    #[test]
    fn anything_that_is_not_one_visible_folder_is_refused() {
        use CategoryError::*;
        for (raw, why) in [
            ("", Empty),
            ("   ", Empty),
            ("../x", Separator),
            ("a/b", Separator),
            ("/abs", Separator),
            ("a\\b", Separator),
            (".", Dot),
            ("..", Dot),
            (".hidden", Dot),
            ("a\0b", Control),
            ("a\nb", Control),
        ] {
            assert_eq!(Category::parse(raw), Err(why), "{raw:?}");
        }
        assert_eq!(Category::parse(&"x".repeat(MAX_CATEGORY + 1)), Err(TooLong));
    }
}
