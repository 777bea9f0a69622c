//! `POST /v1/torrents` over real HTTP with a real engine: magnet and upload
//! adds, duplicates, size limits (including early `413` on streamed
//! bodies) and validation.

mod support;

use serde_json::{json, Value};
use std::time::Duration;
use support::torrents::{id_of, magnet, make_torrent, TorrentServer};
use support::{expect_problem, pointers, TestResult};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[actix_rt::test]
async fn adds_by_magnet_and_refuses_a_duplicate() -> TestResult {
    let t = TorrentServer::start().await?;
    let link = magnet(0xabc, "Some%20Show");
    let res = t
        .post(
            "/v1/torrents",
            &json!({"magnet": link, "category": "tv", "tags": ["a"]}),
        )
        .await?;
    assert_eq!(res.status(), 201);
    let location = res
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let summary: Value = res.json().await?;
    let id = id_of(&summary)?;
    assert_eq!(id, format!("{:040x}", 0xabc));
    assert_eq!(location, Some(format!("/v1/torrents/{id}")));
    assert_eq!(summary["name"], "Some Show");
    assert_eq!(summary["category"], "tv");
    assert_eq!(summary["tags"], json!(["a"]));
    let detail = t.detail(&id).await?;
    assert_eq!(detail["id"], id);
    assert_eq!(detail["fsops"], Value::Null);

    let again = t.post("/v1/torrents", &json!({"magnet": link})).await?;
    let problem = expect_problem(again, 409, "torrent_exists").await?;
    assert_eq!(problem["torrent_id"], id);
    Ok(())
}

#[actix_rt::test]
async fn adds_by_upload_with_plain_or_json_options() -> TestResult {
    let t = TorrentServer::start().await?;
    let work = tempfile::tempdir()?;
    let first = make_torrent(
        work.path(),
        "first",
        &[("a.mkv", 3000), ("b.nfo", 10)],
        &[],
        1,
    )?;
    let save_path = t.extra().join("movies").to_string_lossy().into_owned();
    let summary = t
        .add_file(
            &first,
            &[
                ("save_path", &save_path),
                ("category", "movies"),
                ("tags", "hd, new"),
                ("tags", "x"),
                ("paused", "true"),
            ],
        )
        .await?;
    let id = id_of(&summary)?;
    assert_eq!(summary["name"], "first");
    assert_eq!(summary["save_path"], save_path);
    assert_eq!(summary["category"], "movies");
    assert_eq!(summary["tags"], json!(["hd", "new", "x"]));
    let detail = t
        .wait_detail(&id, "paused state", |d| d["state"] == "paused")
        .await?;
    assert_eq!(detail["files"].as_array().map(Vec::len), Some(2));

    let dup = t.upload(&first, &[]).await?;
    let problem = expect_problem(dup, 409, "torrent_exists").await?;
    assert_eq!(problem["torrent_id"], id);

    let second = make_torrent(work.path(), "second", &[("c.txt", 100)], &[], 2)?;
    let options =
        json!({"paused": true, "sequential": true, "limits": {"download_bps": 7000}, "files": [1]});
    let summary = t
        .add_file(&second, &[("options", &options.to_string())])
        .await?;
    let detail = t.detail(&id_of(&summary)?).await?;
    assert_eq!(detail["limits"]["download_bps"], 7000);
    assert_eq!(detail["files"][0]["priority"], 1);
    assert_eq!(detail["sequential"], true);

    let third = make_torrent(work.path(), "third", &[("d.txt", 100)], &[], 3)?;
    let mixed = t
        .upload(&third, &[("options", "{}"), ("paused", "true")])
        .await?;
    let problem = expect_problem(mixed, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/options"]);
    Ok(())
}

/// Sends raw bytes and returns the status line of the response, waiting at
/// most a few seconds (a server that waits for the rest of the body fails).
async fn raw_status(
    addr: std::net::SocketAddr,
    head: &str,
    body: &[u8],
) -> Result<String, Box<dyn std::error::Error>> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    stream.write_all(head.as_bytes()).await?;
    // The server may answer and close while we still write: ignore that.
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    let mut buf = [0u8; 4096];
    let read = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    response.extend_from_slice(&buf[..n]);
                    if response.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    read.map_err(|_| "no response before the body was complete")?;
    let text = String::from_utf8_lossy(&response);
    Ok(text.lines().next().unwrap_or_default().to_string())
}

