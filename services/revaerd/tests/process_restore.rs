//! Restored torrents keep their peer sources, for the real `revaerd` binary:
//! a trackerless magnet whose only peer source is its `x.pe` hint, added
//! over the API, is stopped mid-download (SIGTERM, and SIGKILL), and after a
//! restart on the same database finds its seeder again by itself and
//! completes. Nothing dials a peer for it.
//!
//! Without the hints re-applied on restore (actors/torrent/src/restore.rs)
//! the SIGTERM case stalls with 0 peers: a clean stop disconnects the peers
//! before the last resume save, so that data lists none. The SIGKILL case
//! would still pass, as the data last saved mid-download lists the
//! connected seeder; it guards the crash path end to end.

mod support;

use libtorrent_sys::testing::{sha256_file, Seeder};
use revaer_schema::testing::TestDatabase;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};
use support::daemon::{seeder_idle, Daemon};
use support::torrents::setup_with_roots;
use support::TestResult;

type Error = Box<dyn std::error::Error>;

const PAYLOAD: &[(&str, usize)] = &[("movie.mkv", 16 * 1024 * 1024 + 11)];
/// The seeder's upload limit, bytes/s: the download takes about 8 s, so
/// the stop at `STOP_AT` lands in the middle of it.
const RATE: i32 = 2 * 1024 * 1024;
const STOP_AT: f64 = 0.2;
/// Upper bound of every wait on a download (generous: a shared CI machine).
const WAIT: Duration = Duration::from_secs(90);

#[actix_rt::test]
async fn an_x_pe_magnet_reconnects_by_itself_after_a_sigterm_restart() -> TestResult {
    stop_mid_download_and_restart("TERM").await
}

#[actix_rt::test]
async fn an_x_pe_magnet_reconnects_by_itself_after_a_sigkill_restart() -> TestResult {
    stop_mid_download_and_restart("KILL").await
}

async fn stop_mid_download_and_restart(signal: &str) -> TestResult {
    let dir = tempfile::tempdir()?;
    let seeder = Seeder::start(&dir.path().join("seed"), PAYLOAD, 43)?;
    seeder.session.set_limits(&seeder.id, 0, RATE)?;
    let magnet = format!(
        "{}&x.pe={}",
        libtorrent_sys::make_magnet(&seeder.torrent)?,
        seeder.addr()
    );
    assert!(!magnet.contains("tr="), "no tracker: {magnet}");

    let db = TestDatabase::loopback()?;
    let mut first = Daemon::spawn(db.url())?;
    let api = Api::setup(&first, dir.path()).await?;
    let res = api
        .client
        .post(format!("{}/v1/torrents", first.base))
        .header("x-api-key", &api.key)
        .json(&json!({ "magnet": magnet }))
        .send()
        .await?;
    let status = res.status();
    let added: Value = res.json().await?;
    assert_eq!(status, 201, "add: {added}");
    let id = added["id"].as_str().ok_or("id")?.to_string();
    // Stop only once resume data is on disk, so the restart goes through
    // the restore path (a torrent without it is re-added from its magnet,
    // hint and all) and mid-download, so there is something left to fetch.
    let resume = dir.path().join("resume").join(format!("{id}.fastresume"));
    api.wait_detail(&first, &id, "the first run to get going", |d| {
        d["progress"].as_f64().is_some_and(|p| p >= STOP_AT) && resume.exists()
    })
    .await?;
    first.signal(signal)?;
    let exit = first.wait_exit(Duration::from_secs(30))?;
    assert!(
        signal != "TERM" || exit.success(),
        "graceful exit, got {exit:?}"
    );
    // The seeder would refuse a new connection from 127.0.0.1 while it
    // still holds the old one.
    seeder_idle(&seeder.session, &seeder.id).await?;

    // No connect-peer here: the restored torrent must dial its hint itself.
    let second = Daemon::spawn(db.url())?;
    let done = api
        .wait_detail(&second, &id, "completion after the restart", |d| {
            d["state"] == "seeding" && d["progress"] == 1.0
        })
        .await?;
    assert!(done["completed_at"].is_string(), "completed: {done}");
    let file = Path::new("payload").join("movie.mkv");
    assert_eq!(
        sha256_file(&dir.path().join("downloads").join(&file))?,
        sha256_file(&dir.path().join("seed").join(&file))?,
        "downloaded file matches the seeder's after kill -{signal}"
    );
    Ok(())
}

/// A client holding the admin key; the key outlives restarts (it is in the
/// database), the daemon's address does not.
struct Api {
    client: reqwest::Client,
    key: String,
}

impl Api {
    /// Takes a fresh daemon through setup with its roots in `root`.
    async fn setup(daemon: &Daemon, root: &Path) -> Result<Self, Error> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        let key = setup_with_roots(&client, &daemon.base, root).await?;
        // Setup starts the engine; an add before it is ready gets 503.
        daemon.engine_listening(&client).await?;
        Ok(Self { client, key })
    }

    /// Polls the torrent's detail until `done` holds; returns that detail.
    async fn wait_detail(
        &self,
        daemon: &Daemon,
        id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Result<Value, Error> {
        let deadline = Instant::now() + WAIT;
        loop {
            let res = self
                .client
                .get(format!("{}/v1/torrents/{id}", daemon.base))
                .header("x-api-key", &self.key)
                .send()
                .await?;
            // Right after a restart the engine may not have restored it yet.
            let detail: Value = if res.status() == 200 {
                res.json().await?
            } else {
                json!({ "status": res.status().as_u16() })
            };
            if done(&detail) {
                return Ok(detail);
            }
            if Instant::now() > deadline {
                return Err(format!("timed out waiting for {what}; last {detail}").into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
