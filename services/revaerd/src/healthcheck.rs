//! `revaerd healthcheck`: one `GET /health` over plain HTTP/1.1, so a
//! container image needs no curl or wget for its HEALTHCHECK.
//!
//! Rule: 200 is healthy, anything else (another status, no answer, a bad
//! URL) is not; the process exits 0 or 1 accordingly.

use std::io::{BufRead, BufReader, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The default when neither `--url` nor a bind address is given.
pub const DEFAULT_URL: &str = "http://127.0.0.1:7070/health";

/// Why the check failed.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    /// Not `http://HOST[:PORT][/PATH]`.
    #[error("not a plain http URL: {0}")]
    Url(String),
    /// Could not connect, send or read.
    #[error("{url}: {source}")]
    Io {
        /// The URL checked.
        url: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The first line was not an HTTP status line.
    #[error("{url}: not an HTTP response: {line:?}")]
    Response {
        /// The URL checked.
        url: String,
        /// What came back.
        line: String,
    },
}

/// `/health` on the bind address's port; an unspecified address (every
/// interface) is reached through loopback.
pub fn default_url(bind: Option<SocketAddr>) -> String {
    let Some(bind) = bind else {
        return DEFAULT_URL.to_string();
    };
    let ip = match bind.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}/health", SocketAddr::new(ip, bind.port()))
}

/// Splits `http://HOST[:PORT][/PATH]` into (authority, host, port, path);
/// the path defaults to `/health`.
fn parse(url: &str) -> Result<(&str, &str, u16, &str), CheckError> {
    let bad = || CheckError::Url(url.to_string());
    let rest = url.strip_prefix("http://").ok_or_else(bad)?;
    let (authority, path) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash..]),
        None => (rest, "/health"),
    };
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6.split_once(']').ok_or_else(bad)?;
        (host, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let port = port.map_or(Ok(80), |p| p.parse().map_err(|_| bad()))?;
    if host.is_empty() {
        return Err(bad());
    }
    Ok((authority, host, port, path))
}

/// GETs `url`; returns the HTTP status code.
pub fn check(url: &str, timeout: Duration) -> Result<u16, CheckError> {
    let (authority, host, port, path) = parse(url)?;
    let io = |source| CheckError::Io {
        url: url.to_string(),
        source,
    };
    let addr = (host, port)
        .to_socket_addrs()
        .map_err(io)?
        .next()
        .ok_or_else(|| CheckError::Url(url.to_string()))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(io)?;
    stream.set_read_timeout(Some(timeout)).map_err(io)?;
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
    // One write: a server may answer and close after the first segment.
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: revaerd-healthcheck\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(io)?;
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).map_err(io)?;
    let mut parts = line.split_whitespace();
    match (parts.next(), parts.next().and_then(|c| c.parse().ok())) {
        (Some(version), Some(code)) if version.starts_with("HTTP/") => Ok(code),
        _ => Err(CheckError::Response {
            url: url.to_string(),
            line: line.trim_end().to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
