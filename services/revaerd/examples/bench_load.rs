//! Benchmark helper: fills a running revaerd with tiny generated torrents
//! over `POST /v1/torrents` (multipart upload), for `ops/bench/api-list`.
//!
//! Usage: `bench_load BASE_URL API_KEY COUNT [CONCURRENCY]`.
//! Each torrent has one or two small files with distinct random content (so
//! distinct info hashes); names, categories, tags and extensions vary so
//! the catalogue looks like a real one. The payloads are generated in a
//! temporary directory that is not the download root, so the torrents stay
//! stalled or queued; nothing is announced anywhere (no trackers).

use futures_util::{stream, StreamExt};
use std::path::Path;
use std::time::Instant;

type Error = Box<dyn std::error::Error + Send + Sync>;

const CATEGORIES: [&str; 4] = ["tv", "movies", "music", "linux"];
const EXTENSIONS: [&str; 5] = ["mkv", "mp4", "flac", "iso", "txt"];

fn torrent(dir: &Path, n: u64) -> Result<Vec<u8>, Error> {
    let name = format!(
        "bench {n:05} {}",
        ["alpha", "Beta", "gamma", "Delta"][(n % 4) as usize]
    );
    let root = dir.join(&name);
    std::fs::create_dir_all(&root)?;
    let mut state = n.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    let mut bytes = Vec::with_capacity(1024);
    while bytes.len() < 1024 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        bytes.extend_from_slice(&state.to_le_bytes());
    }
    let ext = EXTENSIONS[(n % 5) as usize];
    std::fs::write(root.join(format!("main.{ext}")), &bytes)?;
    if n % 3 == 0 {
        std::fs::write(root.join("info.nfo"), &bytes[..100])?;
    }
    let data = libtorrent_sys::create_torrent(&root, 0, &[], "revaer bench")?;
    std::fs::remove_dir_all(&root)?;
    Ok(data)
}

async fn upload(
    client: &reqwest::Client,
    base: &str,
    key: &str,
    n: u64,
    data: Vec<u8>,
) -> Result<(), Error> {
    let form = reqwest::multipart::Form::new()
        .part(
            "torrent",
            reqwest::multipart::Part::bytes(data).file_name("b.torrent"),
        )
        .text("category", CATEGORIES[(n % 4) as usize])
        .text("tags", if n % 2 == 0 { "even" } else { "odd" });
    let res = client
        .post(format!("{base}/v1/torrents"))
        .header("x-api-key", key)
        .multipart(form)
        .send()
        .await?;
    if res.status() != 201 {
        return Err(format!("torrent {n}: {} {}", res.status(), res.text().await?).into());
    }
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    let [_, base, key, count, rest @ ..] = args.as_slice() else {
        return Err("usage: bench_load BASE_URL API_KEY COUNT [CONCURRENCY]".into());
    };
    let count: u64 = count.parse()?;
    let concurrency: usize = rest.first().map(|c| c.parse()).transpose()?.unwrap_or(8);
    let work = tempfile::tempdir()?;
    let client = reqwest::Client::new();
    let started = Instant::now();
    let results: Vec<Result<(), Error>> = stream::iter(0..count)
        .map(|n| {
            let (client, base, key) = (&client, base.as_str(), key.as_str());
            let made = torrent(work.path(), n);
            async move { upload(client, base, key, n, made?).await }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    let failed: Vec<&Error> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    if let Some(first) = failed.first() {
        return Err(format!("{} of {count} adds failed; first: {first}", failed.len()).into());
    }
    eprintln!(
        "bench_load: added {count} torrents in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
