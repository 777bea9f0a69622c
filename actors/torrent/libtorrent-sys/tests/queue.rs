//! The download queue through the bridge: torrents take positions in the
//! order they are added, and each movement (and an exact position) lands
//! where libtorrent's own queue puts it.
#![expect(
    clippy::unwrap_used,
    reason = "the shared helpers in `common` panic on failure"
)]

mod common;

use libtorrent_sys::testing::{loopback_session, make_torrent};
use libtorrent_sys::{AddOptions, QueueMove, Session};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Ids in queue order (head first), read back from libtorrent.
fn order(session: &Session, ids: &[String]) -> Result<Vec<String>, libtorrent_sys::Error> {
    let mut positioned = Vec::new();
    for id in ids {
        positioned.push((session.status(id)?.queue_position, id.clone()));
    }
    positioned.sort();
    Ok(positioned.into_iter().map(|(_, id)| id).collect())
}

#[test]
fn moves_and_exact_positions_reorder_the_queue() -> TestResult {
    let dir = common::TempDir::new("queue");
    let session = loopback_session(common::TIMEOUT)?;
    let save = dir.path().join("save");
    std::fs::create_dir_all(&save)?;
    let options = AddOptions {
        paused: true,
        ..AddOptions::with_save_path(save.to_str().ok_or("utf-8 path")?)
    };
    let mut ids = Vec::new();
    for (seed, name) in ["a", "b", "c"].into_iter().enumerate() {
        let torrent = make_torrent(
            &dir.path().join("src"),
            name,
            &[("f.bin", 32 * 1024)],
            &[],
            seed as u64,
        )?;
        ids.push(session.add_torrent_file(&torrent, &options)?);
    }
    let (a, b, c) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
    let positions: Vec<i32> = ids
        .iter()
        .map(|id| session.status(id).map(|s| s.queue_position))
        .collect::<Result<_, _>>()?;
    assert_eq!(positions, [0, 1, 2], "added at the end, in order");

    session.queue_move(&c, QueueMove::Top)?;
    assert_eq!(order(&session, &ids)?, [&*c, &*a, &*b]);
    session.queue_move(&c, QueueMove::Down)?;
    assert_eq!(order(&session, &ids)?, [&*a, &*c, &*b]);
    session.queue_move(&b, QueueMove::Up)?;
    assert_eq!(order(&session, &ids)?, [&*a, &*b, &*c]);
    session.queue_move(&a, QueueMove::Bottom)?;
    assert_eq!(order(&session, &ids)?, [&*b, &*c, &*a]);
    session.set_queue_position(&a, 0)?;
    assert_eq!(order(&session, &ids)?, [&*a, &*b, &*c]);
    session.set_queue_position(&a, 99)?;
    assert_eq!(
        order(&session, &ids)?,
        [&*b, &*c, &*a],
        "past the end is the end"
    );

    assert!(session.set_queue_position(&a, -1).is_err());
    let unknown = "e".repeat(40);
    assert!(matches!(
        session.queue_move(&unknown, QueueMove::Top),
        Err(libtorrent_sys::Error::UnknownTorrent(_))
    ));
    Ok(())
}
