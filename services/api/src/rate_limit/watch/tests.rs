use super::*;
use revaer_messages::health::HealthStatus;

fn status(board: &HealthBoard) -> Option<HealthStatus> {
    board.snapshot().get(COMPONENT).map(|h| h.status)
}

#[test]
fn degrades_on_a_burst_of_throttles_and_recovers_after_quiet() {
    let board = HealthBoard::default();
    let watch = ThrottleWatch::new(
        3,
        Duration::from_secs(60),
        Duration::from_secs(60),
        board.clone(),
    );
    let t0 = Instant::now();
    assert_eq!(status(&board), Some(HealthStatus::Ok));
    watch.throttled(t0);
    watch.throttled(t0 + Duration::from_secs(1));
    assert_eq!(status(&board), Some(HealthStatus::Ok));
    watch.throttled(t0 + Duration::from_secs(2));
    assert_eq!(status(&board), Some(HealthStatus::Degraded));

    watch.refresh(t0 + Duration::from_secs(61));
    assert_eq!(
        status(&board),
        Some(HealthStatus::Degraded),
        "not quiet long enough"
    );
    watch.refresh(t0 + Duration::from_secs(62));
    assert_eq!(status(&board), Some(HealthStatus::Ok));
}

#[test]
fn throttles_spread_beyond_the_window_do_not_degrade() {
    let board = HealthBoard::default();
    let watch = ThrottleWatch::new(
        3,
        Duration::from_secs(10),
        Duration::from_secs(10),
        board.clone(),
    );
    let t0 = Instant::now();
    for step in 0..10 {
        watch.throttled(t0 + Duration::from_secs(6 * step));
    }
    assert_eq!(status(&board), Some(HealthStatus::Ok));
}
