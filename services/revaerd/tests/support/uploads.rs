//! Hand-framed upload bodies: a chunked `multipart/form-data` POST to
//! `/v1/torrents` made of one field repeated, generated as it is sent (so
//! the client side costs no memory however large the body), for the tests
//! that check the server counts and bounds a body while it streams.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Largest chunk written at once.
const CHUNK: usize = 64 * 1024;

/// One form field, sent `count` times.
pub struct RepeatedField<'a> {
    /// Form field name.
    pub name: &'a str,
    /// A `filename` for the part (file fields), or none.
    pub filename: Option<&'a str>,
    /// The field's content.
    pub value: &'a [u8],
    /// How many copies.
    pub count: usize,
}

/// Streams `field` as a chunked multipart body to `addr` with API key `key`
/// and returns the response's status line. The server may answer before
/// the body is complete; later writes may then fail, which is fine.
pub async fn chunked_multipart(
    addr: SocketAddr,
    key: &str,
    field: &RepeatedField<'_>,
    timeout: Duration,
) -> Result<String, Box<dyn std::error::Error>> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    let (mut reader, mut writer) = stream.into_split();
    let head = format!(
        "POST /v1/torrents HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\
         content-type: multipart/form-data; boundary=XYZ\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    writer.write_all(head.as_bytes()).await?;
    let filename = field
        .filename
        .map(|f| format!("; filename=\"{f}\""))
        .unwrap_or_default();
    let preamble = format!(
        "--XYZ\r\ncontent-disposition: form-data; name=\"{}\"{filename}\r\n\r\n",
        field.name
    );
    let write = async {
        for _ in 0..field.count {
            for piece in [preamble.as_bytes(), field.value, b"\r\n"] {
                for chunk in piece.chunks(CHUNK) {
                    let framed =
                        [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
                    if writer.write_all(&framed).await.is_err() {
                        return;
                    }
                }
            }
        }
        // The server may have answered and closed already.
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
    let (status, ()) =
        tokio::time::timeout(timeout, futures_util::future::join(read, write)).await?;
    Ok(status)
}
