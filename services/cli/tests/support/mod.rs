//! Harness of the CLI tests: a real revaerd (its actors and HTTP server,
//! booted in this process on a loopback port over a fresh PostgreSQL
//! database, engine on 127.0.0.1 with DHT/LSD/PEX off) and the real
//! `revaer` binary run as a child process against it.
//!
//! Why the child runs through tokio::process: the server's actors live on
//! the test's own thread, so a blocking wait for the child would stall them.

#![allow(dead_code)] // each test binary uses a different subset

pub mod tail;

use revaer_client::{ApiKey, Client, ClientOptions};
use revaer_config::ListenTiming;
use revaer_messages::engine::ShutdownEngine;
use revaer_schema::testing::TestDatabase;
use revaer_wire::SetupCompleteRequest;
use revaerd::boot::{self, Options, Running};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub type Error = Box<dyn std::error::Error>;
pub type TestResult = Result<(), Error>;

/// Upper bound of every wait in these tests.
pub const WAIT: Duration = Duration::from_secs(60);

/// Environment variables of the CLI that must not leak in from the shell.
const CLI_ENV: [&str; 5] = [
    "REVAER_URL",
    "REVAER_API_KEY",
    "REVAER_API_KEY_FILE",
    "REVAER_SETUP_TOKEN",
    "NO_COLOR",
];

/// A running server over its own database, with its roots in a temp dir.
pub struct Server {
    running: Option<Running>,
    pub addr: SocketAddr,
    pub db: TestDatabase,
    pub root: tempfile::TempDir,
}

fn options(db: &TestDatabase, bind: SocketAddr) -> Options {
    let mut options = Options::new(db.url());
    options.bind = Some(bind);
    options.workers = 1;
    options.watcher_timing = ListenTiming {
        poll: Duration::from_millis(10),
        recheck: Duration::from_millis(500),
        initial_backoff: Duration::from_millis(100),
        max_backoff: Duration::from_millis(500),
    };
    options
}

impl Server {
    /// A fresh server in setup mode.
    pub async fn start() -> Result<Self, Error> {
        let db = TestDatabase::loopback()?;
        let running = boot::start(options(&db, "127.0.0.1:0".parse()?)).await?;
        Ok(Self {
            addr: running.addr,
            running: Some(running),
            db,
            root: tempfile::tempdir()?,
        })
    }

    /// A server taken through setup (typed client, roots in the temp dir);
    /// returns it with the admin key, once the engine is ready.
    pub async fn start_active() -> Result<(Self, String), Error> {
        let server = Self::start().await?;
        let client = server.client(None)?;
        let token = client.setup_start().await?.token;
        let done = client.setup_complete(&server.setup_request(&token)).await?;
        server.wait_engine_ready().await?;
        Ok((server, done.api_key))
    }

    /// Setup settings inside the temp dir.
    pub fn setup_request(&self, token: &str) -> SetupCompleteRequest {
        SetupCompleteRequest {
            token: token.into(),
            instance_name: "cli-test".into(),
            download_root: self.path("downloads"),
            library_root: self.path("library"),
            resume_dir: self.path("resume"),
            api_key_label: "admin".into(),
        }
    }

    /// `root/name` as a string.
    pub fn path(&self, name: &str) -> String {
        self.root.path().join(name).to_string_lossy().into_owned()
    }

    pub fn downloads(&self) -> PathBuf {
        self.root.path().join("downloads")
    }

    /// The base URL.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The running server (actors, engine, hub).
    pub fn running(&self) -> Result<&Running, Error> {
        self.running
            .as_ref()
            .ok_or_else(|| "the server is stopped".into())
    }

    /// A typed client with `key`.
    pub fn client(&self, key: Option<&str>) -> Result<Client, Error> {
        Ok(Client::new(ClientOptions {
            base_url: self.url(),
            api_key: key.map(ApiKey::new).transpose()?,
            timeout: Duration::from_secs(30),
        })?)
    }

    /// Waits until the engine listens (torrent routes answer 503 before).
    pub async fn wait_engine_ready(&self) -> TestResult {
        let client = self.client(None)?;
        let deadline = Instant::now() + WAIT;
        loop {
            let (_, health) = client.health_full().await?;
            let facts = health.components.get("engine").map(|c| &c.facts);
            let ready = facts.is_some_and(|f| {
                f.get("ready") == Some(&true.into()) && f.get("listening") == Some(&true.into())
            });
            if ready {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err("the engine never became ready".into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Stops the server as SIGTERM would (HTTP drained, event streams
    /// ended, engine state saved, engine thread joined).
    pub async fn stop(&mut self) -> TestResult {
        if let Some(mut running) = self.running.take() {
            revaerd::shutdown::stop_http(&mut running).await;
            running.engine.send(ShutdownEngine).await??;
        }
        Ok(())
    }

    /// Starts it again on the same address and database: a new event hub
    /// (new ids), new actors, the catalogue reloaded.
    pub async fn restart(&mut self) -> TestResult {
        self.stop().await?;
        let deadline = Instant::now() + WAIT;
        let running = loop {
            match boot::start(options(&self.db, self.addr)).await {
                Ok(running) => break running,
                Err(err) if Instant::now() < deadline => {
                    eprintln!("restart: {err}; trying again");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(err) => return Err(err.into()),
            }
        };
        self.running = Some(running);
        self.wait_engine_ready().await
    }
}

/// What a `revaer` run left.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// stdout and stderr together (for "never printed" checks).
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// A `revaer` command with a clean environment.
pub fn command(args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_revaer"));
    for var in CLI_ENV {
        command.env_remove(var);
    }
    command.args(args).kill_on_drop(true);
    command
}

/// Runs `revaer args` to the end (bounded by [`WAIT`]).
pub async fn revaer(args: &[&str]) -> Result<Run, Error> {
    run(command(args)).await
}

/// Runs a prepared command to the end (bounded by [`WAIT`]).
pub async fn run(mut command: tokio::process::Command) -> Result<Run, Error> {
    command.stdin(std::process::Stdio::null());
    let output = tokio::time::timeout(WAIT, command.output()).await??;
    Ok(Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8(output.stdout)?,
        stderr: String::from_utf8(output.stderr)?,
    })
}

/// `revaer --url URL --api-key KEY args`, asserted to exit with `code`.
pub async fn expect(server: &Server, key: &str, args: &[&str], code: i32) -> Result<Run, Error> {
    let url = server.url();
    let mut all = vec!["--url", url.as_str(), "--api-key", key];
    all.extend_from_slice(args);
    let run = revaer(&all).await?;
    assert_eq!(
        run.code, code,
        "revaer {args:?} exited {} (wanted {code})\nstdout: {}\nstderr: {}",
        run.code, run.stdout, run.stderr
    );
    Ok(run)
}

/// Hub subscribers inside the server itself (the FsOps orchestrator).
const INTERNAL_SUBSCRIBERS: usize = 1;

impl Server {
    /// Waits until `wanted` event-stream clients are subscribed.
    pub async fn wait_for_subscribers(&self, wanted: usize) -> TestResult {
        let deadline = Instant::now() + WAIT;
        loop {
            let stats = self
                .running()?
                .hub
                .send(revaer_messages::hub::HubStats)
                .await?;
            if stats.subscribers.saturating_sub(INTERNAL_SUBSCRIBERS) == wanted {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("never {wanted} event subscribers").into());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}
