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
use support::TestResult;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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
    let stream = tokio::net::TcpStream::connect(t.server.running.addr).await?;
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /v1/torrents HTTP/1.1\r\nhost: x\r\nx-api-key: {}\r\n\
         content-type: multipart/form-data; boundary=XYZ\r\ntransfer-encoding: chunked\r\n\r\n",
        t.key
    );
    writer.write_all(head.as_bytes()).await?;
    let preamble = format!(
        "--XYZ\r\ncontent-disposition: form-data; name=\"{}\"; filename=\"f\"\r\n\r\n",
        shape.name
    );
    let write = async {
        for _ in 0..shape.fields {
            for piece in [preamble.as_bytes(), &shape.value, b"\r\n"] {
                for chunk in piece.chunks(64 * 1024) {
                    let framed =
                        [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
                    if writer.write_all(&framed).await.is_err() {
                        return;
                    }
                }
            }
        }
        let _ = writer.write_all(b"9\r\n--XYZ--\r\n\r\n0\r\n\r\n").await;
    };
    let read = async {
        let mut response = Vec::new();
        let mut buf = [0u8; 4096];
        while !response.windows(2).any(|w| w == b"\r\n") {
            match reader.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => response.extend_from_slice(&buf[..n]),
            }
        }
        String::from_utf8_lossy(&response)
            .lines()
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let (status, ()) = tokio::time::timeout(
        Duration::from_secs(120),
        futures_util::future::join(read, write),
    )
    .await?;
    Ok(status)
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
