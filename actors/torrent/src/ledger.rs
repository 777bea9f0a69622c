//! The one ordered writer of the catalogue (`torrents` table).
//!
//! Why: when every change spawned its own task, two changes to one row could
//! land in either order, and a failed write was silently lost. Here every
//! insert, update and delete of the engine goes into one queue, served by
//! one thread in order. A write that fails because the database is away is
//! retried (with backoff) and blocks the ones behind it, so order holds;
//! the `engine.catalogue` health entry is degraded meanwhile. A write the
//! database refuses for good (e.g. a duplicate) is dropped and reported.
//!
//! Inserts and deletes answer their caller. Their caller waits at most
//! `REPLY_DEADLINE`; an operation still queued then is answered
//! `Unavailable` and taken out of the queue, so it can never land after
//! its caller gave up (the caller undoes or refuses what it did).

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use revaer_messages::engine::EngineError;
use revaer_messages::health::{ComponentHealth, HealthBoard};
use revaer_schema::models::torrents::{self, NewTorrent, TorrentChanges};
use revaer_schema::{DbError, PgPool};
use std::collections::VecDeque;
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// Name of the writer's entry on the health board.
pub const COMPONENT: &str = "engine.catalogue";

/// How long an insert or delete may wait in the queue.
const REPLY_DEADLINE: Duration = Duration::from_secs(10);

/// Backoff between retries of a failing write.
const RETRY_FIRST: Duration = Duration::from_millis(100);
const RETRY_MAX: Duration = Duration::from_secs(5);

type Reply = oneshot::Sender<Result<(), EngineError>>;

enum Op {
    Insert(Box<NewTorrent>, Reply, Instant),
    Update(String, Box<TorrentChanges>),
    Delete(String, Reply, Instant),
    Flush(oneshot::Sender<()>),
}

/// Handle to the writer thread; it ends when every handle is gone.
#[derive(Clone)]
pub(crate) struct Ledger {
    tx: mpsc::Sender<Op>,
}

impl Ledger {
    /// Starts the writer.
    pub(crate) fn spawn(pool: PgPool, health: HealthBoard) -> Self {
        let (tx, rx) = mpsc::channel();
        health.set(COMPONENT, ComponentHealth::ok());
        let started = std::thread::Builder::new()
            .name("revaer-catalogue".into())
            .spawn(move || serve(&pool, &rx, &health));
        if let Err(err) = started {
            tracing::error!(error = %err, "cannot start the catalogue writer thread");
        }
        Self { tx }
    }

    fn send(&self, op: Op) {
        if self.tx.send(op).is_err() {
            tracing::error!("the catalogue writer is gone; change not recorded");
        }
    }

    /// Inserts a row; resolves when it is written (or refused).
    pub(crate) fn insert(
        &self,
        row: NewTorrent,
    ) -> impl std::future::Future<Output = Result<(), EngineError>> + 'static {
        let (reply, wait) = oneshot::channel();
        self.send(Op::Insert(
            Box::new(row),
            reply,
            Instant::now() + REPLY_DEADLINE,
        ));
        answer(wait)
    }

    /// Queues an update (never lost while the process lives; retried).
    pub(crate) fn update(&self, id: String, changes: TorrentChanges) {
        self.send(Op::Update(id, Box::new(changes)));
    }

    /// Deletes a row; resolves when it is gone (or could not be deleted).
    pub(crate) fn delete(
        &self,
        id: String,
    ) -> impl std::future::Future<Output = Result<(), EngineError>> + 'static {
        let (reply, wait) = oneshot::channel();
        self.send(Op::Delete(id, reply, Instant::now() + REPLY_DEADLINE));
        answer(wait)
    }

    /// Resolves once everything queued before it is written or dropped.
    pub(crate) fn flush(&self) -> impl std::future::Future<Output = ()> + 'static {
        let (done, wait) = oneshot::channel();
        self.send(Op::Flush(done));
        async move {
            // A closed channel means the writer thread is gone, and with it
            // everything queued: there is nothing left to wait for.
            let _ = wait.await;
        }
    }
}

