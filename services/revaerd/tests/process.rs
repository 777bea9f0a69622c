//! The real `revaerd` binary: boot from nothing but DATABASE_URL, graceful
//! SIGTERM, and `kill -9` in the middle of a download followed by a restart
//! that continues without fetching the whole payload again.

mod support;

use diesel::prelude::*;
use libtorrent_sys::{create_torrent, AddOptions, Session, SessionSettings};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::TestResult;

const PAYLOAD_BYTES: usize = 24 * 1024 * 1024;

struct Daemon {
    child: Child,
    base: String,
    /// Everything the daemon wrote to stderr (its log) so far.
    log: Arc<Mutex<String>>,
    log_reader: Option<std::thread::JoinHandle<()>>,
}

impl Daemon {
    fn spawn(database_url: &str) -> Result<Self, Box<dyn std::error::Error>> {
        Self::spawn_logging(database_url, "warn")
    }

    fn spawn_logging(
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
    fn log_after_exit(&mut self) -> String {
        if let Some(reader) = self.log_reader.take() {
            let _ = reader.join();
        }
        self.log.lock().map(|log| log.clone()).unwrap_or_default()
    }

    fn signal(&self, name: &str) -> TestResult {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()?;
        assert!(status.success(), "kill -{name}");
        Ok(())
    }

    fn wait_exit(
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
    async fn engine_listening(&self, client: &reqwest::Client) -> TestResult {
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

    async fn metric(
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

fn free_port() -> Result<u16, Box<dyn std::error::Error>> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

#[actix_rt::test]
async fn boots_in_setup_mode_and_stops_cleanly_on_sigterm() -> TestResult {
    let db = support::loopback_database()?;
    // An unparsable filter: the daemon says so and logs at the default level.
    let mut daemon = Daemon::spawn_logging(db.url(), "revaer=[")?;
    let client = reqwest::Client::new();
    let health: serde_json::Value = client
        .get(format!("{}/health", daemon.base))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(health["mode"], "setup");
    daemon.signal("TERM")?;
    let status = daemon.wait_exit(Duration::from_secs(30))?;
    assert!(status.success(), "graceful exit, got {status:?}");

    let log = daemon.log_after_exit();
    assert!(
        log.contains("RUST_LOG is not a valid filter"),
        "bad filter reported:\n{log}"
    );
    assert!(
        log.contains("engine state saved"),
        "info level in use:\n{log}"
    );
    // stderr is a pipe here, as under systemd or docker: no colour codes.
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escapes in a piped log:\n{log}"
    );
    Ok(())
}

#[actix_rt::test]
async fn a_download_survives_kill_9_of_the_server() -> TestResult {
    let dir = tempfile::tempdir()?;
    let seed_root = dir.path().join("seed");
    let payload = seed_root.join("payload");
    std::fs::create_dir_all(&payload)?;
    let mut state: u64 = 0x1234_5678;
    let mut bytes = vec![0u8; PAYLOAD_BYTES];
    for chunk in bytes.chunks_mut(8) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        chunk.copy_from_slice(&state.to_le_bytes()[..chunk.len()]);
    }
    std::fs::write(payload.join("movie.mkv"), &bytes)?;
    let torrent = create_torrent(&payload, 0, &[], "kill test")?;
    let seeder = Session::new(&SessionSettings::loopback())?;
    let id = seeder.add_torrent_file(
        &torrent,
        &AddOptions::with_save_path(seed_root.to_string_lossy()),
    )?;

    // The catalogue says which torrents must exist; put one there with a
    // per-torrent limit so the download takes several seconds.
    let db = support::loopback_database()?;
    let engine_port = free_port()?;
    let downloads = dir.path().join("downloads");
    {
        let mut conn = db.connect()?;
        diesel::sql_query(format!(
            "UPDATE engine_profile SET listen_port = {engine_port}, download_root = '{}', resume_dir = '{}'",
            downloads.display(),
            dir.path().join("resume").display()
        ))
        .execute(&mut conn)?;
        // An installed daemon: in setup mode the engine would wait.
        diesel::sql_query("UPDATE app_profile SET mode = 'active'").execute(&mut conn)?;
        revaer_schema::models::torrents::insert(
            &mut conn,
            &revaer_schema::models::torrents::NewTorrent {
                id: id.clone(),
                name: "payload".into(),
                source_kind: "file".into(),
                magnet_uri: None,
                torrent_file: Some(torrent.clone()),
                save_path: downloads.to_string_lossy().into_owned(),
                category: None,
                tags: serde_json::json!([]),
                file_priorities: serde_json::json!([]),
                sequential: false,
                download_limit: 4 * 1024 * 1024,
                upload_limit: 0,
                paused: false,
                state: "queued".into(),
                total_size: 0,
            },
        )?;
    }
    let client = reqwest::Client::new();
    let engine_addr = std::net::IpAddr::from([127, 0, 0, 1]);

    let first = Daemon::spawn(db.url())?;
    first.engine_listening(&client).await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let _ = seeder.connect_peer(&id, engine_addr, engine_port);
        let got = first
            .metric(&client, "revaer_engine_payload_received_bytes_total")
            .await?;
        if got >= (PAYLOAD_BYTES / 2) as f64 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "first run never reached half ({got} bytes)"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mut first = first;
    first.signal("KILL")?;
    first.wait_exit(Duration::from_secs(10))?;

    // The seeder must notice the dead connection before it accepts a new
    // one from the same address.
    let deadline = Instant::now() + Duration::from_secs(30);
    while seeder.status(&id)?.num_peers > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let second = Daemon::spawn(db.url())?;
    second.engine_listening(&client).await?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let _ = seeder.connect_peer(&id, engine_addr, engine_port);
        let seeding = second
            .metric(&client, "revaer_engine_torrents{state=\"seeding\"}")
            .await?;
        if seeding >= 1.0 {
            break;
        }
        assert!(Instant::now() < deadline, "second run never completed");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let again = second
        .metric(&client, "revaer_engine_payload_received_bytes_total")
        .await?;
    assert!(
        again < PAYLOAD_BYTES as f64 * 0.75,
        "second run fetched {again} of {PAYLOAD_BYTES} bytes"
    );
    let file = std::fs::read(downloads.join("payload/movie.mkv"))?;
    assert!(file == bytes, "downloaded file matches the original");
    Ok(())
}
