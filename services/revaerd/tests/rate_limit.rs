//! Per-key and per-IP rate limiting over real HTTP: headers, 429 problems,
//! the throttle counter, the health component, and hot reload of a key's
//! limits.

mod support;

use std::time::Duration;

use serde_json::{json, Value};
use support::{expect_problem, TestResult, TestServer};

const KEY_SERIES: &str = "revaer_api_rate_limit_throttled_total{scope=\"key\"}";
const IP_SERIES: &str = "revaer_api_rate_limit_throttled_total{scope=\"ip\"}";
const COMPONENT: &str = "api_rate_limit_guard";

fn header(res: &reqwest::Response, name: &str) -> Option<u64> {
    res.headers().get(name)?.to_str().ok()?.parse().ok()
}

/// `(limit, remaining, reset)` of a response.
fn limits(res: &reqwest::Response) -> (Option<u64>, Option<u64>, Option<u64>) {
    (
        header(res, "x-ratelimit-limit"),
        header(res, "x-ratelimit-remaining"),
        header(res, "x-ratelimit-reset"),
    )
}

async fn guard_status(server: &TestServer) -> Result<Value, Box<dyn std::error::Error>> {
    server.public_json("/health/full").await
}

#[actix_rt::test]
async fn authenticated_responses_carry_rate_limit_headers() -> TestResult {
    let (server, admin) = TestServer::start_active().await?;
    let res = server.get("/v1/config", &admin).await?;
    assert_eq!(res.status(), 200);
    // Default key: 1200 per 60 s, one token every 50 ms.
    assert_eq!(limits(&res), (Some(1200), Some(1199), Some(1)));
    let res = server.get("/v1/keys", &admin).await?;
    // A second request is charged too; one token may have come back if the
    // two requests were more than 50 ms apart.
    let remaining = limits(&res).1;
    assert!(
        matches!(remaining, Some(1198 | 1199)),
        "remaining after two requests: {remaining:?}"
    );

    // Error responses of authenticated requests carry them too.
    let res = server
        .patch_json("/v1/keys/nosuchkey", &admin, &json!({"label": "x"}))
        .await?;
    assert_eq!(limits(&res).0, Some(1200));
    expect_problem(res, 404, "key_not_found").await?;

    // Public routes are not limited per key.
    let res = server.client.get(server.url("/health")).send().await?;
    assert_eq!(limits(&res), (None, None, None));
    let health = guard_status(&server).await?;
    assert_eq!(health["components"][COMPONENT]["status"], "ok");
    Ok(())
}

