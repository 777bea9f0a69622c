//! End-to-end transfers between two real libtorrent sessions on 127.0.0.1
//! (no tracker, DHT, LSD, UPnP or NAT-PMP; peers are connected explicitly).
#![expect(
    clippy::unwrap_used,
    reason = "bridge tests: a failed call is the test failing"
)]

mod common;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use common::{loopback_session, payload_size, AlertLog, Seeder, TIMEOUT};
use libtorrent_sys::{make_magnet, parse_magnet, AddOptions, AlertKind, TorrentState};

const LOCALHOST: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

#[test]
fn transfer_by_torrent_file() {
    let seeder = Seeder::start("file", 0x5eed_0001);
    assert_eq!(seeder.meta.files.len(), common::PAYLOAD.len());
    assert_eq!(seeder.meta.total_size, payload_size());
    assert!(
        seeder.meta.has_v1 && seeder.meta.has_v2,
        "expected a hybrid torrent"
    );

    let leech_dir = seeder.dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let started = Instant::now();
    let opts = AddOptions::with_save_path(leech_dir.to_str().unwrap());
    let id = leech.add_torrent_file(&seeder.torrent, &opts).unwrap();
    assert_eq!(id, seeder.id);
    leech.connect_peer(&id, LOCALHOST, seeder.port()).unwrap();

    log.wait_for(&id, "torrent_finished", |k| {
        matches!(k, AlertKind::TorrentFinished)
    });
    let elapsed = started.elapsed();
    eprintln!(
        "transfer_by_torrent_file: {} bytes in {:.2} s",
        payload_size(),
        elapsed.as_secs_f64()
    );
    assert!(elapsed < TIMEOUT);

    let st = leech.status(&id).unwrap();
    assert!(st.is_finished, "{st:?}");
    assert!((st.progress - 1.0).abs() < f32::EPSILON);
    assert_eq!(st.total_size, payload_size());
    assert_eq!(st.total_done, payload_size());
    assert!(st.error.is_empty(), "{}", st.error);
    assert_eq!(st.save_path, leech_dir.to_str().unwrap());

    let files = leech.files(&id).unwrap();
    assert_eq!(files.len(), seeder.meta.files.len());
    for (f, m) in files.iter().zip(&seeder.meta.files) {
        assert_eq!((f.index, &f.path, f.size), (m.index, &m.path, m.size));
        assert_eq!(f.downloaded, f.size, "{}", f.path);
        assert_eq!(f.priority, 4);
    }
    seeder.assert_same_files(&leech_dir, &[]);

    // Transfer counters are accumulated once per second, so they lag behind
    // torrent_finished; they must catch up on both sides.
    common::wait_until("download counters", TIMEOUT, || {
        let st = leech.status(&id).unwrap();
        st.total_payload_download >= payload_size() && st.all_time_download >= payload_size()
    });
    common::wait_until("upload counters", TIMEOUT, || {
        let up = seeder.session.status(&seeder.id).unwrap();
        up.total_payload_upload >= payload_size() && up.all_time_upload >= payload_size()
    });
}

#[test]
fn transfer_by_magnet_fetches_metadata_from_peer() {
    let seeder = Seeder::start("magnet", 0x5eed_0002);
    let magnet = make_magnet(&seeder.torrent).unwrap();
    assert_eq!(parse_magnet(&magnet).unwrap().id, seeder.id);
    let from_session = seeder.session.magnet_uri(&seeder.id).unwrap();
    assert_eq!(parse_magnet(&from_session).unwrap().id, seeder.id);

    let leech_dir = seeder.dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let started = Instant::now();
    let opts = AddOptions::with_save_path(leech_dir.to_str().unwrap());
    let id = leech.add_magnet(&magnet, &opts).unwrap();
    assert_eq!(id, seeder.id);
    // Before metadata there are no files and no size.
    let before = leech.status(&id).unwrap();
    if !before.has_metadata {
        assert!(leech.files(&id).unwrap().is_empty());
    }
    leech.connect_peer(&id, LOCALHOST, seeder.port()).unwrap();

    log.wait_for(&id, "metadata_received", |k| {
        matches!(k, AlertKind::MetadataReceived)
    });
    let metadata_after = started.elapsed();
    log.wait_for(&id, "torrent_finished", |k| {
        matches!(k, AlertKind::TorrentFinished)
    });
    eprintln!(
        "transfer_by_magnet: metadata after {:.2} s, {} bytes done after {:.2} s",
        metadata_after.as_secs_f64(),
        payload_size(),
        started.elapsed().as_secs_f64()
    );

    let st = leech.status(&id).unwrap();
    assert!(st.has_metadata && st.is_finished, "{st:?}");
    assert_eq!(st.name, seeder.meta.name);
    assert_eq!(leech.files(&id).unwrap().len(), seeder.meta.files.len());
    seeder.assert_same_files(&leech_dir, &[]);
    // The state machine went through metadata download to seeding.
    assert!(log.seen.iter().any(|a| matches!(
        a.kind,
        AlertKind::StateChanged {
            old: TorrentState::DownloadingMetadata,
            ..
        }
    )));
}

