//! qBittorrent facade `torrents/add` with `http(s)` `.torrent` URLs, served
//! by a tiny HTTP server on 127.0.0.1: refused by default (loopback is not
//! public), added with `fetch_torrent_urls_private`, refused when too
//! large, not a torrent, redirected too often, or with fetching off.

mod support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::json;
use support::qbit::plain;
use support::torrents::{make_torrent, TorrentServer};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

/// 10 MiB, the default upload limit, plus one byte.
const OVERSIZE: usize = 10 * 1024 * 1024 + 1;

/// An HTTP server answering each path with a canned response.
struct Served {
    port: u16,
    hits: Arc<AtomicUsize>,
}

impl Served {
    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

fn request_path(stream: &mut std::net::TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 16 * 1024 {
        if stream.read(&mut byte).ok()? == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head);
    text.split_whitespace().nth(1).map(str::to_string)
}

fn serve(routes: HashMap<String, Vec<u8>>) -> Result<Served, Error> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let Some(path) = request_path(&mut stream) else {
                continue;
            };
            counter.fetch_add(1, Ordering::SeqCst);
            let not_found = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec();
            let response = routes.get(&path).unwrap_or(&not_found);
            // The client may hang up early (an oversize body): ignore it.
            let _ = stream.write_all(response);
        }
    });
    Ok(Served { port, hits })
}

fn ok(body: &[u8]) -> Vec<u8> {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-bittorrent\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    response
}

/// A body without a length: read until the server closes.
fn unsized_ok(body: &[u8]) -> Vec<u8> {
    let mut response = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".to_vec();
    response.extend_from_slice(body);
    response
}

fn redirect(to: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

async fn add_url(t: &TorrentServer, url: &str) -> Result<String, Error> {
    let res = t
        .server
        .qbit_post("torrents/add", &t.qbit(), &[("urls", url)])
        .await?;
    plain(res, 200).await
}

async fn set_feature(t: &TorrentServer, name: &str, on: bool) -> TestResult {
    let res = t
        .server
        .patch_json(
            "/v1/config",
            &t.key,
            &json!({"app_profile": {"features": {name: on}}}),
        )
        .await?;
    assert_eq!(res.status(), 200, "setting {name}");
    Ok(())
}

fn torrent(t: &TorrentServer, name: &str, seed: u64) -> Result<(Vec<u8>, String), Error> {
    let bytes = make_torrent(
        &t.root.path().join("src"),
        name,
        &[("a.bin", 20_000)],
        &["http://127.0.0.1:1/announce"],
        seed,
    )?;
    let id = libtorrent_sys::parse_torrent_file(&bytes)?.id;
    Ok((bytes, id))
}

#[actix_rt::test]
async fn torrent_urls_are_fetched_within_the_policy() -> TestResult {
    let t = TorrentServer::start().await?;
    let (first, first_id) = torrent(&t, "Fetched", 1)?;
    let (second, second_id) = torrent(&t, "Redirected", 2)?;
    let (third, third_id) = torrent(&t, "NeverFetched", 3)?;
    let routes: HashMap<String, Vec<u8>> = [
        ("/first.torrent", ok(&first)),
        ("/second.torrent", ok(&second)),
        ("/third.torrent", ok(&third)),
        ("/big.torrent", ok(&vec![b'd'; OVERSIZE])),
        ("/big-unsized.torrent", unsized_ok(&vec![b'd'; OVERSIZE])),
        ("/text.torrent", ok(b"<html>not a torrent</html>")),
        ("/r1", redirect("/r2")),
        ("/r2", redirect("/r3")),
        ("/r3", redirect("/second.torrent")),
        ("/l1", redirect("/l2")),
        ("/l2", redirect("/l3")),
        ("/l3", redirect("/l4")),
        ("/l4", redirect("/third.torrent")),
    ]
    .into_iter()
    .map(|(path, response)| (path.to_string(), response))
    .collect();
    let served = serve(routes)?;

    let refused = add_url(&t, &served.url("/first.torrent")).await?;
    assert_eq!(refused, "Fails.", "loopback targets are refused by default");
    assert_eq!(
        served.hits(),
        0,
        "nothing was requested from a refused target"
    );

    set_feature(&t, "fetch_torrent_urls_private", true).await?;
    assert_eq!(add_url(&t, &served.url("/first.torrent")).await?, "Ok.");
    let listed = t.qbit_torrent(&first_id).await?;
    assert_eq!(listed["name"], "Fetched", "the fetched torrent is listed");

    for path in ["/big.torrent", "/big-unsized.torrent", "/text.torrent"] {
        let answer = add_url(&t, &served.url(path)).await?;
        assert_eq!(answer, "Fails.", "{path} is refused");
    }
    let before = served.hits();
    assert_eq!(
        add_url(&t, &served.url("/l1")).await?,
        "Fails.",
        "4 redirects"
    );
    assert_eq!(
        served.hits() - before,
        4,
        "the fourth redirect is not followed"
    );
    assert!(t.qbit_torrent(&third_id).await.is_err(), "not added");
    assert_eq!(add_url(&t, &served.url("/r1")).await?, "Ok.", "3 redirects");
    t.qbit_torrent(&second_id).await?;

    set_feature(&t, "fetch_torrent_urls", false).await?;
    let before = served.hits();
    let off = add_url(&t, &served.url("/third.torrent")).await?;
    assert_eq!(off, "Fails.", "fetching turned off");
    assert_eq!(
        served.hits(),
        before,
        "nothing was requested with fetching off"
    );
    assert!(t.qbit_torrent(&third_id).await.is_err(), "not added");
    Ok(())
}
