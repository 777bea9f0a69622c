//! The `FsOpsOrchestrator` actor: hears about finished torrents, keeps one
//! job per torrent in `fs_jobs`, runs them (a few at a time) as `FsOpsJob`
//! actors and supervises them. See `STATE.md` for the job state machine.
//!
//! Rules:
//! - it learns of completions from the event hub (`completed` events,
//!   resuming by event id when the hub drops it) or from a typed
//!   [`TorrentCompleted`] message; planning uses the newest `ConfigChanged`
//!   snapshot at that moment;
//! - at start it resumes every job that is not done: `running` ones were
//!   interrupted (a crash), `pending` ones wait for their backoff;
//! - `fsops` on the health board is degraded exactly while some job is
//!   failed or backing off, and says so specifically when archive support
//!   is missing;
//! - it never blocks: the store and the filesystem are reached through
//!   blocking threads.

mod cancel;
mod completions;
mod handlers;
mod options;
mod queue;
mod recovery;
mod report;
mod start;

use actix::{Actor, Addr, AsyncContext, Context, SpawnHandle, Supervised};
use revaer_messages::events::{Event, Publish};
use revaer_messages::health::ComponentHealth;
use revaer_messages::torrent::TorrentId;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Duration;

use crate::job::FsOpsJob;
use crate::runner::JobDeps;
use crate::COMPONENT;
pub use options::FsopsOptions;
use report::Failing;

/// Delay before subscribing again after the hub dropped us or was unreachable.
const RESUBSCRIBE_DELAY: Duration = Duration::from_secs(1);
/// How often running jobs are checked for actors that vanished.
const WATCHDOG_INTERVAL: Duration = Duration::from_secs(5);

/// The orchestrator.
pub struct FsOpsOrchestrator {
    options: FsopsOptions,
    deps: Arc<JobDeps>,
    /// `None` while the job's row is being loaded.
    running: HashMap<TorrentId, Option<Addr<FsOpsJob>>>,
    queue: VecDeque<TorrentId>,
    timers: HashMap<TorrentId, SpawnHandle>,
    failing: BTreeMap<TorrentId, Failing>,
    last_event_id: Option<u64>,
    loaded: bool,
    /// Cancel flags of the jobs running now.
    cancels: HashMap<TorrentId, Arc<AtomicBool>>,
    /// Torrents removed in this process, with their `delete_data`: a job
    /// still finishing its step, or being created, is cleaned when it
    /// reports instead of running or failing. A new completion (re-add)
    /// clears the entry.
    removed: HashMap<TorrentId, bool>,
}

impl FsOpsOrchestrator {
    /// An orchestrator; it loads unfinished jobs and subscribes when started.
    pub fn new(options: FsopsOptions) -> Self {
        let deps = Arc::new(JobDeps {
            pool: options.pool.clone(),
            fs: options.fs.clone(),
            events: options.events.clone(),
            engine: options.engine.clone(),
            metrics: options.metrics.clone(),
            hooks: options.hooks.clone(),
            retry: options.retry,
        });
        options.health.set(COMPONENT, ComponentHealth::ok());
        Self {
            options,
            deps,
            running: HashMap::new(),
            queue: VecDeque::new(),
            timers: HashMap::new(),
            failing: BTreeMap::new(),
            last_event_id: None,
            loaded: false,
            cancels: HashMap::new(),
            removed: HashMap::new(),
        }
    }

    fn publish(&self, event: Event) {
        if let Some(events) = &self.options.events {
            events.do_send(Publish::new(event));
        }
    }
}

impl Actor for FsOpsOrchestrator {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.load(ctx);
        self.subscribe(ctx);
        ctx.run_interval(WATCHDOG_INTERVAL, |act, ctx| act.watchdog(ctx));
    }
}

impl Supervised for FsOpsOrchestrator {
    /// Timers and the hub stream belonged to the old context; `started`
    /// reloads from the store and subscribes again (resuming by event id).
    /// Jobs still running keep running and report to the new context.
    fn restarting(&mut self, _ctx: &mut Context<Self>) {
        tracing::warn!("fsops orchestrator restarting");
        self.timers.clear();
        self.queue.clear();
        self.running
            .retain(|_, addr| addr.as_ref().is_some_and(Addr::connected));
    }
}
