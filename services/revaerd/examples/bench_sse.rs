//! Benchmark helper: SSE delivery latency with many subscribers, for
//! `ops/bench/api-list`.
//!
//! Usage: `bench_sse BASE_URL API_KEY [SUBSCRIBERS] [EVENTS]` (100, 200).
//! Connects SUBSCRIBERS clients to `GET /v1/events?types=torrent_added`,
//! then adds EVENTS magnets (made-up hashes; they only wait for metadata),
//! one every 20 ms. Each `torrent_added` event carries `at`, the moment the
//! event hub accepted it; a client's latency is its receipt time minus
//! `at` (same machine, same clock). Prints p50/p95/p99/max over all
//! subscriber × event samples and how many were missed.

use futures_util::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Error = Box<dyn std::error::Error + Send + Sync>;

async fn subscriber(
    client: reqwest::Client,
    url: String,
    key: String,
    want: usize,
    samples: Arc<Mutex<Vec<f64>>>,
    ready: tokio::sync::mpsc::Sender<()>,
) -> Result<usize, Error> {
    let res = client.get(url).header("x-api-key", key).send().await?;
    if res.status() != 200 {
        return Err(format!("subscribe: {}", res.status()).into());
    }
    ready.send(()).await?;
    let mut body = res.bytes_stream();
    let mut buffer = String::new();
    let mut got = 0;
    while got < want {
        let Ok(Some(chunk)) = tokio::time::timeout(Duration::from_secs(10), body.next()).await
        else {
            break;
        };
        let now = chrono::Utc::now();
        buffer.push_str(&String::from_utf8_lossy(&chunk?));
        while let Some(end) = buffer.find("\n\n") {
            let frame: String = buffer.drain(..end + 2).collect();
            let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(data)?;
            let Some(at) = value["at"]
                .as_str()
                .and_then(|a| a.parse::<chrono::DateTime<chrono::Utc>>().ok())
            else {
                continue;
            };
            let micros = (now - at).num_microseconds().unwrap_or(i64::MAX);
            if let Ok(mut s) = samples.lock() {
                s.push(micros as f64 / 1000.0);
            }
            got += 1;
        }
    }
    Ok(got)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, key, rest @ ..] = args.as_slice() else {
        return Err("usage: bench_sse BASE_URL API_KEY [SUBSCRIBERS] [EVENTS]".into());
    };
    let subscribers: usize = rest.first().map(|v| v.parse()).transpose()?.unwrap_or(100);
    let events: usize = rest.get(1).map(|v| v.parse()).transpose()?.unwrap_or(200);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let samples = Arc::new(Mutex::new(Vec::new()));
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel(subscribers);
    let url = format!("{base}/v1/events?types=torrent_added");
    let mut tasks = Vec::new();
    for _ in 0..subscribers {
        tasks.push(tokio::spawn(subscriber(
            client.clone(),
            url.clone(),
            key.clone(),
            events,
            samples.clone(),
            ready_tx.clone(),
        )));
    }
    for _ in 0..subscribers {
        ready_rx
            .recv()
            .await
            .ok_or("a subscriber failed to connect")?;
    }
    // Random-ish hashes so reruns against the same server do not collide.
    let salt = chrono::Utc::now().timestamp_micros() as u64;
    let adder = reqwest::Client::new();
    for n in 0..events {
        let hash = format!("{:016x}{:024x}", salt, n as u128 + 0xbe4c);
        let res = adder
            .post(format!("{base}/v1/torrents"))
            .header("x-api-key", key)
            .json(&serde_json::json!({"magnet": format!("magnet:?xt=urn:btih:{hash}&dn=sse-{n}"), "paused": true}))
            .send()
            .await?;
        if res.status() != 201 {
            return Err(format!("add {n}: {} {}", res.status(), res.text().await?).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut delivered = 0;
    for task in tasks {
        delivered += task.await??;
    }
    let mut all = samples.lock().map_err(|_| "poisoned")?.clone();
    all.sort_by(f64::total_cmp);
    println!(
        "sse: subscribers={subscribers} events={events} samples={} missed={} p50={:.2}ms p95={:.2}ms p99={:.2}ms max={:.2}ms",
        all.len(),
        subscribers * events - delivered,
        percentile(&all, 50.0),
        percentile(&all, 95.0),
        percentile(&all, 99.0),
        all.last().copied().unwrap_or(f64::NAN),
    );
    Ok(())
}
