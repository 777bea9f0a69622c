use super::*;
use crate::health::HealthStatus;

fn torrent(n: u8) -> Result<TorrentId, Box<dyn std::error::Error>> {
    Ok(TorrentId::parse(&format!("{n:040x}"))?)
}

fn completed(torrent: TorrentId) -> Event {
    Event::Completed {
        torrent,
        save_path: "/data".into(),
    }
}

#[test]
fn empty_filter_matches_everything() -> Result<(), Box<dyn std::error::Error>> {
    let filter = EventFilter::all();
    assert!(filter.matches(&completed(torrent(1)?)));
    assert!(filter.matches(&Event::ConfigChanged { revision: 3 }));
    Ok(())
}

#[test]
fn type_and_torrent_criteria_must_both_match() -> Result<(), Box<dyn std::error::Error>> {
    let filter = EventFilter {
        types: EventFilter::parse_types("completed, removed")?,
        torrent: Some(torrent(1)?),
    };
    assert!(filter.matches(&completed(torrent(1)?)));
    assert!(!filter.matches(&completed(torrent(2)?)));
    assert!(!filter.matches(&Event::TorrentAdded {
        torrent: torrent(1)?,
        name: "a".into()
    }));
    Ok(())
}

#[test]
fn torrent_filter_excludes_process_wide_events() -> Result<(), Box<dyn std::error::Error>> {
    let filter = EventFilter {
        types: None,
        torrent: Some(torrent(1)?),
    };
    let health = Event::HealthChanged {
        component: "engine".into(),
        status: HealthStatus::Ok,
        detail: None,
    };
    assert!(!filter.matches(&health));
    assert!(!filter.matches(&Event::ConfigChanged { revision: 1 }));
    Ok(())
}

#[test]
fn parse_types_rejects_unknown_and_treats_blank_as_all() {
    assert_eq!(EventFilter::parse_types(" , "), Ok(None));
    assert_eq!(
        EventFilter::parse_types("progress,bogus"),
        Err(UnknownEventType("bogus".into()))
    );
}
