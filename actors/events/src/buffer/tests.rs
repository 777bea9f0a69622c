use super::*;

fn filled(capacity: usize, count: u64) -> ReplayBuffer {
    let mut buffer = ReplayBuffer::new(capacity, 0);
    for revision in 1..=count {
        buffer.push(
            Event::ConfigChanged {
                revision: revision as i64,
            },
            None,
        );
    }
    buffer
}

fn ids(replay: Replay) -> Option<Vec<u64>> {
    match replay {
        Replay::Events(events) => Some(events.iter().map(|e| e.id).collect()),
        Replay::Resync => None,
    }
}

#[test]
fn evicts_oldest_and_keeps_ids_contiguous() {
    let buffer = filled(5, 12);
    assert_eq!(buffer.latest_id(), 12);
    assert_eq!(buffer.len(), 5);
    assert_eq!(
        ids(buffer.since(7, &EventFilter::all())),
        Some(vec![8, 9, 10, 11, 12])
    );
}

#[test]
fn boundaries_of_resumable_ids() {
    let buffer = filled(5, 12);
    assert_eq!(
        ids(buffer.since(6, &EventFilter::all())),
        None,
        "event 7 was evicted"
    );
    assert_eq!(ids(buffer.since(12, &EventFilter::all())), Some(vec![]));
    assert_eq!(
        ids(buffer.since(13, &EventFilter::all())),
        None,
        "id from the future"
    );
}

#[test]
fn fresh_buffer_resumes_from_zero() {
    let buffer = filled(5, 3);
    assert_eq!(
        ids(buffer.since(0, &EventFilter::all())),
        Some(vec![1, 2, 3])
    );
    assert_eq!(
        ids(filled(5, 0).since(0, &EventFilter::all())),
        Some(vec![])
    );
}

#[test]
fn zero_capacity_numbers_events_but_replays_nothing() {
    let buffer = filled(0, 4);
    assert_eq!(buffer.len(), 0);
    assert_eq!(ids(buffer.since(4, &EventFilter::all())), Some(vec![]));
    assert_eq!(ids(buffer.since(3, &EventFilter::all())), None);
}

#[test]
fn seeded_buffer_continues_after_the_seed() {
    let mut buffer = ReplayBuffer::new(5, 100);
    let envelope = buffer.push(Event::ConfigChanged { revision: 1 }, Some("req-1".into()));
    assert_eq!(envelope.id, 101);
    assert_eq!(envelope.request_id.as_deref(), Some("req-1"));
    assert_eq!(ids(buffer.since(100, &EventFilter::all())), Some(vec![101]));
    assert_eq!(ids(buffer.since(99, &EventFilter::all())), None);
}

fn progress(torrent: &TorrentId, progress: f64) -> Event {
    Event::Progress {
        torrent: torrent.clone(),
        progress,
        downloaded: 0,
        uploaded: 0,
        download_bps: 0,
        upload_bps: 0,
    }
}

fn torrent(n: u8) -> TorrentId {
    match TorrentId::parse(&format!("{n:02x}").repeat(20)) {
        Ok(id) => id,
        Err(err) => panic!("test id: {err}"),
    }
}

#[test]
fn every_progress_event_is_replayed_while_there_is_room() {
    let a = torrent(1);
    let mut buffer = ReplayBuffer::new(100, 0);
    for n in 1..=5 {
        buffer.push(progress(&a, f64::from(n) / 10.0), None);
    }
    assert_eq!(
        ids(buffer.since(0, &EventFilter::all())),
        Some(vec![1, 2, 3, 4, 5])
    );
}

#[test]
fn when_full_superseded_progress_goes_first() {
    let (a, b) = (torrent(1), torrent(2));
    let mut buffer = ReplayBuffer::new(3, 0);
    buffer.push(progress(&a, 0.1), None); // 1, superseded by 4, dropped
    buffer.push(progress(&b, 0.1), None); // 2
    buffer.push(Event::ConfigChanged { revision: 1 }, None); // 3
    buffer.push(progress(&a, 0.2), None); // 4
    assert_eq!(buffer.len(), 3);
    assert_eq!(buffer.evicted_through, 0, "nothing was evicted by age");
    assert_eq!(
        ids(buffer.since(0, &EventFilter::all())),
        Some(vec![2, 3, 4]),
        "a client that saw nothing gets each torrent's latest progress"
    );
    assert_eq!(
        ids(buffer.since(1, &EventFilter::all())),
        Some(vec![2, 3, 4])
    );
    assert_eq!(ids(buffer.since(3, &EventFilter::all())), Some(vec![4]));
}

#[test]
fn progress_of_many_torrents_does_not_push_out_other_events() {
    let mut buffer = ReplayBuffer::new(50, 0);
    buffer.push(Event::ConfigChanged { revision: 1 }, None);
    // 40 torrents report progress 100 times each: 4,000 events.
    for round in 0..100 {
        for n in 0..40 {
            buffer.push(progress(&torrent(n), f64::from(round) / 100.0), None);
        }
    }
    assert_eq!(buffer.len(), 50);
    assert_eq!(buffer.evicted_through, 0, "nothing was evicted by age");
    let Some(replayed) = ids(buffer.since(0, &EventFilter::all())) else {
        panic!("a client from the start must still resume");
    };
    assert_eq!(
        replayed.first(),
        Some(&1),
        "the config change is still there"
    );
    let latest: Vec<u64> = (4001 - 39..=4001).collect();
    assert!(
        replayed.ends_with(&latest),
        "every torrent's latest progress is there"
    );
}

#[test]
fn evicting_a_progress_event_forgets_it_and_sets_the_horizon() {
    let (a, b) = (torrent(1), torrent(2));
    let mut buffer = ReplayBuffer::new(2, 0);
    let first = buffer.push(progress(&a, 0.1), None).at; // 1, evicted by 3
    buffer.push(progress(&b, 0.1), None); // 2
    buffer.push(Event::ConfigChanged { revision: 1 }, None); // 3
    assert_eq!(ids(buffer.since(0, &EventFilter::all())), None);
    assert_eq!(ids(buffer.since(1, &EventFilter::all())), Some(vec![2, 3]));
    assert_eq!(buffer.evicted_through, 1);
    assert_eq!(
        buffer.horizon(first),
        chrono::Duration::zero(),
        "the horizon is measured from the evicted event 1"
    );
    // a's entry is gone: its next progress evicts nothing of its own.
    buffer.push(progress(&a, 0.2), None); // 4, evicts 2
    assert_eq!(ids(buffer.since(2, &EventFilter::all())), Some(vec![3, 4]));
    assert_eq!(ids(buffer.since(1, &EventFilter::all())), None);
}
