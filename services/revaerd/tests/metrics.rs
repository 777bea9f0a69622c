//! `/metrics` hygiene as an operator's Prometheus sees it, over real HTTP:
//! one `revaer_` namespace, a build-info series, component health as
//! gauges, bounded label values, and engine gauges fed by a real peer.

mod support;

use revaer_messages::health::ComponentHealth;
use serde_json::json;
use std::time::Duration;
use support::torrents::{id_of, Seeder, TorrentServer, WAIT};
use support::{TestResult, TestServer};

type Error = Box<dyn std::error::Error>;

async fn scrape(server: &TestServer) -> Result<String, Error> {
    let res = server.client.get(server.url("/metrics")).send().await?;
    assert_eq!(res.status(), 200);
    Ok(res.text().await?)
}

/// Polls `series` until `done` holds for its value.
async fn wait_metric(
    server: &TestServer,
    series: &str,
    done: impl Fn(f64) -> bool,
) -> Result<f64, Error> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let value = server.metric(series).await.unwrap_or(f64::NAN);
        if done(value) {
            return Ok(value);
        }
        if tokio::time::Instant::now() > deadline {
            return Err(format!("{series} stayed at {value}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_rt::test]
async fn every_family_is_namespaced_and_the_build_is_named() -> TestResult {
    let (server, _key) = TestServer::start_active().await?;
    let text = scrape(&server).await?;
    let families: Vec<&str> = text
        .lines()
        .filter_map(|line| line.strip_prefix("# TYPE "))
        .filter_map(|rest| rest.split(' ').next())
        .collect();
    assert!(families.len() > 20, "families: {families:?}");
    // process_* are the client library's standard names, kept for the
    // dashboards that expect them.
    let stray: Vec<&&str> = families
        .iter()
        .filter(|name| !name.starts_with("revaer_") && !name.starts_with("process_"))
        .collect();
    assert!(stray.is_empty(), "families outside revaer_: {stray:?}");

    let health = server.public_json("/health/full").await?;
    let build = format!(
        "revaer_build_info{{revision=\"{}\",version=\"{}\"}}",
        health["build_revision"].as_str().ok_or("build_revision")?,
        env!("CARGO_PKG_VERSION")
    );
    assert_eq!(server.metric(&build).await?, 1.0);
    for component in ["database", "engine", "fsops", "config_watcher"] {
        let series = format!("revaer_component_healthy{{component=\"{component}\"}}");
        assert_eq!(server.metric(&series).await?, 1.0, "{series}");
    }
    // The engine gauges exist from the start.
    wait_metric(&server, "revaer_engine_listening", |v| v == 1.0).await?;
    assert_eq!(server.metric("revaer_engine_dht_nodes").await?, 0.0);
    // The test database turns DHT off.
    assert_eq!(server.metric("revaer_engine_dht_enabled").await?, 0.0);
    assert!(server.metric("revaer_download_root_free_bytes").await? > 0.0);
    assert_eq!(
        server
            .metric("revaer_engine_resume_saves_total{result=\"failed\"}")
            .await?,
        0.0
    );
    Ok(())
}

#[actix_rt::test]
async fn a_degraded_component_reads_zero() -> TestResult {
    let server = TestServer::start().await?;
    let series = "revaer_component_healthy{component=\"probe\"}";
    server.running.health.set("probe", ComponentHealth::ok());
    assert_eq!(server.metric(series).await?, 1.0);
    server
        .running
        .health
        .set("probe", ComponentHealth::degraded("test"));
    assert_eq!(server.metric(series).await?, 0.0);
    Ok(())
}

#[actix_rt::test]
async fn invented_methods_share_one_label_value() -> TestResult {
    let server = TestServer::start().await?;
    for method in ["FOO", "BAR", "GET"] {
        server
            .client
            .request(
                reqwest::Method::from_bytes(method.as_bytes())?,
                server.url("/health"),
            )
            .send()
            .await?;
    }
    let text = scrape(&server).await?;
    let requests: Vec<&str> = text
        .lines()
        .filter(|line| line.starts_with("revaer_http_requests_total{"))
        .collect();
    assert!(
        requests.iter().any(|l| l.contains("method=\"other\"")),
        "{requests:?}"
    );
    assert!(
        requests.iter().any(|l| l.contains("method=\"GET\"")),
        "{requests:?}"
    );
    assert!(
        !text.contains("FOO") && !text.contains("BAR"),
        "a client-chosen method became a label value"
    );
    Ok(())
}

#[actix_rt::test]
async fn sse_subscribers_counts_clients_not_fsops() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    // FsOps is subscribed to the hub from boot on.
    assert_eq!(server.metric("revaer_sse_subscribers").await?, 0.0);
    let stream = server.events(&key, "", None).await?;
    wait_metric(&server, "revaer_sse_subscribers", |v| v == 1.0).await?;
    drop(stream);
    Ok(())
}

#[actix_rt::test]
async fn peers_and_tracker_errors_are_counted() -> TestResult {
    let t = TorrentServer::start().await?;
    let seed_dir = tempfile::tempdir()?;
    let seeder = Seeder::start(seed_dir.path(), &[("big.bin", 2_000_000)], 7)?;
    let summary = t.add_file(&seeder.torrent, &[("paused", "true")]).await?;
    let id = id_of(&summary)?;
    // Slow enough that the peer is still connected when we look.
    let res = t
        .post(
            &format!("/v1/torrents/{id}/action"),
            &json!({"action": "resume", "limits": {"download_bps": 20000}}),
        )
        .await?;
    assert_eq!(res.status(), 204);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let _ = t.connect_peer(&id, seeder.addr()).await;
        if t.server.metric("revaer_engine_peers").await? >= 1.0 {
            break;
        }
        if tokio::time::Instant::now() > deadline {
            return Err("no peer ever counted".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A tracker on a closed loopback port fails at once.
    let res = t
        .post(
            "/v1/torrents",
            &json!({"magnet": format!(
                "magnet:?xt=urn:btih:{:040x}&tr=http%3A%2F%2F127.0.0.1%3A9%2Fannounce",
                0xfeed
            )}),
        )
        .await?;
    assert_eq!(res.status(), 201);
    wait_metric(&t.server, "revaer_engine_tracker_errors_total", |v| {
        v >= 1.0
    })
    .await?;
    Ok(())
}
