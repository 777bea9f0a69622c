//! The one resume writer: every fast-resume write and delete of the engine
//! goes through this queue, served by one thread, so two writes for one
//! torrent can never race and a delete queued after a write always wins.
//!
//! The thread takes whatever is queued (up to `MAX_BATCH`), keeps only the
//! last operation per torrent (a torrent saved twice in a burst is written
//! once), writes the batch (`ResumeStore::write_batch`) and then answers
//! the flushes queued with it. A flush therefore means "everything queued
//! before me is on disk", which the save-and-stop path relies on.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::metrics::EngineMetrics;
use crate::resume::ResumeStore;

/// Most operations taken into one batch.
const MAX_BATCH: usize = 4096;

/// How long the writer waits for more work after the first operation of a
/// batch. Why: answers arrive one pump tick at a time, and a batch of one
/// costs a `fsync` (about 2.5 ms here) where a batch of thousands costs one
/// `syncfs`; 20 ms of delay turns a stop's stream of answers into a few
/// large batches.
const LINGER: Duration = Duration::from_millis(20);

enum Op {
    Write { id: String, data: Vec<u8> },
    Remove { id: String },
    Retarget(ResumeStore),
    Flush(tokio::sync::oneshot::Sender<()>),
}

/// Handle to the writer thread; the thread ends when every handle is gone.
#[derive(Clone)]
pub(crate) struct ResumeWriter {
    tx: mpsc::Sender<Op>,
}

impl ResumeWriter {
    /// Starts the writer thread for `store`.
    pub(crate) fn spawn(store: ResumeStore, metrics: EngineMetrics) -> Self {
        let (tx, rx) = mpsc::channel();
        let started = std::thread::Builder::new()
            .name("revaer-resume".into())
            .spawn(move || serve(store, &rx, &metrics));
        if let Err(err) = started {
            // Every write then fails visibly (logged below, counted as failed).
            tracing::error!(error = %err, "cannot start the resume writer thread");
        }
        Self { tx }
    }

    fn send(&self, op: Op) {
        if self.tx.send(op).is_err() {
            tracing::error!("the resume writer is gone; resume data not written");
        }
    }

    /// Queues a torrent's resume data.
    pub(crate) fn write(&self, id: String, data: Vec<u8>) {
        self.send(Op::Write { id, data });
    }

    /// Queues the deletion of a torrent's resume file.
    pub(crate) fn remove(&self, id: String) {
        self.send(Op::Remove { id });
    }

    /// Later operations go to `store` (the resume directory changed).
    pub(crate) fn retarget(&self, store: ResumeStore) {
        self.send(Op::Retarget(store));
    }

    /// Resolves once everything queued before it is on disk.
    pub(crate) fn flush(&self) -> impl std::future::Future<Output = ()> + 'static {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.send(Op::Flush(done));
        async move {
            // A closed channel means the writer thread is gone, and with it
            // everything queued: there is nothing left to wait for.
            let _ = wait.await;
        }
    }
}

/// Collects the operations that follow `first` for up to `LINGER`, or only
/// those already queued once a flush is waiting.
fn collect(rx: &mpsc::Receiver<Op>, first: Op) -> Vec<Op> {
    let until = Instant::now() + LINGER;
    let mut urgent = matches!(first, Op::Flush(_));
    let mut batch = vec![first];
    while batch.len() < MAX_BATCH {
        let next = if urgent {
            rx.try_recv().ok()
        } else {
            rx.recv_timeout(until.saturating_duration_since(Instant::now()))
                .ok()
        };
        let Some(op) = next else { break };
        urgent |= matches!(op, Op::Flush(_));
        batch.push(op);
    }
    batch
}

fn serve(mut store: ResumeStore, rx: &mpsc::Receiver<Op>, metrics: &EngineMetrics) {
    while let Ok(first) = rx.recv() {
        let batch = collect(rx, first);
        let mut latest: HashMap<String, Option<Vec<u8>>> = HashMap::new();
        let mut flushes = Vec::new();
        for op in batch {
            match op {
                Op::Write { id, data } => {
                    latest.insert(id, Some(data));
                }
                Op::Remove { id } => {
                    latest.insert(id, None);
                }
                Op::Retarget(next) => {
                    apply(&store, std::mem::take(&mut latest), metrics);
                    store = next;
                }
                Op::Flush(done) => flushes.push(done),
            }
        }
        apply(&store, latest, metrics);
        for done in flushes {
            // Nobody waiting any more is fine: the batch is written.
            let _ = done.send(());
        }
    }
}

fn apply(store: &ResumeStore, latest: HashMap<String, Option<Vec<u8>>>, metrics: &EngineMetrics) {
    let mut writes: Vec<(&str, &[u8])> = Vec::new();
    for (id, op) in &latest {
        match op {
            Some(data) => writes.push((id.as_str(), data.as_slice())),
            None => {
                if let Err(err) = store.remove(id) {
                    tracing::warn!(torrent.info_hash = %id, error = %err, "cannot delete resume data");
                }
            }
        }
    }
    if writes.is_empty() {
        return;
    }
    let results = store.write_batch(&writes);
    for ((id, _), result) in writes.iter().zip(results) {
        match result {
            Ok(()) => metrics.resume_saves.with_label_values(&["ok"]).inc(),
            Err(err) => {
                metrics.resume_saves.with_label_values(&["failed"]).inc();
                tracing::error!(torrent.info_hash = %id, error = %err, "cannot write resume data");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(dir: &std::path::Path) -> Result<(ResumeWriter, EngineMetrics), prometheus::Error> {
        let metrics = EngineMetrics::register(&prometheus::Registry::new())?;
        Ok((
            ResumeWriter::spawn(ResumeStore::new(dir), metrics.clone()),
            metrics,
        ))
    }

    #[actix_rt::test]
    async fn the_last_operation_per_torrent_wins_and_flush_waits_for_it(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let (writer, metrics) = writer(dir.path())?;
        let store = ResumeStore::new(dir.path());
        let (a, b) = ("a".repeat(40), "b".repeat(40));
        for round in 0..20u8 {
            writer.write(a.clone(), vec![round]);
        }
        writer.write(b.clone(), b"kept".to_vec());
        writer.remove(b.clone());
        writer.flush().await;
        assert_eq!(store.read(&a)?, Some(vec![19]));
        assert_eq!(store.read(&b)?, None, "a delete after a write wins");
        let written = metrics.resume_saves.with_label_values(&["ok"]).get();
        assert!(
            (1..=21).contains(&written),
            "writes were counted: {written}"
        );
        Ok(())
    }

    #[actix_rt::test]
    async fn retarget_sends_later_writes_to_the_new_directory(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let (first, second) = (tempfile::tempdir()?, tempfile::tempdir()?);
        let (writer, _) = writer(first.path())?;
        let id = "c".repeat(40);
        writer.write(id.clone(), b"old".to_vec());
        writer.retarget(ResumeStore::new(second.path()));
        writer.write(id.clone(), b"new".to_vec());
        writer.flush().await;
        assert_eq!(
            ResumeStore::new(first.path()).read(&id)?,
            Some(b"old".to_vec())
        );
        assert_eq!(
            ResumeStore::new(second.path()).read(&id)?,
            Some(b"new".to_vec())
        );
        Ok(())
    }
}
