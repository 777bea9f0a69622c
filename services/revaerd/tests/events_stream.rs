//! `GET /v1/events` over real HTTP: replay after a disconnect, resync,
//! filters, validation, heartbeats, and a slow client not delaying a fast one.
//!
//! Events are injected straight into the server's hub, as producers do.
//! Every wait is bounded (`STEP`), so a broken stream fails instead of hanging.

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use revaer_events::{HubStats, Publish};
use revaer_messages::events::Event;
use revaer_messages::TorrentId;
use support::sse::{Frame, SseReader};
use support::{expect_problem, pointers, TestResult, TestServer};

const STEP: Duration = Duration::from_secs(5);

fn torrent(n: u8) -> Result<TorrentId, Box<dyn std::error::Error>> {
    Ok(TorrentId::parse(&format!("{n:040x}"))?)
}

/// A progress event whose `downloaded` field marks it for the test.
fn progress(torrent: &TorrentId, marker: i64) -> Publish {
    Publish::new(Event::Progress {
        torrent: torrent.clone(),
        progress: 0.5,
        downloaded: marker,
        uploaded: 0,
        download_bps: 0,
        upload_bps: 0,
    })
}

fn marker(frame: &Frame) -> Option<i64> {
    frame.data.as_ref()?["downloaded"].as_i64()
}

/// Reads events until one carries `last_marker`; returns `(id, marker)` pairs.
async fn read_until(
    reader: &mut SseReader,
    last_marker: i64,
) -> Result<Vec<(u64, i64)>, Box<dyn std::error::Error>> {
    let mut seen = Vec::new();
    loop {
        let frame = reader.event(STEP).await?.ok_or("stream ended")?;
        if let (Some(id), Some(m)) = (frame.id, marker(&frame)) {
            seen.push((id, m));
            if m == last_marker {
                return Ok(seen);
            }
        }
    }
}

/// Hub subscribers inside the server itself: the FsOps orchestrator listens
/// for `completed` events. Tests count SSE clients only.
const INTERNAL_SUBSCRIBERS: usize = 1;

async fn subscribers(server: &TestServer) -> Result<usize, Box<dyn std::error::Error>> {
    let all = server.running.hub.send(HubStats).await?.subscribers;
    Ok(all.saturating_sub(INTERNAL_SUBSCRIBERS))
}