/// Whether `changes` change nothing (such an update is not even queued).
pub(crate) fn is_empty(changes: &TorrentChanges) -> bool {
    let TorrentChanges {
        name,
        torrent_file,
        save_path,
        file_priorities,
        sequential,
        download_limit,
        upload_limit,
        paused,
        state,
        progress,
        total_size,
        completed_at,
        category,
        tags,
        share_ratio_limit,
        share_seeding_minutes,
        share_inactive_minutes,
        force_start,
        queue_position,
        first_last_piece_prio,
        super_seeding,
    } = changes;
    name.is_none()
        && torrent_file.is_none()
        && save_path.is_none()
        && file_priorities.is_none()
        && sequential.is_none()
        && download_limit.is_none()
        && upload_limit.is_none()
        && paused.is_none()
        && state.is_none()
        && progress.is_none()
        && total_size.is_none()
        && completed_at.is_none()
        && category.is_none()
        && tags.is_none()
        && share_ratio_limit.is_none()
        && share_seeding_minutes.is_none()
        && share_inactive_minutes.is_none()
        && force_start.is_none()
        && queue_position.is_none()
        && first_last_piece_prio.is_none()
        && super_seeding.is_none()
}

async fn answer(wait: oneshot::Receiver<Result<(), EngineError>>) -> Result<(), EngineError> {
    wait.await.unwrap_or_else(|_| {
        Err(EngineError::Unavailable(
            "the catalogue writer stopped".into(),
        ))
    })
}

/// Whether a failure is the database refusing this write for good.
fn permanent(err: &DbError) -> bool {
    match err {
        DbError::Query(DieselError::DatabaseError(kind, _)) => matches!(
            kind,
            DatabaseErrorKind::UniqueViolation
                | DatabaseErrorKind::ForeignKeyViolation
                | DatabaseErrorKind::NotNullViolation
                | DatabaseErrorKind::CheckViolation
        ),
        DbError::Query(DieselError::QueryBuilderError(_) | DieselError::SerializationError(_))
        | DbError::Corrupt(_) => true,
        _ => false,
    }
}

fn apply(pool: &PgPool, op: &Op) -> Result<(), DbError> {
    let mut conn = pool.get()?;
    match op {
        Op::Insert(row, ..) => torrents::insert(&mut conn, row).map(drop),
        Op::Update(id, changes) => torrents::update(&mut conn, id, changes).map(drop),
        Op::Delete(id, ..) => torrents::delete(&mut conn, id).map(drop),
        Op::Flush(_) => Ok(()),
    }
}

/// Answers and drops queued inserts and deletes whose caller gave up.
fn expire(queue: &mut VecDeque<Op>) {
    let now = Instant::now();
    queue.retain(|op| {
        !matches!(op, Op::Insert(_, _, deadline) | Op::Delete(_, _, deadline) if *deadline <= now)
    });
}

fn finish(op: Op, result: Result<(), EngineError>) {
    match op {
        // The write is done (or failed and was reported in `result`); a
        // caller that stopped waiting simply does not hear about it.
        Op::Insert(_, reply, _) | Op::Delete(_, reply, _) => {
            let _ = reply.send(result);
        }
        Op::Flush(done) => {
            let _ = done.send(());
        }
        Op::Update(..) => {}
    }
}

fn serve(pool: &PgPool, rx: &mpsc::Receiver<Op>, health: &HealthBoard) {
    let mut queue: VecDeque<Op> = VecDeque::new();
    let mut failures: u32 = 0;
    loop {
        if queue.is_empty() {
            match rx.recv() {
                Ok(op) => queue.push_back(op),
                Err(_) => return,
            }
        }
        queue.extend(rx.try_iter());
        expire(&mut queue);
        let Some(op) = queue.pop_front() else {
            continue;
        };
        match apply(pool, &op) {
            Ok(()) => {
                if failures > 0 {
                    failures = 0;
                    health.set(COMPONENT, ComponentHealth::ok());
                }
                finish(op, Ok(()));
            }
            Err(err) if permanent(&err) => {
                tracing::error!(error = %err, "catalogue write refused; dropped");
                let refused = if torrents::is_duplicate(&err) {
                    EngineError::Internal("the torrent is already in the catalogue".into())
                } else {
                    EngineError::Internal(format!("catalogue write refused: {err}"))
                };
                finish(op, Err(refused));
            }
            Err(err) => {
                failures = failures.saturating_add(1);
                let delay = RETRY_FIRST
                    .saturating_mul(1u32 << failures.min(8))
                    .min(RETRY_MAX);
                tracing::warn!(error = %err, queued = queue.len() + 1, retry_in_ms = delay.as_millis() as u64, "catalogue write failed; retrying");
                health.set(
                    COMPONENT,
                    ComponentHealth::degraded(format!(
                        "catalogue writes failing ({} queued): {err}",
                        queue.len() + 1
                    )),
                );
                queue.push_front(op);
                std::thread::sleep(delay);
            }
        }
    }
}
