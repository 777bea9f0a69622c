//! Progress events scale: several torrents downloading at once publish at
//! most about one `progress` event per torrent per second (plus one with
//! each state change), and the last figures (complete) always arrive.

mod support;

use revaer_messages::engine::{AddOptions, TorrentSource};
use revaer_messages::events::Event;
use revaer_messages::torrent::{TorrentId, TorrentLimits};
use revaer_schema::testing::TestDatabase;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use support::{snapshot, Engine, Seeder, TestResult, TIMEOUT};

/// Per torrent: progress events, state changes, last progress fraction.
#[derive(Default)]
struct Seen {
    progress: usize,
    state_changes: usize,
    last: f64,
}

#[actix_rt::test]
async fn many_downloading_torrents_send_about_one_progress_event_a_second_each() -> TestResult {
    let dir = tempfile::tempdir()?;
    let db = TestDatabase::migrated()?;
    let mut engine = Engine::start(&db, &snapshot(&db, dir.path())?)?;
    let limit = 1024 * 1024;
    let mut seeders = Vec::new();
    let mut ids: HashSet<TorrentId> = HashSet::new();
    for n in 0..4u64 {
        // Distinct file names: distinct info hashes.
        let name = format!("data{n}.bin");
        let seeder = Seeder::start(
            &dir.path().join(format!("seed{n}")),
            &[(name.as_str(), 3 * 1024 * 1024 + 7)],
            40 + n,
        )?;
        let options = AddOptions {
            limits: Some(TorrentLimits {
                download_bps: Some(limit),
                upload_bps: None,
            }),
            save_path: Some(
                dir.path()
                    .join(format!("downloads/{n}"))
                    .to_string_lossy()
                    .into_owned(),
            ),
            ..AddOptions::default()
        };
        let summary = engine
            .add(TorrentSource::File(seeder.torrent.clone()), options)
            .await?;
        engine.connect(&summary.id, seeder.addr()).await?;
        ids.insert(summary.id);
        seeders.push(seeder);
    }

    let started = Instant::now();
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    let mut seen: HashMap<TorrentId, Seen> = HashMap::new();
    let mut completed: HashSet<TorrentId> = HashSet::new();
    // Until every torrent completed and its last figures had time to follow.
    let mut quiet_until: Option<tokio::time::Instant> = None;
    loop {
        let until = quiet_until.unwrap_or(deadline).min(deadline);
        let event = match tokio::time::timeout_at(until, engine.events.0.recv()).await {
            Ok(Some(published)) => published.event,
            Ok(None) => return Err("event channel closed".into()),
            Err(_) if quiet_until.is_some() => break,
            Err(_) => return Err(format!("only {} of 4 completed", completed.len()).into()),
        };
        match event {
            Event::Progress {
                torrent, progress, ..
            } => {
                let entry = seen.entry(torrent).or_default();
                entry.progress += 1;
                entry.last = progress;
            }
            Event::StateChanged { torrent, .. } => {
                seen.entry(torrent).or_default().state_changes += 1
            }
            Event::Completed { torrent, .. } => {
                completed.insert(torrent);
                if completed.len() == ids.len() {
                    quiet_until = Some(tokio::time::Instant::now() + Duration::from_millis(2500));
                }
            }
            _ => {}
        }
    }
    let seconds = started.elapsed().as_secs_f64().ceil() as usize;
    for id in &ids {
        let s = seen.get(id).ok_or("no events for a torrent")?;
        // One at start, one a second, one with each state change; one more
        // because the first torrent's events began before `started`.
        let bound = 2 + seconds + s.state_changes;
        assert!(
            s.progress <= bound,
            "{id}: {} progress events in {seconds} s with {} state changes (bound {bound})",
            s.progress,
            s.state_changes
        );
        assert!(
            s.progress >= 2,
            "{id}: progress was reported ({})",
            s.progress
        );
        assert!(
            (s.last - 1.0).abs() < f64::EPSILON,
            "{id}: last progress {}",
            s.last
        );
    }
    drop(seeders);
    Ok(())
}
