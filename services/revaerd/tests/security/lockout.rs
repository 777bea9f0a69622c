//! Item 3: a client without a key cannot lock valid keys out. Only failed
//! authentications are charged to the address bucket; a key that verified
//! is never refused because of it, not even right after a settings change
//! empties the key cache.

use serde_json::json;

use crate::support::{expect_problem, TestResult, TestServer};

#[actix_rt::test]
async fn item3_failed_logins_from_an_address_do_not_lock_out_valid_keys() -> TestResult {
    let (server, admin) =
        TestServer::start_active_with(|options| options.api.rate_limit.ip_burst = 5).await?;
    let (_, key) = server.create_key(&admin, "busy", 1_000_000, 1).await?;
    assert_eq!(server.get("/v1/config", &key).await?.status(), 200);

    // The same address (everything here is 127.0.0.1) fails until its
    // bucket is empty.
    let bad = format!("{}:{}", "f".repeat(16), "0".repeat(64));
    let mut refused = 0;
    for _ in 0..10 {
        let status = server.get("/v1/config", &bad).await?.status().as_u16();
        assert!(status == 401 || status == 429, "{status}");
        refused += usize::from(status == 429);
    }
    assert!(refused >= 5, "the address was throttled");

    // Every PATCH bumps the settings revision, which empties the key cache;
    // the key's next request is verified again and must not be charged to
    // (or refused by) the empty address bucket.
    for round in 0..20 {
        let res = server
            .patch_json(
                "/v1/config",
                &key,
                &json!({"engine_profile": {"max_upload_bps": 1000 + round}}),
            )
            .await?;
        assert_eq!(res.status(), 200, "round {round}");
        let status = server.get("/v1/config", &bad).await?.status().as_u16();
        assert_eq!(status, 429, "round {round}: the address stays throttled");
        assert_eq!(server.get("/v1/config", &key).await?.status(), 200);
    }
    let res = server.get("/v1/config", &bad).await?;
    expect_problem(res, 429, "rate_limited").await?;
    Ok(())
}

#[actix_rt::test]
async fn item3_a_keys_first_verification_gets_through_an_address_over_budget() -> TestResult {
    let (server, admin) =
        TestServer::start_active_with(|options| options.api.rate_limit.ip_burst = 5).await?;
    // Nothing is remembered about these keys yet (as after a restart): their
    // first request needs an argon2 verification.
    let (_, key) = server.create_key(&admin, "fresh", 1_000, 60).await?;
    let (other_id, other) = server.create_key(&admin, "other", 1_000, 60).await?;
    let bad = format!("{}:{}", "f".repeat(16), "0".repeat(64));
    for _ in 0..10 {
        server.get("/v1/config", &bad).await?;
    }
    let res = server.get("/v1/config", &bad).await?;
    expect_problem(res, 429, "rate_limited").await?;

    // A valid key is verified in its id's slot and is not charged.
    assert_eq!(server.get("/v1/config", &key).await?.status(), 200);
    assert_eq!(server.get("/v1/config", &key).await?.status(), 200);
    // A guess at a known id gets one try per slot: a wrong secret is a 401,
    // the next try within the period a 429 (even with the right secret).
    let guess = format!("{other_id}:{}", "0".repeat(64));
    assert_eq!(server.get("/v1/config", &guess).await?.status(), 401);
    assert_eq!(server.get("/v1/config", &guess).await?.status(), 429);
    assert_eq!(server.get("/v1/config", &other).await?.status(), 429);
    // Made-up ids never get a slot.
    let res = server.get("/v1/config", &bad).await?;
    expect_problem(res, 429, "rate_limited").await?;
    Ok(())
}
