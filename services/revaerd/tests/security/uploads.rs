//! Item 4 (behaviour; the memory bound has its own binary, `body_memory`):
//! a multipart body is counted as it streams, whatever its framing, and the
//! number of form fields is bounded before anything piles up.

use std::time::Duration;

use crate::support::torrents::TorrentServer;
use crate::support::uploads::{chunked_multipart, RepeatedField};
use crate::support::TestResult;

/// Streams a chunked multipart body made of `fields` copies of one field
/// and returns the response's status line.
async fn stream_fields(
    t: &TorrentServer,
    name: &str,
    value: &[u8],
    fields: usize,
) -> Result<String, Box<dyn std::error::Error>> {
    let field = RepeatedField {
        name,
        filename: None,
        value,
        count: fields,
    };
    chunked_multipart(
        t.server.running.addr,
        &t.key,
        &field,
        Duration::from_secs(30),
    )
    .await
}

#[actix_rt::test]
async fn item4_multipart_bodies_are_bounded_while_streaming() -> TestResult {
    let t = TorrentServer::start_with(|options| options.api.torrent_file_limit = 64 * 1024).await?;
    // 100 fields of 16 KiB (1.6 MB, chunked so no length is declared): the
    // body limit (file limit + 64 KiB for the form) applies to the whole
    // body, not just to the torrent field.
    let status = stream_fields(&t, "category", &[b'c'; 16 * 1024], 100).await?;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    // Hundreds of tiny fields are refused long before the size limit.
    let status = stream_fields(&t, "paused", b"true", 500).await?;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
    // 65 tags are one too many, however they are spread over fields.
    let status = stream_fields(&t, "tags", b"a,b,c,d,e", 13).await?;
    assert_eq!(status, "HTTP/1.1 422 Unprocessable Entity");
    Ok(())
}
