use super::*;
use chrono::Utc;

#[test]
fn round_trips_exactly() -> Result<(), Box<dyn std::error::Error>> {
    let id = TorrentId::parse(&"ab".repeat(20))?;
    for value in [
        SortValue::AddedAt(Utc::now()),
        SortValue::Name("Über\u{1f}name/with:odd".into()),
        SortValue::Progress(0.1 + 0.2),
        SortValue::Ratio(f64::MAX),
    ] {
        let cursor = ListCursor {
            order: SortOrder::Desc,
            value,
            id: id.clone(),
        };
        assert_eq!(decode(&encode(&cursor, 42)), Ok((cursor, 42)));
    }
    Ok(())
}

#[test]
fn garbage_is_refused() {
    for raw in [
        "",
        "zz",
        "abcd",
        &hex::encode("v2\u{1f}asc\u{1f}name\u{1f}y\u{1f}x"),
        // A v1 cursor (before filters were bound) is refused too.
        &hex::encode(format!(
            "v1\u{1f}asc\u{1f}name\u{1f}{}\u{1f}x",
            "ab".repeat(20)
        )),
    ] {
        assert!(decode(raw).is_err(), "{raw}");
    }
}

#[test]
fn fingerprint_tells_filters_apart_but_not_state_order() {
    use revaer_messages::torrent::TorrentState;
    let base = TorrentFilter::default();
    let with = |f: fn(&mut TorrentFilter)| {
        let mut filter = TorrentFilter::default();
        f(&mut filter);
        fingerprint(&filter)
    };
    let all = [
        fingerprint(&base),
        with(|f| f.category = Some(String::new())),
        with(|f| f.category = Some("ab".into())),
        with(|f| {
            f.category = Some("a".into());
            f.tag = Some("b".into());
        }),
        with(|f| f.tag = Some("ab".into())),
        with(|f| f.name = Some("ab".into())),
        with(|f| f.states = vec![TorrentState::Seeding]),
    ];
    let distinct: std::collections::BTreeSet<u64> = all.iter().copied().collect();
    assert_eq!(distinct.len(), all.len(), "{all:?}");
    assert_eq!(
        with(|f| f.states = vec![TorrentState::Paused, TorrentState::Seeding]),
        with(|f| f.states = vec![
            TorrentState::Seeding,
            TorrentState::Paused,
            TorrentState::Seeding
        ]),
    );
}
