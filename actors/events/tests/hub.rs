//! The hub as its users see it: a real actor behind an `Addr`, real channels.
//!
//! Every wait is bounded by `STEP`, so a broken hub fails a test instead of
//! hanging it.

use std::collections::BTreeSet;
use std::error::Error;
use std::time::Duration;

use actix::{Actor, Addr};
use prometheus::Registry;
use revaer_events::{
    EventFilter, EventHub, HubConfig, HubItem, HubMetrics, HubStats, HubStatsReply, Publish,
    Subscribe, Subscription, Unsubscribe,
};
use revaer_messages::events::Event;
use revaer_messages::TorrentId;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::time::timeout;

type TestResult = Result<(), Box<dyn Error>>;

const STEP: Duration = Duration::from_secs(5);

fn start(
    buffer_size: usize,
    subscriber_queue: usize,
) -> Result<(Addr<EventHub>, Registry), Box<dyn Error>> {
    let registry = Registry::new();
    let metrics = HubMetrics::register(&registry)?;
    Ok((
        EventHub::new(
            HubConfig {
                buffer_size,
                subscriber_queue,
            },
            metrics,
        )
        .start(),
        registry,
    ))
}

fn torrent(n: u8) -> Result<TorrentId, Box<dyn Error>> {
    Ok(TorrentId::parse(&format!("{n:040x}"))?)
}

fn config_changed(revision: i64) -> Publish {
    Publish::new(Event::ConfigChanged { revision })
}

async fn subscribe(
    hub: &Addr<EventHub>,
    last_event_id: Option<u64>,
    filter: EventFilter,
) -> Result<Subscription, Box<dyn Error>> {
    Ok(timeout(
        STEP,
        hub.send(Subscribe {
            last_event_id,
            filter,
            internal: false,
        }),
    )
    .await??)
}

async fn stats(hub: &Addr<EventHub>) -> Result<HubStatsReply, Box<dyn Error>> {
    Ok(timeout(STEP, hub.send(HubStats)).await??)
}

/// Publishes fire-and-forget, as producers do, then waits until the hub has
/// handled everything (the mailbox is FIFO).
async fn publish_all(
    hub: &Addr<EventHub>,
    events: impl IntoIterator<Item = Publish>,
) -> Result<HubStatsReply, Box<dyn Error>> {
    for event in events {
        hub.do_send(event);
    }
    stats(hub).await
}

async fn next(subscription: &mut Subscription) -> Result<HubItem, Box<dyn Error>> {
    Ok(timeout(STEP, subscription.receiver.recv())
        .await?
        .ok_or("stream ended")?)
}

async fn next_id(subscription: &mut Subscription) -> Result<u64, Box<dyn Error>> {
    match next(subscription).await? {
        HubItem::Event(envelope) => Ok(envelope.id),
        other => Err(format!("expected an event, got {other:?}").into()),
    }
}

/// Reads everything queued right now; the hub has already handled all
/// messages (callers sync with `stats` first), so nothing more is in flight.
fn drain(subscription: &mut Subscription) -> Result<Vec<HubItem>, Box<dyn Error>> {
    let mut items = Vec::new();
    loop {
        match subscription.receiver.try_recv() {
            Ok(item) => items.push(item),
            Err(TryRecvError::Empty) => return Ok(items),
            Err(TryRecvError::Disconnected) => return Err("stream ended".into()),
        }
    }
}

fn ids(items: &[HubItem]) -> Vec<u64> {
    items
        .iter()
        .map(|item| match item {
            HubItem::Event(envelope) => envelope.id,
            HubItem::Resync { .. } => 0,
        })
        .collect()
}

fn metric(registry: &Registry, name: &str, label: Option<(&str, &str)>) -> Option<f64> {
    let family = registry
        .gather()
        .into_iter()
        .find(|family| family.name() == name)?;
    let sample = family.get_metric().iter().find(|m| {
        label.is_none_or(|(key, value)| {
            m.get_label()
                .iter()
                .any(|l| l.name() == key && l.value() == value)
        })
    })?;
    Some(if sample.get_gauge().has_value() {
        sample.get_gauge().value()
    } else {
        sample.get_counter().value()
    })
}

#[actix_rt::test]
async fn ids_are_contiguous_and_monotonic_from_one() -> TestResult {
    let (hub, registry) = start(100, 100)?;
    let mut live = subscribe(&hub, None, EventFilter::all()).await?;
    assert_eq!(live.latest_id, 0);

    hub.do_send(Publish {
        event: Event::ConfigChanged { revision: 0 },
        request_id: Some("req-1".into()),
    });
    let after = publish_all(&hub, (1..50).map(config_changed)).await?;

    assert_eq!(
        after,
        HubStatsReply {
            latest_id: 50,
            buffered: 50,
            subscribers: 1
        }
    );
    let items = drain(&mut live)?;
    assert_eq!(ids(&items), (1..=50).collect::<Vec<_>>());
    match &items[0] {
        HubItem::Event(first) => assert_eq!(first.request_id.as_deref(), Some("req-1")),
        other => return Err(format!("unexpected {other:?}").into()),
    }
    assert_eq!(
        metric(
            &registry,
            "revaer_events_published_total",
            Some(("type", "config_changed"))
        ),
        Some(50.0)
    );
    assert_eq!(
        metric(
            &registry,
            "revaer_events_published_total",
            Some(("type", "progress"))
        ),
        Some(0.0)
    );
    Ok(())
}