async fn wait_for_subscribers(server: &TestServer, wanted: usize) -> TestResult {
    let deadline = Instant::now() + STEP;
    while subscribers(server).await? != wanted {
        if Instant::now() > deadline {
            return Err(format!("hub never reached {wanted} subscribers").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    Ok(())
}

fn assert_contiguous(ids: &[u64]) {
    assert!(
        ids.windows(2).all(|w| w[1] == w[0] + 1),
        "ids not contiguous: {ids:?}"
    );
}

#[actix_rt::test]
async fn a_reconnect_with_last_event_id_gets_exactly_the_missed_events() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let t = torrent(1)?;
    let res = server
        .client
        .get(server.url("/v1/events"))
        .header("x-api-key", &key)
        .send()
        .await?;
    assert_eq!(res.status(), 200);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(header("content-type"), "text/event-stream");
    assert_eq!(header("cache-control"), "no-cache");
    assert_eq!(header("x-accel-buffering"), "no");
    assert!(
        !header("x-ratelimit-remaining").is_empty(),
        "charged at connect"
    );
    let mut first = SseReader::new(res);

    for m in 1..=5 {
        server.running.hub.do_send(progress(&t, m));
    }
    let before = read_until(&mut first, 5).await?;
    assert_eq!(
        before.iter().map(|p| p.1).collect::<Vec<_>>(),
        vec![1, 2, 3, 4, 5]
    );

    // The client goes away; the server notices and detaches it from the hub.
    drop(first);
    wait_for_subscribers(&server, 0).await?;

    for m in 6..=10 {
        server.running.hub.do_send(progress(&t, m));
    }
    let last_seen = before.last().map(|p| p.0).ok_or("nothing read")?;
    let mut resumed = server.events(&key, "", Some(last_seen)).await?;
    server.running.hub.do_send(progress(&t, 11)); // live, after the replay
    let after = read_until(&mut resumed, 11).await?;
    assert_eq!(
        after.iter().map(|p| p.1).collect::<Vec<_>>(),
        (6..=11).collect::<Vec<_>>()
    );

    let ids: Vec<u64> = before.iter().chain(&after).map(|p| p.0).collect();
    assert_contiguous(&ids);
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "no duplicates"
    );

    // The query form works too, and the header wins over it.
    let mut by_query = server
        .events(&key, &format!("?last_event_id={}", ids[7]), None)
        .await?;
    let replay = read_until(&mut by_query, 11).await?;
    assert_eq!(
        replay.iter().map(|p| p.0).collect::<Vec<_>>(),
        ids[8..].to_vec()
    );
    let mut both = server
        .events(&key, "?last_event_id=0", Some(ids[9]))
        .await?;
    let replay = read_until(&mut both, 11).await?;
    assert_eq!(
        replay.iter().map(|p| p.0).collect::<Vec<_>>(),
        ids[10..].to_vec()
    );
    Ok(())
}

#[actix_rt::test]
async fn an_id_older_than_the_buffer_starts_with_resync() -> TestResult {
    let (server, key) = TestServer::start_active_with(|options| options.event_buffer = 5).await?;
    let t = torrent(2)?;
    // Progress of 20 different torrents: a torrent's superseded progress
    // would be dropped before anything is evicted (and no resync needed).
    for m in 1..=20u8 {
        server
            .running
            .hub
            .do_send(progress(&torrent(100 + m)?, i64::from(m)));
    }
    let latest = server.running.hub.send(HubStats).await?.latest_id;
    let mut reader = server.events(&key, "", Some(latest - 10)).await?;
    let first = reader.event(STEP).await?.ok_or("stream ended")?;
    assert_eq!(first.event.as_deref(), Some("resync"));
    assert_eq!(first.id, Some(latest));
    assert_eq!(first.data, Some(serde_json::json!({"latest_id": latest})));

    server.running.hub.do_send(progress(&t, 21));
    let live = read_until(&mut reader, 21).await?;
    assert_eq!(
        live,
        vec![(latest + 1, 21)],
        "live events follow the resync"
    );

    // Still inside the buffer: a plain replay, no resync.
    let mut recent = server.events(&key, "", Some(latest - 2)).await?;
    let replay = read_until(&mut recent, 21).await?;
    assert_eq!(
        replay.iter().map(|p| p.0).collect::<Vec<_>>(),
        vec![latest - 1, latest, latest + 1]
    );
    Ok(())
}

#[actix_rt::test]
async fn type_and_torrent_filters_select_events() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let (a, b) = (torrent(0xa)?, torrent(0xb)?);
    let mut completed_a = server
        .events(
            &key,
            &format!("?types=completed&torrent={}", a.as_str().to_uppercase()),
            None,
        )
        .await?;
    let mut added_or_completed = server
        .events(&key, "?types=torrent_added,completed", None)
        .await?;
    let mut only_b = server
        .events(&key, &format!("?torrent={}", b.as_str()), None)
        .await?;

    let completed = |t: &TorrentId, path: &str| {
        Publish::new(Event::Completed {
            torrent: t.clone(),
            save_path: path.into(),
        })
    };
    let events = [
        Publish::new(Event::TorrentAdded {
            torrent: a.clone(),
            name: "a".into(),
        }),
        completed(&b, "/b1"),
        Publish::new(Event::ConfigChanged { revision: 99 }),
        progress(&b, 1),
        completed(&a, "/a1"),
        completed(&b, "/end"),
        completed(&a, "/end"),
    ];
    for event in events {
        server.running.hub.do_send(event);
    }

    async fn read_to_end(
        reader: &mut SseReader,
        wanted_last: &str,
    ) -> Result<Vec<String>, Box<dyn std::error::Error>> {
        let mut seen = Vec::new();
        loop {
            let frame = reader.event(STEP).await?.ok_or("stream ended")?;
            let data = frame.data.ok_or("no data")?;
            let label = format!(
                "{}:{}",
                frame.event.ok_or("no event name")?,
                data["save_path"]
                    .as_str()
                    .or(data["name"].as_str())
                    .unwrap_or("-")
            );
            let done = label == wanted_last;
            seen.push(label);
            if done {
                return Ok(seen);
            }
        }
    }
    assert_eq!(
        read_to_end(&mut completed_a, "completed:/end").await?,
        vec!["completed:/a1", "completed:/end"]
    );
    assert_eq!(
        read_to_end(&mut added_or_completed, "completed:/end").await?,
        vec![
            "torrent_added:a",
            "completed:/b1",
            "completed:/a1",
            "completed:/end"
        ]
    );
    assert_eq!(
        read_to_end(&mut only_b, "completed:/end").await?,
        vec!["completed:/b1", "progress:-", "completed:/end"]
    );
    Ok(())
}

