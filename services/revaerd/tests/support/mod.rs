//! Test harness: a real revaerd (in-process actors and HTTP server on a
//! loopback port) over its own fresh PostgreSQL database.

// `allow`, not `expect`: each test binary compiles this module and uses a
// different subset, so "unused" is true in some binaries and not others.
#![allow(dead_code)]

pub mod api_state;
pub mod daemon;
pub mod qbit;
pub mod sse;
pub mod torrents;
pub mod uploads;

use revaer_config::ListenTiming;
use revaer_schema::testing::TestDatabase;
use revaerd::boot::{self, Options, Running};
use serde_json::{json, Value};
use std::time::Duration;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub running: Running,
    pub db: TestDatabase,
}

pub fn fast_options(db: &TestDatabase) -> Options {
    let mut options = Options::new(db.url());
    options.bind = "127.0.0.1:0".parse().ok();
    options.workers = 1;
    options.watcher_timing = ListenTiming {
        poll: Duration::from_millis(10),
        recheck: Duration::from_millis(500),
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(500),
    };
    options
}

impl TestServer {
    /// A fresh instance in setup mode.
    pub async fn start() -> Result<Self, Box<dyn std::error::Error>> {
        let db = TestDatabase::loopback()?;
        let options = fast_options(&db);
        Self::start_with(db, options).await
    }

    pub async fn start_with(
        db: TestDatabase,
        options: Options,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let running = boot::start(options).await?;
        let base = format!("http://{}", running.addr);
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(Self {
            base,
            client,
            running,
            db,
        })
    }

    /// A fresh instance taken through setup; returns it and the first API key.
    pub async fn start_active() -> Result<(Self, String), Box<dyn std::error::Error>> {
        let server = Self::start().await?;
        let key = server.complete_setup().await?;
        Ok((server, key))
    }

    /// Like `start_active`, with options adjusted by `tune`.
    pub async fn start_active_with(
        tune: impl FnOnce(&mut Options),
    ) -> Result<(Self, String), Box<dyn std::error::Error>> {
        let db = TestDatabase::loopback()?;
        let mut options = fast_options(&db);
        tune(&mut options);
        let server = Self::start_with(db, options).await?;
        let key = server.complete_setup().await?;
        Ok((server, key))
    }

    /// Creates an API key with a rate limit; returns `(key_id, KEY_ID:SECRET)`.
    pub async fn create_key(
        &self,
        admin: &str,
        label: &str,
        burst: i32,
        per_seconds: i32,
    ) -> Result<(String, String), Box<dyn std::error::Error>> {
        let res = self
            .post_json(
                "/v1/keys",
                admin,
                &json!({"label": label, "rate_limit": {"burst": burst, "per_seconds": per_seconds}}),
            )
            .await?;
        assert_eq!(res.status(), 201, "create key");
        let body: Value = res.json().await?;
        Ok((
            body["key_id"].as_str().ok_or("key_id")?.to_string(),
            body["api_key"].as_str().ok_or("api_key")?.to_string(),
        ))
    }

    /// `GET /v1/events{query}` with `key` (and `Last-Event-ID` when given),
    /// asserted `200`, as a frame reader.
    pub async fn events(
        &self,
        key: &str,
        query: &str,
        last_event_id: Option<u64>,
    ) -> Result<sse::SseReader, Box<dyn std::error::Error>> {
        let mut request = self
            .client
            .get(self.url(&format!("/v1/events{query}")))
            .header("x-api-key", key);
        if let Some(id) = last_event_id {
            request = request.header("last-event-id", id.to_string());
        }
        let res = request.send().await?;
        assert_eq!(res.status(), 200, "GET /v1/events{query}");
        Ok(sse::SseReader::new(res))
    }

    /// `POST` of a JSON body without a key (the setup routes).
    pub async fn post_json_public(
        &self,
        path: &str,
        body: &Value,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.client.post(self.url(path)).json(body).send().await
    }

