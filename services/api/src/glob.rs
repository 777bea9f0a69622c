//! Glob patterns for file selection rules.
//!
//! A pattern matches a file's whole path inside the torrent (as listed in
//! the detail, e.g. `Show/S01E01.mkv`), case-insensitively. Syntax: `*` any
//! run of characters (also across `/`, so `*.nfo` matches `Show/info.nfo`),
//! `?` one character, `[abc]`, `[a-z]`, `[!abc]` one character of (or not
//! of) a class, `\x` the character `x` literally. A pattern is rejected
//! (`422`) when it is empty, longer than [`MAX_GLOB`] characters, ends in a
//! lone `\`, or has an unclosed, empty or reversed class.
//!
//! Matching: the patterns of one request are compiled once into a
//! [`GlobSet`] (one `RegexSet`), which finds every pattern a path matches in
//! a single pass over the path, so a request costs time linear in its file
//! count whatever the number of rules. (Not `globset`: its classes cannot
//! express the `\` escapes this syntax allows inside them, and its `{a,b}`
//! and `**` would change the meaning of existing patterns.)

use regex::RegexSet;

/// Longest accepted pattern, in characters.
pub const MAX_GLOB: usize = 256;
/// Largest compiled set, in bytes of automaton (regex's own bound): a
/// request whose rules would need more is refused rather than built.
const SET_SIZE_LIMIT: usize = 32 * 1024 * 1024;

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

    /// The pattern as a regular expression over a folded path.
    fn to_regex(&self) -> String {
        let mut out = String::from(r"\A(?s:");
        for token in &self.0 {
            match token {
                Token::Char(c) => out.push_str(&regex::escape(&c.to_string())),
                Token::One => out.push('.'),
                Token::Star => out.push_str(".*"),
                Token::Class { negated, ranges } => {
                    out.push('[');
                    if *negated {
                        out.push('^');
                    }
                    for (low, high) in ranges {
                        out.push_str(&format!(
                            r"\x{{{:x}}}-\x{{{:x}}}",
                            u32::from(*low),
                            u32::from(*high)
                        ));
                    }
                    out.push(']');
                }
            }
        }
        out.push_str(r")\z");
        out
    }
}

/// The patterns of one request, compiled once.
#[derive(Debug, Clone)]
pub struct GlobSet {
    set: RegexSet,
}

impl GlobSet {
    /// Compiles `globs` (in order); `Err` when the automaton would be too big.
    pub fn new(globs: &[Glob]) -> Result<Self, String> {
        regex::RegexSetBuilder::new(globs.iter().map(Glob::to_regex))
            .size_limit(SET_SIZE_LIMIT)
            .dfa_size_limit(SET_SIZE_LIMIT)
            .build()
            .map(|set| Self { set })
            .map_err(|_| "the patterns together are too complex".to_string())
    }

    /// The index of the last pattern matching the whole of `path`, if any.
    /// `scratch` is reused between calls (the folded path).
    pub fn last_match(&self, path: &str, scratch: &mut String) -> Option<usize> {
        scratch.clear();
        scratch.extend(path.chars().map(fold));
        self.set.matches(scratch).iter().next_back()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, path: &str) -> bool {
        Glob::parse(pattern)
            .and_then(|g| GlobSet::new(&[g]))
            .is_ok_and(|set| set.last_match(path, &mut String::new()).is_some())
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
        assert!(
            m("a.b", "A.B") && !m("a.b", "axb"),
            "regex characters are literal"
        );
        assert!(
            m("?", "\n") && m("*", "a\nb"),
            "any character, newlines too"
        );
        assert!(m("[^a]x", "bx") && !m("[^a]x", "ax"));
        assert!(m("ÄÖ*", "äöü"));
    }

    #[test]
    fn the_last_matching_pattern_wins() -> Result<(), String> {
        let globs = ["*", "*.nfo", "a/*"]
            .iter()
            .map(|p| Glob::parse(p))
            .collect::<Result<Vec<_>, _>>()?;
        let set = GlobSet::new(&globs)?;
        let mut scratch = String::new();
        assert_eq!(set.last_match("x.mkv", &mut scratch), Some(0));
        assert_eq!(set.last_match("x.NFO", &mut scratch), Some(1));
        assert_eq!(set.last_match("a/x.nfo", &mut scratch), Some(2));
        assert_eq!(GlobSet::new(&[])?.last_match("x", &mut scratch), None);
        Ok(())
    }

    #[test]
    fn malformed_patterns_are_refused() {
        for bad in ["", "[abc", "[]", "a\\", "[z-a]", "[!]"] {
            assert!(Glob::parse(bad).is_err(), "{bad:?}");
        }
        assert!(Glob::parse(&"a".repeat(MAX_GLOB + 1)).is_err());
    }
}
