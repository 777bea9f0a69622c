//! The real `revaerd` binary configured the way a container or a unit file
//! configures it: `DATABASE_URL_FILE`, `REVAER_BIND`, JSON logs, the access
//! log, and `revaerd healthcheck` as the image's HEALTHCHECK runs it.

mod support;

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use support::TestResult;

const REVAERD: &str = env!("CARGO_BIN_EXE_revaerd");

type Error = Box<dyn std::error::Error>;

fn free_port() -> Result<u16, Error> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// `revaerd healthcheck ARGS` with only `vars` in its environment.
fn healthcheck(args: &[&str], vars: &[(&str, &str)]) -> Result<Output, Error> {
    Ok(Command::new(REVAERD)
        .arg("healthcheck")
        .args(args)
        .env_clear()
        .envs(vars.iter().copied())
        .output()?)
}

/// A one-shot HTTP server answering every connection with `status_line`.
fn fake_server(status_line: &'static str) -> Result<String, Error> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let url = format!("http://{}/health", listener.local_addr()?);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut request = Vec::new();
            let mut chunk = [0u8; 1024];
            while !request.ends_with(b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&chunk[..n]),
                }
            }
            let _ = write!(stream, "{status_line}\r\ncontent-length: 0\r\n\r\n");
        }
    });
    Ok(url)
}

#[test]
fn healthcheck_exits_0_only_on_200() -> TestResult {
    let ok = fake_server("HTTP/1.1 200 OK")?;
    let out = healthcheck(&["--url", &ok], &[])?;
    assert_eq!(out.status.code(), Some(0), "{out:?}");

    let unavailable = fake_server("HTTP/1.1 503 Service Unavailable")?;
    let out = healthcheck(&["--url", &unavailable], &[])?;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("503"));

    let closed = format!("http://127.0.0.1:{}/health", free_port()?);
    let out = healthcheck(&["--url", &closed, "--timeout", "2"], &[])?;
    assert_eq!(out.status.code(), Some(1), "{out:?}");

    let out = healthcheck(&["--url", "https://127.0.0.1/health"], &[])?;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    // A broken REVAER_BIND is a failed check, not a crash.
    let out = healthcheck(&[], &[("REVAER_BIND", "nonsense")])?;
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    Ok(())
}

#[test]
fn an_unusable_environment_stops_startup_with_a_message() -> TestResult {
    let cases: [(&[(&str, &str)], &str); 4] = [
        (
            &[
                ("DATABASE_URL", "postgres://x"),
                ("DATABASE_URL_FILE", "/dev/null"),
            ],
            "not both",
        ),
        (
            &[("DATABASE_URL_FILE", "/nonexistent/db_url")],
            "/nonexistent/db_url",
        ),
        (&[("REVAER_BIND", "7070")], "REVAER_BIND"),
        (&[("REVAER_LOG_FORMAT", "yaml")], "REVAER_LOG_FORMAT"),
    ];
    for (vars, expected) in cases {
        let out = Command::new(REVAERD)
            .env_clear()
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{vars:?}: {stderr}");
        assert!(stderr.contains(expected), "{vars:?}: {stderr}");
        assert!(!stderr.contains("postgres://x"), "secret echoed: {stderr}");
    }
    Ok(())
}

/// Setup through HTTP, then one request with a wrong key (expected 401);
/// returns the admin key.
async fn setup_then_fail_auth(base: &str, root: &std::path::Path) -> Result<String, Error> {
    let client = reqwest::Client::new();
    let token: Value = client
        .post(format!("{base}/v1/setup/start"))
        .send()
        .await?
        .json()
        .await?;
    let path = |name: &str| root.join(name).to_string_lossy().into_owned();
    let res = client
        .post(format!("{base}/v1/setup/complete"))
        .json(&json!({
            "token": token["token"], "instance_name": "container",
            "download_root": path("downloads"), "library_root": path("library"),
            "resume_dir": path("resume"), "api_key_label": "admin"}))
        .send()
        .await?;
    assert_eq!(res.status(), 201);
    let key = res.json::<Value>().await?["api_key"]
        .as_str()
        .ok_or("api_key")?
        .to_string();
    let res = client
        .get(format!("{base}/v1/torrents"))
        .header("x-api-key", "nosuchkey:wrongsecret")
        .send()
        .await?;
    assert_eq!(res.status(), 401);
    Ok(key)
}

