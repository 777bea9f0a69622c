//! Benchmark helper: `POST /v1/torrents/{id}/select` on a torrent with many
//! files, for `ops/bench/select`.
//!
//! Usage: `bench_select BASE_URL API_KEY [FILES] [ROUNDS]` (150000, 5).
//! Uploads (paused) a generated torrent with FILES one-byte files (made-up
//! piece hashes: it never downloads), then runs ROUNDS selects with four
//! glob rules and one index entry while another task asks `/health` every
//! 20 ms. Prints the select times (min/median/max) and the worst `/health`
//! latency seen meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use libtorrent_sys::testing::many_files_torrent;
use serde_json::{json, Value};

type Error = Box<dyn std::error::Error + Send + Sync>;

async fn add(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    files: usize,
) -> Result<String, Error> {
    let torrent = many_files_torrent(&format!("bench-select-{files}"), files);
    let form = reqwest::multipart::Form::new()
        .part(
            "torrent",
            reqwest::multipart::Part::bytes(torrent).file_name("many.torrent"),
        )
        .text("paused", "true");
    let res = client
        .post(format!("{base}/v1/torrents"))
        .header("x-api-key", key)
        .multipart(form)
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await?;
    match (
        status.as_u16(),
        body["id"].as_str(),
        body["torrent_id"].as_str(),
    ) {
        (201, Some(id), _) | (409, _, Some(id)) => Ok(id.to_string()),
        _ => Err(format!("add: {status} {body}").into()),
    }
}

fn stats(mut samples: Vec<Duration>) -> String {
    samples.sort();
    let at = |q: usize| samples.get(q).copied().unwrap_or_default();
    format!(
        "min {:?} median {:?} max {:?}",
        at(0),
        at(samples.len() / 2),
        at(samples.len().saturating_sub(1))
    )
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(base), Some(key)) = (args.get(1), args.get(2)) else {
        return Err("usage: bench_select BASE_URL API_KEY [FILES] [ROUNDS]".into());
    };
    let files: usize = args.get(3).map_or(Ok(150_000), |v| v.parse())?;
    let rounds: usize = args.get(4).map_or(Ok(5), |v| v.parse())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()?;
    let id = add(&client, base, key, files).await?;

    let done = Arc::new(AtomicBool::new(false));
    let probe = {
        let (client, url, done) = (client.clone(), format!("{base}/health"), done.clone());
        tokio::spawn(async move {
            let mut worst = Duration::ZERO;
            while !done.load(Ordering::Relaxed) {
                let started = Instant::now();
                if client.get(&url).send().await.is_ok() {
                    worst = worst.max(started.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            worst
        })
    };
    let body = json!({
        "rules": [
            {"glob": "*", "priority": 1},
            {"glob": "*.nfo", "priority": 0},
            {"glob": "*/d1[0-4]/*", "priority": 7},
            {"glob": "*/f?9.txt", "priority": 6}
        ],
        "files": [{"index": 0, "priority": 2}]
    });
    let mut times = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let res = client
            .post(format!("{base}/v1/torrents/{id}/select"))
            .header("x-api-key", key)
            .json(&body)
            .send()
            .await?;
        let status = res.status();
        let bytes = res.bytes().await?.len();
        times.push(started.elapsed());
        if status != 200 {
            return Err(format!("select: {status}").into());
        }
        println!(
            "select on {files} files: {:?} ({bytes} bytes)",
            started.elapsed()
        );
    }
    done.store(true, Ordering::Relaxed);
    let worst = probe.await?;
    println!(
        "select on {files} files, {rounds} rounds: {}; worst /health meanwhile {worst:?}",
        stats(times)
    );
    Ok(())
}
