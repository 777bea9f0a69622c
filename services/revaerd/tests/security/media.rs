//! Item 14: a magnet's scheme is compared without regard to case (and
//! passed on in lower case), and JSON bodies are `application/json` in
//! UTF-8 only (no other charset, no `+json` patch formats whose semantics
//! the API does not implement).

use serde_json::{json, Value};

use crate::support::torrents::TorrentServer;
use crate::support::{expect_problem, TestResult, TestServer};

#[actix_rt::test]
async fn item14_magnet_scheme_is_case_insensitive() -> TestResult {
    let t = TorrentServer::start().await?;
    for (n, scheme) in ["MAGNET:?", "Magnet:?"].into_iter().enumerate() {
        let link = format!("{scheme}xt=urn:btih:{:040x}&dn=upper{n}", 0xabc0 + n);
        let res = t.post("/v1/torrents", &json!({ "magnet": link })).await?;
        let status = res.status();
        let body: Value = res.json().await?;
        assert_eq!(status, 201, "{link}: {body}");
    }
    Ok(())
}

#[actix_rt::test]
async fn item14_config_patches_are_plain_utf8_json_only() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let body = r#"{"engine_profile": {"max_download_bps": 1234}}"#;
    let send = |content_type: &'static str| {
        server
            .client
            .patch(server.url("/v1/config"))
            .header("x-api-key", &key)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for refused in [
        "application/json; charset=latin1",
        "application/json-patch+json",
        "application/merge-patch+json",
        "text/json",
    ] {
        expect_problem(send(refused).await?, 415, "unsupported_media_type").await?;
    }
    for accepted in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON; charset=\"UTF-8\"",
    ] {
        assert_eq!(send(accepted).await?.status(), 200, "{accepted}");
    }
    Ok(())
}