#[actix_rt::test]
async fn oversize_magnets_and_torrents_get_413_early() -> TestResult {
    let t = TorrentServer::start().await?;
    let long = format!("{}&dn={}", magnet(1, "x"), "a".repeat(9 * 1024));
    let res = t.post("/v1/torrents", &json!({"magnet": long})).await?;
    expect_problem(res, 413, "payload_too_large").await?;

    let addr = t.server.running.addr;
    let key = &t.key;
    // A declared length over the limit is refused before any body byte.
    let head = format!(
        "POST /v1/torrents HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\
         content-type: multipart/form-data; boundary=XYZ\r\ncontent-length: 20000000\r\n\r\n"
    );
    assert_eq!(
        raw_status(addr, &head, b"").await?,
        "HTTP/1.1 413 Payload Too Large"
    );
    let head = format!(
        "POST /v1/torrents HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\
         content-type: application/json\r\ncontent-length: 100000\r\n\r\n"
    );
    assert_eq!(
        raw_status(addr, &head, b"").await?,
        "HTTP/1.1 413 Payload Too Large"
    );

    // A streamed (chunked) upload is cut off once the file passes 10 MiB,
    // while the client has not even finished sending.
    let head = format!(
        "POST /v1/torrents HTTP/1.1\r\nhost: x\r\nx-api-key: {key}\r\n\
         content-type: multipart/form-data; boundary=XYZ\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    let mut body = Vec::new();
    let preamble =
        "--XYZ\r\ncontent-disposition: form-data; name=\"torrent\"; filename=\"big.torrent\"\r\n\
                    content-type: application/x-bittorrent\r\n\r\n";
    body.extend_from_slice(format!("{:x}\r\n{preamble}\r\n", preamble.len()).as_bytes());
    let chunk = vec![b'd'; 1024 * 1024];
    for _ in 0..11 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    // No terminating chunk: the body never ends.
    assert_eq!(
        raw_status(addr, &head, &body).await?,
        "HTTP/1.1 413 Payload Too Large"
    );

    // Just under the limit is read to the end and judged on its content.
    let work = tempfile::tempdir()?;
    let fine = make_torrent(work.path(), "fine", &[("f.bin", 100)], &[], 9)?;
    let summary = t.add_file(&fine, &[]).await?;
    assert_eq!(summary["name"], "fine");
    Ok(())
}

#[actix_rt::test]
async fn invalid_adds_get_precise_problems() -> TestResult {
    let t = TorrentServer::start().await?;
    let cases = [
        (
            json!({"magnet": "http://example.invalid/x.torrent"}),
            vec!["/magnet"],
        ),
        (
            json!({"magnet": "magnet:?xt=urn:btih:nothex"}),
            vec!["/magnet"],
        ),
        (
            json!({"magnet": magnet(5, "x"), "save_path": "/etc"}),
            vec!["/save_path"],
        ),
        (
            json!({"magnet": magnet(5, "x"), "save_path": "relative/dir"}),
            vec!["/save_path"],
        ),
        (
            json!({"magnet": magnet(5, "x"), "save_path": format!("{}/../../etc", t.downloads().display())}),
            vec!["/save_path"],
        ),
        (
            json!({"magnet": magnet(5, "x"), "files": [1, 9], "limits": {"download_bps": -1}, "tags": [""]}),
            vec!["/files/1", "/limits/download_bps", "/tags/0"],
        ),
    ];
    for (body, expected) in cases {
        let res = t.post("/v1/torrents", &body).await?;
        let problem = expect_problem(res, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), expected, "{body}");
    }
    let unknown = t
        .post(
            "/v1/torrents",
            &json!({"magnet": magnet(6, "x"), "colour": "red"}),
        )
        .await?;
    expect_problem(unknown, 422, "validation_failed").await?;

    let corrupt = t.upload(b"d4:infod4:name3:abcee", &[]).await?;
    let problem = expect_problem(corrupt, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/torrent"]);
    let garbage = t.upload(b"not bencode at all", &[]).await?;
    expect_problem(garbage, 422, "validation_failed").await?;

    let work = tempfile::tempdir()?;
    let good = make_torrent(work.path(), "good", &[("g.bin", 10)], &[], 4)?;
    let outside = t.upload(&good, &[("save_path", "/tmp/elsewhere")]).await?;
    let problem = expect_problem(outside, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/save_path"]);
    let odd = t
        .upload(&good, &[("colour", "red"), ("paused", "maybe")])
        .await?;
    let problem = expect_problem(odd, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/colour", "/paused"]);

    let form = reqwest::multipart::Form::new().text("category", "tv");
    let no_file = t
        .server
        .client
        .post(t.server.url("/v1/torrents"))
        .header("x-api-key", &t.key)
        .multipart(form)
        .send()
        .await?;
    let problem = expect_problem(no_file, 422, "validation_failed").await?;
    assert_eq!(pointers(&problem), vec!["/torrent"]);

    let text = t
        .server
        .client
        .post(t.server.url("/v1/torrents"))
        .header("x-api-key", &t.key)
        .header("content-type", "text/plain")
        .body("magnet:?xt=urn:btih:0")
        .send()
        .await?;
    expect_problem(text, 415, "unsupported_media_type").await?;
    let malformed = t
        .server
        .client
        .post(t.server.url("/v1/torrents"))
        .header("x-api-key", &t.key)
        .header("content-type", "application/json")
        .body("{\"magnet\": ")
        .send()
        .await?;
    expect_problem(malformed, 400, "malformed_json").await?;
    let anonymous = t
        .server
        .client
        .post(t.server.url("/v1/torrents"))
        .json(&json!({"magnet": magnet(7, "x")}))
        .send()
        .await?;
    expect_problem(anonymous, 401, "unauthorized").await?;

    // Nothing was added by any of the refused requests.
    let list: Value = t.get("/v1/torrents").await?.json().await?;
    assert_eq!(list["items"], json!([]), "{list}");
    Ok(())
}