#[actix_rt::test]
async fn a_key_is_throttled_at_its_burst_and_others_are_not() -> TestResult {
    let (server, admin) = TestServer::start_active().await?;
    let (key_id, limited) = server.create_key(&admin, "tiny", 3, 60).await?;
    let throttled_before = server.metric(KEY_SERIES).await?;

    for remaining in [2, 1, 0] {
        let res = server.get("/v1/config", &limited).await?;
        assert_eq!(res.status(), 200);
        let (limit, left, reset) = limits(&res);
        assert_eq!((limit, left), (Some(3), Some(remaining)));
        assert!(reset.is_some_and(|r| r <= 60), "reset {reset:?}");
    }
    let res = server.get("/v1/config", &limited).await?;
    let retry_after = header(&res, "retry-after").ok_or("Retry-After")?;
    assert!((1..=20).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(limits(&res).0, Some(3));
    assert_eq!(limits(&res).1, Some(0));
    let problem = expect_problem(res, 429, "rate_limited").await?;
    assert_eq!(problem["retry_after"], retry_after);
    assert_eq!(server.metric(KEY_SERIES).await?, throttled_before + 1.0);

    // Another key is unaffected.
    assert_eq!(server.get("/v1/config", &admin).await?.status(), 200);

    // Repeated throttling degrades the guard component, and the change is
    // announced on the event stream.
    assert_eq!(
        guard_status(&server).await?["components"][COMPONENT]["status"],
        "ok"
    );
    let mut events = server.events(&admin, "?types=health_changed", None).await?;
    for _ in 0..20 {
        assert_eq!(server.get("/v1/config", &limited).await?.status(), 429);
    }
    assert_eq!(server.metric(KEY_SERIES).await?, throttled_before + 21.0);
    let health = guard_status(&server).await?;
    assert_eq!(health["status"], "degraded");
    assert_eq!(health["components"][COMPONENT]["status"], "degraded");
    assert!(health["degraded"]
        .as_array()
        .is_some_and(|names| names.iter().any(|n| n == COMPONENT)));
    let frame = loop {
        let frame = events
            .event(Duration::from_secs(10))
            .await?
            .ok_or("event stream ended")?;
        let data = frame.data.clone().unwrap_or_default();
        if data["component"] == COMPONENT {
            break frame;
        }
    };
    assert_eq!(frame.event.as_deref(), Some("health_changed"));
    let data = frame.data.unwrap_or_default();
    assert_eq!(data["status"], "degraded", "{data}");
    assert!(
        data["detail"]
            .as_str()
            .is_some_and(|d| d.contains("throttled")),
        "{data}"
    );

    // A new limit takes effect at once, with a full bucket of the new size.
    let res = server
        .patch_json(
            &format!("/v1/keys/{key_id}"),
            &admin,
            &json!({"rate_limit": {"burst": 5, "per_seconds": 60}}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    for remaining in (0..5).rev() {
        let res = server.get("/v1/config", &limited).await?;
        assert_eq!(res.status(), 200);
        assert_eq!(limits(&res).0, Some(5));
        assert_eq!(limits(&res).1, Some(remaining));
    }
    let res = server.get("/v1/config", &limited).await?;
    expect_problem(res, 429, "rate_limited").await?;
    Ok(())
}

#[actix_rt::test]
async fn the_guard_recovers_after_a_quiet_window() -> TestResult {
    let (server, admin) = TestServer::start_active_with(|options| {
        options.api.rate_limit.degrade_after = 3;
        // Long enough that a stalled CI machine cannot end the window
        // between the last 429 and the first health read.
        options.api.rate_limit.quiet_window = Duration::from_secs(3);
    })
    .await?;
    let (_, limited) = server.create_key(&admin, "one", 1, 3600).await?;
    assert_eq!(server.get("/v1/config", &limited).await?.status(), 200);
    for _ in 0..3 {
        assert_eq!(server.get("/v1/config", &limited).await?.status(), 429);
    }
    assert_eq!(
        guard_status(&server).await?["components"][COMPONENT]["status"],
        "degraded"
    );
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let health = guard_status(&server).await?;
        if health["components"][COMPONENT]["status"] == "ok" {
            assert_eq!(health["status"], "ok");
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("the guard did not recover: {health}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

#[actix_rt::test]
async fn failed_authentications_are_throttled_per_ip() -> TestResult {
    let (server, admin) = TestServer::start_active_with(|options| {
        // 4 failures for this test, plus setup/start and setup/complete,
        // which are charged to the same loopback address.
        options.api.rate_limit.ip_burst = 6;
        options.api.rate_limit.ip_per = Duration::from_secs(300);
    })
    .await?;
    // The admin key's first use is verified, which costs the address
    // nothing (only failures do), then cached.
    assert_eq!(server.get("/v1/config", &admin).await?.status(), 200);
    let (admin_id, _) = admin.split_once(':').ok_or("key form")?;
    let wrong_secret = format!("{admin_id}:{}", "0".repeat(40));
    let before = server.metric(IP_SERIES).await?;

    for attempt in 0..4 {
        let res = if attempt % 2 == 0 {
            server.get("/v1/config", &wrong_secret).await?
        } else {
            server.client.get(server.url("/v1/keys")).send().await?
        };
        expect_problem(res, 401, "unauthorized").await?;
    }
    // Over budget, a known key id still gets one verification in its own
    // slot (see rate_limit::slots): one more 401, then 429.
    let res = server.get("/v1/config", &wrong_secret).await?;
    expect_problem(res, 401, "unauthorized").await?;
    let res = server.get("/v1/config", &wrong_secret).await?;
    let retry_after = header(&res, "retry-after").ok_or("Retry-After")?;
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");
    expect_problem(res, 429, "rate_limited").await?;
    let res = server.client.get(server.url("/v1/events")).send().await?;
    expect_problem(res, 429, "rate_limited").await?;
    assert_eq!(server.metric(IP_SERIES).await?, before + 2.0);

    // A key already verified is answered from memory and not held up.
    assert_eq!(server.get("/v1/config", &admin).await?.status(), 200);
    // Public routes stay open.
    assert_eq!(
        server
            .client
            .get(server.url("/health"))
            .send()
            .await?
            .status(),
        200
    );
    Ok(())
}

#[actix_rt::test]
async fn setup_attempts_are_throttled_per_ip() -> TestResult {
    let db = revaer_schema::testing::TestDatabase::loopback()?;
    let mut options = support::fast_options(&db);
    options.api.rate_limit.ip_burst = 3;
    options.api.rate_limit.ip_per = Duration::from_secs(300);
    let server = TestServer::start_with(db, options).await?;
    let token = server.setup_token().await?;
    let wrong = server.setup_body(&"f".repeat(token.len()));
    for _ in 0..2 {
        let res = server
            .post_json_public("/v1/setup/complete", &wrong)
            .await?;
        expect_problem(res, 401, "setup_token_invalid").await?;
    }
    // The bucket of 3 is spent (start + two guesses): even the right token
    // waits, and says how long.
    let res = server
        .post_json_public("/v1/setup/complete", &server.setup_body(&token))
        .await?;
    assert!(header(&res, "retry-after").is_some_and(|s| s >= 1));
    expect_problem(res, 429, "rate_limited").await?;
    assert_eq!(server.metric(IP_SERIES).await?, 1.0);
    // Nothing was set up by the refused attempts.
    assert_eq!(server.public_json("/health").await?["mode"], "setup");
    Ok(())
}