#[actix_rt::test]
async fn bad_filter_values_are_422_with_pointers() -> TestResult {
    let (server, key) = TestServer::start_active().await?;
    let get = |query: &str, last_event_id: Option<&str>| {
        let mut request = server
            .client
            .get(server.url(&format!("/v1/events{query}")))
            .header("x-api-key", &key);
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id);
        }
        request.send()
    };
    for (query, header, expected) in [
        ("?types=progress,bogus", None, vec!["/types"]),
        ("?torrent=abc", None, vec!["/torrent"]),
        ("?last_event_id=-1", None, vec!["/last_event_id"]),
        ("", Some("not-a-number"), vec!["/last_event_id"]),
        // The header wins, so a fine query id does not rescue a bad header.
        ("?last_event_id=3", Some("x"), vec!["/last_event_id"]),
        (
            "?types=nope&torrent=zz",
            Some("1"),
            vec!["/torrent", "/types"],
        ),
    ] {
        let problem = expect_problem(get(query, header).await?, 422, "validation_failed").await?;
        assert_eq!(pointers(&problem), expected, "{query} {header:?}");
    }
    assert_eq!(subscribers(&server).await?, 0, "nothing subscribed");

    let res = server.client.get(server.url("/v1/events")).send().await?;
    expect_problem(res, 401, "unauthorized").await?;
    Ok(())
}

#[actix_rt::test]
async fn an_idle_stream_carries_heartbeats() -> TestResult {
    let (server, key) = TestServer::start_active_with(|options| {
        options.api.sse_heartbeat = Duration::from_millis(200);
    })
    .await?;
    let mut reader = server.events(&key, "", None).await?;
    let frame = reader.frame(STEP).await?.ok_or("stream ended")?;
    assert_eq!(frame.comment.as_deref(), Some("keep-alive"));
    assert_eq!((frame.id, frame.event), (None, None));
    Ok(())
}