/// Turns peer exchange on: a routine engine restart.
async fn toggle_pex(base: &str, key: &str) -> TestResult {
    let res = reqwest::Client::new()
        .patch(format!("{base}/v1/config"))
        .header("x-api-key", key)
        .json(&json!({"engine_profile": {"pex": true}}))
        .send()
        .await?;
    assert_eq!(res.status(), 200);
    Ok(())
}

/// Waits until the log holds `count` lines with `text`, at most 30 s.
fn wait_for_log(log: &std::sync::Mutex<String>, text: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if log.lock().is_ok_and(|l| l.matches(text).count() >= count) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[actix_rt::test]
async fn runs_from_container_settings_with_json_logs() -> TestResult {
    let db = revaer_schema::testing::TestDatabase::loopback()?;
    let dir = tempfile::tempdir()?;
    let url_file = dir.path().join("database_url");
    std::fs::write(&url_file, format!("{}\n", db.url()))?;
    let bind = format!("127.0.0.1:{}", free_port()?);
    let mut child = Command::new(REVAERD)
        .env_clear()
        .env("DATABASE_URL_FILE", &url_file)
        .env("REVAER_BIND", &bind)
        .env("REVAER_LOG_FORMAT", "json")
        .env("REVAER_ACCESS_LOG", "true")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("stderr")?;
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Ok(mut log) = sink.lock() {
                log.push_str(&line);
                log.push('\n');
            }
        }
    });
    let mut stdout = BufReader::new(child.stdout.take().ok_or("stdout")?);
    let mut first = String::new();
    stdout.read_line(&mut first)?;
    let outcome = async {
        assert_eq!(first.trim(), format!("revaerd listening on http://{bind}"));
        let out = healthcheck(&[], &[("REVAER_BIND", &bind)])?;
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let base = format!("http://{bind}");
        let key = setup_then_fail_auth(&base, dir.path()).await?;
        // The engine starts a moment after setup.
        wait_for_log(&log, "engine listening", 1);
        toggle_pex(&base, &key).await?;
        wait_for_log(&log, "engine listening", 2);
        Ok::<(), Error>(())
    }
    .await;
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let status = child.wait()?;
    let _ = reader.join();
    outcome?;
    assert!(status.success(), "graceful exit: {status:?}");

    let log = log.lock().map(|l| l.clone()).unwrap_or_default();
    let lines: Vec<Value> = log
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .map_err(|err| format!("a log line is not JSON ({err}):\n{log}"))?;
    assert!(lines
        .iter()
        .all(|l| l["level"].is_string() && l["timestamp"].is_string()));
    let refused = lines
        .iter()
        .find(|l| l["message"] == "authentication failed")
        .ok_or(format!("no auth failure logged:\n{log}"))?;
    assert_eq!(refused["client.address"], "127.0.0.1", "{refused}");
    assert!(
        lines.iter().any(|l| l["target"] == "revaer::access"
            && l["http.status_code"] == 401
            && l["span"]["http.target"] == "/v1/torrents"),
        "access line for the refused request:\n{log}"
    );
    let listening = lines
        .iter()
        .filter(|l| l["message"] == "engine listening")
        .count();
    assert_eq!(
        listening, 2,
        "one engine listening line per session:\n{log}"
    );
    let warnings: Vec<&Value> = lines
        .iter()
        .filter(|l| l["level"] == "WARN" && l["message"] != "authentication failed")
        .collect();
    assert!(
        warnings.is_empty(),
        "a routine PEX change warned: {warnings:?}"
    );
    assert!(!log.contains("Some("), "Debug noise in the log:\n{log}");
    Ok(())
}
