//! Control characters in names and paths.
//!
//! Rule: a value that names something (a path, a category, a tag, a user,
//! a feature flag, a glob, a torrent) contains no control character: no
//! NUL (PostgreSQL cannot store it in `text` or `jsonb`, and the kernel
//! ends a path there), no other C0 or C1 code, no DEL. They are refused at
//! the edge with a pointer, never stripped silently.

use crate::InvalidParam;

/// True when `value` contains a control character (NUL included).
pub fn has_control(value: &str) -> bool {
    value.chars().any(char::is_control)
}

/// Adds a problem at `pointer` when `value` contains a control character;
/// returns whether it did.
pub fn refuse_control(errors: &mut Vec<InvalidParam>, pointer: &str, value: &str) -> bool {
    let bad = has_control(value);
    if bad {
        errors.push(InvalidParam::new(
            pointer,
            "must not contain control characters (NUL, newline, ...)",
        ));
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_other_controls_are_found() {
        for bad in ["a\0b", "\n", "x\u{7f}", "\u{85}", "tab\there"] {
            assert!(has_control(bad), "{bad:?}");
        }
        for good in ["", "Movies 4K", "Ünïcødé/ok", "a b"] {
            assert!(!has_control(good), "{good:?}");
        }
        let mut errors = Vec::new();
        assert!(refuse_control(&mut errors, "/x", "a\0"));
        assert!(!refuse_control(&mut errors, "/y", "a"));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].pointer, "/x");
    }
}