#[test]
fn file_priority_zero_skips_that_file() {
    let seeder = Seeder::start("prio", 0x5eed_0003);
    let skipped = seeder
        .meta
        .files
        .iter()
        .find(|f| f.path.ends_with("b.bin"))
        .unwrap()
        .clone();
    let mut prios = vec![4u8; seeder.meta.files.len()];
    prios[skipped.index] = 0;

    let leech_dir = seeder.dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let opts = AddOptions {
        file_priorities: prios,
        ..AddOptions::with_save_path(leech_dir.to_str().unwrap())
    };
    let id = leech.add_torrent_file(&seeder.torrent, &opts).unwrap();
    leech.connect_peer(&id, LOCALHOST, seeder.port()).unwrap();
    log.wait_for(&id, "torrent_finished", |k| {
        matches!(k, AlertKind::TorrentFinished)
    });

    let st = leech.status(&id).unwrap();
    assert!(st.is_finished && !st.is_seeding, "{st:?}");
    assert_eq!(st.total_wanted, payload_size() - skipped.size);
    let files = leech.files(&id).unwrap();
    let f = &files[skipped.index];
    assert_eq!(f.priority, 0);
    assert!(f.downloaded < f.size, "skipped file was downloaded: {f:?}");
    for other in files.iter().filter(|f| f.index != skipped.index) {
        assert_eq!(other.downloaded, other.size, "{}", other.path);
    }
    seeder.assert_same_files(&leech_dir, &[skipped.path.as_str()]);
}

#[test]
fn magnet_file_priorities_apply_once_metadata_arrives() {
    let seeder = Seeder::start("magnet-prio", 0x5eed_0005);
    let skipped = seeder
        .meta
        .files
        .iter()
        .find(|f| f.path.ends_with("c.dat"))
        .unwrap()
        .clone();
    let mut prios = vec![4u8; seeder.meta.files.len()];
    prios[skipped.index] = 0;

    let leech_dir = seeder.dir.sub("leech");
    let leech = loopback_session();
    let mut log = AlertLog::new(&leech);
    let opts = AddOptions {
        file_priorities: prios.clone(),
        ..AddOptions::with_save_path(leech_dir.to_str().unwrap())
    };
    let magnet = make_magnet(&seeder.torrent).unwrap();
    let id = leech.add_magnet(&magnet, &opts).unwrap();
    leech.connect_peer(&id, LOCALHOST, seeder.port()).unwrap();
    log.wait_for(&id, "torrent_finished", |k| {
        matches!(k, AlertKind::TorrentFinished)
    });

    let got: Vec<u8> = leech
        .files(&id)
        .unwrap()
        .iter()
        .map(|f| f.priority)
        .collect();
    assert_eq!(got, prios);
    let st = leech.status(&id).unwrap();
    assert!(st.is_finished && !st.is_seeding, "{st:?}");
    assert_eq!(st.total_wanted, payload_size() - skipped.size);
    seeder.assert_same_files(&leech_dir, &[skipped.path.as_str()]);
}

#[test]
fn resume_data_restores_complete_torrent_without_downloading() {
    let seeder = Seeder::start("resume", 0x5eed_0004);
    let leech_dir = seeder.dir.sub("leech");

    let resume = {
        let leech = loopback_session();
        let mut log = AlertLog::new(&leech);
        let opts = AddOptions::with_save_path(leech_dir.to_str().unwrap());
        let id = leech.add_torrent_file(&seeder.torrent, &opts).unwrap();
        leech.connect_peer(&id, LOCALHOST, seeder.port()).unwrap();
        log.wait_for(&id, "torrent_finished", |k| {
            matches!(k, AlertKind::TorrentFinished)
        });
        // all_time_download lags up to a second behind torrent_finished;
        // wait so the resume data records the full amount.
        common::wait_until("download counter", TIMEOUT, || {
            leech.status(&id).unwrap().all_time_download >= payload_size()
        });
        leech.save_resume_data(&id).unwrap();
        match log
            .wait_for(&id, "save_resume_data", |k| {
                matches!(k, AlertKind::SaveResumeData { .. })
            })
            .kind
        {
            AlertKind::SaveResumeData { data } => data,
            other => panic!("unexpected {other:?}"),
        }
        // `leech` is dropped here: libtorrent shuts down.
    };
    assert!(!resume.is_empty());
    // The seeder is gone too, so nothing could be downloaded again.
    drop(seeder.session);

    let again = loopback_session();
    let mut log = AlertLog::new(&again);
    // Empty save_path: use the one recorded in the resume data.
    let id = again
        .add_resume_data(&resume, &AddOptions::default())
        .unwrap();
    assert_eq!(id, seeder.id);
    common::wait_until("resumed torrent to seed", TIMEOUT, || {
        again.status(&id).unwrap().state == TorrentState::Seeding
    });
    let st = again.status(&id).unwrap();
    assert_eq!(st.save_path, leech_dir.to_str().unwrap());
    assert_eq!(st.total_done, payload_size());
    assert_eq!(st.total_size, payload_size());
    assert_eq!(st.total_payload_download, 0);
    assert!(st.all_time_download >= payload_size(), "{st:?}");
    assert!(st.has_metadata);
    log.drain();
    assert!(
        !log.seen.iter().any(|a| matches!(
            a.kind,
            AlertKind::StateChanged {
                new: TorrentState::CheckingFiles,
                ..
            } | AlertKind::FastresumeRejected { .. }
        )),
        "resume data was not trusted: {:#?}",
        log.seen
    );
}