/// The slow client never reads; once its socket buffers and its hub queue
/// are full the hub drops it. Meanwhile the fast client gets every event of
/// every batch promptly, and the slow one can resume without loss.
#[actix_rt::test]
async fn a_slow_subscriber_does_not_delay_a_fast_one() -> TestResult {
    const BATCH: i64 = 50;
    const MAX_EVENTS: i64 = 15_000;
    let (server, key) = TestServer::start_active_with(|options| {
        options.event_queue = 64;
        options.event_buffer = 20_000;
    })
    .await?;
    let t = torrent(3)?;
    let slow = server
        .client
        .get(server.url("/v1/events"))
        .header("x-api-key", &key)
        .send()
        .await?;
    assert_eq!(slow.status(), 200);
    let mut fast = server.events(&key, "", None).await?;
    wait_for_subscribers(&server, 2).await?;

    // ~2 KB per event, so the slow client's TCP buffers fill after a few MB.
    let padding = "x".repeat(2000);
    let error = |m: i64| {
        Publish::new(Event::TorrentError {
            torrent: t.clone(),
            message: format!("{m}:{padding}"),
        })
    };
    let mark = |frame: &Frame| -> Option<i64> {
        frame.data.as_ref()?["message"]
            .as_str()?
            .split(':')
            .next()?
            .parse()
            .ok()
    };
    let started = Instant::now();
    let mut published = 0;
    let mut slowest_batch = Duration::ZERO;
    let mut fast_ids = Vec::new();
    while published < MAX_EVENTS {
        let batch_started = Instant::now();
        for _ in 0..BATCH {
            published += 1;
            server.running.hub.do_send(error(published));
        }
        loop {
            let frame = fast.event(STEP).await?.ok_or("fast stream ended")?;
            fast_ids.push(frame.id.ok_or("no id")?);
            if mark(&frame) == Some(published) {
                break;
            }
        }
        slowest_batch = slowest_batch.max(batch_started.elapsed());
        if subscribers(&server).await? == 1 {
            break;
        }
    }
    assert_eq!(
        subscribers(&server).await?,
        1,
        "slow subscriber dropped after {published} events"
    );
    assert_eq!(fast_ids.len() as i64, published, "fast got every event");
    assert_contiguous(&fast_ids);
    assert!(
        // A blocked fan-out would hold the batch until the slow subscriber
        // is dropped; a loaded machine takes a second or two anyway.
        slowest_batch < Duration::from_secs(6),
        "a batch of {BATCH} took {slowest_batch:?}"
    );
    eprintln!(
        "slow subscriber dropped after {published} events; {:?} total, slowest batch {slowest_batch:?}",
        started.elapsed()
    );
    assert!(
        server
            .metric("revaer_sse_subscribers_dropped_total{reason=\"lagging\"}")
            .await?
            >= 1.0
    );

    // One more batch reaches the fast client after the drop as well.
    for _ in 0..BATCH {
        published += 1;
        server.running.hub.do_send(error(published));
    }
    loop {
        let frame = fast.event(STEP).await?.ok_or("fast stream ended")?;
        if mark(&frame) == Some(published) {
            break;
        }
    }

    // The slow client finds its stream ended after what was already queued,
    // then resumes from its last id and gets the rest, contiguously.
    let mut slow = SseReader::new(slow);
    let mut slow_ids = Vec::new();
    while let Some(frame) = slow.event(STEP).await? {
        slow_ids.push(frame.id.ok_or("no id")?);
    }
    assert!(!slow_ids.is_empty() && (slow_ids.len() as i64) < published);
    assert_eq!(slow_ids[0], fast_ids[0]);
    assert_contiguous(&slow_ids);
    let last = *slow_ids.last().ok_or("no ids")?;
    let mut resumed = server.events(&key, "", Some(last)).await?;
    let mut next = last;
    loop {
        let frame = resumed.event(STEP).await?.ok_or("resumed stream ended")?;
        let id = frame.id.ok_or("no id")?;
        assert_eq!(id, next + 1, "resumed without gap");
        next = id;
        if mark(&frame) == Some(published) {
            break;
        }
    }
    Ok(())
}

#[actix_rt::test]
async fn shutdown_ends_open_streams_instead_of_waiting_for_them() -> TestResult {
    let (mut server, key) = TestServer::start_active().await?;
    let mut reader = server.events(&key, "", None).await?;
    wait_for_subscribers(&server, 1).await?;

    let started = Instant::now();
    revaerd::shutdown::stop_http(&mut server.running).await;
    let took = started.elapsed();
    // Without the drain, actix waits for the open stream until its shutdown
    // timeout and then cuts it; with it, the stream ends first and the stop
    // only drains real requests.
    assert!(
        took < revaer_api::app::SHUTDOWN_GRACE / 2,
        "HTTP stop waited {took:?} for an event stream"
    );
    // The client sees a clean end of the body (it resumes with
    // Last-Event-ID when the server is back), not a reset.
    loop {
        match reader.frame(STEP).await? {
            None => break,
            Some(_) => continue,
        }
    }
    Ok(())
}
