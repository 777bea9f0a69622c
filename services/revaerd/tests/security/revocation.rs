//! Item 1: revoking a key (disable or delete) takes effect for every request
//! that starts after the revocation returned, even when the key's first
//! verification was in flight while it happened.

use std::time::Duration;

use serde_json::json;

use crate::server;
use crate::support::{TestResult, TestServer};

async fn revoke(server: &TestServer, admin: &str, key_id: &str, delete: bool) -> TestResult {
    let path = format!("/v1/keys/{key_id}");
    let res = if delete {
        server
            .client
            .delete(server.url(&path))
            .header("x-api-key", admin)
            .send()
            .await?
    } else {
        server
            .patch_json(&path, admin, &json!({"enabled": false}))
            .await?
    };
    assert!(res.status().is_success(), "revocation: {}", res.status());
    Ok(())
}

#[actix_rt::test]
async fn item1_revocation_wins_over_a_verification_in_flight() -> TestResult {
    let (server, admin) = server().await?;
    for round in 0..40u64 {
        let (key_id, key) = server.create_key(&admin, "victim", 1000, 60).await?;
        // The key's first request is being verified (database read, argon2)
        // while the key is revoked; the revocation must win afterwards.
        let first = {
            let client = server.client.clone();
            let url = server.url("/v1/config");
            let key = key.clone();
            actix_rt::spawn(async move { client.get(url).header("x-api-key", key).send().await })
        };
        tokio::time::sleep(Duration::from_millis(round % 8)).await;
        revoke(&server, &admin, &key_id, round % 2 == 0).await?;
        let _ = first.await?;
        for _ in 0..3 {
            let status = server.get("/v1/config", &key).await?.status();
            assert_ne!(
                status, 200,
                "round {round}: the revoked key {key_id} was still accepted"
            );
        }
    }
    Ok(())
}
