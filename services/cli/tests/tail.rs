//! `revaer tail --resume-file`: stopped and started again it shows exactly
//! the events it missed; across a server restart it reconnects by itself,
//! says `resync` (the new server cannot replay the old one's events) and
//! goes on; no event is ever shown twice or skipped.

mod support;

use revaer_domain::events::{Event, EventEnvelope};
use revaer_domain::torrent::TorrentId;
use revaer_messages::events::Publish;
use serde_json::Value;
use support::tail::Running;
use support::{command, Server, TestResult};

/// What one stdout line of `tail -o ndjson` held.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    /// A progress event: its id and the marker in `downloaded`.
    Marker(u64, i64),
    /// The in-band resync notice.
    Resync(u64),
}

fn parse(line: &str) -> Result<Line, Box<dyn std::error::Error>> {
    let value: Value = serde_json::from_str(line)?;
    if value["type"] == "resync" {
        return Ok(Line::Resync(
            value["latest_id"].as_u64().ok_or("latest_id")?,
        ));
    }
    let envelope: EventEnvelope = serde_json::from_value(value)?;
    match envelope.event {
        Event::Progress { downloaded, .. } => Ok(Line::Marker(envelope.id, downloaded)),
        other => Err(format!("unexpected event {other:?}").into()),
    }
}

fn publish(
    server: &Server,
    torrent: &TorrentId,
    markers: std::ops::RangeInclusive<i64>,
) -> TestResult {
    let hub = &server.running()?.hub;
    for marker in markers {
        hub.do_send(Publish::new(Event::Progress {
            torrent: torrent.clone(),
            progress: 0.5,
            downloaded: marker,
            uploaded: 0,
            download_bps: 0,
            upload_bps: 0,
        }));
    }
    Ok(())
}

fn spawn_tail(
    server: &Server,
    key: &str,
    torrent: &TorrentId,
    resume: &str,
) -> Result<Running, Box<dyn std::error::Error>> {
    let mut tail = command(&[
        "--url",
        &server.url(),
        "tail",
        "--types",
        "progress",
        "--torrent",
        torrent.as_str(),
        "--resume-file",
        resume,
        "-o",
        "ndjson",
    ]);
    // The key through the environment, as a script would pass it.
    tail.env("REVAER_API_KEY", key);
    Running::spawn(tail)
}

async fn read(tail: &mut Running, count: usize) -> Result<Vec<Line>, Box<dyn std::error::Error>> {
    let mut lines = Vec::with_capacity(count);
    for _ in 0..count {
        lines.push(parse(&tail.line().await?)?);
    }
    Ok(lines)
}

fn stored(resume: &str) -> Result<u64, Box<dyn std::error::Error>> {
    Ok(std::fs::read_to_string(resume)?.trim().parse()?)
}

#[actix_rt::test]
async fn tail_resumes_without_gaps_or_duplicates_across_restarts() -> TestResult {
    let (mut server, key) = Server::start_active().await?;
    let torrent = TorrentId::parse(&"ab".repeat(20))?;
    let dir = tempfile::tempdir()?;
    let resume = dir
        .path()
        .join("tail.last-id")
        .to_string_lossy()
        .into_owned();
    let mut seen = Vec::new();

    // First tail: live events 1..=5, then Ctrl-C.
    let mut tail = spawn_tail(&server, &key, &torrent, &resume)?;
    server.wait_for_subscribers(1).await?;
    publish(&server, &torrent, 1..=5)?;
    seen.extend(read(&mut tail, 5).await?);
    let (code, rest) = tail.interrupt().await?;
    assert_eq!((code, rest.len()), (0, 0));
    let Some(Line::Marker(last, 5)) = seen.last().cloned() else {
        return Err(format!("{seen:?}").into());
    };
    assert_eq!(
        stored(&resume)?,
        last,
        "the resume file holds the last id shown"
    );

    // Missed while no tail ran: 6..=8. The next tail shows exactly those
    // first, then live ones.
    publish(&server, &torrent, 6..=8)?;
    let mut tail = spawn_tail(&server, &key, &torrent, &resume)?;
    seen.extend(read(&mut tail, 3).await?);
    publish(&server, &torrent, 9..=9)?;
    seen.extend(read(&mut tail, 1).await?);

    // The server restarts under the running tail: it reconnects by itself,
    // and the new server (new ids, empty replay buffer) says resync.
    server.restart().await?;
    let notices = tail.stderr_until("resync").await?;
    assert!(notices.contains("reconnecting"), "{notices}");
    let resync = read(&mut tail, 1).await?;
    let [Line::Resync(latest)] = resync.as_slice() else {
        return Err(format!("wanted a resync line, got {resync:?}").into());
    };
    assert!(
        *latest > last,
        "ids of the new server continue above the old ones"
    );
    seen.extend(resync);
    server.wait_for_subscribers(1).await?;
    publish(&server, &torrent, 10..=12)?;
    seen.extend(read(&mut tail, 3).await?);
    assert_eq!(tail.interrupt().await?.0, 0);

    // And once more against the restarted server: 13..=14 missed, replayed.
    publish(&server, &torrent, 13..=14)?;
    let mut tail = spawn_tail(&server, &key, &torrent, &resume)?;
    seen.extend(read(&mut tail, 2).await?);
    let (code, rest) = tail.interrupt().await?;
    assert_eq!((code, rest), (0, Vec::<String>::new()));

    let markers: Vec<i64> = seen
        .iter()
        .filter_map(|l| match l {
            Line::Marker(_, m) => Some(*m),
            Line::Resync(_) => None,
        })
        .collect();
    assert_eq!(
        markers,
        (1..=14).collect::<Vec<_>>(),
        "every event once, in order: {seen:?}"
    );
    let ids: Vec<u64> = seen
        .iter()
        .map(|l| match l {
            Line::Marker(id, _) | Line::Resync(id) => *id,
        })
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids only grow: {ids:?}"
    );
    assert_eq!(
        seen.iter().position(|l| matches!(l, Line::Resync(_))),
        Some(9),
        "the resync sits between the old server's events and the new one's"
    );
    let Some(Line::Marker(final_id, 14)) = seen.last().cloned() else {
        return Err(format!("{seen:?}").into());
    };
    assert_eq!(stored(&resume)?, final_id);
    Ok(())
}
