//! Magnet links as the API accepts them.
//!
//! Rules: surrounding whitespace is trimmed; the scheme is `magnet:?`,
//! compared without regard to case (RFC 3986 §3.1) and passed on in lower
//! case, which is the only spelling libtorrent parses; the link contains no
//! control character, and neither does any percent-decoded display name
//! (`dn`), which becomes the torrent's name in the catalogue.

use crate::rules::text::has_control;

/// The scheme and query marker every magnet link starts with.
const PREFIX: &str = "magnet:?";

/// Why a magnet link is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MagnetError {
    /// Does not start with `magnet:?`.
    #[error("must be a magnet link (magnet:?xt=urn:btih:...)")]
    NotMagnet,
    /// Contains a control character, literally or percent-encoded in `dn`.
    #[error("must not contain control characters (also not percent-encoded in dn)")]
    Control,
}

/// The link as the engine should receive it, or why it is refused.
pub fn normalize(raw: &str) -> Result<String, MagnetError> {
    let link = raw.trim();
    let Some(scheme) = link.get(..PREFIX.len()) else {
        return Err(MagnetError::NotMagnet);
    };
    if !scheme.eq_ignore_ascii_case(PREFIX) {
        return Err(MagnetError::NotMagnet);
    }
    if has_control(link) {
        return Err(MagnetError::Control);
    }
    let query = &link[PREFIX.len()..];
    let names = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| key.eq_ignore_ascii_case("dn"));
    for (_, value) in names {
        if has_control(&String::from_utf8_lossy(&percent_decode(value))) {
            return Err(MagnetError::Control);
        }
    }
    Ok(format!("{PREFIX}{query}"))
}

/// `%XX` decoding (and `+` as a space, as form encoding has it); malformed
/// escapes stay as they are.
fn percent_decode(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "xt=urn:btih:0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn scheme_case_is_ignored_and_normalised() {
        for raw in [
            format!("magnet:?{HASH}"),
            format!("MAGNET:?{HASH}"),
            format!("  Magnet:?{HASH}\n"),
        ] {
            assert_eq!(normalize(&raw), Ok(format!("magnet:?{HASH}")), "{raw:?}");
        }
        for raw in ["", "magnet:", "http://x", "magnet?xt=1", "mägnet:?x"] {
            assert_eq!(normalize(raw), Err(MagnetError::NotMagnet), "{raw:?}");
        }
    }

    #[test]
    fn control_characters_are_refused_literal_or_encoded_in_dn() {
        for raw in [
            format!("magnet:?{HASH}&dn=a%00b"),
            format!("magnet:?{HASH}&DN=%0a"),
            format!("magnet:?{HASH}&dn=x%7F"),
            format!("magnet:?{HASH}&dn=a\u{0}b"),
            format!("magnet:?{HASH}&tr=x\u{1}"),
        ] {
            assert_eq!(normalize(&raw), Err(MagnetError::Control), "{raw:?}");
        }
        for raw in [
            format!("magnet:?{HASH}&dn=Big+Buck%20Bunny"),
            format!("magnet:?{HASH}&dn=100%"),
            format!("magnet:?{HASH}&dn=%e2%9c%93"),
            format!("magnet:?{HASH}&tr=http%3A%2F%2Fx%00"),
        ] {
            assert!(normalize(&raw).is_ok(), "{raw:?}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b+c"), b"a b c");
        assert_eq!(percent_decode("%zz%4"), b"%zz%4");
        assert_eq!(percent_decode("%41%"), b"A%");
    }
}
