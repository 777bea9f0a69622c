//! Every error is an RFC 9457 problem document.

mod support;

use support::{expect_problem, TestResult, TestServer};

#[actix_rt::test]
async fn transport_errors_are_problem_documents() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let patch = |body: &'static str, content_type: &'static str| {
        server
            .client
            .patch(server.url("/v1/config"))
            .header("x-api-key", &key)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    expect_problem(
        patch("{not json", "application/json").await?,
        400,
        "malformed_json",
    )
    .await?;
    expect_problem(
        patch("{}", "text/plain").await?,
        415,
        "unsupported_media_type",
    )
    .await?;

    let res = server
        .client
        .post(server.url("/v1/keys"))
        .header("x-api-key", &key)
        .json(&serde_json::json!({"label": "x", "colour": "blue"}))
        .send()
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert!(
        problem["invalid_params"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("colour")),
        "{problem}"
    );

    // A wrong type deep in the body names the field that has it.
    let res = server
        .client
        .post(server.url("/v1/keys"))
        .header("x-api-key", &key)
        .json(&serde_json::json!({"label": "x", "rate_limit": {"burst": 2.5, "per_seconds": 60}}))
        .send()
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        problem["invalid_params"][0]["pointer"], "/rate_limit/burst",
        "{problem}"
    );
    let res = server
        .client
        .post(server.url(&format!("/v1/torrents/{}/select", "0".repeat(40))))
        .header("x-api-key", &key)
        .json(&serde_json::json!({"files": [{"index": "first"}]}))
        .send()
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert!(
        problem["invalid_params"][0]["pointer"]
            .as_str()
            .is_some_and(|p| p.starts_with("/files/0")),
        "{problem}"
    );

    let big = format!(
        "{{\"fs_policy\": {{\"cleanup_drop\": [\"{}\"]}}}}",
        "a".repeat(2 * 1024 * 1024)
    );
    let res = server
        .client
        .patch(server.url("/v1/config"))
        .header("x-api-key", &key)
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await?;
    expect_problem(res, 413, "payload_too_large").await?;

    expect_problem(
        server.get("/v1/no-such-route", &key).await?,
        404,
        "route_not_found",
    )
    .await?;
    expect_problem(
        server
            .client
            .get(server.url("/no-such-page"))
            .send()
            .await?,
        404,
        "route_not_found",
    )
    .await?;
    let res = server
        .client
        .delete(server.url("/v1/config"))
        .header("x-api-key", &key)
        .send()
        .await?;
    assert!(matches!(res.status().as_u16(), 404 | 405));
    let status = res.status().as_u16();
    expect_problem(
        res,
        status,
        if status == 405 {
            "method_not_allowed"
        } else {
            "route_not_found"
        },
    )
    .await?;
    Ok(())
}

#[actix_rt::test]
async fn a_client_request_id_is_echoed_and_a_missing_one_generated() -> TestResult {
    let server = TestServer::start().await?;
    let res = server
        .client
        .get(server.url("/v1/config"))
        .header("x-request-id", "trace-abc-123")
        .send()
        .await?;
    assert_eq!(
        res.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("trace-abc-123")
    );
    let body = expect_problem(res, 409, "setup_required").await?;
    assert_eq!(body["request_id"], "trace-abc-123");
    let res = server
        .client
        .get(server.url("/health"))
        .header("x-request-id", "bad id with spaces")
        .send()
        .await?;
    let id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert_eq!(id.len(), 36, "a fresh uuid replaces an unacceptable id");
    Ok(())
}
