//! The real `revaerd` binary as a child process: spawn it, read its log,
//! signal it, scrape its metrics.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::TestResult;

pub struct Daemon {
    pub child: Child,
    pub base: String,
    /// Everything the daemon wrote to stderr (its log) so far.
    log: Arc<Mutex<String>>,
    log_reader: Option<std::thread::JoinHandle<()>>,
}

impl Daemon {
    pub fn spawn(database_url: &str) -> Result<Self, Box<dyn std::error::Error>> {
        Self::spawn_logging(database_url, "warn")
    }

    pub fn spawn_logging(
        database_url: &str,
        rust_log: &str,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_revaerd"))
            .args(["--bind", "127.0.0.1:0", "--workers", "1"])
            .env("DATABASE_URL", database_url)
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let log = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().ok_or("no stderr")?;
        let sink = Arc::clone(&log);
        let log_reader = std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Ok(mut log) = sink.lock() {
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let line = lines.next().ok_or("revaerd exited before listening")??;
        let base = line
            .strip_prefix("revaerd listening on ")
            .ok_or(format!("unexpected first line: {line}"))?
            .to_string();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Ok(Self {
            child,
            base,
            log,
            log_reader: Some(log_reader),
        })
    }

    /// The whole log of a daemon that has exited (the reader has seen EOF).
    pub fn log_after_exit(&mut self) -> String {
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    pub fn signal(&self, name: &str) -> TestResult {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()?;
        assert!(status.success(), "kill -{name}");
        Ok(())
    }

    pub fn wait_exit(
        &mut self,
        within: Duration,
    ) -> Result<std::process::ExitStatus, Box<dyn std::error::Error>> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return Err("revaerd did not exit in time".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the engine reports that it listens for peers: a peer
    /// dialled before that fails, and libtorrent then waits a minute before
    /// dialling it again.
    pub async fn engine_listening(&self, client: &reqwest::Client) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let health: serde_json::Value = client
                .get(format!("{}/health/full", self.base))
                .send()
                .await?
                .json()
                .await?;
            if health["components"]["engine"]["facts"]["listening"] == true {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("engine never listened: {health}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn metric(
        &self,
        client: &reqwest::Client,
        name: &str,
    ) -> Result<f64, Box<dyn std::error::Error>> {
        let text = client
            .get(format!("{}/metrics", self.base))
            .send()
            .await?
            .text()
            .await?;
        Ok(text
            .lines()
            .filter(|l| l.starts_with(name))
            .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
            .sum())
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> Result<u16, Box<dyn std::error::Error>> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Waits until the seeder has no connection left: it refuses a second
/// connection from an address it still has one from, and a dial refused
/// that way is not retried for a minute (libtorrent's min_reconnect_time).
pub async fn seeder_idle(seeder: &libtorrent_sys::Session, id: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(30);
    while seeder.status(id)?.num_peers > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}
