//! Item 4 of the security hardening: whatever shape a single upload takes,
//! serving it never costs much more memory than the body limit allows
//! (peak RSS growth under 2× the limit). It used to: a 9 MB body of
//! `tags` fields became millions of strings (+274 MB) before the 64-tag
//! check, and a chunked body was not limited at all.
//!
//! Its own test binary with a single test, because it reads the peak RSS of
//! the whole process (`VmHWM`, reset through `/proc/self/clear_refs`).

mod support;

use std::time::Duration;

use revaer_api::state::DEFAULT_TORRENT_FILE_LIMIT;
use support::torrents::TorrentServer;
use support::uploads::{chunked_multipart, RepeatedField};
use support::TestResult;

/// One form field, repeated.
struct Shape {
    what: &'static str,
    name: &'static str,
    value: Vec<u8>,
    fields: usize,
}

fn status_kib(key: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string("/proc/self/status")?;
    let line = text
        .lines()
        .find(|l| l.starts_with(key))
        .ok_or_else(|| format!("{key} missing from /proc/self/status"))?;
    Ok(line.split_whitespace().nth(1).ok_or("no value")?.parse()?)
}

/// Streams the shape as a chunked body, generated as it is sent (so the
/// client side costs nothing); returns the status line.
async fn send(t: &TorrentServer, shape: &Shape) -> Result<String, Box<dyn std::error::Error>> {
    let field = RepeatedField {
        name: shape.name,
        filename: Some("f"),
        value: &shape.value,
        count: shape.fields,
    };
    chunked_multipart(
        t.server.running.addr,
        &t.key,
        &field,
        Duration::from_secs(120),
    )
    .await
}

#[actix_rt::test]
async fn item4_one_upload_never_takes_more_than_twice_the_body_limit() -> TestResult {
    let t = TorrentServer::start().await?;
    let limit = DEFAULT_TORRENT_FILE_LIMIT + 64 * 1024;
    let tags: Vec<u8> = b"a,".repeat(8 * 1024);
    let shapes = [
        Shape {
            what: "30 MB of 16 KiB tag lists",
            name: "tags",
            value: tags,
            fields: 1900,
        },
        Shape {
            what: "four torrents of 9 MiB",
            name: "torrent",
            value: vec![b'd'; 9 * 1024 * 1024],
            fields: 4,
        },
        Shape {
            what: "30 MB of 16 KiB unknown fields",
            name: "colour",
            value: vec![b'x'; 16 * 1024],
            fields: 1900,
        },
    ];
    for shape in &shapes {
        std::fs::write("/proc/self/clear_refs", "5")?;
        let before = status_kib("VmRSS:")?;
        let status = send(&t, shape).await?;
        let peak = status_kib("VmHWM:")?;
        let grown = peak.saturating_sub(before) * 1024;
        eprintln!("{}: {status}, peak RSS +{} KiB", shape.what, grown / 1024);
        assert!(
            status.contains(" 413 ") || status.contains(" 422 "),
            "{}: {status}",
            shape.what
        );
        assert!(
            grown < 2 * limit as u64,
            "{}: peak RSS grew by {} MiB (body limit {} MiB)",
            shape.what,
            grown >> 20,
            limit >> 20
        );
    }
    Ok(())
}
