//! Completed torrents become FsOps jobs: from the event hub under the
//! policy in force at completion, and at start for completions recorded
//! without a job (a crash between the two).

mod support;

use actix::Actor;
use diesel::RunQueryDsl;
use revaer_events::{EventHub, HubConfig, HubMetrics};
use revaer_messages::events::{Event, Publish};
use revaer_messages::fsops::JobStatus;
use revaer_messages::hub::HubStats;
use revaer_messages::watch::ConfigChanged;
use revaer_schema::models::{fs_jobs, torrents};
use revaer_schema::testing::TestDatabase;
use std::sync::Arc;
use support::{payload, snapshot, torrent, wait_final, Harness, Sandbox, TestResult, TIMEOUT};

#[actix_rt::test]
async fn completions_from_the_hub_become_jobs_under_the_policy_of_their_time() -> TestResult {
    let sandbox = Sandbox::new()?;
    sandbox.write("First/a.txt", b"a")?;
    sandbox.write("First/sub/b.txt", b"b")?;
    sandbox.write("Second/c.txt", b"c")?;
    sandbox.write("Second/sub/d.txt", b"d")?;
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    for (n, name) in [(1u8, "First"), (2, "Second")] {
        torrents::insert(
            &mut conn,
            &torrents::NewTorrent {
                id: torrent(n).to_string(),
                name: name.into(),
                source_kind: "magnet".into(),
                magnet_uri: Some(format!("magnet:?xt=urn:btih:{}", torrent(n))),
                torrent_file: None,
                save_path: sandbox.downloads.to_string_lossy().into_owned(),
                category: Some("misc".into()),
                tags: serde_json::json!([]),
                file_priorities: serde_json::json!([]),
                sequential: false,
                download_limit: 0,
                upload_limit: 0,
                paused: false,
                state: "seeding".into(),
                total_size: 2,
                content_layout: "original".into(),
                first_last_piece_prio: false,
                super_seeding: false,
            },
        )?;
    }
    let registry = prometheus::Registry::new();
    let hub = EventHub::new(HubConfig::default(), HubMetrics::register(&registry)?).start();
    let policy = sandbox.policy();
    let hub_for_options = hub.clone();
    let harness = Harness::start(&db, &policy, move |o| {
        o.hub = Some(hub_for_options.clone().recipient());
        o.events = Some(hub_for_options.recipient());
    })?;
    harness.idle().await?;
    // Publish only once the orchestrator's subscription is attached.
    let deadline = tokio::time::Instant::now() + TIMEOUT;
    while hub.send(HubStats).await?.subscribers == 0 {
        if tokio::time::Instant::now() > deadline {
            return Err("the orchestrator never subscribed to the hub".into());
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let completed = |n: u8| {
        Publish::new(Event::Completed {
            torrent: torrent(n),
            save_path: sandbox.downloads.to_string_lossy().into_owned(),
        })
    };
    hub.send(completed(1)).await?;
    assert_eq!(wait_final(&db, &torrent(1)).await?.status, JobStatus::Done);

    // A new revision turns flattening on: only later jobs see it.
    let mut flat = policy.clone();
    flat.flatten = true;
    let mut snap = snapshot(&db, &flat)?;
    snap.revision += 1;
    harness
        .addr
        .send(ConfigChanged {
            snapshot: Arc::new(snap),
        })
        .await?;
    hub.send(completed(2)).await?;
    assert_eq!(wait_final(&db, &torrent(2)).await?.status, JobStatus::Done);
    // The first completion again changes nothing.
    hub.send(completed(1)).await?;
    harness.idle().await?;

    let first: Vec<String> = payload(&sandbox.library.join("misc/First"))?
        .into_keys()
        .collect();
    let second: Vec<String> = payload(&sandbox.library.join("misc/Second"))?
        .into_keys()
        .collect();
    assert_eq!(first, ["a.txt", "sub/b.txt"]);
    assert_eq!(second, ["c.txt", "d.txt"]);
    Ok(())
}

#[actix_rt::test]
async fn completions_recorded_without_a_job_are_post_processed_at_start() -> TestResult {
    // The catalogue says a torrent completed, but no job was ever created
    // (the process died between the two writes, or the hub's events were
    // missed): the orchestrator finds it when it starts.
    let sandbox = Sandbox::new()?;
    sandbox.write("Missed/a.txt", b"missed")?;
    sandbox.write("Unfinished/b.txt", b"partial")?;
    let db = TestDatabase::migrated()?;
    let mut conn = db.connect()?;
    let downloads = sandbox.downloads.to_string_lossy().into_owned();
    for (n, name, completed) in [(7u8, "Missed", "now()"), (8, "Unfinished", "NULL")] {
        diesel::sql_query(format!(
            "INSERT INTO torrents (id, name, source_kind, magnet_uri, save_path, state, completed_at) \
             VALUES ('{id}', '{name}', 'magnet', 'magnet:?xt=urn:btih:{id}', $1, 'seeding', {completed})",
            id = torrent(n),
        ))
        .bind::<diesel::sql_types::Text, _>(&downloads)
        .execute(&mut conn)?;
    }

    let harness = Harness::start(&db, &sandbox.policy(), |_| {})?;
    assert_eq!(wait_final(&db, &torrent(7)).await?.status, JobStatus::Done);
    harness.idle().await?;
    let landed: Vec<String> = payload(&sandbox.library.join("Missed"))?
        .into_keys()
        .collect();
    assert_eq!(landed, ["a.txt"]);
    assert!(
        fs_jobs::find(&mut conn, torrent(8).as_str())?.is_none(),
        "an unfinished torrent gets no job"
    );

    // A second start (the job exists now) creates nothing new.
    drop(harness);
    let again = Harness::start(&db, &sandbox.policy(), |_| {})?;
    again.idle().await?;
    assert_eq!(
        fs_jobs::count_by_status(&mut conn)?,
        [("done".to_string(), 1)]
    );
    Ok(())
}
