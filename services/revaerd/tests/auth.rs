//! API-key authentication and key management.

mod support;

use serde_json::{json, Value};
use support::{expect_problem, pointers, TestResult, TestServer};

#[actix_rt::test]
async fn requests_need_a_valid_enabled_key() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let res = server.client.get(server.url("/v1/config")).send().await?;
    expect_problem(res, 401, "unauthorized").await?;
    let (key_id, _) = key.split_once(':').ok_or("key form")?;
    let res = server
        .get("/v1/config", &format!("{key_id}:{}", "0".repeat(64)))
        .await?;
    expect_problem(res, 401, "unauthorized").await?;
    let res = server.get("/v1/config", "no-colon-here").await?;
    expect_problem(res, 401, "unauthorized").await?;
    let res = server.get("/v1/config", "unknownkey:secret").await?;
    expect_problem(res, 401, "unauthorized").await?;

    assert_eq!(server.get("/v1/config", &key).await?.status(), 200);
    // Cached path and bearer form.
    assert_eq!(server.get("/v1/config", &key).await?.status(), 200);
    let res = server
        .client
        .get(server.url("/v1/config"))
        .bearer_auth(&key)
        .send()
        .await?;
    assert_eq!(res.status(), 200);
    Ok(())
}

#[actix_rt::test]
async fn keys_can_be_created_disabled_and_deleted() -> TestResult {
    let (server, admin) = TestServer::start_active().await?;
    let res = server
        .post_json(
            "/v1/keys",
            &admin,
            &json!({"label": "sonarr", "rate_limit": {"burst": 10, "per_seconds": 1}}),
        )
        .await?;
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await?;
    let second = created["api_key"].as_str().ok_or("api_key")?.to_string();
    let second_id = created["key_id"].as_str().ok_or("key_id")?.to_string();
    assert_eq!(
        created["rate_limit"],
        json!({"burst": 10, "per_seconds": 1})
    );
    assert_eq!(server.get("/v1/config", &second).await?.status(), 200);

    let listed: Value = server.get("/v1/keys", &admin).await?.json().await?;
    let listed = listed.as_array().ok_or("list")?;
    assert_eq!(listed.len(), 2);
    assert!(
        listed
            .iter()
            .all(|k| k.get("api_key").is_none() && k.get("secret_hash").is_none()),
        "no secrets listed"
    );

    // Disable: the cached key must stop working at once (403).
    let res = server
        .patch_json(
            &format!("/v1/keys/{second_id}"),
            &admin,
            &json!({"enabled": false}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let res = server.get("/v1/config", &second).await?;
    expect_problem(res, 403, "key_disabled").await?;

    let res = server
        .patch_json(
            &format!("/v1/keys/{second_id}"),
            &admin,
            &json!({"rate_limit": {"burst": 0, "per_seconds": 0}}),
        )
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec!["/rate_limit/burst", "/rate_limit/per_seconds"]
    );

    // The last enabled key cannot be disabled or deleted.
    let (admin_id, _) = admin.split_once(':').ok_or("key form")?;
    let res = server
        .patch_json(
            &format!("/v1/keys/{admin_id}"),
            &admin,
            &json!({"enabled": false}),
        )
        .await?;
    expect_problem(res, 409, "last_enabled_key").await?;
    let res = server
        .client
        .delete(server.url(&format!("/v1/keys/{admin_id}")))
        .header("x-api-key", &admin)
        .send()
        .await?;
    expect_problem(res, 409, "last_enabled_key").await?;

    let res = server
        .client
        .delete(server.url(&format!("/v1/keys/{second_id}")))
        .header("x-api-key", &admin)
        .send()
        .await?;
    assert_eq!(res.status(), 204);
    let res = server.get("/v1/config", &second).await?;
    expect_problem(res, 401, "unauthorized").await?;
    let res = server
        .client
        .delete(server.url(&format!("/v1/keys/{second_id}")))
        .header("x-api-key", &admin)
        .send()
        .await?;
    expect_problem(res, 404, "key_not_found").await?;
    Ok(())
}