#[actix_rt::test]
async fn resume_replays_exactly_the_missed_events_then_goes_live() -> TestResult {
    let (hub, _registry) = start(100, 100)?;
    let mut first = subscribe(&hub, None, EventFilter::all()).await?;
    publish_all(&hub, (1..=10).map(config_changed)).await?;
    let mut last_seen = 0;
    for _ in 0..4 {
        last_seen = next_id(&mut first).await?;
    }
    assert_eq!(last_seen, 4);
    drop(first); // the client disconnects without unsubscribing

    publish_all(&hub, (11..=15).map(config_changed)).await?;
    let mut resumed = subscribe(&hub, Some(last_seen), EventFilter::all()).await?;
    assert_eq!(resumed.latest_id, 15);
    assert_eq!(ids(&drain(&mut resumed)?), (5..=15).collect::<Vec<_>>());

    publish_all(&hub, [config_changed(16)]).await?;
    assert_eq!(
        ids(&drain(&mut resumed)?),
        vec![16],
        "live continues without gap or duplicate"
    );

    let caught_up = subscribe(&hub, Some(16), EventFilter::all()).await?;
    assert!(
        caught_up.receiver.is_empty(),
        "nothing to replay when up to date"
    );
    Ok(())
}

#[actix_rt::test]
async fn resync_when_resume_point_was_evicted() -> TestResult {
    let (hub, _registry) = start(5, 100)?;
    publish_all(&hub, (1..=10).map(config_changed)).await?; // keeps 6..=10

    let mut too_old = subscribe(&hub, Some(4), EventFilter::all()).await?;
    assert_eq!(
        drain(&mut too_old)?,
        vec![HubItem::Resync { latest_id: 10 }]
    );

    let mut just_in_time = subscribe(&hub, Some(5), EventFilter::all()).await?;
    assert_eq!(ids(&drain(&mut just_in_time)?), vec![6, 7, 8, 9, 10]);

    publish_all(&hub, [config_changed(11)]).await?;
    assert_eq!(
        ids(&drain(&mut too_old)?),
        vec![11],
        "live events follow the resync"
    );
    assert_eq!(ids(&drain(&mut just_in_time)?), vec![11]);
    Ok(())
}

#[actix_rt::test]
async fn resync_when_resume_point_is_newer_than_newest() -> TestResult {
    let (hub, _registry) = start(5, 100)?;
    publish_all(&hub, (1..=3).map(config_changed)).await?;

    let mut from_before_restart = subscribe(&hub, Some(42), EventFilter::all()).await?;
    assert_eq!(
        drain(&mut from_before_restart)?,
        vec![HubItem::Resync { latest_id: 3 }]
    );

    publish_all(&hub, [config_changed(4)]).await?;
    assert_eq!(ids(&drain(&mut from_before_restart)?), vec![4]);
    Ok(())
}

#[actix_rt::test]
async fn type_and_torrent_filters_apply_to_replay_and_live() -> TestResult {
    let (hub, _registry) = start(100, 100)?;
    let (a, b) = (torrent(0xa)?, torrent(0xb)?);
    let events = |round: i64| -> Vec<Publish> {
        vec![
            Publish::new(Event::TorrentAdded {
                torrent: a.clone(),
                name: format!("a{round}"),
            }),
            Publish::new(Event::Completed {
                torrent: b.clone(),
                save_path: "/b".into(),
            }),
            Publish::new(Event::ConfigChanged { revision: round }),
            Publish::new(Event::Completed {
                torrent: a.clone(),
                save_path: "/a".into(),
            }),
        ]
    };
    let completed_only = EventFilter {
        types: EventFilter::parse_types("completed")?,
        torrent: None,
    };
    let torrent_a = EventFilter {
        types: None,
        torrent: Some(a.clone()),
    };
    let both = EventFilter {
        types: Some(BTreeSet::from(["completed".to_owned()])),
        torrent: Some(a.clone()),
    };

    let mut live_types = subscribe(&hub, None, completed_only.clone()).await?;
    let mut live_torrent = subscribe(&hub, None, torrent_a.clone()).await?;
    let mut live_both = subscribe(&hub, None, both.clone()).await?;
    publish_all(&hub, events(1)).await?; // ids 1..=4

    assert_eq!(ids(&drain(&mut live_types)?), vec![2, 4]);
    assert_eq!(ids(&drain(&mut live_torrent)?), vec![1, 4]);
    assert_eq!(ids(&drain(&mut live_both)?), vec![4]);

    let mut replay_types = subscribe(&hub, Some(0), completed_only).await?;
    let mut replay_torrent = subscribe(&hub, Some(1), torrent_a).await?;
    let mut replay_both = subscribe(&hub, Some(0), both).await?;
    assert_eq!(ids(&drain(&mut replay_types)?), vec![2, 4]);
    assert_eq!(ids(&drain(&mut replay_torrent)?), vec![4]);
    assert_eq!(ids(&drain(&mut replay_both)?), vec![4]);

    publish_all(&hub, events(2)).await?; // ids 5..=8
    assert_eq!(ids(&drain(&mut replay_types)?), vec![6, 8]);
    assert_eq!(ids(&drain(&mut replay_torrent)?), vec![5, 8]);
    assert_eq!(ids(&drain(&mut replay_both)?), vec![8]);
    Ok(())
}

