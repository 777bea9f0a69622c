//! Glob patterns for file selection rules.
//!
//! A pattern matches a file's whole path inside the torrent (as listed in
//! the detail, e.g. `Show/S01E01.mkv`), case-insensitively. Syntax: `*` any
//! run of characters (also across `/`, so `*.nfo` matches `Show/info.nfo`),
//! `?` one character, `[abc]`, `[a-z]`, `[!abc]` one character of (or not
//! of) a class, `\x` the character `x` literally. A pattern is rejected
//! (`422`) when it is empty, longer than [`MAX_GLOB`] characters, ends in a
//! lone `\`, or has an unclosed, empty or reversed class.

/// Longest accepted pattern, in characters.
pub const MAX_GLOB: usize = 256;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Char(char),
    One,
    Star,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Glob(Vec<Token>);

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

impl Glob {
    /// Parses a pattern, or explains why it is malformed.
    pub fn parse(pattern: &str) -> Result<Self, String> {
        if pattern.is_empty() {
            return Err("the pattern is empty".into());
        }
        if pattern.chars().count() > MAX_GLOB {
            return Err(format!("the pattern is longer than {MAX_GLOB} characters"));
        }
        let mut tokens = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let token = match c {
                '*' => Token::Star,
                '?' => Token::One,
                '\\' => Token::Char(fold(
                    chars.next().ok_or("the pattern ends with a lone `\\`")?,
                )),
                '[' => Self::class(&mut chars)?,
                other => Token::Char(fold(other)),
            };
            // Consecutive stars are one star (and keep matching linear).
            if !(token == Token::Star && tokens.last() == Some(&Token::Star)) {
                tokens.push(token);
            }
        }
        Ok(Self(tokens))
    }

    fn class(chars: &mut std::str::Chars<'_>) -> Result<Token, String> {
        let mut negated = false;
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = chars.next().ok_or("a `[` class is not closed with `]`")?;
            match c {
                '!' | '^' if first && !negated => {
                    negated = true;
                    continue;
                }
                ']' => break,
                _ => {}
            }
            first = false;
            let low = if c == '\\' {
                chars.next().ok_or("the pattern ends with a lone `\\`")?
            } else {
                c
            };
            let mut lookahead = chars.clone();
            if lookahead.next() == Some('-') && lookahead.clone().next().is_some_and(|n| n != ']') {
                chars.next();
                let high = chars.next().ok_or("a `[` class is not closed with `]`")?;
                if fold(low) > fold(high) {
                    return Err(format!("the class range {low}-{high} is reversed"));
                }
                ranges.push((fold(low), fold(high)));
            } else {
                ranges.push((fold(low), fold(low)));
            }
        }
        if ranges.is_empty() {
            return Err("a `[]` class is empty".into());
        }
        Ok(Token::Class { negated, ranges })
    }

    fn one(token: &Token, c: char) -> bool {
        match token {
            Token::Char(x) => *x == c,
            Token::One => true,
            Token::Star => false,
            Token::Class { negated, ranges } => {
                ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
            }
        }
    }

    /// True when the pattern matches the whole of `path`.
    pub fn matches(&self, path: &str) -> bool {
        let text: Vec<char> = path.chars().map(fold).collect();
        let pattern = &self.0;
        // Classic wildcard matching with one backtrack point per star: on a
        // mismatch, let the last star swallow one more character.
        let (mut p, mut t) = (0, 0);
        let mut backtrack: Option<(usize, usize)> = None;
        while t < text.len() {
            match pattern.get(p) {
                Some(Token::Star) => {
                    backtrack = Some((p, t));
                    p += 1;
                }
                Some(token) if Self::one(token, text[t]) => {
                    p += 1;
                    t += 1;
                }
                _ => match backtrack {
                    Some((star, from)) => {
                        p = star + 1;
                        t = from + 1;
                        backtrack = Some((star, from + 1));
                    }
                    None => return false,
                },
            }
        }
        pattern[p..].iter().all(|token| *token == Token::Star)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        Glob::parse(pattern).is_ok_and(|g| g.matches(path))
    }

    #[test]
    fn matching() {
        assert!(m("*.nfo", "Show/info.NFO"));
        assert!(m("*", ""));
        assert!(!m("*.nfo", "Show/info.nfo.txt"));
        assert!(m("Show/S01E0?.mkv", "show/s01e05.mkv"));
        assert!(m("*[0-9].mkv", "a/ep7.mkv"));
        assert!(!m("*[!0-9].mkv", "a/ep7.mkv"));
        assert!(m("*sample*", "Movie/Sample/clip.mkv"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("[\\]-]x", "-x"));
        assert!(m("[\\]-]x", "]x"));
        assert!(m("**a**b**", "xxaxxbxx"));
        assert!(!m("abc", "abcd"));
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in ["", "[abc", "[]", "a\\", "[z-a]", "[!]"] {
            assert!(Glob::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Glob::parse(&"a".repeat(MAX_GLOB + 1)).is_err());
    }
}