    /// A public route's JSON body (no key): `/health`, `/health/full`,
    /// `/docs/openapi.json`.
    pub async fn public_json(&self, path: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Ok(self.client.get(self.url(path)).send().await?.json().await?)
    }

    /// The value of one sample of `/metrics`, e.g.
    /// `metric("revaer_api_rate_limit_throttled_total{scope=\"key\"}")`.
    pub async fn metric(&self, series: &str) -> Result<f64, Box<dyn std::error::Error>> {
        let text = self
            .client
            .get(self.url("/metrics"))
            .send()
            .await?
            .text()
            .await?;
        let value = text
            .lines()
            .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
            .ok_or_else(|| format!("no series {series} in /metrics"))?;
        Ok(value.trim().parse()?)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn setup_token(&self) -> Result<String, Box<dyn std::error::Error>> {
        let res = self.client.post(self.url("/v1/setup/start")).send().await?;
        assert_eq!(res.status(), 201, "setup/start");
        let body: Value = res.json().await?;
        Ok(body["token"].as_str().ok_or("no token")?.to_string())
    }

    pub fn setup_body(&self, token: &str) -> Value {
        json!({
            "token": token,
            "instance_name": "test-instance",
            "download_root": "/srv/revaer-test/downloads",
            "library_root": "/srv/revaer-test/library",
            "resume_dir": "/srv/revaer-test/resume",
            "api_key_label": "admin",
        })
    }

    pub async fn complete_setup(&self) -> Result<String, Box<dyn std::error::Error>> {
        let token = self.setup_token().await?;
        let res = self
            .client
            .post(self.url("/v1/setup/complete"))
            .json(&self.setup_body(&token))
            .send()
            .await?;
        assert_eq!(res.status(), 201, "setup/complete");
        let body: Value = res.json().await?;
        let key = body["api_key"].as_str().ok_or("no api_key")?.to_string();
        self.wait_engine_ready().await?;
        Ok(key)
    }

    /// The engine starts when the watcher delivers the active-mode revision
    /// that setup wrote; torrent commands before that get `503`.
    pub async fn wait_engine_ready(&self) -> Result<(), Box<dyn std::error::Error>> {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            let health = self.public_json("/health/full").await?;
            let facts = &health["components"]["engine"]["facts"];
            if facts["ready"] == true && facts["listening"] == true {
                return Ok(());
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("engine not ready after setup: {health}").into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn get(&self, path: &str, key: &str) -> Result<reqwest::Response, reqwest::Error> {
        self.client
            .get(self.url(path))
            .header("x-api-key", key)
            .send()
            .await
    }

    pub async fn patch_json(
        &self,
        path: &str,
        key: &str,
        body: &Value,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.client
            .patch(self.url(path))
            .header("x-api-key", key)
            .json(body)
            .send()
            .await
    }

    pub async fn post_json(
        &self,
        path: &str,
        key: &str,
        body: &Value,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.client
            .post(self.url(path))
            .header("x-api-key", key)
            .json(body)
            .send()
            .await
    }
}

/// Asserts a response is a problem document with `status` and `code`; returns it.
pub async fn expect_problem(
    res: reqwest::Response,
    status: u16,
    code: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    assert_eq!(res.status().as_u16(), status, "status");
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        content_type.starts_with("application/problem+json"),
        "content type was {content_type}"
    );
    let request_id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body: Value = res.json().await?;
    assert_eq!(
        body["type"],
        format!("urn:revaer:problem:{code}"),
        "problem type in {body}"
    );
    assert_eq!(body["status"], status);
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(body["detail"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        body["instance"]
            .as_str()
            .is_some_and(|t| t.starts_with('/')),
        "instance in {body}"
    );
    assert_eq!(
        body["request_id"].as_str().map(str::to_string),
        request_id,
        "request id echoed in body"
    );
    Ok(body)
}

/// The pointers of a 422 problem.
pub fn pointers(problem: &Value) -> Vec<String> {
    let mut out: Vec<String> = problem["invalid_params"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i["pointer"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}