#[actix_rt::test]
async fn slow_subscriber_is_dropped_while_fast_one_gets_every_event() -> TestResult {
    let (hub, registry) = start(10_000, 4)?;
    let mut slow = subscribe(&hub, None, EventFilter::all()).await?;
    let mut fast = subscribe(&hub, None, EventFilter::all()).await?;

    // Each publish is awaited to completion: if the hub ever waited for the
    // slow subscriber, this would time out instead of finishing the burst.
    let burst = timeout(Duration::from_secs(30), async {
        for revision in 1..=1000_i64 {
            timeout(STEP, hub.send(config_changed(revision))).await??;
            // The fast client reads as soon as the event is there.
            let id = match fast.receiver.try_recv()? {
                HubItem::Event(envelope) => envelope.id,
                other => return Err(format!("unexpected {other:?}").into()),
            };
            if id != revision as u64 {
                return Err(format!("fast subscriber got id {id}, expected {revision}").into());
            }
        }
        Ok::<_, Box<dyn Error>>(())
    });
    burst.await??;

    // The slow client gets what fitted in its queue, then its stream ends.
    for expected in 1..=4 {
        assert_eq!(next_id(&mut slow).await?, expected);
    }
    assert_eq!(timeout(STEP, slow.receiver.recv()).await?, None);

    assert_eq!(
        stats(&hub).await?,
        HubStatsReply {
            latest_id: 1000,
            buffered: 1000,
            subscribers: 1
        }
    );
    assert_eq!(
        metric(
            &registry,
            "revaer_sse_subscribers_dropped_total",
            Some(("reason", "lagging"))
        ),
        Some(1.0)
    );
    assert_eq!(
        metric(
            &registry,
            "revaer_sse_subscribers_dropped_total",
            Some(("reason", "closed"))
        ),
        Some(0.0)
    );
    assert_eq!(metric(&registry, "revaer_sse_subscribers", None), Some(1.0));

    // And it resumes from its last id without loss.
    let mut resumed = subscribe(&hub, Some(4), EventFilter::all()).await?;
    assert_eq!(ids(&drain(&mut resumed)?), (5..=1000).collect::<Vec<_>>());
    Ok(())
}

#[actix_rt::test]
async fn unsubscribe_and_closed_receivers_are_removed() -> TestResult {
    let (hub, registry) = start(10, 10)?;
    let leaving = subscribe(&hub, None, EventFilter::all()).await?;
    let vanished = subscribe(
        &hub,
        None,
        EventFilter {
            types: EventFilter::parse_types("progress")?,
            torrent: None,
        },
    )
    .await?;
    assert_eq!(stats(&hub).await?.subscribers, 2);
    assert_eq!(metric(&registry, "revaer_sse_subscribers", None), Some(2.0));

    timeout(
        STEP,
        hub.send(Unsubscribe {
            subscriber_id: leaving.subscriber_id,
        }),
    )
    .await??;
    timeout(
        STEP,
        hub.send(Unsubscribe {
            subscriber_id: leaving.subscriber_id,
        }),
    )
    .await??;
    assert_eq!(stats(&hub).await?.subscribers, 1);

    // Dropped without Unsubscribe, and filtered out of the next event: still pruned.
    drop(vanished);
    assert_eq!(publish_all(&hub, [config_changed(1)]).await?.subscribers, 0);
    assert_eq!(metric(&registry, "revaer_sse_subscribers", None), Some(0.0));
    assert_eq!(
        metric(
            &registry,
            "revaer_sse_subscribers_dropped_total",
            Some(("reason", "closed"))
        ),
        Some(1.0)
    );
    assert_eq!(
        metric(
            &registry,
            "revaer_sse_subscribers_dropped_total",
            Some(("reason", "lagging"))
        ),
        Some(0.0)
    );
    Ok(())
}

#[actix_rt::test]
async fn internal_subscribers_get_events_but_are_not_counted_as_sse_clients() -> TestResult {
    let (hub, registry) = start(10, 10)?;
    let mut internal = timeout(
        STEP,
        hub.send(Subscribe {
            internal: true,
            ..Subscribe::default()
        }),
    )
    .await??;
    assert_eq!(metric(&registry, "revaer_sse_subscribers", None), Some(0.0));
    let _client = subscribe(&hub, None, EventFilter::all()).await?;
    assert_eq!(metric(&registry, "revaer_sse_subscribers", None), Some(1.0));
    assert_eq!(stats(&hub).await?.subscribers, 2);

    publish_all(&hub, [config_changed(1)]).await?;
    assert_eq!(ids(&drain(&mut internal)?), [1]);
    Ok(())
}
