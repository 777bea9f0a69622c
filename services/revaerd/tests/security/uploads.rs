//! Item 4 (behaviour; the memory bound has its own binary, `body_memory`):
//! a multipart body is counted as it streams, whatever its framing, and the
//! number of form fields is bounded before anything piles up.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::torrents::TorrentServer;
use crate::support::TestResult;

/// Streams a chunked multipart body made of `fields` copies of one field
/// and returns the response's status line (the server may answer before
/// the body is complete; later writes may then fail, which is fine).
async fn stream_fields(
    t: &TorrentServer,
    name: &str,
    value: &[u8],
    fields: usize,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut stream = tokio::net::TcpStream::connect(t.server.running.addr).await?;
    let head = format!(
        "POST /v1/torrents HTTP/1.1\r\nhost: x\r\nx-api-key: {}\r\n\
         content-type: multipart/form-data; boundary=XYZ\r\ntransfer-encoding: chunked\r\n\r\n",
        t.key
    );
    stream.write_all(head.as_bytes()).await?;
    let (mut reader, mut writer) = stream.into_split();
    let part = [
        format!("--XYZ\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        value,
        b"\r\n",
    ]
    .concat();
    let write = async move {
        for _ in 0..fields {
            let chunk = [format!("{:x}\r\n", part.len()).as_bytes(), &part, b"\r\n"].concat();
            if writer.write_all(&chunk).await.is_err() {
                return;
            }
        }
        let _ = writer.write_all(b"9\r\n--XYZ--\r\n\r\n0\r\n\r\n").await;
    };
    let read = async move {
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
        Duration::from_secs(30),
        futures_util::future::join(read, write),
    )
    .await?;
    Ok(status)
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
