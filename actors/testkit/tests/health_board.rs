//! The health board announces status changes (not first reports, not
//! repeats) once it knows where events go. Lives here, not in
//! revaer-messages, so it can use the shared collector without a
//! dependency cycle.

use revaer_messages::events::{Event, Publish};
use revaer_messages::health::{ComponentHealth, HealthBoard, HealthStatus};

#[actix_rt::test]
async fn status_changes_are_announced_once_attached() {
    let board = HealthBoard::default();
    // Before it is attached, nothing is published (and nothing fails).
    assert!(board.set("db", ComponentHealth::ok()));
    let (collector, rx) = revaer_testkit::collect::<Publish>();
    let mut log = revaer_testkit::EventLog(rx);
    board.announce_to(collector.recipient());

    assert!(board.set("db", ComponentHealth::degraded("down")));
    assert!(!board.set("db", ComponentHealth::degraded("still down")));
    assert!(board.set("db", ComponentHealth::ok()));
    // A new component registers without an event.
    assert!(board.set("engine", ComponentHealth::degraded("starting")));

    let mut seen = Vec::new();
    for _ in 0..2 {
        let event = log.wait_for(|e| Some(e.clone())).await;
        seen.push(event.ok());
    }
    // Give a wrongly announced third event the chance to arrive.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(log.drain(), Vec::<Event>::new(), "no further announcements");
    assert_eq!(
        seen,
        [
            Some(Event::HealthChanged {
                component: "db".into(),
                status: HealthStatus::Degraded,
                detail: Some("down".into()),
            }),
            Some(Event::HealthChanged {
                component: "db".into(),
                status: HealthStatus::Ok,
                detail: None,
            }),
        ]
    );
}
