//! The blocking LISTEN loop, run on a dedicated thread.
//!
//! It owns one connection outside the pool. It reports to the watcher actor
//! only through messages, so the actor never blocks on the database.

use actix::{Addr, Message};
use chrono::{DateTime, Utc};
use diesel::PgConnection;
use revaer_messages::config::ConfigSnapshot;
use revaer_schema::models::{config, revision};
use revaer_schema::{notify, pool, DbError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::watcher::ConfigWatcher;

/// `application_name` of the dedicated LISTEN connection.
pub const APPLICATION_NAME: &str = "revaer_config_watcher";

/// Timing of the loop. Production values are the defaults; tests shorten them.
#[derive(Debug, Clone, Copy)]
pub struct ListenTiming {
    /// How often pending notifications are drained (libpq reads them without blocking).
    pub poll: Duration,
    /// How often the revision is re-read even without notifications; this
    /// doubles as the liveness check of the connection.
    pub recheck: Duration,
    /// First reconnect delay; doubles up to `max_backoff`, resets on success.
    pub initial_backoff: Duration,
    /// Longest reconnect delay.
    pub max_backoff: Duration,
}

impl Default for ListenTiming {
    fn default() -> Self {
        Self {
            poll: Duration::from_millis(20),
            recheck: Duration::from_secs(2),
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// A snapshot newer than (or equal to) what the watcher had.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct Loaded {
    pub snapshot: Arc<ConfigSnapshot>,
    pub bumped_at: DateTime<Utc>,
}

/// The loop lost its connection or could not reload.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct WatchFailed {
    pub error: String,
}

/// The loop (re)connected and is listening.
#[derive(Debug, Message)]
#[rtype(result = "()")]
pub(crate) struct WatchConnected;

/// Runs until `stop` is set. `last_revision` is the newest revision already
/// delivered, so a restart of the loop does not re-deliver old snapshots.
pub(crate) fn run(
    url: String,
    watcher: Addr<ConfigWatcher>,
    stop: Arc<AtomicBool>,
    timing: ListenTiming,
    mut last_revision: i64,
) {
    let mut backoff = timing.initial_backoff;
    while !stop.load(Ordering::Relaxed) {
        match session(
            &url,
            &watcher,
            &stop,
            timing,
            &mut last_revision,
            &mut backoff,
        ) {
            Ok(()) => return,
            Err(err) => {
                tracing::warn!(error = %err, retry_in_ms = backoff.as_millis() as u64, "config watcher lost its connection");
                watcher.do_send(WatchFailed {
                    error: err.to_string(),
                });
                sleep_unless_stopped(backoff, &stop);
                backoff = (backoff * 2).min(timing.max_backoff);
            }
        }
    }
}

/// One connected session: LISTEN, catch up, then poll until an error or stop.
fn session(
    url: &str,
    watcher: &Addr<ConfigWatcher>,
    stop: &AtomicBool,
    timing: ListenTiming,
    last_revision: &mut i64,
    backoff: &mut Duration,
) -> Result<(), DbError> {
    let mut conn = pool::connect(url)?;
    // Named so operators (and tests) can find it in pg_stat_activity.
    diesel::RunQueryDsl::execute(
        diesel::sql_query(format!("SET application_name = '{APPLICATION_NAME}'")),
        &mut conn,
    )?;
    notify::listen_settings(&mut conn)?;
    // LISTEN is in place before we read: anything committed from now on
    // produces a notification, and anything before is caught by this read.
    catch_up(&mut conn, watcher, last_revision)?;
    *backoff = timing.initial_backoff;
    watcher.do_send(WatchConnected);

    let mut last_check = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(timing.poll);
        let notifications = notify::drain_settings(&mut conn)?;
        let newest = notifications.iter().map(|n| n.revision).max();
        let behind = newest.is_some_and(|rev| rev > *last_revision);
        if behind || last_check.elapsed() >= timing.recheck {
            catch_up(&mut conn, watcher, last_revision)?;
            last_check = Instant::now();
        }
    }
    Ok(())
}

/// Reloads and delivers the snapshot when the stored revision is ahead of
/// what subscribers have seen.
fn catch_up(
    conn: &mut PgConnection,
    watcher: &Addr<ConfigWatcher>,
    last_revision: &mut i64,
) -> Result<(), DbError> {
    let current = revision::current(conn)?;
    if current.revision <= *last_revision && *last_revision >= 0 {
        return Ok(());
    }
    let snapshot = config::load_snapshot(conn)?;
    *last_revision = snapshot.revision;
    watcher.do_send(Loaded {
        snapshot: Arc::new(snapshot),
        bumped_at: current.updated_at,
    });
    Ok(())
}

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) {
    let step = Duration::from_millis(50);
    let deadline = Instant::now() + total;
    while Instant::now() < deadline && !stop.load(Ordering::Relaxed) {
        std::thread::sleep(step.min(deadline.saturating_duration_since(Instant::now())));
    }
}
