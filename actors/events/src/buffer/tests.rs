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
