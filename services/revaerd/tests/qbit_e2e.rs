//! End to end with a real third-party qBittorrent client: the Python
//! `qbittorrent-api` library (in a private venv made by
//! `ops/qbit-client-venv`) runs `qbit_e2e.py` against a real server and a
//! libtorrent seeder on 127.0.0.1: login, categories and tags, add by
//! magnet and by file, a real download to completion (the test has the
//! engine dial the seeder, as nothing announces it), info, properties
//! and files, share limits reached → stopped, stop/start, `sync/maindata`
//! deltas, delete with files. Skipped (and says so) only when there is no
//! `python3` at all.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::torrents::{Seeder, TorrentServer};
use support::TestResult;

type Error = Box<dyn std::error::Error>;

/// Longest the Python side may run.
const LIMIT: Duration = Duration::from_secs(300);

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The venv's python, made by `ops/qbit-client-venv`; `None` without python3.
fn client_python() -> Result<Option<String>, Error> {
    let present = Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        return Ok(None);
    }
    let out = Command::new(repo().join("ops/qbit-client-venv")).output()?;
    if !out.status.success() {
        return Err(format!(
            "ops/qbit-client-venv failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(Some(String::from_utf8(out.stdout)?.trim().to_string()))
}

/// Runs the script to its end (killed past [`LIMIT`]); returns its output.
fn run(
    python: &str,
    envs: &[(&str, String)],
) -> Result<(bool, String), Box<dyn std::error::Error + Send + Sync>> {
    let script = repo().join("services/revaerd/tests/qbit_e2e.py");
    let dir = tempfile::tempdir()?;
    let (out_path, err_path) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Command::new(python)
        .arg(script)
        .envs(envs.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::fs::File::create(&out_path)?)
        .stderr(std::fs::File::create(&err_path)?)
        .spawn()?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = format!(
        "{}{}",
        std::fs::read_to_string(out_path)?,
        std::fs::read_to_string(err_path)?
    );
    Ok((status.is_some_and(|s| s.success()), output))
}

#[actix_rt::test]
async fn a_real_qbittorrent_client_drives_the_facade() -> TestResult {
    let Some(python) = client_python()? else {
        eprintln!("SKIPPED qbit_e2e: no python3 on this machine, so no qbittorrent-api client");
        return Ok(());
    };
    let t = TorrentServer::start().await?;
    let seed_dir = tempfile::tempdir()?;
    let files = [
        ("episode.mkv", 400_000),
        ("extras/sample.mkv", 50_000),
        ("info.nfo", 2_000),
    ];
    let seeder = Seeder::start(seed_dir.path(), &files, 13)?;
    let torrent_file = t.root.path().join("e2e.torrent");
    std::fs::write(&torrent_file, &seeder.torrent)?;
    let envs = [
        ("QBIT_URL", t.server.base.clone()),
        ("QBIT_KEY", t.key.clone()),
        ("TORRENT_FILE", torrent_file.to_string_lossy().into_owned()),
    ];
    // The script blocks on HTTP to this server: run it off the test's
    // thread. Meanwhile the engine is told to dial the seeder now and then
    // (peers are not an API action; without trackers nothing else finds it).
    let hash = libtorrent_sys::parse_torrent_file(&seeder.torrent)?.id;
    let script = tokio::task::spawn_blocking(move || run(&python, &envs));
    tokio::pin!(script);
    let (ok, output) = loop {
        tokio::select! {
            finished = &mut script => break finished?.map_err(|err| err.to_string())?,
            () = tokio::time::sleep(Duration::from_millis(300)) => {
                let _ = t.connect_peer(&hash, seeder.addr()).await;
            }
        }
    };
    assert!(ok, "qbit_e2e.py failed:\n{output}");
    assert!(output.contains("qbit e2e: OK"), "{output}");
    Ok(())
}
