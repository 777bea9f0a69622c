//! Setup mode: gating, one-time tokens, expiry, loopback-only issuance and
//! concurrent completion.

mod support;

use actix_web::test as actix_test;
use revaer_api::build_app;
use revaer_api::openapi::OpenApiDoc;
use serde_json::Value;
use std::time::Duration;
use support::{expect_problem, fast_options, pointers, TestResult, TestServer};

#[actix_rt::test]
async fn a_fresh_instance_is_locked_in_setup_mode() -> TestResult {
    let server = TestServer::start().await?;
    let health = server.public_json("/health").await?;
    assert_eq!(health, serde_json::json!({"status": "ok", "mode": "setup"}));
    for path in ["/health/full", "/metrics", "/docs/openapi.json"] {
        let res = server.client.get(server.url(path)).send().await?;
        assert_eq!(res.status(), 200, "{path} is open in setup mode");
    }
    for path in ["/v1/config", "/v1/keys", "/v1/torrents", "/anything"] {
        let res = server.client.get(server.url(path)).send().await?;
        expect_problem(res, 409, "setup_required").await?;
    }
    Ok(())
}

#[actix_rt::test]
async fn the_setup_flow_activates_the_instance_once() -> TestResult {
    let server = TestServer::start().await?;
    let token = server.setup_token().await?;
    assert_eq!(token.len(), 48);

    // A wrong token changes nothing.
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body("0badc0de"))
        .send()
        .await?;
    expect_problem(res, 401, "setup_token_invalid").await?;
    let health: Value = server
        .client
        .get(server.url("/health"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(health["mode"], "setup");

    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body(&token))
        .send()
        .await?;
    assert_eq!(res.status(), 201);
    let body: Value = res.json().await?;
    let api_key = body["api_key"].as_str().ok_or("api_key")?;
    let key_id = body["key_id"].as_str().ok_or("key_id")?;
    assert!(api_key.starts_with(&format!("{key_id}:")));

    // Active now: the key works and the settings were stored.
    let config: Value = server.get("/v1/config", api_key).await?.json().await?;
    assert_eq!(config["app_profile"]["mode"], "active");
    assert_eq!(config["app_profile"]["instance_name"], "test-instance");
    assert_eq!(
        config["engine_profile"]["download_root"],
        "/srv/revaer-test/downloads"
    );
    assert_eq!(
        config["fs_policy"]["library_root"],
        "/srv/revaer-test/library"
    );

    // The token is spent and setup routes are closed.
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body(&token))
        .send()
        .await?;
    expect_problem(res, 409, "setup_already_completed").await?;
    let res = server
        .client
        .post(server.url("/v1/setup/start"))
        .send()
        .await?;
    expect_problem(res, 409, "setup_already_completed").await?;

    // Only hashes are stored.
    let mut conn = server.db.connect()?;
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        h: String,
    }
    let hashes: Vec<Hash> = diesel::sql_query(
        "SELECT token_hash AS h FROM setup_tokens UNION ALL SELECT secret_hash AS h FROM api_keys",
    )
    .load(&mut conn)?;
    assert_eq!(hashes.len(), 2);
    assert!(hashes
        .iter()
        .all(|row| row.h.starts_with("$argon2id$") && !row.h.contains(&token)));
    Ok(())
}

#[actix_rt::test]
async fn a_consumed_token_is_refused_even_before_mode_changes_elsewhere() -> TestResult {
    let server = TestServer::start().await?;
    let first = server.setup_token().await?;
    // Issuing a new token revokes the previous one.
    let second = server.setup_token().await?;
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body(&first))
        .send()
        .await?;
    expect_problem(res, 401, "setup_token_invalid").await?;
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body(&second))
        .send()
        .await?;
    assert_eq!(res.status(), 201);
    Ok(())
}

#[actix_rt::test]
async fn an_expired_token_is_refused() -> TestResult {
    let db = revaer_schema::testing::TestDatabase::loopback()?;
    let mut options = fast_options(&db);
    options.api.setup_token_ttl = Duration::from_millis(1);
    let server = TestServer::start_with(db, options).await?;
    let token = server.setup_token().await?;
    tokio::time::sleep(Duration::from_millis(20)).await;
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body(&token))
        .send()
        .await?;
    expect_problem(res, 410, "setup_token_expired").await?;
    let health: Value = server
        .client
        .get(server.url("/health"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(health["mode"], "setup");
    Ok(())
}

#[actix_rt::test]
async fn invalid_setup_settings_name_each_field() -> TestResult {
    let server = TestServer::start().await?;
    let token = server.setup_token().await?;
    let mut body = server.setup_body(&token);
    body["download_root"] = "relative/path".into();
    body["instance_name"] = "".into();
    body["resume_dir"] = "/srv/../etc".into();
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&body)
        .send()
        .await?;
    let problem = expect_problem(res, 422, "validation_failed").await?;
    assert_eq!(
        pointers(&problem),
        vec!["/download_root", "/instance_name", "/resume_dir"]
    );
    // The token was not consumed by the invalid attempt.
    let res = server
        .client
        .post(server.url("/v1/setup/complete"))
        .json(&server.setup_body(&token))
        .send()
        .await?;
    assert_eq!(res.status(), 201);
    Ok(())
}

#[actix_rt::test]
async fn concurrent_completions_have_exactly_one_winner() -> TestResult {
    let server = TestServer::start().await?;
    let token = server.setup_token().await?;
    let attempts = (0..6).map(|_| {
        server
            .client
            .post(server.url("/v1/setup/complete"))
            .json(&server.setup_body(&token))
            .send()
    });
    let results = futures_util::future::join_all(attempts).await;
    let mut statuses: Vec<u16> = Vec::new();
    for result in results {
        statuses.push(result?.status().as_u16());
    }
    statuses.sort();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "statuses: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "statuses: {statuses:?}"
    );
    let mut conn = server.db.connect()?;
    let keys = revaer_schema::models::api_keys::list(&mut conn)?;
    assert_eq!(keys.len(), 1, "exactly one API key was created");
    Ok(())
}

/// The loopback rule is decided by the TCP peer address, which a real
/// non-loopback client cannot be made to have in this sandbox; the in-process
/// service lets the test set it.
#[actix_rt::test]
async fn setup_tokens_are_refused_to_non_loopback_peers() -> TestResult {
    let db = revaer_schema::testing::TestDatabase::migrated()?;
    let state = support::api_state::hand_built(&db)?;
    let app = actix_test::init_service(build_app(
        actix_web::web::Data::new(state),
        actix_web::web::Data::new(OpenApiDoc::generate()),
    ))
    .await;
    for (peer, expected) in [
        ("192.0.2.10:5000", 403),
        ("[2001:db8::1]:5000", 403),
        ("127.0.0.1:5000", 201),
        ("[::1]:5000", 201),
    ] {
        let req = actix_test::TestRequest::post()
            .uri("/v1/setup/start")
            .peer_addr(peer.parse()?)
            .insert_header(("x-forwarded-for", "127.0.0.1"))
            .to_request();
        let res = actix_test::call_service(&app, req).await;
        assert_eq!(res.status().as_u16(), expected, "peer {peer}");
    }
    Ok(())
}
