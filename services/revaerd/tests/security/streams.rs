//! Item 2: an event stream is bound to the key that opened it: deleting or
//! disabling the key, or changing its rate limit, ends the stream promptly.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{TestResult, TestServer};

/// How soon a stream must end after its key was revoked (the old code never
/// ended it; the margin is for a loaded CI machine).
const PROMPTLY: Duration = Duration::from_secs(10);

async fn wait_for_end(
    server: &TestServer,
    admin: &str,
    events: &mut crate::support::sse::SseReader,
    what: &str,
) -> TestResult {
    let started = Instant::now();
    let mut bump = 0;
    loop {
        // Keep events coming: a stream that is still open would carry them.
        bump += 1;
        let res = server
            .patch_json(
                "/v1/config",
                admin,
                &json!({"engine_profile": {"max_download_bps": 7000 + bump}}),
            )
            .await?;
        assert_eq!(res.status(), 200);
        // An event or a quiet half second: still open. The end: done.
        if let Ok(None) = events.event(Duration::from_millis(500)).await {
            return Ok(());
        }
        assert!(
            started.elapsed() < PROMPTLY,
            "{what}: the stream was still open after {:?}",
            started.elapsed()
        );
    }
}

#[actix_rt::test]
async fn item2_revoking_a_key_ends_its_event_streams() -> TestResult {
    let (server, admin) = TestServer::start_active().await?;
    for change in ["delete", "disable", "rate_limit"] {
        let (key_id, key) = server.create_key(&admin, change, 1000, 60).await?;
        let mut events = server.events(&key, "?types=config_changed", None).await?;
        let path = format!("/v1/keys/{key_id}");
        let res = match change {
            "delete" => {
                server
                    .client
                    .delete(server.url(&path))
                    .header("x-api-key", &admin)
                    .send()
                    .await?
            }
            "disable" => {
                server
                    .patch_json(&path, &admin, &json!({"enabled": false}))
                    .await?
            }
            _ => {
                server
                    .patch_json(
                        &path,
                        &admin,
                        &json!({"rate_limit": {"burst": 1, "per_seconds": 3600}}),
                    )
                    .await?
            }
        };
        assert!(res.status().is_success(), "{change}: {}", res.status());
        wait_for_end(&server, &admin, &mut events, change).await?;
    }

    // A change to another key leaves the stream open.
    let (_, keeper) = server.create_key(&admin, "keeper", 1000, 60).await?;
    let (other_id, _) = server.create_key(&admin, "other", 1000, 60).await?;
    let mut events = server
        .events(&keeper, "?types=config_changed", None)
        .await?;
    let res = server
        .patch_json(
            &format!("/v1/keys/{other_id}"),
            &admin,
            &json!({"enabled": false}),
        )
        .await?;
    assert_eq!(res.status(), 200);
    let frame = events.event(Duration::from_secs(5)).await?;
    assert!(
        frame.is_some_and(|f| f.event.as_deref() == Some("config_changed")),
        "the stream of an unaffected key keeps delivering"
    );
    Ok(())
}
