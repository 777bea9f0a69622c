use super::*;
use revaer_messages::torrent::{InvalidTorrentId, TorrentId};

fn update(id: &str, progress: f64) -> Result<Event, InvalidTorrentId> {
    Ok(Event::Progress {
        torrent: TorrentId::parse(&format!("{id:0>40}"))?,
        progress,
        downloaded: 0,
        uploaded: 0,
        download_bps: 0,
        upload_bps: 0,
    })
}

fn fraction(event: &Event) -> f64 {
    match event {
        Event::Progress { progress, .. } => *progress,
        _ => f64::NAN,
    }
}

#[test]
fn many_torrents_updated_every_tick_send_one_update_each_per_interval(
) -> Result<(), InvalidTorrentId> {
    let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
    let start = Instant::now();
    let mut sent = 0;
    // 500 torrents, 10 ticks a second for 3 seconds.
    for tick in 0..30u32 {
        let now = start + Duration::from_millis(100) * tick;
        for torrent in 0..500 {
            let id = format!("{torrent:040x}");
            sent += usize::from(
                coalescer
                    .offer(&id, update(&id, f64::from(tick) / 30.0)?, now, false)
                    .is_some(),
            );
        }
        sent += coalescer.due(now).len();
    }
    // t = 0, 1 s and 2 s: three updates per torrent, not thirty.
    assert_eq!(sent, 500 * 3);
    Ok(())
}

#[test]
fn the_last_update_arrives_after_the_torrent_stops_changing() -> Result<(), InvalidTorrentId> {
    let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
    let start = Instant::now();
    assert!(coalescer
        .offer("a", update("a", 0.1)?, start, false)
        .is_some());
    let later = start + Duration::from_millis(300);
    assert!(coalescer
        .offer("a", update("a", 0.5)?, later, false)
        .is_none());
    assert!(coalescer.due(later).is_empty());
    let sent = coalescer.due(start + Duration::from_secs(1));
    assert_eq!(sent.iter().map(fraction).collect::<Vec<_>>(), vec![0.5]);
    assert!(coalescer.due(start + Duration::from_secs(5)).is_empty());
    Ok(())
}

#[test]
fn a_state_change_sends_at_once() -> Result<(), InvalidTorrentId> {
    let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
    let start = Instant::now();
    coalescer.offer("a", update("a", 0.1)?, start, false);
    let later = start + Duration::from_millis(100);
    let sent = coalescer.offer("a", update("a", 1.0)?, later, true);
    assert_eq!(sent.as_ref().map(fraction), Some(1.0));
    assert!(coalescer.due(start + Duration::from_secs(2)).is_empty());
    Ok(())
}

#[test]
fn a_refused_update_is_sent_again_but_never_over_a_newer_one() -> Result<(), InvalidTorrentId> {
    let mut coalescer = ProgressCoalescer::new(Duration::from_secs(1));
    let start = Instant::now();
    let first = coalescer.offer("a", update("a", 0.2)?, start, false);
    assert!(first.is_some());
    if let Some(first) = first {
        coalescer.requeue("a", first);
    }
    let sent = coalescer.due(start + Duration::from_secs(1));
    assert_eq!(sent.iter().map(fraction).collect::<Vec<_>>(), vec![0.2]);
    coalescer.offer(
        "a",
        update("a", 0.9)?,
        start + Duration::from_millis(1500),
        false,
    );
    coalescer.requeue("a", update("a", 0.3)?);
    let sent = coalescer.due(start + Duration::from_secs(2));
    assert_eq!(sent.iter().map(fraction).collect::<Vec<_>>(), vec![0.9]);
    Ok(())
}
