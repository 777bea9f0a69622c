//! The served OpenAPI document covers every route, and every documented
//! route exists on the server.

mod support;

use serde_json::Value;
use support::{TestResult, TestServer};

/// Every route the server must have (method, path). Adding a route without
/// documenting it, or documenting one that is not served, fails this test.
const EXPECTED: &[(&str, &str)] = &[
    ("get", "/health"),
    ("get", "/health/full"),
    ("get", "/metrics"),
    ("get", "/docs/openapi.json"),
    ("post", "/v1/setup/start"),
    ("post", "/v1/setup/complete"),
    ("get", "/v1/config"),
    ("patch", "/v1/config"),
    ("post", "/v1/keys"),
    ("get", "/v1/keys"),
    ("patch", "/v1/keys/{key_id}"),
    ("delete", "/v1/keys/{key_id}"),
    ("get", "/v1/events"),
    ("post", "/v1/torrents"),
    ("get", "/v1/torrents"),
    ("get", "/v1/torrents/{id}"),
    ("delete", "/v1/torrents/{id}"),
    ("get", "/v1/torrents/{id}/pieces"),
    ("post", "/v1/torrents/{id}/select"),
    ("post", "/v1/torrents/{id}/action"),
    ("post", "/v1/torrents/queue"),
    ("post", "/v1/torrents/{id}/fsops/retry"),
    ("get", "/v1/categories"),
    ("put", "/v1/categories/{name}"),
    ("delete", "/v1/categories/{name}"),
    ("get", "/v1/tags"),
    ("put", "/v1/tags/{name}"),
    ("delete", "/v1/tags/{name}"),
    ("post", "/api/v2/auth/login"),
    ("post", "/api/v2/auth/logout"),
    ("get", "/api/v2/app/webapiVersion"),
    ("get", "/api/v2/app/version"),
    ("get", "/api/v2/app/buildInfo"),
    ("get", "/api/v2/app/defaultSavePath"),
    ("get", "/api/v2/app/preferences"),
    ("post", "/api/v2/app/setPreferences"),
    ("get", "/api/v2/torrents/info"),
    ("get", "/api/v2/torrents/properties"),
    ("get", "/api/v2/torrents/files"),
    ("get", "/api/v2/torrents/pieceStates"),
    ("get", "/api/v2/torrents/trackers"),
    ("post", "/api/v2/torrents/add"),
    ("post", "/api/v2/torrents/delete"),
    ("post", "/api/v2/torrents/stop"),
    ("post", "/api/v2/torrents/start"),
    ("post", "/api/v2/torrents/recheck"),
    ("post", "/api/v2/torrents/reannounce"),
    ("post", "/api/v2/torrents/setForceStart"),
    ("post", "/api/v2/torrents/topPrio"),
    ("post", "/api/v2/torrents/bottomPrio"),
    ("post", "/api/v2/torrents/increasePrio"),
    ("post", "/api/v2/torrents/decreasePrio"),
    ("post", "/api/v2/torrents/setShareLimits"),
    ("post", "/api/v2/torrents/setUploadLimit"),
    ("post", "/api/v2/torrents/setDownloadLimit"),
    ("post", "/api/v2/torrents/uploadLimit"),
    ("post", "/api/v2/torrents/downloadLimit"),
    ("post", "/api/v2/torrents/setLocation"),
    ("post", "/api/v2/torrents/addPeers"),
    ("post", "/api/v2/torrents/rename"),
    ("post", "/api/v2/torrents/filePrio"),
    ("post", "/api/v2/torrents/toggleSequentialDownload"),
    ("post", "/api/v2/torrents/toggleFirstLastPiecePrio"),
    ("post", "/api/v2/torrents/setSuperSeeding"),
    ("post", "/api/v2/torrents/setAutoManagement"),
    ("get", "/api/v2/torrents/categories"),
    ("post", "/api/v2/torrents/createCategory"),
    ("post", "/api/v2/torrents/editCategory"),
    ("post", "/api/v2/torrents/removeCategories"),
    ("post", "/api/v2/torrents/setCategory"),
    ("get", "/api/v2/torrents/tags"),
    ("post", "/api/v2/torrents/createTags"),
    ("post", "/api/v2/torrents/deleteTags"),
    ("post", "/api/v2/torrents/addTags"),
    ("post", "/api/v2/torrents/removeTags"),
    ("get", "/api/v2/sync/maindata"),
    ("get", "/api/v2/transfer/info"),
    ("get", "/api/v2/transfer/downloadLimit"),
    ("get", "/api/v2/transfer/uploadLimit"),
    ("post", "/api/v2/transfer/setDownloadLimit"),
    ("post", "/api/v2/transfer/setUploadLimit"),
];

#[actix_rt::test]
async fn the_document_matches_the_routes() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let doc = server.public_json("/docs/openapi.json").await?;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().ok_or("paths")?;
    let mut documented: Vec<(String, String)> = paths
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|ops| ops.keys().cloned())
                .map(move |method| (method, path.clone()))
        })
        .collect();
    documented.sort();
    let mut expected: Vec<(String, String)> = EXPECTED
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Each documented route is served: a request never hits the router's 404.
    for (method, path) in &documented {
        let concrete = path
            .replace("{key_id}", "0000000000000000")
            .replace("{id}", &"0".repeat(40))
            .replace("{name}", "openapi-probe");
        let url = server.url(&concrete);
        let request = match method.as_str() {
            "get" => server.client.get(&url),
            "post" => server.client.post(&url),
            "patch" => server.client.patch(&url),
            "put" => server.client.put(&url),
            "delete" => server.client.delete(&url),
            other => return Err(format!("unexpected method {other}").into()),
        };
        if path.starts_with("/api/v2/") {
            // The qBittorrent facade answers an unknown route with a plain
            // `Not Found`; its other 404s say what was not found.
            let res = request.bearer_auth(&key).send().await?;
            if res.status() == 404 {
                assert_ne!(
                    res.text().await?,
                    "Not Found",
                    "{method} {path} is not served"
                );
            }
            continue;
        }
        let res = request
            .header("x-api-key", &key)
            .header("content-type", "application/json")
            .body("{}")
            .send()
            .await?;
        if res.status() == 404 {
            let body: Value = res.json().await?;
            assert_ne!(
                body["type"], "urn:revaer:problem:route_not_found",
                "{method} {path} is documented but not served"
            );
        }
    }

    // The rate limiter is documented on every key-authenticated operation.
    for (method, path) in &documented {
        if path.starts_with("/v1/") && !path.starts_with("/v1/setup/") {
            let responses = &doc["paths"][path][method]["responses"];
            assert!(
                responses["429"].is_object(),
                "{method} {path} documents 429"
            );
            assert!(
                responses["401"].is_object(),
                "{method} {path} documents 401"
            );
            let success = responses
                .as_object()
                .into_iter()
                .flatten()
                .find(|(status, _)| status.starts_with('2'))
                .ok_or("no success response")?;
            assert!(
                success.1["headers"]["X-RateLimit-Remaining"].is_object(),
                "{method} {path} documents the rate-limit headers"
            );
        }
    }

    // Every operation with a body documents what the body extractors answer.
    for (method, path) in &documented {
        let operation = &doc["paths"][path][method];
        if operation["requestBody"].is_object() && path.starts_with("/v1/") {
            for status in ["400", "413", "415"] {
                assert!(
                    operation["responses"][status].is_object(),
                    "{method} {path} documents {status}"
                );
            }
        }
    }

    let schemas = doc["components"]["schemas"].as_object().ok_or("schemas")?;
    for name in [
        "Problem",
        "InvalidParam",
        "ConfigSnapshot",
        "SetupCompleteRequest",
        "CreatedKey",
        "TorrentSummary",
        "TorrentDetail",
        "TorrentList",
        "AddTorrentRequest",
        "UploadForm",
        "SelectRequest",
        "ActionRequest",
        "QueueRequest",
    ] {
        assert!(schemas.contains_key(name), "schema {name} documented");
    }
    let add = &schemas["AddTorrentRequest"]["properties"];
    for field in ["content_layout", "first_last_piece_prio", "skip_checking"] {
        assert!(
            add[field].is_object(),
            "AddTorrentRequest documents {field}"
        );
    }
    let layouts = &schemas["ContentLayout"]["enum"];
    assert_eq!(
        layouts,
        &serde_json::json!(["original", "subfolder", "no_subfolder"])
    );
    let summary = &schemas["TorrentSummary"]["properties"];
    assert!(summary["first_last_piece_prio"].is_object());
    Ok(())
}
